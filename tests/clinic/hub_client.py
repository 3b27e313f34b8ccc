"""A real sonb clinic for tests: accounts of its own, a JupyterHub on a free loopback port,
and the ways in that users have (HTTP as each user, a navigator's kernel, files as a Unix
account). Everything a test starts is stopped and removed afterwards.

    with Clinic(tmp, patients=2, navigators=1, env={...}) as clinic:
        s = clinic.login("pa1x")        # a requests.Session with the hub's cookies
        clinic.wait_for_server(s, "pa1x")
        clinic.navigator_run(s, "nv1x", "print(1)")
        clinic.as_user("pa1x", "cat", path)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import requests
import websocket  # websocket-client, a dependency of jupyter_server

REPO = Path(__file__).resolve().parents[2]
OPT = Path(os.environ.get("SONB_CLINIC_OPT", "/opt/sonb-clinic"))
ARTIFACTS = REPO / "test-artifacts"


def free_port_block(size: int = 3) -> int:
    """A port P with P..P+size-1 free on 127.0.0.1 (the hub, its API, the proxy's API)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + size < 65535 and all(_free(port + i) for i in range(size)):
            return port
    raise RuntimeError("no free block of ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def run_async(coroutine, timeout: float = 300):
    """Run `coroutine` to its end in a thread of its own: in a full test run the browser tests'
    Playwright (sync API) keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)


def install() -> None:
    """The clinic's software, as `./run clinic` installs it (fast when it is up to date)."""
    subprocess.run([str(REPO / "run"), "clinic", "--setup-only"], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)


class Clinic:
    """Accounts, folders and a running hub, all of this test run's own (random names)."""

    def __init__(self, data: Path, patients: int = 2, navigators: int = 1,
                 env: dict[str, str] | None = None):
        tag = secrets.token_hex(3)
        self.data = data
        self.patients = [f"sp{i}{tag}" for i in range(patients)]
        self.navigators = [f"sn{i}{tag}" for i in range(navigators)]
        self.group = f"snav{tag}"
        self.passwords = {name: secrets.token_urlsafe(12)
                          for name in self.patients + self.navigators}
        self.port = free_port_block()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SONB_CLINIC_DIR": str(data), "SONB_CLINIC_OPT": str(OPT),
                    "SONB_CLINIC_GROUP": self.group, "SONB_CLINIC_PORT": str(self.port),
                    **(env or {})}
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"clinic-hub-{tag}.log"  # kept: what a failing test saw
        self.process: subprocess.Popen | None = None

    # -- where things are (as sonb.hub.Clinic has them) ------------------------------------
    def home(self, user: str) -> Path:
        return self.data / "home" / user

    def share_folder(self, user: str) -> Path:
        return self.data / "shared" / user

    @property
    def python(self) -> Path:
        return OPT / "venv" / "bin" / "python"

    def cgroup(self, user: str) -> Path:
        v2 = Path("/sys/fs/cgroup/sonb-clinic") / user
        return v2 if v2.exists() else Path("/sys/fs/cgroup/memory/sonb-clinic") / user

    # -- set-up and tear-down ------------------------------------------------------------
    def _hub_python(self, code: str) -> None:
        """Run `code` with the clinic's Python (as root), in the clinic's environment."""
        subprocess.run([str(OPT / "venv" / "bin" / "python"), "-c", code], check=True,
                       env=self.env, cwd=OPT)

    def __enter__(self) -> Clinic:
        accounts = {"navigators": self.navigators, "patients": self.patients}
        self._hub_python(
            "import json, sys\n"
            "from sonb.hub import Clinic\n"
            "from sonb.hub.accounts import add_account, prepare\n"
            "c = Clinic(); prepare(c)\n"
            f"pw = {json.dumps(self.passwords)}\n"
            f"for role, names in {json.dumps(accounts)}.items():\n"
            "    for n in names: add_account(c, n, role, pw[n])\n")
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(OPT / "venv" / "bin" / "python"), "-m", "sonb.hub", "start"], cwd=OPT,
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped: see {self.log_path}")
            try:
                if requests.get(self.base + "/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not start in 60 s: see {self.log_path}")

    def stop(self) -> None:
        """Stop the hub (it stops every server) and anything of it left running."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None
        for name in self.patients + self.navigators:  # servers the hub could not stop
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True, check=False)

    def __exit__(self, *exc) -> None:
        self.stop()
        names = self.patients + self.navigators
        self._hub_python(
            "from sonb.hub import Clinic\n"
            "from sonb.hub.accounts import remove_accounts\n"
            f"remove_accounts(Clinic(), {names!r})\n")
        subprocess.run(["groupdel", self.group], capture_output=True, check=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    # -- as a user over HTTP ---------------------------------------------------------------
    def login(self, user: str, password: str | None = None) -> requests.Session:
        """A browser's session after logging in on the hub's page (no server started yet)."""
        s = requests.Session()
        s.get(self.base + "/hub/login", timeout=30)
        s.post(self.base + "/hub/login?next=" + requests.utils.quote("/hub/home"),
               data={"username": user, "password": password or self.passwords[user],
                     "_xsrf": s.cookies.get("_xsrf", path="/hub/")}, timeout=60)
        return s

    def wait_for_server(self, s: requests.Session, user: str, timeout: float = 120):
        """Open the user's server as the browser does after login; returns the final response."""
        deadline = time.monotonic() + timeout
        r = s.get(f"{self.base}/hub/spawn/{user}", timeout=timeout)
        while "spawn-pending" in r.url and time.monotonic() < deadline:
            time.sleep(1)
            r = s.get(f"{self.base}/user/{user}/", timeout=timeout)
        return r

    def cookies_for(self, s: requests.Session, path: str) -> dict[str, str]:
        """The cookies a browser sends to `path` (the most specific path wins)."""
        found = sorted((c for c in s.cookies if path.startswith(c.path)), key=lambda c: len(c.path))
        return {c.name: c.value for c in found}

    def hub_api(self, s: requests.Session, path: str) -> requests.Response:
        """The hub's REST API as the logged-in user (their browser's cookies)."""
        xsrf = s.cookies.get("_xsrf", path="/hub/")
        return s.get(f"{self.base}/hub/api{path}", headers={"X-XSRFToken": xsrf or ""}, timeout=30)

    def running(self, s: requests.Session) -> bool:
        """Whether the logged-in user's server runs, as the hub tells them."""
        return bool(self.hub_api(s, "/user").json().get("servers"))

    # -- as a navigator: code in their JupyterLab's kernel ----------------------------------
    def navigator_run(self, s: requests.Session, user: str, code: str, timeout: float = 120) -> str:
        """Run `code` in a new kernel of the navigator's JupyterLab, over its REST API and
        websocket (as JupyterLab does); returns what it printed. Raises on an error."""
        base = f"{self.base}/user/{user}"
        xsrf = self.cookies_for(s, f"/user/{user}/").get("_xsrf", "")
        r = s.post(f"{base}/api/kernels", json={"name": "python3"},
                   headers={"X-XSRFToken": xsrf}, timeout=60)
        r.raise_for_status()
        kernel = r.json()["id"]
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies_for(s, f"/user/{user}/").items())
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/user/{user}/api/kernels/{kernel}/channels"
            f"?session_id={uuid.uuid4().hex}", cookie=cookie, origin=self.base, timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False}}))
            out, error = [], None
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    error = "\n".join(msg["content"]["traceback"])
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
        finally:
            ws.close()
            s.delete(f"{base}/api/kernels/{kernel}", headers={"X-XSRFToken": xsrf}, timeout=30)
        if error:
            raise RuntimeError(error)
        return "".join(out)

    # -- as a Unix account on the machine ----------------------------------------------------
    def as_user(self, user: str, *cmd: str) -> subprocess.CompletedProcess:
        """Run `cmd` as the Unix account `user` (with its groups), capturing its output."""
        return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True,
                              text=True, timeout=120, check=False)
