"""Tests of segcourse.metrics.objects: IoU, matching, AP and mAP against pycocotools."""

from __future__ import annotations

import contextlib
import io
import math
import re
import warnings

import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from segcourse.metrics import (
    COCO_IOU_THRESHOLDS,
    COCO_RECALL_THRESHOLDS,
    MaskStackWarning,
    average_precision,
    cell_average_precision,
    iou_matrix,
    match_instances,
    mean_average_precision,
    ranked_detections,
)


def _row_masks(width, *ranges):
    """A (K, 1, width) stack: mask k covers the columns of ranges[k] (a list of (start, stop))."""
    masks = np.zeros((len(ranges), 1, width), bool)
    for k, spans in enumerate(ranges):
        for start, stop in spans:
            masks[k, 0, start:stop] = True
    return masks


# ---------------------------------------------------------------------------
# IoU matrix
# ---------------------------------------------------------------------------

def test_iou_matrix_literal_from_instance_maps_and_stacks():
    target = np.array([[1, 1, 0, 0],
                       [1, 1, 0, 2]])
    pred = np.array([[1, 1, 1, 0],
                     [0, 0, 0, 0]])
    np.testing.assert_allclose(iou_matrix(pred, target), [[2 / 5, 0]])
    target_stack = np.stack([target == 1, target == 2])
    np.testing.assert_allclose(iou_matrix((pred == 1)[None], target), [[2 / 5, 0]])
    np.testing.assert_allclose(iou_matrix((pred == 1)[None], target_stack), [[2 / 5, 0]])
    # overlapping masks are fine in a stack
    masks = _row_masks(5, [(0, 4)], [(2, 5)], [(0, 5)])
    np.testing.assert_allclose(iou_matrix(masks, masks), [[1, 2 / 5, 4 / 5],
                                                          [2 / 5, 1, 3 / 5],
                                                          [4 / 5, 3 / 5, 1]])


def test_iou_matrix_ids_in_increasing_order_and_empty_sets():
    target = np.array([[7, 0, 3]])
    pred = np.array([[0, 0, 3]])
    np.testing.assert_allclose(iou_matrix(pred, target), [[1, 0]])  # columns: ids 3, 7
    assert iou_matrix(np.zeros((1, 3), int), target).shape == (0, 2)
    assert iou_matrix(np.zeros((0, 1, 3), bool), np.zeros((0, 1, 3), bool)).shape == (0, 0)
    empty_masks = np.zeros((1, 1, 3), bool)
    assert iou_matrix(empty_masks, empty_masks)[0, 0] == 0.0  # two empty masks: 0, not 0/0


@pytest.mark.parametrize("num_pred, num_target, shape", [
    (4, 3, (6, 7)),         # few overlapping pairs: counted box by box
    (30, 25, (9, 11)),      # almost every pair overlaps: one matrix product
    (5, 6, (4, 5, 6)),      # 3-D instances
])
def test_iou_matrix_brute_force_torch_and_transpose_symmetry(num_pred, num_target, shape):
    rng = np.random.default_rng(num_pred)
    pred = rng.random((num_pred, *shape)) < 0.3
    target = rng.random((num_target, *shape)) < 0.3
    pred[0] = False  # an empty mask
    target[-1] = False
    target[0] = pred[1]
    forward = iou_matrix(torch.from_numpy(pred), target)
    np.testing.assert_allclose(forward, iou_matrix(target, pred).T)
    for k in range(num_pred):
        for j in range(num_target):
            union = (pred[k] | target[j]).sum()
            expected = (pred[k] & target[j]).sum() / union if union else 0.0
            assert forward[k, j] == pytest.approx(expected, abs=1e-15)
    assert forward[1, 0] == 1.0


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

def test_greedy_and_hungarian_matching_literal():
    # targets X (columns 0-9) and Y (10-19); prediction A covers both, B is exactly Y.
    targets = _row_masks(20, [(0, 10)], [(10, 20)])
    preds = _row_masks(20, [(0, 20)], [(10, 20)])
    np.testing.assert_allclose(iou_matrix(preds, targets), [[1 / 2, 1 / 2], [0, 1]])
    greedy = match_instances(preds, targets, scores=[0.9, 0.8])
    # A chooses first; X and Y tie at 1/2 and the later target (Y) wins, as in pycocotools.
    assert greedy.pairs.tolist() == [[0, 1]]
    assert greedy.false_positives.tolist() == [1]
    assert greedy.false_negatives.tolist() == [0]
    assert (greedy.num_true_positives, greedy.num_false_positives,
            greedy.num_false_negatives) == (1, 1, 1)
    hungarian = match_instances(preds, targets, method="hungarian")
    assert hungarian.pairs.tolist() == [[0, 0], [1, 1]]
    np.testing.assert_allclose(hungarian.ious, [1 / 2, 1])
    assert hungarian.false_positives.size == 0 and hungarian.false_negatives.size == 0
    # without scores the given order chooses; with B first, both get a partner
    assert match_instances(preds, targets).pairs.tolist() == [[0, 1]]
    assert match_instances(preds, targets, scores=[0.1, 0.8]).pairs.tolist() == [[0, 0], [1, 1]]
    # above 1/2 only B matches
    strict = match_instances(preds, targets, iou_threshold=0.6, scores=[0.9, 0.8])
    assert strict.pairs.tolist() == [[1, 1]]
    assert strict.false_positives.tolist() == [0]


@pytest.mark.parametrize("seed", range(15))
def test_greedy_equals_hungarian_for_instance_maps(seed):
    rng = np.random.default_rng(seed)
    target = np.kron(rng.integers(0, 6, size=(4, 4)), np.ones((3, 3), int))
    pred = np.where(rng.random(target.shape) < 0.8, target, rng.integers(0, 6, target.shape))
    for threshold in (0.5, 0.7):
        greedy = match_instances(pred, target, iou_threshold=threshold,
                                 scores=rng.random(len(np.unique(pred[pred > 0]))))
        hungarian = match_instances(pred, target, iou_threshold=threshold, method="hungarian")
        assert greedy.pairs.tolist() == hungarian.pairs.tolist()
        assert (greedy.ious >= threshold).all()
        total = greedy.num_true_positives + greedy.num_false_negatives
        assert total == len(np.unique(target[target > 0]))


@pytest.mark.parametrize("call, error, match", [
    (lambda: iou_matrix(np.zeros((2, 3), bool), np.zeros((1, 2, 3), bool)), ValueError,
     "3-D or 4-D"),
    (lambda: iou_matrix(np.zeros((2, 3, 4, 5, 6), int), np.zeros((2, 3), int)), ValueError,
     "2-D or 3-D"),
    (lambda: iou_matrix(np.zeros((1, 2, 3), bool), np.zeros((1, 3, 2), bool)), ValueError,
     "same shape"),
    (lambda: iou_matrix(np.array([[0, -1]]), np.array([[0, 1]])), ValueError, "values >= 0"),
    (lambda: iou_matrix(np.array([[0, 1.5]]), np.array([[0, 1]])), ValueError,
     "integer label map"),
    (lambda: match_instances(np.array([[1]]), np.array([[1]]), iou_threshold=0), ValueError,
     "`iou_threshold`"),
    (lambda: match_instances(np.array([[1]]), np.array([[1]]), iou_threshold=1.5), ValueError,
     "`iou_threshold`"),
    (lambda: match_instances(np.array([[1]]), np.array([[1]]), method="optimal"), ValueError,
     "`method`"),
    (lambda: match_instances(np.array([[1, 2]]), np.array([[1, 0]]), scores=[0.5]), ValueError,
     "one score per instance"),
    (lambda: match_instances(np.array([[1]]), np.array([[1]]), scores=[np.nan]), ValueError,
     "finite"),
])
def test_bad_instances_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------
# Average precision: literal cases
# ---------------------------------------------------------------------------

PIXELS = np.eye(4, dtype=bool).reshape(4, 2, 2)  # four one-pixel objects in a 2 x 2 image


def test_average_precision_literal_101_points():
    preds = [{"masks": PIXELS[[0, 1, 3]], "scores": np.array([0.9, 0.8, 0.7])}]
    targets = [{"masks": PIXELS[[0, 2]]}]
    # precision 1 up to recall 1/2 (51 of the 101 recall points), 0 beyond
    assert average_precision(preds, targets) == pytest.approx(51 / 101, abs=1e-15)
    result = mean_average_precision(preds, targets)
    assert result["map"] == pytest.approx(51 / 101, abs=1e-15)
    assert result["precision"].shape == (10, 101, 1)
    np.testing.assert_allclose(result["precision"][0, :, 0], [1] * 51 + [0] * 50)
    np.testing.assert_allclose(result["recall"], np.full((10, 1), 1 / 2))


def test_interpolated_precision_is_the_best_precision_at_higher_recall():
    # scores: a false positive first, then both targets: precision 0, 1/2, 2/3 at recall 0, 1/2, 1
    preds = [{"masks": PIXELS[[3, 0, 1]], "scores": np.array([0.9, 0.8, 0.7])}]
    targets = [{"masks": PIXELS[[0, 1]]}]
    assert average_precision(preds, targets) == pytest.approx(2 / 3, abs=1e-15)


def test_categories_are_averaged_and_absent_ones_are_nan():
    preds = [{"masks": PIXELS[[0, 2]], "scores": np.array([0.9, 0.5]), "labels": [0, 2]}]
    targets = [{"masks": PIXELS[[0, 1]], "labels": np.array([0, 1])}]
    result = mean_average_precision(preds, targets)
    assert result["classes"].tolist() == [0, 1, 2]
    np.testing.assert_allclose(result["map_per_class"], [1, 0, np.nan])  # 2: no target
    assert result["map"] == pytest.approx(1 / 2)
    assert result["map_50"] == pytest.approx(1 / 2) and result["map_75"] == pytest.approx(1 / 2)


def test_iou_thresholds_and_partial_overlap():
    square = np.zeros((1, 6, 6), bool)
    square[0, 1:5, 1:5] = True
    shifted = np.zeros((1, 6, 6), bool)
    shifted[0, 1:5, 2:6] = True  # IoU 12/20 = 0.6
    preds = [{"masks": shifted, "scores": np.array([0.9])}]
    targets = [{"masks": square}]
    result = mean_average_precision(preds, targets)
    # matched at thresholds 0.50, 0.55 and 0.60 (IoU >= threshold)
    np.testing.assert_array_equal(result["ap"][:, 0], [1, 1, 1] + [0] * 7)
    assert result["map"] == pytest.approx(3 / 10, abs=1e-15)
    assert (result["map_50"], result["map_75"]) == (1.0, 0.0)
    custom = mean_average_precision(preds, targets, iou_thresholds=[0.6, 0.65])
    assert custom["map"] == 0.5 and custom["map_50"] == 1.0 and custom["map_75"] == 0.0
    assert custom["ap"].shape == (2, 1) and custom["precision"].shape == (2, 101, 1)
    assert average_precision(preds, targets, iou_threshold=0.61) == 0.0


def test_max_detections_per_image_and_category():
    preds = [{"masks": PIXELS[[0, 1]], "scores": np.array([0.9, 0.8]), "labels": [0, 0]},
             {"masks": PIXELS[[0, 1]], "scores": np.array([0.9, 0.8]), "labels": [0, 1]}]
    targets = [{"masks": PIXELS[[0, 1]], "labels": [0, 0]},
               {"masks": PIXELS[[0, 1]], "labels": [0, 1]}]
    assert average_precision(preds, targets) == 1.0
    # image 0 keeps one of its two class-0 predictions; image 1 keeps one per category
    # class 0: TP (0.9), TP (0.9), missing one target: recall 2/3 -> 67 of 101 points
    result = mean_average_precision(preds, targets, max_detections=1)
    np.testing.assert_allclose(result["map_per_class"], [67 / 101, 1])


def test_perfect_missing_and_empty_predictions():
    rng = np.random.default_rng(3)
    masks = rng.random((5, 8, 8)) < 0.5
    labels = np.array([0, 1, 1, 2, 0])
    perfect = mean_average_precision([{"masks": masks, "scores": rng.random(5),
                                       "labels": labels}], [{"masks": masks, "labels": labels}])
    assert perfect["map"] == 1.0 and perfect["map_50"] == 1.0
    nothing = mean_average_precision(
        [{"masks": np.zeros((0, 8, 8), bool), "scores": np.zeros(0), "labels": np.zeros(0, int)}],
        [{"masks": masks, "labels": labels}])
    assert nothing["map"] == 0.0
    no_targets = mean_average_precision(
        [{"masks": masks, "scores": rng.random(5), "labels": labels}],
        [{"masks": np.zeros((0, 8, 8), bool), "labels": np.zeros(0, int)}])
    assert math.isnan(no_targets["map"]) and np.isnan(no_targets["map_per_class"]).all()
    single = {"masks": torch.from_numpy(masks), "scores": torch.rand(5)}
    assert mean_average_precision(single, {"masks": masks})["map"] == 1.0  # one dict: one image


@pytest.mark.parametrize("preds, targets, kwargs, error, match", [
    ([{"masks": np.zeros((2, 2), bool), "scores": [1.0]}], [{"masks": np.zeros((1, 2, 2), bool)}],
     {}, ValueError,
     r"`preds\[0\]\['masks'\]` to be a stack of instance masks of shape \(K, H, W\).*mask\[None\]"),
    ([{"masks": np.zeros((1, 2, 2), bool)}], [{"masks": np.zeros((1, 2, 2), bool)}], {},
     ValueError, r"`preds\[0\]` to be a dict with the key 'scores'"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0]}], [{"mask": 1}], {}, ValueError,
     r"`targets\[0\]` to be a dict with the key 'masks'"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0, 2.0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {}, ValueError, "one score per instance"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0], "labels": [0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {}, ValueError, "labels in some dicts only"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0], "labels": [0.5]}],
     [{"masks": np.zeros((1, 2, 2), bool), "labels": [0]}], {}, ValueError, "integer"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0], "labels": [-1]}],
     [{"masks": np.zeros((1, 2, 2), bool), "labels": [0]}], {}, ValueError, "values >= 0"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0]}],
     [{"masks": np.zeros((1, 2, 3), bool)}], {}, ValueError, "same shape"),
    ([{"masks": np.full((1, 2, 2), 0.5), "scores": [1.0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {}, ValueError, "boolean mask"),
    ([], [{"masks": np.zeros((1, 2, 2), bool)}], {}, ValueError, "one dict per image"),
    (np.zeros((1, 2, 2), bool), [], {}, TypeError, "list of dicts"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {"max_detections": 0}, ValueError,
     "`max_detections`"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {"iou_thresholds": []}, ValueError,
     "`iou_thresholds`"),
    ([{"masks": np.zeros((1, 2, 2), bool), "scores": [1.0]}],
     [{"masks": np.zeros((1, 2, 2), bool)}], {"iou_thresholds": [0.5, 1.2]}, ValueError,
     r"`iou_thresholds\[1\]`"),
])
def test_bad_ap_input_raises(preds, targets, kwargs, error, match):
    with pytest.raises(error, match=match):
        mean_average_precision(preds, targets, **kwargs)


def test_coco_thresholds_are_pycocotools_values():
    with contextlib.redirect_stdout(io.StringIO()):
        params = COCOeval(iouType="segm").params
    np.testing.assert_array_equal(COCO_IOU_THRESHOLDS, params.iouThrs)


# ---------------------------------------------------------------------------
# Cross-check with pycocotools
# ---------------------------------------------------------------------------

def _random_box_mask(rng, shape, around=None):
    height, width = shape
    if around is None:
        top, left = rng.integers(0, height - 2), rng.integers(0, width - 2)
        bottom = top + rng.integers(2, max(3, height // 2))
        right = left + rng.integers(2, max(3, width // 2))
    else:
        rows, cols = np.nonzero(around)
        top, bottom = rows.min() + rng.integers(-2, 3), rows.max() + 1 + rng.integers(-2, 3)
        left, right = cols.min() + rng.integers(-2, 3), cols.max() + 1 + rng.integers(-2, 3)
    mask = np.zeros(shape, bool)
    mask[max(top, 0):max(bottom, top + 1), max(left, 0):max(right, left + 1)] = True
    if rng.random() < 0.3:  # ragged shape
        mask &= rng.random(shape) < 0.85
    if not mask.any():
        mask[min(max(top, 0), height - 1), min(max(left, 0), width - 1)] = True
    return mask


def _random_dataset(seed):
    rng = np.random.default_rng(seed)
    num_classes = int(rng.integers(1, 4))
    shape = (int(rng.integers(12, 25)), int(rng.integers(12, 25)))
    preds, targets = [], []
    for _ in range(int(rng.integers(1, 4))):
        target_masks, target_labels, pred_masks, pred_labels = [], [], [], []
        for _ in range(int(rng.integers(0, 6))):
            mask = _random_box_mask(rng, shape)
            label = int(rng.integers(0, num_classes))
            target_masks.append(mask)
            target_labels.append(label)
            for _ in range(int(rng.choice([0, 1, 1, 1, 2]))):  # missed, found, duplicated
                pred_masks.append(_random_box_mask(rng, shape, around=mask))
                pred_labels.append(label if rng.random() < 0.85 else
                                   int(rng.integers(0, num_classes)))
        for _ in range(int(rng.integers(0, 3))):  # false positives
            pred_masks.append(_random_box_mask(rng, shape))
            pred_labels.append(int(rng.integers(0, num_classes)))
        scores = rng.random(len(pred_masks))
        if rng.random() < 0.3:
            scores = np.round(scores, 1)  # ties
        preds.append({"masks": np.array(pred_masks, bool).reshape(-1, *shape),
                      "scores": scores, "labels": np.array(pred_labels, int)})
        targets.append({"masks": np.array(target_masks, bool).reshape(-1, *shape),
                        "labels": np.array(target_labels, int)})
    return preds, targets, shape


def _encode(masks):
    return mask_utils.encode(np.asfortranarray(masks.transpose(1, 2, 0).astype(np.uint8)))


def _coco_stats(preds, targets, shape, max_detections, per_threshold=False):
    """AP, AP50 and AP75 of pycocotools (NaN where it reports -1), or None without detections.

    ``per_threshold=True``: the AP at each of COCO's ten IoU thresholds instead.
    """
    labels = sorted({int(x) for t in targets for x in t["labels"]}
                    | {int(x) for p in preds for x in p["labels"]})
    dataset = {"images": [], "annotations": [], "categories": [{"id": c + 1} for c in labels]}
    results = []
    for image_id, (pred, target) in enumerate(zip(preds, targets, strict=True), start=1):
        dataset["images"].append({"id": image_id, "height": shape[0], "width": shape[1]})
        for rle, label in zip(_encode(target["masks"]), target["labels"], strict=True):
            dataset["annotations"].append({
                "id": len(dataset["annotations"]) + 1, "image_id": image_id,
                "category_id": int(label) + 1, "segmentation": rle, "iscrowd": 0,
                "area": float(mask_utils.area(rle)), "bbox": list(mask_utils.toBbox(rle))})
        for rle, label, score in zip(_encode(pred["masks"]), pred["labels"], pred["scores"],
                                     strict=True):
            results.append({"image_id": image_id, "category_id": int(label) + 1,
                            "segmentation": rle, "score": float(score)})
    if not results:
        return None
    with contextlib.redirect_stdout(io.StringIO()):
        ground_truth = COCO()
        ground_truth.dataset = dataset
        ground_truth.createIndex()
        evaluation = COCOeval(ground_truth, ground_truth.loadRes(results), iouType="segm")
        # (pycocotools sorts maxDets; the last one is the limit we compare)
        evaluation.params.maxDets = [1, min(10, max_detections), max_detections]
        evaluation.evaluate()
        evaluation.accumulate()
    precision = evaluation.eval["precision"][:, :, :, 0, 2]  # area "all", max_detections

    def mean(values):
        values = values[values > -1]
        return float(values.mean()) if values.size else float("nan")

    thresholds = evaluation.params.iouThrs
    if per_threshold:
        return np.array([mean(precision[t]) for t in range(len(thresholds))])
    return (mean(precision), mean(precision[thresholds == 0.5]),
            mean(precision[thresholds == 0.75]))


@pytest.mark.parametrize("seed", range(100))
def test_agrees_with_pycocotools(seed):
    preds, targets, shape = _random_dataset(seed)
    max_detections = 100 if seed % 4 else 2
    expected = _coco_stats(preds, targets, shape, max_detections)
    result = mean_average_precision(preds, targets, max_detections=max_detections)
    actual = (result["map"], result["map_50"], result["map_75"])
    if expected is None:  # pycocotools cannot load an empty result list
        if any(len(t["masks"]) for t in targets):
            assert actual == (0.0, 0.0, 0.0)  # targets but no prediction: AP 0
        else:
            assert all(math.isnan(value) for value in actual)  # nothing to find: NaN
        return
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6, equal_nan=True)
    assert average_precision(preds, targets, max_detections=max_detections) == (
        pytest.approx(expected[1], abs=1e-6, nan_ok=True))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_are_accepted():
    masks = torch.from_numpy(PIXELS).cuda()
    np.testing.assert_allclose(iou_matrix(masks[[0, 1]], masks[[1]]), [[0], [1]])
    preds = [{"masks": masks[[0, 1, 3]], "scores": torch.tensor([0.9, 0.8, 0.7]).cuda()}]
    targets = [{"masks": masks[[0, 2]]}]
    assert average_precision(preds, targets) == pytest.approx(51 / 101)


# ---------------------------------------------------------------------------
# Exact thresholds: an IoU equal to the threshold matches
# ---------------------------------------------------------------------------

def _overlap(numerator, union=20):
    """A target of `union` pixels and a prediction inside it of `numerator`: IoU exactly
    numerator / union."""
    return _row_masks(union, [(0, numerator)]), _row_masks(union, [(0, union)])


@pytest.mark.parametrize("method", ["greedy", "hungarian"])
def test_match_at_an_iou_equal_to_the_threshold(method):
    for numerator in range(10, 21):
        pred, target = _overlap(numerator)
        threshold = numerator / 20  # 0.5, 0.55, ..., 1.0: the IoU as the user writes it
        threshold = float(f"{threshold:.2f}")
        assert match_instances(pred, target, iou_threshold=threshold,
                               method=method).num_true_positives == 1, threshold
        if numerator < 20:
            assert match_instances(pred, target, iou_threshold=threshold + 1e-9,
                                   method=method).num_true_positives == 0, threshold
    pred, target = _overlap(3, union=5)
    assert match_instances(pred, target, iou_threshold=0.6, method=method).pairs.tolist() == \
        [[0, 0]]
    pred, target = _overlap(7, union=10)
    assert match_instances(pred, target, iou_threshold=0.7, method=method).pairs.tolist() == \
        [[0, 0]]


def test_ap_at_each_coco_threshold_agrees_with_pycocotools_on_the_boundary():
    # ten images, one object each, predicted with an IoU of exactly 10/20, 11/20, ..., 19/20:
    # each prediction sits exactly on one of COCO's thresholds 0.50, ..., 0.95
    preds, targets = [], []
    for numerator in range(10, 20):
        pred, target = _overlap(numerator)
        preds.append({"masks": pred, "scores": np.array([numerator / 20]),
                      "labels": np.array([0])})
        targets.append({"masks": target, "labels": np.array([0])})
    result = mean_average_precision(preds, targets)
    # at threshold i the 10 - i predictions with IoU >= t_i match, all ranked first: the
    # precision is 1 at every recall point r <= (10 - i) / 10, 0 beyond
    recall = np.array([(10 - i) / 10 for i in range(10)])
    reached = (COCO_RECALL_THRESHOLDS[None, :] <= recall[:, None]).sum(axis=1)
    np.testing.assert_allclose(result["ap"][:, 0], reached / 101, rtol=0, atol=1e-12)
    theirs = _coco_stats(preds, targets, (1, 20), 100, per_threshold=True)
    np.testing.assert_allclose(result["ap"][:, 0], theirs, rtol=0, atol=1e-12)
    # pycocotools' recall point "0.70" is 0.7000000000000001: a recall of exactly 7/10
    # does not reach it, there as here (threshold 0.65: 70 of the 101 points, not 71)
    assert reached.tolist() == [101, 91, 81, 70, 61, 51, 41, 31, 21, 11]
    expected = reached / 101
    # the same at one threshold: the prediction of IoU exactly 0.75 counts at 0.75
    assert average_precision(preds, targets, iou_threshold=0.75) == pytest.approx(expected[5])


# ---------------------------------------------------------------------------
# Likely slips: instance maps where (K, H, W) masks are expected
# ---------------------------------------------------------------------------

def test_map_given_an_instance_map_says_how_to_convert():
    instance_map = np.array([[0, 1, 1, 0],
                             [3, 3, 0, 0]])
    masks = instance_map == np.unique(instance_map)[1:, None, None]  # the hint's conversion
    targets = [{"masks": masks}]
    with pytest.raises(ValueError, match=r"`preds\[0\]\['masks'\]`.*\(K, H, W\).*"
                                         r"instance map.*np\.unique\(instance_map\)"):
        mean_average_precision([{"masks": instance_map, "scores": np.ones(2)}], targets)
    with pytest.raises(ValueError, match=r"`targets\[0\]\['masks'\]`.*instance map"):
        mean_average_precision([{"masks": masks, "scores": np.ones(2)}],
                               [{"masks": torch.from_numpy(instance_map)[None]}])
    with pytest.raises(ValueError, match=r"mask\[None\]"):
        mean_average_precision([{"masks": masks[0], "scores": np.ones(1)}], targets)
    result = mean_average_precision([{"masks": masks, "scores": np.array([0.9, 0.8])}], targets)
    assert result["map"] == 1.0


# ---------------------------------------------------------------------------
# Likely slips: a stack of masks stored as numbers
# ---------------------------------------------------------------------------

def _two_squares(dtype):
    masks = np.zeros((2, 8, 8), dtype)
    masks[0, :4, :4] = 1
    masks[1, 4:, 4:] = 1
    return masks


@pytest.mark.parametrize("convert", [
    lambda m: m.astype(np.uint8),
    lambda m: m.astype(np.float32),
    lambda m: torch.from_numpy(m).float(),  # (probs > 0.5).float()
    lambda m: torch.from_numpy(m).to(torch.bfloat16),
])
def test_a_non_boolean_stack_of_0_and_1_is_read_as_one_instance_map_and_warns(convert):
    masks = _two_squares(bool)
    stack = convert(masks)
    for function in (iou_matrix, match_instances):
        with pytest.warns(MaskStackWarning) as caught:
            function(stack, stack)
        assert len(caught) == 2
        for name, warning in zip(("pred", "target"), caught, strict=True):
            assert re.search(rf"`{name}` is a 3-D .* \(2, 8, 8\) holding only 0 and 1.*instance "
                             rf"map of one \(D, H, W\) volume.*stack of 2 masks.*"
                             rf"`{name}.astype\(bool\)`", str(warning.message))
    # what the warning announces: one instance here, two in mean_average_precision
    with pytest.warns(MaskStackWarning):
        assert iou_matrix(stack, stack).tolist() == [[1.0]]
    assert iou_matrix(masks, masks).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    result = mean_average_precision([{"masks": stack, "scores": np.ones(2)}], [{"masks": masks}])
    assert result["map"] == 1.0
    # against a boolean stack the shapes differ; the warning comes first and explains why
    with pytest.warns(MaskStackWarning, match="`target`"), pytest.raises(ValueError,
                                                                          match="same shape"):
        iou_matrix(masks, stack)


def test_what_does_not_warn_about_a_stack():
    masks = _two_squares(bool)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iou_matrix(masks, masks)  # boolean stacks
        one = masks[:1].astype(np.uint8)
        assert iou_matrix(one, one).tolist() == [[1.0]]  # one slice: the same either way
        iou_matrix(np.array([[0, 1, 1], [2, 2, 0]]), np.array([[0, 1, 1], [0, 1, 1]]))  # 2-D
        volume = np.zeros((3, 4, 4), np.uint8)
        volume[1:, 1:3, 1:3] = 1
        volume[0, 0, 0] = 2  # a 3-D instance map with two ids
        iou_matrix(volume, volume)
        single = (volume == 1)[None]  # the warning's advice for a volume with one object
        assert iou_matrix(single, single).tolist() == [[1.0]]


def test_a_stack_of_3d_masks_as_numbers_gets_an_error_that_says_astype_bool():
    masks = np.zeros((2, 3, 4, 4), np.uint8)
    with pytest.raises(ValueError, match=r"`pred`.*\(K, D, H, W\).*`pred.astype\(bool\)`"):
        iou_matrix(masks, masks.astype(bool))


def test_the_docstrings_say_how_each_function_reads_a_stack_of_numbers():
    for function in (iou_matrix, match_instances):
        parameters = function.__doc__.split("Parameters")[1].split("Returns")[0]
        assert "astype(bool)" in parameters and "MaskStackWarning" in function.__doc__
    for function in (mean_average_precision, average_precision):
        parameters = function.__doc__.split("Parameters")[1].split("Returns")[0]
        assert "iou_matrix" in parameters and "K masks" in parameters


@pytest.mark.parametrize("values", [(0, 255), (0, 1)])
def test_ap_given_a_0_255_stack_says_masks_greater_than_0(values):
    masks = _two_squares(np.uint8) * values[1]
    targets = [{"masks": _two_squares(bool)}]
    if values == (0, 1):  # read as two masks
        assert average_precision([{"masks": masks, "scores": np.ones(2)}], targets) == 1.0
        return
    with pytest.raises(ValueError, match=r"`preds\[0\]\['masks'\]`.*holding only the values "
                                         r"\[0, 255\].*`preds\[0\]\['masks'\] > 0`") as error:
        average_precision([{"masks": masks, "scores": np.ones(2)}], targets)
    assert "instance map" not in str(error.value) and "np.unique" not in str(error.value)
    with pytest.raises(ValueError, match=r"\(mask > 0\)\[None\]"):
        average_precision([{"masks": masks[0], "scores": np.ones(1)}], targets)
    assert average_precision([{"masks": masks > 0, "scores": np.ones(2)}], targets) == 1.0


def test_ap_given_probabilities_says_threshold():
    probs = _two_squares(np.float32) * 0.7
    with pytest.raises(ValueError, match=r"values \[0.0, 0.7\].*probabilities\? threshold them, "
                                         r"`targets\[0\]\['masks'\] > 0.5`") as error:
        mean_average_precision([{"masks": _two_squares(bool), "scores": np.ones(2)}],
                               [{"masks": probs}])
    assert "> 0`" not in str(error.value)


# ---------------------------------------------------------------------------
# The ranked table behind the precision-recall curve
# ---------------------------------------------------------------------------

def _ap_from_table(table):
    """COCO's 101-point AP from the rows of ranked_detections, written out."""
    points = np.linspace(0, 1, 101)
    values = []
    for r in points:
        reached = np.flatnonzero(table["recall"] >= r)
        values.append(table["interpolated_precision"][reached[0]] if reached.size else 0.0)
    return float(np.mean(values))


def test_ranked_detections_literal():
    masks = _row_masks(8, [(0, 2)], [(2, 4)], [(4, 6)], [(6, 8)])
    preds = [{"masks": masks[[3, 0, 1, 0]], "scores": np.array([0.6, 0.9, 0.8, 0.7])}]
    targets = [{"masks": masks[[0, 1, 2]]}]
    table = ranked_detections(preds, targets)
    assert table["index"].tolist() == [1, 2, 3, 0]  # by score
    assert table["true_positive"].tolist() == [True, True, False, False]  # 3: duplicate
    assert table["target"].tolist() == [0, 1, -1, -1]
    assert table["tp"].tolist() == [1, 2, 2, 2] and table["fp"].tolist() == [0, 0, 1, 2]
    np.testing.assert_allclose(table["precision"], [1, 1, 2 / 3, 1 / 2])
    np.testing.assert_allclose(table["recall"], [1 / 3, 2 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(table["iou"][:2], [1, 1])
    assert np.isnan(table["iou"][2:]).all()
    assert table["num_targets"] == 3


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("threshold", [0.5, 0.75])
def test_ranked_detections_give_the_average_precision(seed, threshold):
    preds, targets, _ = _random_dataset(seed)
    for category in sorted({int(x) for t in targets for x in t["labels"]}):
        table = ranked_detections(preds, targets, iou_threshold=threshold, category=category)
        expected = mean_average_precision(preds, targets, iou_thresholds=[threshold])
        k = int(np.flatnonzero(expected["classes"] == category)[0])
        assert _ap_from_table(table) == pytest.approx(expected["ap"][0, k], abs=1e-12)
        assert table["num_targets"] == sum(int((t["labels"] == category).sum())
                                           for t in targets)
        assert np.all(np.diff(table["score"]) <= 0)
        assert np.all(np.diff(table["interpolated_precision"]) <= 1e-15)


def test_ranked_detections_edge_cases_and_errors():
    masks = _row_masks(4, [(0, 2)], [(2, 4)])
    empty = ranked_detections([{"masks": masks[:0], "scores": np.zeros(0)}], [{"masks": masks}])
    assert len(empty["score"]) == 0 and empty["num_targets"] == 2
    no_target = ranked_detections([{"masks": masks, "scores": [0.5, 0.4]}],
                                  [{"masks": masks[:0]}])
    assert np.isnan(no_target["recall"]).all() and no_target["fp"].tolist() == [1, 2]
    labelled = ([{"masks": masks, "scores": [0.5, 0.4], "labels": [1, 2]}],
                [{"masks": masks, "labels": [1, 1]}])
    with pytest.raises(ValueError, match="category"):
        ranked_detections(*labelled)
    with pytest.raises(ValueError, match="category"):
        ranked_detections([{"masks": masks, "scores": [0.5, 0.4]}], [{"masks": masks}],
                          category=1)
    with pytest.raises(TypeError, match="category"):
        ranked_detections(*labelled, category=1.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        ranked_detections(*labelled, category=1, iou_threshold=0)
    table = ranked_detections(*labelled, category=1)
    assert table["true_positive"].tolist() == [True] and table["num_targets"] == 2


# ---------------------------------------------------------------------------
# TP / (TP + FP + FN), the "AP" of cell segmentation
# ---------------------------------------------------------------------------

def test_cell_average_precision_counts_by_hand():
    target = np.array([[1, 1, 1, 1, 0, 2, 2, 0, 3, 3]])
    pred = np.array([[1, 1, 1, 0, 0, 2, 0, 0, 0, 0]])  # IoU 3/4 and 1/2; target 3 missed
    assert cell_average_precision(pred, target) == pytest.approx(2 / 3)  # 2 / (2 + 0 + 1)
    # at 0.6 pred 2 no longer matches: 1 TP, 1 FP, 2 FN
    assert cell_average_precision(pred, target, iou_threshold=0.6) == pytest.approx(1 / 4)
    values = cell_average_precision(pred, target, iou_threshold=[0.5, 0.6, 0.8])
    np.testing.assert_allclose(values, [2 / 3, 1 / 4, 0.0])
    assert cell_average_precision(target, target) == 1.0


def test_cell_average_precision_differs_from_coco_ap():
    # one good match and one confident false positive: COCO's AP rewards the ranking
    target = np.array([[1, 1, 0, 0, 0, 0]])
    pred = np.array([[1, 1, 0, 0, 2, 2]])
    stack = pred == np.array([1, 2])[:, None, None]
    coco = average_precision([{"masks": stack, "scores": [0.9, 0.1]}],
                             [{"masks": (target == 1)[None]}])
    assert coco == 1.0
    assert cell_average_precision(pred, target) == pytest.approx(0.5)


def test_cell_average_precision_empty_and_errors():
    empty = np.zeros((2, 3), int)
    assert math.isnan(cell_average_precision(empty, empty))
    assert cell_average_precision(empty, empty, zero_division=1.0) == 1.0
    assert cell_average_precision(empty, np.ones((2, 3), int)) == 0.0
    with pytest.raises(ValueError, match="iou_threshold"):
        cell_average_precision(empty, empty, iou_threshold=1.5)
    with pytest.raises(ValueError, match="zero_division"):
        cell_average_precision(empty, empty, zero_division=2)


# ---------------------------------------------------------------------------
# Instance maps straight into the scores (issue 16): no boolean stacks
# ---------------------------------------------------------------------------

def _random_instance_map(rng, shape, count, id_kind, dtype):
    ids = {"dense": np.arange(1, count + 1),
           "sparse": rng.choice(np.arange(1, 1000), size=count, replace=False),
           "huge": np.unique(rng.integers(1, 10 ** 9, size=count)),
           "table": rng.choice(np.arange(1, 70000), size=count, replace=False)}[id_kind]
    instance_map = np.zeros(shape, np.int64)
    for i in ids:
        corner = [rng.integers(0, s) for s in shape]
        region = tuple(slice(max(0, c - rng.integers(0, 6)), c + rng.integers(1, 6))
                       for c in corner)
        instance_map[region] = i
    if dtype == "uint16" and instance_map.max(initial=0) >= 2 ** 16:
        dtype = "int64"
    return instance_map.astype(dtype)


@pytest.mark.parametrize("seed", range(40))
def test_iou_of_two_instance_maps_equals_that_of_their_stacks(seed):
    from segcourse.metrics import objects

    rng = np.random.default_rng(seed)
    shape = [(17, 23), (4, 9, 11), (128, 96), (1, 5)][seed % 4]
    maps = [_random_instance_map(rng, shape, int(rng.integers(0, 30)),
                                 ["dense", "sparse", "huge", "table"][(seed // 4) % 4],
                                 ["int64", "int32", "uint16", "uint32", "float64"][seed % 5])
            for _ in range(2)]
    stacks = [m[None] == np.setdiff1d(m, [0]).reshape((-1,) + (1,) * m.ndim) for m in maps]
    expected = objects._pair_ious(*stacks)
    warnings.simplefilter("ignore", MaskStackWarning)  # a 3-D map of one object warns
    got = iou_matrix(*maps)
    assert got.shape == expected.shape and np.array_equal(got, expected)
    assert np.array_equal(iou_matrix(torch.from_numpy(maps[0].astype(np.int64)), maps[1]),
                          expected)
    assert np.array_equal(iou_matrix(stacks[0], maps[1]), expected)  # one of each
    for method in ("greedy", "hungarian"):
        by_maps = match_instances(*maps, method=method, iou_threshold=0.3)
        by_stacks = match_instances(*stacks, method=method, iou_threshold=0.3)
        assert np.array_equal(by_maps.pairs, by_stacks.pairs)
        assert np.array_equal(by_maps.ious, by_stacks.ious)


def test_instance_maps_with_many_instances_and_empty_maps():
    from segcourse.metrics import objects

    rng = np.random.default_rng(1)
    shape = (200, 200)
    # 10 000 one-pixel-to-few-pixel objects: more pairs than pixels per chunk
    first = rng.permutation(np.arange(shape[0] * shape[1])).reshape(shape) // 4 + 1
    second = np.roll(first, 1, axis=1)
    stacks = [m[None] == np.setdiff1d(m, [0])[:, None, None] for m in (first[:40], second[:40])]
    assert np.array_equal(iou_matrix(first[:40], second[:40]), objects._pair_ious(*stacks))
    empty = np.zeros(shape, int)
    assert iou_matrix(empty, first).shape == (0, len(np.unique(first)))
    assert iou_matrix(first, empty).shape == (len(np.unique(first)), 0)
    assert iou_matrix(empty, empty).shape == (0, 0)


def test_iou_of_instance_maps_takes_no_more_memory_than_the_maps():
    import tracemalloc

    rng = np.random.default_rng(2)
    shape = (1024, 1024)
    maps = [_random_instance_map(rng, shape, 150, "sparse", "int32") for _ in range(2)]
    for m in maps:  # larger objects, so that most of the image is covered
        m[:] = np.kron(m[::8, ::8], np.ones((8, 8), m.dtype))
    inputs = sum(m.nbytes for m in maps)
    iou_matrix(*maps)
    tracemalloc.start()
    iou_matrix(*maps)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= 0.5 * inputs, (peak, inputs)  # stacks of 150 masks would take 75x


def _painted(masks, shape, rng):
    """An instance map from a stack (later masks painted over earlier ones), its ids in the
    order of the stack, and the stack of what remains of each."""
    ids = rng.permutation(np.arange(1, len(masks) + 1) * 3)
    instance_map = np.zeros(shape, np.int32)
    for mask, i in zip(masks, ids, strict=True):
        instance_map[mask] = i
    return instance_map, ids, instance_map[None] == ids[:, None, None]


@pytest.mark.parametrize("seed", range(100))
def test_map_from_instance_maps_agrees_with_stacks_and_pycocotools(seed):
    preds, targets, shape = _random_dataset(seed)
    rng = np.random.default_rng(seed)
    map_preds, map_targets, stack_preds, stack_targets = [], [], [], []
    for pred, target in zip(preds, targets, strict=True):
        pred_map, pred_ids, pred_stack = _painted(pred["masks"], shape, rng)
        target_map, target_ids, target_stack = _painted(target["masks"], shape, rng)
        map_preds.append({"instances": pred_map, "ids": pred_ids, "scores": pred["scores"],
                          "labels": pred["labels"]})
        map_targets.append({"instances": torch.from_numpy(target_map), "ids": target_ids,
                            "labels": target["labels"]})
        stack_preds.append({"masks": pred_stack, "scores": pred["scores"],
                            "labels": pred["labels"]})
        stack_targets.append({"masks": target_stack, "labels": target["labels"]})
    max_detections = 100 if seed % 4 else 2
    by_maps = mean_average_precision(map_preds, map_targets, max_detections=max_detections)
    by_stacks = mean_average_precision(stack_preds, stack_targets, max_detections=max_detections)
    for key, value in by_stacks.items():
        np.testing.assert_array_equal(by_maps[key], value, err_msg=key)
    mixed = mean_average_precision(map_preds, stack_targets, max_detections=max_detections)
    np.testing.assert_array_equal(mixed["ap"], by_stacks["ap"])
    expected = _coco_stats(stack_preds, stack_targets, shape, max_detections)
    if expected is not None:
        np.testing.assert_allclose((by_maps["map"], by_maps["map_50"], by_maps["map_75"]),
                                   expected, rtol=0, atol=1e-6, equal_nan=True)
    categories = sorted({int(x) for p in preds for x in p["labels"]})
    if categories:
        table = ranked_detections(map_preds, map_targets, category=categories[0])
        reference = ranked_detections(stack_preds, stack_targets, category=categories[0])
        for key, value in reference.items():
            np.testing.assert_array_equal(table[key], value, err_msg=key)


def test_instance_maps_in_ap_dicts_literal_ids_and_errors():
    target_map = np.array([[1, 1, 0, 2, 2]])
    pred_map = np.array([[1, 1, 0, 0, 2]])
    targets = [{"instances": target_map}]
    result = mean_average_precision([{"instances": pred_map, "scores": [0.9, 0.6]}], targets)
    assert result["map_50"] == 1.0 and result["map_75"] == pytest.approx(51 / 101)
    # ids name the order of the scores; an id the map lost is an empty instance (a FP)
    renamed = mean_average_precision(
        [{"instances": pred_map, "ids": [2, 7, 1], "scores": [0.6, 0.95, 0.9]}], targets)
    assert renamed["map_50"] == pytest.approx(2 / 3)  # FP first, then 2 TP: precision 2/3
    assert average_precision([{"instances": pred_map, "scores": [0.9, 0.6]}], targets) == 1.0
    cases = [
        ([{"instances": pred_map, "scores": [0.9]}], targets,
         r"`preds\[0\]\['scores'\]` to be one score per instance \(2: the ids \[1, 2\] of the "
         r"instance map, in that order; 'ids' names them"),
        ([{"instances": pred_map, "ids": [1], "scores": [0.9]}], targets,
         r"`preds\[0\]\['ids'\]` to be every id of the instance map.*\[2\]"),
        ([{"instances": pred_map, "ids": [1, 2, 2], "scores": [1, 1, 1]}], targets,
         r"`preds\[0\]\['ids'\]` to be distinct ids"),
        ([{"instances": pred_map, "ids": [0, 1, 2], "scores": [1, 1, 1]}], targets,
         r"`preds\[0\]\['ids'\]` to be instance ids >= 1"),
        ([{"instances": pred_map > 0, "scores": [1.0]}], targets,
         r"`preds\[0\]\['instances'\]` to be an integer instance map.*under 'masks'"),
        ([{"instances": pred_map, "masks": (pred_map > 0)[None], "scores": [1.0]}], targets,
         r"`preds\[0\]` to be a dict with either 'masks'.*or 'instances'.*not both"),
        ([{"masks": (pred_map > 0)[None], "ids": [1], "scores": [1.0]}], targets,
         r"`preds\[0\]` to be 'ids' only beside 'instances'"),
        ([{"instances": pred_map - 1, "scores": [1.0, 1.0]}], targets,
         r"`preds\[0\]\['instances'\]` to be a label map with values >= 0"),
        ([{"instances": pred_map, "scores": [1.0, 1.0]}], [{"instances": target_map[:, :4]}],
         r"`preds\[0\]\['instances'\]` and `targets\[0\]\['instances'\]` to cover images of "
         r"the same shape"),
        ([{"instances": pred_map[None, None], "scores": [1.0, 1.0]}], targets,
         r"`preds\[0\]\['instances'\]` to be a 2-D or 3-D array"),
        ([{"scores": [1.0]}], targets,
         r"`preds\[0\]` to be a dict with the key 'masks' \(a boolean stack \(K, H, W\)\) or "
         r"'instances'"),
    ]
    for preds, wrong_targets, match in cases:
        with pytest.raises(ValueError, match=match):
            mean_average_precision(preds, wrong_targets)
    with pytest.raises(ValueError, match=r"under the key 'instances'.*np\.unique"):
        mean_average_precision([{"masks": pred_map, "scores": [1.0, 1.0]}], targets)
