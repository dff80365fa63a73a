"""The latent space: fixed noise, interpolation (lerp, slerp) and vector arithmetic on codes z.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_choice, check_int, check_seed

tf = import_tensorflow()


def latent_noise(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """``n`` latent vectors z ~ N(0, I) of size ``latent_dim`` as float32, from NumPy.

    A fixed ``seed`` gives the same vectors on every machine and backend, so
    sample grids drawn from them can be compared across runs and chapters.

    Raises:
        TypeError/ValueError: ``n``, ``latent_dim`` or ``seed`` is not a
            positive int (seed: an int in [0, 2**32)).
    """
    n = check_int(n, "n", minimum=1)
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    seed = check_seed(seed)
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def _latent_pair(z0, z1):
    a, b = as_finite_array(z0, "z0"), as_finite_array(z1, "z1")
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"z0 and z1 must be 1-D vectors of the same length, got shapes {a.shape} and {b.shape}")
    return a, b


def _fractions(t):
    ts = as_finite_array(t, "t")
    if ts.ndim > 1:
        raise ValueError(f"t must be a finite number or a 1-D array of numbers, got shape {ts.shape}")
    return ts


def lerp(z0, z1, t):
    """Linear interpolation ``(1 − t) z0 + t z1``; ``t`` a number (→ (d,)) or 1-D array (→ (len(t), d))."""
    a, b = _latent_pair(z0, z1)
    ts = _fractions(t)
    out = (1.0 - ts[..., None]) * a + ts[..., None] * b
    return out.astype(np.float32)


def slerp(z0, z1, t):
    """Spherical linear interpolation (Shoemake 1985; for GAN latents White 2016, "Sampling Generative Networks").

    ``slerp(z0, z1; t) = sin((1 − t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1`` with
    ``cos Ω = z0·z1 / (|z0||z1|)``. In high dimension a Gaussian z lies near
    the sphere of radius √d; the straight line between two such points cuts
    inside it, where the generator saw no training codes, while slerp keeps
    the norm. Falls back to :func:`lerp` when the vectors are (anti)parallel,
    where Ω = 0 (or π) makes the formula 0/0.
    """
    a, b = _latent_pair(z0, z1)
    ts = _fractions(t)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return lerp(a, b, ts)
    cos_omega = np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0)
    omega = np.arccos(cos_omega)
    sin_omega = np.sin(omega)
    if sin_omega < 1e-6:
        return lerp(a, b, ts)
    w0 = np.sin((1.0 - ts) * omega) / sin_omega
    w1 = np.sin(ts * omega) / sin_omega
    return (w0[..., None] * a + w1[..., None] * b).astype(np.float32)


def interpolate_latents(z0, z1, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """``steps`` codes from ``z0`` to ``z1`` (both ends included), shape ``(steps, d)``."""
    steps = check_int(steps, "steps", minimum=2)
    method = check_choice(method, "method", ("slerp", "lerp"))
    ts = np.linspace(0.0, 1.0, steps)
    return (slerp if method == "slerp" else lerp)(z0, z1, ts)


def latent_arithmetic(a, b, c) -> np.ndarray:
    """``mean(a) − mean(b) + mean(c)``: DCGAN's vector arithmetic on averaged codes.

    Radford et al. (2016), §6.3.2: single codes were unstable, so each
    concept ("smiling woman", "neutral woman", "neutral man") is the average
    of three exemplars' z before adding and subtracting. Each argument is
    ``(n_i, d)`` (or ``(d,)`` for one code); the result is ``(d,)``.
    """
    means = []
    for name, v in (("a", a), ("b", b), ("c", c)):
        arr = as_finite_array(v, name)
        arr = arr[None] if arr.ndim == 1 else arr
        if arr.ndim != 2 or len(arr) == 0:
            raise ValueError(f"{name} must be a code (d,) or a batch of codes (n, d), got shape {np.shape(v)}")
        means.append(arr.mean(axis=0))
    if not means[0].shape == means[1].shape == means[2].shape:
        raise ValueError(f"a, b and c must have the same code size, got {[m.shape[0] for m in means]}")
    return (means[0] - means[1] + means[2]).astype(np.float32)
