"""Writes the corpus: `.venv/bin/python tests/data/fhir_forms/_generate.py`.

For each case the disabled items are written here by hand (`off`: the highest disabled
paths; whatever is inside a disabled group is off too); the reference evaluator in
`_engine.py` computes the enabled set by the R4 rules, and the two must agree before any
file is written. The features of each form are detected by the corpus test's own code.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _engine import Form  # noqa: E402
from forms import FORMS  # noqa: E402
from refused import REFUSED  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "corpus_test", HERE.parents[1] / "unit" / "test_fhir_corpus_valid.py")
corpus_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus_test)

VOCAB = [
    *(f"type:{t}" for t in ["boolean", "decimal", "integer", "date", "dateTime", "time",
                            "string", "text", "url", "choice", "open-choice", "attachment",
                            "reference", "quantity", "display", "group"]),
    *(f"enableWhen:exists:{t}" for t in ["boolean", "integer", "string", "choice",
                                         "open-choice", "url", "attachment", "time", "date"]),
    *(f"enableWhen:{op}:{t}" for op in ["=", "!="]
      for t in ["boolean", "coding", "string", "integer", "decimal", "date"]),
    "enableWhen:=:time", "enableWhen:=:quantity", "enableWhen:=:reference",
    *(f"enableWhen:{op}:{t}" for op in [">", "<", ">=", "<="]
      for t in ["integer", "decimal", "date", "dateTime", "time", "quantity"]),
    "enableWhen:>=:string", "enableWhen:<:string",
    "enableBehavior:any", "enableBehavior:all", "enableWhen:forward",
    "enableWhen:same-instance", "enableWhen:ancestor-instance", "enableWhen:unanswered",
    "disabled-answer-ignored",
    *(f"repeats:{t}" for t in ["choice", "open-choice", "string", "time", "attachment"]),
    "repeating-group", "nested-repeating-group", "repeating-group:no-instances",
    *(f"answerOption:{k}" for k in ["valueCoding", "valueString", "valueInteger", "valueDate",
                                    "valueTime", "valueReference"]),
    "initialSelected",
    *(f"initial:{t}" for t in ["boolean", "string", "integer", "decimal", "date", "time",
                               "coding"]),
    "answerValueSet:contained", "readOnly", "required", "maxLength", "no-maxLength",
    *(f"{m}:{t}" for m in ["minValue", "maxValue"] for t in ["integer", "decimal", "date"]),
    "prefix",
    *(f"itemControl:{c}" for c in ["drop-down", "radio-button", "check-box", "autocomplete",
                                   "text-box"]),
    "translation", "linkId:odd-characters", "coding-without-display", "coding-without-system",
]
DESCRIBE = {
    "enableWhen:exists:<type>": "an `exists` condition on a question of that item type",
    "enableWhen:<op>:<type>": "a condition with that operator and answer[x] type "
                              "(coding = answerCoding)",
    "enableWhen:forward": "the question comes later in the form than the item",
    "enableWhen:same-instance": "item and question in the same repeating-group instance",
    "enableWhen:ancestor-instance": "the question in an enclosing repeating group's instance",
    "enableWhen:unanswered": "a case where a condition's question has no answer",
    "disabled-answer-ignored": "a case whose response answers a disabled question that "
                               "another item depends on (it counts as unanswered)",
    "repeating-group:no-instances": "a case with an enabled repeating group and no instance "
                                    "in the response (one empty instance 0 is listed)",
    "no-maxLength": "a string or text item without maxLength",
    "linkId:odd-characters": "linkIds with `/`, `:` or `.`",
}


def paths_off(form: Form, paths, off):
    off = {tuple([o]) if isinstance(o, str) else tuple(o) for o in off}
    bad = off - set(paths)
    assert not bad, f"off paths not in the form: {bad}"

    def ancestors(p):
        while p is not None:
            yield p
            lid, prefix = p[-1], p[:-1]
            parent = form.parent[lid]
            p = None if parent is None else (prefix[:-1] if form.is_rgroup(parent)
                                             else prefix + (parent,))
    return [p for p in paths if not any(a in off for a in ancestors(p))]


def case_features(form: Form, response, paths, enabled):
    found = set()
    en = set(enabled)
    targets = {ew["question"] for d in form.defs.values() for ew in d.get("enableWhen", [])}
    answered = set()

    def collect(items, prefix, counts):
        for r in items:
            lid = r["linkId"]
            if form.is_rgroup(lid):
                i = counts.get(lid, 0)
                counts[lid] = i + 1
                collect(r["item"], prefix + (lid, i), {})
            elif "item" in r:
                collect(r["item"], prefix, counts)
            else:
                answered.add(prefix + (lid,))
    collect(response["item"], (), {})
    if any(p not in en and p[-1] in targets for p in answered):
        found.add("disabled-answer-ignored")
    # an unanswered (or disabled) question in a condition of an item that is evaluated
    for p in paths:
        d = form.defs[p[-1]]
        for ew in d.get("enableWhen", []):
            qchain = form.chain[ew["question"]]
            qp = p[:2 * len(qchain)] + (ew["question"],) if qchain else (ew["question"],)
            if qp not in answered:
                found.add("enableWhen:unanswered")
    for p in enabled:
        if form.is_rgroup(p[-1]) and p + (0,) not in {q[:len(p) + 1] for q in answered}:
            found.add("repeating-group:no-instances")
    return found


def main():
    out = HERE
    for old in list(out.glob("*.json")) + list((out / "refused").glob("*.json")):
        old.unlink()
    coverage: dict[str, list[str]] = {f: [] for f in VOCAB}
    summary = []
    for build in FORMS:
        q, cases = build()
        form = Form(q)
        form.finish()
        features = corpus_test.structural_features(q)
        written = []
        for n, (name, answers, off, *status) in enumerate(cases):
            r = form.response(f"{q['id']}-{n + 1}", answers, *(status or ["completed"]))
            paths, enabled = form.evaluate(r)
            expected = paths_off(form, paths, off)
            assert enabled == expected, (q["id"], name,
                                         "evaluator only:", sorted(set(enabled) - set(expected)),
                                         "hand only:", sorted(set(expected) - set(enabled)))
            features |= case_features(form, r, paths, enabled)
            written.append({"name": name, "response": r, "enabled": [list(p) for p in enabled]})
        unknown = features - set(VOCAB)
        assert not unknown, (q["id"], unknown)
        for f in features:
            coverage[f].append(q["id"])
        (out / f"{q['id']}.json").write_text(json.dumps(q, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
        (out / f"{q['id']}.cases.json").write_text(json.dumps(
            {"features": sorted(features), "cases": written}, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
        summary.append((q["id"], q["title"], len(written)))
    missing = [f for f, forms in coverage.items() if not forms]
    assert not missing, missing
    for q, problems in REFUSED:
        (out / "refused" / f"{q['id']}.json").write_text(
            json.dumps(q, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / "refused" / f"{q['id']}.expected.json").write_text(
            json.dumps({"problems": problems}, indent=2) + "\n", encoding="utf-8")
    lines = ["# Features of the FHIR R4 form corpus", "",
             "Written by `_generate.py` (run it after editing `forms.py` or `refused.py`). Each "
             "form's `<id>.cases.json` lists its features; the corpus test checks that the "
             "structural ones are really in the form and that every feature below is covered.",
             "", "Patterns: " + "; ".join(f"`{k}`: {v}" for k, v in DESCRIBE.items()) + ".", "",
             f"{len(summary)} forms, {sum(n for *_, n in summary)} cases, {len(VOCAB)} features, "
             f"{len(REFUSED)} refused forms.", "",
             "| feature | forms |", "|---|---|"]
    lines += [f"| `{f}` | {', '.join(sorted(coverage[f]))} |" for f in VOCAB]
    lines += ["", "## Forms", "", "| id | title | cases |", "|---|---|---|"]
    lines += [f"| {i} | {t} | {n} |" for i, t, n in summary]
    lines += ["", "## Refused forms (`refused/`)", "", "| id | problems to name |", "|---|---|"]
    lines += [f"| {q['id']} | {', '.join(f'`{p}`' for p in problems)} |" for q, problems in REFUSED]
    (out / "FEATURES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(summary)} forms, {sum(n for *_, n in summary)} cases, {len(VOCAB)} features")


if __name__ == "__main__":
    main()
