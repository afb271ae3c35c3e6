"""Checkers of chapter 04: the right answers, one test per typical wrong answer and its
hint, both stubs of a learner copy, and answers of the wrong kind."""

from __future__ import annotations

import numpy as np
import pytest
from checker_asserts import assert_hint, assert_not_answered, assert_right, learner_stub

from segcourse import exercises, metrics
from segcourse.exercises import (
    check_balanced_accuracy,
    check_dice_from_confusion,
    check_hd95,
    check_macro_dice,
)


def test_chapter_04_checkers_are_importable_from_segcourse_exercises():
    from segcourse.exercises import ch04

    for name in ch04.__all__:
        assert getattr(exercises, name) is getattr(ch04, name)
        assert name in exercises.__all__


# --- exercise 1: Dice from a confusion matrix ---------------------------------------------


def dice_from_confusion(cm):
    tp, fp, fn = cm[1, 1], cm[0, 1], cm[1, 0]
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else np.nan


def test_dice_from_confusion_right_answers():
    assert_right(check_dice_from_confusion(dice_from_confusion))
    # numpy's 0/0 (nan with a RuntimeWarning) is a right answer too, silently
    assert_right(check_dice_from_confusion(
        lambda cm: 2 * cm[1, 1] / (2 * cm[1, 1] + cm[0, 1] + cm[1, 0])))
    # the library itself, on the masks that make the matrix
    assert_right(check_dice_from_confusion(
        lambda cm: dice_from_confusion(np.asarray(cm, dtype=float))))


@pytest.mark.parametrize("wrong, start", [
    (lambda cm: 2 * cm[0, 0] / (2 * cm[0, 0] + cm[0, 1] + cm[1, 0]),
     "that is the Dice score of the background: cm[0, 0] is TN"),
    (lambda cm: cm[1, 1] / (cm[1, 1] + cm[0, 1] + cm[1, 0]), "that is the IoU"),
    (lambda cm: (cm[0, 0] + cm[1, 1]) / cm.sum(), "that is the accuracy"),
    (lambda cm: cm[1, 1] / (cm[1, 1] + cm[0, 1]), "that is the precision"),
    (lambda cm: cm[1, 1] / (cm[1, 1] + cm[1, 0]), "that is the recall"),
    (lambda cm: 2 * cm[1, 1] / (cm[1, 1] + cm[0, 1] + cm[1, 0]),
     "the numerator is right but the denominator misses one TP"),
    (lambda cm: cm[1, 1] / (2 * cm[1, 1] + cm[0, 1] + cm[1, 0]),
     "the denominator is right but the numerator misses its factor 2"),
])
def test_dice_from_confusion_typical_mistakes(wrong, start):
    assert_hint(check_dice_from_confusion(wrong), start)


def test_dice_from_confusion_empty_masks_must_give_nan():
    def zero_when_empty(cm):
        denominator = 2 * cm[1, 1] + cm[0, 1] + cm[1, 0]
        return 2 * cm[1, 1] / denominator if denominator else 0.0

    def python_division(cm):
        tp, fp, fn = int(cm[1, 1]), int(cm[0, 1]), int(cm[1, 0])
        return 2 * tp / (2 * tp + fp + fn)

    assert_hint(check_dice_from_confusion(zero_when_empty),
                "with both masks empty (cm = [[16, 0], [0, 0]]) the Dice score is 0/0")
    assert_hint(check_dice_from_confusion(python_division),
                "your function divides 0 by 0 when both masks are empty")


def test_dice_from_confusion_other_wrong_answers():
    assert_hint(check_dice_from_confusion(lambda cm: None), "your function returns None")
    assert_hint(check_dice_from_confusion(lambda cm: [0.5, 0.7]), "return one number")
    assert_hint(check_dice_from_confusion(lambda cm: 0.5),
                "for cm = [[27, 5], [4, 12]] the Dice score is 0.7273")
    assert_hint(check_dice_from_confusion(0.7), "pass the function itself")


def test_dice_from_confusion_stubs():
    stub = learner_stub("dice_from_confusion", "dice_from_confusion(cm)")
    assert_not_answered(check_dice_from_confusion(stub), "`dice_from_confusion` still raises")
    assert_not_answered(check_dice_from_confusion(...), "`dice_from_confusion` is not written")


def test_dice_from_confusion_lets_other_errors_through():
    def broken(cm):
        return cm[2, 2]

    with pytest.raises(IndexError):
        check_dice_from_confusion(broken)


# --- exercise 2: balanced accuracy ----------------------------------------------------------

EX_TARGET = np.array([[0, 0, 0, 0, 0, 0],
                      [0, 1, 1, 0, 0, 0],
                      [0, 1, 1, 0, 0, 0],
                      [0, 0, 0, 0, 0, 0]], dtype=bool)
EX_PRED = np.array([[0, 0, 0, 0, 0, 0],
                    [0, 1, 1, 1, 0, 0],
                    [0, 0, 1, 1, 0, 0],
                    [0, 0, 0, 0, 0, 1]], dtype=bool)


def test_balanced_accuracy_right_answer():
    result = check_balanced_accuracy((3 / 4 + 17 / 20) / 2, EX_PRED, EX_TARGET)
    assert_right(result)
    assert "0.800" in result.message and "accuracy is 0.833" in result.message
    assert_right(check_balanced_accuracy(np.float32(0.8), EX_PRED, EX_TARGET))
    assert_right(check_balanced_accuracy(np.array(0.8), EX_PRED, EX_TARGET))


@pytest.mark.parametrize("value, start", [
    (80.0, "right number, but as a percentage"),
    (20 / 24, "that is the accuracy"),
    (3 / 4, "that is the recall of the foreground alone"),
    (17 / 20, "that is the specificity"),
    ((3 / 6 + 17 / 18) / 2, "that is the mean of the two classes' precisions"),
    ((3 / 6 + 3 / 4) / 2, "that is the mean of precision and recall"),
    (6 / 10, "that is the Dice score"),
    (3 / 6, "that is the precision"),
    (0.42, "count TP, FP, FN and TN"),
])
def test_balanced_accuracy_typical_mistakes(value, start):
    assert_hint(check_balanced_accuracy(value, EX_PRED, EX_TARGET), start)


def test_balanced_accuracy_swapped_masks_get_the_precision_hint():
    swapped = metrics.balanced_accuracy(EX_TARGET, EX_PRED)
    assert_hint(check_balanced_accuracy(swapped, EX_PRED, EX_TARGET),
                "that is the mean of the two classes' precisions")


def test_balanced_accuracy_stub_and_wrong_kinds():
    assert_not_answered(check_balanced_accuracy(..., EX_PRED, EX_TARGET),
                        "replace the `...` after `balanced =`")
    assert_not_answered(check_balanced_accuracy(None, EX_PRED, EX_TARGET), "`balanced` is None")
    assert_hint(check_balanced_accuracy(np.array([0.75, 0.85]), EX_PRED, EX_TARGET),
                "`balanced` should be one number")
    assert_hint(check_balanced_accuracy(metrics.balanced_accuracy, EX_PRED, EX_TARGET),
                "`balanced` is a function")


# --- exercise 3: macro Dice -----------------------------------------------------------------


def macro_dice(pred, target, num_classes):
    scores = []
    for c in range(num_classes):
        sizes = np.sum(pred == c) + np.sum(target == c)
        if sizes:
            scores.append(2 * np.sum((pred == c) & (target == c)) / sizes)
    return float(np.mean(scores))


def per_class(pred, target, num_classes):
    return [2 * np.sum((pred == c) & (target == c)) / (np.sum(pred == c) + np.sum(target == c))
            for c in range(num_classes)]


def test_macro_dice_right_answers():
    assert_right(check_macro_dice(macro_dice))
    assert_right(check_macro_dice(lambda p, t, n: np.nanmean(per_class(p, t, n))))
    assert_right(check_macro_dice(
        lambda p, t, n: metrics.dice(p, t, num_classes=n, average="macro")))


@pytest.mark.parametrize("wrong, start", [
    (lambda p, t, n: np.mean(np.nan_to_num(per_class(p, t, n), nan=0.0)),
     "a class absent from both maps counts as 0"),
    (lambda p, t, n: np.mean(np.nan_to_num(per_class(p, t, n), nan=1.0)),
     "a class absent from both maps counts as 1"),
    (lambda p, t, n: np.mean(per_class(p, t, n)), "your mean is NaN"),
    (lambda p, t, n: metrics.accuracy(p, t), "that is the micro average"),
    (lambda p, t, n: metrics.dice(p, t, num_classes=n, average="weighted"),
     "that is the weighted average"),
    (lambda p, t, n: np.mean([per_class(p, t, n)[c] for c in np.unique(t)]),
     "you left out a class that is predicted but absent from the target"),
    (lambda p, t, n: np.mean([per_class(p, t, n)[c] for c in np.unique(p)]),
     "you left out a class that is in the target but never predicted"),
    (lambda p, t, n: np.nanmean(per_class(p, t, n)[1:]), "you left out class 0"),
    (lambda p, t, n: 0.5, "on a test case with num_classes=4 macro Dice is"),
])
def test_macro_dice_typical_mistakes(wrong, start):
    assert_hint(check_macro_dice(wrong), start)


def test_macro_dice_wrong_kinds_and_stubs():
    assert_hint(check_macro_dice(lambda p, t, n: None), "your function returns None")
    assert_hint(check_macro_dice(lambda p, t, n: np.zeros(n)),
                "you returned the per-class scores")
    assert_hint(check_macro_dice(lambda p, t, n: "0.5"), "return one number")
    stub = learner_stub("macro_dice", "macro_dice(pred, target, num_classes)")
    assert_not_answered(check_macro_dice(stub), "`macro_dice` still raises")
    assert_not_answered(check_macro_dice(None), "`macro_dice` is not written")


def test_macro_dice_cases_cover_every_kind_of_absence():
    from segcourse.exercises.ch04 import _macro_cases

    kinds = set()
    for pred, target, num_classes in _macro_cases():
        for c in range(num_classes):
            in_pred, in_target = bool(np.any(pred == c)), bool(np.any(target == c))
            kinds.add((in_pred, in_target))
    assert kinds == {(True, True), (False, False), (True, False), (False, True)}


# --- exercise 4: HD95 -----------------------------------------------------------------------


def hd_masks():
    target = np.zeros((8, 10), dtype=bool)
    target[2:6, 1:5] = True
    pred = np.zeros((8, 10), dtype=bool)
    pred[1:6, 3:8] = True
    pred[7, 9] = True
    return pred, target


def directed(pred, target):
    from_pred = np.argwhere(metrics.mask_boundary(pred))
    from_target = np.argwhere(metrics.mask_boundary(target))
    distances = np.linalg.norm(from_pred[:, None, :] - from_target[None, :, :], axis=-1)
    return distances.min(axis=1), distances.min(axis=0)


def hd95(pred, target):
    forward, backward = directed(pred, target)
    return max(np.percentile(forward, 95), np.percentile(backward, 95))


def test_hd95_right_answers():
    result = check_hd95(hd95)
    assert_right(result)
    assert "3.607" in result.message and "5.385" in result.message
    assert "swapped" in result.message
    assert_right(check_hd95(lambda p, t: metrics.hausdorff_distance(p, t, percentile=95)))
    assert_right(check_hd95(lambda p, t: np.float32(hd95(p, t))))


def test_hd95_one_direction_passes_the_chapters_pair_but_not_the_swapped_one():
    pred, target = hd_masks()
    # the learner's reported answer: right on the chapter's pair by luck
    assert np.percentile(directed(pred, target)[0], 95) == pytest.approx(hd95(pred, target))
    result = check_hd95(lambda p, t: np.percentile(directed(p, t)[0], 95))
    assert_hint(result, "on hd95(hd_target, hd_pred), the chapter's masks swapped: "
                        "that is only one direction (pred's outline to target's)")
    assert "happens to be the larger one" in result.message


def test_hd95_other_direction_fails_on_the_chapters_pair():
    result = check_hd95(lambda p, t: np.percentile(directed(p, t)[1], 95))
    assert_hint(result, "that is only one direction (target's outline to pred's)")
    assert "happens to be" not in result.message


@pytest.mark.parametrize("variant, start", [
    ("hd", "that is the Hausdorff distance itself"),
    ("fraction", "np.percentile takes a percentile from 0 to 100"),
    ("pooled", "you took one percentile of both directions' distances pooled"),
    ("mean", "you averaged the two directions' percentiles"),
    ("nearest", "close: use np.percentile's default"),
    ("squared", "those are squared distances"),
    ("cityblock", "those are city-block distances"),
    ("all pixels", "you measured from every pixel of each mask"),
    ("assd", "that is the average surface distance"),
    ("other", "on hd95(hd_pred, hd_target) your function returns 1.000 px, which is not"),
])
def test_hd95_typical_mistakes(variant, start):
    def city(p, t):
        return np.abs(np.argwhere(metrics.mask_boundary(p))[:, None, :]
                      - np.argwhere(metrics.mask_boundary(t))[None, :, :]).sum(axis=-1)

    def all_pixels(p, t):
        return np.linalg.norm(np.argwhere(p)[:, None, :] - np.argwhere(t)[None, :, :], axis=-1)

    def both(p, t, function):
        forward, backward = directed(p, t)
        return max(function(forward), function(backward))

    functions = {
        "hd": lambda p, t: both(p, t, np.max),
        "fraction": lambda p, t: both(p, t, lambda d: np.percentile(d, 0.95)),
        "pooled": lambda p, t: np.percentile(np.concatenate(directed(p, t)), 95),
        "mean": lambda p, t: np.mean([np.percentile(d, 95) for d in directed(p, t)]),
        "nearest": lambda p, t: both(p, t, lambda d: np.percentile(d, 95, method="nearest")),
        "higher": lambda p, t: both(p, t, lambda d: np.percentile(d, 95, method="higher")),
        "squared": lambda p, t: both(p, t, lambda d: np.percentile(d ** 2, 95)),
        "cityblock": lambda p, t: max(np.percentile(city(p, t).min(axis=1), 95),
                                      np.percentile(city(p, t).min(axis=0), 95)),
        "all pixels": lambda p, t: max(np.percentile(all_pixels(p, t).min(axis=1), 95),
                                       np.percentile(all_pixels(p, t).min(axis=0), 95)),
        "assd": metrics.average_surface_distance,
        "other": lambda p, t: 1.0,
    }
    assert_hint(check_hd95(functions[variant]), start)


def test_hd95_generic_hint_does_not_give_the_answer_away():
    result = check_hd95(lambda p, t: 1.0)
    assert "3.607" not in result.message and "3.6" not in result.message
    assert "not the HD95" in result.message


def test_hd95_stubs_and_wrong_kinds():
    stub = learner_stub("hd95", "hd95(pred, target)")
    assert_not_answered(check_hd95(stub), "`hd95` still raises")
    assert_not_answered(check_hd95(...), "`hd95` is not written")
    assert_hint(check_hd95(3.607), "pass the function itself")
    assert_hint(check_hd95(lambda p, t: None), "your function returns None")
    assert_hint(check_hd95(lambda p, t: np.array([1.0, 2.0])), "return one number")
    assert_hint(check_hd95(lambda p, t: "3.6"), "return one number")


def test_hd95_lets_other_errors_through():
    def broken(pred, target):
        return pred[100, 100]

    with pytest.raises(IndexError):
        check_hd95(broken)
