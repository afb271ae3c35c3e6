"""Checkers of chapter 06 (``notebooks/06_losses.ipynb``).

- Exercise 1: :func:`check_log_softmax`, a log-softmax of one image's logits
  that stays finite for logits far apart.
- Exercise 2: :func:`check_focal_of_pixel`, the focal loss of one pixel from
  its :math:`p_t` and :math:`\\gamma`.
- Exercise 3: :func:`check_soft_dice_loss`, the soft Dice loss of a map of
  foreground probabilities, with its smoothing term.
- Exercise 4: :func:`check_ce_gradient`, the gradient of the summed cross
  entropy with respect to the logits, :math:`p - y`.

Each checker compares with :mod:`segcourse.losses` (or torch's autograd) and,
for a wrong answer, recognises the usual mistakes (the log of an underflowed
softmax, a base-10 logarithm, the Dice score instead of the loss, the sign of
the gradient, a softmax that overflows at large logits...) and names the one it
sees.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..outputs import softmax
from ._common import (
    CheckResult,
    _as_float_array,
    _as_number,
    _call,
    _describe,
    _hint,
    _not_a_function,
    _right,
)

__all__ = [
    "check_log_softmax",
    "check_focal_of_pixel",
    "check_soft_dice_loss",
    "check_ce_gradient",
]



def _close(got, expected, *, rtol=1e-6, atol=1e-9) -> bool:
    return (got.shape == expected.shape
            and np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=False))


def _call_quietly(function, *args, name):
    """:func:`_call` with numpy's and Python's warnings silenced (the hard cases overflow)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _call(function, *args, name=name)


# --- exercise 1: a stable log-softmax -----------------------------------------------------------

#: The logits of the one pixel of the "spread" test: far apart from class to class.
SPREAD_PIXEL = (0.0, 1000.0, -1000.0, 5.0)


def _log_softmax(z, axis=0):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def _log_softmax_cases():
    rng = np.random.default_rng(6)
    ordinary = rng.normal(0.0, 2.0, size=(3, 4, 5))  # C=3, H=4, W=5: every axis different
    large = ordinary + 1000.0
    spread = np.concatenate([ordinary, rng.normal(0.0, 2.0, size=(1, 4, 5))])
    spread[:, 2, 3] = SPREAD_PIXEL  # a probability of e^-2000: 0 in float64, its log is not
    return [("ordinary", ordinary), ("large", large), ("spread", spread)]


def _log_softmax_mistakes(z):
    """(value, hint) of the usual wrong formulas on ordinary logits."""
    m = z.max(axis=0, keepdims=True)
    exponentials = np.exp(z - m)
    sums = exponentials.sum(axis=0, keepdims=True)
    candidates = [
        (exponentials / sums,
         "these are the probabilities (the softmax): return their logarithm, "
         "z - m - log(sum_k exp(z_k - m)), computed without taking the log of a probability."),
        (z - np.log(sums),
         "you subtracted log(sum exp(z - m)) but not m itself: log softmax(z) = z - m - "
         "log(sum_k exp(z_k - m)), with m each pixel's largest logit."),
        (np.log(sums) + m - z,
         "the sign is reversed: that is -log p, the cross entropy of every class. The "
         "log-softmax is z - m - log(sum_k exp(z_k - m)), never above 0."),
        (z - m,
         "you subtracted the largest logit but forgot the log-sum-exp: z - m - "
         "log(sum_k exp(z_k - m)), so that exp of the result sums to 1 over the classes."),
        (z - z.max() - np.log(np.exp(z - z.max()).sum()),
         "you normalised over the whole array: sum over the class axis only, "
         "`axis=0, keepdims=True`, for the maximum and for the sum."),
    ]
    for axis in (1, 2):
        mm = z.max(axis=axis, keepdims=True)
        candidates.append((z - mm - np.log(np.exp(z - mm).sum(axis=axis, keepdims=True)),
                           f"you took the maximum and the sum over axis {axis}, a spatial axis: "
                           "the classes are axis 0 of (C, H, W)."))
    return candidates


def check_log_softmax(function) -> CheckResult:
    r"""Check ``log_softmax(logits) -> log_probs`` for one image's logits ``(C, H, W)``.

    The logarithm of the softmax over the class axis 0, computed as
    :math:`z_c - m - \log \sum_k e^{z_k - m}` with :math:`m` each pixel's
    largest logit, so that it stays finite where the probability itself
    underflows to 0 (a logit 2000 below the largest: :math:`\log p = -2000`).

    Examples
    --------
    >>> def log_softmax(z):
    ...     m = z.max(axis=0, keepdims=True)
    ...     return z - m - np.log(np.exp(z - m).sum(axis=0, keepdims=True))
    >>> check_log_softmax(log_softmax).correct
    True
    >>> def log_of_softmax(z):
    ...     e = np.exp(z - z.max(axis=0, keepdims=True))
    ...     return np.log(e / e.sum(axis=0, keepdims=True))
    >>> check_log_softmax(log_of_softmax).message[:44]
    'right for ordinary logits, but a pixel whose'
    """
    verdict = _not_a_function(function, "log_softmax", "log_softmax(logits)",
                              "exercises.check_log_softmax")
    if verdict is not None:
        return verdict
    for name, logits in _log_softmax_cases():
        expected = _log_softmax(logits)
        got, failure = _call_quietly(function, logits.copy(), name="log_softmax")
        if failure is not None:
            return failure
        result = _as_float_array(got)
        if result is None:
            return _hint(f"return an array of log-probabilities, got {_describe(got)}.")
        if result.shape != expected.shape:
            return _hint(f"return log-probabilities of the shape of the logits {expected.shape}, "
                         f"got {result.shape}: keep the class axis (keepdims=True when you take "
                         "the maximum and the sum).")
        if _close(result, expected):
            continue
        if name == "ordinary":
            for candidate, hint in _log_softmax_mistakes(logits):
                if _close(result, candidate):
                    return _hint(hint)
            return _hint("for each pixel compute z - m - log(sum_k exp(z_k - m)) over the "
                         "classes (axis 0), m the pixel's largest logit.")
        if name == "large":
            return _hint("right for ordinary logits, but logits near 1000 give inf or nan: "
                         "np.exp(1000) overflows. Subtract each pixel's largest logit before "
                         "np.exp, and add it back outside the log: z - m - log(sum exp(z - m)).")
        pixel = "[" + ", ".join(f"{value:g}" for value in SPREAD_PIXEL) + "]"
        return _hint(f"right for ordinary logits, but a pixel whose logits are far apart, "
                     f"{pixel}, gives -inf: its probability e^-2000 underflows to 0, and log(0) "
                     "is -inf, though log p = -2000 is an ordinary number. Do not take the log "
                     "of a probability: compute z - m - log(sum_k exp(z_k - m)) directly.")
    return _right("your log-softmax matches torch's, also for logits near 1000 and for a "
                  "probability too small for float64 (its log, -2000, stays exact). The losses "
                  "start from it for that reason.")


# --- exercise 2: the focal loss of one pixel ----------------------------------------------------

#: (p_t, gamma) pairs the checker tries: the chapter's, cross entropy, a fractional gamma.
_FOCAL_CASES = [(0.9, 2.0), (0.5, 2.0), (0.2, 0.5), (0.7, 0.0), (0.99, 5.0), (0.3, 1.5)]


def _focal_mistakes(p, gamma):
    return [
        (-((1.0 - p) ** gamma) * math.log10(p),
         "that is a base-10 logarithm: the focal loss, like cross entropy, uses the natural "
         "logarithm (np.log or math.log); log10(p) = ln(p) / ln(10), so each of your values "
         "is ln(10) = 2.3 times too small."),
        (-math.log(p),
         "that is the cross entropy, -ln p_t: multiply it by the focal factor (1 - p_t)^gamma."),
        (-(p ** gamma) * math.log(p),
         "the factor is (1 - p_t)^gamma, not p_t^gamma: it must vanish for an easy pixel, "
         "where p_t is close to 1."),
        (((1.0 - p) ** gamma) * math.log(p),
         "the sign is wrong: ln p_t is negative, so the loss is -(1 - p_t)^gamma ln p_t >= 0."),
        (-(1.0 - p) * gamma * math.log(p),
         "gamma is an exponent, not a factor: (1 - p_t) ** gamma."),
        (-0.25 * ((1.0 - p) ** gamma) * math.log(p),
         "you multiplied by alpha = 0.25 (torchvision's default): this exercise has no class "
         "weight, alpha = 1."),
        (-((1.0 - p) ** gamma) * math.log(1.0 - p),
         "the logarithm is of p_t, the probability of the true class: -(1 - p_t)^gamma ln p_t."),
    ]


def check_focal_of_pixel(function) -> CheckResult:
    r"""Check ``focal_of_pixel(p_t, gamma) -> float``: :math:`-(1 - p_t)^\gamma \ln p_t`.

    Tried on several :math:`(p_t, \gamma)`, among them :math:`\gamma = 0`
    (cross entropy) and a fractional :math:`\gamma`; compared with
    :func:`segcourse.losses.focal_curves`.

    Examples
    --------
    >>> import math
    >>> check_focal_of_pixel(lambda p, g: -((1 - p) ** g) * math.log(p)).correct
    True
    >>> check_focal_of_pixel(lambda p, g: -((1 - p) ** g) * math.log10(p)).message[:30]
    'that is a base-10 logarithm: t'
    """
    from ..losses import focal_curves

    verdict = _not_a_function(function, "focal_of_pixel", "focal_of_pixel(p_t, gamma)",
                              "exercises.check_focal_of_pixel")
    if verdict is not None:
        return verdict
    for p, gamma in _FOCAL_CASES:
        expected = float(focal_curves(p, gamma))
        got, failure = _call_quietly(function, p, gamma, name="focal_of_pixel")
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            return _hint(f"return one number, the loss of the pixel; got {_describe(got)}.")
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-12):
            continue
        for wrong, hint in _focal_mistakes(p, gamma):
            if math.isclose(value, wrong, rel_tol=1e-6, abs_tol=1e-12):
                return _hint(hint)
        return _hint(f"for p_t = {p:g} and gamma = {gamma:g} the focal loss is "
                     f"{expected:.6f}, you returned {value:.6f}: compute "
                     "-(1 - p_t) ** gamma * ln(p_t).")
    return _right("-(1 - p_t)^gamma ln p_t for every test; with gamma = 0 it is the cross "
                  "entropy, and at p_t = 0.9 gamma = 2 divides it by 100.")


# --- exercise 3: soft Dice loss -----------------------------------------------------------------


def _soft_dice_cases():
    rng = np.random.default_rng(8)
    target = np.zeros((6, 7), dtype=bool)
    target[1:4, 2:6] = True
    probs = np.clip(0.8 * target + rng.uniform(0.0, 0.3, size=target.shape), 0.0, 1.0)
    other = rng.uniform(0.0, 1.0, size=(5, 5))
    other_target = other > 0.6
    other_target[0] = ~other_target[0]
    return [(probs, target, 1.0), (other, other_target, 0.0), (probs, target, 0.0),
            (0.1 * probs, np.zeros_like(target), 1.0)]  # an empty target


def _soft_dice(p, g, s):
    return 1.0 - (2.0 * np.sum(p * g) + s) / (np.sum(p) + np.sum(g) + s)


def _soft_dice_mistakes(p, g, s):
    intersection, sizes = np.sum(p * g), np.sum(p) + np.sum(g)
    hard = p > 0.5
    background = _soft_dice(1.0 - p, ~g, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return [
            ((2 * intersection + s) / (sizes + s),
             "that is the soft Dice score: the loss is 1 minus it, so that a perfect "
             "prediction has loss 0."),
            (_soft_dice(hard.astype(float), g, s),
             "you thresholded the probabilities (p > 0.5): the soft Dice loss uses the "
             "probabilities themselves, so that it has a gradient everywhere."),
            (1.0 - (2 * intersection + s) / (np.sum(p * p) + np.sum(g) + s),
             "you squared the probabilities in the denominator (Milletari's V-Net form): the "
             "exercise asks sum p + sum g."),
            (1.0 - 2 * intersection / sizes,
             "you left out the smoothing term s: with smooth = 1 the loss is 1 - (2 sum p g + "
             "1) / (sum p + sum g + 1). It matters most on an empty target, where 2 sum p g = 0 "
             "and only s in the numerator lets the loss fall below 1 (0 for an empty "
             "prediction); add s to the numerator and to the denominator."),
            (1.0 - (intersection + s) / (sizes + s),
             "Dice counts the overlap twice: 2 sum p g in the numerator, because the "
             "denominator sum p + sum g counts every overlapping pixel once in each sum; "
             "without the 2 a perfect prediction scores 1/2, not 1."),
            (1.0 - 2 * intersection / (sizes + s),
             "the smoothing term s belongs in the numerator too: 1 - (2 sum p g + s) / "
             "(sum p + sum g + s); without it an empty target and an empty prediction give "
             "loss 1 instead of 0."),
            (1.0 - (2 * intersection + s) / sizes,
             "the smoothing term s belongs in the denominator too: 1 - (2 sum p g + s) / "
             "(sum p + sum g + s)."),
            (1.0 - (intersection + s) / (sizes - intersection + s),
             "that is the soft Jaccard (IoU) loss, 1 - I / (sum p + sum g - I): Dice counts "
             "the overlap twice, 2 sum p g / (sum p + sum g)."),
            ((_soft_dice(p, g, s) + background) / 2,
             "you averaged the foreground's and the background's loss: this exercise asks the "
             "foreground's only."),
            (1.0 - (2 * np.mean(p * g) + s) / (np.mean(p) + np.mean(g) + s),
             "you took means instead of sums: the ratio is the same, but the smoothing term "
             "then weighs as much as the whole image. Use sums."),
        ]


def check_soft_dice_loss(function) -> CheckResult:
    r"""Check ``soft_dice_loss(probs, target, smooth) -> float`` for one image.

    :math:`1 - (2 \sum_i p_i g_i + s) / (\sum_i p_i + \sum_i g_i + s)` for
    foreground probabilities :math:`p` ``(H, W)`` and a boolean target
    :math:`g`, as :func:`segcourse.losses.dice_loss` computes it for one
    channel; tried with ``smooth`` 1 and 0 and on an empty target.

    Examples
    --------
    >>> def soft_dice_loss(probs, target, smooth):
    ...     overlap = np.sum(probs * target)
    ...     return 1 - (2 * overlap + smooth) / (probs.sum() + target.sum() + smooth)
    >>> check_soft_dice_loss(soft_dice_loss).correct
    True
    >>> check_soft_dice_loss(lambda p, g, s: (2 * np.sum(p * g) + s) / (p.sum() + g.sum() + s))
    Not yet. Hint: that is the soft Dice score: the loss is 1 minus it, so that a perfect
    prediction has loss 0.
    """
    verdict = _not_a_function(function, "soft_dice_loss", "soft_dice_loss(probs, target, smooth)",
                              "exercises.check_soft_dice_loss")
    if verdict is not None:
        return verdict
    for probs, target, smooth in _soft_dice_cases():
        expected = _soft_dice(probs, target, smooth)
        got, failure = _call_quietly(function, probs.copy(), target.copy(), smooth,
                                     name="soft_dice_loss")
        if failure is not None:
            return failure
        value = _as_number(got)
        if value is None:
            return _hint(f"return one number, the loss; got {_describe(got)}.")
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        for wrong, hint in _soft_dice_mistakes(probs, target, smooth):
            if math.isclose(value, wrong, rel_tol=1e-6, abs_tol=1e-9):
                return _hint(hint)
        case = "an empty target" if not target.any() else f"smooth = {smooth:g}"
        return _hint(f"with {case} the soft Dice loss is {expected:.6f}, you returned "
                     f"{value:.6f}: 1 - (2 sum(p g) + s) / (sum(p) + sum(g) + s).")
    return _right("1 - (2 sum p g + s) / (sum p + sum g + s), with and without smoothing and "
                  "on an empty target, where only the smoothing term keeps the loss from 1.")


# --- exercise 4: the gradient of cross entropy --------------------------------------------------


def _gradient_cases():
    rng = np.random.default_rng(9)
    logits = rng.normal(0.0, 2.0, size=(3, 4, 5))
    target = rng.integers(0, 3, size=(4, 5))
    two = rng.normal(0.0, 1.0, size=(2, 3, 3))
    two_target = rng.integers(0, 2, size=(3, 3))
    large = logits + 1000.0  # np.exp overflows here unless each pixel's maximum is subtracted
    large[:, 0, 0] = (800.0, -800.0, 0.0)  # and a probability of e^-800 underflows to 0
    return [(logits, target), (two, two_target), (large, target)]


def _autograd_gradient(logits, target):
    import torch

    from ..losses import cross_entropy, loss_gradient

    gradient = loss_gradient(cross_entropy, torch.as_tensor(logits)[None],
                             torch.as_tensor(target)[None], reduction="sum")
    return gradient[0].numpy()


def _gradient_mistakes(logits, target):
    probs = softmax(logits, axis=0)
    one_hot = (np.arange(logits.shape[0])[:, None, None] == target[None]).astype(float)
    pixels = target.size
    return [
        (one_hot - probs,
         "the sign is reversed: the gradient of -log p_y with respect to z is p - y (y the "
         "one-hot target); gradient descent then moves the logits along y - p."),
        (probs,
         "that is p alone: subtract the one-hot target, p - y."),
        (-one_hot,
         "that is -y alone: add the probabilities, p - y."),
        ((probs - one_hot) / pixels,
         "you divided by the number of pixels (the gradient of the mean): the exercise asks "
         "the gradient of the sum over pixels, p - y at every pixel."),
        (logits - one_hot,
         "use the probabilities, softmax(z), not the logits: p - y."),
        (softmax(logits, axis=1) - one_hot,
         "the softmax goes over the class axis 0 of (C, H, W), not a spatial axis."),
    ]


def check_ce_gradient(function) -> CheckResult:
    r"""Check ``ce_gradient(logits, target) -> gradient`` for logits ``(C, H, W)``.

    The gradient of the cross entropy summed over the pixels,
    :math:`\partial L / \partial z_{c,i} = p_{c,i} - [y_i = c]`, shape
    ``(C, H, W)``, compared with torch's autograd
    (:func:`segcourse.losses.loss_gradient` with ``reduction="sum"``).

    Examples
    --------
    >>> from segcourse import outputs
    >>> def ce_gradient(logits, target):
    ...     one_hot = np.arange(logits.shape[0])[:, None, None] == target
    ...     return outputs.softmax(logits, axis=0) - one_hot
    >>> check_ce_gradient(ce_gradient).correct
    True
    >>> check_ce_gradient(lambda z, t: outputs.softmax(z, axis=0)).message
    'that is p alone: subtract the one-hot target, p - y.'
    """
    verdict = _not_a_function(function, "ce_gradient", "ce_gradient(logits, target)",
                              "exercises.check_ce_gradient")
    if verdict is not None:
        return verdict
    for logits, target in _gradient_cases():
        expected = _autograd_gradient(logits, target)
        got, failure = _call_quietly(function, logits.copy(), target.copy(), name="ce_gradient")
        if failure is not None:
            return failure
        result = _as_float_array(got)
        if result is None:
            return _hint(f"return an array of gradients, got {_describe(got)}.")
        if result.shape != expected.shape:
            if result.shape == expected.shape[1:]:
                return _hint(f"your result has shape {result.shape}, one number per pixel: "
                             "every logit has a gradient, so return shape (C, H, W), p - y for "
                             "every class.")
            return _hint(f"return one gradient per logit, shape {expected.shape}; got "
                         f"{result.shape}.")
        if _close(result, expected, rtol=1e-5, atol=1e-9):
            continue
        if logits.max() > 100.0:  # the large logits: right for the others
            trouble = "nan or inf" if not np.isfinite(result).all() else "wrong values"
            return _hint(f"right for ordinary logits, but logits near 1000 give {trouble}: "
                         "np.exp(1000) overflows to inf, and inf / inf is nan. Subtract each "
                         "pixel's largest logit before np.exp (the softmax does not change): "
                         "e = np.exp(z - z.max(axis=0, keepdims=True)); p = e / e.sum(axis=0, "
                         "keepdims=True).")
        for wrong, hint in _gradient_mistakes(logits, target):
            if _close(result, wrong, rtol=1e-5, atol=1e-9):
                return _hint(hint)
        return _hint("compare with torch's autograd: at every pixel the gradient is the "
                     "softmax probabilities (over axis 0) minus the one-hot target.")
    return _right("p - y, equal to torch's autograd, also for logits near 1000: each "
                  "pixel's gradient depends on that pixel alone, and it is largest where the "
                  "model is confidently wrong.")
