"""Tests of make_dataset (segcourse._dataset, re-exported as segcourse.data.make_dataset)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from segcourse._dataset import ShapesDataset, make_dataset


@pytest.mark.parametrize("fraction", [0.5, 0.25, 0.1, 0.01])
def test_every_image_has_the_requested_foreground_fraction(fraction):
    data = make_dataset(6, size=40, foreground_fraction=fraction, seed=3)
    assert isinstance(data, ShapesDataset) and len(data) == 6
    expected = round(fraction * 40 * 40)
    assert [int(mask.sum()) for mask in data.masks] == [expected] * 6
    assert data.foreground_fraction == pytest.approx(expected / 1600)


def test_shapes_types_and_pairs():
    data = make_dataset(4, size=(24, 32), seed=0)
    assert data.images.shape == (4, 1, 24, 32) and data.images.dtype == np.float32
    assert data.masks.shape == (4, 24, 32) and data.masks.dtype == np.int64
    assert set(np.unique(data.masks)) == {0, 1}
    image, mask = data[2]
    np.testing.assert_array_equal(image, data.images[2])
    np.testing.assert_array_equal(mask, data.masks[2])
    assert "4 images of 24x32" in repr(data)


def test_seeded():
    first = make_dataset(3, size=16, seed=7)
    again = make_dataset(3, size=16, seed=7)
    other = make_dataset(3, size=16, seed=8)
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.masks, again.masks)
    assert not np.array_equal(first.masks, other.masks)


def test_foreground_is_brighter_and_made_of_few_compact_shapes():
    data = make_dataset(16, size=48, foreground_fraction=0.1, noise=0.1, seed=0)
    for image, mask in zip(data.images[:, 0], data.masks, strict=True):
        assert image[mask == 1].mean() > image[mask == 0].mean() + 0.4
        _, count = ndimage.label(mask)
        assert 1 <= count <= 3  # one to three shapes (they may merge)
    # without noise the contrast is clean: at most the illumination gradient (0.3) blurs it
    clean = make_dataset(4, size=32, noise=0.0, seed=2)
    for image, mask in zip(clean.images[:, 0], clean.masks, strict=True):
        assert image[mask == 1].min() > image[mask == 0].min() + 0.3


def test_bad_arguments():
    with pytest.raises(ValueError, match="`foreground_fraction`"):
        make_dataset(2, foreground_fraction=0.0)
    with pytest.raises(ValueError, match="`foreground_fraction`"):
        make_dataset(2, foreground_fraction=1.0)
    with pytest.raises(ValueError, match="`num_images`"):
        make_dataset(0)
    with pytest.raises(ValueError, match="`size`"):
        make_dataset(2, size=4)
    with pytest.raises(ValueError, match="`size`"):
        make_dataset(2, size=(16, 16, 16))
    with pytest.raises(ValueError, match="`noise`"):
        make_dataset(2, noise=-1.0)
    with pytest.raises(TypeError, match="`seed`"):
        make_dataset(2, seed=1.5)
