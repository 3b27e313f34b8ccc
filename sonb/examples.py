"""Example cases shipped with sonb (`sonb/examples/*.json`, each a plain Case dump)."""

from __future__ import annotations

from importlib import resources

from .errors import SonbError
from .model import Case


def _folder():
    return resources.files("sonb").joinpath("examples")


def names() -> list[str]:
    """The names of the example cases, sorted (e.g. 'back_pain', 'knee_mri')."""
    return sorted(p.name.removesuffix(".json") for p in _folder().iterdir() if p.name.endswith(".json"))


def load_example(name: str) -> Case:
    """A fresh copy of the example case `name`; SonbError when there is no such example."""
    if name not in names():
        raise SonbError(f"There is no example called {name!r}. The examples are: {', '.join(names())}.")
    text = _folder().joinpath(f"{name}.json").read_text(encoding="utf-8")
    return Case.model_validate_json(text)
