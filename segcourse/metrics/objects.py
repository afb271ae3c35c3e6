r"""Object scores: IoU between instances, matching, average precision and COCO mAP.

Chapter 05 ("object scores") teaches these: an instance segmentation is
scored object by object. Each predicted object is matched to at most one
target object when their IoU reaches a threshold; matched pairs are true
positives, unmatched predictions false positives, unmatched targets false
negatives. Sorting the predictions by confidence gives a precision-recall
curve, its area the average precision (AP), and COCO's mAP averages AP over
categories and over IoU thresholds 0.50, 0.55, ..., 0.95.

Formats
-------
- A set of instances is either a boolean stack ``(K, H, W)`` (or
  ``(K, D, H, W)``), one mask per instance, or an integer instance map
  ``(H, W)`` (or ``(D, H, W)``) where 0 is background and each object has its
  own id; the instances of a map are taken in increasing id order. The
  dtype tells them apart: a 3-D array that is not boolean is an instance
  map, so a stack of 0/1 numbers is one volume with one object
  (:class:`MaskStackWarning`); pass stacks as ``masks.astype(bool)``.
- For AP and mAP, one dict per image: predictions
  ``{"masks": (K, H, W) bool, "scores": (K,), "labels": (K,)}`` and targets
  ``{"masks": (M, H, W) bool, "labels": (M,)}``. Labels may be left out
  everywhere when there is only one category. Instead of ``"masks"`` a dict
  may hold the instance map itself, ``{"instances": (H, W) int, "scores":
  (K,), "labels": (K,)}``: its ids in increasing order are the K instances
  (``"ids"`` names them in another order, or lists ids that the map lost).
- Two instance maps are compared without any boolean stack: one joint
  histogram of their ids gives every intersection and area at once, in
  memory no larger than the maps themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from segcourse._validation import (
    argument_error,
    check_choice,
    check_instance_map,
    check_label_map,
    check_mask,
    check_ndim,
    check_number,
    check_positive_int,
    describe,
    mask_hint,
    some_values,
    to_numpy,
)
from segcourse._warnings import MaskStackWarning, warn

__all__ = [
    "iou_matrix",
    "InstanceMatches",
    "match_instances",
    "average_precision",
    "mean_average_precision",
    "ranked_detections",
    "cell_average_precision",
    "COCO_IOU_THRESHOLDS",
    "COCO_RECALL_THRESHOLDS",
]

#: COCO's IoU thresholds 0.50:0.05:0.95 (computed exactly as pycocotools does).
COCO_IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1,
                                  endpoint=True)
#: COCO's 101 recall points 0.00:0.01:1.00 of the interpolated precision.
COCO_RECALL_THRESHOLDS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1,
                                     endpoint=True)


# ---------------------------------------------------------------------------
# Instances and their IoU
# ---------------------------------------------------------------------------

def _check_same_spatial_shape(shape_a, shape_b, name_a, name_b):
    if tuple(shape_a) != tuple(shape_b):
        raise ValueError(f"Expected arguments `{name_a}` and `{name_b}` to cover images of the "
                         f"same shape, but got {tuple(shape_a)} and {tuple(shape_b)}.")


def _warn_if_mask_stack(array: np.ndarray, name: str) -> None:
    """Warn when a 3-D non-boolean array of 0 and 1 is read as one instance map.

    A ``(K, H, W)`` stack of masks stored as numbers (``(probs > 0.5).float()``,
    uint8) looks exactly like the instance map of a ``(D, H, W)`` volume holding
    one object (id 1). Read as a map it gives one instance where
    :func:`mean_average_precision` sees K; nothing in the data tells the two
    apart, so the reading is announced. One slice (K = 1) reads the same both ways.
    """
    if array.ndim != 3 or len(array) < 2 or not array.size:
        return
    if array.max() > 1:  # an instance map with several ids (the usual case): one pass
        return
    if not np.isin(array, (0, 1)).all():
        return
    warn(f"`{name}` is a 3-D {array.dtype} array of shape {array.shape} holding only 0 and "
         "1, so it is read as the instance map of one (D, H, W) volume with a single object "
         f"(id 1), not as a stack of {len(array)} masks (K, H, W) as mean_average_precision "
         f"reads it. For a stack of masks pass `{name}.astype(bool)` (a tensor: "
         f"`{name}.bool()`); for a volume with one object pass `{name}[None].astype(bool)`, "
         "which also silences this warning.", MaskStackWarning)


def _bounding_boxes(masks: np.ndarray):
    """Start (inclusive) and stop (exclusive) of each mask along each axis; empty: start > stop."""
    count, spatial = len(masks), masks.shape[1:]
    starts = np.full((count, len(spatial)), np.iinfo(np.int64).max // 2, dtype=np.int64)
    stops = np.zeros((count, len(spatial)), dtype=np.int64)
    # One pass over the stack finds the extent along the first axis; the other
    # axes are then searched only inside that slab.
    first_axis = masks.any(axis=tuple(range(2, masks.ndim)))
    for k in range(count):
        present = np.flatnonzero(first_axis[k])
        if present.size == 0:
            continue
        starts[k, 0], stops[k, 0] = present[0], present[-1] + 1
        slab = masks[k, present[0]:present[-1] + 1]
        for axis in range(1, len(spatial)):
            present = np.flatnonzero(slab.any(axis=tuple(a for a in range(len(spatial))
                                                          if a != axis)))
            starts[k, axis], stops[k, axis] = present[0], present[-1] + 1
    return starts, stops


def _ious_from_counts(intersection, pred_area, target_area):
    union = pred_area[:, None] + target_area[None, :] - intersection
    out = np.zeros(intersection.shape)
    np.divide(intersection, union, out=out, where=union > 0)
    return out


def _pair_ious_dense(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """IoU by one matrix product of the flattened masks (many overlapping pairs)."""
    pixels = int(np.prod(pred.shape[1:]))
    pred = pred.reshape(len(pred), pixels)
    target = target.reshape(len(target), pixels)
    # Only pixels covered by some instance contribute: keep just those columns.
    support = np.flatnonzero(pred.any(axis=0) | target.any(axis=0))
    # Sums of 0/1 values are exact in float32 up to 2**24 terms.
    dtype = np.float32 if support.size <= 2 ** 24 else np.float64
    pred = np.take(pred, support, axis=1).astype(dtype)
    target = np.take(target, support, axis=1).astype(dtype)
    intersection = np.rint(pred @ target.T).astype(np.int64)
    pred_area = np.rint(pred.sum(axis=1)).astype(np.int64)
    target_area = np.rint(target.sum(axis=1)).astype(np.int64)
    return _ious_from_counts(intersection, pred_area, target_area)


def _pair_ious(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """IoU (K, M) of two boolean stacks with the same spatial shape."""
    if len(pred) == 0 or len(target) == 0:
        return np.zeros((len(pred), len(target)))
    pred_start, pred_stop = _bounding_boxes(pred)
    target_start, target_stop = _bounding_boxes(target)
    low = np.maximum(pred_start[:, None], target_start[None, :])
    high = np.minimum(pred_stop[:, None], target_stop[None, :])
    pred_index, target_index = np.nonzero((low < high).all(axis=-1))
    if len(pred_index) > 4 * (len(pred) + len(target)) + 16:
        return _pair_ious_dense(pred, target)
    # Few pairs overlap (the usual case): count each inside its common bounding box.
    def area(masks, start, stop):
        return np.array([np.count_nonzero(m[tuple(map(slice, a, b))]) if (a < b).all() else 0
                         for m, a, b in zip(masks, start, stop, strict=True)], dtype=np.int64)

    intersection = np.zeros((len(pred), len(target)), dtype=np.int64)
    for k, j in zip(pred_index, target_index, strict=True):
        region = tuple(map(slice, low[k, j], high[k, j]))
        intersection[k, j] = np.count_nonzero(pred[k][region] & target[j][region])
    return _ious_from_counts(intersection, area(pred, pred_start, pred_stop),
                             area(target, target_start, target_stop))


@dataclass(frozen=True, eq=False)
class _InstanceMap:
    """A checked integer instance map and the ids that are its instances, in order.

    Instance ``k`` is the set of pixels equal to ``ids[k]``; pixels of other
    values (0, the background, and any id not listed) belong to no instance.
    """

    array: np.ndarray
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def spatial_shape(self) -> tuple:
        return self.array.shape

    def stack(self) -> np.ndarray:
        """The boolean stack ``(K, *spatial)``: what the map stands for, built in full."""
        return self.array[None] == self.ids.reshape((-1,) + (1,) * self.array.ndim)


# Pixels per chunk of the joint histogram of two instance maps: its int64 index
# (512 KB) stays in the cache, and memory stays near the maps' own size.
_OVERLAP_CHUNK = 1 << 16


def _table_limit(size: int) -> int:
    """The largest id that gets a lookup table: at most 2 bytes a pixel (or 512 KB)."""
    return max(size // 4, 1 << 16)


def _id_table(values: np.ndarray, ids: np.ndarray):
    """How to turn map values into instance numbers ``1..K`` (0: no instance).

    None when the ids are ``1..K`` and nothing above K occurs (a value is its
    own number, the usual case); else a lookup table indexed by the value,
    or, for ids too large for a table, the ids sorted with their positions.
    """
    count = len(ids)
    largest = int(values.max()) if values.size else 0
    if largest <= count and np.array_equal(ids, np.arange(1, count + 1)):
        return None
    if largest <= _table_limit(values.size):
        table = np.zeros(largest + 1, dtype=np.int64)
        inside = ids <= largest
        table[ids[inside]] = np.flatnonzero(inside) + 1
        return table
    order = np.argsort(ids, kind="stable")
    return ids[order], order + 1


def _instance_numbers(values: np.ndarray, table, out: np.ndarray) -> np.ndarray:
    """Write the instance number (``1..K``, 0 for none) of each value into ``out``."""
    if table is None:
        np.copyto(out, values, casting="unsafe")
    elif isinstance(table, np.ndarray):
        np.take(table, values, out=out)
    else:
        sorted_ids, numbers = table
        position = np.minimum(np.searchsorted(sorted_ids, values), len(sorted_ids) - 1)
        found = sorted_ids[position] == values
        np.copyto(out, np.where(found, numbers[position], 0))
    return out


def _map_overlaps(pred: _InstanceMap, target: _InstanceMap):
    """Intersections ``(K, M)`` and areas ``(K,)``, ``(M,)`` of two instance maps.

    One joint histogram of the instance numbers of both maps, counted in
    chunks: no boolean stack, and no array larger than a chunk besides the
    ``(K + 1) x (M + 1)`` counts.
    """
    pred_values = pred.array.reshape(-1)
    target_values = target.array.reshape(-1)
    if len(pred.ids) == 0 or len(target.ids) == 0:  # no pair: areas from one count each
        return (np.zeros((len(pred.ids), len(target.ids)), dtype=np.int64),
                _map_areas(pred), _map_areas(target))
    pred_table = _id_table(pred_values, pred.ids)
    target_table = _id_table(target_values, target.ids)
    width = len(target.ids) + 1
    bins = (len(pred.ids) + 1) * width
    joint = np.zeros(bins, dtype=np.int64)
    size = pred_values.size
    index = np.empty(min(size, _OVERLAP_CHUNK), dtype=np.int64)
    other = np.empty_like(index)
    for start in range(0, size, _OVERLAP_CHUNK):
        stop = min(start + _OVERLAP_CHUNK, size)
        rows = _instance_numbers(pred_values[start:stop], pred_table, index[:stop - start])
        columns = _instance_numbers(target_values[start:stop], target_table,
                                    other[:stop - start])
        np.multiply(rows, width, out=rows)
        np.add(rows, columns, out=rows)
        if bins <= 4 * (stop - start):
            joint += np.bincount(rows, minlength=bins)
        else:  # many instances: no full-size count per chunk
            np.add.at(joint, rows, 1)
    joint = joint.reshape(-1, width)
    return joint[1:, 1:], joint[1:].sum(axis=1), joint[:, 1:].sum(axis=0)


def _map_areas(instances: _InstanceMap) -> np.ndarray:
    """Pixels of each instance of a map."""
    if len(instances.ids) == 0:
        return np.zeros(0, dtype=np.int64)
    values = instances.array.reshape(-1)
    table = _id_table(values, instances.ids)
    counts = np.zeros(len(instances.ids) + 1, dtype=np.int64)
    numbers = np.empty(min(values.size, _OVERLAP_CHUNK), dtype=np.int64)
    for start in range(0, values.size, _OVERLAP_CHUNK):
        stop = min(start + _OVERLAP_CHUNK, values.size)
        counts += np.bincount(_instance_numbers(values[start:stop], table,
                                                numbers[:stop - start]),
                              minlength=counts.size)
    return counts[1:]


def _present_ids(array: np.ndarray) -> np.ndarray:
    """The ids >= 1 that occur in an instance map, increasing (int64)."""
    values = array.reshape(-1)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    largest = int(values.max())
    if largest <= _table_limit(values.size):
        seen = np.zeros(largest + 1, dtype=bool)
        for start in range(0, values.size, _OVERLAP_CHUNK):
            seen[values[start:start + _OVERLAP_CHUNK]] = True
        seen[0] = False
        return np.flatnonzero(seen).astype(np.int64)
    ids = np.unique(values).astype(np.int64)
    return ids[ids != 0]


def _read_instances(value, name):
    """A boolean stack ``(K, *spatial)`` as given, or an :class:`_InstanceMap` of a map."""
    array = to_numpy(value, name)
    if array.dtype == bool:
        check_ndim(array, name, (3, 4))
        return array
    if array.ndim == 4 and array.dtype.kind in "iuf" and array.size and np.isin(
            array, (0, 1)).all():
        raise argument_error(name, "a boolean stack of masks (K, D, H, W) or an integer "
                             "instance map (H, W) or (D, H, W) (for a stack of 3-D masks "
                             f"stored as numbers pass `{name}.astype(bool)`)", array)
    check_ndim(array, name, (2, 3))
    _warn_if_mask_stack(array, name)
    instance_map = check_instance_map(array, name)
    return _InstanceMap(instance_map, _present_ids(instance_map))


def _instances(value, name) -> np.ndarray:
    """A boolean stack (K, *spatial) from a stack of masks or an integer instance map."""
    instances = _read_instances(value, name)
    return instances.stack() if isinstance(instances, _InstanceMap) else instances


def _spatial_shape(instances) -> tuple:
    if isinstance(instances, _InstanceMap):
        return instances.spatial_shape
    return instances.shape[1:]


def _image_ious(pred, target, pred_index=None, target_index=None) -> np.ndarray:
    """IoU ``(K, M)`` of two sets of instances (stacks or maps), or of the chosen ones.

    Two instance maps: from their joint histogram. Otherwise from boolean
    stacks (a map is turned into one), only the chosen instances.
    """
    if isinstance(pred, _InstanceMap) and isinstance(target, _InstanceMap):
        ious = _ious_from_counts(*_map_overlaps(pred, target))
        if pred_index is not None:
            ious = ious[np.ix_(pred_index, target_index)]
        return ious
    pred = pred.stack() if isinstance(pred, _InstanceMap) else pred
    target = target.stack() if isinstance(target, _InstanceMap) else target
    if pred_index is not None:
        pred, target = pred[pred_index], target[target_index]
    return _pair_ious(pred, target)


def iou_matrix(pred, target):
    r"""IoU between every predicted and every target instance.

    .. math:: \mathrm{IoU}_{kj} = \frac{|P_k \cap T_j|}{|P_k \cup T_j|}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Each a boolean stack ``(K, H, W)`` / ``(K, D, H, W)`` of instance
        masks, or an integer instance map ``(H, W)`` / ``(D, H, W)`` (0 is
        background; instances in increasing id order). The images must have
        the same shape. The dtype decides: only a *boolean* 3-D array is a
        stack of masks; any other 3-D array is the instance map of one
        volume. A stack stored as numbers (``(probs > 0.5).float()``, uint8
        0/1) is therefore one volume with a single object, id 1: pass
        ``masks.astype(bool)`` (a tensor: ``masks.bool()``).
        :func:`mean_average_precision` reads its ``masks`` as stacks whatever
        their dtype.

    Returns
    -------
    numpy.ndarray
        ``(K, M)`` float64 array, rows the predictions, columns the targets.

    Warns
    -----
    MaskStackWarning
        A 3-D array that is not boolean, holds only 0 and 1 and has more
        than one slice: it is read as one instance map, but may be a stack of
        masks stored as numbers. Pass ``masks.astype(bool)`` for a stack, or
        ``volume[None].astype(bool)`` for a volume holding one object.

    Notes
    -----
    Two empty masks have an IoU of 0, not 0/0: an empty instance matches
    nothing (as in pycocotools). Two instance maps are compared through the
    joint histogram of their ids (``np.bincount`` of ``pred * (M + 1) +
    target`` over the pixels, after numbering the ids ``1..K`` and
    ``1..M``), which gives every intersection and both maps' areas in one
    pass and no boolean stack. Stacks are compared inside the common
    bounding box of each pair whose boxes overlap or, when many pairs
    overlap, with one matrix product of the flattened masks. Both give the
    same counts, hence the same IoUs.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1, 1, 0, 0],
    ...                    [1, 1, 0, 2]])
    >>> pred = np.array([[1, 1, 1, 0],
    ...                  [0, 0, 0, 0]])
    >>> iou_matrix(pred, target)  # 2 / (3 + 4 - 2), 0 / (3 + 1)
    array([[0.4, 0. ]])
    """
    pred = _read_instances(pred, "pred")
    target = _read_instances(target, "target")
    _check_same_spatial_shape(_spatial_shape(pred), _spatial_shape(target), "pred", "target")
    return _image_ious(pred, target)


@dataclass(frozen=True, eq=False)
class InstanceMatches:
    """The result of :func:`match_instances`.

    Attributes
    ----------
    pairs : numpy.ndarray
        ``(T, 2)`` integer array of matched ``(pred_index, target_index)``
        pairs (the true positives), sorted by prediction index.
    ious : numpy.ndarray
        ``(T,)`` IoU of each matched pair.
    false_positives : numpy.ndarray
        Indices of the unmatched predictions.
    false_negatives : numpy.ndarray
        Indices of the unmatched targets.
    """

    pairs: np.ndarray
    ious: np.ndarray
    false_positives: np.ndarray
    false_negatives: np.ndarray

    @property
    def num_true_positives(self) -> int:
        return len(self.pairs)

    @property
    def num_false_positives(self) -> int:
        return len(self.false_positives)

    @property
    def num_false_negatives(self) -> int:
        return len(self.false_negatives)


def _greedy(ious: np.ndarray, order: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """COCO's greedy matching at several thresholds: (T, K) matched target index or -1.

    Predictions are visited in ``order``; each takes the unmatched target with
    the highest IoU at or above the threshold (ties: the later target, as
    pycocotools' loop does).
    """
    num_pred, num_target = ious.shape
    match = np.full((len(thresholds), num_pred), -1, dtype=np.int64)
    if num_pred == 0 or num_target == 0:
        return match
    taken = np.zeros((len(thresholds), num_target), dtype=bool)
    lowest = thresholds.min()
    rows = np.arange(len(thresholds))
    for k in order:
        row = ious[k]
        if row.max() < lowest:
            continue
        allowed = ~taken & (row[None, :] >= thresholds[:, None])
        found = allowed.any(axis=1)
        if not found.any():
            continue
        values = np.where(allowed, row[None, :], -1.0)
        best = num_target - 1 - np.argmax(values[:, ::-1], axis=1)
        match[found, k] = best[found]
        taken[rows[found], best[found]] = True
    return match


def match_instances(pred, target, *, iou_threshold=0.5, scores=None, method="greedy"):
    r"""Match predicted to target instances at an IoU threshold.

    A pair can match only if :math:`\mathrm{IoU} \ge` ``iou_threshold``; each
    instance is used at most once. An IoU equal to the threshold matches
    (pycocotools' rule): the IoU is one division of two pixel counts, so an
    overlap of exactly 1/2 or 3/5 meets ``iou_threshold=0.5`` or ``0.6``.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Boolean stacks of instance masks or integer instance maps (see
        :func:`iou_matrix`). Only a boolean 3-D array is a stack: a
        ``(K, H, W)`` stack of 0/1 numbers is one volume's instance map with
        a single object (with a :class:`MaskStackWarning`); pass
        ``masks.astype(bool)``.
    iou_threshold : float, default 0.5
        In (0, 1].
    scores : array_like, optional
        Confidence of each prediction, used by ``method='greedy'``: higher
        scores choose first. Without scores the predictions choose in their
        given order.
    method : {'greedy', 'hungarian'}, default 'greedy'
        ``'greedy'`` as COCO: each prediction in turn takes the still
        unmatched target of highest IoU. ``'hungarian'``: the assignment that
        maximises the total IoU of the matched pairs (``scores`` unused).

    Returns
    -------
    InstanceMatches
        Matched pairs and their IoUs, unmatched predictions (false
        positives) and unmatched targets (false negatives).

    Warns
    -----
    MaskStackWarning
        As :func:`iou_matrix`: a non-boolean 3-D array of 0 and 1 read as one
        instance map.

    Notes
    -----
    - With ``iou_threshold > 0.5`` and non-overlapping instances (instance
      maps) every instance has at most one partner above the threshold, so
      both methods give the same matches.
    - Greedy ties (two targets with the same IoU) go to the later target, as
      in pycocotools; tied scores keep the given order (a stable sort).
    - Empty instances never match (their IoU is 0).
    - At the boundary: :math:`\mathrm{IoU} = t` matches, for both methods.
      The IoU is computed as one correctly rounded division of the
      intersection and union counts, as pycocotools does, so an IoU whose
      exact value is the decimal :math:`t` (3/5 and 0.6) compares equal.

    References
    ----------
    .. [1] T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context",
       ECCV 2014.
    .. [2] H. W. Kuhn, "The Hungarian method for the assignment problem",
       Naval Research Logistics Quarterly 2, 1955.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1, 1, 0, 2, 2, 0]])
    >>> pred = np.array([[1, 1, 0, 2, 0, 3]])
    >>> matches = match_instances(pred, target, iou_threshold=0.5)
    >>> matches.pairs  # pred 0 with target 0 (IoU 1), pred 1 with target 1 (IoU 1/2)
    array([[0, 0],
           [1, 1]])
    >>> matches.ious
    array([1. , 0.5])
    >>> matches.false_positives, matches.false_negatives
    (array([2]), array([], dtype=int64))
    """
    iou_threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1, low_open=True)
    check_choice(method, "method", ("greedy", "hungarian"))
    ious = iou_matrix(pred, target)
    num_pred, num_target = ious.shape
    if scores is None:
        order = np.arange(num_pred)
    else:
        scores = _check_scores(scores, "scores", num_pred)
        order = np.argsort(-scores, kind="mergesort")
    if method == "greedy":
        match = _greedy(ious, order, np.array([iou_threshold]))[0]
        pred_index = np.flatnonzero(match >= 0)
        target_index = match[pred_index]
    else:
        gain = np.where(ious >= iou_threshold, ious, 0.0)
        pred_index, target_index = linear_sum_assignment(gain, maximize=True)
        keep = ious[pred_index, target_index] >= iou_threshold
        pred_index, target_index = pred_index[keep], target_index[keep]
    pairs = np.stack([pred_index, target_index], axis=1).astype(np.int64).reshape(-1, 2)
    return InstanceMatches(
        pairs=pairs,
        ious=ious[pairs[:, 0], pairs[:, 1]],
        false_positives=np.setdiff1d(np.arange(num_pred), pairs[:, 0]),
        false_negatives=np.setdiff1d(np.arange(num_target), pairs[:, 1]),
    )


# ---------------------------------------------------------------------------
# Average precision
# ---------------------------------------------------------------------------

def _check_scores(value, name, count, which=""):
    scores = to_numpy(value, name)
    if scores.dtype.kind not in "iuf":
        raise argument_error(name, "an array of real numbers", scores, type_error=True)
    check_ndim(scores, name, (1,))
    if len(scores) != count:
        raise argument_error(name, f"one score per instance ({count}{which})",
                             f"{len(scores)} scores")
    scores = scores.astype(np.float64)
    if not np.all(np.isfinite(scores)):
        raise argument_error(name, "finite scores", "NaN or infinite values")
    return scores


def _check_labels(value, name, count, which=""):
    labels = check_label_map(to_numpy(value, name), name)
    check_ndim(labels, name, (1,))
    if len(labels) != count:
        raise argument_error(name, f"one label per instance ({count}{which})",
                             f"{len(labels)} labels")
    return labels.astype(np.int64)


def _as_image_list(value, name):
    if isinstance(value, dict):
        return [value]
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise argument_error(f"{name}[{i}]", "a dict with 'masks' (and 'scores', "
                                     "'labels')", describe(item), type_error=True)
        return list(value)
    raise argument_error(name, "a list of dicts, one per image", describe(value),
                         type_error=True)


def _parse_images(preds, targets):
    preds = _as_image_list(preds, "preds")
    targets = _as_image_list(targets, "targets")
    if len(preds) != len(targets):
        raise argument_error("targets", f"one dict per image of `preds` ({len(preds)})",
                             f"{len(targets)} dicts")
    with_labels = {("labels" in d) for d in preds + targets}
    if len(with_labels) > 1:
        raise argument_error("preds", "'labels' in every dict of `preds` and `targets` or in "
                             "none (one category)", "labels in some dicts only")
    images = []
    for i, (pred, target) in enumerate(zip(preds, targets, strict=True)):
        pred_masks = _image_instances(pred, f"preds[{i}]")
        if "scores" not in pred:
            raise argument_error(f"preds[{i}]", "a dict with the key 'scores'",
                                 f"keys {sorted(pred)}")
        target_masks = _image_instances(target, f"targets[{i}]")
        _check_same_spatial_shape(_spatial_shape(pred_masks), _spatial_shape(target_masks),
                                  _instances_key(pred, f"preds[{i}]"),
                                  _instances_key(target, f"targets[{i}]"))
        which = _which_instances(pred_masks)
        scores = _check_scores(pred["scores"], f"preds[{i}]['scores']", len(pred_masks),
                               which)
        if "labels" in pred:
            pred_labels = _check_labels(pred["labels"], f"preds[{i}]['labels']",
                                        len(pred_masks), which)
            target_labels = _check_labels(target["labels"], f"targets[{i}]['labels']",
                                          len(target_masks), _which_instances(target_masks))
        else:
            pred_labels = np.zeros(len(pred_masks), dtype=np.int64)
            target_labels = np.zeros(len(target_masks), dtype=np.int64)
        images.append((pred_masks, scores, pred_labels, target_masks, target_labels))
    return images


_FROM_INSTANCE_MAP = ("pass it under the key 'instances' instead of 'masks' (its ids in "
                      "increasing order are the instances), or convert it: "
                      "`instance_map == np.unique(instance_map)[1:, None, None]` gives one mask "
                      "per id >= 1, in increasing id order")


def _instances_key(entry, name):
    """The name of the instances of an image dict, for messages: ``preds[0]['masks']``."""
    return f"{name}['instances']" if "instances" in entry else f"{name}['masks']"


def _which_instances(instances):
    """What the scores and labels of a set of instances must follow, for messages."""
    if not isinstance(instances, _InstanceMap):
        return ""
    return (f": the ids {some_values(instances.ids)} of the instance map, in that order; "
            "'ids' names them in another order")


def _image_instances(entry, name):
    """The instances of one image dict: a boolean stack from ``'masks'``, or an
    :class:`_InstanceMap` from ``'instances'`` (with ``'ids'``, optional)."""
    if "masks" in entry and "instances" in entry:
        raise argument_error(name, "a dict with either 'masks' (a stack of masks) or "
                             "'instances' (an instance map), not both", f"keys {sorted(entry)}")
    if "ids" in entry and "instances" not in entry:
        raise argument_error(name, "'ids' only beside 'instances' (they name the instances "
                             "of an instance map)", f"keys {sorted(entry)}")
    if "masks" in entry:
        return _check_instance_masks(entry["masks"], f"{name}['masks']")
    if "instances" not in entry:
        raise argument_error(name, "a dict with the key 'masks' (a boolean stack (K, H, W)) or "
                             "'instances' (an instance map (H, W))", f"keys {sorted(entry)}")
    return _check_instance_map_entry(entry["instances"], entry.get("ids"), name)


def _check_instance_map_entry(value, ids, name):
    """An :class:`_InstanceMap` from the ``'instances'`` (and ``'ids'``) of an image dict."""
    key = f"{name}['instances']"
    array = to_numpy(value, key)
    if array.dtype == bool:
        raise argument_error(key, "an integer instance map (H, W) or (D, H, W), 0 the "
                             "background and each object its own id (a boolean array is a "
                             "mask: put a stack (K, H, W) of masks under 'masks')", array)
    check_ndim(array, key, (2, 3))
    instance_map = check_instance_map(array, key)
    present = _present_ids(instance_map)
    if ids is None:
        return _InstanceMap(instance_map, present)
    ids_name = f"{name}['ids']"
    listed = check_label_map(to_numpy(ids, ids_name), ids_name)
    check_ndim(listed, ids_name, (1,))
    listed = listed.astype(np.int64)
    if listed.size and listed.min() < 1:
        raise argument_error(ids_name, "instance ids >= 1 (0 is the background)",
                             f"the id {int(listed.min())}")
    if np.unique(listed).size != listed.size:
        values, counts = np.unique(listed, return_counts=True)
        raise argument_error(ids_name, "distinct ids", f"{some_values(values[counts > 1])} "
                             "more than once")
    missing = np.setdiff1d(present, listed)
    if missing.size:
        raise argument_error(ids_name, "every id of the instance map (each object is a "
                             "prediction or a target, with its own score or label)",
                             f"ids without the map's {some_values(missing)}")
    return _InstanceMap(instance_map, listed)


def _check_instance_masks(value, name):
    """A boolean stack (K, H, W); instance maps and single masks get an error that converts."""
    array = to_numpy(value, name)
    mask_values = None  # the two values of a mask stored as 0 and 255 (or 0 and 1)
    if array.dtype.kind in "iuf" and array.size and not np.isin(array, (0, 1)).all():
        values = np.unique(array)
        if values.size <= 2 and values[0] >= 0 and values[-1] > 1 and (
                values.size == 1 or values[0] == 0) and values[-1] == np.round(values[-1]):
            mask_values = values
    if array.ndim == 2:
        if array.dtype == bool or (array.size and np.isin(array, (0, 1)).all()):
            hint = "one mask needs its instance axis: `mask[None]`"
        elif mask_values is not None:
            hint = (f"one mask stored as 0 and {mask_values[-1].item():g} needs `> 0` and "
                    "its instance axis: `(mask > 0)[None]`")
        else:
            hint = f"an (H, W) instance map is not a stack of masks: {_FROM_INSTANCE_MAP}"
        raise argument_error(name, f"a stack of instance masks of shape (K, H, W) ({hint})",
                             array)
    if array.ndim == 3 and mask_values is not None:
        raise argument_error(name, "a boolean stack of instance masks (K, H, W), one image per "
                             "dict", f"{describe(array)} holding only the values "
                             f"{some_values(mask_values)}{mask_hint(mask_values, name)}")
    if (array.ndim == 3 and array.dtype.kind in "iuf" and array.size
            and not np.isin(array, (0, 1)).all() and array.max() > 1
            and np.array_equal(array, np.round(array))):
        raise argument_error(name, "a boolean stack of instance masks (K, H, W), one image per "
                             "dict (an integer instance map holds ids, not masks: "
                             f"{_FROM_INSTANCE_MAP})",
                             f"{describe(array)} holding values up to {array.max().item():g}")
    return check_mask(array, name, ndims=(3,))


def _check_thresholds(iou_thresholds):
    if iou_thresholds is None:
        return COCO_IOU_THRESHOLDS.copy()
    values = to_numpy(iou_thresholds, "iou_thresholds")
    if values.ndim == 0:
        values = values.reshape(1)
    if values.ndim != 1 or values.size == 0:
        raise argument_error("iou_thresholds", "a non-empty sequence of numbers in (0, 1]",
                             describe(iou_thresholds))
    return np.array([check_number(v.item(), f"iou_thresholds[{i}]", low=0, high=1,
                                  low_open=True) for i, v in enumerate(values)])


def _evaluate(images, thresholds, max_detections):
    """Per-category AP at each threshold, COCO's way.

    Returns the categories, the interpolated precision (T, R, K), the final
    recall (T, K) and the number of target instances per category.
    """
    per_class = {}  # category -> [list of scores, list of (T, D) matched, number of targets]
    for pred_masks, scores, pred_labels, target_masks, target_labels in images:
        ious = _image_ious(pred_masks, target_masks)
        for category in np.union1d(pred_labels, target_labels):
            pred_index = np.flatnonzero(pred_labels == category)
            target_index = np.flatnonzero(target_labels == category)
            # COCO keeps the max_detections best predictions of each image and category.
            order = pred_index[np.argsort(-scores[pred_index], kind="mergesort")]
            order = order[:max_detections]
            match = _greedy(ious[np.ix_(order, target_index)], np.arange(len(order)),
                            thresholds)
            entry = per_class.setdefault(int(category), [[], [], 0])
            entry[0].append(scores[order])
            entry[1].append(match >= 0)
            entry[2] += len(target_index)
    classes = np.array(sorted(per_class), dtype=np.int64)
    num_thresholds, num_recall = len(thresholds), len(COCO_RECALL_THRESHOLDS)
    precision = np.full((num_thresholds, num_recall, len(classes)), np.nan)
    recall = np.full((num_thresholds, len(classes)), np.nan)
    num_targets = np.zeros(len(classes), dtype=np.int64)
    for k, category in enumerate(classes):
        score_list, matched_list, count = per_class[int(category)]
        num_targets[k] = count
        if count == 0:
            continue  # no target of this category: undefined (COCO: -1)
        all_scores = np.concatenate(score_list)
        matched = np.concatenate(matched_list, axis=1)
        order = np.argsort(-all_scores, kind="mergesort")
        matched = matched[:, order]
        true_pos = np.cumsum(matched, axis=1)
        false_pos = np.cumsum(~matched, axis=1)
        if matched.shape[1] == 0:
            precision[:, :, k] = 0.0
            recall[:, k] = 0.0
            continue
        rec = true_pos / count
        prec = true_pos / (true_pos + false_pos)
        # interpolated precision: the best precision at this recall or beyond
        prec = np.maximum.accumulate(prec[:, ::-1], axis=1)[:, ::-1]
        recall[:, k] = rec[:, -1]
        for t in range(num_thresholds):
            index = np.searchsorted(rec[t], COCO_RECALL_THRESHOLDS, side="left")
            reached = index < len(rec[t])
            values = np.zeros(num_recall)
            values[reached] = prec[t, index[reached]]
            precision[t, :, k] = values
    return classes, precision, recall, num_targets


def _mean(values):
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def mean_average_precision(preds, targets, *, iou_thresholds=None, max_detections=100):
    r"""COCO mask mAP: AP averaged over categories and IoU thresholds .50:.05:.95.

    For each category and IoU threshold :math:`t`, predictions of all images
    are sorted by score; each is a true positive if COCO's greedy matching
    (:func:`match_instances`) pairs it with a target at :math:`\mathrm{IoU}
    \ge t`. With precision :math:`p(r)` made monotone
    (:math:`\tilde p(r) = \max_{r' \ge r} p(r')`), AP is its mean at 101
    recall points:

    .. math:: \mathrm{AP}_{c,t} = \frac{1}{101} \sum_{r \in \{0, 0.01, \ldots, 1\}}
              \tilde p_{c,t}(r), \qquad
              \mathrm{mAP} = \frac{1}{|C|\,|T|} \sum_{c \in C} \sum_{t \in T} \mathrm{AP}_{c,t}

    (:math:`\tilde p(r) = 0` beyond the largest recall reached.)

    Parameters
    ----------
    preds : list of dict
        One dict per image: ``"masks"`` ``(K, H, W)`` bool, ``"scores"``
        ``(K,)``, ``"labels"`` ``(K,)`` (optional for one category).
        Or, instead of ``"masks"``, ``"instances"``: an integer instance map
        ``(H, W)`` or ``(D, H, W)``, 0 the background and each object its
        own id; its instances are its ids in increasing order, to which
        ``"scores"`` and ``"labels"`` refer. An optional ``"ids"`` ``(K,)``
        lists the ids in the order of the scores and labels instead; it must
        hold every id of the map, and may hold ids the map no longer shows
        (an object painted over: an empty instance, which matches nothing).
        A boolean ``"instances"`` array, or both keys in one dict, is an
        error. Masks and maps may be mixed between dicts and between
        ``preds`` and ``targets``.
        ``"masks"`` is always a stack of K masks: numbers holding only 0 and
        1 (uint8, ``(probs > 0.5).float()``) are read as K masks too, whereas
        :func:`iou_matrix` and :func:`match_instances` read such a non-boolean
        3-D array as one instance map (and warn); pass boolean stacks to both.
        A 0/255 stack gives an error that says ``masks > 0``, probabilities
        one that says ``masks > 0.5``.
    targets : list of dict
        One dict per image: ``"masks"`` ``(M, H, W)`` bool or
        ``"instances"`` (with ``"ids"``, optional), and ``"labels"`` ``(M,)``
        (optional for one category); the same rules as ``preds``.
    iou_thresholds : sequence of float, optional
        Default COCO's ``0.50, 0.55, ..., 0.95``.
    max_detections : int, default 100
        Predictions kept per image and category (the highest scores).

    Returns
    -------
    dict
        - ``"map"``: mean AP over categories and ``iou_thresholds``.
        - ``"map_50"``, ``"map_75"``: mean AP over categories at IoU 0.5 and 0.75.
        - ``"classes"``: the categories, sorted (those of targets and predictions).
        - ``"map_per_class"``: AP of each category averaged over the thresholds.
        - ``"ap"``: ``(T, K)`` AP per threshold and category.
        - ``"precision"``: ``(T, 101, K)`` interpolated precision at
          ``"recall_thresholds"``: the precision-recall curve for plotting.
        - ``"recall"``: ``(T, K)`` largest recall reached.
        - ``"iou_thresholds"``, ``"recall_thresholds"``.

    Notes
    -----
    - This reproduces pycocotools' ``COCOeval(iouType="segm")`` with its
      default "all" area range and 100 detections (tests check AP, AP50 and
      AP75 to 1e-6). Like COCO, the limit of ``max_detections`` applies to
      each image and category separately.
    - A category without any target instance has no AP: NaN (COCO writes
      -1), left out of every mean; its predictions count nowhere else. No
      target at all: every value is NaN.
    - A category with targets but no predictions has AP 0.
    - Crowd annotations and area ranges of COCO are not modelled.
    - Masks that overlap are fine (each prediction is its own mask).
    - At the boundary, a prediction whose IoU equals the threshold is a
      true positive (pycocotools: ``if ious[d, g] < t: continue``). The
      default thresholds are pycocotools' own values,
      ``np.linspace(0.5, 0.95, 10)``: all are the nearest doubles to
      0.50, 0.55, ..., 0.95 except the ninth, 0.8999999999999999, so an IoU
      of exactly 9/10 matches there as in pycocotools. A recall point
      :math:`r` is reached by the first prediction whose recall is at least
      :math:`r` (pycocotools' ``np.searchsorted(recall, r, side="left")``).
      The 101 recall points are pycocotools' ``np.linspace(0, 1, 101)``, ten
      of which lie a rounding above their decimals (0.35, 0.41, 0.47, 0.57,
      0.69, 0.70, 0.82, 0.83, 0.94, 0.95): a recall of exactly 7/10 does not
      reach the point 0.70, in pycocotools as here.
    - ``masks`` must be boolean stacks ``(K, H, W)`` (or 0/1 numbers, read
      as K masks), one dict per image; an integer instance map there gives
      an error that says to pass it as ``"instances"`` (or shows the
      conversion ``instance_map == np.unique(instance_map)[1:, None, None]``).
    - Instance maps (``"instances"``) give the same result as the stacks of
      their instances, faster and in less memory: the IoUs of an image whose
      predictions and targets are both maps come from one joint histogram
      of the two maps, with no boolean stack (memory: a few chunks of the
      image, a lookup table when the ids are sparse, at most 2 bytes a pixel,
      and the ``(K + 1) x (M + 1)`` counts). The maps are checked for
      negative or non-integer values like any label map.
      :func:`iou_matrix` and :func:`match_instances` take instance maps as
      they are, and read a non-boolean ``(K, H, W)`` array of 0 and 1 as
      one instance map, not as K masks (with a :class:`MaskStackWarning`).
      ``scores`` may be any real dtype, float16 and bfloat16 tensors
      included.

    References
    ----------
    .. [1] T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context",
       ECCV 2014; the evaluation code pycocotools (``cocoeval.py``).

    Examples
    --------
    >>> import numpy as np
    >>> square = np.zeros((1, 6, 6), bool); square[0, 1:5, 1:5] = True
    >>> shifted = np.zeros((1, 6, 6), bool); shifted[0, 1:5, 2:6] = True  # IoU 12/20
    >>> result = mean_average_precision(
    ...     [{"masks": shifted, "scores": np.array([0.9])}], [{"masks": square}])
    >>> result["map_50"], result["map_75"]
    (1.0, 0.0)
    >>> result["ap"][:, 0]  # matched at the thresholds 0.50, 0.55 and 0.60
    array([1., 1., 1., 0., 0., 0., 0., 0., 0., 0.])
    >>> round(result["map"], 12)
    0.3

    The same from instance maps, as most segmentation models and label files
    give them (ids 1 and 2; scores in increasing id order):

    >>> target_map = np.array([[1, 1, 0, 2, 2]])
    >>> pred_map = np.array([[1, 1, 0, 0, 2]])
    >>> result = mean_average_precision(
    ...     [{"instances": pred_map, "scores": np.array([0.9, 0.6])}],
    ...     [{"instances": target_map}])
    >>> result["map_50"]  # IoU 1 and 1/2: both found at 0.5
    1.0
    >>> round(result["map_75"], 3)  # at 0.75 only id 1: precision 1 up to recall 1/2
    0.505
    >>> round(mean_average_precision(  # the scores in another order: name the ids
    ...     [{"instances": pred_map, "ids": [2, 1], "scores": np.array([0.6, 0.9])}],
    ...     [{"instances": target_map}])["map_75"], 3)
    0.505
    """
    thresholds = _check_thresholds(iou_thresholds)
    max_detections = check_positive_int(max_detections, "max_detections")
    images = _parse_images(preds, targets)
    extra = [t for t in (0.5, 0.75) if not np.isclose(thresholds, t).any()]
    evaluated = np.concatenate([thresholds, extra])
    classes, precision, recall, _ = _evaluate(images, evaluated, max_detections)
    ap = precision.mean(axis=1)  # (T, K), NaN for categories without targets
    index_50 = int(np.flatnonzero(np.isclose(evaluated, 0.5))[0])
    index_75 = int(np.flatnonzero(np.isclose(evaluated, 0.75))[0])
    mine = slice(0, len(thresholds))
    map_per_class = (ap[mine].mean(axis=0) if len(classes)
                     else np.zeros(0))
    return {
        "map": _mean(ap[mine]),
        "map_50": _mean(ap[index_50]),
        "map_75": _mean(ap[index_75]),
        "classes": classes,
        "map_per_class": map_per_class,
        "ap": ap[mine],
        "precision": precision[mine],
        "recall": recall[mine],
        "iou_thresholds": thresholds,
        "recall_thresholds": COCO_RECALL_THRESHOLDS.copy(),
    }


def average_precision(preds, targets, *, iou_threshold=0.5, max_detections=100):
    r"""COCO's 101-point interpolated average precision at one IoU threshold.

    .. math:: \mathrm{AP}_t = \frac{1}{|C|} \sum_{c \in C} \frac{1}{101}
              \sum_{r \in \{0, 0.01, \ldots, 1\}} \max_{r' \ge r} p_{c,t}(r')

    Parameters
    ----------
    preds, targets : list of dict
        As in :func:`mean_average_precision`: ``"masks"`` are stacks
        ``(K, H, W)`` of K masks, boolean or 0/1 numbers (unlike
        :func:`iou_matrix`, which reads a non-boolean 3-D array as one
        instance map); ``"instances"`` are instance maps.
    iou_threshold : float, default 0.5
        A prediction is a true positive at :math:`\mathrm{IoU} \ge t`: an IoU
        equal to the threshold counts, as in pycocotools.
    max_detections : int, default 100
        Predictions kept per image and category.

    Returns
    -------
    float
        The AP averaged over the categories that have target instances
        (``iou_threshold=0.5`` gives COCO's AP50); NaN without any target.

    Notes
    -----
    Same rules as :func:`mean_average_precision`, which also returns the
    precision-recall curve. With one category this is the plain AP of that
    category.

    References
    ----------
    .. [1] M. Everingham et al., "The PASCAL Visual Object Classes (VOC)
       challenge", IJCV 88, 2010 (interpolated AP).
    .. [2] T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014.

    Examples
    --------
    >>> import numpy as np
    >>> masks = np.eye(4, dtype=bool).reshape(4, 2, 2)  # four one-pixel objects
    >>> preds = [{"masks": masks[[0, 1, 3]], "scores": np.array([0.9, 0.8, 0.7])}]
    >>> targets = [{"masks": masks[[0, 2]]}]
    >>> average_precision(preds, targets)  # precision 1 up to recall 1/2, then nothing
    0.505
    """
    iou_threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1, low_open=True)
    result = mean_average_precision(preds, targets, iou_thresholds=[iou_threshold],
                                    max_detections=max_detections)
    return result["map"]


def ranked_detections(preds, targets, *, iou_threshold=0.5, category=None, max_detections=100):
    r"""The table behind a precision-recall curve: every detection, ranked by score.

    Within each image, COCO's greedy matching (:func:`match_instances`)
    decides which predictions are true positives at ``iou_threshold``; the
    detections of all images are then sorted by score (highest first, ties in
    image order) and counted cumulatively:

    .. math:: \mathrm{precision}_i = \frac{\mathrm{TP}_i}{\mathrm{TP}_i + \mathrm{FP}_i},
              \qquad \mathrm{recall}_i = \frac{\mathrm{TP}_i}{N},
              \qquad \tilde p_i = \max_{j \ge i} \mathrm{precision}_j

    where :math:`\mathrm{TP}_i, \mathrm{FP}_i` count the true and false
    positives among the first :math:`i` detections and :math:`N` the target
    instances. :func:`average_precision` samples :math:`\tilde p` (the
    monotone envelope) at 101 recall points; this function shows the rows it
    samples from.

    Parameters
    ----------
    preds, targets : list of dict
        As in :func:`mean_average_precision` (one dict per image, ``"masks"``
        stacks ``(K, H, W)`` or ``"instances"`` maps with optional ``"ids"``,
        ``"scores"``, optional ``"labels"``); ``"index"`` then counts the
        instances in that order.
    iou_threshold : float, default 0.5
        In (0, 1]; an IoU equal to the threshold matches.
    category : int, optional
        The category to rank when the dicts have ``"labels"``; required then,
        and must not be given without labels.
    max_detections : int, default 100
        Predictions kept per image (the highest scores), as COCO.

    Returns
    -------
    dict of numpy.ndarray, one entry per detection (length D), best score first
        - ``"image"``, ``"index"``: the image and the prediction's index in it.
        - ``"score"``: float64 confidence.
        - ``"true_positive"``: bool.
        - ``"target"``: index of the matched target instance in its image, -1
          for a false positive; ``"iou"``: its IoU (NaN for a false positive).
        - ``"tp"``, ``"fp"``: cumulative counts (int64).
        - ``"precision"``, ``"recall"``, ``"interpolated_precision"``: float64.
        - ``"num_targets"``: the number :math:`N` of target instances (an int).

    Raises
    ------
    ValueError
        As :func:`mean_average_precision`; ``category`` missing with labels,
        given without them, or not an integer.

    Notes
    -----
    With no target instance, recall is NaN (0/0) for every row. A target
    counted in ``"num_targets"`` but never matched keeps the recall below 1.

    References
    ----------
    .. [1] M. Everingham et al., "The PASCAL Visual Object Classes (VOC)
       challenge", IJCV 88, 2010.
    .. [2] T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014.

    Examples
    --------
    >>> import numpy as np
    >>> masks = np.eye(4, dtype=bool).reshape(4, 2, 2)  # four one-pixel objects
    >>> preds = [{"masks": masks[[0, 1, 3]], "scores": np.array([0.9, 0.8, 0.7])}]
    >>> table = ranked_detections(preds, [{"masks": masks[[0, 3]]}])
    >>> table["true_positive"], table["tp"], table["fp"]
    (array([ True, False,  True]), array([1, 1, 2]), array([0, 1, 1]))
    >>> table["precision"].round(3), table["recall"]
    (array([1.   , 0.5  , 0.667]), array([0.5, 0.5, 1. ]))
    >>> table["interpolated_precision"].round(3)
    array([1.   , 0.667, 0.667])
    """
    iou_threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1, low_open=True)
    max_detections = check_positive_int(max_detections, "max_detections")
    images = _parse_images(preds, targets)
    with_labels = any("labels" in d for d in _as_image_list(preds, "preds"))
    if with_labels and category is None:
        raise argument_error("category", "the category to rank (the dicts have 'labels')",
                             "None")
    if not with_labels and category is not None:
        raise argument_error("category", "None (the dicts have no 'labels': one category)",
                             describe(category))
    if category is not None:
        if isinstance(category, bool) or not isinstance(category, (int, np.integer)):
            raise argument_error("category", "an integer category", describe(category),
                                 type_error=True)
        category = int(category)
    else:
        category = 0
    columns = {"image": [], "index": [], "score": [], "true_positive": [], "target": [],
               "iou": []}
    num_targets = 0
    threshold = np.array([iou_threshold])
    for image, (pred_masks, scores, pred_labels, target_masks, target_labels) in enumerate(
            images):
        pred_index = np.flatnonzero(pred_labels == category)
        target_index = np.flatnonzero(target_labels == category)
        num_targets += len(target_index)
        order = pred_index[np.argsort(-scores[pred_index], kind="mergesort")][:max_detections]
        ious = _image_ious(pred_masks, target_masks, order, target_index)
        match = _greedy(ious, np.arange(len(order)), threshold)[0]
        matched = match >= 0
        columns["image"].append(np.full(len(order), image, dtype=np.int64))
        columns["index"].append(order.astype(np.int64))
        columns["score"].append(scores[order])
        columns["true_positive"].append(matched)
        columns["target"].append(np.where(matched, target_index[np.maximum(match, 0)]
                                          if len(target_index) else -1, -1).astype(np.int64))
        columns["iou"].append(np.where(matched, ious[np.arange(len(order)), np.maximum(match, 0)]
                                       if len(target_index) else np.nan, np.nan))
    table = {name: np.concatenate(values) if values else np.zeros(0)
             for name, values in columns.items()}
    rank = np.argsort(-table["score"], kind="mergesort")
    table = {name: values[rank] for name, values in table.items()}
    table["true_positive"] = table["true_positive"].astype(bool)
    for name in ("image", "index", "target"):
        table[name] = table[name].astype(np.int64)
    table["tp"] = np.cumsum(table["true_positive"]).astype(np.int64)
    table["fp"] = np.cumsum(~table["true_positive"]).astype(np.int64)
    ranks = np.arange(1, len(rank) + 1)
    table["precision"] = table["tp"] / np.maximum(ranks, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["recall"] = table["tp"] / num_targets if num_targets else np.full(len(rank),
                                                                                np.nan)
    table["interpolated_precision"] = np.maximum.accumulate(
        table["precision"][::-1])[::-1] if len(rank) else np.zeros(0)
    table["num_targets"] = int(num_targets)
    return table


def cell_average_precision(pred, target, *, iou_threshold=0.5, zero_division=np.nan):
    r"""The "average precision" of cell-segmentation papers: TP / (TP + FP + FN).

    Instances are matched one to one at ``iou_threshold`` (the matching of
    largest total IoU, :func:`match_instances` with ``method='hungarian'``);
    then

    .. math:: \mathrm{AP}_t = \frac{\mathrm{TP}_t}{\mathrm{TP}_t + \mathrm{FP}_t + \mathrm{FN}_t}

    This is the score of the 2018 Data Science Bowl and of the nucleus and
    cell segmentation papers that followed it (StarDist, Cellpose), which
    call it average precision; it has no ranking and no scores, and it is not
    COCO's AP (:func:`average_precision`), which averages precision over
    recall levels. It is the fraction of all objects, predicted or true,
    that are matched (also called the critical success index).

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Integer instance maps ``(H, W)`` / ``(D, H, W)`` or boolean stacks
        (see :func:`iou_matrix`).
    iou_threshold : float or sequence of float, default 0.5
        In (0, 1]. A sequence gives one value per threshold (the Data Science
        Bowl averaged them over 0.5, 0.55, ..., 0.95).
    zero_division : float, default NaN
        The value when there is no object at all (TP + FP + FN = 0).

    Returns
    -------
    float or numpy.ndarray
        A float for one threshold, a float64 array for a sequence.

    Raises
    ------
    ValueError
        A threshold outside (0, 1]; shapes that differ (as :func:`iou_matrix`).

    References
    ----------
    .. [1] J. C. Caicedo et al., "Nucleus segmentation across imaging
       experiments: the 2018 Data Science Bowl", Nature Methods 16, 2019.
    .. [2] U. Schmidt et al., "Cell detection with star-convex polygons",
       MICCAI 2018.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1, 1, 0, 2, 2, 0]])
    >>> pred = np.array([[1, 1, 0, 2, 0, 3]])  # two matches at 0.5, one false positive
    >>> cell_average_precision(pred, target)  # 2 / (2 + 1 + 0)
    0.6666666666666666
    >>> cell_average_precision(pred, target, iou_threshold=[0.5, 0.75])  # 2/3, 1/(1+2+1)
    array([0.66666667, 0.25      ])
    """
    from segcourse.metrics._common import check_zero_division

    zero_division = check_zero_division(zero_division)
    scalar = np.ndim(iou_threshold) == 0
    thresholds = _check_thresholds(iou_threshold)
    ious = iou_matrix(pred, target)
    num_pred, num_target = ious.shape
    values = []
    for t in thresholds:
        gain = np.where(ious >= t, ious, 0.0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        tp = int(np.count_nonzero(ious[rows, cols] >= t))
        total = num_pred + num_target - tp  # TP + FP + FN
        values.append(tp / total if total else zero_division)
    values = np.array(values, dtype=np.float64)
    return float(values[0]) if scalar else values
