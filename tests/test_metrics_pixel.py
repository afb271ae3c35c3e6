"""Tests of segcourse.metrics.pixel: literal cases, edge cases, bad input, scikit-learn."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from segcourse.metrics import (
    AmbiguousMaskWarning,
    ConfusionMatrix,
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    dice,
    f1,
    iou,
    matthews_corrcoef,
    precision,
    recall,
    specificity,
)

nan = float("nan")

# Example A (worked by hand):
#   target = 0 0 1 1 2 2
#   pred   = 0 1 1 1 2 0
#   cm rows (target) = [1 1 0], [0 2 0], [1 0 1]
#   TP = [1 2 1], FP = [1 1 0], FN = [1 0 1], TN = [3 3 4]
TARGET_A = np.array([0, 0, 1, 1, 2, 2])
PRED_A = np.array([0, 1, 1, 1, 2, 0])


def assert_same(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


# ---------------------------------------------------------------------------
# Literal cases with exact fractions
# ---------------------------------------------------------------------------

def test_confusion_matrix_literal_orientation_rows_are_target():
    assert_same(confusion_matrix(PRED_A, TARGET_A), [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    cm = confusion_matrix(np.array([1, 1]), np.array([0, 0]), num_classes=3)
    assert cm.tolist() == [[0, 2, 0], [0, 0, 0], [0, 0, 0]]
    assert cm.dtype == np.int64


def test_confusion_matrix_of_masks_is_tn_fp_fn_tp():
    target = np.array([False, False, True, True, True])
    pred = np.array([True, False, True, False, True])
    assert confusion_matrix(pred, target).tolist() == [[1, 1], [1, 2]]


@pytest.mark.parametrize("average, expected", [
    ("none", [1 / 2, 2 / 3, 1]),
    ("macro", (1 / 2 + 2 / 3 + 1) / 3),
    ("weighted", (1 / 2 + 2 / 3 + 1) / 3),
    ("micro", 4 / 6),
])
def test_precision_literal(average, expected):
    assert_same(precision(PRED_A, TARGET_A, average=average), expected)


@pytest.mark.parametrize("name, per_class, micro", [
    ("recall", [1 / 2, 1, 1 / 2], 4 / 6),
    ("specificity", [3 / 4, 3 / 4, 1], 10 / 12),
    ("f1", [2 / 4, 4 / 5, 2 / 3], 4 / 6),
    ("dice", [2 / 4, 4 / 5, 2 / 3], 4 / 6),
    ("iou", [1 / 3, 2 / 3, 1 / 2], 4 / 8),
])
def test_per_class_scores_literal(name, per_class, micro):
    function = {"recall": recall, "specificity": specificity, "f1": f1, "dice": dice,
                "iou": iou}[name]
    assert_same(function(PRED_A, TARGET_A, average="none"), per_class)
    assert_same(function(PRED_A, TARGET_A), np.mean(per_class))  # label maps: macro
    assert_same(function(PRED_A, TARGET_A, average="micro"), micro)


def test_accuracy_balanced_accuracy_and_mcc_literal():
    assert accuracy(PRED_A, TARGET_A) == pytest.approx(4 / 6, abs=1e-15)
    assert balanced_accuracy(PRED_A, TARGET_A) == pytest.approx(2 / 3, abs=1e-15)
    # c = 4, s = 6, t = [2 2 2], p = [2 3 1]: (24 - 12) / sqrt((36 - 14) (36 - 12))
    assert matthews_corrcoef(PRED_A, TARGET_A) == pytest.approx(12 / math.sqrt(22 * 24),
                                                                abs=1e-15)


def test_weighted_average_uses_target_frequencies():
    target = np.array([0, 0, 0, 1])
    pred = np.array([0, 0, 1, 1])
    # TP = [2 1], FP = [0 1], FN = [1 0], support = [3 1]
    assert_same(precision(pred, target, average="weighted"), (3 * 1 + 1 * 1 / 2) / 4)
    assert_same(recall(pred, target, average="weighted"), (3 * 2 / 3 + 1 * 1) / 4)
    assert_same(iou(pred, target, average="weighted"), (3 * 2 / 3 + 1 * 1 / 2) / 4)


def test_binary_scores_of_masks_literal():
    target = np.array([[0, 1, 1], [0, 1, 1]], dtype=bool)
    pred = np.array([[1, 1, 1], [0, 0, 1]], dtype=bool)
    # TP = 3, FP = 1, FN = 1, TN = 1
    assert dice(pred, target) == pytest.approx(6 / 8, abs=1e-15)
    assert f1(pred, target) == pytest.approx(6 / 8, abs=1e-15)
    assert iou(pred, target) == pytest.approx(3 / 5, abs=1e-15)
    assert precision(pred, target) == pytest.approx(3 / 4, abs=1e-15)
    assert recall(pred, target) == pytest.approx(3 / 4, abs=1e-15)
    assert specificity(pred, target) == pytest.approx(1 / 2, abs=1e-15)
    assert accuracy(pred, target) == pytest.approx(4 / 6, abs=1e-15)
    assert balanced_accuracy(pred, target) == pytest.approx((3 / 4 + 1 / 2) / 2, abs=1e-15)
    assert matthews_corrcoef(pred, target) == pytest.approx(
        (3 * 1 - 1 * 1) / math.sqrt(4 * 4 * 2 * 2), abs=1e-15)
    # The same masks as 0/1 label maps, asking for the foreground score.
    assert dice(pred.astype(int), target.astype(int), average="binary") == pytest.approx(6 / 8)
    assert_same(dice(pred, target, average="none"), [2 * 1 / (2 * 1 + 1 + 1), 6 / 8])


def test_bool_prediction_against_integer_target_is_compared_as_masks():
    target = np.array([0, 1, 1, 255])
    pred = np.array([False, True, False, True])
    assert dice(pred, target, ignore_index=255) == pytest.approx(2 / 3)


def test_three_dimensional_maps_and_batches_pool_all_pixels():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 4, size=(3, 4, 5, 6))
    pred = rng.integers(0, 4, size=(3, 4, 5, 6))
    total = sum(confusion_matrix(pred[i], target[i], num_classes=4) for i in range(3))
    assert_same(confusion_matrix(pred, target), total)
    expected = np.zeros((4, 4), dtype=int)
    np.add.at(expected, (target.ravel(), pred.ravel()), 1)
    assert_same(total, expected)


def test_ignore_index_pixels_count_nowhere_and_their_prediction_is_not_checked():
    target = np.array([0, 1, 255, 1])
    pred = np.array([0, 0, 7, 1])
    assert confusion_matrix(pred, target, ignore_index=255).tolist() == [[1, 0], [1, 1]]
    target_torch_style = np.array([0, 1, -100, 1])
    assert confusion_matrix(pred, target_torch_style, ignore_index=-100).tolist() == [
        [1, 0], [1, 1]]
    # ignore_index inside the class range: that class is dropped from the target only
    cm = confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), ignore_index=0)
    assert cm.tolist() == [[0, 0], [0, 1]]


def test_integer_valued_float_maps_and_torch_tensors_are_accepted():
    assert_same(confusion_matrix(PRED_A.astype(float), TARGET_A.astype(np.float32)),
                confusion_matrix(PRED_A, TARGET_A))
    assert_same(iou(torch.from_numpy(PRED_A), torch.from_numpy(TARGET_A), average="none"),
                [1 / 3, 2 / 3, 1 / 2])
    assert_same(confusion_matrix(PRED_A.astype(np.uint8), TARGET_A.astype(np.int16)),
                confusion_matrix(PRED_A, TARGET_A))


def test_large_inputs_use_the_parallel_path_and_still_check_every_label():
    rng = np.random.default_rng(1)
    target = rng.integers(0, 5, size=(2100, 2000), dtype=np.int64)
    pred = rng.integers(0, 5, size=(2100, 2000), dtype=np.int64)
    expected = np.bincount((target * 5 + pred).ravel(), minlength=25).reshape(5, 5)
    assert_same(confusion_matrix(pred, target, num_classes=5), expected)
    target[-1, -1] = 255
    with pytest.raises(ValueError, match="values < num_classes=5"):
        confusion_matrix(pred, target, num_classes=5)
    pred[-1, -1] = 9  # at the ignored pixel: not looked at
    valid = target != 255
    expected = np.bincount(target[valid] * 5 + pred[valid], minlength=25).reshape(5, 5)
    assert_same(confusion_matrix(pred, target, num_classes=5, ignore_index=255), expected)
    pred[0, 0] = 9  # at a counted pixel
    with pytest.raises(ValueError, match="`pred` to be a label map with values < num_classes=5"):
        confusion_matrix(pred, target, num_classes=5, ignore_index=255)


# ---------------------------------------------------------------------------
# Edge cases (documented in the docstrings)
# ---------------------------------------------------------------------------

def test_class_absent_from_both_is_nan_and_left_out_of_macro():
    target = np.array([0, 2, 2])
    pred = np.array([0, 0, 2])
    assert_same(iou(pred, target, num_classes=3, average="none"), [1 / 2, nan, 1 / 2])
    assert iou(pred, target, num_classes=3) == pytest.approx(1 / 2)
    assert iou(pred, target, num_classes=3, zero_division=0.0) == pytest.approx(1 / 3)
    assert iou(pred, target, num_classes=3, zero_division=1.0) == pytest.approx(2 / 3)
    assert_same(dice(pred, target, num_classes=3, average="none"), [2 / 3, nan, 2 / 3])
    assert balanced_accuracy(pred, target, num_classes=3) == pytest.approx((1 + 1 / 2) / 2)


def test_both_masks_empty():
    empty = np.zeros((3, 3), dtype=bool)
    for function in (dice, f1, iou, precision, recall, matthews_corrcoef):
        assert math.isnan(function(empty, empty)), function.__name__
    assert dice(empty, empty, zero_division=1.0) == 1.0
    assert specificity(empty, empty) == 1.0
    assert accuracy(empty, empty) == 1.0
    assert balanced_accuracy(empty, empty) == 1.0  # only the background class is present


def test_missed_object():
    target = np.zeros((3, 3), dtype=bool)
    target[1, 1] = True
    pred = np.zeros((3, 3), dtype=bool)
    assert dice(pred, target) == 0.0
    assert iou(pred, target) == 0.0
    assert recall(pred, target) == 0.0
    assert math.isnan(precision(pred, target))  # nothing predicted: 0/0
    assert specificity(pred, target) == 1.0
    assert accuracy(pred, target) == pytest.approx(8 / 9)
    assert balanced_accuracy(pred, target) == pytest.approx(1 / 2)
    assert math.isnan(matthews_corrcoef(pred, target))
    assert matthews_corrcoef(pred, target, zero_division=0.0) == 0.0


def test_every_pixel_ignored():
    target = np.full((2, 3), 255)
    pred = np.zeros((2, 3), dtype=int)
    assert confusion_matrix(pred, target, num_classes=3, ignore_index=255).sum() == 0
    for function in (accuracy, balanced_accuracy, matthews_corrcoef):
        assert math.isnan(function(pred, target, num_classes=3, ignore_index=255))
    for function in (precision, recall, specificity, f1, dice, iou):
        for average in ("micro", "macro", "weighted"):
            assert math.isnan(function(pred, target, num_classes=3, ignore_index=255,
                                       average=average))
        assert np.isnan(function(pred, target, num_classes=3, ignore_index=255,
                                 average="none")).all()
    with pytest.raises(ValueError, match="num_classes"):
        confusion_matrix(pred, target, ignore_index=255)  # nothing to infer it from


def test_empty_arrays_need_num_classes():
    empty = np.zeros((0, 4), dtype=int)
    assert confusion_matrix(empty, empty, num_classes=2).tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="num_classes"):
        confusion_matrix(empty, empty)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("pred, target, kwargs, error, match", [
    (np.zeros((2, 3), int), np.zeros((3, 2), int), {}, ValueError, "same shape"),
    (np.array([0, 3]), np.array([0, 1]), {"num_classes": 3}, ValueError,
     r"`pred` to be a label map with values < num_classes=3, but got a maximum of 3"),
    (np.array([0, 1]), np.array([0, 5]), {"num_classes": 3}, ValueError,
     r"`target` to be a label map with values < num_classes=3"),
    (np.array([0, 1.5]), np.array([0, 1]), {}, ValueError, "integer label map"),
    (np.array([0, 1]), np.array([0.0, np.nan]), {}, ValueError, "integer label map"),
    (np.array([0, -1]), np.array([0, 1]), {}, ValueError, r"values >= 0.*minimum of -1"),
    (np.array([0, 1]), np.array([0, -2]), {"ignore_index": -1}, ValueError,
     r"values >= 0 \(ignore_index=-1\)"),
    (np.array([0, 1]), np.array([0, -2]), {"num_classes": 2}, ValueError, "values >= 0"),
    (np.array([0, -1]), np.array([0, 1]), {"num_classes": 2}, ValueError, "values >= 0"),
    (np.array(["a", "b"]), np.array([0, 1]), {}, TypeError, "`pred`"),
    ("01", np.array([0, 1]), {}, TypeError, "numpy array or a torch tensor"),
    (np.array([0, 1]), np.array([0, 1]), {"num_classes": 0}, ValueError, "positive integer"),
    (np.array([0, 1]), np.array([0, 1]), {"num_classes": 2.0}, TypeError, "positive integer"),
    (np.array([0, 1]), np.array([0, 1]), {"num_classes": True}, TypeError, "positive integer"),
    (np.array([0, 1]), np.array([0, 1]), {"ignore_index": 1.5}, TypeError, "`ignore_index`"),
    (np.array([True]), np.array([True]), {"num_classes": 3}, ValueError, "2 \\(or None\\)"),
    (np.array([True, False]), np.array([0, 2]), {}, ValueError, "num_classes=2"),
    (np.array([0, 10 ** 6]), np.array([0, 1]), {}, ValueError, "fewer than 4096 classes"),
])
def test_bad_input_raises(pred, target, kwargs, error, match):
    with pytest.raises(error, match=match):
        confusion_matrix(pred, target, **kwargs)
    with pytest.raises(error, match=match):
        dice(pred, target, **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"average": "mean"}, ValueError, r"Expected argument `average` to be one of"),
    ({"average": "binary"}, ValueError, r"'binary' only for two classes"),
    ({"zero_division": 0.5}, ValueError, r"`zero_division` to be np.nan, 0.0 or 1.0"),
    ({"zero_division": "nan"}, TypeError, r"`zero_division`"),
    ({"zero_division": True}, TypeError, r"`zero_division`"),
])
def test_bad_options_raise(kwargs, error, match):
    for function in (precision, recall, specificity, f1, dice, iou):
        with pytest.raises(error, match=match):
            function(PRED_A, TARGET_A, **kwargs)


# ---------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_identities_dice_iou_symmetry_and_bounds(seed):
    rng = np.random.default_rng(seed)
    num_classes = int(rng.integers(2, 6))
    shape = tuple(rng.integers(1, 8, size=3))
    target = rng.integers(0, num_classes, size=shape)
    pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, num_classes, size=shape))
    kwargs = {"num_classes": num_classes, "average": "none"}
    per_class_dice = dice(pred, target, **kwargs)
    per_class_iou = iou(pred, target, **kwargs)
    assert_same(per_class_dice, 2 * per_class_iou / (1 + per_class_iou))
    assert_same(per_class_dice, f1(pred, target, **kwargs))
    assert_same(per_class_dice, dice(target, pred, **kwargs))  # symmetric
    assert_same(precision(pred, target, **kwargs), recall(target, pred, **kwargs))
    assert_same(accuracy(pred, target), precision(pred, target, average="micro"))
    assert_same(matthews_corrcoef(pred, target), matthews_corrcoef(target, pred))
    for values in (per_class_dice, per_class_iou, specificity(pred, target, **kwargs)):
        finite = values[~np.isnan(values)]
        assert ((finite >= 0) & (finite <= 1)).all()
    assert -1 <= matthews_corrcoef(pred, target) <= 1 or math.isnan(
        matthews_corrcoef(pred, target))
    masks_pred, masks_target = pred == 1, target == 1
    assert_same(specificity(masks_pred, masks_target), recall(~masks_pred, ~masks_target))


# ---------------------------------------------------------------------------
# Cross-checks with scikit-learn
# ---------------------------------------------------------------------------

def _random_label_maps(seed):
    rng = np.random.default_rng(seed)
    num_classes = int(rng.integers(2, 7))
    shape = tuple(rng.integers(1, 9, size=int(rng.integers(1, 4))))
    weights = rng.dirichlet(np.full(num_classes, 0.5))  # imbalanced, some classes absent
    target = rng.choice(num_classes, size=shape, p=weights)
    pred = np.where(rng.random(shape) < rng.random(), target,
                    rng.choice(num_classes, size=shape, p=weights))
    ignore_index = None
    if seed % 3 == 0:
        ignore_index = 255
        target = np.where(rng.random(shape) < 0.2, 255, target)
    return rng, pred, target, num_classes, ignore_index


@pytest.mark.parametrize("seed", range(100))
def test_label_maps_agree_with_scikit_learn(seed):
    rng, pred, target, num_classes, ignore_index = _random_label_maps(seed)
    valid = np.ones(target.shape, bool) if ignore_index is None else target != ignore_index
    y_true, y_pred = target[valid], pred[valid]
    kwargs = {"num_classes": num_classes, "ignore_index": ignore_index}
    labels = np.arange(num_classes)
    if y_true.size == 0:  # every pixel ignored (scikit-learn refuses empty input)
        assert confusion_matrix(pred, target, **kwargs).sum() == 0
        assert math.isnan(accuracy(pred, target, **kwargs))
        return
    assert_same(confusion_matrix(pred, target, **kwargs),
                skm.confusion_matrix(y_true, y_pred, labels=labels))
    present = np.union1d(y_true, y_pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(accuracy(pred, target, **kwargs), skm.accuracy_score(y_true, y_pred))
        assert_same(balanced_accuracy(pred, target, **kwargs),
                    skm.balanced_accuracy_score(y_true, y_pred))
        for ours, theirs in ((precision, skm.precision_score), (recall, skm.recall_score),
                             (f1, skm.f1_score)):
            for average in ("micro", "macro"):
                assert_same(ours(pred, target, average=average, **kwargs),
                            theirs(y_true, y_pred, average=average, zero_division=np.nan))
            ours_weighted = ours(pred, target, average="weighted", **kwargs)
            theirs_weighted = theirs(y_true, y_pred, average="weighted", zero_division=np.nan)
            if math.isnan(ours_weighted) and not math.isnan(theirs_weighted):
                # documented: all weights 0; scikit-learn falls back to the plain mean
                assert ours is precision
                assert_same(theirs_weighted, ours(pred, target, average="macro", **kwargs))
            else:
                assert_same(ours_weighted, theirs_weighted)
            assert_same(ours(pred, target, average="none", **kwargs)[present],
                        theirs(y_true, y_pred, average=None, zero_division=np.nan))
        per_class_iou = iou(pred, target, average="none", **kwargs)
        assert_same(per_class_iou[present],
                    skm.jaccard_score(y_true, y_pred, average=None, labels=present))
        assert np.isnan(np.delete(per_class_iou, present)).all()
        for average in ("micro", "macro", "weighted"):
            assert_same(iou(pred, target, average=average, **kwargs),
                        skm.jaccard_score(y_true, y_pred, average=average))
        ours_mcc = matthews_corrcoef(pred, target, **kwargs)
        theirs_mcc = skm.matthews_corrcoef(y_true, y_pred)
    if math.isnan(ours_mcc):  # documented: scikit-learn returns 0.0 where MCC is 0/0
        assert theirs_mcc == 0.0
        assert len(np.unique(y_true)) == 1 or len(np.unique(y_pred)) == 1
    else:
        assert ours_mcc == pytest.approx(theirs_mcc, abs=1e-12)


@pytest.mark.parametrize("seed", range(50))
def test_masks_agree_with_scikit_learn_binary_scores(seed):
    rng = np.random.default_rng(1000 + seed)
    shape = tuple(rng.integers(1, 9, size=2))
    target = rng.random(shape) < rng.random() * 0.5
    pred = np.where(rng.random(shape) < 0.7, target, rng.random(shape) < 0.3)
    y_true, y_pred = target.ravel(), pred.ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(confusion_matrix(pred, target),
                    skm.confusion_matrix(y_true, y_pred, labels=[False, True]))
        for ours, theirs in ((precision, skm.precision_score), (recall, skm.recall_score),
                             (f1, skm.f1_score), (dice, skm.f1_score)):
            assert_same(ours(pred, target), theirs(y_true, y_pred, zero_division=np.nan))
        if y_true.any() or y_pred.any():
            assert_same(iou(pred, target), skm.jaccard_score(y_true, y_pred))
        else:
            assert math.isnan(iou(pred, target))
        assert_same(specificity(pred, target),
                    skm.recall_score(~y_true, ~y_pred, zero_division=np.nan))
        assert_same(balanced_accuracy(pred, target),
                    skm.balanced_accuracy_score(y_true, y_pred))


# ---------------------------------------------------------------------------
# Streaming accumulator
# ---------------------------------------------------------------------------

def test_streaming_equals_one_shot_and_keeps_per_image_matrices():
    rng = np.random.default_rng(5)
    target = rng.integers(0, 4, size=(6, 5, 7))
    pred = rng.integers(0, 4, size=(6, 5, 7))
    scores = ConfusionMatrix(num_classes=4)
    for start in range(0, 6, 2):
        scores.update(pred[start:start + 2], target[start:start + 2])
    assert scores.num_images == 6
    assert_same(scores.matrix, confusion_matrix(pred, target, num_classes=4))
    assert_same(scores.per_image, [confusion_matrix(pred[i], target[i], num_classes=4)
                                   for i in range(6)])
    for name in ("accuracy", "balanced_accuracy", "matthews_corrcoef"):
        assert_same(getattr(scores, name)(), globals()[name](pred, target, num_classes=4))
    for name in ("precision", "recall", "specificity", "f1", "dice", "iou"):
        function = globals()[name]
        for average in ("micro", "macro", "weighted", "none"):
            assert_same(getattr(scores, name)(average=average),
                        function(pred, target, num_classes=4, average=average))
            per_image = [function(pred[i], target[i], num_classes=4, average=average)
                         for i in range(6)]
            assert_same(getattr(scores, name)(average=average, reduce="per_image"), per_image)
            assert_same(getattr(scores, name)(average=average, reduce="mean_per_image"),
                        np.nanmean(per_image, axis=0))


def test_mean_per_image_differs_from_dataset_score():
    big = np.zeros((1, 4, 4), bool)
    big[0, :2] = True
    small = np.zeros((1, 4, 4), bool)
    small[0, 0, 0] = True
    scores = ConfusionMatrix().update(big, big).update(np.zeros_like(small), small)
    assert scores.dice() == pytest.approx(16 / 17)
    assert scores.dice(reduce="mean_per_image") == pytest.approx(1 / 2)
    # An image with both masks empty has no Dice: it drops out of the mean.
    scores.update(np.zeros_like(small), np.zeros_like(small))
    assert_same(scores.dice(reduce="per_image"), [1, 0, nan])
    assert scores.dice(reduce="mean_per_image") == pytest.approx(1 / 2)
    assert scores.dice() == pytest.approx(16 / 17)


def test_streaming_infers_and_grows_num_classes_and_accepts_single_images():
    scores = ConfusionMatrix(ignore_index=255)
    scores.update(np.array([[[0, 1]]]), np.array([[[0, 255]]]))
    assert scores.num_classes == 1  # the prediction at an ignored pixel does not count
    scores.update(np.array([[[3, 1]]]), np.array([[[3, 0]]]))
    assert scores.num_classes == 4
    scores.update(np.array([1, 1]), np.array([1, 0]), batched=False)
    assert scores.num_images == 3
    scores.update(np.array([[[2, 2]]]), np.array([[[255, 255]]]))  # all ignored
    assert scores.num_images == 4 and scores.num_classes == 4
    assert math.isnan(scores.iou(average="micro", reduce="per_image")[-1])
    expected = np.zeros((4, 4), int)
    expected[0, 0] = 1
    expected[3, 3] = 1
    expected[0, 1] = 2
    expected[1, 1] = 1
    assert_same(scores.matrix, expected)
    assert scores.per_image.shape == (4, 4, 4)
    assert scores.reset().num_images == 0


def test_streaming_errors():
    scores = ConfusionMatrix()
    with pytest.raises(ValueError, match="update"):
        scores.dice()
    scores.update(np.zeros((1, 1, 2), bool), np.zeros((1, 1, 2), bool))
    with pytest.raises(ValueError, match="boolean masks, like the earlier batches"):
        scores.update(np.zeros((1, 1, 2), int), np.zeros((1, 1, 2), int))
    with pytest.raises(ValueError, match="`reduce`"):
        scores.dice(reduce="images")
    with pytest.raises(ValueError, match="`average`"):
        scores.dice(average="samples")
    with pytest.raises(TypeError, match="`batched`"):
        scores.update(np.zeros((1, 1, 2), bool), np.zeros((1, 1, 2), bool), batched=1)
    light = ConfusionMatrix(num_classes=3, keep_per_image=False)
    light.update(np.zeros((2, 1, 2), int), np.zeros((2, 1, 2), int))
    assert light.iou(average="micro") == 1.0
    with pytest.raises(ValueError, match="keep_per_image"):
        light.iou(reduce="mean_per_image")
    with pytest.raises(ValueError, match="`num_classes`"):
        ConfusionMatrix(num_classes=-1)
    fixed = ConfusionMatrix(num_classes=2)
    with pytest.raises(ValueError, match="num_classes=2"):
        fixed.update(np.array([[[0, 2]]]), np.array([[[0, 1]]]))
    assert math.isnan(fixed.dice(average="macro"))  # nothing was added


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_are_accepted():
    pred = torch.from_numpy(PRED_A).cuda()
    target = torch.from_numpy(TARGET_A).cuda()
    assert_same(confusion_matrix(pred, target), [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert_same(iou(pred, target, average="none"), [1 / 3, 2 / 3, 1 / 2])
    scores = ConfusionMatrix(num_classes=3).update(pred[None], target[None])
    assert scores.accuracy() == pytest.approx(4 / 6)


def test_reference_libraries_on_edge_cases_are_as_documented():
    """The docstrings state what each reference does where they disagree; check those claims."""
    from monai.metrics import compute_dice
    from torchmetrics.functional.classification import (
        binary_f1_score,
        binary_matthews_corrcoef,
        multiclass_jaccard_index,
    )
    from torchmetrics.functional.segmentation import dice_score, mean_iou

    empty = torch.zeros(1, 1, 4, 4, dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # both masks empty: Dice
        assert torch.isnan(compute_dice(empty.float(), empty.float(), include_background=True))
        assert compute_dice(empty.float(), empty.float(), include_background=True,
                            ignore_empty=False).item() == 1.0
        assert torch.isnan(dice_score(empty, empty, num_classes=1, include_background=True,
                                      input_format="one-hot")).all()
        assert binary_f1_score(torch.zeros(4), torch.zeros(4, dtype=torch.long)).item() == 0.0
        assert skm.f1_score([0, 0], [0, 0]) == 0.0
        # constant maps: MCC
        assert skm.matthews_corrcoef([0, 0, 0], [0, 0, 0]) == 0.0
        assert binary_matthews_corrcoef(torch.ones(4), torch.ones(4, dtype=torch.long)) == 1
        assert binary_matthews_corrcoef(torch.zeros(4), torch.tensor([0, 1, 0, 1])) == 0
        # a class absent from both: IoU per class
        pred, target = torch.tensor([[0, 0, 2]]), torch.tensor([[0, 2, 2]])
        assert mean_iou(pred, target, num_classes=3, input_format="index",
                        per_class=True)[0, 1].item() == -1
        assert multiclass_jaccard_index(pred, target, num_classes=3,
                                        average="none")[1].item() == 0
        assert skm.jaccard_score([0, 2, 2], [0, 0, 2], labels=[0, 1, 2], average=None,
                                 zero_division=0)[1] == 0
    assert math.isnan(iou(pred, target, num_classes=3, average="none")[1])
    assert math.isnan(matthews_corrcoef(np.zeros(3, int), np.zeros(3, int), num_classes=2))


def _score_in_child(queue):
    import numpy as np

    from segcourse.metrics import confusion_matrix

    rng = np.random.default_rng(0)
    pred = rng.integers(0, 5, (4, 1024, 1024), dtype=np.uint8)  # large enough for threads
    queue.put(int(confusion_matrix(pred, pred, num_classes=5).sum()))


def test_confusion_matrix_works_in_a_forked_child():
    """The thread pool of a parent must not deadlock a forked child (DataLoader workers)."""
    import multiprocessing

    from segcourse.metrics import confusion_matrix

    rng = np.random.default_rng(1)
    big = rng.integers(0, 5, (4, 1024, 1024), dtype=np.uint8)
    confusion_matrix(big, big, num_classes=5)  # the parent's pool now exists
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_score_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("confusion_matrix hung in a forked child")
    assert queue.get(timeout=5) == 4 * 1024 * 1024


def test_streaming_update_rejects_a_single_image_read_as_a_batch():
    from segcourse.metrics import ConfusionMatrix

    image = np.array([[0, 1, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="batched=False"):
        ConfusionMatrix(num_classes=2).update(image, image)
    accumulator = ConfusionMatrix(num_classes=2).update(image, image, batched=False)
    assert accumulator.num_images == 1


# ---------------------------------------------------------------------------
# ignore_index equal to a class index: that class gets no score
# ---------------------------------------------------------------------------

# target 0 0 1 1 2 2 1 2, pred 0 1 1 0 2 2 2 2, ignore_index=0: the counted pixels are
# target 1 1 2 2 1 2 with pred 1 0 2 2 2 2. Class 1: TP 1, FP 0, FN 2; class 2: TP 3,
# FP 1, FN 0; class 0 has no target pixel left and one pixel predicted as it.
TARGET_I = np.array([0, 0, 1, 1, 2, 2, 1, 2])
PRED_I = np.array([0, 1, 1, 0, 2, 2, 2, 2])


def test_ignore_index_that_is_a_class_drops_that_class_from_every_average():
    assert_same(iou(PRED_I, TARGET_I, ignore_index=0, average="none"), [nan, 1 / 3, 3 / 4])
    assert_same(iou(PRED_I, TARGET_I, ignore_index=0), (1 / 3 + 3 / 4) / 2)
    assert_same(dice(PRED_I, TARGET_I, ignore_index=0), (2 / 4 + 6 / 7) / 2)
    # without the rule class 0 had a precision of 0/1 = 0 and pulled the mean down
    assert_same(precision(PRED_I, TARGET_I, ignore_index=0, average="none"), [nan, 1, 3 / 4])
    assert_same(precision(PRED_I, TARGET_I, ignore_index=0, average="weighted"),
                (3 * 1 + 3 * 3 / 4) / 6)
    # ... whatever zero_division says
    assert_same(recall(PRED_I, TARGET_I, ignore_index=0, average="none", zero_division=0.0),
                [nan, 1 / 3, 1])
    assert_same(balanced_accuracy(PRED_I, TARGET_I, ignore_index=0, zero_division=0.0),
                (1 / 3 + 1) / 2)
    assert_same(specificity(PRED_I, TARGET_I, ignore_index=0, average="none"),
                [nan, 3 / 3, 2 / 3])
    # the pixel predicted as class 0 is still a miss: micro scores and accuracy keep it
    assert_same(accuracy(PRED_I, TARGET_I, ignore_index=0), 4 / 6)
    for score in (precision, recall, f1, dice):
        assert_same(score(PRED_I, TARGET_I, ignore_index=0, average="micro"), 4 / 6)
    assert confusion_matrix(PRED_I, TARGET_I, ignore_index=0).tolist() == \
        [[0, 0, 0], [1, 1, 1], [0, 0, 3]]
    streaming = ConfusionMatrix(ignore_index=0).update(PRED_I, TARGET_I, batched=False)
    assert_same(streaming.iou(), (1 / 3 + 3 / 4) / 2)
    assert_same(streaming.iou(reduce="per_image"), [(1 / 3 + 3 / 4) / 2])


def test_ignore_index_class_rule_against_torchmetrics():
    from torchmetrics.functional.classification import (
        multiclass_f1_score,
        multiclass_jaccard_index,
    )

    pred, target = torch.from_numpy(PRED_I), torch.from_numpy(TARGET_I)
    # torchmetrics' Jaccard index leaves the ignored class out of its mean, as we do
    assert iou(PRED_I, TARGET_I, ignore_index=0) == pytest.approx(
        float(multiclass_jaccard_index(pred, target, num_classes=3, ignore_index=0)))
    # its F1 averages the class in as 0 (the disagreement the docstrings state)
    theirs = multiclass_f1_score(pred, target, num_classes=3, ignore_index=0, average="none")
    assert theirs.tolist()[0] == 0.0
    assert float(multiclass_f1_score(pred, target, num_classes=3, ignore_index=0)) == \
        pytest.approx((0 + 2 / 4 + 6 / 7) / 3)
    assert f1(PRED_I, TARGET_I, ignore_index=0) == pytest.approx((2 / 4 + 6 / 7) / 2)


# ---------------------------------------------------------------------------
# One mask, one score: bool, 0/1 and 0/255 masks
# ---------------------------------------------------------------------------

# TP = 3, FP = 1, FN = 1, TN = 1: foreground Dice 6/8; background Dice 2/4
MASK_TARGET = np.array([[0, 1, 1], [0, 1, 1]], dtype=bool)
MASK_PRED = np.array([[1, 1, 1], [0, 0, 1]], dtype=bool)
FOREGROUND = {"precision": 3 / 4, "recall": 3 / 4, "specificity": 1 / 2, "f1": 6 / 8,
              "dice": 6 / 8, "iou": 3 / 5}
BACKGROUND = {"precision": 1 / 2, "recall": 1 / 2, "specificity": 3 / 4, "f1": 2 / 4,
              "dice": 2 / 4, "iou": 1 / 3}
AVERAGED = {"precision": precision, "recall": recall, "specificity": specificity, "f1": f1,
            "dice": dice, "iou": iou}


def _storages():
    """The same masks as booleans, 0/1 integers, 0/255 uint8 (a PNG) and torch tensors."""
    return {
        "0/1": (MASK_PRED.astype(np.int64), MASK_TARGET.astype(np.int64)),
        "0/255": (MASK_PRED.astype(np.uint8) * 255, MASK_TARGET.astype(np.uint8) * 255),
        "0/1 tensor": (torch.from_numpy(MASK_PRED).long(), torch.from_numpy(MASK_TARGET).long()),
    }


@pytest.mark.parametrize("name", list(AVERAGED))
def test_one_mask_one_score_or_a_warning(name):
    score = AVERAGED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert score(MASK_PRED, MASK_TARGET) == pytest.approx(FOREGROUND[name])
    for storage, (pred, target) in _storages().items():
        # integers without `average`: the label-map mean of background and foreground,
        # and a warning that asks for `average`
        with pytest.warns(AmbiguousMaskWarning, match="average='binary'|pred > 0"):
            value = score(pred, target)
        expected = (FOREGROUND[name] + BACKGROUND[name]) / 2
        if name == "specificity" and storage == "0/255":
            # 256 classes inferred: the 254 absent ones have specificity n/n = 1, not 0/0,
            # and inflate the label-map mean even more
            expected = (FOREGROUND[name] + BACKGROUND[name] + 254) / 256
        assert value == pytest.approx(expected), storage
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert score(pred, target, average="macro") == pytest.approx(value)
            assert score(np.asarray(pred) > 0, np.asarray(target) > 0) == \
                pytest.approx(FOREGROUND[name])
            if storage != "0/255":
                assert score(pred, target, average="binary") == pytest.approx(FOREGROUND[name])


def test_one_mask_one_score_matches_scikit_learn_on_the_foreground():
    y_true, y_pred = MASK_TARGET.ravel().astype(int), MASK_PRED.ravel().astype(int)
    assert dice(MASK_PRED, MASK_TARGET) == pytest.approx(skm.f1_score(y_true, y_pred))
    assert iou(MASK_PRED.astype(int), MASK_TARGET.astype(int), average="binary") == \
        pytest.approx(skm.jaccard_score(y_true, y_pred))
    # scikit-learn's macro average is the label-map default, with the same value
    with pytest.warns(AmbiguousMaskWarning):
        assert dice(MASK_PRED.astype(int), MASK_TARGET.astype(int)) == pytest.approx(
            skm.f1_score(y_true, y_pred, average="macro"))


def test_two_class_warning_rules():
    pred, target = MASK_PRED.astype(int), MASK_TARGET.astype(int)
    with pytest.warns(AmbiguousMaskWarning, match="num_classes=2"):
        dice(np.array([0, 1, 0]), np.array([0, 1, 1]), num_classes=2)
    with pytest.warns(AmbiguousMaskWarning, match="only 0 and 1"):
        dice(np.zeros(4, int), np.zeros(4, int))  # an empty integer mask
    with pytest.warns(AmbiguousMaskWarning, match="only 0 and 255"):
        # 255 as a void label with no ignore_index given: the warning helps there too
        iou(np.array([0, 255, 0]), np.array([0, 255, 255]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dice(pred, target, num_classes=3)  # declared label maps of 3 classes
        dice(PRED_A, TARGET_A)  # three classes present
        dice(np.array([0, 2, 0]), np.array([0, 2, 2]))  # classes 0 and 2 of a label map
        dice(np.array([0, 255, 1]), np.array([0, 255, 255]))
        iou(np.array([0, 1, 1, 255]), np.array([0, 1, 0, 255]), ignore_index=255,
            average="binary")
        # no `average` option, the same value whatever the storage
        for storage, (p, t) in _storages().items():
            assert accuracy(p, t) == pytest.approx(accuracy(MASK_PRED, MASK_TARGET)), storage
            assert balanced_accuracy(p, t) == pytest.approx(
                balanced_accuracy(MASK_PRED, MASK_TARGET)), storage
            assert matthews_corrcoef(p, t) == pytest.approx(
                matthews_corrcoef(MASK_PRED, MASK_TARGET)), storage


def test_a_0_255_mask_beside_a_boolean_one_gets_an_error_that_converts():
    png = MASK_TARGET.astype(np.uint8) * 255
    with pytest.raises(ValueError, match=r"`target`.*num_classes=2.*255.*`target > 0`"):
        dice(MASK_PRED, png)
    with pytest.raises(ValueError, match=r"`pred`.*255.*`pred > 0`"):
        dice(png, MASK_PRED.astype(int), num_classes=2)
    assert dice(MASK_PRED, png > 0) == pytest.approx(6 / 8)


def test_streaming_scores_follow_the_same_mask_rule():
    batches = [(MASK_PRED[None], MASK_TARGET[None])] * 2
    masks = ConfusionMatrix()
    integers = ConfusionMatrix()
    png = ConfusionMatrix()
    for pred, target in batches:
        masks.update(pred, target)
        integers.update(pred.astype(int), target.astype(int))
        png.update(pred.astype(np.uint8) * 255, target.astype(np.uint8) * 255)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert masks.dice() == pytest.approx(6 / 8)
        assert integers.dice(average="binary") == pytest.approx(6 / 8)
    for accumulator in (integers, png):
        with pytest.warns(AmbiguousMaskWarning):
            assert accumulator.dice() == pytest.approx((6 / 8 + 2 / 4) / 2)
        with pytest.warns(AmbiguousMaskWarning):
            accumulator.iou(reduce="mean_per_image")
    fixed = ConfusionMatrix(num_classes=2).update(PRED_A[None, None] % 2, TARGET_A[None, None] % 2)
    with pytest.warns(AmbiguousMaskWarning, match="num_classes=2"):
        fixed.recall()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ConfusionMatrix().update(PRED_A[None, None], TARGET_A[None, None]).dice()


# ---------------------------------------------------------------------------
# Accumulators add up: merge, +, sum
# ---------------------------------------------------------------------------

def test_merged_accumulators_equal_one_accumulator_of_all_the_data():
    rng = np.random.default_rng(11)
    target = rng.integers(0, 4, size=(7, 5, 6))
    pred = rng.integers(0, 4, size=(7, 5, 6))
    target[5:] %= 3  # the last worker never sees class 3: its matrix is smaller
    pred[5:] %= 3
    whole = ConfusionMatrix(ignore_index=2).update(pred, target)
    parts = [ConfusionMatrix(ignore_index=2).update(pred[a:b], target[a:b])
             for a, b in ((0, 3), (3, 5), (5, 7))]
    assert parts[2].num_classes == 3
    for combined in (parts[0] + parts[1] + parts[2], sum(parts),
                     copy.deepcopy(parts[0]).merge(parts[1]).merge(parts[2])):
        assert combined.num_images == 7 and combined.num_classes == 4
        assert_same(combined.matrix, whole.matrix)
        assert_same(combined.per_image, whole.per_image)
        assert_same(combined.iou(average="none"), whole.iou(average="none"))
        assert_same(combined.dice(reduce="mean_per_image"), whole.dice(reduce="mean_per_image"))
    assert parts[0].num_images == 3  # `+` left its operands alone
    accumulator = copy.deepcopy(parts[0])
    accumulator += accumulator  # adding itself doubles every count
    assert_same(accumulator.matrix, 2 * parts[0].matrix)
    assert accumulator.num_images == 6
    empty = ConfusionMatrix(ignore_index=2)
    assert_same((empty + parts[0]).matrix, parts[0].matrix)
    assert_same((parts[0] + empty).matrix, parts[0].matrix)


def test_merge_refuses_what_does_not_add_up():
    batch = (PRED_A[None, None], TARGET_A[None, None])
    labels = ConfusionMatrix().update(*batch)
    with pytest.raises(ValueError, match="`ignore_index`.*same value"):
        labels.merge(ConfusionMatrix(ignore_index=0).update(*batch))
    with pytest.raises(ValueError, match="`other`.*same kind of input"):
        labels.merge(ConfusionMatrix().update(MASK_PRED[None], MASK_TARGET[None]))
    with pytest.raises(ValueError, match="`num_classes`.*at least 3.*num_classes=2"):
        ConfusionMatrix(num_classes=2).merge(labels)
    with pytest.raises(ValueError, match="keep_per_image"):
        labels.merge(ConfusionMatrix(keep_per_image=False).update(*batch))
    with pytest.raises(TypeError, match="`other`.*ConfusionMatrix"):
        labels.merge(np.eye(3))
    with pytest.raises(TypeError):
        labels + 1
    # a single process: all_reduce does nothing, and the accumulator stays usable
    before = labels.matrix
    assert labels.all_reduce() is labels
    assert_same(labels.matrix, before)
    labels.update(*batch)


# --- Dice <-> IoU -----------------------------------------------------------------------------


def test_dice_and_iou_conversions_literal_inverse_and_bounds():
    from segcourse.metrics import dice_from_iou, iou_from_dice

    assert dice_from_iou(0.6) == pytest.approx(0.75)
    assert iou_from_dice(0.75) == pytest.approx(0.6)
    np.testing.assert_array_equal(dice_from_iou([0.0, 1.0]), [0.0, 1.0])
    assert np.isnan(dice_from_iou(np.nan)) and np.isnan(iou_from_dice(np.nan))
    grid = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(iou_from_dice(dice_from_iou(grid)), grid, atol=1e-12)
    gap = dice_from_iou(grid) - grid
    assert gap.min() >= 0
    assert gap.max() == pytest.approx(3 - 2 * np.sqrt(2), abs=1e-6)
    assert isinstance(dice_from_iou(0.5), float) and dice_from_iou(grid).shape == grid.shape
    for function, name in ((dice_from_iou, "iou_values"), (iou_from_dice, "dice_values")):
        with pytest.raises(ValueError, match=f"`{name}` to be scores in \\[0, 1\\]"):
            function([0.5, 1.2])
        with pytest.raises(TypeError, match=f"`{name}`"):
            function("0.5")


@pytest.mark.parametrize("seed", range(5))
def test_dice_from_iou_matches_the_scores_of_masks(seed):
    from segcourse.metrics import dice_from_iou

    rng = np.random.default_rng(seed)
    target = rng.random((16, 16)) < 0.3
    pred = rng.random((16, 16)) < 0.3
    assert dice_from_iou(iou(pred, target)) == pytest.approx(dice(pred, target))


# --- Likely slips: messages that say what to do --------------------------------------------


@pytest.mark.parametrize("name", ["precision", "recall", "specificity", "f1", "dice", "iou"])
def test_binary_average_on_a_0_255_mask_says_greater_than_0(name):
    score = globals()[name]
    png_pred, png_target = MASK_PRED.astype(np.uint8) * 255, MASK_TARGET.astype(np.uint8) * 255
    with pytest.raises(ValueError, match=r"`average`.*hold only 0 and 255.*`pred > 0` and "
                                         r"`target > 0`") as error:
        score(png_pred, png_target, average="binary")
    assert "256 classes" not in str(error.value)
    assert score(png_pred > 0, png_target > 0) == pytest.approx(
        score(MASK_PRED, MASK_TARGET))
    accumulator = ConfusionMatrix().update(png_pred[None], png_target[None])
    with pytest.raises(ValueError, match=r"`pred > 0` and `target > 0`"):
        getattr(accumulator, name)(average="binary")
    # other label maps keep the message that lists the other averages
    with pytest.raises(ValueError, match=r"there are 3 classes, so one of 'micro'"):
        score(PRED_A, TARGET_A, average="binary")
    with pytest.raises(ValueError, match=r"there are 256 classes"):
        score(np.array([0, 255, 3]), np.array([0, 255, 255]), average="binary")


@pytest.mark.parametrize("convert", [lambda x: x, torch.from_numpy])
def test_logits_against_a_label_map_say_argmax(convert):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 4, 5)).astype(np.float32)
    target = rng.integers(0, 3, size=(2, 4, 5))
    for score in (confusion_matrix, accuracy, dice, iou,
                  lambda p, t: ConfusionMatrix().update(p, t)):
        with pytest.raises(ValueError, match=r"same shape, but got \(2, 3, 4, 5\) and \(2, 4, 5\) "
                                             r".*`pred.argmax\(1\)`"):
            score(convert(logits), convert(target))
    assert iou(logits.argmax(1), target) == iou(convert(logits).argmax(1), target)
    # one image: the class axis is the first
    with pytest.raises(ValueError, match=r"`pred.argmax\(0\)`"):
        iou(logits[0], target[0])
    # no hint where argmax would not help: integer maps, or shapes that do not fit
    with pytest.raises(ValueError, match=r"same shape") as error:
        iou(logits.astype(int), target)
    assert "argmax" not in str(error.value)
    with pytest.raises(ValueError, match=r"same shape") as error:
        iou(logits, target[:, :, :3])
    assert "argmax" not in str(error.value)


def test_merge_names_what_differs_and_documents_every_error():
    batch = (PRED_A[None, None], TARGET_A[None, None])
    # a fixed num_classes smaller than the other's, whichever way round
    with pytest.raises(ValueError, match=r"at least 5.*\(5 in this ConfusionMatrix\).*fixed "
                                         r"num_classes=3 in `other`"):
        ConfusionMatrix(5).update(*batch).merge(ConfusionMatrix(3).update(*batch))
    with pytest.raises(ValueError, match=r"at least 5.*\(5 in `other`\).*fixed num_classes=3 in "
                                         r"this ConfusionMatrix"):
        ConfusionMatrix(3).update(*batch).merge(ConfusionMatrix(5).update(*batch))
    with pytest.raises(ValueError, match=r"`other`.*same kind of input.*label maps in this "
                                         r"ConfusionMatrix and boolean masks in `other`"):
        ConfusionMatrix().update(*batch).merge(
            ConfusionMatrix().update(MASK_PRED[None], MASK_TARGET[None]))
    with pytest.raises(ValueError, match=r"None in this ConfusionMatrix and 0 in `other`"):
        ConfusionMatrix().update(*batch).merge(ConfusionMatrix(ignore_index=0).update(*batch))
    raises = ConfusionMatrix.merge.__doc__.split("Raises")[1]
    for documented in ("ignore_index", "masks", "ConfusionMatrix(5)", "ConfusionMatrix(3)",
                       "whichever way round", "keep", "TypeError"):
        assert documented in raises, documented


def test_docs_state_the_empty_target_rule_and_how_a_volume_is_counted():
    for function in (dice, iou):
        notes = function.__doc__.split("Notes")[1].split("References")[0]
        assert "empty target with a non-empty prediction" in notes
        assert "ignore_empty=True" in notes and "per-image" in notes
    # the rule itself: a false alarm on an empty image scores 0, not NaN
    empty, alarm = np.zeros((4, 4), bool), np.zeros((4, 4), bool)
    alarm[0, 0] = True
    assert dice(alarm, empty) == 0.0 and iou(alarm, empty) == 0.0
    scores = ConfusionMatrix().update(np.stack([alarm, empty]), np.stack([empty, empty]))
    assert scores.dice(reduce="per_image").tolist()[0] == 0.0
    batched = ConfusionMatrix.update.__doc__.split("batched :")[1].split("Returns")[0]
    assert "(D, H, W)" in batched and "D images" in batched
    # what it says: a volume counts as D images unless batched=False
    volume = np.zeros((3, 4, 4), bool)
    assert ConfusionMatrix().update(volume, volume).num_images == 3
    assert ConfusionMatrix().update(volume, volume, batched=False).num_images == 1


# ---------------------------------------------------------------------------
# Every counting path (issue 16): the same counts as a plain reference
# ---------------------------------------------------------------------------

def _reference_counts(pred, target, num_classes, ignore_index=None):
    """The confusion matrix by np.add.at over the counted pixels, with the library's checks."""
    pred = np.asarray(pred).astype(np.int64).ravel()
    target = np.asarray(target).astype(np.int64).ravel()
    counted = np.ones(target.size, bool) if ignore_index is None else target != ignore_index
    t, p = target[counted], pred[counted]
    if ((t < 0) | (t >= num_classes) | (p < 0) | (p >= num_classes)).any():
        return None
    expected = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(expected, (t, p), 1)
    return expected


_DTYPES = ["bool", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
           "float32"]


@pytest.mark.parametrize("shape", [(7,), (3, 40, 50), (300, 301), (2, 1 << 17), (0, 5)])
@pytest.mark.parametrize("ignore_index", [None, 255, -100, 0, 10 ** 6])
def test_every_dtype_size_and_ignore_index_gives_the_reference_counts(shape, ignore_index):
    rng = np.random.default_rng(sum(shape) + (ignore_index or 0) % 97)
    for target_dtype in _DTYPES:
        pred_dtype = _DTYPES[rng.integers(len(_DTYPES))]
        classes = 2 if "bool" in (target_dtype, pred_dtype) else 21
        target = rng.integers(0, classes, shape)
        pred = rng.integers(0, classes, shape)
        ignore = ignore_index
        if ignore is not None and target.size and target_dtype != "bool":
            fits = np.can_cast(np.min_scalar_type(ignore), target_dtype) or target_dtype in (
                "int32", "int64", "float32") and abs(ignore) < 2 ** 31
            if fits:
                target.reshape(-1)[rng.random(target.size) < 0.2] = ignore
        if target_dtype == "bool" and ignore not in (None, 0):
            ignore = None
        target, pred = target.astype(target_dtype), pred.astype(pred_dtype)
        expected = _reference_counts(pred, target, classes, ignore)
        for num_classes in (classes, None):
            if num_classes is None and (expected is None or not target.size):
                continue
            got = confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore)
            inferred = expected if num_classes else expected[:got.shape[0], :got.shape[0]]
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, inferred, err_msg=f"{target_dtype} {pred_dtype}")
            assert np.array_equal(confusion_matrix(torch.from_numpy(np.ascontiguousarray(pred)),
                                                   torch.from_numpy(target),
                                                   num_classes=num_classes,
                                                   ignore_index=ignore), got)


def test_counts_equal_scikit_learn_on_large_inputs_of_each_path():
    rng = np.random.default_rng(5)
    labels = np.arange(21)
    for shape in [(256, 256), (1100, 1000), (8, 128, 128), (40, 40, 40)]:
        target = rng.integers(0, 21, shape)
        pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, 21, shape))
        expected = skm.confusion_matrix(target.ravel(), pred.ravel(), labels=labels)
        for dtype in ("int64", "uint8", "int32"):
            assert np.array_equal(confusion_matrix(pred.astype(dtype), target.astype(dtype),
                                                   num_classes=21), expected)
        masks = skm.confusion_matrix((target > 10).ravel(), (pred > 10).ravel())
        assert np.array_equal(confusion_matrix(pred > 10, target > 10), masks)


def test_ignore_index_against_torchmetrics_on_large_inputs():
    from torchmetrics.functional.classification import multiclass_confusion_matrix

    rng = np.random.default_rng(6)
    target = rng.integers(0, 5, (3, 700, 700))
    pred = rng.integers(0, 5, target.shape)
    for ignore in (255, -100, 2):
        ignored = target.copy()
        ignored[rng.random(target.shape) < 0.1] = ignore
        expected = multiclass_confusion_matrix(torch.from_numpy(pred), torch.from_numpy(ignored),
                                               num_classes=5, ignore_index=ignore).numpy()
        if 0 <= ignore < 5:
            expected[ignore] = 0  # torchmetrics drops the row too; its column stays counted
        assert np.array_equal(confusion_matrix(pred, ignored, num_classes=5,
                                               ignore_index=ignore), expected)


@pytest.mark.parametrize("ignore_index", [None, 255])
def test_every_out_of_range_label_raises_in_every_path(ignore_index):
    rng = np.random.default_rng(7)
    for shape in [(40, 50), (1100, 1000)]:
        for bad, where, message in [
                (21, "target", "values < num_classes=21"), (-1, "target", "values >= 0"),
                (100, "target", "values < num_classes=21"), (2 ** 40, "target", "maximum"),
                (21, "pred", "values < num_classes=21"), (-3, "pred", "values >= 0"),
                (2 ** 63 - 1, "pred", "values < num_classes=21")]:
            target = rng.integers(0, 21, shape)
            pred = rng.integers(0, 21, shape)
            (target if where == "target" else pred)[-1, -1] = bad
            with pytest.raises(ValueError, match=f"`{where}` to be a label map with {message}"
                               if message != "maximum" else message):
                confusion_matrix(pred, target, num_classes=21, ignore_index=ignore_index)
    # negative int8 labels are not valid labels 128..255 when there are more than 128 classes
    target = np.array([0, 1, -1, 2], np.int8)
    with pytest.raises(ValueError, match="values >= 0"):
        confusion_matrix(np.zeros(4, np.int8), target, num_classes=200)
    with pytest.raises(ValueError, match="`pred` to be a label map with values >= 0"):
        confusion_matrix(target, np.zeros(4, np.int8), num_classes=200)
    # an ignored value far from the classes does not hide a bad target
    with pytest.raises(ValueError, match="values < num_classes=3"):
        confusion_matrix(np.zeros(3, int), np.array([0, 10 ** 6, 3]), num_classes=3,
                         ignore_index=10 ** 6)
    # a prediction out of range is fine where the target is ignored, an error elsewhere
    target = np.array([0, 255, 1, 255])
    assert confusion_matrix(np.array([0, 9, 1, -4]), target, num_classes=2,
                            ignore_index=255).tolist() == [[1, 0], [0, 1]]
    with pytest.raises(ValueError, match="`pred` to be a label map with values < num_classes=2"):
        confusion_matrix(np.array([9, 9, 1, 0]), target, num_classes=2, ignore_index=255)


def test_the_usual_call_skips_the_machinery_and_counts_the_same(monkeypatch):
    """Two int64 arrays, an int num_classes >= 3 and no ignore_index, up to _PLAIN_MAX
    pixels: counted without _count; any other call goes through it."""
    from segcourse.metrics import pixel

    rng = np.random.default_rng(17)
    calls = []
    count = pixel._count
    monkeypatch.setattr(pixel, "_count", lambda *a, **k: calls.append(1) or count(*a, **k))
    target = rng.integers(0, 21, (64, 80))
    pred = rng.integers(0, 21, (64, 80))
    for p, t in [(pred, target), (pred.T, target.T), (pred[:, ::2], target[:, ::2])]:
        calls.clear()
        got = confusion_matrix(p, t, num_classes=21)
        assert not calls
        assert np.array_equal(got, _reference_counts(p, t, 21))
    large = np.zeros(pixel._PLAIN_MAX + 1, np.int64)
    for args, options in [
            ((pred.astype(np.int32), target), {"num_classes": 21}),
            ((pred, target.astype(np.uint8)), {"num_classes": 21}),
            ((pred, target), {}),
            ((pred, target), {"num_classes": 21, "ignore_index": 255}),
            ((pred % 2, target % 2), {"num_classes": 2}),
            ((torch.from_numpy(pred), target), {"num_classes": 21}),
            ((pred.tolist(), target), {"num_classes": 21}),
            ((pred[:0], target[:0]), {"num_classes": 21}),
            ((large, large), {"num_classes": 21})]:
        calls.clear()
        confusion_matrix(*args, **options)
        assert calls, options


def test_labels_of_either_byte_order_count_alike():
    target = np.array([0, 1, 2, 2, 1])
    pred = np.array([0, 2, 2, 1, 1])
    expected = _reference_counts(pred, target, 3)
    for dtype in (">u8", ">i8", ">u4", ">i4", ">u2", ">i2", "<u8"):
        for ignore_index in (None, 1, 255):
            want = expected.copy()
            if ignore_index == 1:
                want[1] = 0
            got = confusion_matrix(pred.astype(dtype), target.astype(dtype), num_classes=3,
                                   ignore_index=ignore_index)
            np.testing.assert_array_equal(got, want, err_msg=f"{dtype} {ignore_index}")


@pytest.mark.parametrize("keep_per_image", [True, False])
@pytest.mark.parametrize("shape, ignore_index", [((6, 5, 7), None), ((6, 5, 7), 255),
                                                 ((3, 600, 700), None), ((3, 600, 700), -1),
                                                 ((40, 8, 8), 0)])
def test_streaming_counts_each_image_of_a_batch_in_one_pass(keep_per_image, shape, ignore_index):
    rng = np.random.default_rng(8)
    target = rng.integers(0, 4, shape)
    pred = rng.integers(0, 4, shape)
    if ignore_index is not None:
        target[rng.random(shape) < 0.2] = ignore_index
    scores = ConfusionMatrix(4, ignore_index=ignore_index, keep_per_image=keep_per_image)
    scores.update(pred, target)
    per_image = [_reference_counts(p, t, 4, ignore_index)
                 for p, t in zip(pred, target, strict=True)]
    assert np.array_equal(scores.matrix, sum(per_image))
    assert scores.num_images == shape[0]
    if keep_per_image:
        assert np.array_equal(scores.per_image, np.stack(per_image))
    masks = ConfusionMatrix(keep_per_image=keep_per_image).update(pred > 1, target == 1)
    expected = [_reference_counts(p > 1, t == 1, 2) for p, t in zip(pred, target, strict=True)]
    assert np.array_equal(masks.matrix, sum(expected))
    if keep_per_image:
        assert np.array_equal(masks.per_image, np.stack(expected))
    assert ConfusionMatrix(4).update(pred[:0], target[:0]).num_images == 0


def test_a_batch_with_a_bad_label_adds_nothing():
    scores = ConfusionMatrix(3).update(np.zeros((2, 4, 4), int), np.zeros((2, 4, 4), int))
    before = scores.matrix, scores.per_image, scores.num_images
    target = np.zeros((3, 4, 4), int)
    target[2, 3, 3] = 7  # the last image is bad: the first two are not counted either
    with pytest.raises(ValueError, match="values < num_classes=3"):
        scores.update(np.zeros((3, 4, 4), int), target)
    assert np.array_equal(scores.matrix, before[0])
    assert np.array_equal(scores.per_image, before[1]) and scores.num_images == before[2]


def test_two_classes_are_counted_without_bincount_and_agree():
    from segcourse.metrics import pixel

    rng = np.random.default_rng(9)
    for shape in [(5,), (300, 300), (1100, 1000), (50, 6, 6)]:
        target = rng.random(shape) < 0.3
        pred = rng.random(shape) < 0.4
        expected = _reference_counts(pred, target, 2)
        assert np.array_equal(confusion_matrix(pred, target), expected)
        as_bytes = (pred.view(np.uint8).ravel(), target.view(np.uint8).ravel())
        binary = pixel._count_binary(as_bytes[1], as_bytes[0], 1).reshape(2, 2)
        assert np.array_equal(binary, expected)
        assert np.array_equal(confusion_matrix(pred.astype(int), target.astype(int),
                                               num_classes=2), expected)
        if len(shape) == 3:
            per = pixel._count_binary(as_bytes[1], as_bytes[0], shape[0])
            expected = [_reference_counts(p, t, 2) for p, t in zip(pred, target, strict=True)]
            assert np.array_equal(per.reshape(-1, 2, 2), expected)


def test_many_classes_count_without_a_full_size_array_per_chunk():
    rng = np.random.default_rng(10)
    target = rng.integers(0, 3000, (400, 400))
    pred = rng.integers(0, 3000, (400, 400))
    expected = _reference_counts(pred, target, 3000)
    assert np.array_equal(confusion_matrix(pred, target, num_classes=3000), expected)
    scores = ConfusionMatrix(3000, keep_per_image=False).update(pred[None], target[None])
    assert np.array_equal(scores.matrix, expected)


def test_threads_follow_the_affinity_and_torch_limit(monkeypatch):
    from segcourse.metrics import pixel

    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert pixel._num_workers() == 1
    finally:
        torch.set_num_threads(threads)
    monkeypatch.setattr(pixel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5})
    assert pixel._num_workers() == min(4, torch.get_num_threads())
    # the parallel path, forced on a small input, gives the same counts
    monkeypatch.setattr(pixel, "_PARALLEL_MIN", 16)
    monkeypatch.setattr(pixel, "_num_workers", lambda: 3)
    rng = np.random.default_rng(11)
    target = rng.integers(0, 5, (7, 9, 10))
    pred = rng.integers(0, 5, (7, 9, 10))
    target[0, 0, 0] = 255
    expected = [_reference_counts(p, t, 5, 255) for p, t in zip(pred, target, strict=True)]
    assert np.array_equal(confusion_matrix(pred, target, num_classes=5, ignore_index=255),
                          sum(expected))
    for images in (pred[:2], pred):  # fewer images than threads, and more
        count = len(images)
        scores = ConfusionMatrix(5, ignore_index=255).update(images, target[:count])
        assert np.array_equal(scores.per_image, np.stack(expected[:count]))
