"""Command line: ``python -m simulator run|validate|compare|export ...`` (the contract of DESIGN.md).

Exit codes: 0 done, 2 invalid input (a scenario, a flag, an output folder), 1 an internal
error. Invalid input gets one message naming the file and field, no traceback, and no output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from simulator import i18n, settings
from simulator.budget import RunLimitError
from simulator.files import FolderError, replace_problem
from simulator.i18n import Message
from simulator.scenario import MAX_REPLICATIONS, MAX_YEARS, ScenarioError, load_scenario, with_overrides
from simulator.settings import DEFAULT_ENGINE, ENGINES

if TYPE_CHECKING:  # the commands import the heavy modules when they run
    from simulator.cluster import Cluster
    from simulator.results import Results, Summary
    from simulator.scenario import Scenario

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2
FLAG_OF_FIELD = {"replications": "--replications", "seed": "--seed", "years": "--years"}


class InputError(Exception):
    """Invalid input found by the CLI itself (not by the scenario schema)."""


def _bounded_int(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return parse


def _power_of_two(name: str, low: int, high: int) -> Callable[[str], int]:
    """A whole number from low to high that is a power of 2 (Sobol' sequences need one)."""
    bounded = _bounded_int(name, low, high)

    def parse(text: str) -> int:
        value = bounded(text)
        if value & (value - 1):
            raise argparse.ArgumentTypeError(f"{name} must be a power of 2 (8, 16, 32, ...), got {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of the subcommands run, validate, compare, export and schema."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Scenario simulator for youth-care chains (home, foster care, residential care, JeugdzorgPlus).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="simulate a scenario and write monthly.csv, yearly.csv, flows.csv, run.json "
        "(and by_age.csv for a scenario with age)",
    )
    run.add_argument("scenario", metavar="SCENARIO.yaml")
    run.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the output files (created if missing)"
    )
    _add_run_flags(run)
    run.add_argument(
        "--workers", type=_bounded_int("--workers", 1, 64), help="processes to use (default: all cores)"
    )
    _add_engine_flag(run)
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")

    compare = commands.add_parser(
        "compare",
        help="run a baseline and up to five other scenarios with the same random numbers and write "
        "kpis.csv, parameters.csv, yearly.csv, run.json",
    )
    compare.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO.yaml", help="the baseline first, then the others"
    )
    compare.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the output files (created if missing)"
    )
    _add_aligned_flags(compare)

    export = commands.add_parser(
        "export",
        help="run a scenario (or a baseline and others: a comparison) and write a PowerPoint deck with "
        "native charts, the charts as PNG and SVG, and the tables as CSV and Excel",
    )
    export.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO.yaml", help="one scenario, or the baseline first"
    )
    export.add_argument("--pptx", type=Path, metavar="FILE", help="the deck (.pptx)")
    export.add_argument("--xlsx", type=Path, metavar="FILE", help="the workbook (.xlsx), a sheet per table")
    export.add_argument("--png", type=Path, metavar="DIR", help="folder for the charts as PNG (2x) and SVG")
    export.add_argument("--csv", type=Path, metavar="DIR", help="folder for the tables as CSV files")
    export.add_argument(
        "--lang", choices=["nl", "en"], default="nl", help="language of the deck and charts (default nl)"
    )
    _add_aligned_flags(export)

    sensitivity = commands.add_parser(
        "sensitivity",
        help="rank the scenario's uncertain inputs (its uncertainty block) by their effect on beds needed, "
        "delayed share, cost and occupancy in a year (Morris elementary effects, SALib); writes "
        "sensitivity.csv and run.json",
    )
    sensitivity.add_argument("scenario", metavar="SCENARIO.yaml")
    sensitivity.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the output files (created if missing)"
    )
    sensitivity.add_argument(
        "--year",
        type=_bounded_int("--year", 1900, 2200),
        help="the decision year of the measures (default: the year after the start, as the workshop)",
    )
    sensitivity.add_argument(
        "--trajectories",
        type=_bounded_int("--trajectories", 2, 200),
        default=10,
        help="Morris trajectories r; the run has r x (inputs + 1) points (default 10)",
    )
    sensitivity.add_argument(
        "--method",
        choices=["morris", "sobol"],
        default="morris",
        help="morris: elementary effects (mu*, sigma); sobol: also first-order and total Sobol indices "
        "(S1, ST) from a second design (default morris)",
    )
    sensitivity.add_argument(
        "--samples",
        type=_power_of_two("--samples", 8, 4096),
        help="with --method sobol: base samples N, a power of 2; the Sobol design has N x (inputs + 2) "
        "points (default 64)",
    )
    _add_run_flags(sensitivity)
    _add_points_flags(sensitivity)

    sweep = commands.add_parser(
        "sweep",
        help="run a grid of settings (--vary PATH=V1,V2,...), every point with the same random numbers, "
        "and write sweep.csv and run.json",
    )
    sweep.add_argument("scenario", metavar="SCENARIO.yaml")
    sweep.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="PATH=V1,V2,...",
        help="a path of the scenario and its values, e.g. care_types.jzplus.capacity.2022=35,43,50 (repeatable)",
    )
    sweep.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the output files (created if missing)"
    )
    _add_run_flags(sweep)
    _add_points_flags(sweep)

    commands.add_parser(
        "schema",
        help="print the JSON Schema of scenario files, for editors that check YAML "
        "(e.g. python -m simulator schema > scenario.schema.json)",
    )
    return parser


def _add_points_flags(parser: argparse.ArgumentParser) -> None:
    """Flags of the commands that run many points (sweep, sensitivity): where they run."""
    parser.add_argument(
        "--workers",
        type=_bounded_int("--workers", 1, 64),
        help="local processes to use (default: all cores; not with --scheduler)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the replications on the Dask distributed cluster of this scheduler, whose workers run "
        "this project (README: On a cluster); the tables equal a local run's (default: local processes)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _add_aligned_flags(parser: argparse.ArgumentParser) -> None:
    """Flags of the commands that run a baseline and others with the same random numbers."""
    parser.add_argument(
        "--replications",
        type=_bounded_int("--replications", 1, MAX_REPLICATIONS),
        help="replications for every scenario (default: the (first) scenario's)",
    )
    parser.add_argument(
        "--seed",
        type=_bounded_int("--seed", 0, 2**63 - 1),
        help="random seed for every scenario (default: the (first) scenario's)",
    )
    parser.add_argument(
        "--workers", type=_bounded_int("--workers", 1, 64), help="processes to use (default: all cores)"
    )
    _add_engine_flag(parser)
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_budget_flags(parser)


def _add_engine_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help=f"simpy: every youth a SimPy process (the reference); hybrid: youths outside care types "
        f"with a capacity in bulk with numpy, equal in distribution (default: {DEFAULT_ENGINE})",
    )


def _add_run_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--replications",
        type=_bounded_int("--replications", 1, MAX_REPLICATIONS),
        help="number of replications (overrides the file)",
    )
    parser.add_argument(
        "--seed", type=_bounded_int("--seed", 0, 2**63 - 1), help="random seed (overrides the file)"
    )
    parser.add_argument(
        "--years", type=_bounded_int("--years", 1, MAX_YEARS), help="horizon in years (overrides the file)"
    )
    _add_budget_flags(parser)


def _add_budget_flags(parser: argparse.ArgumentParser) -> None:
    """The run-size limits (``budget.CLI_LIMITS``), which a user may raise."""
    from simulator.budget import CLI_LIMITS

    parser.add_argument(
        "--max-stays",
        type=_bounded_int("--max-stays", 1, 10**12),
        default=int(CLI_LIMITS.max_stays),
        help=f"refuse a run expected to simulate more stays than this, all replications together "
        f"(default {CLI_LIMITS.max_stays:,.0f}: about 25 minutes of one core)",
    )
    parser.add_argument(
        "--max-youths",
        type=_bounded_int("--max-youths", 1, 10**9),
        default=int(CLI_LIMITS.max_youths),
        help=f"refuse a run expected to hold more youths in one replication than this "
        f"(default {CLI_LIMITS.max_youths:,.0f}: a few GB)",
    )


def check_budget(scenario: Scenario, args: argparse.Namespace, source: str) -> None:
    """Refuse, before it starts, a run larger than the limits (``ScenarioError``, exit 2)."""
    from simulator.budget import CLI_LIMITS, Limits, over_budget

    limits = Limits(CLI_LIMITS.max_replications, CLI_LIMITS.max_years, args.max_stays, args.max_youths)
    problems = over_budget(scenario, limits)
    if problems:
        hint = Message("b_raise_hint")
        raise ScenarioError(source, [*problems, ("", hint)], header="b_too_large")


class ProgressBar:
    """A one-line bar on stderr, only on a terminal and only once a run takes a while."""

    def __init__(self, enabled: bool, label: str = "replications", delay: float = 0.5):
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self.started = time.monotonic()
        self.delay = delay
        self.shown = False
        self.before = 0  # done before this run started (a resumed sweep): not this run's pace

    def __call__(self, done: int, total: int) -> None:
        """Redraw the bar at ``done`` of ``total`` (only after ``delay`` seconds)."""
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        sys.stderr.write("\r" + self.line(done, total, time.monotonic() - self.started))
        sys.stderr.flush()
        self.shown = True

    def line(self, done: int, total: int, elapsed: float) -> str:
        """The bar, the count and, once something is done, the time left at the pace so far
        (padded, so a shorter line wipes a longer one)."""
        width = 30
        filled = int(width * done / total)
        text = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {self.label}"
        if self.before < done < total:
            left = elapsed / (done - self.before) * (total - done)
            text += f", about {left:.0f} s left" if left < 120 else f", about {left / 60:.0f} min left"
        return text.ljust(len(text) + 8)

    def close(self) -> None:
        """End the bar's line on stderr, if the bar was drawn."""
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_schema() -> int:
    """``schema``: print the JSON Schema of scenario files; returns the exit code."""
    from simulator.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate``: check each file and print its plan warnings; exit code 2 if any file is invalid."""
    failed = 0
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(error.message(), file=sys.stderr)
            failed += 1
            continue
        from simulator.checks import plan_warnings
        from simulator.timeline import compile_plan

        print(
            f"{path}: ok ({scenario.name}; {len(scenario.care_types)} care types, {len(scenario.policies)} policies)"
        )
        for warning in plan_warnings(compile_plan(scenario)):
            print(f"{path}: warning: {warning.text()}", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _resolve(args: argparse.Namespace) -> Scenario:
    scenario = load_scenario(args.scenario)
    from simulator.experiment import resolve

    try:
        return resolve(scenario, args.replications, args.seed, args.years)
    except ScenarioError as error:  # e.g. --years 40 makes a capacity schedule or inflow invalid
        problems = [(FLAG_OF_FIELD.get(p, p), m) for p, m in error.problems]
        raise ScenarioError(f"{args.scenario} with the given flags", problems) from None


RUN_FILES = ("monthly.csv", "yearly.csv", "flows.csv", "by_age.csv", "run.json")  # by_age: with age
COMPARE_FILES = ("kpis.csv", "parameters.csv", "yearly.csv", "run.json")


def _check_writable(folder: Path, what: str) -> None:
    """Before a run: a file can be created in ``folder`` (or the nearest folder above it that
    exists, where the missing ones will be made)."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise InputError(f"{what}: no permission to write in {existing}")


def _check_out_dir(out: Path, flag: str = "--out", names: tuple[str, ...] | None = None) -> None:
    """Before a run: ``out`` can become the run's folder (``files.write_folder``), which is
    written beside it and then takes its place."""
    problem = replace_problem(out, names)
    if problem:
        raise InputError(f"{flag} {out}: {problem}")
    _check_writable(out.resolve().parent, f"{flag} {out}")


def _warm_up(args: argparse.Namespace) -> None:
    """Import the model, then start the workers: forked from this process by ``python -m
    simulator`` (``simulator.pool.use_fork``), they start at once with the model imported.
    This process loads pandas and scipy while they run (``experiment._load_summaries``)."""
    import simulator.experiment  # noqa: F401

    if args.workers != 1:
        from simulator.pool import warm_up

        warm_up(args.workers)


def _where_to_run(args: argparse.Namespace) -> contextlib.AbstractContextManager[Cluster | None]:
    """The cluster of --scheduler, connected and checked (exit 2 if it cannot be used), or
    None with the local workers started."""
    if not args.scheduler:
        _warm_up(args)
        return contextlib.nullcontext(None)
    if args.workers:
        raise InputError(
            "--workers: the cluster's workers run the replications; leave it out with --scheduler"
        )
    from simulator.cluster import ClusterError, connect

    try:
        return connect(args.scheduler)
    except ClusterError as error:
        raise InputError(str(error)) from None


def cmd_run(args: argparse.Namespace) -> int:
    """``run``: simulate one scenario, write monthly.csv, yearly.csv, flows.csv and run.json to
    --out and print the summary; returns the exit code."""
    out = Path(args.out)
    _check_out_dir(out, names=RUN_FILES)
    scenario = _resolve(args)
    check_budget(scenario, args, args.scenario)
    _warm_up(args)
    from simulator.experiment import run_experiment

    bar = ProgressBar(enabled=not args.quiet)
    try:
        results = run_experiment(scenario, workers=args.workers, progress=bar, engine=args.engine)
    finally:
        bar.close()
    try:
        results.write(out)
    except OSError as error:
        raise InputError(f"--out {out}: cannot write ({error.strerror})") from None
    for warning in results.warnings:
        print(f"warning: {warning.text()}", file=sys.stderr)
    if not args.quiet:
        print(summary_table(results))
        print(
            f"\n{scenario.replications} replications in {results.runtime_seconds:.1f} s; "
            f"wrote monthly.csv, yearly.csv, flows.csv{', by_age.csv' if results.by_age is not None else ''} "
            f"and run.json to {out}"
        )
    return EXIT_OK


def _run_aligned(
    args: argparse.Namespace, command: str
) -> tuple[list[Scenario], list[str], list[Summary], list[Results]]:
    """Load the scenarios (the first is the baseline), give all the baseline's seed and
    replications (flags override), run them and return (scenarios, labels, summaries)."""
    from simulator.compare import MAX_OTHERS, aligned
    from simulator.experiment import run_in_stages
    from simulator.results import Summary

    if len(args.scenarios) > 1 + MAX_OTHERS:
        raise InputError(
            f"{command} takes a baseline and at most {MAX_OTHERS} other scenarios, "
            f"got {len(args.scenarios) - 1}"
        )
    loaded = [load_scenario(path) for path in args.scenarios]
    base = with_overrides(loaded[0], replications=args.replications, seed=args.seed)
    scenarios = aligned(base, loaded[1:])
    for scenario, path in zip(scenarios, args.scenarios, strict=True):
        check_budget(scenario, args, path)
    _warm_up(args)
    labels = [Path(path).stem for path in args.scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{k}:{label}" for k, label in enumerate(labels)]
    bar = ProgressBar(enabled=not args.quiet)
    try:
        results = run_in_stages(scenarios, preview=0, progress=bar, workers=args.workers, engine=args.engine)
    finally:
        bar.close()
    return scenarios, labels, [Summary.of(r) for r in results], results


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare``: run a baseline and others with the same random numbers, write kpis.csv,
    parameters.csv, yearly.csv and run.json to --out; returns the exit code."""
    from simulator.compare import common_years, kpi_table, parameter_differences
    from simulator.files import write_folder

    out = Path(args.out)
    _check_out_dir(out, names=COMPARE_FILES)
    if len(args.scenarios) < 2:
        raise InputError("compare needs a baseline and at least one other scenario")
    scenarios, labels, summaries, results = _run_aligned(args, "compare")
    base = scenarios[0]
    years = common_years(summaries)
    if not years:
        raise InputError("these scenarios share no calendar year; nothing to compare")
    import pandas as pd

    kpis = pd.concat([kpi_table(summaries, year, labels) for year in years], ignore_index=True)
    parameters = parameter_differences(scenarios, labels)
    yearly = pd.concat(
        [r.yearly.assign(scenario=label) for r, label in zip(results, labels, strict=True)], ignore_index=True
    )
    info = {
        "engine": results[0].engine,
        "seed": base.seed,
        "replications": base.replications,
        "baseline": labels[0],
        "scenarios": {label: r.run_info()["scenario"] for label, r in zip(labels, results, strict=True)},
    }
    try:
        write_folder(
            out,
            {
                "kpis.csv": kpis.to_csv(index=False),
                "parameters.csv": parameters.to_csv(index=False),
                "yearly.csv": yearly[["scenario", *yearly.columns[:-1]]].to_csv(index=False),
                "run.json": json.dumps(info, indent=2, ensure_ascii=False),
            },
        )
    except OSError as error:
        raise InputError(f"--out {out}: cannot write ({error.strerror})") from None
    if not args.quiet:
        year = years[min(1, len(years) - 1)]
        shown = kpis[kpis["year"] == year]
        print(f"key figures {year} (difference against {labels[0]}, P10-P90 of the paired difference):")
        for row in shown.itertuples():  # the app's formats and labels, in English (i18n)
            care = next((s.label(row.care_type) for s in scenarios if row.care_type in s.care_types), "")
            measure = i18n.t(i18n.KPI_LABELS[row.measure], "en", care_type=care).strip()
            difference = ""
            if row.scenario > 0:
                difference = i18n.measure_delta(row.difference, row.measure, "en", row.mean)
                if row.difference_p10 == row.difference_p10:  # not NaN: a paired spread
                    low, high = (
                        i18n.measure_delta(v, row.measure, "en", row.mean)
                        for v in (row.difference_p10, row.difference_p90)
                    )
                    difference += f" ({low} to {high})"
            value = i18n.measure_value(row.mean, row.measure, "en")
            print(f"  {row.name:<32} {measure:<32} {value:>14}  {difference}")
        print(
            f"\n{len(scenarios)} scenarios x {base.replications} replications, seed {base.seed}; "
            f"wrote kpis.csv, parameters.csv, yearly.csv and run.json to {out}"
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: run one scenario (or a comparison) and write the deck, workbook, images and/or
    CSV tables asked for; returns the exit code."""
    from simulator.export import comparison_export, scenario_export
    from simulator.files import write_file, write_folder

    targets = [(flag, path) for flag, path in (("--pptx", args.pptx), ("--xlsx", args.xlsx)) if path]
    folders = [(flag, path) for flag, path in (("--png", args.png), ("--csv", args.csv)) if path]
    if not targets and not folders:
        raise InputError("nothing to export: give --pptx FILE, --xlsx FILE, --png DIR and/or --csv DIR")
    for flag, path in targets:
        if path.exists() and path.is_dir():
            raise InputError(f"{flag} {path}: is a folder, expected a file")
        _check_writable(path.parent, f"{flag} {path}")
    for flag, path in folders:
        _check_out_dir(path, flag)
    scenarios, labels, summaries, _ = _run_aligned(args, "export")
    base = scenarios[0]
    if len(summaries) == 1:
        made = scenario_export(summaries[0], args.lang)
    else:
        made = comparison_export(summaries, labels, args.lang)
    written = []
    try:  # everything is computed before anything is written; each file is written whole
        for flag, path in targets:
            write_file(path, made.deck if flag == "--pptx" else made.workbook)
            written.append(str(path))
        if args.png:
            write_folder(args.png, made.images)
            written.append(f"{len(made.images)} files in {args.png}")
        if args.csv:
            write_folder(args.csv, made.tables)
            written.append(f"{len(made.tables)} files in {args.csv}")
    except OSError as error:
        raise InputError(
            f"cannot write ({error.strerror}); written so far: {', '.join(written) or 'nothing'}"
        ) from None
    if not args.quiet:
        kind = "comparison" if len(summaries) > 1 else "scenario"
        print(
            f"exported the {kind} ({len(scenarios)} x {base.replications} replications, seed {base.seed}, "
            f"language {args.lang}): {'; '.join(written)}"
        )
    return EXIT_OK


SENSITIVITY_FILES = ("sensitivity.csv", "run.json")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``sensitivity``: Morris indices of the scenario's uncertain inputs; writes
    sensitivity.csv and run.json to --out, all or none."""
    out = Path(args.out)
    _check_out_dir(out, names=SENSITIVITY_FILES)
    scenario = _resolve(args)
    from simulator.budget import estimate
    from simulator.levers import default_levers
    from simulator.sensitivity import (
        DEFAULT_SAMPLES,
        SensitivityError,
        problem,
        run_sensitivity,
        sobol_points,
    )

    if args.samples is not None and args.method != "sobol":
        raise InputError("--samples: the Sobol design's size; give it with --method sobol")
    args.samples = args.samples or DEFAULT_SAMPLES
    try:
        inputs = problem(scenario)["num_vars"]
    except SensitivityError as error:
        raise InputError(f"{args.scenario}: {error}") from None
    points = args.trajectories * (inputs + 1)
    if args.method == "sobol":
        points += sobol_points(inputs, args.samples)
    check_budget(scenario, args, args.scenario)
    total = estimate(scenario).total_stays * points
    if total > args.max_stays:
        raise InputError(
            f"{args.scenario}: the sensitivity run would simulate about {total:,.0f} stays ({points} points x "
            f"{scenario.replications} replications), over --max-stays {args.max_stays:,.0f}; use fewer "
            "--trajectories, --samples or --replications, or raise --max-stays"
        )
    year = args.year or default_levers(scenario).policy_year
    with _where_to_run(args) as cluster:
        bar = ProgressBar(enabled=not args.quiet)
        started = time.perf_counter()
        try:
            table = run_sensitivity(
                scenario,
                year,
                args.trajectories,
                workers=args.workers,
                progress=bar,
                cluster=cluster,
                method=args.method,
                samples=args.samples,
            )
        except SensitivityError as error:
            raise InputError(f"{args.scenario}: {error}") from None
        finally:
            bar.close()
    from simulator import __version__
    from simulator.csvtext import csv_text
    from simulator.files import write_folder

    info = {
        "version": __version__,
        "method": args.method,
        "trajectories": args.trajectories,
        "sobol_samples": args.samples if args.method == "sobol" else None,
        "levels": 4,
        "points": points,
        "year": year,
        "seed": scenario.seed,
        "replications": scenario.replications,
        "scheduler": args.scheduler,
        "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        "runtime_seconds": round(time.perf_counter() - started, 3),
    }
    try:
        write_folder(
            out,
            {
                "sensitivity.csv": csv_text(table),
                "run.json": json.dumps(info, indent=2, ensure_ascii=False),
            },
        )
    except OSError as error:
        raise InputError(f"--out {out}: cannot write ({error.strerror})") from None
    if not args.quiet:
        key = table[table["measure"] == "occupancy_mean"].groupby("care_type", sort=False).head(1)
        for row in key.itertuples():
            print(
                f"occupancy {row.care_type} {year}: most sensitive to {row.parameter} (mu* {row.mu_star:.2f})"
            )
        print(
            f"\n{points} points x {scenario.replications} replications; wrote sensitivity.csv and run.json to {out}"
        )
    return EXIT_OK


SWEEP_FILES = ("sweep.csv", "run.json")


def cmd_sweep(args: argparse.Namespace) -> int:
    """``sweep``: every point of the --vary grid with the same seed; writes sweep.csv and
    run.json to --out, all or none."""
    out = Path(args.out)
    _check_out_dir(out, names=SWEEP_FILES)
    scenario = _resolve(args)
    from simulator.budget import estimate
    from simulator.sweep import SweepError, check, parse_vary, run_sweep

    try:
        grid = parse_vary(args.vary, scenario)
        scenarios = check(scenario, grid)
    except SweepError as error:
        raise InputError(f"{args.scenario}: {error}") from None
    for point in scenarios:
        check_budget(point, args, args.scenario)
    total = sum(estimate(point).total_stays for point in scenarios)
    if total > args.max_stays:
        raise InputError(
            f"{args.scenario}: the sweep would simulate about {total:,.0f} stays ({len(scenarios)} points x "
            f"{scenario.replications} replications), over --max-stays {args.max_stays:,.0f}; vary fewer values "
            "or use fewer --replications, or raise --max-stays"
        )
    from simulator.sweep import Finished

    with _where_to_run(args) as cluster:
        # Finished points wait beside --out until the sweep is written: an interrupted sweep
        # run again with the same scenario and grid goes on from there.
        finished = Finished(out.parent / f".{out.name}.sweep-points", scenario, grid)
        if finished.count() and not args.quiet:
            print(f"resuming: {finished.count()} of {len(scenarios)} points finished before", file=sys.stderr)
        bar = ProgressBar(enabled=not args.quiet)
        bar.before = finished.count() * scenario.replications
        started = time.perf_counter()
        try:
            table = run_sweep(
                scenario, grid, workers=args.workers, progress=bar, finished=finished, cluster=cluster
            )
        finally:
            bar.close()
    from simulator import __version__
    from simulator.csvtext import csv_text
    from simulator.files import write_folder

    seconds = round(time.perf_counter() - started, 3)
    info = {
        "version": __version__,
        "vary": grid,
        "points": len(scenarios),
        "seed": scenario.seed,
        "replications": scenario.replications,
        "scheduler": args.scheduler,
        "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        "runtime_seconds": seconds,
    }
    try:
        write_folder(
            out,
            {"sweep.csv": csv_text(table), "run.json": json.dumps(info, indent=2, ensure_ascii=False)},
        )
    except OSError as error:
        raise InputError(f"--out {out}: cannot write ({error.strerror})") from None
    finished.remove()
    if not args.quiet:
        print(
            f"{len(scenarios)} points x {scenario.replications} replications in {seconds:.1f} s "
            f"({seconds / len(scenarios):.2f} s a point); wrote sweep.csv and run.json to {out}"
        )
    return EXIT_OK


def summary_table(results: Results) -> str:
    """Per year and care type: occupancy mean (P10-P90), beds needed and capacity."""
    yearly = results.yearly
    scenario = results.scenario
    lines = [
        f"{scenario.name} ({scenario.region})" if scenario.region else scenario.name,
        "occupancy: mean youths in regional places (P10-P90 over replications); "
        f"beds needed: places so that {i18n.percent(scenario.service_level, 'en')} of the year's youths "
        "are placed at once",
    ]
    header = f"{'year':<6}{'care type':<28}{'occupancy':>22}{'waiting':>9}{'elsewhere':>10}{'beds needed':>13}{'capacity':>10}"
    lines += ["", header, "-" * len(header)]
    for row in yearly.itertuples(index=False):
        capacity = "-" if row.capacity is None or str(row.capacity) == "<NA>" else str(row.capacity)
        occupancy = f"{row.occupancy_mean:.1f} ({row.occupancy_p10:.1f}-{row.occupancy_p90:.1f})"
        lines.append(
            f"{row.year:<6}{scenario.label(row.care_type)[:27]:<28}{occupancy:>22}"
            f"{row.waiting_mean:>9.1f}{row.overflow_mean:>10.1f}{row.beds_needed:>13}{capacity:>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (None: ``sys.argv``); returns the exit code (0 done,
    1 internal error, 2 invalid input, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with 2 on a bad flag
    try:
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "schema":
            return cmd_schema()
        if args.command == "compare":
            return cmd_compare(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "sensitivity":
            return cmd_sensitivity(args)
        if args.command == "sweep":
            return cmd_sweep(args)
        return cmd_run(args)
    except ScenarioError as error:
        print(error.message(), file=sys.stderr)
        return EXIT_INVALID
    except (InputError, FolderError) as error:  # a FolderError: the folder changed during the run
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except RunLimitError as error:  # a replication used far more events than estimated
        print(f"error: {error.text.text()}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return 130
    except Exception as error:  # an internal error: say so briefly; JZSIM_DEBUG=1 shows the traceback
        if settings.debug():
            raise
        print(
            f"internal error: {type(error).__name__}: {error} (set JZSIM_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
