"""A malicious or damaged case file, beyond tests/unit/test_casefile.py.

The unit tests already fuzz `casefile.loads` with hypothesis (any JSON value, any case-like
object in an envelope with known, unknown and future versions, any bytes, bracket soup) and
check deep nesting, oversize and wrong types by example. Added here:

- mutations of a complete, valid case file (bytes cut, flipped or inserted; any value in the
  case tree replaced by another type, removed, or joined by an unknown field), so the checks
  deep inside the model are reached, not only the envelope's;
- nesting at a random depth and place inside a real case (refused above MAX_DEPTH, accepted
  below it, never a RecursionError);
- the size limit at its exact edge;
- the store: every refused file leaves it exactly as it was, every accepted one round-trips.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonb import casefile
from sonb.errors import CaseFileError, CaseTooLarge
from sonb.examples import load_example
from sonb.model import Case
from sonb.store import CaseStore

from .conftest import TRIED

FUZZED = "case files fuzzed (hypothesis examples)"
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.function_scoped_fixture])


def _example() -> Case:
    case = load_example("back_pain")
    return case.model_copy(update={"decision": "Rücken-OP? 背中 <script>alert(1)</script> \u202e"})


CASE = _example()
GOOD = casefile.dumps(CASE).encode("utf-8")
TREE = json.loads(GOOD)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with CaseStore(tmp_path_factory.mktemp("fuzz-store")) as s:
        s.create(CASE)
        yield s


def _state(store: CaseStore):
    return [(c.id, c.revision, c.updated) for c in store.list()]


def _check(store: CaseStore, data: bytes) -> Case | None:
    """loads() and import_file() agree: a Case (stored, round-trips) or CaseFileError with a
    readable message and the store unchanged. Nothing else may escape."""
    TRIED[FUZZED] += 1
    before = _state(store)
    try:
        case = casefile.loads(data)
    except CaseFileError as exc:
        message = str(exc)
        assert message and "Traceback" not in message and "pydantic" not in message.lower()
        with pytest.raises(CaseFileError):
            store.import_file(data)
        assert _state(store) == before
        return None
    assert isinstance(case, Case)
    TRIED[FUZZED + ", of them still valid and stored"] += 1
    assert casefile.loads(casefile.dumps(case)) == case
    stored = store.import_file(data)
    assert store.load(stored.id) == stored
    # (a file missing an id, created or updated gets fresh ones, so compare what was stored)
    assert casefile.loads(casefile.dumps(stored)) == stored
    assert stored.decision == case.decision and len(stored.opinions) == len(case.opinions)
    return case


# -- byte-level mutations of a valid file ----------------------------------------------------

@st.composite
def byte_mutations(draw):
    data = bytearray(GOOD)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "truncate"]))
        if kind == "cut":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12)
                               | st.sampled_from([b'"', b"{", b"[", b"\\", b"\x00", b"\xff",
                                                  b"NaN", b"1e99999", b"-0", b'",""x":"']))
        else:
            del data[at:]
    return bytes(data)


@settings(max_examples=250, **SETTINGS)
@given(byte_mutations())
def test_byte_mutations_of_a_valid_file(store, data):
    _check(store, data)


# -- structure-level mutations: any value in the case tree changed ---------------------------

def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


PATHS = [p for p in _paths(TREE) if p]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30) | st.sampled_from(["", " ", "x" * 6000, "2026-02-30", "../../etc/passwd",
                                             "<script>alert(1)</script>", "surgery", "c1"]),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=12,
)


def _set(tree, path, value):
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(tree, path):
    node = tree
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


@settings(max_examples=300, **SETTINGS)
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "extra"]),
                          json_values), min_size=1, max_size=3))
def test_structure_mutations_of_a_valid_file(store, changes):
    tree = json.loads(GOOD)
    for path, kind, value in changes:
        try:
            if kind == "replace":
                _set(tree, path, value)
            elif kind == "delete":
                _delete(tree, path)
            else:
                parent = path[:-1]
                node = tree
                for key in parent:
                    node = node[key]
                if not isinstance(node, dict):
                    continue
                node["unexpected_" + str(path[-1])[:10]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    data = json.dumps(tree, ensure_ascii=False).encode("utf-8")
    case = _check(store, data)
    if case is not None:  # whatever was accepted is a valid case, fully re-checked
        assert Case.parse(case.model_dump(mode="json")) == case


# -- nesting at any depth, anywhere in a real case -------------------------------------------

@settings(max_examples=150, **SETTINGS)
@given(st.sampled_from([p for p in PATHS if len(p) >= 2]), st.integers(1, 400),
       st.sampled_from(["[", '{"k":']), st.booleans())
def test_nesting_anywhere(store, path, depth, opener, in_string):
    """`depth` levels put where `path` was: refused as "nested" exactly when the file's
    deepest point passes MAX_DEPTH; brackets inside a string never count."""
    tree = json.loads(GOOD)
    closer = "]" if opener == "[" else "}"
    marker = "NEST_HERE_7f3a"
    _set(tree, path, marker)
    nested = opener * depth + "0" + closer * depth
    text = json.dumps(tree, ensure_ascii=False).replace(
        f'"{marker}"', json.dumps(nested) if in_string else nested)
    deepest = len(path) + (0 if in_string else depth)  # the envelope and the containers on path
    try:
        case = _check(store, text.encode("utf-8"))
    except RecursionError:  # pragma: no cover - the point of the test
        pytest.fail("deep nesting reached the JSON parser's recursion")
    if deepest > casefile.MAX_DEPTH:
        assert case is None
        with pytest.raises(CaseFileError, match="nested more than"):
            casefile.loads(text)
    elif case is None:
        with pytest.raises(CaseFileError) as refused:
            casefile.loads(text)
        assert "nested more than" not in str(refused.value)


# -- size: the exact edge of MAX_BYTES -------------------------------------------------------

@pytest.mark.parametrize("extra", [-1, 0, 1, 4096])
def test_size_limit_edge(store, extra):
    """Spaces before the closing brace pad a valid file to MAX_BYTES + extra bytes."""
    body = GOOD.rstrip()[:-1]
    target = casefile.MAX_BYTES + extra
    data = body + b" " * (target - len(body) - 1) + b"}"
    assert len(data) == target
    if extra > 0:
        with pytest.raises(CaseFileError, match="too large"):
            casefile.loads(data)
        assert _check(store, data) is None
    else:
        assert _check(store, data) == CASE


def test_ids_from_a_file_are_checked(store):
    """Ids become resume codes, file names and HTML attributes: only [A-Za-z0-9_-] is allowed
    (a case id has 8 to 64 of them, a clinician id 1 to 64)."""
    common = ["../../etc/passwd", "a b", "<x>", "x" * 65, "", "ü" * 10, "id\x00null",
              '" onmouseover="alert(1)', "a/b", "a.json"]
    for where, bad_ids in ((("case", "id"), [*common, "short"]),
                           (("case", "clinicians", 0, "id"), common)):
        for bad in bad_ids:
            tree = json.loads(GOOD)
            _set(tree, where, bad)
            assert _check(store, json.dumps(tree).encode()) is None, (where, bad)


def test_every_case_the_store_accepts_fits_a_case_file(tmp_path):
    from sonb.model import Clinician, Opinion, Option, OptionView

    text = "x" * 5000
    options = [Option(name=f"choice {i}") for i in range(10)]
    clinicians = [Clinician(name=f"Dr {i}") for i in range(10)]
    view = OptionView(benefits=text, risks=text, how_well=text, daily_now=text,
                      daily_later=text, recovery=text, cost=text)
    opinions = [Opinion(clinician_id=c.id, diagnosis=text, views={o.id: view for o in options})
                for c in clinicians]
    case = Case(decision=text, options=options, clinicians=clinicians, opinions=opinions)
    assert len(casefile.dumps(case).encode("utf-8")) > casefile.MAX_BYTES
    with CaseStore(tmp_path) as store:
        with pytest.raises(CaseTooLarge, match="too large to save"):
            store.create(case)  # refused with a plain message ...
        assert store.list() == []  # ... and nothing stored
        small = store.create(case.model_copy(update={"opinions": opinions[:1]}))
        with pytest.raises(CaseTooLarge):
            store.save(small.model_copy(update={"opinions": opinions}))
        assert store.load(small.id) == small  # the stored case is unchanged
        data = casefile.dumps(store.load(small.id)).encode("utf-8")
    assert casefile.loads(data) == small  # what the store keeps always fits a case file
