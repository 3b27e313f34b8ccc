"""The kernel policy of sonb's Voila server (sonb/kernels.py), decided without starting kernels:
which kernels a client gives back, when a page is refused, and which pages are gone."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from jupyter_server._tz import utcnow
from tornado import web

from sonb.kernels import CappedKernelManager, ClientIdentityProvider


def manager(kernels: dict[str, tuple[str | None, int]], **config) -> CappedKernelManager:
    """A manager that believes `kernels` run: id -> (client, open connections), started in
    the order given."""
    m = CappedKernelManager(**config)
    m._kernels = {k: SimpleNamespace(execution_state="idle", last_activity=utcnow())
                  for k in kernels}
    now = time.monotonic()
    for n, (k, (client, connections)) in enumerate(kernels.items()):
        m._started_at[k] = now - 100 + n
        if client is not None:
            m._client[k] = client
        m._kernel_connections[k] = connections
    return m


def test_a_client_under_its_share_gives_nothing_back():
    m = manager({"a1": ("A", 0), "b1": ("B", 0)}, max_kernels_per_client=3)
    assert m._reserve("A") == []
    assert m._starting["A"] == 1


def test_a_client_at_its_share_gives_back_its_own_oldest_unused_kernel():
    m = manager({"a1": ("A", 1), "a2": ("A", 0), "b1": ("B", 0), "a3": ("A", 0)},
                max_kernels_per_client=3)
    assert m._reserve("A") == ["a2"]  # a1 has an open page; b1 is another client's
    assert m._leaving == {"a2": True}


def test_concurrent_pages_of_one_client_count_each_other():
    m = manager({"a1": ("A", 0), "a2": ("A", 0)}, max_kernels_per_client=3)
    assert m._reserve("A") == []
    assert m._reserve("A") == ["a1"]  # the first page being started counts
    assert m._reserve("A") == ["a2"]
    with pytest.raises(web.HTTPError) as refused:  # three starting, nothing left to give
        m._reserve("A")
    assert refused.value.status_code == 429


def test_a_client_whose_pages_are_all_open_is_refused_and_others_are_not():
    m = manager({"a1": ("A", 1), "a2": ("A", 2)}, max_kernels_per_client=2)
    with pytest.raises(web.HTTPError) as refused:
        m._reserve("A")
    assert refused.value.status_code == 429
    assert m._reserve("B") == []


def test_a_full_server_answers_busy_after_the_client_gave_back_what_it_could():
    m = manager({"a1": ("A", 0), "b1": ("B", 1), "c1": ("C", 1)}, max_kernels=3,
                max_kernels_per_client=1)
    assert m._reserve("A") == ["a1"]  # its own kernel makes the room
    with pytest.raises(web.HTTPError) as busy:
        m._reserve("D")  # a1 is leaving, but A's new page is starting: still 3
    assert busy.value.status_code == 503


@pytest.mark.parametrize("share", [0, 1])
def test_pool_kernels_and_an_unlimited_share_are_not_limited(share):
    m = manager({"p1": (None, 0), "p2": (None, 0), "a1": ("A", 0)},
                max_kernels_per_client=share)
    assert m._reserve(None) == []
    if share == 0:
        assert m._reserve("A") == []


def test_which_pages_are_gone():
    m = manager({"reading": ("A", 1), "closed": ("A", 0), "just_closed": ("A", 0),
                 "never": ("A", 0), "loading": ("A", 0), "no_client": (None, 0)},
                closed_page_grace=30, unconnected_grace=45)
    old = utcnow() - timedelta(seconds=60)
    m._connected_once.update(reading=True, closed=True, just_closed=True)
    m._closed_at.update(closed=time.monotonic() - 31, just_closed=time.monotonic() - 5)
    for k in ("never", "loading", "no_client", "reading"):
        m._kernels[k].last_activity = old
    m._kernels["loading"].execution_state = "busy"  # the page is still being made
    gone = {k: m._page_gone(k) for k in m._kernels}
    assert gone["closed"] and gone["never"] and gone["no_client"]
    assert not (gone["reading"] or gone["just_closed"] or gone["loading"])
    m.unconnected_grace = 0
    assert not m._page_gone("never")


def _request(remote_ip: str, forwarded: str = ""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return SimpleNamespace(remote_ip=remote_ip, headers=headers)


def test_the_client_is_the_address_unless_a_trusted_proxy_names_it():
    plain = ClientIdentityProvider(token="")
    assert plain.client_of(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"  # a forged header
    proxied = ClientIdentityProvider(token="", trusted_proxies=["127.0.0.1"])
    assert proxied.client_of(_request("127.0.0.1", "6.6.6.6, 10.1.2.3")) == "10.1.2.3"
    assert proxied.client_of(_request("127.0.0.1")) == "127.0.0.1"
    assert proxied.client_of(_request("10.0.0.9", "1.1.1.1")) == "10.0.0.9"


def test_the_server_can_hold_as_many_pages_as_its_cap():
    """ZeroMQ's default of 1023 sockets per context held about 170 open pages (then "Too many
    open files"); the manager sizes its context and the open-files limit by its cap."""
    import resource

    import zmq

    m = CappedKernelManager(max_kernels=300)
    assert m.context.get(zmq.MAX_SOCKETS) >= 6 * 300
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft in (resource.RLIM_INFINITY, hard) or soft >= 13 * 300
    m.context.destroy()


def test_a_kernel_for_the_preheated_pool_belongs_to_no_client(monkeypatch):
    """Voila refills its pool from inside a page's request; that kernel will serve another
    patient, so it must not count in the requesting client's share."""
    import asyncio
    import concurrent.futures

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from sonb.kernels import CLIENT

    ids = iter(["page", "pool"])

    async def fake_start(self, *args, **kwargs):
        return next(ids)

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    m = manager({}, max_kernels_per_client=2)

    async def visit():
        CLIENT.set("A")
        await m.start_kernel(env={"VOILA_PREHEAT": "False"})
        await m.start_kernel(env={"VOILA_PREHEAT": "True"})

    # in a thread: in a full run Playwright's sync API keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, visit()).result(timeout=60)
    assert m._client == {"page": "A"}
    assert m._starting == {"A": 0, None: 0}
