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

__all__ = ["HALVES", "as_mask", "square_mask", "center_square_mask", "random_pixel_mask", "half_mask",
           "random_training_masks"]

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


def square_mask(image_shape, size: int, top: int, left: int) -> np.ndarray:
    """Known everywhere except the ``size`` x ``size`` square whose top-left pixel is (``top``, ``left``).

    The square must lie inside the image (the interactive control of chapter 6 moves it).

    Returns:
        float32 (H, W): 0 in the square, 1 elsewhere.
    """
    height, width = _height_width(image_shape)
    size = check_int(size, "size", minimum=1, maximum=min(height, width))
    top = check_int(top, "top", minimum=0, maximum=height - size)
    left = check_int(left, "left", minimum=0, maximum=width - size)
    mask = np.ones((height, width), np.float32)
    mask[top:top + size, left:left + size] = 0.0
    return mask


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
    return square_mask((height, width), size, (height - size) // 2, (width - size) // 2)


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



def random_training_masks(image_shape, n: int, seed: int = 0, *, min_size: int = 6, max_size: int = 18) -> np.ndarray:
    """``n`` masks of every kind the chapter uses, for training the inversion encoder: (n, H, W) float32.

    In equal shares: a square of side ``min_size`` to ``max_size`` anywhere in
    the image, one of the four halves, 50 % to 90 % of the pixels missing at
    random, and nothing missing (so the encoder also sees whole images).
    """
    height, width = _height_width(image_shape)
    n = check_int(n, "n", minimum=1)
    max_size = check_int(max_size, "max_size", minimum=1, maximum=min(height, width))
    min_size = check_int(min_size, "min_size", minimum=1, maximum=max_size)
    rng = np.random.default_rng(check_seed(seed))
    masks = np.ones((n, height, width), np.float32)
    for i, kind in enumerate(rng.integers(4, size=n)):
        if kind == 0:
            size = int(rng.integers(min_size, max_size + 1))
            masks[i] = square_mask((height, width), size, int(rng.integers(height - size + 1)),
                                   int(rng.integers(width - size + 1)))
        elif kind == 1:
            masks[i] = half_mask((height, width), HALVES[int(rng.integers(4))])
        elif kind == 2:
            masks[i] = random_pixel_mask((height, width), float(rng.uniform(0.5, 0.9)), int(rng.integers(2**31)))
    return masks
