"""The shared pool between sessions: turns, cancellation, chunk sizes and the health check.

Sessions of the app are owners of runs (``run_in_stages(owner=...)``); these tests run two
owners at once in threads, as two browser sessions do.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

import pytest

from simulator import experiment
from simulator import pool as pool_module
from simulator.budget import estimate
from simulator.experiment import CHUNK_STAYS, RunCancelledError, _chunks, health_check, run_in_stages
from simulator.scenario import load_scenario, with_overrides
from simulator.settings import PRESETS_DIR
from simulator.timeline import compile_plan
from tests.conftest import make_scenario

HEAVY = with_overrides(load_scenario(PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml"), replications=24)
LONGER = with_overrides(HEAVY, replications=48)  # long enough that a light run ends well before it
LIGHT = make_scenario({"jzplus": {"stay_months": 3, "inflow_per_year": 40, "initial": 10}}, years=2)


@pytest.fixture
def fresh_pool():
    pool_module.shutdown_pool()
    yield
    pool_module.shutdown_pool()


def timed_run(scenario, owner, out: dict, **kwargs) -> None:
    """A run in stages, timed. On the reference engine unless told otherwise: these tests
    are about turns and cancellation, and need the heavy run to last seconds."""
    kwargs.setdefault("engine", "simpy")
    started = time.perf_counter()
    try:
        out["results"] = run_in_stages([scenario], 0, owner=owner, **kwargs)
    except RunCancelledError as error:
        out["error"] = error
    out["seconds"] = time.perf_counter() - started
    out["ended"] = time.perf_counter()


def one_replication_seconds(scenario, engine: str = "simpy") -> float:
    plan = compile_plan(scenario)
    started = time.perf_counter()
    experiment.run_replication(plan, 0, engine=engine)
    return time.perf_counter() - started


def test_chunks_are_small_enough_to_take_turns():
    plan = compile_plan(HEAVY)
    stays = estimate(plan).stays
    chunks = _chunks(list(range(40)), 2, stays)
    assert sorted(k for chunk in chunks for k in chunk) == list(range(40))
    assert max(len(chunk) for chunk in chunks) * stays <= max(CHUNK_STAYS, stays)
    small = _chunks(list(range(100)), 2, 50.0)  # tiny replications: a few chunks per worker
    assert len(small) == 8 and sum(map(len, small)) == 100


def test_a_light_session_is_answered_while_a_heavy_one_runs(fresh_pool):
    """Before the turns, the light run waited behind every chunk of the heavy one (the whole
    heavy run). Now it waits at most one chunk per turn: with its chunks served in every
    other turn, it is done within (its chunks + 1) heavy chunks plus its own time, far
    before the heavy run ends. Both on the reference engine: the hybrid ends the heavy run
    before the light one has had its turns."""
    pool_module.get_pool(2)
    heavy_chunk = one_replication_seconds(HEAVY)  # a heavy chunk is one replication (see above)
    light_alone: dict = {}
    timed_run(LIGHT, "light", light_alone)
    heavy, light = {}, {}
    thread = threading.Thread(target=timed_run, args=(LONGER, "heavy", heavy))
    thread.start()
    time.sleep(1.0)  # the heavy run holds both workers and has a long line
    timed_run(LIGHT, "light", light)
    thread.join()
    light_chunks = len(_chunks(list(range(LIGHT.replications)), 2, estimate(LIGHT).stays))
    bound = (light_chunks + 1) * heavy_chunk + light_alone["seconds"] + 1.0
    assert light["seconds"] <= bound, (light["seconds"], bound)
    assert light["ended"] < heavy["ended"] - 1.0, "the heavy run was still going"
    assert len(heavy["results"][0].replications) == LONGER.replications


def test_a_newer_run_of_the_same_session_replaces_the_older(fresh_pool):
    """A moved slider starts a new run while the old one still waits (Streamlit's fast
    reruns): the old run's chunks leave the line at once instead of running for nobody."""
    pool_module.get_pool(2)
    old: dict = {}
    thread = threading.Thread(target=timed_run, args=(LONGER, "session-1", old))
    thread.start()
    time.sleep(1.0)
    new = run_in_stages([LIGHT], 0, owner="session-1")
    thread.join(timeout=10 * one_replication_seconds(HEAVY) + 5)
    assert isinstance(old.get("error"), RunCancelledError)
    assert old["seconds"] < 1.0 + 3 * one_replication_seconds(HEAVY) + 2.0
    assert pool_module.LINE.waiting() == 0 and len(new[0].replications) == LIGHT.replications


def test_a_run_whose_session_ended_stops_and_frees_the_workers(fresh_pool):
    pool_module.get_pool(2)
    ended = threading.Event()
    out: dict = {}
    # LONGER: on a fast machine HEAVY's chunks end within a poll, and it ended in 2.3 s (CI).
    thread = threading.Thread(
        target=timed_run, args=(LONGER, "gone", out), kwargs={"cancelled": ended.is_set}
    )
    thread.start()
    time.sleep(1.0)
    ended.set()  # the browser tab closed
    thread.join(timeout=60)
    assert isinstance(out.get("error"), RunCancelledError)
    limit = 1.0 + experiment.POLL_SECONDS + one_replication_seconds(HEAVY) + 1.0
    assert out["seconds"] < limit, (out["seconds"], limit)
    assert pool_module.LINE.waiting() == 0


def test_a_run_given_up_stops_even_when_its_chunks_end_within_a_poll():
    """A chunk that is already done when the run is given up: on a fast machine they all
    are, and the run went on to its last chunk."""
    done: Future = Future()
    done.set_result([])
    assert experiment._wait(done, lambda: False) == []
    with pytest.raises(RunCancelledError):
        experiment._wait(done, lambda: True)


def test_a_server_stop_drops_the_line_and_starts_no_new_pool(fresh_pool, monkeypatch):
    """Two sessions' runs in line when the server stops: both end, nothing waits, and no new
    pool starts for the chunk that was next in turn (whose processes outlived the server)."""
    monkeypatch.setattr(pool_module, "_stopped", False, raising=False)  # restored after the test
    pool_module.get_pool(2)
    outs: list[dict] = [{}, {}]
    threads = [threading.Thread(target=timed_run, args=(LONGER, f"user-{k}", outs[k])) for k in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    pool_module.shutdown_pool(grace_seconds=1.0)
    for thread in threads:
        thread.join(timeout=30)
    assert all(not thread.is_alive() for thread in threads)
    assert all("results" not in out for out in outs), "a run went on after the stop"
    assert pool_module._pool is None and pool_module.LINE.waiting() == 0
    with pytest.raises(RuntimeError, match="stopping"):
        pool_module.get_pool()


def test_the_health_check_runs_a_replication_and_reports_a_dead_pool(fresh_pool, monkeypatch):
    found = health_check()
    assert found.ok and found.workers >= 1 and found.error == ""

    def no_workers(*args, **kwargs):
        raise OSError(12, "Cannot allocate memory")  # fork failed

    pool_module.shutdown_pool()
    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", no_workers)
    found = health_check(timeout=5)
    assert not found.ok and "Cannot allocate memory" in found.error


def test_the_health_check_fails_when_no_worker_answers(fresh_pool, monkeypatch):
    monkeypatch.setattr(experiment, "_run_chunk", sleeps_too_long)
    found = health_check(timeout=1)
    assert not found.ok and "no worker answered within 1 s" in found.error


def sleeps_too_long(plan, run_numbers, seed):
    """A hung worker."""
    time.sleep(5)
    return []


def test_sessions_asking_for_the_same_setting_share_one_run(monkeypatch):
    """A workshop opens on the same scenario on every laptop: five first loads made five
    identical runs at once (first page 90 s in the load benchmark). Now the later sessions
    wait for the first one's answer."""
    from ui import common

    common.run_cache().clear()
    calls, barrier = [], threading.Barrier(3)
    real = common.run_in_stages

    def counted(scenarios, *args, **kwargs):
        calls.append(len(scenarios))
        return real(scenarios, *args, **kwargs)

    monkeypatch.setattr(common, "run_in_stages", counted)
    scenario = with_overrides(LIGHT, seed=11)
    answers: list = []

    def session() -> None:
        barrier.wait()
        answers.append(common.run_all([scenario])[0])

    threads = [threading.Thread(target=session) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert calls == [1] and len(answers) == 3 and all(a is answers[0] for a in answers)
    assert not common._computing


def test_a_session_waiting_for_a_run_that_is_given_up_runs_it_itself(monkeypatch):
    from ui import common

    common.run_cache().clear()
    scenario = with_overrides(LIGHT, seed=12)
    key = experiment.scenario_key(scenario)
    other = threading.Event()
    common._computing[key] = other  # another session's run of the same setting ...
    threading.Timer(0.5, lambda: (common._computing.pop(key), other.set())).start()  # ... given up
    (answer,) = common.run_all([scenario])
    assert answer.replications == scenario.replications and key in common.run_cache()
