"""Load on the Voila server alone, without a browser: patients made by the page client
(tests/browser/page_client.py) GET the page, connect its kernel's websocket, fetch the widget
states and click "Start a new case" (answered when "Step 1 of 6" is in a widget), against a
fresh sonb server on 127.0.0.1 with the kernel cap raised (LOAD_ARGS: every patient here comes
from 127.0.0.1, so the per-client limit is off).

    .venv/bin/python benchmarks/bench_load.py [--quick] [--out results.json] [--plot load.svg]
    .venv/bin/python benchmarks/bench_load.py --only reclaim [--reclaim-rounds 2]

- `arrivals(rate, ...)`: patients arrive at a fixed interval (`rate` per s), at most `count`
  and only during `time_limit` s; each has PATIENT_TIMEOUT s to be answered. Patients keep their
  pages open until the run ends (patients reading; kernels are not given back during the run),
  so memory per patient is read with all of them open.
- `levels(...)`: on one server, open patients (each clicked Start, websocket held) are brought
  up to each level; at each: memory, the server's idle CPU load, and a few more new patients.
- The bare notebook (one Button) at 1 per s is the baseline.
- `reclaim(...)`: on a fresh server with sonb's own limits (only the per-client share off), the
  idle server's memory, then N patients: a third close their tab (Voila's shutdown request), a
  third lose their browser (websocket dropped), a third only GET the page (never connect).
  For each group, seconds until its kernels are gone and, once all are, the server's memory
  above the idle figure (sonb.kernels: at once, 30 s and 45 s, checked every 10 s); also above
  the server once warm (one page made and closed first: what the first page costs once).

The load generator shares the machine's cores with the server; its own CPU time is reported
(`client_cpu_s`). Times are seconds from the patient's arrival.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil
from bench_lib import BARE, NOTEBOOK, Server, summary

# tests/browser/page_client.py (bench_lib puts tests/browser on sys.path)
from page_client import Page, PageError, get_page, open_page

from sonb._datafiles import texts

LOAD_ARGS = ("--CappedKernelManager.max_kernels=260", "--CappedKernelManager.max_kernels_per_client=0")
START = texts("ui")["start"]["new"]
STEP1 = texts("ui")["nav"]["step_of"].format(n=1, total=6)
BARE_BUTTON = "Hi"
RATES = (0.25, 0.5, 1, 2, 4)
LEVELS = (10, 50, 100, 200)
PATIENT_TIMEOUT = 120.0
MIN_AVAILABLE = 3 * 2**30  # bytes of available memory below which no more patients start
MB = 2**20
RECLAIM_ARGS = ("--CappedKernelManager.max_kernels_per_client=0",)
GROUPS = ("tab_closed", "browser_killed", "never_connected")
RECLAIM_LIMIT = 120.0  # s to wait for a group's kernels to go
RECLAIM_POLL = 0.5
RECLAIM_SETTLE = 5.0
RECLAIM_TARGET_MB = 10.0  # the server back within this of its idle memory
PARTS = ("arrivals", "bare", "levels", "reclaim")


def log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# -- one patient ---------------------------------------------------------------------------
@dataclass
class Patient:
    """One patient's visit: seconds from arrival to the whole HTML and to the first interaction
    answered, or the kind of error that stopped it. `page` stays open when it succeeded."""

    arrived: float
    page: Page | None = None
    first_byte: float | None = None
    html: float | None = None
    first: float | None = None
    click: float | None = None
    error: str | None = None
    reason: str = ""


async def visit(url: str, button: str = START, expect: str | None = STEP1,
                timeout: float = PATIENT_TIMEOUT) -> Patient:
    """Open the page and click `button` (until `expect` shows); the page is kept open."""
    p = Patient(time.monotonic())
    try:
        p.page = await open_page(url, timeout=timeout)
        p.first_byte, p.html = p.page.timings["first_byte"], p.page.timings["html"]
        left = timeout - (time.monotonic() - p.arrived)
        p.click = (await p.page.click(button, expect=expect, timeout=max(left, 1))).seconds
        p.first = time.monotonic() - p.arrived
    except PageError as exc:
        p.error, p.reason = exc.kind, str(exc)
    except Exception as exc:  # noqa: BLE001  (counted by kind, the run goes on)
        p.error, p.reason = type(exc).__name__, str(exc)
    if p.error and p.page:
        with contextlib.suppress(PageError):  # the error that stopped it is the one counted
            await p.page.close(timeout=10)
        p.page = None
    return p


async def close_all(patients, shutdown: bool = False) -> None:
    """Close the patients' pages. By default only their websockets (the server is stopped next,
    which stops the kernels; no shutdown requests to add to the load being measured)."""
    await asyncio.gather(*(p.page.close(shutdown) for p in patients if p.page))


# -- what the server uses ------------------------------------------------------------------
class Usage:
    """CPU seconds of the server and of every kernel it ran (a kernel that ended keeps its last
    reading). `sample()` is cheap enough to call every second."""

    def __init__(self, server: Server):
        self.server, self.kernels, self.server_s = server, {}, 0.0
        self.sample()
        self.start = self.totals()

    def sample(self) -> None:
        for k in self.server.kernels():
            try:
                t = k.cpu_times()
                self.kernels[k.pid] = t.user + t.system
            except psutil.Error:
                pass
        t = self.server.ps.cpu_times()
        self.server_s = t.user + t.system

    def totals(self) -> tuple[float, float]:
        return self.server_s, sum(self.kernels.values())

    def used(self) -> tuple[float, float]:
        """(server, kernels) CPU seconds since this object was made."""
        (s0, k0), (s1, k1) = self.start, self.totals()
        return s1 - s0, k1 - k0

    async def sampling(self, every: float = 1.0) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(every)


def memory(server: Server) -> dict:
    """Server RSS, kernels' PSS and RSS (MB), kernels counted, available memory (GB)."""
    pss = rss = n = 0
    for k in server.kernels():
        try:
            m = k.memory_full_info()
        except psutil.Error:
            continue
        pss, rss, n = pss + m.pss, rss + m.rss, n + 1
    server_rss = server.rss()
    return {"server_rss_mb": server_rss / MB, "kernels_pss_mb": pss / MB,
            "kernels_rss_mb": rss / MB, "kernels": n,
            "total_pss_mb": (server_rss + pss) / MB, "total_rss_mb": (server_rss + rss) / MB,
            "available_gb": psutil.virtual_memory().available / 2**30}


def per_patient_mb(mem: dict, before: dict) -> float:
    """Kernels' PSS plus the server's RSS growth, divided by the kernels running."""
    growth = max(mem["server_rss_mb"] - before["server_rss_mb"], 0)
    return (mem["kernels_pss_mb"] + growth) / max(mem["kernels"], 1)


def client_cpu() -> float:
    t = psutil.Process().cpu_times()
    return t.user + t.system


async def settle(server: Server, open_pages: int) -> None:
    """Wait (up to 15 s) until the server and kernels are nearly idle."""
    await asyncio.to_thread(server.wait_idle, min_wait=0.5, timeout=15,
                            threshold=max(0.05, 0.002 * open_pages))


def failures(patients, server: Server) -> dict:
    """Errors by kind, one example of each, and the server log's (distinct) ERROR lines."""
    bad = [p for p in patients if p.error]
    lines = dict.fromkeys(x for x in server.log_text().splitlines() if "ERROR" in x)
    return {"errors": dict(Counter(p.error for p in bad)),
            "error_examples": {p.error: p.reason[:200] for p in reversed(bad)},
            "server_log_errors": list(lines)[:5]}


def times(patients) -> dict:
    """p50/p95 (summary) of each time, over the patients that got that far."""
    return {k: summary([getattr(p, k) for p in patients if getattr(p, k) is not None])
            for k in ("first_byte", "html", "click", "first")}


# -- arrivals at a set rate ------------------------------------------------------------------
async def arrive(url: str, rate: float, count: int, time_limit: float, **kw) -> list[Patient]:
    """Patients arriving every 1/rate s (at most `count`, only during `time_limit` s)."""
    loop = asyncio.get_running_loop()
    start, tasks = loop.time(), []
    for i in range(count):
        at = start + i / rate
        if at - start > time_limit:
            break
        await asyncio.sleep(max(at - loop.time(), 0))
        tasks.append(asyncio.create_task(visit(url, **kw)))
    return list(await asyncio.gather(*tasks))


async def _arrivals(server: Server, rate: float, count: int, time_limit: float, **kw) -> dict:
    before, usage, cpu0, load = memory(server), Usage(server), client_cpu(), os.getloadavg()[0]
    sampler = asyncio.create_task(usage.sampling())
    t0 = time.monotonic()
    patients = await arrive(server.url, rate, count, time_limit, **kw)
    wall = time.monotonic() - t0
    ok = [p for p in patients if p.error is None]
    try:
        await settle(server, len(ok))
        sampler.cancel()
        await asyncio.to_thread(usage.sample)
        mem = await asyncio.to_thread(memory, server)
    finally:
        await close_all(patients)
    server_s, kernel_s = usage.used()
    errors = failures(patients, server)
    span = max((p.arrived + p.first for p in ok), default=t0) - min(p.arrived for p in patients)
    n = max(len(patients), 1)
    return {"rate": rate, "patients": len(patients), "ok": len(ok), **errors,
            "empty_pages": errors["errors"].get("empty page", 0), "wall_s": wall, **times(patients),
            "throughput_per_s": len(ok) / span if ok and span > 0 else 0.0,
            "server_cpu_s_per_patient": server_s / n, "kernel_cpu_s_per_patient": kernel_s / n,
            "client_cpu_s": client_cpu() - cpu0, "load_1min": [load, os.getloadavg()[0]],
            "memory": mem, "memory_before": before,
            "memory_per_patient_mb": per_patient_mb(mem, before)}


def arrivals(rate: float, count: int = 20, time_limit: float = 90, notebook: Path = NOTEBOOK,
             button: str = START, expect: str | None = STEP1) -> dict:
    """Patients arriving at `rate` per s on a fresh server (see the module docstring)."""
    server = Server(f"load-{rate:g}", notebook, *LOAD_ARGS)
    try:
        server.wait_idle(min_wait=0.5)
        result = asyncio.run(_arrivals(server, rate, count, time_limit, button=button,
                                       expect=expect))
        return {"notebook": notebook.name, **result}
    finally:
        server.stop()


# -- levels of open patients ---------------------------------------------------------------
def low_memory() -> str | None:
    available = psutil.virtual_memory().available
    if available < MIN_AVAILABLE:
        return f"available memory {available / 2**30:.1f} GB < {MIN_AVAILABLE / 2**30:.0f} GB"
    return None


async def fill(url: str, held: list[Patient], failed: list[Patient], level: int, rate: float,
               concurrency: int) -> str | None:
    """Add patients (at most `rate` per s, `concurrency` at a time) until `level` are open;
    the reason if it had to stop first."""
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task] = set()
    next_at, reason = loop.time(), None
    while len(held) + len(running) < level:
        kinds = Counter(p.error for p in failed)
        reason = low_memory() or (f"{len(failed)} patients failed: {dict(kinds)}"
                                  if len(failed) >= 10 else None)
        if reason:
            break
        if len(running) >= concurrency:
            await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            continue
        await asyncio.sleep(max(next_at - loop.time(), 0))
        next_at = max(next_at + 1 / rate, loop.time())
        task = asyncio.create_task(visit(url))
        task.add_done_callback(lambda t: (running.discard(t), _keep(t.result(), held, failed)))
        running.add(task)
    await asyncio.gather(*running)
    return reason


def _keep(p: Patient, held: list[Patient], failed: list[Patient]) -> None:
    (failed if p.error else held).append(p)


async def measure(server: Server, held: list[Patient], failed: list[Patient], before: dict,
                  samples: int, window: float) -> dict:
    """Memory and idle CPU load with len(held) patients open, then `samples` new patients
    one after another (kept open: they count towards the next level)."""
    await settle(server, len(held))
    mem = await asyncio.to_thread(memory, server)
    (s0, k0), t0 = await asyncio.to_thread(server.cpu_seconds), time.monotonic()
    await asyncio.sleep(window)
    (s1, k1), dt = await asyncio.to_thread(server.cpu_seconds), time.monotonic() - t0
    row = {"open": len(held), "memory": mem, "memory_per_patient_mb": per_patient_mb(mem, before),
           "idle_cpu_per_s": {"server": (s1 - s0) / dt, "kernels": (k1 - k0) / dt}}
    new = [await visit(server.url) for _ in range(samples)]
    for p in new:
        _keep(p, held, failed)
    row["new_patient"] = {**times(new), "errors": dict(Counter(p.error for p in new if p.error))}
    return row


async def _levels(server: Server, levels, rate: float, concurrency: int, samples: int,
                  window: float) -> dict:
    before, held, failed, rows, stopped = memory(server), [], [], [], None
    t0 = time.monotonic()
    try:
        for level in levels:
            log(f"levels: filling to {level} open patients")
            stopped = await fill(server.url, held, failed, level, rate, concurrency)
            if held and not (stopped and rows and rows[-1]["open"] >= len(held)):
                rows.append(await measure(server, held, failed, before, samples, window))
            if stopped:
                log(f"levels: stopped at {len(held)} open patients: {stopped}")
                break
    finally:
        await close_all(held)
    return {"levels": rows, "stopped": stopped, **failures(failed, server),
            "memory_before": before, "wall_s": time.monotonic() - t0}


def levels(levels=LEVELS, rate: float = 2.0, concurrency: int = 4, samples: int = 3,
           window: float = 5.0) -> dict:
    """Open patients brought up to each level on one fresh server (module docstring)."""
    server = Server("load-levels", NOTEBOOK, *LOAD_ARGS)
    try:
        server.wait_idle(min_wait=0.5)
        result = asyncio.run(_levels(server, levels, rate, concurrency, samples, window))
        return {"rate": rate, "concurrency": concurrency, **result}
    finally:
        server.stop()


# -- kernels given back ----------------------------------------------------------------------
KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_ids(server: Server) -> set[str]:
    """Ids of the server's running kernels (from their connection files' names)."""
    ids = set()
    for k in server.kernels():
        try:
            found = KERNEL_FILE.search(" ".join(k.cmdline()))
        except psutil.Error:
            continue
        if found:
            ids.add(found.group(1))
    return ids


def _above(mem: dict, idle: dict) -> dict:
    """MB above the idle server: its RSS, and its RSS + the kernels' PSS."""
    return {"server_rss_mb": mem["server_rss_mb"] - idle["server_rss_mb"],
            "total_pss_mb": mem["total_pss_mb"] - idle["total_pss_mb"]}


def _how_gone(log_text: str, kernel_id: str) -> str:
    """How the server let the kernel go, read from its log (sonb.kernels' messages)."""
    why = re.search(rf"Shutting down kernel {kernel_id}: (.*)", log_text)
    if why:
        return re.sub(r"\d+ s", "N s", why.group(1))
    return "shutdown request" if f"Kernel shutdown: {kernel_id}" in log_text else "unknown"


async def _open_group(url: str, kinds: list[str]) -> tuple[dict[str, Page], dict[str, float],
                                                              list[Patient]]:
    """Open one page per kind: connected ones as `visit` does (1 per s), then the plain GETs
    one after another. Returns (kernel id -> page, kernel id -> when its GET was answered,
    the visits that failed)."""
    pages, got, failed = {}, {}, []
    connected = [k for k in kinds if k != "never_connected"]
    for p in await arrive(url, 1.0, len(connected), time_limit=float("inf")):
        if p.error:
            failed.append(p)
        else:
            pages[p.page.kernel_id] = p.page
    for _ in range(len(kinds) - len(connected)):
        p = Patient(time.monotonic())
        try:
            page = await get_page(url, timeout=PATIENT_TIMEOUT)
        except PageError as exc:
            p.error, p.reason = exc.kind, str(exc)
            failed.append(p)
            continue
        pages[page.kernel_id], got[page.kernel_id] = page, time.monotonic()
    return pages, got, failed


async def _reclaim_round(server: Server, n: int, idle: dict, warm: dict, before: dict) -> dict:
    kinds = [GROUPS[i % 3] for i in range(n)]
    log(f"reclaim: opening {n} patients ({dict(Counter(kinds))})")
    pages, got, failed = await _open_group(server.url, kinds)
    connected = [k for k in pages if k not in got]
    group = {k: GROUPS[i % 2] for i, k in enumerate(connected)}
    group.update(dict.fromkeys(got, "never_connected"))
    await settle(server, len(pages))
    mem_open = await asyncio.to_thread(memory, server)
    live = await asyncio.to_thread(kernel_ids, server)
    missing = sorted(k for k in pages if k not in live)  # kernels already gone before the close
    log(f"reclaim: {len(pages)} open ({len(failed)} failed); closing")
    closed = time.monotonic()
    refusals = Counter()

    async def close(page: Page, shutdown: bool) -> None:
        try:
            await page.close(shutdown)
        except PageError as exc:
            refusals[f"{exc.kind} {exc.status}"] += 1

    await asyncio.gather(*(close(pages[k], g == "tab_closed") for k, g in group.items()
                           if g != "never_connected"))
    statuses = Counter(pages[k].shutdown_status for k, g in group.items() if g == "tab_closed")
    since = {k: got.get(k, closed) for k in group}  # the close, or the GET answered
    gone_at: dict[str, float] = {}
    while len(gone_at) < len(group) and time.monotonic() - closed < RECLAIM_LIMIT:
        live = await asyncio.to_thread(kernel_ids, server)
        now = time.monotonic()
        gone_at.update({k: now for k in group if k not in live and k not in gone_at})
        await asyncio.sleep(RECLAIM_POLL)
    all_gone = time.monotonic()
    mem_gone = await asyncio.to_thread(memory, server)
    await asyncio.sleep(RECLAIM_SETTLE)
    mem_settled = await asyncio.to_thread(memory, server)
    log_text = server.log_text()
    groups = {}
    for g in GROUPS:
        ids = [k for k in group if group[k] == g]
        secs = [gone_at[k] - since[k] for k in ids if k in gone_at]
        groups[g] = {"kernels": len(ids), "gone_s": summary(secs),
                     "all_gone_s": max(secs) if ids and len(secs) == len(ids) else None,
                     "left_at_limit": len(ids) - len(secs),
                     "left_60s_after": sum(1 for k in ids if gone_at.get(k, math.inf) - since[k] > 60),
                     "how": dict(Counter(_how_gone(log_text, k) for k in ids))}
    return {"patients": n, "opened": len(pages), **failures(failed, server),
            "shutdown_status": {str(s): c for s, c in statuses.items()},
            "shutdown_refused": dict(refusals), "gone_before_close": missing, "groups": groups,
            "left_60s_after_close": sum(1 for k in group if gone_at.get(k, math.inf) - closed > 60),
            "all_gone_s_after_close": (all_gone - closed) if len(gone_at) == len(group) else None,
            "kernels_after": len(await asyncio.to_thread(kernel_ids, server)),
            "memory_open": mem_open, "memory_gone": mem_gone, "memory_settled": mem_settled,
            "above_idle_mb": {"gone": _above(mem_gone, idle), "settled": _above(mem_settled, idle)},
            "above_warm_mb": _above(mem_settled, warm),
            "above_round_before_mb": _above(mem_settled, before)}


async def _warm(server: Server) -> dict:
    """One patient's visit, tab closed, its kernel gone: the server's memory once it has made
    a page (what the first page costs it once: imports, templates), after RECLAIM_SETTLE s."""
    p = await visit(server.url)
    if p.error:
        raise RuntimeError(f"reclaim: the warm-up page failed: {p.reason}")
    await p.page.close()
    deadline = time.monotonic() + RECLAIM_LIMIT
    while p.page.kernel_id in await asyncio.to_thread(kernel_ids, server):
        if time.monotonic() > deadline:
            raise RuntimeError("reclaim: the warm-up page's kernel did not go")
        await asyncio.sleep(RECLAIM_POLL)
    await asyncio.sleep(RECLAIM_SETTLE)
    return await asyncio.to_thread(memory, server)


async def _reclaim(server: Server, n: int, rounds: int) -> dict:
    idle = await asyncio.to_thread(memory, server)
    log(f"reclaim: idle server {idle['server_rss_mb']:.1f} MB RSS, {idle['kernels']} kernels")
    warm = await _warm(server)
    out, before = [], idle
    for _ in range(rounds):
        out.append(await _reclaim_round(server, n, idle, warm, before))
        before = out[-1]["memory_settled"]
    return {"memory_idle": idle, "memory_warm": warm, "warm_above_idle_mb": _above(warm, idle),
            "rounds": out}


def reclaim(n: int = 20, rounds: int = 1) -> dict:
    """Kernels given back and memory, `rounds` times N patients on one fresh server with sonb's
    configuration (every patient here comes from 127.0.0.1, so the per-client share is off):
    see the module docstring. Times are from the close, or for pages that never connected from
    their GET answered; memory "above idle" is against the server before its first page,
    "above warm" against it after one page made and closed (before the rounds)."""
    server = Server("load-reclaim", NOTEBOOK, *RECLAIM_ARGS)
    t0 = time.monotonic()
    try:
        server.wait_idle(min_wait=0.5)
        result = asyncio.run(_reclaim(server, n, rounds))
        return {"n": n, "target_mb": RECLAIM_TARGET_MB, "settle_s": RECLAIM_SETTLE,
                "poll_s": RECLAIM_POLL, **_headline(result), **result,
                "wall_s": time.monotonic() - t0}
    finally:
        server.stop()


def _headline(result: dict) -> dict:
    """The first round's figures, flat (what benchmarks/run.py reads): patients; per group its
    pages, seconds until all were gone (inf: not all within RECLAIM_LIMIT) and kernels left
    60 s after; the server's RSS + kernels' PSS (MB) idle, after all were gone and settled,
    and the difference."""
    first, idle = result["rounds"][0], result["memory_idle"]
    groups = {g: {"pages": x["kernels"],
                  "gone_s": math.inf if x["all_gone_s"] is None else x["all_gone_s"],
                  "left_at_60s": x["left_60s_after"]} for g, x in first["groups"].items()}
    return {"patients": first["patients"], "groups": groups, "idle_mb": idle["total_pss_mb"],
            "after_mb": first["memory_settled"]["total_pss_mb"],
            "above_idle_mb": first["above_idle_mb"]["settled"]["total_pss_mb"]}


# -- all of it -----------------------------------------------------------------------------
def run(quick: bool = False, rates=RATES, bare: bool = True, parts=PARTS,
        reclaim_rounds: int = 1) -> dict:
    """Every rate, the bare baseline at 1 per s, the levels and the kernels given back (the
    `parts` asked for); quick: 4 patients per rate and in reclaim, levels 4 and 8, a 2 s window
    for the idle load."""
    count = 4 if quick else 20
    t0 = time.monotonic()
    out: dict = {"quick": quick, "count": count, "load_start": os.getloadavg(), "arrivals": []}
    for rate in rates if "arrivals" in parts else ():
        log(f"arrivals: {count} patients at {rate:g} per s")
        out["arrivals"].append(arrivals(rate, count))
    if bare and "bare" in parts:
        log(f"arrivals: bare notebook, {count} patients at 1 per s")
        out["bare"] = arrivals(1.0, count, notebook=BARE, button=BARE_BUTTON, expect=None)
        app = next((a for a in out["arrivals"] if a["rate"] == 1), None)
        out["app_over_bare_at_1"] = app and ratios(app, out["bare"])
    if "levels" in parts:
        log("levels of open patients")
        out["levels"] = (levels((4, 8), samples=2, window=2.0) if quick else levels())
    if "reclaim" in parts:
        log(f"reclaim: {count} patients, {reclaim_rounds} round(s)")
        try:
            out["reclaim"] = reclaim(count, reclaim_rounds)
        except Exception as exc:  # noqa: BLE001  (the other parts' results are kept)
            log(f"reclaim failed: {exc!r}")
            out["reclaim"] = {"error": repr(exc)}
    out["load_end"], out["duration_s"] = os.getloadavg(), time.monotonic() - t0
    return out


def ratios(app: dict, bare: dict) -> dict:
    """App / bare of the p95 times, memory and CPU per patient."""
    def r(a, b):
        return a / b if b else None

    return {"html_p95": r(app["html"]["p95"], bare["html"]["p95"]),
            "first_p95": r(app["first"]["p95"], bare["first"]["p95"]),
            "memory_per_patient": r(app["memory_per_patient_mb"], bare["memory_per_patient_mb"]),
            "kernel_cpu_per_patient": r(app["kernel_cpu_s_per_patient"],
                                        bare["kernel_cpu_s_per_patient"])}


# -- the plot ------------------------------------------------------------------------------
PANEL_W, PANEL_H, PAD = 380, 276, 52
COLORS = ("#1f77b4", "#d62728", "#2ca02c")


def plot(results: dict, path: Path) -> Path:
    """Write the plot: p95 time to the page and to the first interaction against the arrival
    rate; memory per patient and in total against open patients. matplotlib is not in the venv,
    so this is an SVG written by hand (a .png path is changed to .svg). Returns the path."""
    path = Path(path).with_suffix(".svg")
    arr, rows = results["arrivals"], results["levels"]["levels"]
    panels = [
        ("p95 against arrival rate", "patients arriving per s", "s", True, [
            ("time to the page (HTML)", [(a["rate"], a["html"]["p95"]) for a in arr]),
            ("time to first interaction", [(a["rate"], a["first"]["p95"]) for a in arr])]),
        ("memory per open patient", "open patients", "MB", False, [
            ("kernel PSS + server growth", [(r["open"], r["memory_per_patient_mb"]) for r in rows])]),
        ("total memory", "open patients", "GB", False, [
            ("server RSS + kernels' PSS", [(r["open"], r["memory"]["total_pss_mb"] / 1024) for r in rows]),
            ("server RSS + kernels' RSS", [(r["open"], r["memory"]["total_rss_mb"] / 1024) for r in rows])]),
    ]
    body = "".join(_panel(i * PANEL_W, *p) for i, p in enumerate(panels))
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_W * len(panels)}" '
                    f'height="{PANEL_H}" font-family="sans-serif" font-size="11">'
                    f'<rect width="100%" height="100%" fill="white"/>{body}</svg>\n')
    return path


def _nice_ticks(top: float, n: int = 5) -> list[float]:
    """0, step, 2 step, ... up to at least `top`, with a step of 1, 2 or 5 x 10^k."""
    raw = (top or 1) / n
    step = min(m * 10 ** math.floor(math.log10(raw)) for m in (1, 2, 5, 10)
               if m * 10 ** math.floor(math.log10(raw)) >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)] if top else [0, 1]


def _panel(x0: float, title: str, xlabel: str, unit: str, xlog: bool, series) -> str:
    series = [(name, [(x, y) for x, y in pts if math.isfinite(y)]) for name, pts in series]
    pts = [xy for _, s in series for xy in s]
    out = [f'<text x="{x0 + PANEL_W / 2}" y="16" text-anchor="middle" font-weight="bold">{title}</text>']
    if not pts:
        return out[0] + f'<text x="{x0 + PANEL_W / 2}" y="{PANEL_H / 2}" text-anchor="middle">no data</text>'
    fx = math.log2 if xlog else float
    xs = sorted({x for x, _ in pts})
    lo, hi = (fx(xs[0]), fx(xs[-1])) if xlog else (0.0, float(xs[-1]))
    yticks = _nice_ticks(max(y for _, y in pts))
    left, right, top, bottom = x0 + PAD, x0 + PANEL_W - 20, 28, PANEL_H - 66

    def X(x):
        return left + (fx(x) - lo) / ((hi - lo) or 1) * (right - left)

    def Y(y):
        return bottom - y / yticks[-1] * (bottom - top)

    for t in yticks:
        out.append(f'<line x1="{left}" x2="{right}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    for x in xs:
        out.append(f'<text x="{X(x):.1f}" y="{bottom + 14}" text-anchor="middle">{x:g}</text>')
    out.append(f'<polyline points="{left},{top} {left},{bottom} {right},{bottom}" fill="none" stroke="black"/>'
               f'<text x="{(left + right) / 2}" y="{bottom + 30}" text-anchor="middle">{xlabel}</text>'
               f'<text x="{left - 36}" y="{(top + bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 {left - 36} {(top + bottom) / 2})">{unit}</text>')
    for i, (name, s) in enumerate(series):
        color, coords = COLORS[i % len(COLORS)], " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in s)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        out.extend(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{color}"/>' for x, y in s)
        ly = bottom + 48 + 12 * i
        out.append(f'<rect x="{left}" y="{ly - 8}" width="10" height="3" fill="{color}"/>'
                   f'<text x="{left + 14}" y="{ly - 4}">{name}</text>')
    return "".join(out)


# -- running it alone ----------------------------------------------------------------------
def brief(res: dict) -> list[str]:
    """A few lines of the main figures, for the terminal."""
    lines = []
    for a in res["arrivals"] + ([res["bare"]] if "bare" in res else []):
        lines.append(f"{a['notebook']} at {a['rate']:g}/s: {a['ok']}/{a['patients']} ok, "
                     f"HTML p50/p95 {a['html']['median']:.2f}/{a['html']['p95']:.2f} s, first "
                     f"interaction p50/p95 {a['first']['median']:.2f}/{a['first']['p95']:.2f} s, "
                     f"errors {a['errors']}, {a['memory_per_patient_mb']:.0f} MB and "
                     f"{a['server_cpu_s_per_patient']:.2f} + {a['kernel_cpu_s_per_patient']:.2f} "
                     f"CPU-s (server + kernel) per patient, {a['throughput_per_s']:.2f} patients/s")
    for r in res.get("levels", {}).get("levels", []):
        n, m = r["new_patient"], r["memory"]
        lines.append(f"{r['open']} open: {m['total_pss_mb'] / 1024:.2f} GB (PSS; RSS "
                     f"{m['total_rss_mb'] / 1024:.2f}), {r['memory_per_patient_mb']:.0f} MB per "
                     f"patient, idle CPU {r['idle_cpu_per_s']['server']:.3f} + "
                     f"{r['idle_cpu_per_s']['kernels']:.3f} s/s; a new patient: HTML "
                     f"{n['html']['median']:.2f} s, first interaction {n['first']['median']:.2f} s")
    if res.get("levels", {}).get("stopped"):
        lines.append(f"levels stopped: {res['levels']['stopped']}")
    if "reclaim" in res:
        lines.extend(brief_reclaim(res["reclaim"]))
    lines.append(f"took {res['duration_s'] / 60:.1f} min")
    return lines


def brief_reclaim(rec: dict) -> list[str]:
    """The reclaim lines of `brief`: per round, each group's seconds until its kernels were
    gone, and the server's memory above the idle server afterwards."""
    if "error" in rec:
        return [f"reclaim failed: {rec['error']}"]
    idle = rec["memory_idle"]
    lines = [(f"reclaim: idle server {idle['server_rss_mb']:.0f} MB RSS "
              f"({idle['total_pss_mb']:.0f} MB with kernels' PSS, {idle['kernels']} kernels); "
              f"after its first page (made, closed, kernel gone) "
              f"{rec['warm_above_idle_mb']['server_rss_mb']:+.1f} MB")]
    for i, r in enumerate(rec["rounds"], 1):
        per = []
        for g, x in r["groups"].items():
            when = (f"after {x['all_gone_s']:.1f} s" if x["all_gone_s"] is not None
                    else f"NOT within {RECLAIM_LIMIT:g} s ({x['left_at_limit']} left)")
            per.append(f"{g.replace('_', ' ')} ({x['kernels']}): all gone {when} "
                       f"({', '.join(x['how'])})")
        refused = f", refused {r['shutdown_refused']}" if r["shutdown_refused"] else ""
        lines.append(f"reclaim round {i}: {r['opened']}/{r['patients']} opened, shutdown "
                     f"statuses {r['shutdown_status']}{refused}; " + "; ".join(per))
        gone, settled = r["above_idle_mb"]["gone"], r["above_idle_mb"]["settled"]
        met = "met" if abs(settled["total_pss_mb"]) <= rec["target_mb"] else "NOT met"
        lines.append(f"reclaim round {i}: {r['left_60s_after_close']} kernels left 60 s after "
                     f"the close (target 0), {r['kernels_after']} at the end; server above idle: "
                     f"{gone['server_rss_mb']:+.1f} MB RSS when all were gone, "
                     f"{settled['server_rss_mb']:+.1f} MB {rec['settle_s']:g} s later (RSS + "
                     f"PSS {settled['total_pss_mb']:+.1f} MB; within {rec['target_mb']:g} MB: "
                     f"{met}); {r['above_warm_mb']['server_rss_mb']:+.1f} MB RSS over the warm "
                     f"server, {r['above_round_before_mb']['server_rss_mb']:+.1f} MB over the "
                     f"round before")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="4 patients per rate, levels 4 and 8")
    ap.add_argument("--rates", type=float, nargs="+", default=RATES, help="arrivals per s")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare notebook baseline")
    ap.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, help="run only these parts")
    ap.add_argument("--reclaim-rounds", type=int, default=1,
                    help="rounds of N patients in reclaim, on the same server")
    ap.add_argument("--out", type=Path, help="also write the JSON to this file")
    ap.add_argument("--plot", type=Path, help="write the plot (SVG) to this file")
    args = ap.parse_args()
    res = run(args.quick, tuple(args.rates), not args.no_bare, tuple(args.only),
              args.reclaim_rounds)
    text = json.dumps(res, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text)
    if args.plot and "levels" in res and res["arrivals"]:
        log(f"wrote {plot(res, args.plot)}")
    for line in brief(res):
        log(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
