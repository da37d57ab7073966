"""Sign-in (ui/auth.py): the configuration check, and the pages behind sign-in with two users
of different teams (AppTest seeds ``st.user``; the real OIDC round trip is in
tests/test_browser_signin.py)."""

from __future__ import annotations

import secrets
import time

import pytest
from streamlit.testing.v1 import AppTest

from simulator import settings, store
from simulator.access import User
from simulator.scenario import load_scenario
from tests.conftest import EXAMPLE, ROOT
from ui import auth

APP = str(ROOT / "app.py")
GOOD = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": secrets.token_hex(32),
    "client_id": "jeugdzorg-sim",
    "client_secret": "geheim",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


# ---------------------------------------------------------------- the configuration


def test_a_complete_configuration_has_no_problems():
    assert auth.config_problems(GOOD, fetch=False) == []
    named = {k: v for k, v in GOOD.items() if k in ("redirect_uri", "cookie_secret")}
    named["microsoft"] = {k: GOOD[k] for k in auth.PROVIDER_KEYS}
    assert auth.config_problems(named, fetch=False) == []
    assert auth.provider_of(named)[0] == "microsoft"


@pytest.mark.parametrize(
    "change, named",
    [
        ({"redirect_uri": None}, "auth.redirect_uri is missing"),
        ({"redirect_uri": "localhost:8501/callback"}, "auth.redirect_uri must be an absolute URL"),
        ({"cookie_secret": "kort"}, "auth.cookie_secret must be a random text"),
        ({"cookie_secret": "s" * 48}, "auth.cookie_secret must be a random text"),
        (
            {"cookie_secret": "vervang-door-een-willekeurige-tekst-van-64-tekens"},
            "auth.cookie_secret must be",
        ),
        ({"client_id": None}, "auth.client_id is missing"),
        ({"client_secret": ""}, "auth.client_secret is missing"),
        ({"server_metadata_url": None}, "auth.server_metadata_url is missing"),
        ({"server_metadata_url": "file:///etc/passwd"}, "auth.server_metadata_url must be an http(s) URL"),
    ],
)
def test_a_broken_configuration_names_the_setting(change, named):
    broken = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    problems = auth.config_problems(broken, fetch=False)
    assert any(named in problem for problem in problems), problems


def test_an_unreachable_provider_is_named_at_start_up():
    (problem,) = auth.config_problems(GOOD, fetch=True)
    assert problem.startswith("auth.server_metadata_url cannot be read (http://127.0.0.1:9/")


def test_sign_in_required_without_a_configuration_refuses_to_start(monkeypatch):
    monkeypatch.setattr(auth, "auth_section", lambda: None)
    monkeypatch.delenv(settings.SIGN_IN_VARIABLE, raising=False)
    assert auth.start_up_check() is None, "the laptop: no configuration, no sign-in"
    monkeypatch.setenv(settings.SIGN_IN_VARIABLE, "required")
    assert "secrets.toml has no [auth] section" in auth.start_up_check()
    monkeypatch.setenv(settings.SIGN_IN_VARIABLE, "verplicht")
    assert "JZSIM_SIGN_IN must be 'required' or 'off'" in auth.start_up_check()


def test_a_remembered_link_is_only_a_path_of_this_app():
    assert auth.link_from_cookie("/vergelijken?baseline=a&with=b") == (
        "/vergelijken",
        {"baseline": "a", "with": "b"},
    )
    for foreign in ("https://evil.example/?x=1", "//evil.example/x", "x?y=1", "", None):
        assert auth.link_from_cookie(foreign) is None


def test_a_session_expires_after_the_set_hours(monkeypatch):
    monkeypatch.setenv(settings.SESSION_HOURS_VARIABLE, "2")
    now = 1_000_000.0
    assert not auth.session_expired({"iat": now - 3600}, now)
    assert auth.session_expired({"iat": now - 3 * 3600}, now)
    assert auth.session_expired({}, now), "no time of sign-in: sign in again"


# ---------------------------------------------------------------- the pages behind sign-in


@pytest.fixture
def signed_in(tmp_path, monkeypatch):
    """Sign-in on (a configuration the page accepts), saved scenarios in a fresh folder."""
    monkeypatch.setenv(settings.SAVED_VARIABLE, str(tmp_path / "saved"))
    monkeypatch.setattr(auth, "auth_section", lambda: dict(GOOD))
    monkeypatch.setattr(auth, "_PAGE_CHECK", {})
    monkeypatch.delenv(settings.TEAMS_FILE_VARIABLE, raising=False)
    return tmp_path


def as_user(email: str | None, groups=(), query: dict | None = None, issued: float | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if email is None:
        at.user = {"is_logged_in": False}
    else:
        at.user = {
            "is_logged_in": True,
            "email": email,
            "name": email.split("@")[0].title(),
            "groups": list(groups),
            "iat": int(time.time() - 600 if issued is None else issued),
        }
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_signed_out_there_is_only_the_sign_in_screen(signed_in):
    at = as_user(None, query={"scenario": "zuid-west-jeugdzorgplus"})
    assert at.title[0].value == "Inloggen" and [b.label for b in at.button] == ["Inloggen"]
    assert not at.metric and not at.get("vega_lite_chart"), "nothing of the app before sign-in"


def test_an_expired_session_asks_to_sign_in_again(signed_in):
    at = as_user("anne@noord.nl", ["noord"], issued=time.time() - 11 * 3600)
    assert at.title[0].value == "Inloggen" and "sessie is verlopen" in at.markdown[0].value
    assert not at.metric


def test_a_broken_configuration_keeps_every_page_closed(signed_in, monkeypatch):
    monkeypatch.setattr(auth, "auth_section", lambda: {**GOOD, "client_secret": ""})
    at = as_user("anne@noord.nl", ["noord"])
    assert at.error and "de app blijft dicht" in at.error[0].value
    assert "auth.client_secret is missing" in at.code[0].value and not at.metric


def test_two_users_of_different_teams_see_only_their_own_scenarios(signed_in):
    anne = as_user("anne@noord.nl", ["Noord"])
    assert any("Ingelogd als Anne · team: noord" in c.value for c in anne.sidebar.caption)
    anne.sidebar.text_input(key="save_name").set_value("Team Noord vertrouwelijk").run()
    next(b for b in anne.button if b.label == "Opslaan").click().run()
    assert anne.success and not anne.exception
    key = "noord/team-noord-vertrouwelijk"
    again = as_user("anne@noord.nl", ["noord"])
    assert "Team Noord vertrouwelijk (opgeslagen)" in again.selectbox(key="scenario_choice").options
    mine = as_user("anne@noord.nl", ["noord"], query={"scenario": key})
    assert mine.selectbox(key="scenario_choice").value == key and mine.metric, "its own team opens it by link"
    bram = as_user("bram@zuid.nl", ["zuid"])
    assert "Team Noord vertrouwelijk (opgeslagen)" not in bram.selectbox(key="scenario_choice").options
    bram.switch_page("app_pages/scenarios.py").run()
    assert not [e for e in bram.expander if "vertrouwelijk" in e.label], "B does not see A's scenario"
    # A link to it: "no access", nothing of its contents; the same for a name that does not exist.
    for asked in (key, "noord/bestaat-niet"):
        linked = as_user("bram@zuid.nl", ["zuid"], query={"scenario": asked})
        assert linked.error and linked.error[0].value.startswith("Geen toegang") and not linked.metric
    compared = as_user("bram@zuid.nl", ["zuid"])
    compared.query_params["baseline"] = "zuid-west-jeugdzorgplus"
    compared.query_params["with"] = key
    compared.switch_page("app_pages/compare.py").run()
    assert not compared.exception and compared.error[0].value.startswith("Geen toegang")
    assert not compared.get("table"), "nothing of it is compared"
    # Nothing B did touched it; A's trail has the save, by A.
    lines = store.Store().trail(User("anne@noord.nl", "Anne", ("noord",)), "noord")
    assert [(line.user, line.action) for line in lines] == [("anne@noord.nl", "save")]


def test_the_mapping_file_gives_teams_beside_the_claim(signed_in, monkeypatch, tmp_path):
    mapping = tmp_path / "teams.yaml"
    mapping.write_text("cor@regio.nl: [Noord, Zuid]\n", encoding="utf-8")
    monkeypatch.setenv(settings.TEAMS_FILE_VARIABLE, str(mapping))
    store.save(load_scenario(EXAMPLE), "plan noord", user=User("a", "A", ("noord",)))
    store.save(load_scenario(EXAMPLE), "plan zuid", user=User("b", "B", ("zuid",)))
    cor = as_user("cor@regio.nl")
    options = cor.selectbox(key="scenario_choice").options
    assert "plan noord (opgeslagen, team noord)" in options and "plan zuid (opgeslagen, team zuid)" in options


def test_a_user_in_two_teams_chooses_the_team_before_saving(signed_in, monkeypatch, tmp_path):
    mapping = tmp_path / "teams.yaml"
    mapping.write_text("cor@regio.nl: [Noord, Zuid]\n", encoding="utf-8")
    monkeypatch.setenv(settings.TEAMS_FILE_VARIABLE, str(mapping))
    cor = as_user("cor@regio.nl")
    cor.sidebar.text_input(key="save_name").set_value("Plan van Cor").run()
    save = next(b for b in cor.button if b.label == "Opslaan")
    save.click().run()
    assert cor.error and cor.error[0].value == "Kies eerst het team waarvoor u opslaat."
    assert store.list_saved(user=User("cor@regio.nl", "Cor", ("noord", "zuid"))) == []
    cor.selectbox(key="save_team").set_value("zuid").run()
    next(b for b in cor.button if b.label == "Opslaan").click().run()
    assert [s.key for s in store.list_saved(user=User("c", "C", ("noord", "zuid")))] == ["zuid/plan-van-cor"]
