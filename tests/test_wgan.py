"""WGAN and WGAN-GP as hooks of the course's GAN trainer (gancourse.train.wgan); critics (gancourse.nets.critics).

Each test checks a fact of the papers on networks small enough for a CPU:
clipping after the update, n_critic critic updates per generator update, the
penalty inside the critic's loss, the logged Wasserstein estimate, its sign,
the refusal of batch norm in a WGAN-GP critic, a generator that moves toward
the ring, exact resume and MirroredStrategy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from resume_helpers import assert_resumes_exactly

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse.data import training_stream
from gancourse.data.toy import ring_mixture
from gancourse.nets import critics, dcgan
from gancourse.nets.toy import build_toy_generator
from gancourse.objectives import wasserstein
from gancourse.train.wgan import WGAN, WGANGP, wgan_gp_optimizers, wgan_optimizers

N, M = 5, 8  # n_critic, examples per critic step: fit() batches of N * M = 40 ("slice")
C = 0.01


def ring_points(n: int = 400) -> np.ndarray:
    return ring_mixture().sample(n, seed=0)


def tiny(init_seed: int = 0, units=(8,)):
    keras.utils.set_random_seed(init_seed)
    return build_toy_generator(2, 2, hidden_units=units), critics.toy_critic(hidden_units=units)


def stream(batch=N * M, seed=3, start_step=0):
    return training_stream(ring_points(), batch_size=batch, seed=seed, start_step=start_step)


def max_abs(variables) -> float:
    return max(float(np.abs(v.numpy()).max()) for v in variables)


# ------------------------------------------------------------------ clipping
class Watched:
    """Records the largest |critic weight| right after each critic update (after the class's own after-hook)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worst = keras.Variable(0.0, trainable=False)

    def after_discriminator_update(self):
        super().after_discriminator_update()
        worst = keras.ops.max(keras.ops.stack([keras.ops.max(keras.ops.abs(v))
                                               for v in self.discriminator.trainable_variables]))
        self.worst.assign(keras.ops.maximum(self.worst, worst))


class ClipBefore(WGAN):
    """The wrong order: clip, then update (nothing after), which leaves the update's weights unclipped."""

    def discriminator_step(self, real, fake, condition=None):
        wasserstein.clip_weights(self.discriminator.trainable_variables, self.clip_value)
        return super().discriminator_step(real, fake, condition)

    def after_discriminator_update(self):
        pass


class WatchedWGAN(Watched, WGAN):
    pass


class WatchedClipBefore(Watched, ClipBefore):
    pass


def clipped_run(cls):
    model = cls(*tiny(), seed=0, clip_value=C)
    # RMSprop's first steps move every weight by about 10 x lr = 1, a hundred times c.
    model.compile(keras.optimizers.RMSprop(0.1, rho=0.99), keras.optimizers.RMSprop(1e-3))
    per_step = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda *_, **__: per_step.append(max_abs(model.discriminator.trainable_variables)))
    model.fit(stream(), steps_per_epoch=4, epochs=1, verbose=0, callbacks=[record])
    return model, per_step


def test_clipping_runs_after_each_critic_update_and_leaves_every_weight_in_the_box():
    model, per_step = clipped_run(WatchedWGAN)
    assert float(model.worst.numpy()) <= C + 1e-7  # after every one of the 20 critic updates
    assert max(per_step) <= C + 1e-7 and len(per_step) == 4
    at_bound = sum(int(np.sum(np.isclose(np.abs(v.numpy()), C))) for v in model.discriminator.trainable_variables)
    assert at_bound > 0  # the updates did push weights out: clipping was at work
    assert max_abs(model.generator.trainable_variables) > 10 * C  # the generator is never clipped


def test_clipping_before_the_update_would_fail_the_same_check():
    model, per_step = clipped_run(WatchedClipBefore)
    assert float(model.worst.numpy()) > 10 * C and min(per_step) > 10 * C


# ------------------------------------------------------------------ n_critic and the real batches
@pytest.mark.parametrize("cls", [WGAN, WGANGP])
def test_n_critic_critic_updates_per_generator_update(cls):
    model = cls(*tiny(), seed=0)
    model.compile()
    assert model.n_critic == 5
    model.fit(stream(), steps_per_epoch=3, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == 15 and model.steps_done == 3
    model = cls(*tiny(), seed=0)
    model.compile(n_critic=2)
    model.fit(stream(batch=2 * M), steps_per_epoch=3, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == 6 and model.steps_done == 3


def test_slice_gives_each_critic_step_its_own_examples():
    model = WGAN(*tiny(), seed=0)
    model.compile()
    batch = keras.ops.convert_to_tensor(np.arange(2 * N * M, dtype="float32").reshape(N * M, 2))
    seen = [keras.ops.convert_to_numpy(model.critic_batch(batch, None, i)[0])[:, 0] for i in range(N)]
    assert all(len(s) == M for s in seen)
    assert sorted(np.concatenate(seen).tolist()) == np.arange(0, 2 * N * M, 2).tolist()  # disjoint, whole batch
    same = WGAN(*tiny(), seed=0, real_batches="same")
    same.compile()
    assert keras.ops.shape(same.critic_batch(batch, None, 3)[0]) == (N * M, 2)


def test_slice_refuses_a_batch_that_is_not_n_critic_times_m():
    model = WGAN(*tiny(), seed=0)
    model.compile()
    with pytest.raises(ValueError, match=r"batch size must be n_critic x m; got 42"):
        model.fit(stream(batch=42), steps_per_epoch=1, epochs=1, verbose=0)


# ------------------------------------------------------------------ logs
def controlled(cls, real_batches="slice", **kwargs):
    """G(z) = (1.5, -0.5) for every z; a linear critic D(x) = w.x + b; learning rates 0: nothing moves."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, kernel_initializer="zeros",
                                                                        bias_initializer="zeros")])
    generator.layers[0].bias.assign(np.array([1.5, -0.5], "float32"))
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    w, b = np.array([[0.008], [-0.006]], "float32"), np.array([0.003], "float32")
    critic.layers[0].kernel.assign(w)
    critic.layers[0].bias.assign(b)
    model = cls(generator, critic, seed=0, real_batches=real_batches, **kwargs)
    model.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0))
    return model, (lambda x: np.asarray(x, "float64") @ w.astype("float64")[:, 0] + b[0])


@pytest.mark.parametrize("real_batches, last_slice", [("slice", slice(N - 1, None, N)), ("same", slice(None))])
def test_the_logged_estimate_is_mean_critic_real_minus_mean_critic_fake_on_the_same_batch(real_batches,
                                                                                         last_slice):
    model, score = controlled(WGAN, real_batches)
    first_batch = next(iter(stream()))
    history = model.fit(stream(), steps_per_epoch=1, epochs=1, verbose=0).history
    real = score(np.asarray(first_batch)[last_slice]).mean()  # the last critic step's real examples
    fake = score([[1.5, -0.5]])[0]
    assert history["critic_real"][0] == pytest.approx(real, rel=1e-5)
    assert history["critic_fake"][0] == pytest.approx(fake, rel=1e-5)
    assert history["wasserstein_estimate"][0] == pytest.approx(real - fake, rel=1e-5)
    assert history["critic_loss"][0] == pytest.approx(fake - real, rel=1e-5)
    assert history["g_loss"][0] == pytest.approx(-fake, rel=1e-5)
    scores = model.evaluate(stream(), steps=1, verbose=0, return_dict=True)  # the whole batch, no update
    assert scores["wasserstein_estimate"] == pytest.approx(score(first_batch).mean() - fake, rel=1e-5)


def test_the_logs_name_critic_values_not_probabilities():
    names = {"critic_loss", "wasserstein_estimate", "critic_real", "critic_fake", "g_loss"}
    for cls, extra in ((WGAN, set()), (WGANGP, {"gradient_penalty", "interpolate_grad_norm"})):
        model = cls(*tiny(), seed=0)
        model.compile()
        history = model.fit(stream(), steps_per_epoch=1, epochs=1, verbose=0).history
        assert set(history) == names | {"d_grad_norm", "g_grad_norm"} | extra
        assert set(model.evaluate(stream(), steps=1, verbose=0, return_dict=True)) == names


def test_the_penalty_is_logged_and_is_part_of_the_critic_loss():
    """A linear critic has ∇D = w everywhere: the penalty is λ(‖w‖ − 1)² whatever α is."""
    model, _ = controlled(WGANGP, penalty_weight=10.0)
    history = model.fit(stream(), steps_per_epoch=1, epochs=1, verbose=0).history
    norm = float(np.hypot(0.008, -0.006))
    assert history["interpolate_grad_norm"][0] == pytest.approx(norm, rel=1e-5)
    assert history["gradient_penalty"][0] == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-5)
    assert history["critic_loss"][0] == pytest.approx(
        -history["wasserstein_estimate"][0] + history["gradient_penalty"][0], rel=1e-5)


def test_the_penalty_is_inside_the_critics_tape():
    """One SGD step on a linear critic: w <- w - lr (mean fake - mean real + 2 λ (‖w‖ - 1) w / ‖w‖)."""
    model, _ = controlled(WGANGP, penalty_weight=10.0)
    model.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.0), n_critic=1)
    w = model.discriminator.layers[0].kernel.numpy()[:, 0].astype("float64")
    real = np.asarray(next(iter(stream())), "float64").mean(axis=0)
    model.fit(stream(), steps_per_epoch=1, epochs=1, verbose=0)
    norm = np.linalg.norm(w)
    expected = w - 0.01 * ((np.array([1.5, -0.5]) - real) + 2 * 10.0 * (norm - 1.0) * w / norm)
    np.testing.assert_allclose(model.discriminator.layers[0].kernel.numpy()[:, 0], expected, rtol=1e-5)


# ------------------------------------------------------------------ signs and the ring
@pytest.mark.parametrize("cls", [WGAN, WGANGP])
def test_training_the_critic_raises_the_estimate(cls):
    generator, critic = tiny(units=(32, 32))
    model = cls(generator, critic, seed=0)
    critic_opt = keras.optimizers.RMSprop(1e-3) if cls is WGAN else keras.optimizers.Adam(1e-3, 0.5, 0.9)
    model.compile(critic_opt, keras.optimizers.SGD(0.0))  # the generator stands still
    if cls is WGAN:
        wasserstein.clip_weights(model.discriminator, C)  # start inside the box, as every step ends
    before = model.evaluate(stream(), steps=4, verbose=0, return_dict=True)["wasserstein_estimate"]
    model.fit(stream(), steps_per_epoch=40, epochs=1, verbose=0)
    after = model.evaluate(stream(), steps=4, verbose=0, return_dict=True)["wasserstein_estimate"]
    # measured: WGAN about 1e-5 -> 3e-4 (clipped weights keep scores small); WGAN-GP about 0.5 -> 2, the
    # distance from the untrained generator's points near 0 to the ring of radius 2
    assert after > before + (1e-4 if cls is WGAN else 0.5)


def mean_distance_to_nearest_mode(samples, modes) -> float:
    return float(np.sqrt(((samples[:, None] - modes[None]) ** 2).sum(-1)).min(axis=1).mean())


def test_wgan_gp_moves_the_generator_toward_the_ring():
    """300 generator steps; gan_toy.py's λ = 0.1 and β1 = 0.5, and Adam 3e-3 (not 1e-4) to be quick.

    Measured over four seeds: the mean distance to the nearest mode drops by a
    factor of 4 to 5 (about 1.76 to 0.4); the test asks for 3.
    """
    mix = ring_mixture()
    generator, critic = tiny(units=(64, 64))
    model = WGANGP(generator, critic, seed=0, penalty_weight=0.1)
    model.compile(*wgan_gp_optimizers(3e-3, beta_1=0.5))
    before = mean_distance_to_nearest_mode(model.sample(2000, seed=5), mix.means)
    model.fit(training_stream(mix.sample(4096, seed=0), batch_size=N * 64, seed=0), steps_per_epoch=300,
              epochs=1, verbose=0)
    after = mean_distance_to_nearest_mode(model.sample(2000, seed=5), mix.means)
    assert before > 1.0 and after < before / 3


# ------------------------------------------------------------------ batch norm, optimisers, compile
def test_wgan_gp_refuses_a_critic_with_batch_norm():
    generator = build_toy_generator(2, 2, hidden_units=(4,))
    with_bn = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.BatchNormalization(name="bn"),
                                keras.layers.Dense(1)], name="bn_critic")
    with pytest.raises(ValueError, match=r"must not use batch normalisation.*\['bn'\] in 'bn_critic'"):
        WGANGP(generator, with_bn)
    WGAN(generator, with_bn)  # weight clipping allows it (the WGAN paper's DCGAN critic has batch norm)
    assert critics.batch_norm_layers(dcgan.dcgan_discriminator(width=4))  # the DCGAN critic would be refused
    assert critics.batch_norm_layers(critics.mnist_critic(width=4)) == []
    assert critics.mnist_critic(width=4).output_shape == (None, 1)


def test_the_optimiser_factories_hold_the_papers_settings():
    d_opt, g_opt = wgan_optimizers()
    assert d_opt is not g_opt and isinstance(d_opt, keras.optimizers.RMSprop)
    assert float(d_opt.learning_rate.numpy()) == pytest.approx(5e-5) and (d_opt.rho, d_opt.epsilon) == (0.99, 1e-16)
    d_opt, g_opt = wgan_gp_optimizers()
    assert isinstance(g_opt, keras.optimizers.Adam) and d_opt is not g_opt
    assert float(d_opt.learning_rate.numpy()) == pytest.approx(1e-4) and (d_opt.beta_1, d_opt.beta_2) == (0.0, 0.9)
    assert wgan_gp_optimizers(beta_1=0.5)[0].beta_1 == 0.5  # the authors' code
    model = WGANGP(*tiny(), seed=0)
    model.compile()
    assert isinstance(model.d_optimizer, keras.optimizers.Adam) and model.d_optimizer.beta_1 == 0.0
    with pytest.raises(TypeError, match="takes no generator_loss"):
        model.compile(generator_loss="saturating")
    with pytest.raises(ValueError, match="real_batches"):
        WGAN(*tiny(), real_batches="fresh")
    with pytest.raises(ValueError, match="penalty_weight"):
        WGANGP(*tiny(), penalty_weight=-1.0)


# ------------------------------------------------------------------ exact resume

def resumable(cls, init_seed):
    model = cls(*tiny(init_seed), seed=7)
    model.compile()
    return model


def fit_from_checkpoint(model, ckpt, extra=()):
    start = ckpt.restore(model)
    model.fit(stream(start_step=start.step), epochs=3, steps_per_epoch=3, initial_epoch=start.epoch,
              callbacks=[ckpt, *extra], verbose=0)


@pytest.mark.parametrize("cls", [WGAN, WGANGP])
def test_an_interrupted_run_resumes_to_identical_weights(tmp_path, cls):
    assert_resumes_exactly(lambda init_seed: resumable(cls, init_seed), fit_from_checkpoint, tmp_path)


# ------------------------------------------------------------------ MirroredStrategy
MIRRORED = textwrap.dedent('''
    import json
    import gancourse
    from gancourse.config import import_tensorflow
    tf = import_tensorflow()
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras, numpy as np
    from keras import ops
    from gancourse.nets.critics import toy_critic
    from gancourse.nets.toy import build_toy_generator
    from gancourse.train.wgan import WGAN, WGANGP

    class Fixed:
        """z = 0 and alpha = 1/2 everywhere, so one device and two replicas draw the same values."""
        def sample_latent(self, batch_size):
            return ops.zeros((batch_size, self.latent_dim))
        def interpolation_weights(self, real):
            return 0.5 * ops.ones((ops.shape(real)[0], 1))

    CLASSES = {"WGAN": type("W", (Fixed, WGAN), {}), "WGANGP": type("G", (Fixed, WGANGP), {})}

    def run(name, distributed):
        strategy = (tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]) if distributed
                    else tf.distribute.OneDeviceStrategy("/cpu:0"))
        x = np.random.default_rng(0).normal(size=(40, 2)).astype("float32")
        with strategy.scope():
            keras.utils.set_random_seed(0)
            model = CLASSES[name](build_toy_generator(2, 2, hidden_units=(8,)), toy_critic(hidden_units=(8,)),
                                  seed=1)
            model.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05))
        hist = model.fit(tf.data.Dataset.from_tensors(x).repeat(), epochs=1, steps_per_epoch=2, verbose=0)
        return {"weights": [v.numpy().tolist() for v in model.discriminator.trainable_variables
                            + model.generator.trainable_variables],
                "history": {k: v[-1] for k, v in hist.history.items()}, "replicas": strategy.num_replicas_in_sync}

    print("RESULT " + json.dumps({name: {"mirrored": run(name, True), "single": run(name, False)}
                                  for name in CLASSES}))
''')


def test_both_trainers_under_mirrored_strategy_match_one_device():
    proc = subprocess.run([sys.executable, "-c", MIRRORED], capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name, result in json.loads(lines[-1][len("RESULT "):]).items():
        mirrored, single = result["mirrored"], result["single"]
        assert (mirrored["replicas"], single["replicas"]) == (2, 1)
        assert set(mirrored["history"]) == set(single["history"])
        for got, want in zip(mirrored["weights"], single["weights"]):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6, err_msg=name)
        for key, value in single["history"].items():
            np.testing.assert_allclose(mirrored["history"][key], value, rtol=1e-4, atol=1e-6, err_msg=f"{name} {key}")
