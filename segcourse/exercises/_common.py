"""What every checker shares: the verdict, and the handling of stubs and wrong types.

A learner copy (:mod:`segcourse.student`) leaves two kinds of stub, and each
gets its own "not answered yet" instruction:

- a value left as ``name = ...`` (or ``None``): replace the ``...``;
- a function whose body is ``raise NotImplementedError(...)``: replace that
  line with code.
"""

from __future__ import annotations

import dis
import html
import math
import numbers
import os
import types
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult"]

#: What the book shows in place of a right answer's message, which it folds away.
BOOK_SUMMARY = "Show the checker's message (it gives the answer)"


#: The hint for a function that returns None.
RETURNS_NONE = "your function returns None: did you forget `return`?"

def _book_build() -> bool:
    """True while the book is built (``book/conf.py`` sets ``SEGCOURSE_BOOK_BUILD=1``)."""
    return os.environ.get("SEGCOURSE_BOOK_BUILD") == "1"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker: ``correct`` and a ``message`` (a hint when wrong).

    It is truthy when the answer is right, prints as text and shows as a
    coloured box in Jupyter and in the book. ``answered`` is False while the
    answer is still the stub of the learner copy.

    The book executes the solutions, so there every verdict is "Correct!" and
    its message states the answer under the exercise, before the reader has
    tried. While the book is built (``SEGCOURSE_BOOK_BUILD=1``) a right
    answer therefore shows only "Correct!", its message folded behind a
    ``<details>`` element the reader opens (:data:`BOOK_SUMMARY`); the text
    form is "Correct!" alone. Hints and "not answered yet" show as in Jupyter
    (a chapter may demonstrate a hint on purpose).

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

    def _folded(self) -> bool:
        """True when the message is folded away: a right answer, in the book."""
        return self.correct and self.answered and _book_build()

    def __repr__(self) -> str:
        if not self.answered:
            return f"Not answered yet: {self.message}"
        if self._folded():
            return "Correct!"
        return f"Correct! {self.message}" if self.correct else f"Not yet. Hint: {self.message}"

    def _repr_html_(self) -> str:
        if not self.answered:
            colour, head = "#6c757d", "Not answered yet"
        elif self.correct:
            colour, head = "#1a7f37", "Correct!"
        else:
            colour, head = "#b35900", "Not yet. Hint:"
        message = html.escape(self.message)
        if self._folded():
            # a real <details>: keyboard- and screen-reader-accessible, opened on purpose
            body = (f'<details style="margin-top: 0.2em"><summary style="cursor: pointer">'
                    f"{html.escape(BOOK_SUMMARY)}</summary>{message}</details>")
        else:
            body = f" {message}"
        return (f'<div class="segcourse-check" style="border-left: 4px solid {colour}; '
                f'padding: 0.3em 0.8em;"><strong style="color: {colour}">{head}</strong>'
                f"{body}</div>")


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
    learner's to see, with its traceback into their own code. A function that
    returns None (a forgotten ``return``) gets its hint here, for every checker.
    """
    try:
        result = function(*args)
    except NotImplementedError:
        shown = _function_name(function, name)
        return None, CheckResult(False, f"`{shown}` still raises NotImplementedError: replace "
                                        "the line `raise NotImplementedError(...)` in its body "
                                        "with your code, then run that cell and this one.",
                                 answered=False)
    if result is None:
        return None, _hint(RETURNS_NONE)
    return result, None


def _describe(value) -> str:
    """A short description of a learner's value, for a hint."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        return f"the text {value!r}"
    text = _show(value)
    return text if len(text) <= 40 else f"a {type(value).__name__}"


def _plain(value):
    """``value`` with numpy numbers made Python numbers, in tuples and lists too."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _show(value) -> str:
    """``value`` as a hint writes it: ``(2, 1)``, never ``(np.int64(2), np.int64(1))``."""
    return repr(_plain(value))


def _as_number(value) -> float | None:
    """``value`` as a float if it is one real number (a 0-d array or a one-number torch
    tensor counts), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if type(value).__module__.startswith("torch") and hasattr(value, "numel"):
        # a one-number tensor, e.g. from a torch computation (torch is not imported here)
        if value.numel() != 1 or value.is_complex() or str(value.dtype) == "torch.bool":
            return None
        return float(value.detach().cpu().double().reshape(()).item())
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
        return RETURNS_NONE
    try:
        box = tuple(value)
    except TypeError:
        return f"{verb} four integers (x_min, y_min, x_max, y_max); got {_describe(value)}."
    if isinstance(value, str) or any(_as_int(v) is None for v in box):
        return f"{verb} four integers (x_min, y_min, x_max, y_max); got {_show(value)}."
    if len(box) != 4:
        return f"{verb} four numbers (x_min, y_min, x_max, y_max), got {len(box)}."
    return tuple(_as_int(v) for v in box)


def _box_conventions(box: tuple) -> list[tuple[tuple, str]]:
    """The right ``box`` written in each other convention, with the hint that names it."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0 + 1, y1 - y0 + 1
    return [
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
        ((x0, y0, x1 - 1, y1),
         "x_max is one too small: the maxima are inclusive, the last foreground column "
         "itself."),
        ((x0, y0, x1, y1 - 1),
         "y_max is one too small: the maxima are inclusive, the last foreground row itself."),
        ((x0, y0, x1 - 1, y1 - 1),
         "x_max and y_max are one too small: the maxima are inclusive, the last foreground "
         "column and row themselves."),
        ((x0, y0, x1 + 1, y1),
         "x_max is one too large: it is the last foreground column itself (inclusive), not "
         "one past it."),
        ((x0, y0, x1, y1 + 1),
         "y_max is one too large: it is the last foreground row itself (inclusive), not one "
         "past it."),
    ]


def _box_convention_hint(got: list[tuple], expected: list[tuple]) -> str | None:
    """A hint if the boxes ``got`` are the right ones written in another convention, else None.

    The course writes boxes as ``(x_min, y_min, x_max, y_max)``, inclusive,
    with ``x`` the column; other libraries use ``(x, y, width, height)``
    (COCO), ``(row, col, ...)`` order, or an exclusive maximum (slices).
    ``got`` and ``expected`` list one box per test (a single box is a list
    of one). A convention is named only when it gives every box of ``got``
    and no other convention does: on one box, ``(x, y, width, height)`` and
    "``x_max`` one too small" may give the same four numbers.

    Examples
    --------
    >>> _box_convention_hint([(2, 1, 5, 3)], [(2, 1, 6, 3)]) is None  # COCO or x_max - 1?
    True
    >>> _box_convention_hint([(2, 1, 5, 3), (1, 3, 0, 3)], [(2, 1, 6, 3), (1, 3, 1, 3)])[:26]
    'x_max is one too small: th'
    """
    got = [tuple(box) for box in got]
    per_box = [_box_conventions(box) for box in expected]
    hints = [hint for index, (_, hint) in enumerate(per_box[0])
             if all(conventions[index][0] == box
                    for conventions, box in zip(per_box, got, strict=True))]
    return hints[0] if len(hints) == 1 else None


def _global_data_names(function) -> list[str]:
    """The notebook variables holding data (arrays, scenes, dicts) that ``function`` reads.

    Found from the global names its code loads (its nested comprehensions and
    lambdas included); modules, functions, classes, numbers and strings are
    left out, so ``np`` or a constant is never named.
    """
    code = getattr(function, "__code__", None)
    namespace = getattr(function, "__globals__", None)
    if code is None or namespace is None:
        return []
    names, codes = [], [code]
    while codes:
        current = codes.pop()
        codes.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
        for instruction in dis.get_instructions(current):
            name = instruction.argval
            if (instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and isinstance(name, str)
                    and name in namespace and name not in names
                    and _is_data(namespace[name])):
                names.append(name)
    return names


def _is_data(value) -> bool:
    if value is None or callable(value) or isinstance(value, types.ModuleType):
        return False
    return not isinstance(value, (bool, numbers.Number, str, bytes))


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and bool(np.all(a == b)))
    return bool(a == b)


def _ignores_its_arguments(function, answers: list, expected: list, *, what: str,
                           tests: str, examples: str, arguments: str,
                           use: str) -> CheckResult | None:
    """A hint if ``function`` reads notebook variables instead of its arguments, else None.

    Call it once an answer is wrong. Two signs: it returned the same answer on
    every test while the right answers differ (``answers`` and ``expected``,
    one per test), or its code reads a global variable that holds data (the
    notebook's ``scene``, ``mask``...: see :func:`_global_data_names`).

    ``what`` names the answer, with its value if short ("box (2, 1, 6, 3)"),
    ``tests`` the test inputs ("mask", plural added), ``examples`` notebook
    variables it may read ("`mask` or `tiny`"), ``arguments`` "its argument"
    or "its arguments", ``use`` what to use instead ("the mask it is given").
    """
    names = _global_data_names(function)
    same = (len(answers) > 1 and all(_same(answer, answers[0]) for answer in answers[1:])
            and not all(_same(right, expected[0]) for right in expected[1:]))
    if names:
        variables = _join(names)
        noun = "variable" if len(names) == 1 else "variables"
        reads = f"the notebook {noun} {variables} instead of {arguments}"
    if same and names:
        return _hint(f"your function returns the same {what} for every test {tests}: it reads "
                     f"{reads}. Use only {use}.")
    if same:
        return _hint(f"your function returns the same {what} for every test {tests}: does it "
                     f"read a notebook variable (such as {examples}) instead of {arguments}? "
                     f"Use only {use}.")
    if names:
        return _hint(f"your function reads {reads}: the checker calls it on test {tests}s of "
                     f"its own, so use only {use}.")
    return None


def _as_float_array(value):
    """A learner's result as a float64 numpy array (tensors and lists too), or None."""
    try:
        array = np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)
    except (TypeError, ValueError, RuntimeError):
        return None
    if array.dtype == object or array.dtype.kind not in "biuf":
        return None
    return array.astype(np.float64)


def _close(value, expected, rel_tol=1e-6) -> bool:
    """Two numbers equal up to rounding; NaN equals NaN; None equals nothing."""
    if value is None or expected is None:
        return False
    if math.isnan(expected) or math.isnan(value):
        return math.isnan(expected) and math.isnan(value)
    return math.isclose(value, expected, rel_tol=rel_tol, abs_tol=1e-9)


def _ratio(numerator, denominator) -> float:
    """``numerator / denominator`` as a float, NaN for 0/0 or x/0 (the scores' 0/0 rule)."""
    return float(numerator) / float(denominator) if denominator else math.nan


def _decimals(value: float) -> int | None:
    """How many decimals ``value`` has as typed (0.16: 2), or None if it has many (1/3)."""
    text = repr(float(value))
    if "e" in text or "n" in text:  # 1e-05, inf, nan
        return None
    decimals = len(text.partition(".")[2].rstrip("0"))
    return decimals if decimals <= 6 else None


def _number_verdict(answer, name, *, many=None, other=None):
    """(value, None) for one number, or (None, verdict) for a stub or a wrong type.

    ``many`` (formatted with ``given``, the array's description) and ``other``
    (with ``type``, the type's name) replace the hints for an array of several
    numbers and for anything else that is not a number.
    """
    verdict = _first(_values_not_answered("your number", **{name: answer}),
                     _values_are_functions(**{name: answer}))
    if verdict is not None:
        return None, verdict
    value = _as_number(answer)
    if value is None:
        if isinstance(answer, np.ndarray) and answer.size > 1:
            many = many or f"`{name}` should be one number; you gave {{given}}."
            return None, _hint(many.format(given=_describe(answer)))
        if other is None:
            return None, _hint(f"`{name}` should be one number, got {_describe(answer)}.")
        return None, _hint(other.format(type=type(answer).__name__))
    return value, None
