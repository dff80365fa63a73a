"""Toy distributions, maximum likelihood, change of variables, MMD sampler, Figure-1 snapshots."""

import numpy as np
import pytest

import gancourse  # noqa: F401
import keras

from gancourse import config
from gancourse.data import toy as toy_data
from gancourse.nets import toy as toy_nets
from gancourse.objectives import mmd
from gancourse.objectives.divergences import integrate as toy_integrate
from gancourse.show import figure_one as show_figure_one
from gancourse.theory import likelihood
from gancourse.train import figure_one, toy_trainers


def test_mixture_pdf_hand_computed_1d_and_2d():
    m = toy_data.GaussianMixture.create([0.0, 2.0], [1.0, 0.5], [0.25, 0.75])
    x = np.array([0.0, 2.0])
    phi = lambda v, mu, s: np.exp(-0.5 * ((v - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))  # noqa: E731
    expected = 0.25 * phi(x, 0, 1) + 0.75 * phi(x, 2, 0.5)
    np.testing.assert_allclose(m.pdf(x), expected, rtol=1e-12)
    # standard 2-D normal at the origin: 1 / (2π)
    m2 = toy_data.GaussianMixture.create([[0.0, 0.0]], 1.0)
    assert m2.pdf(np.zeros((1, 2)))[0] == pytest.approx(1 / (2 * np.pi))
    assert m2.log_pdf(np.array([[1.0, 1.0]]))[0] == pytest.approx(-1.0 - np.log(2 * np.pi))


def test_mixture_sampling_and_validation():
    m = toy_data.GaussianMixture.create([[-5.0, 0.0], [5.0, 0.0]], 0.1, [0.2, 0.8])
    x, comp = m.sample(5000, seed=0, return_components=True)
    assert x.shape == (5000, 2) and x.dtype == np.float32
    assert abs(comp.mean() - 0.8) < 0.03
    np.testing.assert_array_equal(x, m.sample(5000, seed=0))
    with pytest.raises(ValueError, match="stds must be positive"):
        toy_data.GaussianMixture.create([0.0], [0.0])
    with pytest.raises(ValueError, match="weights must be"):
        toy_data.GaussianMixture.create([0.0, 1.0], 1.0, [0.5, 0.6])
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        m.pdf(np.zeros((3, 3)))


def test_gaussian_mle_hand_computed():
    mean, std = likelihood.gaussian_mle([1.0, 2.0, 3.0, 6.0])
    assert mean == pytest.approx(3.0)
    assert std == pytest.approx(np.sqrt((4 + 1 + 0 + 9) / 4))   # divides by N
    with pytest.raises(ValueError, match="at least 2"):
        likelihood.gaussian_mle([1.0])


def test_em_recovers_a_mixture_and_never_lowers_the_likelihood():
    truth = toy_data.GaussianMixture.create([[-3.0, 0.0], [3.0, 0.0], [0.0, 4.0]], [[0.5, 1.0], [1.0, 0.5], [0.7, 0.7]],
                                       [0.3, 0.3, 0.4])
    x = truth.sample(4000, seed=1)
    fit, history = likelihood.fit_gaussian_mixture(x, 3, steps=200, seed=0)
    assert np.all(np.diff(history) > -1e-9)
    order = np.argsort(fit.means[:, 0] + 10 * fit.means[:, 1])
    np.testing.assert_allclose(fit.means[order], truth.means[np.argsort(truth.means[:, 0] + 10 * truth.means[:, 1])],
                               atol=0.1)
    # the fit is at least as likely on its training data as the truth (it maximises that likelihood)
    assert likelihood.average_log_likelihood(fit, x) >= likelihood.average_log_likelihood(truth, x) - 1e-9
    with pytest.raises(ValueError, match="n_components"):
        likelihood.fit_gaussian_mixture(x[:2], 3)


def test_pushforward_density_exp_of_normal_is_lognormal():
    x = np.array([0.5, 1.0, 3.0])
    pdf = likelihood.pushforward_density(x, lambda z: np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi), np.log, lambda v: 1 / v)
    lognormal = np.exp(-0.5 * np.log(x) ** 2) / (x * np.sqrt(2 * np.pi))
    np.testing.assert_allclose(pdf, lognormal, rtol=1e-12)
    # a decreasing map: X = −2Z + 1 → N(1, 4); |d f⁻¹/dx| = ½
    lin = likelihood.pushforward_density(x, lambda z: np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi),
                                  lambda v: (1 - v) / 2, lambda v: -0.5 * np.ones_like(v))
    np.testing.assert_allclose(lin, np.exp(-0.5 * ((x - 1) / 2) ** 2) / (2 * np.sqrt(2 * np.pi)), rtol=1e-12)
    with pytest.raises(TypeError, match="inverse must be a function"):
        likelihood.pushforward_density(x, np.exp, 3.0, np.exp)


def test_kde_hand_computed_integrates_to_one_and_tracks_a_normal():
    grid = np.linspace(-6, 6, 241)
    # two samples at 0 with bandwidth ½: exactly the N(0, ¼) density
    np.testing.assert_allclose(likelihood.gaussian_kde([0.0, 0.0], grid, bandwidth=0.5),
                               np.exp(-2 * grid**2) / (0.5 * np.sqrt(2 * np.pi)), rtol=1e-12)
    samples = np.random.default_rng(0).standard_normal(20000)
    kde = likelihood.gaussian_kde(samples, grid)
    assert toy_integrate(kde, grid) == pytest.approx(1.0, abs=1e-3)
    truth = np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi)
    assert np.max(np.abs(kde - truth)) < 0.02
    with pytest.raises(ValueError, match="bandwidth"):
        likelihood.gaussian_kde(samples, grid, bandwidth=-1.0)


def test_mmd_is_zero_for_identical_samples_and_positive_otherwise():
    x = np.random.default_rng(0).standard_normal((200, 2)).astype("float32")
    assert float(mmd.mmd_squared(x, x)) == pytest.approx(0.0, abs=1e-5)
    assert float(mmd.mmd_squared(x, x + 3.0)) > 0.5
    # hand-computed: one point each, distance² 2, one bandwidth h=1: 1 + 1 − 2 e^{−1}
    a, b = np.zeros((1, 2), np.float32), np.ones((1, 2), np.float32)
    assert float(mmd.mmd_squared(a, b, mmd.gaussian_kernel_sum((1.0,)))) == pytest.approx(2 - 2 * np.exp(-1.0), abs=1e-6)
    with pytest.raises(ValueError, match="same d"):
        mmd.mmd_squared(np.zeros((3, 2)), np.zeros((3, 3)))


def test_moment_matching_sampler_moves_toward_the_data():
    config.seed_everything(0)
    data = toy_data.GaussianMixture.create([[2.0, 2.0]], 0.3).sample(1024, seed=0)
    model = toy_trainers.MomentMatchingSampler(toy_nets.build_toy_generator(2, 2, hidden_units=(16,)), latent_dim=2, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    before = float(mmd.mmd_squared(data[:500], model.sample(500)))
    hist = model.fit(data, batch_size=128, epochs=15, verbose=0)
    after = float(mmd.mmd_squared(data[:500], model.sample(500)))
    assert "mmd2" in hist.history and after < 0.5 * before


def test_toy_networks_shapes():
    g = toy_nets.build_toy_generator(1, 1, hidden_units=(8, 8))
    d = toy_nets.build_toy_discriminator(1, hidden_units=(8,))
    assert tuple(g(np.zeros((4, 1), np.float32)).shape) == (4, 1)
    assert tuple(d(np.zeros((4, 1), np.float32)).shape) == (4, 1)


def test_figure_one_snapshots_with_the_course_gan():
    from gancourse.train.gan_trainer import GAN

    config.seed_everything(0)
    data = toy_data.GaussianMixture.create([2.0], [0.5])
    grid = np.linspace(-4, 6, 401)
    gan = GAN(toy_nets.build_toy_generator(1, 1, hidden_units=(8,)), toy_nets.build_toy_discriminator(1, hidden_units=(8,)),
              latent_dim=1, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    snaps = figure_one.FigureOneSnapshots(grid, data.pdf(grid), every=5, n_samples=500)
    gan.fit(data.sample(640, seed=1), batch_size=64, epochs=2, verbose=0, callbacks=[snaps])
    assert [s.step for s in snaps.snapshots] == [0, 5, 10, 15, 20]
    s = snaps.snapshots[-1]
    assert s.p_g.shape == grid.shape and s.d.shape == grid.shape
    assert np.all((s.d > 0) & (s.d < 1)) and 0 <= s.jsd <= np.log(2) + 1e-6
    assert toy_integrate(s.p_g, grid) == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="same length"):
        figure_one.FigureOneSnapshots(grid, grid[:-1])


def test_figure_one_plot_and_animation_render():
    import matplotlib

    matplotlib.use("Agg")
    grid = np.linspace(-3, 3, 50)
    cb = figure_one.FigureOneSnapshots(grid, np.exp(-grid**2))
    with pytest.raises(ValueError, match="no snapshots"):
        show_figure_one.plot_figure_one(cb)
    cb.snapshots = [figure_one.FigureOneSnapshot(i, np.exp(-(grid - i) ** 2), np.full(50, 0.5), np.zeros(3), np.zeros(3), 0.1)
                    for i in range(3)]
    fig = show_figure_one.plot_figure_one(cb)
    assert len(fig.axes) == 3
    html = show_figure_one.animate_figure_one(cb)
    assert "<script" in html.data


def test_figure_one_snapshot_needs_a_gan():
    cb = figure_one.FigureOneSnapshots(np.linspace(-1, 1, 5), np.full(5, 0.5))
    with pytest.raises(TypeError, match="needs a GAN model"):
        cb.take()
