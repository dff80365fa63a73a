"""Chapter 7's exercise checks (gancourse.classroom.checks.wasserstein): right answers pass, known mistakes fail."""

from __future__ import annotations

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse.classroom import checks
from gancourse.classroom.checks.core import CheckFailure
from gancourse.config import import_tensorflow
from gancourse.evaluate.coverage import mode_coverage

tf = import_tensorflow()


def sorted_w1(x, y):
    return float(np.mean(np.abs(np.sort(x) - np.sort(y))))


def test_w1_by_sorting_passes_and_pairing_in_the_given_order_fails():
    assert checks.check_wasserstein_1d(sorted_w1).passed
    with pytest.raises(CheckFailure, match="Sort"):
        checks.check_wasserstein_1d(lambda x, y: float(np.mean(np.abs(np.asarray(x) - np.asarray(y)))))


def test_the_critic_loss_with_the_seed_notes_sign_fails_with_the_opposite_value():
    assert checks.check_critic_loss(lambda r, f: np.mean(f) - np.mean(r)).passed
    with pytest.raises(CheckFailure, match="MAXIMISES"):
        checks.check_critic_loss(lambda r, f: np.mean(r) - np.mean(f))
    # one mean over both batches together is wrong when their sizes differ (case 3)
    with pytest.raises(CheckFailure):
        checks.check_critic_loss(lambda r, f: np.mean(np.concatenate([np.asarray(f), -np.asarray(r)])) * 2)


def tape_penalty(critic, real, fake, alpha, weight):
    x_hat = tf.constant(alpha * real + (1 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(grads, (grads.shape[0], -1))), axis=1))
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def test_a_tape_penalty_passes_and_known_slips_fail():
    assert checks.check_gradient_penalty(tape_penalty).passed

    def no_square(critic, real, fake, alpha, weight):  # weight * mean(|norm - 1|)
        return tf.sqrt(tape_penalty(critic, real, fake, alpha, weight) / weight) * weight

    def norm_over_last_axis_only(critic, real, fake, alpha, weight):  # wrong for images (case 3)
        x_hat = tf.constant(alpha * real + (1 - alpha) * fake)
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat)
        norms = tf.norm(tape.gradient(scores, x_hat), axis=-1)
        return weight * tf.reduce_mean(tf.square(norms - 1.0))

    for wrong in (no_square, norm_over_last_axis_only):
        with pytest.raises(CheckFailure):
            checks.check_gradient_penalty(wrong)


def test_the_linear_case_is_lambda_times_norm_minus_one_squared():
    critic = checks.wasserstein._linear_critic([2.0, 0.0])
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    alpha = np.full((5, 1), 0.3, np.float32)
    assert float(tape_penalty(critic, x, -x, alpha, 10.0)) == pytest.approx(10.0, rel=1e-5)


def test_the_collapsed_panel_is_the_one_with_three_modes():
    panels = checks.collapsed_panels()
    means = 2.0 * np.stack([np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], 1)
    covered = {k: mode_coverage(v, means, 0.02)["modes_covered"] for k, v in panels.items()}
    assert covered == {"A": 8, "B": 8, "C": 3}
    assert checks.check_collapsed_panel("c").passed
    for wrong in ("A", "B", "D"):
        with pytest.raises(CheckFailure, match=wrong):
            checks.check_collapsed_panel(wrong)
    assert checks.check_collapsed_panel(...).status == "not_implemented"
    with pytest.raises(CheckFailure, match="got None"):  # a function without `return`, as the other chapters
        checks.check_collapsed_panel(lambda: None)
