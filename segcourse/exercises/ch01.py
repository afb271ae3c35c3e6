"""Checkers of chapter 01 (``notebooks/01_what_is_segmentation.ipynb``).

- Exercise 1: :func:`check_box_from_mask`, a box from a mask, by hand.
- Exercise 2: :func:`check_object_fraction`, the foreground fraction of the
  scene (:func:`check_foreground_fraction` is the same check for any mask).
- Exercise 3: :func:`check_largest_coin`, which coin is largest, and its box.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance_map, check_mask
from ..labels import mask_to_box
from ._common import (
    CheckResult,
    _as_box,
    _as_int,
    _box_convention_hint,
    _call,
    _decimals,
    _describe,
    _first,
    _hint,
    _ignores_its_arguments,
    _not_a_function,
    _number_verdict,
    _right,
    _values_are_functions,
    _values_not_answered,
)

__all__ = [
    "check_box_from_mask",
    "check_foreground_fraction",
    "check_object_fraction",
    "check_largest_coin",
]


def _box_test_masks():
    """Masks that catch the usual mistakes: asymmetric, one pixel, on the border, diagonal."""
    masks = []
    mask = np.zeros((6, 9), dtype=bool)
    mask[1:4, 2:7] = True  # wider than tall: catches rows/columns swapped, widths
    masks.append(mask)
    mask = np.zeros((5, 5), dtype=bool)
    mask[3, 1] = True  # a single pixel: catches exclusive ends
    masks.append(mask)
    mask = np.zeros((7, 4), dtype=bool)
    mask[2:, 0] = True
    mask[6, :] = True  # an L touching the border
    masks.append(mask)
    mask = np.zeros((6, 7), dtype=bool)
    mask[[1, 2, 3, 4], [5, 4, 3, 2]] = True  # a "/": its first pixel is not the leftmost
    masks.append(mask)
    return masks


def _reading_order_box(mask):
    """The box from the first and last foreground pixel in reading order (a usual slip)."""
    rows, cols = np.nonzero(mask)
    return int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])


def check_box_from_mask(function) -> CheckResult:
    """Check a learner's ``box_from_mask(mask) -> (x_min, y_min, x_max, y_max)``.

    The box is inclusive (``x_max`` is the last foreground column) and ``x``
    is the column, as in :func:`segcourse.labels.mask_to_box`. Boxes written
    in another convention (``(x, y, width, height)``, rows first, exclusive
    ends) get a hint that names the convention.

    Examples
    --------
    >>> from segcourse.labels import mask_to_box
    >>> check_box_from_mask(mask_to_box)
    Correct! Your boxes match segcourse.labels.mask_to_box on 4 test masks.
    >>> def box_xywh(mask):
    ...     x0, y0, x1, y1 = mask_to_box(mask)
    ...     return x0, y0, x1 - x0 + 1, y1 - y0 + 1
    >>> check_box_from_mask(box_xywh).message[:45]
    'that is (x, y, width, height), the COCO conve'
    """
    verdict = _not_a_function(function, "box_from_mask", "box_from_mask(mask)",
                              "exercises.check_box_from_mask")
    if verdict is not None:
        return verdict
    masks = _box_test_masks()
    boxes = []
    for mask in masks:
        got, failure = _call(function, mask.copy(), name="box_from_mask")
        if failure is not None:
            return failure
        box = _as_box(got)
        if isinstance(box, str):
            return _hint(box)
        boxes.append(box)
    expected = [mask_to_box(mask) for mask in masks]
    if boxes == expected:
        return _right(f"Your boxes match segcourse.labels.mask_to_box on {len(masks)} test "
                      "masks.")
    verdict = _ignores_its_arguments(function, boxes, expected, what=f"box {boxes[0]}",
                                     tests="mask", examples="`mask` or `tiny`",
                                     arguments="its argument", use="the mask it is given")
    if verdict is not None:
        return verdict
    # a convention is named only if it gives every box: on one mask two may coincide
    hint = _box_convention_hint(boxes, expected)
    if hint is not None:
        return _hint(hint)
    if boxes == [_reading_order_box(mask) for mask in masks]:
        return _hint("the first and last foreground pixels in reading order (row by row) "
                     "are not always the leftmost and rightmost: take the smallest and "
                     "largest column (and row), for example cols.min() and cols.max().")
    for mask, box, right in zip(masks, boxes, expected, strict=True):
        if box != right:
            return _hint(f"for a {mask.shape[0]} x {mask.shape[1]} test mask whose box is "
                         f"{right} you returned {box}. Use np.nonzero or np.any along each "
                         "axis to find the foreground rows and columns.")
    raise AssertionError("unreachable")  # pragma: no cover


def _looks_rounded(value: float, expected: float, scale: float = 1.0, *,
                   strict: bool = False) -> bool:
    """True if ``value`` looks like ``expected`` rounded or cut to the decimals it has.

    0.16, 0.159 and 0.1594 are 0.15942... rounded, 0.15 and 0.159 cut (cut
    counts from two decimals on: 0.1 is too far to tell). An answer with a
    few decimals within 0.005 of a fraction of at least 0.05 counts too (a
    number copied from a printout). Exact answers are not rounded. ``scale``
    is 100 for percentages. ``strict``: only rounding to two decimals or
    more counts (for telling which wrong number a learner rounded).

    Examples
    --------
    >>> [_looks_rounded(v, 0.15942) for v in (0.16, 0.159, 0.1594, 0.15, 0.2, 0.1, 0.17)]
    [True, True, True, True, True, False, False]
    """
    decimals = _decimals(value)
    if (decimals is None or (decimals == 0 and scale == 1)  # 0 and 1 are no rounded fraction
            or np.isclose(value, expected, rtol=1e-6, atol=1e-9 * scale)):
        return False
    step = 10.0 ** -decimals
    error = abs(value - expected)
    if strict:
        return decimals >= 2 and error <= step / 2 * (1 + 1e-9)
    if error <= step / 2 * (1 + 1e-9):
        return True  # rounded to `decimals` places
    if decimals < 2:
        return False
    cut = np.trunc(expected * 10**decimals) / 10**decimals
    return bool(np.isclose(value, cut, rtol=0, atol=step * 1e-6)
                or (expected >= 0.05 * scale and error <= 0.005 * scale))


def _fraction_verdict(value: float, mask: np.ndarray, name: str, others: tuple = (),
                      image: str = "image") -> CheckResult:
    """The verdict on a number meant to be the foreground fraction of ``mask``.

    ``name`` is the mask's name in the notebook, for the hints, and ``image``
    the name of its RGB image (dividing by ``image.size`` gives a third of
    the fraction: 3 values per pixel). ``others`` holds ``(fraction, hint)``
    pairs: other fractions a learner may give by mistake, each with its
    hint. A wrong fraction is recognised exact first, then rounded; the right
    one rounded comes before any wrong one rounded.
    """
    expected = mask.mean()
    if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
        return _right(f"{100 * expected:.2f} % of the pixels are foreground.")
    fractions = [
        (1 - expected, "that is the background fraction: count the True pixels instead."),
        (expected / 3, f"that is one third of the fraction: did you divide by {image}.size? "
                       "An RGB image has 3 values per pixel (red, green, blue), so its size "
                       f"is 3 times the number of pixels. Divide by {name}.size."),
        *others,
    ]
    for fraction, hint in fractions:
        if np.isclose(value, fraction, rtol=1e-6, atol=1e-9):
            return _hint(hint)
    if np.isclose(value, mask.sum()):
        return _hint("that is the number of foreground pixels: divide by the number of all "
                     "pixels.")
    percentage = _hint("that is a percentage: give a fraction between 0 and 1.")
    if np.isclose(value, 100 * expected, rtol=1e-6):
        return percentage
    if mask.ndim >= 2 and np.isclose(value, mask.sum() / len(mask), rtol=1e-6):
        return _hint(f"you divided by len(...), which is the number of rows ({len(mask)}): "
                     f"divide by the number of all pixels, .size ({mask.size}).")
    if _looks_rounded(value, expected):
        return _hint(f"close: that looks rounded; compute it ({name}.sum() / {name}.size) "
                     "instead of typing a number.")
    if value > 1 and _looks_rounded(value, 100 * expected, scale=100):
        return percentage
    for fraction, hint in fractions:
        if _looks_rounded(value, fraction, strict=True):
            return _hint(hint)
    if not 0 <= value <= 1:
        return _hint("a fraction lies between 0 and 1.")
    return _hint(f"count the foreground pixels ({name}.sum()) and divide by the number of "
                 f"pixels ({name}.size).")


def _fraction_value(answer, name):
    """(value, None) for one number, or (None, verdict) for a stub or a wrong type."""
    return _number_verdict(
        answer, name, many="give a single number; you gave {given}. mean() or sum() without "
        "`axis` takes all pixels at once.", other="give a single number, got {type}.")


def check_foreground_fraction(answer, mask) -> CheckResult:
    """Check the fraction of foreground pixels of ``mask`` (a number in [0, 1]).

    Examples
    --------
    >>> mask = np.array([[True, False], [False, False]])
    >>> check_foreground_fraction(0.25, mask)
    Correct! 25.00 % of the pixels are foreground.
    >>> check_foreground_fraction(0.75, mask)
    Not yet. Hint: that is the background fraction: count the True pixels instead.
    """
    value, verdict = _fraction_value(answer, "answer")
    if verdict is not None:
        return verdict
    return _fraction_verdict(value, check_mask(mask, "mask"), "mask")


def check_object_fraction(object_fraction, things, coins_mask=None) -> CheckResult:
    """Check exercise 2 of chapter 01: the fraction of the scene's pixels that are objects.

    Parameters
    ----------
    object_fraction
        The learner's answer.
    things : array of bool
        The scene's object pixels (``things`` in the notebook).
    coins_mask : array of bool, optional
        The coins' mask (``mask`` in the notebook): the right answer's message
        compares the two fractions (the chapter asks which is more lopsided),
        and an answer computed from it instead of ``things`` gets a hint that
        says so.

    Examples
    --------
    >>> things = np.array([[True, False], [False, False]])
    >>> coins = np.array([[True, True], [False, False]])
    >>> check_object_fraction(0.25, things, coins)
    Correct! 25.0 % of the scene's pixels are objects, against 50.0 % for the coins: the scene
    is more lopsided.
    >>> check_object_fraction(0.5, things, coins).message[:39]
    "that is the coins' foreground fraction:"
    """
    value, verdict = _fraction_value(object_fraction, "object_fraction")
    if verdict is not None:
        return verdict
    things = check_mask(things, "things")
    if coins_mask is None:
        return _fraction_verdict(value, things, "things")
    coins = check_mask(coins_mask, "coins_mask").mean()
    verdict = _fraction_verdict(value, things, "things", others=[(
        coins, "that is the coins' foreground fraction: `mask` is the coins' mask from the "
               "first part of the chapter, `things` the scene's objects. Compute it from "
               "`things`.")], image="scene.image")
    if not verdict.correct:
        return verdict
    # the chapter's question: is the scene more lopsided than the coins?
    scene = things.mean()
    if abs(scene - 0.5) > abs(coins - 0.5):
        which = "the scene is more lopsided"
    elif abs(scene - 0.5) < abs(coins - 0.5):
        which = "the coins are more lopsided"
    else:
        which = "the two are as lopsided"
    return _right(f"{100 * scene:.1f} % of the scene's pixels are objects, against "
                  f"{100 * coins:.1f} % for the coins: {which}.")


def check_largest_coin(largest_id, largest_box, instance) -> CheckResult:
    """Check exercise 3 of chapter 01: the id of the largest object and its box.

    The largest object covers the most pixels; id 0 (the background) is no
    object. The box is ``(x_min, y_min, x_max, y_max)``, inclusive, as in
    :func:`segcourse.labels.mask_to_box`.

    Parameters
    ----------
    largest_id, largest_box
        The learner's answers.
    instance : array of int
        The instance map (``instance`` in the notebook: the coins).

    Examples
    --------
    >>> instance = np.array([[0, 0, 0, 0],
    ...                      [1, 0, 2, 2],
    ...                      [0, 0, 2, 2]])
    >>> check_largest_coin(2, (2, 1, 3, 2), instance)
    Correct! Coin 2 covers 4 pixels, the most of any coin; its box is (2, 1, 3, 2).
    >>> check_largest_coin(0, (0, 0, 3, 2), instance).message[:30]
    'id 0 is the background, not a '
    """
    verdict = _first(_values_not_answered("your answer", largest_id=largest_id,
                                          largest_box=largest_box),
                     _values_are_functions(largest_id=largest_id, largest_box=largest_box))
    if verdict is not None:
        return verdict
    instance = check_instance_map(instance, "instance")
    pixels = np.bincount(instance.ravel())
    present = np.flatnonzero(pixels[1:]) + 1
    if present.size == 0:
        raise ValueError("Expected argument `instance` to hold at least one object, but got "
                         "none.")
    coin_pixels = np.where(np.arange(pixels.size) > 0, pixels, -1)
    expected_id = int(coin_pixels.argmax())
    expected_box = mask_to_box(instance == expected_id)

    given_id = _as_int(largest_id)
    if given_id is None:
        return _hint(f"`largest_id` is one id, a whole number; you gave "
                     f"{_describe(largest_id)}.")
    if given_id != expected_id:
        smallest = int(present[pixels[present].argmin()])
        if given_id == 0:
            return _hint("id 0 is the background, not a coin: it covers the most pixels (most "
                         "of the image is background). Leave it out, for example by setting "
                         "the count of id 0 to zero before argmax.")
        if given_id == expected_id - 1 and given_id in present:
            return _hint(f"off by one: coin {given_id} is next to the largest. argmax over the "
                         "counts without id 0 (counts[1:]) gives a position, and position k "
                         "holds id k + 1.")
        if given_id == int(instance.max()):
            return _hint(f"{given_id} is the highest id, the coin numbered last, not the "
                         "largest: count the pixels of each id (np.bincount) and take the "
                         "id with the most.")
        if given_id == smallest:
            return _hint(f"coin {given_id} is the smallest coin: take the id with the most "
                         "pixels (argmax), not the fewest.")
        if given_id not in present:
            return _hint(f"no coin has id {given_id}: the ids run from 1 to "
                         f"{int(instance.max())}, and 0 is the background.")
        return _hint(f"coin {given_id} covers {int(pixels[given_id])} pixels; another covers "
                     "more. Count the pixels of every id with np.bincount(instance.ravel()) "
                     "and take the id with the most, leaving out 0.")

    box = _as_box(largest_box, verb="give")
    if isinstance(box, str):
        return _hint(f"the id is right. `largest_box`: {box}")
    if box == expected_box:
        return _right(f"Coin {expected_id} covers {int(pixels[expected_id])} pixels, the most "
                      f"of any coin; its box is {expected_box}.")
    hint = _box_convention_hint([box], [expected_box])
    if hint is not None:
        return _hint(f"the id is right. The box: {hint}")
    if box == mask_to_box(instance > 0):
        return _hint("the id is right, but that box holds every coin: take the box of the mask "
                     "of this one coin, instance == largest_id.")
    if box == mask_to_box(instance == 0):
        return _hint("the id is right, but that is the box of the background (id 0): take the "
                     "mask of this coin, instance == largest_id.")
    for other in present:
        if box == mask_to_box(instance == other):
            if other == expected_id + 1:
                return _hint(f"the id is right, but that is the box of coin {other}, the next "
                             "id: in labels.bounding_boxes, boxes[k] is the box of ids[k], so "
                             f"coin {expected_id} is boxes[{expected_id - 1}]. Or take "
                             "labels.mask_to_box(instance == largest_id).")
            return _hint(f"the id is right, but that is the box of coin {other}: take the mask "
                         "instance == largest_id.")
    return _hint(f"the id is right; the box of coin {expected_id} is not {box}. Take the mask "
                 "instance == largest_id and its box (your box_from_mask or "
                 "labels.mask_to_box).")
