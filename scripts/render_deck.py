"""Render a PowerPoint deck to one PNG per slide, so a person can look at every slide.

Uses LibreOffice (headless) to make a PDF and pdftoppm to cut it into pages:
    apt-get install libreoffice-impress poppler-utils fonts-crosextra-carlito

Usage: python scripts/render_deck.py DECK.pptx [--out DIR] [--dpi 60]
Without a deck it first exports the default preset (Zuid-West) with one lever moved, and the
comparison of that with the preset and the example region, and renders both.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def render(deck: Path, out: Path, dpi: int) -> list[Path]:
    """The deck's slides as PNGs in ``out``, in order; exits if LibreOffice or pdftoppm is missing."""
    for tool in ("libreoffice", "pdftoppm"):
        if not shutil.which(tool):
            sys.exit(
                f"{tool} is not installed: apt-get install libreoffice-impress poppler-utils fonts-crosextra-carlito"
            )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(deck)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(tmp) / (deck.stem + ".pdf")
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / deck.stem)], check=True, timeout=300
        )
    return sorted(out.glob(f"{deck.stem}-*.png"))


def example_decks(folder: Path) -> list[Path]:
    """Export the workshop deck and the comparison deck (see above) into ``folder``; their paths."""
    from simulator.compare import aligned
    from simulator.experiment import run_experiment
    from simulator.export import comparison_export, scenario_export
    from simulator.levers import apply_levers, default_levers
    from simulator.results import Summary
    from simulator.scenario import load_scenario
    from simulator.settings import PRESETS_DIR

    preset = load_scenario(PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml")
    levers = default_levers(preset)
    levers.inflow_change["jzplus"] = -0.10
    changed = apply_levers(preset, levers).model_copy(
        update={"name": "Zuid-West: instroom JZ+ -10% per jaar"}
    )
    base, current = Summary.of(run_experiment(preset)), Summary.of(run_experiment(changed))
    folder.mkdir(parents=True, exist_ok=True)
    single = folder / "zuid-west-workshop.pptx"
    single.write_bytes(scenario_export(current, "nl", baseline=base, base_scenario=preset).deck)
    others = aligned(preset, [changed, load_scenario(PRESETS_DIR / "voorbeeldregio.yaml")])
    summaries = [base] + [Summary.of(run_experiment(s)) for s in others[1:]]
    labels = [s.name for s in others]
    comparison = folder / "zuid-west-vergelijking.pptx"
    comparison.write_bytes(comparison_export(summaries, labels, "nl").deck)
    return [single, comparison]


def main() -> int:
    """Render the given deck, or else the example decks, and print the path of every slide."""
    parser = argparse.ArgumentParser()
    parser.add_argument("deck", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "slides")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    decks = [args.deck] if args.deck else example_decks(args.out)
    for deck in decks:
        for page in render(deck, args.out, args.dpi):
            print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
