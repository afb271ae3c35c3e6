r"""Boundary scores of binary masks: Hausdorff distance, HD95, surface distance, surface Dice.

Chapter 04 ("pixel scores", its part on boundary scores) teaches these: two
masks can overlap well (high Dice) and still have boundaries far apart, for
example when a small stray blob is predicted far from the object. Boundary
scores measure that distance in pixels, or in millimetres with ``spacing``.

Definitions shared by every function here
-----------------------------------------
- The boundary of a mask is the mask minus its erosion by the cross-shaped
  (face-connected) structuring element, with everything outside the image
  counted as background. A mask pixel on the image border is therefore a
  boundary pixel. This is MONAI's convention (``get_mask_edges``, which calls
  ``scipy.ndimage.binary_erosion``), so the values agree with MONAI.
- Distances are Euclidean between pixel centres, scaled per axis by
  ``spacing``; each boundary pixel of one mask is paired with the nearest
  boundary pixel of the other (a k-d tree over the boundary pixels, as
  MONAI does on the CPU).
- Empty masks: both empty gives a distance of 0 (nothing to disagree on);
  exactly one empty gives ``empty_penalty`` (``inf`` by default).
- Masks are 2-D images or 3-D volumes. An axis of length 1 is taken at its
  word: a ``(1, H, W)`` array is a volume one slice deep, whose every mask
  pixel lies on the volume's surface (the neighbours above and below it are
  outside), so its scores differ from those of the ``(H, W)`` image. Such a
  mask gives a :class:`SingletonAxisWarning` naming the axis; squeeze it
  (``mask[0]``) for an image. Likewise a batch ``(N, H, W)`` of images is
  read as one volume, whose neighbouring images are adjacent slices: score
  the images one by one (``[hausdorff_distance(p, t) for p, t in zip(pred,
  target)]``). A 3-D mask scored without ``spacing`` gives a
  :class:`VolumeWarning` saying so; passing the voxel size (``spacing=1``
  for voxel units) states that it is a volume and silences it. Only that
  case warns: a real volume needs its spacing anyway (distances in voxels of
  an anisotropic scan mislead), while a batch never comes with one.
- Thresholds at their exact boundary: a distance that equals the surface-Dice
  ``tolerance`` counts as within it even when floating point rounds it
  slightly above (3 pixels of 0.1 mm are 0.30000000000000004 mm): distances
  within a relative 1e-9 of the tolerance count as equal to it. A percentile
  whose rank :math:`q (n - 1) / 100` is a whole number (up to the same
  rounding) is exactly that order statistic.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from segcourse._validation import check_mask, check_number, check_same_shape
from segcourse._warnings import (
    PercentileWarning,
    SingletonAxisWarning,
    VolumeWarning,
    warn,
)
from segcourse.metrics._common import check_spacing, check_zero_division

__all__ = [
    "mask_boundary",
    "surface_distances",
    "hausdorff_distance",
    "average_surface_distance",
    "surface_dice",
]


# Distances within this relative amount of a tolerance count as equal to it: far
# above the rounding of a distance (a few ulp of the largest coordinate, about
# 1e-12 relative for images of 10^4 pixels a side), far below any real difference.
_RELATIVE_SLACK = 1e-9


def _warn_singleton_axes(shape, name):
    axes = [axis for axis, length in enumerate(shape) if length == 1]
    if not axes:
        return
    axis = axes[0]
    if len(shape) == 3:
        what = f"a 3-D volume one pixel thick along axis {axis}, not a 2-D image"
        fix = f" (for an image pass `np.squeeze({name}, axis={axis})`)"
    else:
        what = f"a 2-D image one pixel thick along axis {axis}"
        fix = ""
    warn(f"`{name}` has shape {tuple(shape)}: axis {axis} has length 1, so it is read as "
         f"{what}; every mask pixel then lies on the boundary, since the pixels beyond it "
         f"along that axis are outside{fix}.", SingletonAxisWarning)


def _warn_volume_without_spacing(shape, function):
    """A 3-D mask scored without ``spacing``: a batch of images read as one volume?

    Only 3-D masks given without ``spacing`` warn: a batch ``(N, H, W)`` comes
    without one, while a real volume needs its voxel size for a distance in
    millimetres, so passing ``spacing`` (``spacing=1`` for voxel units)
    silences the warning and says which was meant.
    """
    if len(shape) != 3 or 1 in shape:  # an axis of length 1 has a warning of its own
        return
    call = f"{function}(p, t{', tolerance=...' if function == 'surface_dice' else ''})"
    warn(f"`pred` has shape {tuple(shape)} and is scored as one 3-D volume: its "
         f"{shape[0]} slices along axis 0 are neighbours, so if they are a batch of "
         "images, the objects of one image count as near those of the next. For a batch, "
         f"score each image: `[{call} for p, t in zip(pred, target)]`. For a "
         "volume, pass its voxel size, `spacing=(dz, dy, dx)` (`spacing=1` for voxel "
         "units), which also silences this warning.", VolumeWarning)


def _prepare(pred, target, spacing=None, function=None):
    """Checked masks; ``function`` (a score's name) warns for 3-D masks without ``spacing``."""
    pred = check_mask(pred, "pred", ndims=(2, 3))
    target = check_mask(target, "target", ndims=(2, 3))
    check_same_shape(pred, target, "pred", "target")
    _warn_singleton_axes(pred.shape, "pred")
    if function is not None and spacing is None:
        _warn_volume_without_spacing(pred.shape, function)
    return pred, target


def _within(distances: np.ndarray, tolerance: float) -> np.ndarray:
    """``distances <= tolerance``, a distance rounded just above the tolerance included."""
    return distances <= tolerance * (1.0 + _RELATIVE_SLACK)


def _percentile(distances: np.ndarray, percentile: float) -> float:
    """``np.percentile`` (linear), exact where the rank q (n - 1) / 100 is a whole number."""
    rank = percentile * (distances.size - 1) / 100.0
    nearest = round(rank)
    if abs(rank - nearest) <= _RELATIVE_SLACK * max(1.0, rank):
        return float(np.partition(distances, nearest)[nearest])
    return float(np.percentile(distances, percentile))


def _boundary(mask: np.ndarray) -> np.ndarray:
    """Mask minus its erosion by the face-connected cross; outside the array is background."""
    padded = np.pad(mask, 1)
    interior = mask.copy()
    for axis in range(mask.ndim):
        for start in (0, 2):  # the neighbour before and after along this axis
            window = [slice(1, -1)] * mask.ndim
            window[axis] = slice(start, start + mask.shape[axis])
            interior &= padded[tuple(window)]
    return mask & ~interior


def _bounding_box(mask: np.ndarray):
    box = []
    for axis in range(mask.ndim):
        others = tuple(a for a in range(mask.ndim) if a != axis)
        present = np.flatnonzero(mask.any(axis=others))
        box.append(slice(present[0], present[-1] + 1))
    return tuple(box)


def _points(mask: np.ndarray, spacing: np.ndarray) -> np.ndarray:
    """``np.argwhere(mask) * spacing``: the coordinates of the True pixels, in that order.

    ``np.flatnonzero`` and a division of the few indices found are several
    times faster than ``np.argwhere``, which walks every pixel once per axis.
    """
    flat = np.flatnonzero(mask)
    return np.stack(np.unravel_index(flat, mask.shape), axis=-1) * spacing


def _distances(pred, target, spacing):
    """Directed boundary distances (pred to target, target to pred) of two non-empty masks."""
    # Only the bounding box of both masks matters: every boundary pixel is inside it.
    box = _bounding_box(pred | target)
    pred_points = _points(_boundary(pred[box]), spacing)
    target_points = _points(_boundary(target[box]), spacing)
    pred_to_target = cKDTree(target_points, leafsize=32).query(pred_points)[0]
    target_to_pred = cKDTree(pred_points, leafsize=32).query(target_points)[0]
    return pred_to_target, target_to_pred


def mask_boundary(mask):
    """Boundary pixels of a binary mask: the mask minus its erosion.

    Parameters
    ----------
    mask : array_like or torch.Tensor
        A 2-D or 3-D boolean mask (or an array of 0 and 1). A 3-D array is
        one volume: the boundary of a batch ``(N, H, W)`` of images read as a
        volume differs from theirs (each image's neighbours along axis 0 are
        the images before and after it). For a batch take the boundary of
        each image: ``np.stack([mask_boundary(m) for m in masks])``.

    Returns
    -------
    numpy.ndarray
        Boolean array of the same shape, True on the boundary.

    Warns
    -----
    SingletonAxisWarning
        An axis has length 1: a ``(1, H, W)`` mask is a volume one slice deep,
        all of whose pixels are boundary pixels (see the module docstring).

    Notes
    -----
    The erosion uses the face-connected cross (4 neighbours in 2-D, 6 in 3-D)
    and treats everything outside the array as background, so mask pixels on
    the image border belong to the boundary. This matches
    ``mask ^ scipy.ndimage.binary_erosion(mask)``, which MONAI uses.

    Examples
    --------
    >>> import numpy as np
    >>> mask = np.zeros((5, 5), bool); mask[1:4, 1:4] = True
    >>> mask_boundary(mask).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 0, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """
    mask = check_mask(mask, "mask", ndims=(2, 3))
    _warn_singleton_axes(mask.shape, "mask")
    return _boundary(mask)


def surface_distances(pred, target, *, spacing=None):
    r"""Distance of every boundary pixel of each mask to the other mask's boundary.

    .. math:: d(p, \partial T) = \min_{t \in \partial T} \lVert (p - t) \odot s \rVert_2

    for each :math:`p \in \partial P` (and the same from :math:`\partial T`
    to :math:`\partial P`), with :math:`s` the pixel spacing.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        2-D or 3-D binary masks of the same shape: boolean, or numbers (any
        dtype, float16 and bfloat16 tensors included) holding only 0 and 1
        (convert 0/255 masks with ``mask > 0``). An axis of length 1 gives a
        :class:`SingletonAxisWarning`.
        A 3-D array is one volume: a batch ``(N, H, W)`` of images is read
        as a volume whose neighbouring images are adjacent slices (an object
        of one image is then near those of the next, and a pixel inside an
        object is a boundary pixel wherever the next image is background),
        which changes every distance. Score a batch image by image:
        ``[surface_distances(p, t) for p, t in zip(pred, target)]``.
        A 3-D mask without ``spacing`` gives a :class:`VolumeWarning`.
    spacing : float or sequence of float, optional
        Size of a pixel along each axis (for example millimetres); one number
        for isotropic pixels. Default 1. Giving it for a 3-D volume
        (``spacing=1`` for voxel units) silences the :class:`VolumeWarning`.

    Returns
    -------
    pred_to_target, target_to_pred : numpy.ndarray
        One distance per boundary pixel of ``pred`` (resp. ``target``), in
        the order of ``np.argwhere`` on the boundary.

    Warns
    -----
    VolumeWarning
        3-D masks without ``spacing``: a batch of images would be scored as
        one volume (see ``pred, target``).
    SingletonAxisWarning
        An axis of length 1 (a volume one slice deep).

    Notes
    -----
    If the other mask is empty every distance is ``inf``; the boundary of an
    empty mask has no pixels, so its array is empty. Every boundary score of
    this module is a summary of these two arrays: the maximum (Hausdorff), a
    percentile (HD95), the mean (average surface distance) or the fraction
    within a tolerance (surface Dice).

    Examples
    --------
    >>> import numpy as np
    >>> target = np.zeros((4, 6), bool); target[1:3, 1:3] = True
    >>> pred = np.zeros((4, 6), bool); pred[1:3, 2:5] = True
    >>> pred_to_target, target_to_pred = surface_distances(pred, target)
    >>> pred_to_target
    array([0., 1., 2., 0., 1., 2.])
    >>> target_to_pred
    array([1., 0., 1., 0.])
    """
    pred, target = _prepare(pred, target, spacing, "surface_distances")
    spacing = check_spacing(spacing, pred.ndim)
    pred_any, target_any = pred.any(), target.any()
    if pred_any and target_any:
        return _distances(pred, target, spacing)
    pred_count = np.count_nonzero(_boundary(pred)) if pred_any else 0
    target_count = np.count_nonzero(_boundary(target)) if target_any else 0
    return np.full(pred_count, np.inf), np.full(target_count, np.inf)


def _check_empty_penalty(empty_penalty):
    return check_number(empty_penalty, "empty_penalty", low=0, allow_inf=True)


def _distances_or_empty_value(pred, target, spacing, empty_penalty, function):
    """Boundary distances both ways, or the value of the empty-mask rule.

    Both masks empty: 0.0; one empty: ``empty_penalty``; otherwise the pair
    ``(pred_to_target, target_to_pred)`` of :func:`_distances`.
    """
    pred, target = _prepare(pred, target, spacing, function)
    spacing = check_spacing(spacing, pred.ndim)
    pred_any, target_any = pred.any(), target.any()
    if not pred_any and not target_any:
        return 0.0
    if not pred_any or not target_any:
        return empty_penalty
    return _distances(pred, target, spacing)


def hausdorff_distance(pred, target, *, percentile=None, spacing=None, empty_penalty=np.inf):
    r"""Symmetric Hausdorff distance between the boundaries of two masks (HD, HD95).

    .. math:: \mathrm{HD} = \max\left( \max_{p \in \partial P} d(p, \partial T),\;
              \max_{t \in \partial T} d(t, \partial P) \right)

    With ``percentile=q`` each maximum is replaced by the q-th percentile of
    the directed distances (linear interpolation, as ``np.percentile``);
    ``percentile=95`` is the robust HD95, which ignores the 5 % worst
    boundary pixels of each mask.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        2-D or 3-D binary masks of the same shape: boolean, or numbers (any
        dtype, float16 and bfloat16 tensors included) holding only 0 and 1.
        An axis of length 1 gives a :class:`SingletonAxisWarning`.
        A 3-D array is one volume: a batch ``(N, H, W)`` of images is read
        as a volume whose neighbouring images are adjacent slices (an object
        of one image is then near those of the next, and a pixel inside an
        object is a boundary pixel wherever the next image is background),
        which changes every distance. Score a batch image by image:
        ``[hausdorff_distance(p, t) for p, t in zip(pred, target)]``.
        A 3-D mask without ``spacing`` gives a :class:`VolumeWarning`.
    percentile : float, optional
        Percentile in [0, 100] (not a fraction: 95 for HD95) of each directed
        distance set; None for the maximum (the classical Hausdorff
        distance). A value between 0 and 1 gives a :class:`PercentileWarning`.
    spacing : float or sequence of float, optional
        Pixel size along each axis (anisotropic voxels, millimetres); default
        1. Giving it for a 3-D volume (``spacing=1`` for voxel units)
        silences the :class:`VolumeWarning`.
    empty_penalty : float, default inf
        Returned when exactly one mask is empty. A finite value, such as the
        image diagonal, keeps a mean over images finite.

    Returns
    -------
    float
        In the units of ``spacing``.

    Warns
    -----
    VolumeWarning
        3-D masks without ``spacing``: a batch of images would be scored as
        one volume (see ``pred, target``).
    SingletonAxisWarning
        An axis of length 1 (a volume one slice deep).
    PercentileWarning
        ``percentile`` between 0 and 1 (95 is meant, not 0.95).

    Notes
    -----
    - Both masks empty: 0.0 (the masks agree). MONAI returns NaN there.
    - Exactly one mask empty: ``empty_penalty`` (``inf`` by default, as
      MONAI and scikit-image). Do not average this case away as NaN:
      a model that predicts nothing on a hard image would then drop that
      image from its mean and score *better* than a model that tried and
      was somewhat off, so missing objects would be rewarded. Keep ``inf``
      (the mean becomes ``inf`` and tells you so) or set a finite penalty
      no smaller than any real error, such as the image diagonal.
    - HD95 follows MONAI: the larger of the two directed 95th percentiles.
      Some tools instead take one percentile of both distance sets pooled,
      which gives a (slightly) different number.
    - Percentiles at their exact boundary: between two order statistics the
      value is interpolated linearly (numpy's default, and MONAI's
      ``torch.quantile``); where the rank :math:`q (n - 1) / 100` of
      :math:`n` distances is a whole number, the result is exactly that
      order statistic. ``np.percentile`` and ``torch.quantile`` can miss it
      by a rounding error there (for example ``q=99.9`` of 1001 distances).
      ``percentile=0`` is the smallest distance and ``100`` the largest.
    - Boundaries and distances are defined in the module docstring.

    References
    ----------
    .. [1] D. P. Huttenlocher, G. A. Klanderman and W. J. Rucklidge,
       "Comparing images using the Hausdorff distance", IEEE TPAMI 15, 1993.
    .. [2] MONAI, ``monai.metrics.compute_hausdorff_distance``.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.zeros((8, 8), bool); target[2:5, 2:5] = True
    >>> pred = target.copy(); pred[7, 7] = True  # a stray pixel far away
    >>> hausdorff_distance(pred, target)  # from (7, 7) to the corner (4, 4)
    4.243
    >>> hausdorff_distance(pred, target, percentile=95)
    2.546
    >>> hausdorff_distance(np.zeros((8, 8), bool), target)  # a missed object
    inf
    """
    percentile = check_number(percentile, "percentile", low=0, high=100, allow_none=True)
    if percentile is not None and 0 < percentile < 1:
        warn(f"percentile={percentile:g} asks for the {percentile:g}th percentile on a scale "
             "of 0 to 100, close to the smallest distance, not for a fraction of the "
             f"distances; for HD95 pass percentile=95 (here percentile={100 * percentile:g}).",
             PercentileWarning)
    empty_penalty = _check_empty_penalty(empty_penalty)
    distances = _distances_or_empty_value(pred, target, spacing, empty_penalty,
                                          "hausdorff_distance")
    if not isinstance(distances, tuple):
        return distances
    pred_to_target, target_to_pred = distances
    if percentile is None:
        return float(max(pred_to_target.max(), target_to_pred.max()))
    return max(_percentile(pred_to_target, percentile), _percentile(target_to_pred, percentile))


def average_surface_distance(pred, target, *, spacing=None, empty_penalty=np.inf):
    r"""Average symmetric surface distance (ASSD) between two masks.

    .. math:: \mathrm{ASSD} = \frac{\sum_{p \in \partial P} d(p, \partial T)
              + \sum_{t \in \partial T} d(t, \partial P)}{|\partial P| + |\partial T|}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        2-D or 3-D binary masks of the same shape: boolean, or numbers (any
        dtype, float16 and bfloat16 tensors included) holding only 0 and 1.
        An axis of length 1 gives a :class:`SingletonAxisWarning`.
        A 3-D array is one volume: a batch ``(N, H, W)`` of images is read
        as a volume whose neighbouring images are adjacent slices (an object
        of one image is then near those of the next, and a pixel inside an
        object is a boundary pixel wherever the next image is background),
        which changes every distance. Score a batch image by image:
        ``[average_surface_distance(p, t) for p, t in zip(pred, target)]``.
        A 3-D mask without ``spacing`` gives a :class:`VolumeWarning`.
    spacing : float or sequence of float, optional
        Pixel size along each axis; default 1. Giving it for a 3-D volume
        silences the :class:`VolumeWarning`.
    empty_penalty : float, default inf
        Returned when exactly one mask is empty.

    Returns
    -------
    float

    Warns
    -----
    VolumeWarning
        3-D masks without ``spacing``: a batch of images would be scored as
        one volume (see ``pred, target``).
    SingletonAxisWarning
        An axis of length 1 (a volume one slice deep).

    Notes
    -----
    - The mean is over the boundary pixels of both masks pooled, as MONAI's
      ``compute_average_surface_distance(symmetric=True)``. Some authors
      average the two directed means instead, which weighs a short boundary
      as much as a long one.
    - Both masks empty: 0.0 (MONAI: NaN). Exactly one empty:
      ``empty_penalty`` (MONAI: inf); see :func:`hausdorff_distance` for why
      this must not become NaN.

    References
    ----------
    .. [1] T. Heimann et al., "Comparison and evaluation of methods for liver
       segmentation from CT datasets", IEEE TMI 28, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.zeros((4, 6), bool); target[1:3, 1:3] = True
    >>> pred = np.zeros((4, 6), bool); pred[1:3, 2:5] = True
    >>> average_surface_distance(pred, target)  # (0+1+2+0+1+2 + 1+0+1+0) / 10
    0.8
    """
    empty_penalty = _check_empty_penalty(empty_penalty)
    distances = _distances_or_empty_value(pred, target, spacing, empty_penalty,
                                          "average_surface_distance")
    if not isinstance(distances, tuple):
        return distances
    pred_to_target, target_to_pred = distances
    total = pred_to_target.sum() + target_to_pred.sum()
    return float(total / (pred_to_target.size + target_to_pred.size))


def surface_dice(pred, target, *, tolerance, spacing=None, zero_division=np.nan):
    r"""Surface Dice (normalised surface distance): boundary within a tolerance.

    .. math:: \mathrm{NSD}_\tau = \frac{|\{p \in \partial P : d(p, \partial T) \le \tau\}|
              + |\{t \in \partial T : d(t, \partial P) \le \tau\}|}
              {|\partial P| + |\partial T|}

    The fraction of both boundaries that lies within ``tolerance`` of the
    other boundary: 1 when every boundary pixel is close enough.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        2-D or 3-D binary masks of the same shape: boolean, or numbers (any
        dtype, float16 and bfloat16 tensors included) holding only 0 and 1.
        An axis of length 1 gives a :class:`SingletonAxisWarning`.
        A 3-D array is one volume: a batch ``(N, H, W)`` of images is read
        as a volume whose neighbouring images are adjacent slices (an object
        of one image is then near those of the next, and a pixel inside an
        object is a boundary pixel wherever the next image is background),
        which changes every distance. Score a batch image by image:
        ``[surface_dice(p, t, tolerance=tolerance) for p, t in zip(pred, target)]``.
        A 3-D mask without ``spacing`` gives a :class:`VolumeWarning`.
    tolerance : float
        Accepted deviation :math:`\tau \ge 0`, in the units of ``spacing``
        (for example the inter-rater variation of the task).
    spacing : float or sequence of float, optional
        Pixel size along each axis; default 1. Giving it for a 3-D volume
        silences the :class:`VolumeWarning`.
    zero_division : float, default np.nan
        Returned when both masks are empty (0/0).

    Returns
    -------
    float
        In [0, 1].

    Warns
    -----
    VolumeWarning
        3-D masks without ``spacing``: a batch of images would be scored as
        one volume (see ``pred, target``).
    SingletonAxisWarning
        An axis of length 1 (a volume one slice deep).

    Notes
    -----
    - Boundary lengths are counted in pixels (MONAI's
      ``compute_surface_dice`` with ``use_subvoxels=False``); DeepMind's
      ``surface-distance`` package weighs each boundary element by its area.
    - Both masks empty: ``zero_division`` (NaN, as MONAI). Exactly one empty:
      0.0 (as MONAI); it is a bounded score, so no penalty is needed.
    - A distance equal to the tolerance counts as within it, also when
      floating point rounds the computed distance slightly above: two
      boundary pixels 3 pixels apart at ``spacing=0.1`` are
      0.30000000000000004 apart in float64, and count as within
      ``tolerance=0.3``. Distances within a relative 1e-9 of the tolerance
      count as equal to it. MONAI's ``compute_surface_dice`` counts
      :math:`d \le \tau` too, and gives the same value on that example.

    References
    ----------
    .. [1] S. Nikolov et al., "Clinically applicable segmentation of head and
       neck anatomy for radiotherapy", J. Med. Internet Res. 23, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.zeros((4, 6), bool); target[1:3, 1:3] = True
    >>> pred = np.zeros((4, 6), bool); pred[1:3, 2:5] = True
    >>> surface_dice(pred, target, tolerance=1)  # 8 of the 10 boundary pixels
    0.8
    """
    tolerance = check_number(tolerance, "tolerance", low=0)
    zero_division = check_zero_division(zero_division)
    pred, target = _prepare(pred, target, spacing, "surface_dice")
    spacing = check_spacing(spacing, pred.ndim)
    pred_any, target_any = pred.any(), target.any()
    if not pred_any and not target_any:
        return float(zero_division)
    if not pred_any or not target_any:
        return 0.0
    pred_to_target, target_to_pred = _distances(pred, target, spacing)
    within = (np.count_nonzero(_within(pred_to_target, tolerance))
              + np.count_nonzero(_within(target_to_pred, tolerance)))
    return float(within / (pred_to_target.size + target_to_pred.size))
