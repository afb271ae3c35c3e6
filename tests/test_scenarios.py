"""segcourse.scenarios: exact cases, the errors they are built to have, their scores
against segcourse.metrics and scikit-learn, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from segcourse import metrics, scenarios

# --- shapes ---------------------------------------------------------------------------------


def test_disc_literal_and_radius_zero_is_empty():
    np.testing.assert_array_equal(scenarios.disc((5, 5), 1).astype(int),
                                  [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 1, 1, 1, 0],
                                   [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]])
    assert scenarios.disc((9, 9), 2).sum() == 13
    assert scenarios.disc((9, 9), 0).sum() == 0
    # a centre between pixels, and a disc cut off by the image's edge
    assert scenarios.disc((4, 4), 1, center=(1.5, 1.5)).sum() == 4
    assert scenarios.disc((5, 5), 2, center=(0, 0)).sum() == 6


@pytest.mark.parametrize("call, error, match", [
    (lambda: scenarios.disc((5, 5), -1), ValueError, "`radius`"),
    (lambda: scenarios.disc((5, 0), 1), ValueError, "`shape`"),
    (lambda: scenarios.disc((5, 5.0), 1), TypeError, "`shape`"),
    (lambda: scenarios.disc((5, 5), 1, center=(1,)), TypeError, "`center`"),
    (lambda: scenarios.disc((5, 5), "1"), TypeError, "`radius`"),
    (lambda: scenarios.disc_of_area((3, 3), 10), ValueError, "`area`"),
    (lambda: scenarios.disc_of_area((3, 3), -1), ValueError, "`area`"),
    (lambda: scenarios.disc_of_area((3, 3), 2.5), TypeError, "`area`"),
    (lambda: scenarios.disc_pair(-1, 2), ValueError, "`target_radius`"),
    (lambda: scenarios.disc_pair(2, 2, shift=1.5), TypeError, "`shift`"),
    (lambda: scenarios.shifted_square(-1), ValueError, "`shift`"),
    (lambda: scenarios.shifted_square(30, side=20, size=(24, 40)), ValueError, "`size`"),
])
def test_shapes_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("area", [0, 1, 5, 13, 57, 400])
def test_disc_of_area_has_exactly_that_many_pixels_nearest_the_centre(area):
    mask = scenarios.disc_of_area((30, 30), area)
    assert mask.sum() == area
    if area:
        rows, cols = np.nonzero(mask)
        inside = np.max((rows - 15) ** 2 + (cols - 15) ** 2)
        rows, cols = np.nonzero(~mask)
        assert np.min((rows - 15) ** 2 + (cols - 15) ** 2) >= inside
    # nested: a larger area holds the smaller one
    assert not np.any(mask & ~scenarios.disc_of_area((30, 30), area + 1))


def test_disc_pair_sizes_and_shift():
    pred, target = scenarios.disc_pair(2, 3)
    assert (target.sum(), pred.sum(), pred.shape) == (13, 29, (11, 11))
    assert np.all(pred[target])  # the larger disc holds the smaller one
    pred, target = scenarios.disc_pair(4, 4, shift=3, size=(16, 20))
    assert pred.shape == (16, 20) and pred.sum() == target.sum()
    np.testing.assert_array_equal(np.roll(target, 3, axis=1), pred)
    pred, target = scenarios.disc_pair(0, 0, size=8)
    assert pred.shape == (8, 8) and not pred.any() and not target.any()


@pytest.mark.parametrize("shift", [0, 1, 7, 20, 40, 45])
def test_shifted_square_dice_and_iou_are_exact(shift):
    pred, target = scenarios.shifted_square(shift, side=40, size=(44, 100))
    overlap = max(40 - shift, 0)
    assert pred.sum() == target.sum() == 1600
    assert metrics.dice(pred, target) == pytest.approx(overlap / 40)
    assert metrics.iou(pred, target) == pytest.approx(overlap / (40 + min(shift, 40)))


# --- pixel scores of a case -----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_pixel_scores_are_the_metrics_and_agree_with_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    target = rng.random((20, 30)) < 0.2
    pred = rng.random((20, 30)) < 0.25
    scores = scenarios.pixel_scores(pred, target)
    assert list(scores) == list(scenarios.SCORE_NAMES)
    for name, value in scores.items():
        assert value == pytest.approx(getattr(metrics, name)(pred, target))
    y_true, y_pred = target.ravel(), pred.ravel()
    np.testing.assert_allclose(
        [scores["accuracy"], scores["balanced_accuracy"], scores["precision"],
         scores["recall"], scores["specificity"], scores["dice"], scores["iou"],
         scores["matthews_corrcoef"]],
        [skm.accuracy_score(y_true, y_pred), skm.balanced_accuracy_score(y_true, y_pred),
         skm.precision_score(y_true, y_pred), skm.recall_score(y_true, y_pred),
         skm.recall_score(y_true, y_pred, pos_label=0), skm.f1_score(y_true, y_pred),
         skm.jaccard_score(y_true, y_pred), skm.matthews_corrcoef(y_true, y_pred)])


def test_pixel_scores_keep_the_libraries_nan():
    empty = np.zeros((4, 4), dtype=bool)
    target = empty.copy()
    target[1, 1] = True
    scores = scenarios.pixel_scores(empty, target)
    assert np.isnan(scores["precision"]) and np.isnan(scores["matthews_corrcoef"])
    assert scores["recall"] == 0.0 and scores["dice"] == 0.0
    with pytest.raises(ValueError, match="same shape"):
        scenarios.pixel_scores(empty, target[:2])
    with pytest.raises(ValueError, match="`pred`"):
        scenarios.pixel_scores(np.full((4, 4), 2), target)


# --- the imbalance scenario -----------------------------------------------------------------


@pytest.mark.parametrize("fraction", scenarios.IMBALANCE_CURVE_FRACTIONS)
def test_imbalance_case_has_the_exact_fraction_and_both_kinds_of_error(fraction):
    case = scenarios.imbalance_case(fraction, 2)
    assert case["fraction"] == pytest.approx(fraction, abs=0.5 / 40_000)
    pred, target = case["pred"], case["target"]
    assert np.any(pred & ~target) and np.any(~pred & target)  # FP and FN
    assert pred.sum() > target.sum()  # the prediction is too large
    for name, value in case["scores"].items():
        assert value == pytest.approx(getattr(metrics, name)(pred, target))


def test_imbalance_case_without_error_is_perfect():
    case = scenarios.imbalance_case(0.01, 0)
    np.testing.assert_array_equal(case["pred"], case["target"])
    assert all(value == pytest.approx(1.0) for value in case["scores"].values())


@pytest.mark.parametrize("error", scenarios.IMBALANCE_ERRORS)
def test_imbalance_curves_part_ways_as_the_object_shrinks(error):
    curves = scenarios.imbalance_curves(error)
    fractions = curves["fraction"]
    assert np.all(np.diff(fractions) > 0)
    # as the object shrinks (right to left): accuracy and specificity rise at every step,
    # precision, recall, Dice and IoU fall at every step
    for rising in ("accuracy", "specificity"):
        assert np.all(np.diff(curves[rising]) < 0), rising
    for falling in ("precision", "recall", "dice", "iou"):
        assert np.all(np.diff(curves[falling]) > 0), falling
    assert curves["matthews_corrcoef"][0] < curves["matthews_corrcoef"][-1]
    assert curves["accuracy"][0] > 0.99 and curves["dice"][0] < 0.81
    case = scenarios.imbalance_case(0.03, error)
    index = list(scenarios.IMBALANCE_CURVE_FRACTIONS).index(0.03)
    for name in scenarios.SCORE_NAMES:
        assert curves[name][index] == case["scores"][name]


def test_imbalance_rejects_bad_settings():
    with pytest.raises(ValueError, match="`foreground_fraction`"):
        scenarios.imbalance_case(0.8, 1)
    with pytest.raises(ValueError, match="`foreground_fraction`"):
        scenarios.imbalance_case(0.0, 1)
    with pytest.raises(ValueError, match="`error`"):
        scenarios.imbalance_case(0.5, 40)
    with pytest.raises(ValueError, match="`error`"):
        scenarios.imbalance_case(0.1, -1)
    with pytest.raises(ValueError, match="`fractions`"):
        scenarios.imbalance_curves(1, [])


# --- small objects --------------------------------------------------------------------------


def test_small_object_curve_literal_and_increasing():
    curve = scenarios.small_object_curve([2, 5, 10, 50])
    np.testing.assert_allclose(curve["dice"], [26 / 42, 162 / 194, 634 / 694, 15690 / 16018])
    np.testing.assert_allclose(curve["iou"], metrics.iou_from_dice(curve["dice"]))
    # digital discs make Dice wiggle a little between neighbouring radii, never by much
    assert np.all(np.diff(scenarios.small_object_curve(np.arange(1, 40))["dice"]) > -0.02)
    demo_radii = [2, 3, 5, 7, 10, 20, 30, 50]
    assert np.all(np.diff(scenarios.small_object_curve(demo_radii)["dice"]) > 0)
    assert np.all(scenarios.small_object_curve([5], error=0)["dice"] == 1.0)
    with pytest.raises(ValueError, match="`radii`"):
        scenarios.small_object_curve([0])
    with pytest.raises(ValueError, match="`radii`"):
        scenarios.small_object_curve([])


# --- boundaries -----------------------------------------------------------------------------


def test_stray_blob_moves_hd_not_dice():
    cases = [scenarios.stray_blob(d, blob_size=2) for d in (2, 8, 32, 64)]
    assert len({case["dice"] for case in cases}) == 1
    hds = [case["hd"] for case in cases]
    assert hds == sorted(hds) and hds[-1] > 64
    for case in cases:
        assert (case["pred"] & ~case["target"]).sum() == 4  # only the blob is wrong
        assert not (~case["pred"] & case["target"]).any()
        assert case["hd"] == pytest.approx(metrics.hausdorff_distance(case["pred"],
                                                                      case["target"]))


def test_hd95_ignores_a_blob_only_while_its_outline_is_under_5_percent():
    for blob in (1, 2, 3, 4):
        case = scenarios.stray_blob(32, blob_size=blob)
        pred_boundary = metrics.mask_boundary(case["pred"]).sum()
        blob_boundary = 4 * blob - 4 if blob > 1 else 1
        if blob_boundary / pred_boundary < 0.05:
            assert case["hd95"] == 0.0, blob
        else:
            assert case["hd95"] > 30, blob
    curves = scenarios.stray_blob_curves([4, 64], blob_size=1)
    np.testing.assert_allclose(curves["hd"], [4, 64])
    np.testing.assert_allclose(curves["hd95"], [0, 0])


def test_stray_blob_rejects_a_blob_outside_the_image():
    with pytest.raises(ValueError, match="`distance`"):
        scenarios.stray_blob(200)
    with pytest.raises(ValueError, match="`distance`"):
        scenarios.stray_blob(0)
    with pytest.raises(ValueError, match="`distances`"):
        scenarios.stray_blob_curves([])


@pytest.mark.parametrize("radius, error, teeth", [(16, 2, 8), (10, 1, 5), (20, 3, 12)])
def test_smooth_and_ragged_have_equal_counts_and_different_outlines(radius, error, teeth):
    case = scenarios.smooth_and_ragged(radius, error=error, teeth=teeth)
    target, smooth, ragged = case["target"], case["smooth"], case["ragged"]
    np.testing.assert_array_equal(metrics.confusion_matrix(smooth, target),
                                  metrics.confusion_matrix(ragged, target))
    assert np.all(smooth[target]) and np.all(ragged[target])
    assert metrics.hausdorff_distance(smooth, target) <= error + 1
    assert metrics.hausdorff_distance(ragged, target) > 2 * metrics.hausdorff_distance(smooth,
                                                                                     target)
    with pytest.raises(ValueError, match="`teeth`"):
        scenarios.smooth_and_ragged(radius, teeth=2)


def test_empty_mask_cases():
    cases = scenarios.empty_mask_cases()
    assert list(cases) == ["both empty", "target empty", "prediction empty", "both non-empty"]
    assert np.isnan(metrics.dice(*cases["both empty"]))
    assert metrics.dice(*cases["target empty"]) == 0.0
    assert metrics.dice(*cases["prediction empty"]) == 0.0
    assert metrics.dice(*cases["both non-empty"]) == 0.5
    with pytest.raises(ValueError, match="`shape`"):
        scenarios.empty_mask_cases((2, 2))


def test_many_small_objects():
    case = scenarios.many_small_objects()
    target, pred = case["target"], case["pred"]
    assert target.max() == 9 and set(np.unique(pred)) == {0, 1}
    matches = metrics.match_instances(pred, target, iou_threshold=0.5)
    assert len(matches.pairs) == 1
    assert metrics.recall(pred > 0, target > 0) > 0.8
    found = scenarios.many_small_objects(found_small=3)["pred"]
    assert len(metrics.match_instances(found, target, iou_threshold=0.5).pairs) == 4
    with pytest.raises(ValueError, match="`found_small`"):
        scenarios.many_small_objects(found_small=9)
    with pytest.raises(ValueError, match="`size`"):
        scenarios.many_small_objects(size=(20, 40))


# --- chapter 05: object predictions with known mistakes ---------------------------------------


@pytest.fixture(scope="module")
def scene():
    from segcourse.data import make_scene

    return make_scene(seed=0)


def test_predict_objects_makes_each_mistake_once(scene):
    prediction = scenarios.predict_objects(scene.instance, instance_classes=scene.instance_classes)
    kinds = list(prediction.kinds)
    assert kinds.count("split") == 2
    for kind in ("merged", "shifted", "eroded", "duplicate", "hallucinated"):
        assert kinds.count(kind) == 1
    ids = list(prediction.target_ids)
    # the missed object is the smallest and no prediction comes from it
    areas = {i: int((scene.instance == i).sum()) for i in ids}
    assert prediction.missed == (min(ids, key=lambda i: areas[i]),)
    assert all(prediction.missed[0] not in s for s in prediction.sources)
    # every object but the missed one is the source of some prediction
    used = {i for s in prediction.sources for i in s}
    assert used == set(ids) - set(prediction.missed)
    # the merge joins two objects and covers both
    merged = prediction.masks[kinds.index("merged")]
    a, b = prediction.sources[kinds.index("merged")]
    assert merged[scene.instance == a].all() and merged[scene.instance == b].all()
    # the halves of the split object do not touch it beyond it and each is under half
    halves = [prediction.masks[k] for k, kind in enumerate(kinds) if kind == "split"]
    whole = scene.instance == prediction.sources[kinds.index("split")][0]
    assert not (halves[0] & halves[1]).any()
    assert all((h <= whole).all() and h.sum() < whole.sum() / 2 for h in halves)
    # the hallucination lies on the background only
    assert not (prediction.masks[kinds.index("hallucinated")] & (scene.instance > 0)).any()
    # labels follow the source objects
    for label, sources in zip(prediction.labels, prediction.sources, strict=True):
        if sources:
            assert label == scene.instance_classes[sources[0]]
    # scores: all different, two decimals, inside the kind's range (or nudged next to it)
    assert len(set(prediction.scores.tolist())) == len(prediction)
    assert np.allclose(prediction.scores, np.round(prediction.scores, 2))
    assert ((prediction.scores > 0) & (prediction.scores < 1)).all()


def test_predict_objects_outcomes_at_iou_one_half(scene):
    prediction = scenarios.predict_objects(scene.instance, instance_classes=scene.instance_classes)
    result = scenarios.object_matches(prediction, scene.instance, 0.5)
    status = dict(zip(range(len(prediction)), result["pred_status"], strict=True))
    for k, kind in enumerate(prediction.kinds):
        if kind in ("split", "duplicate", "hallucinated"):
            assert status[k] == "FP", kind
        if kind in ("good", "shifted", "eroded"):
            assert status[k] == "TP", kind
    ids = list(prediction.target_ids)
    assert result["target_status"][ids.index(prediction.missed[0])] == "FN"
    assert result["tp"] + result["fn"] == len(ids)
    assert result["tp"] + result["fp"] == len(prediction)
    assert result["cell_ap"] == result["tp"] / (result["tp"] + result["fp"] + result["fn"])
    # the same numbers from the library's own matching
    matches = metrics.match_instances(prediction.masks, scene.instance, scores=prediction.scores)
    assert (matches.num_true_positives, matches.num_false_positives,
            matches.num_false_negatives) == (result["tp"], result["fp"], result["fn"])


def test_predict_objects_is_seeded_and_honours_errors(scene):
    first = scenarios.predict_objects(scene.instance, seed=3)
    again = scenarios.predict_objects(scene.instance, seed=3)
    assert np.array_equal(first.masks, again.masks)
    assert np.array_equal(first.scores, again.scores)
    clean = scenarios.predict_objects(scene.instance, errors=())
    assert set(clean.kinds) == {"good"} and clean.missed == ()
    assert len(clean) == len(clean.target_ids)
    assert scenarios.object_matches(clean, scene.instance, 0.5)["fn"] == 0
    assert (clean.labels == 1).all()  # no instance_classes: one category
    only = scenarios.predict_objects(scene.instance, errors=("missed", "hallucinated"))
    assert sorted(set(only.kinds)) == ["good", "hallucinated"]
    painted = first.instance_map()
    assert painted.shape == scene.instance.shape and painted.max() <= len(first)
    stack = first.as_dict()
    assert set(stack) == {"masks", "scores", "labels"}


def test_predict_objects_rejects_bad_input(scene):
    with pytest.raises(ValueError, match="errors"):
        scenarios.predict_objects(scene.instance, errors=("lost",))
    with pytest.raises(TypeError, match="errors"):
        scenarios.predict_objects(scene.instance, errors="missed")
    small = np.array([[1, 1, 0, 2, 2]])
    with pytest.raises(ValueError, match="need"):
        scenarios.predict_objects(small, errors=("merged", "split"))
    with pytest.raises(ValueError, match="instance_map"):
        scenarios.predict_objects(np.zeros((2, 3, 4), int))
    with pytest.raises(ValueError, match="instance_classes"):
        scenarios.predict_objects(small, errors=(), instance_classes={1: 3})
    with pytest.raises(ValueError, match="shift"):
        scenarios.predict_objects(scene.instance, shift=0)
    with pytest.raises(TypeError, match="prediction"):
        scenarios.object_matches(small, small, 0.5)


def test_object_threshold_curves_agree_with_the_metrics(scene):
    prediction = scenarios.predict_objects(scene.instance, instance_classes=scene.instance_classes)
    curves = scenarios.object_threshold_curves(prediction, scene.instance)
    assert len(curves["threshold"]) == 10
    assert np.all(np.diff(curves["tp"]) <= 0)  # a stricter threshold never adds matches
    assert np.array_equal(curves["tp"] + curves["fn"], np.full(10, len(prediction.target_ids)))
    ids = np.array(prediction.target_ids)
    stack = scene.instance == ids[:, None, None]
    for k, threshold in enumerate(curves["threshold"]):
        expected = metrics.average_precision(
            [{"masks": prediction.masks, "scores": prediction.scores}], [{"masks": stack}],
            iou_threshold=threshold)
        assert curves["ap"][k] == pytest.approx(expected)
        assert curves["cell_ap"][k] == pytest.approx(metrics.cell_average_precision(
            prediction.masks, scene.instance, iou_threshold=threshold))
    with pytest.raises(ValueError, match="thresholds"):
        scenarios.object_threshold_curves(prediction, scene.instance, [0.7, 0.5])


def test_panoptic_prediction_keeps_stuff_and_paints_objects(scene):
    prediction = scenarios.predict_objects(scene.instance, instance_classes=scene.instance_classes)
    predicted = scenarios.panoptic_prediction(prediction, scene.panoptic, things=scene.things)
    assert predicted.shape == scene.panoptic.shape
    stuff = np.isin(scene.semantic, scene.stuff) & ~prediction.masks.any(axis=0)
    assert np.array_equal(predicted[..., 0][stuff], scene.semantic[stuff])
    assert np.isin(predicted[..., 0], scene.stuff + scene.things).all()
    top = prediction.instance_map()
    painted = top > 0
    assert np.array_equal(predicted[..., 1][painted], top[painted])
    assert np.array_equal(predicted[..., 0][painted], prediction.labels[top[painted] - 1])
    assert (predicted[..., 1][~painted] == 0).all()
    result = metrics.panoptic_quality(predicted, scene.panoptic, things=scene.things,
                                      stuff=scene.stuff)
    assert 0 < result["pq"] < 1
    with pytest.raises(ValueError, match="target_panoptic"):
        scenarios.panoptic_prediction(prediction, scene.panoptic[:10], things=scene.things)
    with pytest.raises(TypeError, match="prediction"):
        scenarios.panoptic_prediction(scene.instance, scene.panoptic, things=scene.things)
