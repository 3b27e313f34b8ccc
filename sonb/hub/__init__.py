"""A clinic on JupyterHub: each patient on their own server, navigators in JupyterLab.

    ./run clinic                    set up (as root) and start the hub; prints the address
    python -m sonb.hub setup        create the accounts and folders (idempotent)
    python -m sonb.hub start        start the hub with jupyterhub_config.py

Where things are (`Clinic`): the software in SONB_CLINIC_OPT (default /opt/sonb-clinic: a
virtualenv of Debian's Python that every account can run, the notebooks, configurable-http-
proxy), the data in SONB_CLINIC_DIR (default /var/lib/sonb-clinic):

    hub/              root only: the hub's database, cookie secret, accounts.json, passwords
    home/<user>/      each account's home, readable by that account alone (SONB_HOME inside)
    shared/           the share folders: listed by navigators only, entered by their owner
    shared/<patient>/ group <patient> (the patient and the navigators): the cases the patient
                      shares now (sonb.sharing)

Patients get only sonb's standalone Voila page, behind the hub's login (jhsingle-native-proxy,
sonb.hub.proxy); navigators get JupyterLab with the navigator notebook. Each server runs as its
own Unix account (LocalProcessSpawner), in a memory cgroup of its own (sonb.hub.spawner).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

OPT_ENV = "SONB_CLINIC_OPT"
DIR_ENV = "SONB_CLINIC_DIR"
PATIENT, NAVIGATOR = "patients", "navigators"
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Clinic:
    """The clinic's folders and accounts."""

    opt: Path = field(default_factory=lambda: Path(os.environ.get(OPT_ENV, "/opt/sonb-clinic")))
    data: Path = field(default_factory=lambda: Path(os.environ.get(DIR_ENV, "/var/lib/sonb-clinic")))

    @property
    def hub(self) -> Path:
        return self.data / "hub"

    @property
    def shared(self) -> Path:
        return self.data / "shared"

    @property
    def python(self) -> Path:
        return self.opt / "venv" / "bin" / "python"

    @property
    def notebooks(self) -> Path:
        return self.opt / "notebooks"

    @property
    def proxy_command(self) -> Path:
        return self.opt / "node" / "node_modules" / ".bin" / "configurable-http-proxy"

    def home(self, user: str) -> Path:
        return self.data / "home" / user

    def share_folder(self, user: str) -> Path:
        return self.shared / user

    @property
    def accounts_file(self) -> Path:
        return self.hub / "accounts.json"

    def accounts(self) -> dict[str, list[str]]:
        """{"patients": [...], "navigators": [...]} as set up (empty lists before set-up)."""
        try:
            data = json.loads(self.accounts_file.read_text())
        except FileNotFoundError:
            data = {}
        return {PATIENT: list(data.get(PATIENT, [])), NAVIGATOR: list(data.get(NAVIGATOR, []))}

    def role_of(self, user: str) -> str | None:
        accounts = self.accounts()
        return next((role for role, users in accounts.items() if user in users), None)
