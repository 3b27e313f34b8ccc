"""Builders and a reference enableWhen evaluator used by `_generate.py` to write the corpus.

Not a test and not part of sonb: it only turns the compact form and case definitions in
`_generate.py` into FHIR R4 JSON, and computes each case's enabled paths by the R4 rules
(https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.item.enableWhen),
which `_generate.py` then compares with the disabled items written by hand for each case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

BASE = "http://example.org/fhir/Questionnaire/"
EXT = "http://hl7.org/fhir/StructureDefinition/"
CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
UCUM = "http://unitsofmeasure.org"
TRANSLATION = EXT + "translation"

VALUE_KEY = {"boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger",
             "date": "valueDate", "dateTime": "valueDateTime", "time": "valueTime",
             "string": "valueString", "text": "valueString", "url": "valueUri",
             "attachment": "valueAttachment", "reference": "valueReference",
             "quantity": "valueQuantity"}
ANSWER_KEY = {"boolean": "answerBoolean", "decimal": "answerDecimal", "integer": "answerInteger",
              "date": "answerDate", "dateTime": "answerDateTime", "time": "answerTime",
              "string": "answerString", "text": "answerString", "quantity": "answerQuantity",
              "reference": "answerReference"}


def translation(es: str) -> dict:
    return {"extension": [{"url": TRANSLATION, "extension": [
        {"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": es}]}]}


def coding(code, display=None, system=None) -> dict:
    c = {}
    if system:
        c["system"] = system
    c["code"] = code
    if display:
        c["display"] = display
    return c


def qty(value, unit) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def item(link_id, type_, text=None, *, required=None, repeats=None, read_only=None,
         max_length=None, prefix=None, options=None, value_set=None, initial=None,
         control=None, min_value=None, max_value=None, when=None, behavior=None,
         items=None, es=None):
    """One Questionnaire.item. `options`: list of ('coding', code, display, system) or
    ('string'|'integer'|'date'|'time'|'reference', value[, selected]) tuples; a trailing
    '*' element marks initialSelected. `when`: list of (question, operator, answer)."""
    it = {"linkId": link_id}
    if prefix:
        it["prefix"] = prefix
    if text is not None:
        it["text"] = text
    if es is not None:
        it["_text"] = translation(es)
    it["type"] = type_
    if when:
        it["enableWhen"] = [{"question": q, "operator": op, "answer": a} for q, op, a in when]
        if behavior:
            it["enableBehavior"] = behavior
    for flag, key in ((required, "required"), (repeats, "repeats"), (read_only, "readOnly")):
        if flag is not None:
            it[key] = flag
    if max_length is not None:
        it["maxLength"] = max_length
    if value_set:
        it["answerValueSet"] = value_set
    if options:
        it["answerOption"] = []
        for opt in options:
            selected = opt[-1] == "*"
            opt = opt[:-1] if selected else opt
            kind = opt[0]
            if kind == "coding":
                o = {"valueCoding": coding(*opt[1:])}
            elif kind == "reference":
                o = {"valueReference": {"reference": opt[1], "display": opt[2]}}
            else:
                o = {"value" + kind[0].upper() + kind[1:]: opt[1]}
            if selected:
                o["initialSelected"] = True
            it["answerOption"].append(o)
    if initial is not None:
        it["initial"] = initial if isinstance(initial, list) else [initial]
    ext = []
    if control:
        ext.append({"url": EXT + "questionnaire-itemControl", "valueCodeableConcept": {
            "coding": [{"system": CONTROL, "code": control}]}})
    for bound, name in ((min_value, "minValue"), (max_value, "maxValue")):
        if bound is not None:
            key, value = bound
            ext.append({"url": EXT + name, key: value})
    if ext:
        it["extension"] = ext
    if items:
        it["item"] = items
    return it


def questionnaire(id_, title, items, *, contained=None, title_es=None, description=None):
    q = {"resourceType": "Questionnaire", "id": id_, "url": BASE + id_, "status": "active",
         "title": title}
    if title_es:
        q["_title"] = translation(title_es)
    if description:
        q["description"] = description
    if contained:
        q["contained"] = contained
    q["item"] = items
    return q


def value_set(id_, codes) -> dict:
    return {"resourceType": "ValueSet", "id": id_, "status": "active",
            "expansion": {"timestamp": "2024-01-01T00:00:00Z",
                          "contains": [coding(*c) for c in codes]}}


# ---------------------------------------------------------------- the form's structure

class Form:
    def __init__(self, q: dict):
        self.q = q
        self.defs: dict[str, dict] = {}
        self.parent: dict[str, str | None] = {}
        self.chain: dict[str, tuple] = {}   # repeating groups above (not the item itself)
        self.order: dict[str, int] = {}
        self.vs = {c["id"]: c for c in q.get("contained", [])}

        def walk(items, parent, chain):
            for it in items:
                lid = it["linkId"]
                assert lid not in self.defs, lid
                self.defs[lid] = it
                self.parent[lid] = parent
                self.chain[lid] = chain
                self.order[lid] = len(self.order)
                inner = chain + (lid,) if it["type"] == "group" and it.get("repeats") else chain
                walk(it.get("item", []), lid, inner)
        walk(q["item"], None, ())

    def is_rgroup(self, lid):
        d = self.defs[lid]
        return d["type"] == "group" and bool(d.get("repeats"))

    def choices(self, lid) -> list:
        d = self.defs[lid]
        if "answerOption" in d:
            return d["answerOption"]
        vs = self.vs[d["answerValueSet"].lstrip("#")]
        return [{"valueCoding": c} for c in vs["expansion"]["contains"]]

    def value(self, lid, v) -> dict:
        """A response answer for item `lid` from a compact value."""
        d = self.defs[lid]
        t = d["type"]
        if t in ("choice", "open-choice"):
            for opt in self.choices(lid):
                (key, ov), = [(k, x) for k, x in opt.items() if k.startswith("value")]
                if key == "valueCoding" and v == ov["code"]:
                    return {key: ov}
                if key == "valueReference" and v == ov["reference"]:
                    return {key: ov}
                if key != "valueCoding" and key != "valueReference" and v == ov:
                    return {key: ov}
            assert t == "open-choice" and isinstance(v, str), (lid, v)
            return {"valueString": v}
        if t == "quantity":
            return {"valueQuantity": qty(*v)}
        if t == "reference":
            return {"valueReference": {"reference": v}}
        if t == "boolean":
            assert isinstance(v, bool)
        return {VALUE_KEY[t]: v}

    def answer_of(self, lid, v) -> dict:
        """The enableWhen answer[x] for question `lid` from a compact value."""
        d = self.defs[lid]
        t = d["type"]
        if t in ("choice", "open-choice"):
            if isinstance(v, tuple) and v[0] == "string":
                return {"answerString": v[1]}
            ans = self.value(lid, v)
            (key, val), = ans.items()
            if key == "valueCoding":
                return {"answerCoding": {k: val[k] for k in ("system", "code") if k in val}}
            if key == "valueReference":
                return {"answerReference": {"reference": val["reference"]}}
            return {"answer" + key[5:]: val}
        if t == "quantity":
            return {"answerQuantity": qty(*v)}
        if t == "reference":
            return {"answerReference": {"reference": v}}
        return {ANSWER_KEY[t]: v}

    def finish(self):
        """Turn each enableWhen's compact answer into answer[x]."""
        for lid, d in self.defs.items():
            for ew in d.get("enableWhen", []):
                a = ew.pop("answer")
                ew.update({"answerBoolean": a} if ew["operator"] == "exists"
                          else self.answer_of(ew["question"], a))
        return self.q

    # ------------------------------------------------------------ responses from compact answers

    def response(self, id_, answers: dict, status="completed") -> dict:
        used = set()

        def emit(items, scope):
            out = []
            for it in items:
                lid = it["linkId"]
                if it["type"] == "display":
                    continue
                if it["type"] == "group":
                    if it.get("repeats"):
                        for inst in scope.get(lid, []):
                            used.add(lid)
                            sub = emit(it.get("item", []), inst)
                            assert sub, f"empty instance of {lid}"
                            out.append({"linkId": lid, "item": sub})
                    else:
                        sub = emit(it.get("item", []), scope)
                        if sub:
                            out.append({"linkId": lid, "item": sub})
                elif lid in scope:
                    used.add(lid)
                    vals = scope[lid]
                    vals = vals if isinstance(vals, list) else [vals]
                    assert len(vals) == 1 or it.get("repeats"), lid
                    out.append({"linkId": lid, "answer": [self.value(lid, v) for v in vals]})
            return out

        def keys(scope):
            for k, v in scope.items():
                yield k
                if isinstance(v, list) and v and isinstance(v[0], dict) and self.is_rgroup(k):
                    for inst in v:
                        yield from keys(inst)
        unknown = set(keys(answers)) - set(self.defs)
        assert not unknown, unknown
        r = {"resourceType": "QuestionnaireResponse", "id": id_, "questionnaire": self.q["url"],
             "status": status, "item": emit(self.q["item"], answers)}
        assert used == set(keys(answers)), set(keys(answers)) - used
        return r

    # ------------------------------------------------------------ the R4 enableWhen rules

    def evaluate(self, response: dict) -> tuple[list, list]:
        """(every path of the form for this response, the enabled ones)."""
        answers, instances = {}, {}

        def collect(items, prefix):
            for r in items:
                lid = r["linkId"]
                if self.defs[lid]["type"] == "group":
                    if self.is_rgroup(lid):
                        i = instances.get((prefix, lid), 0)
                        instances[(prefix, lid)] = i + 1
                        collect(r.get("item", []), prefix + (lid, i))
                    else:
                        collect(r.get("item", []), prefix)
                else:
                    answers[(prefix, lid)] = [next(v for k, v in a.items() if k.startswith("value"))
                                              for a in r.get("answer", [])]
        collect(response.get("item", []), ())

        paths = []

        def walk(items, prefix):
            for it in items:
                lid = it["linkId"]
                paths.append(prefix + (lid,))
                if self.is_rgroup(lid):
                    for i in range(max(instances.get((prefix, lid), 0), 1)):
                        walk(it.get("item", []), prefix + (lid, i))
                else:
                    walk(it.get("item", []), prefix)
        walk(self.q["item"], ())

        memo, busy = {}, set()

        def parent_path(path):
            lid, prefix = path[-1], path[:-1]
            p = self.parent[lid]
            if p is None:
                return None
            if self.is_rgroup(p):
                return prefix[:-1]
            return prefix + (p,)

        def enabled(path):
            if path in memo:
                return memo[path]
            assert path not in busy, f"enableWhen loop at {path}"
            busy.add(path)
            pp = parent_path(path)
            ok = enabled(pp) if pp is not None else True
            d = self.defs[path[-1]]
            if ok and d.get("enableWhen"):
                results = [condition(path[:-1], ew) for ew in d["enableWhen"]]
                ok = any(results) if d.get("enableBehavior") == "any" else all(results)
                assert len(results) == 1 or "enableBehavior" in d
            busy.discard(path)
            memo[path] = ok
            return ok

        def condition(prefix, ew):
            q = ew["question"]
            qchain = self.chain[q]
            context = prefix[0::2]
            assert context[:len(qchain)] == qchain, f"{q} is in a repeating group the item is not in"
            qprefix = prefix[:2 * len(qchain)]
            vals = answers.get((qprefix, q), []) if enabled(qprefix + (q,)) else []
            op = ew["operator"]
            (akey, target), = [(k, v) for k, v in ew.items() if k.startswith("answer")]
            if op == "exists":
                return bool(vals) == target
            matches = [compare(akey, v, target) for v in vals]
            if op == "=":
                return any(m == 0 for m in matches)
            if op == "!=":
                return not any(m == 0 for m in matches)
            test = {">": lambda m: m > 0, "<": lambda m: m < 0,
                    ">=": lambda m: m >= 0, "<=": lambda m: m <= 0}[op]
            return any(m is not None and test(m) for m in matches)

        for p in paths:
            enabled(p)
        return paths, [p for p in paths if memo[p]]


def _cmp(a, b):
    return (a > b) - (a < b)


def compare(akey, value, target):
    """-1/0/1 for value against the enableWhen answer, None when not comparable."""
    if akey == "answerCoding":
        if not isinstance(value, dict) or "code" not in value:
            return None
        if value.get("system") and target.get("system") and value["system"] != target["system"]:
            return None
        return 0 if value["code"] == target["code"] else None
    if akey == "answerQuantity":
        if not isinstance(value, dict) or value.get("code") != target.get("code"):
            return None
        return _cmp(Decimal(str(value["value"])), Decimal(str(target["value"])))
    if akey == "answerReference":
        if not isinstance(value, dict):
            return None
        return 0 if value.get("reference") == target["reference"] else None
    if akey == "answerBoolean":
        return 0 if value is target else None
    if akey in ("answerDecimal", "answerInteger"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return _cmp(Decimal(str(value)), Decimal(str(target)))
    if akey == "answerDateTime":
        return _cmp(dt.datetime.fromisoformat(value), dt.datetime.fromisoformat(target))
    if akey in ("answerDate", "answerTime", "answerString"):
        if not isinstance(value, str):
            return None
        return _cmp(value, target)
    raise AssertionError(akey)
