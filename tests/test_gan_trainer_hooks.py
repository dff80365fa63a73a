"""The GAN trainer's hooks (docs/architecture.md): each does what its name says, checked on tiny networks."""

from __future__ import annotations

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
import keras
from gancourse.data import training_stream
from gancourse.objectives import gan_losses
from gancourse.train.gan_trainer import GAN

LATENT = 3


def tiny_networks(out_units: int = 1):
    generator = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(4, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(out_units)])
    return generator, discriminator


def points(n: int = 64) -> np.ndarray:
    return np.random.default_rng(0).uniform(-1, 1, (n, 4)).astype("float32")


def compiled(cls=GAN, **compile_kwargs):
    keras.utils.set_random_seed(0)
    model = cls(*tiny_networks(), seed=0)
    model.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), **compile_kwargs)
    return model


def test_latent_dim_is_read_from_the_generator_and_checked():
    generator, discriminator = tiny_networks()
    assert GAN(generator, discriminator).latent_dim == LATENT
    with pytest.raises(ValueError, match=r"latent_dim is 5 but the generator's input takes z of size 3"):
        GAN(generator, discriminator, 5)


def test_a_discriminator_with_the_wrong_output_is_refused_when_the_gan_is_built():
    generator, _ = tiny_networks()
    classifier = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match=r"one logit per sample, shape \(N, 1\).*\(None, 10\)"):
        GAN(generator, classifier)
    wrong_input = keras.Sequential([keras.Input((7,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"cannot take the generator's samples of shape \(None, 4\)"):
        GAN(generator, wrong_input)


class Doubled(GAN):
    """A generator hook: every sample goes through generate(), so doubling there shows everywhere."""

    def generate(self, z, condition=None, training=False):
        return 2.0 * self.generator(z, training=training)


def test_call_and_sample_draw_through_generate():
    model = Doubled(*tiny_networks(), seed=0)
    z = np.ones((2, LATENT), "float32")
    np.testing.assert_allclose(np.asarray(model(z)), 2.0 * np.asarray(model.generator(z)), rtol=1e-6)
    from gancourse.nets.latent import latent_noise

    expected = 2.0 * np.asarray(model.generator(latent_noise(5, LATENT, 1)))
    np.testing.assert_allclose(model.sample(5, seed=1, batch_size=2), expected, rtol=1e-6)


def test_apply_gradients_returns_the_global_gradient_norm():
    model = compiled()
    variable = keras.Variable(np.array([3.0, 4.0], "float32"))
    import tensorflow as tf

    optimizer = keras.optimizers.SGD(0.0)
    optimizer.build([variable])
    with tf.GradientTape() as tape:
        loss = keras.ops.sum(variable * keras.ops.convert_to_tensor([3.0, 4.0]))  # gradient (3, 4)
    assert float(model.apply_gradients(optimizer, tape, loss, [variable])) == pytest.approx(5.0)


def test_training_logs_both_gradient_norms_and_evaluation_logs_none():
    model = compiled()
    history = model.fit(training_stream(points(), batch_size=16), steps_per_epoch=3, epochs=1, verbose=0)
    assert history.history["d_grad_norm"][-1] > 0 and history.history["g_grad_norm"][-1] > 0
    scores = model.evaluate(training_stream(points(), batch_size=16), steps=2, verbose=0, return_dict=True)
    assert set(scores) == {"d_loss", "g_loss", "d_real", "d_fake", "d_accuracy"}


class CountingCritic(GAN):
    """Counts critic updates and records the real batches the critic saw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.updates = keras.Variable(0, dtype="int32", trainable=False)

    def after_discriminator_update(self):
        self.updates.assign_add(1)


def test_n_critic_runs_the_after_update_hook_after_every_critic_step():
    model = compiled(CountingCritic, n_critic=5)
    model.fit(training_stream(points(), batch_size=16), steps_per_epoch=2, epochs=1, verbose=0)
    assert int(model.updates.numpy()) == 10 and model.steps_done == 2


class Clipped(GAN):
    def after_discriminator_update(self):
        for w in self.discriminator.trainable_variables:
            w.assign(keras.ops.clip(w, -0.01, 0.01))


def test_the_after_update_hook_sees_the_updated_weights():
    """Clipping in the hook leaves every critic weight inside [-c, c] after training (clip after the update)."""
    model = compiled(Clipped)
    model.fit(training_stream(points(), batch_size=16), steps_per_epoch=3, epochs=1, verbose=0)
    assert max(float(np.abs(w.numpy()).max()) for w in model.discriminator.trainable_variables) <= 0.01 + 1e-7


class Penalised(GAN):
    """A penalty of exactly 7 on D: logged as d_penalty and added to the loss inside D's tape."""

    metric_names = GAN.metric_names + ("d_penalty",)

    def discriminator_penalty(self, real, fake, condition):
        return 7.0 + 0.0 * keras.ops.mean(self.discriminate(real, condition, training=True))


def test_the_penalty_is_added_to_the_discriminator_loss_and_logged():
    model = compiled(Penalised)
    history = model.fit(training_stream(points(), batch_size=16), steps_per_epoch=1, epochs=1, verbose=0)
    assert history.history["d_penalty"][-1] == pytest.approx(7.0)
    assert history.history["d_loss"][-1] > 7.0  # BCE (> 0) plus the penalty


class Critic(GAN):
    """Wasserstein-style losses through the loss hooks."""

    def discriminator_loss_fn(self, real_logits, fake_logits):
        return keras.ops.mean(fake_logits) - keras.ops.mean(real_logits)

    def generator_loss_fn(self, fake_logits):
        return -keras.ops.mean(fake_logits)


def test_the_loss_hooks_replace_both_losses():
    model = compiled(Critic)
    history = model.fit(training_stream(points(), batch_size=16), steps_per_epoch=1, epochs=1, verbose=0)
    bce = float(gan_losses.discriminator_loss(np.zeros((16, 1)), np.zeros((16, 1))))
    assert history.history["d_loss"][-1] != pytest.approx(bce)  # not the BCE of the default hook
    assert abs(history.history["d_loss"][-1]) < 5.0


class FrozenLookahead(GAN):
    """The generator trained through a discriminator whose output is 0 for every input: no gradient reaches G."""

    def discriminator_for_generator(self, real, fake, condition):
        assert real is not None and fake is not None  # both batches are passed (an unrolled GAN needs them)
        return lambda x, condition=None, training=False: 0.0 * self.discriminate(x, condition, training=training)


def test_the_generator_goes_through_discriminator_for_generator():
    model = compiled(FrozenLookahead)
    before = [w.numpy().copy() for w in model.generator.trainable_variables]
    history = model.fit(training_stream(points(), batch_size=16), steps_per_epoch=2, epochs=1, verbose=0)
    after = [w.numpy() for w in model.generator.trainable_variables]
    assert history.history["g_grad_norm"][-1] == pytest.approx(0.0)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
