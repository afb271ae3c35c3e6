"""Wall time of the training lab (notebook 07) and the training time per loss.

Executes ``notebooks/07_training_lab.ipynb`` top to bottom in a fresh
kernel, as the book and the tests do, and reports its wall time (kernel
start included; budget: 60 s on a 2-core laptop CPU), the time of its grid
of 63 trainings (``experiments.run_experiment``), and the training time of
each loss (mean seconds per run, with the per-epoch validation). The kernel's
CPU time is printed too: on a machine that other work keeps busy, the wall
time grows but the CPU time does not, so it says what the lab costs on an
idle machine. The table of scores is the same on every run; the seconds
are not.

Run with ``python bench/bench_lab.py`` or ``make bench BENCH=lab``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "07_training_lab.ipynb"
BUDGET_S = 60.0

#: Appended to the notebook's cells: reports what the lab timed, as one JSON line.
PROBE = """
import json as _json
_per_loss = {}
for (_loss, _fraction, _seed), _seconds in results.seconds.items():
    _per_loss.setdefault(_loss, []).append(_seconds)
print("BENCH " + _json.dumps({"grid": grid_seconds, "in_kernel": time.perf_counter() - lab_start,
                              "kernel_cpu": time.process_time(), "losses": _per_loss}))
"""


def main() -> dict:
    """Run the lab once and print its timings; returns them."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    output = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    report = json.loads(output.split("BENCH ", 1)[1])
    report["wall"] = wall
    print(f"notebook 07: {wall:.1f} s wall, kernel start included (budget {BUDGET_S:.0f} s: "
          f"{'yes' if wall < BUDGET_S else 'NO'}); {report['in_kernel']:.1f} s from its first "
          f"cell, {report['kernel_cpu']:.1f} s of kernel CPU")
    runs = sum(len(seconds) for seconds in report["losses"].values())
    print(f"grid of {runs} trainings: {report['grid']:.1f} s")
    print(f"{'loss':<16} {'runs':>4} {'s per run':>9} {'total s':>8}")
    for loss, seconds in report["losses"].items():
        print(f"{loss:<16} {len(seconds):>4} {sum(seconds) / len(seconds):>9.2f} "
              f"{sum(seconds):>8.1f}")
    return report


if __name__ == "__main__":
    main()
