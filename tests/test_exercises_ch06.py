"""Checkers of chapter 06: the right answers, one test per typical wrong answer and its
hint, both stubs of a learner copy, and answers of the wrong kind."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from checker_asserts import assert_hint, assert_not_answered, assert_right, learner_stub

from segcourse import exercises, outputs
from segcourse.exercises import (
    check_ce_gradient,
    check_focal_of_pixel,
    check_log_softmax,
    check_soft_dice_loss,
)


def test_chapter_06_checkers_are_importable_from_segcourse_exercises():
    from segcourse.exercises import ch06

    assert len(ch06.__all__) >= 4
    for name in ch06.__all__:
        assert getattr(exercises, name) is getattr(ch06, name)
        assert name in exercises.__all__


# --- exercise 1: log-softmax ---------------------------------------------------------------


def log_softmax(z):
    m = z.max(axis=0, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=0, keepdims=True))


def test_log_softmax_right_answers():
    assert_right(check_log_softmax(log_softmax))
    assert_right(check_log_softmax(lambda z: torch.log_softmax(torch.as_tensor(z), dim=0)))
    # scipy's logsumexp does the same
    from scipy.special import logsumexp

    assert_right(check_log_softmax(lambda z: z - logsumexp(z, axis=0, keepdims=True)))


def _stable_probs(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@pytest.mark.parametrize("wrong, start", [
    (lambda z: np.log(_stable_probs(z)), "right for ordinary logits, but a pixel whose logits "
                                         "are far apart"),
    (lambda z: np.log(np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)),
     "right for ordinary logits, but logits near 1000"),
    (_stable_probs, "these are the probabilities"),
    (lambda z: z - np.log(np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)),
     "you subtracted log(sum exp(z - m)) but not m"),
    (lambda z: -log_softmax(z), "the sign is reversed"),
    (lambda z: z - z.max(axis=0, keepdims=True), "you subtracted the largest logit but forgot"),
    (lambda z: z - z.max() - np.log(np.exp(z - z.max()).sum()),
     "you normalised over the whole array"),
    (lambda z: z - z.max(axis=1, keepdims=True) - np.log(
        np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)),
     "you took the maximum and the sum over axis 1"),
])
def test_log_softmax_typical_mistakes(wrong, start):
    assert_hint(check_log_softmax(wrong), start)


def test_log_softmax_other_wrong_answers_and_stubs():
    assert_hint(check_log_softmax(lambda z: z.sum(axis=0)), "return log-probabilities of the "
                                                            "shape of the logits")
    assert_hint(check_log_softmax(lambda z: "log p"), "return an array of log-probabilities")
    assert_hint(check_log_softmax(lambda z: None), "your function returns None")
    assert_hint(check_log_softmax(log_softmax(np.zeros((2, 2, 2)))), "pass the function itself")
    stub = learner_stub("log_softmax", "log_softmax(logits)")
    assert_not_answered(check_log_softmax(stub), "`log_softmax` still raises")
    assert_not_answered(check_log_softmax(...), "`log_softmax` is not written")


# --- exercise 2: focal loss of one pixel ---------------------------------------------------


def test_focal_of_pixel_right_answers():
    assert_right(check_focal_of_pixel(lambda p, g: -((1 - p) ** g) * math.log(p)))
    assert_right(check_focal_of_pixel(lambda p, g: -((1 - p) ** g) * np.log(p)))
    assert_right(check_focal_of_pixel(lambda p, g: torch.tensor(-((1 - p) ** g) * math.log(p))))


@pytest.mark.parametrize("wrong, start", [
    (lambda p, g: -((1 - p) ** g) * math.log10(p), "that is a base-10 logarithm"),
    (lambda p, g: -math.log(p), "that is the cross entropy"),
    (lambda p, g: -(p ** g) * math.log(p), "the factor is (1 - p_t)^gamma, not p_t^gamma"),
    (lambda p, g: ((1 - p) ** g) * math.log(p), "the sign is wrong"),
    (lambda p, g: -(1 - p) * g * math.log(p), "gamma is an exponent"),
    (lambda p, g: -0.25 * ((1 - p) ** g) * math.log(p), "you multiplied by alpha = 0.25"),
    (lambda p, g: -((1 - p) ** g) * math.log(1 - p), "the logarithm is of p_t"),
])
def test_focal_of_pixel_typical_mistakes(wrong, start):
    assert_hint(check_focal_of_pixel(wrong), start)


def test_focal_of_pixel_other_wrong_answers_and_stubs():
    assert_hint(check_focal_of_pixel(lambda p, g: 0.1),
                "for p_t = 0.9 and gamma = 2 the focal loss is 0.001054")
    assert_hint(check_focal_of_pixel(lambda p, g: [p, g]), "return one number")
    assert_hint(check_focal_of_pixel(0.001), "pass the function itself")
    stub = learner_stub("focal_of_pixel", "focal_of_pixel(p_t, gamma)")
    assert_not_answered(check_focal_of_pixel(stub), "`focal_of_pixel` still raises")
    assert_not_answered(check_focal_of_pixel(None), "`focal_of_pixel` is not written")


# --- exercise 3: soft Dice loss ------------------------------------------------------------


def soft_dice_loss(probs, target, smooth):
    return 1 - (2 * np.sum(probs * target) + smooth) / (probs.sum() + target.sum() + smooth)


def test_soft_dice_loss_right_answers_and_the_library_agrees():
    from segcourse import losses

    assert_right(check_soft_dice_loss(soft_dice_loss))
    # the library's one-channel Dice loss, given the logits of the probabilities
    def library(probs, target, smooth):
        probs = np.clip(probs, 1e-12, 1 - 1e-12)
        logits = torch.as_tensor(outputs.logit(probs))[None, None]
        return losses.dice_loss(logits, torch.as_tensor(target)[None], smooth=smooth).item()

    assert_right(check_soft_dice_loss(library))


@pytest.mark.parametrize("wrong, start", [
    (lambda p, g, s: 1 - soft_dice_loss(p, g, s), "that is the soft Dice score"),
    (lambda p, g, s: soft_dice_loss((p > 0.5).astype(float), g, s),
     "you thresholded the probabilities"),
    (lambda p, g, s: 1 - (2 * np.sum(p * g) + s) / (np.sum(p * p) + g.sum() + s),
     "you squared the probabilities"),
    (lambda p, g, s: 1 - 2 * np.sum(p * g) / (p.sum() + g.sum()),
     "you left out the smoothing term s"),
    (lambda p, g, s: 1 - (np.sum(p * g) + s) / (p.sum() + g.sum() + s),
     "Dice counts the overlap twice"),
    (lambda p, g, s: 1 - 2 * np.sum(p * g) / (p.sum() + g.sum() + s),
     "the smoothing term s belongs in the numerator too"),
    (lambda p, g, s: 1 - (2 * np.sum(p * g) + s) / (p.sum() + g.sum()),
     "the smoothing term s belongs in the denominator too"),
    (lambda p, g, s: 1 - (np.sum(p * g) + s) / (p.sum() + g.sum() - np.sum(p * g) + s),
     "that is the soft Jaccard"),
    (lambda p, g, s: (soft_dice_loss(p, g, s) + soft_dice_loss(1 - p, ~g, s)) / 2,
     "you averaged the foreground's and the background's loss"),
    (lambda p, g, s: 1 - (2 * np.mean(p * g) + s) / (p.mean() + g.mean() + s),
     "you took means instead of sums"),
])
def test_soft_dice_loss_typical_mistakes(wrong, start):
    assert_hint(check_soft_dice_loss(wrong), start)


def test_soft_dice_loss_other_wrong_answers_and_stubs():
    assert_hint(check_soft_dice_loss(lambda p, g, s: 0.5), "with smooth = 1 the soft Dice loss")
    assert_hint(check_soft_dice_loss(lambda p, g, s: p * g), "return one number")
    stub = learner_stub("soft_dice_loss", "soft_dice_loss(probs, target, smooth)")
    assert_not_answered(check_soft_dice_loss(stub), "`soft_dice_loss` still raises")
    assert_not_answered(check_soft_dice_loss(...), "`soft_dice_loss` is not written")


# --- exercise 4: the cross entropy gradient ------------------------------------------------


def one_hot(logits, target):
    return np.arange(logits.shape[0])[:, None, None] == target[None]


def ce_gradient(logits, target):
    return outputs.softmax(logits, axis=0) - one_hot(logits, target)


def test_ce_gradient_right_answers():
    assert_right(check_ce_gradient(ce_gradient))

    def by_autograd(logits, target):
        leaf = torch.tensor(logits[None], requires_grad=True)
        torch.nn.functional.cross_entropy(leaf, torch.as_tensor(target)[None],
                                          reduction="sum").backward()
        return leaf.grad[0]

    assert_right(check_ce_gradient(by_autograd))


@pytest.mark.parametrize("wrong, start", [
    (lambda z, t: one_hot(z, t) - outputs.softmax(z, axis=0), "the sign is reversed"),
    (lambda z, t: outputs.softmax(z, axis=0), "that is p alone"),
    (lambda z, t: -one_hot(z, t).astype(float), "that is -y alone"),
    (lambda z, t: ce_gradient(z, t) / t.size, "you divided by the number of pixels"),
    (lambda z, t: z - one_hot(z, t), "use the probabilities, softmax(z), not the logits"),
    (lambda z, t: outputs.softmax(z, axis=1) - one_hot(z, t), "the softmax goes over the class"),
])
def test_ce_gradient_typical_mistakes(wrong, start):
    assert_hint(check_ce_gradient(wrong), start)


def naive_ce_gradient(logits, target):
    """p - y from a softmax without the maximum trick: right until np.exp overflows."""
    exponentials = np.exp(logits)
    return exponentials / exponentials.sum(axis=0, keepdims=True) - one_hot(logits, target)


def test_ce_gradient_large_logits_need_the_maximum_trick():
    # right on ordinary logits, so only the case with logits near 1000 can catch it
    logits = np.random.default_rng(0).normal(0.0, 2.0, size=(3, 4, 5))
    target = np.zeros((4, 5), dtype=int)
    np.testing.assert_allclose(naive_ce_gradient(logits, target), ce_gradient(logits, target))
    with np.errstate(all="ignore"):
        result = check_ce_gradient(naive_ce_gradient)
    assert_hint(result, "right for ordinary logits, but logits near 1000 give nan or inf")
    assert "Subtract each pixel's largest logit" in result.message
    # a stable softmax that then loses the gradient's precision is told so without "nan"
    def shifted_by_float32(z, t):
        return ce_gradient(z.astype(np.float32).astype(float) if z.max() > 100 else z, t) \
            + (1e-3 if z.max() > 100 else 0.0)

    assert_hint(check_ce_gradient(shifted_by_float32),
                "right for ordinary logits, but logits near 1000 give wrong values")


def test_ce_gradient_other_wrong_answers_and_stubs():
    assert_hint(check_ce_gradient(lambda z, t: ce_gradient(z, t)[0]),
                "your result has shape (4, 5), one number per pixel")
    assert_hint(check_ce_gradient(lambda z, t: ce_gradient(z, t) + 0.01),
                "compare with torch's autograd")
    stub = learner_stub("ce_gradient", "ce_gradient(logits, target)")
    assert_not_answered(check_ce_gradient(stub), "`ce_gradient` still raises")
    assert_not_answered(check_ce_gradient(...), "`ce_gradient` is not written")


def test_checkers_let_other_errors_through():
    def broken(*args):
        return args[5]

    for checker in (check_log_softmax, check_focal_of_pixel, check_soft_dice_loss,
                    check_ce_gradient):
        with pytest.raises(IndexError):
            checker(broken)
