"""Packaging: environment.yml matches pyproject.toml; the core never imports ipywidgets."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_requirements() -> set[str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text[text.index("dependencies:"):].splitlines()
    reqs = set()
    for line in lines:
        item = line.strip()
        if item.startswith("- ") and not item.endswith(":"):
            value = item[2:].strip()
            if value not in ("pip", "-e .") and not value.startswith("python"):
                reqs.add(value.replace(" ", ""))
    return reqs


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = set(project["dependencies"])
    for requirement in extras["test"]:  # "sonb[clinic]": the test extra takes in another one
        inner = re.fullmatch(r"sonb\[(\w+)\]", requirement)
        wanted |= set(extras[inner.group(1)]) if inner else {requirement}
    assert {r.replace(" ", "") for r in wanted} == _env_requirements()


def test_voila_version_floor():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "voila>=0.5.6" in project["dependencies"]


def test_importing_sonb_does_not_import_ipywidgets_or_pandas():
    code = ("import sys, sonb, sonb.assessment, sonb.plan, sonb.compare, sonb.questionnaire, "
            "sonb.store; print(sorted(m for m in ('ipywidgets', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_widgets_are_installed_as_sonb_widgets():
    import sonb.widgets

    assert Path(sonb.widgets.__file__).resolve().parent == ROOT / "widgets"
