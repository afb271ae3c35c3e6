"""Named warnings of segcourse, one class per likely slip, so that they can be filtered.

Every warning the library gives is a :class:`SegcourseWarning` (a
``UserWarning``), and each kind of slip has a class of its own, so that a
test can ask for exactly that warning and a user who has checked their input
can silence exactly that one::

    import warnings
    from segcourse.metrics import AmbiguousMaskWarning

    warnings.filterwarnings("ignore", category=AmbiguousMaskWarning)

The warning points at the user's line (the first frame outside segcourse and
torch), so Python's default filter shows it once per line of user code, not
once per call of a training loop.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = [
    "SegcourseWarning",
    "AmbiguousMaskWarning",
    "SingletonAxisWarning",
    "PercentileWarning",
    "ProbabilitiesWarning",
    "MaskStackWarning",
    "VolumeWarning",
    "warn",
]


class SegcourseWarning(UserWarning):
    """Base class of every warning segcourse gives."""


class AmbiguousMaskWarning(SegcourseWarning):
    """Integer maps that may be a binary mask were scored without an explicit ``average``.

    A boolean mask is scored by its foreground (``average="binary"``); an
    integer map by the mean over its classes (``average="macro"``), background
    included. Masks read from files as 0/1 or 0/255 integers are therefore
    scored differently from the same masks as booleans, unless ``average`` is
    given (or the masks are converted with ``mask > 0``).
    """


class SingletonAxisWarning(SegcourseWarning):
    """A boundary score got a mask with a spatial axis of length 1.

    A ``(1, H, W)`` array is a 3-D volume one slice deep: every mask pixel
    then lies on the volume's surface, and the boundary scores differ from
    those of the ``(H, W)`` image.
    """


class PercentileWarning(SegcourseWarning):
    """A percentile between 0 and 1 was given, where percentiles run from 0 to 100."""


class ProbabilitiesWarning(SegcourseWarning):
    """A loss that applies softmax itself got probabilities instead of logits."""


class MaskStackWarning(SegcourseWarning):
    """A 3-D array of 0 and 1 that is not boolean was read as one instance map.

    :func:`~segcourse.metrics.iou_matrix` and :func:`~segcourse.metrics.match_instances`
    read a boolean ``(K, H, W)`` array as K instance masks and an integer
    ``(D, H, W)`` array as the instance map of one volume, while
    :func:`~segcourse.metrics.mean_average_precision` reads every ``masks``
    array as K masks. A stack of masks stored as numbers, such as
    ``(probs > 0.5).float()`` or a uint8 stack, is therefore one volume with a
    single object (id 1) to the first two: pass ``masks.astype(bool)`` (a
    tensor: ``masks.bool()``) for a stack.
    """


class VolumeWarning(SegcourseWarning):
    """A boundary score read a 3-D array as one volume, without its voxel spacing.

    Boundary scores treat ``(D, H, W)`` as one volume, so a batch ``(N, H, W)``
    of images becomes a volume whose neighbouring images are adjacent slices
    (an object of one image then lies next to the objects of the next). Score
    a batch image by image; for a volume pass its voxel size ``spacing=`` (for
    example ``(2.5, 0.7, 0.7)`` mm, or ``1`` for voxels as the unit), which
    also silences this warning.
    """


_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _internal(filename: str) -> bool:
    """Whether a frame belongs to segcourse or to torch (nn.Module's call machinery)."""
    if filename.startswith(_HERE):
        return True
    torch = sys.modules.get("torch")
    torch_file = getattr(torch, "__file__", None)
    return bool(torch_file) and filename.startswith(os.path.dirname(torch_file) + os.sep)


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first frame outside segcourse and torch."""
    frame = sys._getframe(0)
    level = 1
    while frame is not None and _internal(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
