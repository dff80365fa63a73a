"""The conditional GAN (gancourse.nets.conditional, gancourse.train.conditional).

Reference facts: the label reaches G only through the one-hot rows of its
first layer; D's logit is the unconditional logit plus embed(y)·φ(x) (so a
zero embedding makes D ignore the label); fakes are drawn for the real
batch's labels; the grid keeps one z per column; training resumes exactly and
repeats under a seed.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from resume_helpers import assert_resumes_exactly

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse.data import training_stream
from gancourse.evaluate.report import generate_samples
from gancourse.nets.conditional import (
    conditional_discriminator,
    conditional_networks,
    label_classes,
)
from gancourse.nets.dcgan import dcgan_discriminator, dcgan_generator
from gancourse.nets.latent import latent_noise
from gancourse.train.conditional import (
    ConditionalGAN,
    balanced_labels,
    check_labels,
    conditional_sample_grid,
    samples_per_class,
)
from gancourse.train.snapshots import SampleGrid

LATENT = 8


def small_pair(seed=0):
    keras.utils.set_random_seed(seed)
    return conditional_networks(LATENT, width=4)


def data(n=80):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32"), (np.arange(n) % 10).astype("int64")


def compiled(init_seed=0, cls=ConditionalGAN):
    gan = cls(*small_pair(init_seed), seed=7)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


# ------------------------------------------------------------------ networks
def test_the_networks_take_labels_and_give_images_and_one_logit():
    g, d = small_pair()
    z = latent_noise(5, LATENT, 0)
    labels = np.arange(5, dtype="int32")
    images = np.asarray(g([z, labels]))
    assert images.shape == (5, 28, 28, 1) and np.abs(images).max() <= 1.0
    assert tuple(d([images, labels]).shape) == (5, 1)
    assert label_classes(g) == label_classes(d) == 10 and label_classes(dcgan_generator(4, width=4)) is None


def test_the_label_reaches_the_generator_only_through_the_one_hot_rows_of_its_first_layer():
    g, _ = small_pair()
    z = np.repeat(latent_noise(1, LATENT, 0), 2, axis=0)
    two_digits = np.array([3, 8], "int32")
    images = np.asarray(g([z, two_digits]))
    assert not np.allclose(images[0], images[1])  # same z, other digit: another image
    project = g.get_layer("project")
    kernel = project.get_weights()[0]
    kernel[LATENT:] = 0.0  # rows LATENT.. multiply the one-hot label
    project.set_weights([kernel])
    images = np.asarray(g([z, two_digits]))
    np.testing.assert_allclose(images[0], images[1], atol=1e-6)


def test_the_discriminator_adds_embed_y_dot_features_to_the_unconditional_logit():
    keras.utils.set_random_seed(0)
    d = conditional_discriminator(width=4)
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    ones, fives = np.full(4, 1, "int32"), np.full(4, 5, "int32")
    # the embedding starts at zero: at first D ignores the label
    np.testing.assert_allclose(np.asarray(d([x, ones])), np.asarray(d([x, fives])), atol=1e-6)
    table = np.random.default_rng(1).normal(size=d.get_layer("label_embedding").get_weights()[0].shape)
    d.get_layer("label_embedding").set_weights([table.astype("float32")])
    features = np.asarray(keras.Model(d.inputs[0], d.get_layer("flatten").output)(x))
    difference = np.asarray(d([x, ones])) - np.asarray(d([x, fives]))
    np.testing.assert_allclose(difference.ravel(), features @ (table[1] - table[5]), rtol=1e-4, atol=1e-4)


def test_the_gan_refuses_unconditional_networks_and_a_wrong_class_count():
    g, d = small_pair()
    with pytest.raises(ValueError, match="generator must take two inputs"):
        ConditionalGAN(dcgan_generator(LATENT, width=4), d)
    with pytest.raises(ValueError, match="discriminator must take two inputs"):
        ConditionalGAN(g, dcgan_discriminator(width=4))
    with pytest.raises(ValueError, match="n_classes is 7 but the networks take"):
        ConditionalGAN(g, d, n_classes=7)
    assert ConditionalGAN(g, d).n_classes == 10


# ------------------------------------------------------------------ training
class RecordLabels(ConditionalGAN):
    """Records the labels each generator call is given, and the labels D sees with the fakes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = keras.Variable(np.zeros((2, 16), "int32"), trainable=False)

    def discriminator_step(self, real, fake, condition=None):
        self.seen.assign(keras.ops.stack([keras.ops.cast(condition, "int32"),
                                          keras.ops.cast(self.fake_labels, "int32")]))
        return super().discriminator_step(real, fake, condition)

    def generate(self, z, condition=None, training=False):
        self.fake_labels = self._labels(condition, keras.ops.shape(z)[0])
        return super().generate(z, condition, training)


def test_fakes_are_drawn_for_the_labels_of_the_real_batch():
    x, y = data()
    gan = compiled(cls=RecordLabels)
    gan.fit(training_stream(x, y, batch_size=16, seed=2), steps_per_epoch=1, epochs=1, verbose=0)
    real_labels, fake_labels = gan.seen.numpy()
    np.testing.assert_array_equal(real_labels, fake_labels)
    assert len(set(real_labels.tolist())) > 1  # a real mix of digits, not a constant


def test_a_batch_without_labels_is_refused_with_how_to_fix_it():
    gan = compiled()
    with pytest.raises(ValueError, match=r"\(images, labels\) batches"):
        gan.split_batch(np.zeros((2, 28, 28, 1), "float32"))


def test_fit_works_on_arrays_and_streams_and_logs_the_plain_gan_s_metrics():
    x, y = data()
    gan = compiled()
    history = gan.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert {"d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm"} <= set(history.history)
    gan.fit(training_stream(x, y, batch_size=16), steps_per_epoch=2, epochs=1, verbose=0)
    assert gan.steps_done == 5 + 2


def fit_from_checkpoint(gan, ckpt, extra=()):
    x, y = data()
    start = ckpt.restore(gan)
    gan.fit(training_stream(x, y, batch_size=16, seed=3, start_step=start.step), epochs=3, steps_per_epoch=3,
            initial_epoch=start.epoch, callbacks=[ckpt, *extra], verbose=0)


def test_an_interrupted_conditional_run_resumes_to_identical_weights(tmp_path):
    expected = assert_resumes_exactly(lambda init_seed: compiled(init_seed=init_seed), fit_from_checkpoint, tmp_path)
    table = tuple(compiled().discriminator.get_layer("label_embedding").embeddings.shape)
    assert any(key.startswith("d/") and value.shape == table for key, value in expected.items())  # embedding


def test_two_seeded_conditional_runs_give_identical_losses():
    x, y = data()
    logs = [compiled().fit(training_stream(x, y, batch_size=16), steps_per_epoch=2, epochs=2, verbose=0).history
            for _ in range(2)]
    assert logs[0] == logs[1]


# ------------------------------------------------------------------ sampling
def test_the_grid_has_a_row_per_digit_and_the_same_z_down_each_column():
    gan = compiled()
    grid = conditional_sample_grid(gan, 3, seed=4)
    assert grid.shape == (10, 3, 28, 28, 1)
    z = latent_noise(3, LATENT, 4)
    for digit in (0, 7):
        expected = gan.generator([z, np.full(3, digit, "int32")], training=False)
        np.testing.assert_allclose(grid[digit], np.asarray(expected), atol=1e-6)
    rows = conditional_sample_grid(gan, 2, seed=4, classes=[9, 2])
    np.testing.assert_allclose(rows[0], grid[9, :2], atol=1e-6)


def test_samples_per_class_label_every_image_with_the_digit_asked_for():
    gan = compiled()
    images, labels = samples_per_class(gan, 3, seed=5)
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 3))
    expected = gan.generator([latent_noise(30, LATENT, 5), labels], training=False)
    np.testing.assert_allclose(images, np.asarray(expected), atol=1e-6)


def test_without_labels_the_kit_and_the_callbacks_draw_the_digits_in_turn():
    gan = compiled()
    z = latent_noise(12, LATENT, 0)
    np.testing.assert_array_equal(balanced_labels(12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    expected = np.asarray(gan.generator([z, balanced_labels(12)], training=False))
    np.testing.assert_allclose(generate_samples(gan, 12, seed=0), expected, atol=1e-6)
    grid = SampleGrid(z[:4], every_steps=1, condition=np.full(4, 6, "int32"))
    x, y = data()
    gan.fit(training_stream(x, y, batch_size=16), steps_per_epoch=1, epochs=1, verbose=0, callbacks=[grid])
    np.testing.assert_allclose(grid.grids[-1], np.asarray(gan.generator([z[:4], np.full(4, 6)], training=False)),
                               atol=1e-6)


def test_labels_are_checked_where_they_enter():
    gan = compiled()
    with pytest.raises(ValueError, match=r"classes must be whole numbers in \[0, 10\)"):
        conditional_sample_grid(gan, 2, classes=[3, 10])
    with pytest.raises(ValueError, match="labels must be whole numbers"):
        check_labels([0.5], 10)
    with pytest.raises(ValueError, match="n_columns"):
        conditional_sample_grid(gan, 0)
    with pytest.raises(TypeError, match="gan must be a ConditionalGAN"):
        samples_per_class(object(), 3)
