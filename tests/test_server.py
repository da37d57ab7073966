"""The server as IT runs it (`streamlit run server.py`): its health check over HTTP, and a
stop (SIGTERM) in the middle of two users' runs that ends the server and its workers within
seconds. Before, a stopped server first ran every replication in the queue (31 s measured),
and under st.App the forked workers were left running after the server was gone.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, LAUNCH_ARGS, free_port, playwright_or_skip, start_server

pytestmark = pytest.mark.browser
# Read, not imported: importing server.py would make an st.App in the test process.
STOP_GRACE_SECONDS = float(re.search(r"STOP_GRACE_SECONDS = ([\d.]+)", (ROOT / "server.py").read_text())[1])


def processes_under(pid: int) -> list[int]:
    """Every process below pid: the forkserver, the workers it forked, the resource tracker."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    children = [int(p) for p in out.stdout.split()]
    return children + [grandchild for child in children for grandchild in processes_under(child)]


def in_session(sid: int) -> list[int]:
    """Every process of the server's session (start_server makes one): also those started
    after a look at its children, and those whose parent has gone."""
    out = subprocess.run(["pgrep", "-s", str(sid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def running(pid: int) -> bool:
    """Alive and not a zombie: an ended process whose parent (the forkserver, gone with the
    server) did not collect it waits for init, but runs nothing and holds no memory."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def describe(pid: int) -> str:
    """A process's id, state and command line, for a failure message."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")[:160]
    except FileNotFoundError:
        return f"{pid} (gone)"
    return f"{pid} {state} {command}"


def test_health_check_and_a_stop_in_the_middle_of_two_runs(tmp_path):
    sync_playwright = playwright_or_skip()
    port = free_port()
    server = start_server(port, tmp_path / "server.log", "server.py")
    url = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=60) as response:
            body = json.loads(response.read())
        assert response.status == 200 and body["status"] == "ok" and body["workers"] >= 1, body

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                for k in range(2):  # two users with 20-year runs: minutes of work in line
                    page = browser.new_page(viewport={"width": 1280, "height": 720})
                    page.goto(f"{url}/?scenario=zuid-west-jeugdzorgplus&years=20&inflow.jzplus={-10 - k}")
                deadline = time.monotonic() + 60
                while not page.get_by_text("Simuleren:").count():  # the runs are going
                    assert time.monotonic() < deadline, "the run never started"
                    page.wait_for_timeout(200)
                workers = processes_under(server.pid)
                assert len(workers) >= 3, "the forkserver and its workers are running"
                stopped = time.monotonic()
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
                seconds = time.monotonic() - stopped
            finally:
                browser.close()
        # Bound: the grace for a busy worker, a second to join it, a few for uvicorn's shutdown.
        assert seconds < STOP_GRACE_SECONDS + 1 + 4, seconds
        # Its workers end with it: told to stop, they may need a moment on a busy machine
        # (chromium closing), never more than a few seconds.
        gone_by = time.monotonic() + 5.0

        def still_running() -> list[int]:
            return [w for w in sorted(set(workers) | set(in_session(server.pid))) if running(w)]

        left = still_running()
        while left and time.monotonic() < gone_by:
            time.sleep(0.1)
            left = still_running()
        assert not left, f"processes outlived the server by 5 s: {[describe(w) for w in left]}"
    finally:
        if server.poll() is None:
            server.kill()
