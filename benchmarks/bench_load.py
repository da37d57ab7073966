"""Load: several workshop users moving sliders at once on one server, in real browsers.

Starts `streamlit run server.py` on a free port and opens one chromium context per user
(1280x720) on the default scenario. Each user waits for the first page, then for the
given time: moves a random lever of the sidebar by one to three key presses (a short drag:
each press starts a run that the next replaces), waits for the final answer ("Berekend met
30 replicaties", nothing running, the URL holding the new value) and thinks for 2 to 6
seconds. It reports the time from the last key press to the first (provisional) and the
final answer (median, P90, max), the moves without an answer within 120 s and the error
messages shown; every 2 s the resident memory of the server and of the processes below it
(forkserver, resource tracker, workers) and the number of worker processes; every 10 s
the time /api/health takes to run its tiny replication.

The browsers run on the same cores as the server, so on a 2-core machine the figures are
those of a server that also renders five pages.

Usage: python benchmarks/bench_load.py [--users 5] [--seconds 120] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from processes import rss_mib, workers_of  # this folder: sys.path[0] of a script

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FINAL = "Berekend met 30 replicaties"
PROVISIONAL = "Voorlopig:"
ERROR_TEXT = "Er ging iets mis"
ANSWER_TIMEOUT_SECONDS = 120.0
SERVER_FLAGS = [
    "--server.headless",
    "true",
    "--server.address",
    "127.0.0.1",
    "--server.fileWatcherType",
    "none",
]


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    """`streamlit run server.py` on 127.0.0.1:port, once its health check answers."""
    with open(log, "w") as handle:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "server.py",
                *SERVER_FLAGS,
                "--server.port",
                str(port),
            ],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


async def sample_server(server: subprocess.Popen, url: str, until: float, out: dict) -> None:
    """Memory and workers every 2 s; the health check's time every 10 s."""
    next_health = 0.0
    while time.monotonic() < until:
        workers, below = workers_of(server.pid)
        out["memory"].append((time.monotonic(), rss_mib(server.pid), sum(rss_mib(p) for p in below)))
        out["workers"].append(len(workers))
        if time.monotonic() >= next_health:
            next_health = time.monotonic() + 10
            started = time.monotonic()
            try:
                body = await asyncio.to_thread(_get_json, f"{url}/api/health")
                out["health"].append((time.monotonic() - started, body["status"]))
            except OSError as error:
                out["health"].append((time.monotonic() - started, f"error: {error}"))
        await asyncio.sleep(2)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


async def answers(page, old_url: str | None, started: float) -> tuple[float, float]:
    """Seconds from ``started`` until the page shows a first answer (provisional or final)
    and the final one, of a run after ``old_url`` when given (each run writes its levers into
    the URL, so a new URL means the new setting's run)."""
    first = None
    while time.monotonic() < started + ANSWER_TIMEOUT_SECONDS:
        if old_url is None or page.url != old_url:
            final = await page.get_by_text(FINAL).count() > 0
            if first is None and (final or await page.get_by_text(PROVISIONAL).count() > 0):
                first = time.monotonic() - started
            if final and await page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return first or 0.0, time.monotonic() - started
        await page.wait_for_timeout(100)
    raise TimeoutError


async def user(browser, url: str, number: int, seed: int, until: float, out: dict) -> None:
    """One workshop participant: first load, then moves and think time until ``until``."""
    from playwright.async_api import Error as PlaywrightError  # its timeouts are Errors

    rng = random.Random(seed * 1000 + number)
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    started = time.monotonic()
    await page.goto(url, wait_until="domcontentloaded")
    try:
        await answers(page, None, started)
        out["first_load"].append(time.monotonic() - started)
    except TimeoutError:
        out["timeouts"] += 1
    sliders = page.locator('[data-testid="stSidebar"] input[type="range"]')
    while time.monotonic() < until:
        try:  # between two runs the page may be redrawing its sidebar
            await sliders.first.wait_for(timeout=60_000)
        except PlaywrightError:
            out["no_sliders"] += 1
            break
        count = await sliders.count()
        thumb = sliders.nth(rng.randrange(count))
        await thumb.focus()
        key = rng.choice(["ArrowLeft", "ArrowRight"])
        old_url, old_value = page.url, await thumb.input_value()
        for _ in range(rng.randint(1, 3)):
            await thumb.press(key)
            await page.wait_for_timeout(rng.randint(60, 250))
        pressed = time.monotonic()
        if await thumb.input_value() != old_value:  # at the end of its range a lever stays put
            try:
                first, final = await answers(page, old_url, pressed)
                out["provisional"].append(first)
                out["answers"].append(final)
            except TimeoutError:
                out["timeouts"] += 1
        errors = (
            await page.get_by_text(ERROR_TEXT).count()
            + await page.locator('[data-testid="stException"]').count()
        )
        out["errors"] += errors
        await page.wait_for_timeout(rng.randint(2000, 6000))
    await context.close()


async def run(users: int, seconds: float, seed: int) -> dict:
    """Start the server, run the users and the sampler, stop the server; the measurements."""
    from playwright.async_api import async_playwright

    port = free_port()
    log = ROOT / "out" / "bench_load_server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(port, log)
    url = f"http://127.0.0.1:{port}"
    out: dict = {
        "answers": [],
        "provisional": [],
        "first_load": [],
        "timeouts": 0,
        "errors": 0,
        "no_sliders": 0,
        "memory": [],
        "workers": [],
        "health": [],
    }
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            until = time.monotonic() + seconds
            await asyncio.gather(
                sample_server(server, url, until, out),
                *(user(browser, url, k, seed, until, out) for k in range(users)),
            )
            await browser.close()
    finally:
        server.terminate()
        stopped = time.monotonic()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        out["stop_seconds"] = time.monotonic() - stopped
    return out


def main() -> int:
    """Run the load and print the summary (markdown lines for benchmarks/results.md)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = asyncio.run(run(args.users, args.seconds, args.seed))
    answers = sorted(out["answers"])
    memory = out["memory"]
    print(
        f"Load benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.users} users "
        f"for {args.seconds:.0f} s (seed {args.seed}), chromium on the same machine"
    )
    if out["first_load"]:
        print(
            f"- first page load: median {statistics.median(out['first_load']):.1f} s, max {max(out['first_load']):.1f} s"
        )
    if answers:
        p90 = answers[min(len(answers) - 1, int(0.9 * len(answers)))]
        print(
            f"- slider move to final answer: {len(answers)} moves, median {statistics.median(answers):.1f} s, "
            f"P90 {p90:.1f} s, max {answers[-1]:.1f} s"
        )
    if out["provisional"]:
        first = sorted(out["provisional"])
        print(
            f"- slider move to the first (provisional) answer: median {statistics.median(first):.1f} s, "
            f"P90 {first[min(len(first) - 1, int(0.9 * len(first)))]:.1f} s, max {first[-1]:.1f} s"
        )
    print(
        f"- moves without an answer within {ANSWER_TIMEOUT_SECONDS:.0f} s: {out['timeouts']}; error messages shown: {out['errors']}"
        f"; users whose sidebar had no sliders for 60 s: {out['no_sliders']}"
    )
    if memory:
        peak_server = max(m[1] for m in memory)
        peak_total = max(m[1] + m[2] for m in memory)
        print(
            f"- memory: server {memory[0][1]:.0f} MiB at the start, peak {peak_server:.0f} MiB; "
            f"server and workers peak {peak_total:.0f} MiB, {memory[-1][1] + memory[-1][2]:.0f} MiB at the end"
        )
    if out["workers"]:
        print(f"- worker processes: {min(out['workers'])} to {max(out['workers'])}")
    if out["health"]:
        times = [h[0] for h in out["health"]]
        states = sorted({h[1] for h in out["health"]})
        print(
            f"- /api/health under load: {len(times)} checks, max {max(times):.2f} s, status {', '.join(states)}"
        )
    print(f"- SIGTERM to exit: {out['stop_seconds']:.1f} s")
    return 0 if not out["timeouts"] and not out["errors"] and not out["no_sliders"] else 1


if __name__ == "__main__":
    sys.exit(main())
