"""Training a critic alone (gancourse.train.critic_training) and the critic's estimate over training
(gancourse.train.critic_snapshots, gancourse.evaluate.wasserstein_tracking)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
import keras
from gancourse.data.toy import ring_mixture
from gancourse.evaluate.wasserstein_tracking import estimate_tracks_quality
from gancourse.nets.critics import toy_critic
from gancourse.nets.toy import build_toy_generator
from gancourse.train import critic_training
from gancourse.train.critic_snapshots import CriticEstimates
from gancourse.train.wgan import WGANGP


def points(n=64, seed=0):
    return ring_mixture().sample(n, seed=seed)


def test_the_gradient_at_the_last_hidden_layer_is_the_output_weights_over_the_batch_sizes():
    # D(x) = w·h_L + b, so dL/dh_L is w/M for each fake row and -w/N for each real row:
    # its norm over both batches is |w| sqrt(1/M + 1/N), whatever the earlier layers are
    critic = toy_critic(2, hidden_units=(4, 3))
    w = np.array([[1.0], [2.0], [2.0]], np.float32)  # |w| = 3
    critic.get_layer("score").kernel.assign(w)
    real, fake = points(10, 0), points(40, 1)
    norms = critic_training.layer_gradient_norms(critic, real, fake)
    assert norms.shape == (2,)
    assert norms[-1] == pytest.approx(3.0 * np.sqrt(1 / 10 + 1 / 40), rel=1e-5)


def test_clipping_keeps_every_weight_in_the_box_and_small_c_makes_gradients_vanish_toward_the_input():
    keras.utils.set_random_seed(0)
    critic = toy_critic(2, hidden_units=(16,) * 6)
    real = points(256)
    fake = critic_training.noisy_copies(real, 1.0, seed=1)
    estimates = critic_training.train_critic(critic, real, fake, steps=20, clip_value=0.001)
    assert len(estimates) == 20
    assert max(float(np.abs(v.numpy()).max()) for v in critic.trainable_variables) <= 0.001 + 1e-9
    norms = critic_training.layer_gradient_norms(critic, real, fake)
    assert np.all(np.diff(np.log10(norms)) > 0), "each layer back toward the input shrinks the gradient"


def test_the_penalised_critic_learns_a_positive_estimate():
    keras.utils.set_random_seed(0)
    critic = toy_critic(2, hidden_units=(32, 32))
    real = points(512)
    estimates = critic_training.train_critic(critic, real, real + 2.0, steps=60, penalty_weight=10.0,
                                             optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9))
    # the two sets are the same ring shifted by (2, 2): W1 = 2.83, and a 1-Lipschitz critic stays below it
    assert 0.5 < estimates[-1] < 2.83 * 1.2


def test_exactly_one_constraint_is_asked_for():
    critic, real = toy_critic(2, hidden_units=(4,)), points(8)
    with pytest.raises(ValueError, match="exactly one"):
        critic_training.train_critic(critic, real, real, steps=1)
    with pytest.raises(ValueError, match="exactly one"):
        critic_training.train_critic(critic, real, real, steps=1, clip_value=0.1, penalty_weight=1.0)
    with pytest.raises(ValueError, match="Dense"):
        critic_training.layer_gradient_norms(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
                                             real, real)


def test_the_snapshots_hold_the_critics_estimate_on_the_fixed_sets():
    keras.utils.set_random_seed(0)
    model = WGANGP(build_toy_generator(2, 2, hidden_units=(8,)), toy_critic(2, hidden_units=(8,)), seed=0)
    model.compile()
    real, noise = points(50, 3), np.random.default_rng(4).standard_normal((30, 2)).astype(np.float32)
    snaps = CriticEstimates(real, noise, every_steps=2, batch_size=7)
    data = points(5 * 16)
    model.fit(data, batch_size=len(data), epochs=5, verbose=0, callbacks=[snaps])
    assert snaps.steps == [0, 2, 4, 5]
    by_hand = float(np.mean(model.discriminator(real)) - np.mean(model.discriminator(model.generator(noise))))
    assert snaps.estimates[-1] == pytest.approx(by_hand, abs=1e-5)
    assert len(snaps.samples) == 4 and snaps.samples[-1].shape == (30, 2)


def test_the_training_estimates_average_the_logged_estimate_between_snapshots_across_epochs():
    """Reference: the same seeded run with one step per epoch, whose history is each step's own value.

    The snapshots every 4 steps straddle the epochs of 6 steps, whose logs are running means that
    restart at every epoch: summing them naively (or forgetting the restart) gives other values.
    """
    from gancourse.data import training_stream

    def run(steps_per_epoch, epochs, callbacks=()):
        keras.utils.set_random_seed(0)
        model = WGANGP(build_toy_generator(2, 2, hidden_units=(8,)), toy_critic(2, hidden_units=(8,)), seed=0)
        model.compile()
        history = model.fit(training_stream(points(400, 1), batch_size=5 * 16, seed=2), epochs=epochs,
                            steps_per_epoch=steps_per_epoch, callbacks=list(callbacks), verbose=0)
        return history.history["wasserstein_estimate"]

    per_step = np.array(run(1, 12))
    snaps = CriticEstimates(points(20, 3), np.zeros((4, 2), np.float32), every_steps=4)
    run(6, 2, [snaps])
    assert snaps.steps == [0, 4, 8, 12] and math.isnan(snaps.training_estimates[0])
    expected = [per_step[0:4].mean(), per_step[4:8].mean(), per_step[8:12].mean()]
    np.testing.assert_allclose(snaps.training_estimates[1:], expected, rtol=1e-4)
    assert np.ptp(per_step) > 1e-2  # the steps differ, so a wrong window would show


def test_a_model_that_logs_no_estimate_gets_nan_training_estimates():
    keras.utils.set_random_seed(0)
    from gancourse.train.gan_trainer import GAN

    model = GAN(build_toy_generator(2, 2, hidden_units=(8,)), toy_critic(2, hidden_units=(8,)), seed=0)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    snaps = CriticEstimates(points(20, 3), np.zeros((4, 2), np.float32), every_steps=1)
    data = points(32)
    model.fit(data, batch_size=len(data), epochs=2, verbose=0, callbacks=[snaps])
    assert len(snaps.training_estimates) == 3 and all(math.isnan(v) for v in snaps.training_estimates)


def test_spearman_is_one_for_any_increasing_relation_and_refuses_short_lists():
    assert estimate_tracks_quality([1, 2, 3, 4], [1, 8, 27, 64])["spearman"] == 1.0
    assert estimate_tracks_quality([1, 2, 3, 4], [4, 3, 2, 1])["spearman"] == -1.0
    with pytest.raises(ValueError, match="same length"):
        estimate_tracks_quality([1, 2, 3], [1, 2])
    with pytest.raises(ValueError):
        estimate_tracks_quality([1, 2, np.nan], [1, 2, 3])
