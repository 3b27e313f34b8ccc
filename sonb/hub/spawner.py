"""ClinicSpawner: each account's server as that Unix account, with what its role may use.

A patient's server is sonb.hub.proxy (jhsingle-native-proxy with the hub's login in front)
running standalone Voila on the app notebook, reachable only through that proxy: Voila
listens on 127.0.0.1 and answers only requests that carry the server's own token, which the
proxy adds and no other account can read (it is in the server's environment). A navigator's
server is JupyterLab (jupyterhub-singleuser) opened on the navigator notebook.

Every server starts with umask 077, in a memory cgroup of its own whose limit is the
spawner's `mem_limit` for the role (cgroup v2 or v1, where the machine lets root make one;
otherwise the limit is only passed on as MEM_LIMIT and the hub logs that it is not enforced).
"""

from __future__ import annotations

import os
import secrets

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Dict, Unicode

from . import NAVIGATOR, PATIENT, Clinic
from .cgroups import memory_cgroup, set_memory_limit


class ClinicSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with sonb's two roles (see the module docstring)."""

    mem_limits = Dict({PATIENT: "700M", NAVIGATOR: "2G"}, config=True,
                      help="Memory limit per role, as for Spawner.mem_limit.")
    patient_voila_args = Unicode("", config=True,
                                 help="Extra Voila options for patients' servers (space separated).")

    @property
    def clinic(self) -> Clinic:
        return Clinic()

    @property
    def role(self) -> str:
        role = self.clinic.role_of(self.user.name)
        if role is None:
            raise RuntimeError(f"{self.user.name} is not an account of this clinic")
        return role

    def _apply_role(self) -> None:
        clinic, role, name = self.clinic, self.role, self.user.name
        self.mem_limit = self.mem_limits[role]
        home = clinic.home(name)
        self.notebook_dir = str(home)
        env = {"SONB_HOME": str(home / "sonb"), "SONB_AUTHOR": "" if role == PATIENT else name,
               "PATH": f"{clinic.python.parent}:/usr/bin:/bin"}
        if role == PATIENT:
            from sonb.serve import VOILA_DIR

            token = secrets.token_urlsafe(32)
            env |= {"SONB_SHARE_FOLDER": str(clinic.share_folder(name)), "SONB_OWN_SERVER": "1",
                    "SONB_SERVER_TOKEN": token, "MALLOC_ARENA_MAX": "1",
                    "JUPYTER_PATH": str(VOILA_DIR / "share")}
            self.cmd = [str(clinic.python), "-m", "sonb.hub.proxy"]
            self.args = ["--ip=127.0.0.1", "--destport=0", "--authtype=oauth",
                         "--no-force-alive", "--last-activity-interval=0", "--ready-timeout=60", "--ready-check-path=/voila/static/sonb-ready",
                         "--request-timeout=120", "--progressive", "--",
                         str(clinic.python), "-m", "voila",
                         str(clinic.notebooks / "second_opinion.ipynb"),
                         "--port={port}", "--no-browser", "--Voila.ip=127.0.0.1",
                         "--Voila.base_url={base_url}/", "--Voila.server_url=/",
                         f"--Voila.config_file_paths={VOILA_DIR}",
                         # one patient per server: a few pages, no per-address share
                         "--CappedKernelManager.max_kernels=4",
                         "--CappedKernelManager.max_kernels_per_client=0",
                         *self.patient_voila_args.split()]
            self.default_url = ""
        else:
            env["SONB_CLINIC_SHARED"] = str(clinic.shared)
            self.cmd = [str(clinic.python), "-m", "jupyterhub.singleuser"]
            self.args = ["--ServerApp.ip=127.0.0.1", "--ServerApp.terminals_enabled=False"]
            self.default_url = "/lab/tree/navigator.ipynb"
        self.environment = env

    async def start(self):
        self._apply_role()
        return await super().start()

    def make_preexec_fn(self, name):
        setuid = super().make_preexec_fn(name)
        cgroup = memory_cgroup(name)
        if cgroup is not None:
            set_memory_limit(cgroup, int(self.mem_limit))
        else:
            self.log.warning("memory limit of %s not enforced: no memory cgroup here", name)
        procs = str(cgroup / "cgroup.procs") if cgroup is not None else None

        def preexec():
            os.umask(0o077)
            if procs:
                with open(procs, "w") as fh:
                    fh.write(str(os.getpid()))
            setuid()

        return preexec
