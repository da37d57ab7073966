"""Atomic writes: a reader (another session, a user's file browser, a crash) sees the old
content or the new, never half of it.

- ``write_file``: one file, written under a temporary name beside it, flushed to disk and then
  renamed into place (``os.replace``); with ``exclusive=True`` it is linked into place instead
  (``os.link`` fails if the name is taken, so of two writers of one new name exactly one wins).
- ``write_folder``: a run's files, written into a new folder beside the target, which then
  takes the target's place. Other files already in the target are carried over.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _write(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_file(path: str | Path, content: str | bytes, exclusive: bool = False) -> Path:
    """Write one file atomically; ``exclusive`` raises FileExistsError if ``path`` exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        _write(Path(tmp), content)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a saved file reads like any other
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def write_folder(out: str | Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (name -> content) as the folder ``out``, all or none.

    The files go into a temporary folder beside ``out``; entries of an existing ``out`` that
    are not rewritten are carried over (files as hard links, sub-folders moved), and then the
    new folder is renamed to ``out``. A crash before that rename leaves ``out`` as it was; between
    the two renames of a replacement a reader finds no ``out`` rather than a mixture.
    """
    out = Path(out)
    if out.is_symlink():  # replace the folder it points to, not the link
        out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    old = staging.with_suffix(".old")
    try:
        for name, content in files.items():
            if Path(name).name != name:
                raise ValueError(f"not a plain file name: {name!r}")
            _write(staging / name, content)
        if out.exists():
            os.chmod(staging, out.stat().st_mode & 0o7777)
            for entry in out.iterdir():
                if entry.name in files:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    os.rename(entry, staging / entry.name)
                else:
                    os.link(entry, staging / entry.name, follow_symlinks=False)
            os.rename(out, old)
        else:
            os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, out)
    except BaseException:
        if old.exists() and not out.exists():  # put the old folder back
            os.rename(old, out)
        if out.exists():  # sub-folders moved to staging go home
            for entry in staging.iterdir() if staging.exists() else ():
                if entry.is_dir() and not entry.is_symlink() and not (out / entry.name).exists():
                    os.rename(entry, out / entry.name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return out


def _read_umask() -> int:
    # Read once, at import: os.umask can only be read by setting it, which is not thread-safe.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _umask() -> int:
    return _UMASK
