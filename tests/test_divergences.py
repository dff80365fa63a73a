"""Divergences against hand-computed values and known identities."""

import numpy as np
import pytest

from gancourse.objectives import divergences as dv

LOG2 = np.log(2.0)


def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


GRID = np.linspace(-12.0, 12.0, 6001)


# ---------------------------------------------------------------- discrete

def test_kl_hand_computed():
    # KL([1/2, 1/2] ‖ [1/4, 3/4]) = ½ log 2 + ½ log(2/3)
    expected = 0.5 * np.log(0.5 / 0.25) + 0.5 * np.log(0.5 / 0.75)
    assert dv.kl_divergence([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.143841036, abs=1e-9)


def test_kl_is_asymmetric_and_non_negative():
    p, q = np.array([0.1, 0.6, 0.3]), np.array([0.4, 0.4, 0.2])
    forward, backward = dv.kl_divergence(p, q), dv.kl_divergence(q, p)
    # hand-computed: 0.1 log(0.25) + 0.6 log(1.5) + 0.3 log(1.5) and the reverse
    assert forward == pytest.approx(0.1 * np.log(0.25) + 0.9 * np.log(1.5), abs=1e-12)
    assert backward == pytest.approx(0.4 * np.log(4) + 0.4 * np.log(2 / 3) + 0.2 * np.log(2 / 3), abs=1e-12)
    assert forward > 0 and backward > 0 and abs(forward - backward) > 0.05
    assert dv.kl_divergence(p, p) == 0.0


def test_kl_zero_convention_and_infinity():
    # 0 · log(0/q) = 0
    assert dv.kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(np.log(2), abs=1e-12)
    # p log(p/0) = inf
    assert dv.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf


def test_kl_batched_along_axis():
    p = np.array([[0.5, 0.5], [0.0, 1.0]])
    q = np.array([[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(dv.kl_divergence(p, q), [0.143841036, np.log(2)], atol=1e-9)


def test_entropy_cross_entropy_identity():
    p, q = np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.25, 0.25])
    assert dv.entropy([0.25] * 4) == pytest.approx(np.log(4), abs=1e-12)
    assert dv.cross_entropy(p, q) == pytest.approx(-np.sum(p * np.log(q)), abs=1e-12)
    assert dv.cross_entropy(p, q) == pytest.approx(dv.entropy(p) + dv.kl_divergence(p, q), abs=1e-12)


def test_js_hand_computed_symmetric_and_bounded():
    p, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    # M = [3/4, 1/4]: ½ log(4/3) + ½ (½ log(2/3) + ½ log 2)
    expected = 0.5 * np.log(4 / 3) + 0.5 * (0.5 * np.log(0.5 / 0.75) + 0.5 * np.log(0.5 / 0.25))
    assert dv.js_divergence(p, q) == pytest.approx(expected, abs=1e-12)
    assert dv.js_divergence(q, p) == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < LOG2


def test_js_is_log2_for_disjoint_supports_and_zero_for_equal():
    assert dv.js_divergence([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7]) == pytest.approx(LOG2, abs=1e-12)
    assert dv.js_divergence([0.2, 0.8], [0.2, 0.8]) == 0.0


@pytest.mark.parametrize("bad_p, message", [
    ([0.5, 0.6], "sum to 1"),
    ([1.5, -0.5], "non-negative"),
    ([np.nan, 1.0], "finite"),
    ([], "non-empty"),
])
def test_discrete_rejects_bad_distributions(bad_p, message):
    with pytest.raises(ValueError, match=message):
        dv.kl_divergence(bad_p, [0.5, 0.5])


def test_discrete_rejects_shape_mismatch_and_non_numbers():
    with pytest.raises(ValueError, match="same shape"):
        dv.js_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(TypeError, match="p must be an array of numbers"):
        dv.kl_divergence("abc", [1.0])


# ---------------------------------------------------------------- densities on a grid

def test_density_kl_matches_gaussian_closed_form():
    p, q = normal_pdf(GRID, 0.0, 1.0), normal_pdf(GRID, 1.0, 2.0)
    # log 2 + (1 + 1)/8 − ½ = log 2 − ¼
    assert dv.gaussian_kl(0.0, 1.0, 1.0, 2.0) == pytest.approx(np.log(2) - 0.25, abs=1e-12)
    assert dv.kl_divergence_density(p, q, GRID) == pytest.approx(np.log(2) - 0.25, abs=1e-6)
    # the wide q loses ~1e-6 of KL in the tails the grid cuts off
    assert dv.kl_divergence_density(q, p, GRID) == pytest.approx(dv.gaussian_kl(1.0, 2.0, 0.0, 1.0), abs=1e-5)


def test_density_js_disjoint_uniforms_is_log2():
    x = np.linspace(-5, 5, 10001)
    u1 = np.where((x >= -3) & (x <= -1), 0.5, 0.0)
    u2 = np.where((x >= 1) & (x <= 3), 0.5, 0.0)
    u1, u2 = u1 / dv.integrate(u1, x), u2 / dv.integrate(u2, x)
    assert dv.js_divergence_density(u1, u2, x) == pytest.approx(LOG2, abs=1e-9)
    assert dv.kl_divergence_density(u1, u2, x) == np.inf


def test_density_js_equal_is_zero_and_integrate():
    p = normal_pdf(GRID, 0.5, 1.5)
    assert dv.js_divergence_density(p, p, GRID) == pytest.approx(0.0, abs=1e-12)
    assert dv.integrate(p, GRID) == pytest.approx(1.0, abs=1e-9)
    assert dv.integrate(GRID**2 * normal_pdf(GRID, 0, 1), GRID) == pytest.approx(1.0, abs=1e-6)


def test_density_rejects_bad_grid_and_unnormalised():
    p = normal_pdf(GRID, 0, 1)
    with pytest.raises(ValueError, match="strictly increasing"):
        dv.kl_divergence_density(p, p, GRID[::-1])
    with pytest.raises(ValueError, match="integrate to 1"):
        dv.kl_divergence_density(2 * p, p, GRID)
    with pytest.raises(ValueError, match="sampled on the grid"):
        dv.js_divergence_density(p[:-1], p, GRID)


def test_gaussian_kl_rejects_non_positive_std():
    with pytest.raises(ValueError, match="std_p must be positive"):
        dv.gaussian_kl(0.0, 0.0, 0.0, 1.0)


# ---------------------------------------------------------------- the VAE's KL term

def test_vae_kl_hand_computed_sums_over_latent_dims():
    # one example, 2 latent dims: μ = (1, 0), log σ² = (0, log 2)
    # KL = −½[(1 + 0 − 1 − 1) + (1 + log 2 − 0 − 2)] = −½[−1 + log 2 − 1] = 1 − ½ log 2
    mean = np.array([[1.0, 0.0]], np.float32)
    log_var = np.array([[0.0, np.log(2.0)]], np.float32)
    got = float(dv.gaussian_kl_to_standard_normal(mean, log_var))
    assert got == pytest.approx(1.0 - 0.5 * np.log(2.0), abs=1e-6)
    # the same as the sum of two univariate Gaussian KLs (closed form)
    per_dim = dv.gaussian_kl(np.array([1.0, 0.0]), np.sqrt([1.0, 2.0]), 0.0, 1.0)
    assert got == pytest.approx(per_dim.sum(), abs=1e-6)


def test_vae_kl_is_a_sum_not_a_mean_over_latent_dims():
    """Pins keras-team/keras-io#270: the KL must grow with the number of latent dimensions."""
    mean = np.ones((3, 10), np.float32)            # each dim contributes ½ μ² = ½
    log_var = np.zeros((3, 10), np.float32)
    assert float(dv.gaussian_kl_to_standard_normal(mean, log_var)) == pytest.approx(5.0, abs=1e-6)


def test_vae_kl_averages_over_the_batch():
    mean = np.array([[0.0], [2.0]], np.float32)    # KLs 0 and 2
    log_var = np.zeros((2, 1), np.float32)
    np.testing.assert_allclose(dv.gaussian_kl_to_standard_normal_per_example(mean, log_var), [0.0, 2.0], atol=1e-6)
    assert float(dv.gaussian_kl_to_standard_normal(mean, log_var)) == pytest.approx(1.0, abs=1e-6)


def test_vae_kl_rejects_bad_shapes():
    with pytest.raises(ValueError, match="same shape"):
        dv.gaussian_kl_to_standard_normal(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"\(batch, latent_dim\)"):
        dv.gaussian_kl_to_standard_normal(np.zeros(3), np.zeros(3))


def test_the_clips_absorb_rounding_only():
    """KL's clip at 0 and JS's at log 2 guard against rounding; they never hide a real value."""
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(6), size=200)
    q = rng.dirichlet(np.ones(6), size=200)
    raw_kl = np.sum(dv.xlogy_ratio(p, q), axis=-1)
    np.testing.assert_allclose(dv.kl_divergence(p, q), raw_kl, rtol=0, atol=1e-12)
    assert dv.kl_divergence(p[0], p[0]) == 0.0
    # Off by 5e-7 (inside the sum tolerance): renormalised, so the result is 0, not a clipped -5e-7.
    assert dv.kl_divergence(p[0], p[0] * (1 + 5e-7)) == pytest.approx(0.0, abs=1e-15)
    assert dv.kl_divergence(p[0] * (1 + 5e-7), p[0] * (1 - 5e-7)) == pytest.approx(0.0, abs=1e-15)
    # Disjoint supports: exactly log 2 at most, and within rounding of it.
    js = dv.js_divergence([0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7])
    assert js <= np.log(2.0) and js == pytest.approx(np.log(2.0), abs=1e-15)


def test_slightly_unnormalised_inputs_are_renormalised_not_clipped():
    p = np.array([0.2, 0.3, 0.5])
    q = np.array([0.3, 0.3, 0.4])
    exact = dv.kl_divergence(p, q)
    assert dv.kl_divergence(p * (1 + 8e-7), q) == pytest.approx(exact, rel=1e-12)
