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


def test_two_classes_are_the_same_set_as_before_the_option():
    """The stream of random numbers of a two-class set did not change with num_classes."""
    import hashlib

    digest = hashlib.sha256()
    for kwargs in (dict(num_images=8, size=32, seed=0),
                   dict(num_images=5, size=(24, 40), foreground_fraction=0.3, seed=3, noise=0.1)):
        data = make_dataset(**kwargs)
        digest.update(data.images.tobytes())
        digest.update(data.masks.tobytes())
    assert digest.hexdigest() == ("4fd10e7c1bf06b4a2240f2f8b9132fedd62fa408ce633c2950546695693b0"
                                  "0e2")
    assert make_dataset(2, size=16).class_names == ("background", "shape")


@pytest.mark.parametrize("num_classes", [3, 4, 6])
def test_several_classes(num_classes):
    data = make_dataset(24, size=32, foreground_fraction=0.3, num_classes=num_classes, seed=4)
    assert data.num_classes == num_classes and len(data.class_names) == num_classes
    assert data.class_names[0] == "background"
    assert data.masks.min() == 0 and data.masks.max() <= num_classes - 1
    # every class occurs, and the foreground fraction counts all shape classes together
    assert set(np.unique(data.masks)) == set(range(num_classes))
    assert [int((mask > 0).sum()) for mask in data.masks] == [round(0.3 * 1024)] * 24
    assert data.foreground_fraction == pytest.approx(round(0.3 * 1024) / 1024)
    assert f"{num_classes} classes" in repr(data)


def test_several_classes_are_brighter_the_higher_the_class():
    data = make_dataset(32, size=32, foreground_fraction=0.3, num_classes=4, noise=0.05, seed=1)
    assert data.class_names == ("background", "dim", "medium", "bright")
    for image, mask in zip(data.images[:, 0], data.masks, strict=True):
        # relative to the image's own background (its level and gradient vary)
        means = [image[mask == c].mean() - image[mask == 0].mean()
                 for c in range(1, 4) if (mask == c).sum() > 20]
        assert means == sorted(means)
    # shapes of one image get different classes while there are enough
    assert any(len(set(np.unique(m)) - {0}) >= 2 for m in data.masks)


def test_several_classes_are_seeded():
    first = make_dataset(4, size=16, num_classes=4, seed=7)
    again = make_dataset(4, size=16, num_classes=4, seed=7)
    np.testing.assert_array_equal(first.masks, again.masks)
    np.testing.assert_array_equal(first.images, again.images)


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
    with pytest.raises(ValueError, match="`num_classes`"):
        make_dataset(2, num_classes=1)
    with pytest.raises(ValueError, match=r"`num_classes` to be an integer in \[2, 12\]"):
        make_dataset(2, num_classes=13)
    with pytest.raises(TypeError, match="`num_classes`"):
        make_dataset(2, num_classes=4.0)
