"""Chapter 7's mode-coverage lab (gancourse.evaluate.toy_modes): VEEGAN's figures, the three trainers' settings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse import config
from gancourse.data import toy
from gancourse.evaluate import toy_modes
from gancourse.train.gan_trainer import GAN
from gancourse.train.wgan import WGAN, WGANGP

TINY = dataclasses.replace(config.chapter_sizes("wgan", "smoke"), toy_units=(8,), toy_batch=16, toy_iterations=4)


class FixedSampler:
    """Stands in for a trained GAN: ``sample`` returns the given points."""

    def __init__(self, points):
        self.points = np.asarray(points, np.float32)

    def sample(self, n, seed=0):
        return self.points[:n]


def test_samples_on_the_centres_capture_every_mode_at_full_quality():
    ring = toy.ring_mixture()
    points = ring.means[np.arange(2500) % 8] + 0.01 * np.random.default_rng(0).standard_normal((2500, 2))
    assert toy_modes.score_toy(FixedSampler(points), "ring") == {"modes": 8, "modes_1pct": 8, "high_quality": 1.0,
                                                                 "n_modes": 8}


def test_the_one_percent_count_ignores_modes_reached_by_a_few_samples():
    grid = toy.grid_mixture()
    # 2,428 samples on mode 0, three on each of the other 24: VEEGAN counts 25 modes, the 1% rule one
    idx = np.r_[np.zeros(2500 - 72, int), np.repeat(np.arange(1, 25), 3)]
    figures = toy_modes.score_toy(FixedSampler(grid.means[idx]), "grid")
    assert (figures["modes"], figures["modes_1pct"], figures["high_quality"]) == (25, 1, 1.0)


def test_samples_between_the_modes_are_not_high_quality():
    grid = toy.grid_mixture()
    between = np.tile(grid.means + 1.0, (100, 1))  # every point 1.41 from its nearest centre, far beyond 3σ = 0.15
    figures = toy_modes.score_toy(FixedSampler(between), "grid")
    assert figures["high_quality"] == 0.0 and figures["modes"] == 0


def test_spread_is_the_mean_and_population_std():
    assert toy_modes.spread([1, 2, 3]) == {"mean": 2.0, "std": round(np.sqrt(2 / 3), 4), "min": 1.0, "max": 3.0}
    with pytest.raises(ValueError, match="empty"):
        toy_modes.spread([])


def test_each_method_gets_its_papers_settings():
    gan, batch = toy_modes.toy_trainer("gan", TINY)
    assert type(gan) is GAN and gan.n_critic == 1 and batch == TINY.toy_batch
    wgan, batch = toy_modes.toy_trainer("wgan", TINY)
    assert isinstance(wgan, WGAN) and wgan.n_critic == 5 and wgan.clip_value == 0.01 and batch == 5 * TINY.toy_batch
    assert float(wgan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    gp, _ = toy_modes.toy_trainer("wgan-gp", TINY)
    assert isinstance(gp, WGANGP) and gp.penalty_weight == TINY.toy_penalty_weight and gp.n_critic == 5
    assert (gp.d_optimizer.beta_1, gp.d_optimizer.beta_2) == (0.5, 0.9)


def test_the_decay_reaches_zero_at_the_last_update_of_each_player():
    gp, _ = toy_modes.toy_trainer("wgan-gp", TINY)
    critic_rate, g_rate = gp.d_optimizer._learning_rate, gp.g_optimizer._learning_rate
    steps = TINY.toy_iterations
    # the critic steps n_critic = 5 times per generator step: a decay over `steps` would stop it after a fifth
    assert float(critic_rate(steps)) > 0 and float(critic_rate(5 * steps)) == 0.0
    assert float(g_rate(steps)) == 0.0 and float(g_rate(0)) == pytest.approx(TINY.toy_learning_rate)


@pytest.mark.parametrize("method", toy_modes.METHODS)
def test_train_toy_runs_the_asked_number_of_generator_updates(method):
    model, seconds = toy_modes.train_toy(method, "grid", TINY, seed=1, jit_compile=False)
    assert model.steps_done == TINY.toy_iterations and seconds > 0
    assert toy_modes.score_toy(model, "grid", 100)["n_modes"] == 25


def test_the_bars_read_the_minimum_for_modes_and_the_mean_for_quality():
    def figures(modes, quality):
        return {"wgan-gp": {"modes": toy_modes.spread(modes), "high_quality": toy_modes.spread(quality)}}

    results = {"ring": figures([8, 8, 8, 8, 8], [0.7, 0.7, 0.7, 0.7, 0.7]),
               "grid": figures([25, 24, 25, 23, 25], [0.9, 0.1, 0.3, 0.4, 0.3])}
    assert toy_modes.wgan_gp_bars(results) == {"ring_modes_every_seed": True, "grid_modes_every_seed": False,
                                               "ring_high_quality_mean": True, "grid_high_quality_mean": True}


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="method"):
        toy_modes.toy_trainer("wgangp", TINY)
    with pytest.raises(ValueError, match="mixture"):
        toy_modes.toy_mixture("spiral")
    with pytest.raises(TypeError, match="iterations"):
        toy_modes.train_toy("gan", "ring", TINY, iterations=2.5)


def test_a_sample_grid_gets_a_frame_every_snapshot_interval():
    # fit() runs steps in groups of steps_per_execution and callbacks only see the ends of groups: a group of
    # 100 steps would leave a 2-step interval with no frames at all
    from gancourse.train.snapshots import SampleGrid

    sizes = dataclasses.replace(TINY, toy_iterations=6, toy_snapshot_every=2)
    frames = SampleGrid(np.zeros((5, sizes.toy_latent_dim), np.float32), every_steps=2)
    toy_modes.train_toy("wgan-gp", "ring", sizes, callbacks=[frames], jit_compile=False)
    assert frames.steps == [0, 2, 4, 6] and frames.grids[-1].shape == (5, 2)
