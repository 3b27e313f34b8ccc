"""The Voila server's kernel manager: a cap on kernels running at once, and the kernels of
closed pages given back.

Only the Voila server imports this module (named in sonb/voila/voila.json).

A page's kernel is reclaimed `closed_page_grace` seconds after the page's last websocket
closed (the tab was closed, the browser killed, the page reloaded): Voila's own shutdown
request on page close is refused (403, no `_xsrf`), so without this every visit kept its
kernel until idle culling. A kernel whose page never connected (a page still loading, or a
plain request by a script) is left to the idle culler (`cull_idle_timeout`), so a slow page is
never cut off; a patient reading an open page keeps their kernel.
"""

from __future__ import annotations

import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Dict, Integer


class CappedKernelManager(AsyncMappingKernelManager):
    """Refuses a new kernel past `max_kernels` with HTTP 503 and a plain message; shuts down
    the kernel of a closed page (see the module docstring). Checked every `cull_interval`."""

    max_kernels = Integer(40, config=True, help="Most kernels running at once.")
    closed_page_grace = Integer(30, config=True, help=(
        "Seconds a kernel lives after its page's last connection closed (0: until idle culling)."))
    _closed_at = Dict()  # kernel id -> monotonic time its last connection closed

    async def start_kernel(self, *args, **kwargs):
        if len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("Kernel cap of %d reached; refusing a new page", self.max_kernels)
            raise web.HTTPError(503, "The app is busy. Please try again in a few minutes.")
        return await super().start_kernel(*args, **kwargs)

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._closed_at.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id, 1) <= 0:
            self._closed_at[kernel_id] = time.monotonic()

    def remove_kernel(self, kernel_id):
        self._closed_at.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        closed = self._closed_at.get(kernel_id)
        if (self.closed_page_grace and closed is not None
                and time.monotonic() - closed > self.closed_page_grace
                and not self._kernel_connections.get(kernel_id, 0)):
            self.log.info("Page closed %d s ago: shutting its kernel down", self.closed_page_grace)
            self._closed_at.pop(kernel_id, None)
            await self.shutdown_kernel(kernel_id)
            return
        await super().cull_kernel_if_idle(kernel_id)
