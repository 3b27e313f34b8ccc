"""The browserless page client (tests/browser/page_client.py) against real standalone Voila:
the patient page opens, "Start a new case" is answered with step 1, a refused page is told
apart, a closed page's shutdown request is accepted, and the bare notebook opens.
benchmarks/bench_load.py relies on all of this."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest

from .conftest import BROWSER_DIR, Server, _load, wait_until

client = _load("page_client", BROWSER_DIR / "page_client.py")
BARE = BROWSER_DIR.parents[1] / "benchmarks" / "bare.ipynb"
KID = "0f719242-33ee-4856-ae12-167ebbfd40a2"


def run_async(coroutine):
    """Run the page client's coroutine in a thread of its own: Playwright's sync API (the
    session's Chromium, once a browser test has run) keeps an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=300)


async def _start_a_case(url: str) -> None:
    page = await client.open_page(url, source_ip="127.0.0.2", timeout=180)
    try:
        assert page.html.count(page.kernel_id) == 1
        assert 0 < page.timings["first_byte"] <= page.timings["html"] < page.timings["states"]
        assert page.find_text("Start a new case") and not page.find_text("Step 1 of 6")
        with pytest.raises(client.PageError) as refused:  # the cap of 1 kernel is taken
            await client.open_page(url, timeout=60)
        assert (refused.value.kind, refused.value.status) == ("busy", 503)
        reply = await page.click("Start a new case", expect="Step 1 of 6", timeout=120)
        assert reply.idle and reply.opened and reply.changed and 0 < reply.seconds < 120
        assert page.find_text("Step 1 of 6")
    finally:
        await page.close()
    assert page.closed


@pytest.mark.browser
def test_patient_page_opens_and_starts_a_case(tmp_path):
    server = Server(tmp_path, None, "--CappedKernelManager.max_kernels=1")
    try:
        run_async(_start_a_case(server.url))
    finally:
        server.stop()


async def _close_tabs(url: str) -> tuple:
    page = await client.open_page(url, source_ip="127.0.0.3", timeout=180)
    assert "_xsrf" in page.cookies and any(c.startswith("username-") for c in page.cookies)
    forged = await client.get_page(url, source_ip="127.0.0.3", timeout=180)
    del forged.cookies["_xsrf"]  # a request without the page's token: refused, kernel kept
    with pytest.raises(client.PageError) as refused:
        await forged.close()
    assert (refused.value.kind, refused.value.status) == ("shutdown refused", 403)
    closed = time.monotonic()
    await page.close()  # the tab closed: Voila's shutdown request, then the websocket
    return page, forged, closed


@pytest.mark.browser
def test_a_closed_page_shuts_its_kernel_down_at_once(tmp_path):
    """close(shutdown=True) sends Voila's shutdown request as the browser's beacon does: it is
    accepted (204) and the kernel is gone within seconds, not after the grace period."""
    server = Server(tmp_path, None)
    try:
        page, forged, closed = run_async(_close_tabs(server.url))
        assert page.shutdown_status == 204 and page.closed
        wait_until(lambda: page.kernel_id not in server.kernel_processes(), 10,
                   "the closed page's kernel to go")
        assert time.monotonic() - closed < 10
        assert "Kernel shutdown: " + page.kernel_id in server.log_text()
        assert "Shutting down kernel " + page.kernel_id not in server.log_text()  # not culled
        assert forged.kernel_id in server.kernel_processes()
    finally:
        server.stop()


async def _click_bare(url: str) -> None:
    page = await client.open_page(url, timeout=180)
    try:
        assert [s["_model_name"] for s in page.models.values()].count("ButtonModel") == 1
        reply = await page.click("Hi", timeout=60)
        assert reply.idle and not reply.opened
    finally:
        await page.close()


@pytest.mark.browser
def test_bare_notebook_opens(tmp_path):
    server = Server(tmp_path, BARE)
    try:
        run_async(_click_bare(server.url))
    finally:
        server.stop()


def test_pages_that_are_not_the_app_are_told_apart():
    good = f'<script>{{"kernelId": "{KID}"}}</script>{client.WIDGET_VIEW}\n</html>\n'
    assert client.check_page(good) == KID
    bad = {"truncated": good[:-9], "empty page": good.replace(client.WIDGET_VIEW, ""),
           "no kernel": good.replace("kernelId", "kernel"),
           "cell error": good.replace("</script>", "There was an error when executing cell [1]")}
    for kind, html in bad.items():
        with pytest.raises(client.PageError) as error:
            client.check_page(html)
        assert error.value.kind == kind
    busy = client._http_error(503, "Service Unavailable", "<p>The app is busy. Try later.</p>")
    assert (busy.kind, busy.status, busy.reason) == ("busy", 503, "The app is busy. Try later.")
    assert client._http_error(429, "Too Many Requests", "").kind == "http 429"
    jar = client.cookies_of(['_xsrf=2|ab|cd|1; expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/',
                             'username-h="2|1:0|x"; HttpOnly; Path=/', "gone=1; Max-Age=0"])
    assert jar == {"_xsrf": "2|ab|cd|1", "username-h": '"2|1:0|x"'}
    assert client.cookie_header(jar) == {"Cookie": '_xsrf=2|ab|cd|1; username-h="2|1:0|x"'}
