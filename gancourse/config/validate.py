"""Argument checks shared by every module: one validator per kind of argument.

Each function takes the value and the argument's name, returns the value in
its normal form, and otherwise raises a ``TypeError`` (wrong kind) or a
``ValueError`` (right kind, bad value) whose message names the argument, says
what was expected and shows what came. NaN and infinities are refused, never
passed on. Used where input enters the package, so a mistake surfaces at the
call that made it, not as a NaN loss or a shape error deep inside TensorFlow.

Importable without TensorFlow (only NumPy).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = ["check_int", "check_seed", "check_number", "check_choice", "check_bool", "as_finite_array",
           "describe_value"]

SEED_LIMIT = 2**32
"""Seeds are in [0, 2**32): what NumPy and ``keras.utils.set_random_seed`` accept."""


def describe_value(value) -> str:
    """A short ``type: repr`` of ``value`` for error messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__}: {text}"


def _bounds_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"in [{minimum}, {maximum}]"
    if minimum is not None:
        return f">= {minimum}"
    return f"<= {maximum}"


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python ``int``, checked to lie in ``[minimum, maximum]``.

    Accepts Python and NumPy integers, not ``bool`` (``True`` is an int in
    Python, but never a meant count) and not floats, even whole ones.

    Raises:
        TypeError: ``value`` is not an integer.
        ValueError: ``value`` is outside the bounds.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int, got {describe_value(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {_bounds_text(minimum, maximum)}, got {value}")
    return value


def check_seed(value, name: str = "seed") -> int:
    """A random seed: an int in [0, 2**32)."""
    return check_int(value, name, minimum=0, maximum=SEED_LIMIT - 1)


def check_number(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
                 exclusive_minimum: bool = False, exclusive_maximum: bool = False) -> float:
    """``value`` as a finite Python ``float`` within the bounds.

    ``exclusive_minimum=True`` makes the lower bound strict (``> minimum``), as
    for a learning rate or a standard deviation; likewise ``exclusive_maximum``.

    Raises:
        TypeError: ``value`` is not a real number (``bool`` and strings included).
        ValueError: ``value`` is NaN, infinite or outside the bounds.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number, got {describe_value(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    low_bad = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
    high_bad = maximum is not None and (value >= maximum if exclusive_maximum else value > maximum)
    if low_bad or high_bad:
        parts = []
        if minimum is not None:
            parts.append(f"{'>' if exclusive_minimum else '>='} {minimum}")
        if maximum is not None:
            parts.append(f"{'<' if exclusive_maximum else '<='} {maximum}")
        raise ValueError(f"{name} must be a number {' and '.join(parts)}, got {value}")
    return value


def check_choice(value, name: str, choices: Iterable):
    """``value`` if it is one of ``choices``; else a ``ValueError`` listing them."""
    options = tuple(choices)
    try:
        ok = value in options
    except TypeError:  # an unhashable or oddly comparing value
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in options)}; got {value!r}")
    return value


def check_bool(value, name: str) -> bool:
    """``value`` if it is a ``bool`` (or NumPy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe_value(value)}")
    return bool(value)


def as_finite_array(value, name: str, *, ndim: int | tuple[int, ...] | None = None, min_rows: int = 0,
                    dtype=np.float64) -> np.ndarray:
    """``value`` as a NumPy array of real numbers with no NaN or infinity.

    Args:
        ndim: the number of dimensions expected (or a tuple of allowed ones).
        min_rows: the least length of axis 0.
        dtype: the floating type of the result.

    Raises:
        TypeError: ``value`` does not convert to an array of real numbers
            (strings, objects, complex numbers).
        ValueError: wrong number of dimensions, too few rows, or a NaN/inf
            (the message gives how many and where the first one is).
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {describe_value(value)}")
    try:
        raw = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers, got {describe_value(value)} ({exc})") from None
    if raw.dtype == bool or not (np.issubdtype(raw.dtype, np.number) and not np.issubdtype(raw.dtype,
                                                                                       np.complexfloating)):
        raise TypeError(f"{name} must be an array of real numbers, got an array of dtype {raw.dtype}")
    arr = raw.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    if min_rows and (arr.ndim == 0 or len(arr) < min_rows):
        raise ValueError(f"{name} needs at least {min_rows} rows, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must be finite, but {int(bad.sum())} of its {arr.size} values are NaN or "
                         f"infinite (the first at index {first})")
    return arr
