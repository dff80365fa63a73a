"""Checks for the exercises of chapter 7: the 1-D Wasserstein distance, the critic's loss, the gradient penalty.

Each ``check_<concept>(fn)`` runs the learner's ``fn`` and a reference on
fixed, seeded inputs and explains any difference (see
:func:`gancourse.classroom.checks.core.check_function`).

| check | reference |
|---|---|
| :func:`check_wasserstein_1d` | :func:`scipy.stats.wasserstein_distance` |
| :func:`check_critic_loss` | :func:`gancourse.objectives.wasserstein.critic_loss` |
| :func:`check_gradient_penalty` | :func:`gancourse.objectives.gradient_penalty.gradient_penalty` |
| :func:`check_collapsed_panel` | multiple choice: which toy scatter plot shows mode collapse |
"""

from __future__ import annotations

import numpy as np

from .core import (
    _learner_choice,
    CheckResult,
    check_function,
    fixed_normal,
    fixed_uniform,
)

__all__ = ["check_wasserstein_1d", "check_critic_loss", "check_gradient_penalty", "check_collapsed_panel", "collapsed_panels",
           "COLLAPSED_PANEL_FEEDBACK"]


def _scipy_wasserstein(x, y):
    from scipy.stats import wasserstein_distance

    return float(wasserstein_distance(np.asarray(x, np.float64), np.asarray(y, np.float64)))


def check_wasserstein_1d(fn) -> CheckResult:
    """``fn(x, y)``: W1 between two 1-D samples of the same size (chapter 7, Example 1), atol 1e-6.

    The cases include samples given unsorted and two distributions that do
    not overlap at all, where W1 is the distance between them.
    """
    cases = [
        ((np.array([0.0, 1.0, 3.0]), np.array([5.0, 6.0, 8.0])), {}),          # shifted by 5: W1 = 5
        ((np.array([3.0, 0.0, 1.0]), np.array([1.0, 3.0, 0.0])), {}),          # the same sample, reordered: 0
        ((fixed_normal(200, 70).astype(np.float64), 2.0 + 0.5 * fixed_normal(200, 71).astype(np.float64)), {}),
    ]
    return check_function("check_wasserstein_1d", fn, _scipy_wasserstein, cases, atol=1e-6, rtol=1e-6,
                          hint="Chapter 7, 'the Earth-Mover distance in one dimension': the cheapest plan "
                               "moves the i-th smallest point of x to the i-th smallest point of y. Sort "
                               "both samples first, then average |x_(i) − y_(i)|.")


def check_critic_loss(fn) -> CheckResult:
    """``fn(real_scores, fake_scores)``: the loss the critic MINIMISES, mean D(G(z)) − mean D(x), atol 1e-5.

    A loss with the seed notes' sign (``D(x) − D(G(z))`` minimised) fails the
    first case with the opposite value.
    """
    from ...objectives import wasserstein

    cases = [
        ((np.array([[3.0], [5.0]], np.float32), np.array([[1.0], [1.0]], np.float32)), {}),    # 1 − 4 = −3
        ((fixed_normal((8, 1), 72, scale=3.0), fixed_normal((8, 1), 73, scale=3.0)), {}),
        ((fixed_normal((6, 1), 74), fixed_normal((10, 1), 75)), {}),                           # other sizes
    ]
    return check_function("check_critic_loss", fn, wasserstein.critic_loss, cases, atol=1e-5, rtol=1e-5,
                          hint="Chapter 7, 'the critic': the critic MAXIMISES mean D(x) − mean D(G(z)); an "
                               "optimiser minimises, so the loss is the negative of that objective. Average "
                               "each batch separately (the two batches may differ in size).")


def _linear_critic(weights):
    """A critic D(x) = x·w + 1 on flattened samples (NumPy in, a tensor out: GradientTape can watch it)."""
    import keras

    w = keras.ops.convert_to_tensor(np.asarray(weights, np.float32).reshape(-1, 1))

    def critic(x):
        flat = keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))
        return keras.ops.matmul(flat, w) + 1.0
    return critic


def _mlp_critic():
    """A fixed, seeded two-layer tanh critic for 2-D points (its input gradients differ from point to point)."""
    import keras

    w1 = keras.ops.convert_to_tensor(fixed_normal((2, 16), 76))
    w2 = keras.ops.convert_to_tensor(fixed_normal((16, 1), 77, scale=0.5))

    def critic(x):
        return keras.ops.matmul(keras.ops.tanh(keras.ops.matmul(x, w1)), w2)
    return critic


def _penalty_reference(critic, real, fake, alpha, weight):
    from ...objectives.gradient_penalty import gradient_penalty

    return gradient_penalty(critic, real, fake, alpha=alpha, weight=weight)


def check_gradient_penalty(fn) -> CheckResult:
    """``fn(critic, real, fake, alpha, weight)`` = weight · mean((‖∇D(x̂)‖₂ − 1)²), x̂ = αx + (1 − α)x̃; atol 1e-4.

    Cases: a linear critic with ‖w‖ = 2 (penalty λ(2 − 1)² = λ wherever x̂
    lies), a tanh MLP on 2-D points, and 4×4 images with α of shape (B, 1, 1, 1)
    (the norm runs over every axis but the batch).
    """
    real2, fake2 = fixed_normal((8, 2), 78), fixed_normal((8, 2), 79)
    alpha2 = fixed_uniform((8, 1), 80)
    real_img, fake_img = fixed_normal((4, 4, 4, 1), 81), fixed_normal((4, 4, 4, 1), 82)
    alpha_img = fixed_uniform((4, 1, 1, 1), 83)
    w_img = fixed_normal(16, 84)
    cases = [
        ((_linear_critic([2.0, 0.0]), real2, fake2, alpha2, 10.0), {}),
        ((_mlp_critic(), real2, fake2, alpha2, 10.0), {}),
        ((_linear_critic(w_img), real_img, fake_img, alpha_img, 0.1), {}),
    ]
    return check_function("check_gradient_penalty", fn, _penalty_reference, cases, atol=1e-4, rtol=1e-4,
                          hint="Chapter 7, WGAN-GP: build x̂ = α·real + (1 − α)·fake, watch it with a "
                               "tf.GradientTape, take the gradient of the critic's summed scores with respect "
                               "to x̂, its L2 norm per example over every non-batch axis, then "
                               "weight · mean((norm − 1)²).")


COLLAPSED_PANEL_FEEDBACK = {
    "A": "Panel A has a point cloud near every one of the eight centres; its samples are spread out (low "
         "quality), but no mode is missing. Spread is a quality problem, not mode collapse.",
    "B": "Panel B's points sit tightly on every one of the eight centres: nothing is missing there.",
    "C": "Count the centres that hold samples in C: three of eight. A generator that draws only a few of the "
         "modes, however sharp, has collapsed (模式崩溃).",
    "D": "One of the panels leaves modes empty: count the occupied centres in each.",
}
"""Feedback for each option of chapter 7's scatter-plot exercise (the right answer is C)."""


def collapsed_panels(seed: int = 0) -> dict:
    """The three sample sets of the exercise: ``"A"`` spread, ``"B"`` good, ``"C"`` three modes only (ring, 2500 each)."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(8) / 8
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def draw(modes, std):
        pick = rng.choice(modes, size=2500)
        return (centres[pick] + std * rng.standard_normal((2500, 2))).astype(np.float32)

    return {"A": draw(np.arange(8), 0.25), "B": draw(np.arange(8), 0.02), "C": draw(np.array([1, 2, 5]), 0.02)}


def check_collapsed_panel(answer) -> CheckResult:
    """``answer()``: which of the panels A, B, C (:func:`collapsed_panels`) shows mode collapse (``"D"``: none)? C."""
    hint = ("Chapter 7, the ring and grid lab: 'modes captured' counts the centres that hold at least one "
            "high-quality sample.")
    return _learner_choice("check_collapsed_panel", answer, "C", COLLAPSED_PANEL_FEEDBACK, hint)
