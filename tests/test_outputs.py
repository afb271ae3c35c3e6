"""Tests of segcourse.outputs: literal values, torch cross-checks, edge cases and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from segcourse import outputs
from segcourse.outputs import (
    confidence,
    labels_from_logits,
    logit,
    multilabel_masks,
    resize_label_map,
    resize_logits,
    sigmoid,
    softmax,
)

RNG = np.random.default_rng(0)


def random_logits(shape, scale=3.0, seed=0):
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


# --- softmax -----------------------------------------------------------------------------------


def test_softmax_literal_values():
    # e^2, e^1, e^0 over their sum
    expected = np.exp([2.0, 1.0, 0.0]) / np.exp([2.0, 1.0, 0.0]).sum()
    np.testing.assert_allclose(softmax([2.0, 1.0, 0.0], axis=0), expected)
    np.testing.assert_allclose(softmax(np.zeros(4), axis=0), [0.25] * 4)
    np.testing.assert_allclose(softmax(np.array([[3.0]]), axis=1), [[1.0]])  # one class


@pytest.mark.parametrize("shape,axis", [((2, 4, 5, 6), 1), ((3, 7, 2), 0), ((5,), 0),
                                        ((2, 3, 4, 5, 6), 1), ((4, 3), -1)])
def test_softmax_matches_torch(shape, axis):
    for seed in range(5):
        logits = random_logits(shape, seed=seed)
        expected = torch.softmax(torch.as_tensor(logits), dim=axis).numpy()
        np.testing.assert_allclose(softmax(logits, axis=axis), expected, rtol=1e-12, atol=1e-15)
        got = softmax(torch.as_tensor(logits), axis=axis)
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_softmax_does_not_overflow_and_sums_to_one():
    huge = np.array([[1000.0, 999.0, -1000.0], [-5.0, 0.0, 5.0]]).T  # (C=3, 2 pixels)
    probs = softmax(huge, axis=0)
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=0), [1.0, 1.0])
    np.testing.assert_allclose(probs[:, 0], torch.softmax(torch.as_tensor(huge[:, 0]), 0))
    # float32, where exp overflows above about 88.7
    probs32 = softmax(np.array([100.0, 90.0], dtype=np.float32), axis=0)
    assert probs32.dtype == np.float32 and np.isfinite(probs32).all()


def test_softmax_temperature():
    logits = random_logits((2, 3, 4, 4))
    for temperature in (0.1, 0.5, 2.0, 10.0):
        expected = torch.softmax(torch.as_tensor(logits) / temperature, dim=1).numpy()
        np.testing.assert_allclose(softmax(logits, temperature=temperature), expected,
                                   rtol=1e-12, atol=1e-300)
        # the order of the classes, so the argmax, never changes
        np.testing.assert_array_equal(softmax(logits, temperature=temperature).argmax(1),
                                      logits.argmax(1))
    # limiting cases: T large flattens towards 1/C
    flat = softmax(logits, temperature=1e6)
    np.testing.assert_allclose(flat, 1 / 3, atol=1e-4)


def test_softmax_keeps_dtype_device_and_gradient():
    logits = torch.randn(2, 3, 4, requires_grad=True)
    probs = softmax(logits, temperature=2.0)
    probs[:, 0].sum().backward()
    assert logits.grad is not None
    half = softmax(torch.zeros(1, 2, dtype=torch.float16))
    assert half.dtype == torch.float32
    assert softmax(np.zeros((1, 2), dtype=np.float16)).dtype == np.float32


def test_softmax_edge_cases():
    with np.errstate(invalid="ignore"):
        probs = softmax(np.array([[0.0, np.nan], [1.0, 2.0]]), axis=1)
    assert np.isnan(probs[0]).all() and np.isfinite(probs[1]).all()
    with np.errstate(invalid="ignore"):
        assert np.isnan(softmax(np.array([np.inf, 0.0]), axis=0)).any()
    assert softmax(np.zeros((0, 3, 2, 2))).shape == (0, 3, 2, 2)


def test_softmax_bad_input():
    with pytest.raises(TypeError, match=r"`logits` to be float scores .*label map"):
        softmax(np.array([[0, 1], [2, 1]]))
    with pytest.raises(TypeError, match=r"`logits`"):
        softmax(torch.tensor([[0, 1]]))
    with pytest.raises(TypeError, match=r"`logits`"):
        softmax(np.array([True, False]), axis=0)
    with pytest.raises(TypeError, match=r"`logits`"):
        softmax("logits")
    with pytest.raises(ValueError, match=r"`axis` .*pass axis=0 for one image"):
        softmax(np.zeros(3))
    with pytest.raises(ValueError, match=r"`axis`"):
        softmax(np.zeros((2, 3)), axis=-3)
    with pytest.raises(TypeError, match=r"`axis`"):
        softmax(np.zeros((2, 3)), axis=1.0)
    for temperature in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match=r"`temperature`"):
            softmax(np.zeros((1, 2)), temperature=temperature)


# --- sigmoid and logit -------------------------------------------------------------------------


def test_sigmoid_literal_values_and_the_pair_identity():
    np.testing.assert_allclose(sigmoid([0.0]), [0.5])
    np.testing.assert_allclose(sigmoid([np.log(3.0)]), [0.75])
    z = random_logits((20,), scale=5.0)
    pair = np.stack([np.zeros_like(z), z])
    np.testing.assert_allclose(sigmoid(z), softmax(pair, axis=0)[1], rtol=1e-12)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), rtol=1e-12, atol=1e-15)


def test_sigmoid_matches_torch_without_overflow():
    z = np.concatenate([random_logits((50,), scale=20.0), [-1000.0, -745.0, 0.0, 745.0, 1000.0]])
    with np.errstate(over="raise"):
        got = sigmoid(z)
    np.testing.assert_allclose(got, torch.sigmoid(torch.as_tensor(z)).numpy(), rtol=1e-12,
                               atol=1e-300)
    assert got[-5] == 0.0 and got[-1] == 1.0
    tensor = sigmoid(torch.as_tensor(z[:5]), temperature=2.0)
    np.testing.assert_allclose(tensor.numpy(), torch.sigmoid(torch.as_tensor(z[:5]) / 2).numpy())
    assert sigmoid(np.float32([1.0])).dtype == np.float32


def test_sigmoid_bad_input():
    with pytest.raises(TypeError, match=r"`logits`"):
        sigmoid(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"`temperature`"):
        sigmoid([1.0], temperature=0)


def test_logit_is_the_inverse_of_sigmoid():
    assert logit(0.5) == 0.0
    assert logit(0.8) == pytest.approx(np.log(4.0))
    assert logit(0.0) == -np.inf and logit(1.0) == np.inf
    p = np.linspace(0.01, 0.99, 33)
    np.testing.assert_allclose(sigmoid(logit(p)), p, rtol=1e-12)
    np.testing.assert_allclose(logit(torch.as_tensor(p)).numpy(), np.log(p / (1 - p)))
    # a threshold on the probability is a threshold on the logit
    z = random_logits((200,))
    for t in (0.2, 0.5, 0.8):
        np.testing.assert_array_equal(sigmoid(z) > t, z > logit(t))


def test_logit_bad_input():
    with pytest.raises(ValueError, match=r"`probs` to be probabilities in \[0, 1\]"):
        logit(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match=r"`probs`"):
        logit(-0.1)
    with pytest.raises(ValueError, match=r"`probs`"):
        logit(float("nan"))
    with pytest.raises(TypeError, match=r"`probs`"):
        logit(np.array([0, 1]))


# --- labels and confidence ---------------------------------------------------------------------


def test_labels_from_logits_is_the_argmax_of_logits_and_of_probabilities():
    logits = random_logits((3, 5, 6, 7))
    expected = torch.argmax(torch.as_tensor(logits), dim=1).numpy()
    labels = labels_from_logits(logits)
    assert labels.dtype == np.int64 and labels.shape == (3, 6, 7)
    np.testing.assert_array_equal(labels, expected)
    np.testing.assert_array_equal(labels, softmax(logits).argmax(axis=1))
    as_tensor = labels_from_logits(torch.as_tensor(logits))
    assert as_tensor.dtype == torch.int64
    np.testing.assert_array_equal(as_tensor.numpy(), expected)
    np.testing.assert_array_equal(labels_from_logits(logits[0], axis=0), expected[0])


def test_labels_from_logits_ties_and_one_channel():
    tie = np.array([[[1.0, 0.0]], [[1.0, 2.0]], [[0.5, 2.0]]])  # (C=3, 1, 2): pixel 0 ties 0/1
    np.testing.assert_array_equal(labels_from_logits(tie, axis=0), [[0, 1]])
    np.testing.assert_array_equal(torch.argmax(torch.as_tensor(tie), 0).numpy(), [[0, 1]])
    one = np.array([[[[-0.5, 0.0, 0.25]]]])  # (N=1, C=1, 1, 3): logit > 0 is foreground
    np.testing.assert_array_equal(labels_from_logits(one), [[[0, 0, 1]]])
    np.testing.assert_array_equal(labels_from_logits(torch.as_tensor(one)).numpy(),
                                  [[[0, 0, 1]]])
    # the same rule as models.predict
    from segcourse.models import _labels_from_logits

    np.testing.assert_array_equal(_labels_from_logits(torch.as_tensor(one)).numpy(),
                                  labels_from_logits(one))


def test_labels_from_logits_takes_nan_as_the_largest_like_numpy_and_torch():
    logits = np.array([1.0, np.nan, 3.0])
    assert labels_from_logits(logits, axis=0) == 1 == int(torch.argmax(torch.as_tensor(logits)))


def test_labels_from_logits_bad_input():
    with pytest.raises(TypeError, match=r"`logits`.*label map"):
        labels_from_logits(np.zeros((1, 2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match=r"`axis`"):
        labels_from_logits(np.zeros(3))


def test_confidence_literal_values_and_range():
    np.testing.assert_allclose(confidence(np.array([2.0, 1.0, 0.0]), axis=0),
                               np.exp(2) / np.exp([2.0, 1.0, 0.0]).sum())
    np.testing.assert_allclose(confidence(np.zeros((1, 4, 2, 2))), 0.25)
    logits = random_logits((2, 5, 3, 3))
    conf = confidence(logits)
    assert conf.shape == (2, 3, 3) and (conf >= 1 / 5).all() and (conf <= 1).all()
    np.testing.assert_allclose(conf, torch.softmax(torch.as_tensor(logits), 1).amax(1).numpy())
    np.testing.assert_allclose(confidence(torch.as_tensor(logits)).numpy(), conf)
    # a temperature changes the confidence, not the labels
    assert (confidence(logits, temperature=5.0) < conf).all()


def test_confidence_of_one_channel_is_the_sigmoid_of_the_magnitude():
    z = np.array([[[[-3.0, 0.0, 2.0]]]])
    expected = np.maximum(sigmoid(z), 1 - sigmoid(z))[:, 0]
    np.testing.assert_allclose(confidence(z), expected)
    np.testing.assert_allclose(confidence(torch.as_tensor(z)).numpy(), expected)
    assert confidence(z)[0, 0, 1] == 0.5


def test_multilabel_masks():
    logits = random_logits((2, 3, 4, 4))
    masks = multilabel_masks(logits)
    np.testing.assert_array_equal(masks, torch.sigmoid(torch.as_tensor(logits)).numpy() > 0.5)
    np.testing.assert_array_equal(masks, logits > 0)
    per_class = multilabel_masks(logits, threshold=[0.2, 0.5, 0.9])
    for c, t in enumerate((0.2, 0.5, 0.9)):
        np.testing.assert_array_equal(per_class[:, c], logits[:, c] > logit(t))
    tensor = multilabel_masks(torch.as_tensor(logits), threshold=[0.2, 0.5, 0.9])
    assert tensor.dtype == torch.bool
    np.testing.assert_array_equal(tensor.numpy(), per_class)
    # a pixel may have several classes or none
    two = multilabel_masks(np.array([[5.0, -5.0], [5.0, -5.0]]), axis=0)
    np.testing.assert_array_equal(two.sum(axis=0), [2, 0])


def test_multilabel_masks_bad_threshold():
    with pytest.raises(ValueError, match=r"`threshold` to be a number or 3 numbers"):
        multilabel_masks(np.zeros((1, 3, 2, 2)), threshold=[0.5, 0.5])
    with pytest.raises(ValueError, match=r"`threshold` to be probabilities"):
        multilabel_masks(np.zeros((1, 3, 2, 2)), threshold=1.5)


# --- resizing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source,target", [((4, 4), (16, 16)), ((5, 7), (13, 3)),
                                           ((8, 8), (3, 5)), ((3, 9), (6, 18)), ((1, 4), (1, 7))])
def test_resize_logits_matches_torch_bilinear_and_nearest_exact(source, target):
    logits = random_logits((2, 3) + source)
    tensor = torch.as_tensor(logits)
    bilinear = F.interpolate(tensor, size=target, mode="bilinear", align_corners=False).numpy()
    np.testing.assert_allclose(resize_logits(logits, target), bilinear, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(resize_logits(logits[0], target), bilinear[0], rtol=1e-10,
                               atol=1e-12)
    nearest = F.interpolate(tensor, size=target, mode="nearest-exact").numpy()
    np.testing.assert_array_equal(resize_logits(logits, target, mode="nearest"), nearest)
    via_torch = resize_logits(tensor, target)
    assert isinstance(via_torch, torch.Tensor)
    np.testing.assert_allclose(via_torch.numpy(), bilinear)


def test_resize_logits_keeps_probabilities_summing_to_one():
    probs = softmax(random_logits((1, 4, 6, 6)))
    resized = resize_logits(probs, (17, 11))
    np.testing.assert_allclose(resized.sum(axis=1), 1.0)


def test_resize_logits_literal():
    np.testing.assert_allclose(resize_logits(np.array([[[0.0, 4.0]]]), (1, 4)),
                               [[[0.0, 1.0, 3.0, 4.0]]])


def test_resize_label_map_keeps_only_existing_classes():
    label_map = np.array([[0, 0, 3, 3]])
    np.testing.assert_array_equal(resize_label_map(label_map, (1, 8)),
                                  [[0, 0, 0, 0, 3, 3, 3, 3]])
    rng = np.random.default_rng(1)
    for source, target in [((5, 7), (13, 3)), ((8, 8), (32, 32)), ((9, 6), (4, 4))]:
        maps = rng.integers(0, 5, size=(2,) + source)
        got = resize_label_map(maps, target)
        expected = F.interpolate(torch.as_tensor(maps, dtype=torch.float64)[:, None],
                                 size=target, mode="nearest-exact")[:, 0].long().numpy()
        np.testing.assert_array_equal(got, expected)
        assert set(np.unique(got)) <= set(np.unique(maps))
    # ignored values are kept as they are, a negative one when named
    np.testing.assert_array_equal(resize_label_map(np.array([[255, 1]]), (1, 4)),
                                  [[255, 255, 1, 1]])
    np.testing.assert_array_equal(resize_label_map(np.array([[-100, 1]]), (2, 2),
                                                   ignore_index=-100), [[-100, 1], [-100, 1]])
    tensor = resize_label_map(torch.tensor([[0, 2]]), (1, 4))
    assert isinstance(tensor, torch.Tensor) and tensor.tolist() == [[0, 0, 2, 2]]


def test_resize_bad_input():
    with pytest.raises(TypeError, match=r"`logits`.*label map"):
        resize_logits(np.zeros((1, 2, 4, 4), dtype=np.int64), (8, 8))
    with pytest.raises(ValueError, match=r"`logits` to be scores of shape \(C, H, W\)"):
        resize_logits(np.zeros((4, 4)), (8, 8))
    with pytest.raises(ValueError, match=r"`mode`"):
        resize_logits(np.zeros((1, 4, 4)), (8, 8), mode="bicubic")
    with pytest.raises(TypeError, match=r"`size`"):
        resize_logits(np.zeros((1, 4, 4)), (8.0, 8))
    with pytest.raises(ValueError, match=r"`size`"):
        resize_logits(np.zeros((1, 4, 4)), (0, 8))
    with pytest.raises(ValueError, match=r"`label_map` to be an integer label map.*probabilities"):
        resize_label_map(np.array([[0.2, 0.7]]), (2, 2))
    with pytest.raises(ValueError, match=r"`label_map` to be a label map of shape"):
        resize_label_map(np.zeros(4, dtype=int), (2, 2))
    with pytest.raises(ValueError, match=r"`label_map` to be a label map with values >= 0"):
        resize_label_map(np.array([[-100, 1]]), (2, 2))


def test_every_public_function_is_documented_with_an_example():
    for name in outputs.__all__:
        doc = getattr(outputs, name).__doc__
        assert doc and "Examples" in doc, name


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_tensors_stay_on_their_device():
    logits = torch.randn(2, 3, 8, 8, device="cuda")
    for result in (softmax(logits), sigmoid(logits), confidence(logits),
                   labels_from_logits(logits), multilabel_masks(logits, threshold=[0.2, 0.5, 0.8]),
                   resize_logits(logits, (16, 16)), resize_label_map(logits.argmax(1), (4, 4))):
        assert result.device.type == "cuda"
    np.testing.assert_allclose(softmax(logits).cpu().numpy(),
                               softmax(logits.cpu().double().numpy()), rtol=1e-5, atol=1e-6)
