"""The Voila server's kernel manager: a cap on kernels running at once.

Only the Voila server imports this module (named in sonb/voila/voila.json).
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer


class CappedKernelManager(AsyncMappingKernelManager):
    """Refuses a new kernel past `max_kernels` with HTTP 503 and a plain message."""

    max_kernels = Integer(40, config=True, help="Most kernels running at once.")

    async def start_kernel(self, *args, **kwargs):
        if len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("Kernel cap of %d reached; refusing a new page", self.max_kernels)
            raise web.HTTPError(503, "The app is busy. Please try again in a few minutes.")
        return await super().start_kernel(*args, **kwargs)
