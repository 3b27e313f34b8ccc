"""Compile the page's Jinja templates once per Voila server, not once per page.

Voila makes a new nbconvert exporter, with a new Jinja environment, for every page, so each
page compiled index.html.j2 and the templates it includes again: a third of the server's CPU
per page (py-spy, 10 pages). `share_compiled_templates()` gives every exporter's environment
one in-memory bytecode cache; Jinja still reads each template's source and compiles it again
when the source changed (the cache checks a hash of it). Only the Voila server calls this
(sonb.kernels.CappedKernelManager, when it starts).
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, keyed by template and by the environment's kind
    (async or not, its extensions), so differently made environments never share code."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        kind = f"{environment.is_async}|{','.join(sorted(environment.extensions))}|"
        key = self.get_cache_key(kind + name, filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


CACHE = SharedBytecodeCache()


def share_compiled_templates() -> None:
    """Make every Voila page exporter's Jinja environment use CACHE (once per process)."""
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_sonb_shared_templates", False):
        return
    create = VoilaExporter._create_environment

    def _create_environment(self):
        environment = create(self)
        environment.bytecode_cache = CACHE
        return environment

    VoilaExporter._create_environment = _create_environment
    VoilaExporter._sonb_shared_templates = True
