"""Checkers for the course's exercises.

Each checker takes the learner's answer (a value or a function), compares it
with the library's own computation, and returns a :class:`CheckResult`: right,
or wrong with a hint aimed at the usual mistake. An answer left as the stub
(``...``, or a function that raises ``NotImplementedError``) gets a friendly
"not answered yet" instead of an error, so a learner copy runs top to bottom.

Exercises of chapter 01: :func:`check_box_from_mask`,
:func:`check_foreground_fraction`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from .labels import mask_to_box

__all__ = [
    "CheckResult",
    "check_box_from_mask",
    "check_foreground_fraction",
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
    if _unanswered(function):
        return _not_answered("your function")
    if not callable(function):
        return CheckResult(False, "pass the function itself, for example "
                                  "`check_box_from_mask(box_from_mask)`, not its result.")
    masks = _box_test_masks()
    for mask in masks:
        expected = mask_to_box(mask)
        try:
            got = function(mask.copy())
        except NotImplementedError:
            return _not_answered("your code (it still raises NotImplementedError)")
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
    mask = np.asarray(mask, dtype=bool)
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
