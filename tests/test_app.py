"""Every page in streamlit's AppTest: loads, levers move KPIs, language, errors, URL state."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from simulator import store
from simulator.i18n import TEXT
from simulator.settings import PRESETS_DIR
from tests.conftest import EXAMPLE, ROOT

APP = str(ROOT / "app.py")


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def slider(at: AppTest, key: str):
    """A lever's slider (a stay lever is a select_slider: its values in the page's format)."""
    return next(s for s in [*at.sidebar.slider, *at.sidebar.select_slider] if s.key == key)


@pytest.fixture(scope="module")
def workshop() -> AppTest:
    return start()


def test_workshop_opens_in_dutch_with_levers_kpis_and_charts(workshop):
    at = workshop
    assert at.title[0].value == "Workshop"
    assert not at.error
    keys = {s.key for s in [*at.sidebar.slider, *at.sidebar.select_slider]}
    assert {
        "lever:policy_year",
        "lever:years",
        "lever:inflow.jzplus",
        "lever:stay.jzplus",
        "lever:escalation.foster",
        "lever:capacity_start.jzplus",
        "lever:capacity_target.jzplus",
    } <= keys
    labels = [m.label for m in at.metric]
    assert len(labels) == 6 and labels[0] == "Bedden JeugdzorgPlus (2022)"
    assert metric_values(at)["Bedden JeugdzorgPlus (2022)"].endswith("/ 43")
    assert (
        "95% van de jongeren in 2022 direct terecht kan" in at.metric[0].help
    )  # youths, not time, said in words
    assert re.fullmatch(r"\d+%", metric_values(at)["Bezettingsgraad (2022)"])
    assert "90%" in at.metric[1].help
    # the main chart beside the key figures, one occupancy chart per care type, the capacity
    # trade-off, beds, waiting and cost; the flow diagram
    found = at.get("vega_lite_chart")
    assert len(found) == 1 + 4 + 1 + 3 and len(at.get("image")) == 1  # the flow diagram (SVG)
    main = json.loads(found[0].proto.spec)
    assert main["title"] == "JeugdzorgPlus" and "Bedden nodig per jaar" in found[0].proto.spec
    assert any("Afweging capaciteit (2022)" in h.value for h in at.subheader)
    cost = metric_values(at)["Kosten per jaar (2022)"]
    assert re.fullmatch(r"€ \d+,\d mln", cost), cost  # Dutch number format


def test_moving_the_inflow_slider_changes_the_kpis_and_the_url():
    at = start()
    before = metric_values(at)
    slider(at, "lever:inflow.jzplus").set_value(-20.0).run()
    assert not at.exception
    after = metric_values(at)
    changed = [label for label in before if before[label] != after[label]]
    assert "Kosten per jaar (2022)" in changed and "Buiten de regio (2022)" in changed
    assert at.metric[5].delta.startswith("-€")  # cheaper than the unchanged scenario
    assert at.query_params["inflow.jzplus"] == "-20"
    # A run this fast is drawn once, final: no provisional page first.
    drawn = at.session_state["drawn_at"]
    assert "preview" not in drawn and drawn["final"] > 0
    assert at.caption[0].value.startswith("Berekend met 30 replicaties")


def test_a_run_expected_to_take_long_shows_a_provisional_answer_first(monkeypatch):
    """A run expected to take over ui.common.PREVIEW_ABOVE_SECONDS (a national scenario
    with a waiting list; here any run, by a threshold of 0) draws the first replications
    first, then the final page."""
    import ui.common

    ui.common.run_cache().clear()  # the unchanged scenario too runs in two stages
    monkeypatch.setattr(ui.common, "PREVIEW_ABOVE_SECONDS", 0.0)
    at = start()
    slider(at, "lever:inflow.jzplus").set_value(-15.0).run()
    assert not at.exception
    drawn = at.session_state["drawn_at"]
    assert 0 < drawn["preview"] < drawn["final"]
    assert at.caption[0].value.startswith("Berekend met 30 replicaties")


def test_no_provisional_answer_against_a_cached_run_without_its_first_replications(monkeypatch):
    """The unchanged scenario was cached from a fast run (no preview kept), so a provisional
    page would set the changed run's first six replications against all thirty of the
    unchanged one: chance, not policy. Only the final page is drawn."""
    import ui.common

    ui.common.run_cache().clear()
    at = start()  # fast: the unchanged scenario is cached without a preview
    monkeypatch.setattr(ui.common, "PREVIEW_ABOVE_SECONDS", 0.0)
    slider(at, "lever:inflow.jzplus").set_value(-25.0).run()
    assert not at.exception
    drawn = at.session_state["drawn_at"]
    assert "preview" not in drawn and drawn["final"] > 0


def test_presentation_mode_shows_figures_and_main_chart_without_levers_and_keeps_them():
    """present=1 in a link: no levers in the sidebar (only the toggle), the key figures and
    the main chart; the levers of the link still apply and stay in the link. Switched off,
    the levers come back with those values."""
    at = start({"scenario": "zuid-west-jeugdzorgplus", "present": "1", "capacity_target.jzplus": "35"})
    assert not at.sidebar.slider and at.sidebar.toggle[-1].value is True
    assert len(at.metric) == 6 and metric_values(at)["Bedden JeugdzorgPlus (2022)"].endswith("/ 35")
    assert at.query_params["present"] == "1" and at.query_params["capacity_target.jzplus"] == "35"
    assert "Bedden nodig per jaar" in at.get("vega_lite_chart")[0].proto.spec
    at.sidebar.toggle[-1].set_value(False).run()
    assert not at.exception
    assert slider(at, "lever:capacity_target.jzplus").value == 35.0
    assert "present" not in at.query_params and at.query_params["capacity_target.jzplus"] == "35"


def test_a_changed_scenario_says_so_and_its_name_and_saved_copy_carry_the_changes():
    """After the levers set 35 places the page says "Gewijzigd" with the change in words,
    the save form proposes a name that says 35 (not only "57 → 43"), and the reset takes
    both away."""
    at = start()
    assert not [m for m in at.markdown if "Gewijzigd" in m.value]
    slider(at, "lever:capacity_target.jzplus").set_value(35).run()
    said = [m.value for m in at.markdown if "Gewijzigd" in m.value]
    assert said and "capaciteit JeugdzorgPlus vanaf 2022 43 → 35" in said[0]
    name = at.sidebar.text_input(key="save_name").value
    assert name.startswith("Zuid-West JeugdzorgPlus: 57 → 43 plaatsen – gewijzigd:") and name.endswith(
        "43 → 35"
    )
    at.sidebar.button[0].click().run()  # Terug naar scenario
    assert not [m for m in at.markdown if "Gewijzigd" in m.value]
    assert at.sidebar.text_input(key="save_name").value.endswith("(workshop)")


def test_a_capacity_is_set_to_the_place_in_its_number_box_and_follows_its_slider():
    """Beside each capacity slider a number box (0-124 places on a narrow slider cannot be
    set exactly): typing 37 moves the slider, the key figures and the link; moving the
    slider changes the box."""
    at = start()
    box = at.sidebar.number_input(key="exact:capacity_target.jzplus")
    assert box.value == 43
    box.set_value(37).run()
    assert not at.exception
    assert slider(at, "lever:capacity_target.jzplus").value == 37.0
    assert metric_values(at)["Bedden JeugdzorgPlus (2022)"].endswith("/ 37")
    assert at.query_params["capacity_target.jzplus"] == "37"
    slider(at, "lever:capacity_target.jzplus").set_value(40.0).run()
    assert at.sidebar.number_input(key="exact:capacity_target.jzplus").value == 40


def test_a_capacity_cut_shows_in_beds_and_capacity():
    at = start()
    slider(at, "lever:capacity_target.jzplus").set_value(30.0).run()
    assert metric_values(at)["Bedden JeugdzorgPlus (2022)"].endswith("/ 30")


def test_reset_returns_every_lever_to_the_scenario():
    at = start()
    slider(at, "lever:stay.jzplus").set_value(2.0).run()
    assert slider(at, "lever:stay.jzplus").value == 2.0
    at.sidebar.button[0].click().run()
    assert slider(at, "lever:stay.jzplus").value == 5.0
    assert at.query_params["stay.jzplus"] == "5"


def test_a_link_reopens_the_same_settings():
    at = start(
        {
            "scenario": "voorbeeldregio",
            "inflow.jzplus": "-10",
            "capacity_target.jzplus": "40",
            "policy_year": "2023",
        }
    )
    assert slider(at, "lever:inflow.jzplus").value == -10.0
    assert slider(at, "lever:capacity_target.jzplus").value == 40.0
    assert slider(at, "lever:policy_year").value == 2023.0


def link_notices(at: AppTest) -> list[str]:
    """The workshop's notice of what a link asked for that it could not use (one orange
    caption line, Markdown escaped: read without the escapes)."""
    texts = [c.value.replace("\\", "") for c in at.caption]
    return [text for text in texts if "Uit de link niet gebruikt" in text or "Not used from the link" in text]


def test_nonsense_in_the_link_falls_back_to_the_scenario_and_is_listed():
    at = start(
        {"scenario": "voorbeeldregio", "inflow.jzplus": "banaan", "stay.jzplus": "-4", "kleur": "rood"}
    )
    assert slider(at, "lever:inflow.jzplus").value == 0.0
    assert slider(at, "lever:stay.jzplus").value == 5.0
    (notice,) = link_notices(at)
    assert "inflow.jzplus=banaan" in notice and "stay.jzplus=-4" in notice and "kleur=rood" in notice
    slider(at, "lever:inflow.jzplus").set_value(-5.0).run()  # read: it goes once the user acts
    assert not link_notices(at)
    assert "kleur" not in at.query_params


def test_a_link_restores_the_language_and_the_key_figures_year():
    """lang and kpi_year are in the link the page writes, and a link with them opens in that
    language on that year; a year outside the horizon is listed and falls back."""
    at = start({"scenario": "zuid-west-jeugdzorgplus", "lang": "en", "kpi_year": "2025"})
    assert at.metric[0].label == "Beds JeugdzorgPlus (2025)" and not link_notices(at)
    assert at.query_params["lang"] == "en" and at.query_params["kpi_year"] == "2025"
    at = start({"scenario": "zuid-west-jeugdzorgplus", "kpi_year": "1999", "lang": "fr"})
    assert at.metric[0].label == "Bedden JeugdzorgPlus (2022)"
    (notice,) = link_notices(at)
    assert "kpi_year=1999" in notice and "lang=fr" in notice
    assert at.query_params["lang"] == "nl" and at.query_params["kpi_year"] == "2022"
    # The user's own year, then a shorter horizon without it: back to the policy year, no notice.
    at.select_slider(key="kpi_year").set_value(2030).run()
    slider(at, "lever:years").set_value(5.0).run()
    assert not at.exception and at.query_params["kpi_year"] == "2022"
    assert not link_notices(at)


def test_the_language_toggle_switches_labels():
    at = start()
    at.sidebar.toggle[0].set_value(True).run()
    assert not at.exception
    assert at.metric[0].label == "Beds JeugdzorgPlus (2022)"
    assert slider(at, "lever:policy_year").label == "Policy starts in"
    assert re.fullmatch(r"€\s?\d+\.\d mln", at.metric[5].value), at.metric[5].value


def test_a_broken_scenario_file_shows_its_message_and_the_app_keeps_working(tmp_path, monkeypatch):
    shutil.copy(EXAMPLE, tmp_path / "goed.yaml")
    (tmp_path / "kapot.yaml").write_text(
        "name: kapot\nstart: 2021-01\ncare_types:\n  jzplus:\n    stay_month: 5\n"
    )
    monkeypatch.setenv("JZSIM_SCENARIOS", str(tmp_path))
    at = start({"scenario": "kapot"})
    assert at.error and "niet geldig" in at.error[0].value
    shown = at.code[0].value
    assert "kapot.yaml" in shown and "care_types.jzplus.stay_month" in shown
    assert "is geen geldig scenario" in shown and "onbekend veld (bedoelt u 'stay_months'?)" in shown  # Dutch
    at.sidebar.toggle[0].set_value(True).run()
    assert "unknown field (did you mean 'stay_months'?)" in at.code[0].value
    at.sidebar.toggle[0].set_value(False).run()
    at.selectbox[0].set_value("goed").run()
    assert not at.exception and not at.error and len(at.metric) == 6


@pytest.mark.parametrize(
    "page, heading",
    [
        ("app_pages/compare.py", "Vergelijken"),
        ("app_pages/sources.py", "Bronnen"),
        ("app_pages/about.py", "Over het model"),
        ("app_pages/scenarios.py", "Scenario's"),
        ("app_pages/sensitivity.py", "Gevoeligheid"),
        ("app_pages/sweep.py", "Raster"),
    ],
)
def test_every_page_loads(page, heading):
    at = start()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title[0].value == heading
    assert at.markdown or at.info


def test_sources_page_lists_every_data_table_and_the_gooi_back_test():
    from simulator.data import table_names

    at = start()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception and not at.error
    assert len(at.expander) == len(table_names())
    assert any("Terugblik Gooi en Vechtstreek" in h.value for h in at.header)
    assert len(at.get("vega_lite_chart")) == 2  # Gooi en Vechtstreek and the Netherlands
    gooi, national, claims = (frame.value for frame in at.dataframe[-3:])
    assert len(gooi) == 24 and {"Werkelijk", "Model", "P10", "P90", "Binnen marge"} <= set(gooi.columns)
    # The national back-test: the start, then three published dates not used to fit, all within P10-P90.
    assert list(national["Maand"]) == ["2023-01", "2023-12", "2024-07", "2025-07"]
    assert list(national["Binnen marge"])[1:] == ["✓", "✓", "✓"]
    # Every preset's claims, calibrated and held out, with the misses and their reasons.
    from simulator.validation import VALIDATION_FILE

    stored = pd.read_csv(VALIDATION_FILE, keep_default_na=False)
    assert len(claims) == len(stored) and set(claims["Rol"]) == {"gekalibreerd", "achtergehouden"}
    misses = claims[claims["Uitkomst"] == "✗ mist"]
    assert (
        len(misses) == (stored["status"] == "miss").sum() > 0
        and (misses["Reden van een misser"].str.len() > 20).all()
    )


def test_about_page_shows_the_named_assumptions_with_low_and_high_headlines():
    at = start()
    at.switch_page("app_pages/about.py").run()
    assert not at.exception
    from simulator.calibrate import PRESETS

    assert len(at.dataframe) == len(PRESETS)  # a table per preset
    table = at.dataframe[0].value
    assert {"Laag", "Basis", "Hoog", "Aanname"} <= set(table.columns)
    assert "Verblijfsduur residentieel (maanden)" in set(table["Aanname"])
    assert table["Basis"].str.contains("· €").all() and table["Laag"].str.startswith("6: ").any()


def test_every_translation_exists_in_both_languages_and_every_key_used_exists():
    for key, (nl, en) in TEXT.items():
        assert nl.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", nl)) == set(re.findall(r"{(\w+)}", en)), key
    used = set()
    for path in [
        ROOT / "app.py",
        *ROOT.glob("app_pages/*.py"),
        *ROOT.glob("ui/*.py"),
        ROOT / "simulator" / "charts.py",
    ]:
        used |= set(re.findall(r"\bt\(\s*\"(\w+)\"", path.read_text()))
        used |= set(re.findall(r"\bt\(key \+ \"(\w+)\"", path.read_text()))
    # A key ending in _ is a prefix (t("backtest_" + kind)): some key must start with it.
    missing = {
        k
        for k in used
        if k not in TEXT
        and not k.startswith("_")
        and not (k.endswith("_") and any(key.startswith(k) for key in TEXT))
    }
    assert not missing, missing
    for name in ("about", "sources"):
        for lang in ("nl", "en"):
            assert (ROOT / "content" / f"{name}_{lang}.md").exists()


def test_pages_hold_no_model_logic():
    """Pages turn widgets into a scenario and call the simulator: no SimPy or numpy in pages."""
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py")]:
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(simpy|numpy)", source, re.M), path


def test_the_model_package_never_imports_streamlit():
    for path in (ROOT / "simulator").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path


def test_a_circular_wait_is_flagged_in_the_language_of_the_page(tmp_path, monkeypatch):
    (tmp_path / "kring.yaml").write_text("""name: kring
start: 2021-01
years: 2
replications: 2
care_types:
  residential: {stay_months: 3, initial: 5, inflow_per_year: 20, capacity: 5, escalation_per_year: {jzplus: 2.0}}
  jzplus: {stay_months: 2, initial: 2, capacity: 2, outflow: {residential: 1.0}}
""")
    monkeypatch.setenv("JZSIM_SCENARIOS", str(tmp_path))
    at = start()
    assert not at.exception
    assert at.warning and "circulair wachten" in at.warning[0].value


@pytest.fixture
def saved_folder(tmp_path, monkeypatch):
    folder = tmp_path / "saved"
    monkeypatch.setenv("JZSIM_SAVED", str(folder))
    return folder


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_compare_page_overlays_scenarios_with_paired_differences():
    at = start()
    at.switch_page("app_pages/compare.py").run()
    assert at.info  # asks to choose scenarios
    assert at.multiselect[0].proto.placeholder == "Kies een of meer scenario's"  # not Streamlit's English
    at.multiselect[0].set_value(["voorbeeldregio"]).run()
    assert not at.exception and not at.error
    # Key figures: scenarios as columns, a row of values and a row of differences per figure.
    kpis = at.table[0].value
    assert [column.replace("\\", "") for column in kpis.columns[1:]] == [  # Markdown escaped: as typed
        "Zuid-West JeugdzorgPlus: 57 → 43 plaatsen",
        "Voorbeeldregio (illustratie)",
    ]
    assert len(kpis) == 2 * 5 and kpis.iloc[0, 0] == "**Bedden nodig JeugdzorgPlus**"
    values, differences = kpis.iloc[0::2], kpis.iloc[1::2]
    assert values.iloc[:, 1:].map(lambda cell: cell.startswith("**")).all().all()
    assert (differences.iloc[:, 1] == "").all()  # the baseline against itself: nothing
    assert differences.iloc[:, 2].str.match(r"^[-+±]").all()  # the other's differences, signed
    assert len(at.get("vega_lite_chart")) == 1 + 4 + 2  # the legend, a panel per care type, two totals
    # Settings in words, not schema paths; capacity as in force (43 from 2022 in both: no row).
    parameters = at.dataframe[0].value
    settings = set(parameters["Instelling"])
    assert "JeugdzorgPlus: nieuwe instroom per jaar" in settings
    assert not [s for s in settings if s.startswith("Capaciteit JeugdzorgPlus vanaf 2022")]
    assert not [s for s in settings if "care_types" in s or "[" in s]
    assert "seed 20210101" in at.caption[1].value


def test_the_unsaved_workshop_settings_are_compared_without_saving_and_by_link():
    at = start()
    slider(at, "lever:capacity_target.jzplus").set_value(35).run()
    link = next(p for p in at.sidebar.get("page_link") if p.proto.page == "vergelijken")
    assert (
        "with=_workshop" in link.proto.query_string and "capacity_target.jzplus=35" in link.proto.query_string
    )
    at.switch_page("app_pages/compare.py").run()
    assert at.selectbox[0].options[-1].startswith("Workshop, niet bewaard: Zuid-West")
    assert [c for c in at.caption if c.value.startswith("De instellingen van de workshop")]
    at.multiselect[0].set_value(["_workshop"]).run()
    assert not at.exception and not at.error
    kpis = at.table[0].value
    assert "gewijzigd: capaciteit JeugdzorgPlus vanaf 2022 43 → 35" in kpis.columns[2].replace("\\", "")
    parameters = at.dataframe[0].value
    row = parameters[parameters["Instelling"] == "Capaciteit JeugdzorgPlus vanaf 2022"].iloc[0]
    assert list(row.iloc[1:]) == ["43", "35"]  # the example, in words
    shared = dict(at.query_params)
    assert shared["baseline"] == "zuid-west-jeugdzorgplus" and shared["with"] == "_workshop"
    assert shared["capacity_target.jzplus"] == "35" and shared["kpi_year"] == "2022"

    # The link in a new session: the same comparison, and the workshop gets the same levers.
    fresh = start()
    fresh.switch_page("app_pages/compare.py")
    fresh.query_params.clear()
    fresh.query_params.update({**shared, "kpi_year": "2024"})
    fresh.run()
    assert not fresh.exception and not fresh.warning
    assert fresh.selectbox[0].value == "zuid-west-jeugdzorgplus" and fresh.multiselect[0].value == [
        "_workshop"
    ]
    assert fresh.select_slider(key="compare_year").value == 2024
    assert fresh.table[0].value.equals(at.table[0].value) is False  # another year: other figures
    assert list(fresh.table[0].value.columns) == list(kpis.columns)
    fresh.switch_page("app_pages/workshop.py")
    fresh.query_params.clear()
    fresh.run()
    assert slider(fresh, "lever:capacity_target.jzplus").value == 35.0


def test_a_comparison_link_with_nonsense_says_what_it_did_not_use():
    at = start()
    at.switch_page("app_pages/compare.py")
    at.query_params.clear()
    at.query_params.update(
        {
            "baseline": "voorbeeldregio",
            "with": "nope,zuid-west-jeugdzorgplus",
            "kpi_year": "1999",
            "x": "1",
            "img": "![x](http://127.0.0.1:9/p.png)",
        }
    )
    at.run()
    assert not at.exception
    assert at.selectbox[0].value == "voorbeeldregio" and at.multiselect[0].value == [
        "zuid-west-jeugdzorgplus"
    ]
    notice = at.warning[0].value.replace("\\", "")
    assert "with=nope" in notice and "kpi_year=1999" in notice and "x=1" in notice
    assert "\\!\\[" in at.warning[0].value  # the link's Markdown is escaped: text, not an image
    assert at.select_slider(key="compare_year").value == 2022  # the default year, not 1999
    at.select_slider(key="compare_year").set_value(2024).run()  # a choice: the notice was read
    assert not at.warning and not at.exception


def test_the_comparison_is_kept_across_pages_and_says_when_the_workshop_entry_is_gone():
    at = start()
    slider(at, "lever:inflow.jzplus").set_value(-10.0).run()
    at.switch_page("app_pages/compare.py").run()
    at.multiselect[0].set_value(["voorbeeldregio", "_workshop"]).run()
    at.select_slider(key="compare_year").set_value(2023).run()
    at.switch_page("app_pages/sources.py").run()  # a page without these widgets drops their state
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    assert at.multiselect[0].value == ["voorbeeldregio", "_workshop"]
    assert at.select_slider(key="compare_year").value == 2023
    # The workshop's scenario disappears (a saved file deleted by another session, say).
    at.session_state["levers"] = {**at.session_state["levers"], "for": "verwijderd"}
    at.run()
    assert not at.exception and at.multiselect[0].value == ["voorbeeldregio"]
    assert "uit de vergelijking gehaald" in at.warning[0].value


def saved_now() -> dict:
    """The laptop user's saved scenarios by stem, as the store has them."""
    return {item.stem: item for item in store.list_saved()}


def test_saving_from_the_workshop_puts_the_scenario_in_the_list(saved_folder):
    at = start()
    slider(at, "lever:inflow.jzplus").set_value(-10.0).run()
    at.sidebar.text_input(key="save_name").set_value("Zuid-West min tien").run()
    button(at, "Opslaan").click().run()
    assert not at.exception and at.success and "zuid-west-min-tien.yaml" in at.success[0].value
    saved = saved_now()["zuid-west-min-tien"].text
    assert "name: Zuid-West min tien" in saved and "inflow_change_per_year: {jzplus: -0.1}" in saved
    button(at, "Opslaan").click().run()  # the same name again: refused unless replacing is ticked
    assert at.error and "Er is al een opgeslagen scenario 'Zuid-West min tien'" in at.error[0].value
    at.sidebar.checkbox(key="save_replace").check().run()
    assert at.sidebar.checkbox(key="save_replace").value, "a tick after a save stays"
    button(at, "Opslaan").click().run()
    assert at.success and saved_now()["zuid-west-min-tien"].version == 2
    assert not at.sidebar.checkbox(key="save_replace").value, "'Vervang' is for one save only"
    fresh = start()
    assert "Zuid-West min tien (opgeslagen)" in fresh.selectbox(key="scenario_choice").options
    linked = start({"scenario": "lokaal/zuid-west-min-tien"})  # a saved scenario's link: team/stem
    assert linked.selectbox(key="scenario_choice").value == "lokaal/zuid-west-min-tien"
    older = start({"scenario": "zuid-west-min-tien"})  # an older link, by the bare stem
    assert older.selectbox(key="scenario_choice").value == "lokaal/zuid-west-min-tien"


def test_the_scenarios_page_uploads_renames_deletes_restores_and_keeps_a_trail(saved_folder):
    at = start()
    at.switch_page("app_pages/scenarios.py").run()
    assert at.info and not at.exception  # nothing saved yet
    at.get("file_uploader")  # the uploader is on the page
    upload = at.file_uploader(key="upload")
    upload.upload(
        "kapot.yaml",
        b"name: kapot\nstart: 2021-01\ncare_types:\n  jzplus:\n    stay_month: 5\n",
        "application/x-yaml",
    ).run()
    assert at.error and "niets opgeslagen" in at.error[0].value
    assert "care_types.jzplus.stay_month: onbekend veld" in at.code[0].value
    assert saved_now() == {}
    upload = at.file_uploader(key="upload")
    upload.upload("voorbeeld.yaml", EXAMPLE.read_bytes(), "application/x-yaml").run()
    assert at.success and "Geldig scenario" in at.success[0].value
    at.text_input(key="upload_name").set_value("Mijn voorbeeld").run()
    button(at, "Opslaan").click().run()
    assert "mijn-voorbeeld" in saved_now()
    button(at, "Openen in workshop").click().run()
    assert (
        at.title[0].value == "Workshop"
        and at.selectbox(key="scenario_choice").value == "lokaal/mijn-voorbeeld"
    )
    assert len(at.metric) == 6 and not at.exception
    at.switch_page("app_pages/scenarios.py").run()
    at.text_input(key="rename_name:lokaal/mijn-voorbeeld").set_value("Ander voorbeeld").run()
    button(at, "Hernoemen").click().run()
    assert set(saved_now()) == {"ander-voorbeeld"} and saved_now()["ander-voorbeeld"].version == 2
    at.toggle(key="versions:lokaal/ander-voorbeeld").set_value(True).run()
    button(at, "Zet deze versie terug").click().run()  # version 1 back as version 3
    assert not at.exception and saved_now()["ander-voorbeeld"].version == 3
    button(at, "Verwijderen").click().run()
    assert at.warning and "naar de prullenbak van het team" in at.warning[0].value
    assert "ander-voorbeeld" in saved_now()  # not before the confirmation
    button(at, "Ja, verwijderen").click().run()
    assert saved_now() == {}
    # The workshop had it open: it falls back to the default scenario instead of failing.
    at.switch_page("app_pages/workshop.py").run()
    assert not at.exception and at.selectbox(key="scenario_choice").value == "zuid-west-jeugdzorgplus"
    at.switch_page("app_pages/scenarios.py").run()
    button(at, "Terugzetten").click().run()  # from the bin
    assert not at.exception and set(saved_now()) == {"ander-voorbeeld"}
    trail = at.dataframe[0].value
    # The checked upload, then its save; the broken file was not recorded (nothing of it is kept).
    assert list(trail["actie"])[::-1] == [
        "geüpload",
        "geüpload",
        "hernoemd",
        "teruggezet",
        "verwijderd",
        "teruggezet",
    ]
    assert list(trail["toelichting"])[::-1][-2:] == ["naar de prullenbak", "uit de prullenbak"]
    assert set(trail["gebruiker"]) == {"Lokale gebruiker"} and set(trail["account"]) == {"lokaal"}
    assert re.fullmatch(r"\d{1,2} [a-z]{3} 20\d\d \d\d:\d\d", trail["tijd"].iloc[0]), (
        "Dutch time, as people read it"
    )


def test_exporting_from_the_workshop_and_the_compare_page():
    at = start()
    slider(at, "lever:inflow.jzplus").set_value(-10.0).run()
    button(at, "Maak export").click().run()
    assert not at.exception and at.success and "Klaar in" in at.success[-1].value
    downloads = [b.label for b in at.get("download_button")]
    assert {
        "PowerPoint (.pptx)",
        "Afbeeldingen (.zip)",
        "Excel (.xlsx)",
        "CSV-bestanden (.zip; puntkomma, decimale komma)",
    } <= set(downloads)
    key, export, _ = at.session_state["export"]
    assert export.deck[:2] == b"PK" and export.workbook[:2] == b"PK" and "stromen.png" in export.images
    assert "workshop:" in key
    slider(at, "lever:inflow.jzplus").set_value(-12.0).run()  # another setting: the old export is not offered
    assert "PowerPoint (.pptx)" not in [b.label for b in at.get("download_button")]

    at.switch_page("app_pages/compare.py").run()
    at.multiselect[0].set_value(["voorbeeldregio"]).run()
    button(at, "Maak export").click().run()
    assert not at.exception
    key, export, _ = at.session_state["export"]
    assert key.startswith("compare:") and export.deck[:2] == b"PK"


@pytest.mark.parametrize(
    "page, heading",
    [
        ("app_pages/scenarios.py", "Scenarios"),
        ("app_pages/compare.py", "Compare"),
        ("app_pages/sources.py", "Sources"),
        ("app_pages/about.py", "About the model"),
    ],
)
def test_every_page_speaks_english_after_the_toggle(page, heading):
    at = start()
    at.sidebar.toggle[0].set_value(True).run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title[0].value == heading
    if page.endswith("compare.py"):
        at.multiselect[0].set_value(["voorbeeldregio"]).run()
        assert not at.exception and "**Beds needed JeugdzorgPlus**" in set(at.table[0].value["Measure"])
        assert "JeugdzorgPlus: new inflow per year" in set(at.dataframe[0].value["Setting"])


@pytest.mark.parametrize("stem", sorted(p.stem for p in PRESETS_DIR.glob("*.yaml")))
def test_every_shipped_scenario_opens_in_the_workshop(stem):
    at = start({"scenario": stem})
    assert at.selectbox(key="scenario_choice").value == stem
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.metric) == 6 and len(at.get("vega_lite_chart")) >= 4


def test_many_saved_scenarios_are_searched_not_listed_all_at_once(saved_folder, example):
    from simulator import store

    for k in range(30):
        store.save(example, f"Plan {k:02d}" if k % 3 else f"Noord {k:02d}")
    at = start()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    assert len(at.expander) == 20
    assert any("20 van 30 gevonden getoond (30 opgeslagen)" in c.value for c in at.caption)
    at.text_input(key="saved_search").set_value("noord").run()
    assert len(at.expander) == 10 and all("Noord" in e.label for e in at.expander)


@pytest.mark.parametrize("english, shown", [(False, "72,8"), (True, "72.8")])
def test_stay_levers_show_their_months_in_the_pages_number_format(english, shown):
    at = start()
    if english:
        at.sidebar.toggle[0].set_value(True).run()
    stay = slider(at, "lever:stay.foster")
    other = "72.8" if not english else "72,8"
    assert stay.value == 72.8 and shown in stay.options and other not in stay.options
    assert ("5,5" if not english else "5.5") in slider(at, "lever:stay.jzplus").options
    stay.set_value(60.0).run()  # a step of the slider
    assert not at.exception and at.query_params["stay.foster"] == "60"


def test_a_saved_name_is_shown_as_typed_when_deleting(saved_folder):
    from simulator import store
    from simulator.scenario import load_scenario

    store.save(load_scenario(EXAMPLE), "![x](http://127.0.0.1:9/p.png) beeld")
    at = start()
    at.switch_page("app_pages/scenarios.py").run()
    button(at, "Verwijderen").click().run()
    (warning,) = [w.value for w in at.warning if "naar de prullenbak van het team" in w.value]
    assert warning.startswith("'\\!\\[x\\]\\(") and "beeld" in warning  # Markdown escaped: text, not an image


def test_a_care_type_label_with_an_image_is_not_drawn_as_one(saved_folder):
    """Widget and metric labels render Markdown images: a label from an uploaded scenario
    must not make every viewer's browser fetch an address."""
    from simulator import store
    from simulator.scenario import load_scenario, scenario_from_dict

    data = load_scenario(EXAMPLE).to_dict()
    data["care_types"]["jzplus"]["label"] = "![x](http://127.0.0.1:9/p.png) Gesloten"
    saved = store.save(scenario_from_dict(data, "beeld"), "Beeld in een label")
    at = start({"scenario": saved.key, "capacity_target.jzplus": "30"})
    assert not at.exception
    texts = (
        [m.label for m in at.metric] + [s.label for s in at.sidebar.slider] + [c.value for c in at.markdown]
    )
    assert any("!\\[x]" in text for text in texts)  # the label is there, its image syntax broken
    assert not [text for text in texts if "![" in text]


def test_beds_needed_of_another_key_care_type_say_which_and_against_what():
    """Flevoland's key care type is residential, Zuid-West's JeugdzorgPlus: its beds and
    their difference are residential ones, and its cells say so."""
    at = start()
    at.switch_page("app_pages/compare.py").run()
    at.multiselect[0].set_value(["flevoland-behandelgroepen"]).run()
    assert not at.exception
    kpis = at.table[0].value
    value, difference = (cell.replace("\\\\", "") for cell in kpis.iloc[0:2, 2])
    assert value.endswith("· Residentiële jeugdhulp") and kpis.iloc[0, 1].count("·") == 0
    assert difference.endswith("· tegen Residentiële jeugdhulp in de basis")


def test_uncertain_assumptions_widen_the_bands_and_can_be_left_out():
    """A scenario with an uncertainty block (IJsselland) offers the choice; its bands come
    from both chance and the assumptions, or from chance alone. Without a block: no choice."""
    at = start({"scenario": "ijsselland-jeugdzorgplus"})
    choice = at.sidebar.radio(key="spread")
    assert choice.value == "both" and "Instroom JeugdzorgPlus -5% per jaar: instroom per jaar" in choice.help
    assert "Aanname: verblijfsduur residentieel (maanden)" in choice.help  # a named assumption, in words
    assert any("toeval + 4 onzekere aannames" in c.value for c in at.caption)
    both = metric_values(at)
    choice.set_value("chance").run()
    assert not at.exception
    assert any("alleen toeval" in c.value for c in at.caption)
    assert metric_values(at) != both
    at.sidebar.toggle[-1].set_value(True).run()  # presentation mode hides the choice, keeps it
    assert not at.sidebar.radio and any("alleen toeval" in c.value for c in at.caption)
    assert not start({"scenario": "voorbeeldregio"}).sidebar.radio  # no uncertainty block


def test_the_link_carries_the_choice_of_chance_only():
    at = start({"scenario": "ijsselland-jeugdzorgplus"})
    assert "spread" not in at.query_params  # the default keeps the link short
    at.sidebar.radio(key="spread").set_value("chance").run()
    assert at.query_params["spread"] == "chance"
    at.sidebar.toggle[0].set_value(True).run()  # English: other words, the same choice
    assert not at.exception and at.sidebar.radio(key="spread").value == "chance"
    opened = start({"scenario": "ijsselland-jeugdzorgplus", "spread": "chance"})
    assert opened.sidebar.radio(key="spread").value == "chance"
    assert any("alleen toeval" in c.value for c in opened.caption)
    wrong = start({"scenario": "ijsselland-jeugdzorgplus", "spread": "maybe"})
    assert wrong.sidebar.radio(key="spread").value == "both"
    assert any("spread=maybe" in c.value for c in wrong.caption)


def test_the_sensitivity_page_ranks_the_assumptions_of_a_scenario_with_a_block():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/sensitivity.py").run()
    assert not at.exception
    listed = at.selectbox(key="sens_scenario").options  # scenarios with a block only
    with_block = [
        p for p in sorted(PRESETS_DIR.glob("*.yaml")) if "\nuncertainty:" in p.read_text(encoding="utf-8")
    ]
    assert len(listed) == len(with_block) == 8 and not any("Voorbeeldregio" in option for option in listed), (
        listed
    )
    at.selectbox(key="sens_scenario").set_value("ijsselland-jeugdzorgplus").run()
    assert "Verblijfsduur \\(maanden\\) · JeugdzorgPlus: 4,7 – 5,59" in at.markdown[0].value
    assert "-10% – 0% (meest waarschijnlijk -5%)" in at.markdown[0].value
    assert not at.get("vega_lite_chart") or all(
        "sens_mu" not in c.proto.spec for c in at.get("vega_lite_chart")
    )
    at.slider(key="sens_r").set_value(3)
    at.button(key="sens_go").click().run()
    assert not at.exception and not at.error
    spec = at.get("vega_lite_chart")[-1].proto.spec
    assert "Effect over het bereik" in spec and "Bedden nodig, JeugdzorgPlus 2022" in spec
    # The bars in the order of their effect, largest on top (the y axis's sort), both assumptions.
    order = json.loads(spec)["layer"][0]["encoding"]["y"]["sort"]
    assert len(order) == 4 and set(order) == {
        "Verblijfsduur (maanden) · JeugdzorgPlus",
        "Instroom JeugdzorgPlus -5% per jaar: instroom per jaar · JeugdzorgPlus",
        "Aanname: verblijfsduur residentieel (maanden)",
        "Aanname: JeugdzorgPlus-plaatsingen per unieke jongere per jaar",
    }
    at.selectbox(key="sens_measure_choice").set_value(("occupancy_mean", "jzplus")).run()
    assert "Gemiddelde bezetting" in at.get("vega_lite_chart")[-1].proto.spec
    assert [b.proto.label for b in at.get("download_button")][-2:] == [
        "sensitivity.csv",
        "Presentatie (.pptx)",
    ]


def test_the_grid_page_draws_a_heatmap_of_two_settings():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/sweep.py").run()
    assert not at.exception
    at.selectbox(key="sweep_scenario").set_value("zuid-west-jeugdzorgplus").run()
    assert at.selectbox(key="sweep_path0").value == "care_types.jzplus.capacity.2022"  # the decision's date
    assert at.selectbox(key="sweep_path1").value == "care_types.jzplus.inflow_per_year"
    at.selectbox(key="sweep_path0").set_value("care_types.jzplus.capacity.2022").run()
    at.number_input(key="sweep_low0_care_types.jzplus.capacity.2022").set_value(35)
    at.number_input(key="sweep_high0_care_types.jzplus.capacity.2022").set_value(45)
    at.number_input(key="sweep_steps1").set_value(2).run()
    assert any("6 punten van 30 replicaties" in c.value for c in at.caption)
    at.button(key="sweep_go").click().run()
    assert not at.exception and not at.error
    assert at.get("image")  # the heatmap, drawn as the PNG it exports to
    assert at.selectbox(key="sweep_measure").value == "delayed_share_mean"
    labels = [b.proto.label for b in at.get("download_button")][-3:]
    assert labels == ["raster.png", "sweep.csv", "Presentatie (.pptx)"]


@pytest.mark.parametrize(
    "page, key", [("app_pages/sensitivity.py", "sens_scenario"), ("app_pages/sweep.py", "sweep_scenario")]
)
def test_a_link_picks_the_scenario_on_the_sensitivity_and_grid_pages(page, key, saved_folder):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["scenario"] = "ijsselland-jeugdzorgplus"
    at.run()
    at.switch_page(page).run()
    assert not at.exception and at.selectbox(key=key).value == "ijsselland-jeugdzorgplus"
    other = AppTest.from_file(APP, default_timeout=120)
    other.query_params["scenario"] = "noord/team-noord-vertrouwelijk"  # a team the laptop user is not in
    other.run()
    other.switch_page(page).run()
    assert other.error and other.error[0].value.startswith("Geen toegang") and not other.get("selectbox")
