"""Saved scenarios: per team, with every version kept, a bin, and an append-only trail.

One embedded SQLite database (``settings.saved_dir() / scenarios.sqlite3``, WAL, a
transaction per change) holds:

- ``scenario``: which team owns a name, and whether it is in the bin;
- ``version``: every version's YAML text, who saved it and when (never changed or removed:
  replacing adds a version, renaming adds one under the new name);
- ``trail``: who saved, replaced, renamed, deleted, restored, uploaded or exported what,
  and when (append-only: triggers refuse any change or removal).

The contents stay plain YAML: a version's text is the file a user downloads, and loading it
gives the scenario back. Permissions (``simulator.access``): only a member of the owning
team sees, opens or changes a team's scenarios; a name of another team's scenario gets the
same "no access" whether it exists or not. Names become safe stems (``safe_stem``); a
shipped preset's name is never used. Uploads are capped in size and parsed with
``yaml.safe_load`` (``scenario.parse_yaml``).

Concurrent sessions (threads of one server, or several processes) lose nothing: a change
takes the database's write lock first (``BEGIN IMMEDIATE``), so a replace always adds the
next version number, and of two saves of one new name one wins and the other is told the
name is taken.

Files saved by earlier versions of the app (YAML files in the saved folder) are taken into
the database once, for the laptop's team (``access.LOCAL_TEAM``), and renamed to
``*.yaml.imported``: nothing is lost on an upgrade.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from simulator.access import (
    LOCAL_TEAM,
    LOCAL_USER,
    AccessError,
    User,
    require_member,
    slug,
    team_slug,
    writable_team,
)
from simulator.i18n import Message
from simulator.scenario import (
    Scenario,
    ScenarioError,
    dump_scenario,
    load_scenario_cached,
    scenario_from_yaml,
)
from simulator.settings import saved_dir, scenario_dir

MAX_UPLOAD_BYTES = 64_000  # a scenario is a few KB
MAX_STEM = 60
DATABASE = "scenarios.sqlite3"
BUSY_SECONDS = 30.0  # how long a change waits for another session's write to end
TRAIL_ACTIONS = ("save", "replace", "rename", "delete", "restore", "upload", "export", "import")

SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario (
    id INTEGER PRIMARY KEY,
    team TEXT NOT NULL,
    stem TEXT NOT NULL,
    binned_at TEXT,               -- NULL: live; else when it went to the bin
    binned_by TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS live_name ON scenario (team, stem) WHERE binned_at IS NULL;
CREATE TABLE IF NOT EXISTS version (
    scenario_id INTEGER NOT NULL REFERENCES scenario (id),
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    stem TEXT NOT NULL,
    yaml TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (scenario_id, number)
);
CREATE TABLE IF NOT EXISTS trail (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    team TEXT NOT NULL,
    action TEXT NOT NULL,
    scenario TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS trail_team ON trail (team, id);
CREATE TABLE IF NOT EXISTS person (
    id TEXT PRIMARY KEY,          -- what the trail records (e-mail address or subject)
    name TEXT NOT NULL            -- the name the provider gave at the person's latest change
);
CREATE TABLE IF NOT EXISTS team (
    slug TEXT PRIMARY KEY,        -- how the store and links name it
    name TEXT NOT NULL,           -- the provider's name for it, the first time it was seen
    first_seen TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS trail_no_update BEFORE UPDATE ON trail
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS trail_no_delete BEFORE DELETE ON trail
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS version_no_update BEFORE UPDATE ON version
    BEGIN SELECT RAISE(ABORT, 'versions are kept as they were saved'); END;
CREATE TRIGGER IF NOT EXISTS version_no_delete BEFORE DELETE ON version
    BEGIN SELECT RAISE(ABORT, 'versions are kept as they were saved'); END;
"""


class StoreError(ValueError):
    """A save, rename, delete or restore that cannot be done; ``text`` is a Message (nl/en)."""

    def __init__(self, message: Message):
        self.text = message
        super().__init__(str(message))


def preset_stems(folder: Path | None = None) -> set[str]:
    """Names of the scenarios the app offers (``settings.scenario_dir``): never saved over."""
    return {p.stem for p in (folder or scenario_dir()).glob("*.yaml")}


def preset_names(folder: Path | None = None) -> set[str]:
    """The shipped scenarios' own names (casefolded): a saved one may not take one, or the
    picker would show two scenarios of one name."""
    names = set()
    for path in (folder or scenario_dir()).glob("*.yaml"):
        try:
            names.add(load_scenario_cached(path).name.strip().casefold())
        except ScenarioError:
            continue
    return names


def _refuse_preset(stem: str, shown: str) -> None:
    if stem in preset_stems():  # never overwritten, and the picker must not show two of a name
        raise StoreError(Message("s_preset", name=stem))
    if shown.strip().casefold() in preset_names():
        raise StoreError(Message("s_preset_name", name=shown))


# Names Windows cannot use as a file name (a downloaded file keeps the stem as its name).
RESERVED_STEMS = {"con", "prn", "aux", "nul"} | {
    f"{port}{k}" for port in ("com", "lpt") for k in range(1, 10)
}


def safe_stem(name: str) -> str:
    """'Zuid-West: -5%/jaar (versie 2)' -> 'zuid-west-5-jaar-versie-2'. Accents are dropped,
    anything but letters and digits becomes one dash; '../x' cannot survive."""
    stem = slug(name, MAX_STEM)
    if not stem:
        raise StoreError(Message("s_empty_name"))
    if stem in RESERVED_STEMS:
        raise StoreError(Message("s_reserved", name=stem))
    return stem


@dataclass(frozen=True)
class Saved:
    """The current version of a team's scenario (or, in the bin, its last one);
    ``scenario`` None and ``problem`` the error when its text does not validate."""

    team: str
    stem: str
    name: str
    version: int
    text: str
    saved_at: str
    saved_by: str
    scenario: Scenario | None
    problem: str | None
    binned_at: str | None = None
    binned_by: str | None = None
    id: int = 0  # the scenario's row: one name can be in the bin more than once
    saved_by_name: str = ""  # the names people go by (``person``), for the page
    binned_by_name: str = ""

    @property
    def key(self) -> str:
        """How a link names it: 'team/stem'."""
        return f"{self.team}/{self.stem}"

    @property
    def file_name(self) -> str:
        """The name a download gets."""
        return f"{self.stem}.yaml"


@dataclass(frozen=True)
class Version:
    """One saved version of a scenario (kept for ever)."""

    number: int
    name: str
    stem: str
    text: str
    saved_at: str
    saved_by: str
    saved_by_name: str


@dataclass(frozen=True)
class TrailLine:
    """One line of a team's audit trail (``user_name``: the name the user goes by)."""

    at: str
    user: str
    team: str
    action: str
    scenario: str
    detail: str
    user_name: str


@lru_cache(maxsize=512)
def _parsed(text: str, source: str) -> tuple[Scenario | None, str | None]:
    """A version's text validated once per distinct text: a page that lists many saved
    scenarios on every rerun validates only what changed (a Scenario is frozen)."""
    try:
        return scenario_from_yaml(text, source), None
    except ScenarioError as error:
        return None, error.message()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_READY: set[str] = set()  # databases whose schema and legacy import are done in this process
_READY_LOCK = threading.Lock()


class Store:
    """The saved scenarios of one folder. Cheap to make: a connection per operation, so any
    thread of any session may use it."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or saved_dir())
        self.path = self.folder / DATABASE

    # ------------------------------------------------------------ connection
    @contextmanager
    def _connect(self, write: bool = False, action: str = "s_action_save") -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (``BEGIN IMMEDIATE`` for a change: the write lock
        first, so what it reads stays true until it commits). SQLite and file-system
        failures become a StoreError in the page's language, not a crash."""
        with _os_errors(action if write else "s_action_read"):
            self._ready()
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                connection.execute("PRAGMA foreign_keys = ON")
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            finally:
                connection.close()

    def _ready(self) -> None:
        key = str(self.path.resolve())
        with _READY_LOCK:
            if key in _READY and self.path.exists():
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
                connection.executescript(SCHEMA)
            finally:
                connection.close()
            _READY.add(key)
        self._import_files()

    def _import_files(self) -> None:
        """YAML files an earlier version saved in the folder: into the laptop's team, once."""
        for path in sorted(self.folder.glob("*.yaml")):
            try:
                text = path.read_text(encoding="utf-8")
                stem = safe_stem(path.stem)
                with self._connect(write=True) as db:
                    if _live_id(db, LOCAL_TEAM, stem) is None:
                        name = _name_of(text, stem)
                        _insert(db, LOCAL_USER, LOCAL_TEAM, stem, name, text, "import", path.name)
                path.rename(path.with_name(path.name + ".imported"))
            except (OSError, StoreError, UnicodeDecodeError):
                continue  # left where it is; tried again at the next start

    # ------------------------------------------------------------ reading
    def scenarios(self, user: User) -> list[Saved]:
        """The live scenarios of the user's teams, by team (in the user's order), then name."""
        if not user.teams:
            return []
        marks = ",".join("?" * len(user.teams))
        with self._connect() as db:
            rows = db.execute(
                f"{_CURRENT} WHERE s.binned_at IS NULL AND s.team IN ({marks}) ORDER BY s.stem",
                user.teams,
            ).fetchall()
        order = {team: k for k, team in enumerate(user.teams)}
        return sorted((_saved(row) for row in rows), key=lambda s: (order[s.team], s.stem))

    def get(self, user: User, team: str, stem: str) -> Saved:
        """One live scenario; ``a_no_access`` for another team's name (existing or not)."""
        _require(user, team)
        with self._connect() as db:
            row = db.execute(
                f"{_CURRENT} WHERE s.binned_at IS NULL AND s.team = ? AND s.stem = ?", (team, stem)
            ).fetchone()
        if row is None:
            raise StoreError(Message("s_missing", name=stem))
        return _saved(row)

    def versions(self, user: User, team: str, stem: str) -> list[Version]:
        """Every version of a live scenario, newest first."""
        _require(user, team)
        with self._connect() as db:
            scenario_id = _live_id(db, team, stem)
            if scenario_id is None:
                raise StoreError(Message("s_missing", name=stem))
            rows = db.execute(
                "SELECT number, v.name, stem, yaml, saved_at, saved_by, COALESCE(p.name, saved_by) FROM version v "
                "LEFT JOIN person p ON p.id = v.saved_by WHERE scenario_id = ? ORDER BY number DESC",
                (scenario_id,),
            ).fetchall()
        return [Version(*row) for row in rows]

    def bin(self, user: User, team: str) -> list[Saved]:
        """The team's scenarios in the bin, last deleted first."""
        _require(user, team)
        with self._connect() as db:
            rows = db.execute(
                f"{_CURRENT} WHERE s.binned_at IS NOT NULL AND s.team = ? ORDER BY s.binned_at DESC, s.id DESC",
                (team,),
            ).fetchall()
        return [_saved(row) for row in rows]

    def trail(self, user: User, team: str, limit: int = 500) -> list[TrailLine]:
        """The team's trail, newest first."""
        _require(user, team)
        with self._connect() as db:
            rows = db.execute(
                "SELECT at, user, team, action, scenario, detail, COALESCE(p.name, user) FROM trail t "
                "LEFT JOIN person p ON p.id = t.user WHERE team = ? ORDER BY t.id DESC LIMIT ?",
                (team, limit),
            ).fetchall()
        return [TrailLine(*row) for row in rows]

    # ------------------------------------------------------------ changing
    def save(
        self,
        user: User,
        scenario: Scenario,
        name: str,
        team: str | None = None,
        replace: bool = False,
        action: str = "save",
    ) -> Saved:
        """Save under ``name`` (which becomes the scenario's name) for ``team`` (default: the
        user's first). An existing name is refused unless ``replace``; then the old
        version is kept and this one becomes the next."""
        team = _team_for(user, team)
        stem = safe_stem(name)
        shown = name.strip()[:200] or stem
        _refuse_preset(stem, shown)
        text = dump_scenario(scenario.model_copy(update={"name": shown}))
        with self._connect(write=True) as db:
            scenario_id = _live_id(db, team, stem)
            if scenario_id is None:
                _insert(db, user, team, stem, shown, text, action)
            elif not replace:
                raise StoreError(Message("s_exists", name=shown))
            else:
                number = _add_version(db, user, scenario_id, stem, shown, text)
                _record(db, user, team, "replace", stem, f"version {number}" + _from(action))
            return _live(db, team, stem)

    def rename(self, user: User, team: str, stem: str, new_name: str) -> Saved:
        """The scenario under a new name: a new version with that name (the old ones stay)."""
        _require(user, team)
        new_stem = safe_stem(new_name)
        shown = new_name.strip()[:200] or new_stem
        _refuse_preset(new_stem, shown)
        with self._connect(write=True, action="s_action_rename") as db:
            scenario_id = _live_id(db, team, stem)
            if scenario_id is None:
                raise StoreError(Message("s_missing", name=stem))
            if new_stem != stem and _live_id(db, team, new_stem) is not None:
                raise StoreError(Message("s_rename_taken", name=shown))
            text = _renamed_text(_latest(db, scenario_id)[1], shown)
            db.execute("UPDATE scenario SET stem = ? WHERE id = ?", (new_stem, scenario_id))
            number = _add_version(db, user, scenario_id, new_stem, shown, text)
            _record(db, user, team, "rename", new_stem, f"{stem} -> {new_stem} (version {number})")
            return _live(db, team, new_stem)

    def delete(self, user: User, team: str, stem: str) -> None:
        """Move the scenario to the team's bin (it can be restored from there)."""
        _require(user, team)
        with self._connect(write=True, action="s_action_delete") as db:
            scenario_id = _live_id(db, team, stem)
            if scenario_id is None:
                raise StoreError(Message("s_missing", name=stem))
            db.execute(
                "UPDATE scenario SET binned_at = ?, binned_by = ? WHERE id = ?",
                (_now(), user.id, scenario_id),
            )
            _record(db, user, team, "delete", stem, "to the bin")

    def restore(self, user: User, team: str, stem: str, scenario_id: int | None = None) -> Saved:
        """A scenario from the bin back among the team's scenarios: the one of ``scenario_id``
        (the bin can hold one name more than once), else the last deleted of that name."""
        _require(user, team)
        with self._connect(write=True, action="s_action_restore") as db:
            row = db.execute(
                "SELECT id FROM scenario WHERE team = ? AND stem = ? AND binned_at IS NOT NULL "
                "AND (? IS NULL OR id = ?) ORDER BY binned_at DESC, id DESC LIMIT 1",
                (team, stem, scenario_id, scenario_id),
            ).fetchone()
            if row is None:
                raise StoreError(Message("s_not_in_bin", name=stem))
            if _live_id(db, team, stem) is not None:
                raise StoreError(Message("s_restore_taken", name=stem))
            db.execute("UPDATE scenario SET binned_at = NULL, binned_by = NULL WHERE id = ?", (row[0],))
            _record(db, user, team, "restore", stem, "from the bin")
            return _live(db, team, stem)

    def restore_version(self, user: User, team: str, stem: str, number: int) -> Saved:
        """An earlier version back as the current one (a new version with its text)."""
        _require(user, team)
        with self._connect(write=True, action="s_action_restore") as db:
            scenario_id = _live_id(db, team, stem)
            if scenario_id is None:
                raise StoreError(Message("s_missing", name=stem))
            row = db.execute(
                "SELECT name, yaml FROM version WHERE scenario_id = ? AND number = ?", (scenario_id, number)
            ).fetchone()
            if row is None:
                raise StoreError(Message("s_no_version", name=stem, number=number))
            name = _latest(db, scenario_id)[0]  # the name and the stem stay
            new = _add_version(db, user, scenario_id, stem, name, _renamed_text(row[1], name))
            _record(db, user, team, "restore", stem, f"version {number} as version {new}")
            return _live(db, team, stem)

    def accept_teams(self, names: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
        """The slugs of a signed-in user's teams, and the names refused. A slug belongs to the
        provider's name it was first seen with: another group whose name makes the same slug
        ('Team_Noord' and '/team/noord') is refused rather than merged, and so is a group
        that would be the laptop's team (``lokaal``), which holds the imported files."""
        accepted: list[str] = []
        refused: list[str] = []
        with self._connect(write=True) as db:
            for name in names:
                slug = team_slug(name)
                if not slug or slug == LOCAL_TEAM:
                    refused.append(name)
                    continue
                db.execute(
                    "INSERT OR IGNORE INTO team (slug, name, first_seen) VALUES (?, ?, ?)",
                    (slug, name, _now()),
                )
                (owner,) = db.execute("SELECT name FROM team WHERE slug = ?", (slug,)).fetchone()
                same = owner.strip().casefold() == name.strip().casefold()  # 'Noord' and 'noord': one group
                (accepted if same else refused).append(slug if same else name)
        return tuple(dict.fromkeys(accepted)), refused

    def record(self, user: User, action: str, what: str, detail: str = "", team: str | None = None) -> None:
        """A trail line for something that changes no scenario (an export, an upload that was
        checked): under ``team``, else the user's first team; a user in no team leaves none."""
        if action not in TRAIL_ACTIONS:
            raise ValueError(f"unknown trail action {action!r}")
        if not user.teams:
            return
        chosen = _team_for(user, team)
        with self._connect(write=True) as db:
            _record(db, user, chosen, action, what[:200], detail[:500])


# ---------------------------------------------------------------- helpers

_CURRENT = """
SELECT s.team, s.stem, v.name, v.number, v.yaml, v.saved_at, v.saved_by, s.binned_at, s.binned_by, s.id,
  COALESCE(pv.name, v.saved_by), COALESCE(pb.name, s.binned_by, '')
FROM scenario s JOIN version v ON v.scenario_id = s.id
  AND v.number = (SELECT MAX(number) FROM version WHERE scenario_id = s.id)
LEFT JOIN person pv ON pv.id = v.saved_by
LEFT JOIN person pb ON pb.id = s.binned_by
"""


def _saved(row: tuple) -> Saved:
    team, stem, name, number, text, saved_at, saved_by, binned_at, binned_by, row_id, by_name, binned_name = (
        row
    )
    scenario, problem = _parsed(text, f"{stem}.yaml")
    return Saved(
        team,
        stem,
        name,
        number,
        text,
        saved_at,
        saved_by,
        scenario,
        problem,
        binned_at,
        binned_by,
        row_id,
        by_name,
        binned_name,
    )


def _live(db: sqlite3.Connection, team: str, stem: str) -> Saved:
    """The live scenario as this transaction sees it (what a change returns)."""
    row = db.execute(
        f"{_CURRENT} WHERE s.binned_at IS NULL AND s.team = ? AND s.stem = ?", (team, stem)
    ).fetchone()
    return _saved(row)


def _team_for(user: User, team: str | None) -> str:
    try:
        return writable_team(user, team)
    except AccessError as error:
        raise StoreError(Message(error.key)) from None


def _require(user: User, team: str) -> None:
    try:
        require_member(user, team)
    except AccessError as error:
        raise StoreError(Message(error.key)) from None


def _live_id(db: sqlite3.Connection, team: str, stem: str) -> int | None:
    row = db.execute(
        "SELECT id FROM scenario WHERE team = ? AND stem = ? AND binned_at IS NULL", (team, stem)
    ).fetchone()
    return None if row is None else int(row[0])


def _insert(
    db: sqlite3.Connection,
    user: User,
    team: str,
    stem: str,
    name: str,
    text: str,
    action: str,
    detail: str = "",
) -> None:
    try:
        cursor = db.execute("INSERT INTO scenario (team, stem) VALUES (?, ?)", (team, stem))
    except sqlite3.IntegrityError:  # another session saved this name a moment ago
        raise StoreError(Message("s_exists", name=name)) from None
    assert cursor.lastrowid is not None
    _add_version(db, user, cursor.lastrowid, stem, name, text)
    _record(db, user, team, action, stem, detail or "version 1")


def _add_version(
    db: sqlite3.Connection, user: User, scenario_id: int, stem: str, name: str, text: str
) -> int:
    (latest,) = db.execute(
        "SELECT COALESCE(MAX(number), 0) FROM version WHERE scenario_id = ?", (scenario_id,)
    ).fetchone()
    number = int(latest) + 1
    db.execute(
        "INSERT INTO version (scenario_id, number, name, stem, yaml, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (scenario_id, number, name, stem, text, _now(), user.id),
    )
    return number


def _latest(db: sqlite3.Connection, scenario_id: int) -> tuple[str, str]:
    """The newest version's name and text."""
    name, text = db.execute(
        "SELECT name, yaml FROM version WHERE scenario_id = ? ORDER BY number DESC LIMIT 1", (scenario_id,)
    ).fetchone()
    return str(name), str(text)


def _record(db: sqlite3.Connection, user: User, team: str, action: str, what: str, detail: str) -> None:
    db.execute(
        "INSERT INTO trail (at, user, team, action, scenario, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (_now(), user.id, team, action, what, detail),
    )
    db.execute(  # the name to show beside the id (the id is what the trail keeps)
        "INSERT INTO person (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        (user.id, user.name[:200]),
    )


def _from(action: str) -> str:
    return "" if action in ("save", "replace") else f", {action}"


def _name_of(text: str, stem: str) -> str:
    scenario, _ = _parsed(text, f"{stem}.yaml")
    return scenario.name if scenario is not None else stem


def _renamed_text(text: str, name: str) -> str:
    """The version's text with its scenario's name set to ``name`` (as saved text: a text
    that does not validate keeps its text, and only the row's name changes)."""
    scenario, _ = _parsed(text, "renamed.yaml")
    return text if scenario is None else dump_scenario(scenario.model_copy(update={"name": name}))


@contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """A full disk, a read-only folder, a locked database: a message in the page's language,
    not a crash."""
    try:
        yield
    except (StoreError, AccessError, ScenarioError):
        raise
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StoreError(Message("s_os_error", action=Message(action), reason=reason)) from None


# ---------------------------------------------------------------- the laptop's API
# The app and the tests call these with the signed-in user; without one they act as the
# laptop's single user (access.LOCAL_USER) on the default folder.


def list_saved(folder: Path | None = None, user: User = LOCAL_USER) -> list[Saved]:
    """The saved scenarios the user may see (``Store.scenarios``)."""
    return Store(folder).scenarios(user)


def save(
    scenario: Scenario,
    name: str,
    folder: Path | None = None,
    overwrite: bool = False,
    user: User = LOCAL_USER,
    team: str | None = None,
    action: str = "save",
) -> Saved:
    """Save for the user's team (``Store.save``); returns what was saved."""
    return Store(folder).save(user, scenario, name, team, overwrite, action)


def rename(
    stem: str, new_name: str, folder: Path | None = None, user: User = LOCAL_USER, team: str | None = None
) -> Saved:
    """Rename a scenario of the user's (first) team (``Store.rename``)."""
    return Store(folder).rename(user, team or _team_for(user, None), safe_stem(stem), new_name)


def delete(stem: str, folder: Path | None = None, user: User = LOCAL_USER, team: str | None = None) -> None:
    """Move a scenario of the user's (first) team to the bin (``Store.delete``)."""
    Store(folder).delete(user, team or _team_for(user, None), safe_stem(stem))


def parse_upload(content: bytes, filename: str = "upload.yaml") -> Scenario:
    """A scenario from uploaded bytes: size-capped, safe_load only, validated."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            filename, [("", Message("s_upload_size", size=len(content), max=MAX_UPLOAD_BYTES))]
        )
    return scenario_from_yaml(content, filename)
