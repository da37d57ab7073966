"""Who may do what with a saved scenario: users, their teams, and the rules.

- A user belongs to one or more teams. On a laptop (no sign-in configured) there is one
  user, ``LOCAL_USER``, in one team, ``LOCAL_TEAM``.
- Behind sign-in the teams come from a claim of the identity token (``groups`` unless the
  deployment names another), from a mapping file (e-mail address -> teams), or from both.
- The presets are open to everyone and changed by nobody.
- A saved scenario belongs to one team. Only its members see, open, replace, rename,
  delete or restore it, read its versions and read the team's trail. Everyone else gets
  the same "no access" whether the scenario exists or not, so a link reveals nothing.

No streamlit here: ``ui/auth.py`` turns the signed-in user (``st.user``) into a ``User``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LOCAL_TEAM = "lokaal"
MAX_TEAMS = 50  # a token with thousands of groups (Entra ID without a filter) is cut here
MAX_TEAM = 60


@dataclass(frozen=True)
class User:
    """A signed-in person: ``id`` is what the trail records (e-mail address or subject),
    ``name`` what the page shows, ``teams`` the teams they belong to (slugs)."""

    id: str
    name: str
    teams: tuple[str, ...]


LOCAL_USER = User(id="lokaal", name="Lokale gebruiker", teams=(LOCAL_TEAM,))


class AccessError(ValueError):
    """The user may not do this; ``key`` is the i18n message key."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(key)


def slug(text: str, longest: int) -> str:
    """Lowercase letters, digits and single dashes, accents dropped, at most ``longest``
    characters: a name safe in a link and a file name ('../x' cannot survive)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:longest].strip("-")


def team_slug(name: str) -> str:
    """A team's name as stored and in links: 'Team Noord (Zeeland)' -> 'team-noord-zeeland'.
    An Entra ID group path or a Keycloak '/regio/noord' keeps its parts: 'regio-noord'."""
    return slug(name, MAX_TEAM)


def read_team_map(path: Path) -> dict[str, tuple[str, ...]]:
    """A mapping file: ``{e-mail address: [team, ...]}`` in YAML (safe_load). A file that is
    not such a mapping is refused with what is wrong (a start-up error, never open access)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"the team mapping {path} cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"the team mapping {path} must map e-mail addresses to lists of teams")
    mapping: dict[str, tuple[str, ...]] = {}
    for address, teams in data.items():
        listed = [teams] if isinstance(teams, str) else teams
        if (
            not isinstance(address, str)
            or not isinstance(listed, list)
            or not all(isinstance(team, str) and team_slug(team) for team in listed)
        ):
            raise ValueError(f"the team mapping {path}: '{address}' must map to a list of team names")
        mapping[address.strip().lower()] = tuple(team.strip() for team in listed)
    return mapping


def verified_email(claims: Mapping[str, Any]) -> str:
    """The token's e-mail address, lowercased; empty when the provider says it is not
    verified (a user who may edit their own address must not take another's teams)."""
    if claims.get("email_verified") is False or str(claims.get("email_verified", "")).lower() == "false":
        return ""
    return str(claims.get("email") or "").strip().lower()


def team_names(
    claims: Mapping[str, Any], claim: str = "groups", mapping: Mapping[str, Iterable[str]] | None = None
) -> tuple[str, ...]:
    """The names of a signed-in user's teams as the provider and the mapping file give them:
    the claim's values (a list or one string), then the mapping file's for their verified
    e-mail address; in order, without repeats, at most MAX_TEAMS."""
    found = claims.get(claim) or []
    named = [found] if isinstance(found, str) else [str(v) for v in found] if isinstance(found, list) else []
    email = verified_email(claims)
    named += list((mapping or {}).get(email, ())) if email else []
    return tuple(dict.fromkeys(name.strip() for name in named if team_slug(name)))[:MAX_TEAMS]


def teams_from_claims(
    claims: Mapping[str, Any], claim: str = "groups", mapping: Mapping[str, Iterable[str]] | None = None
) -> tuple[str, ...]:
    """The teams of a signed-in user as slugs (``team_names`` made link-safe), without repeats."""
    return tuple(dict.fromkeys(team_slug(name) for name in team_names(claims, claim, mapping)))


def user_from_claims(
    claims: Mapping[str, Any], claim: str = "groups", mapping: Mapping[str, Iterable[str]] | None = None
) -> User:
    """The ``User`` behind an identity token's claims (``st.user``): named by the verified
    e-mail address, else the user name, else the subject."""
    user_id = (
        verified_email(claims) or str(claims.get("preferred_username") or claims.get("sub") or "")
    ).strip()
    if not user_id:
        raise AccessError("a_no_identity")
    name = str(claims.get("name") or user_id)
    return User(id=user_id, name=name, teams=teams_from_claims(claims, claim, mapping))


def is_member(user: User, team: str) -> bool:
    """Whether ``user`` is in ``team``: the one rule behind seeing and changing."""
    return team in user.teams


def require_member(user: User, team: str) -> None:
    """AccessError ``a_no_access`` unless ``user`` is in ``team``."""
    if not is_member(user, team):
        raise AccessError("a_no_access")


def writable_team(user: User, team: str | None) -> str:
    """The team a new scenario is saved to: the one asked (if the user is in it), else the
    user's first; a user in no team cannot save."""
    if not user.teams:
        raise AccessError("a_no_team")
    chosen = user.teams[0] if team is None else team
    require_member(user, chosen)
    return chosen
