"""The library at its limits (issue 16): every ratio of the issue's table, with its goal.

Each row times segcourse against the fastest way to do the same job (a bare
``np.bincount``, torch's own kernel, MONAI, scipy, a plain training loop,
pycocotools), in the same run, **paired and interleaved** (ours, reference,
ours, reference, ...), and reports the ratio of the two **medians**
(segcourse / reference): load from other processes on a shared machine then
falls on both sides alike. The ratio of the goal is that of CPU times
(``time.process_time``, the work of every thread of this process, which
the other processes of a busy machine do not inflate by preempting it; a
library that hands work to a thread of its own is charged for it); the
ratio of wall-clock times is printed beside it. Every result is checked against its
reference before it is timed.

Everything runs on **one thread**: the process is pinned to one CPU
(``os.sched_setaffinity``, so the confusion matrix uses no thread pool) and
torch to one thread; both are restored at the end, for the benchmarks that
run after this one in ``make bench``.

Rows, as in the issue:

- ``confusion_matrix``, 21 classes, int64 label maps (uint8 too, at two
  sizes), against ``np.bincount`` of the same number of pre-combined labels
  (goal <= 2x) and against the naive one-liner
  ``np.bincount(target * C + pred)`` (goal <= 1x within noise), from 256^2 to
  4096^2 and 64^3 to 256^3. The one-liner checks no label; ours checks every
  label, whose cost shows in this ratio below a million int64 pixels;
- ``cross_entropy`` and ``dice_loss``, forward and backward, against
  ``torch.nn.functional.cross_entropy`` (each option combination) and MONAI's
  ``DiceLoss`` (goal <= 1x, level within noise: each of these rows times the
  reference twice, A/A, and prints the noise of its ratio; see ``_paired``).
  torch's kernel checks only the class indices, so the goal of
  ``cross_entropy`` is for ``validate_args=False``; the default's ratio (its
  checks and its probability warning) is printed for the first option of each
  shape, without a goal;
- ``signed_distance_map`` against scipy's ``distance_transform_edt`` inside
  and outside each region (goal <= 0.6x);
- one epoch of ``models.train`` against a plain loop over the same model,
  data and optimiser: without validation (``val_every=None``) against the
  bare loop, and with it against the loop plus the same forward pass over
  the validation set and Dice by hand (goal <= 1.1x each);
- the slider update of every demo (goal: median <= 50 ms; absolute times);
- COCO mAP from instance maps against pycocotools with its RLE encoding
  (goal <= 0.3x), and the memory it takes beyond its inputs (goal <= 2x the
  inputs, traced with ``tracemalloc``).

Run with ``python bench/bench_limits.py [section ...] [--quick]`` (sections:
confusion_matrix, losses, distance_maps, training, widgets, map; ``--quick``
for fewer repeats) or ``make bench BENCH=limits``.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np

ROWS = []  # (section, task, ours_s, reference, reference_s, ratio, goal, met)


class _Timing(tuple):
    """Medians ``(ours, reference)`` in CPU seconds, with the wall-clock ones as ``.wall``
    and, for a timing with a control, the noise of the ratio as ``.noise`` (else 0)."""

    noise = 0.0


def _paired(ours, reference, repeats, warmup=1, control=False):
    """Median seconds of ``ours`` and ``reference``, timed alternately ``repeats`` times.

    CPU time of this process (``time.process_time``: the work done by all its
    threads, which a busy machine's other processes do not inflate by
    preempting it) and wall time (``time.perf_counter``) of each call.

    ``control=True`` adds an A/A control: ``reference`` is timed a second time
    in a slot of its own, the three slots in a new random order each round.
    The noise of the ratio is then the larger of how far the control's ratio
    (reference / reference) is from 1 and half the width of the 90 %
    bootstrap interval of the ratio ours / reference: what two runs of the
    same code differ by on this machine, now.
    """
    functions = (ours, reference, reference) if control else (ours, reference)
    for _ in range(warmup):
        for function in functions:
            function()
    cpu = tuple([] for _ in functions)
    wall = tuple([] for _ in functions)
    order = list(range(len(functions)))
    shuffle = np.random.default_rng(0).permutation
    for _ in range(repeats):
        if control:
            order = list(shuffle(len(functions)))
        for side in order:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            functions[side]()
            wall[side].append(time.perf_counter() - start_wall)
            cpu[side].append(time.process_time() - start_cpu)
    timing = _Timing((statistics.median(cpu[0]), statistics.median(cpu[1])))
    timing.wall = (statistics.median(wall[0]), statistics.median(wall[1]))
    if control:
        aa = statistics.median(cpu[2]) / timing[1]
        ours_s, reference_s = np.array(cpu[0]), np.array(cpu[1])
        rng = np.random.default_rng(1)
        picks = rng.integers(0, repeats, size=(500, repeats))
        ratios = np.median(ours_s[picks], axis=1) / np.median(reference_s[picks], axis=1)
        low, high = np.quantile(ratios, [0.05, 0.95])
        timing.noise = max(abs(aa - 1), (high - low) / 2)
    return timing


def _row(section, task, timing, reference, goal, shown=None):
    """Record and print one row; ``goal`` is the largest ratio allowed (of CPU times).

    A timing with a control (``timing.noise > 0``) meets a goal of "level with
    the reference" within its noise: ``ratio <= goal + noise``, and prints it.
    ``goal=None`` prints a ratio that has no goal (what the default checks
    cost, beside the row of ``validate_args=False`` that has one).
    ``shown`` replaces ``task`` in the printed table (blank for a second reference).
    """
    ours_s, reference_s = timing
    ratio = ours_s / reference_s
    wall = timing.wall[0] / timing.wall[1]
    noise = f" (noise {timing.noise:.2f})" if timing.noise else ""
    if goal is None:
        task = task if shown is None else shown
        print(f"{task:<44} {ours_s * 1e3:10.2f}  {reference:<34} {reference_s * 1e3:10.2f} "
              f"{ratio:7.2f}x {wall:7.2f}x  no goal{noise}", flush=True)
        return
    met = ratio <= goal + timing.noise
    ROWS.append((section, f"{task} vs {reference}", ours_s, reference, reference_s, ratio, goal,
                 met, wall))
    task = task if shown is None else shown
    print(f"{task:<44} {ours_s * 1e3:10.2f}  {reference:<34} {reference_s * 1e3:10.2f} "
          f"{ratio:7.2f}x {wall:7.2f}x  <= {goal:g}x {'met' if met else 'MISSED'}{noise}",
          flush=True)


def _header(title):
    print(f"\n{title}")
    print(f"{'task':<44} {'ours ms':>10}  {'reference':<34} {'ref ms':>10} {'ratio':>8} "
          f"{'(wall)':>8}  goal")
    print("-" * 133)


def _repeats(seconds_per_call, budget=1.0, least=5, most=200):
    return int(min(most, max(least, budget / max(seconds_per_call, 1e-6))))


# ---------------------------------------------------------------------------
# Confusion matrix against np.bincount
# ---------------------------------------------------------------------------

def bench_confusion_matrix(quick=False):
    from segcourse.metrics import confusion_matrix

    _header("confusion_matrix, 21 classes, against np.bincount (1 thread)")
    classes = 21
    rng = np.random.default_rng(0)
    shapes = [((256, 256), "int64"), ((1024, 1024), "int64"), ((4096, 4096), "int64"),
              ((8, 512, 512), "int64"), ((64, 64, 64), "int64"), ((128, 128, 128), "int64"),
              ((256, 256, 256), "int64"), ((256, 256), "uint8"), ((1024, 1024), "uint8")]
    for shape, dtype in shapes:
        _confusion_case(confusion_matrix, rng, shape, dtype, classes, quick)


def _confusion_case(confusion_matrix, rng, shape, dtype, classes, quick):
    target = rng.integers(0, classes, shape).astype(dtype)
    pred = rng.integers(0, classes, shape).astype(dtype)
    combined = (target.astype(np.int64) * classes + pred).ravel()
    expected = np.bincount(combined, minlength=classes * classes).reshape(classes, classes)
    assert np.array_equal(confusion_matrix(pred, target, num_classes=classes), expected)

    def ours():
        return confusion_matrix(pred, target, num_classes=classes)

    def bare():
        return np.bincount(combined, minlength=classes * classes)

    def naive():
        return np.bincount((target.astype(np.int64, copy=False) * classes + pred).ravel(),
                           minlength=classes * classes)

    start = time.perf_counter()
    ours()
    repeats = _repeats(time.perf_counter() - start, 0.3 if quick else 1.0)
    name = "x".join(map(str, shape)) + ("" if dtype == "int64" else f" {dtype}")
    _row("confusion_matrix", f"confusion_matrix {name}", _paired(ours, bare, repeats),
         "np.bincount(pre-combined)", 2.0)
    # the one-liner checks no label; ours checks both (one max-reduction each), which
    # np.bincount's safety needs (see metrics.pixel._plain_confusion). A/A control.
    _row("confusion_matrix", f"confusion_matrix {name}",
         _paired(ours, naive, repeats, control=True), "np.bincount(target * C + pred)", 1.0,
         shown="")


# ---------------------------------------------------------------------------
# Losses against torch and MONAI
# ---------------------------------------------------------------------------

LOSS_SHAPES = [(8, 4, 128, 128), (8, 4, 256, 256), (2, 4, 32, 32, 32), (2, 4, 64, 64, 64)]


def _backward(function, logits):
    """A call that runs ``function`` on a fresh leaf copy of ``logits``, and its backward pass."""
    def run():
        leaf = logits.detach().clone().requires_grad_(True)
        function(leaf).backward()
    return run


def bench_losses(quick=False):
    import monai.losses
    import torch

    _header("losses, forward + backward, against torch and MONAI (1 thread)")
    warnings.filterwarnings("ignore", module="monai")
    generator = torch.Generator().manual_seed(0)
    monai_dice = monai.losses.DiceLoss(softmax=True, to_onehot_y=True)
    for shape in LOSS_SHAPES:
        _loss_case(shape, generator, monai_dice, quick)


def _loss_case(shape, generator, monai_dice, quick):
    import torch
    import torch.nn.functional as F

    from segcourse import losses

    logits = torch.randn(shape, generator=generator)
    target = torch.randint(0, shape[1], (shape[0], *shape[2:]), generator=generator)
    ignored = target.clone()
    ignored[torch.rand(target.shape, generator=generator) < 0.1] = -100
    weight = torch.rand(shape[1], generator=generator) + 0.5
    name = "x".join(map(str, shape))
    # about 1.5 s a row: enough rounds that the bootstrap interval of the ratio is narrow
    repeats = 5 if quick else (100 if np.prod(shape) < 2e6 else 25)
    options = [("", target, {})]
    if shape == LOSS_SHAPES[0]:  # every option torch has, on the first shape
        options += [
            ("ignored", ignored, {}),
            ("weighted", target, {"weight": weight}),
            ("weighted, ignored", ignored, {"weight": weight}),
            ("smoothing", target, {"label_smoothing": 0.1}),
            ("smoothing, ignored", ignored, {"label_smoothing": 0.1}),
            ("all three", ignored, {"weight": weight, "label_smoothing": 0.1}),
            ("sum", target, {"reduction": "sum"}),
        ]
    for label, labels, kwargs in options:
        np.testing.assert_allclose(losses.cross_entropy(logits, labels, **kwargs).item(),
                                   F.cross_entropy(logits, labels, **kwargs).item(), rtol=1e-5)
        np.testing.assert_array_equal(
            losses.cross_entropy(logits, labels, **kwargs, validate_args=False),
            F.cross_entropy(logits, labels, **kwargs))
        reference = _backward(lambda x, labels=labels, kwargs=kwargs:
                              F.cross_entropy(x, labels, **kwargs), logits)
        # torch's kernel checks nothing but the class indices: the goal is for
        # validate_args=False; the default's ratio (the cost of its checks and of the
        # probability warning) is printed for the first option of each shape
        timing = _paired(
            _backward(lambda x, labels=labels, kwargs=kwargs:
                      losses.cross_entropy(x, labels, **kwargs, validate_args=False), logits),
            reference, repeats, control=True)
        task = f"cross_entropy {name}" + (f" ({label})" if label else "")
        _row("cross_entropy", task + " (validate_args=False)", timing, "F.cross_entropy", 1.0,
             shown=task)
        if not label:
            checked = _backward(lambda x, labels=labels: losses.cross_entropy(x, labels), logits)
            timing = _paired(checked, reference, repeats, control=True)
            _row("cross_entropy", task + " (checked)", timing, "F.cross_entropy", None,
                 shown="  checked (the default)")
    channel = target[:, None]
    np.testing.assert_allclose(losses.dice_loss(logits, target).item(),
                               monai_dice(logits, channel).item(), rtol=1e-4)
    timing = _paired(_backward(lambda x: losses.dice_loss(x, target), logits),
                     _backward(lambda x: monai_dice(x, channel), logits), repeats, control=True)
    _row("dice_loss", f"dice_loss {name}", timing, "monai DiceLoss(softmax)", 1.0)


def bench_distance_maps(quick=False):
    from scipy import ndimage

    from segcourse import losses

    _header("signed_distance_map against scipy's distance_transform_edt (1 thread)")
    rng = np.random.default_rng(0)
    for shape in [(1, 512, 512), (1, 96, 96, 96)]:
        # blobs of 4 classes: a smoothed random field, cut at its quartiles
        field = ndimage.gaussian_filter(rng.random(shape[1:]), 8 if len(shape) == 3 else 4)
        target = np.digitize(field, np.quantile(field, [0.25, 0.5, 0.75]))[None]
        target = target.repeat(shape[0], axis=0)
        timing = _distance_case(losses.signed_distance_map, target, 4, quick)
        _row("signed_distance_map", f"signed_distance_map {'x'.join(map(str, shape))}, 4 classes",
             timing, "scipy distance_transform_edt x2", 0.6)


def _distance_case(signed_distance_map, target, classes, quick):
    from scipy import ndimage

    def reference():
        maps = np.zeros((target.shape[0], classes, *target.shape[1:]))
        for n in range(target.shape[0]):
            for c in range(classes):
                inside = target[n] == c
                maps[n, c] = (ndimage.distance_transform_edt(~inside)
                              - ndimage.distance_transform_edt(inside))
        return maps

    def ours():
        return signed_distance_map(target, num_classes=classes)

    np.testing.assert_allclose(ours(), reference(), rtol=1e-6, atol=1e-5)
    return _paired(ours, reference, 3 if quick else 5)


# ---------------------------------------------------------------------------
# Training loop
# ---------------------------------------------------------------------------

def bench_training(quick=False):
    import torch

    from segcourse import losses
    from segcourse._dataset import make_dataset
    from segcourse.models import TinyUNet, _as_tensors, train

    _header("one epoch of models.train against a plain loop (64 images of 64x64, 1 thread)")
    train_set = make_dataset(64, size=64, foreground_fraction=0.1, seed=0)
    val_set = make_dataset(32, size=64, foreground_fraction=0.1, seed=1)
    images, masks = _as_tensors(train_set, "dataset")
    val_images, val_masks = _as_tensors(val_set, "val_dataset")
    loss = losses.CompoundLoss([losses.DiceLoss(), losses.CrossEntropyLoss()])

    def ours(val_every):
        return lambda: train(TinyUNet(1, 2, seed=0), train_set, loss, epochs=1, lr=3e-3, seed=0,
                             val_dataset=val_set, progress=False, val_every=val_every)

    def plain(validate):
        def run():
            model = TinyUNet(1, 2, seed=0)
            optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
            order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
            model.train()
            for first in range(0, len(images), 4):
                batch = order[first:first + 4]
                optimizer.zero_grad()
                loss(model(images[batch]), masks[batch]).backward()
                optimizer.step()
            if validate:  # the foreground Dice of the argmax prediction, by hand
                model.eval()
                with torch.no_grad():
                    pred = model(val_images).argmax(1)
                both = ((pred == 1) & (val_masks == 1)).sum()
                return float(2 * both / ((pred == 1).sum() + (val_masks == 1).sum()))
        return run

    repeats = 2 if quick else 5
    _row("train", "models.train, 1 epoch, val_every=None", _paired(ours(None), plain(False),
         repeats), "plain loop", 1.1)
    _row("train", "models.train, 1 epoch, validated", _paired(ours(1), plain(True), repeats),
         "plain loop + forward pass and Dice", 1.1)


# ---------------------------------------------------------------------------
# Demos
# ---------------------------------------------------------------------------

def bench_widgets(quick=False):
    import matplotlib

    matplotlib.use("Agg")
    from segcourse.widgets import DEMOS

    print("\nslider update of every demo, live (compute, redraw, PNG), median ms (1 thread)")
    print(f"{'demo':<44} {'median ms':>10}  goal")
    print("-" * 70)
    slowest = (None, 0.0)
    for name, factory in DEMOS.items():
        demo = factory()
        demo.render(**demo.initial_settings())
        median = 1000 * statistics.median(demo.update_times(repeats=1 if quick else 3))
        slowest = max(slowest, (name, median), key=lambda item: item[1])
        print(f"{name:<44} {median:10.1f}  <= 50 ms {'met' if median <= 50 else 'MISSED'}",
              flush=True)
    ROWS.append(("widgets", f"slowest demo ({slowest[0]}, {slowest[1]:.1f} ms)",
                 slowest[1] / 1e3, "50 ms budget", 0.05, slowest[1] / 50, 1.0,
                 slowest[1] <= 50, slowest[1] / 50))


# ---------------------------------------------------------------------------
# COCO mAP from instance maps
# ---------------------------------------------------------------------------

def _instance_maps(rng, num_images, shape=(256, 256), num_classes=3):
    """Instance maps (int32) with labels and scores: ~15 ellipses a target, most found."""
    rows, cols = np.ogrid[:shape[0], :shape[1]]

    def ellipse(center, radii):
        return (((rows - center[0]) / radii[0]) ** 2
                + ((cols - center[1]) / radii[1]) ** 2) <= 1

    preds, targets = [], []
    for _ in range(num_images):
        target_map = np.zeros(shape, np.int32)
        pred_map = np.zeros(shape, np.int32)
        target_labels, pred_labels = [], []
        for _ in range(int(rng.integers(12, 19))):
            center = rng.uniform(0, shape[0]), rng.uniform(0, shape[1])
            radii = rng.uniform(4, 20, size=2)
            label = int(rng.integers(0, num_classes))
            target_map[ellipse(center, radii)] = len(target_labels) + 1
            target_labels.append(label)
            if rng.random() < 0.85:
                moved = center[0] + rng.normal(0, 2), center[1] + rng.normal(0, 2)
                pred_map[ellipse(moved, radii * rng.uniform(0.8, 1.2, 2))] = len(pred_labels) + 1
                pred_labels.append(label)
        for _ in range(int(rng.integers(0, 4))):
            center = rng.uniform(0, shape[0]), rng.uniform(0, shape[1])
            pred_map[ellipse(center, rng.uniform(4, 20, size=2))] = len(pred_labels) + 1
            pred_labels.append(int(rng.integers(0, num_classes)))
        # objects painted over by later ones drop out: keep the ids that remain
        target_ids = np.unique(target_map)[1:]
        pred_ids = np.unique(pred_map)[1:]
        targets.append({"instances": target_map,
                        "labels": np.array(target_labels)[target_ids - 1]})
        preds.append({"instances": pred_map, "scores": rng.random(len(pred_ids)),
                      "labels": np.array(pred_labels)[pred_ids - 1]})
    return preds, targets


def _masks_of_instance_map(entry):
    """The ``(H, W, K)`` uint8 masks of an instance map's objects, as pycocotools takes them."""
    instance_map = entry["instances"]
    ids = np.unique(instance_map)[1:]
    return np.asfortranarray((instance_map[..., None] == ids).astype(np.uint8))


def bench_map_from_instance_maps(quick=False):
    from segcourse.metrics import mean_average_precision

    _header("COCO mAP from instance maps (256x256, ~15 objects each) against pycocotools "
            "(1 thread)")
    rng = np.random.default_rng(0)
    for count in (10, 200):
        _map_case(mean_average_precision, *_instance_maps(rng, count), count, quick)


def _map_case(mean_average_precision, preds, targets, count, quick):
    def ours():
        result = mean_average_precision(preds, targets)
        return result["map"], result["map_50"], result["map_75"]

    def reference():
        from bench_metrics import pycocotools_map  # bench/ is on sys.path

        return pycocotools_map(preds, targets, masks=_masks_of_instance_map)

    np.testing.assert_allclose(ours(), reference(), atol=1e-6)
    _row("map", f"mean_average_precision, {count} instance maps",
         _paired(ours, reference, 2 if quick else (5 if count < 50 else 3)),
         "pycocotools (with RLE encoding)", 0.3)
    inputs = sum(d["instances"].nbytes for d in preds + targets)
    tracemalloc.start()
    ours()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{'':<44} {'memory: ' + format(peak / 2**20, '.1f') + ' MB':>20} beyond "
          f"{inputs / 2**20:.1f} MB of instance maps: {peak / inputs:.2f}x  <= 2x "
          f"{'met' if peak <= 2 * inputs else 'MISSED'}", flush=True)
    ROWS.append(("map", f"mAP memory, {count} instance maps", peak, "inputs", inputs,
                 peak / inputs, 2.0, peak <= 2 * inputs, peak / inputs))


# ---------------------------------------------------------------------------

SECTIONS = {
    "confusion_matrix": bench_confusion_matrix,
    "losses": bench_losses,
    "distance_maps": bench_distance_maps,
    "training": bench_training,
    "widgets": bench_widgets,
    "map": bench_map_from_instance_maps,
}


@contextlib.contextmanager
def _one_thread():
    """Pin the process to one CPU and torch to one thread; restore both afterwards."""
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    torch = sys.modules.get("torch")
    if torch is None:
        import torch
    threads = torch.get_num_threads()
    if affinity:
        os.sched_setaffinity(0, {min(affinity)})
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        if affinity:
            os.sched_setaffinity(0, affinity)


# glibc's allocator hands a freed block of more than its threshold (128 KB, raised
# as blocks are freed) back to the system, and the next call maps and faults in
# fresh pages: about 400 page faults per call of a loss over 8 x 4 x 128^2 logits,
# 30 to 40 % of its time and most of the run-to-run noise, on both sides of a row.
# The rows run in a child process whose allocator keeps freed memory for reuse (as
# torch's caching allocator does on a GPU), so that they time the computation.
_TUNABLES = "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824"


def _in_steady_child(argv):
    """Run this file in a child process with ``_TUNABLES``; False where that is not needed
    (already in one, or not Linux), True once the child has run."""
    if not sys.platform.startswith("linux") or _TUNABLES in os.environ.get("GLIBC_TUNABLES",
                                                                            ""):
        return False
    import subprocess

    tunables = ":".join(filter(None, [os.environ.get("GLIBC_TUNABLES"), _TUNABLES]))
    subprocess.run([sys.executable, __file__, *argv], check=False,
                   env={**os.environ, "GLIBC_TUNABLES": tunables})
    return True


def main(argv=()):
    """Run the sections (all by default, or those named) and print the summary of ratios.

    ``make bench`` (``bench/run_all.py``) calls ``main()``: every section, in a
    child process (see ``_TUNABLES``); the rows are then printed by the child,
    and this process returns an empty list.
    """
    ROWS.clear()
    if _in_steady_child(list(argv)):
        return ROWS
    quick = "--quick" in argv
    names = [name for name in argv if name in SECTIONS] or list(SECTIONS)
    print("segcourse at its limits (issue 16): ratio = segcourse / reference, of the medians "
          "of paired, interleaved runs in CPU time (wall-clock ratio beside it), 1 thread "
          "(one CPU), freed memory kept for reuse (GLIBC_TUNABLES, see _TUNABLES)")
    with _one_thread():
        for name in names:
            try:
                SECTIONS[name](quick)
            except Exception as error:  # noqa: BLE001 - report and go on with the others
                print(f"{name}: FAILED: {type(error).__name__}: {error}", flush=True)
                ROWS.append((name, "FAILED", 0, str(error), 0, float("nan"), 0, False,
                             float("nan")))
    print("\nsummary: the largest ratio of each goal of the issue's table (CPU time)")
    for section, goal in dict.fromkeys((row[0], row[6]) for row in ROWS if row[6] is not None):
        rows = [row for row in ROWS if row[0] == section and row[6] == goal]
        worst = max(rows, key=lambda row: row[5])
        met = all(row[7] for row in rows)
        print(f"  {section:<20} worst {worst[5]:6.2f}x (wall {worst[8]:5.2f}x), goal <= "
              f"{goal:g}x: {'met' if met else 'MISSED'}  [{worst[1]}]")
    return ROWS


if __name__ == "__main__":
    main(sys.argv[1:])
