"""The store of saved scenarios (teams, versions, bin, trail, concurrency) and the access rules."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from simulator import access, settings, store
from simulator.access import User
from simulator.levers import apply_levers, default_levers
from simulator.scenario import load_scenario, scenario_from_yaml, with_overrides
from simulator.settings import PRESETS_DIR
from tests.conftest import EXAMPLE

NOORD = User("a@noord.nl", "Anne", ("noord",))
ZUID = User("b@zuid.nl", "Bram", ("zuid",))
BEIDE = User("c@regio.nl", "Cor", ("zuid", "noord"))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    monkeypatch.setenv(settings.SAVED_VARIABLE, str(saved))
    return saved


@pytest.fixture
def db(folder):
    return store.Store(folder)


def actions(db, user, team):
    return [(line.user, line.action, line.scenario) for line in reversed(db.trail(user, team))]


# ---------------------------------------------------------------- saving and reading


def test_save_and_load_round_trip_with_the_levers_as_a_policy(example, folder):
    levers = default_levers(example)
    levers.inflow_change["jzplus"] = -0.1
    changed = apply_levers(example, levers)
    saved = store.save(changed, "Minder instroom JZ+")
    assert (saved.team, saved.stem, saved.key) == (
        "lokaal",
        "minder-instroom-jz",
        "lokaal/minder-instroom-jz",
    )
    loaded = scenario_from_yaml(saved.text, saved.file_name)  # the download is plain YAML
    assert loaded == saved.scenario and loaded.name == "Minder instroom JZ+"
    assert loaded.model_copy(update={"name": changed.name}) == changed
    assert loaded.policies[-1].name == "Workshop" and loaded.policies[-1].inflow_change_per_year == {
        "jzplus": -0.1
    }
    assert [s.stem for s in store.list_saved()] == ["minder-instroom-jz"]
    assert (folder / store.DATABASE).exists()


def test_an_existing_name_is_kept_unless_replacing_is_asked_and_then_the_old_version_stays(example, db):
    db.save(NOORD, example, "plan a")
    with pytest.raises(store.StoreError, match="exists already"):
        db.save(NOORD, with_overrides(example, years=3), "Plan A")
    assert db.get(NOORD, "noord", "plan-a").scenario.years == example.years
    replaced = db.save(NOORD, with_overrides(example, years=3), "Plan A", replace=True)
    assert replaced.version == 2 and replaced.scenario.years == 3
    versions = db.versions(NOORD, "noord", "plan-a")
    assert [v.number for v in versions] == [2, 1]
    assert load_scenario_text(versions[1].text).years == example.years, "replacing keeps the previous version"
    assert actions(db, NOORD, "noord") == [
        ("a@noord.nl", "save", "plan-a"),
        ("a@noord.nl", "replace", "plan-a"),
    ]


def load_scenario_text(text: str):
    return scenario_from_yaml(text, "version.yaml")


def test_a_shipped_preset_is_never_overwritten(example, db):
    before = (PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml").read_bytes()
    for replace in (False, True):
        with pytest.raises(store.StoreError, match="never overwritten"):
            db.save(NOORD, example, "Zuid-West JeugdzorgPlus", replace=replace)
    db.save(NOORD, example, "eigen")
    with pytest.raises(store.StoreError, match="never overwritten"):
        db.rename(NOORD, "noord", "eigen", "Zuid-West JeugdzorgPlus")
    assert (PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml").read_bytes() == before


def test_a_shipped_scenarios_own_name_is_refused_and_a_taken_name_says_so(example, db):
    with pytest.raises(store.StoreError, match="name of a shipped scenario"):
        db.save(
            NOORD, example, "zuid-west jeugdzorgplus: 57 → 43 plaatsen"
        )  # another stem, the preset's name
    db.save(NOORD, example, "eerste")
    db.save(NOORD, example, "tweede")
    with pytest.raises(store.StoreError) as taken:
        db.rename(NOORD, "noord", "eerste", "Tweede")
    assert taken.value.text.text("nl") == "Er is al een opgeslagen scenario 'Tweede'; kies een andere naam"


def test_rename_keeps_the_versions_and_delete_moves_to_the_bin_from_where_it_is_restored(example, db):
    db.save(NOORD, example, "eerste")
    renamed = db.rename(NOORD, "noord", "eerste", "Tweede versie")
    assert (renamed.stem, renamed.name, renamed.version) == ("tweede-versie", "Tweede versie", 2)
    assert renamed.scenario.name == "Tweede versie"
    assert [v.stem for v in db.versions(NOORD, "noord", "tweede-versie")] == ["tweede-versie", "eerste"]
    db.delete(NOORD, "noord", "tweede-versie")
    assert db.scenarios(NOORD) == []
    assert [item.stem for item in db.bin(NOORD, "noord")] == ["tweede-versie"]
    assert db.bin(NOORD, "noord")[0].binned_by == "a@noord.nl"
    with pytest.raises(store.StoreError, match="no saved scenario"):
        db.delete(NOORD, "noord", "tweede-versie")
    restored = db.restore(NOORD, "noord", "tweede-versie")
    assert restored.version == 2 and restored.scenario == renamed.scenario
    assert db.bin(NOORD, "noord") == []
    assert [a for _, a, _ in actions(db, NOORD, "noord")] == ["save", "rename", "delete", "restore"]


def test_a_restore_never_overwrites_a_scenario_saved_since_under_the_name(example, db):
    db.save(NOORD, example, "plan")
    db.delete(NOORD, "noord", "plan")
    db.save(NOORD, with_overrides(example, years=3), "plan")  # a new one under the freed name
    with pytest.raises(store.StoreError, match="rename that one first"):
        db.restore(NOORD, "noord", "plan")
    db.rename(NOORD, "noord", "plan", "plan nieuw")
    assert db.restore(NOORD, "noord", "plan").scenario.years == example.years
    assert {item.stem: item.scenario.years for item in db.scenarios(NOORD)} == {
        "plan": example.years,
        "plan-nieuw": 3,
    }


def test_the_bin_restores_the_copy_that_was_chosen(example, db):
    """One name deleted twice is in the bin twice: each copy's button restores that copy."""
    db.save(NOORD, with_overrides(example, years=10), "plan")
    db.delete(NOORD, "noord", "plan")
    db.save(NOORD, with_overrides(example, years=3), "plan")
    db.delete(NOORD, "noord", "plan")
    newer, older = db.bin(NOORD, "noord")
    assert (newer.scenario.years, older.scenario.years) == (3, 10) and newer.id != older.id
    assert db.restore(NOORD, "noord", "plan", older.id).scenario.years == 10
    assert [item.scenario.years for item in db.bin(NOORD, "noord")] == [3]


def test_an_earlier_version_comes_back_as_a_new_version(example, db):
    db.save(NOORD, example, "plan")
    db.save(NOORD, with_overrides(example, years=3), "plan", replace=True)
    back = db.restore_version(NOORD, "noord", "plan", 1)
    assert back.version == 3 and back.scenario.years == example.years
    assert [v.number for v in db.versions(NOORD, "noord", "plan")] == [3, 2, 1]
    with pytest.raises(store.StoreError, match="no version 9"):
        db.restore_version(NOORD, "noord", "plan", 9)


# ---------------------------------------------------------------- teams


def test_each_team_sees_only_its_own_scenarios_and_one_in_two_teams_sees_both(example, db):
    db.save(NOORD, example, "Team Noord vertrouwelijk")
    db.save(ZUID, example, "Team Noord vertrouwelijk")  # the same name in another team is another scenario
    db.save(ZUID, example, "zuid plan")
    assert [s.key for s in db.scenarios(NOORD)] == ["noord/team-noord-vertrouwelijk"]
    assert [s.key for s in db.scenarios(ZUID)] == ["zuid/team-noord-vertrouwelijk", "zuid/zuid-plan"]
    assert [s.key for s in db.scenarios(BEIDE)] == [
        "zuid/team-noord-vertrouwelijk",
        "zuid/zuid-plan",
        "noord/team-noord-vertrouwelijk",
    ]
    assert db.scenarios(User("x@y.nl", "X", ())) == []


def test_another_team_can_neither_open_nor_change_a_scenario_and_learns_nothing_of_it(example, db):
    """User B could overwrite and delete user A's 'Team Noord vertrouwelijk' (the issue's test)."""
    db.save(NOORD, example, "Team Noord vertrouwelijk")
    stem = "team-noord-vertrouwelijk"
    refused = [
        lambda: db.get(ZUID, "noord", stem),
        lambda: db.versions(ZUID, "noord", stem),
        lambda: db.save(ZUID, example, "Team Noord vertrouwelijk", team="noord", replace=True),
        lambda: db.rename(ZUID, "noord", stem, "overgenomen"),
        lambda: db.delete(ZUID, "noord", stem),
        lambda: db.restore(ZUID, "noord", stem),
        lambda: db.restore_version(ZUID, "noord", stem, 1),
        lambda: db.bin(ZUID, "noord"),
        lambda: db.trail(ZUID, "noord"),
    ]
    for attempt in refused:
        with pytest.raises(store.StoreError) as raised:
            attempt()
        assert raised.value.text.key == "a_no_access"
    with pytest.raises(store.StoreError) as missing:  # a name that does not exist: the same answer
        db.get(ZUID, "noord", "bestaat-niet")
    assert missing.value.text.key == "a_no_access"
    kept = db.get(NOORD, "noord", stem)
    assert kept.version == 1 and db.bin(NOORD, "noord") == []
    assert [a for _, a, _ in actions(db, NOORD, "noord")] == ["save"], "nothing was done to it"


def test_two_groups_whose_names_make_one_link_name_are_not_merged(db):
    """'Team_Noord' and '/team/noord' both read 'team-noord' in a link: the first one seen
    keeps it, the other is refused (an administrator renames it), and no group may be the
    laptop's team, which holds the files taken in from earlier versions."""
    assert db.accept_teams(["Team Noord", "Zuid"]) == (("team-noord", "zuid"), [])
    assert db.accept_teams(["team noord"]) == (("team-noord",), []), "the same group again"
    assert db.accept_teams(["/team/noord", "Zuid"]) == (("zuid",), ["/team/noord"])
    assert db.accept_teams(["Lokaal", "???"]) == ((), ["Lokaal", "???"])


def test_a_user_in_no_team_can_read_presets_but_not_save(example, db):
    with pytest.raises(store.StoreError) as raised:
        db.save(User("x@y.nl", "X", ()), example, "los")
    assert raised.value.text.key == "a_no_team"


def test_the_team_to_save_to_must_be_ones_own(example, db):
    assert db.save(BEIDE, example, "plan", team="noord").team == "noord"
    assert db.save(BEIDE, example, "plan").team == "zuid", "the first team by default"
    with pytest.raises(store.StoreError):
        db.save(NOORD, example, "plan", team="zuid")


# ---------------------------------------------------------------- the trail


def test_the_trail_records_who_did_what_and_cannot_be_changed(example, db, folder):
    db.save(NOORD, example, "plan", action="upload")
    db.record(NOORD, "export", "plan", "pptx")
    lines = db.trail(NOORD, "noord")
    assert [(line.action, line.user, line.scenario) for line in reversed(lines)] == [
        ("upload", "a@noord.nl", "plan"),
        ("export", "a@noord.nl", "plan"),
    ]
    assert all(line.at.endswith("Z") and len(line.at) == 20 for line in lines)
    assert {line.user_name for line in lines} == {"Anne"}, "the page shows the name beside the account"
    renamed = User(NOORD.id, "Anne de Vries", NOORD.teams)
    db.record(renamed, "export", "plan", "pptx")
    assert {line.user_name for line in db.trail(NOORD, "noord")} == {"Anne de Vries"}
    assert db.get(NOORD, "noord", "plan").saved_by_name == "Anne de Vries"
    raw = sqlite3.connect(folder / store.DATABASE)
    for statement in (
        "UPDATE trail SET user = 'x'",
        "DELETE FROM trail",
        "UPDATE version SET yaml = ''",
        "DELETE FROM version",
    ):
        with pytest.raises(sqlite3.DatabaseError, match=r"append-only|kept as they were saved"):
            raw.execute(statement)
    raw.close()
    with pytest.raises(ValueError, match="unknown trail action"):
        db.record(NOORD, "wipe", "plan")


# ---------------------------------------------------------------- concurrency


def test_two_sessions_saving_one_new_name_at_once_one_wins(example, folder):
    variants = [with_overrides(example, years=y) for y in (3, 4, 5, 6, 7, 8)]
    for round_ in range(5):
        barrier = threading.Barrier(len(variants))
        outcome: dict[int, str] = {}

        def session(k: int, barrier=barrier, round_=round_, outcome=outcome) -> None:
            barrier.wait()
            try:
                store.save(variants[k], f"samen {round_}")
                outcome[k] = "saved"
            except store.StoreError:
                outcome[k] = "refused"

        threads = [threading.Thread(target=session, args=(k,)) for k in range(len(variants))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [k for k, result in outcome.items() if result == "saved"]
        assert len(winners) == 1, outcome
        saved = store.Store().get(access.LOCAL_USER, "lokaal", f"samen-{round_}")
        assert saved.scenario.years == variants[winners[0]].years and saved.version == 1


def test_replacing_from_many_sessions_at_once_loses_no_version(example, folder):
    variants = [with_overrides(example, years=y) for y in range(3, 11)]
    store.save(example, "gedeeld")
    barrier = threading.Barrier(len(variants))

    def session(k: int) -> None:
        barrier.wait()
        for _ in range(5):
            store.save(variants[k], "gedeeld", overwrite=True)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(len(variants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db = store.Store()
    versions = db.versions(access.LOCAL_USER, "lokaal", "gedeeld")
    assert [v.number for v in versions] == list(range(41, 0, -1)), "every replace kept, numbered without gaps"
    years = [load_scenario_text(v.text).years for v in versions[:-1]]
    assert sorted(years) == sorted(v.years for v in variants for _ in range(5))
    assert len(db.trail(access.LOCAL_USER, "lokaal")) == 41


def _save_many(folder: str, k: int, count: int) -> None:
    import os

    os.environ[settings.SAVED_VARIABLE] = folder
    scenario = load_scenario(EXAMPLE)
    for n in range(count):
        store.save(scenario, "gedeeld", overwrite=True)
        store.save(scenario, f"eigen {k} {n}")


def test_processes_writing_at_once_lose_nothing(folder):
    store.save(load_scenario(EXAMPLE), "gedeeld")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_save_many, args=(str(folder), k, 8)) for k in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    db = store.Store()
    assert len(db.versions(access.LOCAL_USER, "lokaal", "gedeeld")) == 1 + 3 * 8
    assert len(db.scenarios(access.LOCAL_USER)) == 1 + 3 * 8
    assert len(db.trail(access.LOCAL_USER, "lokaal", limit=1000)) == 1 + 2 * 3 * 8


# ---------------------------------------------------------------- files of earlier versions


def test_files_saved_by_an_earlier_version_are_taken_in_once(example, folder):
    folder.mkdir(parents=True)
    (folder / "oud-plan.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "kapot.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    listed = {item.stem: item for item in store.list_saved()}
    assert set(listed) == {"oud-plan", "kapot"}
    assert listed["oud-plan"].scenario == load_scenario(EXAMPLE)
    assert listed["kapot"].scenario is None and "not valid YAML" in listed["kapot"].problem
    assert sorted(p.name for p in folder.glob("*.imported")) == [
        "kapot.yaml.imported",
        "oud-plan.yaml.imported",
    ]
    store._READY.clear()  # a restart: nothing is taken in twice
    assert len(store.list_saved()) == 2
    assert [line.action for line in store.Store().trail(access.LOCAL_USER, "lokaal")] == ["import", "import"]


# ---------------------------------------------------------------- the access rules


@pytest.mark.parametrize(
    "claims, teams",
    [
        ({"email": "a@x.nl", "groups": ["Team Noord", "/regio/zuid"]}, ("team-noord", "regio-zuid")),
        ({"email": "a@x.nl", "groups": "noord"}, ("noord",)),
        ({"email": "a@x.nl"}, ()),
        ({"email": "a@x.nl", "groups": ["noord", "Noord", ""]}, ("noord",)),
        ({"email": "A@X.nl", "groups": ["zuid"]}, ("zuid", "uit-bestand")),  # the mapping file adds its teams
    ],
)
def test_teams_come_from_the_claim_and_the_mapping_file(claims, teams):
    assert (
        access.teams_from_claims(
            claims, "groups", {"a@x.nl": ("uit-bestand",)} if "A@" in claims["email"] else {}
        )
        == teams
    )


def test_an_unverified_email_address_names_nobody_and_maps_no_teams():
    claims = {
        "email": "baas@noord.nl",
        "email_verified": False,
        "preferred_username": "piet",
        "groups": ["zuid"],
    }
    user = access.user_from_claims(claims, mapping={"baas@noord.nl": ("directie",)})
    assert user.id == "piet" and user.teams == ("zuid",)
    assert access.user_from_claims(
        {**claims, "email_verified": True}, mapping={"baas@noord.nl": ("directie",)}
    ).teams == (
        "zuid",
        "directie",
    )


def test_a_user_is_named_by_email_then_user_name_then_subject():
    assert access.user_from_claims({"email": "a@x.nl", "name": "Anne", "sub": "1"}) == User(
        "a@x.nl", "Anne", ()
    )
    assert access.user_from_claims({"preferred_username": "anne", "sub": "1"}).id == "anne"
    assert access.user_from_claims({"sub": "1", "roles": ["noord"]}, claim="roles") == User(
        "1", "1", ("noord",)
    )
    with pytest.raises(access.AccessError):
        access.user_from_claims({"name": "nobody"})


def test_a_mapping_file_is_read_safely_and_a_broken_one_is_refused(tmp_path):
    good = tmp_path / "teams.yaml"
    good.write_text("A@Noord.nl: [Team Noord]\nb@zuid.nl: zuid\n", encoding="utf-8")
    assert access.read_team_map(good) == {"a@noord.nl": ("Team Noord",), "b@zuid.nl": ("zuid",)}
    for text in (
        "- a\n- b\n",
        "a@x.nl: {team: 1}\n",
        "a@x.nl: [1]\n",
        "!!python/object/apply:os.system ['x']\n",
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match="team mapping"):
            access.read_team_map(bad)
