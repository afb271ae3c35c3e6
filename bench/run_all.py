"""`make bench`: run every benchmark of the project and print its table.

Each ``bench/bench_*.py`` defines ``main()``; they run one after another in
this process, in file-name order. Timings are medians of repeated runs on
this machine; the ratios compare with the reference libraries in the same run.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or None
    failures = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if names and not any(name in path.stem for name in names):
            continue
        print(f"\n=== {path.stem} " + "=" * max(3, 60 - len(path.stem)), flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        start = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as error:  # noqa: BLE001 - report and go on with the others
            failures += 1
            print(f"FAILED: {type(error).__name__}: {error}", flush=True)
        print(f"({path.stem}: {time.perf_counter() - start:.1f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
