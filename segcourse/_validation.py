"""Shared input validation for every segcourse module.

Every public function validates its arguments with these helpers so that bad
input always fails the same way: a ``ValueError`` (or ``TypeError`` for a wrong
type) whose message names the argument, what it got and what it expected::

    Expected argument `num_classes` to be a positive integer, but got 0.

Nothing is silently coerced: a float label map holding non-integer values, a
negative label that is not ``ignore_index`` or masks of different shapes are
errors, never a quiet wrong answer.
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "describe",
    "some_values",
    "argument_error",
    "to_numpy",
    "check_int",
    "check_positive_int",
    "check_number",
    "check_choice",
    "check_same_shape",
    "check_ndim",
    "check_mask",
    "mask_hint",
    "check_label_map",
    "check_instance_map",
    "check_panoptic_map",
]


@functools.cache
def _numpy_dtypes(torch) -> frozenset:
    """The torch dtypes that ``Tensor.numpy()`` converts as they are."""
    return frozenset({torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
                      torch.uint16, torch.uint32, torch.uint64, torch.float16, torch.float32,
                      torch.float64, torch.complex64, torch.complex128})


def describe(value) -> str:
    """Short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    torch = sys.modules.get("torch")  # torch tensors, without importing torch here
    if torch is not None and isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def some_values(values, limit: int = 6) -> str:
    """The first ``limit`` of the sorted distinct ``values``, marked as cut when there are more.

    >>> some_values([0, 1])
    '[0, 1]'
    >>> some_values(range(9))
    '[0, 1, 2, 3, 4, 5, …] (9 distinct values)'
    >>> some_values(np.array([0.7, 0.0], dtype=np.float32))
    '[0.0, 0.7]'
    """
    values = np.unique(np.asarray(values))
    shown = values[:limit].tolist()
    if values.dtype.kind == "f" and values.dtype.itemsize < 8:
        # float32 0.7 is 0.699999988079071 as a double: show the shortest decimal that
        # the array's own precision reads back, 0.7
        shown = [float(np.format_float_positional(value)) for value in values[:limit]]
    if values.size <= limit:
        return str(shown)
    return f"{str(shown)[:-1]}, …] ({values.size} distinct values)"


def argument_error(name: str, expected: str, got, *, type_error: bool = False):
    """Build the standard error for argument ``name``.

    ``got`` is either a ready description (a string) or a value, which is
    described with :func:`describe`.

    >>> str(argument_error("num_classes", "a positive integer", 0))
    'Expected argument `num_classes` to be a positive integer, but got 0.'
    """
    got_text = got if isinstance(got, str) else describe(got)
    message = f"Expected argument `{name}` to be {expected}, but got {got_text}."
    return (TypeError if type_error else ValueError)(message)


def to_numpy(value, name: str) -> np.ndarray:
    """Return ``value`` as a numpy array; accepts arrays, torch tensors (any device, any dtype).

    Lists and tuples are accepted too. Other types raise ``TypeError``.

    Tensors of a dtype numpy lacks are widened without loss: ``bfloat16`` and
    the ``float8`` types become float32 (which holds each of their values
    exactly), ``complex32`` becomes complex64. float16 stays float16.

    >>> import torch
    >>> to_numpy(torch.tensor([0.5, 2.0], dtype=torch.bfloat16), "x")
    array([0.5, 2. ], dtype=float32)
    """
    if isinstance(value, np.ndarray):
        return value
    torch = sys.modules.get("torch")  # a tensor exists only once torch is imported
    if torch is not None and isinstance(value, torch.Tensor):
        tensor = value.detach().cpu()
        if tensor.dtype not in _numpy_dtypes(torch):
            if tensor.is_floating_point():
                tensor = tensor.float()
            elif tensor.is_complex():
                tensor = tensor.to(torch.complex64)
        return tensor.numpy()
    if isinstance(value, (list, tuple)) or isinstance(value, (numbers.Number, np.generic)):
        return np.asarray(value)
    raise argument_error(name, "a numpy array or a torch tensor", type(value).__name__,
                         type_error=True)


def check_int(value, name: str, *, minimum: int | None = None, allow_none: bool = False):
    """Check that ``value`` is an integer (not a bool), optionally ``>= minimum``."""
    if value is None and allow_none:
        return None
    if type(value) is int and (minimum is None or value >= minimum):  # the usual case, fast
        return value
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        expected = "an integer" + (" or None" if allow_none else "")
        raise argument_error(name, expected, describe(value), type_error=True)
    if minimum is not None and value < minimum:
        raise argument_error(name, f"an integer >= {minimum}", describe(value))
    return int(value)


def check_positive_int(value, name: str, *, allow_none: bool = False):
    """Check that ``value`` is an integer >= 1 (or None when allowed)."""
    if value is None and allow_none:
        return None
    expected = "a positive integer" + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise argument_error(name, expected, describe(value), type_error=True)
    if value < 1:
        raise argument_error(name, expected, describe(value))
    return int(value)


def check_number(value, name: str, *, low=None, high=None, low_open=False, high_open=False,
                 allow_none=False, allow_inf=False):
    """Check that ``value`` is a real number inside the given interval."""
    if value is None and allow_none:
        return None
    if type(value) is float or type(value) is int:  # the usual case, checked without numpy
        if ((low is None or value > low or (value == low and not low_open))
                and (high is None or value < high or (value == high and not high_open))
                and (math.isfinite(value) or (allow_inf and not math.isnan(value)))):
            return float(value)
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise argument_error(name, "a real number", describe(value), type_error=True)
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise argument_error(name, "a finite real number", describe(value))
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    low_text = "-inf" if low is None else low
    high_text = "inf" if high is None else high
    interval = f"in {left}{low_text}, {high_text}{right}"
    if low is not None and (value < low or (low_open and value == low)):
        raise argument_error(name, f"a number {interval}", describe(value))
    if high is not None and (value > high or (high_open and value == high)):
        raise argument_error(name, f"a number {interval}", describe(value))
    return value


def check_bool(value, name: str) -> bool:
    """``value`` as a bool: True or False (numpy's booleans too); anything else is a TypeError."""
    if value is True or value is False:
        return value
    if not isinstance(value, np.bool_):
        raise argument_error(name, "True or False", describe(value), type_error=True)
    return bool(value)


def check_choice(value, name: str, choices: Iterable):
    """Check that ``value`` is one of ``choices``."""
    if type(value) is str and type(choices) is tuple and value in choices:  # the usual case
        return value
    choices = tuple(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise argument_error(name, f"one of {listed}", describe(value))
    return value


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str):
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"Expected arguments `{name_a}` and `{name_b}` to have the same shape, "
            f"but got {a.shape} and {b.shape}."
        )


def check_ndim(array: np.ndarray, name: str, ndims: Sequence[int]):
    """Raise ``ValueError`` unless ``array.ndim`` is one of ``ndims``."""
    if array.ndim not in tuple(ndims):
        allowed = " or ".join(f"{d}-D" for d in ndims)
        raise argument_error(name, f"a {allowed} array", f"a {array.ndim}-D array of shape "
                             f"{array.shape}")


def check_mask(value, name: str, *, ndims: Sequence[int] | None = None) -> np.ndarray:
    """Return ``value`` as a boolean mask.

    Boolean arrays pass. Integer or float arrays holding only 0 and 1 are
    accepted as masks; any other value is an error (a label map is not a mask),
    whose message says how to convert: a 0/255 mask read from an image file
    with ``mask > 0``, probabilities (floats in [0, 1]) with ``probs > 0.5``.
    """
    array = to_numpy(value, name)
    if ndims is not None:
        check_ndim(array, name, ndims)
    if array.dtype == bool:
        return array
    if array.dtype.kind in "iuf":
        if array.size and not np.isin(array, (0, 1)).all():
            values = np.unique(array)
            raise argument_error(name, "a boolean mask (or an array of 0 and 1)",
                                 f"values {some_values(values)}{mask_hint(values, name)}")
        return array.astype(bool)
    raise argument_error(name, "a boolean mask", array, type_error=True)


def mask_hint(values: np.ndarray, name: str) -> str:
    """How to turn an array holding the sorted distinct ``values`` into a boolean mask.

    Floats in [0, 1] are probabilities: threshold them (``> 0.5``, as the
    pixel scores suggest). Two values 0 and ``v > 1`` (0/255 from an 8-bit
    image file) or one value ``v > 1`` are a mask stored as 0 and ``v``: ``> 0``.

    >>> mask_hint(np.array([0.0, 0.7]), "pred")
    ' (probabilities? threshold them, `pred > 0.5`)'
    >>> mask_hint(np.array([0, 255]), "pred")
    ' (for a mask stored as 0 and 255, pass `pred > 0`)'
    """
    if values.size == 0:
        return ""
    low, high = values[0].item(), values[-1].item()
    if values.dtype.kind == "f" and 0 <= low and high <= 1:  # NaN fails both tests
        return f" (probabilities? threshold them, `{name} > 0.5`)"
    if values.size <= 2 and low >= 0 and high > 1 and (values.size == 1 or low == 0):
        return f" (for a mask stored as 0 and {high:g}, pass `{name} > 0`)"
    return ""


def check_label_map(value, name: str, *, num_classes: int | None = None,
                    ignore_index: int | None = None) -> np.ndarray:
    """Return ``value`` as an integer label map with values ``0..num_classes-1``.

    Float arrays are accepted only when every value is an integer; negative
    values are allowed only when equal to ``ignore_index``; values
    ``>= num_classes`` (other than ``ignore_index``) are errors.
    """
    array = to_numpy(value, name)
    if array.dtype == bool:
        array = array.astype(np.int64)
    elif array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            hint = ""
            if array.size and np.all((array >= 0) & (array <= 1)):
                hint = (" in [0, 1] (probabilities? threshold them, `probs > 0.5`, or take "
                        "the most likely class, `probs.argmax(1)`)")
            raise argument_error(name, "an integer label map", "a float array with non-integer "
                                 f"values{hint}")
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        raise argument_error(name, "an integer label map", array, type_error=True)
    if array.size == 0:
        return array
    valid = array if ignore_index is None else array[array != ignore_index]
    if valid.size:
        low = valid.min()
        if low < 0:
            hint = "" if ignore_index is None else f" (ignore_index={ignore_index})"
            raise argument_error(name, f"a label map with values >= 0{hint}",
                                 f"a minimum of {int(low)}")
        if num_classes is not None:
            high = valid.max()
            if high >= num_classes:
                raise argument_error(name, f"a label map with values < num_classes={num_classes}",
                                     f"a maximum of {int(high)}")
    return array


def check_instance_map(value, name: str) -> np.ndarray:
    """Return ``value`` as an integer instance map (0 = background, ids >= 1)."""
    return check_label_map(value, name)


def check_panoptic_map(value, name: str) -> np.ndarray:
    """Return ``value`` as an integer panoptic map of shape ``(..., 2)``."""
    array = to_numpy(value, name)
    if array.ndim < 2 or array.shape[-1] != 2:
        raise argument_error(name, "a panoptic map of shape (..., 2)", array)
    return check_label_map(array, name)
