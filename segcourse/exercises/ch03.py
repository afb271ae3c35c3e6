"""Checkers of chapter 03 (``notebooks/03_model_output.ipynb``).

- Exercise 1: :func:`check_stable_softmax`, the softmax of one image's logits
  without overflow.
- Exercise 2: :func:`check_labels_and_confidence`, the label map and the
  confidence of a batch of logits.
- Exercise 3: :func:`check_logit_threshold`, the logit threshold that gives
  the same mask as a probability threshold.
- Exercise 4: :func:`check_one_hot_with_ignore`, a one-hot encoding that
  leaves ignored pixels out.
"""

from __future__ import annotations

import numpy as np

from ..labels import one_hot
from ..outputs import logit, sigmoid, softmax
from ._common import (
    CheckResult,
    _as_float_array,
    _as_number,
    _call,
    _describe,
    _first,
    _hint,
    _not_a_function,
    _right,
    _values_are_functions,
    _values_not_answered,
)

__all__ = [
    "check_stable_softmax",
    "check_labels_and_confidence",
    "check_logit_threshold",
    "check_one_hot_with_ignore",
]



def _integer_dtype(value) -> bool:
    """True for an integer numpy array or torch tensor (booleans are not class indices)."""
    if hasattr(value, "is_floating_point"):  # a torch tensor
        return "int" in str(value.dtype)
    return np.issubdtype(np.asarray(value).dtype, np.integer)


def _close(got, expected) -> bool:
    return got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9)


# --- exercise 1: a stable softmax ----------------------------------------------------------------


#: The logits of the one pixel of the "spread" test: far apart from class to class.
SPREAD_PIXEL = (0.0, 1000.0, -1000.0, 5.0)


def _softmax_cases():
    """(name, logits (C, H, W)) pairs: ordinary, large, far apart from pixel to pixel, and
    far apart from class to class within one pixel."""
    rng = np.random.default_rng(3)
    ordinary = rng.normal(0.0, 2.0, size=(4, 3, 5))  # C=4, H=3, W=5: every axis different
    large = ordinary + 1000.0  # exp overflows without the shift
    apart = ordinary.copy()
    apart[:, 0, 0] += 1000.0  # one pixel far above the others: a global shift underflows them
    spread = ordinary.copy()
    spread[:, 1, 2] = SPREAD_PIXEL  # a shift by the pixel's minimum still overflows
    return [("ordinary", ordinary), ("large", large), ("apart", apart), ("spread", spread)]


def _shifted_softmax(z, shift):
    """exp(z - shift) divided by its sum over axis 0, without numpy's warnings."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        e = np.exp(z - shift)
        return e / e.sum(axis=0, keepdims=True)


def _naive_softmax(z, axis):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


def _softmax_mistake(got, z) -> str | None:
    """A hint for a result that is a known wrong formula of ``z``, else None."""
    whole_array = ("your probabilities sum to 1 over the whole array, not over each pixel's "
                   "classes: sum over the class axis only, `.sum(axis=0, keepdims=True)`.")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        exponentials = np.exp(z)
        stable = np.exp(z - z.max(axis=0, keepdims=True))  # the right shift, each pixel's max
        candidates = [
            (exponentials / exponentials.sum(), whole_array),
            (stable / stable.sum(), whole_array),
            (exponentials,
             "these are the exponentials: divide them by their sum over the classes "
             "(axis 0) so that each pixel's probabilities add up to 1."),
            (z / z.sum(axis=0, keepdims=True),
             "the logits divided by their sum are not probabilities (they can be negative): "
             "exponentiate first, np.exp(...), then divide by the sum."),
            (sigmoid(z),
             "that is the sigmoid of each logit on its own: softmax normalises across the "
             "classes, exp(z_c) / sum_k exp(z_k), so the probabilities of a pixel sum to 1."),
            (z - np.log(exponentials.sum(axis=0, keepdims=True)),
             "that is the log of the softmax (log-probabilities, all negative): take "
             "np.exp of it, or divide the exponentials by their sum."),
        ]
        for other_axis in (1, 2):
            hint = (f"you summed over axis {other_axis}, a spatial axis: the classes are axis 0 "
                    "of (C, H, W), so sum with `.sum(axis=0, keepdims=True)`.")
            candidates.append((exponentials / exponentials.sum(axis=other_axis, keepdims=True),
                               hint))
            candidates.append((stable / stable.sum(axis=other_axis, keepdims=True), hint))
    for candidate, hint in candidates:
        if got.shape == candidate.shape and np.allclose(got, candidate, rtol=1e-6, atol=1e-12,
                                                        equal_nan=False):
            return hint
    return None


def check_stable_softmax(function) -> CheckResult:
    r"""Check ``stable_softmax(logits) -> probs`` for one image's logits ``(C, H, W)``.

    The probabilities of every pixel over the class axis 0, without overflow
    for logits near 1000, without underflow for a pixel whose logits are far
    from the others', and without overflow for a pixel whose own logits are
    far apart (``[0, 1000, -1000, 5]``, which a shift by the minimum misses):
    :math:`p_c = e^{z_c - m} / \sum_k e^{z_k - m}` with :math:`m` each pixel's
    largest logit.

    Examples
    --------
    >>> def stable_softmax(logits):
    ...     shifted = np.exp(logits - logits.max(axis=0, keepdims=True))
    ...     return shifted / shifted.sum(axis=0, keepdims=True)
    >>> check_stable_softmax(stable_softmax).correct
    True
    >>> def naive(logits):
    ...     return np.exp(logits) / np.exp(logits).sum(axis=0, keepdims=True)
    >>> check_stable_softmax(naive).message[:46]
    'right for ordinary logits, but logits near 100'
    """
    verdict = _not_a_function(function, "stable_softmax", "stable_softmax(logits)",
                              "exercises.check_stable_softmax")
    if verdict is not None:
        return verdict
    for name, logits in _softmax_cases():
        expected = softmax(logits, axis=0)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            got, failure = _call(function, logits.copy(), name="stable_softmax")
        if failure is not None:
            return failure
        result = _as_float_array(got)
        if result is None:
            return _hint(f"return an array of probabilities, got {_describe(got)}.")
        if result.shape != expected.shape:
            if result.shape == expected.shape[1:]:
                return _hint(f"your result has shape {result.shape}, one number per pixel: "
                             "return every class's probability, shape (C, H, W) like the logits "
                             "(the largest probability and the argmax come in exercise 2).")
            return _hint(f"return probabilities of the shape of the logits {expected.shape}, "
                         f"got {result.shape}: keep the class axis (keepdims=True when you "
                         "take the max and the sum).")
        if _close(result, expected):
            continue
        if name == "ordinary":
            return _hint(_softmax_mistake(result, logits)
                         or "for each pixel compute exp(z_c - max_k z_k) and divide by its sum "
                            "over the classes (axis 0).")
        if not np.all(np.isfinite(result)):
            if name == "large":
                if _close(np.nan_to_num(_naive_softmax(logits, 0), nan=-1.0),
                          np.nan_to_num(result, nan=-1.0)):
                    return _hint("right for ordinary logits, but logits near 1000 give nan: "
                                 "np.exp(1000) overflows to inf, and inf / inf is nan. Subtract "
                                 "each pixel's largest logit first, "
                                 "`logits - logits.max(axis=0, keepdims=True)`: the "
                                 "probabilities do not change, and exp never exceeds 1.")
                return _hint("logits near 1000 give nan or inf: subtract each pixel's largest "
                             "logit before np.exp.")
            if name == "apart":
                return _hint("a pixel whose logits are about 1000 below another pixel's gets "
                             "nan: you subtracted the largest logit of the whole array, so its "
                             "exponentials all underflow to 0 and 0 / 0 is nan. Subtract each "
                             "pixel's own maximum, `logits.max(axis=0, keepdims=True)`.")
            pixel = "[" + ", ".join(f"{value:g}" for value in SPREAD_PIXEL) + "]"
            if _close(np.nan_to_num(_shifted_softmax(logits, logits.min(axis=0, keepdims=True)),
                                    nan=-1.0, posinf=-2.0),
                      np.nan_to_num(result, nan=-1.0, posinf=-2.0)):
                return _hint("subtract the maximum, not the minimum: a pixel whose logits are "
                             f"far apart, {pixel}, gives nan, because after subtracting its "
                             "smallest logit the largest is still 2000 and np.exp(2000) "
                             "overflows to inf. Subtract each pixel's largest logit, "
                             "`logits.max(axis=0, keepdims=True)`: then every exponent is at "
                             "most 0.")
            return _hint(f"a pixel whose logits are far apart, {pixel}, gives nan or inf: "
                         "subtract each pixel's largest logit, "
                         "`logits.max(axis=0, keepdims=True)`, before np.exp, so that every "
                         "exponent is at most 0.")
        return _hint(f"right for ordinary logits but not for the '{name}' test: subtract each "
                     "pixel's largest logit (axis 0, keepdims=True), exponentiate, and divide "
                     "by the sum over axis 0.")
    return _right("your softmax matches segcourse.outputs.softmax, also for logits near 1000, "
                  "for pixels far apart and for a pixel whose logits are far apart.")


# --- exercise 2: label map and confidence --------------------------------------------------------


def _labels_cases():
    rng = np.random.default_rng(5)
    ordinary = rng.normal(0.0, 3.0, size=(2, 3, 4, 5))  # N=2, C=3, H=4, W=5
    large = ordinary * 200.0  # logits in the hundreds: exp overflows without the shift
    return [("ordinary", ordinary), ("large", large)]


def _softmax_quiet(z, axis):
    """The stable softmax of ``z`` over ``axis``, without numpy's warnings."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        e = np.exp(z - z.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


def check_labels_and_confidence(function) -> CheckResult:
    """Check ``labels_and_confidence(logits) -> (label_map, confidence)`` for ``(N, C, H, W)``.

    ``label_map`` holds the argmax over the class axis 1 (integers, shape
    ``(N, H, W)``); ``confidence`` the largest softmax probability of each
    pixel (shape ``(N, H, W)``), also for logits in the hundreds.

    Examples
    --------
    >>> from segcourse import outputs
    >>> def labels_and_confidence(logits):
    ...     return outputs.labels_from_logits(logits), outputs.confidence(logits)
    >>> check_labels_and_confidence(labels_and_confidence).correct
    True
    >>> def max_logit(logits):
    ...     return logits.argmax(axis=1), logits.max(axis=1)
    >>> check_labels_and_confidence(max_logit).message[:44]
    'the confidence is the largest logit: it is a'
    """
    verdict = _not_a_function(function, "labels_and_confidence", "labels_and_confidence(logits)",
                              "exercises.check_labels_and_confidence")
    if verdict is not None:
        return verdict
    for _name, logits in _labels_cases():
        expected_labels = np.argmax(logits, axis=1)
        probabilities = softmax(logits, axis=1)
        expected_confidence = probabilities.max(axis=1)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            got, failure = _call(function, logits.copy(), name="labels_and_confidence")
        if failure is not None:
            return failure
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return _hint(f"return two arrays, `return label_map, confidence`; got "
                         f"{_describe(got)}.")
        labels, confidence = (_as_float_array(part) for part in got)
        if labels is None or confidence is None:
            return _hint("return two arrays of numbers: the label map and the confidence.")
        shape = expected_labels.shape
        for part, what in ((labels, "label_map"), (confidence, "confidence")):
            if part.shape != shape:
                if part.shape in ((2, 4, 5), (2, 3, 5), (2, 3, 4), (3, 4, 5)):
                    return _hint(f"`{what}` has shape {part.shape}: you reduced another axis "
                                 "than the classes. The logits are (N, C, H, W): take the argmax "
                                 "and the max over axis 1, giving (N, H, W).")
                return _hint(f"`{what}` should have shape (N, H, W) = {shape}, got "
                             f"{part.shape}.")
        if not np.array_equal(labels, expected_labels):
            if np.array_equal(confidence, expected_labels) and _close(labels,
                                                                      expected_confidence):
                return _hint("label map and confidence are swapped: return "
                             "`label_map, confidence` in that order.")
            if np.array_equal(labels, expected_labels + 1):
                return _hint("your classes start at 1: the label of the first channel is 0, "
                             "as np.argmax gives it.")
            if np.array_equal(labels, np.argmin(logits, axis=1)):
                return _hint("that is the argmin: the label is the class with the largest "
                             "logit, np.argmax(logits, axis=1).")
            return _hint("the label map is the argmax over the class axis: "
                         "np.argmax(logits, axis=1).")
        if not _integer_dtype(got[0]):
            return _hint("the label map holds class indices: give it an integer dtype (np.argmax "
                         "returns one; do not turn it into floats).")
        if _close(confidence, expected_confidence):
            continue
        if np.array_equal(confidence, expected_labels):
            return _hint("your confidence is the label map again, the argmax (a class "
                         "index): the confidence is the largest probability itself, not its "
                         "position. Apply softmax over axis 1, then take .max(axis=1), not "
                         ".argmax(axis=1).")
        for other_axis in (0, 2, 3):
            if _close(confidence, _softmax_quiet(logits, other_axis).max(axis=1)):
                what = "the images of the batch" if other_axis == 0 else "a spatial axis"
                return _hint(f"you took the softmax over axis {other_axis}, {what}: in a batch "
                             "(N, C, H, W) the classes are axis 1 (in exercise 1, one image "
                             "(C, H, W), they were axis 0). Softmax over axis 1, then "
                             ".max(axis=1).")
        if _close(confidence, logits.max(axis=1)):
            return _hint("the confidence is the largest logit: it is a probability, the largest "
                         "softmax probability of each pixel, between 1/C and 1. Apply softmax "
                         "over axis 1 first, then take the max.")
        if _close(confidence, sigmoid(logits).max(axis=1)):
            return _hint("you took the sigmoid of each logit: classes that exclude each other "
                         "need the softmax over axis 1 (its probabilities sum to 1).")
        if _close(confidence, 1.0 - expected_confidence):
            return _hint("that is 1 minus the confidence: take the largest probability itself.")
        if _close(confidence, probabilities.min(axis=1)):
            return _hint("that is the smallest probability: the confidence is the largest, "
                         ".max(axis=1).")
        if not np.all(np.isfinite(confidence)):
            return _hint("logits in the hundreds give nan: np.exp overflows. Use the stable "
                         "softmax of exercise 1 (subtract each pixel's largest logit, here "
                         "along axis 1).")
        return _hint("the confidence is the largest softmax probability over axis 1: "
                     "softmax(logits, axis 1).max(axis=1).")
    return _right("label map and confidence match segcourse.outputs.labels_from_logits and "
                  "confidence, also for logits in the hundreds.")


# --- exercise 3: a probability threshold as a logit threshold ------------------------------------


#: A logit threshold this close to the answer (but not within 1e-6 of it) looks rounded.
ROUNDED_TOLERANCE = 0.05


def check_logit_threshold(logit_threshold, probability=0.8) -> CheckResult:
    r"""Check the logit threshold that gives the same mask as ``sigmoid(z) > probability``.

    The sigmoid increases, so :math:`\sigma(z) > t \iff z > \log(t / (1 - t))`.

    A rounded value typed in (1.3863, 1.386, 1.39, 1.4) is a near miss, with a
    hint of its own: it moves the threshold, so it is not accepted; a float32
    value of the answer is.

    Examples
    --------
    >>> check_logit_threshold(np.log(4.0))
    Correct! sigmoid(z) > 0.8 exactly where z > 1.3862944: log(0.8 / 0.2) = log 4.
    >>> check_logit_threshold(0.8).message[:36]
    'that is the probability threshold it'
    >>> check_logit_threshold(1.39).message[:31]
    'close: that looks rounded; comp'
    """
    verdict = _first(_values_not_answered("your number", logit_threshold=logit_threshold),
                     _values_are_functions(logit_threshold=logit_threshold))
    if verdict is not None:
        return verdict
    if hasattr(logit_threshold, "detach") and logit_threshold.numel() == 1:  # a torch scalar
        logit_threshold = logit_threshold.item()
    value = _as_number(logit_threshold)
    if value is None:
        return _hint(f"give one number; got {_describe(logit_threshold)}.")
    p = float(probability)
    expected = logit(p)
    odds = p / (1 - p)
    if np.isclose(value, expected, rtol=1e-6, atol=1e-9):  # float32 rounding passes, 1.3863 not
        return _right(f"sigmoid(z) > {p:g} exactly where z > {expected:.7f}: "
                      f"log({p:g} / {1 - p:g}) = log {odds:g}.")
    with np.errstate(divide="ignore"):
        mistakes = [
            (p, "that is the probability threshold itself: logits live on another scale "
                "(any real number). Solve sigmoid(z) = p for z."),
            (-expected, "the sign is flipped: for p above 0.5 the logit threshold is positive, "
                        "log(p / (1 - p))."),
            (float(np.log(p)), "log(p) alone is not enough: the logit is log(p / (1 - p)), the "
                               "log of the odds."),
            (odds, f"that is the odds p / (1 - p) = {odds:g}: take its natural log."),
            (float(np.log10(odds)), "that is the base-10 logarithm: the sigmoid uses e, so take "
                                    "the natural log, np.log."),
            (float(sigmoid(np.array([p]))[0]), "that is the sigmoid of p: you need its "
                                               "inverse, the logit log(p / (1 - p))."),
            (float(np.log((1 - p) / p)) if p != 0.5 else np.nan,
             "the fraction is upside down: log(p / (1 - p)), not log((1 - p) / p)."),
        ]
    for candidate, hint in mistakes:
        if np.isfinite(candidate) and np.isclose(value, candidate, rtol=1e-4, atol=1e-6):
            return _hint(hint)
    if abs(value - expected) <= ROUNDED_TOLERANCE:
        return _hint(f"close: that looks rounded; compute it with np.log({p:g} / {1 - p:g}) "
                     f"instead of typing it. {value:g} moves the threshold from "
                     f"{expected:.7f}, so a pixel whose logit lies between the two lands in "
                     "one mask and not in the other.")
    return _hint(f"solve sigmoid(z) = {p:g} for z: 1 / (1 + exp(-z)) = p gives "
                 "z = log(p / (1 - p)).")


# --- exercise 4: one-hot with ignored pixels -----------------------------------------------------


def _one_hot_cases():
    rng = np.random.default_rng(7)
    first = rng.integers(0, 4, size=(2, 5, 6))  # N=2, H=5, W=6, classes 0..3
    first[:, 0, :] = 255  # an unlabelled top row
    first[1, 2:4, 1:3] = 255
    second = rng.integers(0, 3, size=(1, 4, 7))
    second[0, :, -1] = -100  # torch's default ignore_index
    third = rng.integers(0, 3, size=(2, 4, 5))  # ignore_index 0: the ignored value is a class,
    third[0, 0, :2] = 0  # so comparing with each class is not enough (nor a fixed 255)
    # class 4 of the second set is absent; the third ignores class 0, which it holds
    return [(first, 4, 255), (second, 5, -100), (third, 3, 0)]


def check_one_hot_with_ignore(function) -> CheckResult:
    """Check ``one_hot_with_ignore(label_map, num_classes, ignore_index) -> (N, C, H, W)``.

    Channel ``c`` is True where the label map is ``c``; a pixel equal to
    ``ignore_index`` has no True channel. Booleans or 0/1 numbers are both
    accepted. The tests ignore 255, -100 and 0, a class index (so an answer
    that hard-codes 255, or only compares the map with each class, fails).

    Examples
    --------
    >>> from segcourse.labels import one_hot
    >>> def one_hot_with_ignore(label_map, num_classes, ignore_index):
    ...     return one_hot(label_map, num_classes, axis=1, ignore_index=ignore_index)
    >>> check_one_hot_with_ignore(one_hot_with_ignore).correct
    True
    >>> def channels_last(label_map, num_classes, ignore_index):
    ...     return one_hot(label_map, num_classes, axis=-1, ignore_index=ignore_index)
    >>> check_one_hot_with_ignore(channels_last).message[:40]
    'the class axis is last, (N, H, W, C), as'
    """
    verdict = _not_a_function(function, "one_hot_with_ignore",
                              "one_hot_with_ignore(label_map, num_classes, ignore_index)",
                              "exercises.check_one_hot_with_ignore")
    if verdict is not None:
        return verdict
    for label_map, num_classes, ignore_index in _one_hot_cases():
        expected = one_hot(label_map, num_classes, axis=1, ignore_index=ignore_index)
        ignored = label_map == ignore_index
        try:
            got, failure = _call(function, label_map.copy(), num_classes, ignore_index,
                                 name="one_hot_with_ignore")
        except (IndexError, RuntimeError) as error:
            return _hint(f"your function raised {type(error).__name__}: {error}. The value "
                         f"{ignore_index} marks unlabelled pixels; it is no class, so it "
                         "cannot index a row of np.eye or be passed to F.one_hot. Encode only "
                         "the labelled pixels (for example, compare the label map with each "
                         "class, `label_map[:, None] == np.arange(num_classes)[None, :, None, "
                         "None]`), or replace the ignored value by a class first and clear "
                         "those pixels afterwards.")
        if failure is not None:
            return failure
        result = _as_float_array(got)
        if result is None:
            return _hint(f"return an array, got {_describe(got)}.")
        n, height, width = label_map.shape
        if result.shape == (n, height, width, num_classes):
            return _hint("the class axis is last, (N, H, W, C), as np.eye(C)[label_map] and "
                         "torch's F.one_hot give it; the losses and this course put it second, "
                         "(N, C, H, W): np.moveaxis(x, -1, 1), or .permute(0, 3, 1, 2) in torch.")
        if result.shape == (num_classes, n, height, width):
            return _hint("the class axis is first, (C, N, H, W): for a batch it goes second, "
                         "(N, C, H, W) (np.moveaxis(x, 0, 1)).")
        if result.ndim == 4 and result.shape[0] == n and result.shape[2:] == (height, width) \
                and result.shape[1] != num_classes:
            return _hint(f"you made {result.shape[1]} channels: make exactly `num_classes` = "
                         f"{num_classes}, one per class, whatever values the map holds "
                         "(a class may be absent, and the ignored value is no class).")
        if result.shape != expected.shape:
            return _hint(f"the one-hot encoding of a (N, H, W) label map has shape "
                         f"(N, C, H, W) = {expected.shape}; got {result.shape}.")
        if not np.isin(result, (0.0, 1.0)).all():
            return _hint("a one-hot encoding holds only True/False (or 1/0).")
        if np.array_equal(result, expected):
            continue
        labelled_right = np.array_equal(np.moveaxis(result, 1, -1)[~ignored],
                                        np.moveaxis(expected, 1, -1)[~ignored])
        if labelled_right and 0 <= ignore_index < num_classes and np.array_equal(
                result, one_hot(label_map, num_classes, axis=1)):
            return _hint(f"the pixels equal to ignore_index = {ignore_index} keep channel "
                         f"{ignore_index}: here the ignored value is also a class index, so "
                         "comparing the map with each class does not leave them out. Use the "
                         "argument, not a fixed value such as 255: clear every channel where "
                         "`label_map == ignore_index`, e.g. "
                         "`encoded &= (label_map != ignore_index)[:, None]`.")
        if labelled_right:
            on_ignored = np.moveaxis(result, 1, -1)[ignored]
            return _hint(f"the labelled pixels are right, but {int(on_ignored.any(-1).sum())} "
                         f"pixels equal to {ignore_index} have a channel set: ignored pixels "
                         "must have none (all channels False), so that no loss or score counts "
                         "them.")
        return _hint("channel c must be True exactly where the label map equals c (compare "
                     "the map with each class), and all channels False on ignored pixels.")
    return _right("your one-hot encoding matches labels.one_hot(..., axis=1, ignore_index=...), "
                  "with ignore_index 255, -100 and 0 (a class index) and an absent class.")
