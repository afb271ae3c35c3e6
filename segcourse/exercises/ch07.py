"""Checkers of chapter 07 (``notebooks/07_training_lab.ipynb``).

- Exercise 1: :func:`check_best_recall`, the loss predicted to find the most
  foreground pixels (the best recall) at the hardest imbalance, checked
  against the lab's results.
- Exercise 2: :func:`check_focal_tversky`, a focal Tversky loss written as a
  function of logits and target, compared with
  :func:`segcourse.losses.tversky_loss`.
- Exercise 3: :func:`check_paired_differences`, the per-seed differences of
  a score between two losses, from the lab's tidy table.

Each checker recognises the usual mistakes (an overlap loss taken for the
best recall; the power of the mean instead of the mean of the powers; alpha
and beta not passed on to ``tversky_loss``; rows paired by their order
instead of by their seed; the absolute value of a difference...) and names
the one it sees.
"""

from __future__ import annotations

import math

import numpy as np

from ._common import (
    RETURNS_NONE,
    CheckResult,
    _call,
    _describe,
    _first,
    _function_name,
    _hint,
    _not_a_function,
    _right,
    _values_are_functions,
    _values_not_answered,
)

__all__ = [
    "check_best_recall",
    "check_focal_tversky",
    "check_paired_differences",
]


def _check_results(results):
    from segcourse.experiments import ExperimentResults

    if not isinstance(results, ExperimentResults):
        from segcourse._validation import argument_error

        raise argument_error("results", "what segcourse.experiments.run_experiment returns",
                             type(results).__name__, type_error=True)
    return results


def _mean(results, score, loss, fraction):
    values = results.values(score, loss=loss, foreground_fraction=fraction)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else math.nan


# ---------------------------------------------------------------------------
# Exercise 1: which loss finds the most foreground at 1 %?
# ---------------------------------------------------------------------------

#: What each overlap loss of the lab charges for a miss against a false alarm (exercise 1).
_OVERLAP_LOSSES = {
    "Dice": "An overlap loss charges a missed pixel and a false alarm alike (the Dice "
            "loss weighs FP and FN equally).",
    "Dice + CE": "Dice weighs a missed pixel and a false alarm equally, and the cross "
                 "entropy added to it counts every pixel the same, mostly background.",
    "Tversky": "Tversky charges a missed pixel more than a false alarm, but only 0.7 "
               "against 0.3, about 2 times.",
    "boundary": "The boundary loss starts as the Dice loss, which charges a missed pixel "
                "and a false alarm alike.",
}

def check_best_recall(answer, results, *, foreground_fraction=None) -> CheckResult:
    """Check exercise 1: the name of the loss with the best mean recall at the hardest fraction.

    Parameters
    ----------
    answer
        The learner's answer: a loss name, as in ``results.losses``.
    results : segcourse.experiments.ExperimentResults
        The lab's results.
    foreground_fraction : float, optional
        The fraction asked about; default the smallest of the grid.

    Examples
    --------
    >>> from segcourse.experiments import ExperimentResults
    >>> rows = [{"loss": name, "foreground_fraction": 0.01, "seed": 0, "dice": d, "recall": r}
    ...         for name, d, r in (("Dice", 0.6, 0.5), ("weighted CE", 0.5, 0.9))]
    >>> check_best_recall("weighted CE", ExperimentResults(rows)).correct
    True
    >>> check_best_recall("Dice", ExperimentResults(rows)).message[:48]
    'Dice has a mean recall of 0.50 at 1 % foreground'
    """
    results = _check_results(results)
    verdict = _first(_values_not_answered("the name of a loss, in quotes", best_recall=answer),
                     _values_are_functions(best_recall=answer))
    if verdict is not None:
        return verdict
    names = results.losses
    listed = ", ".join(repr(name) for name in names)
    if not isinstance(answer, str):
        return _hint(f"give the loss's name as a string, one of {listed}; you gave "
                     f"{_describe(answer)}.")
    fraction = min(results.fractions) if foreground_fraction is None else foreground_fraction
    if answer not in names:
        close = [name for name in names if name.lower().replace(" ", "")
                 == answer.lower().replace(" ", "")]
        if close:
            return _hint(f"write the name exactly as the table does: {close[0]!r}.")
        return _hint(f"{answer!r} is not a loss of the lab; the names are {listed}.")
    percent = f"{100 * fraction:g} %"
    recalls = {name: _mean(results, "recall", name, fraction) for name in names}
    best = max(recalls.values())
    mine = recalls[answer]
    if mine == best:
        others = sorted((value, name) for name, value in recalls.items() if name != answer)
        runner = f"; next {others[-1][1]} ({others[-1][0]:.2f})" if others else ""
        return _right(f"{answer} has the best mean recall at {percent} foreground, "
                      f"{mine:.2f}{runner}. It misses the fewest foreground pixels; "
                      "whether it also finds them without false alarms is what precision "
                      "says.")
    if answer in _OVERLAP_LOSSES:
        return _hint(f"{answer} has a mean recall of {mine:.2f} at {percent} foreground, "
                     f"another loss {best:.2f}. {_OVERLAP_LOSSES[answer]} Which loss makes a "
                     "missed foreground pixel cost about 1 / fraction times a false alarm?")
    if answer in ("cross entropy", "focal"):
        return _hint(f"{answer} averages over every pixel, {100 - 100 * fraction:g} % of them "
                     f"background, so saying \"background\" is cheap: its recall is only "
                     f"{mine:.2f}. Which loss gives the rare foreground pixels a larger "
                     "weight?")
    return _hint(f"{answer} has a mean recall of {mine:.2f} at {percent} foreground; another "
                 f"loss reaches {best:.2f}. Which one weights a missed foreground pixel the "
                 "most, compared with a false alarm?")


# ---------------------------------------------------------------------------
# Exercise 2: a focal Tversky loss
# ---------------------------------------------------------------------------

def _focal_tversky_cases():
    """(logits, target, options) cases; every class present in every image.

    The targets are imbalanced (a small square of each foreground class), so
    that false positives and false negatives differ and ``alpha=0.3,
    beta=0.7`` gives clearly another loss than ``0.5, 0.5``; and the images
    of a batch are predicted well, badly and in between, so that their
    Tversky indices differ a lot and the mean of the powers is clearly not
    the power of the mean.
    """
    import torch

    generator = torch.Generator().manual_seed(7)
    cases = []
    for shape, options in (((3, 2, 8, 8), {}),
                           ((3, 2, 6, 7), {"alpha": 0.5, "beta": 0.5, "gamma": 2.0}),
                           ((3, 3, 8, 8), {"alpha": 0.2, "beta": 0.8, "gamma": 0.5})):
        n, c, h, w = shape
        target = torch.zeros((n, h, w), dtype=torch.int64)
        for k in range(1, c):  # a small square of each foreground class
            target[:, 3 * k - 2:3 * k, 1:3] = k
        one_hot = torch.nn.functional.one_hot(target, c).movedim(-1, 1).to(torch.float64)
        noise = torch.randn(shape, generator=generator, dtype=torch.float64)
        # image 0 well predicted, image 1 wrong (the classes swapped), the rest in between
        sharpness = torch.linspace(4.0, -2.0, n, dtype=torch.float64).view(n, 1, 1, 1)
        cases.append((sharpness * one_hot + noise, target, options))
    return cases


def _tversky_terms(probs, target, alpha, beta, *, per_image=True, channels=None):
    import torch

    one_hot = torch.nn.functional.one_hot(target, probs.shape[1]).movedim(-1, 1).to(probs.dtype)
    if channels is not None:
        probs, one_hot = probs[:, channels], one_hot[:, channels]
    dims = (2, 3) if per_image else (0, 2, 3)
    tp = (probs * one_hot).sum(dims)
    fp = (probs * (1 - one_hot)).sum(dims)
    fn = ((1 - probs) * one_hot).sum(dims)
    return 1 - (tp + 1e-5) / (tp + alpha * fp + beta * fn + 1e-5)


def _focal_tversky_mistakes(logits, target, alpha, beta, gamma):
    import torch

    probs = torch.softmax(logits, dim=1)
    terms = _tversky_terms(probs, target, alpha, beta)
    mistakes = [
        (terms.mean(), "that is the Tversky loss itself: raise each image's and class's "
                       "1 - TI to the power gamma before you average."),
        ((_tversky_terms(probs, target, 0.5, 0.5) ** gamma).mean(),
         "pass alpha and beta on: tversky_loss's defaults are 0.5/0.5, not the 0.3/0.7 "
         "of this exercise (tversky_loss(logits, target, alpha=alpha, beta=beta, "
         "reduction='none'))."),
        (terms.mean() ** gamma, "that is the power of the mean: raise each image's and "
                                "class's 1 - TI to gamma first, then average (the mean of "
                                "the powers differs)."),
        ((terms ** (1 / gamma)).mean(), "the exponent is gamma itself, not 1 / gamma."),
        ((_tversky_terms(probs, target, beta, alpha) ** gamma).mean(),
         "alpha and beta are swapped: alpha weighs the false positives, sum p (1 - g), and "
         "beta the false negatives, sum (1 - p) g."),
        ((_tversky_terms(torch.sigmoid(logits), target, alpha, beta) ** gamma).mean(),
         "with a softmax model the probabilities come from softmax over the class axis "
         "(dim=1), not from a sigmoid of each channel."),
        ((_tversky_terms(logits, target, alpha, beta) ** gamma).mean(),
         "the formula needs probabilities: apply torch.softmax(logits, dim=1) first."),
        ((_tversky_terms(probs, target, alpha, beta, channels=slice(1, None)) ** gamma).mean(),
         "you left out class 0: average over every class, the background included (as "
         "tversky_loss does by default)."),
        ((_tversky_terms(probs, target, alpha, beta, per_image=False) ** gamma).mean(),
         "you summed TP, FP and FN over the whole batch: sum over the pixels of each image "
         "(dims 2 and 3), one TI per image and class."),
    ]
    return mistakes


def check_focal_tversky(function) -> CheckResult:
    r"""Check ``focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75)``.

    With softmax probabilities :math:`p` and the one-hot target :math:`g`,
    per image :math:`n` and class :math:`c` (the background included):
    :math:`TP = \sum p g`, :math:`FP = \sum p (1 - g)`,
    :math:`FN = \sum (1 - p) g` over the pixels, the Tversky index
    :math:`TI = (TP + s) / (TP + \alpha FP + \beta FN + s)` and the loss

    .. math:: L = \frac{1}{N C} \sum_{n, c} (1 - TI_{nc})^{\gamma},

    a torch scalar that gradients flow through. ``gamma=1`` gives
    :func:`segcourse.losses.tversky_loss`. The smoothing :math:`s` may be
    0 or small (the checker allows a relative 1e-4).

    Examples
    --------
    >>> from segcourse import losses
    >>> def focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
    ...     terms = losses.tversky_loss(logits, target, alpha=alpha, beta=beta,
    ...                                 reduction="none")
    ...     return (terms ** gamma).mean()
    >>> check_focal_tversky(focal_tversky_loss).correct
    True
    >>> check_focal_tversky(lambda logits, target, **options: losses.tversky_loss(
    ...     logits, target, alpha=options.get("alpha", 0.3), beta=options.get("beta", 0.7)))
    Not yet. Hint: that is the Tversky loss itself: raise each image's and class's 1 - TI to
    the power gamma before you average.
    """
    import torch

    from segcourse.losses import tversky_loss

    verdict = _not_a_function(function, "focal_tversky_loss",
                              "focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, "
                              "gamma=0.75)", "exercises.check_focal_tversky")
    if verdict is not None:
        return verdict
    for logits, target, options in _focal_tversky_cases():
        alpha = options.get("alpha", 0.3)
        beta = options.get("beta", 0.7)
        gamma = options.get("gamma", 0.75)
        expected = (tversky_loss(logits, target, alpha=alpha, beta=beta,
                                 reduction="none") ** gamma).mean()
        leaf = logits.clone().requires_grad_(True)
        try:
            got = function(leaf, target.clone(), **options)
        except NotImplementedError:
            shown = _function_name(function, "focal_tversky_loss")
            return CheckResult(False, f"`{shown}` still raises NotImplementedError: replace "
                                      "the line `raise NotImplementedError(...)` in its body "
                                      "with your code, then run that cell and this one.",
                               answered=False)
        except TypeError as error:
            if "unexpected keyword" in str(error) or "positional" in str(error):
                return _hint("give your function the keyword options alpha, beta and gamma: "
                             "def focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, "
                             "gamma=0.75).")
            raise
        if got is None:
            return _hint(RETURNS_NONE)
        if not isinstance(got, torch.Tensor):
            return _hint(f"return a torch tensor (one number that backward() can start "
                         f"from), not {_describe(got)}: keep to torch operations.")
        if got.numel() != 1:
            return _hint(f"return one number, the mean over images and classes; you returned "
                         f"a tensor of shape {tuple(got.shape)}.")
        value = float(got.detach())
        if not math.isclose(value, float(expected), rel_tol=1e-4, abs_tol=1e-7):
            if options:  # the defaults were right: the options are not used
                default = (tversky_loss(logits, target, alpha=0.3, beta=0.7,
                                        reduction="none") ** 0.75).mean()
                if math.isclose(value, float(default), rel_tol=1e-4, abs_tol=1e-7):
                    return _hint(f"with {options} your function gives the value of the "
                                 "defaults: use the arguments alpha, beta and gamma in the "
                                 "formula, not fixed numbers.")
            for wrong, hint in _focal_tversky_mistakes(logits, target, alpha, beta, gamma):
                wrong = float(wrong)
                # raw logits make 1 - TI negative and its power NaN: the same mistake
                if (math.isclose(value, wrong, rel_tol=1e-4, abs_tol=1e-7)
                        or (math.isnan(value) and math.isnan(wrong))):
                    return _hint(hint)
            told = options or "the default options"
            return _hint(f"for logits of shape {tuple(logits.shape)} with {told} the loss is "
                         f"{float(expected):.5f}, you returned "
                         f"{value:.5f}. Compute TP, FP and FN per image and class from "
                         "softmax probabilities, TI, then the mean of (1 - TI) ** gamma.")
        if not got.requires_grad:
            return _hint("the value is right but no gradient reaches the logits: keep to torch "
                         "operations (no .numpy(), .item() or .detach() on the way).")
        got.backward()
        if leaf.grad is None or not bool(torch.isfinite(leaf.grad).all()):
            return _hint("the value is right but its gradient with respect to the logits is "
                         "missing or not finite.")
    return _right("your focal Tversky loss agrees with (tversky_loss(..., reduction='none') "
                  "** gamma).mean() on 3 cases, and gradients flow to the logits. With "
                  "gamma < 1 an image whose class is already well segmented (1 - TI small) "
                  "still counts: (1 - TI) ** 0.75 > 1 - TI.")


# ---------------------------------------------------------------------------
# Exercise 3: paired differences across seeds
# ---------------------------------------------------------------------------

def _paired(rows, score, loss_a, loss_b, fraction):
    def by_seed(loss):
        return {row["seed"]: row[score] for row in rows
                if row["loss"] == loss and row["foreground_fraction"] == fraction}

    a, b = by_seed(loss_a), by_seed(loss_b)
    seeds = sorted(set(a) & set(b))
    return np.array([a[seed] - b[seed] for seed in seeds], dtype=float)


def _mixed_sign_pair(rows, score, losses, fractions):
    """The first (loss_a, loss_b, fraction) whose paired differences have both signs, or None.

    Hardest fraction first (the smallest fraction, where the lab's losses differ
    most). Only on such a pair does ``abs(a - b)`` differ from both the right
    answer and its negation.
    """
    for fraction in sorted(fractions):
        for index, loss_a in enumerate(losses):
            for loss_b in losses[index + 1:]:
                differences = _paired(rows, score, loss_a, loss_b, fraction)
                if np.any(differences > 0) and np.any(differences < 0):
                    return (loss_a, loss_b, fraction)
    return None


def _in_row_order(rows, score, loss, fraction=None):
    return np.array([row[score] for row in rows if row["loss"] == loss
                     and (fraction is None or row["foreground_fraction"] == fraction)],
                    dtype=float)


def _as_values(value):
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _same_values(got, expected) -> bool:
    return (got is not None and got.shape == expected.shape
            and bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=True)))


def check_paired_differences(function, results) -> CheckResult:
    """Check ``paired_differences(rows, score, loss_a, loss_b, fraction)``.

    The answer is one number per seed, in increasing seed order: the score
    of ``loss_a`` minus the score of ``loss_b`` for the same seed, at the
    given foreground fraction. The checker calls the function on the rows of
    ``results`` in a shuffled order (a table's rows come in any order), for
    several pairs of losses and fractions, among them a pair whose
    differences have both signs where the results hold one (so that the
    absolute value is told apart from a reversed sign).

    Examples
    --------
    >>> from segcourse.experiments import ExperimentResults
    >>> rows = [{"loss": loss, "foreground_fraction": 0.01, "seed": seed, "dice": value}
    ...         for loss, values in (("A", (0.5, 0.7, 0.4)), ("B", (0.45, 0.6, 0.5)))
    ...         for seed, value in enumerate(values)]
    >>> def paired_differences(rows, score, loss_a, loss_b, fraction):
    ...     def scores(loss):
    ...         mine = [r for r in rows if r["loss"] == loss
    ...                 and r["foreground_fraction"] == fraction]
    ...         return np.array([r[score] for r in sorted(mine, key=lambda r: r["seed"])])
    ...     return scores(loss_a) - scores(loss_b)
    >>> check_paired_differences(paired_differences, ExperimentResults(rows)).correct
    True
    """
    results = _check_results(results)
    verdict = _not_a_function(function, "paired_differences",
                              "paired_differences(rows, score, loss_a, loss_b, fraction)",
                              "exercises.check_paired_differences")
    if verdict is not None:
        return verdict
    losses, fractions = results.losses, results.fractions
    if len(losses) < 2 or len(results.seeds) < 2:
        from segcourse._validation import argument_error

        raise argument_error("results", "a grid of at least two losses and two seeds",
                             f"{len(losses)} losses and {len(results.seeds)} seeds")
    score = "dice" if "dice" in results.rows[0] else [
        key for key in results.rows[0] if key not in ("loss", "foreground_fraction", "seed")][0]
    pairs = [(losses[0], losses[1], fractions[-1]), (losses[-1], losses[0], fractions[0])]
    if len(losses) > 2:
        pairs.append((losses[1], losses[2], fractions[len(fractions) // 2]))
    mixed = _mixed_sign_pair(results.rows, score, losses, fractions)
    if mixed is not None and mixed not in pairs:
        pairs.append(mixed)  # only there is the absolute value told from a reversed sign
    rng = np.random.default_rng(3)
    pending = None  # a hint that a later pair may make more precise
    for loss_a, loss_b, fraction in pairs:
        rows = [dict(row) for row in results.rows]
        rows = [rows[index] for index in rng.permutation(len(rows))]
        expected = _paired(rows, score, loss_a, loss_b, fraction)
        given = [dict(row) for row in rows]
        got, failure = _call(function, given, score, loss_a, loss_b, fraction,
                             name="paired_differences")
        if failure is not None:
            return failure
        call = f"paired_differences(rows, {score!r}, {loss_a!r}, {loss_b!r}, {fraction!r})"
        values = _as_values(got)
        if values is None:
            return _hint(f"return the differences as numbers (a list or an array); {call} "
                         f"gave {_describe(got)}.")
        if values.ndim == 0:
            if math.isclose(float(values), float(np.mean(expected)), rel_tol=1e-9,
                            abs_tol=1e-12):
                return _hint("you returned the mean difference: return the difference of "
                             "every seed (one number per seed), so that their spread shows "
                             "too.")
            return _hint(f"return one difference per seed (an array of {expected.size}); "
                         f"{call} gave one number.")
        values = values.ravel()
        if _same_values(values, expected):
            continue
        reversed_sign = _same_values(values, -expected)
        absolute = _same_values(values, np.abs(expected))
        if reversed_sign and absolute:  # every difference negative: a later pair tells
            if pending is None:  # (not `pending or ...`: a wrong verdict is falsy)
                pending = _hint(f"the sign is reversed, or you took the absolute value: "
                                f"return {loss_a!r} minus {loss_b!r}, with its sign, so that "
                                "a positive difference means the first loss scored higher.")
            continue
        if reversed_sign:
            return _hint(f"the sign is reversed: return {loss_a!r} minus {loss_b!r}, so "
                         "that a positive difference means the first loss scored higher.")
        if absolute:
            return _hint("keep the sign: the absolute value hides which loss was better for "
                         "each seed.")
        unfiltered = (_in_row_order(rows, score, loss_a), _in_row_order(rows, score, loss_b))
        if values.size == unfiltered[0].size and values.size != expected.size:
            return _hint(f"keep only the rows of the fraction asked for ({fraction!r}): you "
                         f"returned {values.size} differences, one per seed is "
                         f"{expected.size}.")
        in_order = (_in_row_order(rows, score, loss_a, fraction)
                    - _in_row_order(rows, score, loss_b, fraction))
        if _same_values(values, in_order):
            return _hint("the rows come in any order (the checker shuffles them): pair each "
                         "seed of loss_a with the same seed of loss_b, for example by sorting "
                         "each loss's rows by their 'seed'.")
        if values.size == expected.size and _same_values(np.sort(values), np.sort(expected)):
            return _hint("right differences, wrong order: give them in increasing seed "
                         "order.")
        if values.size == expected.size:
            return _hint(f"{call} should give {np.round(expected, 4).tolist()}, you returned "
                         f"{np.round(values, 4).tolist()}: for each seed, the {score} of "
                         f"{loss_a!r} minus that of {loss_b!r}, at that fraction.")
        return _hint(f"return one difference per seed ({expected.size} numbers); {call} gave "
                     f"{values.size}.")
    if pending is not None:
        return pending
    return _right("one difference per seed, paired by seed and not by row order, on "
                  f"{len(pairs)} pairs of losses from shuffled rows. Pairing removes what "
                  "the two runs of a seed share (the same initial weights, the same batches).")
