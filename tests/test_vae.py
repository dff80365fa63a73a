"""Autoencoder and VAE: shapes, the loss pieces against hand-computed values, fit(), the ELBO."""

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
import keras

from gancourse import config
from gancourse.cli import evaluations
from gancourse.data import images
from gancourse.evaluate import likelihood
from gancourse.nets import autoencoders
from gancourse.objectives import divergences as dv
from gancourse.objectives import elbo
from gancourse.train import vae_trainer


def test_pixel_helpers():
    x = np.array([-1.0, 0.0, 1.0], np.float32)
    np.testing.assert_allclose(images.tanh_range_to_unit_interval(x), [0.0, 0.5, 1.0])
    bits = images.binarize_static(np.full((1000,), 0.3, np.float32), seed=0)
    assert set(np.unique(bits)) <= {0.0, 1.0} and abs(bits.mean() - 0.3) < 0.05
    np.testing.assert_array_equal(images.binarize_static(np.full(5, 0.3, np.float32), seed=1),
                                  images.binarize_static(np.full(5, 0.3, np.float32), seed=1))
    np.testing.assert_array_equal(images.binarize_static(np.array([0.0, 1.0], np.float32)), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        images.tanh_range_to_unit_interval(np.array([2.0]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        images.binarize_static(np.array([-0.5]))


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_encoder_decoder_shapes(kind):
    enc = autoencoders.build_encoder(3, kind=kind, width=32)
    dec = autoencoders.build_decoder(3, kind=kind, width=32)
    mean, log_var = enc(np.zeros((5, 28, 28, 1), np.float32))
    assert tuple(mean.shape) == (5, 3) and tuple(log_var.shape) == (5, 3)
    assert tuple(dec(np.zeros((5, 3), np.float32)).shape) == (5, 28, 28, 1)
    plain = autoencoders.build_encoder(4, kind=kind, width=32, variational=False)
    assert tuple(plain(np.zeros((2, 28, 28, 1), np.float32)).shape) == (2, 4)


def test_factories_reject_bad_sizes():
    with pytest.raises(ValueError, match="latent_dim must be >= 1, got 0"):
        autoencoders.build_dense_encoder(0)
    with pytest.raises(ValueError, match="kind must be one of 'dense', 'conv'"):
        autoencoders.build_encoder(2, kind="rnn")
    with pytest.raises(ValueError, match="not divisible"):
        autoencoders.build_conv_decoder(2, output_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="single code"):
        autoencoders.build_autoencoder(autoencoders.build_dense_encoder(2), autoencoders.build_dense_decoder(2))


def test_autoencoder_chains_and_outputs_logits():
    ae = autoencoders.build_autoencoder(autoencoders.build_dense_encoder(2, hidden_units=(16,), variational=False),
                             autoencoders.build_dense_decoder(2, hidden_units=(16,)))
    assert tuple(ae(np.zeros((3, 28, 28, 1), np.float32)).shape) == (3, 28, 28, 1)


def test_reparameterize_with_noise_hand_computed():
    mean = np.array([[1.0, -2.0]], np.float32)
    log_var = np.array([[0.0, np.log(4.0)]], np.float32)   # σ = (1, 2)
    eps = np.array([[0.5, -1.0]], np.float32)
    np.testing.assert_allclose(elbo.reparameterize_with_noise(mean, log_var, eps), [[1.5, -4.0]], atol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        elbo.reparameterize_with_noise(mean, log_var, np.zeros((1, 3), np.float32))


def test_reparameterize_samples_have_the_right_moments_and_seed():
    mean = np.full((20000, 1), 3.0, np.float32)
    log_var = np.full((20000, 1), np.log(0.25), np.float32)   # σ = 0.5
    z = np.asarray(elbo.reparameterize(mean, log_var, keras.random.SeedGenerator(1)))
    assert abs(z.mean() - 3.0) < 0.02 and abs(z.std() - 0.5) < 0.02
    a = elbo.reparameterize(mean[:5], log_var[:5], 7)
    b = elbo.reparameterize(mean[:5], log_var[:5], 7)
    np.testing.assert_array_equal(a, b)


def test_bernoulli_log_likelihood_hand_computed():
    # one image, two pixels: x = (1, 0), logits = (0, log 3): log ½ + log(1 − ¾) = log ½ + log ¼
    x = np.array([[[[1.0], [0.0]]]], np.float32)
    logits = np.array([[[[0.0], [np.log(3.0)]]]], np.float32)
    got = elbo.bernoulli_log_likelihood(x, logits)
    np.testing.assert_allclose(got, [np.log(0.5) + np.log(0.25)], atol=1e-6)
    assert float(elbo.reconstruction_loss(x, logits)) == pytest.approx(-(np.log(0.5) + np.log(0.25)), abs=1e-6)
    # huge logits stay finite (no log(0))
    assert np.isfinite(np.asarray(elbo.bernoulli_log_likelihood(x, 1e4 * np.ones_like(x)))).all()


def test_negative_elbo_is_reconstruction_plus_kl():
    rng = np.random.default_rng(0)
    x = (rng.random((3, 4, 4, 1)) < 0.5).astype("float32")
    logits = rng.standard_normal((3, 4, 4, 1)).astype("float32")
    mean, log_var = rng.standard_normal((3, 5)).astype("float32"), rng.standard_normal((3, 5)).astype("float32")
    expected = float(elbo.reconstruction_loss(x, logits)) + float(dv.gaussian_kl_to_standard_normal(mean, log_var))
    assert float(elbo.negative_elbo(x, logits, mean, log_var)) == pytest.approx(expected, rel=1e-6)


def test_dynamic_binarize_keeps_binary_data_and_samples_grey():
    bits = np.array([0.0, 1.0, 1.0, 0.0], np.float32)
    np.testing.assert_array_equal(vae_trainer.dynamic_binarize(bits, 0), bits)
    grey = np.asarray(vae_trainer.dynamic_binarize(np.full(20000, 0.25, np.float32), 3))
    assert set(np.unique(grey)) <= {0.0, 1.0} and abs(grey.mean() - 0.25) < 0.02


def _tiny_vae(latent=2, seed=0):
    return vae_trainer.VAE(autoencoders.build_dense_encoder(latent, hidden_units=(32,)), autoencoders.build_dense_decoder(latent, hidden_units=(32,)),
                 seed=seed)


def _images(n=256, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1)).astype("float32") ** 3


def test_vae_fit_reports_reconstruction_and_kl_and_loss_is_their_sum():
    config.seed_everything(0)
    vae = _tiny_vae()
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    hist = vae.fit(_images(), batch_size=64, epochs=2, verbose=0)
    logs = hist.history
    assert set(logs) >= {"loss", "reconstruction", "kl"}
    assert logs["loss"][-1] < logs["loss"][0]
    np.testing.assert_allclose(logs["loss"], np.add(logs["reconstruction"], logs["kl"]), rtol=1e-4)
    assert tuple(vae(np.zeros((2, 28, 28, 1), np.float32)).shape) == (2, 28, 28, 1)
    samples = np.asarray(vae.sample(3, seed=1))
    assert samples.shape == (3, 28, 28, 1) and samples.min() >= 0 and samples.max() <= 1


def test_vae_seeded_runs_are_identical():
    losses = []
    for _ in range(2):
        config.seed_everything(0)
        vae = _tiny_vae(seed=5)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        losses.append(vae.fit(_images(128), batch_size=64, epochs=1, verbose=0).history["loss"])
    assert losses[0] == losses[1]


def test_vae_rejects_a_plain_encoder_and_bad_beta():
    with pytest.raises(ValueError, match=r"\[z_mean, z_log_var\]"):
        vae_trainer.VAE(autoencoders.build_dense_encoder(2, variational=False), autoencoders.build_dense_decoder(2))
    with pytest.raises(ValueError, match="beta"):
        vae_trainer.VAE(autoencoders.build_dense_encoder(2), autoencoders.build_dense_decoder(2), beta=-1.0)


def test_evaluate_elbo_is_reconstruction_plus_kl_on_binary_data():
    config.seed_everything(0)
    vae = _tiny_vae()
    x = images.binarize_static(_images(100), seed=0)
    r = likelihood.evaluate_elbo(vae, x, samples=2, batch_size=40)
    assert r["n_images"] == 100 and r["samples"] == 2
    assert r["elbo"] == pytest.approx(-(r["reconstruction"] + r["kl"]))
    assert r["kl"] >= 0 and r["elbo"] < 0
    # an untrained decoder with logits near 0 costs about log 2 per pixel
    assert 0.5 * 784 * np.log(2) < r["reconstruction"] < 2 * 784 * np.log(2)
    with pytest.raises(ValueError, match="binary"):
        likelihood.evaluate_elbo(vae, _images(10))


def test_evaluate_elbo_matches_a_hand_assembled_value():
    """With a known encoder output the ELBO is −BCE(decoder(z)) − KL, which we assemble by hand."""
    config.seed_everything(0)
    vae = _tiny_vae(latent=3)
    x = images.binarize_static(_images(20, seed=3), seed=1)
    mean, log_var = vae.encoder(x)
    gen = keras.random.SeedGenerator(9)
    z = elbo.reparameterize(mean, log_var, gen)
    expected = float(np.mean(elbo.bernoulli_log_likelihood(x, vae.decoder(z)))) \
        - float(dv.gaussian_kl_to_standard_normal(mean, log_var))
    assert likelihood.evaluate_elbo(vae, x, samples=1, seed=9)["elbo"] == pytest.approx(expected, rel=1e-5)


def test_evaluate_vae_mnist_prints_both_models(monkeypatch):
    """The `evaluate vae-mnist` entry point on the shipped mini data, with tiny sizes to stay fast."""
    import argparse
    import dataclasses

    tiny = dataclasses.replace(config.SIZES["vae"]["smoke"], width=16, epochs_2d=1, epochs_large=1, latent_large=20)
    monkeypatch.setitem(config.SIZES["vae"], "smoke", tiny)
    result = evaluations.evaluate_vae_mnist(argparse.Namespace(profile="smoke", seed=0, out=None))
    assert result["profile"] == "smoke" and result["test_images"] == 512
    for key in ("latent_2", "latent_20"):
        r = result[key]
        assert r["test_elbo_nats"] == pytest.approx(-(r["reconstruction_nats"] + r["kl_nats"]), abs=0.02)
        assert r["test_elbo_nats"] < 0 and r["train_seconds"] > 0 and r["epochs"] == 1
    assert "binarised" in result["pixels"]


def test_evaluate_elbo_rejects_a_non_vae():
    with pytest.raises(TypeError, match="vae must be a VAE"):
        likelihood.evaluate_elbo(object(), np.zeros((1, 28, 28, 1), np.float32))
