"""Pixel scales: uint8 in [0, 255], the generator's tanh range [-1, 1], intensities in [0, 1]; binarisation.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_int, check_number, check_seed

_TANH_SLACK = 1e-3
"""Values up to this far outside [-1, 1] are float rounding of a tanh output, not another scale."""


def check_tanh_range(images, name: str = "images") -> np.ndarray:
    """``images`` as a finite float32 array whose values lie in [-1, 1] (the generator's tanh scale).

    Raises:
        TypeError: not an array of real numbers.
        ValueError: a NaN or infinity, or values outside [-1, 1] (by more than
            float rounding); the message says so when they look like [0, 255] pixels.
    """
    x = as_finite_array(images, name, dtype=np.float32)
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if lo < -1.0 - _TANH_SLACK or hi > 1.0 + _TANH_SLACK:
        hint = ("; these look like [0, 255] pixels: convert them with uint8_to_tanh_range first"
                if lo >= 0.0 and hi > 2.0 else "")
        raise ValueError(f"{name} must lie in [-1, 1] (the tanh scale of gancourse.data and the generators), "
                         f"got values in [{lo:.4g}, {hi:.4g}]{hint}")
    return x


def uint8_to_tanh_range(images_uint8: np.ndarray) -> np.ndarray:
    """uint8 pixels in [0, 255] to float32 in [-1, 1] with a channel axis: x/127.5 - 1."""
    x = np.asarray(images_uint8)
    if x.dtype != np.uint8:
        raise TypeError(f"images_uint8 must have dtype uint8, got {x.dtype}")
    return (x.astype(np.float32) / 127.5 - 1.0)[..., None]


def tanh_range_to_uint8(images: np.ndarray) -> np.ndarray:
    """Inverse of :func:`uint8_to_tanh_range`: [-1, 1] floats to uint8, channel axis kept.

    Raises:
        TypeError: ``images`` is not an array of numbers.
        ValueError: a NaN or infinity, or values outside [-1, 1] (e.g. [0, 255] pixels).
    """
    x = check_tanh_range(images, "images")
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)


def tanh_range_to_unit_interval(images) -> np.ndarray:
    """Images in [-1, 1] (as :mod:`gancourse.data` returns them) to intensities in [0, 1].

    Raises:
        TypeError: ``images`` is not an array of numbers.
        ValueError: a NaN or infinity, or values outside [-1, 1] (e.g. [0, 255] pixels).
    """
    x = check_tanh_range(images, "images")
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def binarize_static(intensities, *, seed: int = 0) -> np.ndarray:
    """Draw each pixel once as ``Bernoulli(intensity)`` with a fixed seed (float32 0/1).

    The "stochastically binarised" MNIST of the literature; with a fixed seed
    every evaluation sees the same bits.

    Raises:
        ValueError: intensities outside [0, 1], NaN or infinite.
    """
    x = as_finite_array(intensities, "intensities", dtype=np.float32)
    if x.size and (x.min() < 0.0 or x.max() > 1.0):
        raise ValueError(f"intensities must lie in [0, 1], got range [{x.min()}, {x.max()}]")
    rng = np.random.default_rng(check_seed(seed))
    return (rng.random(x.shape, dtype=np.float32) < x).astype(np.float32)


def _as_image_batch(images) -> np.ndarray:
    """(N, H, W) or (N, H, W, C) finite array as float32 (N, H, W, C)."""
    x = as_finite_array(images, "images", dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, C) with C in (1, 3), got {x.shape}"
        )
    return x


def tile_images(images, ncols: int | None = None, *, pad: int = 1, pad_value: float = 1.0) -> np.ndarray:
    """Tile N images in [-1, 1] into one (H', W', C) array in [0, 1], row by row.

    Args:
        images: (N, H, W) or (N, H, W, C) with values in [-1, 1].
        ncols: images per row (default: the ceiling of sqrt(N)).
        pad: pixels of ``pad_value`` between images.
    """
    x = _as_image_batch(images)
    n, h, w, c = x.shape
    if n == 0:
        raise ValueError("images is empty: nothing to tile")
    ncols = int(np.ceil(np.sqrt(n))) if ncols is None else check_int(ncols, "ncols", minimum=1)
    pad = check_int(pad, "pad", minimum=0)
    pad_value = check_number(pad_value, "pad_value")
    nrows = int(np.ceil(n / ncols))
    grid = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), pad_value, np.float32)
    unit = np.clip((x + 1.0) / 2.0, 0.0, 1.0)
    for i in range(n):
        r, col = divmod(i, ncols)
        top, left = pad + r * (h + pad), pad + col * (w + pad)
        grid[top: top + h, left: left + w] = unit[i]
    return grid
