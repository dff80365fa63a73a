"""Inpainting masks (chapter 6; Yeh et al. 2017, "Semantic Image Inpainting with Deep Generative Models").

**Convention, used by every function of :mod:`gancourse.inpainting` and
:mod:`gancourse.objectives.inpainting`:** a mask ``M`` is 1 on *known* pixels
and 0 in the *hole* (the pixels to fill). A mask has shape (H, W), or any shape
NumPy broadcasts to the images' (N, H, W, C). The factories below return
float32 (H, W) arrays; :func:`as_mask` checks any user array against the
images and broadcasts it.

Yeh et al. evaluate several kinds of hole (their experiments section): a
central block, randomly dropped pixels (80 %), half of the image, and random
patterns; the factories give the first three, any user array the rest.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import check_choice, check_int, check_number, check_seed
from ..objectives.inpainting import as_mask

__all__ = ["HALVES", "as_mask", "center_square_mask", "random_pixel_mask", "half_mask"]

HALVES = ("bottom", "top", "left", "right")


def _height_width(image_shape) -> tuple[int, int]:
    """(H, W) from an image shape (H, W), (H, W, C) or (N, H, W, C)."""
    if isinstance(image_shape, (str, bytes)) or not hasattr(image_shape, "__len__"):
        raise TypeError(f"image_shape must be a tuple such as (H, W) or (H, W, C), got {image_shape!r}")
    dims = tuple(image_shape)
    if len(dims) not in (2, 3, 4):
        raise ValueError(f"image_shape must be (H, W), (H, W, C) or (N, H, W, C), got {dims}")
    spatial = dims[1:3] if len(dims) == 4 else dims[:2]
    height = check_int(spatial[0], "image_shape height", minimum=1)
    width = check_int(spatial[1], "image_shape width", minimum=1)
    return height, width


def center_square_mask(image_shape, size: int) -> np.ndarray:
    """Known everywhere except a centred ``size`` x ``size`` square (Yeh et al.'s "central block").

    When H - size is odd the extra row goes below the square (top = (H - size) // 2);
    likewise for columns.

    Args:
        image_shape: (H, W), (H, W, C) or (N, H, W, C).
        size: side of the hole, 1 <= size <= min(H, W).

    Returns:
        float32 (H, W): 0 in the square, 1 elsewhere.
    """
    height, width = _height_width(image_shape)
    size = check_int(size, "size", minimum=1, maximum=min(height, width))
    mask = np.ones((height, width), np.float32)
    top, left = (height - size) // 2, (width - size) // 2
    mask[top:top + size, left:left + size] = 0.0
    return mask


def random_pixel_mask(image_shape, missing_fraction: float, seed: int = 0) -> np.ndarray:
    """Exactly round(missing_fraction * H * W) pixels missing, drawn without replacement (Yeh's "random" mask).

    A fixed count, not an independent coin per pixel, so every seed removes
    the same share and results of different seeds compare.

    Args:
        image_shape: (H, W), (H, W, C) or (N, H, W, C).
        missing_fraction: share of pixels in the hole, in [0, 1].
        seed: NumPy seed; the same seed gives the same mask.

    Returns:
        float32 (H, W).
    """
    height, width = _height_width(image_shape)
    missing_fraction = check_number(missing_fraction, "missing_fraction", minimum=0.0, maximum=1.0)
    seed = check_seed(seed)
    n_missing = round(missing_fraction * height * width)
    mask = np.ones(height * width, np.float32)
    mask[np.random.default_rng(seed).choice(height * width, size=n_missing, replace=False)] = 0.0
    return mask.reshape(height, width)


def half_mask(image_shape, side: str = "bottom") -> np.ndarray:
    """The ``side`` half of the image missing (Yeh et al.'s "half" mask).

    The hole is floor(H / 2) rows (``"bottom"``, ``"top"``) or floor(W / 2)
    columns (``"left"``, ``"right"``); with an odd size the middle line stays known.

    Returns:
        float32 (H, W).
    """
    height, width = _height_width(image_shape)
    side = check_choice(side, "side", HALVES)
    mask = np.ones((height, width), np.float32)
    if side == "bottom":
        mask[height - height // 2:, :] = 0.0
    elif side == "top":
        mask[:height // 2, :] = 0.0
    elif side == "left":
        mask[:, :width // 2] = 0.0
    else:
        mask[:, width - width // 2:] = 0.0
    return mask

