"""Bad input across the public API: one table of calls, each refused with a clear error that names the argument.

Every row is ``(id, call, error, match)``: ``call(m)`` makes one bad call (``m``
holds tiny models built once for the module), which must raise ``error``
(``ValueError`` or ``TypeError``) with a message matching ``match``, the
argument's name at least. The table covers config, data, nets, objectives,
theory, train, evaluate, inpainting and show, and every case of the
bad-input review: NaN/inf refused where data enters, [0, 255] pixels where
[-1, 1] images are expected, negative seeds, mismatched shapes, strings
where numbers belong, and training data that does not fit the generator.
"""

import types

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import config
from gancourse.config import sizes, validate
from gancourse.data import datasets, images, pipelines, toy
from gancourse.evaluate import coverage, features, frechet, kid, memorisation, psnr, report
from gancourse.evaluate import likelihood as eval_likelihood
from gancourse.inpainting import baselines, blending, inversion, masks, stronger_inversion
from gancourse.nets import (
    autoencoders,
    classifier,
    conv_arithmetic,
    dcgan,
    latent,
    mlp,
    pretrained,
    shapes,
)
from gancourse.nets import (
    toy as toy_nets,
)
from gancourse.objectives import divergences, elbo, gan_losses, gradient_penalty, mmd, wasserstein
from gancourse.objectives import inpainting as inpainting_losses
from gancourse.show import curves, widgets
from gancourse.show import figure_one as show_figure_one
from gancourse.show import images as show_images
from gancourse.theory import games, likelihood, saturation, value_function
from gancourse.train import (
    checkpoints,
    classifier_training,
    divergence_stop,
    figure_one,
    gan_trainer,
    pretrain,
    snapshots,
    toy_trainers,
    vae_trainer,
)

NAN, INF = float("nan"), float("inf")
SAMPLE_SHAPE = (4, 4, 1)


def _generator():
    """z (2,) -> a 4x4x1 image through tanh."""
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(16), keras.layers.Reshape(SAMPLE_SHAPE),
                             keras.layers.Activation("tanh")], name="tiny_generator")


def _discriminator(outputs=1, input_shape=SAMPLE_SHAPE):
    return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(), keras.layers.Dense(outputs)],
                            name=f"tiny_discriminator_{outputs}")


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    """Tiny models and arrays shared by every row (built once)."""
    gen = _generator()
    gan = gan_trainer.GAN(gen, _discriminator(), seed=0)
    gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
    toy_gen = toy_nets.build_toy_generator(1, 1, hidden_units=(4,))
    encoder = autoencoders.build_encoder(2, width=8)
    decoder = autoencoders.build_decoder(2, width=8)
    rng = np.random.default_rng(0)
    return types.SimpleNamespace(
        gen=gen, gan=gan, toy_gen=toy_gen, encoder=encoder, decoder=decoder,
        vae=vae_trainer.VAE(encoder, decoder),
        critic=_discriminator(),
        real=rng.uniform(-1, 1, (8,) + SAMPLE_SHAPE).astype(np.float32),
        feats=rng.standard_normal((10, 3)),
        probs=np.full((4, 2), 0.5),
        imgs=np.zeros((2, 8, 8, 1), np.float32),
        mask=np.ones((8, 8), np.float32),
        mnist=np.zeros((4, 28, 28, 1), np.float32),
        tmp=tmp_path_factory.mktemp("bad_input"),
    )


def _with_nan(shape, index=0):
    x = np.zeros(shape, np.float32)
    x.flat[index] = np.nan
    return x


def _density_grid():
    x = np.linspace(-6, 6, 601)
    p = np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)
    return x, p


X, P = _density_grid()

# (id, call, error, match): the table of bad inputs and the error a user sees.
CASES = [
    # ------------------------------------------------------------------ config
    ("check_int string", lambda m: validate.check_int("3", "n"), TypeError, "n must be an int"),
    ("check_seed negative", lambda m: validate.check_seed(-1), ValueError, r"seed must be in \[0, "),
    ("check_number nan", lambda m: validate.check_number(NAN, "rate"), ValueError, "rate must be a finite"),
    ("check_choice unknown", lambda m: validate.check_choice("x", "kind", ("a", "b")), ValueError,
     "kind must be one of"),
    ("check_bool int", lambda m: validate.check_bool(1, "flag"), TypeError, "flag must be True or False"),
    ("as_finite_array nan", lambda m: validate.as_finite_array([1.0, NAN], "x"), ValueError, "x must be finite"),
    ("as_finite_array string", lambda m: validate.as_finite_array("abc", "x"), TypeError, "x must be an array"),
    ("Profile.subset negative", lambda m: config.PROFILES["smoke"].subset(-5), ValueError,
     "n_available must be >= 0"),
    ("Profile.subset split", lambda m: config.PROFILES["smoke"].subset(10, "val"), ValueError, "split must be"),
    ("get_profile int", lambda m: config.get_profile(3), TypeError, "profile name must be a str"),
    ("get_profile unknown", lambda m: config.get_profile("tpu"), ValueError, "unknown profile 'tpu'"),
    ("chapter_sizes unknown", lambda m: sizes.chapter_sizes("chapter9"), ValueError, "no sizes for chapter"),
    ("seed_everything negative", lambda m: config.seed_everything(-1), ValueError, "seed must be in"),
    ("seed_everything float", lambda m: config.seed_everything(1.5), TypeError, "seed must be an int"),
    ("seed_everything deterministic_ops", lambda m: config.seed_everything(0, deterministic_ops="yes"),
     TypeError, "deterministic_ops must be True or False"),
    # -------------------------------------------------------------------- data
    ("tanh_range_to_uint8 nan", lambda m: images.tanh_range_to_uint8([NAN, 0.0]), ValueError,
     "images must be finite"),
    ("tanh_range_to_uint8 inf", lambda m: images.tanh_range_to_uint8([INF, 0.0]), ValueError,
     "images must be finite"),
    ("tanh_range_to_uint8 [0, 255] pixels", lambda m: images.tanh_range_to_uint8([0, 128, 255]), ValueError,
     r"images must lie in \[-1, 1\].*look like \[0, 255\] pixels"),
    ("tanh_range_to_unit_interval nan", lambda m: images.tanh_range_to_unit_interval([NAN]), ValueError,
     "images must be finite"),
    ("tanh_range_to_unit_interval [0, 255]", lambda m: images.tanh_range_to_unit_interval([[0.0, 255.0]]),
     ValueError, r"images must lie in \[-1, 1\].*\[0, 255\] pixels"),
    ("uint8_to_tanh_range float", lambda m: images.uint8_to_tanh_range(np.zeros((1, 2, 2), np.float32)),
     TypeError, "images_uint8 must have dtype uint8"),
    ("binarize_static nan", lambda m: images.binarize_static([NAN, 0.5]), ValueError, "intensities must be finite"),
    ("binarize_static seed", lambda m: images.binarize_static([0.5], seed=-1), ValueError, "seed must be in"),
    ("tile_images ncols", lambda m: images.tile_images(np.zeros((2, 2, 2)), ncols=0), ValueError,
     "ncols must be >= 1"),
    ("tile_images nan", lambda m: images.tile_images(_with_nan((1, 2, 2))), ValueError, "images must be finite"),
    ("balanced_subset_indices float n", lambda m: pipelines.balanced_subset_indices([0, 1, 2], 2.5), TypeError,
     "n must be an int, got float: 2.5"),
    ("balanced_subset_indices seed", lambda m: pipelines.balanced_subset_indices([0, 1, 2], 2, seed=-1),
     ValueError, "seed must be in"),
    ("balanced_subset_indices nan labels", lambda m: pipelines.balanced_subset_indices([0, NAN, 2], 2),
     ValueError, "labels must be finite"),
    ("make_pipeline string", lambda m: pipelines.make_pipeline("abc", batch_size=1), TypeError,
     "images must be an array of numbers"),
    ("make_pipeline nan", lambda m: pipelines.make_pipeline(_with_nan((4, 2)), batch_size=2), ValueError,
     "images must be finite"),
    ("make_pipeline batch_size", lambda m: pipelines.make_pipeline(np.zeros((4, 2)), batch_size=5), ValueError,
     r"batch_size must be in \[1, 4\]"),
    ("make_pipeline labels", lambda m: pipelines.make_pipeline(np.zeros((4, 2)), [0, 1], batch_size=2),
     ValueError, "labels has 2 entries but images has 4"),
    ("make_pipeline shuffle", lambda m: pipelines.make_pipeline(np.zeros((4, 2)), batch_size=2, shuffle="yes"),
     TypeError, "shuffle must be True or False"),
    ("training_stream nan", lambda m: pipelines.training_stream(_with_nan((4, 2), 5), batch_size=2), ValueError,
     r"images must be finite.*index \(2, 1\)"),
    ("training_stream start_step", lambda m: pipelines.training_stream(np.zeros((4, 2)), batch_size=2,
                                                                        start_step=-1),
     ValueError, "start_step must be >= 0"),
    ("training_stream seed", lambda m: pipelines.training_stream(np.zeros((4, 2)), batch_size=2, seed=-1),
     ValueError, "seed must be in"),
    ("GaussianMixture.create nan", lambda m: toy.GaussianMixture.create([NAN, 1.0], 1.0), ValueError,
     "means must be finite"),
    ("GaussianMixture.create stds", lambda m: toy.GaussianMixture.create([0.0, 1.0], [1.0, -1.0]), ValueError,
     "stds must be positive"),
    ("GaussianMixture.create weights", lambda m: toy.GaussianMixture.create([0.0, 1.0], 1.0, [0.5, 0.6]),
     ValueError, "weights must be 2 non-negative numbers summing to 1"),
    ("GaussianMixture.sample n", lambda m: toy.GaussianMixture.create([0.0], 1.0).sample(0), ValueError,
     "n must be >= 1"),
    ("GaussianMixture.log_pdf nan", lambda m: toy.GaussianMixture.create([0.0], 1.0).log_pdf([NAN]), ValueError,
     "x must be finite"),
    ("ring_modes n_modes", lambda m: toy.ring_modes(0), ValueError, "n_modes must be >= 1"),
    ("grid_modes spacing nan", lambda m: toy.grid_modes(5, NAN), ValueError, "spacing must be a finite number"),
    ("grid_modes float", lambda m: toy.grid_modes(2.5), TypeError, "n_per_side must be an int"),
    ("load_mnist seed", lambda m: datasets.load_mnist(seed=-1), ValueError, "seed must be in"),
    ("load_mnist subset", lambda m: datasets.load_mnist(subset="no"), TypeError, "subset must be True or False"),
    ("load_dataset unknown", lambda m: datasets.load_dataset("cifar10"), ValueError, "unknown dataset 'cifar10'"),
    # -------------------------------------------------------------------- nets
    ("latent_noise seed", lambda m: latent.latent_noise(2, 2, seed=-1), ValueError, "seed must be in"),
    ("latent_noise n", lambda m: latent.latent_noise(0, 2), ValueError, "n must be >= 1"),
    ("latent_noise latent_dim float", lambda m: latent.latent_noise(2, 2.0), TypeError,
     "latent_dim must be an int"),
    ("slerp nan", lambda m: latent.slerp([NAN, 1.0], [1.0, 0.0], 0.5), ValueError, "z0 must be finite"),
    ("slerp inf", lambda m: latent.slerp([1.0, 0.0], [0.0, INF], 0.5), ValueError, "z1 must be finite"),
    ("slerp t nan", lambda m: latent.slerp([1.0, 0.0], [0.0, 1.0], NAN), ValueError, "t must be finite"),
    ("lerp lengths", lambda m: latent.lerp([1.0, 0.0], [0.0, 1.0, 2.0], 0.5), ValueError,
     "z0 and z1 must be 1-D vectors of the same length"),
    ("interpolate_latents steps", lambda m: latent.interpolate_latents([1.0], [2.0], steps=1), ValueError,
     "steps must be >= 2"),
    ("interpolate_latents method", lambda m: latent.interpolate_latents([1.0], [2.0], method="cubic"),
     ValueError, "method must be one of"),
    ("latent_arithmetic nan", lambda m: latent.latent_arithmetic([NAN, 1.0], [0.0, 1.0], [0.0, 1.0]),
     ValueError, "a must be finite"),
    ("dcgan_optimizers beta_1", lambda m: dcgan.dcgan_optimizers(beta_1=2.0), ValueError,
     r"beta_1 must be a number >= 0\.0 and < 1\.0, got 2\.0"),
    ("dcgan_optimizers learning_rate inf", lambda m: dcgan.dcgan_optimizers(learning_rate=INF), ValueError,
     "learning_rate must be a finite number"),
    ("dcgan_optimizers g_learning_rate", lambda m: dcgan.dcgan_optimizers(g_learning_rate=-1.0), ValueError,
     "g_learning_rate must be a number > 0"),
    ("dcgan_optimizers decay_steps", lambda m: dcgan.dcgan_optimizers(decay_steps=0), ValueError,
     "decay_steps must be >= 1"),
    ("dcgan_init seed", lambda m: dcgan.dcgan_init(seed=-1), ValueError, "seed must be in"),
    ("dcgan_generator image_size", lambda m: dcgan.dcgan_generator(2, image_size=30), ValueError,
     "image_size must be one of"),
    ("dcgan_discriminator width", lambda m: dcgan.dcgan_discriminator(width=0), ValueError, "width must be >= 1"),
    ("dcgan_sizes", lambda m: dcgan.dcgan_sizes(30), ValueError, "image_size must be one of"),
    ("mlp_generator latent_dim", lambda m: mlp.mlp_generator(0), ValueError, "latent_dim must be >= 1"),
    ("mlp_discriminator activation", lambda m: mlp.mlp_discriminator(activation="relu"), ValueError,
     "activation must be one of"),
    ("toy generator latent_dim", lambda m: toy_nets.build_toy_generator(latent_dim=0), ValueError,
     "latent_dim must be >= 1"),
    ("toy discriminator hidden_units", lambda m: toy_nets.build_toy_discriminator(hidden_units=(0,)), ValueError,
     "hidden_units entries must be >= 1"),
    ("build_classifier num_classes", lambda m: classifier.build_classifier(num_classes=1), ValueError,
     "num_classes must be >= 2"),
    ("conv_output_size n", lambda m: conv_arithmetic.conv_output_size(0, 3), ValueError, "n must be >= 1"),
    ("conv_transpose output_padding", lambda m: conv_arithmetic.conv_transpose_output_size(4, 3, 2,
                                                                                           output_padding=2),
     ValueError, "output_padding must be smaller than stride"),
    ("build_encoder kind", lambda m: autoencoders.build_encoder(2, kind="rnn"), ValueError, "kind must be one of"),
    ("build_dense_encoder latent_dim", lambda m: autoencoders.build_dense_encoder(0), ValueError,
     "latent_dim must be >= 1"),
    ("generator_latent_dim not a model", lambda m: shapes.generator_latent_dim("g"), TypeError,
     "generator must be a keras.Model"),
    ("generator_latent_dim mismatch", lambda m: shapes.generator_latent_dim(m.gen, 3), ValueError,
     "latent_dim is 3 but the generator's input takes z of size 2"),
    ("check_discriminator_output (N, 10)", lambda m: shapes.check_discriminator_output(
        _discriminator(10), (None,) + SAMPLE_SHAPE), ValueError, r"discriminator must output one logit.*\(None, 10\)"),
    ("pretrained_path name", lambda m: pretrained.pretrained_path("nope"), ValueError,
     "name: unknown pretrained model 'nope'"),
    ("pretrained_path part", lambda m: pretrained.pretrained_path("dcgan-mnist", "encoder"), ValueError,
     "part: dcgan-mnist ships parts"),
    # -------------------------------------------------------------- objectives
    ("discriminator_loss string", lambda m: gan_losses.discriminator_loss("abc", [0.0]), TypeError,
     "real_logits must be logits"),
    ("discriminator_loss string fake", lambda m: gan_losses.discriminator_loss([0.0], ["abc"]), TypeError,
     "fake_logits must be an array of real numbers"),
    ("discriminator_loss nan", lambda m: gan_losses.discriminator_loss([NAN], [0.0]), ValueError,
     "real_logits must be finite"),
    ("discriminator_loss inf", lambda m: gan_losses.discriminator_loss([0.0], tf.constant([INF])), ValueError,
     "fake_logits must be finite"),
    ("discriminator_loss empty", lambda m: gan_losses.discriminator_loss(np.zeros((0, 1)), [0.0]), ValueError,
     "real_logits is empty"),
    ("discriminator_loss bool", lambda m: gan_losses.discriminator_loss([True], [0.0]), TypeError,
     "real_logits must be an array of real numbers"),
    ("discriminator_accuracy string", lambda m: gan_losses.discriminator_accuracy("abc", [1.0]), TypeError,
     "real_logits must be logits"),
    ("discriminator_accuracy nan", lambda m: gan_losses.discriminator_accuracy([1.0], [NAN]), ValueError,
     "fake_logits must be finite"),
    ("generator_loss nan", lambda m: gan_losses.generator_loss([NAN]), ValueError, "fake_logits must be finite"),
    ("generator_loss kind", lambda m: gan_losses.generator_loss([0.0], kind="minimax"), ValueError,
     "kind must be one of"),
    ("check_generator_loss_kind int", lambda m: gan_losses.check_generator_loss_kind(1), TypeError,
     "generator_loss must be a str"),
    ("log_d eager nan", lambda m: gan_losses.log_d(tf.constant([NAN])), ValueError, "logits must be finite"),
    ("critic_loss nan", lambda m: wasserstein.critic_loss([NAN], [0.0]), ValueError, "real_scores must be finite"),
    ("wasserstein generator_loss shape", lambda m: wasserstein.generator_loss(np.zeros((2, 3))), ValueError,
     r"fake_scores must be critic scores of shape \(N, 1\)"),
    ("clip_weights clip_value", lambda m: wasserstein.clip_weights(m.critic, clip_value=0.0), ValueError,
     "clip_value must be"),
    ("clip_weights string", lambda m: wasserstein.clip_weights("w"), TypeError, "variables must be a list"),
    ("mmd_squared unbiased one row", lambda m: mmd.mmd_squared(np.zeros((1, 2)), np.zeros((1, 2)), unbiased=True),
     ValueError, "at least 2 rows in x and in y"),
    ("mmd_squared widths", lambda m: mmd.mmd_squared(np.zeros((3, 2)), np.zeros((3, 3))), ValueError,
     r"x and y must have the same d.*\(3, 2\) and \(3, 3\)"),
    ("mmd_squared string", lambda m: mmd.mmd_squared("abc", np.zeros((2, 2))), TypeError,
     "x must be an array of real numbers"),
    ("mmd_squared nan", lambda m: mmd.mmd_squared(np.zeros((2, 2)), _with_nan((2, 2))), ValueError,
     "y must be finite"),
    ("mmd_squared unbiased flag", lambda m: mmd.mmd_squared(np.zeros((2, 2)), np.zeros((2, 2)), unbiased=1),
     TypeError, "unbiased must be True or False"),
    ("polynomial_kernel widths", lambda m: mmd.polynomial_kernel(np.zeros((2, 3)), np.zeros((2, 4))), ValueError,
     r"x and y must have the same d.*\(2, 3\) and \(2, 4\)"),
    ("gaussian_kernel_sum bandwidth", lambda m: mmd.gaussian_kernel_sum([1.0, -1.0]), ValueError,
     r"bandwidths\[1\] must be a number > 0"),
    ("kl_divergence shapes", lambda m: divergences.kl_divergence([0.5, 0.5], [1.0]), ValueError,
     "p and q must have the same shape"),
    ("kl_divergence sum", lambda m: divergences.kl_divergence([0.5, 0.6], [0.5, 0.5]), ValueError,
     "p must sum to 1"),
    ("entropy string", lambda m: divergences.entropy("abc"), TypeError, "p must be an array of numbers"),
    ("js_divergence nan", lambda m: divergences.js_divergence([NAN, 1.0], [0.5, 0.5]), ValueError,
     "p must be finite"),
    ("xlogy_ratio shapes", lambda m: divergences.xlogy_ratio([0.5, 0.5], [1 / 3] * 3), ValueError,
     r"p, q must have shapes that broadcast together, got p \(2,\) and q \(3,\)"),
    ("xlogy_ratio nan", lambda m: divergences.xlogy_ratio([NAN], [1.0]), ValueError, "p must be finite"),
    ("gaussian_kl nan", lambda m: divergences.gaussian_kl(NAN, 1.0, 0.0, 1.0), ValueError, "mean_p must be finite"),
    ("gaussian_kl std", lambda m: divergences.gaussian_kl(0.0, -1.0, 0.0, 1.0), ValueError,
     "std_p must be positive"),
    ("gaussian_kl shapes", lambda m: divergences.gaussian_kl([0.0, 1.0], [1.0, 1.0, 1.0], 0.0, 1.0), ValueError,
     r"mean_p, std_p, mean_q, std_q must have shapes that broadcast.*mean_p \(2,\).*std_p \(3,\)"),
    ("integrate grid", lambda m: divergences.integrate([1.0, 2.0], [0.0, 0.0]), ValueError,
     "x must be strictly increasing"),
    ("kl_divergence_density mass", lambda m: divergences.kl_divergence_density(2 * P, P, X), ValueError,
     "p must integrate to 1"),
    ("gaussian_kl_to_standard_normal shapes", lambda m: divergences.gaussian_kl_to_standard_normal(
        np.zeros((2, 3)), np.zeros((2, 2))), ValueError, "mean and log_var must have the same shape"),
    ("reparameterize_with_noise shapes", lambda m: elbo.reparameterize_with_noise(
        np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 3))), ValueError, "mean, log_var and eps must have"),
    ("reparameterize seed", lambda m: elbo.reparameterize(np.zeros((2, 2)), np.zeros((2, 2)), seed=-1),
     ValueError, "seed must be in"),
    ("reparameterize seed string", lambda m: elbo.reparameterize(np.zeros((2, 2)), np.zeros((2, 2)), seed="0"),
     TypeError, "seed must be None, a keras.random.SeedGenerator or an int"),
    ("bernoulli_log_likelihood shapes", lambda m: elbo.bernoulli_log_likelihood(np.zeros((2, 3)),
                                                                                np.zeros((2, 4))),
     ValueError, "x and logits must have the same shape"),
    ("gradient_penalty shapes", lambda m: gradient_penalty.gradient_penalty(
        m.critic, np.zeros((2,) + SAMPLE_SHAPE), np.zeros((2, 4, 4, 2)), seed=0), ValueError,
     "real and fake must have the same shape"),
    ("gradient_penalty weight", lambda m: gradient_penalty.gradient_penalty(
        m.critic, m.real[:2], m.real[:2], seed=0, weight=-1.0), ValueError, "weight must be a number >= 0"),
    ("gradient_penalty critic", lambda m: gradient_penalty.gradient_penalty("critic", m.real[:2], m.real[:2]),
     TypeError, "critic must be callable"),
    ("gradient_penalty alpha and seed", lambda m: gradient_penalty.gradient_penalty(
        m.critic, m.real[:2], m.real[:2], alpha=np.full((2, 1, 1, 1), 0.5, np.float32), seed=1), ValueError,
     "pass alpha or seed, not both"),
    ("interpolation_weights batch_size", lambda m: gradient_penalty.interpolation_weights(0, 1), ValueError,
     "batch_size must be >= 1"),
    ("inpainting as_images nan", lambda m: inpainting_losses.as_images(_with_nan((1, 4, 4, 1))), ValueError,
     "images must be finite"),
    ("inpainting as_images [0, 255]", lambda m: inpainting_losses.as_images(np.full((1, 4, 4, 1), 255.0)),
     ValueError, r"images must be in \[-1, 1\]"),
    ("importance_weights window", lambda m: inpainting_losses.importance_weights(m.mask, window=4), ValueError,
     "window must be odd"),
    ("perceptual_loss form", lambda m: inpainting_losses.perceptual_loss(np.zeros((2, 1)), form="x"), ValueError,
     "form must be one of"),
    ("inpainting_loss prior_weight", lambda m: inpainting_losses.inpainting_loss(
        m.imgs, m.imgs, np.ones_like(m.imgs), prior_weight=-1.0), ValueError, "prior_weight must be a number >= 0"),
    # ------------------------------------------------------------------ theory
    ("bilinear_game_steps nan", lambda m: games.bilinear_game_steps(NAN, 1.0), ValueError,
     "x0 must be a finite number"),
    ("bilinear_game_steps lr", lambda m: games.bilinear_game_steps(0.0, 1.0, lr=0.0), ValueError,
     "lr must be a number > 0"),
    ("bilinear_game_steps steps", lambda m: games.bilinear_game_steps(0.0, 1.0, steps=0), ValueError,
     "steps must be >= 1"),
    ("zero_sum_costs string", lambda m: games.zero_sum_costs("1"), TypeError, "value must be a number"),
    ("fit_gaussian_mixture nan", lambda m: likelihood.fit_gaussian_mixture([NAN, 1.0, 2.0], 1), ValueError,
     "x must be finite"),
    ("fit_gaussian_mixture n_components", lambda m: likelihood.fit_gaussian_mixture([0.0, 1.0, 2.0], 0),
     ValueError, "n_components must be >= 1"),
    ("fit_gaussian_mixture seed", lambda m: likelihood.fit_gaussian_mixture([0.0, 1.0, 2.0], 1, seed=-1),
     ValueError, "seed must be in"),
    ("gaussian_kde nan samples", lambda m: likelihood.gaussian_kde([NAN, 1.0, 2.0], [0.0, 1.0]), ValueError,
     "samples must be finite"),
    ("gaussian_kde nan grid", lambda m: likelihood.gaussian_kde([0.0, 1.0, 2.0], [NAN, 1.0]), ValueError,
     "grid must be finite"),
    ("gaussian_kde bandwidth", lambda m: likelihood.gaussian_kde([0.0, 1.0, 2.0], [0.0], bandwidth=0.0),
     ValueError, "bandwidth must be a number > 0"),
    ("gaussian_mle nan", lambda m: likelihood.gaussian_mle([NAN, 1.0]), ValueError, "x must be finite"),
    ("pushforward_density not callable", lambda m: likelihood.pushforward_density([0.0], "f", abs, abs),
     TypeError, "base_pdf must be a function"),
    ("value_function_from_samples range", lambda m: value_function.value_function_from_samples([1.5], [0.5]),
     ValueError, r"d_real must hold probabilities in \[0, 1\]"),
    ("optimal_discriminator nan", lambda m: value_function.optimal_discriminator([NAN], [1.0]), ValueError,
     "p_data must be finite"),
    ("optimal_discriminator shapes", lambda m: value_function.optimal_discriminator([1.0, 1.0], [1.0]),
     ValueError, "p_data and p_g must have the same shape"),
    ("discriminator_cross_entropy p_src_data", lambda m: value_function.discriminator_cross_entropy_on_grid(
        P, P, np.full_like(P, 0.5), X, p_src_data=1.0), ValueError, "p_src_data must be a number"),
    ("sigmoid_derivative nan", lambda m: saturation.sigmoid_derivative([NAN]), ValueError, "d must be finite"),
    ("generator_loss_grad_wrt_logit kind", lambda m: saturation.generator_loss_grad_wrt_logit(0.5, kind="x"),
     ValueError, "kind must be one of"),
    # ------------------------------------------------------------------- train
    ("GAN generator", lambda m: gan_trainer.GAN("g", _discriminator()), TypeError,
     "generator must be a keras.Model"),
    ("GAN discriminator", lambda m: gan_trainer.GAN(m.gen, None), TypeError, "discriminator must be a keras.Model"),
    ("GAN seed", lambda m: gan_trainer.GAN(m.gen, _discriminator(), seed=-1), ValueError, "seed must be in"),
    ("GAN latent_dim", lambda m: gan_trainer.GAN(m.gen, _discriminator(), latent_dim=3), ValueError,
     "latent_dim is 3"),
    ("GAN discriminator (N, 10)", lambda m: gan_trainer.GAN(m.gen, _discriminator(10)), ValueError,
     r"discriminator must output one logit per sample, shape \(N, 1\).*\(None, 10\)"),
    ("GAN discriminator input", lambda m: gan_trainer.GAN(m.gen, _discriminator(1, (5, 5, 1))), ValueError,
     r"discriminator cannot take the generator's samples of shape \(None, 4, 4, 1\)"),
    ("GAN.compile same optimizer", lambda m: (lambda opt: m.gan.compile(opt, opt))(keras.optimizers.SGD()),
     ValueError, "d_optimizer and g_optimizer must be two different"),
    ("GAN.compile string optimizer", lambda m: m.gan.compile("adam", keras.optimizers.SGD()), TypeError,
     "d_optimizer must be a keras.optimizers.Optimizer"),
    ("GAN.compile n_critic", lambda m: m.gan.compile(keras.optimizers.SGD(), keras.optimizers.SGD(), n_critic=0),
     ValueError, "n_critic must be >= 1"),
    ("GAN.compile update", lambda m: m.gan.compile(keras.optimizers.SGD(), keras.optimizers.SGD(), update="x"),
     ValueError, "update must be one of"),
    ("GAN.compile generator_loss", lambda m: m.gan.compile(keras.optimizers.SGD(), keras.optimizers.SGD(),
                                                           generator_loss="x"),
     ValueError, "generator_loss must be one of"),
    ("GAN.fit all-NaN images", lambda m: m.gan.fit(np.full((8,) + SAMPLE_SHAPE, np.nan, np.float32), epochs=1,
                                                   verbose=0),
     ValueError, "x must be finite"),
    ("GAN.fit images of another shape", lambda m: m.gan.fit(np.zeros((8, 5, 5, 1), np.float32), verbose=0),
     ValueError, r"x holds samples of shape \(5, 5, 1\), but the generator makes samples of shape \(4, 4, 1\)"),
    ("GAN.fit tf.data of another shape", lambda m: m.gan.fit(
        tf.data.Dataset.from_tensor_slices(np.zeros((8, 5, 5, 1), np.float32)).batch(4), verbose=0), ValueError,
     r"x gives batches of samples of shape \(5, 5, 1\), but the generator makes samples of shape \(4, 4, 1\)"),
    ("GAN.fit [0, 255] images", lambda m: m.gan.fit(np.full((8,) + SAMPLE_SHAPE, 255.0, np.float32), verbose=0),
     ValueError, r"x must lie in \[-1, 1\].*\[0, 255\] pixels"),
    ("GAN.sample n", lambda m: m.gan.sample(0), ValueError, "n must be >= 1"),
    ("GAN.sample seed", lambda m: m.gan.sample(2, seed=-1), ValueError, "seed must be in"),
    ("build_vae learning_rate", lambda m: vae_trainer.build_vae(2, learning_rate=-1.0), ValueError,
     "learning_rate must be a number > 0"),
    ("build_vae decay_steps", lambda m: vae_trainer.build_vae(2, decay_steps=0), ValueError,
     "decay_steps must be >= 1"),
    ("VAE beta", lambda m: vae_trainer.VAE(m.encoder, m.decoder, beta=-1.0), ValueError, "beta must be a number"),
    ("VAE seed", lambda m: vae_trainer.VAE(m.encoder, m.decoder, seed=-1), ValueError, "seed must be in"),
    ("VAE binarize", lambda m: vae_trainer.VAE(m.encoder, m.decoder, binarize=1), TypeError,
     "binarize must be True or False"),
    ("VAE.sample seed", lambda m: m.vae.sample(2, seed=-1), ValueError, "seed must be in"),
    ("dynamic_binarize seed", lambda m: vae_trainer.dynamic_binarize(np.full((2, 2), 0.5, np.float32), seed=-1),
     ValueError, "seed must be in"),
    ("DivergenceStop max_loss", lambda m: divergence_stop.DivergenceStop(max_loss=0.0), ValueError,
     "max_loss must be a number > 0"),
    ("DivergenceStop d_margin", lambda m: divergence_stop.DivergenceStop(d_margin=0.5), ValueError,
     "d_margin must be a number"),
    ("DivergenceStop watch", lambda m: divergence_stop.DivergenceStop(watch="d_loss"), TypeError,
     "watch must be a sequence of metric names"),
    ("DivergenceStop raise_error", lambda m: divergence_stop.DivergenceStop(raise_error="yes"), TypeError,
     "raise_error must be True or False"),
    ("SampleGrid nan noise", lambda m: snapshots.SampleGrid(_with_nan((2, 2))), ValueError, "noise must be finite"),
    ("SampleGrid every_steps", lambda m: snapshots.SampleGrid(np.zeros((2, 2)), every_steps=0), ValueError,
     "every_steps must be >= 1"),
    ("DiscriminatorOutputs nan", lambda m: snapshots.DiscriminatorOutputs(_with_nan((2, 1)), np.zeros((2, 2))),
     ValueError, "real_samples must be finite"),
    ("FigureOneSnapshots nan grid", lambda m: figure_one.FigureOneSnapshots([0.0, NAN], [1.0, 1.0]), ValueError,
     "grid must be finite"),
    ("FigureOneSnapshots every", lambda m: figure_one.FigureOneSnapshots(X, P, every=0), ValueError,
     "every must be >= 1"),
    ("MomentMatchingSampler latent_dim", lambda m: toy_trainers.MomentMatchingSampler(m.toy_gen, 0), ValueError,
     "latent_dim must be >= 1"),
    ("MomentMatchingSampler bandwidths", lambda m: toy_trainers.MomentMatchingSampler(m.toy_gen, 1,
                                                                                      bandwidths=(NAN,)),
     ValueError, r"bandwidths\[0\] must be a finite number"),
    ("MomentMatchingSampler seed", lambda m: toy_trainers.MomentMatchingSampler(m.toy_gen, 1, seed=-1), ValueError,
     "seed must be in"),
    ("GANCheckpoint directory", lambda m: checkpoints.GANCheckpoint(123), TypeError,
     "directory must be a str or os.PathLike"),
    ("GANCheckpoint keep", lambda m: checkpoints.GANCheckpoint(m.tmp, keep=0), ValueError, "keep must be >= 1"),
    ("train_classifier lengths", lambda m: classifier_training.train_classifier(m.mnist, np.zeros(3)), ValueError,
     "x_train has 4 images but y_train has 3 labels"),
    ("train_classifier epochs", lambda m: classifier_training.train_classifier(m.mnist, np.zeros(4), epochs=0),
     ValueError, "epochs must be >= 1"),
    ("pretrain name", lambda m: pretrain.pretrain("nope"), ValueError, "name must be one of"),
    # ---------------------------------------------------------------- evaluate
    ("frechet_distance string", lambda m: frechet.frechet_distance("abc", m.feats), TypeError,
     "feats_a must be an array of numbers"),
    ("frechet_distance nan", lambda m: frechet.frechet_distance(m.feats, _with_nan((10, 3))), ValueError,
     "feats_b must be finite"),
    ("frechet_distance widths", lambda m: frechet.frechet_distance(m.feats, np.zeros((10, 4))), ValueError,
     "feats_a has 3 features per sample but feats_b has 4"),
    ("trace_sqrt_product sizes", lambda m: frechet.trace_sqrt_product(np.eye(2), np.eye(3)), ValueError,
     r"cov_a and cov_b must have the same size, got shapes \(2, 2\) and \(3, 3\)"),
    ("trace_sqrt_product not square", lambda m: frechet.trace_sqrt_product(np.zeros((2, 3)), np.eye(2)),
     ValueError, "cov_a must be a square"),
    ("kid subsets float", lambda m: kid.kernel_inception_distance(m.feats, m.feats, subsets=2.5), TypeError,
     "subsets must be an int"),
    ("kid subset_size", lambda m: kid.kernel_inception_distance(m.feats, m.feats, subset_size=11), ValueError,
     "subset_size must be <= 10"),
    ("kid seed", lambda m: kid.kernel_inception_distance(m.feats, m.feats, seed=-1), ValueError,
     "seed must be in"),
    ("psnr nan", lambda m: psnr.psnr(_with_nan((1, 2, 2)), np.zeros((1, 2, 2))), ValueError, "a must be finite"),
    ("psnr inf", lambda m: psnr.psnr(np.zeros((1, 2, 2)), np.full((1, 2, 2), INF)), ValueError,
     "b must be finite"),
    ("psnr shapes", lambda m: psnr.psnr(np.zeros((1, 2, 2)), np.zeros((1, 2, 3))), ValueError,
     "a and b must have the same shape"),
    ("psnr data_range", lambda m: psnr.psnr(np.zeros((1, 2, 2)), np.ones((1, 2, 2)), data_range=0.0), ValueError,
     "data_range must be a number > 0"),
    ("psnr reduce", lambda m: psnr.psnr(np.zeros((1, 2, 2)), np.ones((1, 2, 2)), reduce="sum"), ValueError,
     "reduce must be one of"),
    ("psnr nan mask", lambda m: psnr.psnr(np.zeros((1, 2, 2)), np.ones((1, 2, 2)), mask=[[NAN, 1.0]]),
     ValueError, "mask must be finite"),
    ("nearest_training_images nan", lambda m: memorisation.nearest_training_images(
        np.full((1, 2, 2), NAN), np.zeros((3, 2, 2))), ValueError, "samples must be finite"),
    ("nearest_training_images k", lambda m: memorisation.nearest_training_images(
        np.zeros((1, 2, 2)), np.zeros((3, 2, 2)), k=0), ValueError, "k must be >= 1"),
    ("class_histogram nan", lambda m: coverage.class_histogram([[0.5, NAN]]), ValueError, "probs must be finite"),
    ("class_histogram logits", lambda m: coverage.class_histogram([[2.0, 3.0]]), ValueError,
     "each row of probs must sum to 1"),
    ("class_coverage min_share", lambda m: coverage.class_coverage(m.probs, min_share=0.0), ValueError,
     "min_share must be a number > 0"),
    ("confident_share threshold", lambda m: coverage.confident_share(m.probs, threshold=1.5), ValueError,
     "threshold must be a number"),
    ("mode_coverage std", lambda m: coverage.mode_coverage(np.zeros((3, 2)), toy.ring_modes(), std=0.0),
     ValueError, "std must be a number > 0"),
    ("mode_coverage nan", lambda m: coverage.mode_coverage(_with_nan((3, 2)), toy.ring_modes(), std=0.1),
     ValueError, "samples must be finite"),
    ("classifier_outputs [0, 255]", lambda m: features.classifier_outputs(np.full((2, 28, 28), 255.0), object()),
     ValueError, r"images must be scaled to \[-1, 1\].*look like \[0, 255\] pixels"),
    ("classifier_outputs nan", lambda m: features.classifier_outputs(_with_nan((2, 28, 28)), object()),
     ValueError, "images must be finite"),
    ("classifier_outputs batch_size", lambda m: features.classifier_outputs(m.mnist, object(), batch_size=0),
     ValueError, "batch_size must be >= 1"),
    ("evaluate_samples [0, 255]", lambda m: report.evaluate_samples(np.full((2, 28, 28), 255.0), m.mnist),
     ValueError, r"samples must be scaled to \[-1, 1\]"),
    ("real_vs_real_floor n", lambda m: report.real_vs_real_floor(m.feats, 1), ValueError, "n must be >= 2"),
    ("generate_samples n", lambda m: report.generate_samples(m.gen, 0), ValueError, "n must be >= 1"),
    ("generate_samples generator", lambda m: report.generate_samples("g", 2), TypeError,
     "generator must be a Keras model or a callable"),
    ("generate_samples seed", lambda m: report.generate_samples(m.gen, 2, seed=-1), ValueError, "seed must be in"),
    ("evaluate_elbo vae", lambda m: eval_likelihood.evaluate_elbo(object(), m.mnist), TypeError, "vae must be a VAE"),
    ("evaluate_elbo grey", lambda m: eval_likelihood.evaluate_elbo(m.vae, np.full((2, 28, 28, 1), 0.5)),
     ValueError, r"x_binary must be binary"),
    ("evaluate_elbo samples", lambda m: eval_likelihood.evaluate_elbo(m.vae, np.ones((2, 28, 28, 1)), samples=0),
     ValueError, "samples must be >= 1"),
    # -------------------------------------------------------------- inpainting
    ("center_square_mask size", lambda m: masks.center_square_mask((8, 8), 9), ValueError,
     r"size must be in \[1, 8\]"),
    ("center_square_mask image_shape", lambda m: masks.center_square_mask("8x8", 2), TypeError,
     "image_shape must be a tuple"),
    ("random_pixel_mask fraction", lambda m: masks.random_pixel_mask((8, 8), 1.5), ValueError,
     "missing_fraction must be a number"),
    ("random_pixel_mask seed", lambda m: masks.random_pixel_mask((8, 8), 0.5, seed=-1), ValueError,
     "seed must be in"),
    ("half_mask side", lambda m: masks.half_mask((8, 8), side="middle"), ValueError, "side must be one of"),
    ("mean_fill nan", lambda m: baselines.mean_fill(_with_nan((1, 8, 8, 1)), m.mask), ValueError,
     "images must be finite"),
    ("mean_fill grey mask", lambda m: baselines.mean_fill(m.imgs, np.full((8, 8), 0.5)), ValueError,
     r"mask must contain only 0 \(hole\) and 1 \(known\)"),
    ("inpaint_telea radius", lambda m: baselines.inpaint_telea(m.imgs, m.mask, radius=0), ValueError,
     "radius must be >= 1"),
    ("blend_direct shapes", lambda m: blending.blend_direct(m.imgs, m.mask, np.zeros((2, 4, 4, 1))), ValueError,
     "generated must have the images' shape"),
    ("blend_poisson clip", lambda m: blending.blend_poisson(m.imgs, m.mask, m.imgs, clip="yes"), TypeError,
     "clip must be True or False"),
    ("fit_latent steps", lambda m: inversion.fit_latent(m.gen, None, np.zeros((1,) + SAMPLE_SHAPE),
                                                        np.ones((4, 4)), steps=-1),
     ValueError, "steps must be >= 0"),
    ("fit_latent z_constraint", lambda m: inversion.fit_latent(m.gen, None, np.zeros((1,) + SAMPLE_SHAPE),
                                                               np.ones((4, 4)), z_constraint="cube"),
     ValueError, "z_constraint must be one of"),
    ("fit_latent generator", lambda m: inversion.fit_latent("g", None, np.zeros((1,) + SAMPLE_SHAPE),
                                                            np.ones((4, 4))),
     TypeError, "generator must be a Keras model"),
    ("fit_latent seed", lambda m: inversion.fit_latent(m.gen, None, np.zeros((1,) + SAMPLE_SHAPE), np.ones((4, 4)),
                                                       steps=0, seed=-1),
     ValueError, "seed must be in"),
    ("default_z_limit latent_dim", lambda m: inversion.default_z_limit(0), ValueError, "latent_dim must be >= 1"),
    ("build_inversion_encoder seed", lambda m: stronger_inversion.build_inversion_encoder(2, SAMPLE_SHAPE, seed=-1),
     ValueError, "seed must be in"),
    # -------------------------------------------------------------------- show
    ("show_images size", lambda m: show_images.show_images(np.zeros((2, 4, 4)), size=0.0), ValueError,
     "size must be a number > 0"),
    ("show_images nan", lambda m: show_images.show_images(_with_nan((2, 4, 4))), ValueError,
     "images must be finite"),
    ("show_images labels", lambda m: show_images.show_images(np.zeros((2, 4, 4)), labels=[1]), ValueError,
     "labels has 1 entries but images has 2"),
    ("plot_history string", lambda m: curves.plot_history("h"), TypeError, "history must be a keras History"),
    ("plot_history keys", lambda m: curves.plot_history({"a": [1.0]}, keys=["b"]), ValueError,
     r"keys \['b'\] not in history"),
    ("plot_history smooth", lambda m: curves.plot_history({"a": [1.0]}, smooth=0), ValueError,
     "smooth must be >= 1"),
    ("plot_class_histogram nan", lambda m: curves.plot_class_histogram([NAN, 0.5]), ValueError,
     "histogram must be finite"),
    ("plot_class_histogram names", lambda m: curves.plot_class_histogram([0.5, 0.5], class_names=["a"]),
     ValueError, "class_names has 1 entries but histogram has 2"),
    ("plot_class_histogram min_share", lambda m: curves.plot_class_histogram([0.5, 0.5], min_share=2.0),
     ValueError, "min_share must be a number"),
    ("animate_grids interval", lambda m: show_images.animate_grids([np.zeros((1, 2, 2))], interval=0), ValueError,
     "interval must be >= 1"),
    ("save_gif scale", lambda m: show_images.save_gif([np.zeros((1, 2, 2))], m.tmp / "a.gif", scale=0),
     ValueError, "scale must be >= 1"),
    ("show_nearest_neighbours index", lambda m: show_images.show_nearest_neighbours(
        np.zeros((1, 2, 2)), np.zeros((3, 2, 2)), [[99]]), ValueError, r"indices must lie in \[0, 3\)"),
    ("show_nearest_neighbours float index", lambda m: show_images.show_nearest_neighbours(
        np.zeros((1, 2, 2)), np.zeros((3, 2, 2)), [0.5]), TypeError, "indices must be integer indices"),
    ("LatentWalk nan", lambda m: widgets.LatentWalk(m.gen, [NAN, 0.0], [0.0, 1.0]), ValueError,
     "z0 must be finite"),
    ("LatentWalk steps", lambda m: widgets.LatentWalk(m.gen, [1.0, 0.0], [0.0, 1.0], steps=1), ValueError,
     "steps must be >= 2"),
    ("LatentWalk generator", lambda m: widgets.LatentWalk("g", [1.0, 0.0], [0.0, 1.0]), TypeError,
     "generator must be a Keras model or a callable"),
    ("plot_figure_one no snapshots", lambda m: show_figure_one.plot_figure_one(
        figure_one.FigureOneSnapshots(X, P)), ValueError, "no snapshots recorded: pass the callback"),
    ("animate_figure_one interval", lambda m: show_figure_one.animate_figure_one(
        figure_one.FigureOneSnapshots(X, P), interval=0), ValueError, "interval must be >= 1"),
]


def test_the_table_is_large_and_its_ids_are_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)
    assert all(error in (ValueError, TypeError) for _, _, error, _ in CASES)


@pytest.mark.parametrize("call, error, match", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_with_a_clear_error(m, call, error, match):
    with pytest.raises(error, match=match):
        call(m)


def test_integer_logits_are_cast_and_symbolic_logits_are_not_read():
    """Integer logits work (cast to float32); inside tf.function nothing is read, so the graph path is unchanged."""
    as_ints = float(gan_losses.discriminator_loss(np.array([1, 2], np.int64), np.array([0, -1], np.int64)))
    as_floats = float(gan_losses.discriminator_loss(np.array([1.0, 2.0]), np.array([0.0, -1.0])))
    assert as_ints == pytest.approx(as_floats)
    assert float(gan_losses.discriminator_accuracy(np.array([1, -1]), np.array([-1, -1]))) == 0.75

    @tf.function
    def loss_in_graph(real, fake):
        return gan_losses.discriminator_loss(real, fake), wasserstein.critic_loss(real, fake)

    bce, critic = loss_in_graph(tf.constant([[np.nan]]), tf.constant([[0.0]]))
    assert np.isnan(bce.numpy()) and np.isnan(critic.numpy())  # a NaN loss in training is DivergenceStop's to report
