"""Chapter 8's super-resolution GAN (nets/train/evaluate super_resolution, ``evaluate sr-mnist``).

Reference facts: area downsampling keeps a constant image's value and gives
hand-computed block means, bit for bit the same in NumPy and in the training
stream; nearest upsampling of a block-constant image's downsample gives the
image back; at adversarial weight 0 the generator's update is exactly the L1
term's gradient step and D is never updated; at weight > 0 D is trained;
bad input is refused naming the argument; training resumes exactly and
repeats under a seed; the smoke report has its keys.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest
from resume_helpers import assert_resumes_exactly

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse import config
from gancourse.data import training_stream
from gancourse.evaluate.super_resolution import (
    sr_comparison_images,
    sr_report,
    upsample,
)
from gancourse.nets.super_resolution import (
    sr_discriminator,
    sr_generator,
    sr_networks,
    upscale_factor,
)
from gancourse.train import checkpoints
from gancourse.train.super_resolution import (
    SuperResolutionGAN,
    downsample,
    reconstruction_l1,
    sr_pairs,
    sr_training_stream,
    train_super_resolution,
)

tf = config.import_tensorflow()

NOISE = 2


def digits(n=48, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


def small(adversarial_weight=0.5, init_seed=0, *, conditional=True, d_optimizer=None, g_optimizer=None):
    keras.utils.set_random_seed(init_seed)
    g, d = sr_networks(7, noise_dim=NOISE, width=8, residual_blocks=1, conditional=conditional, d_width=4)
    gan = SuperResolutionGAN(g, d, adversarial_weight=adversarial_weight, seed=7)
    gan.compile(d_optimizer or keras.optimizers.Adam(1e-3), g_optimizer or keras.optimizers.Adam(1e-3))
    return gan


# ------------------------------------------------------------------ downsampling and the data
def test_downsampling_a_constant_image_gives_exactly_that_constant():
    for value in (-1.0, 0.1, 0.7071):
        images = np.full((2, 28, 28, 1), value, np.float32)
        for low_size in (7, 14):
            low = downsample(images, low_size)
            assert low.shape == (2, low_size, low_size, 1)
            np.testing.assert_array_equal(low, np.float32(value))


def test_downsampling_gives_the_hand_computed_block_means():
    image = np.array([[0.0, 0.2, -1.0, -1.0],
                      [0.4, 0.6, -1.0, -1.0],
                      [1.0, 0.0, 0.5, 0.5],
                      [0.0, 1.0, 0.5, -0.5]], np.float32)
    low = downsample(image[None], 2)[0, ..., 0]
    np.testing.assert_allclose(low, [[0.3, -1.0], [0.5, 0.25]], atol=1e-7)
    np.testing.assert_allclose(downsample(image[None], 1)[0, 0, 0, 0], image.mean(), atol=1e-7)


def test_the_training_stream_gives_the_downsample_of_the_plain_stream_s_batches_bit_for_bit():
    x = digits()
    pairs = iter(sr_training_stream(x, low_size=7, batch_size=8, seed=3, start_step=2))
    plain = iter(training_stream(x, batch_size=8, seed=3, start_step=2))
    for _ in range(3):
        low, high = (np.asarray(t) for t in next(pairs))
        expected = np.asarray(next(plain))
        np.testing.assert_array_equal(high, expected)
        np.testing.assert_array_equal(low, downsample(expected, 7))


def test_nearest_upsampling_undoes_the_downsampling_of_a_block_constant_image():
    low = np.random.default_rng(1).uniform(-1, 1, (3, 7, 7, 1)).astype("float32")
    blocky = np.repeat(np.repeat(low, 4, axis=1), 4, axis=2)
    np.testing.assert_array_equal(upsample(downsample(blocky, 7), 28, "nearest"), blocky)
    np.testing.assert_allclose(upsample(np.full((1, 7, 7), 0.25), 28, "bicubic"), 0.25, atol=1e-6)


def test_sr_pairs_adds_the_channel_axis_and_pairs_each_image_with_its_downsample():
    x = digits(4)[..., 0]
    low, high = sr_pairs(x, 14)
    assert low.shape == (4, 14, 14, 1) and high.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(low, downsample(high, 14))


# ------------------------------------------------------------------ networks
def test_the_networks_map_low_images_to_28x28_images_and_one_logit():
    for low_size in (7, 14):
        g = sr_generator(low_size, noise_dim=NOISE, width=8, residual_blocks=1)
        low = np.zeros((5, low_size, low_size, 1), np.float32)
        out = np.asarray(g([np.zeros((5, NOISE), np.float32), low]))
        assert out.shape == (5, 28, 28, 1)
        assert np.asarray(sr_discriminator(low_size, width=4)([out, low])).shape == (5, 1)
        assert np.asarray(sr_discriminator(low_size, conditional=False, width=4)(out)).shape == (5, 1)
    assert upscale_factor(7) == 4 and upscale_factor(14) == 2


def test_the_conditional_discriminator_reads_the_input_image():
    d = sr_discriminator(7, width=4)
    image = np.zeros((1, 28, 28, 1), np.float32)
    a = np.asarray(d([image, np.full((1, 7, 7, 1), -1.0, np.float32)]))
    b = np.asarray(d([image, np.full((1, 7, 7, 1), 1.0, np.float32)]))
    assert not np.allclose(a, b)


# ------------------------------------------------------------------ the trainer
def test_at_adversarial_weight_0_the_update_is_exactly_the_l1_gradient_step_and_d_is_untouched():
    lr = 0.1
    gan = small(0.0, g_optimizer=keras.optimizers.SGD(lr))
    x = digits(8)
    low, high = sr_pairs(x, 7)
    g_before = [keras.ops.convert_to_numpy(v) for v in gan.generator.trainable_variables]
    d_before = [keras.ops.convert_to_numpy(v) for v in gan.discriminator.variables]
    state = keras.ops.convert_to_numpy(gan.seed_generator.state)
    z = gan.sample_latent(len(x))  # the noise the step will draw
    gan.seed_generator.state.assign(state)
    with tf.GradientTape() as tape:
        loss = reconstruction_l1(high, gan.generate(z, low, training=True))
    grads = tape.gradient(loss, gan.generator.trainable_variables)
    logs = gan.train_step((low, high))
    for before, var, grad in zip(g_before, gan.generator.trainable_variables, grads):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(var), before - lr * keras.ops.convert_to_numpy(grad), rtol=1e-5, atol=1e-7)
    norm = np.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    np.testing.assert_allclose(float(logs["g_grad_norm"]), norm, rtol=1e-5)
    np.testing.assert_allclose(float(logs["g_loss"]), float(loss), rtol=1e-6)
    for before, var in zip(d_before, gan.discriminator.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(var), before)
    assert int(gan.d_optimizer.iterations) == 0 and float(logs["d_loss"]) == 0.0


def test_at_a_positive_adversarial_weight_d_is_trained_and_g_s_loss_adds_the_weighted_term():
    gan = small(0.5)
    low, high = sr_pairs(digits(8), 7)
    d_before = [keras.ops.convert_to_numpy(v) for v in gan.discriminator.trainable_variables]
    logs = gan.train_step((low, high))
    assert int(gan.d_optimizer.iterations) == 1
    assert any(not np.array_equal(keras.ops.convert_to_numpy(v), b) for v, b in zip(gan.discriminator.trainable_variables, d_before))
    np.testing.assert_allclose(float(logs["g_loss"]), float(logs["l1"]) + 0.5 * float(logs["adversarial"]),
                               rtol=1e-6)
    assert float(logs["adversarial"]) > 0.0


def test_an_unconditional_discriminator_trains_too():
    gan = small(0.5, conditional=False)
    history = gan.fit(*sr_pairs(digits(16), 7), batch_size=8, epochs=1, verbose=0)
    assert gan.steps_done == 2 and np.isfinite(history.history["g_loss"][-1])


def test_upscale_gives_one_image_per_input_and_the_comparison_rows_are_input_models_real():
    gan = small(0.5)
    low, high = sr_pairs(digits(3), 7)
    out = gan.upscale(low, seed=1)
    assert out.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(out, gan.upscale(low[..., 0], seed=1))
    rows, names = sr_comparison_images({"L1 + adversarial": gan}, low, high, seed=1)
    assert names == ["input", "L1 + adversarial", "real"] and rows.shape == (3, 3, 28, 28, 1)
    np.testing.assert_array_equal(rows[0], upsample(low, 28, "nearest"))
    np.testing.assert_array_equal(rows[1], out)
    np.testing.assert_array_equal(rows[2], high)


def test_bad_input_is_refused_naming_the_argument():
    g, d = sr_networks(7, noise_dim=NOISE, width=8, residual_blocks=1, d_width=4)
    with pytest.raises(ValueError, match="low_size"):
        downsample(digits(2), 5)
    with pytest.raises(ValueError, match="low_size"):
        sr_generator(6)
    with pytest.raises(ValueError, match=r"images must lie in \[-1, 1\]"):
        downsample(digits(2) * 255, 7)
    bad = digits(2)
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="images"):
        downsample(bad, 7)
    with pytest.raises(ValueError, match="images must be a non-empty batch of square"):
        downsample(np.zeros((2, 28, 14, 1), np.float32), 7)
    with pytest.raises(ValueError, match="adversarial_weight"):
        SuperResolutionGAN(g, d, adversarial_weight=-1.0)
    with pytest.raises(ValueError, match="l1_weight and adversarial_weight are both 0"):
        SuperResolutionGAN(g, d, l1_weight=0.0, adversarial_weight=0.0)
    with pytest.raises(ValueError, match="generator must take"):
        SuperResolutionGAN(sr_discriminator(7, conditional=False, width=4), d)
    gan = small()
    with pytest.raises(ValueError, match="low must be a non-empty batch of shape"):
        gan.upscale(np.zeros((2, 14, 14, 1)))
    with pytest.raises(ValueError, match="needs the low-resolution images"):
        gan.generate(np.zeros((2, NOISE), np.float32))
    with pytest.raises(ValueError, match=r"\(low, high\) batches"):
        gan.fit(digits(8), batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="method"):
        upsample(np.zeros((1, 7, 7)), 28, "lanczos")


# ------------------------------------------------------------------ resume and seeds
def fit_from_checkpoint(gan, ckpt, extra=()):
    start = ckpt.restore(gan)
    gan.fit(sr_training_stream(digits(), low_size=7, batch_size=8, seed=3, start_step=start.step), epochs=3,
            steps_per_epoch=3, initial_epoch=start.epoch, callbacks=[ckpt, *extra], verbose=0)


def test_an_interrupted_run_resumes_to_identical_weights(tmp_path):
    assert_resumes_exactly(lambda init_seed: small(init_seed=init_seed), fit_from_checkpoint, tmp_path)


def test_two_seeded_runs_give_identical_weights_and_outputs():
    sizes = dataclasses.replace(config.chapter_sizes("problems", "smoke"), sr_steps=4, sr_batch_size=8)
    runs = [train_super_resolution(digits(), sizes, seed=5) for _ in range(2)]
    a, b = (checkpoints.training_state(m) for m in runs)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    low = downsample(digits(2), 7)
    np.testing.assert_array_equal(runs[0].upscale(low), runs[1].upscale(low))
    assert runs[0].steps_done == 4


# ------------------------------------------------------------------ the report
def test_the_smoke_report_scores_every_method_and_states_the_bar():
    report = sr_report("smoke", seed=0)
    assert {"profile", "seed", "eval_images", "sizes", "methods", "bar", "bar_met", "tradeoff_seen"} <= set(report)
    assert set(report["methods"]) == {"nearest", "bicubic", "l1", "l1_adversarial", "real"}
    for name in ("nearest", "bicubic", "l1", "l1_adversarial"):
        assert {"psnr_db", "fd", "fd_floor", "fd_ratio", "true_digit_share"} <= set(report["methods"][name])
    assert {"train_seconds", "train_cpu_seconds", "noise_spread"} <= set(report["methods"]["l1"])
    assert report["methods"]["l1"]["steps"] == config.chapter_sizes("problems", "smoke").sr_steps
    assert report["bar_met"] == (report["methods"]["l1_adversarial"]["fd"] < report["methods"]["l1"]["fd"])
    # the floor is the same real-vs-real figure for every method
    assert len({m["fd_floor"] for m in report["methods"].values()}) == 1
