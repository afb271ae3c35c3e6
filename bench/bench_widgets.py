"""Median update time of every slider demo (budget: 50 ms per update).

An update is what one slider move costs in a live kernel: the compute
function, the plot update and the PNG encoding of a frame at twice the
display density. Also prints each demo's frame (displayed width and pixel
size, smallest text in px as displayed) and the size of its static player in
the book (budget: about 1 MB, ``widgets.MAX_STATIC_BYTES``).

The chapter 03 demos show a model that chapter trains: built without the
notebook, they train it first (a few seconds, once), which is not counted
in the update times.
"""

from __future__ import annotations

import statistics

import matplotlib

matplotlib.use("Agg")

from segcourse.plotting import MIN_TEXT_PX, drawn_texts  # noqa: E402
from segcourse.widgets import DEMOS, MAX_STATIC_BYTES  # noqa: E402

BUDGET_MS = 50.0


def main() -> None:
    column = max(len(name) for name in DEMOS)
    print(f"{'demo':{column}s} {'median':>9s} {'max':>9s} {'frames':>6s} {'shown':>6s} "
          f"{'frame px':>10s} {'min text':>9s} {'player':>9s}  within budget")
    for name, factory in DEMOS.items():
        demo = factory()
        demo.render(**demo.initial_settings())  # warm-up: imports, font cache
        times = [1000 * t for t in demo.update_times(repeats=3)]
        median, worst = statistics.median(times), max(times)
        frames = sum(1 for _ in demo.settings())
        width, height = demo.frame_size
        smallest = min(min(points for _, points in drawn_texts(demo.figure(**settings)))
                       for settings in demo.settings()) * demo.dpi / 72
        size = len(demo.static_html().encode())
        ok = median < BUDGET_MS and size < MAX_STATIC_BYTES and smallest >= MIN_TEXT_PX
        print(f"{name:{column}s} {median:6.1f} ms {worst:6.1f} ms {frames:6d} "
              f"{demo.display_width:3d} px "
              f"{width:4d}x{height:<4d} {smallest:6.1f} px {size / 1024:5.0f} KiB  "
              f"{'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
