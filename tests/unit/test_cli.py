"""`python -m sonb report | forms | export-fhir | import-fhir`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sonb import casefile
from sonb.__main__ import main
from sonb.examples import load_example


@pytest.fixture
def case_file(tmp_path):
    return casefile.write(load_example("back_pain"), tmp_path / "case.json")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(result, *words):
    """Exit status 2 and one plain line on stderr that holds `words`."""
    code, out, err = result
    assert code == 2 and out == ""
    assert err.startswith("sonb: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err


# -- what works ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, start", [("report.html", b"<!DOCTYPE html>"), ("report.pdf", b"%PDF")])
def test_report(capsys, case_file, tmp_path, name, start):
    code, out, _ = run(capsys, "report", case_file, "-o", tmp_path / name)
    assert code == 0 and out == f"Wrote {tmp_path / name}\n"
    assert (tmp_path / name).read_bytes().startswith(start)


def test_report_of_an_example(capsys, tmp_path):
    code, _, _ = run(capsys, "report", "--example", "knee_mri", "-o", tmp_path / "r.html")
    assert code == 0
    assert load_example("knee_mri").decision.split("?")[0] in (tmp_path / "r.html").read_text()


def test_forms_blank_of_one_kind_and_of_all(capsys, tmp_path):
    assert run(capsys, "forms", "--kind", "surgery", "-o", tmp_path / "s.html")[0] == 0
    assert run(capsys, "forms", "-o", tmp_path / "all.pdf", "--paper", "letter")[0] == 0
    assert "Surgery: questions for your doctor" in (tmp_path / "s.html").read_text()
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")


def test_forms_filled_in_for_a_doctor(capsys, case_file, tmp_path):
    code, _, _ = run(capsys, "forms", case_file, "--clinician", "dr-okafor", "-o", tmp_path / "f.html")
    assert code == 0
    assert "Lakeside University Hospital, same-day surgery" in (tmp_path / "f.html").read_text()


def test_export_and_import_fhir(capsys, case_file, tmp_path):
    bundle = tmp_path / "bundle.json"
    assert run(capsys, "export-fhir", case_file, "-o", bundle)[0] == 0
    assert json.loads(bundle.read_text())["resourceType"] == "Bundle"
    code, out, _ = run(capsys, "import-fhir", bundle, "--case", case_file, "-o", tmp_path / "case2.json")
    assert code == 0 and out.startswith("Wrote ")
    assert casefile.read(tmp_path / "case2.json") == casefile.read(case_file)


def test_python_dash_m_sonb_runs(case_file, tmp_path):
    done = subprocess.run([sys.executable, "-m", "sonb", "export-fhir", str(case_file), "-o",
                           str(tmp_path / "b.json")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and (tmp_path / "b.json").exists()
    bad = subprocess.run([sys.executable, "-m", "sonb", "report", str(tmp_path / "b.json"), "-o",
                          str(tmp_path / "r.html")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


# -- what is refused -----------------------------------------------------------------------

def test_corrupt_case_file(capsys, tmp_path):
    corrupt = tmp_path / "case.json"
    corrupt.write_text('{"format": "sonb-case", "schema_version": 1, "case": {"clin')
    for command in (["report", corrupt, "-o", tmp_path / "r.pdf"],
                    ["forms", corrupt, "--clinician", "x", "-o", tmp_path / "f.pdf"],
                    ["export-fhir", corrupt, "-o", tmp_path / "b.json"]):
        assert_refused(run(capsys, *command), "cut off")
    assert not list(tmp_path.glob("[rfb].*"))


def test_invalid_case_file_is_one_line(capsys, tmp_path):
    data = json.loads(casefile.dumps(load_example("back_pain")))
    data["case"]["clinicians"][0]["name"] = ""
    data["case"]["options"][0]["name"] = "x" * 300
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert_refused(run(capsys, "report", path, "-o", tmp_path / "r.html"), "2 problem(s)",
                   "clinicians[0].name")


@pytest.mark.parametrize("command", ["report", "forms"])
def test_wrong_suffix(capsys, case_file, tmp_path, command):
    assert_refused(run(capsys, command, case_file, "-o", tmp_path / "out.docx"), "out.docx",
                   ".html or .pdf")


def test_missing_case_file_and_missing_case(capsys, tmp_path):
    assert_refused(run(capsys, "report", tmp_path / "nope.json", "-o", tmp_path / "r.pdf"),
                   "no file called nope.json")
    assert_refused(run(capsys, "report", "-o", tmp_path / "r.pdf"), "Name a case file")


def test_case_file_and_example_together(capsys, case_file, tmp_path):
    assert_refused(run(capsys, "report", case_file, "--example", "back_pain", "-o", tmp_path / "r.html"),
                   "not both")


def test_unknown_clinician(capsys, case_file, tmp_path):
    assert_refused(run(capsys, "forms", case_file, "--clinician", "dr-who", "-o", tmp_path / "f.html"),
                   "'dr-who'")


def test_output_folder_missing(capsys, case_file, tmp_path):
    assert_refused(run(capsys, "report", case_file, "-o", tmp_path / "no" / "r.html"), "Could not save")
    bundle = tmp_path / "b.json"
    run(capsys, "export-fhir", case_file, "-o", bundle)
    assert_refused(run(capsys, "import-fhir", bundle, "--case", case_file, "-o", tmp_path / "no" / "c.json"),
                   "Could not save")


def test_export_fhir_needs_a_json_name(capsys, case_file, tmp_path):
    assert_refused(run(capsys, "export-fhir", case_file, "-o", tmp_path / "b.xml"), ".json")


def test_import_refuses_a_case_file_as_bundle_and_a_foreign_bundle(capsys, case_file, tmp_path):
    assert_refused(run(capsys, "import-fhir", case_file, "--case", case_file, "-o", tmp_path / "c.json"),
                   "not a FHIR Bundle")
    other = casefile.write(load_example("knee_mri"), tmp_path / "other.json")
    bundle = tmp_path / "b.json"
    run(capsys, "export-fhir", other, "-o", bundle)
    assert_refused(run(capsys, "import-fhir", bundle, "--case", case_file, "-o", tmp_path / "c.json"),
                   "different case")
    assert not (tmp_path / "c.json").exists()


def test_import_refuses_a_bundle_that_is_not_json(capsys, case_file, tmp_path):
    bundle = tmp_path / "b.json"
    bundle.write_bytes(b"\x00\x01garbage")
    assert_refused(run(capsys, "import-fhir", bundle, "--case", case_file, "-o", tmp_path / "c.json"),
                   "not readable JSON")
