"""Peak signal-to-noise ratio over whole images or a masked region (inpainting, super-resolution).
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_choice, check_number


def psnr(a, b, mask=None, *, data_range: float = 2.0, reduce: str = "mean"):
    """Peak signal-to-noise ratio per image, in dB: 10 log10(data_range^2 / MSE).

    The axis 0 indexes images; MSE is taken over every other axis, or only
    over the pixels where ``mask`` is non-zero (e.g. the hole an inpainting
    method filled). ``data_range`` is max - min of the pixel scale: 2 for the
    course's [-1, 1] images (use 1 for [0, 1], 255 for uint8). Identical
    images give +inf.

    Args:
        a, b: arrays of the same shape (N, ...).
        mask: broadcastable to that shape; non-zero marks pixels to compare.
            Every image must have at least one such pixel.
        reduce: ``"mean"`` (mean of the per-image PSNRs, a float) or ``"none"``
            (the (N,) array).

    Raises:
        TypeError: an argument is not an array of numbers.
        ValueError: shapes that differ or do not broadcast, a NaN or infinity, a
            mask that selects no pixel of an image, a bad ``data_range`` or ``reduce``.
    """
    x = as_finite_array(a, "a")
    y = as_finite_array(b, "b")
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"a must be a batch (N, ...) with N >= 1 and axis 0 indexing images, got shape {x.shape}")
    data_range = check_number(data_range, "data_range", minimum=0.0, exclusive_minimum=True)
    reduce = check_choice(reduce, "reduce", ("mean", "none"))
    sq = (x - y) ** 2
    axes = tuple(range(1, x.ndim))
    if mask is None:
        mse = sq.mean(axis=axes)
    else:
        m = np.asarray(mask)
        if m.dtype != bool:
            m = as_finite_array(m, "mask")
        try:
            m = np.broadcast_to(m != 0, x.shape)
        except ValueError:
            raise ValueError(
                f"mask of shape {np.shape(mask)} does not broadcast to the images' shape {x.shape}"
            ) from None
        counts = m.sum(axis=axes)
        if np.any(counts == 0):
            raise ValueError(f"mask selects no pixel in image {int(np.argmin(counts))}")
        mse = (sq * m).sum(axis=axes) / counts
    with np.errstate(divide="ignore"):
        values = 10.0 * np.log10(data_range ** 2 / mse)
    return float(values.mean()) if reduce == "mean" else values
