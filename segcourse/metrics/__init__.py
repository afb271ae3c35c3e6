"""Every score of the course: pixel, boundary, object and panoptic.

- :mod:`segcourse.metrics.pixel`: the confusion matrix and every pixel score
  derived from it, plus a streaming accumulator (chapter 04).
- :mod:`segcourse.metrics.boundary`: Hausdorff distance, HD95, average surface
  distance and surface Dice of binary masks (chapter 04).
- :mod:`segcourse.metrics.objects`: IoU between instances, matching, COCO's
  average precision and mAP (chapter 05).
- :mod:`segcourse.metrics.panoptic`: panoptic quality PQ = SQ x RQ (chapter 05).

Scores take ``(pred, target)`` in that order, numpy arrays or torch tensors
(CPU or GPU, any dtype: float16 and bfloat16 included), and return floats or
numpy arrays.

Likely slips give named warnings (each a :class:`SegcourseWarning`), so that
they can be filtered one by one: :class:`AmbiguousMaskWarning` (integer maps
of two classes scored without ``average``), :class:`SingletonAxisWarning`
(a boundary score given a mask with an axis of length 1),
:class:`VolumeWarning` (a boundary score given a 3-D mask without
``spacing``: a batch of images would be one volume), :class:`MaskStackWarning`
(a non-boolean ``(K, H, W)`` array of 0 and 1 read by :func:`iou_matrix` as
one instance map, not K masks) and :class:`PercentileWarning`
(``percentile=0.95`` where 95 is meant).
"""

from segcourse._warnings import (
    AmbiguousMaskWarning,
    MaskStackWarning,
    PercentileWarning,
    SegcourseWarning,
    SingletonAxisWarning,
    VolumeWarning,
)
from segcourse.metrics.boundary import (
    average_surface_distance,
    hausdorff_distance,
    mask_boundary,
    surface_dice,
    surface_distances,
)
from segcourse.metrics.objects import (
    COCO_IOU_THRESHOLDS,
    COCO_RECALL_THRESHOLDS,
    InstanceMatches,
    average_precision,
    cell_average_precision,
    iou_matrix,
    match_instances,
    mean_average_precision,
    ranked_detections,
)
from segcourse.metrics.panoptic import panoptic_quality
from segcourse.metrics.pixel import (
    ConfusionMatrix,
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    dice,
    dice_from_iou,
    f1,
    iou,
    iou_from_dice,
    matthews_corrcoef,
    precision,
    recall,
    specificity,
)

__all__ = [
    "confusion_matrix",
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "specificity",
    "f1",
    "dice",
    "iou",
    "matthews_corrcoef",
    "dice_from_iou",
    "iou_from_dice",
    "ConfusionMatrix",
    "mask_boundary",
    "surface_distances",
    "hausdorff_distance",
    "average_surface_distance",
    "surface_dice",
    "iou_matrix",
    "InstanceMatches",
    "match_instances",
    "average_precision",
    "mean_average_precision",
    "ranked_detections",
    "cell_average_precision",
    "COCO_IOU_THRESHOLDS",
    "COCO_RECALL_THRESHOLDS",
    "panoptic_quality",
    "SegcourseWarning",
    "AmbiguousMaskWarning",
    "SingletonAxisWarning",
    "PercentileWarning",
    "VolumeWarning",
    "MaskStackWarning",
]
