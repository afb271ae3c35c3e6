r"""Pixel scores of a segmentation, all derived from one confusion matrix.

Chapter 04 ("pixel scores") of the course teaches these scores: the confusion
matrix, accuracy and balanced accuracy, precision, recall and specificity,
Dice (F1) and IoU, the Matthews correlation coefficient, the averages over
classes, and the difference between a dataset-level score and the mean of
per-image scores (:class:`ConfusionMatrix`).

Every function counts once (:func:`confusion_matrix`) and reduces once, so
all scores agree with each other on the same input.

Edge cases (the same rule in every function)
--------------------------------------------
- A class absent from both inputs: its Dice, IoU, precision and recall are
  0/0, hence NaN (``zero_division``), and it is left out of the macro and
  weighted averages instead of counting as 0 or 1.
- Both masks empty: Dice, IoU, precision and recall are NaN; accuracy and
  specificity are 1.
- A missed object (empty prediction, non-empty target): Dice, IoU and recall
  are 0; precision is NaN (nothing was predicted).
- Every pixel ignored: the confusion matrix is all zeros and every score is
  NaN; ``num_classes`` must then be given, since nothing is left to infer it.

Conventions (those of the whole library)
----------------------------------------
- ``(pred, target)``, in that order; every option is keyword-only.
- Integer arrays of any shape (2-D, 3-D, batches) are label maps with values
  ``0..num_classes-1``. Boolean arrays are binary masks (foreground = True);
  if either input is boolean both are compared as masks (two classes), and
  the default score is the foreground (``"binary"``) one.
- One mask, one score: the same mask stored as integers (0/1, or 0/255 as
  read from an 8-bit image file) is a label map, whose default score is the
  mean over background and foreground (``"macro"``). So that no one gets
  that mean by accident, a score with an ``average`` option called without
  one on integer maps that may be a mask (every counted value 0 or 1, or 0
  or 255, or ``num_classes=2``) warns with :class:`AmbiguousMaskWarning` and
  asks for ``average``. Accuracy, balanced accuracy and the Matthews
  coefficient have no ``average`` and give the same value for all three
  storages.
- ``cm[i, j]`` counts the pixels of true class ``i`` predicted as ``j``
  (rows: target, columns: prediction), as in scikit-learn.
- ``ignore_index``: target pixels with that value count nowhere; the
  prediction there is not looked at. If ``ignore_index`` is also a class
  index, that class has no target pixel left: it gets no per-class score
  (NaN) and is left out of the macro and weighted averages, while a pixel
  predicted as it still counts as a miss of its true class.
- Reduced precision: counts are int64 whatever the input dtype; float16
  and bfloat16 tensors (automatic mixed precision) are accepted as label
  maps or masks when their values are whole numbers.
- ``zero_division=np.nan``: a per-class score that is 0/0 (for example the
  Dice score of a class absent from both inputs) is NaN and is left out of the
  macro and weighted averages. ``0.0`` or ``1.0`` may be passed instead.
"""

from __future__ import annotations

import copy
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from segcourse._validation import (
    argument_error,
    check_choice,
    check_int,
    check_label_map,
    check_positive_int,
    describe,
    to_numpy,
)
from segcourse._warnings import AmbiguousMaskWarning, warn
from segcourse.metrics._common import AVERAGES, as_result, check_zero_division, divide, nanmean

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
]

#: Largest number of classes of a dense confusion matrix (it holds num_classes**2 counts).
MAX_CLASSES = 4096

# How pixels are counted. The reference for speed is a bare ``np.bincount`` of
# pre-combined labels (``bench/bench_limits.py`` prints the ratio); each step
# below is there because the bincount alone cannot do it:
# - one index ``target * C + pred`` per pixel, built in a reused int64 buffer,
#   in chunks that stay in the CPU's caches: a fresh full-size index costs more
#   in page faults and memory traffic than the counting itself;
# - the range check is one max-reduction per input, over its unsigned view (a
#   negative label becomes huge), and is skipped where it cannot fail: boolean
#   masks, unsigned dtypes too narrow to hold a label >= C, and labels whose
#   maximum just gave ``num_classes``;
# - ignored pixels are counted, then dropped: an ignore_index that is a class
#   has its row emptied after counting; any other value (255, -100) gets a row
#   of its own, and the rows between it and the classes must stay empty (a
#   target there is out of range). No mask of the ignored pixels is built, and
#   one min and one max check the target;
# - two classes without ignore_index (boolean masks) need no index at all: the
#   matrix follows from three popcounts (TP, target and predicted positives),
#   over ten times faster than any bincount;
# - an input smaller than one chunk goes straight through, and only inputs of
#   several million pixels are split over threads (np.bincount and the ufuncs
#   release the GIL), in a pool started on first use. On a 2-CPU machine two
#   threads measured slower than one from 1024^2 (2.2x against 2.0x a bare
#   bincount) to 4096^2 (1.34x against 1.27x), so below 4 million pixels the
#   pool is not used at all.
_CHUNK = 1 << 17           # pixels per chunk (smaller chunks measured no faster, only more calls)
_BINARY_CHUNK = 1 << 18    # pixels per chunk of two-class counts (a bool temporary each)
_PARALLEL_MIN = 1 << 22    # fewer pixels than this: one thread (a thread's hand-off costs more)
_executor: ThreadPoolExecutor | None = None


def _num_workers() -> int:
    """Threads for a large input: the CPUs this process may use, at most 4, and no more
    than torch's own limit once torch is imported (``torch.set_num_threads(1)``, as a
    DataLoader worker has, means one thread here too)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        available = os.cpu_count() or 1
    torch = sys.modules.get("torch")
    if torch is not None:
        available = min(available, torch.get_num_threads())
    return max(1, min(available, 4))


def _forget_executor() -> None:
    # A forked child inherits the pool object but not its threads: work sent to
    # it would wait forever. The child builds a pool of its own when it needs one.
    global _executor
    _executor = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executor)


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=_num_workers(),
                                       thread_name_prefix="segcourse-metrics")
    return _executor


# ---------------------------------------------------------------------------
# Input checks and counting
# ---------------------------------------------------------------------------

_UNSIGNED = {np.dtype(f"i{size}"): np.dtype(f"u{size}") for size in (1, 2, 4, 8)}


def _unsigned(array: np.ndarray) -> np.ndarray:
    """View a signed integer array as unsigned: negative values become huge."""
    unsigned = _UNSIGNED.get(array.dtype)
    if unsigned is not None:
        return array.view(unsigned)
    if array.dtype.kind == "i":  # a byte order other than the machine's
        return array.view(array.dtype.str.replace("i", "u"))
    return array


def _widen_for_check(array: np.ndarray, num_classes: int) -> np.ndarray:
    """``array``, as int16 if it is int8 and ``num_classes > 128``.

    The unsigned view that checks the range turns a negative int8 label into
    128..255, which are valid labels when there are more than 128 classes.
    """
    if array.dtype == np.int8 and num_classes > 128:
        return array.astype(np.int16)
    return array


def _may_exceed(dtype: np.dtype, num_classes: int) -> bool:
    """Whether an integer array of ``dtype`` can hold a value outside ``0..num_classes-1``."""
    return dtype.kind != "u" or 256 ** dtype.itemsize > num_classes


def _as_integer(value, name: str, ignore_index) -> np.ndarray:
    """An integer numpy array (booleans as a uint8 view, integer-valued floats converted)."""
    array = to_numpy(value, name)
    if array.dtype == bool:
        return array.view(np.uint8)
    if array.dtype.kind in "iu":
        return array
    return check_label_map(array, name, ignore_index=ignore_index)


def _check_num_classes(num_classes, name="num_classes"):
    num_classes = check_positive_int(num_classes, name, allow_none=True)
    if num_classes is not None and num_classes > MAX_CLASSES:
        raise argument_error(name, f"at most {MAX_CLASSES} (the confusion matrix holds "
                             "num_classes**2 counts)", describe(num_classes))
    return num_classes


def _largest_label(array: np.ndarray, name: str, ignore_index, valid) -> int:
    """Largest label of ``array`` where ``valid`` (-1 if none); negative labels raise.

    ``valid`` is None (every pixel) or a boolean array, with at least one True.
    """
    if array.size == 0:
        return -1
    unsigned = _unsigned(array)
    if valid is None:
        largest = int(unsigned.max())
    else:  # a reduction under a mask, not a copy of the valid pixels
        largest = int(np.max(unsigned, where=valid, initial=0))
    if array.dtype.kind == "i" and largest >= 2 ** (8 * array.dtype.itemsize - 1):
        # a negative label: raise the standard error
        values = array if valid is None else array[valid]
        check_label_map(values, name, ignore_index=ignore_index if name == "target" else None)
    return largest


def _infer_num_classes(pred, target, ignore_index, known=None) -> int:
    valid = None
    if ignore_index is not None:
        valid = target != ignore_index
        if not valid.any():
            pred = pred[:0]
            target = target[:0]
            valid = None
    largest = max(_largest_label(pred, "pred", ignore_index, valid),
                  _largest_label(target, "target", ignore_index, valid))
    if largest < 0 and known is not None:
        return known
    if largest < 0:
        raise argument_error("num_classes", "an integer when every pixel is ignored or the "
                             "inputs are empty (it cannot be inferred)", "None")
    if largest >= MAX_CLASSES:
        name = "pred" if _largest_label(pred, "pred", ignore_index, valid) == largest else "target"
        raise argument_error(name, f"a label map with fewer than {MAX_CLASSES} classes (an "
                             "instance map belongs to iou_matrix)", f"a maximum of {largest}")
    return largest + 1


def _times(array, factor, out):
    """``array * factor`` into the int64 ``out``, in the cheapest exact loop.

    The values are checked or known to be small (labels below ``factor``,
    or an ignored value a few rows past them: at most ``4 * C`` rows or
    ``2**18`` bins, see :func:`_count`), so the product stays below ``2**26``
    and a 32- or 64-bit input's own loop holds it; narrower inputs are
    widened to int64 first.
    """
    if array.dtype == np.int64:
        return np.multiply(array, factor, out=out)
    if array.itemsize >= 4:
        return np.multiply(array, factor, out=out, casting="unsafe")
    return np.multiply(array, factor, out=out, dtype=np.int64, casting="unsafe")


def _plus(index, array):
    """``index += array`` for the int64 ``index`` (a uint64 array would promote to float,
    in either byte order)."""
    if array.dtype.kind == "u" and array.itemsize == 8:
        return np.add(index, array, out=index, dtype=np.int64, casting="unsafe")
    return np.add(index, array, out=index)


def _ignore_rows(num_classes, ignore_index):
    """``(low, rows)``: the target values ``low .. low + rows - 1`` that get a row of bins.

    Rows ``-low .. -low + C - 1`` are the classes; an ``ignore_index`` outside
    ``0..C-1`` gets a row of its own (and the rows between it and the classes
    must stay empty: a target there is out of range).
    """
    if ignore_index is None or 0 <= ignore_index < num_classes:
        return 0, num_classes
    low = min(0, ignore_index)
    return low, max(num_classes - 1, ignore_index) - low + 1


def _fill_index(target, pred, num_classes, ignore_index, check_target, check_pred, images,
                index) -> bool:
    """Write the bin of every pixel of ``images`` equal images (1-D slices) into ``index``.

    Bin ``(target - low) * C + pred`` plus ``image * rows * C`` (see
    :func:`_ignore_rows`). Returns False when a label is out of range.
    """
    classes = num_classes
    low, rows = _ignore_rows(classes, ignore_index)
    # Each input is checked right before the pass that uses it, while its slice
    # is still in the cache: target, then pred.
    if check_target:
        if rows == classes:
            if _unsigned(target).max() >= classes:
                return False
        elif int(target.min()) < low or int(target.max()) >= low + rows:
            return False
    narrow = (low == 0 and target.itemsize <= 2 and pred.itemsize <= 2
              and rows * classes <= 1 << 16)
    if narrow:
        # 8- and 16-bit labels (PNG files): the bin fits 16 bits, whose passes cost a
        # third of int64 ones with their widening; one copy widens the result
        short = np.multiply(_unsigned(target), np.uint16(classes), dtype=np.uint16)
    elif low == 0:
        _times(target, classes, index)
    else:
        np.subtract(target, low, out=index, dtype=np.int64, casting="unsafe")
        np.multiply(index, classes, out=index)
    if check_pred and _unsigned(pred).max() >= classes:
        if ignore_index is None:
            return False
        # out of range is an error only where the target is not ignored
        pred = _unsigned(pred)
        if (np.greater_equal(pred, classes) & np.not_equal(target, ignore_index)).any():
            return False
        pred = np.minimum(pred, classes - 1)  # ignored pixels: any class will do
    if narrow:
        np.add(short, _unsigned(pred), out=short)
        np.copyto(index, short)
    else:
        _plus(index, pred)
    if images > 1:
        block = rows * classes
        index.reshape(images, -1)[...] += (np.arange(images, dtype=np.int64) * block)[:, None]
    return True


def _bincount(index, bins, out=None):
    """Counts of ``index`` in ``bins`` bins, added to ``out`` when given."""
    if out is None:
        return np.bincount(index, minlength=bins)
    if bins <= 4 * index.size:
        out += np.bincount(index, minlength=bins)
    else:  # many more bins than pixels (many classes): no full-size array per chunk
        np.add.at(out, index, 1)
    return out


def _finish(out, images, num_classes, ignore_index, check_target):
    """The ``(images, C * C)`` matrices from the bins ``out``; None if a target was out of range."""
    low, rows = _ignore_rows(num_classes, ignore_index)
    blocks = out.reshape(images, rows, num_classes)
    matrices = blocks[:, -low:num_classes - low]
    if rows > num_classes and check_target:
        # every row other than the classes' and the ignored value's must be empty
        ignored = blocks[:, ignore_index - low]
        if blocks.sum() != matrices.sum() + ignored.sum():
            return None
    if ignore_index is not None and rows == num_classes:
        # an ignore_index that is a class: its row holds exactly the ignored pixels
        matrices = matrices.copy()
        matrices[:, ignore_index] = 0
    return matrices.reshape(images, num_classes * num_classes)


def _count_part(target, pred, num_classes, ignore_index, check_target, check_pred, images):
    """Counts ``(images, C * C)`` of 1-D arrays of ``images`` equal images; None if out of range."""
    size = target.size
    square = num_classes * num_classes
    if size == 0:
        return np.zeros((images, square), dtype=np.int64)
    pixels = size // images
    step = _CHUNK
    options = (num_classes, ignore_index, check_target, check_pred)
    block = _ignore_rows(num_classes, ignore_index)[1] * num_classes
    if images == 1 and size <= step:  # small: one pass, no chunk machinery
        index = np.empty(size, dtype=np.int64)
        if not _fill_index(target, pred, *options, 1, index):
            return None
        counts = np.bincount(index, minlength=block)
        if ignore_index is None:
            return counts.reshape(1, square)
        return _finish(counts, 1, *options[:3])
    group = 1 if pixels > step else step // pixels  # whole images per chunk
    index = np.empty(min(size, step if pixels > step else group * pixels), dtype=np.int64)
    result = np.empty((images, square), dtype=np.int64)
    for first in range(0, images, group):
        last = min(first + group, images)
        out = np.zeros((last - first) * block, dtype=np.int64)
        for start in range(first * pixels, last * pixels, step if pixels > step else size):
            stop = min(start + step, last * pixels) if pixels > step else last * pixels
            if not _fill_index(target[start:stop], pred[start:stop], *options, last - first,
                               index[:stop - start]):
                return None
            _bincount(index[:stop - start], out.size, out)
        matrices = _finish(out, last - first, *options[:3])
        if matrices is None:
            return None
        result[first:last] = matrices
    return result


def _count_binary(target, pred, images):
    """Counts ``(images, 4)``, ``[TN, FP, FN, TP]``, of arrays holding only 0 and 1.

    No index and no bincount: the true positives, the target's positives and
    the prediction's positives are three popcounts, and the rest follows.
    """
    size = target.size
    pixels = size // images
    if target.itemsize == 1:  # 0/1 bytes are booleans: numpy's fastest count
        target = target.view(bool)
    if pred.itemsize == 1:
        pred = pred.view(bool)
    if images > 1 and pixels * 16 <= _BINARY_CHUNK:  # many small images: counts along an axis
        target = target.reshape(images, pixels)
        pred = pred.reshape(images, pixels)
        true_positive = np.count_nonzero(np.logical_and(target, pred), axis=1)
        positive = np.count_nonzero(target, axis=1)
        predicted = np.count_nonzero(pred, axis=1)
    else:
        true_positive = np.zeros(images, dtype=np.int64)
        positive = np.zeros(images, dtype=np.int64)
        predicted = np.zeros(images, dtype=np.int64)
        both = np.empty(min(size, _BINARY_CHUNK), dtype=bool)
        for image in range(images):
            for start in range(image * pixels, (image + 1) * pixels, _BINARY_CHUNK):
                stop = min(start + _BINARY_CHUNK, (image + 1) * pixels)
                t, p = target[start:stop], pred[start:stop]
                true_positive[image] += np.count_nonzero(
                    np.logical_and(t, p, out=both[:stop - start]))
                positive[image] += np.count_nonzero(t)
                predicted[image] += np.count_nonzero(p)
    false_negative = positive - true_positive
    false_positive = predicted - true_positive
    true_negative = pixels - positive - false_positive
    return np.stack([true_negative, false_positive, false_negative, true_positive], axis=-1)


def _count(target, pred, num_classes, ignore_index, *, check_target=True, check_pred=True,
           images=None):
    """The ``(C, C)`` confusion counts of two integer arrays of the same shape.

    With ``images=N`` the arrays hold N images along their first axis, and the
    result is ``(N, C, C)``, one matrix per image. ``check_target=False`` or
    ``check_pred=False`` skips the range check of an array whose labels are
    known to be in ``0..C-1`` (at the pixels that are not ignored).
    """
    target = _widen_for_check(target.reshape(-1), num_classes)
    pred = _widen_for_check(pred.reshape(-1), num_classes)
    check_target = check_target and _may_exceed(target.dtype, num_classes)
    check_pred = check_pred and _may_exceed(pred.dtype, num_classes)
    count = images or 1
    size = target.size
    given = (pred, target, num_classes, ignore_index)  # for the error message
    if (ignore_index is not None and _ignore_rows(num_classes, ignore_index)[1] * num_classes
            > max(4 * num_classes * num_classes, 1 << 18)):
        # an ignored value far from the classes (say 10**6): relabel it C + 1, next
        # to them, and every other target out of range C
        ignored = np.equal(target, ignore_index)
        target = np.minimum(_unsigned(target), np.uint64(num_classes)).astype(np.int64)
        target[ignored] = ignore_index = num_classes + 1
    options = (num_classes, ignore_index, check_target, check_pred)
    if num_classes == 2 and ignore_index is None:
        if size and ((check_target and _unsigned(target).max() >= 2)
                     or (check_pred and _unsigned(pred).max() >= 2)):
            _raise_out_of_range(pred, target, num_classes, ignore_index)
        counts = _count_binary(target, pred, count).reshape(count, 2, 2)
        return counts if images is not None else counts[0]
    workers = _num_workers() if size >= _PARALLEL_MIN else 1
    if workers > 1 and count < workers and count > 1:
        # a few large images: each one split over the threads
        pixels = size // count
        return np.stack([_count(target[i * pixels:(i + 1) * pixels],
                                pred[i * pixels:(i + 1) * pixels], *options[:2],
                                check_target=check_target, check_pred=check_pred)
                         for i in range(count)])
    if workers > 1:  # split the pixels (one image) or the images over the threads
        pixels = size // count
        units = size if count == 1 else count
        bounds = np.linspace(0, units, workers + 1).astype(int) * (1 if count == 1 else pixels)
        parts = list(_get_executor().map(
            lambda i: _count_part(target[bounds[i]:bounds[i + 1]],
                                  pred[bounds[i]:bounds[i + 1]], *options,
                                  1 if count == 1 else (bounds[i + 1] - bounds[i]) // pixels),
            range(workers)))
        if any(part is None for part in parts):
            counts = None
        else:
            counts = sum(parts) if count == 1 else np.concatenate(parts)
    else:
        counts = _count_part(target, pred, *options, count)
    if counts is None:
        _raise_out_of_range(*given)
    counts = counts.reshape(count, num_classes, num_classes)
    return counts if images is not None else counts[0]


def _raise_out_of_range(pred, target, num_classes, ignore_index):
    valid = Ellipsis if ignore_index is None else target != ignore_index
    for name, array, ignored in (("target", target, ignore_index), ("pred", pred[valid], None)):
        try:
            check_label_map(array, name, num_classes=num_classes, ignore_index=ignored)
        except ValueError as error:
            if num_classes == 2 and str(error).endswith("a maximum of 255."):
                raise ValueError(f"{str(error)[:-1]} (a mask stored as 0 and 255: pass "
                                 f"`{name} > 0`).") from None
            raise
    raise AssertionError("a label was out of range but no check caught it")  # pragma: no cover


def _check_shapes(pred: np.ndarray, target: np.ndarray) -> None:
    """Raise the standard shape error; name ``pred.argmax(axis)`` for scores with a class axis.

    Float predictions with one axis more than the target, which the target's
    shape matches once that axis is dropped, are logits or probabilities
    ``(N, C, H, W)``: the label map is their argmax over the class axis
    (torch's axis 1 is tried first).
    """
    if pred.shape == target.shape:
        return
    hint = ""
    if pred.ndim == target.ndim + 1 and pred.dtype.kind == "f":
        for axis in (1, 0, *range(2, pred.ndim)):
            if axis < pred.ndim and pred.shape[:axis] + pred.shape[axis + 1:] == target.shape:
                hint = (f" (class scores, logits or probabilities, along axis {axis}? the "
                        f"predicted label map is `pred.argmax({axis})`)")
                break
    raise ValueError(f"Expected arguments `pred` and `target` to have the same shape, but got "
                     f"{pred.shape} and {target.shape}{hint}.")


def _prepare(pred, target, num_classes, ignore_index, known_classes=None):
    """Checked integer arrays, the number of classes, whether the inputs are masks, and
    which arrays still need their range checked while counting.

    ``known_classes`` (the streaming accumulator's count so far) is used when
    ``num_classes`` is None and nothing is left to infer it from. The last
    item, ``(check_target, check_pred)``, is False for an array whose labels
    are known to lie in ``0..num_classes-1`` at the pixels that are not
    ignored: boolean masks, and the arrays whose maximum gave ``num_classes``.
    """
    num_classes = _check_num_classes(num_classes)
    ignore_index = check_int(ignore_index, "ignore_index", allow_none=True)
    pred_array = to_numpy(pred, "pred")
    target_array = to_numpy(target, "target")
    _check_shapes(pred_array, target_array)
    check_pred = pred_array.dtype != bool
    check_target = target_array.dtype != bool
    is_mask = not (check_pred and check_target)
    if is_mask:
        if num_classes not in (None, 2):
            raise argument_error("num_classes", "2 (or None) for boolean masks",
                                 describe(num_classes))
        num_classes = 2
    pred_array = _as_integer(pred_array, "pred", None)
    target_array = _as_integer(target_array, "target", ignore_index)
    if num_classes is None:
        num_classes = _infer_num_classes(pred_array, target_array, ignore_index,
                                         known_classes)
        # every counted label is now below num_classes; without ignore_index so is
        # every label of pred (with it, pred is unchecked at the ignored pixels)
        check_target = False
        check_pred = check_pred and ignore_index is not None
    return (pred_array, target_array, num_classes, ignore_index, is_mask,
            (check_target, check_pred))


def _confusion(pred, target, num_classes, ignore_index):
    """The confusion matrix, whether the inputs are boolean masks, and the checked ignore_index."""
    pred, target, num_classes, ignore_index, is_mask, (check_target, check_pred) = _prepare(
        pred, target, num_classes, ignore_index)
    counts = _count(target, pred, num_classes, ignore_index, check_target=check_target,
                    check_pred=check_pred)
    return counts, is_mask, ignore_index


_INT64 = np.dtype(np.int64)
# Pixels up to which the usual call counts in one pass (_plain_confusion): measured
# 0.93 to 0.97x the time of _count from 2**16 to 2**19 int64 pixels, and 1.07x at
# 2**20, where _count's chunks keep their index in the cache.
_PLAIN_MAX = 1 << 19


def _plain_confusion(pred, target, num_classes, ignore_index):
    """:func:`confusion_matrix` of the usual call, or None for any other call.

    The usual call: two int64 numpy arrays of the same shape, of at most
    ``_PLAIN_MAX`` pixels, an int ``num_classes`` from 3 to ``MAX_CLASSES`` and
    no ``ignore_index``. Recognised in a few attribute reads, it takes the
    passes of :func:`_count`'s one-chunk path (a max-reduction per input that
    checks its labels, one bin index, one bincount) without its machinery,
    whose function calls cost about 6 % of a call at 256 x 256 pixels. A
    label out of range gets the standard error.

    The checks stay: np.bincount trusts its input, and a label out of range
    would not only be counted in a wrong cell, it can make a bin index of
    ``2**63 - 1`` (which overruns np.bincount's own array) or ask it for
    petabytes.
    """
    if not (ignore_index is None and type(num_classes) is int
            and 2 < num_classes <= MAX_CLASSES and type(pred) is np.ndarray
            and type(target) is np.ndarray and pred.dtype == _INT64
            and target.dtype == _INT64 and pred.shape == target.shape
            and 0 < pred.size <= _PLAIN_MAX):
        return None
    labels, predicted = target.reshape(-1), pred.reshape(-1)
    if (labels.view(np.uint64).max() >= num_classes
            or predicted.view(np.uint64).max() >= num_classes):
        _raise_out_of_range(pred, target, num_classes, None)
    index = np.multiply(labels, num_classes)
    np.add(index, predicted, out=index)
    return np.bincount(index, minlength=num_classes * num_classes).reshape(num_classes,
                                                                            num_classes)


# ---------------------------------------------------------------------------
# Scores from a confusion matrix (any leading batch axes)
# ---------------------------------------------------------------------------

def _two_class_values(cm, fixed_classes):
    """How label maps that may be a binary mask look (``"hold only 0 and 1"``, ...),
    from their confusion matrices ``cm`` (..., C, C); None when they are no mask.

    Two classes: ``num_classes=2`` given, or none given and every counted
    value 0 or 1 (C inferred <= 2), or 0 and 255 only (an 8-bit mask file).
    """
    num_classes = cm.shape[-1]
    if fixed_classes is not None:
        return "have 2 classes (num_classes=2)" if num_classes == 2 else None
    if num_classes <= 2:
        return "hold only 0 and 1"
    if num_classes == 256:
        cm = cm.reshape(-1, num_classes, num_classes).sum(axis=0)
        if not (cm.sum(axis=0)[1:255].any() or cm.sum(axis=1)[1:255].any()):
            return "hold only 0 and 255"
    return None


def _warn_two_classes(values: str):
    if values.endswith("255"):
        fix = "boolean masks (`pred > 0`, `target > 0`)"
    else:
        fix = "average='binary' (or boolean masks)"
    warn(f"`pred` and `target` are not boolean but {values}, and no `average` was given, "
         "so they are scored as a label map: average='macro', the mean of the background "
         f"and foreground scores. For the foreground score of a binary mask pass {fix}; to "
         "keep the mean, pass average='macro'.", AmbiguousMaskWarning)


def _resolve_average(average, num_classes: int, is_mask: bool, values: str | None = None) -> str:
    """The ``average`` to use; ``values`` (of :func:`_two_class_values`) says whether the
    label maps may be a mask stored as 0 and 255, which 'binary' then asks to convert."""
    if average is None:
        return "binary" if is_mask else "macro"
    check_choice(average, "average", AVERAGES)
    if average == "binary" and num_classes != 2:
        if values == "hold only 0 and 255":
            raise argument_error("average", "'binary' only for two classes (boolean masks or "
                                 "num_classes=2); `pred` and `target` hold only 0 and 255, a "
                                 "mask stored as 0 and 255 as read from an 8-bit image file: "
                                 "pass `pred > 0` and `target > 0`", describe(average))
        raise argument_error("average", "'binary' only for two classes (boolean masks or "
                             f"num_classes=2); there are {num_classes} classes, so one of "
                             "'micro', 'macro', 'weighted', 'none'", describe(average))
    return average


def _mask_values(cm, fixed_classes, name, average, is_mask):
    """:func:`_two_class_values` where it decides something: a warning (no ``average``)
    or the hint of the error of ``average='binary'``; None elsewhere (no extra work)."""
    if is_mask or not (average == "binary" or (average is None and name in _AVERAGED)):
        return None
    return _two_class_values(cm, fixed_classes)


def _stat_scores(cm):
    """True and false positives and negatives per class, from ``cm[..., target, pred]``."""
    cm = np.asarray(cm, dtype=np.int64)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    predicted = cm.sum(axis=-2)
    actual = cm.sum(axis=-1)
    total = cm.sum(axis=(-2, -1))[..., None]
    fp = predicted - tp
    fn = actual - tp
    tn = total - tp - fp - fn
    return tp, fp, fn, tn


def _fraction(name, tp, fp, fn, tn):
    """Numerator and denominator of a per-class score."""
    if name == "precision":
        return tp, tp + fp
    if name == "recall":
        return tp, tp + fn
    if name == "specificity":
        return tn, tn + fp
    if name == "f1":
        return 2 * tp, 2 * tp + fp + fn
    if name == "iou":
        return tp, tp + fp + fn
    raise AssertionError(name)  # pragma: no cover


def _class_score(name, cm, average, zero_division, ignore_index=None):
    tp, fp, fn, tn = _stat_scores(cm)
    numerator, denominator = _fraction(name, tp, fp, fn, tn)
    if average == "micro":
        return divide(numerator.sum(-1), denominator.sum(-1), zero_division)
    per_class = divide(numerator, denominator, zero_division)
    if ignore_index is not None and 0 <= ignore_index < per_class.shape[-1]:
        # the ignored class has no target pixel left: no score, out of every average
        per_class[..., ignore_index] = np.nan
    if average == "none":
        return per_class
    if average == "binary":
        return per_class[..., 1]
    if average == "macro":
        return nanmean(per_class)
    # weighted by support (target pixels of each class), over the defined scores
    weights = np.where(np.isnan(per_class), 0, tp + fn)
    return divide((weights * np.nan_to_num(per_class)).sum(-1), weights.sum(-1), zero_division)


def _accuracy(cm, zero_division):
    tp, fp, fn, tn = _stat_scores(cm)
    return divide(tp.sum(-1), (tp + fn).sum(-1), zero_division)


def _matthews(cm, zero_division):
    cm = np.asarray(cm, dtype=np.float64)  # products of counts overflow int64
    correct = np.trace(cm, axis1=-2, axis2=-1)
    actual = cm.sum(axis=-1)
    predicted = cm.sum(axis=-2)
    total = cm.sum(axis=(-2, -1))
    covariance = correct * total - (actual * predicted).sum(-1)
    variance_pred = total ** 2 - (predicted ** 2).sum(-1)
    variance_target = total ** 2 - (actual ** 2).sum(-1)
    return divide(covariance, np.sqrt(variance_pred * variance_target), zero_division)


def _score(name, cm, average, zero_division, ignore_index=None):
    """Any score of this module from confusion matrices ``cm`` of shape (..., C, C)."""
    if name == "accuracy":
        return _accuracy(cm, zero_division)
    if name == "balanced_accuracy":
        return _class_score("recall", cm, "macro", zero_division, ignore_index)
    if name == "matthews_corrcoef":
        return _matthews(cm, zero_division)
    return _class_score(name, cm, average, zero_division, ignore_index)


# the scores whose default `average` depends on whether the inputs are a mask
_AVERAGED = ("precision", "recall", "specificity", "f1", "iou")


def _functional(name, pred, target, num_classes, ignore_index, average, zero_division):
    zero_division = check_zero_division(zero_division)
    if average is not None:
        check_choice(average, "average", AVERAGES)
    cm, is_mask, ignore_index = _confusion(pred, target, num_classes, ignore_index)
    values = _mask_values(cm, num_classes, name, average, is_mask)
    if average is None and values:
        _warn_two_classes(values)
    average = _resolve_average(average, cm.shape[0], is_mask, values)
    return as_result(_score(name, cm, average, zero_division, ignore_index))


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def confusion_matrix(pred, target, *, num_classes=None, ignore_index=None):
    r"""Confusion matrix of a predicted label map against the target.

    .. math:: \mathrm{cm}_{ij} = \left|\{p : t_p = i,\ \hat{y}_p = j\}\right|

    Rows are the target class, columns the predicted class (scikit-learn's
    orientation), so the row sums are the class frequencies of the target and
    the column sums those of the prediction. Every other score of this module
    is computed from this one matrix.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..num_classes-1``) of the same shape: 2-D
        images, 3-D volumes or batches of them. Boolean masks give the 2 x 2
        matrix ``[[TN, FP], [FN, TP]]``; a mask stored as 0/1 integers gives
        the same matrix, one stored as 0/255 a 256 x 256 matrix (classes 0
        and 255), so pass such masks as ``mask > 0``. Any dtype, float16 and
        bfloat16 tensors included (float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes ``C``; inferred as ``max(pred.max(), target.max()) + 1``
        over the pixels that are not ignored when None (always 2 for boolean
        masks). Pass it whenever a class may be missing from the data.
    ignore_index : int, optional
        Target value whose pixels count nowhere (for example 255 for unlabeled
        borders). The prediction at those pixels is not checked against
        ``num_classes`` (a float prediction must still hold whole numbers
        ``>= 0`` everywhere to be read as labels). If it is
        also a class index, that class's row stays 0 and its column counts
        the pixels predicted as it.

    Returns
    -------
    numpy.ndarray
        ``(C, C)`` int64 counts.

    Raises
    ------
    ValueError
        Shapes differ, a label is negative (other than ``ignore_index``) or
        ``>= num_classes``, a float map holds non-integer values, or nothing
        is left to infer ``num_classes`` from.
    TypeError
        An input is not an array or tensor of numbers.

    Notes
    -----
    Pixels are counted with one ``np.bincount`` over ``target * C + pred``,
    in cache-sized chunks (threads for inputs of 4 million pixels or more,
    no more than ``torch.get_num_threads()`` once torch is imported), after
    one max-reduction per input that checks the labels. Two classes without
    ``ignore_index`` (boolean masks) need no bincount: the matrix follows
    from three counts, TP and the positives of each input. All pixels of a
    batch are pooled; :class:`ConfusionMatrix` keeps one matrix per image as
    well, counted for the whole batch in one pass.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.confusion_matrix``.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 0, 1], [1, 2, 2]])
    >>> pred = np.array([[0, 1, 1], [1, 2, 0]])
    >>> confusion_matrix(pred, target)
    array([[1, 1, 0],
           [0, 2, 0],
           [1, 0, 1]])
    >>> confusion_matrix(pred > 0, target > 0)  # boolean masks: [[TN, FP], [FN, TP]]
    array([[1, 1],
           [1, 3]])
    """
    cm = _plain_confusion(pred, target, num_classes, ignore_index)
    if cm is None:
        cm, _, _ = _confusion(pred, target, num_classes, ignore_index)
    return cm


def accuracy(pred, target, *, num_classes=None, ignore_index=None, zero_division=np.nan):
    r"""Pixel accuracy: the fraction of (non-ignored) pixels labelled correctly.

    .. math:: \mathrm{accuracy} = \frac{\sum_c \mathrm{cm}_{cc}}{\sum_{ij} \mathrm{cm}_{ij}}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
        The same value for a boolean mask and for the same mask as 0/1 or
        0/255 integers (this score has no ``average``).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere.
    zero_division : float, default np.nan
        Returned when there is no pixel to score (every pixel ignored).

    Returns
    -------
    float

    Notes
    -----
    Accuracy is dominated by the largest class: a model that predicts only
    background on images that are 95 % background scores 0.95. Chapter 04
    contrasts it with :func:`balanced_accuracy`. For single-label maps it
    equals the micro-averaged precision, recall and F1.

    References
    ----------
    .. [1] J. Jordan, "Evaluating image segmentation models", 2018.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    >>> pred = np.zeros(10, dtype=int)  # predicts background everywhere
    >>> accuracy(pred, target)
    0.8
    """
    return _functional("accuracy", pred, target, num_classes, ignore_index, "micro",
                       zero_division)


def balanced_accuracy(pred, target, *, num_classes=None, ignore_index=None,
                      zero_division=np.nan):
    r"""Balanced accuracy: the mean over classes of the recall.

    .. math:: \mathrm{balanced\ accuracy} = \frac{1}{|K|} \sum_{c \in K}
              \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FN}_c}

    where :math:`K` is the set of classes present in the target.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
        The same value for a boolean mask and for the same mask as 0/1 or
        0/255 integers (this score has no ``average``).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``), that class keeps no target pixel and is left out of
        the mean, whatever ``zero_division``; a pixel predicted as that
        class still counts, as a miss of its true class.
    zero_division : float, default np.nan
        Recall of a class absent from the target (0/0). With the default NaN
        such classes are left out, as scikit-learn's
        ``balanced_accuracy_score`` does; with 0.0 or 1.0 they are averaged in.

    Returns
    -------
    float
        NaN when no pixel is left (every pixel ignored).

    Notes
    -----
    For boolean masks this is (sensitivity + specificity) / 2. It is the
    macro-averaged :func:`recall`.

    References
    ----------
    .. [1] K. H. Brodersen et al., "The balanced accuracy and its posterior
       distribution", ICPR 2010.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    >>> pred = np.zeros(10, dtype=int)
    >>> balanced_accuracy(pred, target)  # (8/8 + 0/2) / 2
    0.5
    """
    return _functional("balanced_accuracy", pred, target, num_classes, ignore_index, "macro",
                       zero_division)


def precision(pred, target, *, num_classes=None, ignore_index=None, average=None,
              zero_division=np.nan):
    r"""Precision (positive predictive value): how much of the prediction is right.

    .. math:: \mathrm{precision}_c = \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FP}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: the precision of a class that is never predicted.

    Returns
    -------
    float or numpy.ndarray
        A float, or the per-class array for ``average='none'``.

    Notes
    -----
    - A class never predicted has precision 0/0: NaN, left out of the macro
      and weighted averages (scikit-learn with ``zero_division=np.nan`` does
      the same).
    - A missed object (empty prediction, non-empty target) gives a binary
      precision of NaN, not 0: the prediction contains nothing to be wrong
      about. Its recall is 0.
    - Every pixel ignored: NaN.
    - ``'weighted'`` when every class with a defined precision has no target
      pixel (so all weights are 0): ``zero_division`` (NaN). scikit-learn's
      ``precision_score`` falls back to the unweighted mean of those
      precisions there.

    References
    ----------
    .. [1] Metrics Reloaded: L. Maier-Hein et al., Nature Methods 21, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([0, 0, 1, 1, 2, 2])
    >>> pred = np.array([0, 1, 1, 1, 2, 0])
    >>> precision(pred, target, average="none")  # 1/2, 2/3, 1/1
    array([0.5  , 0.667, 1.   ])
    >>> precision(pred, target, average="micro")  # 4 right out of 6
    0.667
    """
    return _functional("precision", pred, target, num_classes, ignore_index, average,
                       zero_division)


def recall(pred, target, *, num_classes=None, ignore_index=None, average=None,
           zero_division=np.nan):
    r"""Recall (sensitivity, true positive rate): how much of the target is found.

    .. math:: \mathrm{recall}_c = \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FN}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: the recall of a class absent from the target.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    - A class absent from the target has recall 0/0: NaN, left out of the
      averages. Both masks empty: NaN.
    - A missed object: recall 0.
    - The macro average is :func:`balanced_accuracy`.

    References
    ----------
    .. [1] Metrics Reloaded: L. Maier-Hein et al., Nature Methods 21, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([0, 0, 1, 1, 2, 2])
    >>> pred = np.array([0, 1, 1, 1, 2, 0])
    >>> recall(pred, target, average="none")  # 1/2, 2/2, 1/2
    array([0.5, 1. , 0.5])
    >>> recall(np.array([False, False]), np.array([False, True]))  # a missed object
    0.0
    """
    return _functional("recall", pred, target, num_classes, ignore_index, average,
                       zero_division)


def specificity(pred, target, *, num_classes=None, ignore_index=None, average=None,
                zero_division=np.nan):
    r"""Specificity (true negative rate): how much of the rest is left alone.

    .. math:: \mathrm{specificity}_c = \frac{\mathrm{TN}_c}{\mathrm{TN}_c + \mathrm{FP}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: a class that covers every target pixel has no
        negatives.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    One-vs-rest per class: :math:`\mathrm{TN}_c` counts the pixels that are
    neither class ``c`` in the target nor predicted as ``c``. For masks the
    binary specificity is the recall of the background. scikit-learn has no
    specificity function; it equals the recall of the negated masks.
    A class covering every target pixel has no negatives: 0/0, NaN. If no
    class with a defined specificity has target pixels, ``'weighted'`` is
    ``zero_division`` (its weights are all 0).

    References
    ----------
    .. [1] Metrics Reloaded: L. Maier-Hein et al., Nature Methods 21, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([False, False, False, True])
    >>> pred = np.array([True, False, False, True])
    >>> specificity(pred, target)  # 2 of the 3 background pixels kept
    0.667
    """
    return _functional("specificity", pred, target, num_classes, ignore_index, average,
                       zero_division)


def f1(pred, target, *, num_classes=None, ignore_index=None, average=None,
       zero_division=np.nan):
    r"""F1 score, the harmonic mean of precision and recall; the same as :func:`dice`.

    .. math:: F_{1,c} = \frac{2\,\mathrm{TP}_c}{2\,\mathrm{TP}_c + \mathrm{FP}_c + \mathrm{FN}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: a class absent from both inputs.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    - A class absent from both inputs: NaN, left out of the macro average.
      Both masks empty: NaN (pass ``zero_division=1.0`` to call agreement on
      an empty image perfect).
    - A missed object: 0.
    - The per-class value is :func:`dice`; :math:`F_1 = 2\,\mathrm{IoU} / (1 + \mathrm{IoU})`.
      The micro average of single-label maps equals :func:`accuracy`.

    References
    ----------
    .. [1] C. J. van Rijsbergen, Information Retrieval, 1979.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([False, True, True, True])
    >>> pred = np.array([True, True, True, False])
    >>> f1(pred, target)  # 2*2 / (2*2 + 1 + 1)
    0.667
    """
    return _functional("f1", pred, target, num_classes, ignore_index, average, zero_division)


def dice(pred, target, *, num_classes=None, ignore_index=None, average=None,
         zero_division=np.nan):
    r"""Sørensen-Dice coefficient: the overlap of prediction and target (equal to F1).

    .. math:: D_c = \frac{2 |P_c \cap T_c|}{|P_c| + |T_c|}
              = \frac{2\,\mathrm{TP}_c}{2\,\mathrm{TP}_c + \mathrm{FP}_c + \mathrm{FN}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: a class absent from both inputs.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    - A class absent from both inputs: NaN, left out of the macro average.
    - Both masks empty: NaN by default (0/0). The references differ here:
      MONAI's ``compute_dice`` gives NaN (``ignore_empty=True``, its default)
      or 1 (``ignore_empty=False``); torchmetrics' ``dice_score`` gives NaN
      but its ``binary_f1_score`` gives 0; scikit-learn's ``f1_score`` gives
      its ``zero_division`` (0 by default, with a warning). We never return a
      silent 0 or 1: pass ``zero_division=1.0`` to call agreement on an
      empty image perfect.
    - A missed object (empty prediction): 0.
    - An empty target with a non-empty prediction (a false alarm on an image
      without the object): 0, as torchmetrics' ``dice_score`` and
      ``binary_f1_score``. MONAI's ``compute_dice`` gives NaN there with its
      default ``ignore_empty=True`` (0 with ``ignore_empty=False``). A mean of
      per-image scores (``ConfusionMatrix.dice(reduce='mean_per_image')``,
      or averaging this function over images) therefore counts such images
      as 0 here and leaves them out in MONAI's default: on a data set with
      empty images the MONAI mean is higher, and blind to false positives on
      empty images. Compare per-image means only with the same rule.
    - :math:`D = 2\,\mathrm{IoU} / (1 + \mathrm{IoU})`, so Dice >= IoU, and
      both rank two predictions of one image the same way.

    References
    ----------
    .. [1] L. R. Dice, "Measures of the amount of ecologic association between
       species", Ecology 26, 1945.
    .. [2] F. Milletari et al., "V-Net", 3DV 2016.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 1, 1], [0, 1, 1]], dtype=bool)
    >>> pred = np.array([[1, 1, 1], [0, 0, 1]], dtype=bool)
    >>> dice(pred, target)  # 2*3 / (4 + 4)
    0.75
    >>> dice(np.zeros(4, bool), np.zeros(4, bool))  # both empty
    nan
    """
    return _functional("f1", pred, target, num_classes, ignore_index, average, zero_division)


def iou(pred, target, *, num_classes=None, ignore_index=None, average=None,
        zero_division=np.nan):
    r"""Intersection over union (Jaccard index) of prediction and target.

    .. math:: \mathrm{IoU}_c = \frac{|P_c \cap T_c|}{|P_c \cup T_c|}
              = \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FP}_c + \mathrm{FN}_c}

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere (the prediction there is not
        looked at). If it is also a class index (``0 <= ignore_index <
        num_classes``, for example 0 with classes 0..2), that class keeps no
        target pixel and gets no score: NaN in ``average='none'`` (whatever
        ``zero_division``), left out of the macro and weighted averages
        (torchmetrics' ``multiclass_jaccard_index`` does the same; its
        ``multiclass_f1_score`` averages the class in as 0). A pixel predicted
        as that class still counts, as a miss of its true class, so micro
        averages and accuracy are unchanged.
    average : {'binary', 'micro', 'macro', 'weighted', 'none'}, optional
        How classes are combined: ``'binary'`` the score of the foreground
        (class 1; two classes only); ``'micro'`` one score from the counts of
        every class pooled; ``'macro'`` the mean of the per-class scores (NaN
        left out); ``'weighted'`` their mean weighted by the target pixels of
        each class; ``'none'`` the per-class array. ``'macro'`` over label maps is the usual
        "mean IoU" (mIoU) of semantic segmentation benchmarks.
        Default (None): ``'binary'`` for boolean masks, ``'macro'`` for
        integer label maps. One mask, one score: integer maps that may be a
        binary mask (every counted value 0 or 1, or 0 or 255 as read from an
        8-bit image file, or ``num_classes=2``) are scored as label maps,
        the mean of background and foreground, with an
        :class:`AmbiguousMaskWarning` that asks for ``average``: pass
        ``'binary'`` for the foreground score (the score of the boolean mask;
        for 0/255 maps pass ``pred > 0, target > 0``), or ``'macro'`` to keep
        the mean.
    zero_division : float, default np.nan
        Value of a 0/0 score: a class absent from both inputs.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    - A class absent from both inputs: NaN, left out of the macro average.
      The references agree on the average but not on the per-class value:
      scikit-learn's ``jaccard_score`` scores only the labels present (a
      label passed explicitly gets its ``zero_division``, 0, with a
      warning); torchmetrics' ``mean_iou(per_class=True)`` reports -1 and
      ``multiclass_jaccard_index(average="none")`` reports 0.
    - Both masks empty: NaN. A missed object: 0.
    - An empty target with a non-empty prediction (a false alarm on an image
      without the object): 0, as torchmetrics' ``mean_iou`` and
      ``binary_jaccard_index``. MONAI's ``compute_iou`` gives NaN there with
      its default ``ignore_empty=True``. A mean of per-image IoUs therefore
      counts such images as 0 here and leaves them out in MONAI's default,
      whose mean is then higher and blind to false positives on empty
      images. Compare per-image means only with the same rule.
    - :math:`\mathrm{IoU} = D / (2 - D)` with :math:`D` the Dice score.
    - The micro average pools TP, FP and FN over classes; for single-label
      maps it is :math:`a / (2 - a)` with :math:`a` the accuracy.

    References
    ----------
    .. [1] P. Jaccard, "The distribution of the flora in the alpine zone",
       New Phytologist 11, 1912.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 1, 1], [0, 1, 1]], dtype=bool)
    >>> pred = np.array([[1, 1, 1], [0, 0, 1]], dtype=bool)
    >>> iou(pred, target)  # 3 / 5
    0.6
    >>> iou(np.array([0, 0, 2]), np.array([0, 2, 2]), num_classes=3, average="none")
    array([0.5, nan, 0.5])
    """
    return _functional("iou", pred, target, num_classes, ignore_index, average, zero_division)


def _check_score_values(values, name):
    array = np.asarray(to_numpy(values, name), dtype=np.float64)
    finite = array[~np.isnan(array)]
    if finite.size and (finite.min() < 0 or finite.max() > 1):
        raise argument_error(name, "scores in [0, 1] (NaN allowed)",
                             f"values from {finite.min():g} to {finite.max():g}")
    return array


def dice_from_iou(iou_values):
    r"""The Dice score of a prediction whose IoU is ``iou_values``: :math:`D = 2 J / (1 + J)`.

    Both scores count the same TP, FP and FN: with :math:`J = \mathrm{TP} /
    (\mathrm{TP} + \mathrm{FP} + \mathrm{FN})`,

    .. math:: D = \frac{2\,\mathrm{TP}}{2\,\mathrm{TP} + \mathrm{FP} + \mathrm{FN}}
              = \frac{2 J}{1 + J}.

    So :math:`D \ge J` (equal only at 0 and 1), and the gap :math:`D - J =
    J (1 - J) / (1 + J)` is largest, :math:`3 - 2\sqrt{2} \approx 0.172`, at
    :math:`J = \sqrt{2} - 1`. The conversion is increasing: one image's
    predictions rank the same by either score, but means over images can
    rank differently (chapter 04).

    Parameters
    ----------
    iou_values : float or array_like
        IoU values in [0, 1]; NaN stays NaN (an undefined score).

    Returns
    -------
    float or numpy.ndarray
        Of the same shape.

    Raises
    ------
    ValueError
        A value outside [0, 1].

    See Also
    --------
    iou_from_dice : the inverse, :math:`J = D / (2 - D)`.

    Examples
    --------
    >>> dice_from_iou(0.6)  # 2 * 0.6 / 1.6
    0.75
    >>> dice_from_iou([0.0, 1.0, np.nan])
    array([ 0.,  1., nan])
    """
    iou_values = _check_score_values(iou_values, "iou_values")
    return as_result(2 * iou_values / (1 + iou_values))


def iou_from_dice(dice_values):
    r"""The IoU of a prediction whose Dice score is ``dice_values``: :math:`J = D / (2 - D)`.

    The inverse of :func:`dice_from_iou`.

    Parameters
    ----------
    dice_values : float or array_like
        Dice scores in [0, 1]; NaN stays NaN.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    ValueError
        A value outside [0, 1].

    Examples
    --------
    >>> iou_from_dice(0.75)  # 0.75 / 1.25
    0.6
    """
    dice_values = _check_score_values(dice_values, "dice_values")
    return as_result(dice_values / (2 - dice_values))


def matthews_corrcoef(pred, target, *, num_classes=None, ignore_index=None,
                      zero_division=np.nan):
    r"""Matthews correlation coefficient (multi-class form of Gorodkin).

    .. math:: \mathrm{MCC} = \frac{c\,s - \sum_k p_k t_k}
              {\sqrt{\left(s^2 - \sum_k p_k^2\right)\left(s^2 - \sum_k t_k^2\right)}}

    with :math:`c` the correctly labelled pixels, :math:`s` all pixels,
    :math:`p_k` and :math:`t_k` the pixels predicted as and truly of class
    :math:`k`. For masks it is the familiar
    :math:`(\mathrm{TP}\,\mathrm{TN} - \mathrm{FP}\,\mathrm{FN}) / \sqrt{\cdots}`.

    Parameters
    ----------
    pred, target : array_like or torch.Tensor
        Label maps (integers ``0..C-1``) or boolean masks of the same shape;
        numpy arrays or tensors of any dtype (float16 and bfloat16 tensors
        included; float maps must hold whole numbers).
        The same value for a boolean mask and for the same mask as 0/1 or
        0/255 integers (this score has no ``average``).
    num_classes : int, optional
        Number of classes; inferred when None.
    ignore_index : int, optional
        Target value whose pixels count nowhere.
    zero_division : float, default np.nan
        Returned when the denominator is 0: the target or the prediction
        holds a single class (for example both masks empty).

    Returns
    -------
    float
        In [-1, 1]; 0 for a prediction no better than chance.

    Notes
    -----
    When the prediction or the target is constant the coefficient is 0/0.
    The references differ there: scikit-learn's ``matthews_corrcoef``
    returns 0.0; torchmetrics' returns 1 when prediction and target are the
    same constant map, -1 when they are two different constant maps, and 0
    when only one of them is constant. We return ``zero_division`` (NaN by
    default).

    References
    ----------
    .. [1] B. W. Matthews, Biochimica et Biophysica Acta 405, 1975.
    .. [2] J. Gorodkin, "Comparing two K-category assignments by a K-category
       correlation coefficient", Comput. Biol. Chem. 28, 2004.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([False, False, True, True])
    >>> pred = np.array([False, True, True, True])
    >>> matthews_corrcoef(pred, target)  # (2*1 - 1*0) / sqrt(3*2*2*1) = 1/sqrt(3)
    0.577
    """
    return _functional("matthews_corrcoef", pred, target, num_classes, ignore_index, "micro",
                       zero_division)


# ---------------------------------------------------------------------------
# Streaming accumulator
# ---------------------------------------------------------------------------

def _distributed():
    """``torch.distributed`` when a process group is initialised, else None.

    torch is not imported here for that: without it no group can exist.
    """
    if "torch" not in sys.modules:
        return None
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_initialized():
        return None
    return dist


_REDUCTIONS = ("dataset", "mean_per_image", "per_image")


def _listed(numbers) -> str:
    """``[0]`` -> '0', ``[0, 2, 3]`` -> '0, 2 and 3'."""
    numbers = [str(n) for n in numbers]
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


class ConfusionMatrix:
    r"""Streaming confusion matrix: score a whole dataset one batch at a time.

    Each :meth:`update` adds a batch; every pixel score of this module is then
    available as a method, either for the dataset (all pixels pooled into one
    matrix) or per image. Only ``C x C`` counts per image are kept, never the
    maps themselves. Accumulators add up: :meth:`merge` (or ``+``) combines
    those of several workers, and :meth:`all_reduce` sums them over the
    processes of a ``torch.distributed`` run (DDP), so that every process
    reports the dataset score.

    Parameters
    ----------
    num_classes : int, optional
        Number of classes. When None it is inferred from the data seen so far
        (and grows if a later batch holds a larger label); boolean masks
        always have 2.
    ignore_index : int, optional
        Target value whose pixels count nowhere. If it is also a class index,
        that class gets no score (NaN) and is left out of the macro and
        weighted averages, as in :func:`precision` and the other scores.
    keep_per_image : bool, default True
        Keep one matrix per image (``C x C`` integers each), needed for
        ``reduce='mean_per_image'`` and ``'per_image'``.

    Attributes
    ----------
    matrix : numpy.ndarray
        ``(C, C)`` counts over everything seen (rows target, columns prediction).
    per_image : numpy.ndarray
        ``(N, C, C)`` counts of each image, in the order they were added.
    num_images : int
        Images added so far.

    Notes
    -----
    Every score method takes ``reduce``:

    - ``'dataset'`` (default): the score of the pooled matrix. Large images
      and frequent classes weigh more; a class absent from one image still
      counts in the others. This is how semantic segmentation benchmarks
      report mIoU.
    - ``'mean_per_image'``: the score of each image, then their mean over the
      images where it is defined (NaN left out). Every image weighs the same,
      as in medical imaging where each patient counts once. With boolean
      masks an image whose masks are both empty has a Dice of NaN and drops
      out of this mean.
    - ``'per_image'``: the array of per-image scores, shape ``(N,)`` (or
      ``(N, C)`` for ``average='none'``).

    The two reductions generally differ; chapter 04 shows by how much.

    The default ``average`` follows the functions of this module: ``'binary'``
    for boolean masks, ``'macro'`` for label maps, and an
    :class:`AmbiguousMaskWarning` when label maps of two classes (only 0 and
    1, only 0 and 255, or ``num_classes=2``) are scored without ``average``.

    Several processes (``torch.distributed``, for example DDP training): each
    process updates its own accumulator with its share of the data; then
    every process calls ``scores.all_reduce()``, which sums the counts over
    the processes (gloo on the CPU, NCCL on GPUs), after which every process
    reports the same dataset scores, those of a single accumulator fed all
    the data::

        scores = ConfusionMatrix(num_classes=21, ignore_index=255)
        for images, target in loader:          # this process's share
            scores.update(model(images).argmax(1), target)
        scores.all_reduce()                    # on every process
        miou = scores.iou()                    # the same on every process

    Without an initialised process group ``all_reduce`` does nothing, so the
    same code runs on one process.

    References
    ----------
    .. [1] Metrics Reloaded: L. Maier-Hein et al., Nature Methods 21, 2024
       (aggregation of per-image scores).

    Examples
    --------
    >>> import numpy as np
    >>> scores = ConfusionMatrix()
    >>> big = np.zeros((1, 4, 4), bool); big[0, :2] = True
    >>> scores = scores.update(big, big)                     # perfect on a large object
    >>> small_target = np.zeros((1, 4, 4), bool); small_target[0, 0, 0] = True
    >>> scores = scores.update(np.zeros((1, 4, 4), bool), small_target)  # misses a small one
    >>> scores.matrix
    array([[23,  0],
           [ 1,  8]])
    >>> scores.dice()                                        # pooled: 2*8 / (2*8 + 1)
    0.941
    >>> scores.dice(reduce="mean_per_image")                 # (1 + 0) / 2
    0.5
    >>> scores.dice(reduce="per_image")
    array([1., 0.])

    Two workers' accumulators add up to the accumulator of all the data:

    >>> first = ConfusionMatrix().update(big, big)
    >>> second = ConfusionMatrix().update(np.zeros((1, 4, 4), bool), small_target)
    >>> bool(((first + second).matrix == scores.matrix).all())
    True
    """

    def __init__(self, num_classes=None, *, ignore_index=None, keep_per_image=True):
        self._fixed_classes = _check_num_classes(num_classes)
        self.ignore_index = check_int(ignore_index, "ignore_index", allow_none=True)
        if not isinstance(keep_per_image, bool):
            raise argument_error("keep_per_image", "True or False", describe(keep_per_image),
                                 type_error=True)
        self.keep_per_image = keep_per_image
        self.reset()

    def reset(self):
        """Forget everything seen so far (and any :meth:`all_reduce`)."""
        self.num_classes = self._fixed_classes
        self._is_mask = None
        self._matrix = None if self.num_classes is None else np.zeros(
            (self.num_classes, self.num_classes), dtype=np.int64)
        self._per_image = []
        self.num_images = 0
        self._reduced = False
        return self

    def _require_local(self, action):
        if self._reduced:
            raise ValueError(
                f"ConfusionMatrix.{action}: the counts already hold every process's pixels "
                "(all_reduce was called), so adding more would count some twice. Call reset() "
                "first, or keep accumulating locally and all_reduce a copy "
                "(copy.deepcopy(scores).all_reduce()).")

    def __repr__(self):
        return (f"ConfusionMatrix(num_classes={self.num_classes}, "
                f"ignore_index={self.ignore_index}, num_images={self.num_images})")

    def update(self, pred, target, *, batched=True):
        """Add a batch of predictions and targets.

        Parameters
        ----------
        pred, target : array_like or torch.Tensor
            Label maps or boolean masks of the same shape. With
            ``batched=True`` the first axis indexes the images, ``(N, H, W)``
            or ``(N, D, H, W)``; with ``batched=False`` the whole array is one
            image (a 2-D image or a 3-D volume).
        batched : bool, default True
            Whether the first axis is the batch axis. The default reads a
            single 3-D volume ``(D, H, W)`` as a batch of D images (its
            slices): the pooled ``'dataset'`` scores are the same, but
            :attr:`num_images`, :attr:`per_image` and the per-image
            reductions (``'mean_per_image'``, ``'per_image'``) then count D
            slices, not one volume. Pass ``batched=False`` for one volume, or
            a batch ``(N, D, H, W)`` of volumes.

        Returns
        -------
        ConfusionMatrix
            ``self``, so that calls can be chained.
        """
        if not isinstance(batched, bool):
            raise argument_error("batched", "True or False", describe(batched), type_error=True)
        self._require_local("update")
        pred, target, num_classes, ignore_index, is_mask, (check_target, check_pred) = _prepare(
            pred, target, self._fixed_classes, self.ignore_index, self.num_classes)
        if self._is_mask is not None and is_mask != self._is_mask:
            seen = "boolean masks" if self._is_mask else "label maps"
            raise argument_error("pred", f"{seen}, like the earlier batches",
                                 describe(pred))
        if batched and pred.ndim < 3:
            # a single (H, W) image would be read as a batch of H rows
            raise argument_error("pred", "a batch (N, H, W) or (N, D, H, W) with a leading "
                                 "image axis (pass batched=False for a single image)",
                                 f"a {pred.ndim}-D array")
        self._is_mask = is_mask
        self._grow(num_classes)
        images = pred.shape[0] if batched else 1
        if images == 0:
            return self
        # the whole batch at once, checked before anything is added: one matrix per image
        # from one pass when they are kept, else the batch pooled
        per_image = self.keep_per_image and images > 1
        counts = _count(target, pred, self.num_classes, ignore_index, check_target=check_target,
                        check_pred=check_pred, images=images if per_image else None)
        if per_image:
            self._matrix += counts.sum(axis=0)
            self._per_image.extend(counts)
        else:
            self._matrix += counts
            if self.keep_per_image:
                self._per_image.append(counts)
        self.num_images += images
        return self

    def _grow(self, num_classes):
        if self.num_classes is not None and num_classes <= self.num_classes:
            return
        old = 0 if self.num_classes is None else self.num_classes
        self.num_classes = num_classes
        grown = np.zeros((num_classes, num_classes), dtype=np.int64)
        if self._matrix is not None:
            grown[:old, :old] = self._matrix
        self._matrix = grown
        self._per_image = [np.pad(m, ((0, num_classes - old), (0, num_classes - old)))
                           for m in self._per_image]

    # -- combining accumulators: several workers, several processes ------------------------

    def merge(self, other):
        """Add the counts of another accumulator to this one (in place).

        ``a.merge(b)`` is ``a += b``; ``a + b`` returns a new accumulator and
        ``sum([a, b, c])`` works too. The dataset matrix becomes the sum of
        both, the per-image matrices those of ``self`` followed by those of
        ``other``, and the number of classes the larger of the two.

        Parameters
        ----------
        other : ConfusionMatrix
            Counted with the same ``ignore_index``, on the same kind of input
            (boolean masks or label maps).

        Returns
        -------
        ConfusionMatrix
            ``self``.

        Raises
        ------
        ValueError
            - ``ignore_index`` differs;
            - one counted boolean masks and the other label maps;
            - a fixed ``num_classes`` of either is smaller than the number of
              classes of the other (fixed or seen): ``ConfusionMatrix(5)``
              and ``ConfusionMatrix(3)`` do not merge, whichever way round
              (the combined 5 x 5 matrix breaks the fixed 3); an accumulator
              without a fixed ``num_classes`` grows to fit instead;
            - ``self`` keeps per-image matrices and ``other`` kept none of
              its images.

            Each message names what differs and which of the two has it.
        TypeError
            ``other`` is not a ConfusionMatrix.
        """
        if not isinstance(other, ConfusionMatrix):
            raise argument_error("other", "a ConfusionMatrix", type(other).__name__,
                                 type_error=True)
        self._require_local("merge")
        if other is self:  # a += a: add a snapshot, not a list that grows while it is read
            other = copy.deepcopy(other)
        header = np.array([self._header(), other._header()])
        self._combine(header, [other._matrix], [other._per_image])
        return self

    def __iadd__(self, other):
        if not isinstance(other, ConfusionMatrix):
            return NotImplemented
        return self.merge(other)

    def __add__(self, other):
        if not isinstance(other, ConfusionMatrix):
            return NotImplemented
        return copy.deepcopy(self).merge(other)

    def __radd__(self, other):
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return copy.deepcopy(self)  # the start value of sum()
        return NotImplemented

    def all_reduce(self, group=None):
        """Sum the counts over the processes of a ``torch.distributed`` group (in place).

        Call it on every process of the group, after the last :meth:`update`:
        afterwards every process holds the counts of all of them, so
        every score method gives the same dataset score on every process. The
        per-image matrices are gathered too, in rank order (rank 0's images
        first). Without ``torch.distributed``, or before
        ``init_process_group``, it does nothing.

        Parameters
        ----------
        group : torch.distributed.ProcessGroup, optional
            The processes to sum over; default the whole world. Counts travel
            as int64 tensors: on the CPU for gloo, on the current CUDA device
            for NCCL.

        Returns
        -------
        ConfusionMatrix
            ``self``, so that ``scores.all_reduce().dice()`` reads naturally.

        Raises
        ------
        ValueError
            On every process alike, when the processes disagree on
            ``ignore_index``, ``keep_per_image`` or the kind of input (masks or
            label maps), when a fixed ``num_classes`` is smaller than the
            classes seen elsewhere, or when this accumulator was already
            all-reduced (call :meth:`reset`, or all-reduce a copy, so that no
            pixel counts twice). The message names what differs and on which
            ranks, for example "boolean masks on rank 0 and label maps on
            rank 1".

        Notes
        -----
        With ``DistributedSampler(drop_last=False)`` the last batch is padded
        with repeated images when the dataset does not divide evenly between
        the processes; those images then count twice (torchmetrics has the
        same caveat). Evaluate with an even split or on one process when the
        exact score matters.
        """
        dist = _distributed()
        if dist is None:
            return self
        import torch

        self._require_local("all_reduce")
        device = torch.device("cpu")
        if "nccl" in str(dist.get_backend(group)).lower():
            device = torch.device("cuda", torch.cuda.current_device())
        world = dist.get_world_size(group)
        local = torch.tensor(self._header(), dtype=torch.int64, device=device)
        headers = [torch.empty_like(local) for _ in range(world)]
        dist.all_gather(headers, local, group=group)
        header = torch.stack(headers).cpu().numpy()
        # every process checks the same gathered headers, so all raise together
        num_classes, _, _, _ = self._check_headers(header, distributed=True)
        if num_classes is None:
            return self  # no process has seen any data
        self._grow(num_classes)
        matrix = torch.from_numpy(self._matrix).to(device)
        dist.all_reduce(matrix, op=dist.ReduceOp.SUM, group=group)
        self._matrix = matrix.cpu().numpy()
        counts = header[:, 4]
        if self.keep_per_image and counts.max() > 0:
            shape = (int(counts.max()), num_classes, num_classes)
            mine = np.zeros(shape, dtype=np.int64)
            if self._per_image:
                mine[:len(self._per_image)] = np.stack(self._per_image)
            mine = torch.from_numpy(mine).to(device)
            gathered = [torch.empty_like(mine) for _ in range(world)]
            dist.all_gather(gathered, mine, group=group)
            self._per_image = [image for rank, part in enumerate(gathered)
                               for image in part[:int(counts[rank])].cpu().numpy()]
        self.num_images = int(counts.sum())
        kinds = header[:, 2]
        if self._is_mask is None and (kinds >= 0).any():
            self._is_mask = bool(kinds.max() == 1)
        self._reduced = True
        return self

    def _header(self):
        """What another process needs to know before adding counts: a list of 7 integers."""
        return [-1 if self.num_classes is None else self.num_classes,
                -1 if self._fixed_classes is None else self._fixed_classes,
                -1 if self._is_mask is None else int(self._is_mask),
                int(self.keep_per_image), self.num_images,
                int(self.ignore_index is not None),
                0 if self.ignore_index is None else self.ignore_index]

    def _check_headers(self, header, *, distributed=False):
        """The number of classes of the combined counts; raises where they cannot combine.

        ``header`` holds one :meth:`_header` per accumulator: for :meth:`merge`
        ``self`` then ``other``; for :meth:`all_reduce` one per process in
        rank order, where every accumulator must also agree on
        ``keep_per_image`` (every process must take the same decision). Each
        error names what differs and where: ``other`` or the ranks.
        """
        header = np.asarray(header, dtype=np.int64)
        seen, fixed, kinds, keep, counts, has_ignore, ignore = header.T
        if distributed:
            def where(indices):
                indices = [int(i) for i in indices]
                return f"rank{'s' if len(indices) > 1 else ''} {_listed(indices)}"
        else:
            def where(indices):
                return " and ".join(("this ConfusionMatrix", "`other`")[int(i)]
                                    for i in indices)

        def by_value(values, describe_value, mask=None):
            """'A on rank 0 and B on ranks 1, 2' for the distinct ``values``."""
            mask = np.ones(len(values), bool) if mask is None else mask
            groups = {}
            for index in np.flatnonzero(mask):
                groups.setdefault(values[index], []).append(index)
            return " and ".join(f"{describe_value(value)} {preposition} {where(indices)}"
                                for value, indices in groups.items())

        preposition = "on" if distributed else "in"
        combined = "on every process" if distributed else "in every ConfusionMatrix combined"
        ignore_values = [None if not h else int(i)
                         for h, i in zip(has_ignore, ignore, strict=True)]
        if len(set(ignore_values)) > 1:
            raise argument_error("ignore_index", f"the same value {combined}",
                                 by_value(ignore_values, repr))
        if (kinds == 0).any() and (kinds == 1).any():
            kind_names = {0: "label maps", 1: "boolean masks"}
            got = by_value(kinds.tolist(), kind_names.get, kinds >= 0)
            if distributed:
                raise ValueError("Expected every process to update its ConfusionMatrix with the "
                                 "same kind of input (all boolean masks or all label maps), "
                                 f"but got {got}.")
            raise argument_error("other", "a ConfusionMatrix counted on the same kind of input "
                                 "as this one (all boolean masks or all label maps)", got)
        if distributed and keep.min() != keep.max():
            raise argument_error("keep_per_image", "the same value on every process",
                                 by_value([bool(k) for k in keep], repr))
        if self.keep_per_image and not keep.all() and counts[keep == 0].any():
            raise argument_error("other", "a ConfusionMatrix with keep_per_image=True (this "
                                 "one keeps a matrix per image)", "one that kept none")
        num_classes = int(seen.max())
        if num_classes < 0:
            return None, kinds, keep, counts
        too_small = (fixed >= 0) & (fixed < num_classes)
        if too_small.any():
            largest = int(np.flatnonzero(seen == num_classes)[0])
            first = int(np.flatnonzero(too_small)[0])
            raise argument_error(
                "num_classes", f"at least {num_classes}, the classes seen by the counts "
                f"combined ({num_classes} {preposition} {where([largest])})",
                f"a fixed num_classes={int(fixed[first])} {preposition} {where([first])}")
        return num_classes, kinds, keep, counts

    def _combine(self, header, matrices, per_image_lists):
        """Add other accumulators' counts (merge), after the checks of :meth:`_check_headers`."""
        num_classes, kinds, _, counts = self._check_headers(header)
        if num_classes is None:
            return
        self._grow(num_classes)
        for matrix, images, count in zip(matrices, per_image_lists, counts[1:], strict=True):
            if matrix is None:
                continue
            pad = num_classes - matrix.shape[0]
            self._matrix += np.pad(matrix, ((0, pad), (0, pad)))
            if self.keep_per_image:
                self._per_image.extend(np.pad(m, ((0, pad), (0, pad))) for m in images)
            self.num_images += int(count)
        if self._is_mask is None and (kinds >= 0).any():
            self._is_mask = bool(kinds.max() == 1)

    @property
    def matrix(self) -> np.ndarray:
        self._require_data()
        return self._matrix.copy()

    @property
    def per_image(self) -> np.ndarray:
        self._require_data()
        if not self.keep_per_image:
            raise ValueError("ConfusionMatrix(keep_per_image=False) keeps no per-image "
                             "matrices; create it with keep_per_image=True.")
        if not self._per_image:
            return np.zeros((0, self.num_classes, self.num_classes), dtype=np.int64)
        return np.stack(self._per_image)

    def _require_data(self):
        if self.num_classes is None:
            raise ValueError("ConfusionMatrix has no data and no num_classes yet: call "
                             "update(pred, target) first.")

    def _compute(self, name, average, zero_division, reduce):
        zero_division = check_zero_division(zero_division)
        check_choice(reduce, "reduce", _REDUCTIONS)
        if average is not None:
            check_choice(average, "average", AVERAGES)
        self._require_data()
        values = _mask_values(self._matrix, self._fixed_classes, name, average,
                              bool(self._is_mask))
        if average is None and values:
            _warn_two_classes(values)
        average = _resolve_average(average, self.num_classes, bool(self._is_mask), values)
        if reduce == "dataset":
            return as_result(_score(name, self._matrix, average, zero_division,
                                    self.ignore_index))
        per_image = np.asarray(_score(name, self.per_image, average, zero_division,
                                      self.ignore_index))
        if reduce == "per_image":
            return per_image
        return as_result(nanmean(per_image, axis=0))

    def accuracy(self, *, zero_division=np.nan, reduce="dataset"):
        """Pixel accuracy, see :func:`accuracy`."""
        return self._compute("accuracy", "micro", zero_division, reduce)

    def balanced_accuracy(self, *, zero_division=np.nan, reduce="dataset"):
        """Balanced accuracy, see :func:`balanced_accuracy`."""
        return self._compute("balanced_accuracy", "macro", zero_division, reduce)

    def precision(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """Precision, see :func:`precision`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("precision", average, zero_division, reduce)

    def recall(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """Recall, see :func:`recall`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("recall", average, zero_division, reduce)

    def specificity(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """Specificity, see :func:`specificity`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("specificity", average, zero_division, reduce)

    def f1(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """F1 score, see :func:`f1`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("f1", average, zero_division, reduce)

    def dice(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """Dice coefficient, see :func:`dice`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("f1", average, zero_division, reduce)

    def iou(self, *, average=None, zero_division=np.nan, reduce="dataset"):
        """Intersection over union, see :func:`iou`.

        Default ``average``: ``'binary'`` for boolean masks, ``'macro'`` for
        label maps, with an :class:`AmbiguousMaskWarning` for label maps of
        two classes (pass ``average`` for those).
        """
        return self._compute("iou", average, zero_division, reduce)

    def matthews_corrcoef(self, *, zero_division=np.nan, reduce="dataset"):
        """Matthews correlation coefficient, see :func:`matthews_corrcoef`."""
        return self._compute("matthews_corrcoef", "micro", zero_division, reduce)
