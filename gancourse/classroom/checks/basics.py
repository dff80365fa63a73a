"""Checks for the exercises of chapters 1-3: divergences, maximum likelihood, VAE pieces, GAN mathematics.

Each ``check_<concept>(fn)`` runs the learner's ``fn`` and the package's
reference on fixed, seeded inputs and explains any difference (see
:func:`gancourse.classroom.checks.core.check_function`).

| check | chapter | reference |
|---|---|---|
| :func:`check_kl_divergence` | 1 | :func:`gancourse.objectives.divergences.kl_divergence` |
| :func:`check_gaussian_mle` | 1 | :func:`gancourse.theory.likelihood.gaussian_mle` |
| :func:`check_exp_normal_density` | 1 | :func:`gancourse.theory.likelihood.pushforward_density` for ``X = exp(Z)`` |
| :func:`check_reparameterize` | 2 | :func:`gancourse.objectives.elbo.reparameterize_with_noise` |
| :func:`check_vae_kl` | 2 | :func:`gancourse.objectives.divergences.gaussian_kl_to_standard_normal` |
| :func:`check_bernoulli_log_likelihood` | 2 | :func:`gancourse.objectives.elbo.bernoulli_log_likelihood` |
| :func:`check_js_divergence` | 3 | :func:`gancourse.objectives.divergences.js_divergence` |
| :func:`check_optimal_discriminator` | 3 | :func:`gancourse.theory.value_function.optimal_discriminator` |
| :func:`check_value_function` | 3 | :func:`gancourse.theory.value_function.value_function_from_samples` |
| :func:`check_generator_gradients` | 3 | :func:`gancourse.theory.saturation.grad_log_one_minus_d`, :func:`~gancourse.theory.saturation.grad_log_d` |
"""

from __future__ import annotations

import numpy as np

from .core import CheckResult, check_function, fixed_normal, fixed_uniform

__all__ = [
    "check_kl_divergence", "check_gaussian_mle", "check_exp_normal_density",
    "check_reparameterize", "check_vae_kl", "check_bernoulli_log_likelihood",
    "check_js_divergence", "check_optimal_discriminator", "check_value_function",
    "check_generator_gradients",
]


def _probabilities(n: int, seed: int, *, zeros: tuple[int, ...] = ()) -> np.ndarray:
    """A fixed probability vector of length n (float64), with exact zeros at ``zeros``."""
    p = fixed_uniform(n, seed, low=0.05, high=1.0, dtype="float64")
    p[list(zeros)] = 0.0
    return p / p.sum()


# ------------------------------------------------------------------ chapter 1

def check_kl_divergence(fn) -> CheckResult:
    """``fn(p, q)`` = KL(P‖Q) = Σ p log(p/q) in nats, for probability vectors (chapter 1)."""
    from ...objectives import divergences

    p, q = _probabilities(5, 1), _probabilities(5, 2)
    cases = [
        ((p, q), {}),
        ((q, p), {}),                                            # the other direction: a different number
        ((_probabilities(6, 3, zeros=(1, 4)), _probabilities(6, 4)), {}),  # 0 · log 0 = 0
        ((np.array([0.5, 0.5]), np.array([0.5, 0.5])), {}),      # KL(P‖P) = 0
    ]
    return check_function("check_kl_divergence", fn, divergences.kl_divergence, cases,
                          atol=1e-8, rtol=1e-6,
                          hint="Chapter 1, 'KL divergence': KL(P‖Q) = Σ_i p_i log(p_i / q_i) with the natural "
                               "log; 0 · log 0 = 0, so terms with p_i = 0 contribute 0 (mask them out or use np.where).")


def check_gaussian_mle(fn) -> CheckResult:
    """``fn(x)`` = ``(mean, std)``, the maximum-likelihood normal fit of 1-D samples (chapter 1)."""
    from ...theory import likelihood

    cases = [
        ((fixed_normal(200, 5, scale=2.0, dtype="float64") + 3.0,), {}),
        ((fixed_normal(7, 6, dtype="float64"),), {}),   # small N: the 1/N vs 1/(N−1) difference shows
    ]
    return check_function("check_gaussian_mle", fn, likelihood.gaussian_mle, cases, atol=1e-8, rtol=1e-6,
                          hint="Chapter 1, 'maximum likelihood': set the derivatives of Σ log N(x_n; μ, σ²) to "
                               "zero. μ̂ is the sample mean; σ̂² divides by N, not N − 1. Return (mu, sigma).")


def _standard_normal_pdf(z):
    return np.exp(-0.5 * np.asarray(z, dtype=np.float64) ** 2) / np.sqrt(2.0 * np.pi)


def _exp_normal_density(x):
    """Reference: density of X = exp(Z), Z ~ N(0, 1), by the change-of-variables rule."""
    from ...theory import likelihood

    return likelihood.pushforward_density(x, _standard_normal_pdf, np.log, lambda v: 1.0 / v)


def check_exp_normal_density(fn) -> CheckResult:
    """``fn(x)`` = density of ``X = exp(Z)``, ``Z ~ N(0, 1)``, at points ``x > 0`` (chapter 1)."""
    cases = [
        ((np.array([0.1, 0.5, 1.0, 2.0, 5.0]),), {}),
        ((np.linspace(0.05, 8.0, 50),), {}),
    ]
    return check_function("check_exp_normal_density", fn, _exp_normal_density, cases, atol=1e-8, rtol=1e-6,
                          hint="Chapter 1, 'change of variables': p_X(x) = p_Z(f⁻¹(x)) · |d f⁻¹(x)/dx| with "
                               "f = exp, so f⁻¹(x) = log x and its derivative is 1/x.")


# ------------------------------------------------------------------ chapter 2

def check_reparameterize(fn) -> CheckResult:
    """``fn(mean, log_var, eps)`` = ``mean + exp(½·log_var) · eps`` (chapter 2)."""
    from ...objectives import elbo

    cases = []
    for seed, shape in ((10, (4, 2)), (11, (3, 5))):
        cases.append(((fixed_normal(shape, seed), fixed_normal(shape, seed + 100, scale=0.5),
                       fixed_normal(shape, seed + 200)), {}))
    return check_function("check_reparameterize", fn, elbo.reparameterize_with_noise, cases, atol=1e-5, rtol=1e-5,
                          hint="Chapter 2, 'the reparameterisation trick': z = μ + σ ⊙ ε with σ = exp(½ log σ²) "
                               "(not exp(log σ²), which is the variance).")


def check_vae_kl(fn) -> CheckResult:
    """``fn(mean, log_var)`` = KL(N(μ, σ²) ‖ N(0, I)) summed over latent dims, averaged over the batch (chapter 2)."""
    from ...objectives import divergences

    cases = []
    for seed, shape in ((20, (8, 2)), (21, (5, 16))):
        cases.append(((fixed_normal(shape, seed), fixed_normal(shape, seed + 100, scale=0.7)), {}))
    return check_function("check_vae_kl", fn, divergences.gaussian_kl_to_standard_normal, cases,
                          atol=1e-4, rtol=1e-5,
                          hint="Chapter 2, 'the KL term': −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), SUMMED over the "
                               "latent dimensions j and then AVERAGED over the batch. Averaging over j too "
                               "(a known bug, keras-io#270) divides the answer by latent_dim.")


def check_bernoulli_log_likelihood(fn) -> CheckResult:
    """``fn(x, logits)`` = Σ_pixels [x log σ(l) + (1−x) log(1−σ(l))] per example, shape (batch,) (chapter 2)."""
    from ...objectives import elbo

    cases = []
    for seed, shape in ((30, (4, 6, 6, 1)), (31, (2, 28, 28, 1))):
        x = (fixed_uniform(shape, seed) < 0.3).astype("float32")
        logits = fixed_normal(shape, seed + 100, scale=3.0)
        cases.append(((x, logits), {}))
    return check_function("check_bernoulli_log_likelihood", fn, elbo.bernoulli_log_likelihood, cases,
                          atol=1e-3, rtol=1e-5,
                          hint="Chapter 2, 'the reconstruction term': sum over every pixel of each image "
                               "(axes 1, 2, 3), one value per image; log σ(l) = −softplus(−l) and "
                               "log(1 − σ(l)) = −softplus(l) avoid log(0).")


# ------------------------------------------------------------------ chapter 3

def check_js_divergence(fn) -> CheckResult:
    """``fn(p, q)`` = JSD(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = (P+Q)/2, in nats (chapter 3)."""
    from ...objectives import divergences

    cases = [
        ((_probabilities(5, 40), _probabilities(5, 41)), {}),
        ((np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])), {}),   # disjoint: log 2
        ((_probabilities(6, 42, zeros=(0,)), _probabilities(6, 42, zeros=(0,))), {}),  # equal: 0
    ]
    return check_function("check_js_divergence", fn, divergences.js_divergence, cases,
                          atol=1e-8, rtol=1e-6,
                          hint="Chapter 3, 'the Jensen-Shannon divergence': build M = (P + Q)/2 and average the "
                               "two KLs to M; 0 · log 0 = 0. Disjoint supports give exactly log 2.")


def check_optimal_discriminator(fn) -> CheckResult:
    """``fn(p_data, p_g)`` = D*(x) = p_data / (p_data + p_g), elementwise (chapter 3)."""
    from ...theory import value_function

    x = np.linspace(-4.0, 4.0, 9)
    p_data = np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)
    p_g = np.exp(-0.5 * ((x - 1.0) / 0.5) ** 2) / (0.5 * np.sqrt(2 * np.pi))
    cases = [((p_data, p_g), {}), ((p_g, p_data), {}), ((p_data, p_data), {})]
    return check_function("check_optimal_discriminator", fn, value_function.optimal_discriminator, cases,
                          atol=1e-8, rtol=1e-6,
                          hint="Chapter 3, eq. (13.5): maximise p_data·log D + p_g·log(1 − D) pointwise; "
                               "the derivative vanishes at D = p_data / (p_data + p_g).")


def check_value_function(fn) -> CheckResult:
    """``fn(d_real, d_fake)`` = mean log D(x) + mean log(1 − D(G(z))) (chapter 3)."""
    from ...theory import value_function

    cases = [
        ((fixed_uniform(16, 50, low=0.05, high=0.95, dtype="float64"),
          fixed_uniform(12, 51, low=0.05, high=0.95, dtype="float64")), {}),
        ((np.full(4, 0.5), np.full(4, 0.5)), {}),    # D = 1/2 everywhere: V = −log 4
    ]
    return check_function("check_value_function", fn, value_function.value_function_from_samples, cases,
                          atol=1e-8, rtol=1e-6,
                          hint="Chapter 3, eq. (13.4) with expectations replaced by sample means: real and fake "
                               "batches may differ in size, so average each term separately.")


def _generator_gradients_reference(d):
    from ...theory import saturation

    return saturation.grad_log_one_minus_d(d), saturation.grad_log_d(d)


def check_generator_gradients(fn) -> CheckResult:
    """``fn(d)`` = ``(d/do log(1 − D), d/do log D)`` at ``D = d``: ``(−d, 1 − d)`` (chapter 3)."""
    d = np.array([1e-4, 0.01, 0.1, 0.5, 0.9, 0.999])
    return check_function("check_generator_gradients", fn, _generator_gradients_reference, [((d,), {})],
                          atol=1e-10, rtol=1e-8,
                          hint="Chapter 3, eqs. (13.7)-(13.10): dD/do = D(1 − D), so the chain rule gives "
                               "d log(1 − D)/do = −D and d log D/do = 1 − D. Return the two arrays as a tuple.")
