"""Atomic writes (simulator.files) and the settings that move folders (simulator.settings)."""

import os
import threading

import pytest

from simulator import files, settings, store
from simulator.files import FolderError, replace_problem, write_file, write_folder


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_folder_is_written_whole_and_replaced_whole(tmp_path):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "1", "b.json": b"{}"})
    assert listing(out) == [files.MARKER, "a.csv", "b.json"]
    assert (out / files.MARKER).read_text().split() == ["a.csv", "b.json"]
    write_folder(out, {"a.csv": "2", "c.png": b"png"})  # another run: its own files only
    assert listing(out) == [files.MARKER, "a.csv", "c.png"] and (out / "a.csv").read_text() == "2"
    assert listing(tmp_path) == ["run"], "no staging or old folder is left behind"


def test_a_folder_with_other_files_is_refused_and_left_as_it_is(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    (home / "monthly.csv").write_text("an old run")
    problem = replace_problem(home, ["monthly.csv", "yearly.csv"])
    assert "thesis.docx" in problem and "did not write" in problem
    with pytest.raises(FolderError, match=r"thesis\.docx"):
        write_folder(home, {"monthly.csv": "new", "yearly.csv": "new"})
    assert (
        listing(home) == ["monthly.csv", "thesis.docx"] and (home / "monthly.csv").read_text() == "an old run"
    )
    assert listing(tmp_path) == ["home"]
    # A file added to a folder this tool wrote is refused the same way, never deleted.
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "1"})
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FolderError, match=r"notes\.txt"):
        write_folder(out, {"a.csv": "2"})
    assert (out / "notes.txt").read_text() == "mine"


def test_an_earlier_versions_output_folder_is_replaced(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "monthly.csv").write_text("old")
    assert replace_problem(out, ["monthly.csv", "yearly.csv"]) is None
    write_folder(out, {"monthly.csv": "new", "yearly.csv": "new"})
    assert (out / "monthly.csv").read_text() == "new"


def test_the_current_folder_is_never_renamed_away(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "1"})
    monkeypatch.chdir(out)
    with pytest.raises(FolderError, match="current folder"):
        write_folder(".", {"a.csv": "2"})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FolderError, match="current folder"):
        write_folder(tmp_path, {"a.csv": "2"})
    assert (out / "a.csv").read_text() == "1"


def test_a_link_to_a_folder_stays_a_link(tmp_path):
    target = tmp_path / "target"
    write_folder(target, {"a.csv": "1"})
    link = tmp_path / "link"
    link.symlink_to(target)
    write_folder(link, {"a.csv": "2"})
    assert link.is_symlink() and (target / "a.csv").read_text() == "2"


def test_two_writers_of_one_folder_take_turns(tmp_path):
    out = tmp_path / "run"
    errors = []

    def writer(k: int) -> None:
        for round_ in range(40):
            try:
                write_folder(out, {"a.csv": f"{k}.{round_}", "b.csv": f"{k}.{round_}"})
            except (OSError, ValueError) as error:  # what a lost race would raise
                errors.append(repr(error))

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert (out / "a.csv").read_text() == (out / "b.csv").read_text()
    assert listing(tmp_path) == ["run"]


def test_a_crash_mid_way_leaves_the_previous_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "old a", "b.csv": "old b"})
    real_write = files._write
    calls = []

    def dies_on_the_second_file(path, content):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(path, content)

    monkeypatch.setattr(files, "_write", dies_on_the_second_file)
    with pytest.raises(OSError, match="No space"):
        write_folder(out, {"a.csv": "new a", "b.csv": "new b"})
    assert (out / "a.csv").read_text() == "old a" and (out / "b.csv").read_text() == "old b"
    assert listing(tmp_path) == ["run"]


def test_a_crash_at_the_swap_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "old"})
    real_rename = os.rename

    def fails_to_move_the_new_folder_in(src, dst):
        if str(src).endswith(".new"):
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", fails_to_move_the_new_folder_in)
    with pytest.raises(OSError, match="Input/output"):
        write_folder(out, {"a.csv": "new"})
    assert (out / "a.csv").read_text() == "old"
    assert listing(tmp_path) == ["run"]


def test_a_reader_never_sees_a_mixture_of_two_runs(tmp_path):
    """While one writer replaces the folder again and again, a reader finds the files of one
    run only (or, between the two renames of a replacement, no folder)."""
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "0", "b.csv": "0"})
    stop = threading.Event()
    seen = []

    def writer():
        for k in range(1, 200):
            write_folder(out, {"a.csv": str(k), "b.csv": str(k)})
        stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not stop.is_set():
        try:
            a, b = (out / "a.csv").read_text(), (out / "b.csv").read_text()
        except FileNotFoundError:
            continue
        seen.append((a, b))
    thread.join()
    assert seen, "the reader read something"
    mixtures = [pair for pair in seen if pair[0] != pair[1]]
    # Reading two files is not one step: a replacement may fall between the two reads. It can
    # then only pair a run with a later one, never with an earlier one or a half-written file.
    assert all(int(a) < int(b) for a, b in mixtures), mixtures[:3]


def test_a_file_name_with_a_path_is_refused(tmp_path):
    with pytest.raises(ValueError, match="plain file name"):
        write_folder(tmp_path / "run", {"../escape.csv": "x"})
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "run").exists()


def test_exclusive_write_refuses_a_taken_name(tmp_path):
    path = write_file(tmp_path / "s.yaml", "first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_file(path, "second", exclusive=True)
    assert path.read_text() == "first"
    assert path.stat().st_mode & 0o777 == 0o666 & ~files._UMASK
    path.chmod(0o600)  # a private file stays private when written over
    write_file(path, "third")
    assert path.read_text() == "third" and path.stat().st_mode & 0o777 == 0o600
    assert listing(tmp_path) == ["s.yaml"]


def test_a_moved_scenario_folder_protects_its_own_presets(tmp_path, monkeypatch, example):
    """JZSIM_SCENARIOS moves the scenarios the app offers; their names can then not be saved
    over, and the repository's presets no longer block a name."""
    deployment = tmp_path / "deployment"
    deployment.mkdir()
    (deployment / "regio-noord.yaml").write_text("name: x\n")
    monkeypatch.setenv(settings.SCENARIOS_VARIABLE, str(deployment))
    monkeypatch.setenv(settings.SAVED_VARIABLE, str(tmp_path / "saved"))
    with pytest.raises(store.StoreError, match="regio-noord"):
        store.save(example, "Regio Noord")
    saved = store.save(example, "Zuid-West JeugdzorgPlus")  # a repository preset's name
    assert saved.stem == "zuid-west-jeugdzorgplus" and (tmp_path / "saved" / store.DATABASE).exists()


def test_the_umask_is_read_without_setting_it():
    mask = os.umask(0o027)
    try:
        assert files._read_umask() == 0o027
    finally:
        os.umask(mask)
