# Why this file is longer than 300 lines: check_function, check_value and the result type share
# the error-reporting machinery (IPython's traceback hook, the learner's frames kept, the rest hidden).
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
import os
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...config.validate import check_choice
from .compare import (
    _copy_inputs,
    _describe_call,
    _is_numeric,
    _qualified_name,
    _short,
    _validate_tolerances,
    compare_values,
    describe,
    fixed_normal,
    fixed_uniform,
    to_numpy,
)

__all__ = [
    "CheckFailure",
    "CheckResult",
    "check_function",
    "check_value",
    "check_choice_answer",
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
        try:  # the frames inside gancourse.classroom.checks are machinery: show the learner's cell and code only
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
        check_choice(self.status, "status", STATUSES)

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










# --------------------------------------------------------------------------- describing values


















# --------------------------------------------------------------------------- comparing














# --------------------------------------------------------------------------- checks




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


def check_choice_answer(name: str, got: Any, expected: str, feedback: Mapping[str, str], *,
                        hint: str = "") -> CheckResult:
    """Check a multiple-choice answer: one of the keys of ``feedback``, with a reason for each wrong one.

    ``feedback`` maps every option (e.g. ``"A"``, ``"B"``, ``"C"``) to what a
    learner who picks it should read when it is wrong: the misconception it
    reveals, not the right answer. ``expected`` must be one of the options.
    Answers are compared after ``str(...).strip().upper()``. ``None``,
    ``Ellipsis`` or a stub raising ``NotImplementedError`` (``got`` may be a
    zero-argument callable) count as not implemented, so a student notebook
    still runs. Returns / raises as :func:`check_function`.
    """
    if not isinstance(feedback, Mapping) or len(feedback) < 2:
        raise TypeError(f"feedback must be a mapping of at least two options to explanations, got {feedback!r}")
    options = {str(k).strip().upper(): str(v) for k, v in feedback.items()}
    expected = str(expected).strip().upper()
    if expected not in options:
        raise ValueError(f"expected must be one of the options {sorted(options)}, got {expected!r}")
    if callable(got):
        try:
            got = got()
        except NotImplementedError:
            return _not_implemented(name)
        except Exception as exc:
            raise _learner_error(name, exc, "()", hint) from exc
    if got is None or got is Ellipsis:
        return _not_implemented(name)
    answer = str(got).strip().upper()
    if answer not in options:
        message = "\n".join([f"✗ {name}: the answer must be one of {', '.join(sorted(options))}, "
                             f"got {_short(repr(got))}."] + _hint_lines(hint))
        raise CheckFailure(message, CheckResult(name, "failed", message))
    if answer != expected:
        message = "\n".join([f"✗ {name}: {answer} is not the right answer.", f"  {options[answer]}"]
                            + _hint_lines(hint))
        raise CheckFailure(message, CheckResult(name, "failed", message))
    message = f"✓ {name} passed ({answer})."
    print(message)
    return CheckResult(name, "passed", message)


_UNANSWERED = object()


def _learner_answer(name: str, answer, hint: str):
    """The learner's answer: ``answer()`` for a function, else ``answer``; :data:`_UNANSWERED` for a stub.

    A stub (``NotImplementedError``, ``...``) is "not implemented yet"; ``None``
    (a function without ``return``) is a failure that says so.
    """
    if callable(answer):
        try:
            answer = answer()
        except NotImplementedError:
            return _UNANSWERED
        except Exception as exc:
            raise _learner_error(name, exc, "()", hint) from exc
    if answer is Ellipsis:
        return _UNANSWERED
    if answer is None:
        message = "\n".join([f"✗ {name}: expected your answer, got None: does your function `return` it?",
                             f"Hint: {hint}"])
        raise CheckFailure(message, CheckResult(name, "failed", message))
    return answer


def _learner_choice(name: str, answer, expected: str, feedback: Mapping[str, str], hint: str) -> CheckResult:
    """:func:`check_choice_answer` on the learner's answer read by :func:`_learner_answer` (a stub is not implemented)."""
    got = _learner_answer(name, answer, hint)
    if got is _UNANSWERED:
        return _not_implemented(name)
    return check_choice_answer(name, got, expected, feedback, hint=hint)
