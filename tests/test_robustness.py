"""Issue 11: inputs and events that must not stall a shared server. Each test failed on the
code before the fix (a hang, a crash, a silent wrong value or a cancelled run)."""

import os
import signal
import socket
import threading
import time
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from functools import partial

import pytest
import yaml

from simulator import experiment
from simulator import pool as pool_module
from simulator.cli import main
from simulator.experiment import run_replications
from simulator.scenario import ScenarioError, load_scenario, parse_yaml, scenario_from_dict, with_overrides
from simulator.schema import MAX_FILE_BYTES
from simulator.timeline import compile_plan
from tests.conftest import EXAMPLE, make_scenario, scenario_dict


def problems(data) -> dict[str, str]:
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(data, "test.yaml")
    return {path: message.text("en") for path, message in raised.value.problems}


def test_a_stay_cv_that_makes_the_draws_nan_is_refused():
    """stay_cv 1e-160 gave gamma shape 1e320 = inf, NaN stays, and an endless loop."""
    found = problems(scenario_dict({"home": {"stay_months": 3, "stay_cv": 1e-160, "initial": 5}}))
    assert "at least 0.05" in found["care_types.home.stay_cv"]


def test_booleans_and_texts_are_not_numbers():
    found = problems(scenario_dict({"home": {"stay_months": 3}}, replications=True, years="10"))
    assert "whole number" in found["replications"] and "True" in found["replications"]
    assert "whole number" in found["years"] and "'10'" in found["years"]
    found = problems(scenario_dict({"home": {"stay_months": "3", "out_of_home": "ja"}}))
    assert "expected a number" in found["care_types.home.stay_months"]
    assert "true or false" in found["care_types.home.out_of_home"]


def test_a_key_given_twice_is_refused_with_its_lines():
    text = "name: a\nstart: 2021-01\ncare_types:\n  home: {stay_months: 3}\nname: b\n"
    with pytest.raises(ScenarioError, match=r"'name' appears twice .*lines 1 and 5"):
        parse_yaml(text, "twice.yaml")
    assert yaml.safe_load(text)["name"] == "b", "plain YAML would keep the last one silently"


def test_deep_nesting_is_a_scenario_error_with_exit_code_2(tmp_path, capsys):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 20_000 + "]" * 20_000)
    assert main(["validate", str(deep)]) == 2
    err = capsys.readouterr().err
    assert "nested deeper" in err and "internal error" not in err


def test_devices_and_pipes_are_refused_without_reading(tmp_path):
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    outcome = []

    def load():  # opening a FIFO without a writer blocks for ever
        try:
            load_scenario(fifo)
        except ScenarioError as error:
            outcome.append(str(error))

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "loading a FIFO hung"
    assert outcome and "not a regular file" in outcome[0]


def test_an_oversized_file_is_refused_by_its_size(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (3 * MAX_FILE_BYTES))
    with pytest.raises(ScenarioError, match="3,000,000 bytes"):
        load_scenario(big)


def test_stays_that_policies_shorten_below_the_minimum_are_refused():
    data = scenario_dict(
        {"home": {"stay_months": 0.1, "inflow_per_year": 5}},
        policies=[
            {"name": "a", "from": "2022-01", "stay_factor": {"home": 0.5}},
            {"name": "b", "from": "2023-01", "stay_factor": {"home": 0.5}},
        ],
    )
    found = problems(data)
    assert list(found) == ["policies[1].stay_factor.home"]
    assert (
        "0.025 months" in found["policies[1].stay_factor.home"]
        and "2023-01" in found["policies[1].stay_factor.home"]
    )


def test_a_cycle_with_almost_no_way_out_is_refused():
    """JZ+ <-> residential with 1 in 100,000 leaving: the model ran for ever, the flow balance
    was singular (LinAlgError in the workshop)."""
    data = scenario_dict(
        {
            "residential": {"stay_months": 1, "inflow_per_year": 10, "outflow": {"jzplus": 1.0}},
            "jzplus": {"stay_months": 0.1, "outflow": {"residential": 0.99999, "exit": 0.00001}},
        }
    )
    found = problems(data)
    assert "200,000 times" in found["care_types.residential.outflow"]
    data["care_types"]["jzplus"]["outflow"] = {"residential": 0.9, "exit": 0.1}
    scenario_from_dict(data, "fine.yaml")  # 20 moves a youth: fine


def test_an_empty_out_flag_does_not_write_into_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["run", str(EXAMPLE), "--out", "", "--quiet"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert "current folder" in capsys.readouterr().err


def test_every_lever_starts_inside_its_slider_range():
    """A 3-day stay was below the stay slider's minimum of 0.25 months: the workshop crashed."""
    from simulator.levers import apply_levers, default_levers, ranges, to_params
    from simulator.settings import PRESETS_DIR

    short = make_scenario(
        {
            "home": {"stay_months": 0.1, "inflow_per_year": 20, "escalation_per_year": {"jzplus": 0.5}},
            "jzplus": {"stay_months": 0.03, "capacity": 3},
        }
    )
    for scenario in [short, *(load_scenario(p) for p in sorted(PRESETS_DIR.glob("*.yaml")))]:
        limits = ranges(scenario)
        for key, value in to_params(default_levers(scenario)).items():
            assert limits[key].low <= float(value) <= limits[key].high, (
                scenario.name,
                key,
                value,
                limits[key],
            )
    assert apply_levers(short, default_levers(short)) == short


# ---------------------------------------------------------------- the shared worker pool


@pytest.fixture
def fresh_pool():
    pool_module.shutdown_pool()
    yield
    pool_module.shutdown_pool()


def small_plan(seed_shift: int = 0):
    return compile_plan(
        make_scenario(
            {"jzplus": {"stay_months": 3, "inflow_per_year": 40, "initial": 10}}, years=2, seed=7 + seed_shift
        )
    )


def test_a_small_run_never_resizes_the_pool_under_a_big_one(fresh_pool, monkeypatch):
    """On a server with more cores than a run has replications the pool was resized, with
    cancel_futures=True: every other session's run was cancelled."""
    monkeypatch.setattr(pool_module, "available_cores", lambda: 4)
    big, small = small_plan(), small_plan(1)
    outcome: dict[str, object] = {}

    def big_run():
        try:
            outcome["big"] = run_replications(big, 24, big.scenario.seed)
        except (CancelledError, BrokenProcessPool, RuntimeError) as error:  # what a resize caused
            outcome["big"] = error

    thread = threading.Thread(target=big_run)
    thread.start()
    small_results = run_replications(small, 2, small.scenario.seed)
    thread.join()
    assert isinstance(outcome["big"], list), outcome["big"]
    serial = run_replications(big, 24, big.scenario.seed, workers=1)
    assert [r.exits for r in outcome["big"]] == [r.exits for r in serial]
    assert [r.exits for r in small_results] == [
        r.exits for r in run_replications(small, 2, small.scenario.seed, workers=1)
    ]


def test_the_pool_is_made_once_when_many_sessions_start_at_once(fresh_pool):
    pools, barrier = [], threading.Barrier(5)

    def first_load():
        barrier.wait()
        pools.append(pool_module.get_pool())

    threads = [threading.Thread(target=first_load) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(pool) for pool in pools}) == 1


def test_a_killed_worker_is_replaced_and_the_next_run_succeeds(fresh_pool, caplog):
    plan = small_plan()
    expected = [r.exits for r in run_replications(plan, 4, plan.scenario.seed, workers=1)]
    assert [r.exits for r in run_replications(plan, 4, plan.scenario.seed, workers=2)] == expected
    pool = pool_module.get_pool()
    victim = next(iter(pool._processes))  # what the out-of-memory killer does
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not pool._broken and time.monotonic() < deadline:  # the pool notices the death
        time.sleep(0.05)
    assert pool._broken
    with caplog.at_level("ERROR", logger="jeugdzorg_sim"):
        again = run_replications(plan, 4, plan.scenario.seed, workers=2)
    assert [r.exits for r in again] == expected
    assert pool_module.get_pool() is not pool, "a new pool replaced the broken one"
    assert any("worker process died" in record.message for record in caplog.records)


REAL_RUN_CHUNK = experiment._run_chunk  # what a worker (a fresh import) calls


def dies_the_first_time(marker, plan, run_numbers, seed, engine):
    """A chunk whose worker dies once, as under the out-of-memory killer. Workers start
    from a forkserver and do not see this test's changes: the marker travels with the call."""
    if not marker.exists():
        marker.touch()
        os._exit(1)
    return REAL_RUN_CHUNK(plan, run_numbers, seed, engine)


def test_a_worker_dying_mid_run_costs_that_run_nothing_but_time(fresh_pool, monkeypatch, tmp_path):
    """The first chunk's worker dies; the run still returns every replication, equal to a
    serial run (a new pool runs what was left)."""
    plan = small_plan()
    expected = [r.exits for r in run_replications(plan, 6, plan.scenario.seed, workers=1)]
    marker = tmp_path / "died-once"
    monkeypatch.setattr(experiment, "_run_chunk", partial(dies_the_first_time, marker))
    again = run_replications(plan, 6, plan.scenario.seed, workers=2)
    assert marker.exists() and [r.exits for r in again] == expected


def test_workers_hold_none_of_the_servers_connections(fresh_pool):
    """Workers forked from the server held a copy of every socket it had open. A browser
    connection the server closed (uvicorn's keep-alive timeout) then never ended, and the
    browser's next request on it, a typed page address, never got an answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    browser = socket.create_connection(listener.getsockname())
    server_side, _ = listener.accept()
    try:
        plan = small_plan()
        run_replications(plan, 4, plan.scenario.seed, workers=2)  # workers start now
        server_side.close()
        browser.settimeout(5)
        try:
            closed = browser.recv(1) == b""
        except TimeoutError:
            closed = False
        assert closed, "the browser must see the server close the connection"
    finally:
        browser.close()
        listener.close()


# ---------------------------------------------------------------- saves, lists and user text


def test_names_lose_control_and_bidi_characters():
    data = scenario_dict({"home": {"stay_months": 3, "label": "Thu\u200bis"}}, name="Plan\u202e A\x00")
    data["description"] = "eerste regel\ntweede\u2066 regel"
    scenario = scenario_from_dict(data, "x.yaml")
    assert scenario.name == "Plan A" and scenario.label("home") == "Thuis"
    assert scenario.description == "eerste regel\ntweede regel"


def test_windows_reserved_names_are_refused(example, tmp_path, monkeypatch):
    from simulator import settings, store

    monkeypatch.setenv(settings.SAVED_VARIABLE, str(tmp_path))
    for name in ("CON", "nul", "Com1", "lpt9"):
        with pytest.raises(store.StoreError, match="reserved on Windows"):
            store.save(example, name)
    assert store.save(example, "console").file_name == "console.yaml"


def test_a_store_that_cannot_be_written_is_a_message_in_the_pages_language(example, tmp_path, monkeypatch):
    """A full disk, a read-only folder, a locked database: SQLite's error becomes a message in
    the page's language, and nothing is half-saved."""
    import sqlite3

    from simulator import settings, store

    monkeypatch.setenv(settings.SAVED_VARIABLE, str(tmp_path))
    store.save(example, "Bewaard")
    real_connect = sqlite3.connect

    class Full:
        def __init__(self, *args, **kwargs):
            self.inner = real_connect(*args, **kwargs)

        def execute(self, sql, *args):
            if sql.lstrip().upper().startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.inner.execute(sql, *args)

        def executescript(self, sql):
            return self.inner.executescript(sql)

        def close(self):
            self.inner.close()

    monkeypatch.setattr(store.sqlite3, "connect", Full)
    with pytest.raises(store.StoreError) as raised:
        store.save(example, "Nieuw")
    assert raised.value.text.text("nl") == "Opslaan is niet gelukt: database or disk is full"
    assert raised.value.text.text("en") == "Saving failed: database or disk is full"
    with pytest.raises(store.StoreError, match="Deleting failed"):
        store.delete("bewaard")  # its trail line cannot be written: the delete is undone as well
    monkeypatch.setattr(store.sqlite3, "connect", real_connect)
    assert [item.stem for item in store.list_saved()] == ["bewaard"], "nothing half-saved, nothing lost"


def test_the_saved_list_validates_only_texts_that_changed(example, tmp_path, monkeypatch):
    from simulator import settings, store

    monkeypatch.setenv(settings.SAVED_VARIABLE, str(tmp_path))
    store._parsed.cache_clear()
    for k in range(5):
        store.save(example, f"Plan {k}")
    loads = []
    real = store.scenario_from_yaml
    monkeypatch.setattr(
        store, "scenario_from_yaml", lambda text, source: loads.append(source) or real(text, source)
    )
    assert len(store.list_saved()) == 5 and len(loads) == 0, "what was saved was validated when it was saved"
    store._parsed.cache_clear()
    assert len(store.list_saved()) == 5 and len(loads) == 5
    assert len(store.list_saved()) == 5 and len(loads) == 5, "nothing changed: nothing validated again"
    store.save(with_overrides(example, years=3), "Plan 2", overwrite=True)
    listed = {item.stem: item.scenario for item in store.list_saved()}
    assert len(loads) == 6 and listed["plan-2"].years == 3


def test_user_text_is_shown_as_text_not_markdown(tmp_path, monkeypatch):
    from tests.test_app import start
    from ui.common import plain

    assert plain("![x](http://host/p.png) **vet** :red[rood]") == (
        r"\!\[x\]\(http\:\/\/host/p\.png\) \*\*vet\*\* \:red\[rood\]"
    ).replace(r"\/", "/")
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(name="Spoor", description="Zie ![x](http://host/p.png) en **dit**", region="<b>Noord</b>")
    (tmp_path / "spoor.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    monkeypatch.setenv("JZSIM_SCENARIOS", str(tmp_path))
    at = start({"scenario": "spoor"})
    shown = " ".join([*(m.value for m in at.markdown), *(e.label for e in at.expander)])
    assert (
        r"\!\[x\]\(http\:" in shown
        and r"\*\*dit\*\*" in shown
        and r"\<b\>Noord\<\/b\>".replace(r"\/", "/") in shown
    )
    assert "![x](" not in shown


def test_workers_forked_from_the_app_do_not_ignore_sigterm(fresh_pool):
    """Streamlit's SIGTERM handler (here: one that ignores the signal) was inherited by the
    forked workers, so SIGTERM never ended them and a stopped server left them running."""
    previous = signal.signal(signal.SIGTERM, lambda *args: None)
    try:
        pool = pool_module.get_pool(2)
        plan = small_plan()
        run_replications(plan, 4, plan.scenario.seed, workers=2)  # the workers exist
        workers = list(pool._processes.values())
        for worker in workers:
            os.kill(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.join(timeout=10)
        assert all(not worker.is_alive() for worker in workers)
    finally:
        signal.signal(signal.SIGTERM, previous)
