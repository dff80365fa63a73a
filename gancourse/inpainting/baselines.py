"""Classical inpainting baselines for chapter 6, from well-kept libraries (no hand-written solvers).

Yeh et al. 2017 ("Semantic Image Inpainting with Deep Generative Models")
compare their GAN completion with methods that use only the image itself;
these are the ones at hand in Python:

* :func:`mean_fill`: the hole gets the mean of the image's known pixels;
* :func:`inpaint_biharmonic`: scikit-image's biharmonic-equation fill
  (Damelin & Hoang 2018), smooth and exact for linear ramps;
* :func:`inpaint_telea`: OpenCV's fast marching method (Telea 2004);
* :func:`inpaint_navier_stokes`: OpenCV's fluid-dynamics method (Bertalmio et al. 2001).

All take images (N, H, W, C) in [-1, 1] and a mask (1 = known, 0 = hole, as
in :mod:`gancourse.inpainting.masks`) and return float32 (N, H, W, C) in
[-1, 1] with the known pixels unchanged. scikit-image and OpenCV take one
2-D hole per image, so the mask must be the same in every channel there.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import check_int
from ..objectives.inpainting import as_images, as_mask

__all__ = ["mean_fill", "inpaint_biharmonic", "inpaint_telea", "inpaint_navier_stokes"]


def _checked(images, mask):
    y = as_images(images, "images")
    return y, as_mask(mask, y.shape)


def _holes_2d(m: np.ndarray) -> np.ndarray:
    """(N, H, W) bool holes from a (N, H, W, C) mask that must agree across channels."""
    if not np.all(m == m[..., :1]):
        raise ValueError("mask must be the same in every channel for this method (the library takes one "
                         "2-D hole per image); give an (H, W) or (N, H, W, 1) mask")
    return m[..., 0] == 0


def _keep_known(y, m, filled):
    return np.clip(m * y + (1.0 - m) * filled, -1.0, 1.0).astype(np.float32)


def mean_fill(images, mask) -> np.ndarray:
    """Fill the hole with the mean of the known pixels of each image and channel (the simplest baseline).

    Raises:
        ValueError: an image has no known pixel in some channel.
    """
    y, m = _checked(images, mask)
    known = m.sum(axis=(1, 2), keepdims=True)
    if np.any(known == 0):
        raise ValueError("mask leaves an image with no known pixel; mean_fill needs at least one")
    means = (m * y).sum(axis=(1, 2), keepdims=True) / known
    return _keep_known(y, m, np.broadcast_to(means, y.shape))


def inpaint_biharmonic(images, mask) -> np.ndarray:
    """``skimage.restoration.inpaint_biharmonic`` per image (Damelin & Hoang 2018, the biharmonic equation).

    The hole solves the biharmonic equation with the known pixels as boundary
    data: smooth, and exact when the image is linear in (row, column).
    Clipped to [-1, 1] (the fill can overshoot the range near strong edges).
    """
    from skimage.restoration import inpaint_biharmonic as _biharmonic

    y, m = _checked(images, mask)
    holes = _holes_2d(m)
    out = y.copy()
    for n in range(len(y)):
        if not holes[n].any():
            continue
        if holes[n].all():
            raise ValueError(f"mask has no known pixel in image {n}; inpaint_biharmonic needs some")
        if y.shape[-1] == 1:
            out[n, ..., 0] = _biharmonic(y[n, ..., 0].astype(np.float64), holes[n])
        else:
            out[n] = _biharmonic(y[n].astype(np.float64), holes[n], channel_axis=-1)
    return _keep_known(y, m, out)


def _opencv(images, mask, radius, flag_name: str) -> np.ndarray:
    import cv2

    y, m = _checked(images, mask)
    radius = check_int(radius, "radius", minimum=1)
    holes = _holes_2d(m).astype(np.uint8)
    # OpenCV inpaints 8-bit images: [-1, 1] -> [0, 255] with x -> round((x + 1) * 127.5) and back
    # with u / 127.5 - 1; the hole is thus quantised to steps of 1/127.5 (known pixels are restored).
    pixels = np.clip(np.rint((y + 1.0) * 127.5), 0, 255).astype(np.uint8)
    flag = getattr(cv2, flag_name)
    out = np.empty_like(pixels)
    for n in range(len(y)):
        if y.shape[-1] in (1, 3):  # what cv2.inpaint takes directly
            filled = cv2.inpaint(np.ascontiguousarray(pixels[n]), holes[n], float(radius), flag)
            out[n] = filled.reshape(out[n].shape)
        else:  # other channel counts: one channel at a time
            for c in range(y.shape[-1]):
                out[n, ..., c] = cv2.inpaint(np.ascontiguousarray(pixels[n, ..., c]), holes[n], float(radius),
                                             flag)
    return _keep_known(y, m, out.astype(np.float32) / 127.5 - 1.0)


def inpaint_telea(images, mask, radius: int = 3) -> np.ndarray:
    """``cv2.inpaint(..., cv2.INPAINT_TELEA)`` per image (Telea 2004, fast marching from the hole's border).

    Args:
        radius: neighbourhood (pixels) each filled pixel averages over, >= 1.
    """
    return _opencv(images, mask, radius, "INPAINT_TELEA")


def inpaint_navier_stokes(images, mask, radius: int = 3) -> np.ndarray:
    """``cv2.inpaint(..., cv2.INPAINT_NS)`` per image (Bertalmio, Bertozzi & Sapiro 2001, Navier-Stokes).

    Args:
        radius: neighbourhood (pixels) considered around each filled pixel, >= 1.
    """
    return _opencv(images, mask, radius, "INPAINT_NS")
