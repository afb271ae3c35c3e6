"""Unit tests of segcourse.data: make_scene and load_coins (make_dataset is tested elsewhere)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import ndimage

from segcourse.data import (
    SCENE_CLASS_COLORS,
    SCENE_CLASSES,
    SCENE_STUFF,
    SCENE_THINGS,
    load_coins,
    make_scene,
)
from segcourse.labels import CLASS_PALETTE, connected_components

SIZE = (64, 96)
SEEDS = range(6)


@cache
def scene(seed, size=SIZE, num_objects=8):
    return make_scene(seed, size, num_objects=num_objects)


# --- make_scene ------------------------------------------------------------------------------


def test_make_scene_shapes_and_types():
    result = scene(0)
    assert result.image.shape == (64, 96, 3)
    assert result.image.dtype == np.float64
    assert result.semantic.shape == (64, 96) and result.semantic.dtype == np.int64
    assert result.instance.shape == (64, 96) and result.instance.dtype == np.int64
    assert result.panoptic.shape == (64, 96, 2) and result.panoptic.dtype == np.int64
    assert result.class_names == SCENE_CLASSES == ("sky", "grass", "road", "circle", "square",
                                                   "triangle")
    assert result.things == SCENE_THINGS == (3, 4, 5)
    assert result.stuff == SCENE_STUFF == (0, 1, 2)
    assert result.num_classes == 6
    assert make_scene(1, 40).image.shape == (40, 40, 3)
    assert make_scene(1, [32, 48]).semantic.shape == (32, 48)
    assert make_scene(np.int64(1), (np.int32(40), 50)).semantic.shape == (40, 50)


@pytest.mark.parametrize("seed", SEEDS)
def test_make_scene_image_values(seed):
    image = scene(seed).image
    assert np.isfinite(image).all()
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert image.std() > 0.05  # a picture, not a flat colour


def test_make_scene_is_deterministic_per_seed():
    first, second = make_scene(3, SIZE), make_scene(3, SIZE)
    for name in ("image", "semantic", "instance", "panoptic"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.instance_classes == second.instance_classes
    other = make_scene(4, SIZE)
    assert not np.array_equal(first.image, other.image)
    assert not np.array_equal(first.semantic, other.semantic)
    assert not np.array_equal(first.instance, other.instance)


@pytest.mark.parametrize("seed", SEEDS)
def test_make_scene_labels_are_consistent(seed):
    result = scene(seed)
    semantic, instance = result.semantic, result.instance
    np.testing.assert_array_equal(result.panoptic[..., 0], semantic)
    np.testing.assert_array_equal(result.panoptic[..., 1], instance)
    assert set(np.unique(semantic).tolist()) <= set(range(6))
    # instances exactly on thing pixels
    np.testing.assert_array_equal(instance > 0, np.isin(semantic, SCENE_THINGS))
    # ids 1..K, consecutive, K = num_objects (there is room at this size)
    count = int(instance.max())
    assert count == 8
    np.testing.assert_array_equal(np.unique(instance), np.arange(count + 1))
    assert sorted(result.instance_classes) == list(range(1, count + 1))
    for object_id, cls in result.instance_classes.items():
        assert cls in SCENE_THINGS
        assert set(np.unique(semantic[instance == object_id]).tolist()) == {cls}
    # the first two objects are circles; with 8 objects every thing class is there
    assert result.instance_classes[1] == result.instance_classes[2] == 3
    assert set(result.instance_classes.values()) == set(SCENE_THINGS)
    # stuff: sky along the top row, every stuff class present
    assert (semantic[0] == 0).all()
    assert set(SCENE_STUFF) <= set(np.unique(semantic).tolist())
    assert np.isin(semantic[-1], (2,) + SCENE_THINGS).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_make_scene_each_object_is_one_region(seed):
    instance = scene(seed).instance
    for object_id in range(1, int(instance.max()) + 1):
        assert connected_components(instance == object_id).max() == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_make_scene_has_touching_objects(seed):
    instance = scene(seed).instance
    regions = connected_components(instance > 0).max()
    assert regions < instance.max()
    # it is objects 1 and 2 that touch (share an edge) ...
    grown = ndimage.binary_dilation(instance == 1)
    assert (grown & (instance == 2)).any()
    # ... two circles, so that even connected components per class merge them
    circles = scene(seed).semantic == 3
    assert connected_components(circles).max() < len(np.unique(instance[circles]))


@pytest.mark.parametrize("seed", SEEDS)
def test_make_scene_has_a_small_object(seed):
    areas = np.bincount(scene(seed).instance.ravel())[1:]
    # the last object is the small one: a few dozen pixels at most
    assert 0 < areas[-1] <= 40
    assert areas[-1] < 0.5 * np.median(areas)


def test_make_scene_two_objects_touch():
    result = make_scene(7, SIZE, num_objects=2)
    assert result.instance.max() == 2
    assert result.instance_classes == {1: 3, 2: 3}
    assert connected_components(result.instance > 0).max() == 1


def test_make_scene_small_image_may_hold_fewer_objects():
    result = make_scene(1, (32, 32), num_objects=8)
    count = int(result.instance.max())
    assert 2 <= count <= 8
    assert sorted(result.instance_classes) == list(range(1, count + 1))
    np.testing.assert_array_equal(result.instance > 0, np.isin(result.semantic, SCENE_THINGS))


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"seed": -1}, ValueError, r"`seed` to be an integer >= 0, but got -1"),
    ({"seed": 1.5}, TypeError, r"`seed` to be an integer"),
    ({"seed": True}, TypeError, r"`seed` to be an integer"),
    ({"seed": None}, TypeError, r"`seed` to be an integer"),
    ({"size": 31}, ValueError,
     r"`size` to be at least 32 pixels in each dimension, but got \(31, 31\)"),
    ({"size": (64, 16)}, ValueError, r"`size` to be at least 32 pixels"),
    ({"size": (64,)}, ValueError, r"`size` to be an int or a \(height, width\) pair of ints"),
    ({"size": (64, 64, 3)}, ValueError, r"`size` to be an int or a \(height, width\) pair"),
    ({"size": (64.0, 96)}, TypeError, r"`size` to be an int or a \(height, width\) pair"),
    ({"size": "64"}, TypeError, r"`size`"),
    ({"size": True}, TypeError, r"`size`"),
    ({"num_objects": 1}, ValueError, r"`num_objects` to be an integer >= 2, but got 1"),
    ({"num_objects": 0}, ValueError, r"`num_objects` to be a positive integer, but got 0"),
    ({"num_objects": 3.0}, TypeError, r"`num_objects` to be a positive integer"),
])
def test_make_scene_bad_inputs(kwargs, error, pattern):
    arguments = {"seed": 0, "size": SIZE, "num_objects": 8} | kwargs
    seed, size = arguments.pop("seed"), arguments.pop("size")
    with pytest.raises(error, match=pattern):
        make_scene(seed, size, **arguments)


# --- the scene's class colours ---------------------------------------------------------------
#
# Chapter 02 draws the scene's label maps in Scene.class_colors: each class in the colour of
# its pixels, so that a label map reads like the image (the generic class palette drew the
# yellow triangles blue, the blue squares yellow and the sky grey), and colour-blind safe.


def cielab(rgb):
    """CIELAB (D65) of sRGB colours in [0, 1]."""
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                             [0.0193, 0.1192, 0.9505]]).T / [0.95047, 1.0, 1.08883]
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


# Colour-vision deficiency at full severity (Machado, Oliveira and Fernandes 2009),
# applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def as_seen_with(rgb, deficiency):
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ np.array(CVD[deficiency]).T, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def hue_and_chroma(rgb):
    lab = cielab(rgb)
    return np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360, np.hypot(lab[..., 1],
                                                                            lab[..., 2])


def test_scene_carries_its_class_colours():
    result = scene(0)
    assert result.class_colors.shape == (result.num_classes, 3)
    np.testing.assert_array_equal(result.class_colors, SCENE_CLASS_COLORS)
    assert not SCENE_CLASS_COLORS.flags.writeable
    result.class_colors[0] = 0  # a copy: the constant stays
    assert SCENE_CLASS_COLORS[0, 0] > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_scene_class_colours_agree_with_the_picture(seed):
    result = scene(seed)
    means = np.array([result.image[result.semantic == c].mean(axis=0)
                      for c in range(result.num_classes)])
    picture_hue, picture_chroma = hue_and_chroma(means)
    palette_hue, palette_chroma = hue_and_chroma(SCENE_CLASS_COLORS)
    for class_id, name in enumerate(result.class_names):
        if picture_chroma[class_id] < 10:  # a grey class (road) gets a grey colour
            assert palette_chroma[class_id] < 10, name
            continue
        difference = abs((picture_hue[class_id] - palette_hue[class_id] + 180) % 360 - 180)
        assert difference <= 35, (name, difference)
    # the generic palette fails this: why scenes bring their own
    old_hue, _ = hue_and_chroma(CLASS_PALETTE[:6])
    triangle = SCENE_CLASSES.index("triangle")
    assert abs((picture_hue[triangle] - old_hue[triangle] + 180) % 360 - 180) > 90


@pytest.mark.parametrize("vision", [None, *CVD])
def test_scene_class_colours_stay_apart_for_colour_blind_readers(vision):
    colours = SCENE_CLASS_COLORS if vision is None else as_seen_with(SCENE_CLASS_COLORS, vision)
    lab = cielab(colours)
    distances = np.linalg.norm(lab[:, None] - lab[None], axis=-1)
    distances[np.eye(len(lab), dtype=bool)] = np.inf
    assert distances.min() >= 12, (vision, np.unravel_index(distances.argmin(), distances.shape))


def test_colour_blindness_simulation_confuses_red_and_green():
    # the check above can fail: pure red and green are far apart for most readers,
    # but not for a deuteranope
    red_green = np.array([[0.8, 0.2, 0.2], [0.35, 0.55, 0.1]])
    assert np.linalg.norm(np.subtract(*cielab(red_green))) > 40
    assert np.linalg.norm(np.subtract(*cielab(as_seen_with(red_green, "deuteranopia")))) < 12


# --- load_coins ------------------------------------------------------------------------------


@cache
def coins():
    return load_coins()


def test_load_coins_shapes_and_types():
    sample = coins()
    assert sample.image.shape == (303, 384)
    assert sample.image.dtype == np.uint8
    assert sample.instance.shape == sample.image.shape
    assert sample.instance.dtype == np.int64
    assert sample.mask.dtype == bool
    np.testing.assert_array_equal(sample.mask, sample.instance > 0)
    assert sample.class_names == ("background", "coin")
    assert "coins" in sample.source


def test_load_coins_has_24_coins_with_consecutive_ids():
    instance = coins().instance
    np.testing.assert_array_equal(np.unique(instance), np.arange(25))


def test_load_coins_each_coin_is_one_region_of_plausible_size():
    instance = coins().instance
    areas = np.bincount(instance.ravel())[1:]
    assert areas.min() > 1000 and areas.max() < 3500  # data/README.md: 1078 to 3148
    for coin in range(1, 25):
        assert connected_components(instance == coin).max() == 1


def test_load_coins_no_two_coins_touch():
    # even with corner neighbours the foreground splits into exactly the 24 coins
    regions = connected_components(coins().mask, connectivity=2)
    assert regions.max() == 24
    for coin in range(1, 25):
        assert len(np.unique(regions[coins().instance == coin])) == 1


def test_load_coins_ids_in_reading_order():
    instance = coins().instance
    centres = np.array(ndimage.center_of_mass(instance > 0, instance, range(1, 25)))
    rows = centres[:, 0].reshape(4, 6)
    cols = centres[:, 1].reshape(4, 6)
    # four rows of six: each row of coins lies below the previous one ...
    assert (rows[1:].min(axis=1) > rows[:-1].max(axis=1)).all()
    # ... and inside a row the ids run left to right
    assert (np.diff(cols, axis=1) > 0).all()


def test_load_coins_is_the_same_every_time():
    first, second = load_coins(), load_coins()
    np.testing.assert_array_equal(first.image, second.image)
    np.testing.assert_array_equal(first.instance, second.instance)


def test_data_path_finds_shipped_files_and_names_missing_ones():
    from segcourse.data import data_path

    path = data_path("coins_instances.png")
    assert path.is_file() and path.name == "coins_instances.png"
    with pytest.raises(FileNotFoundError, match="no_such_file.png"):
        data_path("no_such_file.png")


def test_make_dataset_is_re_exported_with_its_options():
    from segcourse import data
    from segcourse._dataset import make_dataset

    assert data.make_dataset is make_dataset
    shapes = data.make_dataset(2, size=16, num_classes=4, seed=0)
    assert isinstance(shapes, data.ShapesDataset) and shapes.num_classes == 4
