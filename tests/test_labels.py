"""Unit tests of segcourse.labels: exact values on tiny arrays, bad inputs, reference checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.measure import label as skimage_label
from skimage.measure import regionprops

from segcourse.labels import (
    CLASS_PALETTE,
    bounding_boxes,
    class_colors,
    colorize,
    connected_components,
    from_one_hot,
    instance_colors,
    instance_to_semantic,
    make_panoptic,
    mask_to_box,
    one_hot,
    panoptic_decode,
    panoptic_encode,
    semantic_to_instances,
)

RANDOM_CASES = 40


def random_shapes(rng, count, ndims=(1, 2, 3)):
    for _ in range(count):
        ndim = int(rng.choice(ndims))
        yield tuple(int(s) for s in rng.integers(1, 7, size=ndim))


# --- one_hot -------------------------------------------------------------------------------


def test_one_hot_literal():
    labels = np.array([[0, 2],
                       [1, 2]])
    expected = np.array([[[True, False], [False, False]],    # class 0
                         [[False, False], [True, False]],    # class 1
                         [[False, True], [False, True]]])    # class 2
    result = one_hot(labels)
    assert result.dtype == bool
    np.testing.assert_array_equal(result, expected)


def test_one_hot_num_classes_adds_empty_channels():
    result = one_hot(np.array([1, 0]), 4)
    np.testing.assert_array_equal(result.astype(int), [[0, 1], [1, 0], [0, 0], [0, 0]])


def test_one_hot_axis():
    batch = np.array([[[0, 1]], [[1, 1]]])  # (N=2, H=1, W=2)
    result = one_hot(batch, 2, axis=1)
    assert result.shape == (2, 2, 1, 2)
    np.testing.assert_array_equal(result[0, :, 0, :].astype(int), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(result[1, :, 0, :].astype(int), [[0, 0], [1, 1]])
    last = one_hot(np.array([[2, 0]]), axis=-1)
    assert last.shape == (1, 2, 3)
    np.testing.assert_array_equal(last.astype(int), [[[0, 0, 1], [1, 0, 0]]])


def test_one_hot_ignore_index_outside_classes():
    result = one_hot(np.array([0, 255, 1]), ignore_index=255)
    # num_classes is inferred without the ignored value
    np.testing.assert_array_equal(result.astype(int), [[1, 0, 0], [0, 0, 1]])
    result = one_hot(np.array([-100, 1]), 3, ignore_index=-100)
    np.testing.assert_array_equal(result.astype(int), [[0, 0], [0, 1], [0, 0]])


def test_one_hot_ignore_index_inside_classes_sets_no_channel():
    # the docstring: ignored pixels have no channel set, even when the value is a class index
    result = one_hot(np.array([0, 1, 2]), 3, ignore_index=0)
    np.testing.assert_array_equal(result.astype(int), [[0, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert result.sum(axis=0).tolist() == [0, 1, 1]


def test_one_hot_accepts_integral_floats_and_tensors():
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0])), one_hot(np.array([1, 0])))
    np.testing.assert_array_equal(one_hot(torch.tensor([1, 0])).astype(int), [[0, 1], [1, 0]])


def test_one_hot_empty_map():
    result = one_hot(np.zeros((0, 3), dtype=int))
    assert result.shape == (1, 0, 3)


def test_one_hot_bad_inputs():
    with pytest.raises(ValueError, match=r"`label_map` to be an integer label map, but got a "
                                         r"float array with non-integer values"):
        one_hot(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"`label_map` to be a label map with values >= 0"):
        one_hot(np.array([0, -1]))
    with pytest.raises(ValueError, match=r"`label_map` to be values < num_classes=2, but got a "
                                         r"maximum of 2"):
        one_hot(np.array([0, 2]), 2)
    with pytest.raises(ValueError,
                       match=r"`num_classes` to be a positive integer or None, but got 0"):
        one_hot(np.array([0]), 0)
    with pytest.raises(TypeError, match=r"`num_classes` to be a positive integer"):
        one_hot(np.array([0]), 2.0)
    with pytest.raises(ValueError, match=r"`axis` to be an integer in \[-3, 2\], but got 3"):
        one_hot(np.zeros((2, 2), dtype=int), axis=3)
    with pytest.raises(ValueError, match=r"`axis`"):
        one_hot(np.zeros((2, 2), dtype=int), axis=-4)
    with pytest.raises(TypeError, match=r"`axis` to be an integer"):
        one_hot(np.zeros((2, 2), dtype=int), axis=1.0)
    with pytest.raises(TypeError, match=r"`label_map`"):
        one_hot("0120")


def test_one_hot_matches_torch():
    rng = np.random.default_rng(0)
    for shape in random_shapes(rng, RANDOM_CASES):
        num_classes = int(rng.integers(1, 6))
        labels = rng.integers(0, num_classes, size=shape)
        reference = torch.nn.functional.one_hot(torch.from_numpy(labels), num_classes).numpy()
        np.testing.assert_array_equal(one_hot(labels, num_classes, axis=-1), reference == 1)
        np.testing.assert_array_equal(one_hot(labels, num_classes),
                                      np.moveaxis(reference, -1, 0) == 1)


# --- from_one_hot ------------------------------------------------------------------------


def test_from_one_hot_is_the_inverse_of_one_hot():
    rng = np.random.default_rng(1)
    for shape in random_shapes(rng, RANDOM_CASES):
        num_classes = int(rng.integers(1, 6))
        labels = rng.integers(0, num_classes, size=shape)
        np.testing.assert_array_equal(from_one_hot(one_hot(labels, num_classes)), labels)
        batch = one_hot(labels[None], num_classes, axis=1)
        np.testing.assert_array_equal(from_one_hot(batch, axis=1), labels[None])
        # torch's layout: the class axis last
        reference = torch.nn.functional.one_hot(torch.from_numpy(labels), num_classes).numpy()
        np.testing.assert_array_equal(from_one_hot(reference, axis=-1), labels)


def test_from_one_hot_ignored_pixels():
    labels = np.array([[0, 255, 2], [1, 255, 0]])
    encoded = one_hot(labels, 3, ignore_index=255)
    np.testing.assert_array_equal(from_one_hot(encoded, ignore_index=255), labels)
    np.testing.assert_array_equal(from_one_hot(encoded, ignore_index=-100),
                                  [[0, -100, 2], [1, -100, 0]])
    # argmax alone would call them class 0
    assert np.argmax(encoded, axis=0)[0, 1] == 0


def test_from_one_hot_bad_inputs():
    with pytest.raises(ValueError, match=r"`one_hot_map` to be one True channel on every pixel "
                                         r".*ignore_index.*1 pixels with no True channel"):
        from_one_hot(np.array([[1, 0], [0, 0]], dtype=bool))
    with pytest.raises(ValueError, match=r"`one_hot_map` to be one True channel per pixel at "
                                         r"most .*multi-label.*1 pixels with several"):
        from_one_hot(np.array([[1, 0], [1, 1]], dtype=bool))
    with pytest.raises(ValueError, match=r"`one_hot_map` to be a boolean mask"):
        from_one_hot(np.array([[0.2, 0.8], [0.8, 0.2]]))
    with pytest.raises(ValueError, match=r"`axis`"):
        from_one_hot(np.zeros((2, 3), dtype=bool), axis=2)
    with pytest.raises(TypeError, match=r"`ignore_index`"):
        from_one_hot(np.eye(2, dtype=bool), ignore_index=1.5)
    with pytest.raises(ValueError, match=r"`one_hot_map` to be an array with a class axis"):
        from_one_hot(np.array(True))


# --- instance_to_semantic --------------------------------------------------------------


def test_instance_to_semantic_literal():
    instances = np.array([[0, 1, 1],
                          [3, 0, 2]])
    expected = np.array([[0, 4, 4],
                         [5, 0, 4]])
    np.testing.assert_array_equal(instance_to_semantic(instances, {1: 4, 2: 4, 3: 5}), expected)
    # a sequence: item i is the class of id i + 1
    np.testing.assert_array_equal(instance_to_semantic(instances, [4, 4, 5]), expected)
    np.testing.assert_array_equal(instance_to_semantic(instances, np.array([4, 4, 5])), expected)
    result = instance_to_semantic(instances, {1: 4, 2: 4, 3: 5}, background=7)
    np.testing.assert_array_equal(result, [[7, 4, 4], [5, 7, 4]])
    assert result.dtype == np.int64


def test_instance_to_semantic_extra_and_odd_keys_do_not_matter():
    instances = np.array([0, 1, 1])
    # ids that are not in the map (larger, zero or negative) change nothing
    np.testing.assert_array_equal(instance_to_semantic(instances, {7: 9, 1: 2, 0: 6}), [0, 2, 2])
    np.testing.assert_array_equal(instance_to_semantic(instances, {1: 2, -1: 9}), [0, 2, 2])
    np.testing.assert_array_equal(instance_to_semantic(np.zeros((2, 2), dtype=int), {}),
                                  np.zeros((2, 2)))


def test_instance_to_semantic_bad_inputs():
    with pytest.raises(ValueError, match=r"`instance_classes` to be a class for every instance "
                                         r"id, but got no class for ids \[3\]"):
        instance_to_semantic(np.array([0, 1, 3]), {1: 2})
    with pytest.raises(ValueError, match=r"`instance_classes`.*no class for ids \[2\]"):
        instance_to_semantic(np.array([0, 1, 2]), [5])
    with pytest.raises(ValueError, match=r"`instance_map` to be a label map with values >= 0"):
        instance_to_semantic(np.array([0, -1]), {1: 2})
    with pytest.raises(ValueError, match=r"`instance_map` to be an integer label map"):
        instance_to_semantic(np.array([0.0, 1.5]), {1: 2})
    with pytest.raises(TypeError, match=r"`instance_classes`"):
        instance_to_semantic(np.array([0, 1]), "1")


def test_instance_to_semantic_matches_a_loop():
    rng = np.random.default_rng(1)
    for shape in random_shapes(rng, RANDOM_CASES, ndims=(2, 3)):
        num_instances = int(rng.integers(1, 6))
        instances = rng.integers(0, num_instances + 1, size=shape)
        classes = {i: int(rng.integers(1, 4)) for i in range(1, num_instances + 1)}
        expected = np.zeros(shape, dtype=np.int64)
        for index in np.ndindex(shape):
            if instances[index]:
                expected[index] = classes[int(instances[index])]
        np.testing.assert_array_equal(instance_to_semantic(instances, classes), expected)


# --- connected_components ------------------------------------------------------------------


def test_connected_components_literal_2d():
    mask = np.array([[1, 1, 0, 0],
                     [0, 0, 1, 0],
                     [1, 0, 0, 1]], dtype=bool)
    four = np.array([[1, 1, 0, 0],
                     [0, 0, 2, 0],
                     [3, 0, 0, 4]])
    eight = np.array([[1, 1, 0, 0],
                      [0, 0, 1, 0],
                      [2, 0, 0, 1]])
    result = connected_components(mask)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, four)
    np.testing.assert_array_equal(connected_components(mask, connectivity=2), eight)
    # 0/1 integers are a mask too
    np.testing.assert_array_equal(connected_components(mask.astype(np.uint8)), four)


def test_connected_components_literal_3d():
    mask = np.zeros((2, 2, 4), dtype=bool)
    a, b = (0, 0, 0), (1, 1, 0)  # differ along two axes: they share an edge
    c, d = (0, 0, 3), (1, 1, 2)  # differ along all three axes: they share a corner
    for voxel in (a, b, c, d):
        mask[voxel] = True
    # raster order of the voxels: a, c, b, d
    expected = {1: (1, 3, 2, 4), 2: (1, 1, 2, 3), 3: (1, 1, 2, 2)}
    for connectivity, ids in expected.items():
        result = connected_components(mask, connectivity=connectivity)
        assert tuple(int(result[v]) for v in (a, b, c, d)) == ids
        assert result[~mask].sum() == 0
    with pytest.raises(ValueError, match=r"`connectivity` to be an integer in \[1, 3\]"):
        connected_components(mask, connectivity=4)


def test_connected_components_touching_objects_merge():
    instances = np.array([[1, 1, 2, 2],
                          [1, 1, 2, 2]])
    assert connected_components(instances > 0).max() == 1
    assert connected_components(np.zeros((3, 3), dtype=bool)).max() == 0


def test_connected_components_bad_inputs():
    with pytest.raises(ValueError, match=r"`mask` to be a boolean mask \(or an array of 0 and "
                                         r"1\)"):
        connected_components(np.array([[0, 2]]))
    with pytest.raises(ValueError, match=r"`connectivity` to be an integer in \[1, 2\], but got 3"):
        connected_components(np.zeros((2, 2), dtype=bool), connectivity=3)
    with pytest.raises(ValueError, match=r"`connectivity` to be an integer >= 1, but got 0"):
        connected_components(np.zeros((2, 2), dtype=bool), connectivity=0)
    with pytest.raises(TypeError, match=r"`connectivity` to be an integer"):
        connected_components(np.zeros((2, 2), dtype=bool), connectivity=1.0)
    with pytest.raises(TypeError, match=r"`mask`"):
        connected_components([["a"]])


@pytest.mark.parametrize("ndim", [2, 3])
def test_connected_components_matches_skimage(ndim):
    rng = np.random.default_rng(2 + ndim)
    for _ in range(RANDOM_CASES):
        shape = tuple(int(s) for s in rng.integers(1, 9 if ndim == 2 else 6, size=ndim))
        mask = rng.random(shape) < rng.uniform(0.2, 0.7)
        for connectivity in range(1, ndim + 1):
            expected = skimage_label(mask, connectivity=connectivity)
            # both number the regions in raster order, so the maps are equal, not just alike
            np.testing.assert_array_equal(connected_components(mask, connectivity=connectivity),
                                          expected)


# --- semantic_to_instances -----------------------------------------------------------------


def test_semantic_to_instances_literal():
    labels = np.array([[1, 1, 0, 2],
                       [0, 0, 0, 2],
                       [1, 0, 3, 3]])
    instances, classes = semantic_to_instances(labels, things=[1, 2])
    # class 1 first (two regions, raster order), then class 2; class 3 is stuff
    np.testing.assert_array_equal(instances, [[1, 1, 0, 3],
                                              [0, 0, 0, 3],
                                              [2, 0, 0, 0]])
    assert classes == {1: 1, 2: 1, 3: 2}
    assert instances.dtype == np.int64
    instances, classes = semantic_to_instances(labels, things=[2, 1])
    np.testing.assert_array_equal(instances, [[2, 2, 0, 1],
                                              [0, 0, 0, 1],
                                              [3, 0, 0, 0]])
    assert classes == {1: 2, 2: 1, 3: 1}


def test_semantic_to_instances_connectivity_and_no_things():
    labels = np.array([[1, 0],
                       [0, 1]])
    assert semantic_to_instances(labels, things=[1])[1] == {1: 1, 2: 1}
    instances, classes = semantic_to_instances(labels, things=[1], connectivity=2)
    np.testing.assert_array_equal(instances, [[1, 0], [0, 1]])
    assert classes == {1: 1}
    instances, classes = semantic_to_instances(labels, things=[])
    assert classes == {} and not instances.any()


def test_semantic_to_instances_repeated_thing_counts_once():
    instances, classes = semantic_to_instances(np.array([[1, 0, 1]]), things=[1, 1])
    np.testing.assert_array_equal(instances, [[1, 0, 2]])
    assert classes == {1: 1, 2: 1}


def test_semantic_to_instances_bad_inputs():
    with pytest.raises(TypeError, match=r"`things` to be a sequence of class indices"):
        semantic_to_instances(np.array([[1, 0]]), things=1)
    with pytest.raises(ValueError, match=r"`things` to be an integer >= 0"):
        semantic_to_instances(np.array([[1, 0]]), things=[-1])
    with pytest.raises(TypeError, match=r"`things` to be an integer"):
        semantic_to_instances(np.array([[1, 0]]), things=[1.5])
    with pytest.raises(ValueError, match=r"`label_map` to be a label map with values >= 0"):
        semantic_to_instances(np.array([[1, -1]]), things=[1])
    with pytest.raises(ValueError, match=r"`connectivity`"):
        semantic_to_instances(np.array([[1, 0]]), things=[1], connectivity=3)


def test_semantic_to_instances_round_trip_on_random_maps():
    rng = np.random.default_rng(4)
    for _ in range(RANDOM_CASES):
        labels = rng.integers(0, 4, size=tuple(rng.integers(1, 8, size=2)))
        instances, classes = semantic_to_instances(labels, things=[1, 3])
        is_thing = np.isin(labels, [1, 3])
        np.testing.assert_array_equal(instances > 0, is_thing)
        assert sorted(classes) == list(range(1, instances.max() + 1))
        np.testing.assert_array_equal(instance_to_semantic(instances, classes)[is_thing],
                                      labels[is_thing])


# --- make_panoptic, panoptic_encode, panoptic_decode --------------------------------------


def test_make_panoptic_literal():
    semantic = np.array([[0, 2, 2],
                         [1, 2, 1]])
    instances = np.array([[0, 5, 5],
                          [9, 6, 9]])  # the 9s lie on stuff (class 1): dropped
    expected = np.array([[[0, 0], [2, 5], [2, 5]],
                         [[1, 0], [2, 6], [1, 0]]])
    result = make_panoptic(semantic, instances, things=[2])
    assert result.shape == (2, 3, 2)
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(make_panoptic(semantic, instances, things=(2, 1))[..., 1],
                                  [[0, 5, 5], [9, 6, 9]])


def test_make_panoptic_bad_inputs():
    with pytest.raises(ValueError, match=r"`instance_map` to be an instance id >= 1 on every "
                                         r"thing pixel, but got 1 thing pixels with id 0"):
        make_panoptic(np.array([[2, 2]]), np.array([[1, 0]]), things=[2])
    with pytest.raises(ValueError, match=r"arguments `semantic_map` and `instance_map` to have "
                                         r"the same shape"):
        make_panoptic(np.array([[2, 2]]), np.array([[1, 1, 1]]), things=[2])
    with pytest.raises(ValueError, match=r"`semantic_map` to be an integer label map"):
        make_panoptic(np.array([[0.5]]), np.array([[1]]), things=[2])
    with pytest.raises(ValueError, match=r"`instance_map` to be a label map with values >= 0"):
        make_panoptic(np.array([[2]]), np.array([[-1]]), things=[2])
    with pytest.raises(TypeError, match=r"`things`"):
        make_panoptic(np.array([[2]]), np.array([[1]]), things=2)


def test_panoptic_encode_decode_literal():
    panoptic = np.array([[[0, 0], [2, 5]],
                         [[1, 0], [3, 999]]])
    encoded = panoptic_encode(panoptic)
    np.testing.assert_array_equal(encoded, [[0, 2005], [1000, 3999]])
    assert encoded.dtype == np.int64
    np.testing.assert_array_equal(panoptic_decode(encoded), panoptic)
    np.testing.assert_array_equal(panoptic_encode(panoptic[:1], divisor=10), [[0, 25]])
    np.testing.assert_array_equal(panoptic_decode(np.array([0, 25, 37]), divisor=10),
                                  [[0, 0], [2, 5], [3, 7]])
    assert panoptic_decode(np.int64(2005)).tolist() == [2, 5]


def test_panoptic_encode_unsigned_input_stays_integer():
    encoded = panoptic_encode(np.array([[1, 2]], dtype=np.uint64))
    assert encoded.dtype == np.int64
    assert encoded.tolist() == [1002]
    assert panoptic_encode(np.array([[1, 2]], dtype=np.uint8)).tolist() == [1002]


def test_panoptic_encode_bad_inputs():
    with pytest.raises(ValueError, match=r"`divisor` to be larger than every instance id "
                                         r"\(max 1000\), but got 1000"):
        panoptic_encode(np.array([[1, 1000]]))
    with pytest.raises(ValueError, match=r"`divisor`.*\(max 5\), but got 5"):
        panoptic_encode(np.array([[1, 5]]), divisor=5)
    with pytest.raises(ValueError, match=r"`divisor` to be a positive integer, but got 0"):
        panoptic_encode(np.array([[1, 0]]), divisor=0)
    with pytest.raises(TypeError, match=r"`divisor` to be a positive integer"):
        panoptic_encode(np.array([[1, 0]]), divisor=10.0)
    with pytest.raises(ValueError, match=r"`panoptic_map` to be a panoptic map of shape"):
        panoptic_encode(np.array([[1, 0, 0]]))
    with pytest.raises(ValueError, match=r"`panoptic_map` to be a label map with values >= 0"):
        panoptic_encode(np.array([[-1, 0]]))


def test_panoptic_decode_bad_inputs():
    with pytest.raises(ValueError, match=r"`panoptic_ids` to be a label map with values >= 0"):
        panoptic_decode(np.array([-1000]))
    with pytest.raises(ValueError, match=r"`panoptic_ids` to be an integer label map"):
        panoptic_decode(np.array([2.5]))
    with pytest.raises(ValueError, match=r"`divisor` to be a positive integer"):
        panoptic_decode(np.array([2005]), divisor=-1)


def test_panoptic_round_trip_on_random_maps():
    rng = np.random.default_rng(5)
    for shape in random_shapes(rng, RANDOM_CASES):
        divisor = int(rng.choice([10, 256, 1000]))
        panoptic = np.stack([rng.integers(0, 20, size=shape),
                             rng.integers(0, divisor, size=shape)], axis=-1)
        encoded = panoptic_encode(panoptic, divisor=divisor)
        assert encoded.shape == shape
        np.testing.assert_array_equal(panoptic_decode(encoded, divisor=divisor), panoptic)
        np.testing.assert_array_equal(panoptic_encode(panoptic_decode(encoded, divisor=divisor),
                                                      divisor=divisor), encoded)


# --- mask_to_box, bounding_boxes -----------------------------------------------------------


def test_mask_to_box_literal():
    mask = np.zeros((4, 5), dtype=bool)
    mask[2, 3] = True
    assert mask_to_box(mask) == (3, 2, 3, 2)  # the docstring's single pixel
    mask = np.array([[0, 0, 0, 0],
                     [0, 1, 0, 0],
                     [0, 1, 1, 1],
                     [0, 0, 0, 0]])
    box = mask_to_box(mask)
    assert box == (1, 1, 3, 2)  # x = column, y = row, inclusive
    assert all(type(v) is int for v in box)
    assert mask_to_box(np.ones((2, 3), dtype=bool)) == (0, 0, 2, 1)


def test_mask_to_box_bad_inputs():
    with pytest.raises(ValueError, match=r"`mask` to be a mask with at least one foreground "
                                         r"pixel, but got an empty mask"):
        mask_to_box(np.zeros((3, 3), dtype=bool))
    with pytest.raises(ValueError, match=r"`mask`.*an empty mask"):
        mask_to_box(np.zeros((0, 0), dtype=bool))
    with pytest.raises(ValueError, match=r"`mask` to be a 2-D array"):
        mask_to_box(np.ones((2, 2, 2), dtype=bool))
    with pytest.raises(ValueError, match=r"`mask` to be a boolean mask"):
        mask_to_box(np.array([[0, 3]]))


def test_bounding_boxes_literal():
    instances = np.array([[0, 2, 2, 0, 0],
                          [0, 2, 0, 0, 7],
                          [0, 0, 0, 0, 7],
                          [5, 0, 0, 0, 0]])
    ids, boxes = bounding_boxes(instances)
    assert ids.dtype == np.int64 and boxes.dtype == np.int64
    np.testing.assert_array_equal(ids, [2, 5, 7])
    np.testing.assert_array_equal(boxes, [[1, 0, 2, 1],
                                          [0, 3, 0, 3],
                                          [4, 1, 4, 2]])
    for object_id, box in zip(ids, boxes, strict=True):
        assert tuple(box) == mask_to_box(instances == object_id)


def test_bounding_boxes_empty_map():
    ids, boxes = bounding_boxes(np.zeros((3, 4), dtype=int))
    assert ids.shape == (0,)
    assert boxes.shape == (0, 4)


def test_bounding_boxes_bad_inputs():
    with pytest.raises(ValueError, match=r"`instance_map` to be a 2-D array, but got a 3-D array"):
        bounding_boxes(np.ones((2, 2, 2), dtype=int))
    with pytest.raises(ValueError, match=r"`instance_map` to be a label map with values >= 0"):
        bounding_boxes(np.array([[0, -1]]))
    with pytest.raises(ValueError, match=r"`instance_map` to be an integer label map"):
        bounding_boxes(np.array([[0.0, 0.5]]))


def test_bounding_boxes_match_regionprops():
    rng = np.random.default_rng(6)
    for _ in range(RANDOM_CASES):
        shape = tuple(int(s) for s in rng.integers(1, 12, size=2))
        instances = rng.integers(0, 6, size=shape) * (rng.random(shape) < 0.4)
        ids, boxes = bounding_boxes(instances)
        props = regionprops(instances)
        np.testing.assert_array_equal(ids, [p.label for p in props])
        # regionprops: (min_row, min_col, max_row + 1, max_col + 1)
        expected = [(c0, r0, c1 - 1, r1 - 1) for r0, c0, r1, c1 in (p.bbox for p in props)]
        np.testing.assert_array_equal(boxes, np.asarray(expected).reshape(-1, 4))


# --- colours -------------------------------------------------------------------------------


def test_class_colors():
    np.testing.assert_array_equal(class_colors(1), [[0.60, 0.60, 0.60]])
    np.testing.assert_array_equal(class_colors(2), [[0.60, 0.60, 0.60],
                                                    [0.902, 0.624, 0.0]])
    np.testing.assert_array_equal(class_colors(12), CLASS_PALETTE)
    many = class_colors(20)
    assert many.shape == (20, 3)
    np.testing.assert_array_equal(many[:12], CLASS_PALETTE)
    assert ((many >= 0) & (many <= 1)).all()
    assert len(np.unique(np.round(many, 6), axis=0)) == 20
    # a copy: changing it leaves the palette alone
    colours = class_colors(3)
    colours[:] = 0
    assert CLASS_PALETTE[1, 0] == 0.902


def test_class_colors_bad_inputs():
    with pytest.raises(ValueError, match=r"`num_classes` to be a positive integer, but got 0"):
        class_colors(0)
    with pytest.raises(TypeError, match=r"`num_classes` to be a positive integer"):
        class_colors(2.0)


def test_instance_colors():
    colours = instance_colors(30, seed=3)
    assert colours.shape == (30, 3)
    assert ((colours >= 0) & (colours <= 1)).all()
    assert len(np.unique(np.round(colours, 6), axis=0)) == 30
    np.testing.assert_array_equal(instance_colors(30, seed=3), colours)
    assert not np.array_equal(instance_colors(30, seed=4), colours)
    assert instance_colors(0).shape == (0, 3)


def test_instance_colors_bad_inputs():
    with pytest.raises(ValueError, match=r"`num_instances` to be an integer >= 0, but got -1"):
        instance_colors(-1)
    with pytest.raises(TypeError, match=r"`num_instances` to be an integer"):
        instance_colors(3.0)
    with pytest.raises(ValueError, match=r"`seed` to be an integer >= 0, but got -1"):
        instance_colors(3, seed=-1)
    with pytest.raises(TypeError, match=r"`seed` to be an integer"):
        instance_colors(3, seed="a")


def test_colorize_literal():
    colours = np.array([[0.0, 0.0, 0.0], [1.0, 0.5, 0.0], [0.0, 0.0, 1.0]])
    labels = np.array([[0, 1], [2, 1]])
    result = colorize(labels, colours)
    expected = np.array([[[0.0, 0.0, 0.0], [1.0, 0.5, 0.0]],
                         [[0.0, 0.0, 1.0], [1.0, 0.5, 0.0]]])
    np.testing.assert_array_equal(result, expected)
    with_background = colorize(labels, colours, background=(1, 1, 1))
    np.testing.assert_array_equal(with_background[0, 0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(with_background[1:], expected[1:])
    np.testing.assert_array_equal(colours[0], [0, 0, 0])  # the colours were not changed


def test_colorize_defaults_and_rgba():
    labels = np.array([[0, 2]])
    np.testing.assert_array_equal(colorize(labels), CLASS_PALETTE[[0, 2]][None])
    rgba = [[0, 0, 0, 1], [1, 1, 1, 1]]
    np.testing.assert_array_equal(colorize(np.array([1, 0]), rgba), [[1, 1, 1], [0, 0, 0]])
    np.testing.assert_array_equal(colorize(np.array([True, False]), [[0, 0, 0], [1, 1, 1]]),
                                  [[1, 1, 1], [0, 0, 0]])


def test_colorize_bad_inputs():
    with pytest.raises(ValueError, match=r"`colors` to be at least 3 colours \(one per value\), "
                                         r"but got 2 colours"):
        colorize(np.array([0, 2]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`colors` to be an array of shape \(K, 3\)"):
        colorize(np.array([0, 1]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"`colors`"):
        colorize(np.array([0, 1]), np.zeros(6))
    with pytest.raises(ValueError, match=r"`label_map` to be a label map with values >= 0"):
        colorize(np.array([0, -1]))
    with pytest.raises(ValueError, match=r"`label_map` to be an integer label map"):
        colorize(np.array([0.5]))
    with pytest.raises(TypeError, match=r"`colors`"):
        colorize(np.array([0]), "red")
