"""`python -m sonb.hub setup [--demo]` and `python -m sonb.hub start` (see sonb.hub)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import HERE, Clinic
from .accounts import AccountError, prepare, setup_demo


def _start(clinic: Clinic, port: int) -> int:
    saved = clinic.hub / "demo-passwords.json"
    print(f"\nsonb clinic: open http://127.0.0.1:{port}/ in your browser.", flush=True)
    if saved.exists():
        print("Demo accounts (name: password):")
        for role, users in clinic.accounts().items():
            for name in users:
                print(f"  {role[:-1]:9} {name}: {json.loads(saved.read_text()).get(name, '?')}")
    print("Stop the clinic with Ctrl-C.\n", flush=True)
    os.chdir(clinic.hub)
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "jupyterhub_config.py")]
    os.execv(cmd[0], cmd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sonb.hub")
    sub = parser.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup", help="create the clinic's folders (and --demo accounts)")
    setup.add_argument("--demo", action="store_true", help="two demo patients and a navigator")
    sub.add_parser("start", help="start the hub")
    args = parser.parse_args(argv)
    clinic = Clinic()
    try:
        if args.command == "setup":
            setup_demo(clinic) if args.demo else prepare(clinic)
            return 0
        return _start(clinic, int(os.environ.get("SONB_CLINIC_PORT", "8000")))
    except AccountError as exc:
        print(f"sonb clinic: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
