"""The clinic's Unix accounts and folders (run as root; every step can be run again).

A patient is a Unix account with a private group of the same name; their share folder belongs
to that group, and every navigator is a member of it (and of the clinic's navigators group,
which may list the share folders). Nobody else is in it, so no patient can reach another's
folder. Homes are 0700. An account that exists already but was not made by sonb is refused.
"""

from __future__ import annotations

import grp
import json
import logging
import os
import pwd
import secrets
import shutil
import subprocess
from pathlib import Path

from . import NAVIGATOR, PATIENT, Clinic
from .cgroups import remove_cgroup

log = logging.getLogger("sonb.hub")

MARK = "sonb clinic account"  # the accounts' GECOS field: sonb touches no other account
DEMO = {PATIENT: ["ana", "ben"], NAVIGATOR: ["nora"]}
NOLOGIN = "/usr/sbin/nologin"


class AccountError(RuntimeError):
    """An account or folder cannot be set up; the message says what to do."""


def navigators_group(clinic: Clinic) -> str:
    return os.environ.get("SONB_CLINIC_GROUP", "sonb-navigators")


def _run(*cmd: str, stdin: str | None = None) -> None:
    done = subprocess.run(cmd, input=stdin, text=True, capture_output=True, check=False)
    if done.returncode:
        raise AccountError(f"{cmd[0]} failed: {done.stderr.strip()}")


def _known(lookup, name: str) -> bool:
    """Whether pwd.getpwnam / grp.getgrnam (`lookup`) knows `name`."""
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def _exists(name: str) -> bool:
    return _known(pwd.getpwnam, name)


def _group_exists(name: str) -> bool:
    return _known(grp.getgrnam, name)


def _folder(path: Path, mode: int, user: str = "root", group: str = "root") -> None:
    path.mkdir(parents=True, exist_ok=True)
    shutil.chown(path, user, group)
    os.chmod(path, mode)


def prepare(clinic: Clinic) -> None:
    """The clinic's folders and the navigators group."""
    if os.geteuid() != 0:
        raise AccountError("Setting up the clinic creates Unix accounts: run it as root.")
    group = navigators_group(clinic)
    if not _group_exists(group):
        _run("groupadd", group)
    _folder(clinic.data, 0o755)
    _folder(clinic.hub, 0o700)
    _folder(clinic.data / "home", 0o755)
    # navigators list the share folders; a patient can only enter their own (by its name)
    _folder(clinic.shared, 0o751, group=group)


def add_account(clinic: Clinic, name: str, role: str, password: str | None = None) -> str:
    """Create (or check) one account of `role` and its folders; returns its password (a new
    random one unless given; an existing account keeps its password when none is given)."""
    if role not in (PATIENT, NAVIGATOR):
        raise AccountError(f"Unknown role {role!r}.")
    home = clinic.home(name)
    if _exists(name):
        if pwd.getpwnam(name).pw_gecos != MARK:
            raise AccountError(f"The Unix account {name!r} exists and is not a sonb clinic "
                               "account; choose another name.")
    else:
        _run("useradd", "--home-dir", str(home), "--no-create-home", "--user-group",
             "--shell", NOLOGIN, "--comment", MARK, name)
        password = password or secrets.token_urlsafe(12)
    if password:
        _run("chpasswd", stdin=f"{name}:{password}\n")
    _folder(home, 0o700, name, name)
    _folder(home / "sonb", 0o700, name, name)
    accounts = clinic.accounts()
    if name not in accounts[role]:
        accounts[role].append(name)
    if role == PATIENT:
        _folder(clinic.share_folder(name), 0o2770, name, name)
        for navigator in accounts[NAVIGATOR]:
            _run("usermod", "--append", "--groups", name, navigator)
    else:
        groups = [navigators_group(clinic), *accounts[PATIENT]]
        _run("usermod", "--append", "--groups", ",".join(groups), name)
        notebook = home / "navigator.ipynb"
        if not notebook.exists():
            shutil.copy(clinic.notebooks / "navigator.ipynb", notebook)
            shutil.chown(notebook, name, name)
            os.chmod(notebook, 0o600)
    _write_accounts(clinic, accounts)
    log.info("account ready: %s (%s)", name, role)
    return password or ""


def _write_accounts(clinic: Clinic, accounts: dict) -> None:
    clinic.accounts_file.write_text(json.dumps(accounts, indent=1))
    os.chmod(clinic.accounts_file, 0o600)


def setup_demo(clinic: Clinic) -> dict[str, str]:
    """The demo accounts (two patients, one navigator); returns {name: password} and keeps
    it in hub/demo-passwords.json (root only) so the start message can print it again."""
    prepare(clinic)
    saved = clinic.hub / "demo-passwords.json"
    passwords = json.loads(saved.read_text()) if saved.exists() else {}
    for role in (NAVIGATOR, PATIENT):  # navigators first: patients' groups then take them in
        for name in DEMO[role]:
            # a demo account another clinic folder made keeps no password here: give it one
            password = passwords.get(name) or secrets.token_urlsafe(12)
            passwords[name] = add_account(clinic, name, role, password)
    saved.write_text(json.dumps(passwords, indent=1))
    os.chmod(saved, 0o600)
    return passwords


def remove_accounts(clinic: Clinic, names: list[str]) -> None:
    """Delete sonb's accounts `names` (never another account), their groups and folders."""
    accounts = clinic.accounts()
    for name in names:
        if _exists(name) and pwd.getpwnam(name).pw_gecos == MARK:
            _run("userdel", name)
        if _group_exists(name):
            subprocess.run(["groupdel", name], capture_output=True, check=False)
        for folder in (clinic.home(name), clinic.share_folder(name)):
            shutil.rmtree(folder, ignore_errors=True)
        remove_cgroup(name)
        for users in accounts.values():
            if name in users:
                users.remove(name)
    if clinic.accounts_file.parent.exists():
        _write_accounts(clinic, accounts)
