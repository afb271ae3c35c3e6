"""Checkers of chapter 04 (``notebooks/04_pixel_scores.ipynb``).

- Exercise 1: :func:`check_dice_from_confusion`, the Dice score of a 2 x 2
  confusion matrix ``[[TN, FP], [FN, TP]]``, NaN when it is 0/0.
- Exercise 2: :func:`check_balanced_accuracy`, balanced accuracy by hand.
- Exercise 3: :func:`check_macro_dice`, macro Dice that leaves out the
  classes absent from both maps.
- Exercise 4: :func:`check_hd95`, a function for the HD95 of two masks, tried
  on the chapter's masks and on the same masks swapped.

Each checker compares with :mod:`segcourse.metrics` and, for a wrong answer,
recognises the usual mistakes (the background's score instead of the
foreground's, IoU for Dice, absent classes counted as 0, a pooled
percentile...) and names the one it sees.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._validation import check_mask, check_same_shape
from ..metrics import (
    accuracy,
    average_surface_distance,
    balanced_accuracy,
    dice,
    hausdorff_distance,
    mask_boundary,
    precision,
    recall,
    specificity,
)
from ._common import (
    CheckResult,
    _as_number,
    _call,
    _close,
    _describe,
    _hint,
    _not_a_function,
    _number_verdict,
    _ratio,
    _right,
)

__all__ = [
    "check_dice_from_confusion",
    "check_balanced_accuracy",
    "check_macro_dice",
    "check_hd95",
]


# ---------------------------------------------------------------------------
# Exercise 1: Dice from a confusion matrix
# ---------------------------------------------------------------------------

#: The matrices ``[[TN, FP], [FN, TP]]`` the checker tries, the first the chapter's.
_MATRICES = [
    [[27, 5], [4, 12]],       # section 2 of the chapter: every mistake gives another number
    [[9_000, 30], [20, 50]],  # imbalanced
    [[10, 3], [6, 0]],        # nothing found: Dice 0
    [[14, 2], [0, 0]],        # a false alarm on an empty image: Dice 0
    [[16, 0], [0, 0]],        # both masks empty: 0/0, NaN
]


def _dice_mistakes(tn, fp, fn, tp):
    """(value, hint) of the usual wrong formulas, in the order they are looked for."""
    n = tn + fp + fn + tp
    return [
        (_ratio(2 * tn, 2 * tn + fp + fn),
         "that is the Dice score of the background: cm[0, 0] is TN. The matrix is "
         "[[TN, FP], [FN, TP]] (rows: the truth, columns: the prediction), so TP is cm[1, 1]."),
        (_ratio(tp, tp + fp + fn),
         "that is the IoU, TP / (TP + FP + FN). Dice counts the overlap twice: "
         "2 TP / (2 TP + FP + FN)."),
        (_ratio(tp + tn, n),
         "that is the accuracy, (TP + TN) / N. Dice leaves the true negatives out: "
         "2 TP / (2 TP + FP + FN)."),
        (_ratio(tp, tp + fp),
         "that is the precision, TP / (TP + FP); Dice also counts the false negatives: "
         "2 TP / (2 TP + FP + FN)."),
        (_ratio(tp, tp + fn),
         "that is the recall, TP / (TP + FN); Dice also counts the false positives: "
         "2 TP / (2 TP + FP + FN)."),
        (_ratio(2 * tp, tp + fp + fn),
         "the numerator is right but the denominator misses one TP: it is |P| + |T| = "
         "(TP + FP) + (TP + FN) = 2 TP + FP + FN."),
        (_ratio(tp, 2 * tp + fp + fn),
         "the denominator is right but the numerator misses its factor 2: 2 TP."),
    ]


def check_dice_from_confusion(function) -> CheckResult:
    """Check ``dice_from_confusion(cm) -> float`` for a 2 x 2 matrix ``[[TN, FP], [FN, TP]]``.

    The foreground's Dice score, :math:`2 TP / (2 TP + FP + FN)`, and NaN
    when both masks are empty (TP = FP = FN = 0, a 0/0), as
    :func:`segcourse.metrics.dice` returns it.

    Examples
    --------
    >>> def dice_from_confusion(cm):
    ...     tp, fp, fn = cm[1, 1], cm[0, 1], cm[1, 0]
    ...     return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else np.nan
    >>> check_dice_from_confusion(dice_from_confusion).correct
    True
    >>> check_dice_from_confusion(lambda cm: cm[1, 1] / (cm[1, 1] + cm[0, 1] + cm[1, 0]))
    Not yet. Hint: that is the IoU, TP / (TP + FP + FN). Dice counts the overlap twice:
    2 TP / (2 TP + FP + FN).
    """
    verdict = _not_a_function(function, "dice_from_confusion", "dice_from_confusion(cm)",
                              "exercises.check_dice_from_confusion")
    if verdict is not None:
        return verdict
    for values in _MATRICES:
        cm = np.array(values, dtype=np.int64)
        (tn, fp), (fn, tp) = values
        expected = _ratio(2 * tp, 2 * tp + fp + fn)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # numpy's 0/0
                got, failure = _call(function, cm.copy(), name="dice_from_confusion")
        except ZeroDivisionError:
            if math.isnan(expected):
                return _hint("your function divides 0 by 0 when both masks are empty "
                             f"(cm = {values}): the Dice score is undefined there. Return "
                             "np.nan when 2 TP + FP + FN is 0.")
            raise
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            return _hint(f"return one number (the foreground's Dice score); got {_describe(got)}.")
        if _close(value, expected):
            continue
        if math.isnan(expected):
            return _hint(f"with both masks empty (cm = {values}) the Dice score is 0/0, "
                         f"undefined, and the course returns NaN; you returned {value:g}. "
                         "Return np.nan when 2 TP + FP + FN is 0, so that whoever averages "
                         "the scores decides what an empty image counts for.")
        for wrong, hint in _dice_mistakes(tn, fp, fn, tp):
            if _close(value, wrong):
                return _hint(hint)
        return _hint(f"for cm = {values} the Dice score is {expected:.4f}, you returned "
                     f"{value:.4f}. Read TP = cm[1, 1], FP = cm[0, 1], FN = cm[1, 0] and "
                     "compute 2 TP / (2 TP + FP + FN).")
    return _right(f"2 TP / (2 TP + FP + FN) on {len(_MATRICES)} matrices, NaN for two empty "
                  "masks. TN never enters: that is why Dice is not fooled by a large background.")


# ---------------------------------------------------------------------------
# Exercise 2: balanced accuracy by hand
# ---------------------------------------------------------------------------

def check_balanced_accuracy(balanced, pred, target) -> CheckResult:
    """Check exercise 2: the balanced accuracy of two binary masks, computed by hand.

    Balanced accuracy is the mean of the recall of the foreground
    (sensitivity) and the recall of the background (specificity), as
    :func:`segcourse.metrics.balanced_accuracy` computes it.

    Parameters
    ----------
    balanced
        The learner's answer.
    pred, target : binary masks of the same shape

    Examples
    --------
    >>> target = np.array([[0, 1, 1, 0, 0, 0]], dtype=bool)
    >>> pred = np.array([[0, 1, 0, 1, 0, 0]], dtype=bool)
    >>> check_balanced_accuracy(0.625, pred, target)
    Correct! (recall 0.500 + specificity 0.750) / 2 = 0.625, while accuracy is 0.667.
    >>> check_balanced_accuracy(4 / 6, pred, target).message[:24]
    'that is the accuracy, (T'
    """
    value, verdict = _number_verdict(balanced, "balanced")
    if verdict is not None:
        return verdict
    pred = check_mask(pred, "pred")
    target = check_mask(target, "target")
    check_same_shape(pred, target, "pred", "target")
    expected = balanced_accuracy(pred, target)
    sensitivity, selectivity = recall(pred, target), specificity(pred, target)
    if _close(value, expected):
        return _right(f"(recall {sensitivity:.3f} + specificity {selectivity:.3f}) / 2 = "
                      f"{expected:.3f}, while accuracy is {accuracy(pred, target):.3f}.")
    foreground_precision = precision(pred, target)
    background_precision = precision(~pred, ~target)
    mistakes = [
        (100 * expected, "right number, but as a percentage: give a fraction between 0 and 1."),
        (accuracy(pred, target),
         "that is the accuracy, (TP + TN) / N, which the large background dominates. "
         "Balanced accuracy averages the two classes' recalls: (TP / (TP + FN) + "
         "TN / (TN + FP)) / 2."),
        (sensitivity, "that is the recall of the foreground alone; average it with the recall "
                      "of the background (the specificity, TN / (TN + FP))."),
        (selectivity, "that is the specificity (the background's recall) alone; average it "
                      "with the foreground's recall, TP / (TP + FN)."),
        ((foreground_precision + background_precision) / 2,
         "that is the mean of the two classes' precisions: TP / (TP + FP) divides by the "
         "predicted pixels. Balanced accuracy averages recalls, divided by the true pixels: "
         "TP / (TP + FN) and TN / (TN + FP). (Swapped pred and target give this too.)"),
        ((foreground_precision + sensitivity) / 2,
         "that is the mean of precision and recall. Balanced accuracy is the mean of the "
         "recall of each class: TP / (TP + FN) and TN / (TN + FP)."),
        (dice(pred, target), "that is the Dice score. Balanced accuracy is (TP / (TP + FN) + "
                             "TN / (TN + FP)) / 2."),
        (foreground_precision, "that is the precision, TP / (TP + FP). Balanced accuracy is "
                               "(TP / (TP + FN) + TN / (TN + FP)) / 2."),
    ]
    for wrong, hint in mistakes:
        if _close(value, wrong):
            return _hint(hint)
    return _hint(f"count TP, FP, FN and TN with boolean masks (pred & target, pred & ~target, "
                 f"...), then compute (TP / (TP + FN) + TN / (TN + FP)) / 2; you gave "
                 f"{value:.4f}.")


# ---------------------------------------------------------------------------
# Exercise 3: macro Dice that skips absent classes
# ---------------------------------------------------------------------------

def _macro_cases():
    """(pred, target, num_classes) cases, each catching a usual mistake."""
    target = np.array([[0, 0, 1, 1, 1, 0],
                       [0, 0, 1, 1, 1, 0],
                       [0, 2, 2, 2, 0, 0],
                       [0, 2, 2, 2, 0, 0]])
    pred = np.array([[0, 0, 0, 1, 1, 1],
                     [0, 0, 1, 1, 1, 0],
                     [0, 0, 2, 2, 2, 0],
                     [0, 2, 2, 1, 0, 0]])
    cases = [(pred, target, 4)]                       # class 3 absent from both: left out
    predicted_only = pred.copy()
    predicted_only[0, 0] = 3                          # class 3 predicted, absent: Dice 0
    cases.append((predicted_only, target, 4))
    missed = pred.copy()
    missed[missed == 2] = 0                           # class 2 never predicted: Dice 0
    cases.append((missed, target, 3))
    rng = np.random.default_rng(4)
    large_target = rng.integers(0, 3, size=(12, 12))
    large_pred = np.where(rng.random((12, 12)) < 0.7, large_target, rng.integers(0, 3, (12, 12)))
    cases.append((large_pred, large_target, 5))       # two classes absent from both
    return cases


def _macro_mistakes(pred, target, num_classes):
    per_class = dice(pred, target, num_classes=num_classes, average="none")
    absent = np.isnan(per_class)
    in_target = np.isin(np.arange(num_classes), target)
    in_pred = np.isin(np.arange(num_classes), pred)
    defined = per_class[~absent]
    mistakes = [
        (np.where(absent, 0.0, per_class).mean(),
         "a class absent from both maps counts as 0 in your mean: its Dice is 0/0, "
         "undefined, so leave it out (np.nanmean, or only the classes present in pred or "
         "target)."),
        (np.where(absent, 1.0, per_class).mean(),
         "a class absent from both maps counts as 1 in your mean: its Dice is 0/0, "
         "undefined, so leave it out rather than call it perfect."),
        (accuracy(pred, target),
         "that is the micro average (for label maps, the accuracy): it pools the pixels. "
         "Macro Dice is the mean of the per-class Dice scores."),
        (dice(pred, target, num_classes=num_classes, average="weighted"),
         "that is the weighted average (by the target pixels of each class); macro Dice "
         "gives every class the same weight."),
    ]
    if in_target.sum() != (~absent).sum():
        mistakes.append((np.mean(per_class[in_target]),
                         "you left out a class that is predicted but absent from the target: "
                         "its Dice is 0 (a false alarm), not undefined, and it counts."))
    if in_pred.sum() != (~absent).sum():
        mistakes.append((np.mean(per_class[in_pred]),
                         "you left out a class that is in the target but never predicted: "
                         "its Dice is 0 (a miss), and it counts."))
    mistakes.append((float(np.mean(defined[1:])) if defined.size > 1 else math.nan,
                     "you left out class 0: macro Dice averages every class present, the "
                     "background included."))
    return mistakes


def check_macro_dice(function) -> CheckResult:
    """Check ``macro_dice(pred, target, num_classes) -> float``.

    The mean of the per-class Dice scores over the classes present in
    ``pred`` or ``target``: a class absent from both has a Dice of 0/0 and is
    left out; a class in only one of them has a Dice of 0 and counts. This is
    ``segcourse.metrics.dice(pred, target, num_classes=num_classes,
    average="macro")``.

    Examples
    --------
    >>> from segcourse import metrics
    >>> check_macro_dice(lambda p, t, n: metrics.dice(p, t, num_classes=n, average="macro"))
    Correct! Your macro Dice agrees with metrics.dice(..., average='macro') on 4 cases:
    absent classes left out, a class predicted but absent counted as 0.
    >>> check_macro_dice(lambda p, t, n: metrics.accuracy(p, t)).message[:39]
    'that is the micro average (for label ma'
    """
    verdict = _not_a_function(function, "macro_dice", "macro_dice(pred, target, num_classes)",
                              "exercises.check_macro_dice")
    if verdict is not None:
        return verdict
    cases = _macro_cases()
    for pred, target, num_classes in cases:
        expected = dice(pred, target, num_classes=num_classes, average="macro")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy's 0/0 and mean of nothing
            got, failure = _call(function, pred.copy(), target.copy(), num_classes,
                                 name="macro_dice")
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            if isinstance(got, np.ndarray) and got.size == num_classes:
                return _hint("you returned the per-class scores: return their mean over the "
                             "classes present, one number.")
            return _hint(f"return one number; got {_describe(got)}.")
        if _close(value, expected):
            continue
        if math.isnan(value):
            return _hint("your mean is NaN: a class absent from both maps has a Dice of NaN "
                         "(0/0), and np.mean passes it on. Leave those classes out, for "
                         "example with np.nanmean.")
        for wrong, hint in _macro_mistakes(pred, target, num_classes):
            if _close(value, wrong):
                return _hint(hint)
        return _hint(f"on a test case with num_classes={num_classes} macro Dice is "
                     f"{expected:.4f}, you returned {value:.4f}. For each class c compute "
                     "2 |P_c and T_c| / (|P_c| + |T_c|), skip the classes where that is 0/0, "
                     "and average the rest.")
    return _right(f"Your macro Dice agrees with metrics.dice(..., average='macro') on "
                  f"{len(cases)} cases: absent classes left out, a class predicted but absent "
                  "counted as 0.")


# ---------------------------------------------------------------------------
# Exercise 4: HD95 by hand
# ---------------------------------------------------------------------------

def _directed(points_from, points_to, metric="euclidean"):
    difference = points_from[:, None, :] - points_to[None, :, :]
    if metric == "cityblock":
        return np.abs(difference).sum(axis=-1).min(axis=1)
    return np.sqrt((difference ** 2).sum(axis=-1)).min(axis=1)


def _hd95_masks():
    """The pairs ``(pred, target, name)`` the checker tries, the chapter's first.

    The chapter's pair is followed by the same pair swapped: on the
    chapter's pair the larger direction is the prediction's, on the swapped
    one the target's, so an answer that takes one direction only passes one
    of the two and fails the other.
    """
    target = np.zeros((8, 10), dtype=bool)
    target[2:6, 1:5] = True
    pred = np.zeros((8, 10), dtype=bool)
    pred[1:6, 3:8] = True
    pred[7, 9] = True
    small_target = np.zeros((6, 6), dtype=bool)
    small_target[1:4, 1:4] = True
    small_pred = np.zeros((6, 6), dtype=bool)
    small_pred[1:4, 2:5] = True
    small_pred[5, 5] = True
    return [(pred, target, "hd95(hd_pred, hd_target)"),
            (target, pred, "hd95(hd_target, hd_pred), the chapter's masks swapped"),
            (small_target, small_pred, "a 6 x 6 pair whose stray pixel is in target")]


def _hd95_mistakes(pred, target, one_direction_passed=False):
    points_pred = np.argwhere(mask_boundary(pred))
    points_target = np.argwhere(mask_boundary(target))
    forward, backward = _directed(points_pred, points_target), _directed(points_target,
                                                                         points_pred)
    city_forward = _directed(points_pred, points_target, "cityblock")
    city_backward = _directed(points_target, points_pred, "cityblock")
    all_pred, all_target = np.argwhere(pred), np.argwhere(target)
    all_forward, all_backward = _directed(all_pred, all_target), _directed(all_target, all_pred)

    def both(function):
        return max(function(forward), function(backward))

    def one_direction(which):
        hint = (f"that is only one direction ({which}). Take the 95th percentile the other "
                "way too, then the larger of the two.")
        if one_direction_passed:
            hint += (" On hd_pred and hd_target that direction happens to be the larger one, "
                     "so your number agreed there; on these masks it is the smaller one.")
        return hint

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PercentileWarning for 0.95
        hd = hausdorff_distance(pred, target)
    return [
        (hd, "that is the Hausdorff distance itself, the largest distance. HD95 takes the 95th "
             "percentile of each direction's distances (np.percentile(d, 95)), then the larger "
             "of the two."),
        (both(lambda d: np.percentile(d, 0.95)),
         "np.percentile takes a percentile from 0 to 100: 0.95 is almost the smallest distance. "
         "Pass 95."),
        (np.percentile(np.concatenate([forward, backward]), 95),
         "you took one percentile of both directions' distances pooled. HD95 (as MONAI and "
         "the course compute it) takes the 95th percentile of each direction separately, "
         "then the larger."),
        (float(np.percentile(forward, 95)), one_direction("pred's outline to target's")),
        (float(np.percentile(backward, 95)), one_direction("target's outline to pred's")),
        ((np.percentile(forward, 95) + np.percentile(backward, 95)) / 2,
         "you averaged the two directions' percentiles: HD95 takes the larger of the two."),
        (both(lambda d: np.percentile(d, 95, method="nearest")),
         "close: use np.percentile's default, which interpolates linearly between the two "
         "nearest distances (method='linear'), not the nearest one."),
        (both(lambda d: np.percentile(d, 95, method="higher")),
         "close: use np.percentile's default, which interpolates linearly between the two "
         "nearest distances (method='linear'), not the higher one."),
        (both(lambda d: np.percentile(d ** 2, 95)),
         "those are squared distances: take the square root of the sum of squares "
         "(np.linalg.norm or np.hypot)."),
        (max(np.percentile(city_forward, 95), np.percentile(city_backward, 95)),
         "those are city-block distances (|dy| + |dx|): use Euclidean ones, sqrt(dy**2 + "
         "dx**2)."),
        (max(np.percentile(all_forward, 95), np.percentile(all_backward, 95)),
         "you measured from every pixel of each mask; HD95 measures between the outlines: "
         "first take each mask's boundary (the mask minus its erosion, "
         "metrics.mask_boundary)."),
        (average_surface_distance(pred, target),
         "that is the average surface distance (ASSD), a mean. HD95 is a 95th percentile."),
    ]


def check_hd95(function) -> CheckResult:
    """Check exercise 4: ``hd95(pred, target) -> float``, the HD95 of two masks by hand.

    HD95 as the course (and MONAI) defines it: the boundary of each mask
    (the mask minus its erosion), the Euclidean distance of every boundary
    pixel to the other boundary, the 95th percentile (linear interpolation)
    of each direction, and the larger of the two:
    ``segcourse.metrics.hausdorff_distance(pred, target, percentile=95)``.
    The function is tried on the chapter's masks, on the same masks swapped
    (so that one direction alone cannot pass) and on a third pair.

    Examples
    --------
    >>> from segcourse import metrics
    >>> check_hd95(lambda p, t: metrics.hausdorff_distance(p, t, percentile=95))
    Correct! HD95 = 3.607 px on the chapter's masks, against a Hausdorff distance of
    5.385 px; your function agrees on 3 pairs, the chapter's masks swapped among them.
    >>> check_hd95(lambda p, t: metrics.hausdorff_distance(p, t)).message[:44]
    'that is the Hausdorff distance itself, the l'
    """
    verdict = _not_a_function(function, "hd95", "hd95(pred, target)", "exercises.check_hd95")
    if verdict is not None:
        return verdict
    cases = _hd95_masks()
    for index, (pred, target, where) in enumerate(cases):
        pred, target = check_mask(pred, "pred", ndims=(2,)), check_mask(target, "target",
                                                                       ndims=(2,))
        check_same_shape(pred, target, "pred", "target")
        expected = hausdorff_distance(pred, target, percentile=95)
        got, failure = _call(function, pred.copy(), target.copy(), name="hd95")
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            return _hint(f"return one number, the HD95; got {_describe(got)}.")
        if _close(value, expected):
            continue
        for wrong, hint in _hd95_mistakes(pred, target, one_direction_passed=index > 0):
            if _close(value, wrong):
                return _hint(f"on {where}: {hint}" if index else hint)
        return _hint(f"on {where} your function returns {value:.3f} px, which is not the HD95. "
                     "Take each mask's boundary, the distance of each boundary pixel to the "
                     "nearest boundary pixel of the other mask, np.percentile(..., 95) of each "
                     "direction, and the larger of the two.")
    pred, target, _ = cases[0]
    return _right(f"HD95 = {hausdorff_distance(pred, target, percentile=95):.3f} px on the "
                  f"chapter's masks, against a Hausdorff distance of "
                  f"{hausdorff_distance(pred, target):.3f} px; your function agrees on "
                  f"{len(cases)} pairs, the chapter's masks swapped among them.")
