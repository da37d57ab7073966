"""Sign-in with a real OpenID Connect provider, in a real browser.

The test starts `oidc-provider-mock` (a real OIDC provider: discovery, authorisation code
flow, signed ID tokens) on 127.0.0.1 with two users of different teams, and the app with
`JZSIM_SIGN_IN=required` and a secrets.toml pointing at it, as `make serve` runs it. In
Debian's chromium, each user signs in in a browser context of their own:

- Anne (team noord) opens a link with a lever setting, signs in, and lands on that link
  (the setting survived the sign-in); she saves "Team Noord vertrouwelijk".
- Bram (team zuid) does not see it in his lists, and its link gives "Geen toegang"; his
  Scenario's page offers nothing of it to delete.
- Anne deletes it, restores it from the bin, and reads her team's trail; the trail holds the
  lines by her, and none by Bram.
"""

from __future__ import annotations

import os
import re
import secrets as secrets_module
import subprocess
import time

import pytest

from simulator import store
from simulator.access import User
from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, LAUNCH_ARGS, free_port, playwright_or_skip, start_server, stop_server

pytestmark = pytest.mark.browser

USERS = {
    "anne@noord.nl": {"email": "anne@noord.nl", "name": "Anne de Vries", "groups": ["noord"]},
    "bram@zuid.nl": {"email": "bram@zuid.nl", "name": "Bram Jansen", "groups": ["zuid"]},
}
SECRET_NAME = "Team Noord vertrouwelijk"


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock served on 127.0.0.1 (its own helper binds "localhost")."""
    import threading

    try:
        import oidc_provider_mock
        from oidc_provider_mock import User as MockUser
        from werkzeug.serving import make_server
    except ImportError:
        pytest.fail("oidc-provider-mock is not installed (requirements-dev.txt)")
    users = [MockUser(sub=sub, claims=claims) for sub, claims in USERS.items()]
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def serve_signed(provider: str, folder, session_hours: str = "10"):
    """The app as `make serve` runs it, with a secrets.toml pointing at ``provider``."""
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets_module.token_hex(32)}"\n'
        'client_id = "jeugdzorg-sim"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    saved = folder / "saved"
    server = start_server(
        port,
        folder / "server.log",
        flags=("--secrets.files", str(secrets)),
        env={"JZSIM_SIGN_IN": "required", "JZSIM_SAVED": str(saved), "JZSIM_SESSION_HOURS": session_hours},
    )
    return server, f"http://127.0.0.1:{port}", saved


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    server, url, saved = serve_signed(provider, tmp_path_factory.mktemp("signin"))
    try:
        yield url, saved
    finally:
        stop_server(server)


def sign_in(page, url: str, who: str) -> None:
    """Open ``url``; on the sign-in screen press Inloggen, choose ``who`` at the provider."""
    page.goto(url)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/oauth2/authorize"), timeout=30_000)
    page.get_by_role("button", name=who).click()
    page.get_by_text(f"Ingelogd als {USERS[who]['name']}").wait_for(timeout=60_000)


def settle(page) -> None:
    """Until the page's script run has ended (a click during a run can be lost in its rerun)."""
    deadline = time.monotonic() + 60
    while page.locator('[data-testid="stStatusWidget"]').count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)


def press_until(page, label: str, shown) -> None:
    """Press the button ``label`` once the page is at rest, again if its answer ``shown`` does
    not come (a press while the page reruns is dropped by Streamlit); at most three times."""
    for _ in range(3):
        settle(page)
        button = page.get_by_role("button", name=label, exact=True)
        if button.count():
            button.first.click()
        try:
            shown.first.wait_for(timeout=15_000)
            return
        except Exception:  # noqa: BLE001 (Playwright's timeout): press again
            continue
    shown.first.wait_for(timeout=15_000)


def test_two_users_of_two_teams_sign_in_and_see_only_their_own(signed_app):
    url, saved = signed_app
    sync_playwright = playwright_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            anne = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            # Nothing but the sign-in screen before signing in.
            anne.goto(url + "/?scenario=zuid-west-jeugdzorgplus&inflow.jzplus=-10")
            anne.get_by_role("button", name="Inloggen").wait_for(timeout=60_000)
            assert anne.locator("[data-testid=stMetric]").count() == 0
            sign_in(anne, url + "/?scenario=zuid-west-jeugdzorgplus&inflow.jzplus=-10", "anne@noord.nl")
            # Back on the link that was opened: its lever setting survived the sign-in.
            anne.wait_for_url(re.compile(r"inflow\.jzplus=-10"), timeout=30_000)
            anne.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
            anne.get_by_role("textbox", name="Naam van het scenario").fill(SECRET_NAME)
            anne.keyboard.press("Enter")
            settle(anne)
            anne.get_by_role("button", name="Opslaan", exact=True).click()
            anne.get_by_text("Opgeslagen als").wait_for(timeout=30_000)
            anne.screenshot(path=str(saved.parent / "anne.png"))

            bram = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            sign_in(bram, url + "/", "bram@zuid.nl")
            bram.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
            bram.get_by_role("textbox", name="Naam van het scenario").fill("Zuid eigen plan")
            bram.keyboard.press("Enter")
            settle(bram)
            bram.get_by_role("button", name="Opslaan", exact=True).click()
            bram.get_by_text("Opgeslagen als").wait_for(timeout=30_000)
            bram.goto(url + "/scenarios")
            bram.get_by_text("Zuid eigen plan").first.wait_for(timeout=30_000)
            assert bram.get_by_text(SECRET_NAME).count() == 0, "B sees nothing of A's scenario"
            settle(bram)
            bram.get_by_text("Zuid eigen plan").first.click()  # his own: with its delete button
            bram.get_by_role("button", name="Verwijderen", exact=True).wait_for(timeout=30_000)
            assert bram.get_by_role("button", name="Verwijderen", exact=True).count() == 1, (
                "nothing of A's to delete"
            )
            bram.goto(url + "/?scenario=noord/team-noord-vertrouwelijk")
            bram.get_by_text("Geen toegang").wait_for(timeout=30_000)
            assert (
                bram.get_by_text(SECRET_NAME).count() == 0
                and bram.locator("[data-testid=stMetric]").count() == 0
            )

            anne.goto(url + "/scenarios")
            anne.get_by_role("heading", name="Logboek").wait_for(timeout=60_000)  # the whole page is drawn
            settle(anne)
            anne.get_by_text(SECRET_NAME).first.click()  # the expander
            press_until(anne, "Verwijderen", anne.get_by_role("button", name="Ja, verwijderen", exact=True))
            press_until(anne, "Ja, verwijderen", anne.get_by_role("button", name="Terugzetten", exact=True))
            press_until(anne, "Terugzetten", anne.get_by_text("staat weer bij de scenario's"))
            anne.get_by_role("heading", name="Logboek").scroll_into_view_if_needed()
            anne.locator("[data-testid=stDataFrame]").wait_for(timeout=30_000)
            anne.wait_for_timeout(1000)  # the page has settled after the restore's rerun
            anne.get_by_role("button", name="Logboek (.csv)").scroll_into_view_if_needed()
            anne.wait_for_timeout(500)
            anne.screenshot(path=str(saved.parent / "anne-trail.png"))
        finally:
            browser.close()
    anne_user = User("anne@noord.nl", "Anne", ("noord",))
    lines = store.Store(saved).trail(anne_user, "noord")
    assert [(line.user, line.action) for line in reversed(lines)] == [
        ("anne@noord.nl", "save"),
        ("anne@noord.nl", "delete"),
        ("anne@noord.nl", "restore"),
    ]
    assert [item.name for item in store.Store(saved).scenarios(anne_user)] == [SECRET_NAME]
    bram_user = User("bram@zuid.nl", "Bram", ("zuid",))
    assert [(line.user, line.action) for line in store.Store(saved).trail(bram_user, "zuid")] == [
        ("bram@zuid.nl", "save")
    ]


def test_an_expired_session_signs_in_again_and_keeps_the_links_settings(provider, tmp_path):
    """A session of 0.005 hours (18 s): a lever moved in the page, then the session expires; the
    next move shows the sign-in screen, and signing in again lands on the lever's setting."""
    server, url, _ = serve_signed(provider, tmp_path, session_hours="0.005")
    sync_playwright = playwright_or_skip()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                sign_in(page, url + "/?scenario=zuid-west-jeugdzorgplus", "anne@noord.nl")
                page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
                started = time.monotonic()
                thumb = (
                    page.locator('[data-testid="stSlider"]')
                    .filter(has_text="Instroom JeugdzorgPlus")
                    .locator('input[type="range"]')
                )
                thumb.focus()
                for _ in range(60):  # a lever moved in the page: only the address bar knows it
                    if thumb.input_value() == "-20":
                        break
                    thumb.press("ArrowLeft")
                    page.wait_for_timeout(50)
                page.wait_for_url(re.compile(r"inflow\.jzplus=-20"), timeout=30_000)
                page.wait_for_timeout(max(0, 20 - (time.monotonic() - started)) * 1000)
                thumb.press("ArrowRight")  # the next move (-20 is the end) finds the session expired
                page.get_by_text("Uw sessie is verlopen").wait_for(timeout=60_000)
                assert page.locator("[data-testid=stMetric]").count() == 0
                page.get_by_role("button", name="Inloggen").click()
                page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/oauth2/authorize"), timeout=30_000)
                page.get_by_role("button", name="anne@noord.nl").click()
                page.wait_for_url(re.compile(r"inflow\.jzplus=-20"), timeout=30_000)
                name = page.get_by_role("textbox", name="Naam van het scenario")
                name.wait_for(timeout=60_000)
                assert "instroom JeugdzorgPlus -20% per jaar" in name.input_value()
            finally:
                browser.close()
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    "secrets, named",
    [
        (None, "secrets.toml has no [auth] section"),
        (
            '[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\ncookie_secret = "kort"\n',
            "auth.cookie_secret",
        ),
        (
            '[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\ncookie_secret = "{s}"\nclient_id = "x"\n'
            'client_secret = "y"\nserver_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n',
            "auth.server_metadata_url cannot be read",
        ),
    ],
)
def test_a_server_that_requires_sign_in_refuses_to_start_without_a_working_configuration(
    tmp_path, secrets, named
):
    """`make serve` with a missing or broken [auth]: the server stops at start-up and names
    the setting; it never serves an app open to everyone."""
    import sys

    flags = []
    if secrets is not None:
        path = tmp_path / "secrets.toml"
        path.write_text(secrets.replace("{s}", secrets_module.token_hex(32)), encoding="utf-8")
        flags = ["--secrets.files", str(path)]
    port = free_port()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "server.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            *flags,
        ],
        cwd=ROOT,
        env={**os.environ, "JZSIM_SIGN_IN": "required", "JZSIM_SAVED": str(tmp_path / "saved")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "jeugdzorg-sim: not started: sign-in is on but cannot work" in done.stderr or named in done.stderr
    assert named in done.stderr, done.stderr[-2000:]
