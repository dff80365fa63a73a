"""Chapter 1: maximum likelihood (a Gaussian, a mixture by EM), densities of transformed noise, kernel density estimates.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number, check_seed
from ..data.toy import GaussianMixture

tf = import_tensorflow()


def gaussian_mle(x) -> tuple[float, float]:
    """Maximum-likelihood estimate ``(μ̂, σ̂)`` of a 1-D normal from samples ``x``.

    Setting the derivatives of ``Σ_n log N(x_n; μ, σ²)`` to zero gives the sample
    mean and ``σ̂² = (1/N) Σ (x_n − μ̂)²`` -- divided by N, not N − 1 (the
    maximum-likelihood estimate is the biased one).

    Raises:
        TypeError: ``x`` is not an array of numbers.
        ValueError: fewer than 2 values, or a NaN or infinity.
    """
    v = as_finite_array(x, "x").reshape(-1)
    if v.size < 2:
        raise ValueError(f"x must hold at least 2 values, got {v.size}")
    mean = float(v.mean())
    return mean, float(np.sqrt(np.mean((v - mean) ** 2)))


def average_log_likelihood(model: GaussianMixture, x) -> float:
    """``(1/N) Σ_n log p_model(x_n)`` in nats: the quantity maximum likelihood maximises.

    As N grows it tends to ``−H(p_data) − KL(p_data ‖ p_model)``, so maximising
    it minimises the KL from the data (notes 002 §2.1).
    """
    return float(np.mean(model.log_pdf(x)))


def _kmeans_plus_plus(pts: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k starting means spread over the data (Arthur and Vassilvitskii 2007): each new one is a
    data point drawn with probability proportional to its squared distance to the nearest chosen one."""
    centres = [pts[rng.integers(len(pts))]]
    for _ in range(1, k):
        d2 = np.min(((pts[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        probs = d2 / total if total > 0 else np.full(len(pts), 1.0 / len(pts))
        centres.append(pts[rng.choice(len(pts), p=probs)])
    return np.asarray(centres)


def _em(pts: np.ndarray, model: GaussianMixture, steps: int, min_std: float, tol: float):
    history: list[float] = []
    for _ in range(steps):
        comp = model.component_log_pdf(pts)
        top = comp.max(axis=1, keepdims=True)
        log_total = top + np.log(np.exp(comp - top).sum(axis=1, keepdims=True))
        history.append(float(log_total.mean()))
        resp = np.exp(comp - log_total)                              # E-step: responsibilities
        nk = resp.sum(axis=0) + 1e-12
        means = (resp.T @ pts) / nk[:, None]                         # M-step: weighted MLE
        var = (resp.T @ pts**2) / nk[:, None] - means**2
        stds = np.sqrt(np.maximum(var, min_std**2))
        model = GaussianMixture(means, stds, nk / nk.sum())
        if len(history) > 1 and abs(history[-1] - history[-2]) < tol:
            break
    history.append(average_log_likelihood(model, pts))
    return model, history


def fit_gaussian_mixture(x, n_components: int, *, steps: int = 200, restarts: int = 3, seed: int = 0,
                         min_std: float = 1e-3, tol: float = 1e-7) -> tuple[GaussianMixture, list[float]]:
    """Maximum-likelihood fit of a :class:`GaussianMixture` by expectation-maximisation.

    E-step: responsibilities ``r_nk ∝ w_k N(x_n; μ_k, σ_k²)``; M-step: weighted
    means, variances and weights (Bishop 2006, §9.2.2, with diagonal
    covariances). No step lowers the likelihood, but EM finds a *local*
    maximum: it is run from ``restarts`` k-means++ initialisations and the fit
    with the highest likelihood on ``x`` is kept. ``min_std`` keeps a component
    from collapsing onto one point (where the likelihood is unbounded).

    Returns:
        ``(model, history)``: the best fit and its average log-likelihood after each step.

    Raises:
        TypeError: ``x`` is not an array of numbers.
        ValueError: too few points, a NaN or infinity in ``x``, or bad sizes.
    """
    pts = as_finite_array(x, "x")
    if pts.ndim == 1:
        pts = pts[:, None]
    if pts.ndim != 2:
        raise ValueError(f"x must have shape (N, d) or (N,), got {np.shape(x)}")
    k = check_int(n_components, "n_components", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    restarts = check_int(restarts, "restarts", minimum=1)
    min_std = check_number(min_std, "min_std", minimum=0.0)
    tol = check_number(tol, "tol", minimum=0.0)
    if len(pts) < k:
        raise ValueError(f"need at least n_components={k} points, got {len(pts)}")
    rng = np.random.default_rng(check_seed(seed))
    best = None
    for _ in range(restarts):
        start = GaussianMixture.create(_kmeans_plus_plus(pts, k, rng),
                                       np.broadcast_to(pts.std(axis=0), (k, pts.shape[1])))
        model, history = _em(pts, start, steps, min_std, tol)
        if best is None or history[-1] > best[1][-1]:
            best = (model, history)
    return best


def pushforward_density(x, base_pdf, inverse, inverse_derivative) -> np.ndarray:
    """Density of ``X = f(Z)`` for a monotonic ``f``: ``p_X(x) = p_Z(f⁻¹(x)) · |d f⁻¹(x)/dx|``.

    The change-of-variables rule (seed 000 writes it ``p_X = (df(Z)/dX) p_Z``;
    the derivative is that of the *inverse* map, in absolute value). In
    several dimensions the factor becomes ``|det J_{f⁻¹}(x)|``, the Jacobian
    determinant.

    Args:
        x: points where the density is wanted.
        base_pdf: ``p_Z``, a vectorised function.
        inverse: ``f⁻¹``, vectorised.
        inverse_derivative: ``d f⁻¹ / dx``, vectorised.

    Raises:
        TypeError: one of the three functions is not callable.
    """
    for name, fn in (("base_pdf", base_pdf), ("inverse", inverse), ("inverse_derivative", inverse_derivative)):
        if not callable(fn):
            raise TypeError(f"{name} must be a function, got {type(fn).__name__}")
    x = as_finite_array(x, "x")
    return np.asarray(base_pdf(inverse(x)), dtype=np.float64) * np.abs(np.asarray(inverse_derivative(x), dtype=np.float64))


def gaussian_kde(samples, grid, *, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples`` evaluated on ``grid``.

    ``bandwidth=None`` uses Silverman's rule, ``0.9 · min(σ, IQR/1.34) · n^(−1/5)``.
    How the chapters turn a generator's samples into a density they can plot
    and integrate.

    Raises:
        TypeError: ``samples`` or ``grid`` is not an array of numbers.
        ValueError: fewer than 2 samples, a NaN or infinity, or a non-positive bandwidth.
    """
    s = as_finite_array(samples, "samples").reshape(-1)
    g = as_finite_array(grid, "grid")
    if s.size < 2:
        raise ValueError(f"samples must hold at least 2 values, got {s.size}")
    if bandwidth is None:
        iqr = np.subtract(*np.percentile(s, [75, 25]))
        spread = min(s.std(), iqr / 1.34) if iqr > 0 else s.std()
        bandwidth = max(0.9 * spread * s.size ** (-0.2), 1e-3)
    bandwidth = check_number(bandwidth, "bandwidth", minimum=0.0, exclusive_minimum=True)
    z = (g[..., None] - s) / bandwidth
    return np.exp(-0.5 * z**2).sum(axis=-1) / (s.size * bandwidth * np.sqrt(2 * np.pi))
