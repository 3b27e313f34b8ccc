"""The case file format: round trips, and refusal of every kind of bad file."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonb import casefile
from sonb.errors import CaseFileError
from sonb.model import SCHEMA_VERSION, Case
from sonb.store import CaseStore


def envelope_of(case: Case) -> dict:
    return json.loads(casefile.dumps(case))


def encoded(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# -- writing and reading back ----------------------------------------------------------------


def test_dumps_envelope(intl_case):
    env = envelope_of(intl_case)
    assert env["format"] == "sonb-case"
    assert env["schema_version"] == SCHEMA_VERSION
    assert env["exported"].endswith("+00:00")
    assert env["case"]["id"] == intl_case.id


def test_round_trip_keeps_every_script_and_html_verbatim(intl_case, tmp_path):
    path = casefile.write(intl_case, tmp_path / "case.json")
    text = path.read_text(encoding="utf-8")
    html = intl_case.opinions[0].views["o1"].risks
    assert html.startswith("<img")
    for fragment in ("Müller-Ñúñez", "李明", "د. ليلى حسن", "\u200f", "🚶", html):
        assert fragment in text  # stored as typed: no \u escapes, no HTML escaping
    assert casefile.read(path) == intl_case
    assert casefile.loads(text) == intl_case
    assert casefile.loads(memoryview(text.encode())) == intl_case


def test_byte_order_mark_is_accepted(intl_case):
    data = b"\xef\xbb\xbf" + casefile.dumps(intl_case).encode()
    assert casefile.loads(data) == intl_case


def test_write_replaces_atomically(intl_case, tmp_path, monkeypatch):
    path = tmp_path / "case.json"
    path.write_text("old copy")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(casefile.os, "replace", broken_replace)
    with pytest.raises(OSError):
        casefile.write(intl_case, path)
    assert path.read_text() == "old copy"
    assert [p.name for p in tmp_path.iterdir()] == ["case.json"]  # no temp file left


def test_migrations_upgrade_old_files(intl_case, monkeypatch):
    def from_zero(case: dict) -> dict:
        upgraded = dict(case)
        upgraded["decision"] = upgraded.pop("question")
        return upgraded

    env = envelope_of(intl_case)
    env["schema_version"] = 0
    env["case"]["question"] = env["case"].pop("decision")
    env["case"]["schema_version"] = 0
    monkeypatch.setitem(casefile.MIGRATIONS, 0, from_zero)
    assert casefile.loads(encoded(env)) == intl_case


# -- bad files: a clear message, and the store is unchanged ----------------------------------

FHIR_PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Chalmers"}]}
PACKAGE_JSON = {"name": "left-pad", "version": "1.3.0", "dependencies": {}}


def with_case(**changes):
    """A bad file made from the stored case's own file, with `changes` in its case."""
    return lambda env: encoded({**env, "case": {**env["case"], **changes}})


def with_envelope(**changes):
    return lambda env: encoded({**env, **changes})


def nested_in_case(levels: int):
    """A case whose `assessment` holds `levels` nested lists (valid JSON, too deep)."""
    return lambda env: encoded(env).replace(
        b'"assessment": {', b'"assessment": {"x": ' + b"[" * levels + b"]" * levels + b", ", 1
    )


BAD_FILES = {
    "empty": (lambda env: b"", "is empty"),
    "cut off": (lambda env: encoded(env)[:-10], "cut off before its end"),
    "cut inside a character": (
        lambda env: encoded(env).rsplit("é".encode(), 1)[0] + b"\xc3",
        "cut off",
    ),
    "not json": (lambda env: b"Dear Dr Smith, my knee hurts.", "not readable JSON"),
    "NaN": (lambda env: encoded(env).replace(b'"revision": 1', b'"revision": NaN'), "not readable"),
    "duplicate key": (lambda env: b'{"format": "sonb-case", "format": "x"}', "twice"),
    "package.json": (lambda env: encoded(PACKAGE_JSON), "not a sonb case file"),
    "FHIR resource": (lambda env: encoded(FHIR_PATIENT), "not a sonb case file"),
    "bare case": (lambda env: encoded(env["case"]), "not a sonb case file"),
    "array": (lambda env: encoded([env]), "not a sonb case file"),
    "string": (lambda env: b'"sonb-case"', "not a sonb case file"),
    "no case": (with_envelope(case=None), "has no case"),
    "future version": (with_envelope(schema_version=SCHEMA_VERSION + 1), "update sonb"),
    "unknown old version": (with_envelope(schema_version=0), "version sonb does not know"),
    "version as text": (with_envelope(schema_version="1"), "version sonb does not know"),
    "version as bool": (with_envelope(schema_version=True), "version sonb does not know"),
    "100000 levels of [": (lambda env: b"[" * 100_000, "nested more than 20 levels"),
    "deep inside a case": (nested_in_case(25), "nested more than 20 levels"),
    "3 MB": (with_case(decision="x" * 3 * 1024 * 1024), "too large"),
    "not UTF-8": (lambda env: encoded(env).replace("é".encode(), "é".encode("latin-1")), "UTF-8"),
    "100 KB string": (with_case(decision="x" * 100_000), "decision: is too long"),
    "wrong types": (with_case(revision="two", clinicians="Dr Who"), "revision: must be a whole"),
    "missing field": (with_case(clinicians=[{"id": "c9"}]), "clinicians[0].name: is required"),
    "unknown field": (with_case(password="x"), "password: is not a field sonb knows"),
    "broken reference": (with_case(opinions=[{"clinician_id": "nobody"}]), "names a clinician"),
}


def snapshot(store: CaseStore):
    return store.list(), {s.id: store.history(s.id) for s in store.list()}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_refused_and_changes_nothing(name, intl_case, tmp_path):
    make, expected = BAD_FILES[name]
    with CaseStore(tmp_path / "store") as store:
        stored = store.create(intl_case)
        data = make(envelope_of(stored))
        path = tmp_path / "bad.json"
        path.write_bytes(data)
        before = snapshot(store)

        with pytest.raises(CaseFileError, match=re.escape(expected)) as from_bytes:
            casefile.loads(data)
        for source in (path, data):
            with pytest.raises(CaseFileError, match=re.escape(expected)):
                store.import_file(source)

        assert snapshot(store) == before
        assert store.load(stored.id) == stored
    assert "Traceback" not in str(from_bytes.value)


def test_invalid_contents_list_every_problem(intl_case):
    data = with_case(revision="two", decision="x" * 6000, kind="knee")(envelope_of(intl_case))
    with pytest.raises(CaseFileError) as raised:
        casefile.loads(data)
    message = str(raised.value)
    assert "3 problem(s), so nothing was imported" in message
    assert "- revision: must be a whole number" in message
    assert "- decision: is too long" in message
    assert "- kind: must be one of" in message


def test_read_checks_size_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: refused from its size alone
    with pytest.raises(CaseFileError, match=r"too large to be a case file \(50\.0 MB"):
        casefile.read(path)


@pytest.mark.parametrize(
    "make_path, expected",
    [(lambda tmp: tmp / "missing.json", "There is no file"), (lambda tmp: tmp, "is a folder")],
)
def test_read_unopenable_path(make_path, expected, tmp_path):
    with pytest.raises(CaseFileError, match=expected):
        casefile.read(make_path(tmp_path))


def test_text_with_lone_surrogate_is_refused():
    with pytest.raises(CaseFileError, match="not valid text"):
        casefile.loads('{"format": "sonb-case", "x": "\ud800"}')


def test_bracket_inside_text_does_not_count_as_nesting(intl_case):
    case = intl_case.model_copy(update={"decision": "[" * 500 + '\\"{' * 100})
    assert casefile.loads(casefile.dumps(case)) == case


# -- property: loads either returns a Case or raises CaseFileError ---------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(), kids, max_size=5),
    max_leaves=30,
)


def records(fields: list[str]):
    """Dicts with some of `fields`, holding any JSON value."""
    return st.dictionaries(st.sampled_from(fields), json_values)


case_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=70) | st.integers(),
        "revision": json_values,
        "decision": json_values,
        "kind": st.sampled_from(["surgery", "knee", None, 3]),
        "assessment": json_values,
        "clinicians": st.lists(records(["id", "name", "role"])),
        "opinions": st.lists(records(["clinician_id", "views", "answers"])),
        "plan": json_values,
        "choice": json_values,
    },
)


def check_loads(data) -> None:
    try:
        result = casefile.loads(data)
    except CaseFileError as exc:
        assert str(exc)
    else:
        assert isinstance(result, Case)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_loads_any_json_value(value):
    check_loads(json.dumps(value))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(case_like, st.sampled_from([SCHEMA_VERSION, 0, 2, "1", None]))
def test_loads_any_case_in_an_envelope(case, version):
    check_loads(json.dumps({"format": "sonb-case", "schema_version": version, "case": case}))


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_loads_any_bytes(data):
    check_loads(data)


@settings(max_examples=200)
@given(st.text(alphabet='[]{}"\\:,0a ', max_size=200))
def test_loads_any_bracket_soup(text):
    check_loads(text)

