"""Tests of segcourse.losses: literal cases, reference cross-checks, limits,
gradients, numerical stability and argument errors."""

from __future__ import annotations

import copy
import functools
import inspect
import itertools
import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from segcourse import losses
from segcourse.losses import (
    BinaryFocalLoss,
    BoundaryLoss,
    CompoundLoss,
    CrossEntropyLoss,
    DiceLoss,
    FocalLoss,
    TverskyLoss,
    binary_focal_loss,
    boundary_loss,
    boundary_loss_weights,
    class_weights,
    cross_entropy,
    dice_loss,
    focal_loss,
    loss_gradient,
    signed_distance_map,
    tversky_loss,
)

monai_losses = pytest.importorskip("monai.losses")

CUDA = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def random_case(seed, *, num_classes=None, ignore=0.0, dtype=torch.float64, scale=3.0,
                spatial=None):
    """Random logits (N, C, ...) and targets (N, ...) of a random shape."""
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4))
    c = int(rng.integers(2, 6)) if num_classes is None else num_classes
    if spatial is None:
        spatial = [(), (7,), (4, 5), (3, 4, 2)][seed % 4]
    logits = scale * torch.randn((n, c, *spatial), generator=generator, dtype=dtype)
    high = max(c, 2)
    target = torch.randint(0, high, (n, *spatial), generator=generator)
    if ignore:
        drop = torch.rand(target.shape, generator=generator) < ignore
        target[drop] = -100
    return logits, target


def grad_of(function, logits, *args, **kwargs):
    leaf = logits.detach().clone().requires_grad_(True)
    value = function(leaf, *args, **kwargs)
    (gradient,) = torch.autograd.grad(value.sum(), leaf)
    return value.detach(), gradient


# --------------------------------------------------------------------------
# cross_entropy
# --------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 0.7])
@pytest.mark.parametrize("ignore", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_torch(reduction, label_smoothing, ignore, weighted):
    for seed in range(4):
        logits, target = random_case(seed, ignore=ignore)
        num_classes = logits.shape[1]
        weight = None
        if weighted:
            weight = torch.rand(num_classes, dtype=torch.float64,
                                generator=torch.Generator().manual_seed(seed)) + 0.1
        options = dict(weight=weight, reduction=reduction, label_smoothing=label_smoothing)
        ours, ours_grad = grad_of(cross_entropy, logits, target, **options)
        theirs, their_grad = grad_of(F.cross_entropy, logits, target, **options)
        assert_bitwise_equal(ours, theirs)  # not just close: the same operations, in order
        assert_bitwise_equal(ours_grad, their_grad)


def assert_bitwise_equal(ours, theirs):
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert torch.equal(ours.nan_to_num(nan=7.0), theirs.nan_to_num(nan=7.0))
    assert torch.equal(ours.isnan(), theirs.isnan())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("ignore_index", [-100, 0, 2, None])
@pytest.mark.parametrize("spatial", [(), (9,), (6, 7), (3, 4, 5)])
def test_cross_entropy_is_bitwise_torch_for_every_option(dtype, ignore_index, spatial):
    generator = torch.Generator().manual_seed(len(spatial))
    logits = 3 * torch.randn((3, 4, *spatial), generator=generator, dtype=dtype)
    target = torch.randint(0, 4, (3, *spatial), generator=generator)
    if ignore_index == -100:
        target[torch.rand(target.shape, generator=generator) < 0.3] = -100
    weight = torch.rand(4, generator=generator, dtype=dtype) + 0.1
    for weighted, smoothing, reduction in itertools.product(
            (False, True), (0.0, 0.1, 1.0), ("mean", "sum", "none")):
        options = dict(weight=weight if weighted else None, label_smoothing=smoothing,
                       reduction=reduction)
        torch_ignore = -100 if ignore_index is None else ignore_index
        ours, ours_grad = grad_of(cross_entropy, logits, target, ignore_index=ignore_index,
                                  **options)
        theirs, their_grad = grad_of(F.cross_entropy, logits, target, ignore_index=torch_ignore,
                                     **options)
        assert_bitwise_equal(ours, theirs)
        assert_bitwise_equal(ours_grad, their_grad)


@pytest.mark.parametrize("ignore_index", [-100, 0, None])
@pytest.mark.parametrize("spatial", [(), (9,), (6, 7), (3, 4, 5)])
def test_cross_entropy_equals_its_formula_written_out(ignore_index, spatial):
    """torch's kernel (what cross_entropy calls) against the docstring's formula term by term,
    values and gradients in float64, on every combination of options."""
    generator = torch.Generator().manual_seed(10 + len(spatial))
    logits = 3 * torch.randn((3, 4, *spatial), generator=generator, dtype=torch.float64)
    target = torch.randint(0, 4, (3, *spatial), generator=generator)
    if ignore_index is not None:
        target[torch.rand(target.shape, generator=generator) < 0.3] = ignore_index
    weight = torch.rand(4, generator=generator, dtype=torch.float64) + 0.1
    for weighted, smoothing, reduction in itertools.product(
            (False, True), (0.0, 0.1, 1.0), ("mean", "sum", "none")):
        options = dict(weight=weight if weighted else None, label_smoothing=smoothing,
                       reduction=reduction, ignore_index=ignore_index)
        ours, ours_grad = grad_of(cross_entropy, logits, target, **options)
        formula, formula_grad = grad_of(losses._cross_entropy_formula, logits, target, **options)
        torch.testing.assert_close(ours, formula, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(ours_grad, formula_grad, rtol=1e-12, atol=1e-12)
        assert ours.numel() == 1 or reduction == "none"


def test_cross_entropy_takes_the_short_path_only_for_calls_its_checks_would_pass(monkeypatch):
    logits = torch.randn(2, 3, 4, 5)
    target = torch.randint(0, 3, (2, 4, 5))
    plain = dict(weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0)

    def is_plain(x=logits, t=target, **changes):
        options = {**plain, **changes}
        return losses._is_plain_call(x, t, options["weight"], options["ignore_index"],
                                     options["reduction"], options["label_smoothing"])

    assert is_plain() and is_plain(ignore_index=0, reduction="none", label_smoothing=1.0)
    assert is_plain(logits.double()) and is_plain(logits[:0], target[:0])
    assert is_plain(weight=torch.tensor([0.5, 0.0, 2.0]))
    for x, t, changes in [
            (logits.half(), target, {}), (logits, target.int(), {}), (logits, target.bool(), {}),
            (logits, target[:, :3], {}), (logits[:, :1], target, {}), (logits[0, 0], target, {}),
            (torch.nn.Parameter(logits), target, {}), (logits, target.numpy(), {}),
            (logits, target, {"weight": torch.ones(3).double()}),
            (logits, target, {"weight": torch.ones(2)}), (logits, target, {"weight": [1, 1, 1]}),
            (logits, target, {"weight": torch.ones(1, 3)}),
            (logits, target, {"weight": torch.tensor([1.0, -1.0, 1.0])}),
            (logits, target, {"weight": torch.tensor([1.0, float("nan"), 1.0])}),
            (logits, target, {"weight": torch.tensor([1.0, float("inf"), 1.0])}),
            (logits, target, {"ignore_index": None}),
            (logits, target, {"ignore_index": True}), (logits, target, {"ignore_index": 2**63}),
            (logits, target, {"reduction": "avg"}),
            (logits, target, {"label_smoothing": 0}), (logits, target, {"label_smoothing": 1.5}),
            (logits, target, {"label_smoothing": float("nan")})]:
        assert not is_plain(x, t, **changes), (x.dtype, changes)
    # both paths give torch's values; the short one skips the checks, not the warning
    calls = []
    monkeypatch.setattr(losses, "_check_target_form",
                        lambda *args: calls.append(1) or args[0])
    assert torch.equal(cross_entropy(logits, target), F.cross_entropy(logits, target))
    assert not calls
    with pytest.warns(losses.ProbabilitiesWarning):
        cross_entropy(logits.softmax(1), target)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
def test_cross_entropy_unchecked_gives_the_checked_values_and_skips_checks_and_warning(
        dtype, monkeypatch):
    generator = torch.Generator().manual_seed(21)
    logits = (3 * torch.randn(2, 4, 5, 6, generator=generator)).to(dtype)
    target = torch.randint(0, 4, (2, 5, 6), generator=generator)
    ignored = target.clone()
    ignored[:, 0] = -100
    weight = (torch.rand(4, generator=generator) + 0.5).to(dtype)
    for labels, weighted, smoothing, reduction, ignore_index in itertools.product(
            (target, ignored), (False, True), (0.0, 0.2), ("mean", "sum", "none"), (-100, None)):
        if ignore_index is None and labels is ignored:
            continue
        options = dict(weight=weight if weighted else None, label_smoothing=smoothing,
                       reduction=reduction, ignore_index=ignore_index)
        checked, checked_grad = grad_of(cross_entropy, logits, labels, **options)
        unchecked, unchecked_grad = grad_of(cross_entropy, logits, labels, **options,
                                            validate_args=False)
        assert_bitwise_equal(unchecked, checked)
        assert_bitwise_equal(unchecked_grad, checked_grad)
    # no check and no warning runs: probabilities pass silently
    monkeypatch.setattr(losses, "_check_target_form", lambda *args: pytest.fail("checked"))
    monkeypatch.setattr(losses, "_is_plain_call", lambda *args: pytest.fail("recognised"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cross_entropy(logits.float().softmax(1).to(dtype), target, validate_args=False)


def test_ignore_index_beyond_int64_is_the_standard_error():
    logits = torch.randn(2, 3, 4)
    target = torch.randint(0, 3, (2, 4))
    for bad in (2**63, -2**63 - 1):
        for loss in (cross_entropy, losses.focal_loss, losses.dice_loss):
            with pytest.raises(ValueError, match="`ignore_index` to be an integer that fits int64"):
                loss(logits, target, ignore_index=bad)
    assert torch.equal(cross_entropy(logits, target, ignore_index=2**63 - 1),
                       F.cross_entropy(logits, target))


def test_cross_entropy_unchecked_still_names_a_bad_class_index_and_takes_only_bools():
    logits = torch.randn(2, 3, 4)
    target = torch.randint(0, 3, (2, 4))
    target[1, 2] = 7
    with pytest.raises(ValueError, match="class indices in \\[0, 2\\] or ignore_index=-100, "
                                         "but got the value 7"):
        cross_entropy(logits, target, validate_args=False)
    with pytest.raises(RuntimeError):  # trusted inputs: torch's own error for a float target
        cross_entropy(logits, target.float(), validate_args=False)
    with pytest.raises((RuntimeError, NotImplementedError)):  # and for integer logits
        cross_entropy(logits.long(), target % 3, validate_args=False)
    for weight in (None, [1.0, 2.0, 3.0], torch.ones(3)):
        with pytest.raises(TypeError, match="must be Tensor"):
            cross_entropy(logits.numpy(), target % 3, weight=weight, validate_args=False)
    # torch's unbatched form, logits (C,) and a 0-d target, gets the same error
    assert torch.equal(cross_entropy(logits[0, :, 0], target[0, 0] % 3, validate_args=False),
                       F.cross_entropy(logits[0, :, 0], target[0, 0] % 3))
    with pytest.raises(ValueError, match="but got the value 7"):
        cross_entropy(logits[0, :, 0], torch.tensor(7), validate_args=False)
    # ignore_index=None keeps its check: torch would ignore a -100 silently
    with pytest.raises(ValueError, match="class indices in \\[0, 2\\], but got the value -100"):
        cross_entropy(logits, torch.full((2, 4), -100), ignore_index=None, validate_args=False)
    with pytest.raises(ValueError, match="integer tensor of class indices"):
        cross_entropy(logits, target.float())
    for bad in ("no", 0, None):
        with pytest.raises(TypeError, match="`validate_args` to be True or False"):
            cross_entropy(logits, target % 3, validate_args=bad)
    assert torch.equal(cross_entropy(logits, target % 3, validate_args=np.False_),
                       F.cross_entropy(logits, target % 3))
    # the module's float32 weight buffer follows float64 logits, as in the checked call
    module = losses.CrossEntropyLoss(weight=[1.0, 2.0, 0.5], validate_args=False)
    assert "validate_args=False" in repr(module)
    assert torch.equal(module(logits.double(), target % 3),
                       cross_entropy(logits.double(), target % 3, weight=[1.0, 2.0, 0.5]))
    with pytest.raises(TypeError, match="`validate_args` to be True or False"):
        losses.CrossEntropyLoss(validate_args="yes")


def test_cross_entropy_in_half_precision_is_torch_in_float32_as_under_autocast():
    logits, target = random_case(2, num_classes=3, spatial=(5, 6), dtype=torch.float32)
    target[0, 0] = -100
    for dtype in (torch.float16, torch.bfloat16):
        low = logits.to(dtype)
        for smoothing in (0.0, 0.2):
            ours, ours_grad = grad_of(cross_entropy, low, target, label_smoothing=smoothing)
            theirs, their_grad = grad_of(lambda x, t, **o: F.cross_entropy(x.float(), t, **o),
                                         low, target, label_smoothing=smoothing)
            assert ours.dtype == torch.float32 and ours_grad.dtype == dtype
            assert_bitwise_equal(ours, theirs)
            assert_bitwise_equal(ours_grad, their_grad)


# Operations that only make views or metadata, not a pass over the data.
_VIEW_OPERATIONS = {
    "aten::view", "aten::reshape", "aten::_reshape_alias", "aten::unsqueeze", "aten::squeeze",
    "aten::select", "aten::slice", "aten::as_strided", "aten::expand", "aten::detach",
    "aten::alias", "aten::empty", "aten::empty_like", "aten::empty_strided", "aten::t",
    "aten::permute", "aten::transpose", "aten::lift_fresh", "aten::resolve_conj",
    "aten::resolve_neg", "aten::_unsafe_view", "aten::flatten",
}


def _full_size_operations(function, logits, pixels):
    """Names of the torch operations, forward and backward, that read a tensor of at
    least ``pixels`` elements (a pass over the image), views left out."""
    from torch.profiler import ProfilerActivity, profile

    leaf = logits.detach().clone().requires_grad_()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as recorded:
        function(leaf).sum().backward()
    names = []
    for event in recorded.events():
        if not event.name.startswith("aten::") or event.name in _VIEW_OPERATIONS:
            continue
        shapes = [shape for shape in event.input_shapes
                  if isinstance(shape, (list, tuple)) and shape
                  and all(isinstance(size, int) for size in shape)]
        if any(math.prod(shape) >= pixels for shape in shapes):
            names.append(event.name)
    return names


@pytest.mark.parametrize("ignored", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_makes_no_pass_over_the_data_that_torch_does_not(ignored, weighted,
                                                                        smoothing, reduction):
    # the speed rule of the function: at most torch's operations (checking and masking the
    # target used to add `ne`, `bitwise_not`, `masked_fill`, `copy_`, `gather`, ...)
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 16, 16, generator=generator)
    target = torch.randint(0, 3, (2, 16, 16), generator=generator)
    if ignored:
        target[:, :3] = -100
    options = dict(weight=torch.tensor([0.5, 1.0, 2.0]) if weighted else None,
                   label_smoothing=smoothing, reduction=reduction)
    ours = _full_size_operations(lambda x: cross_entropy(x, target, **options), logits,
                                 target.numel())
    theirs = _full_size_operations(lambda x: F.cross_entropy(x, target, **options), logits,
                                   target.numel())
    assert len(ours) <= len(theirs), sorted(ours)
    assert "aten::aminmax" not in ours  # no value check of our own on the CPU


def test_cross_entropy_matches_torch_in_float32_with_ignore_index_inside_range():
    logits, target = random_case(3, num_classes=4, dtype=torch.float32)
    weight = torch.tensor([0.5, 1.0, 2.0, 4.0])
    for ignore_index in (0, 2):
        options = dict(weight=weight, ignore_index=ignore_index, label_smoothing=0.2)
        torch.testing.assert_close(cross_entropy(logits, target, **options),
                                   F.cross_entropy(logits, target, **options))


def test_cross_entropy_literal_value():
    # p = softmax(2, 0) = (0.8808, 0.1192): -log 0.8808 = 0.12693; second pixel log 2
    logits = torch.tensor([[[2.0, 0.0], [0.0, 0.0]]])
    target = torch.tensor([[0, 1]])
    expected = (np.log1p(np.exp(-2.0)) + np.log(2.0)) / 2
    assert float(cross_entropy(logits, target)) == pytest.approx(expected, rel=1e-6)


def test_all_ignored_batch_gives_what_torch_gives():
    logits = torch.randn(2, 3, 4, 4, dtype=torch.float64)
    target = torch.full((2, 4, 4), -100)
    mean = cross_entropy(logits, target)
    assert torch.isnan(mean) and torch.isnan(F.cross_entropy(logits, target))
    assert float(cross_entropy(logits, target, reduction="sum")) == 0.0
    _, gradient = grad_of(cross_entropy, logits, target)
    _, torch_gradient = grad_of(F.cross_entropy, logits, target)
    assert torch.equal(gradient, torch_gradient) and not gradient.any()
    # the focal loss keeps the same rule
    assert torch.isnan(focal_loss(logits, target, gamma=2.0))
    assert torch.isfinite(grad_of(focal_loss, logits, target, gamma=2.0)[1]).all()


# --------------------------------------------------------------------------
# class_weights
# --------------------------------------------------------------------------


def test_inverse_weights_equal_sklearn_balanced():
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.default_rng(0)
    for _ in range(20):
        num_classes = int(rng.integers(2, 7))
        probabilities = rng.dirichlet(np.ones(num_classes))
        target = rng.choice(num_classes, size=(3, 9, 11), p=probabilities)
        target.flat[:num_classes] = np.arange(num_classes)  # every class present
        expected = compute_class_weight("balanced", classes=np.arange(num_classes),
                                        y=target.ravel())
        ours = class_weights(torch.as_tensor(target), num_classes=num_classes)
        assert ours.dtype == torch.float32
        np.testing.assert_allclose(ours.numpy(), expected, rtol=1e-6)


def test_median_frequency_weights_by_hand():
    # image 0: 3 px of class 0, 1 px of class 1; image 1: 2 px of class 0, 2 px of class 2
    target = np.array([[0, 0, 0, 1], [0, 0, 2, 2]])
    # freq0 = 5 / 8, freq1 = 1 / 4 (only image 0 holds it), freq2 = 2 / 4
    frequencies = np.array([5 / 8, 1 / 4, 2 / 4])
    expected = np.median(frequencies) / frequencies
    np.testing.assert_allclose(class_weights(target, method="median").numpy(), expected,
                               rtol=1e-6)


def test_effective_number_weights():
    target = np.array([0] * 90 + [1] * 9 + [2] * 1)
    counts = np.array([90, 9, 1])
    beta = 0.99
    raw = (1 - beta) / (1 - beta**counts)
    expected = raw / raw.sum() * 3
    ours = class_weights(target, method="effective", beta=beta).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    # beta = 0: equal weights; beta -> 1: proportional to inverse frequency
    np.testing.assert_allclose(class_weights(target, method="effective", beta=0.0).numpy(),
                               np.ones(3))
    near_one = class_weights(target, method="effective", beta=1 - 1e-9).numpy()
    inverse = class_weights(target, method="inverse").numpy()
    np.testing.assert_allclose(near_one / near_one.sum(), inverse / inverse.sum(), rtol=1e-5)


def test_class_weights_absent_class_and_ignore_index():
    target = np.array([[0, 0, 1, -100, -100]])
    for method in ("inverse", "median", "effective"):
        weights = class_weights(target, num_classes=3, method=method)
        assert weights.shape == (3,) and weights[2] == 0.0 and weights[1] > weights[0] > 0
    # ignored pixels are not counted: 3 px, 2 classes present out of 3
    np.testing.assert_allclose(class_weights(target, num_classes=3).numpy(),
                               [3 / (3 * 2), 3 / (3 * 1), 0.0], rtol=1e-6)


def test_class_weights_errors():
    with pytest.raises(ValueError, match="`method`"):
        class_weights(np.array([0, 1]), method="balanced")
    with pytest.raises(ValueError, match="`target`"):
        class_weights(np.array([0, 3]), num_classes=2)
    with pytest.raises(ValueError, match="`target`"):
        class_weights(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="`beta`"):
        class_weights(np.array([0, 1]), method="effective", beta=1.0)
    with pytest.raises(ValueError, match="`num_classes`"):
        class_weights(np.array([-100, -100]))


# --------------------------------------------------------------------------
# focal losses
# --------------------------------------------------------------------------


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("with_alpha", [False, True])
@pytest.mark.parametrize("ignore", [0.0, 0.25])
def test_focal_loss_matches_monai(gamma, with_alpha, ignore):
    for seed in range(3):
        # MONAI's FocalLoss computes in float32
        logits, target = random_case(seed + 10, ignore=ignore, spatial=(5, 6),
                                     dtype=torch.float32)
        num_classes = logits.shape[1]
        alpha = (np.random.default_rng(seed).random(num_classes) + 0.2).tolist()
        alpha = alpha if with_alpha else None
        ours = focal_loss(logits, target, gamma=gamma, alpha=alpha, reduction="none")
        monai = monai_losses.FocalLoss(use_softmax=True, to_onehot_y=True, gamma=gamma,
                                       alpha=alpha, reduction="none", ignore_index=-100)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = monai(logits, target.unsqueeze(1)).sum(dim=1)
        torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("ignore", [0.0, 0.3])
def test_focal_loss_with_gamma_zero_is_cross_entropy(ignore):
    for seed in range(6):
        logits, target = random_case(seed, ignore=ignore)
        weight = torch.rand(logits.shape[1], dtype=torch.float64) + 0.1
        for reduction in ("mean", "sum", "none"):
            torch.testing.assert_close(
                focal_loss(logits, target, gamma=0.0, reduction=reduction),
                cross_entropy(logits, target, reduction=reduction))
            torch.testing.assert_close(
                focal_loss(logits, target, gamma=0.0, alpha=weight, reduction=reduction),
                cross_entropy(logits, target, weight=weight, reduction=reduction))


def test_focal_loss_down_weights_easy_pixels():
    logits = torch.tensor([[[4.0, 0.2], [0.0, 0.0]]])  # easy pixel, hard pixel
    target = torch.tensor([[0, 0]])
    plain = cross_entropy(logits, target, reduction="none")[0]
    focal = focal_loss(logits, target, gamma=2.0, reduction="none")[0]
    ratio = focal / plain  # (1 - p_t)^2
    p_easy, p_hard = torch.softmax(logits[0], dim=0)[0]
    torch.testing.assert_close(ratio, torch.stack([(1 - p_easy) ** 2, (1 - p_hard) ** 2]))
    assert ratio[0] < 1e-3 < 0.1 < ratio[1]


def sigmoid_focal_reference(logits, target, gamma, alpha):
    """The formula of Lin et al. / torchvision's sigmoid_focal_loss, per element."""
    target = target.to(logits.dtype)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * target + (1 - alpha) * (1 - target)) * loss
    return loss


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 4.0])
@pytest.mark.parametrize("alpha", [None, 0.25, 0.9])
def test_binary_focal_loss_matches_formula_and_monai(gamma, alpha):
    for seed in range(3):
        logits, target = random_case(seed, num_classes=1, dtype=torch.float32)
        expected = sigmoid_focal_reference(logits[:, 0], target, gamma, alpha)
        ours = binary_focal_loss(logits, target, gamma=gamma, alpha=alpha, reduction="none")
        torch.testing.assert_close(ours, expected)
        torch.testing.assert_close(binary_focal_loss(logits, target, gamma=gamma, alpha=alpha),
                                   expected.mean())
        monai = monai_losses.FocalLoss(use_softmax=False, gamma=gamma, alpha=alpha,
                                       reduction="none")
        theirs = monai(logits, target.unsqueeze(1).to(logits.dtype))[:, 0]
        torch.testing.assert_close(ours, theirs)


def test_binary_focal_loss_limit_is_bce_and_ignores_pixels():
    logits, target = random_case(5, num_classes=1, ignore=0.3)
    keep = target != -100
    bce = F.binary_cross_entropy_with_logits(logits[:, 0][keep], target[keep].double())
    torch.testing.assert_close(binary_focal_loss(logits, target, gamma=0.0, alpha=None), bce)
    per_pixel = binary_focal_loss(logits, target, reduction="none")
    assert torch.all(per_pixel[~keep] == 0)
    # boolean masks are accepted as targets
    mask = torch.tensor([[True, False]])
    logits2 = torch.tensor([[[1.0, 1.0]]])
    torch.testing.assert_close(binary_focal_loss(logits2, mask),
                               binary_focal_loss(logits2, mask.long()))


# --------------------------------------------------------------------------
# The binary losses speak torch's conventions: float targets of the logits' shape
# --------------------------------------------------------------------------


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss(reduction="none"), written from its documented
    definition (torchvision does not import beside this CPU torch): with p = sigmoid(x),
    ce = BCE-with-logits(x, y), p_t = p y + (1 - p)(1 - y), loss = ce (1 - p_t)^gamma,
    times alpha_t = alpha y + (1 - alpha)(1 - y) when alpha >= 0."""
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss


def binary_case(seed, *, soft=True, shape=(2, 1, 6, 5), dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    logits = 3.0 * torch.randn(shape, generator=generator, dtype=dtype)
    if soft:
        target = torch.rand(shape, generator=generator, dtype=dtype)
    else:
        target = torch.randint(0, 2, shape, generator=generator).to(dtype)
    return logits, target


def test_binary_focal_loss_takes_the_float_target_of_bce_with_logits():
    # the example: (N, 1, H, W) logits and a float target of the same shape
    logits, target = binary_case(0, soft=False, shape=(2, 1, 8, 8), dtype=torch.float32)
    value = binary_focal_loss(logits, target)
    expected = torchvision_sigmoid_focal_loss(logits, target).mean()
    torch.testing.assert_close(value, expected)
    # the same hard labels as an integer mask (N, H, W) give the same value and gradient
    ours, ours_grad = grad_of(binary_focal_loss, logits, target)
    theirs, their_grad = grad_of(binary_focal_loss, logits, target[:, 0].long())
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours_grad, their_grad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_focal_loss_with_soft_labels_and_gamma_zero_is_bce(reduction):
    for seed in range(3):
        logits, target = binary_case(seed)
        ours, ours_grad = grad_of(binary_focal_loss, logits, target, gamma=0.0, alpha=None,
                                  reduction=reduction)
        theirs, their_grad = grad_of(F.binary_cross_entropy_with_logits, logits, target,
                                     reduction=reduction)
        torch.testing.assert_close(ours, theirs)
        torch.testing.assert_close(ours_grad, their_grad)
        assert ours.shape == theirs.shape  # "none": the shape of the target, (N, 1, ...)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("alpha", [None, 0.25, 0.8])
def test_binary_focal_loss_with_soft_labels_matches_torchvision_formula(gamma, alpha):
    for seed in range(3):
        logits, target = binary_case(seed)
        expected = torchvision_sigmoid_focal_loss(logits, target, gamma=gamma,
                                                  alpha=-1 if alpha is None else alpha)
        ours, ours_grad = grad_of(binary_focal_loss, logits, target, gamma=gamma, alpha=alpha,
                                  reduction="none")
        _, their_grad = grad_of(torchvision_sigmoid_focal_loss, logits, target, gamma=gamma,
                                alpha=-1 if alpha is None else alpha)
        torch.testing.assert_close(ours, expected)
        torch.testing.assert_close(ours_grad, their_grad)
        torch.testing.assert_close(BinaryFocalLoss(gamma=gamma, alpha=alpha)(logits, target),
                                   expected.mean())


def test_binary_focal_loss_soft_labels_stay_finite_and_ignore_pixels():
    logits = torch.tensor([[[[1e4, -1e4, 30.0, 0.0]]]], dtype=torch.float32)
    target = torch.tensor([[[[1.0, 0.0, 0.7, -100.0]]]])
    for gamma in (0.25, 2.0):
        value, gradient = grad_of(binary_focal_loss, logits, target, gamma=gamma,
                                  reduction="none")
        assert torch.isfinite(value).all() and torch.isfinite(gradient).all()
        assert value[0, 0, 0, 3] == 0 and gradient[0, 0, 0, 3] == 0  # ignored
        # confident and right: loss 0, no force
        assert value[0, 0, 0, 0] == 0 and value[0, 0, 0, 1] == 0
    keep = target != -100
    torch.testing.assert_close(
        binary_focal_loss(logits, target, gamma=0.0, alpha=None),
        F.binary_cross_entropy_with_logits(logits[keep], target[keep]))


def test_binary_targets_that_are_errors_say_how_to_convert():
    logits = torch.zeros(2, 1, 4, 4)
    with pytest.raises(ValueError, match="`target`.*unsqueeze\\(1\\)"):
        binary_focal_loss(logits, torch.zeros(2, 4, 4))  # float, without the channel axis
    with pytest.raises(ValueError, match="`target`.*\\[0, 1\\].*1.5"):
        binary_focal_loss(logits, torch.full((2, 1, 4, 4), 1.5))
    with pytest.raises(ValueError, match="`target`.*\\[0, 1\\].*nan"):
        binary_focal_loss(logits, torch.full((2, 1, 4, 4), float("nan")))
    png = torch.zeros(2, 4, 4, dtype=torch.uint8)
    png[0, 0, 0] = 255
    with pytest.raises(ValueError, match="`target`.*255.*`target > 0`"):
        binary_focal_loss(logits, png)
    torch.testing.assert_close(binary_focal_loss(logits, png > 0),
                               binary_focal_loss(logits, (png > 0).long()))
    with pytest.raises(ValueError, match="`target`.*\\[0, 1\\]"):
        dice_loss(logits, torch.full((2, 1, 4, 4), -0.5))


@pytest.mark.parametrize("squared", [False, True])
@pytest.mark.parametrize("batch", [False, True])
def test_one_channel_dice_and_tversky_take_soft_labels_like_monai(squared, batch):
    for seed in range(3):
        logits, target = binary_case(seed)
        ours = dice_loss(logits, target, squared=squared, batch=batch, reduction="none")
        monai = monai_losses.DiceLoss(sigmoid=True, squared_pred=squared, batch=batch,
                                      reduction="none")
        torch.testing.assert_close(ours, monai(logits, target).reshape(ours.shape))
        for alpha, beta in ((0.5, 0.5), (0.3, 0.7)):
            ours = tversky_loss(logits, target, alpha=alpha, beta=beta, batch=batch,
                                reduction="none")
            theirs = monai_losses.TverskyLoss(sigmoid=True, alpha=alpha, beta=beta, batch=batch,
                                              reduction="none")(logits, target)
            torch.testing.assert_close(ours, theirs.reshape(ours.shape))


@pytest.mark.parametrize("loss", [dice_loss, tversky_loss, DiceLoss(), TverskyLoss()])
def test_one_channel_overlap_losses_give_the_integer_value_on_hard_float_labels(loss):
    logits, target = binary_case(4, soft=False)
    target[0, 0, 0, 0] = -100.0  # ignored, in both forms
    labels = target[:, 0].long()
    torch.testing.assert_close(loss(logits, target), loss(logits, labels))
    # an integer mask with the channel axis, (N, 1, ...), is read the same way
    torch.testing.assert_close(loss(logits, labels.unsqueeze(1)), loss(logits, labels))


def test_boundary_loss_module_takes_a_float_mask_and_refuses_soft_labels():
    logits, target = binary_case(5, soft=False)
    labels = target[:, 0].long()
    torch.testing.assert_close(BoundaryLoss()(logits, target), BoundaryLoss()(logits, labels))
    # genuine distance maps (negative inside) are still read as maps
    maps = signed_distance_map(labels, num_classes=2)[:, 1:].double()
    torch.testing.assert_close(BoundaryLoss()(logits, maps), boundary_loss(logits, maps))
    with pytest.raises(ValueError, match="`target`.*soft labels"):
        BoundaryLoss()(logits, torch.full_like(target, 0.3))
    # and the compound of the binary losses runs on the float mask
    compound = CompoundLoss([DiceLoss(), BinaryFocalLoss(), BoundaryLoss()])
    torch.testing.assert_close(compound(logits, target), compound(logits, labels))


# --------------------------------------------------------------------------
# Dice and Tversky
# --------------------------------------------------------------------------


def monai_case(logits, target):
    """MONAI's arguments: one channel -> sigmoid and a (N, 1, ...) float mask."""
    if logits.shape[1] == 1:
        return dict(sigmoid=True), target.unsqueeze(1).to(logits.dtype)
    return dict(softmax=True, to_onehot_y=True), target.unsqueeze(1)


DICE_OPTIONS = [
    dict(),
    dict(smooth=1.0),
    dict(squared=True),
    dict(batch=True),
    dict(include_background=False),
    dict(squared=True, batch=True, include_background=False, smooth=0.5),
]


# one channel has no background channel to drop
DICE_CASES = [(options, num_classes) for options in DICE_OPTIONS for num_classes in (1, 2, 4)
              if num_classes > 1 or options.get("include_background", True)]


@pytest.mark.parametrize("options,num_classes", DICE_CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_dice_loss_matches_monai(options, num_classes, reduction):
    for seed in range(3):
        logits, target = random_case(seed, num_classes=num_classes, spatial=(6, 5))
        ours = dice_loss(logits, target, reduction=reduction, **options)
        smooth = options.get("smooth", 1e-5)
        activation, monai_target = monai_case(logits, target)
        monai = monai_losses.DiceLoss(
            **activation, squared_pred=options.get("squared", False),
            batch=options.get("batch", False),
            include_background=options.get("include_background", True),
            smooth_nr=smooth, smooth_dr=smooth, reduction=reduction)
        theirs = monai(logits, monai_target)
        torch.testing.assert_close(ours, theirs.reshape(ours.shape))


@pytest.mark.parametrize("alpha,beta", [(0.5, 0.5), (0.3, 0.7), (0.9, 0.1), (1.0, 1.0)])
@pytest.mark.parametrize("num_classes", [1, 3])
@pytest.mark.parametrize("batch", [False, True])
def test_tversky_loss_matches_monai(alpha, beta, num_classes, batch):
    for seed in range(3):
        logits, target = random_case(seed, num_classes=num_classes, spatial=(4, 7))
        activation, monai_target = monai_case(logits, target)
        for reduction in ("mean", "none"):
            ours = tversky_loss(logits, target, alpha=alpha, beta=beta, batch=batch,
                                reduction=reduction)
            monai = monai_losses.TverskyLoss(**activation, alpha=alpha, beta=beta, batch=batch,
                                             reduction=reduction)
            theirs = monai(logits, monai_target)
            torch.testing.assert_close(ours, theirs.reshape(ours.shape))


@pytest.mark.parametrize("loss", [dice_loss, tversky_loss])
def test_overlap_losses_ignore_pixels_like_monai_and_like_dropping_them(loss):
    logits, target = random_case(7, num_classes=3, ignore=0.3, spatial=(40,))
    monai_class = monai_losses.DiceLoss if loss is dice_loss else monai_losses.TverskyLoss
    monai = monai_class(softmax=True, to_onehot_y=True, ignore_index=-100, reduction="none")
    ours = loss(logits, target, reduction="none")
    torch.testing.assert_close(ours, monai(logits, target.unsqueeze(1)).reshape(ours.shape))
    # per image, ignoring pixels equals leaving them out of the image
    for n in range(logits.shape[0]):
        keep = target[n] != -100
        alone = loss(logits[n : n + 1, :, keep], target[n : n + 1, keep], reduction="none")
        torch.testing.assert_close(ours[n : n + 1], alone)


@pytest.mark.parametrize("spatial", [(11,), (6, 5), (3, 4, 5)])
@pytest.mark.parametrize("num_classes", [2, 5])
@pytest.mark.parametrize("ignore", [0.0, 0.3])
def test_overlap_sums_equal_their_formula_with_a_one_hot_target(spatial, num_classes, ignore):
    """The sums behind Dice and Tversky (one-hot by comparisons, masked sums as matrix products)
    against the formula with F.one_hot and a mask: values and gradients in float64, for every
    option; and the losses built on them."""
    logits, target = random_case(len(spatial) + num_classes, num_classes=num_classes,
                                 ignore=ignore, spatial=spatial)
    ignored = bool((target == -100).any())
    assert ignored == (ignore > 0)
    for squared, batch, include_background in itertools.product((False, True), repeat=3):
        leaf = logits.detach().clone().requires_grad_(True)
        fast = losses._overlap_terms(leaf, target, -100, ignored, include_background, batch,
                                     squared=squared)
        formula = losses._overlap_terms_formula(leaf, target, -100, include_background, batch,
                                                squared=squared)
        weights = [torch.rand(fast[0].shape, generator=torch.Generator().manual_seed(k),
                              dtype=torch.float64) for k in range(3)]
        for ours, theirs in zip(fast, formula, strict=True):
            torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
        # gradients of an arbitrary combination of the sums
        (ours_grad,) = torch.autograd.grad(
            sum((w * t).sum() for w, t in zip(weights, fast, strict=True)), leaf)
        (their_grad,) = torch.autograd.grad(
            sum((w * t).sum() for w, t in zip(weights, formula, strict=True)), leaf)
        torch.testing.assert_close(ours_grad, their_grad, rtol=1e-12, atol=1e-12)
        assert ours_grad.abs().max() > 0


@pytest.mark.parametrize("loss", [dice_loss, tversky_loss])
@pytest.mark.parametrize("channels", [1, 3])
def test_overlap_losses_of_images_without_axes_are_per_image(loss, channels):
    """Logits (N, C) are N one-pixel images: one score per image and class, as (N, C, 1)."""
    generator = torch.Generator().manual_seed(channels)
    logits = 3 * torch.randn(4, channels, generator=generator, dtype=torch.float64)
    target = torch.randint(0, max(channels, 2), (4,), generator=generator)
    for batch in (False, True):
        flat = loss(logits, target, batch=batch, reduction="none")
        with_axis = loss(logits.unsqueeze(-1), target.unsqueeze(-1), batch=batch,
                         reduction="none")
        assert flat.shape == with_axis.shape == ((channels,) if batch else (4, channels))
        torch.testing.assert_close(flat, with_axis)


def test_one_hot_channels_equals_f_one_hot():
    index = torch.randint(0, 7, (3, 50), generator=torch.Generator().manual_seed(0))
    for dtype in (torch.float32, torch.float64):
        expected = F.one_hot(index, 7).movedim(-1, 1).to(dtype)
        assert torch.equal(losses._one_hot_channels(index, 7, dtype), expected)
    assert losses._one_hot_channels(index[:0], 7, torch.float32).shape == (0, 7, 50)


def test_dice_and_tversky_limits():
    for seed in range(5):
        logits, target = random_case(seed, num_classes=3, spatial=(5, 5))
        # alpha = beta = 0.5 and no smoothing: Dice
        torch.testing.assert_close(tversky_loss(logits, target, smooth=0.0),
                                   dice_loss(logits, target, smooth=0.0))
        # alpha = beta = 1: soft Jaccard, computed by hand
        probs = torch.softmax(logits, dim=1)
        one_hot = F.one_hot(target, 3).movedim(-1, 1).to(probs.dtype)
        tp = (probs * one_hot).sum(dim=(2, 3))
        union = probs.sum(dim=(2, 3)) + one_hot.sum(dim=(2, 3)) - tp
        torch.testing.assert_close(
            tversky_loss(logits, target, alpha=1.0, beta=1.0, smooth=0.0, reduction="none"),
            1 - tp / union)
    # a perfect confident prediction has Dice loss ~0
    target = torch.tensor([[0, 1, 2, 1]])
    perfect = 50.0 * F.one_hot(target, 3).movedim(-1, 1).double()
    assert float(dice_loss(perfect, target)) < 1e-12
    # a class absent from target and prediction scores 0 thanks to smooth, not 0/0
    absent = dice_loss(perfect, target, reduction="none")
    assert torch.isfinite(absent).all()


def test_dice_literal_value():
    logits = torch.zeros(1, 1, 4)  # p = 0.5 everywhere
    target = torch.tensor([[1, 1, 0, 0]])
    # 1 - (2 * 1 + s) / (2 + 2 + s) with s = 1
    assert float(dice_loss(logits, target, smooth=1.0)) == pytest.approx(1 - 3 / 5)
    # squared: sum p^2 = 1, sum g = 2
    assert float(dice_loss(logits, target, smooth=0.0, squared=True)) == pytest.approx(1 - 2 / 3)


# --------------------------------------------------------------------------
# signed distance maps and the boundary loss
# --------------------------------------------------------------------------


def brute_force_signed_distance(mask):
    """Signed distance by checking every pair of pixels (the definition)."""
    coordinates = np.argwhere(np.ones_like(mask, dtype=bool))
    inside, outside = np.argwhere(mask), np.argwhere(~mask)
    result = np.zeros(mask.shape)
    if len(inside) == 0 or len(outside) == 0:
        return result
    for point in coordinates:
        other = outside if mask[tuple(point)] else inside
        distance = np.sqrt(((other - point) ** 2).sum(axis=1)).min()
        result[tuple(point)] = -distance if mask[tuple(point)] else distance
    return result


def test_signed_distance_map_equals_brute_force():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 3, size=(2, 7, 6))
    target[1] = 0
    target[1, 2:5, 1:4] = 1  # a square; class 2 absent from image 1
    maps = signed_distance_map(target, num_classes=3)
    assert maps.shape == (2, 3, 7, 6) and maps.dtype == np.float64
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(maps[n, c], brute_force_signed_distance(target[n] == c))
    assert np.all(maps[1, 2] == 0)  # absent class: no boundary, map 0
    assert maps[1, 1, 3, 2] == -2.0 and maps[1, 1, 0, 0] == pytest.approx(np.sqrt(5))


def test_signed_distance_map_rules():
    target = torch.tensor([[[1, 1, 1], [1, 1, 1]], [[0, 1, -100], [0, 1, 1]]])
    maps = signed_distance_map(target, num_classes=2)
    assert isinstance(maps, torch.Tensor) and maps.dtype == torch.float32
    assert torch.all(maps[0] == 0)  # class 1 fills image 0, class 0 is absent: both 0
    assert maps[1, 0, 0, 2] == 0 and maps[1, 1, 0, 2] == 0  # ignored pixel
    # the ignored pixel counts as outside every class: its neighbour (1, 2) is at -1
    np.testing.assert_allclose(maps[1, 1].numpy(), [[1, -1, 0], [1, -1, -1]])
    # 3-D volumes work too and num_classes is inferred
    volume = np.zeros((1, 4, 4, 4), dtype=np.int64)
    volume[0, 1:3, 1:3, 1:3] = 1
    assert signed_distance_map(volume).shape == (1, 2, 4, 4, 4)


def _random_label_maps(rng, shape, num_classes, ignored_fraction=0.0, ignore_index=-100):
    """Blobs of ``num_classes`` classes (a smoothed field cut at its quantiles), some ignored."""
    from scipy import ndimage

    field = ndimage.gaussian_filter(rng.random(shape), 2)
    labels = np.stack([np.digitize(f, np.quantile(f, np.linspace(0, 1, num_classes + 1)[1:-1]))
                       for f in field])
    labels[rng.random(shape) < ignored_fraction] = ignore_index
    return labels


@pytest.mark.parametrize("shape, num_classes, ignored, uses_edt", [
    ((2, 40), 3, 0.0, True), ((3, 41, 47), 4, 0.0, True), ((2, 41, 47), 4, 0.05, True),
    ((1, 19, 21, 23), 3, 0.02, True), ((2, 64, 64), 300, 0.0, True),
    ((2, 5, 6, 7, 8), 3, 0.1, False), ((2, 9, 8), 3, 0.1, False), ((1, 9, 9, 9), 2, 0.0, False)])
def test_signed_distance_map_edt_path_equals_the_scipy_reference(shape, num_classes, ignored,
                                                                  uses_edt):
    """The multi-label ``edt`` transform and scipy's two transforms per class agree to float32
    rounding: 1-D, 2-D, 3-D images, ignored pixels, more than 255 classes (16-bit codes); 4-D
    images and small 2-D and 3-D ones go to scipy."""
    pytest.importorskip("edt")
    assert (losses._edt_module(shape[1:]) is not None) == uses_edt
    rng = np.random.default_rng(len(shape) * 100 + num_classes)
    labels = _random_label_maps(rng, shape, num_classes, ignored)
    valid = labels != -100
    classes = range(num_classes)
    fast = losses._distance_maps(labels, valid, num_classes, classes)
    reference = losses._distance_maps_scipy(labels, valid, num_classes, classes)
    assert fast.dtype == reference.dtype == np.float64
    np.testing.assert_allclose(fast, reference, rtol=2e-7, atol=0)
    assert np.abs(reference).max() > 1  # the maps are not trivially 0
    # a subset of classes (BoundaryLoss skips the background): the others stay 0
    subset = losses._distance_maps(labels, valid, num_classes, range(1, num_classes))
    assert np.all(subset[:, 0] == 0)
    np.testing.assert_allclose(subset[:, 1:], reference[:, 1:], rtol=2e-7, atol=0)


def test_signed_distance_map_uses_edt_when_installed_and_scipy_without_it(monkeypatch):
    pytest.importorskip("edt")
    target = np.zeros((2, 45, 40), dtype=np.uint8)  # large enough for the edt path
    target[:, 12:30, 3:27] = 1
    target[1, 0, 0] = 255  # ignored (uint8 labels: 255 + 1 wraps in 8 bits, must not leak)
    expected = losses._distance_maps_scipy(target.astype(np.int64), target != 255, 2, range(2))

    def no_scipy(*args):
        raise AssertionError("scipy path taken although edt is installed")

    with monkeypatch.context() as patch:
        patch.setattr(losses, "_distance_maps_scipy", no_scipy)
        np.testing.assert_allclose(signed_distance_map(target, num_classes=2, ignore_index=255),
                                   expected, rtol=2e-7)
    monkeypatch.setattr(losses, "_edt_module", lambda ndim: None)  # as without the package
    np.testing.assert_array_equal(signed_distance_map(target, num_classes=2, ignore_index=255),
                                  expected)
    monkeypatch.undo()
    assert losses._edt_module((64, 64)) is not None and losses._edt_module((4,)) is not None
    assert losses._edt_module((8, 8)) is None  # small: scipy is faster
    assert losses._edt_module((9, 9, 9, 9)) is None and losses._edt_module(()) is None


def test_signed_distance_map_agrees_with_monai_up_to_its_inner_offset():
    target = torch.as_tensor(np.random.default_rng(1).integers(0, 3, size=(2, 9, 8)))
    ours = signed_distance_map(target, num_classes=3)
    one_hot = F.one_hot(target, 3).movedim(-1, 1).float()
    theirs = monai_losses.BoundaryLoss().compute_distance_map(one_hot)
    # MONAI subtracts 1 inside (the inner rim is 0); outside both are the distance
    shifted = torch.where(ours < 0, ours + 1, ours)
    torch.testing.assert_close(shifted, theirs)


@pytest.mark.parametrize("include_background", [False, True])
def test_boundary_loss_matches_monai_with_its_maps(include_background):
    for seed in range(3):
        logits, target = random_case(seed, num_classes=3, spatial=(8, 9), dtype=torch.float32)
        one_hot = F.one_hot(target, 3).movedim(-1, 1).float()
        monai = monai_losses.BoundaryLoss(softmax=True, include_background=include_background)
        maps = monai.compute_distance_map(one_hot)
        ours = boundary_loss(logits, maps, include_background=include_background)
        torch.testing.assert_close(ours, monai(logits, one_hot))


def test_boundary_loss_literal_and_module():
    target = torch.tensor([[0, 0, 1, 1, 1]])
    maps = signed_distance_map(target, num_classes=2)  # class 1: [2, 1, -1, -2, -3]
    logits = torch.tensor([[[0.0] * 5, [0.0] * 5]])  # p = 0.5
    expected = 0.5 * (2 + 1 - 1 - 2 - 3) / 5
    assert float(boundary_loss(logits, maps)) == pytest.approx(expected)
    assert float(BoundaryLoss()(logits, target)) == pytest.approx(expected)
    both = boundary_loss(logits, maps, include_background=True, reduction="none")
    assert both.shape == (1, 2, 5)
    # one channel: sigmoid of the foreground and the foreground map
    binary = BoundaryLoss()(torch.zeros(1, 1, 5), target)
    assert float(binary) == pytest.approx(expected)


def test_boundary_loss_weights_schedule():
    assert boundary_loss_weights(0) == (1.0, 0.0)
    for epoch in (1, 7, 50, 98):
        region, boundary = boundary_loss_weights(epoch)
        assert region == pytest.approx(1 - 0.01 * epoch) and region + boundary == pytest.approx(1)
    assert boundary_loss_weights(99) == pytest.approx((0.01, 0.99))
    assert boundary_loss_weights(1000) == pytest.approx((0.01, 0.99))
    assert boundary_loss_weights(3, step=0.25, minimum=0.2) == pytest.approx((0.25, 0.75))
    assert boundary_loss_weights(4, step=0.25, minimum=0.2) == pytest.approx((0.2, 0.8))
    with pytest.raises(ValueError, match="`epoch`"):
        boundary_loss_weights(-1)


# --------------------------------------------------------------------------
# gradients
# --------------------------------------------------------------------------


def small_case(num_classes=3, seed=0, ignore=True):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, num_classes, 3, 3, dtype=torch.float64, generator=generator)
    high = max(num_classes, 2)
    target = torch.randint(0, high, (2, 3, 3), generator=generator)
    if ignore:
        target[0, 0, 0] = -100
    return logits.requires_grad_(True), target


GRADCHECK_CASES = {
    "cross_entropy": (functools.partial(cross_entropy, weight=[0.5, 1.0, 2.0],
                                        label_smoothing=0.1), 3),
    "focal gamma=2": (functools.partial(focal_loss, gamma=2.0, alpha=[0.2, 1.0, 3.0]), 3),
    "focal gamma=0.5": (functools.partial(focal_loss, gamma=0.5), 3),
    "binary_focal": (functools.partial(binary_focal_loss, gamma=1.5), 1),
    "dice": (functools.partial(dice_loss, squared=True), 3),
    "dice batch": (functools.partial(dice_loss, batch=True, include_background=False), 3),
    "dice sigmoid": (dice_loss, 1),
    "tversky": (functools.partial(tversky_loss, alpha=0.3, beta=0.7), 3),
    "compound": (CompoundLoss([DiceLoss(), CrossEntropyLoss(), FocalLoss()],
                              weights=[1.0, 0.5, 2.0]), 3),
}


@pytest.mark.parametrize("name", list(GRADCHECK_CASES))
def test_gradcheck(name):
    loss, num_classes = GRADCHECK_CASES[name]
    logits, target = small_case(num_classes)
    assert torch.autograd.gradcheck(lambda x: loss(x, target), (logits,))


def test_gradcheck_boundary_loss():
    logits, target = small_case(3, ignore=False)
    maps = signed_distance_map(target, num_classes=3).double()
    assert torch.autograd.gradcheck(
        lambda x: boundary_loss(x, maps, include_background=True), (logits,))
    binary_logits, binary_target = small_case(1, ignore=False)
    assert torch.autograd.gradcheck(lambda x: BoundaryLoss()(x, binary_target),
                                    (binary_logits,))


def test_loss_gradient_of_cross_entropy_is_softmax_minus_one_hot():
    logits, target = small_case(3)
    logits = logits.detach()
    gradient = loss_gradient(cross_entropy, logits, target, reduction="sum")
    expected = torch.softmax(logits, dim=1) - F.one_hot(target.clamp(min=0), 3).movedim(-1, 1)
    expected[0, :, 0, 0] = 0.0  # the ignored pixel feels nothing
    torch.testing.assert_close(gradient, expected)
    assert not logits.requires_grad
    # mean divides by the number of counted pixels; modules work too
    torch.testing.assert_close(loss_gradient(CrossEntropyLoss(), logits, target),
                               expected / 17)
    # "none" is summed first, so it equals "sum"
    torch.testing.assert_close(loss_gradient(focal_loss, logits, target, gamma=0.0,
                                             reduction="none"), expected)


def test_loss_gradient_of_boundary_loss_follows_the_distance_map():
    target = torch.tensor([[0, 0, 1, 1, 1]])
    maps = signed_distance_map(target, num_classes=2)
    gradient = loss_gradient(boundary_loss, torch.zeros(1, 2, 5), maps, reduction="sum")
    # d/dz1 of sum(phi * p1) with p1 = 0.5 is phi * p1 * (1 - p1) = phi / 4
    torch.testing.assert_close(gradient[0, 1], maps[0, 1] / 4)


# --------------------------------------------------------------------------
# numerical stability
# --------------------------------------------------------------------------


def extreme_case(num_classes, seed=0):
    generator = torch.Generator().manual_seed(seed)
    signs = torch.randint(0, 2, (2, num_classes, 6, 6), generator=generator) * 2 - 1
    logits = 1e4 * signs.float()
    target = torch.randint(0, max(num_classes, 2), (2, 6, 6), generator=generator)
    # make sure the certain-and-right and certain-and-wrong pixels both occur
    logits[0, :, 0, 0] = -1e4
    logits[0, 0, 0, 0] = 1e4
    target[0, 0, 0] = 0
    if num_classes > 1:
        target[0, 0, 1] = 1
        logits[0, :, 0, 1] = -1e4
        logits[0, 0, 0, 1] = 1e4
    return logits, target


GAMMAS = [0.0, 0.01, 0.3, 0.5, 0.99, 1.0, 2.0, 5.0]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_values_and_gradients_stay_finite_for_huge_logits(dtype):
    logits, target = extreme_case(3)
    logits = logits.to(dtype)
    binary_logits, binary_target = extreme_case(1)
    binary_logits = binary_logits.to(dtype)
    maps = signed_distance_map(target, num_classes=3).to(dtype)
    cases = [
        (functools.partial(cross_entropy, label_smoothing=0.1, weight=[1.0, 2.0, 3.0]), logits,
         target),
        (dice_loss, logits, target), (functools.partial(dice_loss, squared=True), logits, target),
        (tversky_loss, logits, target), (dice_loss, binary_logits, binary_target),
        (boundary_loss, logits, maps),
    ]
    for gamma in GAMMAS:
        cases.append((functools.partial(focal_loss, gamma=gamma, alpha=[1.0, 2.0, 0.5]), logits,
                      target))
        cases.append((functools.partial(binary_focal_loss, gamma=gamma), binary_logits,
                      binary_target))
    for loss, x, y in cases:
        for reduction in ("mean", "none"):
            value, gradient = grad_of(loss, x, y, reduction=reduction)
            assert torch.isfinite(value).all(), (loss, reduction)
            assert torch.isfinite(gradient).all(), (loss, reduction)


@pytest.mark.parametrize("gamma", GAMMAS)
def test_focal_loss_is_exact_where_the_prediction_is_certain(gamma):
    # right and certain: loss 0, gradient 0; wrong and certain: loss 2e4 * 1^gamma
    logits = torch.tensor([[[1e4, -1e4], [-1e4, 1e4]]])
    target = torch.tensor([[0, 0]])
    value, gradient = grad_of(focal_loss, logits, target, gamma=gamma, reduction="none")
    assert value[0, 0] == 0.0 and value[0, 1] == pytest.approx(2e4)
    assert torch.all(gradient[..., 0] == 0.0)
    torch.testing.assert_close(gradient[0, :, 1], torch.tensor([-1.0, 1.0]))


def test_focal_loss_matches_monai_near_certainty():
    # p_t close to 1 but not rounded: the cap below 0 must not change the value
    # (the reference is MONAI's formula in float64; MONAI itself computes in float32)
    logits = torch.tensor([[[6.0, 9.0, 14.0, 30.0], [0.0, 0.0, 0.0, 0.0]]],
                          dtype=torch.float64)
    target = torch.tensor([[0, 0, 0, 0]])
    log_probs = torch.log_softmax(logits, dim=1)[:, 0]
    for gamma in (0.3, 2.0):
        expected = -(1 - log_probs.exp()) ** gamma * log_probs
        torch.testing.assert_close(focal_loss(logits, target, gamma=gamma, reduction="none"),
                                   expected, rtol=1e-9, atol=0)


# --------------------------------------------------------------------------
# modules and CompoundLoss
# --------------------------------------------------------------------------

MODULES = [
    (CrossEntropyLoss, cross_entropy, dict(weight=[1.0, 2.0, 0.5], label_smoothing=0.2)),
    (FocalLoss, focal_loss, dict(gamma=1.5, alpha=[1.0, 2.0, 0.5])),
    (BinaryFocalLoss, binary_focal_loss, dict(gamma=1.0, alpha=0.7)),
    (DiceLoss, dice_loss, dict(squared=True, smooth=1.0)),
    (TverskyLoss, tversky_loss, dict(alpha=0.2, beta=0.8, include_background=False)),
    (BoundaryLoss, boundary_loss, dict(include_background=True)),
]


@pytest.mark.parametrize("module,function,options", MODULES)
def test_modules_take_the_options_of_their_function(module, function, options):
    def keywords(callable_):
        return {name: p.default for name, p in inspect.signature(callable_).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY}

    module_keywords = keywords(module.__init__)
    function_keywords = keywords(function)
    assert function_keywords.items() <= module_keywords.items()  # same names, same defaults
    num_classes = 1 if module is BinaryFocalLoss else 3
    logits, target = small_case(num_classes)
    logits = logits.detach()
    if module is BoundaryLoss:
        target = signed_distance_map(target.clamp(min=0), num_classes=3).double()
    torch.testing.assert_close(module(**options)(logits, target),
                               function(logits, target, **options))


def test_module_weights_are_buffers():
    criterion = CrossEntropyLoss(weight=[1.0, 2.0]).double()
    assert criterion.weight.dtype == torch.float64 and "weight" in criterion.state_dict()
    assert "alpha" in FocalLoss(alpha=[1.0, 1.0]).state_dict()


def test_compound_loss():
    logits, target = small_case(3)
    logits = logits.detach()
    criterion = CompoundLoss([DiceLoss(), functools.partial(cross_entropy, label_smoothing=0.1)],
                             weights=[0.3, 2.0])
    expected = 0.3 * dice_loss(logits, target) + 2.0 * cross_entropy(logits, target,
                                                                     label_smoothing=0.1)
    torch.testing.assert_close(criterion(logits, target), expected)
    # a weight of 0 skips its loss entirely
    def broken(logits, target):
        raise AssertionError("a loss with weight 0 must not run")

    skipping = CompoundLoss([broken, CrossEntropyLoss()], weights=[0.0, 1.0])
    torch.testing.assert_close(skipping(logits, target), cross_entropy(logits, target))
    # the region-to-boundary schedule plugs into the weights
    scheduled = CompoundLoss([DiceLoss(), BoundaryLoss()])
    scheduled.weights = boundary_loss_weights(20)
    maps_loss = BoundaryLoss()(logits, target)
    torch.testing.assert_close(scheduled(logits, target),
                               0.8 * dice_loss(logits, target) + 0.2 * maps_loss)
    with pytest.raises(ValueError, match="`weights`"):
        scheduled.weights = [1.0]
    with pytest.raises(ValueError, match="`losses`"):
        CompoundLoss([])
    with pytest.raises(TypeError, match="`losses\\[1\\]`"):
        CompoundLoss([DiceLoss(), "dice"])
    with pytest.raises(ValueError, match="`weights\\[0\\]`"):
        CompoundLoss([DiceLoss()], weights=[float("nan")])


# --------------------------------------------------------------------------
# argument errors
# --------------------------------------------------------------------------

ALL_LOSSES = [cross_entropy, focal_loss, dice_loss, tversky_loss]


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_bad_targets_raise_value_errors_naming_target(loss):
    logits = torch.zeros(2, 3, 4, 4)
    with pytest.raises(ValueError, match="`target`.*shape"):
        loss(logits, torch.zeros(2, 4, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="`target`.*shape"):
        loss(logits, torch.zeros(2, 3, 4, 4, dtype=torch.long))  # one-hot is not accepted
    with pytest.raises(ValueError, match="`target`.*class indices in \\[0, 2\\].*3"):
        loss(logits, torch.full((2, 4, 4), 3))
    with pytest.raises(ValueError, match="`target`.*-1"):
        loss(logits, torch.full((2, 4, 4), -1))
    with pytest.raises(ValueError, match="`target`.*integer"):
        loss(logits, torch.zeros(2, 4, 4))
    with pytest.raises(TypeError, match="`target`"):
        loss(logits, np.zeros((2, 4, 4), dtype=np.int64))


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_a_one_hot_target_gets_an_error_that_says_how_to_convert(loss):
    logits, target = random_case(2, num_classes=3, spatial=(4, 4), dtype=torch.float32)
    one_hot = F.one_hot(target, 3).movedim(-1, 1)
    for wrong in (one_hot, one_hot.float()):
        with pytest.raises(ValueError, match="`target`.*one-hot.*target\\.argmax\\(1\\)"):
            loss(logits, wrong)
    torch.testing.assert_close(loss(logits, one_hot.argmax(1)), loss(logits, target))
    # a float label map of whole class numbers: the error names the conversion too
    with pytest.raises(ValueError, match="`target`.*target\\.long\\(\\)"):
        loss(logits, target.float())
    # and so does MONAI's (N, 1, ...) target
    with pytest.raises(ValueError, match="`target`.*target\\.squeeze\\(1\\)"):
        loss(logits, target.unsqueeze(1))


PROBABILITY_LOSSES = [
    cross_entropy, focal_loss, dice_loss, tversky_loss, CrossEntropyLoss(), FocalLoss(),
    DiceLoss(), TverskyLoss(), CompoundLoss([DiceLoss(), CrossEntropyLoss()]),
    lambda logits, target: boundary_loss(logits, signed_distance_map(target, num_classes=3)),
]


@pytest.mark.parametrize("loss", PROBABILITY_LOSSES)
def test_probabilities_instead_of_logits_warn(loss):
    logits, target = random_case(1, num_classes=3, spatial=(16, 16), dtype=torch.float32)
    with pytest.warns(losses.ProbabilitiesWarning, match="`logits` look like probabilities"):
        loss(torch.softmax(logits, dim=1), target)
    for fine in (logits, torch.zeros_like(logits), torch.full_like(logits, 1 / 3 + 0.01)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss(fine, target)


def test_probabilities_warning_is_shown_once_per_line_and_points_at_it():
    logits, target = random_case(1, num_classes=3, spatial=(8, 8), dtype=torch.float32)
    probs = torch.softmax(logits, dim=1)
    criterion = DiceLoss()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # Python's own filter: once per location
        for _ in range(3):
            criterion(probs, target)  # through nn.Module.__call__
    assert len(caught) == 1
    assert caught[0].category is losses.ProbabilitiesWarning
    assert caught[0].filename == __file__  # the user's line, not segcourse's or torch's
    # half precision probabilities (sums within a float16 rounding of 1) warn too
    with pytest.warns(losses.ProbabilitiesWarning):
        cross_entropy(probs.half(), target)
    # a one-channel (sigmoid) input cannot be told apart: no warning, as documented
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        binary_focal_loss(torch.sigmoid(logits[:, :1]), target.clamp(max=1))


@pytest.mark.parametrize("loss", ALL_LOSSES + [binary_focal_loss])
def test_bad_logits_and_options(loss):
    channels = 1 if loss is binary_focal_loss else 3
    target = torch.zeros(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="`logits`.*floating"):
        loss(torch.zeros(2, channels, 4, dtype=torch.long), target)
    with pytest.raises(ValueError, match="`logits`"):
        loss(torch.zeros(2), target)
    with pytest.raises(TypeError, match="`logits`"):
        loss([[0.0]], target)
    with pytest.raises(ValueError, match="`reduction`"):
        loss(torch.zeros(2, channels, 4), target, reduction="avg")
    with pytest.raises(TypeError, match="`ignore_index`"):
        loss(torch.zeros(2, channels, 4), target, ignore_index=1.5)


def test_bad_option_values():
    logits, target = torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="`label_smoothing`"):
        cross_entropy(logits, target, label_smoothing=1.5)
    with pytest.raises(ValueError, match="`weight`.*3"):
        cross_entropy(logits, target, weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="`weight`.*>= 0"):
        cross_entropy(logits, target, weight=[1.0, -2.0, 1.0])
    with pytest.raises(ValueError, match="`gamma`"):
        focal_loss(logits, target, gamma=-0.5)
    with pytest.raises(ValueError, match="`alpha`"):
        focal_loss(logits, target, alpha=[1.0, 1.0])
    with pytest.raises(ValueError, match="`logits`.*binary_focal_loss"):
        focal_loss(torch.zeros(2, 1, 4), target)
    with pytest.raises(ValueError, match="`logits`.*focal_loss"):
        binary_focal_loss(logits, target)
    with pytest.raises(ValueError, match="`target`.*\\[0, 1\\]"):
        binary_focal_loss(torch.zeros(2, 1, 4), torch.full((2, 4), 2))
    with pytest.raises(ValueError, match="`alpha`"):
        binary_focal_loss(torch.zeros(2, 1, 4), target, alpha=1.5)
    with pytest.raises(ValueError, match="`smooth`"):
        dice_loss(logits, target, smooth=-1.0)
    with pytest.raises(TypeError, match="`squared`"):
        dice_loss(logits, target, squared="yes")
    with pytest.raises(ValueError, match="`beta`"):
        tversky_loss(logits, target, beta=-0.1)
    with pytest.raises(ValueError, match="`distance_maps`"):
        boundary_loss(logits, torch.zeros(2, 2, 4))
    with pytest.raises(ValueError, match="`target`"):
        signed_distance_map(np.array([0, 1, 2]))  # one image needs shape (1, ...)
    with pytest.raises(ValueError, match="`target`"):
        signed_distance_map(np.array([[0, 1, 2]]), num_classes=2)
    with pytest.raises(ValueError, match="`gamma`"):
        FocalLoss(gamma=-1.0)
    with pytest.raises(ValueError, match="`weight`"):
        CrossEntropyLoss(weight=[[1.0, 2.0]])
    with pytest.raises(TypeError, match="`loss`"):
        loss_gradient("cross_entropy", logits, target)


def test_public_names():
    for name in ("cross_entropy", "class_weights", "focal_loss", "binary_focal_loss", "dice_loss",
                 "tversky_loss", "signed_distance_map", "boundary_loss", "CrossEntropyLoss",
                 "FocalLoss", "DiceLoss", "TverskyLoss", "BoundaryLoss", "CompoundLoss"):
        assert name in losses.__all__ and hasattr(losses, name)


# --------------------------------------------------------------------------
# CUDA (skipped without a GPU)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GRADCHECK_CASES))
@CUDA[0]
@CUDA[1]
def test_losses_on_cuda_match_cpu(name):
    loss, num_classes = GRADCHECK_CASES[name]
    logits, target = small_case(num_classes)
    loss_cuda = copy.deepcopy(loss).to("cuda") if isinstance(loss, torch.nn.Module) else loss
    value, gradient = grad_of(loss, logits, target)
    value_cuda, gradient_cuda = grad_of(loss_cuda, logits.cuda(), target.cuda())
    torch.testing.assert_close(value_cuda.cpu(), value)
    torch.testing.assert_close(gradient_cuda.cpu(), gradient)


@CUDA[0]
@CUDA[1]
def test_boundary_and_weights_on_cuda_match_cpu():
    logits, target = small_case(3, ignore=False)
    maps = signed_distance_map(target, num_classes=3).double()
    maps_cuda = signed_distance_map(target.cuda(), num_classes=3)
    assert maps_cuda.device.type == "cuda"
    torch.testing.assert_close(maps_cuda.double().cpu(), maps)
    torch.testing.assert_close(boundary_loss(logits.cuda(), maps.cuda()).cpu(),
                               boundary_loss(logits, maps))
    torch.testing.assert_close(BoundaryLoss()(logits.cuda(), target.cuda()).cpu(),
                               BoundaryLoss()(logits, target))
    weights = class_weights(target.cuda(), num_classes=3)
    assert weights.device.type == "cuda"
    torch.testing.assert_close(weights.cpu(), class_weights(target, num_classes=3))
    crit = CrossEntropyLoss(weight=[1.0, 2.0, 3.0]).to("cuda")
    torch.testing.assert_close(crit(logits.float().cuda(), target.cuda()).cpu(),
                               cross_entropy(logits.float(), target, weight=[1.0, 2.0, 3.0]))


# --------------------------------------------------------------------------
# empty batches, one-channel cross entropy
# --------------------------------------------------------------------------

def _soft_zero(n):
    return torch.zeros(n, 1, 4, 4)


EMPTY_BATCH_LOSSES = {
    "cross_entropy": (cross_entropy, 3, None),
    "focal_loss": (focal_loss, 3, None),
    "binary_focal_loss": (binary_focal_loss, 1, None),
    "binary_focal_loss soft": (binary_focal_loss, 1, _soft_zero),
    "dice_loss": (dice_loss, 3, None),
    "dice_loss one channel": (dice_loss, 1, None),
    "dice_loss soft": (dice_loss, 1, _soft_zero),
    "tversky_loss": (tversky_loss, 3, None),
    "tversky_loss one channel": (tversky_loss, 1, None),
    "boundary_loss": (lambda logits, target, **options: boundary_loss(
        logits, signed_distance_map(target, num_classes=3), **options), 3, None),
}
EMPTY_BATCH_MODULES = {
    "CrossEntropyLoss": lambda **o: CrossEntropyLoss(**o),
    "FocalLoss": lambda **o: FocalLoss(**o),
    "DiceLoss": lambda **o: DiceLoss(**o),
    "TverskyLoss": lambda **o: TverskyLoss(**o),
    "BoundaryLoss": lambda **o: BoundaryLoss(**o),
    "CompoundLoss": lambda **o: CompoundLoss([DiceLoss(**o), CrossEntropyLoss(**o),
                                              BoundaryLoss(**o)]),
}


def _empty_case(channels, make_target):
    logits = torch.randn(0, channels, 4, 4)
    target = torch.zeros(0, 4, 4, dtype=torch.long) if make_target is None else make_target(0)
    return logits, target


def _check_empty_result(value, reduction, none_shape):
    if reduction == "mean":
        assert value.shape == () and torch.isnan(value)
    elif reduction == "sum":
        assert value.shape == () and float(value) == 0.0
    else:
        assert value.numel() == 0 and tuple(value.shape) == none_shape


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(EMPTY_BATCH_LOSSES))
def test_an_empty_batch_gives_what_torch_losses_give(name, reduction):
    loss, channels, make_target = EMPTY_BATCH_LOSSES[name]
    logits, target = _empty_case(channels, make_target)
    value, gradient = grad_of(loss, logits, target, reduction=reduction)
    if name.startswith(("dice", "tversky")):
        none_shape = (0, channels)
    elif name == "boundary_loss":
        none_shape = (0, 2, 4, 4)  # the background channel is left out
    else:
        none_shape = tuple(target.shape)
    _check_empty_result(value, reduction, none_shape)
    assert gradient.shape == logits.shape
    # torch's own losses, for the record
    reference = F.cross_entropy(torch.randn(0, 3, 4, 4), torch.zeros(0, 4, 4, dtype=torch.long),
                                reduction=reduction)
    _check_empty_result(reference, reduction, (0, 4, 4))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", list(EMPTY_BATCH_MODULES))
def test_an_empty_batch_through_the_modules(name, reduction):
    module = EMPTY_BATCH_MODULES[name](reduction=reduction)
    logits, target = _empty_case(3, None)
    value, gradient = grad_of(module, logits, target)
    _check_empty_result(value, reduction, None)
    assert gradient.shape == logits.shape


def test_an_empty_batch_with_batch_true_is_the_absent_class_rule():
    logits, target = _empty_case(3, None)
    for loss in (dice_loss, tversky_loss):
        # every class is absent from target and prediction: 1 - s / s = 0
        assert loss(logits, target, batch=True, reduction="none").tolist() == [0.0] * 3
        assert float(loss(logits, target, batch=True)) == 0.0
        assert torch.isnan(loss(logits, target, batch=True, smooth=0.0, reduction="none")).all()
    # images without pixels are not an empty batch: their losses exist
    assert dice_loss(torch.randn(2, 3, 0, 0), torch.zeros(2, 0, 0, dtype=torch.long),
                     reduction="none").shape == (2, 3)
    assert class_weights(torch.zeros(0, 4, 4, dtype=torch.long), num_classes=3).tolist() == [
        0.0, 0.0, 0.0]


def test_cross_entropy_on_one_channel_points_to_binary_losses():
    logits = torch.randn(1, 1, 2, 2)
    for target in (torch.ones(1, 2, 2, dtype=torch.long), torch.ones(1, 2, 2, dtype=torch.bool)):
        with pytest.raises(ValueError, match=r"class indices in \[0, 0\].*got the value 1 \(.*one "
                                             r"channel.*binary_focal_loss\(logits, target, "
                                             r"gamma=0, alpha=None\).*binary_cross_entropy_with"
                                             r"_logits"):
            cross_entropy(logits, target)
    with pytest.raises(ValueError, match="binary_focal_loss"):
        CrossEntropyLoss(ignore_index=None)(logits, torch.ones(1, 2, 2, dtype=torch.long))
    # the advice holds: binary cross entropy of the one channel
    target = torch.tensor([[[1, 0], [0, 1]]])
    torch.testing.assert_close(
        binary_focal_loss(logits, target, gamma=0, alpha=None),
        F.binary_cross_entropy_with_logits(logits, target.unsqueeze(1).float()))
    assert float(cross_entropy(logits, torch.zeros(1, 2, 2, dtype=torch.long))) == 0.0


@pytest.mark.parametrize("ignore_index", [-100, 255, None])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("spatial", [(), (5,), (3, 4), (2, 3, 4)])
def test_cross_entropy_out_of_range_targets_raise_our_error_on_every_path(ignore_index,
                                                                         smoothing, spatial):
    logits = torch.randn(2, 3, *spatial)
    for bad in (3, -1, 7):
        target = torch.zeros(2, *spatial, dtype=torch.long)
        target.view(-1)[-1] = bad
        for reduction in ("mean", "sum", "none"):
            with pytest.raises(ValueError, match=rf"`target`.*class indices in \[0, 2\].*"
                                                 rf"the value {bad}"):
                cross_entropy(logits, target, ignore_index=ignore_index, reduction=reduction,
                              label_smoothing=smoothing, weight=[1.0, 2.0, 3.0])


def test_boundary_loss_module_says_to_precompute_the_maps():
    doc = BoundaryLoss.__doc__
    assert "signed_distance_map" in doc and "Dataset" in doc
    assert re.search(r"about [0-9.]+ s per\s+batch .* against [0-9.]+ s with precomputed maps", doc,
                     re.S)
    assert ">>> class WithDistanceMaps(Dataset):" in doc  # an example that runs as a doctest
