"""The Voila server's kernels: a cap on how many run at once, a share for each client, and the
kernels of closed or abandoned pages given back.

Only the Voila server imports this module (both classes are named in sonb/voila/voila.json).

The policy, so that no visitor can lock patients out and no patient is cut off:
- **A closed page** (tab closed, browser killed, reload, network gone) gives its kernel back
  `closed_page_grace` seconds after its last websocket closed. Voila's own shutdown request on
  page close is refused (403, no `_xsrf`), so without this every visit kept its kernel.
- **A page that never connected** (a plain request by a script, a browser that died while
  loading) gives its kernel back `unconnected_grace` seconds after the kernel last did
  anything (it is busy while the page is made, so a page still being made keeps its kernel).
- **Each client** (one address) holds at most `max_kernels_per_client` kernels. A client at
  its share that opens another page first gives back its own oldest kernels that have no open
  page; if every one of them has an open page, this client is told to close one (HTTP 429).
  So one client opening page after page only ever costs itself: other patients' kernels are
  never touched, and a patient reading a page keeps it.
- **A full server** (`max_kernels`) answers HTTP 503. Both refusals are plain pages that try
  again by themselves (templates 503.html and 429.html).
Why not a queue: a held request shows the patient a blank page with no words and ties up a
connection; a page that says what is happening and retries costs almost nothing.

The manager also sizes ZeroMQ's socket limit and the open-files limit to `max_kernels`, gives
the heap memory of kernels that went back to the system (glibc `malloc_trim`), and has the
page's templates compiled once per server (sonb.page_templates).

The client is the address the request came from. Behind a proxy every patient has the proxy's
address: list the proxy in `ClientIdentityProvider.trusted_proxies` so the client is read from
its X-Forwarded-For header, or set `max_kernels_per_client` to 0 (see SECURITY.md).
"""

from __future__ import annotations

import contextvars
import ctypes
import ctypes.util
import os
import resource
import time
from datetime import timedelta

import zmq
from jupyter_server._tz import utcnow
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from tornado import web
from traitlets import Dict, Integer, List, Unicode, default
from voila.handler import VoilaHandler

from .page_templates import share_compiled_templates


def _malloc_trim():
    """glibc's malloc_trim (None elsewhere): gives the process's free heap memory back."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _malloc_trim()

CLIENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("sonb_client", default=None)
"""The client of the request being handled (set by ClientIdentityProvider for each request)."""


class ClientIdentityProvider(PasswordIdentityProvider):
    """Voila's identity provider (no login unless a token is set) that also notes each
    request's client address, which the kernel manager reads when it starts a page's kernel,
    and gives each page its `_xsrf` cookie: the page sends it with its own shutdown request
    when it closes, which Voila refuses without it (403 in the page's console)."""

    trusted_proxies = List(Unicode(), config=True, help=(
        "Addresses of proxies in front of Voila whose X-Forwarded-For header names the client."))

    def __init__(self, **kwargs):
        # A patient's server in a clinic (sonb.hub) answers only its proxy, which sends this
        # token with every request; it is in the server's environment, never on a command line.
        token = os.environ.get("SONB_SERVER_TOKEN")
        if token:
            kwargs["token"] = token
        super().__init__(**kwargs)

    async def get_user(self, handler):
        CLIENT.set(self.client_of(handler.request))
        user = await ensure_async(super().get_user(handler))
        if isinstance(handler, VoilaHandler):  # a page: reading its token sets the cookie
            handler.current_user = user  # (what tornado asks while it sets it)
            handler.xsrf_token  # noqa: B018
        return user

    def client_of(self, request) -> str:
        """The request's client: its address, or the last hop a trusted proxy added."""
        address = request.remote_ip
        forwarded = request.headers.get("X-Forwarded-For", "")
        if address in self.trusted_proxies and forwarded.strip():
            return forwarded.split(",")[-1].strip()
        return address


class CappedKernelManager(AsyncMappingKernelManager):
    """Starts a page's kernel within the server's cap and its client's share; gives back the
    kernels of closed and abandoned pages (see the module docstring). The grace periods are
    checked every `cull_interval` seconds."""

    max_kernels = Integer(40, config=True, help="Most kernels running at once.")
    max_kernels_per_client = Integer(6, config=True, help=(
        "Most kernels one client (address) holds at once (0: no limit)."))
    closed_page_grace = Integer(30, config=True, help=(
        "Seconds a kernel lives after its page's last connection closed (0: until idle culling)."))
    unconnected_grace = Integer(45, config=True, help=(
        "Seconds a kernel whose page never connected lives after its last activity "
        "(0: until idle culling)."))
    _closed_at = Dict()  # kernel id -> monotonic time its last connection closed
    _client = Dict()  # kernel id -> the client whose page started it
    _started_at = Dict()  # kernel id -> monotonic time it started
    _connected_once = Dict()  # kernel id -> True once its page connected
    _starting = Dict()  # client -> kernels being started for it now (None: unknown client)
    _leaving = Dict()  # kernel id -> True while it is being shut down to make room
    _trim_due = False  # a kernel went since the heap was last given back

    # Each open page holds about 6 ZeroMQ sockets and 13 file descriptors in the server.
    # ZeroMQ allows 1023 sockets per context by default (about 170 pages: then "Too many open
    # files" and HTTP 500), and many systems start a process with 1024 descriptors.
    SOCKETS_PER_KERNEL, FILES_PER_KERNEL = 8, 16

    @default("context")
    def _context_default(self):
        context = super()._context_default()
        context.set(zmq.MAX_SOCKETS, max(1023, self.SOCKETS_PER_KERNEL * self.max_kernels + 64))
        return context

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        share_compiled_templates()  # each page's template compiled once per server
        needed = self.FILES_PER_KERNEL * self.max_kernels + 256
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < needed:
            raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            if raised < needed:
                self.log.warning("Open files are limited to %d: fewer than %d kernels fit",
                                 raised, self.max_kernels)

    async def start_kernel(self, *args, **kwargs):
        # A kernel for Voila's preheated pool (when on) belongs to no client yet, even when a
        # page's request made the pool refill.
        preheat = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
        client = None if preheat else CLIENT.get()
        leaving = self._reserve(client)
        try:
            for kernel_id in leaving:
                self.log.info("A client opened another page: shutting down its unused kernel %s",
                              kernel_id)
                await ensure_async(self.shutdown_kernel(kernel_id))
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            self._starting[client] -= 1
        self._started_at[kernel_id] = time.monotonic()
        if client is not None:
            self._client[kernel_id] = client
        return kernel_id

    def _reserve(self, client: str | None) -> list[str]:
        """Count a new kernel for `client` (no await, so concurrent requests count each other)
        and return the client's own kernels to give back first: its oldest ones without an
        open page, until it is under its share. Raises 429 when all of its kernels have open
        pages, 503 when the server is full."""
        live = [k for k in self.list_kernel_ids() if k not in self._leaving]
        leaving: list[str] = []
        if client is not None and self.max_kernels_per_client > 0:
            mine = sorted((k for k in live if self._client.get(k) == client),
                          key=lambda k: self._started_at.get(k, 0.0))
            spare = [k for k in mine if not self._kernel_connections.get(k, 0)]
            excess = len(mine) + self._starting.get(client, 0) - self.max_kernels_per_client + 1
            if excess > len(spare):
                self.log.warning("A client has all %d pages of its share open; refusing another",
                                 self.max_kernels_per_client)
                raise web.HTTPError(429, "client share reached")
            leaving = spare[:max(excess, 0)]
        if len(live) - len(leaving) + sum(self._starting.values()) >= self.max_kernels:
            self.log.warning("Kernel cap of %d reached; refusing a new page", self.max_kernels)
            raise web.HTTPError(503, "kernel cap reached")
        for kernel_id in leaving:
            self._leaving[kernel_id] = True
        self._starting[client] = self._starting.get(client, 0) + 1
        return leaving

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._connected_once[kernel_id] = True
        self._closed_at.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id, 1) <= 0:
            self._closed_at[kernel_id] = time.monotonic()

    def remove_kernel(self, kernel_id):
        self._trim_due = True
        for table in (self._closed_at, self._client, self._started_at, self._connected_once,
                      self._leaving):
            table.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    async def cull_kernels(self):
        """Also give the memory of the kernels that went since the last check back to the
        system (the server's heap kept ~1 MB per page it had served)."""
        await super().cull_kernels()
        if self._trim_due and MALLOC_TRIM is not None:
            self._trim_due = False
            MALLOC_TRIM(0)

    async def cull_kernel_if_idle(self, kernel_id):
        why = self._page_gone(kernel_id)
        if why:
            self.log.info("Shutting down kernel %s: %s", kernel_id, why)
            await ensure_async(self.shutdown_kernel(kernel_id))
            return
        await super().cull_kernel_if_idle(kernel_id)

    def _page_gone(self, kernel_id) -> str:
        """Why the kernel's page is gone ("" while it may still be in use)."""
        if self._kernel_connections.get(kernel_id, 0):
            return ""
        closed = self._closed_at.get(kernel_id)
        if closed is not None:
            if self.closed_page_grace and time.monotonic() - closed > self.closed_page_grace:
                return f"its page closed over {self.closed_page_grace} s ago"
            return ""
        kernel = self._kernels.get(kernel_id)
        idle = utcnow() - getattr(kernel, "last_activity", utcnow())
        # (Voila's preheated pool, when on, keeps its own kernels out of culling)
        if (self.unconnected_grace and not self._connected_once.get(kernel_id)
                and getattr(kernel, "execution_state", "busy") not in ("busy", "starting")
                and idle > timedelta(seconds=self.unconnected_grace)):
            return f"its page never connected in {self.unconnected_grace} s"
        return ""
