"""sonb's clinic on one machine: `python -m sonb.hub start` runs `jupyterhub -f` this file.

Settings a deployer may change come from the environment (defaults in brackets):
    SONB_CLINIC_DIR [/var/lib/sonb-clinic], SONB_CLINIC_OPT [/opt/sonb-clinic]  (sonb.hub)
    SONB_CLINIC_PORT [8000]              the hub's address is http://127.0.0.1:PORT
    SONB_CLINIC_MAX_SERVERS [16]         servers running at once; past it the busy page
    SONB_CLINIC_IDLE_TIMEOUT [1800]      seconds without activity before a server is stopped
    SONB_CLINIC_CULL_EVERY [60]          how often the culler looks
    SONB_CLINIC_ACTIVITY_INTERVAL [60]   how often the hub reads activity from the proxy
    SONB_CLINIC_PATIENT_MEM [700M], SONB_CLINIC_NAVIGATOR_MEM [2G]
The figures behind the defaults are in docs/clinic.md ("Limits").
"""

import os

from sonb.hub import HERE, NAVIGATOR, PATIENT, Clinic

c = get_config()  # noqa: F821 - JupyterHub's config loader defines it

clinic = Clinic()
accounts = clinic.accounts()
env = os.environ.get
port = int(env("SONB_CLINIC_PORT", "8000"))

# -- where the hub listens and keeps its state: loopback only, state readable by root only
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [str(clinic.proxy_command)]
c.ConfigurableHTTPProxy.pid_file = str(clinic.hub / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{clinic.hub / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(clinic.hub / "cookie_secret")
c.JupyterHub.template_paths = [str(HERE / "templates")]  # the busy page
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server

# -- who may log in: the clinic's accounts, with their Unix passwords (PAM), nobody else
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no systemd-logind here
c.Authenticator.allowed_users = set(accounts[PATIENT] + accounts[NAVIGATOR])
c.Authenticator.admin_users = set()  # an admin could open any patient's server
c.Authenticator.blocked_users = {"root"}
c.JupyterHub.load_groups = {role: {"users": users} for role, users in accounts.items()}

# -- each server as its own Unix account, with its role's program and memory limit
c.JupyterHub.spawner_class = "sonb.hub.spawner.ClinicSpawner"
c.ClinicSpawner.mem_limits = {PATIENT: env("SONB_CLINIC_PATIENT_MEM", "700M"),
                              NAVIGATOR: env("SONB_CLINIC_NAVIGATOR_MEM", "2G")}
c.Spawner.disable_user_config = True
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90

# -- limits that keep the clinic up
c.JupyterHub.active_server_limit = int(env("SONB_CLINIC_MAX_SERVERS", "16"))
c.JupyterHub.concurrent_spawn_limit = 4
c.JupyterHub.last_activity_interval = int(env("SONB_CLINIC_ACTIVITY_INTERVAL", "60"))
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [str(clinic.python), "-m", "jupyterhub_idle_culler",
                f"--timeout={env('SONB_CLINIC_IDLE_TIMEOUT', '1800')}",
                f"--cull-every={env('SONB_CLINIC_CULL_EVERY', '60')}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
