"""Serve the patient app with standalone Voila and safe defaults (sonb/voila/voila.json).

Standalone `voila` drops execute requests from the page; the committed configuration binds to
127.0.0.1, strips sources, hides tracebacks, caps the number of kernels, culls idle ones, and
uses sonb's template, which requests nothing from other hosts (its error pages neither). The
URL cannot switch to another template or theme (`?template=`, `?theme=`), and no file next to
the notebook is served (`file_allowlist` is empty). See SECURITY.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

VOILA_DIR = Path(__file__).parent / "voila"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "second_opinion.ipynb"


def voila_command(notebook: Path = NOTEBOOK, port: int | None = None, *extra: str) -> list[str]:
    """The command line that serves `notebook` with sonb's configuration."""
    cmd = [sys.executable, "-m", "voila", str(notebook),
           f"--Voila.config_file_paths={VOILA_DIR}"]
    if port is not None:
        cmd.append(f"--port={port}")
    return cmd + list(extra)


def voila_env(base: dict | None = None) -> dict:
    """Environment for Voila: sonb's template folder on the Jupyter data path; one malloc arena
    per process (kernels inherit it) unless the deployer chose otherwise."""
    env = dict(os.environ if base is None else base)
    # glibc gives each thread that allocates its own arena, kept for the process's life: the
    # app imports pandas in a thread (so the kernel keeps answering), which cost ~3 MB more per
    # kernel. Kernel threads do little outside the GIL, so one shared arena costs no speed.
    env.setdefault("MALLOC_ARENA_MAX", "1")
    share = str(VOILA_DIR / "share")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    return env


def run_app(port: int | None = None, extra: list[str] | None = None) -> int:
    """Become Voila (the process is replaced, so a supervisor's SIGTERM or a Ctrl-C reaches
    Voila itself, which stops its kernels); Voila prints the URL to open. Returns only when
    Voila cannot be started."""
    if not NOTEBOOK.exists():
        print(f"Cannot find the app notebook at {NOTEBOOK}.", file=sys.stderr)
        return 2
    print("Starting the sonb patient app. Open the address printed below in your browser.",
          flush=True)
    cmd = voila_command(NOTEBOOK, port, *(extra or []))
    try:
        os.execve(cmd[0], cmd, voila_env())
    except OSError as exc:
        print(f"Cannot start Voila: {exc.strerror}.", file=sys.stderr)
        return 2
