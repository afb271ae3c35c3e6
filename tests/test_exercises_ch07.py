"""Checkers of chapter 07: the right answers, one test per typical wrong answer and its
hint, both stubs of a learner copy, and answers of the wrong kind."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checker_asserts import assert_hint, assert_not_answered, assert_right, learner_stub

from segcourse import exercises, losses
from segcourse.exercises import (
    check_best_recall,
    check_focal_tversky,
    check_paired_differences,
)
from segcourse.experiments import ExperimentResults


def test_chapter_07_checkers_are_importable_from_segcourse_exercises():
    from segcourse.exercises import ch07

    for name in ch07.__all__:
        assert getattr(exercises, name) is getattr(ch07, name)
        assert name in exercises.__all__


# A grid without training: 4 losses x 2 fractions x 3 seeds, scores chosen so that every
# loss is told apart (weighted CE the best recall at 1 %, Dice the best Dice there).
SCORES = {  # loss -> fraction -> (dice per seed, recall per seed)
    "cross entropy": {0.2: ([0.95, 0.94, 0.96], [0.95, 0.93, 0.96]),
                      0.01: ([0.20, 0.00, 0.10], [0.12, 0.00, 0.05])},
    "weighted CE": {0.2: ([0.93, 0.92, 0.94], [0.99, 0.98, 0.99]),
                    0.01: ([0.60, 0.55, 0.58], [0.85, 0.80, 0.82])},
    "Dice": {0.2: ([0.94, 0.95, 0.93], [0.97, 0.96, 0.98]),
             0.01: ([0.70, 0.62, 0.66], [0.60, 0.55, 0.58])},
    "Tversky": {0.2: ([0.96, 0.93, 0.92], [0.98, 0.97, 0.99]),
                0.01: ([0.64, 0.66, 0.61], [0.65, 0.66, 0.62])},
}


def fake_results():
    rows = []
    for loss, fractions in SCORES.items():
        for fraction, (dice, recall) in fractions.items():
            for seed in range(3):
                rows.append({"loss": loss, "foreground_fraction": fraction, "seed": seed,
                             "dice": dice[seed], "recall": recall[seed]})
    return ExperimentResults(rows=rows)


# --- exercise 1: which loss has the best recall at 1 %? ------------------------------------


def test_best_recall_right_answer():
    result = check_best_recall("weighted CE", fake_results())
    assert_right(result)
    assert "0.82" in result.message and "Tversky (0.64)" in result.message


def test_best_recall_hints():
    results = fake_results()
    assert_hint(check_best_recall("Dice", results), "Dice has a mean recall of 0.58 at 1 %")
    assert "a missed pixel and a false alarm alike" in check_best_recall("Dice", results).message
    assert_hint(check_best_recall("cross entropy", results), "cross entropy averages over every")
    assert_hint(check_best_recall("Tversky", results), "Tversky has a mean recall of 0.64")
    assert "only 0.7 against 0.3" in check_best_recall("Tversky", results).message
    assert_hint(check_best_recall("weighted ce", results), "write the name exactly as the table "
                                                           "does: 'weighted CE'")
    assert_hint(check_best_recall("hinge", results), "'hinge' is not a loss of the lab")
    assert_hint(check_best_recall(3, results), "give the loss's name as a string")
    assert_hint(check_best_recall(len, results), "`best_recall` is a function")
    # at another fraction: the best recall at 20 % is weighted CE too
    assert_hint(check_best_recall("cross entropy", results, foreground_fraction=0.2),
                "cross entropy averages over every pixel, 80 % of them")
    assert_right(check_best_recall("weighted CE", results, foreground_fraction=0.2))


def test_best_recall_overlap_hint_is_reached_where_the_best_dice_is_the_best_recall():
    """In the lab the best Dice at 1 % is weighted CE, also the best recall: the hint for an
    overlap loss must not depend on it having the best Dice."""
    rows = [{"loss": loss, "foreground_fraction": 0.01, "seed": seed, "dice": dice,
             "recall": recall}
            for loss, dice, recall in (("weighted CE", 0.66, 0.78), ("Dice", 0.62, 0.58),
                                       ("Dice + CE", 0.37, 0.26), ("boundary", 0.33, 0.23))
            for seed in range(3)]
    results = ExperimentResults(rows=rows)
    for loss in ("Dice", "Dice + CE", "boundary"):
        result = check_best_recall(loss, results)
        assert_hint(result, f"{loss} has a mean recall of")
        assert "about 1 / fraction times a false alarm" in result.message


def test_best_recall_stubs_and_bad_results():
    assert_not_answered(check_best_recall(..., fake_results()), "replace the `...` after "
                                                                "`best_recall =`")
    assert_not_answered(check_best_recall(None, fake_results()), "`best_recall` is None")
    with pytest.raises(TypeError, match="`results`"):
        check_best_recall("Dice", fake_results().rows)


# --- exercise 2: a focal Tversky loss --------------------------------------------------------


def focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
    probs = torch.softmax(logits, dim=1)
    one_hot = torch.nn.functional.one_hot(target, logits.shape[1]).movedim(-1, 1).to(probs.dtype)
    tp = (probs * one_hot).sum((2, 3))
    fp = (probs * (1 - one_hot)).sum((2, 3))
    fn = ((1 - probs) * one_hot).sum((2, 3))
    index = (tp + 1e-5) / (tp + alpha * fp + beta * fn + 1e-5)
    return ((1 - index) ** gamma).mean()


def _variant(*, exponent=None, swap=False, probabilities="softmax", channels=None,
             per_image=True, power_of_mean=False):
    def loss(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
        if swap:
            alpha, beta = beta, alpha
        probs = {"softmax": lambda: torch.softmax(logits, dim=1),
                 "sigmoid": lambda: torch.sigmoid(logits),
                 "none": lambda: logits}[probabilities]()
        one_hot = torch.nn.functional.one_hot(target, logits.shape[1]).movedim(-1, 1)
        one_hot = one_hot.to(probs.dtype)
        if channels is not None:
            probs, one_hot = probs[:, channels], one_hot[:, channels]
        dims = (2, 3) if per_image else (0, 2, 3)
        tp = (probs * one_hot).sum(dims)
        fp = (probs * (1 - one_hot)).sum(dims)
        fn = ((1 - probs) * one_hot).sum(dims)
        terms = 1 - (tp + 1e-5) / (tp + alpha * fp + beta * fn + 1e-5)
        power = gamma if exponent is None else exponent(gamma)
        return terms.mean() ** power if power_of_mean else (terms ** power).mean()

    return loss


def test_focal_tversky_right_answers():
    assert_right(check_focal_tversky(focal_tversky_loss))

    def with_the_library(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
        terms = losses.tversky_loss(logits, target, alpha=alpha, beta=beta, reduction="none")
        return (terms ** gamma).mean()

    assert_right(check_focal_tversky(with_the_library))


@pytest.mark.parametrize("function, start", [
    (_variant(exponent=lambda gamma: 1.0), "that is the Tversky loss itself"),
    (_variant(power_of_mean=True), "that is the power of the mean"),
    (_variant(exponent=lambda gamma: 1 / gamma), "the exponent is gamma itself"),
    (_variant(swap=True), "alpha and beta are swapped"),
    (_variant(probabilities="sigmoid"), "with a softmax model the probabilities come"),
    (_variant(probabilities="none"), "the formula needs probabilities"),
    (_variant(channels=slice(1, None)), "you left out class 0"),
    (_variant(per_image=False), "you summed TP, FP and FN over the whole batch"),
])
def test_focal_tversky_hints(function, start):
    assert_hint(check_focal_tversky(function), start)


def test_focal_tversky_alpha_and_beta_not_passed_on_to_the_library():
    """tversky_loss's defaults are 0.5/0.5: a learner who forgets to pass alpha and beta on
    gets a hint of its own, not "the power of the mean"."""
    def forgets_alpha_and_beta(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
        return (losses.tversky_loss(logits, target, reduction="none") ** gamma).mean()

    result = check_focal_tversky(forgets_alpha_and_beta)
    assert_hint(result, "pass alpha and beta on: tversky_loss's defaults are 0.5/0.5")


def test_focal_tversky_cases_tell_the_mistakes_clearly_apart():
    """Imbalanced targets and images predicted well and badly: per-image Tversky indices
    differ a lot, so the right answer, the power of the mean and alpha = beta = 0.5 differ
    by far more than the checker's tolerance (1e-4) in the first case."""
    from segcourse.exercises import ch07

    logits, target, options = ch07._focal_tversky_cases()[0]
    assert options == {}
    terms = losses.tversky_loss(logits, target, alpha=0.3, beta=0.7, reduction="none")
    assert float(terms.max() - terms.min()) > 0.5
    right = float((terms ** 0.75).mean())
    values = [right] + [float(value) for value, _ in
                        ch07._focal_tversky_mistakes(logits, target, 0.3, 0.7, 0.75)]
    finite = [value for value in values if np.isfinite(value)]
    gaps = [abs(a - b) / max(abs(a), abs(b)) for i, a in enumerate(finite)
            for b in finite[i + 1:]]
    assert min(gaps) > 1e-3, min(gaps)
    power_of_mean = float(terms.mean() ** 0.75)
    half_half = float((losses.tversky_loss(logits, target, reduction="none") ** 0.75).mean())
    for wrong in (power_of_mean, half_half):
        assert abs(wrong - right) > 0.01 * right
    assert abs(power_of_mean - half_half) > 0.01 * right


def test_focal_tversky_wrong_kinds_of_answer():
    def fixed(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
        return focal_tversky_loss(logits, target)  # ignores its options

    assert_hint(check_focal_tversky(fixed), "with {'alpha': 0.5")

    def no_options(logits, target):
        return focal_tversky_loss(logits, target)

    assert_hint(check_focal_tversky(no_options), "give your function the keyword options")

    def as_number(logits, target, **options):
        return focal_tversky_loss(logits, target, **options).detach().item()

    assert_hint(check_focal_tversky(as_number), "return a torch tensor")

    def per_class(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75):
        return losses.tversky_loss(logits, target, alpha=alpha, beta=beta,
                                   reduction="none") ** gamma

    assert_hint(check_focal_tversky(per_class), "return one number")

    def detached(logits, target, **options):
        return focal_tversky_loss(logits, target, **options).detach()

    assert_hint(check_focal_tversky(detached), "the value is right but no gradient")

    def forgets_return(logits, target, **options):
        focal_tversky_loss(logits, target, **options)

    assert_hint(check_focal_tversky(forgets_return), "your function returns None")
    assert_hint(check_focal_tversky(lambda logits, target, **options: torch.tensor(0.5)),
                "for logits of shape")
    assert_hint(check_focal_tversky(0.5), "pass the function itself")


def test_focal_tversky_stubs():
    stub = learner_stub("focal_tversky_loss",
                        "focal_tversky_loss(logits, target, *, alpha=0.3, beta=0.7, gamma=0.75)")
    assert_not_answered(check_focal_tversky(stub), "`focal_tversky_loss` still raises "
                                                   "NotImplementedError")
    assert_not_answered(check_focal_tversky(...), "`focal_tversky_loss` is not written yet")


# --- exercise 3: paired differences -----------------------------------------------------------


def paired_differences(rows, score, loss_a, loss_b, fraction):
    def by_seed(loss):
        return {row["seed"]: row[score] for row in rows
                if row["loss"] == loss and row["foreground_fraction"] == fraction}

    a, b = by_seed(loss_a), by_seed(loss_b)
    return np.array([a[seed] - b[seed] for seed in sorted(a)])


def test_paired_differences_right_answer():
    assert_right(check_paired_differences(paired_differences, fake_results()))
    # a list is fine too
    assert_right(check_paired_differences(
        lambda *args: list(paired_differences(*args)), fake_results()))


def _in_row_order(rows, score, loss_a, loss_b, fraction):
    def values(loss):
        return np.array([row[score] for row in rows
                         if row["loss"] == loss and row["foreground_fraction"] == fraction])

    return values(loss_a) - values(loss_b)


def _every_fraction(rows, score, loss_a, loss_b, fraction):
    def values(loss):
        ordered = sorted((r for r in rows if r["loss"] == loss),
                         key=lambda r: (r["foreground_fraction"], r["seed"]))
        return np.array([row[score] for row in ordered])

    return values(loss_a) - values(loss_b)


@pytest.mark.parametrize("function, start", [
    (lambda *args: -paired_differences(*args), "the sign is reversed"),
    (lambda *args: np.abs(paired_differences(*args)), "keep the sign"),
    (lambda *args: float(np.mean(paired_differences(*args))), "you returned the mean difference"),
    (lambda *args: 0.1, "return one difference per seed (an array of 3)"),
    (_in_row_order, "the rows come in any order"),
    (lambda *args: paired_differences(*args)[::-1], "right differences, wrong order"),
    (_every_fraction, "keep only the rows of the fraction asked for"),
    (lambda *args: paired_differences(*args) + 0.5, "paired_differences(rows, 'dice'"),
    (lambda *args: paired_differences(*args)[:2], "return one difference per seed (3 numbers)"),
    (lambda *args: "0.1, 0.2, 0.3", "return the differences as numbers"),
])
def test_paired_differences_hints(function, start):
    assert_hint(check_paired_differences(function, fake_results()), start)


def _rows(dice):
    """A tidy table from {loss: {fraction: dice per seed}}."""
    return [{"loss": loss, "foreground_fraction": fraction, "seed": seed, "dice": value}
            for loss, by_fraction in dice.items() for fraction, values in by_fraction.items()
            for seed, value in enumerate(values)]


# as in the lab: the default pairs (A - B at 1 %, D - A at 20 %, B - C at 5 %) have
# differences of one sign each, and only B - C at 1 % has both signs
ONE_SIGNED = {"A": {0.2: [0.90, 0.91, 0.92], 0.05: [0.6, 0.5, 0.7], 0.01: [0.20, 0.00, 0.15]},
              "B": {0.2: [0.93, 0.92, 0.94], 0.05: [0.8, 0.8, 0.8], 0.01: [0.66, 0.64, 0.66]},
              "C": {0.2: [0.94, 0.95, 0.93], 0.05: [0.7, 0.7, 0.7], 0.01: [0.64, 0.65, 0.58]},
              "D": {0.2: [0.80, 0.81, 0.79], 0.05: [0.8, 0.8, 0.8], 0.01: [0.33, 0.34, 0.20]}}


def test_paired_differences_absolute_value_is_told_apart_on_a_pair_of_mixed_signs():
    results = ExperimentResults(rows=_rows(ONE_SIGNED))
    assert_right(check_paired_differences(paired_differences, results))
    assert_hint(check_paired_differences(lambda *args: np.abs(paired_differences(*args)),
                                         results), "keep the sign")
    assert_hint(check_paired_differences(lambda *args: -paired_differences(*args), results),
                "the sign is reversed")
    from segcourse.exercises import ch07

    assert ch07._mixed_sign_pair(results.rows, "dice", results.losses,
                                 results.fractions) == ("B", "C", 0.01)


def test_paired_differences_without_a_mixed_pair_keeps_the_first_ambiguous_hint():
    """No pair has both signs: abs(a - b) and b - a cannot be told apart; the hint names both
    and the first pair it saw (a wrong verdict is falsy: `pending or ...` lost it)."""
    dice = {loss: {0.01: values[0.01], 0.2: values[0.2]}
            for loss, values in ONE_SIGNED.items() if loss != "C"}
    dice["B"][0.01] = [0.66, 0.64, 0.70]  # B - D and B - A now one-signed everywhere
    results = ExperimentResults(rows=_rows(dice))
    from segcourse.exercises import ch07

    assert ch07._mixed_sign_pair(results.rows, "dice", results.losses,
                                 results.fractions) is None
    result = check_paired_differences(lambda *args: np.abs(paired_differences(*args)), results)
    assert_hint(result, "the sign is reversed, or you took the absolute value: return 'A' "
                        "minus 'B'")


def test_paired_differences_stubs_and_bad_results():
    stub = learner_stub("paired_differences",
                        "paired_differences(rows, score, loss_a, loss_b, fraction)")
    assert_not_answered(check_paired_differences(stub, fake_results()),
                        "`paired_differences` still raises NotImplementedError")
    assert_not_answered(check_paired_differences(..., fake_results()),
                        "`paired_differences` is not written yet")
    assert_hint(check_paired_differences(lambda *args: None, fake_results()),
                "your function returns None")
    with pytest.raises(TypeError, match="`results`"):
        check_paired_differences(paired_differences, fake_results().rows)
    one_seed = ExperimentResults(rows=[r for r in fake_results().rows if r["seed"] == 0])
    with pytest.raises(ValueError, match="`results`"):
        check_paired_differences(paired_differences, one_seed)
