"""A patient's server: jhsingle-native-proxy (the hub's login in front of Voila), made tight.

jhsingle-native-proxy 0.8.3 checks the hub login on plain requests only, fails (500) instead
of sending a visitor who is not logged in to the login page (with tornado >= 6.3, where
`web.authenticated` returns None, not an awaitable), shows the command line and the app's error
output when the app does not start, and passes requests on to a port any local account could
reach. Here:
- a visitor who is not logged in is sent to the hub's login (GET) or refused (403);
- a websocket is opened only for the server's owner (the same check as plain requests), and
  only from the page's own origin: the proxy's copy of tornado's old origin check calls
  `check_origin`, which since tornado 6.6 trusts no origin unless listed, so every browser's
  websocket was refused (403) and the page never came alive;
- the check that the app has started counts any answer (it followed the app's redirect to its
  login, in a loop, and failed), and carries the token too;
- a failed start shows a plain page ("please try again"), with no command or output in it;
- every request passed on carries the server's token (SONB_SERVER_TOKEN, in this server's
  environment only), and Voila answers nothing without it (sonb.kernels.ClientIdentityProvider),
  so another account on the machine cannot open the patient's page by its port.

    python -m sonb.hub.proxy [jhsingle-native-proxy options] COMMAND...
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import aiohttp
from jhsingle_native_proxy import main as jh_main
from jhsingle_native_proxy.proxyhandlers import ProxyHandler, SuperviseAndProxyHandler
from tornado import web

TOKEN_ENV = "SONB_SERVER_TOKEN"

FAILED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Please try again</title>
<meta http-equiv="refresh" content="20"></head><body>
<h1>Your page did not start</h1>
<p>Please try again in a minute. This page tries again by itself.</p>
<p lang="es">Su página no se abrió. Vuelva a intentarlo en un minuto.</p>
</body></html>{cmd:.0}{stderr:.0}{stdout:.0}"""


def _token_headers(original):
    def proxy_request_headers(self):
        headers = original(self)
        headers.update(_auth())
        return headers
    return proxy_request_headers


def _owner_only_websockets(original):
    async def get(self, *args, **kwargs):
        upgrade = self.request.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and getattr(self, "authtype", "oauth") == "oauth" and not self.current_user:
            raise web.HTTPError(403)
        return await original(self, *args, **kwargs)
    return get


def _login_first(original):
    async def oauth_proxy(self, port, path):
        pending = original(self, port, path)  # None: tornado already redirected or refused
        return await pending if pending is not None else None
    return oauth_proxy


async def _ready(self, process) -> bool:
    """Whether the app answers at all yet (any status, no redirect followed)."""
    url = f"http://127.0.0.1:{self.port}{self.ready_check_path}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        try:
            async with session.get(url, headers=_auth(), allow_redirects=False):
                return True
        except aiohttp.ClientConnectionError:
            return False


def _auth() -> dict[str, str]:
    return {"Authorization": f"token {os.environ[TOKEN_ENV]}"}


def _same_origin(self, origin: str) -> bool:
    """The classic websocket rule: the page's origin is this server's host."""
    return urlsplit(origin).netloc.lower() == self.request.headers.get("Host", "").lower()


def tighten() -> None:
    """Apply the changes above to jhsingle-native-proxy's handlers (once)."""
    if getattr(ProxyHandler, "_sonb_tight", False):
        return
    if TOKEN_ENV not in os.environ:
        raise SystemExit(f"{TOKEN_ENV} is not set: the spawner sets it (sonb.hub.spawner).")
    ProxyHandler.proxy_request_headers = _token_headers(ProxyHandler.proxy_request_headers)
    ProxyHandler.get = _owner_only_websockets(ProxyHandler.get)
    ProxyHandler.check_origin = _same_origin
    SuperviseAndProxyHandler.oauth_proxy = _login_first(SuperviseAndProxyHandler.oauth_proxy)
    SuperviseAndProxyHandler.error_template = FAILED_PAGE
    SuperviseAndProxyHandler._http_ready_func = _ready
    ProxyHandler._sonb_tight = True


if __name__ == "__main__":
    tighten()
    jh_main.run()
