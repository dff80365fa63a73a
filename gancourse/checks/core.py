"""Machinery of the exercise checks: run a learner's function next to the reference, explain any difference.

A chapter check is a short function built on :func:`check_function`::

    def check_js_divergence(fn):
        p, q = fixed_probabilities(...)
        return check_function("check_js_divergence", fn, divergences.js_divergence,
                              cases=[((p, q), {})], atol=1e-6, rtol=1e-5,
                              hint="Chapter 1, equation (1.4): JS = ½KL(p‖m) + ½KL(q‖m).")

What a check does with the learner's function:

* passes on every case -> prints one line (``✓ check_js_divergence passed ...``) and
  returns a ``passed`` :class:`CheckResult`;
* raises ``NotImplementedError`` (the stub of the student version) -> prints
  ``... not implemented yet`` and returns a ``not_implemented`` result without
  raising, so a student notebook still runs end to end;
* returns something different, or raises any other exception -> raises
  :class:`CheckFailure` (an ``AssertionError``) whose message says what was
  expected and what came: the structure, shape, dtype kind, the first differing
  element with its index, the largest difference, the tolerance, and the hint
  pointing at the chapter's equation.

Outputs may be Python scalars, NumPy arrays, TensorFlow/Keras tensors or
variables, and tuples/lists/dicts of these; tensors are converted to NumPy
before comparing. This module imports neither TensorFlow nor Keras: a tensor's
library is already imported when one is handed to a check.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "CheckFailure",
    "CheckResult",
    "check_function",
    "check_value",
    "compare_values",
    "fixed_normal",
    "fixed_uniform",
    "to_numpy",
]

STATUSES = ("passed", "failed", "not_implemented", "error")
"""The values :attr:`CheckResult.status` can take."""

NOT_IMPLEMENTED_TEXT = "not implemented yet"
"""Printed by a check whose learner function still raises ``NotImplementedError``
(the grader and the tests look for this text)."""

_MAX_REPR = 80


class CheckFailure(AssertionError):
    """A learner's answer differs from the reference, or the learner's code raised.

    The message is the full explanation; :attr:`result` is the matching
    :class:`CheckResult` (status ``failed`` or ``error``).
    """

    def __init__(self, message: str, result: "CheckResult | None" = None):
        super().__init__(message)
        self.result = result

    def _render_traceback_(self) -> list[str]:
        """IPython's hook for showing this error: the usual traceback, and the result variable set.

        In a notebook, a failing ``result_x = checks.check_x(fn)`` raises before
        ``result_x`` is assigned, so a later ``result_x.pick(fn, reference)``
        would stop with a ``NameError`` (and, under the grader, cost the
        learner the exercises after it). When IPython shows this error, the
        variable the cell assigns the check's result to is set to the failed
        :class:`CheckResult`, so ``pick`` falls back to the reference.
        """
        shell = _ipython_shell()
        if shell is None:  # not called from IPython: let it fall back to its default
            raise RuntimeError("no IPython shell")
        try:
            _bind_failed_result(shell, self.result)
        except Exception:  # noqa: BLE001 - showing the error matters more than the convenience
            pass
        tb = self.__traceback__
        try:  # the frames inside gancourse.checks are machinery: show the learner's cell and code only
            tb = _without_check_frames(tb) or tb
            cause = self.__cause__
            if cause is not None and cause.__traceback__ is not None:
                cause.__traceback__ = _without_check_frames(cause.__traceback__) or cause.__traceback__
        except Exception:  # noqa: BLE001
            pass
        return shell.InteractiveTB.structured_traceback(type(self), self, tb)


@dataclasses.dataclass
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: the check's name, e.g. ``"check_discriminator_loss"``.
        status: one of ``"passed"``, ``"failed"``, ``"not_implemented"``, ``"error"``.
        message: the line printed (passed, not implemented) or the full failure explanation.
    """

    name: str
    status: str
    message: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        """True when the learner's function matched the reference on every case."""
        return self.status == "passed"

    def pick(self, learner_fn: Callable, reference_fn: Callable) -> Callable:
        """The learner's function if the check passed, else the reference (with a visible note).

        Cells after an exercise call this so the rest of the chapter runs even
        before the exercise is solved.
        """
        if self.passed:
            return learner_fn
        print(f"Note: using the reference implementation {_qualified_name(reference_fn)} "
              f"until your exercise ({self.name}) passes.")
        return reference_fn


def _ipython_shell():
    ipython = sys.modules.get("IPython")  # never imported here: only present inside IPython/Jupyter
    return ipython.get_ipython() if ipython is not None else None


_CHECKS_DIR = os.path.dirname(os.path.abspath(__file__))


def _without_check_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without the frames of files in ``gancourse/checks/`` (None if nothing else is left)."""
    kept = []
    while tb is not None:
        if os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) != _CHECKS_DIR:
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for frame_tb in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, frame_tb.tb_frame, frame_tb.tb_lasti, frame_tb.tb_lineno)
    return rebuilt


def _bind_failed_result(shell, result: "CheckResult | None") -> str | None:
    """Set ``result_x`` in the notebook when the running cell reads ``result_x = <check call named result.name>``.

    The running cell is the last entry of IPython's input history. Returns the
    variable name set, or None when the cell has no unambiguous assignment.
    """
    import ast

    if result is None:
        return None
    history = shell.user_ns.get("_ih") or [""]
    tree = ast.parse(history[-1])
    targets = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.value.args[0] if node.value.args else None
        named = isinstance(first, ast.Constant) and first.value == result.name
        if called == result.name or (called in ("check_function", "check_value") and named):
            targets.append(node.targets[0].id)
    if len(set(targets)) != 1:
        return None
    shell.user_ns[targets[0]] = result
    return targets[0]


# --------------------------------------------------------------------------- conversion


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
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def fixed_uniform(shape: int | Sequence[int], seed: int = 0, *, low: float = 0.0, high: float = 1.0,
                  dtype: str = "float32") -> np.ndarray:
    """Uniform samples in ``[low, high)`` from NumPy's PCG64 with ``seed``: fixed check inputs."""
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


# --------------------------------------------------------------------------- describing values


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


# --------------------------------------------------------------------------- comparing


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


# --------------------------------------------------------------------------- checks


def _validate_tolerances(atol: Any, rtol: Any) -> None:
    for label, value in (("atol", atol), ("rtol", rtol)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0 or math.isinf(value):
            raise ValueError(f"{label} must be a finite number >= 0, got {value!r}")


def _normalise_cases(cases: Any) -> list[tuple[tuple, dict]]:
    if not isinstance(cases, (list, tuple)) or not cases:
        raise ValueError(f"cases must be a non-empty list of (args_tuple, kwargs_dict) pairs, got {cases!r:.80}")
    out = []
    for i, case in enumerate(cases):
        if (not isinstance(case, (tuple, list)) or len(case) != 2 or not isinstance(case[0], (tuple, list))
                or not isinstance(case[1], Mapping)):
            raise ValueError(f"cases[{i}] must be a pair (args_tuple, kwargs_dict), got {case!r:.80}")
        out.append((tuple(case[0]), dict(case[1])))
    return out


def _reseed(seed: int | None) -> None:
    if seed is None:
        return
    import random

    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


def _hint_lines(hint: str) -> list[str]:
    return [f"Hint: {hint}"] if hint else []


def _not_implemented(name: str) -> CheckResult:
    message = f"… {name}: {NOT_IMPLEMENTED_TEXT}: replace the `raise NotImplementedError()` with your code."
    print(message)
    return CheckResult(name, "not_implemented", message)


def _learner_error(name: str, exc: BaseException, case_text: str, hint: str) -> CheckFailure:
    lines = [f"✗ {name}: your function raised an error.",
             f"  {type(exc).__name__}: {_short(str(exc), 400) or '(no message)'}",
             f"  The error came from your code, called as fn{case_text}.",
             "  The traceback above points at the line in your function."]
    message = "\n".join(lines + _hint_lines(hint))
    return CheckFailure(message, CheckResult(name, "error", message))


def check_function(name: str, learner_fn: Callable, reference_fn: Callable,
                   cases: Sequence[tuple[tuple, dict]], *, atol: float = 1e-6, rtol: float = 1e-5,
                   hint: str = "", compare: Callable[[Any, Any], str | None] | None = None,
                   seed: int | None = None) -> CheckResult:
    """Run ``learner_fn`` and ``reference_fn`` on each case and compare their outputs.

    Args:
        name: the check's name as the learner sees it (``"check_discriminator_loss"``).
        learner_fn: the learner's function (its student stub raises ``NotImplementedError``).
        reference_fn: the package's implementation.
        cases: fixed, seeded inputs: a list of ``(args_tuple, kwargs_dict)``.
        atol, rtol: tolerance of ``numpy.isclose``: ``|got - expected| <= atol + rtol·|expected|``.
        hint: where to look in the chapter (equation, section), shown on failure.
        compare: optional ``compare(got, expected) -> None | str`` replacing the
            element-wise comparison (both already converted to NumPy); return an
            explanation string when they differ (or raise ``AssertionError``).
        seed: when given, every call of either function is preceded by seeding
            Python, NumPy and Keras with it (for functions that draw random numbers).

    Returns:
        a :class:`CheckResult` with status ``passed`` (a confirmation is printed)
        or ``not_implemented`` (``... not implemented yet`` is printed).

    Raises:
        CheckFailure: the outputs differ on some case, or the learner's function
            raised something other than ``NotImplementedError``.
        ValueError: malformed ``cases`` or tolerances (a bug in the check, not the learner's).
    """
    _validate_tolerances(atol, rtol)
    case_list = _normalise_cases(cases)
    if not callable(reference_fn):
        raise TypeError(f"reference_fn must be callable, got {type(reference_fn).__name__}")
    if not callable(learner_fn):
        message = "\n".join([
            f"✗ {name}: expected your function, got {describe(learner_fn)}.",
            "  Pass the function itself (its name without parentheses), e.g. check(my_fn), not check(my_fn(...)).",
        ] + _hint_lines(hint))
        raise CheckFailure(message, CheckResult(name, "error", message))

    for i, (args, kwargs) in enumerate(case_list, start=1):
        case_text = _describe_call(args, kwargs)
        _reseed(seed)
        try:
            expected = to_numpy(reference_fn(*_copy_inputs(args), **_copy_inputs(kwargs)))
        except Exception as exc:
            raise RuntimeError(f"{name}: the reference implementation {_qualified_name(reference_fn)} "
                               f"failed on case {i}{case_text}: a bug in the course, please report it") from exc
        _reseed(seed)
        try:
            got = to_numpy(learner_fn(*_copy_inputs(args), **_copy_inputs(kwargs)))
        except NotImplementedError:
            return _not_implemented(name)
        except Exception as exc:
            raise _learner_error(name, exc, case_text, hint) from exc

        if compare is not None:
            try:
                difference = compare(got, expected)
            except AssertionError as exc:
                difference = str(exc) or "the custom comparison failed"
            if difference:
                difference = "\n".join("  " + line.strip() if not line.startswith("  ") else line
                                       for line in str(difference).splitlines())
        else:
            difference = compare_values(got, expected, atol=atol, rtol=rtol)
        if difference:
            message = "\n".join(
                [f"✗ {name}: your function's output differs from the reference "
                 f"{_qualified_name(reference_fn)}.",
                 f"  case {i} of {len(case_list)}: fn{case_text}",
                 difference] + _hint_lines(hint))
            raise CheckFailure(message, CheckResult(name, "failed", message))

    n = len(case_list)
    message = f"✓ {name} passed ({n} case{'s' * (n != 1)}, atol={atol:g}, rtol={rtol:g})."
    print(message)
    return CheckResult(name, "passed", message)


def check_value(name: str, got: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-5,
                hint: str = "") -> CheckResult:
    """Check a value the learner computed (not a function) against the expected one.

    ``got`` may also be a zero-argument callable returning the value: a student
    stub inside it raises ``NotImplementedError``, which gives a
    ``not_implemented`` result instead of stopping the notebook. ``Ellipsis``
    (``...``), the usual placeholder, also counts as not implemented.

    Returns / raises as :func:`check_function`.
    """
    _validate_tolerances(atol, rtol)
    if got is Ellipsis:
        return _not_implemented(name)
    if callable(got) and not _is_numeric(got):
        try:
            got = got()
        except NotImplementedError:
            return _not_implemented(name)
        except Exception as exc:
            raise _learner_error(name, exc, "()", hint) from exc
        if got is Ellipsis:
            return _not_implemented(name)
    difference = compare_values(got, expected, atol=atol, rtol=rtol, where="value")
    if difference:
        message = "\n".join([f"✗ {name}: your value differs from the expected one.", difference]
                            + _hint_lines(hint))
        raise CheckFailure(message, CheckResult(name, "failed", message))
    message = f"✓ {name} passed (atol={atol:g}, rtol={rtol:g})."
    print(message)
    return CheckResult(name, "passed", message)
