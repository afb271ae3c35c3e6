"""Checkers for the course's exercises, one submodule per chapter.

Each checker takes the learner's answer (a value or a function), compares it
with the library's own computation, and returns a :class:`CheckResult`: right,
or wrong with a hint aimed at the usual mistake. An answer left as the stub
of a learner copy (``name = ...``, or a function whose body raises
``NotImplementedError``) gets a friendly "not answered yet" that says what to
replace, instead of an error, so a learner copy runs top to bottom.

- Chapter 01 (:mod:`segcourse.exercises.ch01`): :func:`check_box_from_mask`,
  :func:`check_object_fraction` (and :func:`check_foreground_fraction`),
  :func:`check_largest_coin`.
- Chapter 02 (:mod:`segcourse.exercises.ch02`): :func:`check_count_objects`,
  :func:`check_panoptic_encoding`, :func:`check_component_count`.
- Chapter 03 (:mod:`segcourse.exercises.ch03`): :func:`check_stable_softmax`,
  :func:`check_labels_and_confidence`, :func:`check_logit_threshold`,
  :func:`check_one_hot_with_ignore`.
- Chapter 04 (:mod:`segcourse.exercises.ch04`): :func:`check_dice_from_confusion`,
  :func:`check_balanced_accuracy`, :func:`check_macro_dice`, :func:`check_hd95`.
- Chapter 05 (:mod:`segcourse.exercises.ch05`): :func:`check_object_iou`,
  :func:`check_match_counts`, :func:`check_ap_from_ranked`,
  :func:`check_panoptic_quality`.
- Chapter 06 (:mod:`segcourse.exercises.ch06`): :func:`check_log_softmax`,
  :func:`check_focal_of_pixel`, :func:`check_soft_dice_loss`, :func:`check_ce_gradient`.
- Chapter 07 (:mod:`segcourse.exercises.ch07`): :func:`check_best_recall`,
  :func:`check_focal_tversky`, :func:`check_paired_differences`.

Every ``check_*`` is importable from here: ``exercises.check_box_from_mask``.

Examples
--------
>>> import numpy as np
>>> from segcourse import exercises
>>> exercises.check_foreground_fraction(..., np.zeros((2, 2), dtype=bool))
Not answered yet: replace the `...` after `answer =` in the cell above with your number,
then run that cell and this one.
"""

from ._common import CheckResult
from .ch01 import (
    check_box_from_mask,
    check_foreground_fraction,
    check_largest_coin,
    check_object_fraction,
)
from .ch02 import check_component_count, check_count_objects, check_panoptic_encoding
from .ch03 import (
    check_labels_and_confidence,
    check_logit_threshold,
    check_one_hot_with_ignore,
    check_stable_softmax,
)
from .ch04 import (
    check_balanced_accuracy,
    check_dice_from_confusion,
    check_hd95,
    check_macro_dice,
)
from .ch05 import (
    check_ap_from_ranked,
    check_match_counts,
    check_object_iou,
    check_panoptic_quality,
)
from .ch06 import (
    check_ce_gradient,
    check_focal_of_pixel,
    check_log_softmax,
    check_soft_dice_loss,
)
from .ch07 import check_best_recall, check_focal_tversky, check_paired_differences

__all__ = [
    "CheckResult",
    "check_box_from_mask",
    "check_foreground_fraction",
    "check_object_fraction",
    "check_largest_coin",
    "check_count_objects",
    "check_panoptic_encoding",
    "check_component_count",
    "check_stable_softmax",
    "check_labels_and_confidence",
    "check_logit_threshold",
    "check_one_hot_with_ignore",
    "check_dice_from_confusion",
    "check_balanced_accuracy",
    "check_macro_dice",
    "check_hd95",
    "check_object_iou",
    "check_match_counts",
    "check_ap_from_ranked",
    "check_panoptic_quality",
    "check_log_softmax",
    "check_focal_of_pixel",
    "check_soft_dice_loss",
    "check_ce_gradient",
    "check_best_recall",
    "check_focal_tversky",
    "check_paired_differences",
]
