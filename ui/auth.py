"""Sign-in: who is using the app, or the laptop's single user.

- No ``[auth]`` in secrets.toml and ``JZSIM_SIGN_IN`` unset: the laptop mode, one local
  user (``access.LOCAL_USER``), nothing to configure.
- ``[auth]`` present, or ``JZSIM_SIGN_IN=required`` (``make serve``): every page asks for
  sign-in through the organisation's OpenID Connect provider (Streamlit's ``st.login``), and
  the user's teams come from a claim of the token and/or a mapping file.
- A configuration that is missing or broken while sign-in is on stops the server at start-up
  with the setting named (``config_problems``, called by server.py), and a page that finds
  it broken anyway shows the error and nothing else: never an app open to everyone.
- A session older than ``JZSIM_SESSION_HOURS`` asks to sign in again. The link that was
  opened (the lever settings are in it) is kept in a short-lived cookie by server.py's
  ``remember_link`` middleware, and put back after the sign-in (``restore_link``).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

import streamlit as st
import streamlit.components.v1 as components
from streamlit.runtime.secrets import secrets_singleton

from simulator import access, settings, store

log = logging.getLogger("jeugdzorg_sim")  # the pages' logger (ui.common sets its handler)

NEXT_COOKIE = "jzsim_next"  # the link opened before sign-in: path and query
NEXT_SECONDS = 900
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32
MIN_DISTINCT = 12  # token_hex(32) has 16 different characters; 'ssss...' has 1


def auth_section() -> dict[str, Any] | None:
    """The ``[auth]`` table of the secrets Streamlit reads (secrets.toml), or None."""
    try:
        if not secrets_singleton.load_if_toml_exists():
            return None
        found = secrets_singleton.get("auth")
    except Exception as error:  # noqa: BLE001 (a secrets.toml that is not TOML raises its parser's error)
        raise ValueError(f"secrets.toml cannot be read: {error}") from None
    return None if found is None else _plain(found)


def _plain(value: Any) -> Any:
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, Mapping) else value


def provider_of(auth: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    """The provider table: ``[auth]`` itself (``st.login()``), or its one sub-table with a
    ``client_id`` (``st.login(name)``, e.g. ``[auth.microsoft]``)."""
    if "client_id" in auth:
        return None, auth
    named = [(name, table) for name, table in auth.items() if isinstance(table, Mapping)]
    if len(named) == 1:
        return named[0]
    return None, auth


def config_problems(auth: Mapping[str, Any] | None, fetch: bool = True) -> list[str]:
    """What is missing or wrong in an ``[auth]`` table, each naming its setting; empty when
    sign-in can work. ``fetch``: also read the provider's discovery document."""
    if auth is None:
        return [
            "secrets.toml has no [auth] section (auth.redirect_uri, auth.cookie_secret, auth.client_id, ...)"
        ]
    problems = []
    redirect = str(auth.get("redirect_uri", ""))
    if not redirect:
        problems.append("auth.redirect_uri is missing")
    elif not (urlparse(redirect).scheme in ("http", "https") and redirect.endswith("/oauth2callback")):
        problems.append(
            f"auth.redirect_uri must be an absolute URL ending in /oauth2callback, got {redirect!r}"
        )
    secret = str(auth.get("cookie_secret", ""))
    # The secret signs the sign-in cookie (the user's claims): a known or guessable one lets
    # anyone forge any user. A random text of 32+ characters has far more than 12 different.
    if len(secret) < MIN_COOKIE_SECRET or len(set(secret)) < MIN_DISTINCT or "vervang" in secret.lower():
        problems.append(
            f"auth.cookie_secret must be a random text of at least {MIN_COOKIE_SECRET} characters "
            '(python -c "import secrets; print(secrets.token_hex(32))")'
        )
    name, provider = provider_of(auth)
    prefix = "auth." if name is None else f"auth.{name}."
    for key in PROVIDER_KEYS:
        if not str(provider.get(key, "")).strip():
            problems.append(f"{prefix}{key} is missing")
    metadata = str(provider.get("server_metadata_url", ""))
    if metadata and urlparse(metadata).scheme not in ("http", "https"):
        problems.append(f"{prefix}server_metadata_url must be an http(s) URL, got {metadata!r}")
    elif metadata and fetch and not problems:
        problems += _discovery_problems(metadata, prefix)
    return problems


def _discovery_problems(url: str, prefix: str) -> list[str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            document = json.loads(response.read(1_000_000))
    except (OSError, ValueError) as error:
        return [f"{prefix}server_metadata_url cannot be read ({url}): {error}"]
    missing = [key for key in ("issuer", "authorization_endpoint", "token_endpoint") if key not in document]
    if missing:
        return [
            f"{prefix}server_metadata_url is not an OpenID Connect discovery document (no {', '.join(missing)})"
        ]
    return []


def sign_in_on(auth: Mapping[str, Any] | None) -> bool:
    """Sign-in is on when the deployment requires it or when ``[auth]`` is configured."""
    return settings.sign_in_required() or auth is not None


def start_up_check() -> str | None:
    """For server.py: None when the app may serve (laptop mode, or sign-in that can work),
    else the reason it must not start."""
    try:
        auth = auth_section()
        if not sign_in_on(auth):
            return None
        problems = config_problems(auth)
        team_map()  # a broken mapping file stops the start as well
    except ValueError as error:
        return str(error)
    if problems:
        return "sign-in is on but cannot work: " + "; ".join(problems)
    return None


_TEAM_MAP: dict[str, Any] = {}


def team_map() -> dict[str, tuple[str, ...]]:
    """The mapping file's teams (``JZSIM_TEAMS_FILE``), read again when the file changes."""
    path = settings.teams_file()
    if path is None:
        return {}
    stamp = (str(path), path.stat().st_mtime_ns if path.exists() else None)
    if _TEAM_MAP.get("stamp") != stamp:
        if not path.exists():
            raise ValueError(f"{settings.TEAMS_FILE_VARIABLE}: {path} does not exist")
        _TEAM_MAP.update(stamp=stamp, mapping=access.read_team_map(Path(path)))
    return dict(_TEAM_MAP["mapping"])


def claims_user(claims: Mapping[str, Any]) -> access.User:
    """The ``User`` of a signed-in session's claims, with the deployment's team settings; a
    group whose name collides with another's slug is left out (and logged)."""
    claim, mapping = settings.teams_claim(), team_map()
    user = access.user_from_claims(claims, claim, mapping)
    teams, refused = store.Store().accept_teams(access.team_names(claims, claim, mapping))
    if refused:
        log.error(
            "teams of %s left out (their link name is another group's, or 'lokaal'): %s", user.id, refused
        )
    return replace(user, teams=teams)


def session_expired(claims: Mapping[str, Any], now: float | None = None) -> bool:
    """Whether the sign-in is older than ``JZSIM_SESSION_HOURS`` (from the token's ``iat``;
    a token without it counts as expired: sign in again)."""
    issued = claims.get("iat")
    if not isinstance(issued, int | float):
        return True
    return (time.time() if now is None else now) - float(issued) > settings.session_hours() * 3600


def link_from_cookie(value: str | None) -> tuple[str, dict[str, str]] | None:
    """The page path and query of a remembered link; None for anything else (a full URL, a
    path to another host: only the app's own pages are restored)."""
    if not value:
        return None
    parsed = urlparse(unquote(value))
    if parsed.scheme or parsed.netloc or not parsed.path.startswith("/") or parsed.path.startswith("//"):
        return None
    return parsed.path, dict(parse_qsl(parsed.query, keep_blank_values=False))


# ---------------------------------------------------------------- in the pages

USER_KEY = "jzsim_user"  # the session's access.User, set by app.py before any page runs
RESTORED_KEY = "jzsim_link_restored"
JUST_SIGNED_IN_SECONDS = 120  # a remembered link is put back only right after a sign-in


def page_problem() -> str | None:
    """The start-up check without the network (once a process): a page never serves when
    sign-in is on and cannot work."""
    if "problem" not in _PAGE_CHECK:
        try:
            auth = auth_section()
            on = sign_in_on(auth)
            _PAGE_CHECK["on"] = on
            _PAGE_CHECK["problem"] = "; ".join(config_problems(auth, fetch=False)) if on else None
            _PAGE_CHECK["provider"] = provider_of(auth)[0] if auth else None
        except ValueError as error:
            _PAGE_CHECK.update(on=True, problem=str(error), provider=None)
    return _PAGE_CHECK["problem"] or None


_PAGE_CHECK: dict[str, Any] = {}


def signed_in_user(t) -> access.User:
    """The user of this session: the laptop's user, or the signed-in one. Without a valid
    sign-in this draws the sign-in screen and stops the page (``st.stop``)."""
    problem = page_problem()
    if problem:
        st.error(t("auth_broken"))
        st.code(problem, language=None)
        st.stop()
    if not _PAGE_CHECK["on"]:
        user = access.LOCAL_USER
    else:
        claims = dict(st.user.to_dict()) if st.user.is_logged_in else {}
        if not claims or session_expired(claims):
            _sign_in_screen(t, expired=bool(claims))
            st.stop()
        try:
            known = st.session_state.get(USER_KEY + "_for")
            user = st.session_state[USER_KEY] if known == claims else claims_user(claims)
            st.session_state[USER_KEY + "_for"] = claims
        except (access.AccessError, ValueError) as error:
            st.error(t(error.key) if isinstance(error, access.AccessError) else str(error))
            st.stop()
    st.session_state[USER_KEY] = user
    return user


# The link as the browser shows it now, lever moves since the page loaded included (the
# page writes them into the address bar): into the cookie that brings it back after sign-in.
KEEP_LINK_SCRIPT = f"""<script>
const where = window.parent.location;
const link = encodeURIComponent(where.pathname + where.search);
const secure = where.protocol === "https:" ? "; Secure" : "";
document.cookie = "{NEXT_COOKIE}=" + link + "; path=/; max-age={NEXT_SECONDS}; SameSite=Lax" + secure;
</script>"""


def _sign_in_screen(t, expired: bool) -> None:
    st.title(t("auth_title"))
    st.markdown(t("auth_expired" if expired else "auth_intro"))
    components.html(KEEP_LINK_SCRIPT, height=0)
    if st.button(t("auth_sign_in"), type="primary", key="auth_sign_in"):
        provider = _PAGE_CHECK.get("provider")
        st.login(provider) if provider else st.login()


def remembered_link() -> tuple[str, dict[str, str]] | None:
    """The link opened before this sign-in (page path and query), once a session, and only
    right after a sign-in on a page opened without a query of its own."""
    if st.session_state.get(RESTORED_KEY) or not _PAGE_CHECK.get("on"):
        return None
    st.session_state[RESTORED_KEY] = True
    claims = dict(st.user.to_dict()) if st.user.is_logged_in else {}
    issued = claims.get("iat")
    if st.query_params.to_dict() or not isinstance(issued, int | float):
        return None
    if time.time() - float(issued) > JUST_SIGNED_IN_SECONDS:
        return None
    return link_from_cookie(st.context.cookies.get(NEXT_COOKIE))


def user() -> access.User:
    """The session's user (app.py has set it before the page runs)."""
    if USER_KEY in st.session_state:
        return st.session_state[USER_KEY]
    # Fail closed: behind sign-in, a run that has no signed-in user is in no team.
    page_problem()  # knows whether sign-in is on
    return access.User("", "", ()) if _PAGE_CHECK.get("on", True) else access.LOCAL_USER


def user_box(t) -> None:
    """In the sidebar: who is signed in, in which teams, and 'sign out'."""
    if not _PAGE_CHECK.get("on"):
        return
    current = user()
    with st.sidebar:
        st.caption(t("auth_signed_in", name=current.name, teams=", ".join(current.teams) or "—"))
        if st.button(t("auth_sign_out"), key="auth_sign_out"):
            st.logout()
