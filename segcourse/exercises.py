"""Checkers for the course's exercises.

Each checker takes the learner's answer (a value or a function), compares it
with the library's own computation, and returns a :class:`CheckResult`: right,
or wrong with a hint aimed at the usual mistake. An answer left as the stub
(``...``, or a function that raises ``NotImplementedError``) gets a friendly
"not answered yet" instead of an error, so a learner copy runs top to bottom.

Exercises of chapter 01: :func:`check_box_from_mask`,
:func:`check_foreground_fraction`. Chapter 02: :func:`check_count_objects`,
:func:`check_panoptic_encoding`, :func:`check_component_count`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ._validation import check_mask
from .labels import connected_components, mask_to_box

__all__ = [
    "CheckResult",
    "check_box_from_mask",
    "check_foreground_fraction",
    "check_count_objects",
    "check_panoptic_encoding",
    "check_component_count",
]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker: ``correct`` and a ``message`` (a hint when wrong).

    It is truthy when the answer is right, prints as text and shows as a
    coloured box in Jupyter and in the book.
    """

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        if not self.answered:
            return f"Not answered yet: {self.message}"
        return f"Correct! {self.message}" if self.correct else f"Not yet. Hint: {self.message}"

    def _repr_html_(self) -> str:
        if not self.answered:
            colour, head = "#6c757d", "Not answered yet"
        elif self.correct:
            colour, head = "#1a7f37", "Correct!"
        else:
            colour, head = "#b35900", "Not yet. Hint:"
        return (f'<div class="segcourse-check" style="border-left: 4px solid {colour}; '
                f'padding: 0.3em 0.8em;"><strong style="color: {colour}">{head}</strong> '
                f"{html.escape(self.message)}</div>")


def _unanswered(answer) -> bool:
    return answer is ... or answer is None


def _not_answered(what: str) -> CheckResult:
    return CheckResult(False, f"replace the `...` in the cell above with {what}, then run "
                              "this cell again.", answered=False)


def _not_a_function(function, example: str):
    """The verdict for an answer that is not a usable function yet, or None if it is one."""
    if _unanswered(function):
        return _not_answered("your function")
    if not callable(function):
        return CheckResult(False, f"pass the function itself, for example `{example}`, not "
                                  "its result.")
    return None


def _call(function, *args):
    """Call a learner's function; (result, None) or (None, CheckResult) when it is a stub."""
    try:
        return function(*args), None
    except NotImplementedError:
        return None, _not_answered("your code (it still raises NotImplementedError)")


def _box_test_masks():
    """Masks that catch the usual mistakes: asymmetric, touching the border, one pixel."""
    masks = []
    mask = np.zeros((6, 9), dtype=bool)
    mask[1:4, 2:7] = True  # wider than tall: catches rows/columns swapped
    masks.append(mask)
    mask = np.zeros((5, 5), dtype=bool)
    mask[3, 1] = True  # a single pixel: catches exclusive ends
    masks.append(mask)
    mask = np.zeros((7, 4), dtype=bool)
    mask[2:, 0] = True
    mask[6, :] = True  # an L touching the border
    masks.append(mask)
    return masks


def check_box_from_mask(function) -> CheckResult:
    """Check a learner's ``box_from_mask(mask) -> (x_min, y_min, x_max, y_max)``.

    The box is inclusive (``x_max`` is the last foreground column) and ``x``
    is the column, as in :func:`segcourse.labels.mask_to_box`.

    >>> check_box_from_mask(mask_to_box)
    Correct! Your boxes match segcourse.labels.mask_to_box on 3 test masks.
    >>> check_box_from_mask(lambda m: (0, 0, m.shape[1], m.shape[0])).correct
    False
    """
    verdict = _not_a_function(function, "check_box_from_mask(box_from_mask)")
    if verdict is not None:
        return verdict
    masks = _box_test_masks()
    for mask in masks:
        expected = mask_to_box(mask)
        got, failure = _call(function, mask.copy())
        if failure is not None:
            return failure
        if got is None:
            return CheckResult(False, "your function returns None: did you forget `return`?")
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            return CheckResult(False, f"return four integers (x_min, y_min, x_max, y_max); "
                                      f"got {got!r}.")
        if len(got) != 4:
            return CheckResult(False, f"return four numbers, got {len(got)}.")
        if got == expected:
            continue
        x0, y0, x1, y1 = expected
        if got == (y0, x0, y1, x1):
            return CheckResult(False, "rows and columns are swapped: x is the column (axis 1) "
                                      "and y the row (axis 0).")
        if got == (x0, y0, x1 + 1, y1 + 1):
            return CheckResult(False, "x_max and y_max are one too large: they are the last "
                                      "foreground column and row (inclusive), not one past.")
        if got == (x0, x1, y0, y1):
            return CheckResult(False, "the order is (x_min, y_min, x_max, y_max): both minima "
                                      "first, then both maxima.")
        return CheckResult(False, f"for a {mask.shape[0]} x {mask.shape[1]} test mask whose "
                                  f"box is {expected} you returned {got}. Use np.nonzero or "
                                  "np.any along each axis to find the foreground rows and "
                                  "columns.")
    return CheckResult(True, f"Your boxes match segcourse.labels.mask_to_box on {len(masks)} "
                             "test masks.")


def check_foreground_fraction(answer, mask) -> CheckResult:
    """Check the fraction of foreground pixels of ``mask`` (a number in [0, 1]).

    >>> mask = np.array([[True, False], [False, False]])
    >>> check_foreground_fraction(0.25, mask)
    Correct! 25.00 % of the pixels are foreground.
    >>> check_foreground_fraction(0.75, mask)
    Not yet. Hint: that is the background fraction: count the True pixels instead.
    """
    if _unanswered(answer):
        return _not_answered("your number")
    mask = check_mask(mask, "mask")
    expected = mask.mean()
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"give a single number, got {type(answer).__name__}.")
    if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
        return CheckResult(True, f"{100 * expected:.2f} % of the pixels are foreground.")
    if np.isclose(value, 1 - expected, rtol=1e-6, atol=1e-9):
        return CheckResult(False, "that is the background fraction: count the True pixels "
                                  "instead.")
    if np.isclose(value, mask.sum()):
        return CheckResult(False, "that is the number of foreground pixels: divide by the "
                                  "number of all pixels.")
    if np.isclose(value, 100 * expected, rtol=1e-6):
        return CheckResult(False, "that is a percentage: give a fraction between 0 and 1.")
    if not 0 <= value <= 1:
        return CheckResult(False, "a fraction lies between 0 and 1.")
    return CheckResult(False, "count the foreground pixels (mask.sum()) and divide by the "
                              "number of pixels (mask.size).")


# -----------------------------------------------------------------------------
# Chapter 02
# -----------------------------------------------------------------------------

def check_count_objects(function) -> CheckResult:
    """Check ``count_objects(instance_map, instance_classes, class_id) -> int``.

    The count of objects of class ``class_id``: the number of instance ids
    whose class is ``class_id`` and that occur in the map.

    >>> def count_objects(instance_map, instance_classes, class_id):
    ...     present = set(np.unique(instance_map)) - {0}
    ...     return sum(1 for i in present if instance_classes[i] == class_id)
    >>> check_count_objects(count_objects).correct
    True
    """
    from .data import make_scene

    verdict = _not_a_function(function, "check_count_objects(count_objects)")
    if verdict is not None:
        return verdict
    cases = []
    for seed in (0, 3):
        scene = make_scene(seed=seed, size=(96, 144))
        for class_id in scene.things:
            cases.append((scene.instance, scene.instance_classes, class_id))
    tiny = np.array([[1, 1, 0, 2], [0, 0, 0, 2], [3, 0, 0, 0]])
    cases.append((tiny, {1: 4, 2: 4, 3: 5}, 4))
    cases.append((tiny, {1: 4, 2: 4, 3: 5}, 6))  # a class with no object: 0
    # the table may list ids that are not in this map: count the map, not the table
    cases.append((tiny, {1: 4, 2: 4, 3: 5, 9: 4}, 4))
    for instance_map, instance_classes, class_id in cases:
        ids = [i for i in np.unique(instance_map)
               if i != 0 and instance_classes[int(i)] == class_id]
        expected = len(ids)
        got, failure = _call(function, instance_map.copy(), dict(instance_classes), class_id)
        if failure is not None:
            return failure
        if got is None:
            return CheckResult(False, "your function returns None: did you forget `return`?")
        try:
            got = int(got)
        except (TypeError, ValueError):
            return CheckResult(False, f"return a single integer, got {type(got).__name__}.")
        if got == expected:
            continue
        pixels = int(np.isin(instance_map, ids).sum()) if ids else 0
        if got == pixels and pixels != expected:
            return CheckResult(False, "that is a number of pixels: count the distinct "
                                      "instance ids of the class instead.")
        components = int(connected_components(np.isin(instance_map, ids)).max()) if ids else 0
        if got == components:
            return CheckResult(False, "connected components merge objects that touch: count "
                                      "instance ids, which keep touching objects apart.")
        if got == sum(1 for c in instance_classes.values() if c == class_id):
            return CheckResult(False, "that counts the entries of `instance_classes`, which may "
                                      "list ids absent from the map: count the ids in the map.")
        if got == expected + 1:
            return CheckResult(False, "one too many: is the background id 0 counted?")
        return CheckResult(False, f"for class {class_id} the answer is {expected}, you "
                                  f"returned {got}. Look up the class of each id in "
                                  "`instance_classes`.")
    return CheckResult(True, f"Your counts are right on {len(cases)} test cases, including "
                             "a class with no object and a table listing an absent id.")


def check_panoptic_encoding(function) -> CheckResult:
    """Check ``encode_panoptic(panoptic_map) -> ids`` with ``category * 1000 + instance``.

    >>> from segcourse.labels import panoptic_encode
    >>> check_panoptic_encoding(panoptic_encode).correct
    True
    >>> check_panoptic_encoding(lambda p: p[..., 1] * 1000 + p[..., 0]).correct
    False
    """
    from .data import make_scene

    verdict = _not_a_function(function, "check_panoptic_encoding(encode_panoptic)")
    if verdict is not None:
        return verdict
    panoptic = make_scene(seed=1, size=(64, 96)).panoptic
    expected = panoptic[..., 0] * 1000 + panoptic[..., 1]
    got, failure = _call(function, panoptic.copy())
    if failure is not None:
        return failure
    if got is None:
        return CheckResult(False, "your function returns None: did you forget `return`?")
    got = np.asarray(got)
    if got.shape != expected.shape:
        return CheckResult(False, f"the ids should have the image's shape {expected.shape}, "
                                  f"got {got.shape}: combine the two channels into one.")
    if np.array_equal(got, expected):
        return CheckResult(True, "category * 1000 + instance: each segment has one id, and "
                                 "// and % recover both parts.")
    if np.array_equal(got, panoptic[..., 1] * 1000 + panoptic[..., 0]):
        return CheckResult(False, "category and instance are swapped: the category "
                                  "(channel 0) is multiplied by the divisor.")
    for divisor in (10, 100, 256, 10000):
        if np.array_equal(got, panoptic[..., 0] * divisor + panoptic[..., 1]):
            return CheckResult(False, f"you used the divisor {divisor}; this exercise uses "
                                      "1000.")
    if np.array_equal(got, panoptic[..., 0] + panoptic[..., 1]):
        return CheckResult(False, "a plain sum mixes categories and instances up: multiply "
                                  "the category by 1000 first.")
    return CheckResult(False, "compute panoptic[..., 0] * 1000 + panoptic[..., 1].")


def check_component_count(component_count, lost, scene) -> CheckResult:
    """Check what connected components (4-connectivity) of the scene's thing mask find.

    ``component_count`` is the number of regions of the mask of all thing
    pixels; ``lost`` is how many objects fewer than the true count that is.

    >>> from segcourse.data import make_scene
    >>> scene = make_scene(seed=0, size=(64, 96))
    >>> found = int(connected_components(np.isin(scene.semantic, scene.things)).max())
    >>> check_component_count(found, int(scene.instance.max()) - found, scene).correct
    True
    """
    if _unanswered(component_count) or _unanswered(lost):
        return _not_answered("your two numbers")
    things = np.isin(scene.semantic, scene.things)
    expected = int(connected_components(things).max())
    true_count = int(scene.instance.max())
    try:
        component_count, lost = int(component_count), int(lost)
    except (TypeError, ValueError):
        return CheckResult(False, "give two integers.")
    if component_count != expected:
        if component_count == int(connected_components(things, connectivity=2).max()):
            return CheckResult(False, "that count uses 8-connectivity (diagonal neighbours); "
                                      "use the default, connectivity=1.")
        if component_count == true_count:
            return CheckResult(False, "that is the true number of objects (from the instance "
                                      "map); count the regions of the thing mask instead.")
        return CheckResult(False, "label the mask np.isin(scene.semantic, scene.things) with "
                                  "labels.connected_components and take its maximum.")
    if lost != true_count - expected:
        if lost == expected - true_count:
            return CheckResult(False, "the sign of `lost` is flipped: the true count minus "
                                      "the components.")
        return CheckResult(False, "`lost` is the true number of objects (scene.instance.max()) "
                                  "minus the number of components.")
    return CheckResult(True, f"{expected} components for {true_count} objects: touching "
                             f"objects merge, so {lost} lost.")
