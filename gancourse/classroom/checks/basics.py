# Why this file is longer than 300 lines: one check per exercise of chapters 1-3, and the choice and
# number exercises carry the feedback for each wrong answer; the tests find the chapter checks in this module.
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

Exercises that ask for a step the chapter does not spell out (derive, choose,
diagnose) take a zero-argument function returning the answer: a letter,
checked by :func:`~gancourse.classroom.checks.core.check_choice_answer` with
feedback for each wrong option, or a number, checked with a tolerance, whose
failure names the mistake behind a known wrong value and never shows the
expected one.

| check | chapter | answer |
|---|---|---|
| :func:`check_ml_kl_direction` | 1 | choice: the KL that maximum likelihood minimises, and its effect on two modes |
| :func:`check_reverse_kl_light_mode` | 1 | number: KL(q‖p) for q on the light mode of a two-mode p |
| :func:`check_uniform_to_exponential` | 1 | number: the density of X = −log Z, Z ~ U(0, 1), at x = 2 |
| :func:`check_cheapest_kl` | 2 | number: the smallest KL of a latent dimension with mean 2 |
| :func:`check_zero_kl_diagnosis` | 2 | choice: what a KL term of 0 in a VAE's training log means |
| :func:`check_value_at_fixed_d` | 3 | number: V(G, D) for a D that is not optimal |
| :func:`check_jsd_partial_overlap` | 3 | number: the JSD of two half-overlapping uniform densities |
| :func:`check_saturation_remedy` | 3 | choice: what gets a generator stalled by the saturating loss learning again |
"""

from __future__ import annotations

import numpy as np

from .compare import _short, to_numpy
from .core import (
    CheckFailure,
    CheckResult,
    check_choice_answer,
    check_function,
    check_value,
    fixed_normal,
    fixed_uniform,
)

__all__ = [
    "check_kl_divergence", "check_gaussian_mle", "check_exp_normal_density",
    "check_reparameterize", "check_vae_kl", "check_bernoulli_log_likelihood",
    "check_js_divergence", "check_optimal_discriminator", "check_value_function",
    "check_generator_gradients",
    "check_ml_kl_direction", "check_reverse_kl_light_mode", "check_uniform_to_exponential",
    "check_cheapest_kl", "check_zero_kl_diagnosis",
    "check_value_at_fixed_d", "check_jsd_partial_overlap", "check_saturation_remedy",
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


# ------------------------------------------------------------------ answers that are a choice or a number

def _call_answer(answer):
    """Call a zero-argument answer function once: ``("value", v)``, ``("stub", None)`` or ``("error", exc)``.

    A value that is not callable is the answer itself; ``...`` (the usual placeholder) is a stub.
    """
    try:
        value = answer() if callable(answer) else answer
    except NotImplementedError:
        return "stub", None
    except Exception as exc:  # noqa: BLE001 - reported as the learner's error by the core check
        return "error", exc
    return ("stub", None) if value is Ellipsis else ("value", value)


def _raising(exc: BaseException):
    """A zero-argument function raising ``exc`` again (to report it through the core checks)."""
    def answer():
        raise exc
    return answer


def _failure(name: str, lines: list[str], hint: str) -> CheckFailure:
    message = "\n".join(lines + ([f"Hint: {hint}"] if hint else []))
    return CheckFailure(message, CheckResult(name, "failed", message))


def _check_choice(name: str, answer, expected: str, feedback: dict[str, str], hint: str) -> CheckResult:
    """:func:`check_choice_answer` on ``answer()``; a function that returns nothing is a failure, not a stub."""
    kind, value = _call_answer(answer)
    if kind == "stub":
        return check_choice_answer(name, Ellipsis, expected, feedback, hint=hint)
    if kind == "error":
        return check_choice_answer(name, _raising(value), expected, feedback, hint=hint)
    if value is None and callable(answer):
        raise _failure(name, [f"✗ {name}: expected one of the options {', '.join(sorted(feedback))} as a string, "
                              f"got None: your function returns nothing. End it with `return \"X\"`, "
                              f"X the letter of your answer."], hint)
    return check_choice_answer(name, value, expected, feedback, hint=hint)


def _as_number(value) -> float | None:
    """``value`` as a finite float when it is one real number (Python, NumPy or a tensor), else None."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        return None
    try:
        array = np.asarray(to_numpy(value))
    except Exception:  # noqa: BLE001 - anything that is not a number
        return None
    if array.size != 1 or array.dtype.kind not in "iuf":
        return None
    number = float(array.reshape(()))
    return number if np.isfinite(number) else None


def _check_number(name: str, answer, expected: float, *, atol: float, mistakes=(), hint: str = "") -> CheckResult:
    """The learner's number against ``expected`` (± ``atol``), without showing ``expected`` when it differs.

    ``mistakes`` pairs a known wrong value (or a predicate on the number) with
    the misconception it reveals, shown when the answer matches it.
    """
    kind, value = _call_answer(answer)
    if kind == "stub":
        return check_value(name, Ellipsis, expected, atol=atol, rtol=0.0, hint=hint)
    if kind == "error":
        return check_value(name, _raising(value), expected, atol=atol, rtol=0.0, hint=hint)
    number = _as_number(value)
    if number is not None and abs(number - expected) <= atol:
        return check_value(name, number, expected, atol=atol, rtol=0.0, hint=hint)
    shown = f"{number:.6g}" if number is not None else _short(repr(value), 80)
    lines = [f"✗ {name}: expected a number within ±{atol:g} of the answer (not shown: derive it), got {shown}."]
    if value is None:
        lines.append("  Your function returned None: is a `return` statement missing?")
    elif number is None:
        lines.append("  Return one finite real number (a Python float or a NumPy scalar), e.g. `return 0.25`.")
    else:
        for wrong, why in mistakes:
            if (wrong(number) if callable(wrong) else abs(number - wrong) <= atol):
                lines.append(f"  {why}")
                break
    raise _failure(name, lines, hint)


# ------------------------------------------------------------------ chapter 1: choose and derive

def check_ml_kl_direction(answer) -> CheckResult:
    """``answer()``: which KL maximum likelihood minimises, and what it does to two modes (chapter 1; C)."""
    feedback = {
        "A": "That is the reverse direction. Section 3 wrote the average log-likelihood as −H(p_data) − "
             "KL(p_data‖p_model): the expectation is over the data, so p_data comes first.",
        "B": "KL(p_data‖p_model) averages log(p_data/p_model) over the DATA: a mode of the data that gets "
             "almost no model probability makes that log huge. Would this direction let the model leave a "
             "mode uncovered?",
        "C": "Right: the average over the data punishes any uncovered mode, so the single Gaussian stretches over "
             "both and puts mass in the gap, where there are no data (mode covering).",
        "D": "KL is not symmetric: section 4 computed KL(P‖Q) ≠ KL(Q‖P) for one pair. The two directions punish "
             "different mistakes, so they give different fits.",
    }
    return _check_choice("check_ml_kl_direction", answer, "C", feedback,
                         hint="Chapter 1, sections 3 and 4: write both KLs as an expectation and ask where "
                              "log(p/q) becomes huge: where the distribution you average over has mass and "
                              "the other has almost none.")


def _reverse_kl_light_mode() -> float:
    """KL(q‖p) by quadrature: q = N(2, 0.6²), p = 0.8·N(−2, 0.6²) + 0.2·N(2, 0.6²)."""
    from ...objectives import divergences

    x = np.linspace(-12.0, 12.0, 48001)
    normal = lambda mean: np.exp(-0.5 * ((x - mean) / 0.6) ** 2) / (0.6 * np.sqrt(2 * np.pi))  # noqa: E731
    return divergences.kl_divergence_density(normal(2.0), 0.8 * normal(-2.0) + 0.2 * normal(2.0), x)


def check_reverse_kl_light_mode(answer) -> CheckResult:
    """``answer()`` = KL(q‖p) for q = the light component of a two-mode p (chapter 1; ≈ log 5, to 0.005)."""
    mistakes = [
        (-np.log(5.0), "KL is never negative: you have log(p/q) where KL(q‖p) needs log(q/p)."),
        (np.log(1.25), "That is the KL of a q sitting on the HEAVY mode (weight 0.8). This q sits on the light one."),
        (0.0, "q equals one component, but p is the whole mixture: where q has its mass, p(x) is only a "
              "fraction of q(x), so log(q/p) is not 0 there."),
        (lambda v: v > 5.0, "A large value means KL(p‖q): averaged over p, the heavy mode at −2 gets almost no "
                            "probability from q. The question asks for KL(q‖p), averaged over q."),
    ]
    return _check_number("check_reverse_kl_light_mode", answer, _reverse_kl_light_mode(), atol=0.005,
                         mistakes=mistakes,
                         hint="Chapter 1, section 4: KL(q‖p) = E_q[log q(x)/p(x)]. Where q has its mass (near "
                              "+2) the other component of p is negligible (6.7 standard deviations away), so "
                              "p(x) is about a constant times q(x).")


def check_uniform_to_exponential(answer) -> CheckResult:
    """``answer()`` = the density of X = −log Z, Z ~ U(0, 1), at x = 2 (chapter 1; e⁻², to 0.001)."""
    mistakes = [
        (-np.exp(-2.0), "A density is never negative: the rule uses the ABSOLUTE value |d f⁻¹(x)/dx|."),
        (1.0, "p_Z(f⁻¹(x)) = 1 is only half of the rule: multiply by |d f⁻¹(x)/dx|, how much the map "
              "stretches or squeezes the line at x."),
        (np.exp(2.0), "You used the derivative of f (|df/dz| = 1/z at z = e⁻²), not of the inverse map "
                      "f⁻¹(x) = e^(−x). The two are reciprocals."),
    ]
    return _check_number("check_uniform_to_exponential", answer, float(np.exp(-2.0)), atol=1e-3,
                         mistakes=mistakes,
                         hint="Chapter 1, section 7: p_X(x) = p_Z(f⁻¹(x))·|d f⁻¹(x)/dx|. Solve x = −log z "
                              "for z, differentiate, and remember that p_Z = 1 on (0, 1).")


# ------------------------------------------------------------------ chapter 2: derive and diagnose

def check_cheapest_kl(answer) -> CheckResult:
    """``answer()`` = min over σ² of KL(N(2, σ²) ‖ N(0, 1)) in nats (chapter 2; 2.0, to 0.001)."""
    mistakes = [
        (4.0, "Check the factor ½ in −½(1 + log σ² − μ² − σ²)."),
        (0.0, "KL = 0 only when q is the prior N(0, 1) itself. With the mean fixed at 2 no variance can "
              "cancel the μ² term."),
        (0.5 * (4.0 + 4.0 - 1.0 - np.log(4.0)), "You set σ = μ = 2. Minimise over σ² instead: set the "
                                                "derivative of the KL with respect to σ² to zero."),
    ]
    return _check_number("check_cheapest_kl", answer, 2.0, atol=1e-3, mistakes=mistakes,
                         hint="Chapter 2, 'the KL term': for one dimension KL = −½(1 + log σ² − μ² − σ²). "
                              "Only two terms depend on σ²; differentiate them and solve.")


def check_zero_kl_diagnosis(answer) -> CheckResult:
    """``answer()``: a VAE logs KL = 0 and a reconstruction stuck at the average digit's (chapter 2; B)."""
    feedback = {
        "A": "The KL in the loss is to the PRIOR N(0, I), not to the true posterior p(z|x). A KL of 0 says "
             "q(z|x) is the prior itself, for every image: nothing about the image is in the code.",
        "B": "Right: q(z|x) = N(0, I) whatever x is, so z carries no information about the image and the "
             "decoder learns to ignore it (posterior collapse).",
        "C": "Averaging over the d latent dimensions divides the KL by d; it does not turn a positive KL into "
             "exactly 0. And the stuck reconstruction says more: the decoder is not using the code.",
        "D": "Tiny variances make the KL large, not zero: the term −½ log σ² grows without bound as σ² → 0.",
    }
    return _check_choice("check_zero_kl_diagnosis", answer, "B", feedback,
                         hint="Chapter 2, 'the KL term': when is −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²) exactly "
                              "0, and what does a code drawn from that q(z|x) tell the decoder about x?")


# ------------------------------------------------------------------ chapter 3: derive and choose

def check_value_at_fixed_d(answer) -> CheckResult:
    """``answer()`` = V(G, D) for U(0, 2) data, U(1, 3) fakes and D = 0.9, 0.5, 0.1 (chapter 3; log 0.45)."""
    mistakes = [
        (-np.log(4.0), "−log 4 is V for D ≡ ½ everywhere. This D is 0.9 and 0.1 where only one of the two "
                       "distributions lives."),
        (-np.log(2.0), "That is max_D V = C(G), reached by the optimal discriminator (1, ½, 0 on the three "
                       "parts). This D is not optimal, so V is lower."),
        (np.log(0.45) + 0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.1 / 0.5),
         "For the generated samples the value function has log(1 − D(x)), not log D(x)."),
        (2.0 * np.log(0.45), "The densities of U(0, 2) and U(1, 3) are ½, not 1: each expectation weights "
                             "its two parts by ½."),
    ]
    return _check_number("check_value_at_fixed_d", answer, float(np.log(0.45)), atol=1e-3, mistakes=mistakes,
                         hint="Chapter 3, eq. (13.4): V = ∫ p_data log D + ∫ p_g log(1 − D). Split the line "
                              "into [0, 1), [1, 2] and (2, 3], where both densities and D are constant.")


def check_jsd_partial_overlap(answer) -> CheckResult:
    """``answer()`` = JSD(U(0, 2) ‖ U(1, 3)) in nats (chapter 3; ½ log 2, to 0.001)."""
    mistakes = [
        (np.log(2.0), "log 2 is the JSD of distributions that do not overlap at all; these two share [1, 2]."),
        (0.5, "0.5 is a share of probability mass, not a divergence in nats: where does the logarithm go?"),
        (0.25 * np.log(2.0), "JSD = ½ KL(P‖M) + ½ KL(Q‖M) is the AVERAGE of the two KLs: check whether "
                             "you halved once too often."),
        (0.0, "JSD = 0 only for identical distributions; these two differ on [0, 1) and (2, 3]."),
    ]
    return _check_number("check_jsd_partial_overlap", answer, float(0.5 * np.log(2.0)), atol=1e-3,
                         mistakes=mistakes,
                         hint="Chapter 3, section 3: M = (P + Q)/2 is piecewise constant (¼, ½, ¼ on [0, 1), "
                              "[1, 2], (2, 3]). Compute KL(P‖M) piece by piece; KL(Q‖M) is the same by symmetry.")


def check_saturation_remedy(answer) -> CheckResult:
    """``answer()``: what gets a generator stalled by the saturating loss learning again (chapter 3; B)."""
    feedback = {
        "A": "A stronger discriminator pushes D(G(z)) even closer to 0, where log(1 − D) is flatter still: the "
             "generator's gradient, −D(G(z))·∇o, shrinks further.",
        "B": "Right: −log D(G(z)) has the same fixed point, but its slope −(1 − D(G(z)))·∇o stays large exactly "
             "where D rejects the fakes.",
        "C": "The gradient of log(1 − D(G(z))) is −D(G(z))·∇o: at D(G(z)) ≈ 0.001 it is 500 times smaller than "
             "at ½, and it keeps shrinking as D improves. A tenfold step does not make up for that.",
        "D": "The generator is not the problem, its loss is: the slope vanishes where D rejects the fakes. A loss "
             "with the same fixed point and a large slope there lets the same generator learn.",
    }
    return _check_choice("check_saturation_remedy", answer, "B", feedback,
                         hint="Chapter 3, section 7: the generator learns from the SLOPE of its loss. On the plot, "
                              "how steep is each loss where D rejects the fakes (D(G(z)) ≈ 0.001 is o ≈ −7)?")
