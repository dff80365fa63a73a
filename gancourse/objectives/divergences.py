# Why this file is longer than 300 lines: each divergence comes twice, on histograms and on
# densities sampled on a grid, with the input checks both share.
"""Divergences between probability distributions: KL, JS and the VAE's KL term.

Three settings, one concept each:

* **discrete** distributions, given as probability vectors that sum to 1;
* **densities on a grid** ``x`` (1-D), integrated by the trapezoidal rule, so a
  chapter can check an identity such as ``V(D*, G) = -log 4 + 2 JSD`` to
  quadrature accuracy;
* **Gaussians** in closed form, including the diagonal-Gaussian KL to N(0, I)
  that the variational autoencoder's loss uses (Kingma and Welling 2014,
  "Auto-Encoding Variational Bayes", appendix B).

All results are in **nats** (natural logarithm). The discrete and grid
functions work in NumPy float64 (quadrature needs the precision); the VAE's KL
term uses ``keras.ops`` so it runs inside a ``train_step`` and on NumPy input
alike.

Conventions (Cover and Thomas, "Elements of Information Theory", §2.3):
``0 log(0/q) = 0`` and ``p log(p/0) = +inf`` for ``p > 0``. So KL(P‖Q) is
infinite as soon as P puts mass where Q has none, which is what happens for
distributions with disjoint supports (lecture notes 002, §4.1).
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array

import_tensorflow()
from keras import ops  # noqa: E402

LOG2 = float(np.log(2.0))
"""log 2: the largest value the Jensen-Shannon divergence takes (in nats)."""

_SUM_TOL = 1e-6

# numpy >= 2.0 names it trapezoid; 1.26 (still allowed by requirements) only has trapz.
_trapezoid = getattr(np, "trapezoid", None) or np.trapz


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------

def _check_probabilities(p, name: str, *, axis: int = -1) -> np.ndarray:
    """A probability vector (or a batch of them along ``axis``): finite, >= 0, sums to 1."""
    arr = as_finite_array(p, name)
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty probability vector, got shape {arr.shape}")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative, got minimum {arr.min()}")
    sums = arr.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=_SUM_TOL, rtol=0):
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (a probability distribution), "
            f"got sum(s) {np.round(sums, 8)}"
        )
    # Within the tolerance, renormalise: the inequalities below (KL >= 0, JSD <= log 2) hold for
    # distributions, and a vector off by 1e-7 would otherwise give KL = -1e-7 that a clip hides.
    return arr / np.expand_dims(sums, axis)


def _broadcast_shape(arrays, names) -> tuple:
    """The shape ``arrays`` broadcast to, or a ValueError that names them and gives their shapes."""
    try:
        return np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        shapes = " and ".join(f"{n} {np.shape(a)}" for n, a in zip(names, arrays))
        raise ValueError(f"{', '.join(names)} must have shapes that broadcast together, got {shapes}") from None


def _check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def _check_grid(x, n: int | None = None) -> np.ndarray:
    """A 1-D, strictly increasing grid of at least 2 points (of length ``n`` if given)."""
    grid = as_finite_array(x, "x")
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(f"x must be a 1-D grid of at least 2 points, got shape {grid.shape}")
    if not np.all(np.diff(grid) > 0):
        raise ValueError("x must be strictly increasing")
    if n is not None and grid.size != n:
        raise ValueError(f"x has {grid.size} points but the densities have {n}")
    return grid


def _check_density(p, name: str, x: np.ndarray, *, normalised: bool = True,
                   tol: float = 1e-3) -> np.ndarray:
    """A density sampled on ``x``: finite, >= 0, and (if ``normalised``) integrating to 1."""
    arr = as_finite_array(p, name)
    if arr.shape != x.shape:
        raise ValueError(f"{name} must be sampled on the grid x (shape {x.shape}), got shape {arr.shape}")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative on the grid")
    if normalised:
        mass = float(_trapezoid(arr, x))
        if abs(mass - 1.0) > tol:
            raise ValueError(
                f"{name} must integrate to 1 over the grid (tolerance {tol}), got {mass:.6f}; "
                "widen the grid or refine it so it holds (almost) all of the mass"
            )
    return arr


# --------------------------------------------------------------------------
# pointwise terms with the 0 log 0 = 0 convention
# --------------------------------------------------------------------------

def xlogy_ratio(p, q) -> np.ndarray:
    """Elementwise ``p * log(p / q)`` with ``0 log(0/q) = 0`` and ``p log(p/0) = inf``.

    The integrand of the KL divergence (Cover and Thomas, eq. 2.26).

    Raises:
        TypeError: an argument is not an array of numbers.
        ValueError: a NaN or infinity, or shapes that do not broadcast together.
    """
    p = as_finite_array(p, "p")
    q = as_finite_array(q, "q")
    out = np.zeros(_broadcast_shape((p, q), ("p", "q")))
    p_b, q_b = np.broadcast_arrays(p, q)
    pos = p_b > 0
    with np.errstate(divide="ignore"):
        out[pos] = p_b[pos] * (np.log(p_b[pos]) - np.log(q_b[pos]))
    return out


# --------------------------------------------------------------------------
# discrete distributions
# --------------------------------------------------------------------------

def entropy(p, *, axis: int = -1) -> np.ndarray | float:
    """Shannon entropy ``H(P) = -sum_i p_i log p_i`` in nats.

    Raises:
        ValueError: ``p`` is not a probability vector.
    """
    p = _check_probabilities(p, "p", axis=axis)
    value = -np.sum(xlogy_ratio(p, 1.0), axis=axis)
    return float(value) if np.ndim(value) == 0 else value


def cross_entropy(p, q, *, axis: int = -1) -> np.ndarray | float:
    """Cross-entropy ``H(P, Q) = -sum_i p_i log q_i`` in nats (``inf`` if Q misses P's mass).

    ``H(P, Q) = H(P) + KL(P‖Q)``: minimising the cross-entropy to the data
    over a model Q (maximum likelihood) minimises KL(P_data‖Q).
    """
    p = _check_probabilities(p, "p", axis=axis)
    q = _check_probabilities(q, "q", axis=axis)
    _check_same_shape(p, q, "p", "q")
    return entropy(p, axis=axis) + kl_divergence(p, q, axis=axis)


def kl_divergence(p, q, *, axis: int = -1) -> np.ndarray | float:
    """Kullback-Leibler divergence ``KL(P‖Q) = sum_i p_i log(p_i / q_i)`` in nats.

    Non-negative (Gibbs' inequality), zero only when P = Q, and **not
    symmetric**: KL(P‖Q) ≠ KL(Q‖P) in general (notes 002, §2.1). Infinite when
    Q is zero somewhere P is not.

    Args:
        p, q: probability vectors of the same shape (or batches of them along ``axis``).
        axis: the axis that indexes outcomes.

    Raises:
        TypeError: an argument is not numeric.
        ValueError: shapes differ, or an argument is not a probability vector.
    """
    p = _check_probabilities(p, "p", axis=axis)
    q = _check_probabilities(q, "q", axis=axis)
    _check_same_shape(p, q, "p", "q")
    value = np.sum(xlogy_ratio(p, q), axis=axis)
    # A guard against rounding only: identical inputs can sum to -1e-16. The inputs are
    # renormalised (see _check_probabilities), so nothing larger is ever clipped.
    value = np.maximum(value, 0.0)
    return float(value) if np.ndim(value) == 0 else value


def js_divergence(p, q, *, axis: int = -1) -> np.ndarray | float:
    """Jensen-Shannon divergence ``JSD(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M)``, ``M = (P + Q)/2``.

    Symmetric, always finite, and bounded: ``0 <= JSD <= log 2`` (nats), with
    ``log 2`` exactly when P and Q have disjoint supports (notes 002, §2.2 and
    §4.1; Goodfellow et al. 2014, §4.1).

    Raises:
        TypeError/ValueError: as :func:`kl_divergence`.
    """
    p = _check_probabilities(p, "p", axis=axis)
    q = _check_probabilities(q, "q", axis=axis)
    _check_same_shape(p, q, "p", "q")
    m = 0.5 * (p + q)
    value = 0.5 * np.sum(xlogy_ratio(p, m), axis=axis) + 0.5 * np.sum(xlogy_ratio(q, m), axis=axis)
    # A guard against rounding only (the sum can exceed log 2 by 1e-16 for disjoint supports).
    value = np.clip(value, 0.0, LOG2)
    return float(value) if np.ndim(value) == 0 else value


# --------------------------------------------------------------------------
# densities on a 1-D grid (trapezoidal quadrature)
# --------------------------------------------------------------------------

def integrate(y, x) -> float:
    """``∫ y(x) dx`` over the grid ``x`` by the trapezoidal rule.

    Raises:
        ValueError: ``x`` is not a strictly increasing 1-D grid matching ``y``.
    """
    grid = _check_grid(x)
    values = as_finite_array(y, "y")
    if values.shape != grid.shape:
        raise ValueError(f"y must be sampled on the grid x (shape {grid.shape}), got shape {values.shape}")
    return float(_trapezoid(values, grid))


def kl_divergence_density(p, q, x) -> float:
    """``KL(p‖q) = ∫ p(x) log(p(x)/q(x)) dx`` for densities sampled on the grid ``x``.

    Trapezoidal quadrature; ``inf`` when q vanishes on a grid point where p
    does not. Both densities must integrate to 1 over the grid (to 1e-3).

    Raises:
        TypeError/ValueError: bad grid, shapes or densities.
    """
    grid = _check_grid(x)
    p = _check_density(p, "p", grid)
    q = _check_density(q, "q", grid)
    integrand = xlogy_ratio(p, q)
    if np.any(np.isinf(integrand)):
        return float("inf")
    return max(float(_trapezoid(integrand, grid)), 0.0)


def js_divergence_density(p, q, x) -> float:
    """``JSD(p‖q) = ½ KL(p‖m) + ½ KL(q‖m)``, ``m = (p+q)/2``, for densities on the grid ``x``.

    Finite for any pair, between 0 and log 2 up to quadrature error.

    Raises:
        TypeError/ValueError: bad grid, shapes or densities.
    """
    grid = _check_grid(x)
    p = _check_density(p, "p", grid)
    q = _check_density(q, "q", grid)
    m = 0.5 * (p + q)
    value = 0.5 * _trapezoid(xlogy_ratio(p, m), grid) + 0.5 * _trapezoid(xlogy_ratio(q, m), grid)
    return float(value)


# --------------------------------------------------------------------------
# Gaussians in closed form
# --------------------------------------------------------------------------

def gaussian_kl(mean_p, std_p, mean_q, std_q):
    """KL between univariate normals, elementwise: ``KL(N(μp, σp²) ‖ N(μq, σq²))``.

    ``log(σq/σp) + (σp² + (μp − μq)²) / (2 σq²) − ½``  (nats)

    For diagonal Gaussians, sum the result over dimensions (KL of independent
    factors adds up).

    Raises:
        TypeError: an argument is not numeric.
        ValueError: a standard deviation is not positive, an argument holds a NaN or infinity,
            or the shapes do not broadcast together.
    """
    mp, sp = as_finite_array(mean_p, "mean_p"), as_finite_array(std_p, "std_p")
    mq, sq = as_finite_array(mean_q, "mean_q"), as_finite_array(std_q, "std_q")
    for name, s in (("std_p", sp), ("std_q", sq)):
        if np.any(~(s > 0)):
            raise ValueError(f"{name} must be positive, got {s}")
    _broadcast_shape((mp, sp, mq, sq), ("mean_p", "std_p", "mean_q", "std_q"))
    value = np.log(sq / sp) + (sp**2 + (mp - mq) ** 2) / (2.0 * sq**2) - 0.5
    return float(value) if np.ndim(value) == 0 else value


def gaussian_kl_to_standard_normal_per_example(mean, log_var):
    """``KL(N(μ, diag σ²) ‖ N(0, I))`` for each example, **summed over latent dimensions**.

    ``-½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)``  (Kingma and Welling 2014, appendix B)

    Args:
        mean, log_var: tensors or arrays of shape ``(batch, latent_dim)``; the
            encoder predicts ``log σ²`` (unconstrained) rather than σ.

    Returns:
        a tensor of shape ``(batch,)``, in nats.

    Raises:
        ValueError: shapes differ or are not ``(batch, latent_dim)``.
    """
    mean = ops.convert_to_tensor(mean)
    log_var = ops.convert_to_tensor(log_var)
    if tuple(mean.shape) != tuple(log_var.shape):
        raise ValueError(f"mean and log_var must have the same shape, got {tuple(mean.shape)} "
                         f"and {tuple(log_var.shape)}")
    if len(mean.shape) != 2:
        raise ValueError(f"mean and log_var must have shape (batch, latent_dim), got {tuple(mean.shape)}")
    mean = ops.cast(mean, "float32")
    log_var = ops.cast(log_var, "float32")
    # Summed over the latent axis: the KL of a factorised Gaussian is the sum of
    # the per-dimension KLs. Averaging here instead (keras-team/keras-io#270)
    # under-weights the prior by a factor latent_dim.
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def gaussian_kl_to_standard_normal(mean, log_var):
    """The VAE's KL term: :func:`gaussian_kl_to_standard_normal_per_example` averaged over the batch.

    Summed over latent dimensions, averaged over examples, so it adds to a
    reconstruction term that is likewise summed over pixels and averaged over
    examples; their sum is the negative ELBO per image, in nats.
    """
    return ops.mean(gaussian_kl_to_standard_normal_per_example(mean, log_var))


__all__ = [
    "LOG2", "xlogy_ratio", "entropy", "cross_entropy", "kl_divergence", "js_divergence",
    "integrate", "kl_divergence_density", "js_divergence_density", "gaussian_kl",
    "gaussian_kl_to_standard_normal_per_example", "gaussian_kl_to_standard_normal",
]
