"""Toy distributions: Gaussian mixtures, and the ring and grid of VEEGAN's mode-coverage experiments.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number, check_seed

tf = import_tensorflow()


_LOG_2PI = float(np.log(2.0 * np.pi))




@dataclasses.dataclass(frozen=True)
class GaussianMixture:
    """``p(x) = Σ_k w_k N(x; μ_k, diag σ_k²)`` in ``d`` dimensions.

    Attributes:
        means: ``(K, d)``.
        stds: ``(K, d)`` positive standard deviations (axis-aligned components).
        weights: ``(K,)`` non-negative, summing to 1.

    Build one with :meth:`create`, which accepts scalars and 1-D shorthands.
    """

    means: np.ndarray
    stds: np.ndarray
    weights: np.ndarray

    @classmethod
    def create(cls, means, stds, weights=None) -> "GaussianMixture":
        """Validate and broadcast: ``means`` ``(K,)`` means K 1-D components; ``stds`` may be
        a scalar, ``(K,)`` or ``(K, d)``; ``weights`` default to uniform.

        Raises:
            TypeError: an argument is not an array of numbers.
            ValueError: a NaN or infinity, non-positive stds, weights not a distribution, or shapes
                that do not fit.
        """
        m = as_finite_array(means, "means")
        if m.ndim == 0:
            m = m.reshape(1, 1)
        elif m.ndim == 1:
            m = m[:, None]
        if m.ndim != 2:
            raise ValueError(f"means must have shape (K,) or (K, d), got {np.shape(means)}")
        k, d = m.shape
        s = as_finite_array(stds, "stds")
        if s.ndim == 1 and s.shape[0] == k:
            s = s[:, None]
        try:
            s = np.broadcast_to(s, (k, d)).copy()
        except ValueError:
            raise ValueError(f"stds of shape {np.shape(stds)} do not fit {k} components in {d} dimensions") from None
        if not np.all(s > 0):
            raise ValueError(f"stds must be positive, got {stds}")
        w = np.full(k, 1.0 / k) if weights is None else as_finite_array(weights, "weights")
        if w.shape != (k,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise ValueError(f"weights must be {k} non-negative numbers summing to 1, got {weights}")
        return cls(m, s, w)

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    @property
    def n_components(self) -> int:
        return self.means.shape[0]

    def _points(self, x) -> np.ndarray:
        pts = as_finite_array(x, "x")
        if self.dim == 1 and pts.ndim <= 1:
            pts = pts.reshape(-1, 1)
        if pts.ndim != 2 or pts.shape[1] != self.dim:
            raise ValueError(f"x must have shape (N, {self.dim})" + (" or (N,)" if self.dim == 1 else "")
                             + f", got {np.shape(x)}")
        return pts

    def component_log_pdf(self, x) -> np.ndarray:
        """``log w_k + log N(x_n; μ_k, σ_k²)`` for every point and component, shape ``(N, K)``."""
        pts = self._points(x)
        z = (pts[:, None, :] - self.means[None]) / self.stds[None]
        log_norm = -0.5 * np.sum(z**2, axis=-1) - np.sum(np.log(self.stds), axis=-1)[None] - 0.5 * self.dim * _LOG_2PI
        with np.errstate(divide="ignore"):
            return log_norm + np.log(self.weights)[None]

    def log_pdf(self, x) -> np.ndarray:
        """``log p(x)`` for each point (log-sum-exp over components), shape ``(N,)``."""
        comp = self.component_log_pdf(x)
        top = np.max(comp, axis=1, keepdims=True)
        return (top + np.log(np.sum(np.exp(comp - top), axis=1, keepdims=True)))[:, 0]

    def pdf(self, x) -> np.ndarray:
        """``p(x)`` for each point, shape ``(N,)``."""
        return np.exp(self.log_pdf(x))

    def sample(self, n: int, *, seed: int = 0, return_components: bool = False):
        """``n`` samples as float32 ``(n, d)`` (and, optionally, which component drew each)."""
        n = check_int(n, "n", minimum=1)
        rng = np.random.default_rng(check_seed(seed))
        comp = rng.choice(self.n_components, size=n, p=self.weights)
        x = self.means[comp] + self.stds[comp] * rng.standard_normal((n, self.dim))
        x = x.astype(np.float32)
        return (x, comp) if return_components else x


def ring_modes(n_modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """Means of the ring mixture: ``n_modes`` points evenly spaced on a circle, (n_modes, 2).

    Mode i sits at angle 2 pi i / n_modes, starting at (radius, 0).
    """
    n_modes = check_int(n_modes, "n_modes", minimum=1)
    radius = check_number(radius, "radius", minimum=0.0, exclusive_minimum=True)
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_modes(n_per_side: int = 5, spacing: float = 2.0) -> np.ndarray:
    """Means of the grid mixture: an ``n_per_side`` x ``n_per_side`` grid centred on 0, (n^2, 2).

    The default 5 x 5 grid with spacing 2 has coordinates in {-4, -2, 0, 2, 4}.
    """
    n_per_side = check_int(n_per_side, "n_per_side", minimum=1)
    spacing = check_number(spacing, "spacing", minimum=0.0, exclusive_minimum=True)
    axis = (np.arange(n_per_side) - (n_per_side - 1) / 2.0) * spacing
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


RING_STD = 0.02
"""σ of each of the eight components of VEEGAN's "2D Ring" (means on a circle of radius 2)."""

GRID_STD = 0.05
"""σ of each of the 25 components of VEEGAN's "2D Grid" (means in {-4, -2, 0, 2, 4}²)."""


def ring_mixture(n_modes: int = 8, radius: float = 2.0, std: float = RING_STD) -> GaussianMixture:
    """VEEGAN's "2D Ring": ``n_modes`` equally weighted isotropic Gaussians on a circle.

    Srivastava et al. (2017), "VEEGAN", synthetic experiments: eight 2-D
    Gaussians with means ``(2 cos(2πi/8), 2 sin(2πi/8))`` and standard
    deviation 0.02 (the defaults), the geometry of their Table 1, so mode
    counts and high-quality shares measured with
    :func:`gancourse.evaluate.coverage.mode_coverage` on 2500 samples compare
    with the published ones. Gulrajani et al.'s ``gan_toy.py`` draws the same
    ring (σ = 0.02) but then divides it by 1.414; this does not.

    Returns:
        A :class:`GaussianMixture`: ``.means`` are :func:`ring_modes` and
        :func:`isotropic_std` gives σ back, the two things ``mode_coverage`` needs.
    """
    std = check_number(std, "std", minimum=0.0, exclusive_minimum=True)
    return GaussianMixture.create(ring_modes(n_modes, radius), std)


def grid_mixture(n_per_side: int = 5, spacing: float = 2.0, std: float = GRID_STD) -> GaussianMixture:
    """VEEGAN's "2D Grid": ``n_per_side²`` equally weighted isotropic Gaussians on a square grid.

    Srivastava et al. (2017): 25 Gaussians with means ``{-4, -2, 0, 2, 4}²``
    and standard deviation 0.05 (the defaults); ``gan_toy.py``'s
    "25gaussians" uses the same grid and σ before dividing by 2.828.

    Returns:
        A :class:`GaussianMixture` whose ``.means`` are :func:`grid_modes`.
    """
    std = check_number(std, "std", minimum=0.0, exclusive_minimum=True)
    return GaussianMixture.create(grid_modes(n_per_side, spacing), std)


def isotropic_std(mixture: GaussianMixture) -> float:
    """The one σ shared by every component and axis of ``mixture`` (what ``mode_coverage`` takes as ``std``).

    Raises:
        TypeError: ``mixture`` is not a :class:`GaussianMixture`.
        ValueError: the components have different or axis-dependent σ, so no single value describes them.
    """
    if not isinstance(mixture, GaussianMixture):
        raise TypeError(f"mixture must be a GaussianMixture, got {type(mixture).__name__}")
    first = float(mixture.stds.flat[0])
    if not np.allclose(mixture.stds, first, rtol=1e-12, atol=0.0):
        raise ValueError(f"mixture is not isotropic with one σ: its stds range from {mixture.stds.min()} "
                         f"to {mixture.stds.max()}")
    return first
