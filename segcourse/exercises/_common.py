"""What every checker shares: the verdict, and the handling of stubs and wrong types.

A learner copy (:mod:`segcourse.student`) leaves two kinds of stub, and each
gets its own "not answered yet" instruction:

- a value left as ``name = ...`` (or ``None``): replace the ``...``;
- a function whose body is ``raise NotImplementedError(...)``: replace that
  line with code.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker: ``correct`` and a ``message`` (a hint when wrong).

    It is truthy when the answer is right, prints as text and shows as a
    coloured box in Jupyter and in the book. ``answered`` is False while the
    answer is still the stub of the learner copy.

    Examples
    --------
    >>> CheckResult(False, "count the True pixels.")
    Not yet. Hint: count the True pixels.
    >>> bool(CheckResult(True, "well done.")), CheckResult(True, "well done.")
    (True, Correct! well done.)
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


def _right(message: str) -> CheckResult:
    return CheckResult(True, message)


def _hint(message: str) -> CheckResult:
    return CheckResult(False, message)


def _join(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _values_not_answered(what: str, **answers) -> CheckResult | None:
    """"Not answered yet" if any value is still the stub ``...`` (or None), else None.

    ``answers`` maps each variable name of the exercise to the learner's value;
    ``what`` says what to put there ("your number"; an "s" is added for several).
    """
    stubs = [name for name, value in answers.items() if value is ...]
    nones = [name for name, value in answers.items() if value is None]
    if len(stubs or nones) > 1:
        what += "s"
    if stubs:
        after = _join([f"{name} =" for name in stubs])
        return CheckResult(False, f"replace the `...` after {after} in the cell above with "
                                  f"{what}, then run that cell and this one.", answered=False)
    if nones:
        verb = "is" if len(nones) == 1 else "are"
        return CheckResult(False, f"{_join(nones)} {verb} None: assign {what} in the cell above "
                                  "(print(...) shows a value but returns None, so store the "
                                  "value itself), then run that cell and this one.",
                           answered=False)
    return None


def _first(*verdicts):
    """The first verdict that is not None (a CheckResult that is wrong is falsy: no `or`)."""
    return next((verdict for verdict in verdicts if verdict is not None), None)


def _values_are_functions(**answers) -> CheckResult | None:
    """A hint if a value answer is a function (forgotten call), else None."""
    for name, value in answers.items():
        if callable(value):
            return _hint(f"`{name}` is a function ({_function_name(value)}): store the value "
                         "it gives (call it), not the function itself.")
    return None


def _function_name(function, fallback: str = "your function") -> str:
    name = getattr(function, "__name__", "")
    return name if name.isidentifier() else fallback


def _not_a_function(function, name: str, signature: str, checker: str) -> CheckResult | None:
    """The verdict for an answer that is not a usable function yet, or None if it is one.

    ``name`` and ``signature`` are those of the function the exercise asks
    for, ``checker`` the checker's name (for the example call).
    """
    if function is ... or function is None:
        return CheckResult(False, f"`{name}` is not written yet: define it in the cell above "
                                  f"(`def {signature}:` with your code in its body), then run "
                                  "that cell and this one.", answered=False)
    if not callable(function):
        return _hint(f"pass the function itself, `{checker}({name})`, not a result of calling "
                     f"it (you passed {_describe(function)}).")
    return None


def _call(function, *args, name: str):
    """Call a learner's function: ``(result, None)``, or ``(None, verdict)`` for a stub.

    Only the stub's ``NotImplementedError`` is caught: any other error is the
    learner's to see, with its traceback into their own code.
    """
    try:
        return function(*args), None
    except NotImplementedError:
        shown = _function_name(function, name)
        return None, CheckResult(False, f"`{shown}` still raises NotImplementedError: replace "
                                        "the line `raise NotImplementedError(...)` in its body "
                                        "with your code, then run that cell and this one.",
                                 answered=False)


def _describe(value) -> str:
    """A short description of a learner's value, for a hint."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        return f"the text {value!r}"
    text = repr(value)
    return text if len(text) <= 40 else f"a {type(value).__name__}"


def _as_number(value) -> float | None:
    """``value`` as a float if it is one real number (a 0-d array counts), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, np.ndarray):
        if value.size != 1 or not np.issubdtype(value.dtype, np.number):
            return None
        value = value.reshape(()).item()
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _as_int(value) -> int | None:
    """``value`` as an int if it is a whole number (6 or 6.0, not 6.5 or True), else None."""
    number = _as_number(value)
    if number is None or not np.isfinite(number) or number != int(number):
        return None
    return int(number)


def _as_box(value, verb: str = "return"):
    """``value`` as a tuple of four ints, or a hint (a str) saying what is wrong with it.

    ``verb`` is "return" for a function's result, "give" for a value.
    """
    if value is None:
        return "your function returns None: did you forget `return`?"
    try:
        box = tuple(value)
    except TypeError:
        return f"{verb} four integers (x_min, y_min, x_max, y_max); got {_describe(value)}."
    if isinstance(value, str) or any(_as_int(v) is None for v in box):
        return f"{verb} four integers (x_min, y_min, x_max, y_max); got {value!r}."
    if len(box) != 4:
        return f"{verb} four numbers (x_min, y_min, x_max, y_max), got {len(box)}."
    return tuple(_as_int(v) for v in box)


def _box_convention_hint(got: tuple, expected: tuple) -> str | None:
    """A hint if ``got`` is the right box written in another box convention, else None.

    The course writes boxes as ``(x_min, y_min, x_max, y_max)``, inclusive,
    with ``x`` the column; other libraries use ``(x, y, width, height)``
    (COCO), ``(row, col, ...)`` order, or an exclusive maximum (slices).
    """
    x0, y0, x1, y1 = expected
    width, height = x1 - x0 + 1, y1 - y0 + 1
    conventions = [
        ((y0, x0, y1, x1),
         "rows and columns are swapped: that is (row_min, col_min, row_max, col_max). Here x "
         "is the column (axis 1) and y the row (axis 0), so the box is (x_min, y_min, x_max, "
         "y_max) = (col_min, row_min, col_max, row_max)."),
        ((x0, y0, x1 + 1, y1 + 1),
         "x_max and y_max are one too large: you gave one past the last column and row (the "
         "end of a slice, exclusive). Here they are the last foreground column and row "
         "themselves (inclusive)."),
        ((y0, x0, y1 + 1, x1 + 1),
         "that is (row_min, col_min, row_stop, col_stop), rows first and the ends exclusive "
         "like slices. Here the box is (x_min, y_min, x_max, y_max): columns first (x is the "
         "column), and the maxima are the last foreground column and row (inclusive)."),
        ((x0, y0, width, height),
         "that is (x, y, width, height), the COCO convention. Here the box is (x_min, y_min, "
         "x_max, y_max): the last two numbers are the last foreground column and row, "
         "x_max = x_min + width - 1."),
        ((x0, y0, width - 1, height - 1),
         "the last two numbers are x_max - x_min and y_max - y_min, a width and height (one "
         "short). Here the box is (x_min, y_min, x_max, y_max): give the last foreground "
         "column and row themselves."),
        ((y0, x0, height, width),
         "that is (row, col, height, width). Here the box is (x_min, y_min, x_max, y_max): "
         "columns first (x is the column), then the last foreground column and row."),
        ((x0, x1, y0, y1),
         "the order is (x_min, y_min, x_max, y_max): both minima first, then both maxima."),
        ((y0, y1, x0, x1),
         "that is (row_min, row_max, col_min, col_max). The order is (x_min, y_min, x_max, "
         "y_max): both minima first, columns before rows (x is the column)."),
    ]
    for candidate, hint in conventions:
        if tuple(got) == candidate:
            return hint
    return None
