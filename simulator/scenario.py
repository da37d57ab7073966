"""Scenario files: loading, checking, copying and saving.

The entry point for every scenario that reaches the model: a file, an upload or plain data
goes through ``parse_yaml`` (safe_load only, size and alias caps), the schema (``schema``) and
the plan checks (``checks``), and any problem raises ``ScenarioError`` naming the file and the
field. The schema's names are re-exported, so ``from simulator.scenario import Scenario`` works.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator import uncertainty
from simulator.checks import plan_problems
from simulator.files import write_file
from simulator.i18n import Message
from simulator.schema import (
    DEFAULT_SEED,
    EXIT,
    MAX_FILE_BYTES,
    MAX_REPLICATIONS,
    MAX_YAML_NODES,
    MAX_YEARS,
    NEW,
    CareType,
    Policy,
    Scenario,
    ScenarioError,
    format_validation_error,
    year_month_tuple,
)

__all__ = [
    "DEFAULT_SEED",
    "EXIT",
    "MAX_REPLICATIONS",
    "MAX_YAML_NODES",
    "MAX_YEARS",
    "NEW",
    "CareType",
    "Policy",
    "Scenario",
    "ScenarioError",
    "dump_scenario",
    "format_validation_error",
    "load_scenario",
    "load_scenario_cached",
    "parse_yaml",
    "save_scenario",
    "scenario_from_dict",
    "scenario_from_yaml",
    "with_overrides",
    "year_month_tuple",
]


def scenario_from_dict(data: Any, source: str | None = None) -> Scenario:
    """A scenario from plain data, checked by the schema and then by the plan checks; any
    problem raises ``ScenarioError`` with every field path at once."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(source, [("", Message("v_not_mapping", kind=kind))])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, format_validation_error(error)) from None
    problems = plan_problems(scenario)
    if not problems and scenario.uncertainty:
        problems = uncertainty_problems(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def with_values(
    scenario: Scenario, values: dict[str, float], source: str | None = None, grid: bool = False
) -> Scenario:
    """A checked copy with each uncertain path set to its value and no uncertainty block: the
    scenario one replication (or one point of a sensitivity run or, ``grid``, a sweep) runs."""
    return scenario_from_dict(uncertainty.set_values(scenario, values, grid), source or scenario.name)


def drawn_scenario(scenario: Scenario, run_number: int) -> Scenario:
    """The scenario replication ``run_number`` runs: its drawn values set."""
    return with_values(scenario, uncertainty.drawn_values(scenario, run_number))


def central(scenario: Scenario) -> Scenario:
    """The scenario without its uncertainty block: every assumption at its value in the file
    (chance only)."""
    if not scenario.uncertainty:
        return scenario
    data = scenario.to_dict()
    del data["uncertainty"]
    return scenario_from_dict(data, scenario.name)


def uncertainty_problems(scenario: Scenario) -> list[tuple[str, Message]]:
    """(field path, message) per bad entry of the uncertainty block: a path that names no
    uncertain input, or a low or high that makes the scenario invalid (an inflow above the
    peak, a stay below the minimum): each end is checked as the scenario it would run."""
    found: list[tuple[str, Message]] = []
    for path, spread in scenario.uncertainty.items():
        base = f"uncertainty.{path}"
        if uncertainty.is_assumption(path):
            problems = uncertainty.assumption_problems(scenario, path)
            found.extend((f"{base}.{where}".rstrip("."), message) for where, message in problems)
            if problems:
                continue
        else:
            _, problem = uncertainty.locate(scenario, path)
            if problem is None and spread.sets:
                problem = Message("v_spread_at_sets")
            if problem is not None:
                found.append((base, problem))
                continue
        for end in ("low", "high"):
            try:
                with_values(scenario, {path: getattr(spread, end)})
            except ScenarioError as error:
                for where, message in error.problems:
                    found.append((f"{base}.{end}", Message("u_end_invalid", where=where, message=message)))
    return found


def with_overrides(scenario: Scenario, source: str | None = None, **overrides: Any) -> Scenario:
    """A checked copy with top-level fields replaced (the CLI's --years, --seed, ...); ``None``
    keeps a field. A longer horizon can make a schedule or the peak inflow invalid: that raises
    ``ScenarioError`` like a file would."""
    data = scenario.to_dict()
    data.update({k: v for k, v in overrides.items() if v is not None})
    return scenario_from_dict(data, source or scenario.name)


def _expanded_nodes(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count with aliases expanded, counted without expanding them (alias bombs)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle counts once
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_nodes(k, memo) + _expanded_nodes(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_nodes(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _duplicate_key(node: yaml.Node, seen: set[int]) -> Message | None:
    """The first key that a mapping repeats (YAML would keep the last one silently)."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                line = key.start_mark.line + 1
                if key.value in first:
                    return Message("v_duplicate_key", key=repr(key.value), first=first[key.value], line=line)
                first[key.value] = line
            found = _duplicate_key(value, seen)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            found = _duplicate_key(value, seen)
            if found:
                return found
    return None


def parse_yaml(text: str | bytes, source: str | None = None) -> Any:
    """Plain data from YAML text: safe_load only, size and alias-expansion capped."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(source, [("", Message("v_file_bytes", size=len(text), max=MAX_FILE_BYTES))])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(source, [("", Message("v_not_text"))]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(source, [("", Message("v_file_chars", size=len(text), max=MAX_FILE_BYTES))])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None and _expanded_nodes(node, {}) > MAX_YAML_NODES:
            raise ScenarioError(source, [("", Message("v_alias_bomb", max=MAX_YAML_NODES))])
        if node is not None:
            duplicate = _duplicate_key(node, set())
            if duplicate:
                raise ScenarioError(source, [("", duplicate)])
        return yaml.safe_load(text)
    except RecursionError:  # nesting thousands deep: the parser's stack, not a scenario
        raise ScenarioError(source, [("", Message("v_too_deep"))]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = Message("v_line_column", line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = getattr(error, "problem", None) or str(error)  # the YAML parser's own (English) words
        raise ScenarioError(source, [("", Message("v_not_yaml", where=where, problem=problem))]) from None


def load_scenario(path: str | Path) -> Scenario:
    """A scenario file, read, parsed safely and checked; ``ScenarioError`` names file and field."""
    path = Path(path)
    try:
        if path.exists() and not path.is_dir() and not path.is_file():  # /dev/zero, a FIFO: never read
            raise ScenarioError(str(path), [("", Message("v_not_regular"))])
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            size = path.stat().st_size
            raise ScenarioError(str(path), [("", Message("v_file_bytes", size=size, max=MAX_FILE_BYTES))])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # one byte past the limit is enough to refuse
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", Message("v_not_found"))]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [("", Message("v_is_folder"))]) from None
    except OSError as error:
        raise ScenarioError(str(path), [("", Message("v_unreadable", reason=error.strerror))]) from None
    return scenario_from_dict(parse_yaml(raw, str(path)), str(path))


_LOADED: OrderedDict[tuple[str, int, int, int], Scenario | ScenarioError] = OrderedDict()
_LOADED_LOCK = threading.Lock()
LOADED_ENTRIES = 4096


def load_scenario_cached(path: str | Path) -> Scenario:
    """``load_scenario``, remembered by the file's identity (inode, size, modification time):
    a page that lists a thousand saved scenarios on every rerun validates only the files that
    changed. A scenario is frozen, so sharing it between sessions is safe."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError:
        return load_scenario(path)  # missing or unreadable: let it say so
    key = (str(path.resolve()), info.st_ino, info.st_size, info.st_mtime_ns)
    with _LOADED_LOCK:
        known = _LOADED.get(key)
        if known is not None:
            _LOADED.move_to_end(key)
    if known is None:
        try:
            known = load_scenario(path)
        except ScenarioError as error:
            known = error
        with _LOADED_LOCK:
            _LOADED[key] = known
            while len(_LOADED) > LOADED_ENTRIES:
                _LOADED.popitem(last=False)
    if isinstance(known, ScenarioError):
        raise known
    return known


def scenario_from_yaml(text: str | bytes, source: str | None = None) -> Scenario:
    """A scenario from YAML text (an upload, a pasted file)."""
    return scenario_from_dict(parse_yaml(text, source), source)


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML in file order; loading it gives an equal scenario."""
    return yaml.safe_dump(
        scenario.to_dict(), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def save_scenario(scenario: Scenario, path: str | Path, header: str = "") -> Path:
    """Write atomically (``files.write_file``): a reader never sees half a file."""
    return write_file(path, header + dump_scenario(scenario))
