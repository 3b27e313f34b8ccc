"""Browser tests: real standalone Voila on a free loopback port, headless Debian Chromium.

Every page records console errors, page errors, widget errors and requests to other hosts;
a test fails on any of them (see `Watch`). The machinery lives in voila_browser.py so that
tests/plain_language can share the same server and browser; page helpers in sonb_ui.py.
"""

from __future__ import annotations

from voila_browser import (  # noqa: F401  (fixtures and helpers, importable from here as before)
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    VoilaServer,
    Watch,
    browser,
    free_port,
    open_app,
    shot,
    voila,
    wait_for_http,
)
