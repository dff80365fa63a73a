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
