"""Run all of sonb's benchmarks and write benchmarks/RESULTS.md (and results.json).

    .venv/bin/python benchmarks/run.py [--quick] [--wait-quiet SECONDS]

--quick: 2 runs per figure and 6 samples per latency (a smoke test; figures are not reliable).
--wait-quiet: first wait up to SECONDS for the 1-minute load average to drop below 1.0.
See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_browser  # noqa: E402
import bench_core  # noqa: E402
import bench_kernel  # noqa: E402
import bench_load  # noqa: E402
from bench_lib import machine  # noqa: E402
from sonb.serve import voila_env  # noqa: E402

TARGETS = {
    "tti_cold_ratio": 1.3,      # app cold / bare cold
    "tti_preheat_ratio": 0.6,   # app preheated / bare cold
    "latency_p95_ms": 100,
    "memory_extra_mb": 60,      # app per session - bare per session
    "core_ms": 50,
    "sustained_rate": 1.0,      # new patients per s, server alone
    "page_p95_s": 3.0,          # at that rate: p95 until the page's HTML is complete
    "open_patients": 200,       # ... with open pages fit in the machine's RAM
    "reclaim_s": 60,            # closed pages' kernels all gone within
    "reclaim_mb": bench_load.RECLAIM_TARGET_MB,  # memory back within this of the idle server
}


def wait_quiet(limit: float, below: float = 1.0) -> dict:
    start = time.monotonic()
    first = os.getloadavg()
    while os.getloadavg()[0] >= below and time.monotonic() - start < limit:
        print(f"waiting for a quiet machine: load {os.getloadavg()[0]:.2f}", flush=True)
        time.sleep(15)
    return {"waited_s": round(time.monotonic() - start), "load_when_asked": first,
            "quiet": os.getloadavg()[0] < below}


async def browser_part(n: int, samples: int, counts: list[int]) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {}
    async with async_playwright() as pw:
        browser = await bench_browser.launch(pw)
        try:
            out["chromium_playwright"] = browser.version
            out.update(await bench_browser.tti_and_memory(browser, n, samples))
            out["many"] = []
            for count in counts:
                bench_browser.log(f"many patients: {count} at once")
                out["many"].append(await bench_browser.many(browser, count))
        finally:
            await browser.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 runs per figure, 6 latency samples")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="wait up to SECONDS for the 1-minute load average to fall below 1.0")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--render", type=Path, metavar="JSON",
                    help="only write RESULTS.md again from a results.json of an earlier run")
    args = ap.parse_args()
    if args.render:
        args.out.write_text(render(json.loads(args.render.read_text())))
        print(f"wrote {args.out}")
        return 0
    n = 2 if args.quick else 7
    samples = 6 if args.quick else 20
    core_n = 2 if args.quick else 25
    counts = [10]  # what a browser sees in a crowd; the server's capacity is section 7

    quiet = wait_quiet(args.wait_quiet) if args.wait_quiet else None
    command = " ".join([".venv/bin/python", "benchmarks/run.py", *sys.argv[1:]])
    res: dict = {"command": command, "quick": args.quick, "n": n, "samples": samples,
                 "core_n": core_n, "machine": machine(), "quiet_wait": quiet,
                 "load_start": os.getloadavg(),
                 "voila_env": {"MALLOC_ARENA_MAX": voila_env().get("MALLOC_ARENA_MAX")}}
    t0 = time.monotonic()
    bench_browser.log(f"load average at start: {res['load_start']}")
    bench_browser.log("core: comparison and agreement (20 clinicians x 10 options)")
    res["compare"] = bench_core.compare_benchmarks(core_n)
    bench_browser.log("core: case store with 1,000 cases")
    res["store"] = bench_core.store_benchmarks(core_n)
    bench_browser.log(f"kernel side: the app's imports and steps in {n} fresh processes")
    res["kernel"] = bench_kernel.samples(n)
    res["importtime"] = bench_kernel.importtime(1 if args.quick else 3)
    res["browser"] = asyncio.run(browser_part(n, samples, counts))
    bench_browser.log("the server alone: arrivals, open patients, closed pages (no browser)")
    res["load"] = bench_load.run(args.quick)
    bench_load.plot(res["load"], HERE / "load.svg")
    res["load_end"] = os.getloadavg()
    res["duration_s"] = time.monotonic() - t0
    bench_browser.log(f"load average at end: {res['load_end']}; took {res['duration_s'] / 60:.1f} min")
    args.out.with_name("results.json").write_text(json.dumps(res, indent=1, default=str))
    args.out.write_text(render(res))
    print(f"wrote {args.out}")
    return 0


# -- RESULTS.md -----------------------------------------------------------------------------
def _s(x: dict, scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    """median (min-max)"""
    return (f"{fmt.format(x['median'] * scale)} ({fmt.format(x['min'] * scale)}–"
            f"{fmt.format(x['max'] * scale)})")


def _minus(a: dict, b: dict) -> dict:
    """Per-run differences a - b, summarised."""
    from bench_lib import summary

    return summary([x - y for x, y in zip(a["values"], b["values"])])


def _met(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def render(r: dict) -> str:
    m, b = r["machine"], r["browser"]
    ms = lambda v: f"{v:.0f}"  # noqa: E731
    tti, ratio, mem, lat = b["tti"], b["tti_ratio"], b["memory"], b["latency"]
    T = TARGETS
    L: list[str] = []
    add = L.append

    cold = ratio["app_cold/bare_cold"]["ratio"]
    pre = ratio["app_preheat/bare_cold"]["ratio"]
    floor = ratio["bare_preheat/bare_cold"]["ratio"]

    def per_session(key: str) -> float:
        return mem[key]["kernel_rss"]["median"] + max(mem[key]["server_growth_per_session_mb"], 0)

    bare_mb = per_session("bare_cold")
    app_mb = {k: per_session(k) for k in ("app_cold", "app_in_use")}
    lat_names = {"next_back": "Next / Back between steps (example case)",
                 "typing": f"Type in a text field + Tab → save status “{b['latency']['typing'].get('status', 'Saved HH:MM')}”",
                 "add_clinician": "Add a doctor or expert → the form is shown",
                 "compare": "Next from step 4 → Compare with three opinions (its topics shown)"}
    core = {"compared, every pair judged afresh (20 × 10: 14,060 pairs)": r["compare"]["compared_cold"],
            "comparison_table (20 × 10)": r["compare"]["comparison_table"],
            "agreement (20 × 10)": r["compare"]["agreement"],
            "store.save (1,000 cases)": r["store"]["save"],
            "store.load (1,000 cases)": r["store"]["load"],
            "store.list (1,000 cases)": r["store"]["list"]}

    add("# sonb benchmarks: results\n")
    add(f"Written by `{r['command']}` on {m['date']} in {r['duration_s'] / 60:.1f} min"
        f"{' (QUICK: 2 runs per figure, not reliable)' if r['quick'] else ''}. "
        "What each figure means: [README.md](README.md).\n")
    la, le = r["load_start"], r["load_end"]
    add(f"**Load average** (1, 5, 15 min) at start: {la[0]:.2f}, {la[1]:.2f}, {la[2]:.2f}; "
        f"at end: {le[0]:.2f}, {le[1]:.2f}, {le[2]:.2f}. The end figure includes this run's own "
        "last minute: 20 pages opened at once (section 5). On 2 cores a 1-minute load above ~1 "
        "at the start means other work (other engineers' tests) shared the machine.")
    if r.get("quiet_wait"):
        q = r["quiet_wait"]
        add(f"Waited {q['waited_s']} s for the 1-minute load to fall below 1.0: "
            f"{'it did' if q['quiet'] else 'it did not, so the run went ahead on a busy machine'}.")
    add("\n")
    add("| machine | |\n|---|---|")
    add(f"| CPU | {m['cpu']}, {m['cores']} cores |\n| RAM | {m['ram_gb']} GB |\n| OS | {m['os']} |")
    add(f"| Python | {m['python']} |\n| voila | {m['voila']} |\n| ipywidgets | {m['ipywidgets']} |")
    add(f"| jupyter_server | {m['jupyter_server']} |\n| ipykernel | {m['ipykernel']} |")
    add(f"| pandas / pydantic | {m['pandas']} / {m['pydantic']} |\n| playwright | {m['playwright']} |")
    add(f"| Chromium | {m['chromium']} (headless) |\n| sonb | git {m['git']} |\n")
    add(f"Runs per figure N = {r['n']} (browser), {r['core_n']} (core); latency samples = "
        f"{r['samples']} per interaction. Figures are median (min–max) unless marked.\n")

    # -- summary
    add("## Targets\n")
    add("| # | target | measured | met? |\n|---|---|---|---|")
    add(f"| 2 | TTI cold: app / bare ≤ {T['tti_cold_ratio']} | {cold:.2f} | {_met(cold <= T['tti_cold_ratio'])} |")
    add(f"| 2 | TTI: app preheated / bare cold ≤ {T['tti_preheat_ratio']} | {pre:.2f} "
        f"(bare preheated / bare cold: {floor:.2f}) | {_met(pre <= T['tti_preheat_ratio'])} |")
    for k, name in lat_names.items():
        if "error" in lat[k]:
            add(f"| 3 | {name}: p95 < {T['latency_p95_ms']} ms | not measured: the run failed (below) | **missed** |")
            continue
        p95 = lat[k]["ready"]["p95"]
        add(f"| 3 | {name}: p95 < {T['latency_p95_ms']} ms | {ms(p95)} ms | {_met(p95 < T['latency_p95_ms'])} |")
    for k, name in (("app_cold", "start screen"), ("app_in_use", "example, all 6 steps visited")):
        extra = app_mb[k] - bare_mb
        add(f"| 4 | memory per session ({name}) ≤ bare + {T['memory_extra_mb']} MB | "
            f"{app_mb[k]:.0f} MB = bare {bare_mb:.0f} + {extra:.0f} MB | {_met(extra <= T['memory_extra_mb'])} |")
    for g in b["many"]:
        add(f"| 5 | {g['count']} patients at once: all interactive | {g['interactive']}/{g['count']} "
            f"(p95 TTI {g['tti']['p95']:.1f} s) | {_met(g['interactive'] == g['count'])} |")
    for name, x in core.items():
        add(f"| 6 | {name}: median < {T['core_ms']} ms | {x['median']:.2f} ms | {_met(x['median'] < T['core_ms'])} |")
    if "load" in r:
        L.extend(load_targets(r))
    add("")

    # -- TTI
    add("## 2. Time to interactive (headless Chromium)\n")
    add("Navigation start → the first button visible and `#loading` gone, read from the page's "
        "own clock. Each run: a fresh browser context and page (nothing cached). Cold: a new "
        f"kernel per page. Preheated: `--preheat_kernel=True --pool_size={bench_browser.POOL}`, "
        "the pool full and idle before each run. All four servers run side by side, with sonb's "
        "command line, configuration and environment (`sonb.serve.voila_env`: "
        f"MALLOC_ARENA_MAX={r.get('voila_env', {}).get('MALLOC_ARENA_MAX') or 'unset'}); the "
        "variants take "
        "turns in every round. One warm-up "
        "page per server is not counted.\n")
    add("| page | TTI s, median (min–max) | HTML received s (the server has run the notebook) | runs |\n|---|---|---|---|")
    names = {"app_cold": "app, cold", "bare_cold": "bare one-button notebook, cold",
             "app_preheat": "app, preheated", "bare_preheat": "bare, preheated"}
    for k, name in names.items():
        add(f"| {name} | {_s(tti[k])} | {_s(b['html'][k])} | {tti[k]['n']} |")
    add("\n| ratio (same run) | target | measured (ratio of medians; range over rounds) | met? |\n|---|---|---|---|")
    add(f"| app cold / bare cold | ≤ {T['tti_cold_ratio']} | {cold:.2f} ({ratio['app_cold/bare_cold']['round_min']:.2f}–"
        f"{ratio['app_cold/bare_cold']['round_max']:.2f}) | {_met(cold <= T['tti_cold_ratio'])} |")
    add(f"| app preheated / bare cold | ≤ {T['tti_preheat_ratio']} | {pre:.2f} ({ratio['app_preheat/bare_cold']['round_min']:.2f}–"
        f"{ratio['app_preheat/bare_cold']['round_max']:.2f}) | {_met(pre <= T['tti_preheat_ratio'])} |")
    add(f"| app preheated / bare preheated | (info) | {ratio['app_preheat/bare_preheat']['ratio']:.2f} | |")
    add(f"| bare preheated / bare cold | (info: the floor) | {floor:.2f} | |\n")
    add(f"After the HTML arrives the browser loads ~4.7 MB of Voilà/JupyterLab/widget JavaScript "
        f"and renders the widgets: TTI minus HTML received = {_s(_minus(tti['bare_preheat'], b['html']['bare_preheat']))} s "
        f"for the bare page preheated, {_s(_minus(tti['app_preheat'], b['html']['app_preheat']))} s for "
        "the app preheated. No Voilà page can be interactive sooner than this client-side time. "
        + (f"Even the bare page preheated takes {floor:.2f} × bare cold, above the "
           f"{T['tti_preheat_ratio']} target, so no change to the app can meet it with Voilà's "
           "client as it is; " if floor > T['tti_preheat_ratio'] else
           f"The bare page preheated takes {floor:.2f} × bare cold; ")
        + f"the app preheated takes {ratio['app_preheat/bare_preheat']['ratio']:.2f} × the bare page preheated. "
        "The TTI moment was caught by the MutationObserver in all but "
        f"{b.get('tti_found_by_poll', 0)} runs (those by the 50 ms poll).\n")
    errs = {k: v for k, v in b["page_errors"].items() if v}
    if errs:
        add(f"Page console errors seen: `{json.dumps(errs)[:600]}`\n")

    # -- latency
    add("## 3. Interaction latency (in the browser)\n")
    add("The user's action (a real Playwright click, or the Tab key) → the DOM shows the result. "
        "Both ends are read in the page (`performance.now()` in a capture-phase listener for "
        "the click / Tab keydown, and in a MutationObserver that tests the condition after every "
        "DOM change), so Playwright's round trips do not count. *Ready* = the condition holds; "
        "*settled* = the last DOM change (the page then stayed still for 300 ms); *first content "
        "change* = the first change of the page's content: the kernel's reply has arrived and "
        "the browser has created the widget models it announced (a new box's children appear "
        "only when all of them exist); the rest is building and drawing the views (*k of n*: only k "
        "samples changed content, the others only showed or hid what was already on the page). "
        "One fresh session per interaction; *first "
        "time* = the first sample of that session (a step built for the first time, the first "
        "save).\n")
    add(f"| interaction | samples | p50 ms | p95 ms | max ms | settled p95 ms | first content change p50 ms | first time ms | target p95 | met? |\n"
        "|---|---|---|---|---|---|---|---|---|---|")
    for k, name in lat_names.items():
        x = lat[k]
        if "error" in x:
            add(f"| {name} | failed: {x['error'][:300]} | | | | | | | | **missed** |")
            continue
        first = x["first_settled"]
        add(f"| {name} | {x['ready']['n']} | {ms(x['ready']['median'])} | {ms(x['ready']['p95'])} | "
            f"{ms(x['ready']['max'])} | {ms(x['settled']['p95'])} | {_first_change(x)} | "
            f"{_s(first, fmt='{:.0f}') if first and first['n'] > 1 else (ms(first['median']) if first else '–')} | "
            f"< {T['latency_p95_ms']} | {_met(x['ready']['p95'] < T['latency_p95_ms'])} |")
    nb = lat["next_back"] if "error" not in lat["next_back"] else None
    if nb:
        add(f"\nNext/Back without the first visits (steps already built): p50 "
            f"{ms(nb['repeat_settled']['median'])} ms, p95 {ms(nb['repeat_settled']['p95'])} ms "
            f"(settled, {nb['repeat_settled']['n']} samples).")
    fv, fs = b.get("first_visit_ready_ms"), b["first_visit_settled_ms"]
    if fv:
        add("First visit of each step (ready ms: until the step is shown; the N memory sessions, "
            "example case): " + ", ".join(f"step {k} {_s(v, fmt='{:.0f}')}" for k, v in fv.items())
            + ". Settled ms (the page then stayed still for 300 ms; it also counts the app "
            "building later steps on the page, hidden, while the patient reads): " + ", ".join(
                f"step {k} {_s(v, fmt='{:.0f}')}" for k, v in fs.items()) + ".\n")
    else:
        add("First visit of each step (settled ms, the N memory sessions, example case): "
            + ", ".join(f"step {k} {_s(v, fmt='{:.0f}')}" for k, v in fs.items()) + ".\n")

    add(kernel_section(r))

    # -- memory
    add("## 4. Memory per patient session\n")
    add("Resident memory (RSS, from /proc via psutil) of each page's kernel, plus the server's "
        "growth per page (RSS after the pages minus before, divided by their number). USS (memory "
        "only that kernel uses; shared libraries not counted) shows what each extra kernel really "
        "adds.\n")
    add("| session | kernel RSS MB | kernel USS MB | server growth MB / session | per session MB |\n|---|---|---|---|---|")
    for k, name in (("bare_cold", "bare notebook"), ("app_cold", "app, start screen"),
                    ("app_in_use", "app, example open, all 6 steps visited")):
        x = mem[k]
        add(f"| {name} | {_s(x['kernel_rss'], fmt='{:.0f}')} | {_s(x['kernel_uss'], fmt='{:.0f}')} | "
            f"{x['server_growth_per_session_mb']:.1f} | {per_session(k):.0f} |")
    add(f"\nTarget: app ≤ bare + {T['memory_extra_mb']} MB = {bare_mb + T['memory_extra_mb']:.0f} MB per session. "
        f"Start screen: +{app_mb['app_cold'] - bare_mb:.0f} MB ({_met(app_mb['app_cold'] - bare_mb <= T['memory_extra_mb'])}); "
        f"in use: +{app_mb['app_in_use'] - bare_mb:.0f} MB ({_met(app_mb['app_in_use'] - bare_mb <= T['memory_extra_mb'])}). "
        f"Server RSS (app server, end): {mem['app_in_use']['server_rss_mb']:.0f} MB.\n")
    if mem["app_in_use"].get("errors"):
        add(f"Sessions that failed (not counted): {mem['app_in_use']['errors']}\n")

    # -- many
    add("## 5. Many patients at once\n")
    add("A fresh app server (sonb's configuration, no preheating) per level; that many browser "
        "contexts open the page at the same moment; then every patient clicks “Try the back pain "
        "example” at the same moment. The browser runs on the same 2 cores, so its CPU time is "
        "shown too: real patients bring their own.\n")
    add("| patients | interactive | TTI p50 s | TTI p95 s | TTI max s | HTML received p95 s | all open after s | example opened (p95 ms) | server + kernels RSS MB | kernels USS MB | CPU-s server / kernels / browser |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|")
    for g in b["many"]:
        ex = g["example_settled"]
        add(f"| {g['count']} | {g['interactive']}/{g['count']} | {g['tti']['median']:.1f} | {g['tti']['p95']:.1f} | "
            f"{g['tti']['max']:.1f} | {g['html']['p95']:.1f} | {g['wall_s']:.1f} | {g['example_ok']}/{g['interactive']} "
            f"({ms(ex['p95']) if ex else '–'}) | {g['total_rss_mb']:.0f} | {g['kernels_uss_mb']:.0f} | "
            f"{g['server_cpu_s']:.1f} / {g['kernel_cpu_s']:.1f} / {g['browser_cpu_s']:.1f} |")
        if g["failures"]:
            add(f"\nFailures ({g['count']}): {g['failures'][:5]}")
    add("")

    # -- core
    add("## 6. Core: comparison and store\n")
    add(f"In-process, one warm-up call then {r['core_n']} timed calls. Case: {r['compare']['shape']}; "
        f"the surgery form answered; preferences rated. Store: {r['store']['cases']} cases "
        f"(the example, each a new id) in a temporary folder (SQLite, WAL, synchronous=FULL); "
        f"filling it took {r['store']['fill_s']:.1f} s. `save` = one patient's edit saved as a new "
        "revision; `load` = the latest revision of a random case; `list` = all 1,000 summaries.\n")
    add("| operation | ms, median (min–max) | target | met? |\n|---|---|---|---|")
    for name, x in core.items():
        add(f"| {name} | {_s(x)} | < {T['core_ms']} | {_met(x['median'] < T['core_ms'])} |")
    c = r["compare"]
    add(f"\nFor information (same case): options_table {_s(c['options_table'])}, unanswered_table "
        f"{_s(c['unanswered_table'])}, guidance {_s(c['guidance'])}, option_fit {_s(c['option_fit'])}, "
        f"validating the whole case (done on every save) {_s(c['validate_case'])}; the whole Compare "
        f"step as the kernel builds it (CompareView.refresh: every topic to escaped HTML, a button per topic, "
        f"{c['compare_step_html_kb']:.0f} KB) {_s(c['compare_step_kernel'])} ms. The first call in "
        f"a process (imports pandas) took {c['first_call_ms']:.0f} ms.\n")
    if "load" in r:
        add(load_section(r))
        add(capacity(r))
    return "\n".join(L) + "\n"


KERNEL_ROWS = (
    ("import", "import the app (on top of IPython + ipywidgets)"),
    ("construct", "build the start screen"),
    ("example", "open the example (step 1)"),
    *((f"first {k}", f"Next → step {k}, first visit") for k in range(2, 7)),
    *((f"back {k}", f"Back → step {k}, again") for k in range(5, 0, -1)),
    *((f"again {k}", f"Next → step {k}, again") for k in range(2, 7)),
    ("add clinician", "Add a doctor or expert (form opens)"),
    ("cancel", "Cancel the form"),
)


def kernel_section(r: dict) -> str:
    """Where the time goes, from the kernel-side samples and the browser figures."""
    from bench_lib import summary

    ks = r["kernel"]
    L = ["### Where the time goes (kernel side, no browser)\n",
         f"The same actions run by the app's Python code alone, each sample in a fresh process "
         f"({len(ks)} samples), so first-time costs (imports) count as in a new kernel. *Widgets "
         "opened* = comm_open messages: each becomes a widget model in the page and, when shown, "
         "a view; the browser's share of a latency is roughly the figure above minus the kernel "
         "time here.\n",
         "| action | kernel ms, median (min–max) | widgets opened | RSS added MB | pandas loaded |",
         "|---|---|---|---|---|"]
    for key, name in KERNEL_ROWS:
        xs = [k[key] for k in ks if key in k]
        if not xs:
            continue
        t = summary([x["ms"] for x in xs])
        L.append(f"| {name} | {_s(t, fmt='{:.0f}')} | {xs[0]['widgets']} | "
                 f"{summary([x['rss_mb'] for x in xs])['median']:.1f} | {'yes' if xs[0]['pandas'] else 'no'} |")
    L.append(f"\nKernel RSS without the browser: {summary([k['rss_baseline_mb'] for k in ks])['median']:.0f} MB "
             f"with IPython + ipywidgets, {summary([k['rss_end_mb'] for k in ks])['median']:.0f} MB at the end.\n")
    imp = [x for x in r["importtime"] if x["cumulative_ms"] >= 5][:14]
    L.append("Imports the app adds to a kernel (`python -X importtime`, median of "
             f"{1 if r['quick'] else 3} processes; IPython and ipywidgets imported first, as in "
             "the bare notebook): cumulative ms (self ms) — " + ", ".join(
                 f"`{x['module']}` {x['cumulative_ms']:.0f} ({x['self_ms']:.0f})" for x in imp) + ".\n")
    # what the figures say
    med = lambda key: summary([k[key]["ms"] for k in ks])["median"]  # noqa: E731
    fv = r["browser"].get("first_visit_ready_ms") or r["browser"]["first_visit_settled_ms"]
    pandas_step = next((k for k in range(2, 7) if ks[0][f"first {k}"]["pandas"]), None)
    L.append("**What costs time, and what would fix it** (from the figures above):\n")
    for k in range(2, 7):
        b = fv[str(k)]["median"] if str(k) in fv else fv[k]["median"]
        kern = med(f"first {k}")
        w = ks[0][f"first {k}"]["widgets"]
        L.append(f"- Step {k}: shown {b:.0f} ms after the click on its first visit; building it "
                 f"costs the kernel {kern:.0f} ms and opens {w} widgets (the app does this ahead, "
                 "while the patient reads an earlier step).")
    rebuilt = [(k, ks[0][f"again {k}"]["widgets"], med(f"again {k}")) for k in range(2, 7)
               if ks[0][f"again {k}"]["widgets"]]
    back1 = ks[0]["back 1"]["widgets"]
    if rebuilt or back1:
        alive = ks[0].get("widgets_alive")
        L.append("- Widgets re-created on every visit of a step already built (the old ones are "
                 "never closed, so they pile up in the kernel and the page"
                 + (f": {alive} of the {ks[0]['widgets_opened']} widgets opened in the walk above "
                    "are still alive at its end" if alive else "") + "): " + ", ".join(
                     f"step {k} {w} widgets ({t:.0f} ms kernel)" for k, w, t in rebuilt)
                 + (f", step 1 {back1} widgets" if back1 else "") + ". Fix: build a step once; on "
                 "refresh update values, or rebuild only what changed and `close()` what is dropped.")
    if pandas_step:
        x = summary([k[f"first {pandas_step}"]["rss_mb"] for k in ks])["median"]
        where = (f"when Compare (step {pandas_step}) is first built: its tables are pandas "
                 "DataFrames" if pandas_step == 5 else f"on the first visit of step {pandas_step}")
        L.append(f"- pandas is imported {where} (part of its {med(f'first {pandas_step}'):.0f} ms "
                 f"kernel time, +{x:.0f} MB RSS). The app builds steps ahead while the kernel is "
                 "idle, so a patient who reads step 1 first does not wait for it."
                 + ("" if pandas_step == 5 else " Fix: build that step's table from plain Python "
                    "rows (pandas stays for Compare and the navigator API)."))
    w, wc = ks[0]["add clinician"]["widgets"], ks[0]["cancel"]["widgets"]
    if w or wc:
        L.append(f"- Add a doctor: a new {w}-widget form on every click (and {wc} new list "
                 "widgets on Cancel). Fix: build the editor form once and reset its values.")
    else:
        L.append("- Add a doctor and Cancel open no widgets: the editor is built with the step "
                 f"and only shown, reset or hidden ({med('add clinician'):.1f} ms and "
                 f"{med('cancel'):.1f} ms kernel); the rest is the browser drawing it.")
    L.append("- Startup: importing the app costs the kernel "
             f"{med('import'):.0f} ms (mostly the pydantic models of `sonb.model`, pulled in by "
             "`sonb/__init__`, `widgets/common` → `widgets/questionnaire` → `sonb.questionnaire`) "
             f"and the start screen {med('construct'):.0f} ms more.\n")
    return "\n".join(L) + "\n"


def _first_change(x: dict) -> str:
    """The first content change's median, with how many samples changed content at all."""
    fc, n = x["first_change"], x["ready"]["n"]
    if not fc["n"]:
        return f"– (0 of {n})"
    return f"{fc['median']:.0f}" + ("" if fc["n"] == n else f" ({fc['n']} of {n})")


def _at_rate(load: dict, rate: float) -> dict | None:
    return next((a for a in load["arrivals"] if a["rate"] == rate), None)


def _levels_fit(load: dict) -> tuple[int, float]:
    """The most open patients measured and their total memory (GB, server RSS + kernels' PSS)."""
    top = max(load["levels"]["levels"], key=lambda x: x["open"])
    return top["open"], top["memory"]["total_pss_mb"] / 1024


def load_targets(r: dict) -> list[str]:
    """The server-alone rows of the targets table."""
    T, load, out = TARGETS, r["load"], []
    a = _at_rate(load, T["sustained_rate"])
    if a:
        ok = (a["html"]["p95"] < T["page_p95_s"] and not a["empty_pages"] and a["ok"] == a["patients"]
              and a["throughput_per_s"] >= 0.9 * T["sustained_rate"])
        out.append(f"| 7 | {T['sustained_rate']:g} new patient per s sustained: p95 page < "
                   f"{T['page_p95_s']:g} s, no empty page | p95 {a['html']['p95']:.2f} s (first "
                   f"interaction {a['first']['p95']:.2f} s), {a['empty_pages']} empty, "
                   f"{a['ok']}/{a['patients']} served, {a['throughput_per_s']:.2f} per s | {_met(ok)} |")
    n, gb = _levels_fit(load)
    out.append(f"| 7 | {T['open_patients']} open patients fit in {r['machine']['ram_gb']} GB | "
               f"{n} open: {gb:.1f} GB"
               f"{' (stopped: ' + load['levels']['stopped'] + ')' if load['levels'].get('stopped') else ''}"
               f" | {_met(n >= T['open_patients'] and gb < r['machine']['ram_gb'])} |")
    return out + reclaim_rows(load.get("reclaim"))


def reclaim_rows(rc: dict | None) -> list[str]:
    """Targets rows for the kernels of closed pages (filled in by load_section's data)."""
    if not rc or "error" in rc:
        return [f"| 7 | kernels of closed pages given back | not measured: {rc['error'][:200]} | "
                "**missed** |"] if rc else []
    T = TARGETS
    worst = max(g["gone_s"] for g in rc["groups"].values())
    left = sum(g["left_at_60s"] for g in rc["groups"].values())
    mb = rc["above_idle_mb"]
    return [f"| 7 | kernels of closed pages all gone within {T['reclaim_s']} s | slowest group "
            f"{worst:.0f} s; {left} left at 60 s | {_met(worst <= T['reclaim_s'] and not left)} |",
            f"| 7 | then memory within {T['reclaim_mb']:g} MB of the idle server | "
            f"{mb:+.1f} MB (over the server warm from its first page: "
            f"{rc['after_mb'] - rc['memory_warm']['total_pss_mb']:+.1f} MB) | "
            f"{_met(mb <= T['reclaim_mb'])} |"]


RECLAIM_GROUPS = {"tab_closed": "tab closed (the page's own shutdown request)",
                  "browser_killed": "browser killed (the websocket dropped)",
                  "never_connected": "never connected (a plain request)"}


def load_section(r: dict) -> str:
    """Section 7: the server alone, driven by the browserless page client."""
    load, L = r["load"], []
    add = L.append
    add("## 7. The server alone (no browser)\n")
    add("`benchmarks/bench_load.py`: each patient is made by the page client "
        "(`tests/browser/page_client.py`), which does what a browser does on the wire: GET the "
        "page, open its kernel's websocket, fetch every widget's state (Voilà's "
        "`jupyter.widget.control` comm) and click “Start a new case” (a widget message; answered "
        "when the kernel is idle again and “Step 1 of 6” is in a widget). A fresh sonb server per "
        "rate, sonb's configuration with the kernel cap raised and the per-client share off (every "
        "patient here comes from 127.0.0.1). Patients arrive at a fixed interval and keep their "
        "pages open until the run ends. Times are from arrival; CPU-s and memory are per patient "
        "(kernels' PSS plus the server's growth).\n")
    add("| notebook | arrivals per s | served | errors | empty pages | page HTML p50 / p95 s | first interaction p50 / p95 s | CPU-s per patient: server + kernel | MB per patient | achieved per s |\n"
        "|---|---|---|---|---|---|---|---|---|---|")
    rows = load["arrivals"] + ([load["bare"]] if load.get("bare") else [])
    for a in rows:
        name = "app" if a["notebook"] == "second_opinion.ipynb" else "bare one-button"
        errs = ", ".join(f"{k} {v}" for k, v in a["errors"].items()) or "0"
        add(f"| {name} | {a['rate']:g} | {a['ok']}/{a['patients']} | {errs} | {a['empty_pages']} | "
            f"{a['html']['median']:.2f} / {a['html']['p95']:.2f} | {a['first']['median']:.2f} / "
            f"{a['first']['p95']:.2f} | {a['server_cpu_s_per_patient']:.2f} + "
            f"{a['kernel_cpu_s_per_patient']:.2f} | {a['memory_per_patient_mb']:.0f} | "
            f"{a['throughput_per_s']:.2f} |")
    ratio = load.get("app_over_bare_at_1")
    if ratio:
        add(f"\nApp / bare at 1 per s: page p95 {ratio['html_p95']:.1f}×, first interaction p95 "
            f"{ratio['first_p95']:.1f}×, memory per patient {ratio['memory_per_patient']:.1f}×, "
            f"kernel CPU per patient {ratio['kernel_cpu_per_patient']:.1f}×.")
    lo, hi = load["arrivals"][0], load["arrivals"][-1]
    add(f"From {lo['rate']:g} to {hi['rate']:g} arrivals per s the page's p95 grows "
        f"{hi['html']['p95'] / lo['html']['p95']:.1f}× and the first interaction's "
        f"{hi['first']['p95'] / lo['first']['p95']:.1f}×, while CPU-s per patient stay flat: "
        "past what the cores can start, patients queue.\n")
    lv = load["levels"]
    add(f"**Open patients** (one server; patients added {lv['rate']:g} per s, at most "
        f"{lv['concurrency']} at once; each clicked Start and keeps its websocket; at each level a "
        "few more new patients are timed):\n")
    add("| open patients | server RSS + kernels' PSS GB | sum of RSS GB | MB per patient | idle CPU-s per s (server + kernels) | a new patient: page / first interaction s |\n"
        "|---|---|---|---|---|---|")
    for x in lv["levels"]:
        m, nw = x["memory"], x["new_patient"]
        add(f"| {x['open']} | {m['total_pss_mb'] / 1024:.2f} | {m['total_rss_mb'] / 1024:.2f} | "
            f"{x['memory_per_patient_mb']:.0f} | {x['idle_cpu_per_s']['server']:.3f} + "
            f"{x['idle_cpu_per_s']['kernels']:.3f} | "
            + (f"{nw['html']['median']:.2f} / {nw['first']['median']:.2f} |" if nw["html"]["n"]
               else "none served |"))
    if lv.get("stopped"):
        add(f"\nStopped early: {lv['stopped']}.")
    rc = load.get("reclaim")
    if rc and "error" not in rc:
        add(f"\n**Closed pages** (sonb's own configuration, per-client share off): {rc['patients']} "
            "patients opened, then each group left its page in its own way; seconds from leaving "
            "until all of the group's kernels were gone, and the server's memory afterwards:\n")
        add("| how the page went | pages | all kernels gone after s | left at 60 s |\n|---|---|---|---|")
        for name, g in rc["groups"].items():
            add(f"| {RECLAIM_GROUPS.get(name, name)} | {g['pages']} | {g['gone_s']:.1f} | "
                f"{g['left_at_60s']} |")
        warm = rc["memory_warm"]["total_pss_mb"]
        add(f"\nServer + kernels before any page: {rc['idle_mb']:.0f} MB; after one page was "
            f"made, closed and its kernel gone (the server's one-time loading): {warm:.0f} MB; "
            f"after all {rc['patients']} were gone: {rc['after_mb']:.0f} MB "
            f"({rc['above_idle_mb']:+.1f} MB over the fresh server, "
            f"{rc['after_mb'] - warm:+.1f} MB over the warm one).")
    add("\n![p95 times against arrival rate; memory against open patients](load.svg)\n")
    return "\n".join(L) + "\n"


def capacity(r: dict) -> str:
    """What limits the server now, from this run's own server-alone figures."""
    load, m = r["load"], r["machine"]
    a = _at_rate(load, 1.0) or load["arrivals"][0]
    cpu = a["server_cpu_s_per_patient"] + a["kernel_cpu_s_per_patient"]
    per = [x["memory_per_patient_mb"] for x in load["levels"]["levels"]]
    per_mb = sum(per) / len(per)
    conf = json.loads((HERE.parent / "sonb" / "voila" / "voila.json").read_text())
    cap = conf.get("CappedKernelManager", {})
    best = max(x["throughput_per_s"] for x in load["arrivals"])
    return (
        "**What limits the server now.** Starting pages is CPU: each patient cost "
        f"{a['server_cpu_s_per_patient']:.2f} CPU-s in the server and "
        f"{a['kernel_cpu_s_per_patient']:.2f} in its kernel (start, import, the start screen, "
        f"then step 1 and the other steps built ahead) = {cpu:.2f} CPU-s, so {m['cores']} cores "
        f"start at most ~{m['cores'] / cpu:.1f} patients per second; the best rate achieved here "
        f"was {best:.2f} per s. Open pages cost memory, not CPU: ~{per_mb:.0f} MB per patient, "
        f"so ~{int(0.8 * m['ram_gb'] * 1024 / per_mb)} fit in 80% of {m['ram_gb']} GB, and idle "
        f"pages use almost no CPU. sonb's configuration caps the server at "
        f"{cap.get('max_kernels', '?')} kernels and {cap.get('max_kernels_per_client', '?')} per "
        "client; raise `max_kernels` for a bigger clinic (the kernel manager sizes ZeroMQ's "
        "socket limit and the open-files limit to match), or give each patient their own server "
        "(JupyterHub).\n"
    )


if __name__ == "__main__":
    sys.exit(main())
