"""gancourse.theory: GAN objective identities (Goodfellow et al. 2014, §4; lecture notes eqs. 13.1-13.11)."""

import numpy as np
import pytest

from gancourse.objectives import divergences as dv
from gancourse.objectives import gan_losses as losses
from gancourse.theory import games
from gancourse.theory import saturation as sat
from gancourse.theory import value_function as vf

X = np.linspace(-10.0, 12.0, 8001)
LOG4 = np.log(4.0)


def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


P_DATA = normal_pdf(X, 0.0, 1.0)
P_G = 0.5 * normal_pdf(X, 2.0, 0.7) + 0.5 * normal_pdf(X, -1.0, 1.5)


def test_value_function_from_samples_hand_computed():
    # mean(log 0.8, log 0.5) + mean(log 0.9)
    expected = 0.5 * (np.log(0.8) + np.log(0.5)) + np.log(1 - 0.1)
    assert vf.value_function_from_samples([0.8, 0.5], [0.1]) == pytest.approx(expected, abs=1e-12)
    assert vf.value_function_from_samples([0.5] * 3, [0.5] * 5) == pytest.approx(-LOG4, abs=1e-12)


def test_value_function_matches_losses_on_logits():
    logits_real, logits_fake = np.array([2.0, -1.0, 0.3]), np.array([-2.5, 0.7])
    sig = lambda o: 1 / (1 + np.exp(-o))  # noqa: E731
    v = vf.value_function_from_samples(sig(logits_real), sig(logits_fake))
    d_loss = float(losses.discriminator_loss(logits_real.astype("float32"), logits_fake.astype("float32")))
    assert -v == pytest.approx(d_loss, abs=1e-5)


def test_optimal_discriminator_hand_computed_and_convention():
    np.testing.assert_allclose(vf.optimal_discriminator([1.0, 3.0, 0.0, 0.0], [1.0, 1.0, 2.0, 0.0]),
                               [0.5, 0.75, 0.0, 0.5])
    assert vf.optimal_discriminator(0.2, 0.6) == pytest.approx(0.25)


def test_optimal_discriminator_maximises_v_pointwise():
    d_star = vf.optimal_discriminator(P_DATA, P_G)
    v_star = vf.value_function_on_grid(P_DATA, P_G, d_star, X)
    for delta in (-0.05, 0.05):
        other = np.clip(d_star + delta, 1e-6, 1 - 1e-6)
        assert vf.value_function_on_grid(P_DATA, P_G, other, X) < v_star


def test_c_of_g_equals_minus_log4_plus_two_jsd():
    """Goodfellow et al. 2014, Theorem 1."""
    v_star = vf.optimal_value(P_DATA, P_G, X)
    jsd = dv.js_divergence_density(P_DATA, P_G, X)
    assert v_star == pytest.approx(-LOG4 + 2 * jsd, abs=1e-9)
    assert vf.optimal_value_from_jsd(P_DATA, P_G, X) == pytest.approx(v_star, abs=1e-9)
    assert v_star > -LOG4


def test_equilibrium_d_half_and_v_minus_log4():
    np.testing.assert_allclose(vf.optimal_discriminator(P_DATA, P_DATA)[P_DATA > 0], 0.5)
    assert vf.optimal_value(P_DATA, P_DATA, X) == pytest.approx(-LOG4, abs=1e-9)


def test_disjoint_supports_give_jsd_log2_and_v_zero():
    u1 = np.where((X >= -3) & (X <= -1), 1.0, 0.0)
    u2 = np.where((X >= 1) & (X <= 3), 1.0, 0.0)
    u1, u2 = u1 / dv.integrate(u1, X), u2 / dv.integrate(u2, X)
    assert dv.js_divergence_density(u1, u2, X) == pytest.approx(np.log(2), abs=1e-9)
    # a perfect discriminator: V = −log 4 + 2 log 2 = 0
    assert vf.optimal_value(u1, u2, X) == pytest.approx(0.0, abs=1e-9)


def test_cross_entropy_with_half_prior_is_minus_half_v():
    """Eqs. 13.1-13.3: with p_src = ½ the discriminator's cross-entropy is −½ V."""
    d = 1 / (1 + np.exp(-(0.8 * X - 0.3)))
    ce = vf.discriminator_cross_entropy_on_grid(P_DATA, P_G, d, X, p_src_data=0.5)
    assert ce == pytest.approx(-0.5 * vf.value_function_on_grid(P_DATA, P_G, d, X), abs=1e-9)
    # another prior weights the two terms differently
    ce_03 = vf.discriminator_cross_entropy_on_grid(P_DATA, P_G, d, X, p_src_data=0.3)
    v_data = dv.integrate(P_DATA * np.log(d), X)
    v_g = dv.integrate(P_G * np.log1p(-d), X)
    assert ce_03 == pytest.approx(-(0.3 * v_data + 0.7 * v_g), abs=1e-9)


def test_tails_where_d_star_rounds_to_one_stay_finite():
    # far left, p_g/p_data < 1e-16: D* rounds to 1.0; V must stay finite and match the JSD form
    p_g = normal_pdf(X, 3.0, 0.5)
    assert np.any(vf.optimal_discriminator(P_DATA, p_g)[(P_DATA > 0) & (p_g > 0)] == 1.0)
    assert np.isfinite(vf.optimal_value(P_DATA, p_g, X))
    assert vf.optimal_value(P_DATA, p_g, X) == pytest.approx(vf.optimal_value_from_jsd(P_DATA, p_g, X), abs=1e-9)


def test_eq_13_6_decomposition():
    """∫ p_g log(1 − D*_{G'}) = KL(p_g‖m) − KL(p_g‖p_g') − log 2, m = (p_data + p_g')/2."""
    p_prev = normal_pdf(X, 2.0, 1.0)
    d = vf.optimal_discriminator(P_DATA, p_prev)
    for mean in (-1.0, 0.0, 0.7, 2.5):
        p_g = normal_pdf(X, mean, 0.8)
        lhs = vf.generator_objective_on_grid(p_g, d, X)
        assert lhs == pytest.approx(vf.eq_13_6_objective(p_g, P_DATA, p_prev, X) - np.log(2), abs=1e-8)


def test_gradient_formulas_hand_computed():
    d = np.array([0.0, 0.25, 0.5, 1.0])
    np.testing.assert_allclose(sat.sigmoid_derivative(d), [0.0, 0.1875, 0.25, 0.0])
    np.testing.assert_allclose(sat.grad_log_one_minus_d(d), [-0.0, -0.25, -0.5, -1.0])
    np.testing.assert_allclose(sat.grad_log_d(d), [1.0, 0.75, 0.5, 0.0])
    np.testing.assert_allclose(sat.generator_loss_grad_wrt_logit(d, "saturating"), -d)
    np.testing.assert_allclose(sat.generator_loss_grad_wrt_logit(d, "non_saturating"), -(1 - d))


def test_gradient_formulas_match_autodiff_of_the_logit_losses():
    import tensorflow as tf

    logits = tf.constant([-6.0, -2.0, 0.0, 3.0])
    d = 1 / (1 + np.exp(-logits.numpy().astype(np.float64)))
    for kind in ("saturating", "non_saturating"):
        with tf.GradientTape() as tape:
            tape.watch(logits)
            # losses average over the batch: multiply by N to get per-example slopes
            loss = losses.generator_loss(logits, kind) * 4
        grad = tape.gradient(loss, logits).numpy()
        np.testing.assert_allclose(grad, sat.generator_loss_grad_wrt_logit(d, kind), atol=1e-6)


def test_saturation_limit():
    assert sat.grad_log_one_minus_d(1e-6) == pytest.approx(-1e-6)      # vanishes (eq. 13.9)
    assert sat.grad_log_d(1e-6) == pytest.approx(1.0, abs=1e-5)          # stays ~1 (eq. 13.11)


def test_zero_sum_and_bilinear_game():
    j_d, j_g = games.zero_sum_costs(-1.2)
    assert j_d == pytest.approx(0.6) and j_g == pytest.approx(-0.6) and j_d + j_g == 0
    path = games.bilinear_game_steps(1.0, 0.0, lr=0.1, steps=50)
    radius = np.hypot(path[:, 0], path[:, 1])
    np.testing.assert_allclose(radius, np.sqrt(1.01) ** np.arange(51), rtol=1e-12)
    alt = games.bilinear_game_steps(1.0, 0.0, lr=0.1, steps=2000, simultaneous=False)
    assert np.hypot(alt[:, 0], alt[:, 1]).max() < 1.1


@pytest.mark.parametrize("call, message", [
    (lambda: vf.value_function_from_samples([1.2], [0.5]), r"d_real must hold probabilities in \[0, 1\]"),
    (lambda: vf.value_function_on_grid(P_DATA, P_G, np.full(5, 0.5), X), "d must be sampled on the grid"),
    (lambda: vf.optimal_discriminator([1.0, 2.0], [1.0]), "same shape"),
    (lambda: vf.optimal_discriminator([-1.0], [1.0]), "non-negative"),
    (lambda: vf.discriminator_cross_entropy_on_grid(P_DATA, P_G, np.full(X.shape, 0.5), X, p_src_data=1.0),
     "p_src_data"),
    (lambda: sat.generator_loss_grad_wrt_logit(0.5, "minimax"), "kind must be"),
    (lambda: games.bilinear_game_steps(1.0, 1.0, lr=-0.1), "lr must be"),
])
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
