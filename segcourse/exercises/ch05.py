"""Checkers of chapter 05 (``notebooks/05_object_scores.ipynb``).

- Exercise 1: :func:`check_object_iou`, the IoU of two masks by hand.
- Exercise 2: :func:`check_match_counts`, the counts (TP, FP, FN) of COCO's
  greedy matching at an IoU threshold.
- Exercise 3: :func:`check_ap_from_ranked`, a function for COCO's 101-point
  interpolated AP of a ranked list of detections, tried on several lists.
- Exercise 4: :func:`check_panoptic_quality`, PQ by hand from the IoUs of the
  matched segments and the numbers of unmatched ones.

Each checker compares with :mod:`segcourse.metrics` and, for a wrong answer,
recognises the usual mistakes (Dice for IoU, a duplicate counted as a true
positive, ``>`` for ``>=`` at the threshold, the precision-recall curve
without its envelope, VOC's 11-point or all-point AP, PQ without the
halves...) and names the one it sees.
"""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np

from .._validation import check_mask, check_same_shape
from ..metrics import (
    COCO_RECALL_THRESHOLDS,
    average_precision,
    iou_matrix,
    match_instances,
)
from ._common import (
    CheckResult,
    _as_int,
    _as_number,
    _call,
    _close,
    _decimals,
    _describe,
    _function_name,
    _hint,
    _not_a_function,
    _number_verdict,
    _ratio,
    _right,
    _show,
    _values_are_functions,
    _values_not_answered,
)

__all__ = [
    "check_object_iou",
    "check_match_counts",
    "check_ap_from_ranked",
    "check_panoptic_quality",
]


#: Relative tolerance of an exact answer: float32 arithmetic passes (about 6e-8), a decimal
#: typed with four or five digits does not (it gets the "looks rounded" hint).
_EXACT = 2e-7


def _rounded(value: float, expected: float) -> bool:
    """True if ``value`` is ``expected`` rounded to the two or more decimals it has."""
    decimals = _decimals(value)
    if decimals is None or decimals < 2 or math.isnan(expected):
        return False
    return abs(value - expected) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9)


def _recognise(value, expected, mistakes, rounded_hint):
    """The hint of the first mistake ``value`` equals, the rounding hint, or None.

    Exact matches first, then ``value`` as the right number rounded, then as
    a mistake rounded (to two decimals or more).
    """
    for wrong, hint in mistakes:
        if _close(value, wrong, rel_tol=_EXACT):
            return _hint(hint)
    if _rounded(value, expected):
        return _hint(rounded_hint)
    for wrong, hint in mistakes:
        if _rounded(value, wrong):
            return _hint(f"(rounded) {hint}")
    return None


# ---------------------------------------------------------------------------
# Exercise 1: the IoU of two masks
# ---------------------------------------------------------------------------

def check_object_iou(answer, mask_a, mask_b) -> CheckResult:
    r"""Check exercise 1: the IoU of two boolean masks, computed by hand.

    .. math:: \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}

    as :func:`segcourse.metrics.iou_matrix` computes it (0 for two empty
    masks), up to 1e-9: a rounded decimal gets a hint to write the fraction.

    Parameters
    ----------
    answer
        The learner's number.
    mask_a, mask_b : 2-D masks of the same shape (boolean, or 0 and 1)

    Examples
    --------
    >>> a = np.array([[1, 1, 1, 0]], dtype=bool)
    >>> b = np.array([[0, 1, 1, 1]], dtype=bool)
    >>> check_object_iou(2 / 4, a, b)
    Correct! IoU = |A and B| / |A or B| = 2 / 4 = 0.5000 (Dice would be 0.6667).
    >>> check_object_iou(2 * 2 / (3 + 3), a, b).message[:34]
    'that is the Dice score, 2 |A and B'
    """
    value, verdict = _number_verdict(answer, "object_iou")
    if verdict is not None:
        return verdict
    a = check_mask(mask_a, "mask_a", ndims=(2,))
    b = check_mask(mask_b, "mask_b", ndims=(2,))
    check_same_shape(a, b, "mask_a", "mask_b")
    expected = float(iou_matrix(a[None], b[None])[0, 0])
    inter, area_a, area_b = int((a & b).sum()), int(a.sum()), int(b.sum())
    union = area_a + area_b - inter
    dice = _ratio(2 * inter, area_a + area_b)
    if _close(value, expected, rel_tol=_EXACT):
        return _right(f"IoU = |A and B| / |A or B| = {inter} / {union} = {expected:.4f} "
                      f"(Dice would be {0.0 if math.isnan(dice) else dice:.4f}).")
    if math.isnan(value) or math.isinf(value):
        return _hint(f"your answer is {value}: the IoU is a number between 0 and 1. Count the "
                     "pixels in both masks (`a & b`) and in either (`a | b`), "
                     "and divide.")
    mistakes = [
        (100 * expected, "right number, but as a percentage: give a fraction between 0 and 1."),
        (dice, "that is the Dice score, 2 |A and B| / (|A| + |B|)"
               + (" (for two masks of the same area, also the intersection over the area of "
                  "one mask)" if area_a == area_b else "")
               + ". IoU divides the intersection by the union: |A and B| / |A or B|."),
        (_ratio(inter, area_a), "that is the intersection over the area of the first mask alone; "
                                "IoU divides by the union, the pixels in either mask: "
                                "|A and B| / |A or B|."),
        (_ratio(inter, area_b), "that is the intersection over the area of the second mask alone; "
                                "IoU divides by the union, the pixels in either mask: "
                                "|A and B| / |A or B|."),
        (_ratio(inter, area_a + area_b),
         "the union is not |A| + |B|: that counts the pixels of the intersection twice. "
         "|A or B| = |A| + |B| - |A and B| (or count `a | b`)."),
        (float(inter), "that is the number of pixels of the intersection: divide it by the "
                       "number of pixels of the union, |A or B|."),
    ]
    found = _recognise(value, expected, mistakes,
                       "close: that looks rounded. Write the fraction itself (for example "
                       "`object_iou = 3 / 7`) or compute it from the masks.")
    if found is not None:
        return found
    if not 0 <= value <= 1:
        return _hint(f"{value:g} is not a possible IoU: the intersection is part of the union, "
                     "so their ratio lies between 0 and 1.")
    return _hint("count the pixels in both masks (`a & b`) and the pixels in either "
                 "(`a | b`), then divide the first count by the second.")


# ---------------------------------------------------------------------------
# Exercise 2: TP, FP and FN of COCO's matching
# ---------------------------------------------------------------------------

def _counts(answer):
    """``answer`` as a tuple of three non-negative ints, or a hint (a str)."""
    if isinstance(answer, (str, bytes, dict, set)) or not hasattr(answer, "__len__"):
        return (f"give a tuple of three integers, `counts = (tp, fp, fn)`; got "
                f"{_describe(answer)}.")
    items = list(np.asarray(answer, dtype=object).ravel()) if isinstance(
        answer, np.ndarray) else list(answer)
    if len(items) != 3:
        return f"give three counts (tp, fp, fn); you gave {len(items)}: {_show(answer)}."
    counts = [_as_int(item) for item in items]
    if any(count is None for count in counts):
        return f"give three whole numbers (tp, fp, fn); got {_show(answer)}."
    if any(count < 0 for count in counts):
        return f"counts cannot be negative; got {_show(answer)}."
    return tuple(counts)


def _best_iou_counts(ious, threshold, num_pred, num_target):
    """(TP, FP) when every prediction whose best IoU reaches the threshold is a TP."""
    if num_pred == 0 or num_target == 0:
        return 0, num_pred
    tp = int(np.count_nonzero(ious.max(axis=1) >= threshold))
    return tp, num_pred - tp


def check_match_counts(answer, pred, target, scores, iou_threshold=0.5) -> CheckResult:
    r"""Check exercise 2: ``(tp, fp, fn)``, the object counts of COCO's matching.

    Predictions are matched one to one to target objects, greedily in
    descending score: each takes the unmatched target of highest IoU, if
    that IoU is at least ``iou_threshold`` (``>=``: an IoU of exactly 0.5
    matches at 0.5). Matched predictions are true positives, the others false
    positives; unmatched targets are false negatives. This is
    :func:`segcourse.metrics.match_instances` with ``scores``.

    Parameters
    ----------
    answer
        The learner's tuple ``(tp, fp, fn)``.
    pred : (K, H, W) boolean stack of the predicted masks
    target : (H, W) integer instance map (0 is background)
    scores : (K,) confidence of each prediction
    iou_threshold : float, default 0.5

    Examples
    --------
    >>> target = np.array([[1, 1, 0, 2, 2, 0]])
    >>> pred = np.array([[[1, 1, 0, 0, 0, 0]], [[1, 0, 0, 0, 0, 0]],
    ...                  [[0, 0, 0, 0, 0, 1]]], dtype=bool)
    >>> check_match_counts((1, 2, 1), pred, target, [0.9, 0.8, 0.7])
    Correct! TP = 1, FP = 2, FN = 1 for 3 predictions and 2 target objects. A second
    prediction on an object already matched is a false positive: each object is found once.
    >>> check_match_counts((1, 1, 2), pred, target, [0.9, 0.8, 0.7]).message[:30]
    'FP and FN are swapped: a false'
    """
    if answer is ... or answer is None:
        return _values_not_answered("your counts (tp, fp, fn)", counts=answer)
    if isinstance(answer, (tuple, list)) and any(item is ... for item in answer):
        return CheckResult(False, "replace each `...` in the cell above with your count "
                                  "(TP, FP and FN), then run that cell and this one.",
                           answered=False)
    verdict = _values_are_functions(counts=answer)
    if verdict is not None:
        return verdict
    counts = _counts(answer)
    if isinstance(counts, str):
        return _hint(counts)
    tp, fp, fn = counts
    pred = check_mask(pred, "pred", ndims=(3,))
    scores = np.asarray(scores, dtype=float)
    matches = match_instances(pred, target, iou_threshold=iou_threshold, scores=scores)
    ious = iou_matrix(pred, target)
    num_pred, num_target = ious.shape
    expected = (matches.num_true_positives, matches.num_false_positives,
                matches.num_false_negatives)
    at_threshold = bool(np.any(matches.ious == iou_threshold))
    if (tp, fp, fn) == expected:
        message = (f"TP = {tp}, FP = {fp}, FN = {fn} for {num_pred} predictions and "
                   f"{num_target} target objects.")
        duplicates, _ = _best_iou_counts(ious, iou_threshold, num_pred, num_target)
        if duplicates > expected[0]:
            message += (" A second prediction on an object already matched is a false "
                        "positive: each object is found once.")
        if at_threshold:
            message += (f" A pair with IoU exactly {iou_threshold:g} matches: the rule is "
                        "IoU >= threshold.")
        return _right(message)

    if fp == expected[2] and fn == expected[1] and tp == expected[0]:
        return _hint("FP and FN are swapped: a false positive is a prediction that matches "
                     "no target (a false alarm), a false negative a target that no "
                     "prediction matches (a miss).")
    if iou_threshold < 1:
        strict = match_instances(pred, target, iou_threshold=float(np.nextafter(
            iou_threshold, 2.0)), scores=scores)
        strict_counts = (strict.num_true_positives, strict.num_false_positives,
                         strict.num_false_negatives)
    else:
        strict_counts = (0, num_pred, num_target)
    if strict_counts != expected and (tp, fp, fn) in (strict_counts, (strict_counts[0],
                                                                     strict_counts[2],
                                                                     strict_counts[1])):
        return _hint(f"you left out a pair whose IoU is exactly {iou_threshold:g}: a pair "
                     f"matches when IoU >= {iou_threshold:g} (pycocotools' rule), not only "
                     f"when IoU > {iou_threshold:g}.")
    duplicate_tp, duplicate_fp = _best_iou_counts(ious, iou_threshold, num_pred, num_target)
    if duplicate_tp != expected[0] and tp == duplicate_tp and fp == duplicate_fp:
        return _hint("you counted every prediction whose best IoU reaches the threshold as a "
                     "true positive, duplicates included. Matching is one to one: in "
                     "descending score, each prediction takes a target not matched yet; a "
                     "second prediction on the same object is a false positive.")
    if tp + fp != num_pred:
        return _hint(f"TP + FP = {tp + fp}, but there are {num_pred} predictions: every "
                     "prediction is either a true positive (matched) or a false positive "
                     "(unmatched), so TP + FP must be the number of predictions.")
    if tp + fn != num_target:
        return _hint(f"TP + FN = {tp + fn}, but there are {num_target} target objects: every "
                     "target is either matched (a true positive) or missed (a false "
                     "negative), so TP + FN must be the number of targets.")
    return _hint("compute the IoU of every prediction with every target object; then, in "
                 "descending score, let each prediction take the unmatched target of highest "
                 f"IoU if that IoU is >= {iou_threshold:g}. Count the matched pairs (TP), the "
                 "unmatched predictions (FP) and the unmatched targets (FN).")


# ---------------------------------------------------------------------------
# Exercise 3: COCO's 101-point AP of a ranked list
# ---------------------------------------------------------------------------

#: The ranked lists ``(true_positive, num_targets)`` the checker tries, the chapter's first.
#: No recall of these lists equals one of the ten recall points that pycocotools'
#: np.linspace puts a rounding above their decimals (0.35, 0.70...), so a learner's
#: points ``k / 100`` give the same AP.
_AP_CASES = [
    ([True, False, True, True, False], 4),
    ([False, False, False], 2),                         # all false positives: 0
    ([True, True, True], 5),                            # recall stops at 0.6
    ([False, True, True, False, True], 3),              # the first detection is wrong
    ([True, False, False, True, True, False, True], 4),  # recall 1, a rising envelope
    ([], 3),                                            # no detection at all: 0
]


def _library_ap(true_positive, num_targets) -> float:
    """COCO's AP of a ranked list, by :func:`segcourse.metrics.average_precision`.

    One image, one row of pixels: ``num_targets`` one-pixel target objects,
    one one-pixel prediction per detection (a true positive on its own
    target, a false positive on a pixel without one), scores decreasing.
    """
    hits = [bool(hit) for hit in true_positive]
    count, misses = len(hits), hits.count(False)
    width = max(num_targets + misses, 1)
    targets = np.zeros((num_targets, 1, width), dtype=bool)
    targets[np.arange(num_targets), 0, np.arange(num_targets)] = True
    preds = np.zeros((count, 1, width), dtype=bool)
    found = missed = 0
    for rank, hit in enumerate(hits):
        if hit:
            preds[rank, 0, found] = True
            found += 1
        else:
            preds[rank, 0, num_targets + missed] = True
            missed += 1
    scores = 1.0 - np.arange(count) / (count + 1)
    return average_precision([{"masks": preds, "scores": scores}], [{"masks": targets}],
                             iou_threshold=0.5)


def _curve(true_positive, num_targets):
    hits = np.asarray(true_positive, dtype=bool)
    found = np.cumsum(hits)
    precision = found / np.arange(1, len(hits) + 1)
    recall = found / num_targets
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(hits) else precision
    return hits, precision, recall, envelope


def _sample(values, recall, points):
    """``values`` at the first detection reaching each recall point, 0 where none does."""
    index = np.searchsorted(recall, points, side="left")
    reached = index < len(recall)
    out = np.zeros(len(points))
    out[reached] = values[index[reached]]
    return out, reached


def _ap_mistakes(true_positive, num_targets, expected):
    """(value, hint) of the usual wrong APs of one ranked list, in the order looked for."""
    hits, precision, recall, envelope = _curve(true_positive, num_targets)
    raw, _ = _sample(precision, recall, COCO_RECALL_THRESHOLDS)
    coco, reached = _sample(envelope, recall, COCO_RECALL_THRESHOLDS)
    eleven = [_sample(envelope, recall, points)[0].mean()
              for points in (np.linspace(0, 1, 11), np.arange(0.0, 1.1, 0.1))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        at_hits = precision[hits].mean() if hits.any() else math.nan
    mistakes = [
        (100 * expected, "right number, but as a percentage: AP is between 0 and 1."),
        (raw.mean(), "you sampled the raw precision at the recall points. COCO samples the "
                     "interpolated precision, the envelope: at each recall r the largest "
                     "precision at any recall >= r (np.maximum.accumulate(precision[::-1])"
                     "[::-1])."),
        *[(value, "that is the 11-point average of VOC 2007 (recall 0, 0.1, ..., 1). COCO "
                  "averages the envelope at 101 points: recall 0, 0.01, ..., 1 "
                  "(np.linspace(0, 1, 101)).") for value in eleven],
        (float(envelope[hits].sum() / num_targets) if hits.any() else 0.0,
         "that is the all-point AP of VOC 2010 and later (the area under the envelope: the "
         "sum of recall step x envelope). COCO samples the envelope at 101 recall points "
         "0, 0.01, ..., 1 and averages those 101 values."),
        (float(at_hits), "you averaged the precision at the true positives, dividing by the "
                         "number of true positives: that ignores the objects never found. "
                         "COCO averages the envelope at 101 recall points, with 0 where a "
                         "recall is never reached."),
        (float(coco[reached].mean()) if reached.any() else math.nan,
         "you averaged only over the recall points the list reaches. A recall point that "
         "no detection reaches counts as 0: average all 101 points (divide by 101)."),
        (_sample(np.maximum.accumulate(precision), recall, COCO_RECALL_THRESHOLDS)[0].mean(),
         "your envelope runs forwards (np.maximum.accumulate(precision)): the best precision "
         "so far. COCO takes the best precision at this recall *or beyond*, from the end of "
         "the list: np.maximum.accumulate(precision[::-1])[::-1]."),
        (float(precision[hits].sum() / num_targets) if hits.any() else 0.0,
         "that is the non-interpolated AP (the precision at each true positive, summed and "
         "divided by the number of targets, as scikit-learn's average_precision_score). COCO "
         "averages the envelope at 101 recall points 0, 0.01, ..., 1."),
    ]
    return mistakes


def _signature_hint(function, name):
    """A hint if ``function`` cannot take two positional arguments, else None."""
    try:
        inspect.signature(function).bind([True], 1)
    except TypeError:
        return _hint(f"your function must take two arguments, `{name}(true_positive, "
                     f"num_targets)`; yours takes `{inspect.signature(function)}`.")
    except ValueError:  # a builtin without a signature: just call it
        return None
    return None


def _error_hint(error, call, empty):
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if empty:
        return _hint(f"`{call}` raised {text}. With no detection (an empty list) nothing is "
                     "found and AP is 0.0: return 0.0 when the list is empty.")
    return _hint(f"`{call}` raised {text}. Run `{call}` in a cell to see where it fails.")


def _call_ap(function, true_positive, num_targets):
    """(value, None) or (None, verdict): the array first, a plain list if the array fails."""
    name = _function_name(function, "ap_101")
    call = f"{name}({_show(true_positive)}, {num_targets})"
    first_error = None
    for given in (np.array(true_positive, dtype=bool), list(true_positive)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # numpy's 0/0 and empty mean
                got, failure = _call(function, given, num_targets, name="ap_101")
        except Exception as error:  # noqa: BLE001 - a learner's function may raise anything
            first_error = first_error or error
            continue
        return got, failure, call
    return None, _error_hint(first_error, call, not true_positive), call


def check_ap_from_ranked(function) -> CheckResult:
    r"""Check exercise 3: ``ap_101(true_positive, num_targets) -> float``, COCO's AP.

    ``true_positive`` holds the detections sorted by descending score (True:
    matched to a target), ``num_targets`` the number of true objects. With
    :math:`TP_i` the true positives among the first :math:`i` detections,
    precision is :math:`TP_i / i` and recall :math:`TP_i / N`; the envelope
    :math:`\tilde p(r)` is the largest precision at a recall of at least
    :math:`r`; AP is its mean at the 101 recall points 0, 0.01, ..., 1
    (``np.linspace(0, 1, 101)``), with 0 where no detection reaches the
    recall. A point :math:`r` is reached by the first detection whose recall
    is at least :math:`r` (``np.searchsorted(recall, r, side="left")``, as
    pycocotools). The expected values come from
    :func:`segcourse.metrics.average_precision` on images built from each list.

    The function is called with a boolean numpy array (as
    :func:`segcourse.metrics.ranked_detections` gives ``"true_positive"``);
    if it fails on an array, again with a plain list. It is tried on several
    lists: the first is ``[True, False, True, True, False]`` with 4 targets;
    the others include only false positives, fewer detections than targets,
    a first detection that is wrong, and an empty list (AP 0.0).

    Examples
    --------
    >>> from segcourse import metrics
    >>> def ap_101(true_positive, num_targets):
    ...     hits = np.asarray(true_positive, dtype=bool)
    ...     found = np.cumsum(hits)
    ...     precision = found / np.arange(1, len(hits) + 1)
    ...     recall = found / num_targets
    ...     envelope = np.maximum.accumulate(precision[::-1])[::-1]
    ...     index = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    ...     padded = np.append(envelope, 0.0)
    ...     return padded[index].mean()
    >>> check_ap_from_ranked(ap_101)
    Correct! Your AP agrees with metrics.average_precision on 6 ranked lists; for
    [True, False, True, True, False] with 4 targets it is 0.6287.
    >>> check_ap_from_ranked(lambda tp, n: 0.5).message[:52]
    'on ap_101([True, False, True, True, False], 4) your '
    """
    verdict = _not_a_function(function, "ap_101", "ap_101(true_positive, num_targets)",
                              "exercises.check_ap_from_ranked")
    if verdict is None:
        verdict = _signature_hint(function, "ap_101")
    if verdict is not None:
        return verdict
    for true_positive, num_targets in _AP_CASES:
        expected = _library_ap(true_positive, num_targets)
        got, failure, call = _call_ap(function, true_positive, num_targets)
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            if np.ndim(got) == 1 and np.size(got) == 101:
                return _hint("you returned 101 values, the precision at each recall point: "
                             "return their mean, one number.")
            return _hint(f"return one number, the AP; `{call}` returned {_describe(got)}.")
        if _close(value, expected):
            continue
        if math.isnan(value):
            if not true_positive:
                return _hint(f"`{call}` returns NaN: with no detection nothing is found and "
                             "AP is 0.0. Return 0.0 when the list is empty.")
            return _hint(f"`{call}` returns NaN: a 0/0 somewhere? The precision at rank i "
                         "is TP_i / i and recall TP_i / num_targets, both defined here.")
        for wrong, hint in _ap_mistakes(true_positive, num_targets, expected):
            if _close(value, wrong):
                return _hint(f"on {call}: {hint}")
        outside = "" if 0 <= value <= 1 else " (AP lies between 0 and 1)"
        return _hint(f"on {call} your function returns {value:.4f}{outside}, COCO's AP is "
                     f"{expected:.4f}. Compute precision TP_i / i and recall TP_i / "
                     "num_targets at each rank, the envelope (largest precision from each "
                     "rank on), and average it at np.linspace(0, 1, 101), 0 where a recall "
                     "is never reached.")
    first, targets = _AP_CASES[0]
    return _right(f"Your AP agrees with metrics.average_precision on {len(_AP_CASES)} ranked "
                  f"lists; for {_show(first)} with {targets} targets it is "
                  f"{_library_ap(first, targets):.4f}.")


# ---------------------------------------------------------------------------
# Exercise 4: panoptic quality by hand
# ---------------------------------------------------------------------------

def check_panoptic_quality(answer, ious, num_fp, num_fn) -> CheckResult:
    r"""Check exercise 4: PQ by hand from the matched IoUs and the unmatched segments.

    .. math:: \mathrm{PQ} = \frac{\sum_{(p, t) \in TP} \mathrm{IoU}(p, t)}
              {|TP| + \tfrac12 |FP| + \tfrac12 |FN|} = \mathrm{SQ} \times \mathrm{RQ}

    with :math:`|TP|` the number of matched pairs (``len(ious)``); NaN when
    there is no segment at all (TP + FP + FN = 0), as
    :func:`segcourse.metrics.panoptic_quality`.

    Parameters
    ----------
    answer
        The learner's number.
    ious : sequence of float
        IoU of each matched pair (each above 0.5).
    num_fp, num_fn : int
        Unmatched predicted segments and unmatched target segments.

    Examples
    --------
    >>> check_panoptic_quality(1.6 / 3, [0.9, 0.7], 1, 1)
    Correct! PQ = SQ x RQ = 0.8000 x 0.6667 = 0.5333.
    >>> check_panoptic_quality(1.6 / 4, [0.9, 0.7], 1, 1).message[:33]
    'that is sum(IoU) / (TP + FP + FN)'
    """
    value, verdict = _number_verdict(answer, "pq_value")
    if verdict is not None:
        return verdict
    ious = np.asarray(ious, dtype=float).ravel()
    fp, fn = int(num_fp), int(num_fn)
    tp = len(ious)
    total = float(ious.sum())
    expected = _ratio(total, tp + fp / 2 + fn / 2)
    sq, rq = _ratio(total, tp), _ratio(tp, tp + fp / 2 + fn / 2)
    if math.isnan(expected):
        if _close(value, expected):
            return _right("PQ is NaN: with no segment at all (TP + FP + FN = 0) it is 0/0, "
                          "undefined.")
        if value in (0.0, 1.0):
            return _hint(f"with no segment at all (TP + FP + FN = 0) PQ is 0/0, undefined: "
                         f"the answer is NaN (float('nan')), not {value:g}. Neither a perfect "
                         "nor a failed result: there is nothing to score.")
        return _hint("with no segment at all (TP + FP + FN = 0) PQ is 0/0, undefined: the "
                     "answer is NaN (float('nan')).")
    if _close(value, expected, rel_tol=_EXACT):
        return _right(f"PQ = SQ x RQ = {sq:.4f} x {rq:.4f} = {expected:.4f}."
                      if tp else "PQ = 0: no pair matched.")
    if math.isnan(value) or math.isinf(value):
        return _hint(f"your answer is {value}: here PQ is a number (there are segments). "
                     "Divide the sum of the IoUs by TP + FP/2 + FN/2.")
    pred_only = ("you divided by TP + FP, the predicted segments only: the missed targets "
                 "(FN) count too, each as a half: sum(IoU) / (TP + FP/2 + FN/2).")
    mistakes = [
        (100 * expected, "right number, but as a percentage: PQ is between 0 and 1."),
        (sq, "that is SQ alone, the mean IoU of the matched pairs. PQ = SQ x RQ also counts "
             "the unmatched segments: sum(IoU) / (TP + FP/2 + FN/2)."),
        (rq, "that is RQ alone, TP / (TP + FP/2 + FN/2) (an F1 score over segments). PQ "
             "sums the IoUs in the numerator instead of counting the pairs: "
             "sum(IoU) / (TP + FP/2 + FN/2)."),
        (_ratio(total, tp + fp + fn),
         "that is sum(IoU) / (TP + FP + FN): the formula without the halves, or the mean "
         "IoU over the matched pairs and the unmatched segments counted as 0. PQ counts "
         "each unmatched segment as a half: sum(IoU) / (TP + FP/2 + FN/2)."),
        (_ratio(total, tp + fp), pred_only),  # FP = FN: the same as PQ, found right above
        (_ratio(total, tp + fn), "you divided by TP + FN, the target segments only: the "
                                 "false alarms (FP) count too, each as a half: "
                                 "sum(IoU) / (TP + FP/2 + FN/2)."),
    ]
    found = _recognise(value, expected, mistakes,
                       "close: that looks rounded. Compute it (the sum of the pair IoUs / "
                       "(the number of pairs + unmatched predictions / 2 + unmatched "
                       "targets / 2)) instead of typing a number.")
    if found is not None:
        return found
    if not 0 <= value <= 1:
        return _hint(f"{value:g} is not a possible PQ: it lies between 0 and 1.")
    return _hint("add the IoUs of the matched pairs and divide by TP + FP/2 + FN/2, where TP "
                 "is the number of matched pairs.")

