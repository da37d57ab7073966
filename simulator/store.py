"""Saved scenarios: a folder of YAML files that users write from the app.

- Names become safe file names (``safe_stem``): lowercase letters, digits and dashes, no path
  parts, so no name can write outside the folder.
- A scenario the app offers (a file in ``settings.scenario_dir()``) is never overwritten: its
  name is refused.
- Writes are atomic (``files.write_file``): of two sessions saving the same new name at the
  same moment one wins and the other is told the name is taken; nobody ever sees half a file.
- Uploads are capped in size and parsed with ``yaml.safe_load`` behind an alias-expansion cap
  (``scenario.parse_yaml``); a broken upload raises ``ScenarioError`` with the field and saves
  nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from simulator.files import write_file
from simulator.i18n import Message
from simulator.scenario import (
    Scenario,
    ScenarioError,
    dump_scenario,
    load_scenario,
    load_scenario_cached,
    scenario_from_yaml,
)
from simulator.settings import saved_dir, scenario_dir

MAX_UPLOAD_BYTES = 64_000  # a scenario is a few KB
MAX_STEM = 60


class StoreError(ValueError):
    """A save, rename or delete that cannot be done; ``message`` is a Message (nl/en)."""

    def __init__(self, message: Message):
        self.text = message
        super().__init__(str(message))


def preset_stems(folder: Path | None = None) -> set[str]:
    """Names of the scenarios the app offers (``settings.scenario_dir``): never saved over."""
    return {p.stem for p in (folder or scenario_dir()).glob("*.yaml")}


# Names Windows cannot use as a file name (a share mounted from Windows, a copied folder).
RESERVED_STEMS = {"con", "prn", "aux", "nul"} | {
    f"{port}{k}" for port in ("com", "lpt") for k in range(1, 10)
}


def safe_stem(name: str) -> str:
    """'Zuid-West: -5%/jaar (versie 2)' -> 'zuid-west-5-jaar-versie-2'. Accents are dropped,
    anything but letters and digits becomes one dash; '../x' cannot survive."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_STEM].strip("-")
    if not stem:
        raise StoreError(Message("s_empty_name"))
    if stem in RESERVED_STEMS:
        raise StoreError(Message("s_reserved", name=stem))
    return stem


@contextmanager
def _file_system(action: str) -> Iterator[None]:
    """A full disk, a read-only folder, a vanished file: a message in the page's language,
    not a crash."""
    try:
        yield
    except StoreError:
        raise
    except OSError as error:
        raise StoreError(
            Message("s_os_error", action=Message(action), reason=error.strerror or str(error))
        ) from None


@dataclass
class Saved:
    """A file in the saved folder; ``scenario`` None and ``problem`` the error when it does not
    validate."""

    stem: str
    path: Path
    scenario: Scenario | None  # None when the file does not validate
    problem: str | None


def list_saved(folder: Path | None = None) -> list[Saved]:
    """Every saved scenario in ``folder`` (default ``settings.saved_dir()``) by file name,
    invalid ones included."""
    folder = folder or saved_dir()
    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            out.append(Saved(path.stem, path, load_scenario_cached(path), None))
        except ScenarioError as error:
            out.append(Saved(path.stem, path, None, error.message()))
    return out


def _write_new(text: str, path: Path, overwrite: bool) -> None:
    try:
        write_file(path, text, exclusive=not overwrite)
    except FileExistsError:
        raise StoreError(Message("s_exists", name=path.stem)) from None


def save(scenario: Scenario, name: str, folder: Path | None = None, overwrite: bool = False) -> Path:
    """Save under ``name`` (which also becomes the scenario's name); returns the path."""
    folder = folder or saved_dir()
    stem = safe_stem(name)
    if stem in preset_stems():  # never overwritten, and the picker must not show two of a name
        raise StoreError(Message("s_preset", name=stem))
    named = scenario.model_copy(update={"name": name.strip()[:200] or stem})
    path = folder / f"{stem}.yaml"
    with _file_system("s_action_save"):
        _write_new(dump_scenario(named), path, overwrite)
    return path


def rename(stem: str, new_name: str, folder: Path | None = None) -> Path:
    """Save the scenario of ``stem`` under ``new_name`` and remove the old file; returns the
    new path."""
    folder = folder or saved_dir()
    path = folder / f"{safe_stem(stem)}.yaml"
    if not path.exists():
        raise StoreError(Message("s_missing", name=stem))
    scenario = load_scenario(path)
    new_path = save(scenario, new_name, folder, overwrite=safe_stem(new_name) == path.stem)
    if new_path != path:
        with _file_system("s_action_rename"):
            path.unlink()
    return new_path


def delete(stem: str, folder: Path | None = None) -> None:
    """Remove the saved scenario file of ``stem``; StoreError when there is none."""
    path = (folder or saved_dir()) / f"{safe_stem(stem)}.yaml"
    if not path.exists():
        raise StoreError(Message("s_missing", name=stem))
    with _file_system("s_action_delete"):
        path.unlink()


def parse_upload(content: bytes, filename: str = "upload.yaml") -> Scenario:
    """A scenario from uploaded bytes: size-capped, safe_load only, validated."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            filename, [("", Message("s_upload_size", size=len(content), max=MAX_UPLOAD_BYTES))]
        )
    return scenario_from_yaml(content, filename)
