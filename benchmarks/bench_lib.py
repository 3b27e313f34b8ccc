"""Shared pieces of sonb's benchmarks: statistics, a real Voila server, process memory and CPU,
the machine description, and the in-page timing script loaded into every browser page.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the browser tests' server and Chromium

from sonb.serve import NOTEBOOK  # noqa: E402,F401
from voila_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, VoilaServer  # noqa: E402,F401

BENCH = Path(__file__).resolve().parent
BARE = BENCH / "bare.ipynb"


# -- statistics ----------------------------------------------------------------------------
def percentile(values, q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between order statistics."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(values) -> dict:
    """median, min, max, p95 and n of a list of numbers."""
    xs = [float(v) for v in values]
    return {"median": percentile(xs, 50), "min": min(xs, default=float("nan")),
            "max": max(xs, default=float("nan")), "p95": percentile(xs, 95), "n": len(xs),
            "values": xs}


# -- a real standalone Voila server ---------------------------------------------------------
class Server(VoilaServer):
    """The browser tests' Voila server (sonb's command line, configuration and environment)
    with a temporary SONB_HOME, plus what the benchmarks read: its kernels, memory and CPU."""

    def __init__(self, name: str, notebook: Path, *extra: str):
        super().__init__(Path(tempfile.mkdtemp(prefix=f"sonb-bench-{name}-")), notebook, *extra,
                         name=name)
        self.ps = psutil.Process(self.proc.pid)

    def kernels(self) -> list[psutil.Process]:
        """The kernel processes this server started (alive)."""
        out = []
        try:
            children = self.ps.children(recursive=True)
        except psutil.Error:
            return out
        for p in children:
            try:
                if "ipykernel_launcher" in " ".join(p.cmdline()):
                    out.append(p)
            except psutil.Error:
                pass
        return out

    def kernel_pids(self) -> set[int]:
        return {p.pid for p in self.kernels()}

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def cpu_seconds(self) -> tuple[float, float]:
        """(server, kernels) CPU seconds used so far (user + system; live kernels only)."""
        t = self.ps.cpu_times()
        kernels = 0.0
        for p in self.kernels():
            try:
                k = p.cpu_times()
                kernels += k.user + k.system
            except psutil.Error:
                pass
        return t.user + t.system, kernels

    def wait_idle(self, kernels_at_least: int = 0, min_wait: float = 0.0, window: float = 0.5,
                  threshold: float = 0.05, timeout: float = 60.0) -> float:
        """Wait until at least `kernels_at_least` kernels run and the server and all its kernels
        used less than `threshold` CPU-seconds per second over `window` s (a preheated pool is
        full and has executed the notebook). Returns the seconds waited."""
        start = time.monotonic()
        time.sleep(min_wait)
        last = sum(self.cpu_seconds())
        while time.monotonic() - start < timeout:
            time.sleep(window)
            now = sum(self.cpu_seconds())
            busy = (now - last) / window
            last = now
            if len(self.kernels()) >= kernels_at_least and busy < threshold:
                break
        return time.monotonic() - start

    def stop(self) -> None:
        """Stop the server, then any kernel it started that is still running (by pid)."""
        if self.log.closed:
            return
        kernels = self.kernels() if self.proc.poll() is None else []
        super().stop()
        for k in kernels:
            try:
                if k.is_running():
                    k.kill()
            except psutil.Error:
                pass
        shutil.rmtree(self.home, ignore_errors=True)


def mem_of(procs) -> dict:
    """RSS and USS (bytes) of each process, skipping the ones that are gone."""
    out = {"rss": [], "uss": []}
    for p in procs:
        try:
            full = p.memory_full_info()
            out["rss"].append(full.rss)
            out["uss"].append(full.uss)
        except psutil.Error:
            pass
    return out


def browser_cpu_seconds() -> float:
    """CPU seconds used so far by the Chromium processes under this Python process."""
    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            if "chromium" in p.name() or "chrome" in p.name():
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.Error:
            pass
    return total


# -- the machine --------------------------------------------------------------------------
def _version(dist: str) -> str:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or out.stderr.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        # the benchmark's own outputs do not count: a run rewrites them
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":!benchmarks/RESULTS.md", ":!benchmarks/results.json"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def machine() -> dict:
    vm = psutil.virtual_memory()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(vm.total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "voila": _version("voila"),
        "ipywidgets": _version("ipywidgets"),
        "jupyter_server": _version("jupyter_server"),
        "ipykernel": _version("ipykernel"),
        "pandas": _version("pandas"),
        "pydantic": _version("pydantic"),
        "playwright": _version("playwright"),
        "chromium": chromium_version(),
        "git": git_state(),
    }


# -- timing inside the page -----------------------------------------------------------------
# Loaded into every page before its own scripts (context.add_init_script). All times are read
# from the page's own clock (performance.now(), 0 = navigation start), so Playwright's round
# trips to the browser never count.
#
# TTI: a MutationObserver on the whole document (plus a check every 50 ms, for changes no
# mutation reports, such as a stylesheet arriving) records the first moment that an
# element matching READY_SELECTOR is visible (a non-empty box, not visibility:hidden: what
# Playwright calls visible) and #loading is absent or not visible.
#
# Interactions: `__bm.arm(condition, arg)` checks that the condition is false now, then listens
# (capture phase, on window) for the user's action: the `click` event, or the `keydown` of Tab.
# t0 = that moment. A MutationObserver records t1, the first DOM change after which the
# condition holds, and `last`, the latest DOM change of any kind. `__bm.done()` is true once
# the condition holds and the DOM has been still for QUIET ms; then ready = t1 - t0,
# settled = last - t0 (the page has finished changing) and first = (first change of content,
# not of attributes) - t0, about one kernel round trip: the kernel's first reply has arrived.
PAGE_JS = r"""
(() => {
  if (window.__bm) return;
  const READY_SELECTOR = %(selector)s;
  const QUIET = %(quiet)d;
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const texts = (root, sel) => [...root.querySelectorAll(sel)];
  const conditions = {
    // the step `a.progress` ("Step n of 6") is shown with its title and intro, the step before
    // is no longer visible (built steps stay on the page, hidden), and (compare) at least
    // `a.parts[1]` elements matching `a.parts[0]` are visible
    step(a) {
      const app = document.querySelector('.sonb-app');
      if (!app) return false;
      if (!texts(app, 'p').some(p => p.textContent.trim() === a.progress && visible(p))) return false;
      if (!texts(app, 'h2').some(h => h.textContent.trim() === a.title && visible(h))) return false;
      if (!texts(app, '.widget-html-content').some(d => d.textContent.includes(a.intro) && visible(d))) return false;
      if (a.gone && texts(app, '.widget-html-content').some(d => d.textContent.includes(a.gone) && visible(d))) return false;
      if (a.parts && texts(app, a.parts[0]).filter(visible).length < a.parts[1]) return false;
      return true;
    },
    // the save status reads "Saved (version N)" with a new N (a new revision)
    saved(a) {
      const app = document.querySelector('.sonb-app');
      if (!app) return false;
      const re = new RegExp(a.pattern);
      return texts(app, '.sonb-status').some(s => re.test(s.textContent.trim()) && visible(s)
                                             && s.textContent.trim() !== window.__bm.before);
    },
    // the clinician form is open: a visible "Name" field and a visible Save button
    form(a) {
      const app = document.querySelector('.sonb-app');
      if (!app) return false;
      const re = new RegExp(a.label);
      if (!texts(app, '.sonb-field label').some(l => re.test(l.textContent.trim()) && visible(l))) return false;
      return texts(app, 'button').some(b => b.textContent.trim() === a.button && visible(b));
    },
  };
  const bm = window.__bm = { tti: null, ttiBy: 'mutation', st: null, conditions };
  const ttiCheck = () => {
    if (bm.tti !== null) return;
    const buttons = document.querySelectorAll(READY_SELECTOR);
    if (!buttons.length) return;
    const loading = document.getElementById('loading');
    if (loading && visible(loading)) return;
    if ([...buttons].some(visible)) bm.tti = performance.now();
  };
  const onMutations = (records) => {
    const now = performance.now();
    ttiCheck();
    const st = bm.st;
    if (st && st.t0 !== null) {
      st.last = now;
      // first content change (a click or focus changes only attributes at once)
      if (st.first === null && records.some(r => r.type !== 'attributes')) st.first = now;
      st.mutations += 1;
      if (st.t1 === null && conditions[st.name](st.arg)) st.t1 = now;
    }
  };
  new MutationObserver(onMutations).observe(document, {subtree: true, childList: true,
    attributes: true, characterData: true});
  // fallback for changes no mutation reports (stylesheets): a light poll until interactive
  const poll = setInterval(() => { if (bm.tti === null) { ttiCheck(); if (bm.tti !== null) bm.ttiBy = 'poll'; }
                                   else clearInterval(poll); }, 50);

  bm.arm = (name, arg, event) => {
    const status = document.querySelector('.sonb-app .sonb-status .sonb-status, .sonb-app span.sonb-status');
    bm.before = status ? status.textContent.trim() : null;  // the save status before a save
    if (conditions[name](arg)) throw new Error('condition ' + name + ' already holds before the action');
    const st = bm.st = { name, arg, t0: null, t1: null, first: null, last: null, mutations: 0 };
    const start = (e) => {
      if (event === 'Tab' && e.key !== 'Tab') return;
      if (st.t0 === null) st.t0 = performance.now();
    };
    window.addEventListener(event === 'Tab' ? 'keydown' : 'click', start, {capture: true});
    st.off = () => window.removeEventListener(event === 'Tab' ? 'keydown' : 'click', start, {capture: true});
    return true;
  };
  bm.done = () => {
    const st = bm.st;
    if (!st || st.t0 === null || st.t1 === null) return false;
    return performance.now() - st.last >= QUIET;
  };
  bm.result = () => {
    const st = bm.st;
    st.off();
    return { ready: st.t1 - st.t0, settled: st.last - st.t0,
             first: st.first === null ? null : st.first - st.t0,  // null: styles changed only
             mutations: st.mutations };
  };
})();
"""


def page_js(ready_selector: str, quiet_ms: int = 300) -> str:
    import json

    return PAGE_JS % {"selector": json.dumps(ready_selector), "quiet": quiet_ms}
