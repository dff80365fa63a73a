"""VEEGAN's ring and grid (gancourse.data.toy.ring_mixture, grid_mixture): the geometry of the published tables."""

from __future__ import annotations

import numpy as np
import pytest

from gancourse.data import toy
from gancourse.evaluate.coverage import mode_coverage

WITHIN_3_SIGMA_2D = 1.0 - np.exp(-4.5)
"""P(‖x − μ‖ ≤ 3σ) for an isotropic 2-D Gaussian: ‖x − μ‖²/σ² is χ² with 2 degrees of freedom, 0.98889."""


def test_the_ring_is_eight_modes_on_a_circle_of_radius_two_with_sigma_0_02():
    ring = toy.ring_mixture()
    assert ring.means.shape == (8, 2) and toy.isotropic_std(ring) == 0.02
    np.testing.assert_allclose(np.hypot(*ring.means.T), 2.0)
    np.testing.assert_allclose(ring.means[1], [np.sqrt(2.0), np.sqrt(2.0)])  # (2 cos 2π/8, 2 sin 2π/8)
    np.testing.assert_allclose(ring.weights, 1 / 8)


def test_the_grid_is_25_modes_at_minus_four_to_four_with_sigma_0_05():
    grid = toy.grid_mixture()
    assert grid.means.shape == (25, 2) and toy.isotropic_std(grid) == 0.05
    assert {tuple(m) for m in grid.means} == {(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)}
    np.testing.assert_allclose(grid.weights, 1 / 25)


@pytest.mark.parametrize("make, n_modes", [(toy.ring_mixture, 8), (toy.grid_mixture, 25)])
def test_real_samples_cover_every_mode_with_the_chi_square_share_of_high_quality_samples(make, n_modes):
    mix = make()
    samples, comp = mix.sample(20000, seed=1, return_components=True)
    spread = samples - mix.means[comp]
    assert spread.std() == pytest.approx(toy.isotropic_std(mix), rel=0.02)
    result = mode_coverage(samples, mix.means, toy.isotropic_std(mix))
    assert result["modes_covered"] == result["n_modes"] == n_modes
    assert result["high_quality_share"] == pytest.approx(WITHIN_3_SIGMA_2D, abs=0.003)
    # VEEGAN draws 2500 samples; a stricter count asks each mode for 1 % of them
    strict = mode_coverage(samples[:2500], mix.means, toy.isotropic_std(mix), min_samples=25)
    assert strict["modes_covered"] == n_modes


def test_a_collapsed_sampler_covers_one_mode():
    mix = toy.ring_mixture()
    collapsed = mix.means[3] + 0.02 * np.random.default_rng(0).standard_normal((2500, 2))
    assert mode_coverage(collapsed, mix.means, toy.isotropic_std(mix))["modes_covered"] == 1


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="std"):
        toy.ring_mixture(std=0.0)
    with pytest.raises(TypeError, match="n_per_side"):
        toy.grid_mixture(n_per_side=5.0)
    with pytest.raises(ValueError, match="radius"):
        toy.ring_mixture(radius=-1.0)
    with pytest.raises(TypeError, match="GaussianMixture"):
        toy.isotropic_std(np.ones((2, 2)))
    with pytest.raises(ValueError, match="not isotropic"):
        toy.isotropic_std(toy.GaussianMixture.create([[0.0, 0.0], [1.0, 1.0]], [0.1, 0.2]))
