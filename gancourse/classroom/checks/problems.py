"""Checks for the exercises of chapter 8: diagnosing a run, the conditional input, instance noise, the Dirac-GAN.

Each ``check_<concept>(fn)`` runs the learner's ``fn`` and a reference on
fixed inputs and explains any difference (see
:func:`gancourse.classroom.checks.core.check_function`).

| check | reference |
|---|---|
| :func:`check_run_diagnosis` | multiple choice on :func:`mystery_run`'s curves; the readout's :func:`~gancourse.train.health_rules.diagnose` agrees |
| :func:`check_conditional_input` | ``[z, one_hot(y)]``, the first layer's input of :func:`gancourse.nets.conditional.conditional_generator` |
| :func:`check_noise_schedule` | :func:`gancourse.train.instance_noise.instance_noise_std` (linear) |
| :func:`check_dirac_field` | the negative loss gradients of the Dirac-GAN (Mescheder et al. 2018, §2.2) with an R1 penalty |
"""

from __future__ import annotations

import math

import numpy as np

from .core import CheckResult, _learner_choice, check_function, fixed_normal

__all__ = ["check_run_diagnosis", "mystery_run", "RUN_DIAGNOSIS_FEEDBACK", "check_conditional_input",
           "check_noise_schedule", "check_dirac_field", "dirac_field_reference"]


# --------------------------------------------------------------------------- exercise 1: diagnose a run

def mystery_run(seed: int = 0) -> list:
    """The readings of the run in exercise 1: 20 checks, one every 100 steps, as the health readout keeps them.

    D(x) climbs from about 0.55 to 0.97 and D(G(z)) falls from 0.45 to 0.03
    (D wins from about step 800 on), while G's gradient norm *grows* from
    about 2 to 25 (the non-saturating loss keeps passing gradients); D's own
    gradient norm falls as it becomes sure. Small fixed noise on every curve,
    no coverage probe. A list of :class:`gancourse.train.health_rules.Reading`.
    """
    from ...train.health_rules import Reading

    rng = np.random.default_rng(seed)
    steps = np.arange(100, 2001, 100)
    ramp = 1.0 / (1.0 + np.exp(-(steps - 600) / 150.0))  # 0 -> 1 around step 600
    d_real = 0.55 + 0.42 * ramp + rng.normal(0, 0.004, steps.size)
    d_fake = 0.45 - 0.42 * ramp + rng.normal(0, 0.004, steps.size)
    g_norm = 2.0 + 23.0 * ramp * (0.9 + 0.2 * rng.random(steps.size))
    d_norm = 1.0 - 0.9 * ramp + rng.normal(0, 0.02, steps.size)
    return [Reading(step=int(s), d_real=float(r), d_fake=float(f), d_loss=float(-np.log(r) - np.log(1 - f)),
                    g_loss=float(-np.log(f)), d_grad_norm=float(dn), g_grad_norm=float(gn))
            for s, r, f, gn, dn in zip(steps, d_real, d_fake, g_norm, d_norm)]


RUN_DIAGNOSIS_FEEDBACK = {
    "A": "D(x) near 0.97 and D(G(z)) near 0.03 mean D tells almost every real from every fake: that is not the "
         "balance (D near 1/2) of a healthy run.",
    "B": "Look at the generator's gradient norm: it grows to about 25 instead of falling to a tenth of its peak. "
         "D wins, but its gradients still reach G, as the non-saturating loss promises; the saturating loss "
         "would pass on only −D(G(z)) ≈ −0.03 per fake.",
    "C": "Right: D wins (D(x) ≥ 0.9, D(G(z)) ≤ 0.1), and G's gradients have not vanished.",
    "D": "The curves move once, from balance to D winning, and then stay: no swing comes back, so nothing "
         "oscillates.",
}
"""Feedback for each option of exercise 1 (the right answer is C)."""


def check_run_diagnosis(answer) -> CheckResult:
    """``answer()``: what state :func:`mystery_run` ends in? A healthy, B vanishing gradients, C D wins but G
    still gets gradients, D oscillating. C (the readout's ``diagnose`` says ``discriminator_wins``)."""
    hint = ("Chapter 8, 'the health readout': vanishing gradients need BOTH D winning and G's gradient norm "
            "at a tenth of its peak or less. Read each panel against its rule.")
    return _learner_choice("check_run_diagnosis", answer, "C", RUN_DIAGNOSIS_FEEDBACK, hint)


# --------------------------------------------------------------------------- exercise 2: the conditional input

def _conditional_input_reference(z, labels, n_classes):
    z = np.asarray(z, np.float32)
    return np.concatenate([z, np.eye(n_classes, dtype=np.float32)[np.asarray(labels, int)]], axis=1)


def _compare_conditional_input(got, expected):
    got = np.asarray(got)
    if got.shape != expected.shape:
        return (f"expected shape {expected.shape} (latent_dim + n_classes columns), got {got.shape}. "
                "Each label must become a vector of n_classes numbers, not one number.")
    width = expected.shape[1]
    for k in range(1, width):
        if np.allclose(got, np.roll(expected, k, axis=1), atol=1e-6):
            return ("your columns hold the right numbers in another order: put z first and the one-hot "
                    "label after it, [z, one_hot(y)], as the generator's first layer expects.")
    if not np.allclose(got, expected, atol=1e-6):
        rows = np.where(~np.all(np.isclose(got, expected, atol=1e-6), axis=1))[0]
        return (f"row {rows[0]} differs: expected {np.round(expected[rows[0]], 3).tolist()}, "
                f"got {np.round(got[rows[0]], 3).tolist()}.")
    return None


def check_conditional_input(fn) -> CheckResult:
    """``fn(z, labels, n_classes)`` = ``[z, one_hot(labels)]``, shape ``(N, latent_dim + n_classes)``; atol 1e-6.

    Cases: MNIST's ten classes with a repeated label and the last class (9),
    and three classes. Columns in another order get their own explanation.
    """
    cases = [
        ((fixed_normal((4, 3), 90), np.array([0, 2, 9, 2]), 10), {}),
        ((fixed_normal((5, 2), 91), np.array([2, 1, 0, 1, 2]), 3), {}),
    ]
    return check_function("check_conditional_input", fn, _conditional_input_reference, cases,
                          compare=_compare_conditional_input,
                          hint="Chapter 8, 'the conditional GAN': turn each label y into a one-hot vector of "
                               "n_classes numbers (1 at position y, 0 elsewhere) and join it to z along the "
                               "feature axis.")


# --------------------------------------------------------------------------- exercise 3: instance noise

def _noise_reference(step, initial_std, anneal_steps):
    from ...train.instance_noise import instance_noise_std

    return float(instance_noise_std(step, initial_std, anneal_steps, "linear"))


def _compare_noise(got, expected):
    try:
        got = float(np.asarray(got, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return f"expected one number σ = {expected:g}, got {got!r:.60}."
    if not math.isfinite(got):
        return f"expected a finite σ, got {got}."
    if got < 0:
        return (f"expected σ = {expected:g}, got {got:g}: a negative standard deviation. After anneal_steps "
                "the schedule must stay at 0, not keep falling.")
    if abs(got - expected) > 1e-6 + 1e-6 * abs(expected):
        return f"expected σ = {expected:g}, got {got:g}."
    return None


def check_noise_schedule(fn) -> CheckResult:
    """``fn(step, initial_std, anneal_steps)``: the linear instance-noise σ, exactly 0 from ``anneal_steps`` on.

    Cases: the start, halfway, the end, past the end (a schedule that keeps
    falling goes negative there), and a step that is not a round fraction.
    """
    cases = [((0, 0.2, 800), {}), ((400, 0.2, 800), {}), ((800, 0.2, 800), {}), ((1200, 0.2, 800), {}),
             ((37, 1.5, 100), {})]
    return check_function("check_noise_schedule", fn, _noise_reference, cases, compare=_compare_noise,
                          hint="Chapter 8, 'instance noise': σ(t) falls linearly from σ₀ at t = 0 to 0 at "
                               "t = T, and stays 0 for every later step.")


# --------------------------------------------------------------------------- exercise 4: the Dirac-GAN

def _sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def dirac_field_reference(theta, psi, gamma):
    """``(dθ, dψ)``: the negative gradients of G's and D's losses in the Dirac-GAN, D with an R1 penalty.

    The course's convention: real data at 0, the generator's one sample at θ,
    D's logit ψ·x. D minimises softplus(−ψ·0) + softplus(ψθ) + (γ/2)ψ² (BCE,
    plus R1 = (γ/2)‖∇ₓ(ψx)‖² at the real point); G minimises the
    non-saturating softplus(−ψθ). So dθ = ψ·σ(−ψθ) and dψ = −θ·σ(ψθ) − γψ.
    """
    theta, psi, gamma = float(theta), float(psi), float(gamma)
    return float(psi * _sigmoid(-psi * theta)), float(-theta * _sigmoid(psi * theta) - gamma * psi)


def _compare_field(got, expected):
    got = np.asarray(got, dtype=float).ravel()
    if got.shape != (2,):
        return f"expected two numbers (d_theta, d_psi), got {got.size}."
    if np.allclose(got, -np.asarray(expected), atol=1e-6):
        return "both signs are flipped: return the NEGATIVE gradients, the directions each player moves in."
    if not np.allclose(got, expected, atol=1e-6, rtol=1e-5):
        return f"expected (d_theta, d_psi) = {np.round(expected, 6).tolist()}, got {np.round(got, 6).tolist()}."
    return None


def check_dirac_field(fn) -> CheckResult:
    """``fn(theta, psi, gamma)`` = ``(dθ, dψ)`` of :func:`dirac_field_reference`; atol 1e-6.

    Cases: γ = 0 at two points (the plain game), then γ = 1 and γ = 0.3 (a
    field without the R1 term passes the first two and fails these).
    """
    cases = [((1.0, 0.0, 0.0), {}), ((0.5, -0.8, 0.0), {}), ((0.5, -0.8, 1.0), {}), ((-1.2, 0.7, 0.3), {})]
    return check_function("check_dirac_field", fn, dirac_field_reference, cases, compare=_compare_field,
                          hint="Chapter 8, 'the Dirac-GAN': differentiate each player's loss with respect to "
                               "its own parameter (d/dt softplus(t) = σ(t)); the R1 term (γ/2)ψ² adds γψ to "
                               "D's gradient, since ∇ₓ(ψx) = ψ.")
