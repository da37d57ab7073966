"""The server: the Streamlit app (app.py) plus a health check at /api/health.

`streamlit run server.py` serves both (``make run``). The health check runs one tiny
replication through the shared worker pool in a turn of its own, so it fails when the
workers hang, died or cannot start, which a page that merely loads would not show:
200 and ``{"status": "ok", ...}``, or 503 with the reason.

With sign-in on (``[auth]`` in secrets.toml, or ``JZSIM_SIGN_IN=required``), the server
refuses to start when the configuration cannot work, and names the setting
(``ui.auth.start_up_check``); a page link opened before sign-in is kept in a short-lived
cookie (``RememberLink``) so that the lever settings in it survive the sign-in.

On a stop (SIGTERM, Ctrl-C) the server ends its worker processes before it exits: uvicorn
ends the process by the signal itself after its own shutdown, so exit hooks never run and
the workers would go on with the chunks they hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulator.experiment import health_check
from simulator.pool import shutdown_pool, warm_up
from ui.auth import NEXT_COOKIE, NEXT_SECONDS, start_up_check

STOP_GRACE_SECONDS = 3.0  # a worker busy longer than this at a stop is terminated


async def health(request: Request) -> JSONResponse:
    """The shared pool's health: a tiny replication, its time, the work in line."""
    found = await run_in_threadpool(health_check)
    body = {"status": "ok" if found.ok else "failing", **dataclasses.asdict(found)}
    body["seconds"] = round(found.seconds, 3)
    return JSONResponse(body, status_code=200 if found.ok else 503)


@asynccontextmanager
async def lifespan(app: st.App) -> AsyncIterator[None]:
    """Start the workers with the server; at the end, stop them. Started here, outside any
    page run, the forkserver imports the model only: started by a page, it took the page
    script for the main module and ran app.py again in bare mode (a screenful of
    "missing ScriptRunContext" warnings in the server log, and a slower first page)."""
    problem = await run_in_threadpool(start_up_check)
    if problem is not None:  # never an app open to everyone by accident
        import sys

        print(f"jeugdzorg-sim: not started: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(2)
    await run_in_threadpool(warm_up)
    yield
    await run_in_threadpool(shutdown_pool, STOP_GRACE_SECONDS)


# Paths that are not a page of the app: Streamlit's own, the sign-in's, ours.
NOT_PAGES = ("/_stcore", "/static", "/auth", "/oauth2callback", "/api", "/media", "/component", "/app/static")


class RememberLink:
    """A page opened by a link (another page than "/", or a query: the lever settings): the path and query go into
    a short-lived cookie on the HTML answer, so that ui.auth can put them back right after a
    sign-in (the provider returns to "/" without them). Plain ASGI: websockets pass as they
    are."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        """Pass the request on; on an HTML page answer to a query, add the cookie."""
        path = scope.get("path", "")
        query = scope.get("query_string", b"").decode("latin-1")
        # "/" plainly is where the sign-in returns to: it must not replace the link it keeps.
        if scope["type"] != "http" or (not query and path in ("", "/")) or path.startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    link = quote((f"{path}?{query}" if query else path)[:3000], safe="")
                    forwarded = (
                        dict(scope.get("headers", [])).get(b"x-forwarded-proto", b"").decode("latin-1")
                    )
                    secure = "; Secure" if scope.get("scheme") == "https" or forwarded == "https" else ""
                    # Not HttpOnly: the sign-in screen updates it with the levers moved since
                    # (ui.auth.KEEP_LINK_SCRIPT); it holds a link, nothing secret.
                    headers.append(
                        "set-cookie",
                        f"{NEXT_COOKIE}={link}; Path=/; Max-Age={NEXT_SECONDS}; SameSite=Lax{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


app = st.App(
    "app.py",
    routes=[Route("/api/health", health)],
    lifespan=lifespan,
    middleware=[Middleware(RememberLink)],
)
