"""Browser benchmarks: the real app in real standalone Voila, driven by headless Chromium.

Time to interactive (cold and preheated, against a bare one-button notebook), interaction
latency, memory per patient session, and many patients at once.
"""

from __future__ import annotations

import asyncio
import re
import time

import psutil

from bench_lib import (
    BARE,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    NOTEBOOK,
    Server,
    browser_cpu_seconds,
    mem_of,
    page_js,
    summary,
)
from sonb._datafiles import texts

APP_READY = ".sonb-app button"
BARE_READY = ".widget-button"
PAGE_TIMEOUT = 240  # s: one page under heavy load (20 at once on 2 cores) may take long
STEP_KEYS = ("assess", "doctors", "plan", "forms", "compare", "decide")
POOL = 2  # preheated kernels per server
MB = 2**20


# Every page here comes from 127.0.0.1, and the memory figures read the kernels of pages the
# benchmark has closed: so no per-client share, and a closed page keeps its kernel (as a
# patient's open page would; `context.close()` sends no shutdown request).
KEEP = ("--CappedKernelManager.max_kernels_per_client=0",
        "--CappedKernelManager.closed_page_grace=0", "--CappedKernelManager.unconnected_grace=0")


def log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def _ui():
    return texts("ui")


def step_arg(n: int, came_from: int | None = None, parts: tuple[str, int] | None = None) -> dict:
    """The condition 'step n (1-6) is shown' for the in-page timer."""
    ui = _ui()
    key = STEP_KEYS[n - 1]
    arg = {"progress": ui["nav"]["step_of"].format(n=n, total=len(STEP_KEYS)),
           "title": ui["steps"][key]["title"], "intro": ui["steps"][key]["intro"][:40],
           "gone": None, "parts": parts}
    if came_from is not None:
        arg["gone"] = ui["steps"][STEP_KEYS[came_from - 1]]["intro"][:40]
    return arg


def saved_pattern() -> str:
    """What the save status reads after a save, as a JavaScript regular expression, from the
    app's own texts: "Saved (version N)" where the app shows versions, else "Saved HH:MM"."""
    bar = _ui()["case_bar"]
    if "saved_version" in bar:
        return "^" + re.escape(bar["saved_version"]).replace(r"\{n\}", r"\d+") + "$"
    return "^" + re.escape(bar["saved"]) + r" \d{1,2}:\d{2}$"


def button(page, name: str):
    # Font Awesome icons may add a private-use glyph before the text of a button
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


# -- pages ----------------------------------------------------------------------------------
class Session:
    """One patient: a fresh browser context and page on a server, opened and timed."""

    def __init__(self, browser, server: Server, ready: str):
        self.browser, self.server, self.ready = browser, server, ready
        self.errors: list[str] = []
        self.tti: float | None = None  # s from navigation start to usable
        self.html: float | None = None  # s until the page's HTML was received (notebook executed)
        self.tti_by = ""
        self.failure: str | None = None

    async def open(self) -> Session:
        self.context = await self.browser.new_context(viewport=DESKTOP)
        await self.context.add_init_script(page_js(self.ready))
        self.page = page = await self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        try:
            response = await page.goto(self.server.url, wait_until="commit",
                                       timeout=PAGE_TIMEOUT * 1000)
            self.status = response.status if response else None
            await page.wait_for_function("() => window.__bm && window.__bm.tti !== null",
                                         timeout=PAGE_TIMEOUT * 1000, polling=100)
            # the same wait as the browser tests' open_app, as a cross-check
            await page.wait_for_selector(self.ready, state="visible", timeout=PAGE_TIMEOUT * 1000)
            await page.wait_for_selector("#loading", state="hidden", timeout=PAGE_TIMEOUT * 1000)
            got = await page.evaluate("""() => ({tti: window.__bm.tti, by: window.__bm.ttiBy,
                html: performance.getEntriesByType('navigation')[0].responseEnd})""")
            self.tti, self.tti_by, self.html = got["tti"] / 1000, got["by"], got["html"] / 1000
            if await page.locator(".jupyter-widgets-error-widget").count():
                self.failure = "widget error on the page"
        except Exception as exc:  # a page that never became usable is a failed session
            self.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            self.failure += "; " + await self._diagnose()
        return self

    async def _diagnose(self) -> str:
        """What the page looked like when it failed."""
        try:
            state = await self.page.evaluate("""() => ({
                loading: !!document.getElementById('loading'),
                cells: document.querySelectorAll('#rendered_cells .jp-Cell').length,
                outputs: document.querySelectorAll('#rendered_cells .jp-OutputArea-output').length,
                widgets: document.querySelectorAll('.jupyter-widgets').length,
                text: (document.body ? document.body.innerText : '').slice(0, 160)})""")
        except Exception as exc:
            state = f"page not readable: {type(exc).__name__}"
        return (f"HTTP {getattr(self, 'status', None)}, page {state}, "
                f"errors {self.errors[:3]}")

    async def measure(self, condition: str, arg: dict, action, event: str = "click",
                      timeout: float = 60) -> dict:
        """Time `action` (a click, or Tab when event='Tab') until `condition` holds, in the page."""
        await self.page.evaluate("([n, a, e]) => window.__bm.arm(n, a, e)", [condition, arg, event])
        await action()
        try:
            await self.page.wait_for_function("() => window.__bm.done()", timeout=timeout * 1000,
                                              polling=50)
        except Exception as exc:
            raise RuntimeError(f"{condition} {arg.get('progress') or ''} never held: "
                               f"{type(exc).__name__}; {await self._shown()}") from None
        result = await self.page.evaluate("() => window.__bm.result()")
        return {"ready": result["ready"], "settled": result["settled"], "first": result["first"]}

    async def _shown(self) -> str:
        """What the app shows now (for error messages; no patient data, this is the example)."""
        try:
            state = await self.page.evaluate("""() => { const app = document.querySelector('.sonb-app');
                if (!app) return 'no app';
                return {step: [...app.querySelectorAll('p')].map(p => p.textContent.trim())
                                .filter(t => /^Step \\d/.test(t)),
                        h2: [...app.querySelectorAll('h2')].map(h => h.textContent.trim()),
                        errors: [...app.querySelectorAll('.sonb-error, .jupyter-widgets-error-widget')]
                                .map(e => e.textContent.trim().slice(0, 100))}; }""")
        except Exception as exc:
            state = f"page not readable: {type(exc).__name__}"
        return f"page shows {state}; console {self.errors[:3]}"

    async def wait_until(self, condition: str, arg: dict, holds: bool = True,
                         timeout: float = 60) -> None:
        js = "([n, a]) => window.__bm.conditions[n](a)" if holds else \
             "([n, a]) => !window.__bm.conditions[n](a)"
        await self.page.wait_for_function(js, arg=[condition, arg], timeout=timeout * 1000,
                                          polling=50)
        await asyncio.sleep(0.3)  # let the page finish changing before the next timed action

    async def example(self) -> dict:
        """Click "Try the back pain example" and time until step 1 is shown."""
        return await self.measure("step", step_arg(1), lambda: button(
            self.page, _ui()["start"]["example"]).click())

    async def next(self, to: int, parts: tuple[str, int] | None = None) -> dict:
        return await self.measure("step", step_arg(to, to - 1, parts),
                                  lambda: button(self.page, _ui()["nav"]["next"]).click())

    async def back(self, to: int) -> dict:
        return await self.measure("step", step_arg(to, to + 1),
                                  lambda: button(self.page, _ui()["nav"]["back"]).click())

    async def close(self) -> None:
        try:
            await self.context.close()
        except Exception:
            pass


async def launch(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            headless=True)


# -- 2. time to interactive -----------------------------------------------------------------
async def tti_and_memory(browser, n: int, lat_samples: int) -> dict:
    """TTI of the app and the bare page, cold and preheated; then memory per session and the
    interaction latencies on the cold app server."""
    log("starting 4 Voila servers (app/bare x cold/preheated)")
    servers = {
        "app_cold": Server("app-cold", NOTEBOOK, *KEEP),
        "bare_cold": Server("bare-cold", BARE, *KEEP),
        "app_preheat": Server("app-preheat", NOTEBOOK, *KEEP, "--preheat_kernel=True",
                              f"--pool_size={POOL}"),
        "bare_preheat": Server("bare-preheat", BARE, *KEEP, "--preheat_kernel=True",
                               f"--pool_size={POOL}"),
    }
    ready = {"app_cold": APP_READY, "bare_cold": BARE_READY, "app_preheat": APP_READY,
             "bare_preheat": BARE_READY}
    used = {name: 0 for name in servers}  # kernels taken by our pages, per server
    waits: list[float] = []
    out: dict = {"servers": {k: " ".join(s.command[1:]) for k, s in servers.items()}}

    def settle() -> None:
        """Every server idle; each preheated pool full (POOL kernels beyond those in use)."""
        for name, s in servers.items():
            pool = POOL if "preheat" in name else 0
            waits.append(s.wait_idle(kernels_at_least=used[name] + pool, min_wait=0.2))

    try:
        async def run(name: str) -> Session:
            settle()
            s = servers[name]
            before = s.kernel_pids()
            session = await Session(browser, s, ready[name]).open()
            used[name] += 1
            session.kernels = s.kernel_pids() - before
            await session.close()
            if session.failure:
                raise RuntimeError(f"{name}: page not usable: {session.failure}\n{s.log_tail()}")
            return session

        log("warm-up page on each server (not counted)")
        for name in servers:
            await run(name)
        settle()
        rss_before = {name: s.rss() for name, s in servers.items()}
        ttis: dict[str, list[float]] = {name: [] for name in servers}
        htmls: dict[str, list[float]] = {name: [] for name in servers}
        by_poll = 0
        kernels: dict[str, set[int]] = {name: set() for name in servers}
        errors: dict[str, list[str]] = {name: [] for name in servers}
        order = list(servers)
        for i in range(n):
            for name in order[i % 4:] + order[:i % 4]:  # rotate, so no variant is always first
                session = await run(name)
                ttis[name].append(session.tti)
                htmls[name].append(session.html)
                by_poll += session.tti_by == "poll"
                kernels[name] |= session.kernels
                errors[name] += session.errors
            log(f"TTI round {i + 1}/{n}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in ttis.items()))
        out["tti"] = {name: summary(v) for name, v in ttis.items()}
        out["html"] = {name: summary(v) for name, v in htmls.items()}
        out["tti_found_by_poll"] = by_poll
        out["tti_ratio"] = {
            "app_cold/bare_cold": _ratio(ttis["app_cold"], ttis["bare_cold"]),
            "app_preheat/bare_cold": _ratio(ttis["app_preheat"], ttis["bare_cold"]),
            "app_preheat/bare_preheat": _ratio(ttis["app_preheat"], ttis["bare_preheat"]),
            "bare_preheat/bare_cold": _ratio(ttis["bare_preheat"], ttis["bare_cold"]),
        }
        out["page_errors"] = {name: e[:5] for name, e in errors.items()}
        out["settle_wait_s"] = summary(waits)

        # -- 4. memory per session: the kernels of the cold TTI pages (start screen) ------------
        for name in ("app_preheat", "bare_preheat"):
            servers[name].stop()
        time.sleep(1.0)
        memory: dict = {}
        for name in ("app_cold", "bare_cold"):
            s = servers[name]
            procs = [p for p in s.kernels() if p.pid in kernels[name]]
            m = mem_of(procs)
            memory[name] = {"kernel_rss": summary([x / MB for x in m["rss"]]),
                            "kernel_uss": summary([x / MB for x in m["uss"]]),
                            "server_rss_mb": s.rss() / MB,
                            "server_growth_per_session_mb": (s.rss() - rss_before[name]) / MB / n}
        servers["bare_cold"].stop()

        # the app in use: N more sessions open the example and visit all six steps
        log(f"memory: {n} app sessions through all six steps of the example")
        s = servers["app_cold"]
        rss0 = s.rss()
        in_use: set[int] = set()
        first_visits: dict[int, list[float]] = {k: [] for k in range(1, 7)}
        errors_in_use: list[str] = []
        for i in range(n):
            before = s.kernel_pids()
            session = await Session(browser, s, APP_READY).open()
            try:
                if session.failure:
                    raise RuntimeError(f"app page not usable: {session.failure}")
                visits = [await session.example()]
                for k in range(2, 7):
                    visits.append(await session.next(k))
                for k, v in enumerate(visits, start=1):
                    first_visits[k].append(v)
                in_use |= s.kernel_pids() - before
            except Exception as exc:  # recorded in RESULTS.md; the other sessions still count
                errors_in_use.append(f"session {i + 1}: {exc}"[:600])
                log(f"memory session {i + 1} failed: {exc}")
            await session.close()
        time.sleep(1.0)
        m = mem_of([p for p in s.kernels() if p.pid in in_use])
        memory["app_in_use"] = {"kernel_rss": summary([x / MB for x in m["rss"]]),
                                "kernel_uss": summary([x / MB for x in m["uss"]]),
                                "server_rss_mb": s.rss() / MB,
                                "server_growth_per_session_mb":
                                    (s.rss() - rss0) / MB / max(len(in_use), 1),
                                "sessions": len(in_use), "errors": errors_in_use}
        out["memory"] = memory
        out["first_visit_ready_ms"] = {k: summary([x["ready"] for x in v])
                                       for k, v in first_visits.items()}
        out["first_visit_settled_ms"] = {k: summary([x["settled"] for x in v])
                                         for k, v in first_visits.items()}

        # -- 3. interaction latency (a fresh session per kind) --------------------------------
        out["latency"] = await latencies(browser, s, lat_samples)
    finally:
        for s in servers.values():
            s.stop()
    return out


def _ratio(a: list[float], b: list[float]) -> dict:
    """Ratio of the medians, plus the range of per-round ratios (a[i] / b[i], same round)."""
    from bench_lib import percentile

    per_round = [x / y for x, y in zip(a, b)]
    return {"ratio": percentile(a, 50) / percentile(b, 50), "round_min": min(per_round),
            "round_max": max(per_round)}


# -- 3. interaction latency -----------------------------------------------------------------
async def latencies(browser, server: Server, samples: int) -> dict:
    out: dict = {}
    opened: list[Session] = []

    async def fresh() -> Session:
        session = await Session(browser, server, APP_READY).open()
        opened.append(session)
        if session.failure:
            raise RuntimeError(f"app page not usable: {session.failure}")
        await session.example()
        return session

    async def guarded(name: str, bench) -> None:
        try:
            out[name] = await bench()
        except Exception as exc:  # recorded in RESULTS.md; the other interactions still run
            log(f"latency {name} failed: {exc}")
            out[name] = {"error": str(exc)[:600]}

    await guarded("next_back", lambda: next_back(fresh, samples))
    await guarded("typing", lambda: typing(fresh, server, samples))
    await guarded("add_clinician", lambda: add_clinician(fresh, samples))
    await guarded("compare", lambda: compare(fresh, samples))
    for session in opened:  # also the ones a failed benchmark left open
        await session.close()
    return out


async def next_back(fresh, samples: int) -> dict:
    """Next / Back through the six steps of the example, back and forth."""
    log(f"latency: Next/Back ({samples} samples)")
    session = await fresh()
    rows, seen, at = [], {1}, 1
    forward = True
    while len(rows) < samples:
        to = at + 1 if forward else at - 1
        r = await (session.next(to) if forward else session.back(to))
        r.update(initial=to not in seen, to=to)
        seen.add(to)
        rows.append(r)
        at = to
        if at in (1, 6):
            forward = not forward
    await session.close()
    return _latency(rows)


async def typing(fresh, server: Server, samples: int) -> dict:
    """Typing in a text field, then Tab: the save status shows the save (a new revision)."""
    ui = _ui()
    log(f"latency: typing + Tab -> saved ({samples} samples)")
    session = await fresh()
    page = session.page
    label = page.locator("label.widget-label").filter(has_text=re.compile(r"^\s*What do you need to decide"))
    box = page.locator(".sonb-field").filter(has=label).locator("textarea, input[type=text]")
    pattern = saved_pattern()
    rows = []
    for i in range(samples):
        await box.fill(f"Should I have spinal fusion surgery for my back? (draft {i + 1})")
        r = await session.measure("saved", {"pattern": pattern}, lambda: box.press("Tab"), event="Tab")
        r.update(initial=i == 0)
        rows.append(r)
        await asyncio.sleep(0.1)
    out = _latency(rows)
    # check that the saves really happened: the store holds the last draft
    from sonb import CaseStore

    code = (await page.locator("code.sonb-code").inner_text()).strip()
    with CaseStore(server.home) as store:
        stored = store.load(code)
    if f"(draft {samples})" not in stored.decision:
        raise RuntimeError("typing: the last draft is not in the store")
    out["revisions"] = stored.revision
    bar = ui["case_bar"]
    out["status"] = bar["saved_version"].replace("{n}", "N") if "saved_version" in bar \
        else bar["saved"] + " HH:MM"
    await session.close()
    return out


async def add_clinician(fresh, samples: int) -> dict:
    """Adding a clinician: click "Add a doctor or expert" -> the form is shown."""
    ui = _ui()
    log(f"latency: add a clinician -> form ({samples} samples)")
    session = await fresh()
    await session.next(2)
    form = {"label": r"^Name( \(required\))?$", "button": "Save"}
    rows = []
    for i in range(samples):
        r = await session.measure("form", form, lambda: button(
            session.page, ui["steps"]["doctors"]["add"]).click())
        r.update(initial=i == 0)
        rows.append(r)
        await button(session.page, "Cancel").click()
        await session.wait_until("form", form, holds=False)
    await session.close()
    return _latency(rows)


async def compare(fresh, samples: int) -> dict:
    """Opening Compare (three opinions): Next from step 4 -> step 5 with its topics and the
    questions of its general topics."""
    log(f"latency: open Compare ({samples} samples)")
    session = await fresh()
    for k in range(2, 5):
        await session.next(k)
    parts = (".sonb-topic", 20)  # the example: 4 general topics and 3 choices' topics
    rows = []
    for i in range(samples):
        r = await session.next(5, parts=parts)
        r.update(initial=i == 0)
        rows.append(r)
        if i == 0:
            shown = await session.page.evaluate(
                "() => document.querySelectorAll('.sonb-step .sonb-topic').length")
        await session.back(4)
    out = _latency(rows)
    out["topics"] = shown
    await session.close()
    return out


def _latency(rows: list[dict]) -> dict:
    ready = [r["ready"] for r in rows]
    settled = [r["settled"] for r in rows]
    firsts = [r["settled"] for r in rows if r["initial"]]
    return {"ready": summary(ready), "settled": summary(settled),
            "first_change": summary([r["first"] for r in rows if r["first"] is not None]),
            "first_settled": summary(firsts) if firsts else None,
            "repeat_settled": summary([r["settled"] for r in rows if not r["initial"]]),
            "samples": rows}


# -- 5. many patients at once --------------------------------------------------------------
async def many(browser, count: int) -> dict:
    """`count` patients open the app at the same moment (parallel browser contexts) on a fresh
    server with sonb's configuration; then each opens the example."""
    s = Server(f"app-many{count}", NOTEBOOK, *KEEP)
    try:
        s.wait_idle(min_wait=0.5)
        server_cpu0, _ = s.cpu_seconds()
        browser_cpu0 = browser_cpu_seconds()
        load0 = psutil.getloadavg()
        t0 = time.monotonic()
        sessions = [Session(browser, s, APP_READY) for _ in range(count)]
        await asyncio.gather(*(x.open() for x in sessions))
        wall = time.monotonic() - t0
        ok = [x for x in sessions if x.failure is None]
        # wait until the server and kernels are quiet before reading memory
        s.wait_idle(min_wait=0.5, timeout=30)
        server_cpu, kernel_cpu = s.cpu_seconds()
        browser_cpu = browser_cpu_seconds() - browser_cpu0
        kernels = s.kernels()
        m = mem_of(kernels)
        server_rss = s.rss()
        result = {
            "count": count, "interactive": len(ok),
            "failures": [x.failure for x in sessions if x.failure],
            "tti": summary([x.tti for x in ok]),
            "html": summary([x.html for x in ok]),
            "wall_s": wall,
            "kernels": len(kernels),
            "server_rss_mb": server_rss / MB,
            "kernels_rss_mb": sum(m["rss"]) / MB,
            "kernels_uss_mb": sum(m["uss"]) / MB,
            "total_rss_mb": (server_rss + sum(m["rss"])) / MB,
            "kernel_uss_each": summary([x / MB for x in m["uss"]]),
            "server_cpu_s": server_cpu - server_cpu0,
            "kernel_cpu_s": kernel_cpu,
            "browser_cpu_s": browser_cpu,
            "load_before": load0, "load_after": psutil.getloadavg(),
            "page_errors": sum(len(x.errors) for x in sessions),
        }
        # every patient then opens the example (all at once): the kernels answer
        res = await asyncio.gather(*(x.example() for x in ok), return_exceptions=True)
        good = [r for r in res if isinstance(r, dict)]
        result["example_ok"] = len(good)
        result["example_settled"] = summary([r["settled"] for r in good]) if good else None
        await asyncio.gather(*(x.close() for x in sessions))
        return result
    finally:
        s.stop()
