"""Private helpers shared by the metric modules (argument checks and safe arithmetic).

Every check builds its error with :mod:`segcourse._validation`, so messages
read the same everywhere: the argument, what it got, what it expected.
"""

from __future__ import annotations

import numbers

import numpy as np

from segcourse._validation import argument_error, check_number, describe, to_numpy

AVERAGES = ("binary", "micro", "macro", "weighted", "none")


def check_zero_division(value) -> float:
    """Return ``value`` as a float: ``np.nan``, ``0.0`` or ``1.0``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise argument_error("zero_division", "np.nan, 0.0 or 1.0", describe(value),
                             type_error=True)
    value = float(value)
    if np.isnan(value):
        return np.nan
    if value not in (0.0, 1.0):
        raise argument_error("zero_division", "np.nan, 0.0 or 1.0", describe(value))
    return value


def check_spacing(spacing, ndim: int) -> np.ndarray:
    """Return the pixel spacing as a float array of length ``ndim`` (all ones for None)."""
    if spacing is None:
        return np.ones(ndim)
    if isinstance(spacing, (numbers.Real, np.floating, np.integer)) and not isinstance(
            spacing, bool):
        value = check_number(spacing, "spacing", low=0, low_open=True)
        return np.full(ndim, value)
    if isinstance(spacing, (str, bytes, dict, set)):
        raise argument_error("spacing", f"a positive number or a sequence of {ndim} positive "
                             "numbers", describe(spacing), type_error=True)
    values = to_numpy(spacing, "spacing")
    if values.ndim != 1 or values.size != ndim:
        raise argument_error("spacing", f"a positive number or a sequence of {ndim} positive "
                             f"numbers (one per axis of the {ndim}-D masks)", describe(spacing))
    return np.array([check_number(v.item(), f"spacing[{i}]", low=0, low_open=True)
                     for i, v in enumerate(values)])


def divide(numerator, denominator, zero_division: float) -> np.ndarray:
    """``numerator / denominator`` elementwise, with ``zero_division`` where the denominator is 0.

    Denominators are counts (never negative), so 0/0 is the only undefined case.
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    shape = np.broadcast_shapes(numerator.shape, denominator.shape)
    out = np.full(shape, zero_division, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def nanmean(values, axis=-1) -> np.ndarray:
    """Mean over ``axis`` leaving NaN out; NaN (and no warning) where every value is NaN."""
    values = np.asarray(values, dtype=np.float64)
    finite = ~np.isnan(values)
    count = finite.sum(axis=axis)
    total = np.where(finite, values, 0.0).sum(axis=axis)
    return divide(total, count, np.nan)


def as_result(value):
    """A 0-d result as a Python float, anything else as a float64 array."""
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value
