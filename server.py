"""The server: the Streamlit app (app.py) plus a health check at /api/health.

`streamlit run server.py` serves both (``make run``). The health check runs one tiny
replication through the shared worker pool in a turn of its own, so it fails when the
workers hang, died or cannot start, which a page that merely loads would not show:
200 and ``{"status": "ok", ...}``, or 503 with the reason.

On a stop (SIGTERM, Ctrl-C) the server ends its worker processes before it exits: uvicorn
ends the process by the signal itself after its own shutdown, so exit hooks never run and
the workers would go on with the chunks they hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulator.experiment import health_check
from simulator.pool import shutdown_pool, warm_up

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
    await run_in_threadpool(warm_up)
    yield
    await run_in_threadpool(shutdown_pool, STOP_GRACE_SECONDS)


app = st.App("app.py", routes=[Route("/api/health", health)], lifespan=lifespan)
