r"""Panoptic quality (PQ = SQ x RQ) of panoptic segmentations.

Chapter 05 ("object scores") ends with this score: a panoptic segmentation
labels every pixel with a category and, for countable *things*, an instance;
amorphous *stuff* (sky, road) has one segment per category. PQ matches
predicted and target segments of the same category whose IoU exceeds 0.5
(such matches are unique) and combines how well matched segments overlap
(segmentation quality, SQ) with how many are found (recognition quality, RQ,
an F1 score over segments).

Format: panoptic maps are integer arrays of shape ``(..., 2)``: ``[..., 0]``
the category, ``[..., 1]`` the instance id (ignored for stuff).
"""

from __future__ import annotations

import numbers

import numpy as np

from segcourse._validation import (
    argument_error,
    check_int,
    check_panoptic_map,
    check_same_shape,
    describe,
    to_numpy,
)

__all__ = ["panoptic_quality"]


def _check_categories(values, name) -> list[int]:
    if isinstance(values, (numbers.Integral, np.integer)) or isinstance(values, (str, bytes)):
        raise argument_error(name, "a collection of category ids", describe(values),
                             type_error=True)
    try:
        items = list(values)
    except TypeError:
        raise argument_error(name, "a collection of category ids", describe(values),
                             type_error=True) from None
    return sorted({check_int(v, f"{name}[{i}]", minimum=0) for i, v in enumerate(items)})


def _images(value, name):
    """A list of panoptic maps (one per image)."""
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise argument_error(name, "at least one panoptic map", "an empty list")
        return [check_panoptic_map(item, f"{name}[{i}]") for i, item in enumerate(value)]
    array = check_panoptic_map(value, name)
    if array.ndim == 3:
        return [array]
    if array.ndim == 4:
        return list(array)
    raise argument_error(name, "a panoptic map (H, W, 2), a batch (N, H, W, 2) or a list of "
                         "maps (for 3-D volumes)", array)


def _segments(category, instance, void_label, is_stuff):
    """Segment index of every pixel (-1 for void) and the category of each segment."""
    instance = np.where(is_stuff, 0, instance)  # stuff: one segment per category
    keys = category * (int(instance.max(initial=0)) + 1) + instance
    void = category == void_label if void_label is not None else np.zeros(category.shape, bool)
    unique, index = np.unique(np.where(void, -1, keys), return_inverse=True)
    has_void = unique.size > 0 and unique[0] == -1
    if has_void:
        unique, index = unique[1:], index - 1
    first = np.zeros(unique.size, dtype=np.int64)
    valid = index >= 0
    first[index[valid]] = np.flatnonzero(valid)  # any pixel of each segment
    return index.reshape(-1), category[first]


def _image_stats(pred, target, categories, void_label, stuff_set):
    """Per-category IoU sum, TP, FP and FN of one image."""
    pred_category, pred_instance = pred[..., 0].reshape(-1), pred[..., 1].reshape(-1)
    target_category, target_instance = target[..., 0].reshape(-1), target[..., 1].reshape(-1)
    stuff = np.array(sorted(stuff_set), dtype=np.int64)
    pred_segment, pred_segment_category = _segments(
        pred_category, pred_instance, void_label, np.isin(pred_category, stuff))
    target_segment, target_segment_category = _segments(
        target_category, target_instance, void_label, np.isin(target_category, stuff))
    num_pred, num_target = len(pred_segment_category), len(target_segment_category)

    # Joint counts: rows pred segments, columns target segments plus a last column for
    # target void. Pixels where the prediction is void belong to no predicted segment.
    assigned = pred_segment >= 0
    target_column = np.where(target_segment >= 0, target_segment, num_target)
    joint = pred_segment[assigned] * (num_target + 1) + target_column[assigned]
    counts = np.bincount(joint, minlength=num_pred * (num_target + 1)).reshape(
        num_pred, num_target + 1)
    pred_area = np.bincount(pred_segment[assigned], minlength=num_pred)
    target_area = np.bincount(target_segment[target_segment >= 0], minlength=num_target)
    pred_on_void = counts[:, num_target]
    intersection = counts[:, :num_target]

    same = pred_segment_category[:, None] == target_segment_category[None, :]
    union = (pred_area - pred_on_void)[:, None] + target_area[None, :] - intersection
    ious = np.zeros(intersection.shape)
    np.divide(intersection, union, out=ious, where=(union > 0) & same)
    # IoU > 1/2 compared in whole numbers, exact at the boundary (2 |p & t| > |p | t|);
    # at most one match per row and column (IoU > 0.5 is unique)
    matched = same & (2 * intersection > union) & (union > 0)
    pred_matched = matched.any(axis=1)
    target_matched = matched.any(axis=0)

    position = {c: k for k, c in enumerate(categories)}
    stats = np.zeros((4, len(categories)))  # iou_sum, tp, fp, fn
    rows, cols = np.nonzero(matched)
    for r, c in zip(rows, cols, strict=True):
        k = position[int(pred_segment_category[r])]
        stats[0, k] += ious[r, c]
        stats[1, k] += 1
    # An unmatched prediction lying mostly (more than half) on void target pixels is not an
    # error; exactly half is.
    mostly_void = 2 * pred_on_void > pred_area
    for r in np.flatnonzero(~pred_matched & ~mostly_void):
        stats[2, position[int(pred_segment_category[r])]] += 1
    for c in np.flatnonzero(~target_matched):
        stats[3, position[int(target_segment_category[c])]] += 1
    return stats


def _check_known(maps, name, known):
    for i, array in enumerate(maps):
        unknown = np.setdiff1d(np.unique(array[..., 0]), known)
        if unknown.size:
            where = name if len(maps) == 1 else f"{name}[{i}]"
            raise argument_error(where, "categories from `things`, `stuff` (or `void_label`)",
                                 f"unknown categories {unknown[:6].tolist()}")


def _average(values, occurring):
    values = values[occurring]
    return float(values.mean()) if values.size else float("nan")


def panoptic_quality(pred, target, *, things, stuff, void_label=None):
    r"""Panoptic quality PQ, segmentation quality SQ and recognition quality RQ.

    For each category :math:`c`, predicted and target segments of that
    category match when their IoU exceeds 0.5 (true positives TP); unmatched
    predictions are false positives (FP), unmatched targets false negatives
    (FN):

    .. math:: \mathrm{PQ}_c = \frac{\sum_{(p, t) \in \mathrm{TP}_c} \mathrm{IoU}(p, t)}
              {|\mathrm{TP}_c| + \tfrac12 |\mathrm{FP}_c| + \tfrac12 |\mathrm{FN}_c|}
              = \underbrace{\frac{\sum_{\mathrm{TP}_c} \mathrm{IoU}}
              {|\mathrm{TP}_c|}}_{\mathrm{SQ}_c}
              \times \underbrace{\frac{|\mathrm{TP}_c|}{|\mathrm{TP}_c| + \tfrac12 |\mathrm{FP}_c|
              + \tfrac12 |\mathrm{FN}_c|}}_{\mathrm{RQ}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor, or list of them
        Panoptic maps, integers of shape ``(H, W, 2)`` (one image) or
        ``(N, H, W, 2)`` (a batch): ``[..., 0]`` the category, ``[..., 1]``
        the instance id. A list holds one map per image (any dimension, for
        example 3-D volumes ``(D, H, W, 2)``). Segments are matched within
        each image; the counts are summed over the images.
    things : collection of int
        Categories of countable objects: each instance id is its own segment.
    stuff : collection of int
        Categories of amorphous regions: all pixels of the category form one
        segment in each image (instance ids are ignored).
    void_label : int, optional
        Category of void pixels (unlabelled, ambiguous), not in ``things`` or
        ``stuff``. Void target pixels are left out; void predicted pixels
        belong to no segment (the model abstains there).

    Returns
    -------
    dict
        - ``"pq"``, ``"sq"``, ``"rq"``: means over the categories that occur
          (TP + FP + FN > 0).
        - ``"pq_things"``, ``"sq_things"``, ``"rq_things"`` and the same for
          ``"..._stuff"``: the means over things and over stuff only.
        - ``"classes"``: the categories (things and stuff, sorted);
          ``"is_thing"``: whether each is a thing.
        - ``"pq_per_class"``, ``"sq_per_class"``, ``"rq_per_class"``: arrays
          over ``"classes"``.
        - ``"tp"``, ``"fp"``, ``"fn"``, ``"iou_sum"``: the counts per class.

    Raises
    ------
    ValueError
        Shapes differ, a map is not ``(..., 2)``, a category is neither a
        thing, stuff nor ``void_label``, or ``things`` and ``stuff`` overlap.

    Notes
    -----
    - A category that occurs nowhere (TP + FP + FN = 0) has NaN per-class
      values and is left out of the means (torchmetrics and the paper's
      reference code report 0 for it and also leave it out). No category
      occurring: NaN.
    - SQ of a category that occurs but has no true positive is 0 (as in the
      references), and the mean SQ includes it; so the overall PQ is in
      general not the product of the overall SQ and RQ.
    - Void, as in the paper's reference code (panopticapi): the void pixels
      of the target are removed from a predicted segment before its IoU
      (``union = |p| - |p \cap \mathrm{void}| + |t| - |p \cap t|``), and an
      unmatched predicted segment more than half on void is not a false
      positive. torchmetrics agrees when the prediction has no void pixels;
      with predicted void (``allow_unknown_preds_category=True``) it also
      removes the target's pixels predicted as void from the union and does
      not count as false negative a target segment more than half predicted
      as void. We follow the paper: a prediction that abstains on part of an
      object lowers that object's IoU.
    - Crowd regions of COCO panoptic are not modelled.
    - At the boundary: a pair whose IoU is exactly 0.5 does not match (the
      rule is IoU > 0.5, as in panopticapi and torchmetrics), and a predicted
      segment exactly half on void target pixels is still a false positive
      (more than half is needed). Both are compared in whole pixel counts
      (:math:`2 |p \cap t| > |p \cup t|`), so no rounding can move a pair
      across the boundary.
    - Maps may be numpy arrays or tensors of any integer dtype, or of a float
      dtype (float16 and bfloat16 included) holding whole numbers.

    References
    ----------
    .. [1] A. Kirillov, K. He, R. Girshick, C. Rother and P. Dollár,
       "Panoptic Segmentation", CVPR 2019.

    Examples
    --------
    Category 1 is a thing, 0 is stuff (the background).

    >>> import numpy as np
    >>> target_category = np.array([[0, 0, 1, 1],
    ...                             [0, 0, 1, 1]])
    >>> target_instance = np.array([[0, 0, 1, 1],
    ...                             [0, 0, 1, 1]])
    >>> pred_category = np.array([[0, 0, 0, 1],
    ...                           [0, 0, 1, 1]])
    >>> pred_instance = np.array([[0, 0, 0, 7],
    ...                           [0, 0, 7, 7]])
    >>> target = np.stack([target_category, target_instance], axis=-1)
    >>> pred = np.stack([pred_category, pred_instance], axis=-1)
    >>> result = panoptic_quality(pred, target, things=[1], stuff=[0])
    >>> result["pq_per_class"]  # stuff IoU 4/5, thing IoU 3/4, both matched
    array([0.8 , 0.75])
    >>> result["pq"]
    0.775
    """
    things = _check_categories(things, "things")
    stuff = _check_categories(stuff, "stuff")
    overlap = sorted(set(things) & set(stuff))
    if overlap:
        raise argument_error("stuff", "categories that are not in `things`",
                             f"{overlap} in both")
    if not things and not stuff:
        raise argument_error("things", "at least one category (with `stuff`)", "none")
    void_label = check_int(void_label, "void_label", minimum=0, allow_none=True)
    if void_label is not None and void_label in set(things) | set(stuff):
        raise argument_error("void_label", "a category that is neither a thing nor stuff",
                             describe(void_label))
    pred_maps = _images(pred if isinstance(pred, (list, tuple)) else to_numpy(pred, "pred"),
                        "pred")
    target_maps = _images(target if isinstance(target, (list, tuple))
                          else to_numpy(target, "target"), "target")
    if len(pred_maps) != len(target_maps):
        raise argument_error("target", f"one map per image of `pred` ({len(pred_maps)})",
                             f"{len(target_maps)} maps")
    for i, (p, t) in enumerate(zip(pred_maps, target_maps, strict=True)):
        names = ("pred", "target") if len(pred_maps) == 1 else (f"pred[{i}]", f"target[{i}]")
        check_same_shape(p, t, *names)
    categories = sorted(set(things) | set(stuff))
    known = np.array(categories + ([] if void_label is None else [void_label]))
    _check_known(pred_maps, "pred", known)
    _check_known(target_maps, "target", known)

    stats = np.zeros((4, len(categories)))
    for p, t in zip(pred_maps, target_maps, strict=True):
        stats += _image_stats(p.astype(np.int64), t.astype(np.int64), categories, void_label,
                              set(stuff))
    iou_sum, tp, fp, fn = stats
    denominator = tp + 0.5 * fp + 0.5 * fn
    occurring = denominator > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        pq = np.where(occurring, iou_sum / denominator, np.nan)
        rq = np.where(occurring, tp / denominator, np.nan)
        sq = np.where(tp > 0, iou_sum / tp, np.where(occurring, 0.0, np.nan))
    is_thing = np.isin(categories, things)
    result = {}
    for suffix, subset in (("", occurring), ("_things", occurring & is_thing),
                           ("_stuff", occurring & ~is_thing)):
        result["pq" + suffix] = _average(pq, subset)
        result["sq" + suffix] = _average(sq, subset)
        result["rq" + suffix] = _average(rq, subset)
    result.update({
        "classes": np.array(categories, dtype=np.int64),
        "is_thing": is_thing,
        "pq_per_class": pq,
        "sq_per_class": sq,
        "rq_per_class": rq,
        "tp": tp.astype(np.int64),
        "fp": fp.astype(np.int64),
        "fn": fn.astype(np.int64),
        "iou_sum": iou_sum,
    })
    return result
