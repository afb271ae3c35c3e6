"""Median update time of every slider demo (budget: 50 ms per update).

An update is what one slider move costs in a live kernel: the compute
function, the plot update and the PNG encoding. Also prints the size of each
demo's static player in the book (budget: about 1 MB).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from segcourse.widgets import DEMOS, MAX_STATIC_BYTES  # noqa: E402

BUDGET_MS = 50.0


def main() -> None:
    print(f"{'demo':28s} {'median update':>14s} {'max update':>11s} {'frames':>7s} "
          f"{'static player':>14s}  within budget")
    for name, factory in DEMOS.items():
        demo = factory()
        median = 1000 * demo.median_update_time(repeats=3)
        worst = 1000 * max(demo.update_times(repeats=1))
        frames = sum(1 for _ in demo.settings())
        size = len(demo.static_html().encode())
        ok = median < BUDGET_MS and size < MAX_STATIC_BYTES
        print(f"{name:28s} {median:11.1f} ms {worst:8.1f} ms {frames:7d} "
              f"{size / 1024:10.0f} KiB  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
