"""gancourse.objectives.gan_losses against hand-computed values."""

import numpy as np
import pytest

from gancourse.objectives import gan_losses as losses


def test_log_d_and_log_one_minus_d_match_definitions():
    o = np.array([-3.0, 0.0, 2.0], np.float32)
    d = 1 / (1 + np.exp(-o))
    np.testing.assert_allclose(losses.log_d(o), np.log(d), rtol=1e-6)
    np.testing.assert_allclose(losses.log_one_minus_d(o), np.log(1 - d), rtol=1e-6)


def test_stable_at_saturation():
    o = np.array([-200.0, 200.0], np.float32)
    assert np.all(np.isfinite(losses.log_d(o))) and np.all(np.isfinite(losses.log_one_minus_d(o)))
    np.testing.assert_allclose(losses.log_d(o)[0], -200.0, rtol=1e-6)


def test_discriminator_loss_at_equilibrium_is_log4():
    # D = 1/2 everywhere (logit 0): -(log 1/2 + log 1/2) = log 4
    zeros = np.zeros(8, np.float32)
    np.testing.assert_allclose(losses.discriminator_loss(zeros, zeros), np.log(4.0), rtol=1e-6)


def test_discriminator_loss_hand_computed():
    real, fake = np.array([2.0], np.float32), np.array([-1.0], np.float32)
    expected = -(np.log(1 / (1 + np.exp(-2.0))) + np.log(1 - 1 / (1 + np.exp(1.0))))
    np.testing.assert_allclose(losses.discriminator_loss(real, fake), expected, rtol=1e-6)


def test_generator_losses_hand_computed():
    fake = np.array([-1.0, 1.0], np.float32)
    d = 1 / (1 + np.exp(-fake))
    np.testing.assert_allclose(losses.generator_loss_saturating(fake), np.mean(np.log(1 - d)), rtol=1e-6)
    np.testing.assert_allclose(losses.generator_loss_non_saturating(fake), -np.mean(np.log(d)), rtol=1e-6)
    np.testing.assert_allclose(losses.generator_loss(fake, "saturating"),
                               losses.generator_loss_saturating(fake))


def test_generator_loss_kind_errors():
    with pytest.raises(ValueError, match="kind must be one of"):
        losses.generator_loss(np.zeros(2), "wasserstein")
    with pytest.raises(TypeError, match="generator_loss must be a str"):
        losses.check_generator_loss_kind(1)
