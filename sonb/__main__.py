"""`python -m sonb COMMAND`: app, report, export-fhir, import, export, list."""

from __future__ import annotations

import argparse
import sys

from .errors import SonbError


def _app(args) -> int:
    from .serve import run_app

    return run_app(port=args.port, extra=args.voila_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sonb", description="Second Opinion NoteBook")
    sub = parser.add_subparsers(dest="command", required=True)
    app = sub.add_parser("app", help="serve the patient app with Voila")
    app.add_argument("--port", type=int, default=None, help="port (default 8866)")
    app.add_argument("voila_args", nargs=argparse.REMAINDER, help="extra Voila options")
    app.set_defaults(run=_app)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SonbError as exc:
        print(f"sonb: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
