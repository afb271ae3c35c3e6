"""Speed of segcourse.metrics against the reference libraries, timed in the same run.

- Confusion matrix of 8 x 512 x 512 label maps with 21 classes: scikit-learn and
  torchmetrics (goal: at least 10x faster than scikit-learn, no slower than
  torchmetrics).
- HD95 of two 512 x 512 masks: MONAI (goal: no slower).
- COCO mask mAP over 40 images of about 15 instances: pycocotools, its RLE
  encoding included (goal: no slower).

Each result is checked against the reference before it is timed. Run with
``python bench/bench_metrics.py`` or ``make bench``.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings

import numpy as np


def _best_time(function, repeat, number=1):
    """Best of ``repeat`` timings (seconds per call), after one warm-up call."""
    function()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def _label_maps(rng):
    target = rng.integers(0, 21, size=(8, 512, 512))
    pred = np.where(rng.random(target.shape) < 0.7, target, rng.integers(0, 21, target.shape))
    return pred, target


def _blob(center, radius, shape=(512, 512), wobble=0.1, phase=0.0):
    rows, cols = np.ogrid[:shape[0], :shape[1]]
    angle = np.arctan2(rows - center[0], cols - center[1])
    distance = np.hypot(rows - center[0], cols - center[1])
    edge = radius * (1 + wobble * np.sin(5 * angle + phase) + 0.5 * wobble * np.cos(9 * angle))
    return distance <= edge


def _boundary_masks():
    target = _blob((250, 260), 120)
    pred = _blob((256, 250), 115, phase=0.7) | _blob((420, 90), 12)  # and a stray blob
    return pred, target


def _ellipse(rng, shape, center=None, radii=None):
    if center is None:
        center = rng.uniform(0, shape[0]), rng.uniform(0, shape[1])
        radii = rng.uniform(8, 40, size=2)
    mask = np.zeros(shape, bool)
    top, bottom = int(max(center[0] - radii[0], 0)), int(min(center[0] + radii[0] + 1, shape[0]))
    left, right = int(max(center[1] - radii[1], 0)), int(min(center[1] + radii[1] + 1, shape[1]))
    rows, cols = np.ogrid[top:bottom, left:right]
    mask[top:bottom, left:right] = (((rows - center[0]) / radii[0]) ** 2
                                    + ((cols - center[1]) / radii[1]) ** 2) <= 1
    return mask, center, radii


def _instance_dataset(rng, num_images=40, shape=(512, 512), num_classes=3):
    preds, targets = [], []
    for _ in range(num_images):
        target_masks, target_labels, pred_masks, pred_labels = [], [], [], []
        for _ in range(int(rng.integers(12, 19))):
            mask, center, radii = _ellipse(rng, shape)
            label = int(rng.integers(0, num_classes))
            target_masks.append(mask)
            target_labels.append(label)
            if rng.random() < 0.85:  # found, with some error
                moved = (center[0] + rng.normal(0, 3), center[1] + rng.normal(0, 3))
                pred_masks.append(_ellipse(rng, shape, moved, radii * rng.uniform(0.8, 1.2, 2))[0])
                pred_labels.append(label)
        for _ in range(int(rng.integers(0, 4))):  # false positives
            pred_masks.append(_ellipse(rng, shape)[0])
            pred_labels.append(int(rng.integers(0, num_classes)))
        preds.append({"masks": np.array(pred_masks), "scores": rng.random(len(pred_masks)),
                      "labels": np.array(pred_labels)})
        targets.append({"masks": np.array(target_masks), "labels": np.array(target_labels)})
    return preds, targets


# ---------------------------------------------------------------------------
# Reference runs
# ---------------------------------------------------------------------------

def _stack_masks(entry):
    """The ``(H, W, K)`` Fortran-ordered uint8 masks pycocotools encodes, from ``(K, H, W)``."""
    return np.asfortranarray(entry["masks"].transpose(1, 2, 0).astype(np.uint8))


def pycocotools_map(preds, targets, masks=_stack_masks):
    """COCO's AP, AP50, AP75 by pycocotools: RLE encoding, indexing and evaluation.

    ``masks(entry)`` gives the ``(H, W, K)`` uint8 masks of one prediction or target
    (default: from its ``"masks"`` stack; ``bench_limits`` passes one that builds them
    from an instance map, a step that pycocotools' users pay for too).
    """
    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    labels = sorted({int(x) for t in targets for x in t["labels"]}
                    | {int(x) for p in preds for x in p["labels"]})
    dataset = {"images": [], "annotations": [], "categories": [{"id": c + 1} for c in labels]}
    results = []
    for image_id, (pred, target) in enumerate(zip(preds, targets, strict=True), start=1):
        target_masks = masks(target)
        height, width = target_masks.shape[:2]
        dataset["images"].append({"id": image_id, "height": height, "width": width})
        for rle, label in zip(mask_utils.encode(target_masks), target["labels"], strict=True):
            dataset["annotations"].append({
                "id": len(dataset["annotations"]) + 1, "image_id": image_id,
                "category_id": int(label) + 1, "segmentation": rle, "iscrowd": 0,
                "area": float(mask_utils.area(rle)), "bbox": list(mask_utils.toBbox(rle))})
        for rle, label, score in zip(mask_utils.encode(masks(pred)), pred["labels"],
                                     pred["scores"], strict=True):
            results.append({"image_id": image_id, "category_id": int(label) + 1,
                            "segmentation": rle, "score": float(score)})
    with contextlib.redirect_stdout(io.StringIO()):
        ground_truth = COCO()
        ground_truth.dataset = dataset
        ground_truth.createIndex()
        evaluation = COCOeval(ground_truth, ground_truth.loadRes(results), iouType="segm")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return evaluation.stats[:3]


# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------

def _bench_confusion_matrix(rng):
    import torch
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix
    from torchmetrics.functional.classification import multiclass_confusion_matrix

    from segcourse.metrics import confusion_matrix

    pred, target = _label_maps(rng)
    pred_torch, target_torch = torch.from_numpy(pred), torch.from_numpy(target)
    labels = np.arange(21)

    def ours():
        return confusion_matrix(pred, target, num_classes=21)

    def sklearn():
        return sklearn_confusion_matrix(target.ravel(), pred.ravel(), labels=labels)

    def torchmetrics():
        return multiclass_confusion_matrix(pred_torch, target_torch, num_classes=21)

    def torchmetrics_unchecked():
        return multiclass_confusion_matrix(pred_torch, target_torch, num_classes=21,
                                           validate_args=False)

    expected = ours()
    for reference in (sklearn, torchmetrics, torchmetrics_unchecked):
        assert np.array_equal(np.asarray(reference()), expected), reference.__name__
    ours_time = _best_time(ours, repeat=15)
    return [
        ("confusion matrix 8x512x512, 21 classes", ours_time, "scikit-learn",
         _best_time(sklearn, repeat=2), ">= 10x"),
        ("", ours_time, "torchmetrics", _best_time(torchmetrics, repeat=5), ">= 1x"),
        ("", ours_time, "torchmetrics (validate_args=False)",
         _best_time(torchmetrics_unchecked, repeat=15), "(info)"),
    ]


def _bench_hd95():
    import torch
    from monai.metrics import compute_hausdorff_distance

    from segcourse.metrics import hausdorff_distance

    pred, target = _boundary_masks()
    # boolean one-hot tensors: MONAI is several times faster on them than on float ones
    y_pred = torch.from_numpy(pred)[None, None]
    y = torch.from_numpy(target)[None, None]

    def ours():
        return hausdorff_distance(pred, target, percentile=95)

    def monai():
        return compute_hausdorff_distance(y_pred, y, include_background=True,
                                          percentile=95).item()

    assert abs(ours() - monai()) <= 1e-4 * max(1.0, ours()), (ours(), monai())
    return [("HD95 512x512 masks", _best_time(ours, repeat=20), "MONAI",
             _best_time(monai, repeat=20), ">= 1x")]


def _bench_map(rng):
    from segcourse.metrics import mean_average_precision

    preds, targets = _instance_dataset(rng)

    def ours():
        result = mean_average_precision(preds, targets)
        return result["map"], result["map_50"], result["map_75"]

    def pycocotools():
        return pycocotools_map(preds, targets)

    np.testing.assert_allclose(ours(), pycocotools(), atol=1e-6)
    return [("COCO mAP, 40 images x ~15 instances", _best_time(ours, repeat=3),
             "pycocotools (with RLE encoding)", _best_time(pycocotools, repeat=3), ">= 1x")]


def main():
    """Time every benchmark and print the table of ratios (reference time / ours)."""
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # MONAI's own deprecation notices
        rows = _bench_confusion_matrix(rng) + _bench_hd95() + _bench_map(rng)
    header = f"{'task':<40} {'ours ms':>9}  {'reference':<36} {'ref ms':>9} {'ratio':>8}  goal"
    print("segcourse.metrics: speed against the reference libraries (ratio = ref / ours)")
    print(header)
    print("-" * len(header))
    for task, ours_time, reference, reference_time, goal in rows:
        ratio = reference_time / ours_time
        if goal.startswith(">="):
            verdict = "met" if ratio >= float(goal[3:-1]) else "MISSED"
        else:
            verdict = ""
        print(f"{task:<40} {ours_time * 1e3:9.2f}  {reference:<36} {reference_time * 1e3:9.2f} "
              f"{ratio:7.1f}x  {goal} {verdict}".rstrip())


if __name__ == "__main__":
    main()
