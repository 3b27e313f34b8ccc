"""The case file: one case as a JSON file a patient can keep, carry and bring back.

Format (UTF-8 JSON)::

    {"format": "sonb-case", "schema_version": 1, "exported": "<ISO datetime>", "case": {...}}

Reading refuses anything it cannot fully trust with a `CaseFileError` whose message says what
is wrong and what to do. Every check happens before anything is stored, so a bad file changes
nothing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._datafiles import texts
from .errors import CaseFileError, InvalidInput
from .model import SCHEMA_VERSION, Case, now

FORMAT = "sonb-case"
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20

Migration = Callable[[dict], dict]

MIGRATIONS: dict[int, Migration] = {}
"""Upgrades for case files made by older versions of sonb.

`MIGRATIONS[v]` takes the `case` object of a file at schema_version `v` and returns it as it
would be at version `v + 1` (a new dict; the input is not changed). `loads` applies them one
after another until the case reaches `SCHEMA_VERSION`, then validates the result. When the
model changes in a way old files no longer fit, bump `model.SCHEMA_VERSION` and add the step
from the old version here, with a test that reads a file of the old version.
"""

_TOKENS = re.compile(r'\\.|["\[\]{}]', re.DOTALL)


def _message(key: str, **fields) -> str:
    """The patient text `key` of sonb/data/files.json ("case_file"), filled in."""
    data = texts("files")
    return data["case_file"][key].format(try_again=data["try_again"], **fields)


# -- writing ---------------------------------------------------------------------------------


def dumps(case: Case) -> str:
    """The case file text for `case` (non-ASCII text kept as is, so it stays readable)."""
    envelope = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported": now().isoformat(),
        "case": case.model_dump(mode="json"),
    }
    return json.dumps(envelope, ensure_ascii=False, indent=2) + "\n"


def write(case: Case, path: str | os.PathLike) -> Path:
    """Write the case file atomically: a half-written file never replaces a good one."""
    path = Path(path)
    data = dumps(case).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- reading ---------------------------------------------------------------------------------


def read(path: str | os.PathLike) -> Case:
    """Read and check a case file; the size is checked before the file is read."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            _check_size(os.fstat(fh.fileno()).st_size)
            data = fh.read(MAX_BYTES + 1)  # the file may be growing, or not a regular file
    except FileNotFoundError:
        raise CaseFileError(_message("no_such_file", name=path.name)) from None
    except IsADirectoryError:
        raise CaseFileError(_message("is_a_folder", name=path.name)) from None
    except OSError as exc:
        reason = exc.strerror or texts("files")["case_file"]["unknown_reason"]
        raise CaseFileError(_message("cannot_open", name=path.name, reason=reason)) from None
    return loads(data)


def loads(data: bytes | bytearray | memoryview | str) -> Case:
    """Check the text of a case file and return its case, or raise CaseFileError."""
    text = _decode(_as_bytes(data))
    _check_depth(text)
    envelope = _parse_json(text)
    case = _unwrap(envelope)
    return _validate(case)


def _as_bytes(data: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(data, str):
        _check_size(len(data))  # cheap refusal before encoding a huge text
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:
            raise _damaged("not_text") from None
        _check_size(len(data))
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        _check_size(memoryview(data).nbytes)
        return bytes(data)
    raise TypeError(f"loads() needs bytes or str, not {type(data).__name__}")


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise CaseFileError(
            _message("too_large", size=size / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024)
        )
    if size == 0:
        raise _damaged("empty")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")  # tolerate the byte-order mark some editors add
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            raise _cut_off() from None
        raise _damaged("not_utf8") from None


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH in one linear pass, before the JSON parser
    (which recurses) ever sees it. Brackets inside strings are skipped."""
    depth = 0
    in_string = False
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == '"':
            in_string = not in_string
        elif in_string or token[0] == "\\":
            continue
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep()
        else:
            depth -= 1


def _parse_json(text: str):
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError:
        raise _too_deep() from None
    except _DuplicateKey as exc:
        raise _damaged("duplicate_key", key=exc.key) from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise _cut_off() from None
        raise _damaged("not_json_at", line=exc.lineno, column=exc.colno) from None
    except ValueError:  # e.g. a number too long to read, NaN or Infinity
        raise _damaged("not_json") from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key[:40]


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number")


def _unwrap(envelope) -> dict:
    """Check the outer object (format and version) and return the case, migrated if old."""
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise CaseFileError(_message("not_a_case_file"))
    case = envelope.get("case")
    if not isinstance(case, dict):
        raise _damaged("no_case")
    version = envelope.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _unknown_version(version)
    if version > SCHEMA_VERSION:
        raise CaseFileError(_message("newer_version", version=version, known=SCHEMA_VERSION))
    return _migrate(case, version)


def _migrate(case: dict, version: int) -> dict:
    """Apply MIGRATIONS step by step from `version` up to SCHEMA_VERSION."""
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise _unknown_version(version)
        case = MIGRATIONS[version](case)
        version += 1
        case["schema_version"] = version
    return case


def _unknown_version(version) -> CaseFileError:
    return CaseFileError(_message("unknown_version", version=str(version)[:20]))


def _validate(case: dict) -> Case:
    try:
        return Case.parse(case, texts("files")["case_file"]["what"])
    except InvalidInput as exc:
        line = texts("files")["case_file"]["invalid_line"]
        lines = "\n".join(line.format(field=field, message=msg)
                          for field, msg in exc.problems.items())
        raise CaseFileError(_message("invalid", count=len(exc.problems), lines=lines)) from None


def _damaged(problem: str, **fields) -> CaseFileError:
    """A file sonb cannot read; `problem` is a key of "problems" in sonb/data/files.json."""
    what = texts("files")["case_file"]["problems"][problem].format(**fields)
    return CaseFileError(_message("damaged", problem=what))


def _cut_off() -> CaseFileError:
    return _damaged("cut_off")


def _too_deep() -> CaseFileError:
    return _damaged("too_deep", depth=MAX_DEPTH)
