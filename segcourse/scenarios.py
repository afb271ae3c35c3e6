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

import numpy as np

from ._validation import argument_error, check_int, check_number, describe
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
