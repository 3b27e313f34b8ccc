"""docs/k8s: the Kubernetes recipe is the one-machine clinic's set-up.

Nothing is built or deployed here (no Docker engine, no cluster). These tests read the files:
config.yaml parses and keeps the local limits (read from sonb/hub/jupyterhub_config.py, not
copied), the Dockerfile installs what ./run's setup_clinic installs, and the hub.extraConfig
hook gives each role the command and environment of sonb.hub.spawner.ClinicSpawner._apply_role
(run here on stand-ins for the spawners), with only the differences a pod needs.
"""

from __future__ import annotations

import ast
import copy
import re
import shlex
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from packaging.requirements import Requirement

from sonb.hub import NAVIGATOR, PATIENT, Clinic
from sonb.hub.spawner import ClinicSpawner
from sonb.serve import VOILA_DIR

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "docs" / "k8s"
CONFIG_TEXT = (K8S / "config.yaml").read_text()
CONFIG = yaml.safe_load(CONFIG_TEXT)
HUB_CONFIG = ROOT / "sonb" / "hub" / "jupyterhub_config.py"
SHARE_VOLUME = "sonb-shared"

# Arguments that must differ in a pod: the server listens on the pod's address, since the
# proxy is another pod (Voila itself still listens on 127.0.0.1, inside the pod).
POD_ONLY = {"--ip=127.0.0.1": "--ip=0.0.0.0",
            "--ServerApp.ip=127.0.0.1": "--ServerApp.ip=0.0.0.0"}
# ./run's DEBS that only the tests use, and what only a container needs.
TEST_ONLY_DEBS = {"chromium", "poppler-utils"}
CONTAINER_ONLY_DEBS = {"tini"}


# -- reading the files ---------------------------------------------------------------------

def local_env_defaults() -> dict[str, str]:
    """The defaults of jupyterhub_config.py's env("NAME", "default") calls."""
    tree = ast.parse(HUB_CONFIG.read_text())
    return {call.args[0].value: call.args[1].value for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "env"
            and len(call.args) == 2}


def local_constant(name: str):
    """The value of `c.<name> = <constant>` in jupyterhub_config.py."""
    for node in ast.walk(ast.parse(HUB_CONFIG.read_text())):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and ast.unparse(node.targets[0]) == f"c.{name}"):
            return node.value.value
    raise AssertionError(f"c.{name} is not set to a constant in {HUB_CONFIG.name}")


def expand(token: str, variables: dict[str, str]) -> str:
    def value(match):
        name = match.group(1) or match.group(3)
        return variables.get(name, match.group(2) if match.group(2) is not None else match.group(0))
    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)", value, token)


def shell_commands(line: str, variables: dict[str, str]) -> list[list[str]]:
    """The simple commands of one shell line (split at && || ; | and redirections)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, current = [], []
    for token in lexer:
        if token and set(token) <= set(";&|()<>"):
            commands.append(current)
            current = []
        elif token not in ("{", "}"):
            current.append(expand(token, variables))
    # a command's leading NAME=value words set its environment: the command is what follows
    commands = [c[next((i for i, w in enumerate(c) if not re.match(r"\w+=", w)), len(c)):]
                if c[0] != "local" else c for c in [*commands, current] if c]
    return [c for c in commands if c]


def run_setup_clinic() -> tuple[dict[str, str], list[list[str]]]:
    """./run's variables and the commands of its setup_clinic function."""
    text = (ROOT / "run").read_text()
    variables: dict[str, str] = {}
    for name, value in re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE):
        variables[name] = expand(shlex.split(value)[0] if value else "", variables)
    body = re.search(r"^setup_clinic\(\) \{\n(.*?)^\}", text, re.DOTALL | re.MULTILINE).group(1)
    commands = []
    for line in body.splitlines():
        for command in shell_commands(line, variables):
            if command[0] == "local":
                for word in command[1:]:
                    if "=" in word:
                        name, value = word.split("=", 1)
                        variables[name] = value
            else:
                commands.append(command)
    return variables, commands


def dockerfile() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The Dockerfile's ARG/ENV values and its instructions (continuations joined)."""
    instructions, pending = [], ""
    for raw in (K8S / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    variables = {}
    for keyword, rest in instructions:
        if keyword in ("ARG", "ENV"):
            for word in shlex.split(rest):
                name, _, value = word.partition("=")
                variables[name] = value
    return variables, instructions


def docker_run_commands() -> list[list[str]]:
    variables, instructions = dockerfile()
    return [command for keyword, rest in instructions if keyword == "RUN"
            for command in shell_commands(rest, variables)]


def docker_copies() -> list[tuple[list[str], str]]:
    _, instructions = dockerfile()
    copies = []
    for keyword, rest in instructions:
        if keyword == "COPY":
            words = shlex.split(rest)
            copies.append((words[:-1], words[-1]))
    return copies


def pip_installs(commands) -> list[tuple[str, set[str], list[str]]]:
    """(pip, options, requirements) of every `pip install` command."""
    return [(c[0], {w for w in c[2:] if w.startswith("-")},
             [w for w in c[2:] if not w.startswith("-")])
            for c in commands if len(c) > 1 and Path(c[0]).name == "pip" and c[1] == "install"]


def apt_installs(commands) -> set[str]:
    return {w for c in commands if c[:2] == ["apt-get", "install"] for w in c[2:]
            if not w.startswith("-")}


def extra_config() -> str:
    return CONFIG["hub"]["extraConfig"]["sonb-roles"]


def docker_voila_link() -> str:
    links = [c for c in docker_run_commands() if c[:2] == ["ln", "-s"]]
    assert len(links) == 1 and "VOILA_DIR" in links[0][2], links
    return links[0][3]


# -- stand-ins: the local spawner and KubeSpawner ------------------------------------------

def local_role(name: str, role: str) -> SimpleNamespace:
    """What ClinicSpawner._apply_role sets for `name`, with ./run's /opt/sonb-clinic."""
    variables, _ = run_setup_clinic()
    defaults = local_env_defaults()
    spawner = SimpleNamespace(
        clinic=Clinic(opt=Path(variables["CLINIC_OPT"]), data=Path("/var/lib/sonb-clinic")),
        role=role, user=SimpleNamespace(name=name), patient_voila_args="",
        mem_limits={PATIENT: defaults["SONB_CLINIC_PATIENT_MEM"],
                    NAVIGATOR: defaults["SONB_CLINIC_NAVIGATOR_MEM"]})
    ClinicSpawner._apply_role(spawner)
    return spawner


def in_the_image(value: str) -> str:
    """A local path as the image has it: sonb's Voila folder is the Dockerfile's link."""
    return value.replace(str(VOILA_DIR), docker_voila_link())


def load_hook(config: dict = CONFIG):
    """The pre_spawn_hook as the chart's hub makes it: hub.config, then hub.extraConfig."""
    from traitlets.config import Config

    c = Config()
    for section, values in config["hub"]["config"].items():
        c[section].update(copy.deepcopy(values))
    namespace = {"c": c}
    code = compile(config["hub"]["extraConfig"]["sonb-roles"], "extraConfig", "exec")
    exec(code, namespace)  # noqa: S102 - the repository's own config, as the hub runs it
    return c.KubeSpawner.pre_spawn_hook


def kube_spawner(name: str, config: dict = CONFIG) -> SimpleNamespace:
    """A KubeSpawner's settings as the chart 4.x hub sets them from `config` (volumes and
    mounts are dicts, extraVolumeMounts keyed "<index>-<name>")."""
    user, storage = config["singleuser"], config["singleuser"]["storage"]
    home = "volume-{user_server}"
    volumes = {home: {"name": home, "persistentVolumeClaim": {"claimName": "{pvc_name}"}}}
    mounts = {home: {"mountPath": storage["homeMountPath"], "name": home, "subPath": None}}
    for volume in storage.get("extraVolumes") or []:
        volumes[volume["name"]] = copy.deepcopy(volume)
    for index, mount in enumerate(storage.get("extraVolumeMounts") or []):
        mounts[f"{index}-{mount['name']}"] = copy.deepcopy(mount)
    return SimpleNamespace(
        user=SimpleNamespace(name=name), image="registry.example.org/sonb-singleuser:0.1.0",
        uid=user["uid"], fs_gid=user["fsGid"], environment={}, volumes=volumes,
        volume_mounts=mounts, init_containers=[{"name": "block-cloud-metadata"}],
        lifecycle_hooks={}, mem_limit=user["memory"]["limit"],
        mem_guarantee=user["memory"]["guarantee"], cpu_limit=user["cpu"]["limit"],
        cpu_guarantee=user["cpu"]["guarantee"], cmd=[user["cmd"]], args=[], default_url=None,
        notebook_dir=None)


def spawned(name: str, config: dict = CONFIG, spawner=None) -> SimpleNamespace:
    spawner = spawner or kube_spawner(name, config)
    load_hook(config)(spawner)
    return spawner


def without_sharing() -> dict:
    config = copy.deepcopy(CONFIG)
    config["singleuser"]["storage"]["extraVolumes"] = []
    config["singleuser"]["storage"]["extraVolumeMounts"] = []
    return config


def share_mounts(spawner) -> list[dict]:
    return [m for m in spawner.volume_mounts.values() if m["name"] == SHARE_VOLUME]


# -- config.yaml ---------------------------------------------------------------------------

def test_config_yaml_parses_into_the_charts_sections():
    assert isinstance(CONFIG, dict)
    assert {"hub", "proxy", "singleuser", "cull", "scheduling"} <= set(CONFIG)


def test_culler_as_on_one_machine():
    defaults, cull = local_env_defaults(), CONFIG["cull"]
    assert cull["enabled"] is True
    assert cull["timeout"] == int(defaults["SONB_CLINIC_IDLE_TIMEOUT"])
    assert cull["every"] == int(defaults["SONB_CLINIC_CULL_EVERY"])
    assert cull["users"] is ("--cull-users" in HUB_CONFIG.read_text())


def test_hub_limits_as_on_one_machine():
    defaults, hub = local_env_defaults(), CONFIG["hub"]["config"]["JupyterHub"]
    assert hub["active_server_limit"] == int(defaults["SONB_CLINIC_MAX_SERVERS"])
    assert hub["last_activity_interval"] == int(defaults["SONB_CLINIC_ACTIVITY_INTERVAL"])
    assert hub["concurrent_spawn_limit"] == local_constant("JupyterHub.concurrent_spawn_limit")
    spawner = CONFIG["hub"]["config"]["Spawner"]
    assert spawner["disable_user_config"] == local_constant("Spawner.disable_user_config")
    kube = CONFIG["hub"]["config"]["KubeSpawner"]
    assert kube["http_timeout"] == local_constant("Spawner.http_timeout")


def test_patients_memory_limit_is_the_local_default():
    memory = CONFIG["singleuser"]["memory"]
    assert memory["limit"] == local_env_defaults()["SONB_CLINIC_PATIENT_MEM"]
    assert set(memory) == {"limit", "guarantee"}


def test_each_account_has_a_persistent_home_of_its_own():
    storage = CONFIG["singleuser"]["storage"]
    assert storage["type"] == "dynamic"
    assert re.fullmatch(r"\d+(Mi|Gi)", storage["capacity"])
    assert storage["dynamic"]["storageAccessModes"] == ["ReadWriteOnce"]
    patient = spawned("ana")
    assert patient.notebook_dir == storage["homeMountPath"]
    assert patient.environment["SONB_HOME"] == storage["homeMountPath"] + "/sonb"


def test_network_policy_keeps_users_pods_apart():
    policy = CONFIG["singleuser"]["networkPolicy"]
    assert policy["enabled"] is True
    assert policy["allowedIngressPorts"] == []
    assert policy["ingress"] == [] and policy["egress"] == []
    assert policy["interNamespaceAccessLabels"] == "ignore"
    rules = policy["egressAllowRules"]
    assert rules["privateIPs"] is False and rules["nonPrivateIPs"] is False
    assert rules["cloudMetadataServer"] is False


def test_login_is_the_clinics_with_no_admin():
    config = CONFIG["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] not in ("pam", "dummy", "null")
    auth = config["Authenticator"]
    assert auth["admin_users"] == []
    assert auth["allow_existing_users"] is False
    groups = config["JupyterHub"]["load_groups"]
    assert set(groups) == {PATIENT, NAVIGATOR}
    assert set(auth["allowed_users"]) == {u for g in groups.values() for u in g["users"]}


def test_busy_page_is_the_local_one():
    page = CONFIG["hub"]["extraFiles"]["sonb-busy-page"]
    local = (ROOT / "sonb" / "hub" / "templates" / "error.html").read_text()
    assert page["stringData"].rstrip("\n") == local.rstrip("\n")
    assert str(Path(page["mountPath"]).parent) in CONFIG["hub"]["templatePaths"]
    assert Path(page["mountPath"]).name == "error.html"


def test_pods_run_as_the_images_user():
    useradd = [c for c in docker_run_commands() if c[0] == "useradd"]
    assert len(useradd) == 1
    words = useradd[0]
    assert int(words[words.index("--uid") + 1]) == CONFIG["singleuser"]["uid"]
    assert int(words[words.index("--gid") + 1]) == CONFIG["singleuser"]["fsGid"]
    _, instructions = dockerfile()
    assert ("USER", str(CONFIG["singleuser"]["uid"])) in instructions


def test_configurable_http_proxy_is_the_runs_version_wherever_it_is_pinned():
    variables, _ = run_setup_clinic()
    chp = variables["CHP_VERSION"]
    for command in docker_run_commands():
        for word in command:
            if "configurable-http-proxy" in word:
                assert word.endswith(f"@{chp}"), word
    tag = CONFIG.get("proxy", {}).get("chp", {}).get("image", {}).get("tag")
    assert tag in (None, chp)


# -- Dockerfile and ./run ------------------------------------------------------------------

def test_dockerfile_makes_the_same_virtualenv_as_run():
    variables, commands = run_setup_clinic()
    venvs = [c for c in commands if c[1:3] == ["-m", "venv"]]
    venv = variables["CLINIC_OPT"] + "/venv"
    assert venvs and venvs[0] == ["/usr/bin/python3", "-m", "venv", venv]
    assert venvs[0] in docker_run_commands()


def test_dockerfile_installs_the_same_pip_extra_as_run():
    _, commands = run_setup_clinic()
    local = [i for i in pip_installs(commands) if "--no-deps" not in i[1]]  # the first install
    image = pip_installs(docker_run_commands())
    assert any(r.startswith(".[") for _, _, reqs in local for r in reqs)
    for pip, options, reqs in local:
        match = [i for i in image if i[0] == pip and set(reqs) <= set(i[2])]
        assert match, f"the Dockerfile has no `{pip} install {' '.join(reqs)}`"
        assert options - {"--quiet"} <= match[0][1]
    extras = {r for _, _, reqs in image for r in reqs if r.startswith(".")}
    assert extras == {r for _, _, reqs in local for r in reqs if r.startswith(".")} == {".[clinic]"}


def test_only_pins_within_the_clinic_extra_are_added():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    clinic = {Requirement(r).name: Requirement(r)
              for r in project["optional-dependencies"]["clinic"]}
    _, commands = run_setup_clinic()
    local = {r for _, _, reqs in pip_installs(commands) for r in reqs}
    added = {r for _, _, reqs in pip_installs(docker_run_commands()) for r in reqs} - local
    assert added, "the image should pin jupyterhub to the chart's hub"
    for text in added:
        pin = Requirement(text)
        version = str(pin.specifier).removeprefix("==")
        assert str(pin.specifier).startswith("=="), text
        assert pin.name in clinic and clinic[pin.name].specifier.contains(version), text


def test_image_pins_the_jupyterhub_of_the_chart_the_docs_install():
    variables, _ = dockerfile()
    text = (K8S / "Dockerfile").read_text()
    chart, hub = re.search(r"chart (\d+\.\d+\.\d+) runs JupyterHub (\d+\.\d+\.\d+)", text).groups()
    assert variables["JUPYTERHUB_VERSION"] == hub
    docs = (ROOT / "docs" / "kubernetes.md").read_text()
    helm = re.findall(r"^\s*helm upgrade(?:[^\n]*\\\n)*[^\n]*", docs, re.MULTILINE)
    assert helm and all(f"--version {chart}" in h for h in helm)
    assert f"--version {chart}" in CONFIG_TEXT


def test_dockerfile_copies_the_sources_run_installs_from():
    _, commands = run_setup_clinic()
    find = next(c for c in commands if c[0] == "find")
    sources = find[1:find.index(next(w for w in find if w.startswith("-")))]
    copied = {Path(s).name for s, dest in ((s, d) for ss, d in docker_copies() for s in ss)
              if dest.startswith("/src")}
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["readme"]
    assert set(sources) | {readme} <= copied


def test_dockerfile_copies_every_file_run_copies_to_the_same_place():
    _, commands = run_setup_clinic()
    local = [(c[1:-1], c[-1].rstrip("/")) for c in commands if c[0] == "cp"]
    image = [(sources, dest.rstrip("/")) for sources, dest in docker_copies()]
    notebooks = [c for c in local if any(w.endswith(".ipynb") for w in c[0])]
    assert len(notebooks) == 1 and len(notebooks[0][0]) == 2
    for copied in local:
        assert copied in image, f"./run copies {copied[0]} to {copied[1]}; the Dockerfile does not"


def test_dockerfile_has_the_runtime_debian_packages_of_run():
    text = (ROOT / "run").read_text()
    debs = set(re.search(r'^DEBS="([^"]*)"', text, re.MULTILINE).group(1).split())
    assert TEST_ONLY_DEBS <= debs
    _, commands = run_setup_clinic()
    clinic_debs = apt_installs(commands)
    assert clinic_debs == {"python3", "python3-venv"}
    wanted = (debs - TEST_ONLY_DEBS) | clinic_debs | CONTAINER_ONLY_DEBS
    assert apt_installs(docker_run_commands()) == wanted


def test_dockerfile_links_sonbs_voila_folder_where_the_hub_expects_it():
    link = docker_voila_link()
    assert "SONB_VOILA_DIR = SONB_OPT + \"/voila\"" in extra_config()
    variables, _ = run_setup_clinic()
    assert link == variables["CLINIC_OPT"] + "/voila"


# -- hub.extraConfig: each role's server -----------------------------------------------------

def test_extra_config_compiles():
    compile(extra_config(), "extraConfig", "exec")
    assert "c.KubeSpawner.pre_spawn_hook = sonb_pre_spawn_hook" in extra_config()


def test_patient_command_is_the_local_one_but_listens_on_the_pod():
    local, pod = local_role("ana", PATIENT), spawned("ana")
    assert pod.cmd == [in_the_image(w) for w in local.cmd]
    assert pod.args == [POD_ONLY.get(w, in_the_image(w)) for w in local.args]
    assert pod.cmd[1:] == ["-m", "sonb.hub.proxy"]
    voila = pod.args[pod.args.index("--") + 1:]
    assert voila[1:3] == ["-m", "voila"] and "--Voila.ip=127.0.0.1" in voila
    assert any(w.startswith("--Voila.base_url=") for w in voila)
    assert pod.default_url == local.default_url == ""


def test_patient_environment_is_the_local_one_with_the_pods_folders():
    local, pod = local_role("ana", PATIENT), spawned("ana")
    assert set(pod.environment) == set(local.environment)
    for key in ("SONB_AUTHOR", "PATH", "SONB_OWN_SERVER", "MALLOC_ARENA_MAX", "JUPYTER_PATH"):
        assert pod.environment[key] == in_the_image(local.environment[key]), key
    mount = share_mounts(pod)
    assert pod.environment["SONB_SHARE_FOLDER"] == mount[0]["mountPath"]


def test_patients_token_is_new_for_each_start_and_never_on_the_command_line():
    pod = spawned("ana")
    first = pod.environment["SONB_SERVER_TOKEN"]
    load_hook()(pod)
    second = pod.environment["SONB_SERVER_TOKEN"]
    assert len(first) >= 40 and first != second
    assert not any(second in w for w in pod.cmd + pod.args)


def test_patient_mounts_only_their_own_share_folder():
    pod = spawned("ana")
    mounts = share_mounts(pod)
    assert len(mounts) == 1 and mounts[0]["subPath"] == "{username}"
    makers = [i for i in pod.init_containers if i["name"] == "sonb-share-folder"]
    assert len(makers) == 1
    root = makers[0]["volumeMounts"][0]["mountPath"]
    assert makers[0]["command"][-1] == root + "/" + mounts[0]["subPath"]
    assert makers[0]["securityContext"]["runAsUser"] == CONFIG["singleuser"]["uid"]
    assert {"name": "block-cloud-metadata"} in pod.init_containers


def test_navigator_command_is_the_local_one_with_every_share_folder():
    local, pod = local_role("nora", NAVIGATOR), spawned("nora")
    assert pod.cmd == [in_the_image(w) for w in local.cmd]
    assert pod.args == [POD_ONLY.get(w, w) for w in local.args]
    assert pod.default_url == local.default_url
    assert pod.mem_limit == local_env_defaults()["SONB_CLINIC_NAVIGATOR_MEM"] == local.mem_limit
    assert set(pod.environment) == set(local.environment)
    mounts = share_mounts(pod)
    assert mounts == [{"name": SHARE_VOLUME, "mountPath": pod.environment["SONB_CLINIC_SHARED"]}]
    patient_maker = spawned("ana").init_containers[-1]
    assert patient_maker["volumeMounts"][0]["mountPath"] == pod.environment["SONB_CLINIC_SHARED"]
    hook = " ".join(pod.lifecycle_hooks["postStart"]["exec"]["command"])
    notebooks = next(d for s, d in docker_copies() if any(w.endswith(".ipynb") for w in s))
    assert notebooks.rstrip("/") + "/navigator.ipynb" in hook
    assert CONFIG["singleuser"]["storage"]["homeMountPath"] + "/navigator.ipynb" in hook


def test_hook_starts_from_the_configuration_each_time():
    pod = spawned("nora")
    pod.user.name = "ana"  # the same spawner, started again as a patient
    load_hook()(pod)
    load_hook()(pod)
    assert pod.mem_limit == CONFIG["singleuser"]["memory"]["limit"]
    assert pod.cpu_limit == CONFIG["singleuser"]["cpu"]["limit"]
    assert pod.lifecycle_hooks == {}
    assert [i["name"] for i in pod.init_containers] == ["block-cloud-metadata", "sonb-share-folder"]
    assert len(share_mounts(pod)) == 1 and share_mounts(pod)[0]["subPath"] == "{username}"
    assert "SONB_CLINIC_SHARED" not in pod.environment


def test_roles_as_on_one_machine():
    config = copy.deepcopy(CONFIG)
    config["hub"]["config"]["JupyterHub"]["load_groups"][NAVIGATOR]["users"].append("ana")
    assert spawned("ana", config).cmd[1:] == ["-m", "sonb.hub.proxy"]  # both groups: a patient
    with pytest.raises(RuntimeError, match="not an account of this clinic"):
        spawned("mallory")


def test_without_the_share_volume_sharing_is_off():
    config = without_sharing()
    patient, navigator = spawned("ana", config), spawned("nora", config)
    assert "SONB_SHARE_FOLDER" not in patient.environment
    assert "SONB_CLINIC_SHARED" not in navigator.environment
    assert not share_mounts(patient) and not share_mounts(navigator)
    assert [i["name"] for i in patient.init_containers] == ["block-cloud-metadata"]


# -- docs ----------------------------------------------------------------------------------

def test_docs_say_what_was_checked_and_what_was_not_run():
    docs = (ROOT / "docs" / "kubernetes.md").read_text()
    assert "## What was checked here and what was not run" in docs
    assert "tests/unit/test_kubernetes_recipe.py" in docs
    assert "docs/k8s/config.yaml" in docs and "docs/k8s/Dockerfile" in docs
