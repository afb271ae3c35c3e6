"""Tests of segcourse.metrics.panoptic: literal cases, void, bad input, torchmetrics."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from torchmetrics.detection import PanopticQuality

from segcourse.metrics import panoptic_quality


def _panoptic(categories, instances):
    """A (1, W, 2) panoptic map from two rows of values."""
    return np.stack([np.array([categories]), np.array([instances])], axis=-1)


def _torchmetrics(pred, target, things, stuff, allow_unknown=False):
    """Overall (pq, sq, rq) and per-class rows (things sorted, then stuff sorted)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metric = PanopticQuality(things=set(things), stuffs=set(stuff), return_sq_and_rq=True,
                                 return_per_class=True,
                                 allow_unknown_preds_category=allow_unknown)
        metric.update(torch.as_tensor(pred), torch.as_tensor(target))
        per_class = metric.compute().numpy()
        overall = PanopticQuality(things=set(things), stuffs=set(stuff), return_sq_and_rq=True,
                                  allow_unknown_preds_category=allow_unknown)
        overall.update(torch.as_tensor(pred), torch.as_tensor(target))
        return overall.compute().numpy(), per_class


# ---------------------------------------------------------------------------
# Literal cases
# ---------------------------------------------------------------------------

def test_literal_true_and_false_positives_and_negatives():
    # pixel:         0  1  2  3  4  5  6  7  8  9
    target = _panoptic([0, 0, 1, 1, 1, 1, 0, 1, 1, 0],
                       [0, 0, 1, 1, 1, 1, 0, 2, 2, 0])
    pred = _panoptic([0, 0, 0, 1, 1, 1, 1, 0, 0, 1],
                     [0, 0, 0, 5, 5, 5, 5, 0, 0, 6])
    result = panoptic_quality(pred, target, things=[1], stuff=[0])
    # stuff 0: IoU 2/7, not a match: 1 FP and 1 FN
    # thing 1: instance 1 vs 5 has IoU 3/5 (TP); instance 2 is missed (FN); 6 is a FP
    assert result["classes"].tolist() == [0, 1]
    assert result["is_thing"].tolist() == [False, True]
    assert result["tp"].tolist() == [0, 1]
    assert result["fp"].tolist() == [1, 1]
    assert result["fn"].tolist() == [1, 1]
    np.testing.assert_allclose(result["pq_per_class"], [0, 0.6 / 2])
    np.testing.assert_allclose(result["sq_per_class"], [0, 0.6])
    np.testing.assert_allclose(result["rq_per_class"], [0, 1 / 2])
    assert result["pq"] == pytest.approx(0.15)
    assert result["sq"] == pytest.approx(0.3)  # the stuff SQ of 0 is averaged in
    assert result["rq"] == pytest.approx(0.25)
    assert result["pq_things"] == pytest.approx(0.3) and result["pq_stuff"] == 0.0
    assert result["sq_things"] == pytest.approx(0.6) and result["rq_stuff"] == 0.0
    overall, _ = _torchmetrics(pred, target, [1], [0])
    np.testing.assert_allclose(overall, [0.15, 0.3, 0.25])


def test_pq_is_sq_times_rq_per_class_and_perfect_prediction_scores_one():
    target = _panoptic([0, 0, 1, 1, 2, 2, 1], [0, 0, 1, 1, 0, 0, 2])
    result = panoptic_quality(target, target, things=[1], stuff=[0, 2, 5])
    assert result["pq"] == result["sq"] == result["rq"] == 1.0
    assert result["tp"].tolist() == [1, 2, 1, 0]
    assert math.isnan(result["pq_per_class"][3])  # category 5 occurs nowhere
    assert math.isnan(result["sq_per_class"][3]) and math.isnan(result["rq_per_class"][3])
    pred = _panoptic([0, 0, 1, 0, 2, 2, 1], [0, 0, 1, 0, 0, 0, 3])
    result = panoptic_quality(pred, target, things=[1], stuff=[0, 2, 5])
    occurring = ~np.isnan(result["pq_per_class"])
    np.testing.assert_allclose(result["pq_per_class"][occurring],
                               (result["sq_per_class"] * result["rq_per_class"])[occurring])


def test_stuff_instance_ids_are_ignored():
    target = _panoptic([0, 0, 0, 0], [0, 0, 0, 0])
    pred = _panoptic([0, 0, 0, 0], [1, 1, 2, 2])  # one stuff segment despite two ids
    assert panoptic_quality(pred, target, things=[1], stuff=[0])["pq"] == 1.0


def test_void_target_pixels_are_removed_from_the_union():
    target = _panoptic([1, 1, 1, 1, 9, 9, 9, 9], [1, 1, 1, 1, 0, 0, 0, 0])
    pred = _panoptic([1] * 8, [1] * 8)  # half of it on void: IoU 4 / (8 - 4 + 4 - 4) = 1
    result = panoptic_quality(pred, target, things=[1], stuff=[0], void_label=9)
    assert result["pq"] == 1.0 and result["tp"].tolist() == [0, 1]
    overall, _ = _torchmetrics(pred, target, [1], [0])
    np.testing.assert_allclose(overall, [1, 1, 1])


def test_unmatched_prediction_mostly_on_void_is_not_a_false_positive():
    target = _panoptic([0, 0, 0, 0, 9, 9, 9, 9], [0] * 8)
    pred = _panoptic([0, 0, 0, 1, 1, 1, 1, 0], [0, 0, 0, 2, 2, 2, 2, 0])
    result = panoptic_quality(pred, target, things=[1], stuff=[0], void_label=9)
    # stuff: IoU 3 / (4 - 1 + 4 - 3) = 3/4; the thing lies 3/4 on void: ignored
    assert result["fp"].tolist() == [0, 0]
    np.testing.assert_allclose(result["pq_per_class"], [3 / 4, np.nan])
    assert result["pq"] == pytest.approx(3 / 4)
    assert math.isnan(result["pq_things"])
    overall, _ = _torchmetrics(pred, target, [1], [0])
    np.testing.assert_allclose(overall, [3 / 4, 3 / 4, 1])


def test_predicted_void_is_abstention_as_in_the_paper_unlike_torchmetrics():
    target = _panoptic([1, 1, 1, 1], [1, 1, 1, 1])
    pred = _panoptic([1, 1, 9, 9], [1, 1, 0, 0])
    result = panoptic_quality(pred, target, things=[1], stuff=[0], void_label=9)
    # paper: IoU 2/4 is not > 1/2, so one FP and one FN
    assert (result["tp"].tolist(), result["fp"].tolist(), result["fn"].tolist()) == (
        [0, 0], [0, 1], [0, 1])
    assert result["pq"] == 0.0
    # torchmetrics removes the target pixels predicted as void from the union: IoU 1
    overall, _ = _torchmetrics(pred, target, [1], [0], allow_unknown=True)
    np.testing.assert_allclose(overall, [1, 1, 1])


def test_batches_lists_and_volumes():
    first = _panoptic([0, 1, 1, 0], [0, 1, 1, 0])
    second = _panoptic([1, 1, 0, 0], [3, 3, 0, 0])
    target = np.stack([first, second])  # (2, 1, 4, 2)
    pred = np.stack([second, first])
    batch = panoptic_quality(pred, target, things=[1], stuff=[0])
    listed = panoptic_quality([second, first], [first, second], things=[1], stuff=[0])
    for key in ("pq", "sq", "rq", "tp", "fp", "fn"):
        np.testing.assert_allclose(batch[key], listed[key])
    # segments are matched within each image: pooling the images would change the result
    overall, _ = _torchmetrics(pred, target, [1], [0])
    np.testing.assert_allclose([batch["pq"], batch["sq"], batch["rq"]], overall)
    volume = np.stack([first, second], axis=1)  # (1, 2, 4, 2): one 3-D image (D=1, H=2, W=4)
    volume_pred = volume.copy()
    volume_pred[0, 1, 0] = (0, 0)
    result = panoptic_quality([volume_pred], [volume], things=[1], stuff=[0])
    overall, _ = _torchmetrics(volume_pred[None], volume[None], [1], [0])
    np.testing.assert_allclose([result["pq"], result["sq"], result["rq"]], overall)
    torch_result = panoptic_quality(torch.as_tensor(pred), torch.as_tensor(target), things=[1],
                                    stuff=[0])
    assert torch_result["pq"] == batch["pq"]


@pytest.mark.parametrize("pred, target, kwargs, error, match", [
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1, 1], [0, 1, 1]), {}, ValueError, "same shape"),
    (np.zeros((2, 3)), np.zeros((2, 3)), {}, ValueError, r"shape \(\.\.\., 2\)"),
    (np.zeros((2, 3, 3), int), np.zeros((2, 3, 3), int), {}, ValueError, r"\(\.\.\., 2\)"),
    (_panoptic([0, 7], [0, 1]), _panoptic([0, 1], [0, 1]), {}, ValueError,
     r"`pred` to be categories from `things`, `stuff`.*unknown categories \[7\]"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 8], [0, 1]), {}, ValueError,
     r"`target` to be categories.*\[8\]"),
    (_panoptic([0, -1], [0, 1]), _panoptic([0, 1], [0, 1]), {}, ValueError, "values >= 0"),
    (_panoptic([0, 1], [0, 1]).astype(float) + 0.5, _panoptic([0, 1], [0, 1]), {}, ValueError,
     "integer label map"),
    (np.zeros((1, 1, 2, 2, 2), int), np.zeros((1, 1, 2, 2, 2), int), {}, ValueError,
     "list of maps"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1], [0, 1]), {"things": [1, 0]}, ValueError,
     r"`stuff` to be categories that are not in `things`"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1], [0, 1]), {"things": 1}, TypeError,
     "`things`"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1], [0, 1]), {"things": [-1]}, ValueError,
     r"`things\[0\]`"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1], [0, 1]), {"things": [], "stuff": []},
     ValueError, "at least one category"),
    (_panoptic([0, 1], [0, 1]), _panoptic([0, 1], [0, 1]), {"void_label": 0}, ValueError,
     "`void_label`"),
    ([_panoptic([0, 1], [0, 1])], [], {}, ValueError, "at least one panoptic map"),
    ([_panoptic([0, 1], [0, 1])] * 2, [_panoptic([0, 1], [0, 1])], {}, ValueError,
     "one map per image"),
])
def test_bad_input_raises(pred, target, kwargs, error, match):
    options = {"things": [1], "stuff": [0]} | kwargs
    with pytest.raises(error, match=match):
        panoptic_quality(pred, target, **options)


# ---------------------------------------------------------------------------
# Cross-check with torchmetrics
# ---------------------------------------------------------------------------

THINGS, STUFF, VOID = [1, 2], [0, 3], 5


def _random_map(rng, shape, with_void):
    height, width = shape
    blocks = rng.choice(STUFF, size=(height // 3 + 1, width // 3 + 1))
    category = np.kron(blocks, np.ones((3, 3), int))[:height, :width]
    instance = np.zeros(shape, int)
    for k in range(int(rng.integers(0, 5))):
        top, left = rng.integers(0, height - 1), rng.integers(0, width - 1)
        size = rng.integers(2, 6, size=2)
        category[top:top + size[0], left:left + size[1]] = rng.choice(THINGS)
        instance[top:top + size[0], left:left + size[1]] = k + 1
    if with_void:
        void = rng.random(shape) < 0.15
        category[void] = VOID
        instance[void] = 0
    return np.stack([category, instance], axis=-1)


@pytest.mark.parametrize("seed", range(100))
def test_agrees_with_torchmetrics(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(6, 15)), int(rng.integers(6, 15)))
    target = np.stack([_random_map(rng, shape, seed % 2 == 0)
                       for _ in range(int(rng.integers(1, 3)))])
    pred = target.copy()
    for image in pred:
        image[:] = np.roll(image, int(rng.integers(-1, 2)), axis=int(rng.integers(0, 2)))
        noise = rng.random(shape) < 0.15
        image[noise, 0] = rng.choice(THINGS + STUFF, size=noise.sum())
        image[noise, 1] = rng.integers(0, 4, size=noise.sum())
        image[image[..., 0] == VOID, 0] = 0  # torchmetrics: no void in the prediction
    result = panoptic_quality(pred, target, things=THINGS, stuff=STUFF, void_label=VOID)
    overall, per_class = _torchmetrics(pred, target, THINGS, STUFF)
    np.testing.assert_allclose([result["pq"], result["sq"], result["rq"]], overall,
                               rtol=1e-6)  # torchmetrics returns its averages in float32
    order = np.searchsorted(result["classes"], THINGS + STUFF)  # torchmetrics' class order
    ours = np.stack([result["pq_per_class"], result["sq_per_class"],
                     result["rq_per_class"]], axis=1)[order]
    occurring = ~np.isnan(ours[:, 0])
    np.testing.assert_allclose(ours[occurring], per_class[occurring], rtol=1e-6)
    assert (per_class[~occurring] == 0).all()  # documented: torchmetrics reports 0, we NaN
    assert ((ours[occurring] >= 0) & (ours[occurring] <= 1)).all()


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_are_accepted():
    target = torch.from_numpy(_panoptic([0, 0, 1, 1], [0, 0, 1, 1])).cuda()
    assert panoptic_quality(target, target, things=[1], stuff=[0])["pq"] == 1.0


def test_negative_void_label_is_rejected_up_front():
    from segcourse.metrics import panoptic_quality

    panoptic = np.zeros((2, 2, 2), dtype=int)
    with pytest.raises(ValueError, match="`void_label`"):
        panoptic_quality(panoptic, panoptic, things=[1], stuff=[0], void_label=-1)


# ---------------------------------------------------------------------------
# Exact thresholds: IoU > 0.5, more than half on void
# ---------------------------------------------------------------------------

def test_an_iou_of_exactly_one_half_does_not_match():
    # target thing: pixels 0..3 (4 pixels); prediction: pixels 0..1 (2 of them): IoU 2/4
    target = _panoptic([1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0])
    half = _panoptic([1, 1, 0, 0, 0, 0, 0, 0], [3, 3, 0, 0, 0, 0, 0, 0])
    result = panoptic_quality(half, target, things=[1], stuff=[0])
    assert (result["tp"][1], result["fp"][1], result["fn"][1]) == (0, 1, 1)
    overall, _ = _torchmetrics(half, target, [1], [0])  # torchmetrics: the same rule
    assert result["pq"] == pytest.approx(float(overall[0]))
    # three pixels on the object and one off it: IoU 3/5 > 1/2 matches
    above = _panoptic([1, 1, 1, 0, 1, 0, 0, 0], [3, 3, 3, 0, 3, 0, 0, 0])
    result = panoptic_quality(above, target, things=[1], stuff=[0])
    assert (result["tp"][1], result["fp"][1], result["fn"][1]) == (1, 0, 0)
    assert result["pq_per_class"][1] == pytest.approx(3 / 5)
    # 50 of 100 on a larger object: still exactly one half, still no match
    target = _panoptic([1] * 100 + [0] * 100, [1] * 100 + [0] * 100)
    pred = _panoptic([1] * 50 + [0] * 150, [2] * 50 + [0] * 150)
    assert panoptic_quality(pred, target, things=[1], stuff=[0])["tp"][1] == 0
    overall, _ = _torchmetrics(pred, target, [1], [0])
    assert panoptic_quality(pred, target, things=[1], stuff=[0])["pq"] == \
        pytest.approx(float(overall[0]))


def test_a_prediction_exactly_half_on_void_is_still_a_false_positive():
    target = _panoptic([0, 0, 0, 0, 0, 0, 9, 9], [0] * 8)
    half = _panoptic([0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 2, 2, 2, 2])  # 2 of 4 on void
    assert panoptic_quality(half, target, things=[1], stuff=[0], void_label=9)["fp"][1] == 1
    most = _panoptic([0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 2, 2, 2])  # 2 of 3 on void
    assert panoptic_quality(most, target, things=[1], stuff=[0], void_label=9)["fp"][1] == 0
