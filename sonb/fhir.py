"""The case's filled forms as FHIR R4 QuestionnaireResponses in a `collection` Bundle.

- `fhir_bundle(case)` / `case_from_fhir_bundle(bundle, case)`: the Bundle, and its answers
  back into a copy of the case.
- `write_fhir_bundle(case, path)` / `read_fhir_bundle(path)`: the Bundle as a .json file.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from . import i18n
from . import questionnaire as qn
from .casefile import MAX_BYTES
from .errors import InvalidInput, SonbError
from .binding import BINDINGS, OPINION, Binding, Target, switch_opinion_form
from .model import Case, DecisionKind
from .pdf import _write_bytes
from .render import _error, _words

FHIR_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sonb:fhir")
URI_SYSTEM = "urn:ietf:rfc:3986"
FORM_SYSTEM = "urn:sonb:form"
CLINICIAN_SYSTEM = "urn:sonb:clinician"


def _uuid(case: Case, part: str) -> str:
    """A stable UUID for a part of a case. It is a one-way hash, so it does not reveal the
    case id (which doubles as the patient's resume code)."""
    return str(uuid.uuid5(FHIR_NAMESPACE, f"{case.id}/{part}"))


def _case_identifier(case: Case) -> dict:
    return {"system": URI_SYSTEM, "value": f"urn:uuid:{_uuid(case, 'case')}"}


def fhir_bundle(case: Case) -> dict:
    """The case's filled forms as a FHIR R4 Bundle (type `collection`) of QuestionnaireResponses.

    One response for each form of `sonb.binding.BINDINGS` that holds answers: the assessment,
    each choice, each person, the plan, each doctor's notes, what matters, readiness before
    and after, and the choice. Each response names what it belongs to in `identifier`
    (system `urn:sonb:form`, value the form's key, with `/<id>` for a form of one doctor or
    record) and its form in `questionnaire` (`urn:sonb:questionnaire:<name>`; a doctor's notes
    name their kind, e.g. `opinion.surgery`). A doctor's notes name the doctor as `author`.
    fullUrls are `urn:uuid:` UUIDs made from the case id and the part, so the same case gives
    the same Bundle. The case id itself is not in the Bundle: it is the patient's resume code.
    """
    responses = [_response(case, binding, target, answers)
                 for binding in BINDINGS.values() for target in binding.targets(case)
                 if (answers := binding.read(case, target))]
    return {
        "resourceType": "Bundle",
        "identifier": _case_identifier(case),
        "type": "collection",
        "timestamp": case.updated.isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in responses],
    }


def _part(binding: Binding, target: Target) -> str:
    return binding.key if target is None else f"{binding.key}/{target}"


def _response(case: Case, binding: Binding, target: Target, answers: dict) -> dict:
    part = _part(binding, target)
    response = qn.to_response(binding.form(case, target), answers)
    extra: dict[str, Any] = {}
    if binding is OPINION:
        clinician = case.clinician(target)
        extra["author"] = {"identifier": {"system": CLINICIAN_SYSTEM, "value": clinician.id},
                           "display": clinician.name}
        date = case.opinion_of(target).date
        if date:
            extra["authored"] = date.isoformat()
    return {"resourceType": "QuestionnaireResponse", "id": _uuid(case, f"form/{part}"),
            "language": i18n.current(), "identifier": {"system": FORM_SYSTEM, "value": part},
            **response, **extra}


def case_from_fhir_bundle(bundle: Mapping, case: Case) -> Case:
    """A copy of `case` holding the answers of a Bundle that `fhir_bundle` made from it.

    Each response replaces the part it names, through the same binding that shows it in the
    app (a doctor's notes in the kind of form the response names). Parts the Bundle does not
    hold stay as they are, and `updated` is not changed, so
    `case_from_fhir_bundle(fhir_bundle(case), case) == case`. Raises SonbError, naming the
    entry, for a Bundle that is not sonb's, comes from another case, or holds answers that do
    not fit; `case` is never changed.
    """
    return _import_bundle(bundle, case, None)


class BundleImport(NamedTuple):
    """A case with the answers of a Bundle that fit, and `left_out`: each answer that did not
    ("entry n: linkId" -> why)."""

    case: Case
    left_out: dict[str, str]


def import_fhir_bundle(bundle: Mapping, case: Case) -> BundleImport:
    """Like `case_from_fhir_bundle`, but an answer that does not fit is left out and named,
    and the others are kept. A Bundle that is not this case's is still refused whole."""
    left_out: dict[str, str] = {}
    return BundleImport(_import_bundle(bundle, case, left_out), left_out)


def _import_bundle(bundle: Mapping, case: Case, left_out: dict[str, str] | None) -> Case:
    resources = _bundle_resources(bundle, case)
    seen: set[str] = set()
    for n, resource in enumerate(resources, 1):
        binding, target = _at_entry(n, _target, resource, case)
        part = _part(binding, target)
        if part in seen:
            raise _error("twice", n=n)
        seen.add(part)
        found: dict[str, str] = {}
        case = _at_entry(n, _import_response, case, binding, target, resource,
                         None if left_out is None else found)
        if left_out is not None:
            left_out.update({f"entry {n}: {where}": why for where, why in found.items()})
    return case


def _at_entry(n: int, action: Callable, *args):
    """`action(*args)`, with any SonbError saying which entry of the Bundle it is about."""
    try:
        return action(*args)
    except SonbError as exc:
        raise _error("bundle_entry", n=n, reason=exc) from None


def _bundle_resources(bundle: Any, case: Case) -> list[Mapping]:
    """The responses of a sonb Bundle made from `case`, checked for shape."""
    errors = _words()["errors"]

    def refuse(reason: str) -> SonbError:
        return _error("bundle", reason=errors[reason])

    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise refuse("not_bundle")
    if bundle.get("type") != "collection":
        raise refuse("not_collection")
    identifier = bundle.get("identifier")
    if not isinstance(identifier, Mapping) or identifier.get("system") != URI_SYSTEM:
        raise refuse("no_case")
    if identifier.get("value") != _case_identifier(case)["value"]:
        raise _error("other_case")
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise refuse("no_entries")
    resources = []
    for n, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "QuestionnaireResponse":
            raise _error("bundle_entry", n=n, reason=errors["not_response"])
        resources.append(resource)
    return resources


def _target(resource: Mapping, case: Case) -> tuple[Binding, Target]:
    """The binding and target a response names in its identifier."""
    identifier = resource.get("identifier")
    value = identifier.get("value") if isinstance(identifier, Mapping) else None
    if not isinstance(value, str) or identifier.get("system") != FORM_SYSTEM:
        raise _error("no_target")
    key, _, target = value.partition("/")
    binding = BINDINGS.get(key)
    if binding is None:
        raise _error("no_target")
    if binding is OPINION:
        if target not in {c.id for c in case.clinicians}:
            raise _error("no_opinion")
    elif (target or None) not in binding.targets(case):
        raise _error("no_record" if binding.records is not None else "no_target")
    return binding, target or None


def _import_response(case: Case, binding: Binding, target: Target, resource: Mapping,
                     left_out: dict[str, str] | None) -> Case:
    """The case with the response's answers written through its binding; all or nothing,
    unless `left_out` is given: then what does not fit goes there and the rest is kept."""
    if binding is OPINION:
        kind = _form_kind(resource)
        case = switch_opinion_form(case, target, kind).case
    form = binding.form(case, target)
    if left_out is None:
        return binding.write(case, target, qn.from_response(form, resource))
    answers, problems = qn.read_response(form, resource)
    left_out.update(problems)
    try:
        return binding.write(case, target, answers)
    except InvalidInput as exc:  # answers the case's model does not take: leave them out
        left_out.update(exc.problems)
        return binding.write(case, target, {k: v for k, v in answers.items() if k not in exc.problems})


def _form_kind(resource: Mapping) -> DecisionKind:
    canonical = str(resource.get("questionnaire") or "").split("|")[0]
    kind = qn.builders.kind_of_opinion_form(canonical)
    if kind is None:
        raise _error("unknown_form", form=canonical[:80] or "none")
    return kind


def write_fhir_bundle(case: Case, path: str | Path) -> Path:
    """Save `fhir_bundle(case)` as a .json file."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        raise _error("json_suffix", name=path.name)
    text = json.dumps(fhir_bundle(case), ensure_ascii=False, indent=2) + "\n"
    _write_bytes(path, text.encode("utf-8"))
    return path


def read_fhir_bundle(path: str | Path) -> dict:
    """Read a Bundle saved as JSON; SonbError when it is missing, too large or not JSON."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _error("read", name=path.name, reason=exc.strerror or type(exc).__name__) from None
    if len(raw) > MAX_BYTES:
        raise _error("bundle", reason=_words()["errors"]["too_large"])
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise _error("bundle", reason=_words()["errors"]["not_json"]) from None
