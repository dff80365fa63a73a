"""gancourse.train.gan_trainer: the GAN trainer's update rule checked by hand, its API, hooks and data stream."""

import keras
import numpy as np
import pytest

from gancourse.data import pipelines
from gancourse.nets import dcgan, latent, mlp
from gancourse.train import gan_trainer as gan


def sigmoid(o):
    return 1.0 / (1.0 + np.exp(-o))


def _linear_gan(g0=0.5, w=0.8, b=-0.1, kind="non_saturating", lr=0.1, **compile_kwargs):
    """G(z) = g0 for every z (zero, frozen kernel; trainable bias); D(x) = w x + b (a logit)."""
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(
        1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(g0))])
    generator.layers[0].kernel.trainable = False
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(w), bias_initializer=keras.initializers.Constant(b))])
    model = gan.GAN(generator, discriminator, 2, seed=0)
    model.compile(keras.optimizers.SGD(lr), keras.optimizers.SGD(lr), generator_loss=kind, **compile_kwargs)
    return model


@pytest.mark.parametrize("kind", ["non_saturating", "saturating"])
def test_one_step_matches_algorithm_1_by_hand(kind):
    g0, w, b, lr = 0.5, 0.8, -0.1, 0.1
    x = np.array([[1.0], [2.0], [-0.5], [1.5]], np.float32)
    model = _linear_gan(g0, w, b, kind, lr)
    logs = model.train_on_batch(x, return_dict=True)

    # discriminator step: loss -[mean log s(w x + b) + log(1 - s(w g0 + b))], real = 1, fake = 0
    o_real, o_fake = w * x[:, 0] + b, w * g0 + b
    dw = -np.mean((1 - sigmoid(o_real)) * x[:, 0]) + sigmoid(o_fake) * g0
    db = -np.mean(1 - sigmoid(o_real)) + sigmoid(o_fake)
    w1, b1 = w - lr * dw, b - lr * db
    # generator step through the *updated* discriminator (w1, b1)
    o1 = w1 * g0 + b1
    dg = -(1 - sigmoid(o1)) * w1 if kind == "non_saturating" else -sigmoid(o1) * w1
    g1 = g0 - lr * dg

    d_kernel, d_bias = (v.numpy() for v in model.discriminator.layers[0].weights)
    np.testing.assert_allclose([d_kernel.item(), d_bias.item()], [w1, b1], rtol=1e-5)
    np.testing.assert_allclose(model.generator.layers[0].bias.numpy().item(), g1, rtol=1e-5)
    # logged values come from the discriminator step, before its update
    d_loss = -(np.mean(np.log(sigmoid(o_real))) + np.log(1 - sigmoid(o_fake)))
    np.testing.assert_allclose(logs["d_loss"], d_loss, rtol=1e-5)
    np.testing.assert_allclose(logs["d_real"], np.mean(sigmoid(o_real)), rtol=1e-5)
    np.testing.assert_allclose(logs["d_fake"], sigmoid(o_fake), rtol=1e-5)
    g_loss = -np.log(sigmoid(o1)) if kind == "non_saturating" else np.log(1 - sigmoid(o1))
    np.testing.assert_allclose(logs["g_loss"], g_loss, rtol=1e-5)
    np.testing.assert_allclose(logs["d_accuracy"], 0.5 * (np.mean(o_real > 0) + float(o_fake < 0)))


def test_simultaneous_update_takes_both_gradients_at_the_old_weights():
    g0, w, b, lr = 0.5, 0.8, -0.1, 0.1
    x = np.array([[1.0], [2.0], [-0.5], [1.5]], np.float32)
    model = _linear_gan(g0, w, b, lr=lr, update="simultaneous")
    logs = model.train_on_batch(x, return_dict=True)

    o_real, o_fake = w * x[:, 0] + b, w * g0 + b
    w1 = w - lr * (-np.mean((1 - sigmoid(o_real)) * x[:, 0]) + sigmoid(o_fake) * g0)
    b1 = b - lr * (-np.mean(1 - sigmoid(o_real)) + sigmoid(o_fake))
    # G's gradient through the discriminator *before* its update (w, b), not (w1, b1) as in Algorithm 1
    g1 = g0 - lr * (-(1 - sigmoid(o_fake)) * w)

    d_kernel, d_bias = (v.numpy() for v in model.discriminator.layers[0].weights)
    np.testing.assert_allclose([d_kernel.item(), d_bias.item()], [w1, b1], rtol=1e-5)
    np.testing.assert_allclose(model.generator.layers[0].bias.numpy().item(), g1, rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"], -np.log(sigmoid(o_fake)), rtol=1e-5)
    np.testing.assert_allclose(logs["d_fake"], sigmoid(o_fake), rtol=1e-5)
    assert model.steps_done == 1


def test_compile_creates_no_default_optimizer_and_builds_both():
    model = _linear_gan()
    assert model.optimizer is None
    assert model.d_optimizer.built and model.g_optimizer.built
    assert model.built
    assert sorted(m.name for m in model.metrics) == sorted(gan.GAN.metric_names)


def test_call_is_the_generator():
    model = _linear_gan(g0=0.25)
    z = np.zeros((3, 2), np.float32)
    np.testing.assert_allclose(model(z).numpy(), np.full((3, 1), 0.25), rtol=1e-6)


def test_labels_are_ignored_by_an_unconditional_gan():
    model = _linear_gan()
    x = np.ones((8, 1), np.float32)
    y = np.arange(8)
    hist = model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert model.steps_done == 2 and set(hist.history) == set(gan.GAN.metric_names)


def test_n_critic_steps_per_generator_step():
    model = _linear_gan(n_critic=3)
    model.fit(np.ones((8, 1), np.float32), batch_size=4, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == 3 * int(model.g_optimizer.iterations.numpy()) == 6


def test_extension_hooks_are_called():
    calls = {"transform": 0}

    class Hooked(gan.GAN):
        metric_names = gan.GAN.metric_names + ("d_penalty",)

        def discriminator_penalty(self, real, fake, condition):
            return keras.ops.convert_to_tensor(0.25)

        def after_discriminator_update(self):
            for v in self.discriminator.trainable_variables:  # WGAN-style clipping
                v.assign(keras.ops.clip(v, -0.01, 0.01))

        def transform_discriminator_input(self, x, training=True):
            calls["transform"] += 1  # counted while tracing
            return x + 0.0

    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model = Hooked(generator, discriminator, 2)
    model.compile(keras.optimizers.SGD(1.0), keras.optimizers.SGD(0.1))
    hist = model.fit(np.ones((8, 1), np.float32), batch_size=4, epochs=1, verbose=0)
    assert calls["transform"] >= 3  # real and fake in the D step, fake in the G step
    for v in discriminator.trainable_variables:
        assert np.all(np.abs(v.numpy()) <= 0.01 + 1e-7)
    np.testing.assert_allclose(hist.history["d_penalty"], [0.25])


def test_conditional_extension_through_hooks():
    """A conditional GAN (chapter 8) needs only split_batch, generate and discriminate."""
    z_in, y_in = keras.Input((4,)), keras.Input((1,), dtype="int32")
    emb = keras.layers.Flatten()(keras.layers.Embedding(3, 4)(y_in))
    g_out = keras.layers.Dense(1)(keras.layers.Concatenate()([z_in, emb]))
    generator = keras.Model([z_in, y_in], g_out)
    x_in, yd_in = keras.Input((1,)), keras.Input((1,), dtype="int32")
    d_emb = keras.layers.Flatten()(keras.layers.Embedding(3, 4)(yd_in))
    d_out = keras.layers.Dense(1)(keras.layers.Concatenate()([x_in, d_emb]))
    discriminator = keras.Model([x_in, yd_in], d_out)

    class Conditional(gan.GAN):
        def split_batch(self, data):
            return data[0], data[1]

        def generate(self, z, condition=None, training=False):
            return self.generator([z, condition], training=training)

        def discriminate(self, x, condition=None, training=False):
            return self.discriminator([x, condition], training=training)

    model = Conditional(generator, discriminator, 4)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    x = np.random.default_rng(0).normal(size=(12, 1)).astype("float32")
    y = np.arange(12).reshape(-1, 1).astype("int32") % 3
    hist = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert model.steps_done == 3 and np.isfinite(hist.history["d_loss"][0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"generator": "g"}, TypeError, "generator must be a keras.Model"),
    ({"discriminator": None}, TypeError, "discriminator must be a keras.Model"),
    ({"latent_dim": 0}, ValueError, "latent_dim must be >= 1, got 0"),
    ({"seed": -1}, ValueError, r"seed must be in \[0, \d+\], got -1"),
])
def test_constructor_rejects_bad_input(kwargs, error, match):
    args = {"generator": mlp.mlp_generator(4), "discriminator": mlp.mlp_discriminator(),
            "latent_dim": 4, "seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        gan.GAN(args.pop("generator"), args.pop("discriminator"), args.pop("latent_dim"), **args)


def test_compile_rejects_bad_input():
    model = gan.GAN(mlp.mlp_generator(4), mlp.mlp_discriminator(), 4)
    adam = keras.optimizers.Adam()
    with pytest.raises(TypeError, match="d_optimizer must be a keras.optimizers.Optimizer"):
        model.compile("adam", keras.optimizers.Adam())
    with pytest.raises(ValueError, match="two different optimizer objects"):
        model.compile(adam, adam)
    with pytest.raises(ValueError, match="generator_loss must be one of"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), generator_loss="wasserstein")
    with pytest.raises(ValueError, match="n_critic must be >= 1, got 0"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), n_critic=0)
    with pytest.raises(ValueError, match="update must be one of"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), update="sequential")
    with pytest.raises(ValueError, match="n_critic must be 1, got 5"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), update="simultaneous", n_critic=5)
    with pytest.raises(TypeError, match="not optimizer="):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), optimizer="adam")


def test_fit_before_compile_says_so():
    model = gan.GAN(mlp.mlp_generator(4), mlp.mlp_discriminator(), 4)
    with pytest.raises(Exception, match="compile"):
        model.fit(np.zeros((4, 28, 28, 1), np.float32), epochs=1, verbose=0)


def test_latent_noise_is_seeded_standard_normal():
    a, b = latent.latent_noise(2000, 3, seed=5), latent.latent_noise(2000, 3, seed=5)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and a.shape == (2000, 3)
    assert abs(a.mean()) < 0.1 and abs(a.std() - 1) < 0.05
    assert not np.array_equal(a, latent.latent_noise(2000, 3, seed=6))
    with pytest.raises(ValueError, match="n must be >= 1"):
        latent.latent_noise(0, 3)
    with pytest.raises(TypeError, match="latent_dim must be an int"):
        latent.latent_noise(2, 3.0)


def test_training_stream_is_a_function_of_the_step():
    images = np.arange(10, dtype=np.float32).reshape(10, 1)
    labels = np.arange(10) * 10
    first = [b for b in pipelines.training_stream(images, labels, batch_size=3, seed=1).take(8)]
    # 3 full batches per pass (10 // 3): each pass covers 9 distinct images
    one_pass = np.concatenate([first[i][0].numpy()[:, 0] for i in range(3)])
    assert len(set(one_pass)) == 9
    for x, y in first:
        np.testing.assert_array_equal(y.numpy(), x.numpy()[:, 0] * 10)  # labels stay with images
    # starting at step 5 gives batches 5, 6, 7 of the run from step 0
    later = [b for b in pipelines.training_stream(images, labels, batch_size=3, seed=1, start_step=5).take(3)]
    for a, b in zip(first[5:], later):
        np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
    # passes are shuffled differently, and by the seed
    assert not np.array_equal(first[0][0].numpy(), first[3][0].numpy())
    other = next(iter(pipelines.training_stream(images, batch_size=3, seed=2)))
    assert not np.array_equal(other.numpy(), first[0][0].numpy())


def test_training_stream_rejects_bad_input():
    x = np.zeros((10, 1), np.float32)
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 10\], got 11"):
        pipelines.training_stream(x, batch_size=11)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        pipelines.training_stream(x, batch_size=2.0)
    with pytest.raises(ValueError, match="start_step must be >= 0"):
        pipelines.training_stream(x, batch_size=2, start_step=-1)
    with pytest.raises(ValueError, match="labels has 3 entries"):
        pipelines.training_stream(x, np.zeros(3), batch_size=2)


def test_sample_is_reproducible_and_in_range():
    keras.utils.set_random_seed(0)
    model = gan.GAN(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8)
    a, b = model.sample(5, seed=3), model.sample(5, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (5, 28, 28, 1) and a.min() >= -1 and a.max() <= 1


def test_latent_walk_widget_renders_the_path():
    from gancourse.show import widgets

    keras.utils.set_random_seed(0)
    g = dcgan.dcgan_generator(8, width=4)
    z0, z1 = latent.latent_noise(2, 8, seed=0), latent.latent_noise(2, 8, seed=1)
    walk = widgets.LatentWalk(g, z0, z1, method="slerp", steps=5)
    np.testing.assert_allclose(walk.images(0.0), g(z0, training=False).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(walk.images(1.0), g(z1, training=False).numpy(), rtol=1e-4, atol=1e-5)
    assert walk.render(0.5).shape == (28 + 2, 2 * 28 + 3, 1)  # one row of two tiles, 1-pixel borders
    box = walk.widget()  # builds without a front end (ipywidgets 7 and 8)
    slider = box.children[0]
    assert slider.continuous_update is False and (slider.min, slider.max) == (0.0, 1.0)
    slider.value = 0.5  # triggers a redraw through observe()
    line = widgets.LatentWalk(g, z0[0], direction=np.ones(8), span=2.0)
    np.testing.assert_allclose(line.codes(2.0), z0[:1] + 2.0, rtol=1e-6)
    with pytest.raises(ValueError, match="exactly one of z1"):
        widgets.LatentWalk(g, z0)
    with pytest.raises(ValueError, match="same size"):
        widgets.LatentWalk(g, z0, np.zeros((2, 3)))


def test_interpolate_latents_ends_and_errors():
    z0, z1 = latent.latent_noise(1, 6, seed=0)[0], latent.latent_noise(1, 6, seed=1)[0]
    for method in ("lerp", "slerp"):
        path = latent.interpolate_latents(z0, z1, 5, method)
        assert path.shape == (5, 6)
        np.testing.assert_allclose(path[0], z0, atol=1e-6)
        np.testing.assert_allclose(path[-1], z1, atol=1e-5)
    with pytest.raises(ValueError, match="method must be"):
        latent.interpolate_latents(z0, z1, 5, "cubic")
    with pytest.raises(ValueError, match="steps must be >= 2, got 1"):
        latent.interpolate_latents(z0, z1, 1)


def test_bench_models_are_the_tutorials_and_registered(monkeypatch):
    import argparse

    from gancourse.cli import benchmarks
    from gancourse.train import benchmark as bench

    g, d = bench.tutorial_generator(), bench.tutorial_discriminator()
    assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    assert mlp.count_params(g) == 2_305_472  # the tutorial's summary: 2,305,472 trainable parameters
    assert mlp.count_params(d) == 212_865
    step = bench.tutorial_train_step_fn(g, d, batch_size=4)
    g_loss, d_loss = step(np.zeros((4, 28, 28, 1), np.float32))
    assert np.isfinite(float(g_loss)) and np.isfinite(float(d_loss))
    # `bench dcgan` runs gancourse.train.benchmark.bench_dcgan (the registry now holds handlers, not strings)
    assert benchmarks.bench_dcgan is bench.bench_dcgan
    calls = []
    monkeypatch.setattr(benchmarks, "bench_dcgan", lambda **kwargs: calls.append(kwargs) or {})
    benchmarks.BENCHMARKS["dcgan"](argparse.Namespace(profile="smoke", seed=3))
    assert calls == [{"profile": "smoke", "seed": 3}]


def test_bench_smoke_times_both_pairs_of_networks():
    from gancourse import config
    from gancourse.train import benchmark as bench

    out = bench.bench_dcgan(profile="smoke", seed=0)
    course = out["course_networks"]
    assert course["architecture"] == config.chapter_sizes("dcgan", "smoke").architecture
    assert course["tape_xla_img_per_s"] > 0 and "tape_xla_img_per_s" not in out
    assert out["ratio_alternating"] == pytest.approx(out["fit_alternating_img_per_s"] / out["tape_img_per_s"],
                                                     rel=0.01)
    assert set(out["rounds_s_per_step"]) == {"tape", "fit", "fit_alternating"}
    for pair in (out, course):
        assert pair["fit_img_per_s"] > 0 and pair["tape_img_per_s"] > 0
        assert pair["ratio"] == pytest.approx(pair["fit_img_per_s"] / pair["tape_img_per_s"], rel=0.01)
        assert pair["steps_timed"] % pair["steps_per_execution"] == 0
