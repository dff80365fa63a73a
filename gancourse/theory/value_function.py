"""The GAN value function and its optimum (Goodfellow et al. 2014, eq. 1, Proposition 1, Theorem 1).

V(G, D) on samples and on a grid (quadrature), the optimal discriminator
D* = p_data/(p_data + p_g), C(G) = −log 4 + 2·JSD, and the chapter 3 checks.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_number
from ..objectives.divergences import (
    _check_density,
    _check_grid,
    _trapezoid,
    js_divergence_density,
    kl_divergence_density,
)

LOG4 = float(np.log(4.0))
"""log 4: C(G) = -log 4 + 2 JSD (Goodfellow et al. 2014, Theorem 1)."""

_D_MAX = float(np.nextafter(1.0, 0.0))  # 1 − 2⁻⁵³, the largest float64 below 1


_D_MIN = float(np.finfo(np.float64).tiny)


def _clip_for_quadrature(d: np.ndarray) -> np.ndarray:
    """D kept inside [tiny, 1 − 2⁻⁵³] before taking logs on a grid.

    Departure from exact arithmetic, for a reason: far in the tails
    ``p_data/(p_data + p_g)`` rounds to exactly 1.0 when ``p_g < 1.1e-16 · p_data``,
    and ``p_g · log(1 − D)`` would be ``0·(−inf)``-like ``−inf`` although the true
    term is ~1e-14 or less. With the clip such a point contributes
    ``p_g · log(2⁻⁵³)`` (|log| ≈ 36.7), which is as negligible as the true term.
    A D that is 1 where ``p_g`` has real mass gives a large negative V, not ``−inf``.
    """
    return np.clip(d, _D_MIN, _D_MAX)


def _check_unit_interval(d, name: str) -> np.ndarray:
    arr = as_finite_array(d, name)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1] (D's output after the sigmoid), "
                         f"got range [{arr.min()}, {arr.max()}]")
    return arr


def _xlog(weight: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``weight * log(value)`` with ``0 · log 0 = 0`` (where the weight vanishes the term is 0)."""
    out = np.zeros(np.broadcast(weight, value).shape)
    w, v = np.broadcast_arrays(weight, value)
    pos = w > 0
    with np.errstate(divide="ignore"):
        out[pos] = w[pos] * np.log(v[pos])
    return out


def value_function_from_samples(d_real, d_fake) -> float:
    """Monte Carlo ``V(D, G) ≈ mean log D(x_i) + mean log(1 − D(G(z_j)))`` (eq. 13.4, notes 002 §2.4).

    Args:
        d_real: D's probabilities on real samples ``x_i ~ p_data``.
        d_fake: D's probabilities on generated samples ``G(z_j)``.

    Returns ``-inf`` when D gives exactly 0 to a real sample or 1 to a fake.

    Raises:
        ValueError: values outside [0, 1] or empty input.
    """
    d_real = _check_unit_interval(d_real, "d_real")
    d_fake = _check_unit_interval(d_fake, "d_fake")
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(d_real)) + np.mean(np.log1p(-d_fake)))


def _check_grid_game(p_data, p_g, d, x):
    """Validate two densities and a discriminator, all sampled on the grid ``x``."""
    grid = _check_grid(x)
    p_data = _check_density(p_data, "p_data", grid)
    p_g = _check_density(p_g, "p_g", grid)
    d = _check_unit_interval(d, "d")
    if d.shape != grid.shape:
        raise ValueError(f"d must be sampled on the grid x (shape {grid.shape}), got shape {d.shape}")
    return grid, p_data, p_g, d


def value_function_on_grid(p_data, p_g, d, x) -> float:
    """``V(G, D) = ∫ p_data(x) log D(x) + p_g(x) log(1 − D(x)) dx`` on the grid ``x`` (eq. 13.4).

    ``0 · log 0 = 0``: where a density vanishes its term is zero whatever D is.
    D is clipped to [tiny, 1 − 2⁻⁵³] first (see :func:`_clip_for_quadrature`).

    Raises:
        ValueError: bad grid, densities that do not integrate to 1, D outside [0, 1].
    """
    grid, p_data, p_g, d = _check_grid_game(p_data, p_g, d, x)
    d = _clip_for_quadrature(d)
    integrand = _xlog(p_data, d) + _xlog(p_g, 1.0 - d)
    return float(_trapezoid(integrand, grid))


def discriminator_cross_entropy_on_grid(p_data, p_g, d, x, *, p_src_data: float = 0.5) -> float:
    """The discriminator's expected cross-entropy ``L(D)`` of eqs. 13.1-13.2.

    ``L(D) = −∫ p(x) [p(data|x) log D(x) + p(g|x) log(1 − D(x))] dx`` where a
    sample comes from the data with prior ``p_src(data)`` and from G otherwise,
    ``p(x) = p_src(data) p_data(x) + p_src(g) p_g(x)`` (eq. 13.2), and Bayes'
    rule gives ``p(x) p(data|x) = p_src(data) p_data(x)``. With
    ``p_src = ½`` this is ``−½ V(G, D)`` (eq. 13.3); this function computes it
    from the mixture form so the chapter can check that identity.

    Raises:
        ValueError: ``p_src_data`` outside (0, 1), or as :func:`value_function_on_grid`.
    """
    p_src_data = check_number(p_src_data, "p_src_data", minimum=0.0, maximum=1.0, exclusive_minimum=True,
                              exclusive_maximum=True)
    grid, p_data, p_g, d = _check_grid_game(p_data, p_g, d, x)
    p_x = p_src_data * p_data + (1.0 - p_src_data) * p_g                     # eq. 13.2
    with np.errstate(divide="ignore", invalid="ignore"):
        post_data = np.where(p_x > 0, p_src_data * p_data / p_x, 0.0)         # p(data|x), Bayes
    post_g = np.where(p_x > 0, 1.0 - post_data, 0.0)                          # p(g|x)
    d = _clip_for_quadrature(d)
    integrand = _xlog(p_x * post_data, d) + _xlog(p_x * post_g, 1.0 - d)       # eq. 13.1
    return -float(_trapezoid(integrand, grid))


def optimal_discriminator(p_data, p_g):
    """``D*_G(x) = p_data(x) / (p_data(x) + p_g(x))`` (eq. 13.5; Goodfellow et al. 2014, Prop. 1).

    The pointwise maximiser of ``a log D + b log(1 − D)``, ``a, b ≥ 0``, is
    ``D = a / (a + b)``. Where both densities vanish any D is optimal (the
    point does not count in V); this function returns ½ there.

    Args:
        p_data, p_g: density (or probability) values at the same points.

    Raises:
        ValueError: shapes differ or a value is negative or not finite.
    """
    p_data = as_finite_array(p_data, "p_data")
    p_g = as_finite_array(p_g, "p_g")
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p_data.shape} and {p_g.shape}")
    for name, arr in (("p_data", p_data), ("p_g", p_g)):
        if np.any(arr < 0):
            raise ValueError(f"{name} must be non-negative")
    total = p_data + p_g
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)
    return float(d) if d.ndim == 0 else d


def optimal_value(p_data, p_g, x) -> float:
    """``C(G) = max_D V(G, D) = V(G, D*_G)``, by quadrature with :func:`optimal_discriminator`.

    Goodfellow et al. 2014, Thm. 1: equals ``−log 4 + 2·JSD(p_data‖p_g)``,
    minimal (``−log 4``) exactly when ``p_g = p_data``.
    """
    return value_function_on_grid(p_data, p_g, optimal_discriminator(p_data, p_g), x)


def optimal_value_from_jsd(p_data, p_g, x) -> float:
    """The right-hand side of Thm. 1, ``−log 4 + 2·JSD(p_data‖p_g)``, for comparison with :func:`optimal_value`."""
    return -LOG4 + 2.0 * js_divergence_density(p_data, p_g, x)


def generator_objective_on_grid(p_g, d, x) -> float:
    """The part of ``V(G, D)`` the generator controls: ``∫ p_g(x) log(1 − D(x)) dx``.

    ``V = ∫ p_data log D + ∫ p_g log(1 − D)``; the first term does not depend
    on G, so for a fixed D minimising V over G minimises this. It is *linear*
    in ``p_g``: its minimiser puts all mass where D is largest.
    """
    grid = _check_grid(x)
    p_g = _check_density(p_g, "p_g", grid)
    d = _check_unit_interval(d, "d")
    if d.shape != grid.shape:
        raise ValueError(f"d must be sampled on the grid x (shape {grid.shape}), got shape {d.shape}")
    integrand = _xlog(p_g, 1.0 - _clip_for_quadrature(d))
    return float(_trapezoid(integrand, grid))


def eq_13_6_objective(p_g, p_data, p_g_prev, x) -> float:
    """The right-hand side of eq. 13.6: ``KL(p_g ‖ (p_data + p_g')/2) − KL(p_g ‖ p_g')``.

    With ``D = D*_{G'} = p_data / (p_data + p_g')`` fixed (the best
    discriminator against the previous generator G'),
    ``∫ p_g log(1 − D) = ∫ p_g log(p_g' / (p_data + p_g'))
    = KL(p_g‖m) − KL(p_g‖p_g') − log 2`` with ``m = (p_data + p_g')/2``, so
    ``argmin_G V(G, D*_{G'})`` is the argmin of this expression (eq. 13.6):
    move toward the mixture m and *away from* the previous generator.

    Returns ``inf``/``nan`` cases as the KLs give them (p_g must live where p_g' does).
    """
    grid = _check_grid(x)
    p_g = _check_density(p_g, "p_g", grid)
    p_data = _check_density(p_data, "p_data", grid)
    p_g_prev = _check_density(p_g_prev, "p_g_prev", grid)
    m = 0.5 * (p_data + p_g_prev)
    return kl_divergence_density(p_g, m, grid) - kl_divergence_density(p_g, p_g_prev, grid)
