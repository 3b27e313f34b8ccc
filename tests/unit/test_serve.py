"""How sonb starts Voila: the environment its server and kernels get."""

from __future__ import annotations

import os

from sonb.serve import VOILA_DIR, voila_env


def test_voila_finds_sonbs_template_first():
    env = voila_env({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(VOILA_DIR / "share"), "/elsewhere"]


def test_one_malloc_arena_per_process_unless_the_deployer_chose():
    assert voila_env({})["MALLOC_ARENA_MAX"] == "1"
    assert voila_env({"MALLOC_ARENA_MAX": "4"})["MALLOC_ARENA_MAX"] == "4"
