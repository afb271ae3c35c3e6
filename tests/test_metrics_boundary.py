"""Tests of segcourse.metrics.boundary: literal cases, empty masks, bad input, MONAI."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from monai.metrics import (
    compute_average_surface_distance,
    compute_hausdorff_distance,
    compute_surface_dice,
)

from segcourse.metrics import (
    PercentileWarning,
    SingletonAxisWarning,
    VolumeWarning,
    average_surface_distance,
    hausdorff_distance,
    mask_boundary,
    surface_dice,
    surface_distances,
)

# MONAI 1.6 warns about its own deprecated argument on every call.
pytestmark = pytest.mark.filterwarnings("ignore:.*always_return_as_numpy:FutureWarning")


def _masks_2x2_and_2x3():
    """Target: a 2 x 2 square; prediction: a 2 x 3 rectangle shifted right by one."""
    target = np.zeros((4, 6), bool)
    target[1:3, 1:3] = True
    pred = np.zeros((4, 6), bool)
    pred[1:3, 2:5] = True
    return pred, target


def _single_pixels(shape, first, second):
    pred = np.zeros(shape, bool)
    pred[first] = True
    target = np.zeros(shape, bool)
    target[second] = True
    return pred, target


# ---------------------------------------------------------------------------
# Literal cases
# ---------------------------------------------------------------------------

def test_boundary_is_the_mask_minus_its_erosion_and_the_image_border_is_outside():
    square = np.zeros((5, 5), bool)
    square[1:4, 1:4] = True
    expected = square.copy()
    expected[2, 2] = False
    assert (mask_boundary(square) == expected).all()
    full = np.ones((3, 3), bool)  # touches the image border everywhere
    expected = np.ones((3, 3), bool)
    expected[1, 1] = False
    assert (mask_boundary(full) == expected).all()
    cube = np.zeros((5, 5, 5), bool)
    cube[1:4, 1:4, 1:4] = True
    assert mask_boundary(cube).sum() == 26 and not mask_boundary(cube)[2, 2, 2]
    # a plus-shaped mask: the centre has all four neighbours, so it is interior
    plus = np.zeros((3, 3), bool)
    plus[1, :] = plus[:, 1] = True
    assert mask_boundary(np.pad(plus, 1)).sum() == 4


def test_surface_distances_literal():
    pred, target = _masks_2x2_and_2x3()
    pred_to_target, target_to_pred = surface_distances(pred, target)
    np.testing.assert_array_equal(pred_to_target, [0, 1, 2, 0, 1, 2])
    np.testing.assert_array_equal(target_to_pred, [1, 0, 1, 0])
    pred_to_target, target_to_pred = surface_distances(pred, target, spacing=(1, 2))
    np.testing.assert_array_equal(pred_to_target, [0, 2, 4, 0, 2, 4])
    np.testing.assert_array_equal(target_to_pred, [2, 0, 2, 0])


def test_hausdorff_literal_with_a_stray_pixel():
    target = np.zeros((8, 8), bool)
    target[2:5, 2:5] = True
    pred = target.copy()
    pred[7, 7] = True
    assert hausdorff_distance(pred, target) == pytest.approx(math.sqrt(18), abs=1e-12)
    assert hausdorff_distance(target, pred) == pytest.approx(math.sqrt(18), abs=1e-12)
    # 9 distances from pred: eight 0 and sqrt(18); rank 0.95 * 8 = 7.6 -> 0.6 * sqrt(18)
    assert hausdorff_distance(pred, target, percentile=95) == pytest.approx(
        0.6 * math.sqrt(18), abs=1e-12)
    assert hausdorff_distance(pred, target, percentile=100) == pytest.approx(math.sqrt(18))
    assert hausdorff_distance(pred, target, percentile=0) == 0.0
    # ASSD: 9 + 8 boundary pixels, one of them at sqrt(18)
    assert average_surface_distance(pred, target) == pytest.approx(math.sqrt(18) / 17)
    assert surface_dice(pred, target, tolerance=4) == pytest.approx(16 / 17)
    assert surface_dice(pred, target, tolerance=math.sqrt(18)) == 1.0  # <= counts


def test_spacing_scales_each_axis():
    pred, target = _single_pixels((5, 5), (0, 0), (3, 4))
    assert hausdorff_distance(pred, target) == 5.0
    assert hausdorff_distance(pred, target, spacing=(2, 1)) == pytest.approx(math.sqrt(52))
    assert hausdorff_distance(pred, target, spacing=0.5) == 2.5
    pred, target = _single_pixels((3, 4, 4), (0, 0, 0), (1, 2, 2))
    with pytest.warns(VolumeWarning):  # a volume without its spacing
        assert hausdorff_distance(pred, target) == 3.0
    assert hausdorff_distance(pred, target, spacing=1) == 3.0
    assert hausdorff_distance(pred, target, spacing=(2, 1, 1)) == pytest.approx(math.sqrt(12))
    assert hausdorff_distance(pred, target, spacing=torch.tensor([2.0, 1.0, 1.0])) == (
        pytest.approx(math.sqrt(12)))


def test_average_surface_distance_and_surface_dice_literal():
    pred, target = _masks_2x2_and_2x3()
    assert average_surface_distance(pred, target) == pytest.approx(8 / 10)
    assert average_surface_distance(pred, target, spacing=(1, 2)) == pytest.approx(16 / 10)
    assert surface_dice(pred, target, tolerance=0) == pytest.approx(4 / 10)
    assert surface_dice(pred, target, tolerance=1) == pytest.approx(8 / 10)
    assert surface_dice(pred, target, tolerance=2) == 1.0
    assert surface_dice(pred, target, tolerance=2, spacing=(1, 2)) == pytest.approx(8 / 10)
    assert hausdorff_distance(pred, target) == 2.0


def test_torch_tensors_and_integer_masks_are_accepted():
    pred, target = _masks_2x2_and_2x3()
    assert hausdorff_distance(torch.from_numpy(pred), torch.from_numpy(target.astype(np.uint8))
                              ) == 2.0


# ---------------------------------------------------------------------------
# Empty masks
# ---------------------------------------------------------------------------

def test_empty_masks():
    empty = np.zeros((6, 6), bool)
    target = np.zeros((6, 6), bool)
    target[2:4, 2:4] = True
    # both empty: 0 (MONAI: NaN)
    assert hausdorff_distance(empty, empty) == 0.0
    assert hausdorff_distance(empty, empty, percentile=95) == 0.0
    assert average_surface_distance(empty, empty) == 0.0
    assert math.isnan(surface_dice(empty, empty, tolerance=1))
    assert surface_dice(empty, empty, tolerance=1, zero_division=1.0) == 1.0
    # one empty: inf by default, or the penalty
    for pred, gt in ((empty, target), (target, empty)):
        assert hausdorff_distance(pred, gt) == math.inf
        assert hausdorff_distance(pred, gt, percentile=95) == math.inf
        assert average_surface_distance(pred, gt) == math.inf
        assert hausdorff_distance(pred, gt, empty_penalty=8.5) == 8.5
        assert average_surface_distance(pred, gt, empty_penalty=0) == 0.0
        assert surface_dice(pred, gt, tolerance=100) == 0.0
    pred_to_target, target_to_pred = surface_distances(empty, target)
    assert pred_to_target.size == 0
    assert target_to_pred.size == 4 and np.isinf(target_to_pred).all()
    both = surface_distances(empty, empty)
    assert both[0].size == 0 and both[1].size == 0


def test_monai_on_empty_masks_as_documented():
    empty = torch.zeros(1, 1, 6, 6)
    target = torch.zeros(1, 1, 6, 6)
    target[..., 2:4, 2:4] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert torch.isnan(compute_hausdorff_distance(empty, empty, include_background=True))
        assert torch.isinf(compute_hausdorff_distance(empty, target, include_background=True))
        assert torch.isnan(compute_surface_dice(empty, empty, [1.0], include_background=True))
        assert compute_surface_dice(empty, target, [1.0], include_background=True) == 0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

GOOD = np.zeros((4, 4), bool)


@pytest.mark.parametrize("call, error, match", [
    (lambda: hausdorff_distance(GOOD, np.zeros((4, 5), bool)), ValueError, "same shape"),
    (lambda: hausdorff_distance(np.zeros(4, bool), np.zeros(4, bool)), ValueError,
     "2-D or 3-D array"),
    (lambda: surface_dice(np.zeros((2, 2, 2, 2), bool), np.zeros((2, 2, 2, 2), bool),
                          tolerance=1), ValueError, "2-D or 3-D array"),
    (lambda: hausdorff_distance(np.array([[0, 2], [1, 0]]), GOOD[:2, :2]), ValueError,
     "boolean mask"),
    (lambda: hausdorff_distance("mask", GOOD), TypeError, "numpy array or a torch tensor"),
    (lambda: hausdorff_distance(GOOD, GOOD, percentile=101), ValueError, "`percentile`"),
    (lambda: hausdorff_distance(GOOD, GOOD, percentile=-1), ValueError, "`percentile`"),
    (lambda: hausdorff_distance(GOOD, GOOD, percentile="95"), TypeError, "`percentile`"),
    (lambda: hausdorff_distance(GOOD, GOOD, spacing=(1, 1, 1)), ValueError, "`spacing`"),
    (lambda: hausdorff_distance(GOOD, GOOD, spacing=(1, 0)), ValueError, r"`spacing\[1\]`"),
    (lambda: hausdorff_distance(GOOD, GOOD, spacing=-1), ValueError, "`spacing`"),
    (lambda: hausdorff_distance(GOOD, GOOD, spacing="1"), TypeError, "`spacing`"),
    (lambda: hausdorff_distance(GOOD, GOOD, empty_penalty=-1), ValueError, "`empty_penalty`"),
    (lambda: average_surface_distance(GOOD, GOOD, empty_penalty=np.nan), ValueError,
     "`empty_penalty`"),
    (lambda: surface_dice(GOOD, GOOD, tolerance=-0.5), ValueError, "`tolerance`"),
    (lambda: surface_dice(GOOD, GOOD, tolerance=np.inf), ValueError, "`tolerance`"),
    (lambda: surface_dice(GOOD, GOOD, tolerance=1, zero_division=2), ValueError,
     "`zero_division`"),
    (lambda: mask_boundary(np.zeros((2, 2, 2, 2), bool)), ValueError, "`mask`"),
])
def test_bad_input_raises(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_tolerance_is_required():
    with pytest.raises(TypeError):
        surface_dice(GOOD, GOOD)


# ---------------------------------------------------------------------------
# Identities and bounds
# ---------------------------------------------------------------------------

def _random_masks(rng, shape):
    """Two overlapping masks built from a few random boxes (some touch the border)."""
    def boxes():
        mask = np.zeros(shape, bool)
        for _ in range(int(rng.integers(1, 4))):
            start = [int(rng.integers(0, s)) for s in shape]
            size = [int(rng.integers(1, max(2, s // 2))) for s in shape]
            mask[tuple(slice(a, a + b) for a, b in zip(start, size, strict=True))] = True
        return mask
    target = boxes()
    pred = np.where(rng.random(shape) < 0.9, target, False) | (boxes() if rng.random() < 0.5
                                                                else False)
    if not pred.any():
        pred = target.copy()
        pred[tuple(int(rng.integers(0, s)) for s in shape)] = True
    return pred, target


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.filterwarnings("ignore::segcourse.metrics.VolumeWarning")
def test_symmetry_bounds_and_scaling(seed):
    rng = np.random.default_rng(seed)
    shape = (12, 14) if seed % 2 else (6, 7, 5)
    pred, target = _random_masks(rng, shape)
    hd = hausdorff_distance(pred, target)
    assert hd == hausdorff_distance(target, pred)
    assert average_surface_distance(pred, target) == pytest.approx(
        average_surface_distance(target, pred))
    assert surface_dice(pred, target, tolerance=1.5) == pytest.approx(
        surface_dice(target, pred, tolerance=1.5))
    hd95 = hausdorff_distance(pred, target, percentile=95)
    hd50 = hausdorff_distance(pred, target, percentile=50)
    assert 0 <= hd50 <= hd95 <= hd
    assert 0 <= average_surface_distance(pred, target) <= hd
    scores = [surface_dice(pred, target, tolerance=t) for t in (0, 1, 2, 4)]
    assert all(0 <= a <= b <= 1 for a, b in zip(scores, scores[1:], strict=False))
    assert surface_dice(pred, target, tolerance=hd) == 1.0
    assert hausdorff_distance(pred, pred) == 0.0
    assert surface_dice(target, target, tolerance=0) == 1.0
    assert hausdorff_distance(pred, target, spacing=2.5) == pytest.approx(2.5 * hd)
    assert average_surface_distance(pred, target, spacing=2.5) == pytest.approx(
        2.5 * average_surface_distance(pred, target))


# ---------------------------------------------------------------------------
# Cross-checks with MONAI
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(100))
@pytest.mark.filterwarnings("ignore::segcourse.metrics.VolumeWarning")
def test_agrees_with_monai(seed):
    rng = np.random.default_rng(100 + seed)
    if seed % 3 == 0:
        shape = tuple(int(s) for s in rng.integers(4, 9, size=3))
    else:
        shape = tuple(int(s) for s in rng.integers(8, 20, size=2))
    pred, target = _random_masks(rng, shape)
    # binary-exact spacings keep MONAI's float32 distances and ours comparable at the tolerance
    spacing = None if seed % 2 else tuple(float(s) for s in rng.choice([0.5, 1, 1.5, 2],
                                                                       size=len(shape)))
    percentile = float(rng.choice([95, 90, 50]))
    tolerance = float(rng.integers(0, 4))
    y_pred = torch.from_numpy(pred)[None, None].float()
    y = torch.from_numpy(target)[None, None].float()
    monai_options = {"include_background": True, "spacing": spacing}
    expected = {
        "hd": compute_hausdorff_distance(y_pred, y, **monai_options).item(),
        "hd_percentile": compute_hausdorff_distance(y_pred, y, percentile=percentile,
                                                    **monai_options).item(),
        "assd": compute_average_surface_distance(y_pred, y, symmetric=True,
                                                 **monai_options).item(),
        "nsd": compute_surface_dice(y_pred, y, [tolerance], **monai_options).item(),
    }
    actual = {
        "hd": hausdorff_distance(pred, target, spacing=spacing),
        "hd_percentile": hausdorff_distance(pred, target, percentile=percentile,
                                            spacing=spacing),
        "assd": average_surface_distance(pred, target, spacing=spacing),
        "nsd": surface_dice(pred, target, tolerance=tolerance, spacing=spacing),
    }
    for key in expected:  # MONAI returns float32
        assert actual[key] == pytest.approx(expected[key], rel=1e-5, abs=1e-5), key


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_are_accepted():
    pred, target = _masks_2x2_and_2x3()
    pred, target = torch.from_numpy(pred).cuda(), torch.from_numpy(target).cuda()
    assert hausdorff_distance(pred, target) == 2.0
    assert average_surface_distance(pred, target) == pytest.approx(8 / 10)
    assert surface_dice(pred, target, tolerance=1) == pytest.approx(8 / 10)


# ---------------------------------------------------------------------------
# Exact thresholds: a distance equal to the tolerance, a whole-numbered rank
# ---------------------------------------------------------------------------

def test_surface_dice_counts_a_distance_equal_to_the_tolerance_despite_rounding():
    # the example: two one-pixel masks 3 pixels apart, spacing 0.1, tolerance 0.3;
    # 3 x 0.1 is 0.30000000000000004 in floating point, and the score was 0.0
    pred, target = _single_pixels((8, 8), (2, 2), (2, 5))
    pred_to_target, _ = surface_distances(pred, target, spacing=0.1)
    assert pred_to_target[0] > 0.3  # the rounding the rule has to absorb
    assert surface_dice(pred, target, tolerance=0.3, spacing=0.1) == 1.0
    # MONAI counts it as within too
    monai = compute_surface_dice(torch.from_numpy(pred)[None, None].float(),
                                 torch.from_numpy(target)[None, None].float(),
                                 class_thresholds=[0.3], spacing=0.1, include_background=True)
    assert float(monai) == 1.0
    # just below the distance, it is outside; anisotropic spacing and 3-D follow the rule
    assert surface_dice(pred, target, tolerance=0.2999, spacing=0.1) == 0.0
    pred, target = _single_pixels((3, 4, 6), (0, 1, 0), (1, 1, 3))  # (1, 0, 3) voxels apart
    distance = math.hypot(1 * 0.7, 3 * 0.1)
    assert surface_dice(pred, target, tolerance=math.hypot(0.7, 0.3), spacing=(0.7, 0.5, 0.1)) \
        == 1.0
    assert surface_dice(pred, target, tolerance=distance * (1 - 1e-6),
                        spacing=(0.7, 0.5, 0.1)) == 0.0


def _isolated_pixels():
    """1001 isolated one-pixel objects and one target pixel: 1001 distinct-enough distances."""
    pred = np.zeros((64, 64), bool)
    pred[::2, ::2] = True
    first = np.argwhere(pred)[:23]
    pred[first[:, 0], first[:, 1]] = False
    target = np.zeros((64, 64), bool)
    target[63, 63] = True
    return pred, target


def test_hausdorff_percentile_at_a_whole_rank_is_that_order_statistic():
    pred, target = _isolated_pixels()
    distances, _ = surface_distances(pred, target)
    assert distances.size == 1001
    ordered = np.sort(distances)
    # rank 99.9 * 1000 / 100 = 999: exactly the 1000th smallest distance; np.percentile
    # (and so MONAI's torch.quantile) misses it by a rounding error here
    assert np.percentile(distances, 99.9) != ordered[999]
    assert hausdorff_distance(pred, target, percentile=99.9) == ordered[999]
    assert hausdorff_distance(pred, target, percentile=100) == ordered[-1] == \
        hausdorff_distance(pred, target)
    assert hausdorff_distance(pred, target, percentile=50) == ordered[500]
    # between two order statistics: linear interpolation, as np.percentile
    assert hausdorff_distance(pred, target, percentile=99.95) == pytest.approx(
        np.percentile(distances, 99.95), rel=1e-15)
    # percentile 0 is the smallest distance of each direction (here the target's one)
    assert hausdorff_distance(pred, target, percentile=0) == ordered[0]


# ---------------------------------------------------------------------------
# Ambiguous input and likely slips
# ---------------------------------------------------------------------------

BOUNDARY_SCORES = [
    lambda p, t: mask_boundary(p),
    surface_distances,
    hausdorff_distance,
    average_surface_distance,
    lambda p, t: surface_dice(p, t, tolerance=1.0),
]


@pytest.mark.parametrize("score", BOUNDARY_SCORES)
def test_an_axis_of_length_one_warns_and_names_the_axis(score):
    pred, target = _masks_2x2_and_2x3()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score(pred, target)
    with pytest.warns(SingletonAxisWarning, match=r"shape \(1, 4, 6\): axis 0 has length 1"):
        score(pred[None], target[None])
    with pytest.warns(SingletonAxisWarning, match="axis 2"):
        score(pred[:, :, None], target[:, :, None])
    with pytest.warns(SingletonAxisWarning, match="axis 0"):
        score(pred[1:2], target[1:2])  # a 2-D image one row high


def test_a_volume_one_slice_deep_scores_differently_from_its_image():
    # the documented reason for the warning: every pixel of the slice is on the surface
    target = np.zeros((8, 8), bool)
    target[1:7, 1:7] = True
    pred = np.zeros((8, 8), bool)
    pred[2:7, 1:7] = True
    with pytest.warns(SingletonAxisWarning):
        assert mask_boundary(target[None])[0].sum() == 36
    assert mask_boundary(target).sum() == 20
    with pytest.warns(SingletonAxisWarning):
        as_volume = average_surface_distance(pred[None], target[None])
    assert as_volume != average_surface_distance(pred, target)


def test_a_percentile_written_as_a_fraction_warns():
    pred, target = _masks_2x2_and_2x3()
    with pytest.warns(PercentileWarning, match="percentile=0.95.*percentile=95"):
        slip = hausdorff_distance(pred, target, percentile=0.95)
    assert slip == 0.0  # what it silently returned: the smallest distance
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hausdorff_distance(pred, target, percentile=95) == 2.0
        for fine in (0, 1, 50, 100, None):
            hausdorff_distance(pred, target, percentile=fine)


def test_a_0_255_mask_gets_an_error_that_says_how_to_convert():
    pred, target = _masks_2x2_and_2x3()
    with pytest.raises(ValueError, match=r"`pred`.*values \[0, 255\].*`pred > 0`"):
        hausdorff_distance(pred.astype(np.uint8) * 255, target)
    assert hausdorff_distance(pred.astype(np.uint8) * 255 > 0, target) == \
        hausdorff_distance(pred, target)


# ---------------------------------------------------------------------------
# A batch of images is not a volume
# ---------------------------------------------------------------------------

def _batch_of_two():
    """Two 32 x 32 images: a square shifted by one pixel, and a square moved far away."""
    pred = np.zeros((2, 32, 32), bool)
    target = pred.copy()
    pred[0, 5:10, 5:10] = True
    target[0, 5:10, 6:11] = True
    pred[1, 20:25, 20:25] = True
    target[1, 10:15, 10:15] = True
    return pred, target


SCORES_WITH_SPACING = [
    surface_distances,
    hausdorff_distance,
    average_surface_distance,
    lambda p, t, **options: surface_dice(p, t, tolerance=1.0, **options),
]


@pytest.mark.parametrize("score", SCORES_WITH_SPACING)
def test_a_3d_mask_without_spacing_warns_that_a_batch_would_be_one_volume(score):
    pred, target = _batch_of_two()
    with pytest.warns(VolumeWarning, match=r"shape \(2, 32, 32\).*one 3-D volume.*for p, t in "
                      r"zip\(pred, target\).*spacing=1"):
        score(pred, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score(pred, target, spacing=1)  # a volume, said so: no warning
        score(pred, target, spacing=(2.5, 0.7, 0.7))
        score(pred[0], target[0])  # 2-D images never warn
    with pytest.warns(SingletonAxisWarning) as caught:  # one warning, not two
        score(pred[:1], target[:1])
    assert not any(issubclass(w.category, VolumeWarning) for w in caught)


def test_a_batch_read_as_a_volume_gives_another_score_than_its_images():
    # the documented reason for the warning: read as a volume, every pixel of each
    # square is on the surface (the other slice is background there), and the squares
    # of one image are one slice away from those of the other
    pred, target = _batch_of_two()
    per_image = [hausdorff_distance(p, t) for p, t in zip(pred, target, strict=True)]
    assert per_image == [1.0, pytest.approx(math.sqrt(200))]
    assert hausdorff_distance(pred, target, spacing=1) == pytest.approx(math.sqrt(200))
    images = [average_surface_distance(p, t) for p, t in zip(pred, target, strict=True)]
    assert average_surface_distance(pred, target, spacing=1) != pytest.approx(np.mean(images))
    as_volume = mask_boundary(pred)
    assert as_volume.sum() == 50 and sum(mask_boundary(p).sum() for p in pred) == 32


def test_every_boundary_function_documents_batches_in_its_parameters():
    for function in (mask_boundary, surface_distances, hausdorff_distance,
                     average_surface_distance, surface_dice):
        parameters = function.__doc__.split("Parameters")[1].split("Returns")[0]
        assert "batch" in parameters and "(N, H, W)" in parameters, function.__name__
        assert "zip(pred, target)" in parameters or function is mask_boundary
    for function in (surface_distances, hausdorff_distance, average_surface_distance,
                     surface_dice):
        assert "VolumeWarning" in function.__doc__.split("Warns")[1], function.__name__


def test_probabilities_get_an_error_that_says_threshold():
    target = np.ones((4, 4), bool)
    for probs in (np.full((4, 4), 0.7), np.array([[0.0, 0.7], [0.2, 1.0]])):
        for score in BOUNDARY_SCORES:
            with pytest.raises(ValueError,
                               match=r"probabilities\? threshold them, `(pred|mask) > 0.5`"):
                score(probs, target[:probs.shape[0], :probs.shape[1]])
    with pytest.raises(ValueError, match=r"`target > 0.5`"):
        hausdorff_distance(target, torch.full((4, 4), 0.25, dtype=torch.bfloat16))
    # a 0/255 mask still gets `> 0`
    with pytest.raises(ValueError, match=r"stored as 0 and 255, pass `pred > 0`"):
        hausdorff_distance(np.where(target, 255, 0), target)


def test_boundary_points_are_argwhere_in_its_order():
    """The coordinates of boundary pixels (issue 16): np.flatnonzero, not np.argwhere."""
    from segcourse.metrics.boundary import _boundary, _points

    rng = np.random.default_rng(3)
    for shape, spacing in [((17, 23), (1.0, 1.0)), ((5, 9, 11), (2.5, 0.5, 1.0)),
                           ((1, 7), (1.0, 3.0)), ((0, 4), (1.0, 1.0))]:
        mask = rng.random(shape) < 0.4
        edges = _boundary(mask)
        expected = np.argwhere(edges) * np.asarray(spacing)
        got = _points(edges, np.asarray(spacing))
        assert got.shape == expected.shape and got.dtype == expected.dtype
        assert np.array_equal(got, expected)
    # the scores that use them are unchanged: distances in np.argwhere's order
    target = np.zeros((4, 6), bool)
    target[1:3, 1:3] = True
    pred = np.zeros((4, 6), bool)
    pred[1:3, 2:5] = True
    pred_to_target, target_to_pred = surface_distances(pred, target, spacing=(2.0, 1.0))
    assert pred_to_target.tolist() == [0.0, 1.0, 2.0, 0.0, 1.0, 2.0]
    assert target_to_pred.tolist() == [1.0, 0.0, 1.0, 0.0]
