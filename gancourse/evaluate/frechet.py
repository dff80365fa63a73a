"""The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, eq. 6).

The course computes it in the feature space of its own MNIST classifier
instead of Inception (the "FID" of the paper is this distance on Inception
features), and always prints the real-vs-real floor beside it.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array
from .inputs import _as_features, _same_width


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (eigenvalues clipped at 0)."""
    vals, vecs = np.linalg.eigh(matrix)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T


def trace_sqrt_product(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """Tr((S_a S_b)^{1/2}) for symmetric positive semi-definite S_a, S_b.

    S_a S_b is similar to the symmetric PSD matrix M = S_a^{1/2} S_b S_a^{1/2}
    (M = S_a^{1/2} (S_a S_b) S_a^{-1/2} when S_a is invertible, and by
    continuity otherwise), so both have the same non-negative eigenvalues and
    Tr((S_a S_b)^{1/2}) = sum_i sqrt(lambda_i(M)).

    Departure from the usual code (``scipy.linalg.sqrtm(S_a @ S_b)``, as in
    Heusel et al.'s TTUR repository): ``sqrtm`` of the non-symmetric product
    returns small imaginary parts, and NaN or a wrong trace when a covariance
    is singular (fewer samples than features, dead ReLU units), which the
    reference code patches by adding eps*I. Working with the symmetric M needs
    only ``eigh``, is exact for singular matrices, and gives the same value
    where ``sqrtm`` works (the tests check this).

    Raises:
        TypeError: an argument is not an array of numbers.
        ValueError: not two square matrices of the same size, or a NaN or infinity.
    """
    cov_a = as_finite_array(cov_a, "cov_a", ndim=2)
    cov_b = as_finite_array(cov_b, "cov_b", ndim=2)
    for name, cov in (("cov_a", cov_a), ("cov_b", cov_b)):
        if cov.shape[0] != cov.shape[1]:
            raise ValueError(f"{name} must be a square (D, D) covariance matrix, got shape {cov.shape}")
    if cov_a.shape != cov_b.shape:
        raise ValueError(f"cov_a and cov_b must have the same size, got shapes {cov_a.shape} and {cov_b.shape}")
    m = _sqrt_psd(cov_a) @ cov_b @ _sqrt_psd(cov_a)
    m = (m + m.T) / 2.0  # remove rounding asymmetry before eigvalsh
    return float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(m), 0.0, None))))


def frechet_distance(feats_a, feats_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    Heusel et al. (2017), "GANs trained by a two time-scale update rule
    converge to a local Nash equilibrium", the FID equation (the Fréchet, or
    2-Wasserstein, distance of Dowson & Landau 1982 between N(mu_a, S_a) and
    N(mu_b, S_b)):

        d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})

    The value is d^2 (as FID reports), computed in float64 with unbiased
    (N - 1) covariances; see :func:`trace_sqrt_product` for the matrix root.

    Args:
        feats_a, feats_b: (N_a, D) and (N_b, D) arrays, N >= 2 each.

    Raises:
        TypeError: an argument is not an array of numbers.
        ValueError: not 2-D, fewer than 2 rows, different D, NaN/inf.
    """
    a = _as_features(feats_a, "feats_a")
    b = _as_features(feats_b, "feats_b")
    _same_width(a, b, "feats_a", "feats_b")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    value = float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b)
                  - 2.0 * trace_sqrt_product(cov_a, cov_b))
    # d^2 >= 0 exactly; only float rounding (identical sets) can push it below.
    return max(value, 0.0)
