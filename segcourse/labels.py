"""Label formats and the conversions between them.

A segmentation can be written down in several ways, and chapters 01-03 of the
course move between them:

- a **binary mask**: a boolean array, True = foreground;
- a **label map** (semantic): an integer array, one class index ``0..C-1`` per pixel;
- **one-hot**: ``C`` boolean channels, one per class;
- an **instance map**: an integer array, 0 = background, each object its own id;
- a **panoptic map**: shape ``(..., 2)``, ``[..., 0]`` the category and
  ``[..., 1]`` the instance id (0 for stuff); or the common single-integer
  encoding ``category * divisor + instance``.

This module converts between them, finds connected components and bounding
boxes, and gives the course's colour maps (a colour-blind-safe palette for
classes, distinct seeded colours for instances).
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable

import numpy as np
from scipy import ndimage

from ._validation import (
    argument_error,
    check_instance_map,
    check_int,
    check_label_map,
    check_mask,
    check_panoptic_map,
    check_positive_int,
    check_same_shape,
    describe,
    to_numpy,
)

__all__ = [
    "one_hot",
    "from_one_hot",
    "instance_to_semantic",
    "semantic_to_instances",
    "connected_components",
    "make_panoptic",
    "panoptic_encode",
    "panoptic_decode",
    "mask_to_box",
    "bounding_boxes",
    "CLASS_PALETTE",
    "class_colors",
    "instance_colors",
    "colorize",
]


def one_hot(label_map, num_classes=None, *, axis=0, ignore_index=None):
    """One boolean channel per class.

    Parameters
    ----------
    label_map : array of int, any shape
        Class indices ``0..num_classes-1``.
    num_classes : int, optional
        Number of channels; by default ``label_map.max() + 1``.
    axis : int
        Where the class axis goes in the output: 0 for a single map
        ``(H, W) -> (C, H, W)``; 1 for a batch ``(N, H, W) -> (N, C, H, W)``.
    ignore_index : int, optional
        Pixels with this value get no channel set (all False).

    Returns
    -------
    ndarray of bool
        ``out[c]`` (along ``axis``) is ``label_map == c``; every pixel has
        exactly one True channel, except ignored pixels, which have none.

    Examples
    --------
    >>> one_hot(np.array([[0, 2], [1, 2]])).astype(int)
    array([[[1, 0],
            [0, 0]],
    <BLANKLINE>
           [[0, 0],
            [1, 0]],
    <BLANKLINE>
           [[0, 1],
            [0, 1]]])
    """
    labels = check_label_map(label_map, "label_map", ignore_index=ignore_index)
    num_classes = check_positive_int(num_classes, "num_classes", allow_none=True)
    valid = labels if ignore_index is None else labels[labels != ignore_index]
    if num_classes is None:
        num_classes = int(valid.max()) + 1 if valid.size else 1
    elif valid.size and valid.max() >= num_classes:
        raise argument_error("label_map", f"values < num_classes={num_classes}",
                             f"a maximum of {int(valid.max())}")
    axis = check_int(axis, "axis")
    if not -labels.ndim - 1 <= axis <= labels.ndim:
        raise argument_error("axis", f"an integer in [{-labels.ndim - 1}, {labels.ndim}]", axis)
    classes = np.arange(num_classes).reshape((num_classes,) + (1,) * labels.ndim)
    encoded = labels[None] == classes
    if ignore_index is not None:
        # ignore_index may itself be a class index (0 <= ignore_index < num_classes)
        encoded &= labels[None] != ignore_index
    return np.moveaxis(encoded, 0, axis)


def from_one_hot(one_hot_map, *, axis=0, ignore_index=None):
    r"""The label map of a one-hot encoding: the index of each pixel's True channel.

    The inverse of :func:`one_hot`: :math:`l_{yx} = c` where
    :math:`o_{c,yx} = 1`. A pixel with no True channel is an ignored pixel
    and gets ``ignore_index``; a pixel with two or more True channels has no
    single label (that is a multi-label encoding, not a one-hot one) and is
    an error, as is a pixel with no True channel when ``ignore_index`` is None.

    Parameters
    ----------
    one_hot_map : array of bool (or of 0 and 1), at least 1-D
        ``C`` channels along ``axis``, typically ``(C, H, W)`` or ``(N, C, H, W)``.
    axis : int, default 0
        The class axis: 0 for one image, 1 for a batch.
    ignore_index : int, optional
        The label of pixels with no True channel (for example 255 or -100).

    Returns
    -------
    ndarray of int64
        The label map: the shape of ``one_hot_map`` without ``axis``.

    Raises
    ------
    ValueError
        For values other than 0 and 1 (probabilities? take
        :func:`segcourse.outputs.labels_from_logits`), a pixel with several
        True channels, a pixel with none and no ``ignore_index``, or an
        ``axis`` outside the array.

    Examples
    --------
    >>> encoded = one_hot(np.array([[0, 2], [255, 1]]), 3, ignore_index=255)
    >>> from_one_hot(encoded, ignore_index=255)
    array([[  0,   2],
           [255,   1]])
    >>> np.argmax(encoded, axis=0)  # argmax alone sends ignored pixels to class 0
    array([[0, 2],
           [0, 1]])
    """
    encoded = check_mask(one_hot_map, "one_hot_map")
    if encoded.ndim < 1:
        raise argument_error("one_hot_map", "an array with a class axis", describe(one_hot_map))
    axis = check_int(axis, "axis")
    if not -encoded.ndim <= axis < encoded.ndim:
        raise argument_error("axis", f"an axis of the {encoded.ndim}-D `one_hot_map`, in "
                             f"[{-encoded.ndim}, {encoded.ndim - 1}]", axis)
    ignore_index = check_int(ignore_index, "ignore_index", allow_none=True)
    counts = encoded.sum(axis=axis)
    if np.any(counts > 1):
        raise argument_error("one_hot_map", "one True channel per pixel at most (a pixel "
                             "with several is multi-label: keep the masks)",
                             f"{int(np.sum(counts > 1))} pixels with several True channels")
    empty = counts == 0
    if ignore_index is None and np.any(empty):
        raise argument_error("one_hot_map", "one True channel on every pixel (pixels with none "
                             "are ignored pixels: pass ignore_index=...)",
                             f"{int(np.sum(empty))} pixels with no True channel")
    labels = np.argmax(encoded, axis=axis).astype(np.int64)
    if ignore_index is not None:
        labels[empty] = ignore_index
    return labels


def instance_to_semantic(instance_map, instance_classes, *, background=0):
    """Semantic label map from an instance map (lossless in this direction).

    Parameters
    ----------
    instance_map : array of int
        0 = background, each object its own id.
    instance_classes : dict or sequence
        The class of each instance id: a dict ``{id: class}``, or a sequence
        whose item ``i`` is the class of instance ``i + 1``.
    background : int
        Class given to background pixels (id 0).

    Returns
    -------
    ndarray of int64
        Each pixel the class of the object it belongs to.

    Examples
    --------
    >>> instance_to_semantic(np.array([[0, 1, 1, 2]]), {1: 3, 2: 3})
    array([[0, 3, 3, 3]])
    """
    instances = check_instance_map(instance_map, "instance_map")
    if isinstance(instance_classes, dict):
        mapping = {int(k): int(v) for k, v in instance_classes.items()}
    else:
        mapping = {i + 1: int(c) for i, c in enumerate(to_numpy(instance_classes,
                                                                 "instance_classes").ravel())}
    present = np.unique(instances)
    missing = [int(i) for i in present if i != 0 and int(i) not in mapping]
    if missing:
        raise argument_error("instance_classes", "a class for every instance id",
                             f"no class for ids {missing[:10]}")
    lookup = np.full(int(present.max()) + 1 if present.size else 1, background, dtype=np.int64)
    for instance_id, cls in mapping.items():
        if 0 < instance_id < lookup.size:
            lookup[instance_id] = cls
    lookup[0] = background
    return lookup[instances]


def connected_components(mask, *, connectivity=1):
    """Label the connected regions of a binary mask, each its own id.

    Parameters
    ----------
    mask : array of bool, 2-D or 3-D
    connectivity : int
        1: neighbours share a face (4-connectivity in 2-D); ``mask.ndim``:
        neighbours may share only a corner (8-connectivity in 2-D).

    Returns
    -------
    instance_map : ndarray of int64
        0 = background, regions numbered ``1..n`` in raster order.

    Notes
    -----
    Two objects that touch form one region: connected components cannot
    separate them. Chapter 02 shows this with a slider.

    Examples
    --------
    >>> connected_components(np.array([[1, 1, 0, 1],
    ...                                [0, 0, 0, 1]], dtype=bool))
    array([[1, 1, 0, 2],
           [0, 0, 0, 2]])
    """
    mask = check_mask(mask, "mask")
    connectivity = check_int(connectivity, "connectivity", minimum=1)
    if connectivity > max(mask.ndim, 1):
        raise argument_error("connectivity", f"an integer in [1, {mask.ndim}]", connectivity)
    structure = ndimage.generate_binary_structure(mask.ndim, connectivity)
    labelled, _ = ndimage.label(mask, structure=structure)
    return labelled.astype(np.int64)


def _check_things(things):
    """The thing classes as a list of distinct non-negative ints, in the given order."""
    if isinstance(things, (str, bytes)) or not isinstance(things, Iterable):
        raise argument_error("things", "a sequence of class indices", things, type_error=True)
    # a class listed twice would be counted twice by semantic_to_instances
    return list(dict.fromkeys(check_int(t, "things", minimum=0) for t in things))


def semantic_to_instances(label_map, *, things, connectivity=1):
    """Guess instances from a semantic map by connected components per thing class.

    Parameters
    ----------
    label_map : array of int
    things : sequence of int
        Classes whose regions are countable objects.
    connectivity : int
        As in :func:`connected_components`.

    Returns
    -------
    instance_map : ndarray of int64
        0 for stuff and background; objects numbered from 1, class by class.
    instance_classes : dict
        ``{id: class}`` for every object found.

    Examples
    --------
    >>> inst, classes = semantic_to_instances(np.array([[1, 0, 1, 2]]), things=[1, 2])
    >>> inst, classes
    (array([[1, 0, 2, 3]]), {1: 1, 2: 1, 3: 2})
    """
    labels = check_label_map(label_map, "label_map")
    things = _check_things(things)
    instances = np.zeros(labels.shape, dtype=np.int64)
    classes = {}
    next_id = 1
    for cls in things:
        components = connected_components(labels == cls, connectivity=connectivity)
        count = int(components.max())
        if count:
            instances[components > 0] = components[components > 0] + next_id - 1
            classes.update({next_id + k: cls for k in range(count)})
            next_id += count
    return instances, classes


def make_panoptic(semantic_map, instance_map, *, things):
    """Panoptic map ``(..., 2)`` from a semantic map and an instance map.

    Parameters
    ----------
    semantic_map : array of int
        The category of every pixel.
    instance_map : array of int
        Instance ids; only pixels of thing classes keep theirs.
    things : sequence of int
        The thing (countable) categories; all others are stuff, instance id 0.

    Returns
    -------
    ndarray of int64, shape ``semantic_map.shape + (2,)``

    Raises
    ------
    ValueError
        If a thing pixel has instance id 0.

    Examples
    --------
    >>> make_panoptic(np.array([[0, 2, 2]]), np.array([[0, 5, 5]]), things=[2])
    array([[[0, 0],
            [2, 5],
            [2, 5]]])
    """
    semantic = check_label_map(semantic_map, "semantic_map")
    instances = check_instance_map(instance_map, "instance_map")
    check_same_shape(semantic, instances, "semantic_map", "instance_map")
    is_thing = np.isin(semantic, np.asarray(_check_things(things), dtype=np.int64))
    if np.any(is_thing & (instances == 0)):
        raise argument_error("instance_map", "an instance id >= 1 on every thing pixel",
                             f"{int(np.sum(is_thing & (instances == 0)))} thing pixels with id 0")
    return np.stack([semantic, np.where(is_thing, instances, 0)], axis=-1)


def panoptic_encode(panoptic_map, *, divisor=1000):
    """Single-integer panoptic ids: ``category * divisor + instance``.

    Parameters
    ----------
    panoptic_map : array of int, shape ``(..., 2)``
    divisor : int
        Must exceed every instance id, so that decoding is exact.

    Examples
    --------
    >>> panoptic_encode(np.array([[[0, 0], [2, 5]]]))
    array([[   0, 2005]])
    """
    panoptic = check_panoptic_map(panoptic_map, "panoptic_map")
    divisor = check_positive_int(divisor, "divisor")
    if panoptic.size and panoptic[..., 1].max() >= divisor:
        raise argument_error("divisor", f"larger than every instance id "
                             f"(max {int(panoptic[..., 1].max())})", divisor)
    return panoptic[..., 0].astype(np.int64) * divisor + panoptic[..., 1].astype(np.int64)


def panoptic_decode(panoptic_ids, *, divisor=1000):
    """Inverse of :func:`panoptic_encode`: ``(..., 2)`` category and instance.

    Examples
    --------
    >>> panoptic_decode(np.array([0, 2005]))
    array([[0, 0],
           [2, 5]])
    """
    ids = check_label_map(panoptic_ids, "panoptic_ids")
    divisor = check_positive_int(divisor, "divisor")
    return np.stack([ids // divisor, ids % divisor], axis=-1)


def mask_to_box(mask):
    """Bounding box of a 2-D mask: ``(x_min, y_min, x_max, y_max)``, inclusive.

    ``x`` is the column and ``y`` the row; ``x_max`` and ``y_max`` are the
    last column and row that hold foreground (so a single pixel at row 2,
    column 3 has the box ``(3, 2, 3, 2)``).

    Raises
    ------
    ValueError
        If the mask is empty: an empty mask has no box.

    Examples
    --------
    >>> mask_to_box(np.array([[0, 0, 0], [0, 1, 1], [0, 1, 0]], dtype=bool))
    (1, 1, 2, 2)
    """
    mask = check_mask(mask, "mask", ndims=(2,))
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise argument_error("mask", "a mask with at least one foreground pixel", "an empty mask")
    return int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])


def bounding_boxes(instance_map):
    """Boxes of every object of a 2-D instance map.

    Returns
    -------
    ids : ndarray of int64, shape ``(K,)``
        The object ids present, ascending (0 = background excluded).
    boxes : ndarray of int64, shape ``(K, 4)``
        ``(x_min, y_min, x_max, y_max)`` inclusive, as :func:`mask_to_box`.

    Examples
    --------
    >>> ids, boxes = bounding_boxes(np.array([[1, 1, 0], [0, 0, 4]]))
    >>> ids, boxes
    (array([1, 4]), array([[0, 0, 1, 0],
           [2, 1, 2, 1]]))
    """
    instances = check_instance_map(instance_map, "instance_map")
    if instances.ndim != 2:
        raise argument_error("instance_map", "a 2-D array", f"a {instances.ndim}-D array")
    slices = ndimage.find_objects(instances)
    ids, boxes = [], []
    for index, region in enumerate(slices, start=1):
        if region is None:
            continue
        ids.append(index)
        rows, cols = region
        boxes.append((cols.start, rows.start, cols.stop - 1, rows.stop - 1))
    return np.asarray(ids, dtype=np.int64), np.asarray(boxes, dtype=np.int64).reshape(-1, 4)


#: Colour-blind-safe class palette (Okabe and Ito's eight colours, then Paul
#: Tol's "muted" set), as RGB floats. Class 0 (usually background) is grey.
#: A data set whose classes have colours of their own in the picture brings
#: a palette that agrees with them (``segcourse.data.SCENE_CLASS_COLORS``);
#: pass it as ``colors=`` to the plotting functions.
CLASS_PALETTE = np.array([
    (0.60, 0.60, 0.60),  # grey
    (0.902, 0.624, 0.0),  # orange
    (0.337, 0.706, 0.914),  # sky blue
    (0.0, 0.620, 0.451),  # bluish green
    (0.941, 0.894, 0.259),  # yellow
    (0.0, 0.447, 0.698),  # blue
    (0.835, 0.369, 0.0),  # vermilion
    (0.800, 0.475, 0.655),  # reddish purple
    (0.533, 0.133, 0.333),  # wine
    (0.200, 0.133, 0.533),  # indigo
    (0.267, 0.667, 0.600),  # teal
    (0.600, 0.600, 0.200),  # olive
])


def class_colors(num_classes):
    """RGB colours (``(num_classes, 3)`` floats) for classes, colour-blind safe.

    Up to 12 classes come from :data:`CLASS_PALETTE`; beyond that, evenly
    spaced hues are appended.

    Examples
    --------
    >>> class_colors(3).shape
    (3, 3)
    """
    num_classes = check_positive_int(num_classes, "num_classes")
    if num_classes <= len(CLASS_PALETTE):
        return CLASS_PALETTE[:num_classes].copy()
    extra = num_classes - len(CLASS_PALETTE)
    hues = (np.arange(extra) * 0.618033988749895) % 1.0
    more = np.array([colorsys.hsv_to_rgb(h, 0.65, 0.85) for h in hues])
    return np.concatenate([CLASS_PALETTE, more])


def instance_colors(num_instances, *, seed=0):
    """Distinct RGB colours for ``num_instances`` objects (row ``i`` for id ``i + 1``).

    Hues are spread by the golden ratio so that neighbouring ids differ, and
    shuffled with ``seed`` so that colours do not suggest an order.

    Examples
    --------
    >>> colors = instance_colors(5, seed=1)
    >>> colors.shape, bool((colors >= 0).all() and (colors <= 1).all())
    ((5, 3), True)
    """
    num_instances = check_int(num_instances, "num_instances", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    hues = (np.arange(num_instances) * 0.618033988749895) % 1.0
    rng = np.random.default_rng(seed)
    rng.shuffle(hues)
    saturation = 0.55 + 0.35 * (np.arange(num_instances) % 2)
    value = 0.95 - 0.2 * (np.arange(num_instances) % 3 == 2)
    return np.array([colorsys.hsv_to_rgb(h, s, v)
                     for h, s, v in zip(hues, saturation, value, strict=True)]).reshape(-1, 3)


def colorize(label_map, colors=None, *, background=None):
    """RGB image (floats in [0, 1]) of a label map or instance map.

    Parameters
    ----------
    label_map : array of int, 2-D
    colors : array ``(K, 3)``, optional
        Colour of each value ``0..K-1``; by default :func:`class_colors`.
    background : RGB tuple, optional
        If given, pixels with value 0 get this colour (for instance maps).

    Examples
    --------
    >>> colorize(np.array([[0, 1]]), np.array([[0, 0, 0], [1, 1, 1]]))
    array([[[0., 0., 0.],
            [1., 1., 1.]]])
    """
    labels = check_label_map(label_map, "label_map")
    top = int(labels.max()) + 1 if labels.size else 1
    if colors is None:
        colors = class_colors(top)
    colors = np.asarray(to_numpy(colors, "colors"), dtype=float)
    if colors.ndim != 2 or colors.shape[1] not in (3, 4):
        raise argument_error("colors", "an array of shape (K, 3)", colors)
    colors = colors[:, :3]
    if colors.shape[0] < top:
        raise argument_error("colors", f"at least {top} colours (one per value)",
                             f"{colors.shape[0]} colours")
    image = colors[labels]
    if background is not None:
        image[labels == 0] = np.asarray(background, dtype=float)[:3]
    return image
