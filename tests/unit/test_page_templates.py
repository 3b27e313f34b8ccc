"""The Voila server compiles the page's templates once, not once per page (sonb.page_templates)."""

from __future__ import annotations

import os
from collections import Counter

import jinja2
import pytest

from sonb.page_templates import SharedBytecodeCache, share_compiled_templates
from sonb.serve import VOILA_DIR


@pytest.fixture
def compiles(monkeypatch):
    """Counts Jinja compilations."""
    n = Counter()
    compile_ = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        n["compiled"] += 1
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return n


def test_pages_after_the_first_compile_nothing(monkeypatch, compiles):
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join([str(VOILA_DIR / "share"),
                                                        os.environ.get("JUPYTER_PATH", "")]))
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    share_compiled_templates()
    share_compiled_templates()  # twice: still one wrapper
    paths = collect_template_paths(["voila", "nbconvert"], "sonb")
    seen = []
    for _page in range(3):
        exporter = VoilaExporter(template_paths=paths, template_name="sonb",
                                 contents_manager=None)
        template = exporter.environment.get_template("index.html.j2")
        seen.append(compiles["compiled"])
        assert "sonb" in template.filename
    assert seen == [1, 1, 1], "a later page compiled its template again"


def test_a_changed_source_or_another_kind_of_environment_is_compiled_again(compiles):
    cache = SharedBytecodeCache()

    def render(source: str, **kind) -> str:
        env = jinja2.Environment(loader=jinja2.DictLoader({"t": source}), bytecode_cache=cache,
                                 **kind)
        return env.get_template("t").render(x=1)

    assert render("a{{ x }}") == "a1"
    assert render("a{{ x }}") == "a1" and compiles["compiled"] == 1
    assert render("b{{ x }}") == "b1" and compiles["compiled"] == 2  # the source changed
    render("b{{ x }}", extensions=["jinja2.ext.do"])
    assert compiles["compiled"] == 3  # another kind of environment: its own code
