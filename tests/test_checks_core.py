"""gancourse.classroom.checks.core: what a check prints, returns and raises for right, missing and wrong answers."""

import numpy as np
import pytest

from gancourse.classroom import checks
from gancourse.classroom.checks import core
from gancourse.classroom.checks.core import CheckFailure, CheckResult, check_function, check_value


def double(x):
    return 2.0 * np.asarray(x)


X = np.arange(6, dtype="float32").reshape(2, 3)  # [[0 1 2] [3 4 5]]
CASES = [((X,), {})]


def failure_message(learner, reference=double, cases=CASES, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        check_function("check_double", learner, reference, cases, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------- passing and stubs


def test_passing_check_prints_a_confirmation_and_returns_passed(capsys):
    result = check_function("check_double", lambda x: x + x, double, CASES)
    assert result == CheckResult("check_double", "passed", result.message)
    assert result.passed
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "check_double passed" in out and "1 case" in out


def test_stub_reports_not_implemented_without_raising(capsys):
    def stub(x):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check_function("check_double", stub, double, CASES)
    assert result.status == "not_implemented" and not result.passed
    assert core.NOT_IMPLEMENTED_TEXT in capsys.readouterr().out


def test_pick_uses_the_learner_function_only_after_it_passed(capsys):
    def mine(x):
        return x * 2

    assert CheckResult("c", "passed").pick(mine, double) is mine
    assert capsys.readouterr().out == ""
    assert CheckResult("c", "not_implemented").pick(mine, double) is double
    note = capsys.readouterr().out
    assert "using the reference implementation" in note and "double" in note and "(c)" in note


def test_check_result_rejects_unknown_status():
    with pytest.raises(ValueError, match="status must be one of"):
        CheckResult("c", "ok")


# --------------------------------------------------------------------------- informative failures


def test_wrong_value_names_the_first_differing_element_and_the_tolerance():
    def off_by_one_at_4(x):
        y = 2.0 * np.asarray(x)
        y[1, 1] += 1.0  # expected 8, gives 9
        return y

    message = failure_message(off_by_one_at_4, hint="equation (1.2)")
    assert "check_double" in message and "case 1 of 1" in message
    assert "first difference at index (1, 1): expected 8, got 9" in message
    assert "1 of 6 elements differ" in message
    assert "max |difference| = 1" in message and "atol=1e-06, rtol=1e-05" in message
    assert message.rstrip().endswith("Hint: equation (1.2)")


def test_sign_slip_is_named_as_a_constant_factor():
    message = failure_message(lambda x: -2.0 * x)
    assert "-1 × the expected one in every element" in message
    assert "first difference at index (0, 1): expected 2, got -2" in message  # element 0 is 0 = -0


def test_wrong_shape_is_reported_with_both_shapes_and_the_reduction_hint():
    message = failure_message(lambda x: np.sum(2.0 * x, axis=0))
    assert "expected: shape (2, 3)" in message and "got:      shape (3,)" in message
    assert "which axis is reduced" in message


def test_same_size_different_shape_points_at_reshape():
    message = failure_message(lambda x: (2.0 * x).reshape(3, 2))
    assert "shape (3, 2)" in message and "reshape" in message


def test_integer_output_where_floats_are_expected():
    message = failure_message(lambda x: (2 * x).astype("int64"))
    assert "dtype kind float" in message and "dtype kind integer" in message


def test_float32_against_float64_is_accepted(capsys):
    assert check_function("c", lambda x: (2.0 * x).astype("float64"), double, CASES).passed


def test_nan_in_the_learner_output_is_a_failure_with_its_index():
    def with_nan(x):
        y = 2.0 * np.asarray(x)
        y[0, 2] = np.nan
        return y

    message = failure_message(with_nan)
    assert "NaN in your output: 1 of 6 element" in message and "index (0, 2)" in message
    assert "expected 4" in message


def test_nan_where_the_reference_has_nan_too_passes(capsys):
    ref = lambda x: np.log(x - 1.0)  # noqa: E731 - log(-1) = nan, log(0) = -inf
    with np.errstate(all="ignore"):
        assert check_function("c", lambda x: np.log(x - 1.0), ref, CASES).passed


def test_missing_return_is_named():
    message = failure_message(lambda x: None)
    assert "got:      None" in message and "`return`" in message


def test_exception_in_the_learner_code_is_reported_plainly_and_chained():
    def broken(x):
        return x / undefined_name  # noqa: F821

    with pytest.raises(CheckFailure) as info:
        check_function("check_double", broken, double, CASES, hint="see 1.2")
    message = str(info.value)
    assert "your function raised an error" in message
    assert "NameError: name 'undefined_name' is not defined" in message
    assert "came from your code" in message and "Hint: see 1.2" in message
    assert isinstance(info.value.__cause__, NameError)
    assert info.value.result.status == "error"


def test_failure_carries_a_failed_result():
    with pytest.raises(CheckFailure) as info:
        check_function("check_double", lambda x: 3.0 * x, double, CASES)
    assert info.value.result.status == "failed" and not info.value.result.passed
    assert isinstance(info.value, AssertionError)  # a failing check fails nbval and the grader's cell


def test_tolerance_is_the_one_stated():
    ref = lambda: np.array([1.0])  # noqa: E731
    cases = [((), {})]
    assert check_function("c", lambda: np.array([1.0 + 5e-7]), ref, cases, atol=1e-6, rtol=0.0).passed
    message = failure_message(lambda: np.array([1.0 + 2e-6]), ref, cases, atol=1e-6, rtol=0.0)
    assert "atol=1e-06, rtol=0" in message


def test_second_case_is_named_when_only_it_fails():
    cases = [((np.zeros(3),), {}), ((np.ones(3),), {})]
    message = failure_message(lambda x: np.zeros(3), double, cases)  # right for zeros only
    assert "case 2 of 2" in message and "<array (3,) float64>" in message


def test_structure_tuple_and_dict_mismatches():
    pair = lambda x: (x, 2 * x)  # noqa: E731
    message = failure_message(lambda x: np.stack([x, 2 * x]), pair)
    assert "a tuple of 2 values" in message and "not stacked in one array" in message
    message = failure_message(lambda x: (x, 2 * x, x), pair)
    assert "a tuple of 3 values" in message
    message = failure_message(lambda x: (x, 3 * x), pair)
    assert "in:       output[1]" in message
    as_dict = lambda x: {"mean": x, "log_var": x}  # noqa: E731
    message = failure_message(lambda x: {"mean": x}, as_dict)
    assert "missing: ['log_var']" in message


def test_list_instead_of_array_is_named():
    message = failure_message(lambda x: (2.0 * x).tolist())
    assert "not a Python list" in message


def test_learner_passing_a_value_instead_of_a_function():
    with pytest.raises(CheckFailure, match="expected your function, got array"):
        check_function("c", double(X), double, CASES)


def test_bool_outputs_compare_exactly():
    ref = lambda x: x > 2  # noqa: E731
    message = failure_message(lambda x: x >= 2, ref)
    assert "index (0, 2): expected False, got True" in message and "exact comparison" in message


def test_custom_compare_message_is_used():
    def same_sum(got, expected):
        return None if np.isclose(np.sum(got), np.sum(expected)) else "the sums differ"

    assert check_function("c", lambda x: (2.0 * x)[::-1], double, CASES, compare=same_sum).passed
    assert "the sums differ" in failure_message(lambda x: x, compare=same_sum)


# --------------------------------------------------------------------------- inputs and tensors


def test_each_call_gets_fresh_copies_of_the_inputs(capsys):
    shared = np.ones(3)

    def in_place(x):
        x *= 2.0  # would spoil the next case without the copy
        return x

    cases = [((shared,), {}), ((shared,), {})]
    assert check_function("c", in_place, double, cases).passed
    np.testing.assert_array_equal(shared, np.ones(3))


def test_seed_makes_random_functions_comparable(capsys):
    draw = lambda n: np.random.normal(size=n)  # noqa: E731
    assert check_function("c", draw, draw, [((4,), {})], seed=3).passed


def test_tensorflow_and_keras_outputs_are_converted(capsys):
    import gancourse  # noqa: F401 - before keras
    import keras

    assert check_function("c", lambda x: keras.ops.multiply(2.0, x), double, CASES).passed
    assert check_function("c", lambda x: keras.Variable(2.0 * x), double, CASES).passed
    pair = lambda x: (x, 2 * x)  # noqa: E731
    assert check_function("c", lambda x: (keras.ops.convert_to_tensor(x), 2 * x), pair, CASES).passed
    message = failure_message(lambda x: keras.ops.mean(2.0 * x))
    assert "got:      shape ()" in message


def test_to_numpy_keeps_containers():
    import gancourse  # noqa: F401
    import keras

    out = core.to_numpy({"a": (keras.ops.ones((2,)), 1.5), "b": [None, "x"]})
    assert isinstance(out["a"], tuple) and isinstance(out["a"][0], np.ndarray)
    assert out["a"][1] == 1.5 and out["b"] == [None, "x"]


def test_fixed_inputs_are_reproducible():
    np.testing.assert_array_equal(core.fixed_normal((2, 3), seed=1), core.fixed_normal((2, 3), seed=1))
    assert core.fixed_normal(4).dtype == np.float32
    u = core.fixed_uniform(1000, seed=0, low=-1.0, high=1.0)
    assert u.min() >= -1.0 and u.max() < 1.0


# --------------------------------------------------------------------------- errors in the check itself


@pytest.mark.parametrize("cases", [[], [(X,)], [((X,), [])], "x"])
def test_malformed_cases_are_rejected(cases):
    with pytest.raises(ValueError, match="cases"):
        check_function("c", double, double, cases)


# gancourse.config.validate.check_number: a wrong kind (str, bool) is a TypeError, a bad value a ValueError
@pytest.mark.parametrize("atol, error", [(-1.0, ValueError), (float("nan"), ValueError), ("1e-6", TypeError),
                                         (True, TypeError)])
def test_bad_tolerance_is_rejected(atol, error):
    with pytest.raises(error, match="atol"):
        check_function("c", double, double, CASES, atol=atol)


def test_reference_failure_is_a_course_bug_not_the_learner_s():
    with pytest.raises(RuntimeError, match="reference implementation"):
        check_function("c", double, lambda x: 1 / 0, CASES)


# --------------------------------------------------------------------------- check_value


def test_check_value_passes_and_fails_informatively(capsys):
    assert check_value("check_log4", -np.log(4.0), -1.3862943611198906, atol=1e-12).passed
    with pytest.raises(CheckFailure) as info:
        check_value("check_log4", np.log(4.0), -np.log(4.0), atol=1e-9, hint="V(D*, G) at equilibrium")
    message = str(info.value)
    assert "your value differs" in message and "expected -1.3862944, got 1.3862944" in message
    assert "-1 × the expected one" in message and "Hint: V(D*, G) at equilibrium" in message


def test_check_value_placeholders_count_as_not_implemented(capsys):
    def thunk():
        raise NotImplementedError()

    assert check_value("c", ..., 1.0).status == "not_implemented"
    assert check_value("c", thunk, 1.0).status == "not_implemented"
    assert check_value("c", lambda: 1.0, 1.0).passed
    assert capsys.readouterr().out.count(core.NOT_IMPLEMENTED_TEXT) == 2


# --------------------------------------------------------------------------- in a notebook


def test_failed_check_still_sets_the_cell_s_result_variable_for_pick():
    """IPython shows a CheckFailure through _render_traceback_, which binds result_<id> (see core)."""
    from types import SimpleNamespace

    failed = CheckResult("check_sigmoid", "failed", "differs")
    cell = 'x = 1\nresult_sigmoid = checks.check_sigmoid(sigmoid)\n'
    shell = SimpleNamespace(user_ns={"_ih": ["", cell]})
    assert core._bind_failed_result(shell, failed) == "result_sigmoid"
    assert shell.user_ns["result_sigmoid"] is failed
    cell = 'res = checks.check_function("check_sigmoid", sigmoid, ref, cases)'
    shell = SimpleNamespace(user_ns={"_ih": [cell]})
    assert core._bind_failed_result(shell, failed) == "res"
    shell = SimpleNamespace(user_ns={"_ih": ["a = checks.check_other(f)"]})
    assert core._bind_failed_result(shell, failed) is None and "a" not in shell.user_ns


def test_learner_traceback_hides_the_check_machinery():
    def learner(x):
        return x / 0  # the learner's line

    try:
        check_function("check_double", learner, double, [((1,), {})])
    except CheckFailure as exc:
        kept = core._without_check_frames(exc.__cause__.__traceback__)
    files = []
    while kept is not None:
        files.append((kept.tb_frame.f_code.co_name, kept.tb_frame.f_code.co_filename))
        kept = kept.tb_next
    assert files == [("learner", __file__)]


class TestCheckChoiceAnswer:
    FEEDBACK = {"A": "A mixes up the axes.", "B": "right", "C": "C forgets the log."}

    def test_right_answer_passes_case_insensitively(self):
        assert checks.check_choice_answer("q", " b ", "B", self.FEEDBACK).passed

    def test_wrong_answer_shows_that_options_feedback(self):
        with pytest.raises(checks.CheckFailure, match="A mixes up the axes"):
            checks.check_choice_answer("q", "A", "B", self.FEEDBACK)

    def test_unknown_option_lists_the_options(self):
        with pytest.raises(checks.CheckFailure, match="one of A, B, C"):
            checks.check_choice_answer("q", "D", "B", self.FEEDBACK)

    @pytest.mark.parametrize("stub", [None, ..., lambda: (_ for _ in ()).throw(NotImplementedError())])
    def test_unanswered_is_not_implemented(self, stub):
        assert checks.check_choice_answer("q", stub, "B", self.FEEDBACK).status == "not_implemented"

    def test_expected_must_be_an_option(self):
        with pytest.raises(ValueError, match="expected"):
            checks.check_choice_answer("q", "A", "E", self.FEEDBACK)


def test_no_two_check_modules_export_the_same_name():
    """checks/__init__ star-imports every chapter module: a name defined twice would silently shadow the first."""
    import importlib
    import pkgutil

    import gancourse.classroom.checks as package

    seen = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name in getattr(module, "__all__", []):
            assert name not in seen, f"{name} is exported by both {seen[name]} and {info.name}"
            seen[name] = info.name
