"""The ``gpu`` profile built at its real sizes and stepped on the CPU, and the step cap that makes it affordable.

No CI machine has a GPU, so nothing else ever builds the networks a Colab
learner gets. Each chapter's test below builds its models with the builders
its notebook (or, for chapter 7, its report command) calls, at
``SIZES[chapter]["gpu"]``, checks their shapes, and makes the same ``fit``
call (the full gpu step count, callbacks at their gpu sizes) under
``GANCOURSE_MAX_STEPS=2``, which stops it after two steps: a shape that does
not fit, a batch larger than the pipeline allows, or a callback that cannot
take the gpu sizes fails here. Data are random arrays of the datasets' shapes
(the gpu profile needs the full datasets, which CI does not hold).

Departures, each for time (2 shared cores): XLA is off where the gpu sizes
turn it on (compiling chapter 5's step took ~20 s; the XLA path is
resume-tested in ``test_resume.py``); models trained outside the course's
trainers (chapter 1's sampler, chapter 2's plain autoencoder, chapter 6's
searches) get two steps directly, since the cap does not reach them; a
few models are built but not stepped (the 2-D VAE, stepped as the large one
but for its code size; the weight-clipping demo's critic; the Fashion-MNIST
DCGAN, the same pair as chapter 5's); and the 10,000 evaluation samples are checked by count against MNIST while
the kit itself scores a few samples (its cost at 10,000 was measured once:
benchmarks/README.md).
"""

import dataclasses
import json
import os

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
import keras

from gancourse import config
from gancourse.config import environment
from gancourse.config.sizes import SIZES
from gancourse.data import make_pipeline, training_stream
from gancourse.data.toy import GaussianMixture
from gancourse.evaluate import report
from gancourse.evaluate.likelihood import evaluate_elbo
from gancourse.nets import autoencoders, dcgan, mlp, toy
from gancourse.theory import likelihood
from gancourse.train import checkpoints, divergence_stop, snapshots, vae_trainer
from gancourse.train.figure_one import FigureOneSnapshots
from gancourse.train.gan_trainer import GAN
from gancourse.train.toy_trainers import MomentMatchingSampler

CAP = 2  # the fewest steps that run train_step twice (the second with the optimisers' state in place)
GPU = config.get_profile("gpu")
SEED = 0
CAP_WARNING = rf"GANCOURSE_MAX_STEPS={CAP}: fit\(\) stopped after {CAP} training steps"


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setenv(environment.MAX_STEPS_ENV, str(CAP))


def _images(n, size=28, low=-1.0):
    """``n`` random images in [low, 1] of MNIST's (or the faces') shape."""
    return np.random.default_rng(SEED).uniform(low, 1.0, (n, size, size, 1)).astype("float32")


def _capped_fit(model, *args, **kwargs):
    """``model.fit`` as the notebook calls it; the cap must stop it, and say so."""
    with pytest.warns(UserWarning, match=CAP_WARNING):
        return model.fit(*args, **kwargs)


# ------------------------------------------------------------------ the cap itself
@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_cap_when_unset_or_empty(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(environment.MAX_STEPS_ENV, raising=False)
    else:
        monkeypatch.setenv(environment.MAX_STEPS_ENV, value)
    assert environment.max_train_steps() is None
    assert environment.capped_steps(10_000) == 10_000


def test_cap_read_from_environment(monkeypatch):
    monkeypatch.setenv(environment.MAX_STEPS_ENV, " 3 ")
    assert environment.max_train_steps() == 3
    assert [environment.capped_steps(n) for n in (0, 2, 3, 10_000)] == [0, 2, 3, 3]


@pytest.mark.parametrize("value", ["0", "-2", "2.5", "1e3", "two", "nan", "inf"])
def test_bad_cap_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(environment.MAX_STEPS_ENV, value)
    with pytest.raises(ValueError, match=rf"GANCOURSE_MAX_STEPS must be a whole number >= 1.*got '{value}'"):
        environment.max_train_steps()


def _toy_gan(steps_per_execution=1):
    keras.utils.set_random_seed(SEED)
    gan = GAN(toy.build_toy_generator(2, 2, hidden_units=(8,)), toy.build_toy_discriminator(2, hidden_units=(8,)),
              seed=SEED)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), steps_per_execution=steps_per_execution)
    return gan


def _toy_stream(start_step=0):
    points = np.random.default_rng(SEED).normal(size=(64, 2)).astype("float32")
    return training_stream(points, batch_size=8, seed=SEED, start_step=start_step)


class _CountBatches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches, self.epochs = 0, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def test_cap_stops_gan_at_exactly_n_steps_across_epochs_and_executions(monkeypatch):
    """7 steps of a 3 x 5 run with 4 steps per execution: the cap falls mid-epoch and mid-execution."""
    monkeypatch.setenv(environment.MAX_STEPS_ENV, "7")
    gan, counter = _toy_gan(steps_per_execution=4), _CountBatches()
    given = [counter]
    with pytest.warns(UserWarning, match=r"GANCOURSE_MAX_STEPS=7: fit\(\) stopped after 7 training steps"):
        history = gan.fit(_toy_stream(), epochs=3, steps_per_epoch=5, callbacks=given, verbose=0)
    assert gan.steps_done == 7 and int(gan.d_optimizer.iterations.numpy()) == 7
    assert counter.batches == 7 and counter.epochs == 2  # the caller's callback saw every step and both epoch ends
    assert len(history.history["d_loss"]) == 2 and given == [counter]  # the caller's list is left as it was
    assert gan.steps_per_execution == 4  # restored for the next, uncapped call

    monkeypatch.delenv(environment.MAX_STEPS_ENV)
    gan.fit(_toy_stream(start_step=7), epochs=1, steps_per_epoch=8, verbose=0)
    assert gan.steps_done == 15


def test_cap_above_the_planned_steps_changes_nothing(monkeypatch):
    monkeypatch.setenv(environment.MAX_STEPS_ENV, "100")
    gan = _toy_gan()
    gan.fit(_toy_stream(), epochs=2, steps_per_epoch=3, verbose=0)  # no warning: the cap never stopped it
    assert gan.steps_done == 6


def test_cap_stops_vae_at_exactly_n_steps(monkeypatch):
    monkeypatch.setenv(environment.MAX_STEPS_ENV, "3")
    vae = vae_trainer.build_vae(2, width=8, seed=SEED, steps_per_execution=2)
    with pytest.warns(UserWarning, match=r"GANCOURSE_MAX_STEPS=3: fit\(\) stopped after 3 training steps"):
        vae.fit(make_pipeline(_images(64, low=0.0), batch_size=16, seed=SEED), epochs=5, verbose=0)
    assert int(vae.optimizer.iterations.numpy()) == 3 and vae.steps_per_execution == 2


def test_resume_after_a_capped_run_is_exact(monkeypatch, tmp_path):
    """A run capped at an epoch end, checkpointed and resumed uncapped, ends where an uncapped run does."""
    def run(gan, ckpt):
        start = ckpt.restore(gan)
        gan.fit(_toy_stream(start_step=start.step), epochs=3, steps_per_epoch=4, initial_epoch=start.epoch,
                callbacks=[ckpt], verbose=0)

    reference = _toy_gan()
    run(reference, checkpoints.GANCheckpoint(tmp_path / "reference"))

    monkeypatch.setenv(environment.MAX_STEPS_ENV, "4")
    with pytest.warns(UserWarning, match="GANCOURSE_MAX_STEPS=4"):
        run(_toy_gan(), checkpoints.GANCheckpoint(tmp_path / "run"))
    assert json.loads((tmp_path / "run" / "latest.json").read_text())["step"] == 4
    monkeypatch.delenv(environment.MAX_STEPS_ENV)
    keras.utils.set_random_seed(SEED + 1)  # other initial weights: all must come from the checkpoint
    resumed = _toy_gan()
    run(resumed, checkpoints.GANCheckpoint(tmp_path / "run"))
    assert resumed.steps_done == 12
    expected, got = checkpoints.training_state(reference), checkpoints.training_state(resumed)
    assert expected.keys() == got.keys()
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


# ------------------------------------------------------------------ every chapter at gpu sizes
def test_every_chapter_with_sizes_has_a_gpu_test():
    """A chapter added to config.sizes gets its gpu sizes built and stepped here too."""
    covered = {"generative_models", "vae", "gan_math", "first_gan", "dcgan", "inpainting", "wgan", "problems"}
    assert set(SIZES) <= covered, f"no gpu-profile test for {sorted(set(SIZES) - covered)}"
    assert all("gpu" in profiles for profiles in SIZES.values())


def test_generative_models_gpu(capped):
    """Chapter 1: EM on the gpu sample count, the moment-matching sampler at its gpu width and batch."""
    sizes = config.chapter_sizes("generative_models", GPU)
    mixture = GaussianMixture.create([[-3, -2], [3, -2], [0, 3], [-3, 3], [3, 3]], 0.5)  # the chapter's layout
    x_train = mixture.sample(sizes.mixture_samples, seed=SEED).astype("float32")
    assert x_train.shape == (sizes.mixture_samples, 2)
    em_model, em_history = likelihood.fit_gaussian_mixture(x_train, 5, steps=CAP, restarts=1, seed=SEED)
    assert em_model.means.shape == (5, 2) and len(em_history) == CAP + 1  # the start, then one value per step
    generator = toy.build_toy_generator(2, 2, hidden_units=(sizes.sampler_width,) * 3)
    sampler = MomentMatchingSampler(generator, latent_dim=2, bandwidths=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0), seed=SEED)
    sampler.compile(optimizer=keras.optimizers.Adam(2e-3))
    assert tuple(sampler(np.zeros((4, 2), "float32")).shape) == (4, 2)
    with pytest.warns(UserWarning, match=CAP_WARNING):  # MomentMatchingSampler.fit honours the cap too
        sampler.fit(make_pipeline(x_train, batch_size=sizes.sampler_batch, seed=SEED, repeat=True),
                    steps_per_epoch=sizes.sampler_steps, epochs=1, verbose=0)
    assert int(sampler.optimizer.iterations.numpy()) == CAP
    assert sampler.sample(sizes.sampler_batch, seed=SEED).shape == (sizes.sampler_batch, 2)


def test_vae_gpu(capped):
    """Chapter 2: the autoencoder, the 2-D VAE and the large VAE at gpu width, batch and latent size."""
    sizes = config.chapter_sizes("vae", GPU)
    x_train = _images(3 * sizes.batch_size, low=0.0)  # three batches an epoch: the cap falls inside epoch 1
    x_bits = (x_train[:20] > 0.5).astype("float32")

    encoder = autoencoders.build_encoder(sizes.latent_large, kind=sizes.kind, width=sizes.width, variational=False)
    decoder = autoencoders.build_decoder(sizes.latent_large, kind=sizes.kind, width=sizes.width)
    autoencoder = autoencoders.build_autoencoder(encoder, decoder)
    assert tuple(encoder(x_train[:5]).shape) == (5, sizes.latent_large)
    assert tuple(autoencoder(x_train[:5]).shape) == (5, 28, 28, 1)
    autoencoder.compile(optimizer=keras.optimizers.Adam(sizes.learning_rate),
                        loss=keras.losses.BinaryCrossentropy(from_logits=True),
                        steps_per_execution=sizes.steps_per_execution)
    # A plain keras.Model, which GANCOURSE_MAX_STEPS does not reach: one epoch of CAP batches stands in.
    # (Not steps_per_epoch=CAP: with 25 steps per execution Keras runs on while the data last.)
    x_short = x_train[:CAP * sizes.batch_size]
    autoencoder.fit(x_short, x_short, batch_size=sizes.batch_size, epochs=1, verbose=0)
    assert int(autoencoder.optimizer.iterations.numpy()) == CAP

    # The 2-D VAE is built (the large one below is also stepped: the same layers but the code's size).
    vae_2d = vae_trainer.build_vae(2, kind=sizes.kind, width=sizes.width, seed=SEED,
                                   learning_rate=sizes.learning_rate, decay_steps=sizes.epochs_2d * 3,
                                   steps_per_execution=sizes.steps_per_execution)
    assert vae_2d.latent_dim == 2 and tuple(vae_2d.sample(4, seed=SEED).shape) == (4, 28, 28, 1)

    with pytest.warns(UserWarning, match=CAP_WARNING):
        vae_large, _, history = vae_trainer.train_vae_on_mnist(sizes.latent_large, sizes.epochs_large, sizes,
                                                               x_train, seed=SEED, verbose=0)
    assert vae_large.latent_dim == sizes.latent_large and int(vae_large.optimizer.iterations.numpy()) == CAP
    assert len(history.history["loss"]) == 1
    result = evaluate_elbo(vae_large, x_bits, samples=sizes.elbo_samples, seed=SEED)
    assert result["n_images"] == len(x_bits) and np.isfinite(result["elbo"])


def test_gan_math_gpu(capped):
    """Chapter 3: the 1-D GAN of Figure 1 at gpu width and batch, with its snapshots at the gpu sample count."""
    sizes = config.chapter_sizes("gan_math", GPU)
    data_dist = GaussianMixture.create([3.0], [0.5])
    x_fig = np.linspace(-3.0, 7.0, 501)
    generator = toy.build_toy_generator(1, 1, hidden_units=(sizes.width, sizes.width))
    discriminator = toy.build_toy_discriminator(1, hidden_units=(sizes.width, sizes.width))
    gan = GAN(generator, discriminator, latent_dim=1, seed=SEED)
    gan.compile(d_optimizer=keras.optimizers.Adam(sizes.learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(sizes.learning_rate, beta_1=0.5), generator_loss="non_saturating")
    snaps = FigureOneSnapshots(x_fig, data_dist.pdf(x_fig), every=sizes.snapshot_every,
                               n_samples=sizes.kde_samples, seed=SEED)
    stream = make_pipeline(data_dist.sample(4 * sizes.batch_size, seed=SEED), batch_size=sizes.batch_size,
                           seed=SEED, repeat=True)
    _capped_fit(gan, stream, steps_per_epoch=sizes.gan_steps, epochs=1, callbacks=[snaps], verbose=0)
    assert gan.steps_done == CAP
    assert len(snaps.snapshots) == 1 and snaps.snapshots[0].p_g.shape == x_fig.shape  # the start; next at 100


def _evaluate_a_few(generator):
    """The kit on a few samples of ``generator`` (shape check; at 10,000 it is measured, not tested)."""
    real = _images(40)
    result = report.evaluate_generator(generator, real, n=20, seed=SEED, nn_samples=10, kid_subsets=5)
    assert result["n"] == 20 and len(result["histogram"]) == 10 and np.isfinite(result["fd"])


@pytest.mark.skipif(not os.environ.get("GANCOURSE_DATA"), reason="full MNIST needs GANCOURSE_DATA")
def test_gpu_evaluation_count_fits_mnist():
    """10,000 samples need 2 x 10,000 real images for the floor: more than MNIST's test split, so its train split."""
    full, real, n = report.real_evaluation_set("gpu")
    assert n == GPU.eval_samples == 10_000
    assert real is full.x_train and len(real) >= 2 * n > len(full.x_test)


def test_first_gan_gpu(capped):
    """Chapter 4: seed 001's MLP GAN at gpu batch, the notebook's 30,000-step call and its callbacks."""
    sizes = config.chapter_sizes("first_gan", GPU)
    x_train = _images(4 * sizes.batch_size)
    first_gan = GAN(mlp.mlp_generator(sizes.latent_dim), mlp.mlp_discriminator(activation="leaky_relu"),
                    sizes.latent_dim, seed=SEED)
    first_gan.compile(d_optimizer=keras.optimizers.Adam(sizes.learning_rate),
                      g_optimizer=keras.optimizers.Adam(sizes.learning_rate), generator_loss="non_saturating")
    fixed_noise = np.random.default_rng(3).standard_normal((GPU.grid_size ** 2, sizes.latent_dim)).astype("float32")
    grid = snapshots.SampleGrid(fixed_noise, every_steps=sizes.snapshot_every)
    d_outputs = snapshots.DiscriminatorOutputs(
        x_train[:500], np.random.default_rng(4).standard_normal((500, sizes.latent_dim)).astype("float32"),
        every_steps=sizes.snapshot_every)
    _capped_fit(first_gan, training_stream(x_train, batch_size=sizes.batch_size, seed=SEED),
                epochs=sizes.steps // sizes.steps_per_epoch, steps_per_epoch=sizes.steps_per_epoch,
                callbacks=[grid, d_outputs, divergence_stop.DivergenceStop(patience=10**9)], verbose=0)
    assert first_gan.steps_done == environment.capped_steps(sizes.steps) == CAP
    assert grid.steps == [0, CAP] and d_outputs.steps == [0, CAP]


def test_dcgan_gpu(capped, tmp_path):
    """Chapter 5: the paper's layer list at width 64, latent 100, batch 128, checkpointed as the notebook does."""
    sizes = config.chapter_sizes("dcgan", GPU)
    generator, discriminator = dcgan.dcgan_networks(sizes.latent_dim, **sizes.architecture)
    maps = [layer.output.shape[1] for layer in generator.layers
            if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose))]
    assert maps == [7, 14, 28] and generator.output_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    # The Fashion-MNIST option (28 x 28 at extra_width) builds this same pair, so it is stepped here too.
    fashion = dcgan.dcgan_networks(sizes.latent_dim, image_size=28, width=sizes.extra_width)
    assert [mlp.count_params(m) for m in fashion] == [mlp.count_params(m) for m in (generator, discriminator)]

    dcgan_gan = GAN(generator, discriminator, sizes.latent_dim, seed=SEED)
    d_opt, g_opt = dcgan.dcgan_optimizers(sizes.d_learning_rate, g_learning_rate=sizes.g_learning_rate,
                                          decay_steps=sizes.steps if sizes.cosine_decay else None)
    dcgan_gan.compile(d_optimizer=d_opt, g_optimizer=g_opt, steps_per_execution=10, jit_compile=False)
    checkpoint = checkpoints.GANCheckpoint(tmp_path)
    start = checkpoint.restore(dcgan_gan)
    fixed_noise = np.random.default_rng(3).standard_normal((GPU.grid_size ** 2, sizes.latent_dim)).astype("float32")
    grid = snapshots.SampleGrid(fixed_noise, every_steps=sizes.snapshot_every)
    _capped_fit(dcgan_gan, training_stream(_images(2 * sizes.batch_size), batch_size=sizes.batch_size, seed=SEED,
                                           start_step=start.step),
                epochs=sizes.steps // sizes.steps_per_epoch, initial_epoch=start.epoch,
                steps_per_epoch=sizes.steps_per_epoch,
                callbacks=[checkpoint, grid, divergence_stop.DivergenceStop()], verbose=0)
    assert dcgan_gan.steps_done == CAP and checkpoint.latest().step == CAP and grid.steps == [0, CAP]
    _evaluate_a_few(dcgan_gan.generator)


def test_dcgan_faces_option_gpu(capped):
    """Chapter 5's faces option: the 64x64 DCGAN (four upsamplings from 4 x 4) at the gpu width and batch."""
    sizes = config.chapter_sizes("dcgan", GPU)
    faces = _images(320, size=64)  # the Olivetti training split: 320 images of 64 x 64
    model = GAN(*dcgan.dcgan_networks(sizes.latent_dim, image_size=64, width=sizes.extra_width), sizes.latent_dim,
                seed=SEED)
    maps = [layer.output.shape[1] for layer in model.generator.layers
            if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose))]
    assert maps == [4, 8, 16, 32, 64] and model.discriminator.output_shape == (None, 1)
    model.compile(*dcgan.dcgan_optimizers(), steps_per_execution=10, jit_compile=False)
    batch = min(sizes.batch_size, len(faces))
    _capped_fit(model, training_stream(faces, batch_size=batch, seed=SEED), epochs=1,
                steps_per_epoch=sizes.extra_steps, verbose=0)
    assert model.steps_done == CAP


def test_inpainting_gpu():
    """Chapter 6: the z search with the gpu restarts (and the sweep's largest count), the stronger inversion.

    The searches are not fit() calls, so the cap does not reach them: their steps are set to CAP here; the
    gpu image counts (1,000 digits x 16 restarts in one batch) are recorded in benchmarks/README.md.
    """
    from gancourse.data import load_mnist  # chapter 6's own modules
    from gancourse.inpainting import benchmark, inversion
    from gancourse.inpainting.shipped_encoder import load_inversion_encoder
    from gancourse.nets import pretrained

    sizes = dataclasses.replace(config.chapter_sizes("inpainting", GPU), steps=CAP, tune_steps=CAP)
    generator = pretrained.load_pretrained("dcgan-mnist")
    discriminator = pretrained.load_pretrained("dcgan-mnist", "discriminator")
    encoder = load_inversion_encoder()
    digits = load_mnist(profile="smoke").x_test[:1]  # one digit: the stronger inversion tunes a G per digit
    masks = benchmark.evaluation_masks(digits.shape[1:3], center_size=14, missing_fraction=0.8, seed=SEED)
    center = np.broadcast_to(masks["center 14x14"][None, :, :, None], digits.shape).astype("float32")

    fit = inversion.fit_latent(generator, discriminator, digits, center, steps=sizes.steps,
                               restarts=sizes.restarts, learning_rate=sizes.learning_rate,
                               prior_weight=sizes.prior_weight, seed=SEED, snapshot_every=max(1, sizes.steps // 5))
    assert fit.z.shape == (1, generator.input_shape[1]) and fit.history.shape == (CAP, 1)  # loss before each step

    one_mask = {"center 14x14": masks["center 14x14"]}  # the sizes do not depend on the mask; each costs ~3 s
    table, completions = benchmark.completion_table(generator, discriminator, encoder, digits, one_mask, sizes,
                                                    score=lambda done, m: {"shape": done.shape}, seed=SEED)
    assert table.keys() == one_mask.keys()
    assert all(done.shape == digits.shape for row in completions.values() for done in row.values())
    sweep = inversion.fit_latent(generator, discriminator, digits, center, steps=sizes.steps,
                                 restarts=max(sizes.sweep_restarts), learning_rate=sizes.learning_rate,
                                 prior_weight=sizes.prior_weight, seed=SEED, record_history=False)
    assert sweep.restart_losses.shape == (max(sizes.sweep_restarts), 1) and sweep.generated.shape == digits.shape

def test_wgan_gpu(capped):
    """Chapter 7: the toy lab's WGAN-GP, the MNIST WGAN-GP and the weight-clipping demo's critic at gpu sizes."""
    from gancourse.evaluate import toy_modes, wasserstein_tracking  # chapter 7's own modules
    from gancourse.nets.critics import toy_critic
    from gancourse.train.wgan import N_CRITIC

    sizes = config.chapter_sizes("wgan", GPU)
    # WGAN-GP: the lab's method that the chapter holds to its bars. WGAN (clipping) and the GAN train the
    # same two MLPs (toy_modes.toy_networks) and are stepped at small sizes in test_wgan.py.
    with pytest.warns(UserWarning, match=CAP_WARNING):
        model, _ = toy_modes.train_toy("wgan-gp", "grid", sizes, seed=SEED, jit_compile=False)
    assert model.steps_done == CAP and int(model.d_optimizer.iterations.numpy()) == N_CRITIC * CAP
    assert toy_modes.score_toy(model, "grid", n_samples=sizes.toy_samples, seed=SEED)["n_modes"] == 25

    no_xla = dataclasses.replace(sizes, mnist_jit_compile=False)  # XLA off, as for chapter 5 (module notes)
    held_out = _images(1000)  # the snapshots' fixed real digits (the report takes 1,000)
    with pytest.warns(UserWarning, match=CAP_WARNING):
        model, _, estimates = wasserstein_tracking.train_wgan_gp_mnist(
            no_xla, _images(N_CRITIC * sizes.mnist_batch), held_out, seed=SEED, snapshot_samples=len(held_out))
    assert model.steps_done == CAP and estimates.steps == [0, CAP]
    assert model.generator.output_shape == (None, 28, 28, 1) and model.discriminator.output_shape == (None, 1)

    # The weight-clipping demo's critic: a plain MLP on 2-D points trained by its own loop (not fit), so only
    # built here.
    deep = toy_critic(2, hidden_units=(sizes.toy_units[0],) * sizes.clip_depth)
    assert deep.output_shape == (None, 1) and len(deep.layers) == sizes.clip_depth + 2  # input, hidden, score


def test_problems_gpu(capped):
    """Chapter 8: the conditional GAN, the super-resolution pair, a health case and a remedy at gpu sizes."""
    from gancourse.evaluate.remedy_modes import train_remedy  # chapter 8's own modules
    from gancourse.train.conditional import conditional_sizes, train_conditional_gan
    from gancourse.train.health_cases import run_health_case
    from gancourse.train.super_resolution import train_super_resolution

    sizes = config.chapter_sizes("problems", GPU)
    cgan_sizes = dataclasses.replace(conditional_sizes(GPU), jit_compile=False)  # XLA off, as for chapter 5
    labels = np.arange(2 * cgan_sizes.batch_size) % 10
    with pytest.warns(UserWarning, match=CAP_WARNING):
        gan, _ = train_conditional_gan(cgan_sizes, _images(len(labels)), labels, seed=SEED)
    assert gan.steps_done == CAP and gan.generator.output_shape == (None, 28, 28, 1)
    assert cgan_sizes.batch_size == sizes.cgan_batch_size and cgan_sizes.steps == sizes.cgan_steps

    for adversarial_weight in (0.0, sizes.sr_adversarial_weight):  # the L1-only model and the adversarial one
        with pytest.warns(UserWarning, match=CAP_WARNING):
            model = train_super_resolution(_images(2 * sizes.sr_batch_size), sizes,
                                           adversarial_weight=adversarial_weight, seed=SEED)
        assert model.steps_done == CAP
        low = np.zeros((3, sizes.sr_low_size, sizes.sr_low_size, 1), "float32")
        assert model.upscale(low, seed=SEED).shape == (3, 28, 28, 1)

    with pytest.warns(UserWarning, match=CAP_WARNING):
        run = run_health_case("collapse", SEED, profile=GPU)
    assert run.gan.steps_done == CAP
    with pytest.warns(UserWarning, match=CAP_WARNING):
        remedy, _ = train_remedy("unrolled", config.chapter_sizes("wgan", GPU), SEED, steps=sizes.remedy_steps)
    assert remedy.steps_done == CAP
