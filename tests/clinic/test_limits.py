"""Limits that keep the clinic up: past `active_server_limit` a patient gets a plain busy page
that tries again by itself, and the idle culler stops a server nobody uses."""

from __future__ import annotations

import re
import time

import pytest
from hub_client import Clinic

IDLE = 20  # seconds without activity before the culler stops a server, in this clinic


@pytest.fixture(scope="module")
def small_clinic(installed, clinic_folder):
    """Room for two servers; servers idle for IDLE s are culled (checked every 5 s)."""
    env = {"SONB_CLINIC_MAX_SERVERS": "2", "SONB_CLINIC_IDLE_TIMEOUT": str(IDLE),
           "SONB_CLINIC_CULL_EVERY": "5", "SONB_CLINIC_ACTIVITY_INTERVAL": "5"}
    with Clinic(clinic_folder / "small", patients=3, navigators=0, env=env) as c:
        yield c


def test_when_the_clinic_is_full_a_patient_sees_the_busy_page(small_clinic):
    c = small_clinic
    first, second, third = c.patients
    for name in (first, second):
        s = c.login(name)
        assert c.wait_for_server(s, name).status_code == 200
    s = c.login(third)
    r = s.get(f"{c.base}/hub/spawn/{third}", timeout=60)
    assert r.status_code == 429
    assert "The clinic is busy right now" in r.text and "Please try again shortly" in r.text
    assert re.search(r'<meta http-equiv="refresh" content="30">', r.text)
    assert '<div lang="es">' in r.text  # the same words in Spanish
    hosts = set(re.findall(r'(?:src|href)="(https?://[^/"]+)', r.text))
    assert hosts <= {c.base}, hosts  # nothing from other hosts
    assert not c.running(s)


def test_an_idle_server_is_culled_and_its_place_freed(small_clinic):
    c = small_clinic
    first, _, third = c.patients
    s = c.login(first)
    assert c.running(s)
    started = time.monotonic()
    while c.running(s) and time.monotonic() - started < IDLE + 60:
        time.sleep(2)
    assert not c.running(s), "the idle server was not culled"
    assert time.monotonic() - started >= 5  # it ran for a while first: culled, not refused
    assert re.search(r"Culling server .*" + first, c.log())
    # the place is free again: the patient who was turned away gets their server
    s3 = c.login(third)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = c.wait_for_server(s3, third)
        if r.status_code == 200:
            break
        time.sleep(3)  # the second server may be culled only now
    assert r.status_code == 200 and "<title>Second Opinion Notebook</title>" in r.text
