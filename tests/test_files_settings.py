"""Atomic writes (simulator.files) and the settings that move folders (simulator.settings)."""

import os
import threading

import pytest

from simulator import files, settings, store
from simulator.files import write_file, write_folder


def test_a_folder_is_written_whole_and_other_files_stay(tmp_path):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "1", "b.json": b"{}"})
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.json"]
    (out / "notes.txt").write_text("mine")
    (out / "png").mkdir()
    (out / "png" / "chart.png").write_bytes(b"png")
    write_folder(out, {"a.csv": "2", "b.json": b"[]"})
    assert (out / "a.csv").read_text() == "2" and (out / "b.json").read_bytes() == b"[]"
    assert (out / "notes.txt").read_text() == "mine" and (out / "png" / "chart.png").read_bytes() == b"png"
    assert [p.name for p in tmp_path.iterdir()] == ["run"], "no staging folder is left behind"


def test_a_crash_mid_way_leaves_the_previous_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "old a", "b.csv": "old b"})
    (out / "png").mkdir()
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
    assert (out / "png").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_crash_at_the_swap_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_folder(out, {"a.csv": "old"})
    (out / "png").mkdir()
    real_rename = os.rename

    def fails_to_move_the_new_folder_in(src, dst):
        if str(src).endswith(".new"):
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", fails_to_move_the_new_folder_in)
    with pytest.raises(OSError, match="Input/output"):
        write_folder(out, {"a.csv": "new"})
    assert (out / "a.csv").read_text() == "old" and (out / "png").is_dir()


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
    write_file(path, "third")
    assert path.read_text() == "third"
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]
    assert path.stat().st_mode & 0o777 == 0o666 & ~files._UMASK


def test_a_moved_scenario_folder_protects_its_own_presets(tmp_path, monkeypatch, example):
    """JZSIM_SCENARIOS moves the scenarios the app offers; their names can then not be saved
    over, and the repository's presets no longer block a name."""
    deployment = tmp_path / "deployment"
    deployment.mkdir()
    (deployment / "regio-noord.yaml").write_text("name: x\n")
    monkeypatch.setenv(settings.SCENARIOS_VARIABLE, str(deployment))
    monkeypatch.delenv(settings.SAVED_VARIABLE, raising=False)
    assert settings.saved_dir() == deployment / "saved"
    with pytest.raises(store.StoreError, match="regio-noord"):
        store.save(example, "Regio Noord")
    path = store.save(example, "Zuid-West JeugdzorgPlus")  # a repository preset's name
    assert path.parent == deployment / "saved"
