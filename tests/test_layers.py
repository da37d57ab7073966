"""The layers of simulator/ (ARCHITECTURE.md): no import cycle, the schema knows nothing of
compiling, scenarios are frozen values, messages travel as keys, the JSON Schema matches."""

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from simulator import cli, settings
from simulator.experiment import run_experiment
from simulator.i18n import Message
from simulator.scenario import ScenarioError, scenario_from_dict, with_overrides
from tests.conftest import ROOT, make_scenario

PACKAGE = settings.ROOT / "simulator"


def module_name(path: Path) -> str:
    parts = path.relative_to(settings.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """simulator.* modules imported anywhere in the file, local imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("simulator"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # `from simulator import x`
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("simulator"))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def test_no_module_of_the_package_imports_itself_back():
    graph = import_graph()
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            if other == "simulator":  # the package's __init__ holds the version only
                continue
            if state.get(other) == "open":
                pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(other) :], other]))
            if other not in state:
                visit(other, [*trail, other])
        state[name] = "done"

    assert "simulator.schema" in graph and "simulator.checks" in graph
    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_schema_knows_nothing_of_compiling_or_running():
    graph = import_graph()
    assert graph["simulator.schema"] <= {"simulator.i18n"}, graph["simulator.schema"]
    assert "simulator.scenario" not in graph["simulator.timeline"] | graph["simulator.checks"]


def test_a_scenario_is_a_frozen_value(example):
    with pytest.raises(ValidationError, match="frozen"):
        example.years = 3
    with pytest.raises(ValidationError, match="frozen"):
        example.care_types["jzplus"].stay_months = 1.0
    assert with_overrides(example, years=3).years == 3 and example.years != 3


def test_plan_checks_run_on_every_loaded_scenario_and_every_copy(example_dict):
    trapped = json.loads(json.dumps(example_dict))
    trapped["care_types"]["jzplus"]["outflow"] = {"residential": 1.0}
    trapped["care_types"]["residential"]["outflow"] = {"jzplus": 1.0}
    trapped["care_types"]["residential"].pop("escalation_per_year", None)
    with pytest.raises(ScenarioError, match="can never leave care") as raised:
        scenario_from_dict(trapped, "trapped.yaml")
    assert "care_types.jzplus.outflow" in str(raised.value)
    growing = make_scenario(
        {"home": {"stay_months": 12, "inflow_per_year": 60_000}},
        policies=[{"name": "groei", "from": "2021-01", "inflow_change_per_year": {"home": 0.5}}],
        years=1,
    )
    with pytest.raises(ScenarioError, match="total inflow reaches") as raised:
        with_overrides(growing, years=3)  # a longer horizon reaches beyond the inflow cap
    assert "care_types.inflow_per_year" in str(raised.value)


def circular_wait():
    return make_scenario(
        {
            "residential": {
                "stay_months": 6,
                "capacity": 5,
                "initial": 5,
                "escalation_per_year": {"jzplus": 1.0},
            },
            "jzplus": {"stay_months": 3, "capacity": 3, "initial": 3, "outflow": {"residential": 1.0}},
        },
        years=1,
        replications=1,
    )


def test_warnings_travel_as_message_keys_and_are_translated_where_shown(tmp_path):
    results = run_experiment(circular_wait())
    assert [w.key for w in results.warnings] == ["warn_circular_wait"]
    results.write(tmp_path)
    stored = json.loads((tmp_path / "run.json").read_text())["warnings"]
    assert stored == [{"key": "warn_circular_wait", "values": {"members": "'residential', 'jzplus'"}}]
    again = Message.from_json(stored[0])
    assert again.text("nl") != again.text("en") and "'jzplus'" in again.text("nl")


def schema_from_the_command_line() -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["schema"]) == 0
    return json.loads(out.getvalue())


def test_the_printed_json_schema_accepts_every_preset_and_refuses_a_typo():
    schema = schema_from_the_command_line()
    validator = jsonschema.Draft202012Validator(schema)
    presets = sorted(settings.PRESETS_DIR.glob("*.yaml"))
    assert len(presets) >= 7
    for path in presets:
        # As an editor sees a YAML file: keys are strings (a capacity schedule's years too).
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path.name, errors[:3])
    data["care_types"][next(iter(data["care_types"]))]["stay_month"] = 3
    data["care_types"][next(iter(data["care_types"]))]["capacity"] = {"2022-13": 4}
    messages = " ".join(e.message for e in validator.iter_errors(data))
    assert "stay_month" in messages and "2022-13" in messages


def test_every_field_of_the_schema_says_what_it_is():
    schema = schema_from_the_command_line()
    models = {"Scenario": schema, **schema["$defs"]}
    for model, body in models.items():
        assert body.get("description"), model
        for field, spec in body["properties"].items():
            assert spec.get("description"), f"{model}.{field} has no description"


def test_the_model_reads_no_private_simpy_attributes():
    """SimPy's private fields (``env._eid``, ``env._queue``, ``event._value``, ...) may change
    in any release; the events a replication schedules are counted through the public
    ``schedule`` (``model.CountingEnvironment``)."""
    private = re.compile(r"\b(env|event|process|request|environment)\._[a-z]")
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not private.search(line), f"{path.name}:{number}: {line.strip()}"
