"""The clinic on JupyterHub, as its users reach it: over HTTP, and as Unix accounts on disk.

Each patient gets only sonb's standalone Voila page on a server of their own; no patient can
open, list or guess another's server, files or case; a patient's server answers no Jupyter
call that could run code; a navigator sees a case only while the patient shares it, and the
patient sees the navigator's change.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import psutil
import pytest
import requests
from hub_client import run_async
from page_client import open_page  # tests/browser/page_client.py
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

TITLE = "<title>Second Opinion Notebook</title>"
SHARE = "Share this case with my clinic's navigators"

# Jupyter routes that read files, list or start kernels, or open terminals: none may answer
# on a patient's server (standalone Voila has none of them; nor may the proxy in front)
JUPYTER_PATHS = ["lab", "tree", "api", "api/status", "api/me", "api/kernels", "api/kernelspecs",
                 "api/sessions", "api/contents", "api/contents/sonb", "api/terminals",
                 "terminals/1", "files/sonb/cases.sqlite3", "edit/.bashrc", "notebooks/x.ipynb",
                 "nbconvert/html/x.ipynb", "api/kernels/00000000-0000-0000-0000-000000000000",
                 "voila/render/navigator.ipynb", "voila/files/sonb/cases.sqlite3",
                 "static/../../../etc/passwd", "proxy/8888/", "hub/api/users"]


@pytest.fixture(scope="module")
def sessions(clinic):
    """Every account logged in, with its server started."""
    found = {}
    for name in clinic.patients + clinic.navigators:
        s = clinic.login(name)
        r = clinic.wait_for_server(s, name)
        assert r.status_code == 200, (name, r.status_code, r.url)
        found[name] = s
    return found


def _listening_ports(user: str) -> set[int]:
    """The loopback ports the account's processes listen on."""
    ports = set()
    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] != user:
            continue
        try:
            ports |= {c.laddr.port for c in proc.net_connections("inet") if c.status == "LISTEN"}
        except psutil.Error:
            pass
    return ports


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def test_a_patient_logs_in_and_gets_only_the_patient_page(clinic, sessions):
    ana = clinic.patients[0]
    r = sessions[ana].get(f"{clinic.base}/user/{ana}/", timeout=120)
    assert r.status_code == 200 and TITLE in r.text and r.url == f"{clinic.base}/user/{ana}/"
    for bad in ({"password": "wrong"}, {"user": "root"}, {"user": "nobody-here"}):
        s = clinic.login(bad.get("user", ana), bad.get("password", "x"))
        assert not any(c.name.startswith("jupyterhub-session") for c in s.cookies), bad
        assert s.get(f"{clinic.base}/user/{ana}/", timeout=30).url.startswith(
            f"{clinic.base}/hub/login"), bad


def test_a_patients_server_answers_no_jupyter_call(clinic, sessions):
    ana = clinic.patients[0]
    s = sessions[ana]
    xsrf = clinic.cookies_for(s, f"/user/{ana}/").get("_xsrf", "")
    for path in JUPYTER_PATHS:
        url = f"{clinic.base}/user/{ana}/{path}"
        for method in ("GET", "POST"):
            body = {"name": "python3"} if method == "POST" else None
            r = s.request(method, url, headers={"X-XSRFToken": xsrf}, json=body,
                          timeout=60, allow_redirects=False)
            assert r.status_code in (301, 302, 403, 404, 405), (method, path, r.status_code)
            assert '"kernel' not in r.text and "root:x:0:0" not in r.text, (method, path)


def test_code_sent_over_the_patients_page_websocket_does_not_run(clinic, sessions):
    ana = clinic.patients[0]
    marker = clinic.home(ana) / "sonb" / "ran-code"

    async def attack():
        page = await open_page(f"{clinic.base}/user/{ana}/",
                               cookies=clinic.cookies_for(sessions[ana], f"/user/{ana}/"))
        try:
            await page._send("execute_request", {
                "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
                "store_history": False, "user_expressions": {}, "allow_stdin": False})
            await asyncio.sleep(3)
            alive = await page._send("kernel_info_request", {})  # the page's kernel still answers
            return await page._answer(alive, "kernel info", 60)
        finally:
            await page.close()

    assert run_async(attack()).idle
    assert not marker.exists()


def test_a_patient_cannot_open_list_or_guess_another_patients_server(clinic, sessions):
    ana, ben = clinic.patients
    s = sessions[ana]
    s.max_redirects = 10
    for path in (f"/user/{ben}/", f"/user/{ben}/api/kernels", f"/user/{ben}/voila/static/",
                 f"/user/{ben}/oauth_callback?code=x&state=y", f"/user/{ben}/guess-a-name/"):
        try:
            r = s.get(clinic.base + path, timeout=60)
        except requests.TooManyRedirects:  # sent back and forth to a login it cannot pass
            continue
        assert TITLE not in r.text and r.status_code in (403, 404, 400, 200), (path, r.status_code)
        assert not r.url.startswith(f"{clinic.base}/user/{ben}/") or r.status_code >= 400, path
    assert clinic.hub_api(s, "/users").status_code in (403, 404)
    assert clinic.hub_api(s, f"/users/{ben}").status_code in (403, 404)
    assert clinic.hub_api(s, "/user").json()["name"] == ana
    # straight to the other patient's ports on the machine, with or without one's own cookies
    ports = _listening_ports(ben)
    assert len(ports) >= 2, ports  # the proxy in front, and Voila behind it
    for port in ports:
        for cookies in ({}, clinic.cookies_for(s, f"/user/{ana}/")):
            for path in ("/", f"/user/{ben}/"):
                try:
                    r = requests.get(f"http://127.0.0.1:{port}{path}", cookies=cookies,
                                     timeout=60)
                except (requests.ConnectionError, requests.TooManyRedirects):
                    continue  # nothing there, or sent round to a login it cannot pass
                assert TITLE not in r.text, (port, path)


def test_a_patient_cannot_reach_another_patients_page_over_its_websocket(clinic, sessions):
    """Through the hub, with one's own login or none, to the kernel of the other patient's
    open page: refused before it reaches their Voila (which would take the proxy's token)."""
    ana, ben = clinic.patients

    async def attempt():
        bens_page = await open_page(f"{clinic.base}/user/{ben}/",
                                    cookies=clinic.cookies_for(sessions[ben], f"/user/{ben}/"))
        refused = []
        try:
            url = (f"ws://127.0.0.1:{clinic.port}/user/{ben}/api/kernels/{bens_page.kernel_id}"
                   "/channels?session_id=x")
            for cookies in (clinic.cookies_for(sessions[ana], f"/user/{ana}/"),
                            clinic.cookies_for(sessions[ana], f"/user/{ben}/"), {}):
                header = "; ".join(f"{k}={v}" for k, v in cookies.items())
                request = HTTPRequest(url, headers={"Origin": clinic.base, "Cookie": header})
                try:
                    ws = await websocket_connect(request)
                except HTTPClientError as exc:
                    refused.append(exc.code)
                else:
                    ws.close()
                    refused.append(None)
            mine = HTTPRequest(url, headers={"Origin": clinic.base, "Cookie": "; ".join(
                f"{k}={v}" for k, v in bens_page.cookies.items())})
            (await websocket_connect(mine)).close()  # the owner's own login does get in
        finally:
            await bens_page.close()
        return refused

    assert all(code in (302, 403) for code in run_async(attempt()))


def test_nothing_of_one_account_is_readable_by_another_on_disk(clinic, sessions):
    ana, ben = clinic.patients
    nora = clinic.navigators[0]
    for who, path in [(ana, clinic.home(ben)), (ana, clinic.home(ben) / "sonb"),
                      (ana, clinic.share_folder(ben)), (ana, clinic.data / "hub"),
                      (nora, clinic.home(ana)), (nora, clinic.home(ana) / "sonb"),
                      (ben, clinic.data / "shared")]:
        listed = clinic.as_user(who, "ls", str(path))
        assert listed.returncode != 0 and "Permission denied" in listed.stderr, (who, path)
    # the other patient's server's environment holds its token to Voila: not readable
    bens = [p for p in psutil.process_iter(["username"]) if p.info["username"] == ben]
    assert bens
    read = clinic.as_user(ana, "cat", f"/proc/{bens[0].pid}/environ")
    assert read.returncode != 0
    # nor the connection files of the other patient's kernels (their keys would let one run
    # code in those kernels through their ports)
    async def read_kernel_files():  # with the other patient's page open, so its kernel runs
        page = await open_page(f"{clinic.base}/user/{ben}/",
                               cookies=clinic.cookies_for(sessions[ben], f"/user/{ben}/"))
        try:
            procs = [p for p in psutil.process_iter(["username"]) if p.info["username"] == ben]
            files = [a for p in procs for a in _cmdline(p) if a.endswith(".json") and "kernel" in a]
            return files, [clinic.as_user(ana, "cat", path) for path in files]
        finally:
            await page.close()

    files, reads = run_async(read_kernel_files())
    assert files, "no kernel of the other patient found"
    for path, read in zip(files, reads):
        assert read.returncode != 0 and "Permission denied" in read.stderr, path
    # a patient can still enter their own share folder, and a navigator list them all
    assert clinic.as_user(ana, "ls", str(clinic.share_folder(ana))).returncode == 0
    assert ana in clinic.as_user(nora, "ls", str(clinic.data / "shared")).stdout


def test_each_server_runs_as_its_account_within_its_memory_limit(clinic, sessions):
    for name in clinic.patients + clinic.navigators:
        procs = [p for p in psutil.process_iter(["username"]) if p.info["username"] == name]
        assert procs, name
        cgroup = Path(f"/proc/{procs[0].pid}/cgroup").read_text()
        assert f"sonb-clinic/{name}" in cgroup, cgroup
    limit = (clinic.cgroup(clinic.patients[0]) / "memory.limit_in_bytes").read_text()
    assert int(limit) == 700 * 2**20


SHARED_NOW = ("from sonb.sharing import shared_cases\n"
              "print([(c.patient, c.load().decision) for c in shared_cases()])")


def test_the_navigator_sees_a_case_only_while_the_patient_shares_it(clinic, sessions):
    ana, ben = clinic.patients
    nora = clinic.navigators[0]
    decision = "Knee surgery or physical therapy?"

    async def patient(actions):
        page = await open_page(f"{clinic.base}/user/{ana}/",
                               cookies=clinic.cookies_for(sessions[ana], f"/user/{ana}/"))
        try:
            return await actions(page)
        finally:
            await page.close()

    async def new_case(page):
        await page.click("Start a new case", expect="Step 1 of 6")
        return page

    run_async(patient(new_case))
    assert clinic.navigator_run(sessions[nora], nora, SHARED_NOW).strip() == "[]"

    # the patient writes the decision and shares the case, from the page
    async def share(page):
        opened = [s["description"] for s in page.models.values()
                  if s.get("_model_name") == "ButtonModel"
                  and str(s.get("description", "")).startswith("Open: ")]
        assert len(opened) == 1, opened  # their own server lists their own case
        await page.click(opened[0], expect="Step 1 of 6")
        await page.set_value(SHARE, True)
        assert page.find_text("Shared: your clinic")
        return page

    run_async(patient(share))
    shared = clinic.navigator_run(sessions[nora], nora, SHARED_NOW)
    assert f"('{ana}', '')" in shared and ben not in shared

    # the navigator changes it: a new revision with their name, which the patient sees
    clinic.navigator_run(sessions[nora], nora, (
        "from sonb.sharing import shared_cases\n"
        "c = next(iter(shared_cases()))\n"
        f"c.store.save(c.load().model_copy(update={{'decision': {decision!r}}}))\n"))
    assert decision in clinic.navigator_run(sessions[nora], nora, SHARED_NOW)

    async def sees_change(page):
        assert page.find_text(decision)  # in the list of their own cases
        await page.click(next(s["description"] for s in page.models.values()
                              if decision in str(s.get("description", ""))), expect="Step 1 of 6")
        assert page.find_text(f"{nora} from your clinic changed your case (version 2)")
        await page.set_value(SHARE, False)
        assert page.find_text("Not shared: only you can see this case.")

    run_async(patient(sees_change))
    assert clinic.navigator_run(sessions[nora], nora, SHARED_NOW).strip() == "[]"
    leftovers = [p.read_bytes() for p in clinic.share_folder(ana).glob("cases.sqlite3*")]
    assert leftovers and not any(decision.encode() in b for b in leftovers)


def test_the_caseload_puts_the_shared_case_that_needs_attention_first(clinic, sessions):
    ana, ben = clinic.patients
    nora = clinic.navigators[0]
    for patient, days in ((ana, 30), (ben, 2)):  # ben's visit is in 2 days, records not confirmed
        clinic.as_user(patient, str(clinic.python), "-c", (
            "import datetime as dt, os\n"
            "from sonb import Case, CaseStore\n"
            "from sonb.sharing import PatientStores\n"
            f"os.environ['SONB_HOME'] = {str(clinic.home(patient) / 'sonb')!r}\n"
            f"s = PatientStores(CaseStore(), {str(clinic.share_folder(patient))!r})\n"
            "c = s.create(Case(decision='Hip replacement?'))\n"
            f"c.plan.visit_date = dt.date.today() + dt.timedelta(days={days})\n"
            "s.share(s.save(c).id)\n"))
    table = clinic.navigator_run(sessions[nora], nora, (
        "from sonb.caseload import caseload_of_clinic, label\n"
        "t = caseload_of_clinic()\n"
        "print(list(t[label('patient')]))\n"))
    patients = re.findall(r"'([^']+)'", table)
    assert patients[0] == ben and ana in patients, table
