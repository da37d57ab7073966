"""Atomic writes: a reader (another session, a user's file browser, a crash) sees the old
content or the new, never half of it.

- ``write_file``: one file, written under a temporary name beside it, flushed to disk and then
  renamed into place (``os.replace``); with ``exclusive=True`` it is linked into place instead
  (``os.link`` fails if the name is taken, so of two writers of one new name exactly one wins).
- ``write_folder``: a run's files, written into a new folder beside the target, which then
  takes the target's place. The folder belongs to the run: a file ``.jeugdzorg-sim`` in it
  lists what was written, and a folder holding anything else is refused, never emptied
  (``replace_problem``), so ``--out ~`` cannot cost anyone their files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

if sys.platform != "win32":  # no flock on Windows: writers of one folder are then not serialised
    import fcntl

MARKER = ".jeugdzorg-sim"  # in every folder write_folder makes: the names it wrote, one per line


class FolderError(ValueError):
    """A folder that ``write_folder`` may not replace; the message says why, for the user."""


def _read_umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only be
    read by setting it, which is not thread-safe in a server)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _write(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a crash right after it keeps it)."""
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file(path: str | Path, content: str | bytes, exclusive: bool = False) -> Path:
    """Write one file atomically; ``exclusive`` raises FileExistsError if ``path`` exists.
    A file written over keeps its permissions; a new one gets the umask's."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        _write(Path(tmp), content)
        mode = path.stat().st_mode & 0o7777 if path.exists() and not exclusive else 0o666 & ~_UMASK
        os.chmod(tmp, mode)  # mkstemp makes 0600
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
        _sync_folder(path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _written_by_us(folder: Path) -> set[str] | None:
    """The names a previous ``write_folder`` wrote into ``folder``; None if it made none."""
    try:
        return set((folder / MARKER).read_text(encoding="utf-8").split())
    except (FileNotFoundError, NotADirectoryError):
        return None


def replace_problem(out: str | Path, names: Collection[str] | None = None) -> str | None:
    """Why ``write_folder(out, files)`` may not put a new folder in ``out``'s place, or None.

    Allowed: a missing or empty folder, one that ``write_folder`` made (its other files are
    the previous run's), and one that holds only files named in ``names`` (output of an
    earlier version). ``names`` None skips that last test (the names are not known yet)."""
    out = Path(out).resolve()
    if not out.exists():
        return None
    if not out.is_dir():
        return "exists and is not a folder"
    here = Path.cwd().resolve()
    if here == out or out in here.parents:
        return "is the current folder or holds it; give a folder beside or below it"
    ours = _written_by_us(out)
    allowed = (ours | {MARKER}) if ours is not None else set(names) if names is not None else None
    if allowed is None:
        return None
    others = sorted(entry.name for entry in out.iterdir() if entry.name not in allowed)
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        return f"holds files this tool did not write ({shown}); give a new or empty folder"
    return None


@contextlib.contextmanager
def _one_writer_at_a_time(parent: Path) -> Iterator[None]:
    """An exclusive lock on the parent folder: two writers of one output folder (two
    sessions, two processes) take turns instead of renaming it away from each other."""
    if sys.platform == "win32":
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_folder(out: str | Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (name -> content) as the folder ``out``, all or none.

    The files go into a new folder beside ``out``, which is then renamed to ``out`` (the old
    one renamed away first). A crash before that leaves ``out`` as it was; between the two
    renames a reader finds no ``out`` rather than a mixture. Raises ``FolderError`` when
    ``out`` holds files this tool did not write (``replace_problem``)."""
    for name in files:
        if Path(name).name != name or name == MARKER:
            raise ValueError(f"not a plain file name: {name!r}")
    out = Path(out).resolve()  # a symlink: the folder it points to is replaced, not the link
    out.parent.mkdir(parents=True, exist_ok=True)
    with _one_writer_at_a_time(out.parent):
        problem = replace_problem(out, files)
        if problem:
            raise FolderError(f"{out}: {problem}")
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
        old = staging.with_suffix(".old")
        try:
            for name, content in files.items():
                _write(staging / name, content)
            _write(staging / MARKER, "".join(f"{name}\n" for name in sorted(files)))
            mode = out.stat().st_mode & 0o7777 if out.exists() else 0o777 & ~_UMASK
            os.chmod(staging, mode)  # mkdtemp makes 0700
            _sync_folder(staging)
            previous = _written_by_us(out) if out.exists() else None
            if out.exists():
                os.rename(out, old)
            os.rename(staging, out)
            _sync_folder(out.parent)
        except BaseException:
            if old.exists() and not out.exists():  # put the previous run back
                os.rename(old, out)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if old.exists():
            _remove_previous(old, (previous or set()) | set(files) | {MARKER}, out)
    return out


def _remove_previous(old: Path, known: set[str], out: Path) -> None:
    """Delete the previous run's files; anything else (a file someone added in the instant
    between the check and the rename) moves into the new folder instead of being lost."""
    for entry in old.iterdir():
        if entry.name in known and not entry.is_dir():
            entry.unlink()
        elif not (out / entry.name).exists():
            os.rename(entry, out / entry.name)
    with contextlib.suppress(OSError):  # still holds a name both folders have: leave it
        old.rmdir()
