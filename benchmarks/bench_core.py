"""Core benchmarks, in this process: comparison and agreement on a big case (20 clinicians x
10 options, every opinion and view filled) and the case store with 1,000 cases.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time

from bench_lib import summary

ASPECTS = ("benefits", "risks", "how_well", "daily_now", "daily_later", "recovery", "cost")


def big_case(clinicians: int = 20, options: int = 10):
    """A case with `clinicians` clinicians, each with one opinion that fills every field and a
    view of every one of `options` options (some answers agree, some differ), the surgery form
    answered, and preferences rated for every option."""
    from sonb import Case, Clinician, Factor, Opinion, Option, OptionView, Preferences, Role
    from sonb.examples import load_example

    rng = random.Random(7)
    example = load_example("back_pain")
    answers = dict(example.opinions[0].answers)
    roles = [Role.primary, Role.first_opinion] + [Role.second_opinion, Role.other_professional] * 20
    people = [Clinician(id=f"c{i:02d}", name=f"Dr. Clinician {i}", specialty="Spine care",
                        role=roles[i], institution=f"Clinic {i % 7}")
              for i in range(clinicians)]
    choices = [Option(id=f"o{j:02d}", name=f"Option {j}", description=f"What option {j} involves.")
               for j in range(options)]

    def said(field: str, j: int) -> str:
        # three versions of each answer, so that clinicians sometimes agree and sometimes differ
        return f"{field} of option {j}, version {rng.randrange(3)}: " + "a few words more. " * 3

    opinions = [
        Opinion(id=f"p{i:02d}", clinician_id=p.id, diagnosis=f"Diagnosis version {rng.randrange(3)}",
                recommended_option=f"o{rng.randrange(options):02d}",
                confidence=rng.choice(["very_sure", "fairly_sure", "not_sure"]),
                what_if_wait=f"Waiting version {rng.randrange(3)}",
                views={o.id: OptionView(**{f: said(f, j) for f in ASPECTS})
                       for j, o in enumerate(choices)},
                form_kind="surgery", answers=answers)
        for i, p in enumerate(people)
    ]
    factors = [Factor(id=f"f{k}", label=f"What matters {k}", weight=rng.randint(1, 5)) for k in range(6)]
    fit = {o.id: {f.id: rng.randint(0, 5) for f in factors} for o in choices}
    return Case(decision="A big decision", kind="surgery", clinicians=people, options=choices,
                opinions=opinions, preferences=Preferences(factors=factors, fit=fit))


def timed(fn, n: int, warmup: int = 1) -> dict:
    """Milliseconds per call of fn(): `warmup` calls not counted, then n calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return summary(times)


def compare_benchmarks(n: int) -> dict:
    from sonb import compare as C

    case = big_case()
    t = time.perf_counter()
    C.comparison_table(case)  # the first call also imports pandas
    first = (time.perf_counter() - t) * 1000
    out = {
        "shape": f"{len(case.clinicians)} clinicians x {len(case.options)} options, "
                 f"{len(case.opinions)} opinions with {sum(len(o.views) for o in case.opinions)} views",
        "first_call_ms": first,
        # every pair of answers judged afresh (the cache of recent cases cleared each time)
        "compared_cold": timed(lambda: (C._RECENT.clear(), C.compared(case)), n),
        "comparison_table": timed(lambda: C.comparison_table(case), n),
        "agreement": timed(lambda: C.agreement(case), n),
        # for information: the other tables of step 5, and the whole step as the kernel builds it
        "options_table": timed(lambda: C.options_table(case), n),
        "unanswered_table": timed(lambda: C.unanswered_table(case), n),
        "guidance": timed(lambda: C.guidance(case), n),
        "option_fit": timed(lambda: C.option_fit(case), n),
        "validate_case": timed(lambda: type(case).parse(case.model_dump(mode="json")), n),
    }
    folder = tempfile.mkdtemp(prefix="sonb-bench-compare-")
    try:
        from sonb import CaseStore
        from sonb.widgets.compare import CompareView
        from sonb.widgets.session import CaseSession

        with CaseStore(folder) as store:
            view = CompareView(CaseSession(store, store.create(case)))
            view.widget  # build once
            out["compare_step_kernel"] = timed(view.refresh, n)
            out["compare_step_html_kb"] = len(view.html) / 1024
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def store_benchmarks(n: int, cases: int = 1000) -> dict:
    from sonb import Case, CaseStore
    from sonb.examples import load_example

    folder = tempfile.mkdtemp(prefix="sonb-bench-store-")
    try:
        example = load_example("back_pain")
        with CaseStore(folder) as store:
            t = time.perf_counter()
            ids = [store.create(example.model_copy(update={"id": Case().id, "revision": 0})).id
                   for _ in range(cases)]
            fill = time.perf_counter() - t
            rng = random.Random(1)
            loaded = {}

            def load():
                cid = rng.choice(ids)
                loaded[cid] = store.load(cid)

            def save():
                # a patient's edit: the latest revision of a case, one field changed, saved
                cid = rng.choice(ids)
                case = loaded.pop(cid, None) or store.load(cid)
                edited = case.model_copy(update={"decision": case.decision + " (edited)"})
                t = time.perf_counter()
                store.save(edited)
                return (time.perf_counter() - t) * 1000

            out = {"cases": cases, "fill_s": fill,
                   "load": timed(load, n),
                   "list": timed(store.list, n)}
            save()
            out["save"] = summary([save() for _ in range(n)])
            out["listed"] = len(store.list())
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
