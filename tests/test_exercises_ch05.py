"""Checkers of chapter 05: the right answers, one test per typical wrong answer and its
hint, both stubs of a learner copy, and answers of the wrong kind."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from checker_asserts import assert_hint, assert_not_answered, assert_right, learner_stub

from segcourse import metrics
from segcourse.exercises.ch05 import (
    _AP_CASES,
    _library_ap,
    check_ap_from_ranked,
    check_match_counts,
    check_object_iou,
    check_panoptic_quality,
)


def test_chapter_05_checkers_are_public():
    from segcourse.exercises import ch05

    assert ch05.__all__ == ["check_object_iou", "check_match_counts", "check_ap_from_ranked",
                            "check_panoptic_quality"]
    for name in ch05.__all__:
        assert callable(getattr(ch05, name))


# --- exercise 1: the IoU of two masks --------------------------------------------------------

MASK_A = np.zeros((5, 6), dtype=bool)
MASK_A[1:4, 1:4] = True          # 9 pixels
MASK_B = np.zeros((5, 6), dtype=bool)
MASK_B[2:5, 2:6] = True          # 12 pixels, 4 shared: IoU 4 / 17


def test_object_iou_right_answers():
    result = check_object_iou(4 / 17, MASK_A, MASK_B)
    assert_right(result)
    assert "4 / 17" in result.message and "0.2353" in result.message
    # float32 arithmetic and a one-number tensor are right too; five typed digits are not
    assert_right(check_object_iou(np.float32(4) / np.float32(17), MASK_A, MASK_B))
    assert_right(check_object_iou(torch.tensor(4 / 17), MASK_A, MASK_B))
    assert_hint(check_object_iou(0.23529, MASK_A, MASK_B), "close: that looks rounded")
    library = metrics.iou_matrix(MASK_A[None], MASK_B[None])[0, 0]
    assert_right(check_object_iou(library, MASK_A, MASK_B))
    assert_right(check_object_iou(np.array(4 / 17), MASK_A, MASK_B))
    # masks of 0 and 1 are masks too; two empty masks have IoU 0
    assert_right(check_object_iou(4 / 17, MASK_A.astype(int), MASK_B.astype(np.uint8)))
    empty = np.zeros((3, 3), dtype=bool)
    assert_right(check_object_iou(0.0, empty, empty))


@pytest.mark.parametrize("value, start", [
    (2 * 4 / (9 + 12), "that is the Dice score"),
    (4 / 9, "that is the intersection over the area of the first mask alone"),
    (4 / 12, "that is the intersection over the area of the second mask alone"),
    (4 / (9 + 12), "the union is not |A| + |B|"),
    (100 * 4 / 17, "right number, but as a percentage"),
    (1.5, "1.5 is not a possible IoU"),
    (-0.2, "-0.2 is not a possible IoU"),
    (4.0, "that is the number of pixels of the intersection"),
    (0.24, "close: that looks rounded"),
    (0.2353, "close: that looks rounded"),
    (0.38, "(rounded) that is the Dice score"),
    (0.3, "count the pixels in both masks"),
])
def test_object_iou_typical_mistakes(value, start):
    assert_hint(check_object_iou(value, MASK_A, MASK_B), start)


def test_object_iou_masks_of_equal_area_dice_is_intersection_over_one_area():
    a = np.zeros((4, 4), dtype=bool)
    a[0:2, 0:2] = True
    b = np.zeros((4, 4), dtype=bool)
    b[1:3, 1:3] = True
    assert_right(check_object_iou(1 / 7, a, b))
    result = check_object_iou(1 / 4, a, b)  # Dice 2 / 8 is also 1 / 4 here
    assert_hint(result, "that is the Dice score")
    assert "also the intersection over the area of one mask" in result.message
    assert "also the intersection" not in check_object_iou(8 / 21, MASK_A, MASK_B).message


def test_object_iou_stubs_and_odd_answers():
    assert_not_answered(check_object_iou(..., MASK_A, MASK_B),
                        "replace the `...` after `object_iou =`")
    assert_not_answered(check_object_iou(None, MASK_A, MASK_B), "`object_iou` is None")
    assert_hint(check_object_iou("0.23", MASK_A, MASK_B), "`object_iou` should be one number")
    assert_hint(check_object_iou([0.2, 0.3], MASK_A, MASK_B), "`object_iou` should be one number")
    assert_hint(check_object_iou(True, MASK_A, MASK_B), "`object_iou` should be one number")
    assert_hint(check_object_iou(math.nan, MASK_A, MASK_B), "your answer is nan")
    assert_hint(check_object_iou(math.inf, MASK_A, MASK_B), "your answer is inf")
    assert_hint(check_object_iou(metrics.iou_matrix, MASK_A, MASK_B),
                "`object_iou` is a function (iou_matrix)")


# --- exercise 2: TP, FP and FN of COCO's matching --------------------------------------------


def match_scene():
    """Three targets; a duplicate, a pair with IoU exactly 0.5 and a false alarm."""
    target = np.zeros((4, 12), dtype=np.int64)
    target[0:2, 0:4] = 1             # 8 pixels
    target[0:2, 5:7] = 2             # 4 pixels
    target[0:2, 9:12] = 3            # 6 pixels, never found
    pred = np.zeros((4, 4, 12), dtype=bool)
    pred[0, 0:2, 0:3] = True         # a duplicate on object 1 (IoU 6/8), the lower score
    pred[1, 0:2, 0:4] = True         # object 1 exactly
    pred[2, 0:4, 5:7] = True         # object 2, IoU 4/8 = 0.5 exactly
    pred[3, 3, 9:12] = True          # touches nothing: a false alarm
    scores = np.array([0.6, 0.9, 0.7, 0.8])
    return pred, target, scores


def test_match_scene_is_what_the_tests_say():
    pred, target, scores = match_scene()
    ious = metrics.iou_matrix(pred, target)
    assert ious[2, 1] == 0.5 and ious[0, 0] == 0.75 and ious[1, 0] == 1.0
    matches = metrics.match_instances(pred, target, scores=scores)
    assert (matches.num_true_positives, matches.num_false_positives,
            matches.num_false_negatives) == (2, 2, 1)


def test_match_counts_right_answers():
    pred, target, scores = match_scene()
    result = check_match_counts((2, 2, 1), pred, target, scores)
    assert_right(result)
    assert "TP = 2, FP = 2, FN = 1" in result.message
    assert "already matched is a false positive" in result.message
    assert "IoU exactly 0.5 matches" in result.message
    assert_right(check_match_counts([2, 2, 1], pred, target, scores))
    assert_right(check_match_counts(np.array([2, 2, 1]), pred, target, scores))
    assert_right(check_match_counts((np.int64(2), 2.0, 1), pred, target, scores))
    # at 0.75 the duplicate would do as well, but object 1 is taken: (1, 3, 2)
    assert_right(check_match_counts((1, 3, 2), pred, target, scores, iou_threshold=0.75))


@pytest.mark.parametrize("answer, start", [
    ((2, 1, 2), "FP and FN are swapped"),
    ((1, 3, 2), "you left out a pair whose IoU is exactly 0.5"),
    ((1, 2, 3), "you left out a pair whose IoU is exactly 0.5"),
    ((3, 1, 1), "you counted every prediction whose best IoU reaches the threshold"),
    ((3, 1, 0), "you counted every prediction whose best IoU reaches the threshold"),
    ((3, 2, 1), "TP + FP = 5, but there are 4 predictions"),
    ((2, 1, 1), "TP + FP = 3, but there are 4 predictions"),
    ((2, 2, 2), "TP + FN = 4, but there are 3 target objects"),
    ((1, 3, 2, 0), "give three counts (tp, fp, fn); you gave 4"),
    ((2, 2), "give three counts (tp, fp, fn); you gave 2"),
    ((2.5, 2, 1), "give three whole numbers"),
    ((math.nan, 2, 1), "give three whole numbers"),
    (("2", "2", "1"), "give three whole numbers"),
    ((-1, 2, 1), "counts cannot be negative"),
    ("2, 2, 1", "give a tuple of three integers"),
    (3, "give a tuple of three integers"),
    (math.nan, "give a tuple of three integers"),
    ({"tp": 2, "fp": 2, "fn": 1}, "give a tuple of three integers"),
])
def test_match_counts_typical_mistakes(answer, start):
    pred, target, scores = match_scene()
    assert_hint(check_match_counts(answer, pred, target, scores), start)


def test_match_counts_strict_threshold_is_computed_not_guessed():
    pred, target, scores = match_scene()
    # away from the tie, ">" and ">=" agree: (1, 3, 2) at 0.6 is right, not "strict"
    assert_right(check_match_counts((1, 3, 2), pred, target, scores, iou_threshold=0.6))
    # at 1.0 the strict rule matches nothing
    assert_right(check_match_counts((1, 3, 2), pred, target, scores, iou_threshold=1.0))
    assert_hint(check_match_counts((0, 4, 3), pred, target, scores, iou_threshold=1.0),
                "you left out a pair whose IoU is exactly 1")


def test_match_counts_stubs_and_functions():
    pred, target, scores = match_scene()
    assert_not_answered(check_match_counts(..., pred, target, scores),
                        "replace the `...` after `counts =`")
    assert_not_answered(check_match_counts(None, pred, target, scores), "`counts` is None")
    # `tp, fp, fn = ...` stubbed name by name, then passed as (tp, fp, fn)
    assert_not_answered(check_match_counts((..., ..., ...), pred, target, scores),
                        "replace each `...`")
    assert_not_answered(check_match_counts([2, ..., 1], pred, target, scores),
                        "replace each `...`")
    assert_hint(check_match_counts(metrics.match_instances, pred, target, scores),
                "`counts` is a function")


# --- exercise 3: COCO's 101-point AP of a ranked list ----------------------------------------


def curve(true_positive, num_targets):
    hits = np.asarray(true_positive, dtype=bool)
    found = np.cumsum(hits)
    precision = found / np.arange(1, len(hits) + 1)
    recall = found / num_targets
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(hits) else precision
    return hits, precision, recall, envelope


def sample(values, recall, points):
    index = np.searchsorted(recall, points, side="left")
    return np.append(values, 0.0)[index], index < len(recall)


def ap_101(true_positive, num_targets):
    _, _, recall, envelope = curve(true_positive, num_targets)
    return float(sample(envelope, recall, np.linspace(0, 1, 101))[0].mean())


def ap_101_loops(true_positive, num_targets):
    """The same with lists and the points k / 100, as a learner may write it."""
    precisions, recalls, found = [], [], 0
    for rank, hit in enumerate(true_positive, start=1):
        found += bool(hit)
        precisions.append(found / rank)
        recalls.append(found / num_targets)
    total = 0.0
    for k in range(101):
        reached = [p for p, r in zip(precisions, recalls, strict=True) if r >= k / 100]
        total += max(reached) if reached else 0.0
    return total / 101


def test_ap_cases_match_the_library_and_an_independent_computation():
    assert _AP_CASES[0] == ([True, False, True, True, False], 4)
    assert any(not case for case, _ in _AP_CASES)
    for true_positive, num_targets in _AP_CASES:
        expected = _library_ap(true_positive, num_targets)
        assert expected == pytest.approx(ap_101(true_positive, num_targets), abs=1e-12)
        assert expected == pytest.approx(ap_101_loops(true_positive, num_targets), abs=1e-12)
    # the chapter's list: (26 points at precision 1 + 50 at 0.75) / 101
    assert _library_ap([True, False, True, True, False], 4) == pytest.approx(63.5 / 101)


def test_ap_right_answers():
    result = check_ap_from_ranked(ap_101)
    assert_right(result)
    assert "0.6287" in result.message and "6 ranked lists" in result.message
    assert_right(check_ap_from_ranked(ap_101_loops))
    assert_right(check_ap_from_ranked(lambda tp, n: np.float32(ap_101(tp, n))))


def test_ap_a_function_that_needs_a_list_is_called_again_with_one():
    def list_only(true_positive, num_targets):
        if not true_positive:  # ambiguous for an array of several items
            return 0.0
        return ap_101(list(true_positive), num_targets)

    assert_right(check_ap_from_ranked(list_only))


def wrong_aps():
    def no_envelope(tp, n):
        _, precision, recall, _ = curve(tp, n)
        return sample(precision, recall, np.linspace(0, 1, 101))[0].mean()

    def eleven_points(tp, n):
        _, _, recall, envelope = curve(tp, n)
        return sample(envelope, recall, np.linspace(0, 1, 11))[0].mean()

    def voc07(tp, n):
        _, precision, recall, _ = curve(tp, n)
        return np.mean([precision[recall >= t].max() if (recall >= t).any() else 0.0
                        for t in np.arange(0.0, 1.1, 0.1)])

    def all_points(tp, n):  # VOC 2010+: sum of recall step x envelope
        hits, _, recall, envelope = curve(tp, n)
        steps = np.diff(np.concatenate([[0.0], recall]))
        return float((steps * envelope).sum())

    def mean_at_hits(tp, n):
        hits, precision, _, _ = curve(tp, n)
        return precision[hits].sum() / max(hits.sum(), 1)

    def reached_only(tp, n):
        _, _, recall, envelope = curve(tp, n)
        values, reached = sample(envelope, recall, np.linspace(0, 1, 101))
        return values[reached].mean() if reached.any() else 0.0

    def forward_envelope(tp, n):
        _, precision, recall, _ = curve(tp, n)
        return sample(np.maximum.accumulate(precision), recall, np.linspace(0, 1, 101))[0].mean()

    def non_interpolated(tp, n):
        hits, precision, _, _ = curve(tp, n)
        return precision[hits].sum() / n

    return {
        "no envelope": (no_envelope, "you sampled the raw precision at the recall points"),
        "11 points": (eleven_points, "that is the 11-point average of VOC 2007"),
        "voc07 loop": (voc07, "that is the 11-point average of VOC 2007"),
        "all points": (all_points, "that is the all-point AP of VOC 2010 and later"),
        "mean at TPs": (mean_at_hits, "you averaged the precision at the true positives, "
                                      "dividing by the number of true positives"),
        "reached only": (reached_only, "you averaged only over the recall points the list "
                                       "reaches"),
        "non-interpolated": (non_interpolated, "that is the non-interpolated AP"),
        "forward envelope": (forward_envelope, "your envelope runs forwards"),
        "percentage": (lambda tp, n: 100 * ap_101(tp, n), "right number, but as a percentage"),
    }


@pytest.mark.parametrize("variant", list(wrong_aps()))
def test_ap_typical_mistakes(variant):
    function, hint = wrong_aps()[variant]
    name = function.__name__ if function.__name__.isidentifier() else "ap_101"
    assert_hint(check_ap_from_ranked(function),
                f"on {name}([True, False, True, True, False], 4): {hint}")


def test_ap_wrong_from_the_first_case_on_names_its_inputs():
    result = check_ap_from_ranked(lambda tp, n: 0.5)
    assert_hint(result, "on ap_101([True, False, True, True, False], 4) your function "
                        "returns 0.5000, COCO's AP is 0.6287")
    assert_hint(check_ap_from_ranked(lambda tp, n: 2.0), "on ap_101([True, False, True, True, "
                                                         "False], 4) your function returns "
                                                         "2.0000 (AP lies between 0 and 1)")


def test_ap_reports_the_first_failing_case():
    def wrong_when_all_false(tp, n):
        return 1.0 if not any(tp) else ap_101(tp, n)

    assert_hint(check_ap_from_ranked(wrong_when_all_false),
                "on wrong_when_all_false([False, False, False], 2) your function returns "
                "1.0000, COCO's AP is 0.0000")


def test_ap_empty_list():
    def nan_when_empty(tp, n):
        return ap_101(tp, n) if len(tp) else float("nan")

    def raises_when_empty(tp, n):
        return ap_101(tp, n) if len(tp) else max([])

    assert_hint(check_ap_from_ranked(nan_when_empty), "`nan_when_empty([], 3)` returns NaN")
    result = check_ap_from_ranked(raises_when_empty)
    assert_hint(result, "`raises_when_empty([], 3)` raised ValueError")
    assert "return 0.0 when the list is empty" in result.message


def test_ap_functions_that_raise_or_return_odd_things():
    def broken(true_positive, num_targets):
        return true_positive[100]

    result = check_ap_from_ranked(broken)
    assert_hint(result, "`broken([True, False, True, True, False], 4)` raised IndexError")
    assert "Run `broken(" in result.message
    assert_hint(check_ap_from_ranked(lambda tp, n: 1 / 0), "`ap_101([True, False, True, True, "
                                                           "False], 4)` raised "
                                                           "ZeroDivisionError")
    assert_hint(check_ap_from_ranked(lambda tp, n: None), "your function returns None")
    assert_hint(check_ap_from_ranked(lambda tp, n: "0.6"), "return one number, the AP")
    assert_hint(check_ap_from_ranked(lambda tp, n: [0.5, 0.6]), "return one number, the AP")
    assert_hint(check_ap_from_ranked(lambda tp, n: np.zeros(101)), "you returned 101 values")
    assert_hint(check_ap_from_ranked(lambda tp, n: math.nan),
                "`ap_101([True, False, True, True, False], 4)` returns NaN")


def test_ap_wrong_signature_and_not_a_function():
    def one_argument(true_positive):
        return 0.5

    assert_hint(check_ap_from_ranked(one_argument),
                "your function must take two arguments, `ap_101(true_positive, num_targets)`;"
                " yours takes `(true_positive)`")
    assert_hint(check_ap_from_ranked(lambda: 0.5), "your function must take two arguments")
    assert_right(check_ap_from_ranked(lambda *args: ap_101(*args)))
    assert_hint(check_ap_from_ranked(0.6287), "pass the function itself")
    assert_hint(check_ap_from_ranked("ap_101"), "pass the function itself")
    assert_hint(check_ap_from_ranked(math.nan), "pass the function itself")


def test_ap_stubs():
    stub = learner_stub("ap_101", "ap_101(true_positive, num_targets)")
    assert_not_answered(check_ap_from_ranked(stub), "`ap_101` still raises NotImplementedError")
    assert_not_answered(check_ap_from_ranked(...), "`ap_101` is not written yet")
    assert_not_answered(check_ap_from_ranked(None), "`ap_101` is not written yet")


# --- exercise 4: panoptic quality by hand ----------------------------------------------------

IOUS, NUM_FP, NUM_FN = [0.9, 0.8, 0.6], 1, 2   # PQ = 2.3 / (3 + 0.5 + 1) = 0.5111


def test_panoptic_quality_right_answers():
    result = check_panoptic_quality(2.3 / 4.5, IOUS, NUM_FP, NUM_FN)
    assert_right(result)
    assert "0.7667 x 0.6667 = 0.5111" in result.message
    sq, rq = np.mean(IOUS), 3 / (3 + NUM_FP / 2 + NUM_FN / 2)
    assert_right(check_panoptic_quality(sq * rq, IOUS, NUM_FP, NUM_FN))
    assert_right(check_panoptic_quality(np.float64(2.3 / 4.5), np.array(IOUS), NUM_FP, NUM_FN))
    assert_right(check_panoptic_quality(0.0, [], 2, 1))


@pytest.mark.parametrize("value, start", [
    (np.mean(IOUS), "that is SQ alone"),
    (3 / 4.5, "that is RQ alone"),
    (2.3 / 6, "that is sum(IoU) / (TP + FP + FN): the formula without the halves, or the "
              "mean IoU over the matched pairs and the unmatched segments counted as 0"),
    (2.3 / 4, "you divided by TP + FP, the predicted segments only"),
    (2.3 / 5, "you divided by TP + FN, the target segments only"),
    (100 * 2.3 / 4.5, "right number, but as a percentage"),
    (0.511, "close: that looks rounded"),
    (0.77, "(rounded) that is SQ alone"),
    (1.2, "1.2 is not a possible PQ"),
    (0.3, "add the IoUs of the matched pairs"),
    (math.nan, "your answer is nan: here PQ is a number"),
])
def test_panoptic_quality_typical_mistakes(value, start):
    assert_hint(check_panoptic_quality(value, IOUS, NUM_FP, NUM_FN), start)


def test_panoptic_quality_one_side_is_right_when_fp_equals_fn():
    # TP + FP/2 + FN/2 = TP + FP when FP = FN: that division is PQ itself
    assert_right(check_panoptic_quality(1.5 / 3, [0.8, 0.7], 1, 1))


def test_panoptic_quality_without_any_segment_is_nan():
    assert_right(check_panoptic_quality(math.nan, [], 0, 0))
    assert_right(check_panoptic_quality(np.nan, np.zeros(0), 0, 0))
    for value in (0, 0.0, 1, 1.0):
        result = check_panoptic_quality(value, [], 0, 0)
        assert_hint(result, "with no segment at all (TP + FP + FN = 0) PQ is 0/0, undefined")
        assert f"not {value:g}" in result.message
    assert_hint(check_panoptic_quality(0.5, [], 0, 0), "with no segment at all")


def test_panoptic_quality_stubs_and_odd_answers():
    assert_not_answered(check_panoptic_quality(..., IOUS, NUM_FP, NUM_FN),
                        "replace the `...` after `pq_value =`")
    assert_not_answered(check_panoptic_quality(None, IOUS, NUM_FP, NUM_FN), "`pq_value` is None")
    assert_hint(check_panoptic_quality("0.51", IOUS, NUM_FP, NUM_FN),
                "`pq_value` should be one number")
    assert_hint(check_panoptic_quality([0.5, 0.6], IOUS, NUM_FP, NUM_FN),
                "`pq_value` should be one number")
    assert_hint(check_panoptic_quality(metrics.panoptic_quality, IOUS, NUM_FP, NUM_FN),
                "`pq_value` is a function")


# --- no checker raises on an odd answer ------------------------------------------------------


@pytest.mark.parametrize("odd", [None, ..., "text", math.nan, math.inf, [], (), {}, True,
                                 np.zeros((2, 2)), object(), lambda *args: 1 / 0,
                                 lambda *args: None])
def test_no_checker_raises_on_an_odd_answer(odd):
    pred, target, scores = match_scene()
    results = [check_object_iou(odd, MASK_A, MASK_B),
               check_match_counts(odd, pred, target, scores),
               check_ap_from_ranked(odd),
               check_panoptic_quality(odd, IOUS, NUM_FP, NUM_FN)]
    for result in results:
        assert not result and isinstance(result.message, str) and result.message
