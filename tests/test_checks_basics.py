"""Chapter 1-3 exercise checks: a correct answer passes, a stub is 'not implemented', typical mistakes fail."""

import numpy as np
import pytest

import gancourse  # noqa: F401
from gancourse.classroom import checks
from gancourse.classroom.checks import CheckFailure


def _stub(*args, **kwargs):
    raise NotImplementedError()


# ------------------------------------------------------------- correct answers, written as a learner would

def kl_ok(p, q):
    p, q = np.asarray(p), np.asarray(q)
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def js_ok(p, q):
    m = 0.5 * (np.asarray(p) + np.asarray(q))
    return 0.5 * kl_ok(p, m) + 0.5 * kl_ok(q, m)


def mle_ok(x):
    return float(np.mean(x)), float(np.std(x))


def exp_normal_ok(x):
    return np.exp(-0.5 * np.log(x) ** 2) / np.sqrt(2 * np.pi) / x


def reparam_ok(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps


def vae_kl_ok(mean, log_var):
    return np.mean(-0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=1))


def bernoulli_ok(x, logits):
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    return np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2, 3))


def dstar_ok(p_data, p_g):
    return p_data / (p_data + p_g)


def value_ok(d_real, d_fake):
    return float(np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake)))


def grads_ok(d):
    return -d, 1 - d


CORRECT = [
    (checks.check_kl_divergence, kl_ok),
    (checks.check_gaussian_mle, mle_ok),
    (checks.check_exp_normal_density, exp_normal_ok),
    (checks.check_reparameterize, reparam_ok),
    (checks.check_vae_kl, vae_kl_ok),
    (checks.check_bernoulli_log_likelihood, bernoulli_ok),
    (checks.check_js_divergence, js_ok),
    (checks.check_optimal_discriminator, dstar_ok),
    (checks.check_value_function, value_ok),
    (checks.check_generator_gradients, grads_ok),
]


@pytest.mark.parametrize("check, answer", CORRECT, ids=[c.__name__ for c, _ in CORRECT])
def test_correct_answer_passes(check, answer, capsys):
    result = check(answer)
    assert result.passed and result.name == check.__name__
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("check", [c for c, _ in CORRECT], ids=[c.__name__ for c, _ in CORRECT])
def test_stub_is_not_implemented(check, capsys):
    result = check(_stub)
    assert result.status == "not_implemented" and not result.passed
    assert "not implemented yet" in capsys.readouterr().out


# ------------------------------------------------------------- typical mistakes are caught, with the hint

WRONG = [
    # KL without the 0·log 0 = 0 convention gives nan
    (checks.check_kl_divergence, lambda p, q: float(np.sum(p * np.log(p / q))), "0 · log 0"),
    # KL in the wrong direction
    (checks.check_kl_divergence, lambda p, q: kl_ok(q, p), "KL(P‖Q)"),
    # the unbiased (N − 1) standard deviation is not the MLE
    (checks.check_gaussian_mle, lambda x: (float(np.mean(x)), float(np.std(x, ddof=1))), "not N − 1"),
    # forgetting the Jacobian factor 1/x
    (checks.check_exp_normal_density, lambda x: np.exp(-0.5 * np.log(x) ** 2) / np.sqrt(2 * np.pi), "1/x"),
    # σ = exp(log_var) instead of exp(½ log_var)
    (checks.check_reparameterize, lambda m, lv, e: m + np.exp(lv) * e, "exp(½ log σ²)"),
    # keras-io#270: mean over latent dims instead of sum
    (checks.check_vae_kl, lambda m, lv: np.mean(-0.5 * (1 + lv - m**2 - np.exp(lv))), "SUMMED"),
    # averaging over pixels instead of summing
    (checks.check_bernoulli_log_likelihood, lambda x, l: bernoulli_ok(x, l) / 36.0, "sum over every pixel"),
    # JSD without the ½ factors
    (checks.check_js_divergence, lambda p, q: 2 * js_ok(p, q), "log 2"),
    # D* upside down
    (checks.check_optimal_discriminator, lambda a, b: b / (a + b), "13.5"),
    # the value function with log D(G(z)) instead of log(1 − D(G(z)))
    (checks.check_value_function, lambda r, f: float(np.mean(np.log(r)) + np.mean(np.log(f))), "13.4"),
    # gradients swapped
    (checks.check_generator_gradients, lambda d: (1 - d, -d), "13.7"),
]


@pytest.mark.parametrize("check, wrong, hint", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_wrong_answer_fails_with_the_hint(check, wrong, hint):
    with np.errstate(divide="ignore", invalid="ignore"):
        with pytest.raises(CheckFailure) as info:
            check(wrong)
    message = str(info.value)
    assert check.__name__ in message and hint in message
    assert info.value.result is not None and not info.value.result.passed


def test_an_exception_in_the_learners_code_is_reported_plainly():
    def broken(mean, log_var, eps):
        return mean + undefined_name  # noqa: F821

    with pytest.raises(CheckFailure, match="NameError"):
        checks.check_reparameterize(broken)


def test_pick_returns_the_reference_until_the_exercise_passes(capsys):
    from gancourse.objectives import divergences

    result = checks.check_js_divergence(_stub)
    assert result.pick(_stub, divergences.js_divergence) is divergences.js_divergence
    assert "reference implementation" in capsys.readouterr().out
    assert checks.check_js_divergence(js_ok).pick(js_ok, divergences.js_divergence) is js_ok


# ------------------------------------------------------------- choice and number exercises (derive, choose, diagnose)

CHOICES = [  # check, right letter, {wrong letter: a phrase of its feedback}
    (checks.check_ml_kl_direction, "C", {"A": "reverse direction", "B": "averages log(p_data/p_model) over the DATA",
                                         "D": "KL is not symmetric"}),
    (checks.check_zero_kl_diagnosis, "B", {"A": "to the PRIOR N(0, I), not to the true posterior",
                                           "C": "divides the KL by d", "D": "Tiny variances make the KL large"}),
    (checks.check_saturation_remedy, "B", {"A": "A stronger discriminator", "C": "500 times smaller",
                                           "D": "The generator is not the problem"}),
]

NUMBERS = [  # check, a right answer as a learner would derive it, {known wrong value: a phrase of its explanation}
    (checks.check_reverse_kl_light_mode, np.log(5.0),
     {-np.log(5.0): "never negative", np.log(1.25): "HEAVY mode", 0.0: "whole mixture", 40.0: "KL(p‖q)"}),
    (checks.check_uniform_to_exponential, np.exp(-2.0),
     {-np.exp(-2.0): "ABSOLUTE value", 1.0: "only half of the rule", np.exp(2.0): "derivative of f"}),
    (checks.check_cheapest_kl, 2.0,
     {4.0: "factor ½", 0.0: "cancel the μ² term", 0.5 * (7.0 - np.log(4.0)): "You set σ = μ = 2"}),
    (checks.check_value_at_fixed_d, np.log(0.9) + np.log(0.5),
     {-np.log(4.0): "D ≡ ½ everywhere", -np.log(2.0): "optimal discriminator",
      0.5 * (np.log(0.9) + 2 * np.log(0.5) + np.log(0.1)): "log(1 − D(x)), not log D(x)",
      2 * np.log(0.45): "densities of U(0, 2) and U(1, 3) are ½"}),
    (checks.check_jsd_partial_overlap, 0.5 * np.log(2.0),
     {np.log(2.0): "do not overlap at all", 0.5: "share of probability mass", 0.25 * np.log(2.0): "AVERAGE",
      0.0: "identical distributions"}),
]


def _answer(value):
    return lambda: value


@pytest.mark.parametrize("check, right, wrong", CHOICES, ids=[c.__name__ for c, _, _ in CHOICES])
def test_choice_right_answer_passes_in_any_case_and_spacing(check, right, wrong, capsys):
    assert check(_answer(right)).passed
    assert check(_answer(f" {right.lower()} ")).passed
    assert check(right).passed                        # a plain value works as well as a function
    assert f"({right})" in capsys.readouterr().out


@pytest.mark.parametrize("check, right, wrong", CHOICES, ids=[c.__name__ for c, _, _ in CHOICES])
def test_each_wrong_option_fails_with_its_own_feedback(check, right, wrong):
    assert set(wrong) | {right} == {"A", "B", "C", "D"}
    for letter, phrase in wrong.items():
        with pytest.raises(CheckFailure) as info:
            check(_answer(letter))
        message = str(info.value)
        assert f"{letter} is not the right answer" in message and phrase in message
        assert all(other not in message for other_letter, other in wrong.items() if other_letter != letter)
        assert "Hint: Chapter" in message and info.value.result.status == "failed"


@pytest.mark.parametrize("check, right, wrong", CHOICES, ids=[c.__name__ for c, _, _ in CHOICES])
def test_choice_not_an_option_or_no_return_fails(check, right, wrong):
    with pytest.raises(CheckFailure, match="must be one of A, B, C, D"):
        check(_answer("E"))
    with pytest.raises(CheckFailure, match="returns nothing"):
        check(lambda: None)


@pytest.mark.parametrize("check, right, wrong", NUMBERS, ids=[c.__name__ for c, _, _ in NUMBERS])
def test_number_right_answer_passes_as_float_numpy_or_plain_value(check, right, wrong, capsys):
    assert check(_answer(float(right))).passed
    assert check(_answer(np.float32(right))).passed
    assert check(_answer(np.array([right]))).passed
    assert check(float(right)).passed
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, right, wrong", NUMBERS, ids=[c.__name__ for c, _, _ in NUMBERS])
def test_each_known_mistake_fails_with_its_explanation_and_never_shows_the_answer(check, right, wrong):
    for value, phrase in wrong.items():
        with pytest.raises(CheckFailure) as info:
            check(_answer(value))
        message = str(info.value)
        assert phrase in message, (value, message)
        told = message.split("\n", 1)[1]            # what the check says, after echoing the learner's value
        assert f"{right:.3f}" not in told and f"{right:.2f}" not in told, "the answer leaked"
        assert "Hint: Chapter" in message and info.value.result.status == "failed"
    with pytest.raises(CheckFailure) as info:           # an unrelated wrong value: no explanation claimed
        check(_answer(right + 0.37))
    assert not any(phrase in str(info.value) for phrase in wrong.values())


@pytest.mark.parametrize("check, right, wrong", NUMBERS, ids=[c.__name__ for c, _, _ in NUMBERS])
def test_number_that_is_not_one_finite_number_fails_plainly(check, right, wrong):
    for bad in ("0.35", np.array([right, right]), float("nan"), True):
        with pytest.raises(CheckFailure, match="Return one finite real number"):
            check(_answer(bad))
    with pytest.raises(CheckFailure, match="returned None"):
        check(lambda: None)


@pytest.mark.parametrize("check", [c for c, _, _ in CHOICES + NUMBERS],
                         ids=[c.__name__ for c, _, _ in CHOICES + NUMBERS])
def test_answer_stub_is_not_implemented_and_an_error_is_reported(check, capsys):
    result = check(_stub)
    assert result.status == "not_implemented" and "not implemented yet" in capsys.readouterr().out
    assert check(Ellipsis).status == "not_implemented"

    def broken():
        return undefined_name  # noqa: F821

    with pytest.raises(CheckFailure, match="NameError"):
        check(broken)


def test_reverse_kl_reference_is_the_quadrature_value_and_log_5_is_within_tolerance():
    from gancourse.classroom.checks import basics

    exact = basics._reverse_kl_light_mode()
    assert 0.0 < np.log(5.0) - exact < 0.005      # p ≈ 0.2·q where q lives, slightly more: KL a little below log 5
    with pytest.raises(CheckFailure):
        checks.check_reverse_kl_light_mode(_answer(np.log(5.0) + 0.004 + (np.log(5.0) - exact)))
