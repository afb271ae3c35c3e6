"""Reduced precision (float16, bfloat16) everywhere: losses, metrics and helpers.

What is checked, on 512 x 512 inputs:

- Every loss computes in float32 when given float16 or bfloat16 logits: its
  value equals the float32 loss of the same (rounded) logits to 1e-6, and
  is within 2e-3 (float16) or 1.5e-2 (bfloat16), relative, of the float32
  loss of the logits before rounding; never inf or NaN. The result is
  float32 and the gradient has the dtype of the logits.
- Every metric and tensor-taking helper accepts float16 and bfloat16
  tensors and gives exactly what it gives for the same values in float32
  or as integers.
- A training step under ``torch.autocast`` (CPU, bfloat16) works with every
  loss module. The CUDA versions skip without a GPU.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from segcourse import losses
from segcourse.labels import one_hot
from segcourse.metrics import (
    ConfusionMatrix,
    accuracy,
    average_precision,
    average_surface_distance,
    balanced_accuracy,
    confusion_matrix,
    dice,
    f1,
    hausdorff_distance,
    iou,
    iou_matrix,
    mask_boundary,
    match_instances,
    matthews_corrcoef,
    mean_average_precision,
    panoptic_quality,
    precision,
    recall,
    specificity,
    surface_dice,
    surface_distances,
)

HALF = [torch.float16, torch.bfloat16]
# relative distance to the float32 loss of the unrounded logits: rounding the
# logits to 11 (float16) or 8 (bfloat16) significant bits, nothing more
TOLERANCE = {torch.float16: 2e-3, torch.bfloat16: 1.5e-2}
SIZE = 512


def _case(num_classes, seed=0, batch=1, size=SIZE):
    generator = torch.Generator().manual_seed(seed)
    channels = num_classes
    logits = 3.0 * torch.randn(batch, channels, size, size, generator=generator)
    target = torch.randint(0, max(num_classes, 2), (batch, size, size), generator=generator)
    return logits, target


# --------------------------------------------------------------------------
# The examples of the issue
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("loss", [losses.dice_loss, losses.tversky_loss])
def test_overlap_losses_on_a_half_precision_image_give_one_third(loss, dtype):
    # p = 0.5 everywhere, every pixel foreground: TP = 32768, sum p = 32768,
    # sum g = 65536; Dice 1 - 65536 / 98304 = 1/3, Tversky (0.5, 0.5) the same.
    # In float16 the sum 65536 is inf: the loss was NaN (Dice) and 1.0 (Tversky).
    logits = torch.zeros(1, 1, 256, 256, dtype=dtype)
    target = torch.ones(1, 256, 256, dtype=torch.long)
    value = loss(logits, target, smooth=0.0)
    assert value.dtype == torch.float32
    assert float(value) == pytest.approx(1 / 3, abs=1e-7)


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("loss", [losses.cross_entropy, losses.focal_loss])
def test_mean_of_a_half_precision_512_map_is_finite(loss, dtype):
    logits, target = _case(3)
    value = loss(logits.to(dtype), target)
    assert value.dtype == torch.float32 and torch.isfinite(value)
    torch.testing.assert_close(value, loss(logits.to(dtype).float(), target), rtol=1e-6,
                               atol=1e-6)
    assert float(value) == pytest.approx(float(loss(logits, target)), rel=TOLERANCE[dtype])
    # torch's own loss overflows in float16 without autocast: the fault was real
    if loss is losses.cross_entropy and dtype == torch.float16:
        assert not torch.isfinite(F.cross_entropy(logits.half(), target).float())


# --------------------------------------------------------------------------
# Every loss, every reduction, both half dtypes
# --------------------------------------------------------------------------

def _maps(target, num_classes):
    return losses.signed_distance_map(target, num_classes=num_classes)


LOSS_CASES = {
    "cross_entropy": (functools.partial(losses.cross_entropy, weight=[0.5, 1.0, 2.0],
                                        label_smoothing=0.1), 3, "int"),
    "focal_loss": (functools.partial(losses.focal_loss, gamma=2.0), 3, "int"),
    "focal_loss gamma=0.5": (functools.partial(losses.focal_loss, gamma=0.5,
                                               alpha=[1.0, 2.0, 0.5]), 3, "int"),
    "binary_focal_loss": (losses.binary_focal_loss, 1, "int"),
    "binary_focal_loss soft": (losses.binary_focal_loss, 1, "soft"),
    "dice_loss": (losses.dice_loss, 3, "int"),
    "dice_loss squared batch": (functools.partial(losses.dice_loss, squared=True, batch=True),
                                3, "int"),
    "dice_loss sigmoid": (losses.dice_loss, 1, "int"),
    "dice_loss sigmoid soft": (losses.dice_loss, 1, "soft"),
    "tversky_loss": (functools.partial(losses.tversky_loss, alpha=0.3, beta=0.7), 3, "int"),
    "tversky_loss sigmoid": (losses.tversky_loss, 1, "soft"),
    "boundary_loss": (losses.boundary_loss, 3, "maps"),
    "BoundaryLoss": (losses.BoundaryLoss(), 3, "int"),
    "CompoundLoss": (losses.CompoundLoss([losses.DiceLoss(), losses.CrossEntropyLoss(),
                                          losses.FocalLoss()]), 3, "int"),
}


@pytest.fixture(scope="module")
def loss_inputs():
    cases = {}
    for num_classes in (1, 3):
        logits, target = _case(num_classes, seed=num_classes)
        generator = torch.Generator().manual_seed(10 + num_classes)
        soft = torch.rand(logits.shape, generator=generator)
        cases[num_classes] = {"logits": logits, "int": target, "soft": soft,
                              "maps": _maps(target, max(num_classes, 2))}
    return cases


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_every_loss_computes_half_precision_in_float32(name, dtype, loss_inputs):
    loss, num_classes, kind = LOSS_CASES[name]
    inputs = loss_inputs[num_classes]
    logits, target = inputs["logits"], inputs[kind]
    rounded = logits.to(dtype)
    value = loss(rounded, target)
    assert value.dtype == torch.float32
    assert torch.isfinite(value).all()
    torch.testing.assert_close(value, loss(rounded.float(), target), rtol=1e-6, atol=1e-6)
    reference = loss(logits, target)
    assert float(value) == pytest.approx(float(reference), rel=TOLERANCE[dtype],
                                         abs=TOLERANCE[dtype] * 1e-2)
    # the gradient flows back to the logits in their own dtype, finite
    leaf = rounded.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(loss(leaf, target), leaf)
    assert gradient.dtype == dtype and torch.isfinite(gradient).all()


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_sum_and_none_reductions_are_float32_too(dtype, reduction, loss_inputs):
    logits, target = loss_inputs[3]["logits"], loss_inputs[3]["int"]
    for loss in (losses.cross_entropy, losses.focal_loss, losses.dice_loss,
                 losses.tversky_loss):
        value = loss(logits.to(dtype), target, reduction=reduction)
        assert value.dtype == torch.float32 and torch.isfinite(value).all()
        torch.testing.assert_close(value, loss(logits.to(dtype).float(), target,
                                               reduction=reduction), rtol=1e-6, atol=1e-4)
    binary = loss_inputs[1]
    value = losses.binary_focal_loss(binary["logits"].to(dtype), binary["soft"],
                                     reduction=reduction)
    assert value.dtype == torch.float32 and torch.isfinite(value).all()


def test_float32_and_float64_keep_their_dtype():
    logits, target = _case(3, size=8)
    for dtype in (torch.float32, torch.float64):
        for loss in (losses.cross_entropy, losses.dice_loss, losses.focal_loss):
            assert loss(logits.to(dtype), target).dtype == dtype


@pytest.mark.parametrize("dtype", HALF)
def test_loss_gradient_and_boundary_maps_in_half_precision(dtype):
    logits, target = _case(3, size=64)
    gradient = losses.loss_gradient(losses.dice_loss, logits.to(dtype), target)
    assert gradient.dtype == dtype and torch.isfinite(gradient).all()
    maps = losses.BoundaryLoss().distance_maps(logits.to(dtype), target)
    # the maps stay float32: a distance of 257 pixels is 256 in bfloat16
    assert maps.dtype == torch.float32


# --------------------------------------------------------------------------
# Helpers and metrics given half-precision tensors
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def label_maps():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 3, size=(SIZE, SIZE))
    pred = np.where(rng.random(target.shape) < 0.7, target, rng.integers(0, 3, target.shape))
    return torch.from_numpy(pred), torch.from_numpy(target)


@pytest.mark.parametrize("dtype", HALF)
def test_class_weights_signed_distance_map_and_one_hot_accept_half_tensors(dtype, label_maps):
    _, target = label_maps
    batch = target[None]
    for method in ("inverse", "median", "effective"):
        torch.testing.assert_close(losses.class_weights(batch.to(dtype), method=method),
                                   losses.class_weights(batch, method=method))
    torch.testing.assert_close(losses.signed_distance_map(batch.to(dtype)),
                               losses.signed_distance_map(batch))
    assert np.array_equal(one_hot(target.to(dtype)), one_hot(target))
    assert np.array_equal(one_hot(batch.to(dtype), axis=1), one_hot(batch, axis=1))


PIXEL_SCORES = [confusion_matrix, accuracy, balanced_accuracy, precision, recall, specificity,
                f1, dice, iou, matthews_corrcoef]


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("score", PIXEL_SCORES, ids=lambda f: f.__name__)
def test_pixel_scores_accept_half_tensors(score, dtype, label_maps):
    pred, target = label_maps
    expected = score(pred, target, num_classes=3)
    np.testing.assert_array_equal(score(pred.to(dtype), target.to(dtype), num_classes=3),
                                  expected)
    masks = score(pred.to(dtype) > 0, target > 0)
    np.testing.assert_array_equal(masks, score(pred > 0, target > 0))
    # 0/1 masks stored as half floats are the same masks
    np.testing.assert_array_equal(
        score((pred > 0).to(dtype), (target > 0).to(dtype), num_classes=2, **(
            {"average": "binary"} if score in (precision, recall, specificity, f1, dice, iou)
            else {})),
        score(pred > 0, target > 0))


@pytest.mark.parametrize("dtype", HALF)
def test_streaming_confusion_matrix_accepts_half_tensors(dtype, label_maps):
    pred, target = label_maps
    ours = ConfusionMatrix(num_classes=3).update(pred[None].to(dtype), target[None].to(dtype))
    assert np.array_equal(ours.matrix, confusion_matrix(pred, target, num_classes=3))


def _blob(center, radius, size=SIZE):
    rows, cols = np.ogrid[:size, :size]
    return np.hypot(rows - center[0], cols - center[1]) <= radius


@pytest.mark.parametrize("dtype", HALF)
def test_boundary_scores_accept_half_tensors(dtype):
    pred = _blob((250, 260), 120) | _blob((420, 90), 12)
    target = _blob((256, 250), 115)
    half_pred = torch.from_numpy(pred).to(dtype)
    half_target = torch.from_numpy(target).to(dtype)
    assert np.array_equal(mask_boundary(half_pred), mask_boundary(pred))
    for ours, theirs in zip(surface_distances(half_pred, half_target),
                            surface_distances(pred, target), strict=True):
        assert np.array_equal(ours, theirs)
    assert hausdorff_distance(half_pred, half_target, percentile=95) == \
        hausdorff_distance(pred, target, percentile=95)
    assert average_surface_distance(half_pred, half_target) == \
        average_surface_distance(pred, target)
    assert surface_dice(half_pred, half_target, tolerance=2.0) == \
        surface_dice(pred, target, tolerance=2.0)


@pytest.mark.parametrize("dtype", HALF)
def test_object_scores_accept_half_tensors(dtype):
    target_map = np.zeros((SIZE, SIZE), dtype=np.int64)
    pred_map = np.zeros((SIZE, SIZE), dtype=np.int64)
    for k in range(1, 6):
        target_map[_blob((80 * k, 90 * k), 30)] = k
        pred_map[_blob((80 * k + 5, 90 * k - 4), 28 + k)] = k
    scores = torch.tensor([0.91, 0.37, 0.52, 0.88, 0.15])
    half_scores = scores.to(dtype)
    assert np.array_equal(iou_matrix(torch.from_numpy(pred_map).to(dtype),
                                     torch.from_numpy(target_map).to(dtype)),
                          iou_matrix(pred_map, target_map))
    ours = match_instances(torch.from_numpy(pred_map).to(dtype), target_map,
                           scores=half_scores, iou_threshold=0.7)
    theirs = match_instances(pred_map, target_map, scores=half_scores.float(),
                             iou_threshold=0.7)
    assert np.array_equal(ours.pairs, theirs.pairs)

    masks = torch.from_numpy(pred_map[None] == np.arange(1, 6)[:, None, None])
    target_masks = target_map[None] == np.arange(1, 6)[:, None, None]
    preds = [{"masks": masks.to(dtype), "scores": half_scores}]
    reference = [{"masks": masks.numpy(), "scores": half_scores.float().numpy()}]
    targets = [{"masks": target_masks}]
    assert mean_average_precision(preds, targets)["map"] == \
        mean_average_precision(reference, targets)["map"]
    assert average_precision(preds, targets, iou_threshold=0.75) == \
        average_precision(reference, targets, iou_threshold=0.75)


@pytest.mark.parametrize("dtype", HALF)
def test_panoptic_quality_accepts_half_tensors(dtype):
    category = np.zeros((SIZE, SIZE), dtype=np.int64)
    instance = np.zeros((SIZE, SIZE), dtype=np.int64)
    for k in range(1, 4):
        category[_blob((120 * k, 130 * k), 40)] = 1
        instance[_blob((120 * k, 130 * k), 40)] = k
    target = np.stack([category, instance], axis=-1)
    pred = np.stack([np.roll(category, 7, axis=0), np.roll(instance, 7, axis=0)], axis=-1)
    half = panoptic_quality(torch.from_numpy(pred).to(dtype), torch.from_numpy(target).to(dtype),
                            things=[1], stuff=[0])
    exact = panoptic_quality(pred, target, things=[1], stuff=[0])
    np.testing.assert_array_equal(half["pq_per_class"], exact["pq_per_class"])


# --------------------------------------------------------------------------
# A training step under automatic mixed precision, with every loss module
# --------------------------------------------------------------------------

MODULES = {
    "CrossEntropyLoss": (lambda: losses.CrossEntropyLoss(weight=[1.0, 2.0, 3.0]), 3, "int"),
    "FocalLoss": (lambda: losses.FocalLoss(gamma=2.0), 3, "int"),
    "BinaryFocalLoss": (lambda: losses.BinaryFocalLoss(), 1, "int"),
    "BinaryFocalLoss soft": (lambda: losses.BinaryFocalLoss(), 1, "soft"),
    "DiceLoss": (lambda: losses.DiceLoss(), 3, "int"),
    "DiceLoss sigmoid float": (lambda: losses.DiceLoss(), 1, "float"),
    "TverskyLoss": (lambda: losses.TverskyLoss(alpha=0.3, beta=0.7), 3, "int"),
    "BoundaryLoss": (lambda: losses.BoundaryLoss(), 3, "int"),
    "CompoundLoss": (lambda: losses.CompoundLoss([losses.DiceLoss(), losses.CrossEntropyLoss(),
                                                  losses.BoundaryLoss()]), 3, "int"),
    "CompoundLoss sigmoid float": (lambda: losses.CompoundLoss(
        [losses.DiceLoss(), losses.BinaryFocalLoss(), losses.BoundaryLoss()]), 1, "float"),
}


def _training_batch(num_classes, kind, device="cpu"):
    generator = torch.Generator().manual_seed(3)
    images = torch.randn(2, 1, 48, 48, generator=generator)
    labels = (images[:, 0] > 0.3).long() if num_classes == 1 else \
        torch.randint(0, num_classes, (2, 48, 48), generator=generator)
    if kind == "soft":
        target = torch.rand(2, 1, 48, 48, generator=generator)
    elif kind == "float":
        target = labels[:, None].float()
    else:
        target = labels
    return images.to(device), target.to(device)


def _step(name, device, dtype):
    make_loss, num_classes, kind = MODULES[name]
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(8, num_classes, 3, padding=1)).to(device)
    criterion = make_loss().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    images, target = _training_batch(num_classes, kind, device)
    before = [p.detach().clone() for p in model.parameters()]
    with torch.autocast(device_type=device, dtype=dtype):
        logits = model(images)
        value = criterion(logits, target)
    assert logits.dtype == dtype  # autocast ran the convolutions in reduced precision
    assert value.dtype == torch.float32 and torch.isfinite(value)
    optimizer.zero_grad()
    value.backward()
    for parameter in model.parameters():
        assert parameter.grad is not None and torch.isfinite(parameter.grad).all()
    optimizer.step()
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    return value


@pytest.mark.parametrize("name", list(MODULES))
def test_training_step_under_cpu_autocast_bfloat16(name):
    _step(name, "cpu", torch.bfloat16)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("name", list(MODULES))
def test_training_step_under_cuda_autocast(name, dtype):
    _step(name, "cuda", dtype)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("dtype", HALF)
def test_losses_and_metrics_on_cuda_half_tensors(dtype, loss_inputs, label_maps):
    for name, (loss, num_classes, kind) in LOSS_CASES.items():
        inputs = loss_inputs[num_classes]
        target = inputs[kind].cuda()
        if isinstance(loss, nn.Module):
            loss = loss.cuda()
        value = loss(inputs["logits"].to(dtype).cuda(), target)
        assert value.dtype == torch.float32 and torch.isfinite(value).all(), name
        reference = loss(inputs["logits"].to(dtype).float().cuda(), target)
        torch.testing.assert_close(value, reference, rtol=1e-5, atol=1e-5)
    pred, target = label_maps
    for score in PIXEL_SCORES:
        np.testing.assert_array_equal(
            score(pred.to(dtype).cuda(), target.to(dtype).cuda(), num_classes=3),
            score(pred, target, num_classes=3))
    weights = losses.class_weights(target[None].to(dtype).cuda())
    assert weights.device.type == "cuda"
    torch.testing.assert_close(weights.cpu(), losses.class_weights(target[None]))
