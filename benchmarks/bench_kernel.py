"""Where the kernel's time and memory go, without a browser: the app's imports, its start
screen, and each step as the kernel builds it (example case).

Run by run.py in a fresh Python process per sample (`python bench_kernel.py` prints JSON), so
every sample pays the first-time costs a new kernel pays. Widgets opened = comm_open messages
the page must turn into widget models and views.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker() -> dict:
    home = tempfile.mkdtemp(prefix="sonb-bench-kernel-")
    try:
        return _worker(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _worker(home: str) -> dict:
    os.environ["SONB_HOME"] = home
    import IPython  # noqa: F401  (a kernel has these already; the bare notebook pays for them too)
    import ipywidgets as W

    opened = [0]
    original = W.Widget.open

    def counting_open(self):
        opened[0] += 1
        return original(self)

    W.Widget.open = counting_open
    out: dict = {"rss_baseline_mb": _rss_mb()}

    def step(label: str, fn) -> None:
        n, m = opened[0], _rss_mb()
        t = time.perf_counter()
        fn()
        out[label] = {"ms": (time.perf_counter() - t) * 1000, "widgets": opened[0] - n,
                      "rss_mb": _rss_mb() - m, "pandas": "pandas" in sys.modules}

    holder: dict = {}

    def imp():
        from sonb.widgets.app import SecondOpinionApp

        holder["cls"] = SecondOpinionApp

    step("import", imp)
    step("construct", lambda: holder.__setitem__("app", holder["cls"]()))
    app = holder["app"]
    step("example", lambda: app.new_case(example="back_pain"))
    for i in range(1, 6):
        step(f"first {i + 1}", lambda i=i: app.go(i))
    for i in range(4, -1, -1):
        step(f"back {i + 1}", lambda i=i: app.go(i))
    for i in range(1, 6):
        step(f"again {i + 1}", lambda i=i: app.go(i))
    app.go(1)
    people = app.views[1].people
    step("add clinician", people.add_button.click)
    step("cancel", people.close_editor)
    out["rss_end_mb"] = _rss_mb()
    from ipywidgets.widgets.widget import _instances

    out["widgets_opened"] = opened[0]  # during the whole walk above
    out["widgets_alive"] = len(_instances)  # not closed at the end (the page holds them all too)
    return out


def importtime(runs: int) -> list[dict]:
    """-X importtime of the app on top of IPython + ipywidgets: per module self and cumulative
    microseconds, median over `runs` processes."""
    code = "import IPython, ipywidgets\nfrom sonb.widgets.app import SecondOpinionApp"
    found: dict[str, list[tuple[int, int]]] = {}
    home = tempfile.mkdtemp(prefix="sonb-bench-imp-")
    env = dict(os.environ, SONB_HOME=home)
    errs = [subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env,
                           capture_output=True, text=True, check=True).stderr for _ in range(runs)]
    shutil.rmtree(home, ignore_errors=True)
    for err in errs:
        seen_ipywidgets = False
        for line in err.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
            if not m:
                continue
            name = m.group(4)
            if name == "ipywidgets":
                seen_ipywidgets = True  # everything before is the bare notebook's cost
                continue
            if seen_ipywidgets:
                found.setdefault(name, []).append((int(m.group(1)), int(m.group(2))))
    from bench_lib import percentile

    rows = [{"module": k, "self_ms": percentile([s for s, _ in v], 50) / 1000,
             "cumulative_ms": percentile([c for _, c in v], 50) / 1000}
            for k, v in found.items() if len(v) == runs]
    return sorted(rows, key=lambda r: -r["cumulative_ms"])


def samples(n: int) -> list[dict]:
    """n fresh processes, each one worker() run."""
    out = []
    for _ in range(n):
        res = subprocess.run([sys.executable, str(Path(__file__).resolve())], capture_output=True,
                             text=True, check=True, cwd=HERE)
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    sys.path.insert(0, str(HERE.parent))
    print(json.dumps(worker()))
