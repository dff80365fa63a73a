# Why this file is longer than 300 lines: one comparison, recursive over containers, with the
# helpers that word its message (the first differing element, a constant ratio, a shape or dtype slip).
"""Comparing a learner's result with the reference: values, shapes, dtypes, and the message that explains a difference.

Also the fixed inputs every check feeds (:func:`fixed_normal`, :func:`fixed_uniform`)
and :func:`to_numpy`, which turns tensors and nested containers into NumPy.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...config.validate import check_number, check_seed

_MAX_REPR = 80


def to_numpy(value: Any) -> Any:
    """``value`` with every tensor/variable turned into a NumPy array, containers kept.

    Python scalars, strings, ``None`` and NumPy values are returned as they
    are; tuples, lists and dicts are rebuilt with converted items; TensorFlow
    and Keras tensors or variables become ``np.ndarray`` (0-d for scalars).
    Objects that are none of these are returned unchanged.
    """
    if value is None or isinstance(value, (bool, numbers.Number, str, bytes, np.ndarray, np.generic)):
        return value
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # namedtuple: keep as a plain tuple
        return tuple(to_numpy(v) for v in value)
    if isinstance(value, (tuple, list)):
        return type(value)(to_numpy(v) for v in value)
    if isinstance(value, Mapping):
        return {k: to_numpy(v) for k, v in value.items()}
    numpy_method = getattr(value, "numpy", None)  # eager tensors, tf.Variable, keras.Variable
    if callable(numpy_method):
        try:
            return np.asarray(numpy_method())
        except Exception:  # noqa: BLE001 - fall through to the other conversions
            pass
    if "keras" in sys.modules:
        keras = sys.modules["keras"]
        try:
            if keras.ops.is_tensor(value):
                return np.asarray(keras.ops.convert_to_numpy(value))
        except Exception:  # noqa: BLE001
            pass
    if hasattr(value, "__array__"):
        return np.asarray(value)
    return value


def _copy_inputs(value: Any) -> Any:
    """Copy NumPy arrays (so a function that writes into its input can't spoil the next call); keep the rest."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_copy_inputs(v) for v in value)
    if isinstance(value, list):
        return [_copy_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_inputs(v) for k, v in value.items()}
    return value


def fixed_normal(shape: int | Sequence[int], seed: int = 0, *, scale: float = 1.0,
                 dtype: str = "float32") -> np.ndarray:
    """Standard-normal samples (times ``scale``) from NumPy's PCG64 with ``seed``: fixed check inputs."""
    scale = check_number(scale, "scale")
    return (np.random.default_rng(check_seed(seed)).standard_normal(shape) * scale).astype(dtype)


def fixed_uniform(shape: int | Sequence[int], seed: int = 0, *, low: float = 0.0, high: float = 1.0,
                  dtype: str = "float32") -> np.ndarray:
    """Uniform samples in ``[low, high)`` from NumPy's PCG64 with ``seed``: fixed check inputs."""
    low, high = check_number(low, "low"), check_number(high, "high")
    return np.random.default_rng(check_seed(seed)).uniform(low, high, shape).astype(dtype)


def _qualified_name(fn: Any) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return f"{module}.{name}" if module and module != "__main__" else name


def _short(text: str, limit: int = _MAX_REPR) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind_name(kind: str) -> str:
    return {"b": "bool", "i": "integer", "u": "integer", "f": "float", "c": "complex",
            "U": "string", "S": "bytes", "O": "object"}.get(kind, kind)


def _is_numeric(value: Any) -> bool:
    if isinstance(value, (bool, numbers.Number, np.generic)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "biufc"


def describe(value: Any) -> str:
    """A short description: ``array of shape (8, 1), float32`` / ``float 0.5`` / ``tuple of 2 values``."""
    value = to_numpy(value)
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"0-d array, {value.dtype}: {_format_number(value.item())}"
        return f"array of shape {value.shape}, {value.dtype}"
    if isinstance(value, np.generic):
        return f"NumPy {value.dtype} scalar {_format_number(value.item())}"
    if isinstance(value, bool):
        return f"bool {value}"
    if isinstance(value, numbers.Number):
        return f"{type(value).__name__} {_format_number(value)}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of {len(value)} value{'s' * (len(value) != 1)}"
    if isinstance(value, Mapping):
        return f"dict with keys {sorted(map(str, value))}"
    return f"{type(value).__name__} {_short(repr(value), 50)}"


def _format_number(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.8g}"
    if isinstance(x, complex):
        return f"{x:.8g}"
    return str(x)


def _describe_call(args: tuple, kwargs: dict) -> str:
    parts = [_describe_argument(a) for a in args]
    parts += [f"{k}={_describe_argument(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _describe_argument(value: Any) -> str:
    if isinstance(value, (bool, numbers.Number, str)) or value is None:
        return _short(repr(value), 40)
    converted = to_numpy(value) if not callable(value) else value
    if isinstance(converted, np.ndarray):
        return f"<{'tensor' if converted is not value else 'array'} {converted.shape} {converted.dtype}>"
    if isinstance(converted, (tuple, list)):
        return f"<{type(converted).__name__} of {len(converted)}>"
    return f"<{type(value).__name__}>"


def compare_values(got: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-5,
                   where: str = "output") -> str | None:
    """Compare a learner's value with the expected one; ``None`` if they agree, else the explanation.

    Walks tuples/lists/dicts, then checks for each leaf: numeric or not, shape,
    dtype kind (bool / integer / float / complex; float32 vs float64 is
    accepted), NaN/inf placement, and values with
    ``|got - expected| <= atol + rtol * |expected|`` (``numpy.isclose``).
    """
    got, expected = to_numpy(got), to_numpy(expected)

    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return _mismatch(where, f"a dict with keys {sorted(map(str, expected))}", describe(got))
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing or extra:
            return _mismatch(where, f"a dict with keys {sorted(map(str, expected))}",
                             f"a dict with keys {sorted(map(str, got))}"
                             + (f" (missing: {missing})" if missing else "")
                             + (f" (unexpected: {extra})" if extra else ""))
        for key in expected:
            message = compare_values(got[key], expected[key], atol=atol, rtol=rtol, where=f"{where}[{key!r}]")
            if message:
                return message
        return None

    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            extra = ""
            if isinstance(got, np.ndarray) and got.ndim >= 1 and got.shape[0] == len(expected):
                extra = (f" (return the {len(expected)} values separately, "
                         f"e.g. `return a, b`, not stacked in one array)")
            return _mismatch(where, f"a {type(expected).__name__} of {len(expected)} values",
                             describe(got) + extra)
        if len(got) != len(expected):
            return _mismatch(where, f"a {type(expected).__name__} of {len(expected)} values",
                             f"a {type(got).__name__} of {len(got)} values")
        for i, (g, e) in enumerate(zip(got, expected)):
            message = compare_values(g, e, atol=atol, rtol=rtol, where=f"{where}[{i}]")
            if message:
                return message
        return None

    if _is_numeric(expected):
        return _compare_numeric(got, expected, atol=atol, rtol=rtol, where=where)

    # Anything else (strings, shapes given as tuples were handled above, objects): plain equality.
    try:
        equal = bool(got == expected)
    except Exception:  # noqa: BLE001 - e.g. an array compared with a string
        equal = False
    if not equal:
        return _mismatch(where, f"{type(expected).__name__} {_short(repr(expected))}", describe(got))
    return None


def _mismatch(where: str, expected: str, got: str, *extra: str) -> str:
    lines = [f"  in:       {where}", f"  expected: {expected}", f"  got:      {got}"]
    return "\n".join(lines + [f"  {line}" for line in extra if line])


def _compare_numeric(got: Any, expected: Any, *, atol: float, rtol: float, where: str) -> str | None:
    if got is None:
        return _mismatch(where, describe(expected), "None",
                         "Your function returned None: is a `return` statement missing?")
    if isinstance(got, (tuple, list)):
        hint = ""
        try:
            if np.shape(got) == np.shape(expected):
                hint = "Return an array or tensor, not a Python list."
        except Exception:  # noqa: BLE001 - ragged
            pass
        return _mismatch(where, describe(expected), describe(got), *([hint] if hint else []))
    if not _is_numeric(got):
        return _mismatch(where, describe(expected), describe(got))

    g, e = np.asarray(got), np.asarray(expected)
    if g.shape != e.shape:
        extra = []
        if g.size == e.size:
            extra.append("Same number of elements, different shape: check a reshape, squeeze or keepdims.")
        elif g.ndim == e.ndim + 1 or g.ndim + 1 == e.ndim:
            extra.append("One dimension too many or too few: check which axis is reduced (mean/sum over axis=...).")
        elif e.ndim == 0:
            extra.append("A single number was expected: reduce (mean or sum) over the batch as the equation says.")
        return _mismatch(where, f"shape {e.shape} ({describe(expected)})", f"shape {g.shape} ({describe(got)})", *extra)

    gk, ek = g.dtype.kind, e.dtype.kind
    groups = {"b": "b", "i": "i", "u": "i", "f": "f", "c": "c"}
    if groups[gk] != groups[ek]:
        return _mismatch(where, f"dtype kind {_kind_name(ek)} ({describe(expected)})",
                         f"dtype kind {_kind_name(gk)} ({describe(got)})",
                         "Cast with keras.ops.cast(x, 'float32') / np.asarray(x, dtype=...) "
                         "or check for integer division." if ek == "f" else "")

    if ek == "b":
        differs = g != e
        if differs.any():
            return _first_difference(where, g, e, differs, tolerance_text="(exact comparison)",
                                     got_text=describe(got), expected_text=describe(expected))
        return None

    g_nan, e_nan = np.isnan(g), np.isnan(e)
    bad_nan = g_nan & ~e_nan
    if bad_nan.any():
        index = _index_of(np.argwhere(bad_nan)[0], g.ndim)
        return _mismatch(
            where, describe(expected), describe(got),
            f"NaN in your output: {int(bad_nan.sum())} of {g.size} element{'s' * (g.size != 1)} "
            f"{'are' if bad_nan.sum() != 1 else 'is'} NaN, first at {index} (expected "
            f"{_format_number(e[tuple(np.argwhere(bad_nan)[0])] if e.ndim else e.item())}).",
            "NaN usually comes from log(0), 0/0 or sqrt of a negative number: "
            "work on logits, add a small epsilon, or clip.")
    close = np.isclose(g, e, atol=atol, rtol=rtol, equal_nan=True)
    if not close.all():
        return _first_difference(where, g, e, ~close, tolerance_text=f"(tolerance: atol={atol:g}, rtol={rtol:g})",
                                 got_text=describe(got), expected_text=describe(expected))
    return None


def _index_of(index: Any, ndim: int) -> str:
    return "index " + str(tuple(int(i) for i in index)) if ndim else "the value"


def _first_difference(where: str, g: np.ndarray, e: np.ndarray, differs: np.ndarray, *, tolerance_text: str,
                      got_text: str, expected_text: str) -> str:
    first = tuple(np.argwhere(differs)[0]) if g.ndim else ()
    gv, ev = g[first], e[first]
    n_bad = int(differs.sum())
    lines = [f"  in:       {where}", f"  expected: {expected_text}", f"  got:      {got_text}"]
    if g.ndim:
        lines.append(f"  first difference at {_index_of(first, g.ndim)}: expected {_format_number(ev.item())}, "
                     f"got {_format_number(gv.item())}")
        lines.append(f"  {n_bad} of {g.size} elements differ")
    else:
        lines.append(f"  expected {_format_number(ev.item())}, got {_format_number(gv.item())}")
    if e.dtype.kind != "b":
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(g.astype(np.complex128 if "c" in (g.dtype.kind, e.dtype.kind) else np.float64)
                          - e.astype(np.complex128 if "c" in (g.dtype.kind, e.dtype.kind) else np.float64))
        finite = diff[np.isfinite(diff)]
        if finite.size:
            lines.append(f"  max |difference| = {_format_number(float(finite.max()))} {tolerance_text}")
        else:
            lines.append(f"  {tolerance_text}")
        ratio = _constant_ratio(g, e)
        if ratio is not None:
            lines.append(f"  Your output is {_format_number(ratio)} × the expected one"
                         f"{' in every element' if g.ndim else ''}: check a sign, a factor or a mean-vs-sum.")
    else:
        lines.append(f"  {tolerance_text}")
    return "\n".join(lines)


def _constant_ratio(g: np.ndarray, e: np.ndarray) -> float | None:
    """The ratio ``g / e`` when it is the same for every element (a sign or factor slip), else None."""
    if g.dtype.kind not in "if" or e.dtype.kind not in "if":
        return None
    mask = np.abs(e) > 1e-12
    if not mask.any() or np.any(np.abs(g[~mask]) > 1e-9):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = g[mask].astype(np.float64) / e[mask].astype(np.float64)
    if not np.all(np.isfinite(ratios)):
        return None
    r = float(ratios.flat[0])
    if abs(r - 1.0) < 1e-6 or r == 0.0 or not np.allclose(ratios, r, rtol=1e-4, atol=0.0):
        return None
    return r


def _validate_tolerances(atol: Any, rtol: Any) -> None:
    check_number(atol, "atol", minimum=0)
    check_number(rtol, "rtol", minimum=0)
