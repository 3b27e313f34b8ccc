"""`python -m sonb COMMAND`: app, report, forms, export-fhir, import-fhir.

    python -m sonb report CASE.json -o report.pdf         (or .html; --example back_pain)
    python -m sonb forms [--kind surgery] [CASE.json --clinician ID] -o forms.pdf
    (report and forms: --lang es for Spanish; the default is the case's language)
    python -m sonb export-fhir CASE.json -o bundle.json
    python -m sonb import-fhir BUNDLE.json --case CASE.json -o CASE2.json

A problem (a bad file, a wrong suffix) prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys

from .errors import SonbError
from .i18n import LANGUAGES, SOURCE_LANGUAGE, language
from .model import DecisionKind


def _app(args) -> int:
    from .serve import run_app

    return run_app(port=args.port, extra=args.voila_args)


def _load_case(args, required: bool = True):
    """The case named on the command line: a case file, or --example NAME (or None)."""
    from . import casefile
    from .examples import load_example

    if args.case and args.example:
        raise SonbError("Give a case file or --example, not both.")
    if args.example:
        return load_example(args.example)
    if args.case:
        return casefile.read(args.case)
    if required:
        raise SonbError("Name a case file (or use --example back_pain).")
    return None


def _wrote(path) -> int:
    print(f"Wrote {path}")
    return 0


def _report(args) -> int:
    from .pdf import write_report

    case = _load_case(args)
    with language(args.lang or case.language):
        return _wrote(write_report(case, args.output, paper=args.paper))


def _forms(args) -> int:
    from .pdf import write_forms

    case = _load_case(args, required=False)
    with language(args.lang or (case.language if case else SOURCE_LANGUAGE)):
        return _wrote(write_forms(args.output, kind=args.kind, case=case,
                                  clinician_id=args.clinician, paper=args.paper))


def _export_fhir(args) -> int:
    from .fhir import write_fhir_bundle

    return _wrote(write_fhir_bundle(_load_case(args), args.output))


def _import_fhir(args) -> int:
    from . import casefile
    from .fhir import import_fhir_bundle, read_fhir_bundle

    case = casefile.read(args.case_file)
    updated, left_out = import_fhir_bundle(read_fhir_bundle(args.bundle), case)
    for where, why in left_out.items():  # names and reasons only: never the answer itself
        print(f"Left out ({where}): {why}", file=sys.stderr)
    try:
        return _wrote(casefile.write(updated, args.output))
    except OSError as exc:
        raise SonbError(f"Could not save {args.output} ({exc.strerror}).") from None


def _case_arguments(parser: argparse.ArgumentParser, what: str = "a sonb case file (.json)") -> None:
    from .examples import names

    parser.add_argument("case", nargs="?", help=what)
    parser.add_argument("--example", choices=names(), help="use an example case instead of a file")


def _paper_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paper", choices=["a4", "letter"], default="a4", help="PDF paper size (default a4)")
    parser.add_argument("--lang", choices=list(LANGUAGES),
                        help="language of the paper (default: the case's, else English)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sonb", description="Second Opinion NoteBook")
    sub = parser.add_subparsers(dest="command", required=True)

    app = sub.add_parser("app", help="serve the patient app with Voila")
    app.add_argument("--port", type=int, default=None, help="port (default 8866)")
    app.add_argument("voila_args", nargs=argparse.REMAINDER, help="extra Voila options")
    app.set_defaults(run=_app)

    report = sub.add_parser("report", help="the summary for the primary doctor (.html or .pdf)")
    _case_arguments(report)
    report.add_argument("-o", "--output", required=True, help="report.html or report.pdf")
    _paper_argument(report)
    report.set_defaults(run=_report)

    forms = sub.add_parser("forms", help="printable forms, blank or filled in (.html or .pdf)")
    _case_arguments(forms, "a case file, to fill a form in with a doctor's answers")
    forms.add_argument("--kind", choices=[k.value for k in DecisionKind],
                       help="which form (default: the case's kind, else all four)")
    forms.add_argument("--clinician", help="the id of the doctor whose answers fill the form in")
    forms.add_argument("-o", "--output", required=True, help="forms.html or forms.pdf")
    _paper_argument(forms)
    forms.set_defaults(run=_forms)

    export = sub.add_parser("export-fhir", help="the case's filled forms as a FHIR R4 Bundle (.json)")
    _case_arguments(export)
    export.add_argument("-o", "--output", required=True, help="bundle.json")
    export.set_defaults(run=_export_fhir)

    import_ = sub.add_parser("import-fhir", help="read a Bundle's answers back into a copy of its case")
    import_.add_argument("bundle", help="a Bundle made by export-fhir (.json)")
    import_.add_argument("--case", dest="case_file", required=True, help="the case file it was made from")
    import_.add_argument("-o", "--output", required=True, help="the new case file (.json)")
    import_.set_defaults(run=_import_fhir)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (SonbError, OSError) as exc:
        print(f"sonb: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
