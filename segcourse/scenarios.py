r"""Synthetic masks and predictions with controlled errors, and the scores they get.

Chapter 04 ("pixel scores") teaches every score on arrays whose errors are
known by construction: a disc of an exact area at a chosen foreground
fraction, a prediction whose outline is a fixed number of pixels off, a
stray blob at a chosen distance, a smooth and a ragged outline with the same
overlap, a large object among many small ones. Each function here builds
such a case (pure, seeded where random, no plotting) and, where a demo needs
them, returns its scores, computed by :mod:`segcourse.metrics` and nowhere
else. The demos of chapter 04 (:mod:`segcourse.widgets`) are thin wrappers
around these functions.

Conventions
-----------
- Masks are 2-D boolean arrays, ``True`` on the foreground; functions that
  return a prediction and its target return them in the library's order,
  ``(pred, target)``, or in a dict with those keys.
- Shapes are ``(height, width)`` pairs of positive integers; centres are
  ``(row, column)`` pairs, numbers that may lie between pixel centres.
- A disc of radius :math:`r` centred at :math:`(c_y, c_x)` holds the pixels
  :math:`(y, x)` with :math:`(y - c_y)^2 + (x - c_x)^2 \le r^2`; radius 0
  means *no object* (an empty mask), so that empty masks are cases like any
  other.
- Bad input raises ``ValueError`` (``TypeError`` for a wrong type) whose
  message names the argument, as everywhere in :mod:`segcourse`.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import (
    argument_error,
    check_instance_map,
    check_int,
    check_number,
    describe,
    to_numpy,
)
from .metrics import (
    ConfusionMatrix,
    average_surface_distance,
    dice,
    hausdorff_distance,
    iou,
    surface_dice,
)

__all__ = [
    "SCORE_NAMES",
    "IMBALANCE_FRACTIONS",
    "IMBALANCE_CURVE_FRACTIONS",
    "IMBALANCE_ERRORS",
    "disc",
    "disc_of_area",
    "disc_pair",
    "shifted_square",
    "pixel_scores",
    "imbalance_case",
    "imbalance_curves",
    "small_object_curve",
    "stray_blob",
    "stray_blob_curves",
    "smooth_and_ragged",
    "empty_mask_cases",
    "many_small_objects",
    "OBJECT_ERRORS",
    "OBJECT_SCORE_RANGES",
    "ObjectPrediction",
    "predict_objects",
    "object_matches",
    "object_threshold_curves",
    "panoptic_prediction",
]

#: The eight pixel scores of a binary mask that :func:`pixel_scores` returns, in
#: the order chapter 04 introduces them (names of :mod:`segcourse.metrics`).
SCORE_NAMES = ("accuracy", "balanced_accuracy", "precision", "recall", "specificity",
               "dice", "iou", "matthews_corrcoef")

#: Foreground fractions of the imbalance demo's slider: from 0.1 % to 50 %, about
#: three steps per factor of ten (log-spaced).
IMBALANCE_FRACTIONS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5)

#: Foreground fractions at which the imbalance demo draws its curves: those of
#: the slider and more between them.
IMBALANCE_CURVE_FRACTIONS = (0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2,
                             0.3, 0.5)

#: Outline errors (pixels) of the imbalance demo's predictor.
IMBALANCE_ERRORS = (1, 2, 4)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def _check_shape(shape, name="shape"):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(v, (numbers.Integral, np.integer))
                       and not isinstance(v, bool) for v in shape)):
        raise argument_error(name, "a (height, width) pair of positive integers",
                             describe(shape), type_error=True)
    if min(shape) < 1:
        raise argument_error(name, "a (height, width) pair of positive integers",
                             describe(shape))
    return int(shape[0]), int(shape[1])


def _check_center(center, shape):
    if center is None:
        return float(shape[0] // 2), float(shape[1] // 2)
    if (not isinstance(center, (tuple, list, np.ndarray)) or len(center) != 2
            or not all(isinstance(v, (numbers.Real, np.number)) and not isinstance(v, bool)
                       for v in center)):
        raise argument_error("center", "a (row, column) pair of numbers", describe(center),
                             type_error=True)
    return (check_number(center[0], "center[0]"), check_number(center[1], "center[1]"))


def _squared_distance(shape, center):
    rows = np.arange(shape[0], dtype=np.float64)[:, None] - center[0]
    cols = np.arange(shape[1], dtype=np.float64)[None, :] - center[1]
    return rows * rows + cols * cols


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------

def disc(shape, radius, *, center=None):
    r"""A disc-shaped mask: the pixels within ``radius`` of ``center``.

    .. math:: m_{yx} = [\,(y - c_y)^2 + (x - c_x)^2 \le r^2\,], \quad r > 0

    Parameters
    ----------
    shape : (int, int)
        Height and width of the mask.
    radius : float
        :math:`r \ge 0` in pixels; 0 gives an empty mask (no object).
    center : (float, float), optional
        Row and column of the centre; by default ``(height // 2, width // 2)``,
        a pixel centre. Parts of the disc outside the image are cut off.

    Returns
    -------
    numpy.ndarray
        Boolean ``shape`` mask.

    Raises
    ------
    ValueError
        A negative radius or a shape that is not two positive integers.

    Examples
    --------
    >>> disc((5, 5), 1).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0]])
    >>> int(disc((9, 9), 2).sum()), int(disc((9, 9), 0).sum())
    (13, 0)
    """
    shape = _check_shape(shape)
    radius = check_number(radius, "radius", low=0)
    center = _check_center(center, shape)
    if radius == 0:
        return np.zeros(shape, dtype=bool)
    return _squared_distance(shape, center) <= radius * radius


def disc_of_area(shape, area, *, center=None):
    """The ``area`` pixels nearest to ``center``: a disc of an exact pixel count.

    A digital disc :func:`disc` holds roughly :math:`\\pi r^2` pixels; this
    one holds exactly ``area``, so that a foreground fraction is exact
    (``area / (height * width)``). Pixels at equal distance are taken in
    row-major order.

    Parameters
    ----------
    shape : (int, int)
    area : int
        Number of foreground pixels, ``0 <= area <= height * width``.
    center : (float, float), optional
        As in :func:`disc`.

    Returns
    -------
    numpy.ndarray
        Boolean ``shape`` mask with ``mask.sum() == area``.

    Examples
    --------
    >>> mask = disc_of_area((10, 10), 7)
    >>> int(mask.sum()), mask[5, 5]
    (7, np.True_)
    """
    shape = _check_shape(shape)
    area = check_int(area, "area", minimum=0)
    if area > shape[0] * shape[1]:
        raise argument_error("area", f"at most height * width = {shape[0] * shape[1]}",
                             describe(area))
    center = _check_center(center, shape)
    mask = np.zeros(shape[0] * shape[1], dtype=bool)
    mask[_nearest_first(shape, center)[:area]] = True
    return mask.reshape(shape)


@functools.lru_cache(maxsize=32)
def _nearest_first(shape, center):
    """Flat pixel indices of ``shape`` sorted by distance to ``center`` (ties: row-major).

    Cached: the demos of chapter 04 ask for the same few centres on every
    slider move, and sorting is most of the cost of :func:`disc_of_area`.
    """
    order = np.argsort(_squared_distance(shape, center), axis=None, kind="stable")
    order.setflags(write=False)
    return order


def disc_pair(target_radius, pred_radius, *, shift=0, size=None):
    """A target disc and a predicted disc of another radius, ``shift`` pixels to the right.

    The building block of chapter 04's small cases: ``disc_pair(r, r + 1)``
    is a prediction whose whole outline is one pixel too far out;
    ``disc_pair(r, r, shift=s)`` one drawn ``s`` pixels too far right;
    ``disc_pair(0, 0)`` an image with nothing in it, predicted as such.

    Parameters
    ----------
    target_radius, pred_radius : float
        Radii in pixels (0: that mask is empty).
    shift : int
        Columns between the centres (positive: the prediction lies to the right).
    size : int or (int, int), optional
        Shape of both masks (one int: a square); by default the smallest
        square with a margin of 2 pixels around both discs.

    Returns
    -------
    (pred, target) : tuple of two boolean arrays

    Examples
    --------
    >>> pred, target = disc_pair(2, 3)
    >>> int(target.sum()), int(pred.sum()), pred.shape
    (13, 29, (11, 11))
    >>> pred, target = disc_pair(1, 1, shift=1, size=5)
    >>> (pred & target).sum(), pred.sum(), target.sum()
    (np.int64(2), np.int64(5), np.int64(5))
    """
    target_radius = check_number(target_radius, "target_radius", low=0)
    pred_radius = check_number(pred_radius, "pred_radius", low=0)
    shift = check_int(shift, "shift")
    if size is None:
        side = 2 * int(np.ceil(max(target_radius, pred_radius))) + 5
        size = (side, side + abs(shift))
    elif isinstance(size, (numbers.Integral, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    shape = _check_shape(size, "size")
    row = shape[0] // 2
    left = (shape[1] - 1 - shift) // 2  # the two centres sit symmetrically about the middle
    target = disc(shape, target_radius, center=(row, left))
    pred = disc(shape, pred_radius, center=(row, left + shift))
    return pred, target


def shifted_square(shift, *, side=40, size=None):
    r"""A ``side`` x ``side`` target square and the same square ``shift`` columns to the right.

    The overlap is known exactly: for :math:`0 \le s \le a` (shift :math:`s`,
    side :math:`a`) both squares hold :math:`a^2` pixels and share
    :math:`a (a - s)`, so

    .. math:: \mathrm{Dice} = \frac{a - s}{a}, \qquad
              \mathrm{IoU} = \frac{a - s}{a + s}.

    Parameters
    ----------
    shift : int
        ``0 <= shift``; beyond ``side`` the squares do not overlap.
    side : int
        Side of both squares in pixels.
    size : (int, int), optional
        Shape of the masks; by default ``(side + 4, 2 * side + 4)``.
        Both squares must fit.

    Returns
    -------
    (pred, target) : tuple of two boolean arrays

    Examples
    --------
    >>> from segcourse import metrics
    >>> pred, target = shifted_square(10, side=40)
    >>> metrics.dice(pred, target), round(metrics.iou(pred, target), 4)
    (0.75, 0.6)
    """
    side = check_int(side, "side", minimum=1)
    shift = check_int(shift, "shift", minimum=0)
    shape = _check_shape((side + 4, 2 * side + 4) if size is None else size, "size")
    if shape[0] < side + 2 or shape[1] < side + shift + 2:
        raise argument_error("size", f"at least ({side + 2}, {side + shift + 2}) to hold both "
                             "squares", describe(tuple(shape)))
    target = np.zeros(shape, dtype=bool)
    pred = np.zeros(shape, dtype=bool)
    top = (shape[0] - side) // 2
    target[top:top + side, 1:1 + side] = True
    pred[top:top + side, 1 + shift:1 + shift + side] = True
    return pred, target


# ---------------------------------------------------------------------------
# Scores of a case
# ---------------------------------------------------------------------------

def pixel_scores(pred, target):
    """The eight pixel scores of :data:`SCORE_NAMES` for two binary masks, from one count.

    Every value comes from :class:`segcourse.metrics.ConfusionMatrix` (the
    masks are counted once), so each equals the function of the same name
    in :mod:`segcourse.metrics`: NaN where that function gives NaN (for
    example the precision of an empty prediction).

    Parameters
    ----------
    pred, target : array_like
        Binary masks of the same shape (boolean, or 0 and 1).

    Returns
    -------
    dict
        Score name -> float, in the order of :data:`SCORE_NAMES`.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 1, 1, 0]], dtype=bool)
    >>> pred = np.array([[0, 1, 1, 1]], dtype=bool)
    >>> scores = pixel_scores(pred, target)
    >>> scores["accuracy"], scores["precision"], scores["recall"], scores["dice"]
    (0.75, 0.667, 1.0, 0.8)
    """
    from ._validation import check_mask, check_same_shape

    pred = check_mask(pred, "pred")
    target = check_mask(target, "target")
    check_same_shape(pred, target, "pred", "target")
    counts = ConfusionMatrix(keep_per_image=False).update(pred, target, batched=False)
    return {name: float(getattr(counts, name)()) for name in SCORE_NAMES}


def _imbalance_masks(foreground_fraction, error, size):
    shape = _check_shape(size, "size")
    fraction = check_number(foreground_fraction, "foreground_fraction", low=0, high=0.5,
                            low_open=True)
    error = check_number(error, "error", low=0)
    pixels = shape[0] * shape[1]
    area = max(1, int(round(fraction * pixels)))
    radius = np.sqrt(area / np.pi)
    centre = (shape[0] // 2, shape[1] // 2)
    pred_radius = radius + error / 2
    if centre[1] + error + pred_radius > shape[1] - 1 or 2 * radius > shape[0] - 2:
        raise argument_error("error", f"an error that keeps the prediction inside the "
                             f"{shape[0]} x {shape[1]} image at foreground fraction "
                             f"{fraction:g}", describe(error))
    target = disc_of_area(shape, area, center=centre)
    pred = disc_of_area(shape, int(round(np.pi * pred_radius ** 2)),
                        center=(centre[0], centre[1] + error))
    return pred, target


def imbalance_case(foreground_fraction, error, *, size=(200, 200)):
    r"""One object at a chosen foreground fraction, and a prediction ``error`` pixels off.

    The target is a disc of exactly ``round(f * H * W)`` pixels
    (:func:`disc_of_area`) in the middle of the image. The predictor makes
    the same mistake at every fraction: its disc is centred ``error`` pixels
    to the right and has a radius ``error / 2`` pixels too large, so it
    misses a crescent about ``error / 2`` pixels wide on the left (false
    negatives) and adds one about ``3 * error / 2`` wide on the right (false
    positives). A fixed boundary error costs a fixed band of pixels along
    the outline, about :math:`2 \pi r e` of them, while the image keeps its
    :math:`HW` pixels: as the object shrinks, scores that count the
    background (accuracy, specificity) climb towards 1 and scores that
    compare the error with the object (precision, Dice, IoU) fall.

    Parameters
    ----------
    foreground_fraction : float
        Share of the image the target covers, in (0, 0.5].
    error : float
        The predictor's outline error in pixels, ``>= 0``; 0 predicts the
        target exactly.
    size : (int, int)
        Height and width of the image.

    Returns
    -------
    dict
        ``pred`` and ``target`` (boolean masks), ``fraction`` (the target's
        actual foreground fraction), ``error``, and ``scores``
        (:func:`pixel_scores`: score name -> float).

    Examples
    --------
    >>> case = imbalance_case(0.01, 2)
    >>> case["fraction"], case["target"].sum()
    (0.01, np.int64(400))
    >>> round(case["scores"]["accuracy"], 3), round(case["scores"]["dice"], 3)
    (0.997, 0.879)
    >>> case = imbalance_case(0.001, 2)
    >>> round(case["scores"]["accuracy"], 3), round(case["scores"]["dice"], 3)
    (0.999, 0.66)
    """
    pred, target = _imbalance_masks(foreground_fraction, error, size)
    return {"pred": pred, "target": target, "fraction": float(target.mean()),
            "error": float(error), "scores": pixel_scores(pred, target)}


def imbalance_curves(error, fractions=IMBALANCE_CURVE_FRACTIONS, *, size=(200, 200)):
    """Every score of :func:`imbalance_case` at each foreground fraction, for one error.

    Parameters
    ----------
    error : float
        The predictor's outline error in pixels (see :func:`imbalance_case`).
    fractions : sequence of float
        Foreground fractions in (0, 0.5].
    size : (int, int)

    Returns
    -------
    dict
        ``fraction`` (the actual fractions, an array) and one array per name
        of :data:`SCORE_NAMES`, in the order of ``fractions``.

    Examples
    --------
    >>> curves = imbalance_curves(2, [0.001, 0.1])
    >>> curves["accuracy"].round(3), curves["dice"].round(3)
    (array([0.999, 0.992]), array([0.66, 0.96]))
    """
    fractions = list(fractions)
    if not fractions:
        raise argument_error("fractions", "at least one foreground fraction", "[]")
    cases = [imbalance_case(fraction, error, size=size) for fraction in fractions]
    curves = {"fraction": np.array([case["fraction"] for case in cases])}
    for name in SCORE_NAMES:
        curves[name] = np.array([case["scores"][name] for case in cases])
    return curves


def small_object_curve(radii, *, error=1):
    """Dice and IoU of a disc whose predicted outline is ``error`` pixels too far out.

    For each radius :math:`r` the target is ``disc(r)`` and the prediction
    ``disc(r + error)`` (:func:`disc_pair`): the same boundary error at every
    size. Its share of the object grows as the object shrinks, so Dice
    falls, roughly as :math:`2 r^2 / (r^2 + (r + e)^2)`.

    Parameters
    ----------
    radii : sequence of float
        Target radii in pixels, each > 0.
    error : float
        Outline error in pixels, ``>= 0``.

    Returns
    -------
    dict
        ``radius``, ``dice`` and ``iou`` arrays (:func:`segcourse.metrics.dice`
        and :func:`segcourse.metrics.iou`), in the order of ``radii``.

    Examples
    --------
    >>> curve = small_object_curve([2, 5, 10, 50])
    >>> curve["dice"].round(2)
    array([0.62, 0.84, 0.91, 0.98])
    """
    error = check_number(error, "error", low=0)
    radii = [check_number(r, "radii", low=0, low_open=True) for r in radii]
    if not radii:
        raise argument_error("radii", "at least one radius", "[]")
    dices, ious = [], []
    for radius in radii:
        pred, target = disc_pair(radius, radius + error)
        dices.append(dice(pred, target))
        ious.append(iou(pred, target))
    return {"radius": np.array(radii), "dice": np.array(dices), "iou": np.array(ious)}


# ---------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------

def _stray_masks(distance, blob_size, radius, size):
    shape = _check_shape(size, "size")
    distance = check_int(distance, "distance", minimum=1)
    blob_size = check_int(blob_size, "blob_size", minimum=1)
    radius = check_int(radius, "radius", minimum=1)
    centre = (shape[0] // 2, radius + 2)
    target = disc(shape, radius, center=centre)
    # the blob starts `distance` columns right of the disc's rightmost pixel
    left = centre[1] + radius + distance
    top = centre[0] - blob_size // 2
    if left + blob_size > shape[1] or 2 * radius + 4 > shape[0]:
        raise argument_error("distance", f"a distance that keeps the blob inside the "
                             f"{shape[0]} x {shape[1]} image (at most "
                             f"{shape[1] - blob_size - centre[1] - radius})", describe(distance))
    pred = target.copy()
    pred[top:top + blob_size, left:left + blob_size] = True
    return pred, target


def stray_blob(distance, *, blob_size=2, radius=16, size=(40, 112)):
    """A correct disc plus a small false blob ``distance`` pixels away: overlap vs boundary.

    The prediction is the target disc itself plus a ``blob_size`` x
    ``blob_size`` square of false positives, ``distance`` columns to the
    right of the disc's rightmost pixel (so ``distance - 1`` background
    pixels lie between them). Dice barely notices the few blob pixels; the
    Hausdorff distance jumps to the blob's distance; HD95 ignores the blob
    only while its boundary pixels are fewer than 5 % of the prediction's.

    Parameters
    ----------
    distance : int
        Columns from the disc's edge to the blob, ``>= 1``.
    blob_size : int
        Side of the square blob in pixels.
    radius : int
        Radius of the target disc.
    size : (int, int)
        Shape of the masks.

    Returns
    -------
    dict
        ``pred``, ``target`` and the scores ``dice``, ``hd`` (Hausdorff),
        ``hd95``, ``assd`` (average symmetric surface distance) and
        ``surface_dice`` (tolerance 2 pixels), from :mod:`segcourse.metrics`;
        distances in pixels.

    Examples
    --------
    >>> near, far = stray_blob(4), stray_blob(64)
    >>> round(near["dice"], 3), round(far["dice"], 3)
    (0.997, 0.997)
    >>> round(near["hd"], 1), round(far["hd"], 1)
    (5.1, 65.0)
    """
    pred, target = _stray_masks(distance, blob_size, radius, size)
    return {"pred": pred, "target": target, "distance": int(distance),
            "blob_size": int(blob_size),
            "dice": dice(pred, target),
            "hd": hausdorff_distance(pred, target),
            "hd95": hausdorff_distance(pred, target, percentile=95),
            "assd": average_surface_distance(pred, target),
            "surface_dice": surface_dice(pred, target, tolerance=2)}


def stray_blob_curves(distances, *, blob_size=2, radius=16, size=(40, 112)):
    """The scores of :func:`stray_blob` at each distance, for one blob size.

    Returns
    -------
    dict
        ``distance`` and arrays ``dice``, ``hd``, ``hd95``, ``assd``,
        ``surface_dice``, in the order of ``distances``.

    Examples
    --------
    >>> curves = stray_blob_curves([4, 64], blob_size=1)
    >>> curves["hd"].round(1), curves["hd95"].round(1)
    (array([ 4., 64.]), array([0., 0.]))
    """
    cases = [stray_blob(d, blob_size=blob_size, radius=radius, size=size) for d in distances]
    if not cases:
        raise argument_error("distances", "at least one distance", "[]")
    curves = {"distance": np.array([case["distance"] for case in cases])}
    for name in ("dice", "hd", "hd95", "assd", "surface_dice"):
        curves[name] = np.array([case[name] for case in cases])
    return curves


def smooth_and_ragged(radius=16, *, error=2, teeth=8, size=None):
    """Two predictions of a disc with the same overlap scores and very different outlines.

    ``smooth`` is the disc drawn ``error`` pixels too large all round;
    ``ragged`` is the exact disc plus the same number of false-positive
    pixels as ``smooth`` has, grown outward as ``teeth`` narrow spikes
    (each pixel taken nearest first, within thin wedges around ``teeth``
    evenly spaced angles). Both contain the whole target and have the same
    area, so their TP, FP, FN and TN are equal, and so is every pixel score
    (Dice, IoU, precision, ...). Their boundaries are not: the Hausdorff
    distance of ``smooth`` is ``error``, that of ``ragged`` the height of a
    tooth.

    Parameters
    ----------
    radius : int
        Radius of the target disc.
    error : int
        How many pixels too large ``smooth`` is.
    teeth : int
        Number of spikes of ``ragged`` (at least 3).
    size : int, optional
        Side of the square masks; by default large enough for the teeth.

    Returns
    -------
    dict
        ``target``, ``smooth`` and ``ragged`` (boolean masks).

    Examples
    --------
    >>> from segcourse import metrics
    >>> case = smooth_and_ragged(16)
    >>> int(case["smooth"].sum()) == int(case["ragged"].sum())
    True
    >>> metrics.dice(case["smooth"], case["target"]) == metrics.dice(case["ragged"], case["target"])
    True
    """
    radius = check_int(radius, "radius", minimum=2)
    error = check_int(error, "error", minimum=1)
    teeth = check_int(teeth, "teeth", minimum=3)
    target_area = int(disc((2 * radius + 3,) * 2, radius).sum())
    smooth_area = int(disc((2 * (radius + error) + 3,) * 2, radius + error).sum())
    extra = smooth_area - target_area
    # each tooth about 3 pixels wide at its base: the wedge's half-angle
    half_angle = 1.6 / radius
    reach = radius + int(np.ceil(extra / teeth / 2)) + 3
    if size is None:
        size = 2 * reach + 5
    size = check_int(size, "size", minimum=2 * (radius + error) + 3)
    shape = (size, size)
    centre = (size // 2, size // 2)
    target = disc(shape, radius, center=centre)
    smooth = disc(shape, radius + error, center=centre)
    rows, cols = np.mgrid[:size, :size]
    angle = np.arctan2(rows - centre[0], cols - centre[1])
    spacing = 2 * np.pi / teeth
    # angular distance to the nearest tooth (one tooth points up, at -pi/2)
    offset = np.abs((angle + np.pi / 2 + spacing / 2) % spacing - spacing / 2)
    candidates = (~target) & (offset * np.hypot(rows - centre[0], cols - centre[1])
                              <= half_angle * radius)
    distance = _squared_distance(shape, centre)
    order = np.argsort(np.where(candidates, distance, np.inf), axis=None, kind="stable")
    if np.count_nonzero(candidates) < extra:
        raise argument_error("size", "a size large enough for the teeth", describe(size))
    ragged = target.copy().reshape(-1)
    ragged[order[:extra]] = True
    return {"target": target, "smooth": smooth, "ragged": ragged.reshape(shape)}


# ---------------------------------------------------------------------------
# Empty masks and objects
# ---------------------------------------------------------------------------

def empty_mask_cases(shape=(4, 4)):
    """The three empty-mask cases, and a normal one, as ``name -> (pred, target)``.

    - ``"both empty"``: nothing to find, nothing predicted;
    - ``"target empty"``: a false alarm (a 2 x 2 blob predicted on an empty image);
    - ``"prediction empty"``: a missed object (a 2 x 2 target, nothing predicted);
    - ``"both non-empty"``: the same blob in both, shifted by one column.

    Examples
    --------
    >>> cases = empty_mask_cases()
    >>> list(cases)
    ['both empty', 'target empty', 'prediction empty', 'both non-empty']
    >>> [(int(p.sum()), int(t.sum())) for p, t in cases.values()]
    [(0, 0), (4, 0), (0, 4), (4, 4)]
    """
    shape = _check_shape(shape)
    if min(shape) < 3:
        raise argument_error("shape", "at least 3 x 3", describe(tuple(shape)))
    empty = np.zeros(shape, dtype=bool)
    blob = empty.copy()
    blob[:2, :2] = True
    moved = empty.copy()
    moved[:2, 1:3] = True
    return {"both empty": (empty.copy(), empty.copy()),
            "target empty": (blob.copy(), empty.copy()),
            "prediction empty": (empty.copy(), blob.copy()),
            "both non-empty": (moved, blob.copy())}


def many_small_objects(*, big_radius=18, small_radius=2, small_count=8, size=(64, 160),
                       found_small=0):
    """One large object among many small ones, and a prediction that finds the large one.

    The target is an instance map: object 1 a disc of ``big_radius`` on the
    left, objects ``2..small_count + 1`` discs of ``small_radius`` on a grid
    to its right. The prediction (an instance map too) holds object 1 drawn
    one pixel too large, and the first ``found_small`` small objects exactly:
    the other small objects are missed. Most foreground pixels belong to the
    large object, so pixel scores stay high while most objects are missed.

    Returns
    -------
    dict
        ``pred`` and ``target`` instance maps (0 = background).

    Examples
    --------
    >>> case = many_small_objects()
    >>> int(case["target"].max()), int(case["pred"].max())
    (9, 1)
    """
    big_radius = check_int(big_radius, "big_radius", minimum=1)
    small_radius = check_int(small_radius, "small_radius", minimum=0)
    small_count = check_int(small_count, "small_count", minimum=0)
    found_small = check_int(found_small, "found_small", minimum=0)
    if found_small > small_count:
        raise argument_error("found_small", f"at most small_count={small_count}",
                             describe(found_small))
    shape = _check_shape(size, "size")
    step = 2 * small_radius + 6
    rows_of_small = max(1, (shape[0] - 4) // step)
    columns = int(np.ceil(small_count / rows_of_small)) if small_count else 0
    big_centre = (shape[0] // 2, big_radius + 2)
    first_column = 2 * big_radius + 4 + step // 2
    if (2 * big_radius + 4 > shape[0]
            or first_column + max(columns - 1, 0) * step + small_radius + 2 > shape[1]):
        raise argument_error("size", "a shape that holds every object", describe(tuple(shape)))
    target = np.zeros(shape, dtype=np.int64)
    pred = np.zeros(shape, dtype=np.int64)
    target[disc(shape, big_radius, center=big_centre)] = 1
    pred[disc(shape, big_radius + 1, center=big_centre)] = 1
    top = (shape[0] - rows_of_small * step) // 2 + step // 2
    for index in range(small_count):
        row = top + (index % rows_of_small) * step
        column = first_column + (index // rows_of_small) * step
        small = disc(shape, small_radius + 0.5, center=(row, column))
        target[small] = index + 2
        if index < found_small:
            pred[small] = index + 2
    return {"pred": pred, "target": target}


# ---------------------------------------------------------------------------
# Object predictions with known mistakes (chapter 05)
# ---------------------------------------------------------------------------

#: The mistakes :func:`predict_objects` can make, in the order it assigns them.
OBJECT_ERRORS = ("missed", "merged", "split", "shifted", "eroded", "duplicate", "hallucinated")

#: Score range of each kind of prediction of :func:`predict_objects`: good
#: objects are confident; a duplicate or the halves of a split object less so.
OBJECT_SCORE_RANGES = {
    "good": (0.75, 0.98),
    "shifted": (0.6, 0.9),
    "eroded": (0.6, 0.9),
    "merged": (0.7, 0.9),
    "split": (0.45, 0.7),
    "duplicate": (0.3, 0.6),
    "hallucinated": (0.55, 0.85),
}


@dataclass(frozen=True, eq=False)
class ObjectPrediction:
    """A scored instance prediction whose every mistake is known.

    Attributes
    ----------
    masks : numpy.ndarray
        ``(K, H, W)`` bool, one mask per predicted object (they may overlap:
        a duplicate lies on its original).
    scores : numpy.ndarray
        ``(K,)`` float64 confidences in (0, 1), all different, two decimals.
    labels : numpy.ndarray
        ``(K,)`` int64 category of each prediction (that of its source
        object; a hallucinated object takes the first category given).
    kinds : tuple of str
        ``"good"`` or the mistake (:data:`OBJECT_ERRORS`) of each prediction.
    sources : tuple of tuple of int
        The target instance ids each prediction was made from (two for a
        merge, none for a hallucination).
    missed : tuple of int
        Target ids that no prediction was made from.
    target_ids : tuple of int
        Every target instance id, increasing: column ``j`` of
        :func:`segcourse.metrics.iou_matrix` against the instance map is
        ``target_ids[j]``.
    """

    masks: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    kinds: tuple
    sources: tuple
    missed: tuple
    target_ids: tuple

    def __len__(self) -> int:
        return len(self.masks)

    def as_dict(self) -> dict:
        """``{"masks", "scores", "labels"}``, the input of ``metrics.mean_average_precision``."""
        return {"masks": self.masks, "scores": self.scores, "labels": self.labels}

    def instance_map(self) -> np.ndarray:
        """``(H, W)`` int64 map, prediction ``k`` as id ``k + 1`` (overlaps: the higher score)."""
        result = np.zeros(self.masks.shape[1:], dtype=np.int64)
        for k in np.argsort(self.scores, kind="mergesort"):
            result[self.masks[k]] = k + 1
        return result


def _shifted(mask, dy, dx):
    """``mask`` moved by ``(dy, dx)`` pixels; what leaves the image is lost."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    src_rows = slice(max(0, -dy), min(h, h - dy))
    dst_rows = slice(max(0, dy), min(h, h + dy))
    src_cols = slice(max(0, -dx), min(w, w - dx))
    dst_cols = slice(max(0, dx), min(w, w + dx))
    out[dst_rows, dst_cols] = mask[src_rows, src_cols]
    return out


def _split_halves(mask, gap):
    """The two halves of ``mask`` cut across its long axis through its centroid."""
    rows, cols = np.nonzero(mask)
    centre = np.array([rows.mean(), cols.mean()])
    coords = np.stack([rows, cols], axis=1) - centre
    # the long axis: the eigenvector of the largest eigenvalue of the covariance
    covariance = coords.T @ coords / len(coords)
    _, vectors = np.linalg.eigh(covariance)
    along = coords @ vectors[:, -1]
    first, second = np.zeros_like(mask), np.zeros_like(mask)
    first[rows[along < -gap / 2], cols[along < -gap / 2]] = True
    second[rows[along > gap / 2], cols[along > gap / 2]] = True
    return first, second


def _bridge(first, second, width):
    """The two masks joined by a bar ``width`` pixels wide between their nearest pixels."""
    from scipy import ndimage
    from skimage.draw import line

    distance, nearest = ndimage.distance_transform_edt(~second, return_indices=True)
    rows, cols = np.nonzero(first)
    k = int(np.argmin(distance[rows, cols]))
    r0, c0 = rows[k], cols[k]
    r1, c1 = nearest[0][r0, c0], nearest[1][r0, c0]
    bar = np.zeros_like(first)
    bar[line(int(r0), int(c0), int(r1), int(c1))] = True
    if width > 1:
        bar = ndimage.binary_dilation(bar, iterations=(width - 1) // 2 + 1)
    return first | second | bar


def _scores(kinds, rng):
    """A score per prediction from its kind's range, two decimals, all different."""
    scores = []
    for kind in kinds:
        low, high = OBJECT_SCORE_RANGES[kind]
        value = round(float(rng.uniform(low, high)), 2)
        while value in scores:
            value = round(value + 0.01 if value < 0.99 else value - 0.37, 2)
        scores.append(value)
    return np.array(scores, dtype=np.float64)


def predict_objects(instance_map, *, errors=OBJECT_ERRORS, instance_classes=None, shift=3,
                    erode=2, seed=0):
    """A scored instance prediction of ``instance_map`` with the chosen mistakes.

    Each mistake is made once, on an object chosen by a fixed rule, in the
    order of :data:`OBJECT_ERRORS`:

    - ``"missed"``: the smallest object gets no prediction;
    - ``"merged"``: the two closest objects become one prediction (joined by
      a bar where they do not touch);
    - ``"split"``: the largest remaining object is cut in two across its
      long axis, with a 2-pixel gap (two predictions, each about half);
    - ``"shifted"``: an object moved ``shift`` pixels in a random direction;
    - ``"eroded"``: an object shrunk by ``erode`` pixels;
    - ``"duplicate"``: a second, less confident copy of a correctly
      predicted object, one pixel down and right of it;
    - ``"hallucinated"``: a disc of the median object's area on the
      background, as far as possible from every object.

    Every other object is predicted ``"good"``: exactly, one pixel larger or
    one pixel smaller (chosen at random), so that good matches have IoUs
    between about 0.7 and 1. Scores are drawn from
    :data:`OBJECT_SCORE_RANGES`.

    Parameters
    ----------
    instance_map : array_like
        ``(H, W)`` integer instance map, 0 background, objects ``1..K`` (any
        positive ids).
    errors : collection of str, default every one of :data:`OBJECT_ERRORS`
        The mistakes to make; an empty collection predicts every object well.
    instance_classes : dict, optional
        ``{instance id: category}`` (as ``Scene.instance_classes``); default
        category 1 for every object.
    shift : int, default 3
        Pixels by which the ``"shifted"`` object moves (at least 1).
    erode : int, default 2
        Pixels by which the ``"eroded"`` object shrinks (at least 1).
    seed : int, default 0
        The same seed gives the same prediction.

    Returns
    -------
    ObjectPrediction
        Masks, scores, labels, and what each prediction is (``kinds``,
        ``sources``, ``missed``).

    Raises
    ------
    ValueError
        ``instance_map`` not 2-D integers; an unknown error name; too few
        objects for the mistakes asked for (the message says how many are
        needed); ``shift``, ``erode`` or ``seed`` out of range.

    Examples
    --------
    >>> from segcourse.data import make_scene
    >>> scene = make_scene(seed=0)
    >>> prediction = predict_objects(scene.instance, instance_classes=scene.instance_classes)
    >>> len(scene.instance_classes), len(prediction)  # 1 missed, 2 merged, 1 split, +dup, +fake
    (8, 9)
    >>> sorted(set(prediction.kinds))
    ['duplicate', 'eroded', 'good', 'hallucinated', 'merged', 'shifted', 'split']
    """
    from scipy import ndimage

    instance_map = check_instance_map(to_numpy(instance_map, "instance_map"), "instance_map")
    if instance_map.ndim != 2:
        raise argument_error("instance_map", "an (H, W) instance map", instance_map)
    if isinstance(errors, str):
        raise argument_error("errors", "a collection of error names, e.g. ('missed',)",
                             describe(errors), type_error=True)
    errors = tuple(errors)
    unknown = [e for e in errors if e not in OBJECT_ERRORS]
    if unknown:
        raise argument_error("errors", f"names from {OBJECT_ERRORS}", describe(unknown))
    shift = check_int(shift, "shift", minimum=1)
    erode = check_int(erode, "erode", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    ids = [int(i) for i in np.unique(instance_map) if i > 0]
    classes = {i: 1 for i in ids}
    if instance_classes is not None:
        if not isinstance(instance_classes, dict):
            raise argument_error("instance_classes", "a dict {instance id: category}",
                                 describe(instance_classes), type_error=True)
        missing = [i for i in ids if i not in instance_classes]
        if missing:
            raise argument_error("instance_classes", "a category for every instance id",
                                 f"no category for ids {missing}")
        classes = {i: int(instance_classes[i]) for i in ids}
    # objects used up by each error: missed 1, merged 2, split 1, shifted 1, eroded 1;
    # a duplicate needs a good object to copy
    needed = sum({"missed": 1, "merged": 2, "split": 1, "shifted": 1, "eroded": 1}.get(e, 0)
                 for e in errors) + ("duplicate" in errors)
    if needed > len(ids):
        raise argument_error("errors", f"at most as many objects to spoil as the map holds "
                             f"({len(ids)})", f"{describe(list(errors))}, which need "
                             f"{needed} objects")
    rng = np.random.default_rng(seed)
    masks = {i: instance_map == i for i in ids}
    areas = {i: int(masks[i].sum()) for i in ids}
    free = sorted(ids, key=lambda i: (areas[i], i))  # smallest first
    made = []  # (kind, mask, sources)
    if "missed" in errors:
        free.remove(missed := free[0])
    if "merged" in errors:
        best = None
        for a in free:
            distance = ndimage.distance_transform_edt(~masks[a])
            for b in free:
                if b > a:
                    gap = float(distance[masks[b]].min())
                    if best is None or gap < best[0]:
                        best = (gap, a, b)
        _, a, b = best
        made.append(("merged", _bridge(masks[a], masks[b], 3), (a, b)))
        free.remove(a)
        free.remove(b)
    if "split" in errors:
        largest = max(free, key=lambda i: (areas[i], -i))
        for half in _split_halves(masks[largest], gap=2):
            made.append(("split", half, (largest,)))
        free.remove(largest)
    if "shifted" in errors:
        chosen = free.pop(int(rng.integers(len(free))))
        angle = rng.uniform(0, 2 * np.pi)
        dy, dx = int(round(shift * np.sin(angle))), int(round(shift * np.cos(angle)))
        made.append(("shifted", _shifted(masks[chosen], dy, dx), (chosen,)))
    if "eroded" in errors:
        chosen = free.pop(int(rng.integers(len(free))))
        made.append(("eroded", ndimage.binary_erosion(masks[chosen], iterations=erode),
                     (chosen,)))
    good = []
    for i in free:
        change = int(rng.integers(-1, 2))
        if change > 0:
            mask = ndimage.binary_dilation(masks[i])
        elif change < 0 and areas[i] > 20:
            mask = ndimage.binary_erosion(masks[i])
        else:
            mask = masks[i].copy()
        good.append(("good", mask, (i,)))
    if "duplicate" in errors:
        original = good[int(rng.integers(len(good)))]
        made.append(("duplicate", _shifted(original[1], 1, 1), original[2]))
    if "hallucinated" in errors:
        background = instance_map == 0
        room = ndimage.distance_transform_edt(np.pad(background, 1))[1:-1, 1:-1]
        centre = np.unravel_index(int(np.argmax(room)), room.shape)
        area = float(np.median(list(areas.values()))) if ids else 50.0
        radius = max(2.0, min(np.sqrt(area / np.pi), float(room.max()) - 2))
        made.append(("hallucinated", disc(instance_map.shape, radius, center=centre)
                     & background, ()))
    predictions = sorted(good + made, key=lambda item: (min(item[2], default=10**9),
                                                        OBJECT_ERRORS.index(item[0])
                                                        if item[0] in OBJECT_ERRORS else -1))
    kinds = tuple(kind for kind, _, _ in predictions)
    first_class = min(classes.values()) if classes else 1
    return ObjectPrediction(
        masks=(np.stack([m for _, m, _ in predictions]) if predictions
               else np.zeros((0, *instance_map.shape), dtype=bool)),
        scores=_scores(kinds, rng),
        labels=np.array([classes[s[0]] if s else first_class for _, _, s in predictions],
                        dtype=np.int64),
        kinds=kinds,
        sources=tuple(tuple(int(v) for v in s) for _, _, s in predictions),
        missed=(missed,) if "missed" in errors else (),
        target_ids=tuple(ids),
    )


def object_matches(prediction, instance_map, iou_threshold, *, method="greedy"):
    """The matches of an :class:`ObjectPrediction` at one IoU threshold, and their counts.

    Parameters
    ----------
    prediction : ObjectPrediction
    instance_map : array_like
        The ``(H, W)`` target instance map the prediction was made from.
    iou_threshold : float
        In (0, 1].
    method : {'greedy', 'hungarian'}
        As :func:`segcourse.metrics.match_instances` (greedy: by score).

    Returns
    -------
    dict
        ``"matches"`` (:class:`segcourse.metrics.InstanceMatches`), ``"ious"``
        (the ``(K, M)`` IoU matrix), ``"tp"``, ``"fp"``, ``"fn"`` (ints),
        ``"precision"``, ``"recall"``, ``"cell_ap"`` (TP / (TP + FP + FN)),
        ``"pred_status"`` (``"TP"``/``"FP"`` per prediction) and
        ``"target_status"`` (``"TP"``/``"FN"`` per target instance).

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1, 1, 0, 2, 2, 0]])
    >>> prediction = predict_objects(target, errors=())
    >>> result = object_matches(prediction, target, 0.5)
    >>> result["tp"], result["fp"], result["fn"]
    (2, 0, 0)
    """
    from .metrics import iou_matrix, match_instances

    if not isinstance(prediction, ObjectPrediction):
        raise argument_error("prediction", "an ObjectPrediction (from predict_objects)",
                             describe(prediction), type_error=True)
    ious = iou_matrix(prediction.masks, instance_map)
    matches = match_instances(prediction.masks, instance_map, iou_threshold=iou_threshold,
                              scores=prediction.scores, method=method)
    tp, fp, fn = (matches.num_true_positives, matches.num_false_positives,
                  matches.num_false_negatives)
    pred_status = np.full(len(prediction), "FP", dtype=object)
    pred_status[matches.pairs[:, 0]] = "TP"
    target_status = np.full(ious.shape[1], "FN", dtype=object)
    target_status[matches.pairs[:, 1]] = "TP"
    return {
        "matches": matches, "ious": ious, "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "cell_ap": tp / (tp + fp + fn) if tp + fp + fn else float("nan"),
        "pred_status": tuple(pred_status), "target_status": tuple(target_status),
    }


def object_threshold_curves(prediction, instance_map, thresholds=None):
    """TP, FP, FN, precision, recall, TP/(TP+FP+FN) and AP of a prediction at each IoU threshold.

    Categories are not used: every prediction may match every target, as in
    :func:`object_matches` (greedy by score).

    Parameters
    ----------
    prediction : ObjectPrediction
    instance_map : array_like
        The ``(H, W)`` target instance map.
    thresholds : sequence of float, optional
        IoU thresholds in (0, 1], increasing; default COCO's 0.50, 0.55, ..., 0.95.

    Returns
    -------
    dict of numpy.ndarray, one value per threshold
        ``"threshold"``, ``"tp"``, ``"fp"``, ``"fn"`` (int64), ``"precision"``,
        ``"recall"``, ``"cell_ap"`` and ``"ap"`` (COCO's 101-point AP at
        that threshold, from :func:`segcourse.metrics.mean_average_precision`).

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1, 1, 0, 2, 2, 0]])
    >>> curves = object_threshold_curves(predict_objects(target, errors=()), target, [0.5, 1.0])
    >>> curves["tp"]  # the good objects are exact or one pixel off: one is exact
    array([2, 1])
    >>> curves["ap"].round(3)  # at IoU 1 the more confident prediction is a false positive
    array([1.   , 0.252])
    """
    from .metrics import COCO_IOU_THRESHOLDS, mean_average_precision

    if thresholds is None:
        thresholds = COCO_IOU_THRESHOLDS
    thresholds = np.asarray(thresholds, dtype=np.float64).reshape(-1)
    if thresholds.size == 0 or np.any(np.diff(thresholds) <= 0):
        raise argument_error("thresholds", "increasing IoU thresholds in (0, 1]",
                             describe(thresholds.tolist()))
    rows = [object_matches(prediction, instance_map, t) for t in thresholds]
    curves = {"threshold": thresholds}
    for name in ("tp", "fp", "fn"):
        curves[name] = np.array([row[name] for row in rows], dtype=np.int64)
    for name in ("precision", "recall", "cell_ap"):
        curves[name] = np.array([row[name] for row in rows], dtype=np.float64)
    target = check_instance_map(to_numpy(instance_map, "instance_map"), "instance_map")
    ids = np.unique(target)
    stack = target == ids[ids > 0][:, None, None]
    result = mean_average_precision([{"masks": prediction.masks, "scores": prediction.scores}],
                                    [{"masks": stack}], iou_thresholds=thresholds)
    curves["ap"] = result["ap"][:, 0]
    return curves


def panoptic_prediction(prediction, target_panoptic, *, things):
    """A panoptic map predicted from an :class:`ObjectPrediction` and the true stuff.

    Stuff is predicted right wherever the target has stuff; under a true
    object, each pixel takes the stuff category of the nearest stuff pixel
    (the model sees no object there). Then every predicted object is painted
    with its category and instance id ``k + 1``, the more confident on top.

    Parameters
    ----------
    prediction : ObjectPrediction
    target_panoptic : array_like
        ``(H, W, 2)`` integer panoptic map: ``[..., 0]`` category,
        ``[..., 1]`` instance id.
    things : collection of int
        The thing categories; every other category of the target is stuff.

    Returns
    -------
    numpy.ndarray
        ``(H, W, 2)`` int64 panoptic map.

    Raises
    ------
    ValueError
        A map that is not ``(H, W, 2)`` or whose size differs from the
        prediction's; a target with no stuff pixel.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[[0, 0], [1, 1], [1, 1], [0, 0]]])  # stuff 0, thing 1
    >>> prediction = predict_objects(target[..., 1], errors=("missed",))  # no object found
    >>> panoptic_prediction(prediction, target, things=[1])[..., 0]  # stuff fills its place
    array([[0, 0, 0, 0]])
    """
    from scipy import ndimage

    from ._validation import check_panoptic_map

    if not isinstance(prediction, ObjectPrediction):
        raise argument_error("prediction", "an ObjectPrediction (from predict_objects)",
                             describe(prediction), type_error=True)
    target = check_panoptic_map(to_numpy(target_panoptic, "target_panoptic"), "target_panoptic")
    if target.ndim != 3 or target.shape[:2] != prediction.masks.shape[1:]:
        raise argument_error("target_panoptic", f"an (H, W, 2) map of the prediction's size "
                             f"{prediction.masks.shape[1:]}", target)
    things = [int(t) for t in things]
    is_stuff = ~np.isin(target[..., 0], things)
    if not is_stuff.any():
        raise argument_error("target_panoptic", "at least one stuff pixel", "things only")
    _, nearest = ndimage.distance_transform_edt(~is_stuff, return_indices=True)
    result = np.zeros(target.shape, dtype=np.int64)
    result[..., 0] = target[..., 0][nearest[0], nearest[1]]
    for k in np.argsort(prediction.scores, kind="mergesort"):
        result[prediction.masks[k]] = (prediction.labels[k], k + 1)
    return result
