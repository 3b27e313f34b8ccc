"""Memory cgroups for the clinic's servers: one per account under sonb-clinic (v2 or v1)."""

from __future__ import annotations

from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def memory_cgroup(name: str) -> Path | None:
    """The folder of a memory cgroup for `name` under sonb-clinic (made if need be), or None
    where this machine has no memory controller root may use."""
    v2 = CGROUP_ROOT / "cgroup.controllers"
    base = CGROUP_ROOT / "sonb-clinic" if v2.exists() else CGROUP_ROOT / "memory" / "sonb-clinic"
    try:
        if v2.exists():
            base.mkdir(exist_ok=True)
            (CGROUP_ROOT / "cgroup.subtree_control").write_text("+memory")
            (base / "cgroup.subtree_control").write_text("+memory")
        elif not base.parent.is_dir():
            return None
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        return None


def set_memory_limit(folder: Path, limit: int) -> None:
    v2 = (folder / "memory.max").exists()
    (folder / ("memory.max" if v2 else "memory.limit_in_bytes")).write_text(str(limit))
    if not v2:  # v1: the limit covers swap too, so a server cannot page out past it
        try:
            (folder / "memory.memsw.limit_in_bytes").write_text(str(limit))
        except OSError:
            pass


def remove_cgroup(name: str) -> None:
    """Remove the account's cgroup (it must hold no process any more)."""
    for base in (CGROUP_ROOT / "sonb-clinic", CGROUP_ROOT / "memory" / "sonb-clinic"):
        try:
            (base / name).rmdir()
        except OSError:
            pass
