"""A browserless patient: sonb's page and its kernel websocket, used as Voila's frontend uses
them, with nothing rendered. For load tests (benchmarks/bench_load.py) and server tests.

    page = await open_page("http://127.0.0.1:PORT/")   # GET, checks, websocket, widget states
    reply = await page.click("Start a new case", expect="Step 1 of 6")
    page.find_text("Step 1 of 6"); await page.close()  # the tab closed: Voila's shutdown
    await page.close(shutdown=False)                    # or: the browser killed (no shutdown)
    page = await get_page("http://127.0.0.1:PORT/")    # or: a plain GET that never connects

What the browser does, as measured on Voila 0.5.13 / jupyter_server 2 / ipywidgets 8.1.9:
- GET / streams the page while the notebook executes; the kernel id is in the
  `#jupyter-config-data` JSON (`"kernelId": "..."`), each output in a
  `application/vnd.voila.cell-output+json` script (a widget: `...widget-view+json`).
- The page's response sets cookies (`_xsrf`, from sonb.kernels.ClientIdentityProvider, and
  jupyter_server's `username-<host>`); the browser sends them with every later request, and
  so does this client (`Page.cookies`).
- ws://HOST/api/kernels/<id>/channels?session_id=<uuid>, with the page's Origin and cookies; no
  token with sonb's configuration. The browser asks for the `v1.kernel.websocket.jupyter.org`
  subprotocol; this client asks for none and gets the legacy framing: Jupyter messages (v5) as
  JSON text with a `channel` field, binary frames only for messages with buffers.
- Widget states: a comm on target `jupyter.widget.control` (metadata version 1.0.0), one
  comm_msg `{"method": "request_states"}`, answered on iopub by `update_states` with every
  model's state; the comm is then closed.
- A click: comm_msg `{"method": "custom", "content": {"event": "click"}}` to the button's
  model; the kernel answers with comm_open (new widgets) and `update` messages on iopub, then
  `status: idle`, all with the click as parent.
- Closing the tab (`beforeunload`): Voila's widget manager sends
  `navigator.sendBeacon(baseUrl + "voila/api/shutdown/" + kernelId, formData)`, a multipart
  POST whose form has `_xsrf` = the `_xsrf` cookie's value, with the page's cookies and Origin;
  tornado's check accepts the `_xsrf` form field (or an X-XSRFToken header) if it matches the
  cookie. Voila answers 204 once the kernel is shut down. Then the websocket closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from jupyter_server.services.kernels.connection.base import deserialize_binary_message
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPTimeoutError
from tornado.websocket import WebSocketClosedError, WebSocketError, websocket_connect

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
BASE_URL = re.compile(r'"baseUrl": "([^"]*)"')
CELL_ERRORS = ("There was an error when executing cell", "An exception occurred at the server")
BUSY = "The app is busy"
MAX_MESSAGE = 64 * 2**20


class PageError(Exception):
    """A page that did not open or answer. `kind` is short, for counting ("busy", "http 429",
    "empty page", "timeout", ...); `status` is the HTTP status, None without one."""

    def __init__(self, kind: str, reason: str = "", status: int | None = None):
        super().__init__(f"{kind}{f' (HTTP {status})' if status else ''}: {reason}")
        self.kind, self.reason, self.status = kind, reason, status


@dataclass
class Reply:
    """What the kernel sent with one request as parent: models opened and changed; `seconds`
    from sending it until it was answered (idle, and the expected text seen)."""

    msg_id: str
    sent: float
    idle: bool = False
    opened: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    seconds: float = 0.0


def _http_error(code: int, reason: str, html: str) -> PageError:
    message = re.search(r"<p>\s*(.*?)\s*</p>", html, re.DOTALL)
    text = message.group(1) if message else reason
    if code == 503 and BUSY in html:
        return PageError("busy", text, code)
    return PageError(f"http {code}", text, code)


def check_page(html: str) -> str:
    """The kernel id of a complete page showing a widget; PageError otherwise."""
    if not html.rstrip().endswith("</html>"):
        raise PageError("truncated", f"the page ends without </html> ({len(html)} characters)")
    if any(e in html for e in CELL_ERRORS):
        raise PageError("cell error", "the notebook failed while the page was made")
    kernel = KERNEL_ID.search(html)
    if kernel is None:
        raise PageError("no kernel", "no kernelId in the page")
    if WIDGET_VIEW not in html:
        raise PageError("empty page", "no widget output in the page")
    return kernel.group(1)


def cookies_of(set_cookie: list[str]) -> dict[str, str]:
    """name -> value of the cookies in these Set-Cookie headers (as a browser keeps them: the
    raw value, attributes dropped; a cookie set to expire is dropped)."""
    jar: dict[str, str] = {}
    for header in set_cookie:
        pair, *attributes = header.split(";")
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            continue
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if expired:
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value.strip()
    return jar


def cookie_header(jar: dict[str, str]) -> dict[str, str]:
    """The Cookie header a browser sends with these cookies ({} without any)."""
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}


async def _get(url: str, source_ip: str | None, timeout: float,
               cookies: dict[str, str] | None = None) -> tuple[str, float, float, dict[str, str]]:
    """(HTML, seconds to first byte, seconds to the whole page, cookies: those sent and those
    set) of a 200 page."""
    start, chunks, first = time.monotonic(), [], []
    request = HTTPRequest(url, network_interface=source_ip, connect_timeout=timeout,
                          request_timeout=timeout,
                          headers={"Accept": "text/html", **cookie_header(cookies or {})},
                          header_callback=lambda _line: first or first.append(time.monotonic()),
                          streaming_callback=chunks.append)
    client = AsyncHTTPClient(force_instance=True)
    try:
        response = await client.fetch(request, raise_error=False)
    finally:
        client.close()
    html = b"".join(chunks).decode("utf-8", "replace")
    if response.code == 599:
        kind = "timeout" if isinstance(response.error, HTTPTimeoutError) else "connect"
        raise PageError(kind, str(response.error))
    if response.code != 200:
        raise _http_error(response.code, response.reason, html)
    jar = {**(cookies or {}), **cookies_of(response.headers.get_list("Set-Cookie"))}
    return html, first[0] - start, time.monotonic() - start, jar


class Page:
    """An open page: its kernel's websocket and every widget model's state (`models`: model id
    -> state), the cookies its response set (`cookies`: name -> value). Made by `open_page`
    (connected) or `get_page` (the HTML only: a page that never connects)."""

    def __init__(self, url: str, kernel_id: str, html: str, timings: dict[str, float],
                 cookies: dict[str, str] | None = None, source_ip: str | None = None):
        self.url, self.kernel_id, self.html, self.timings = url, kernel_id, html, timings
        self.cookies = dict(cookies or {})
        self.source_ip = source_ip
        base = BASE_URL.search(html)
        self.base = urljoin(url, base.group(1) if base else "/")  # Voila's baseUrl, absolute
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}
        self.closed = False
        self.shutdown_status: int | None = None  # HTTP status of the shutdown request on close
        self._ws = None
        self._replies: dict[str, Reply] = {}
        self._news: list[asyncio.Future] = []

    async def _connect(self, source_ip: str | None, timeout: float) -> None:
        path = f"api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        url = urljoin(self.base, path).replace("http", "ws", 1)
        request = HTTPRequest(url, headers={"Origin": self.origin, **cookie_header(self.cookies)},
                              network_interface=source_ip, connect_timeout=timeout,
                              request_timeout=timeout)
        try:
            self._ws = await asyncio.wait_for(websocket_connect(
                request, on_message_callback=self._on_message, max_message_size=MAX_MESSAGE),
                timeout)
        except HTTPClientError as exc:
            raise PageError("websocket", exc.message or str(exc), exc.code) from None
        except (TimeoutError, OSError, StreamClosedError, WebSocketError) as exc:
            raise PageError("websocket", repr(exc)) from None

    @property
    def origin(self) -> str:
        return "{0.scheme}://{0.netloc}".format(urlsplit(self.url))

    def _on_message(self, frame: str | bytes | None) -> None:
        if frame is None:
            self.closed = True
        else:
            msg = json.loads(frame) if isinstance(frame, str) else deserialize_binary_message(frame)
            self._apply(msg)
        for news in self._news:
            if not news.done():
                news.set_result(None)
        self._news = []

    def _apply(self, msg: dict) -> None:
        kind, content = msg["header"]["msg_type"], msg["content"]
        reply = self._replies.get(msg["parent_header"].get("msg_id"))
        data = content.get("data") or {}
        method = data.get("method")
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(data["state"])
            if reply:
                reply.opened.add(content["comm_id"])
        elif kind == "comm_msg" and method in ("update", "echo_update"):
            self.models.setdefault(content["comm_id"], {}).update(data["state"])
            if reply:
                reply.changed.add(content["comm_id"])
        elif kind == "comm_msg" and method == "update_states":
            self.models.update({k: dict(v["state"]) for k, v in data["states"].items()})
        elif kind == "comm_close":
            self.models.pop(content["comm_id"], None)
        elif kind == "status" and content["execution_state"] == "idle" and reply:
            reply.idle = True

    async def _send(self, msg_type: str, content: dict, metadata: dict | None = None,
                    track: bool = True) -> Reply:
        """Send a shell message; its Reply fills in as the kernel answers (if `track`)."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "", "version": "5.3",
                  "session": self.session, "date": datetime.now(UTC).isoformat()}
        reply = Reply(msg_id, time.monotonic())
        if track:
            self._replies[msg_id] = reply
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {},
               "content": content, "channel": "shell"}
        try:
            await self._ws.write_message(json.dumps(msg))
        except (WebSocketClosedError, StreamClosedError):
            raise PageError("websocket", f"closed before {msg_type} was sent") from None
        return reply

    async def _answer(self, reply: Reply, what: str, timeout: float, expect: str | None = None):
        """Wait until the kernel is idle for `reply` (and `expect` is in some widget's text)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while not (reply.idle and (expect is None or self.find_text(expect))):
                if self.closed:
                    raise PageError("websocket", f"closed while waiting for {what}")
                if loop.time() >= deadline:
                    raise PageError("timeout", f"no {what} within {timeout:g} s")
                news = loop.create_future()
                self._news.append(news)
                try:
                    await asyncio.wait_for(news, deadline - loop.time())
                except TimeoutError:
                    pass
        finally:
            self._replies.pop(reply.msg_id, None)
        reply.seconds = time.monotonic() - reply.sent
        return reply

    async def _fetch_states(self, timeout: float) -> None:
        comm_id = uuid.uuid4().hex
        await self._send("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                       "data": {}}, {"version": "1.0.0"}, track=False)
        reply = await self._send("comm_msg", {"comm_id": comm_id,
                                              "data": {"method": "request_states"}})
        await self._answer(reply, "widget states", timeout)
        await self._send("comm_close", {"comm_id": comm_id, "data": {}}, track=False)
        if not self.models:
            raise PageError("no widgets", "the kernel has no widget models")

    def button(self, description: str) -> str:
        """The model id of the (first) Button with this description."""
        for model_id, state in self.models.items():
            if state.get("_model_name") == "ButtonModel" and state.get("description") == description:
                return model_id
        raise PageError("no button", f"no button {description!r} on the page")

    async def click(self, description: str, expect: str | None = None,
                    timeout: float = 60) -> Reply:
        """Click the Button with this description; returns once the kernel is idle for the click
        (and `expect` appears in some widget's text)."""
        content = {"comm_id": self.button(description),
                   "data": {"method": "custom", "content": {"event": "click"}}}
        return await self._answer(await self._send("comm_msg", content),
                                  f"answer to {description!r}", timeout, expect)

    async def set_value(self, description: str, value, model: str = "CheckboxModel",
                        timeout: float = 60) -> Reply:
        """Set the `value` of the (first) widget of kind `model` with this description, as the
        browser does when the patient changes it; returns once the kernel is idle for it."""
        model_id = next((m for m, state in self.models.items() if state.get("_model_name") == model
                         and state.get("description") == description), None)
        if model_id is None:
            raise PageError("no widget", f"no {model} {description!r} on the page")
        content = {"comm_id": model_id,
                   "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
        return await self._answer(await self._send("comm_msg", content),
                                  f"answer to {description!r}", timeout)

    def find_text(self, text: str) -> bool:
        """Whether `text` is in any widget's string state (or a list of strings in it)."""
        for state in self.models.values():
            for value in state.values():
                values = value if isinstance(value, list) else (value,)
                if any(isinstance(v, str) and text in v for v in values):
                    return True
        return False

    async def close(self, shutdown: bool = True, timeout: float = 30) -> None:
        """Close the page. `shutdown` (a closed tab): first Voila's shutdown request, as the
        browser's beacon sends it (the kernel is shut down at once; `shutdown_status` is its
        HTTP status, 204), then the websocket. Without it (a killed browser, a lost network)
        only the websocket closes: the server gives the kernel back after its grace period.
        Raises PageError("shutdown refused") if the request was not answered with 2xx (the
        websocket is closed all the same). Closing again does nothing more."""
        try:
            if shutdown and self.shutdown_status is None:
                self.shutdown_status = await self._shutdown(timeout)
                if not 200 <= self.shutdown_status < 300:
                    raise PageError("shutdown refused", f"POST voila/api/shutdown/{self.kernel_id}",
                                    self.shutdown_status)
        finally:
            if self._ws is not None and not self.closed:
                self._ws.close()
                news = asyncio.get_running_loop().create_future()
                self._news.append(news)
                await asyncio.wait([news], timeout=5)
            self.closed = True

    async def _shutdown(self, timeout: float) -> int:
        """POST voila/api/shutdown/<kernel id> like the page's beacon: a multipart form with
        `_xsrf` (the cookie's value, "" without it), the page's cookies and Origin. Returns the
        HTTP status (599: no answer)."""
        boundary = f"----sonbPageClient{uuid.uuid4().hex}"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_xsrf\"\r\n\r\n"
                f"{self.cookies.get('_xsrf', '')}\r\n--{boundary}--\r\n").encode()
        headers = {"Origin": self.origin, **cookie_header(self.cookies),
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        request = HTTPRequest(urljoin(self.base, f"voila/api/shutdown/{self.kernel_id}"),
                              method="POST", body=body, headers=headers,
                              network_interface=self.source_ip, connect_timeout=timeout,
                              request_timeout=timeout)
        client = AsyncHTTPClient(force_instance=True)
        try:
            response = await client.fetch(request, raise_error=False)
        finally:
            client.close()
        return response.code


async def get_page(base_url: str, source_ip: str | None = None, timeout: float = 120,
                   cookies: dict[str, str] | None = None) -> Page:
    """Only GET the page at `base_url` (from `source_ip`, any 127.x.y.z, if given; with
    `cookies`, e.g. a hub's login) and check it: a page that never connects its websocket (a
    script, a browser that died while loading); its kernel runs on the server.
    `Page.timings`: seconds to the first byte and the whole HTML."""
    html, first_byte, done, jar = await _get(base_url, source_ip, timeout, cookies)
    return Page(base_url, check_page(html), html, {"first_byte": first_byte, "html": done},
                jar, source_ip)


async def open_page(base_url: str, source_ip: str | None = None, timeout: float = 120,
                    cookies: dict[str, str] | None = None) -> Page:
    """GET the page at `base_url` (from `source_ip`, any 127.x.y.z, if given), check it, connect
    its kernel's websocket and fetch every widget state. `Page.timings`: seconds from the start
    to the first byte, the whole HTML, the websocket open and the states received. If it fails
    after the HTML, the page is closed as a browser tab would be (Voila's shutdown request)."""
    start = time.monotonic()
    page = await get_page(base_url, source_ip, timeout, cookies)
    try:
        await page._connect(source_ip, max(timeout - page.timings["html"], 1))
        page.timings["websocket"] = time.monotonic() - start
        await page._fetch_states(max(timeout - page.timings["websocket"], 1))
        page.timings["states"] = time.monotonic() - start
    except BaseException:
        with contextlib.suppress(PageError):  # the first error is the one to report
            await page.close(timeout=10)
        raise
    return page
