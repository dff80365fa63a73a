"""Input checks shared by the evaluation modules: feature matrices, image batches, softmax outputs.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array
from ..nets.classifier import IMAGE_SHAPE


def _as_features(feats, name: str, *, min_rows: int = 2) -> np.ndarray:
    """A finite float64 (N, D) array with at least ``min_rows`` rows."""
    x = as_finite_array(feats, name)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape {x.shape}")
    if x.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} samples, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns: shape {x.shape}")
    return x


def _same_width(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{name_a} has {a.shape[1]} features per sample but {name_b} has {b.shape[1]}")


def _as_images(images, name: str = "images") -> np.ndarray:
    """float32 (N, 28, 28, 1) in [-1, 1] from (N, 28, 28) or (N, 28, 28, 1), tensors included.

    Refuses NaN and infinities, and values outside [-1, 1] such as [0, 255] pixels.
    """
    x = as_finite_array(images, name, dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name} must have shape (N, 28, 28) or (N, 28, 28, 1), got {x.shape}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1.001 or hi > 1.001:  # small slack for float rounding of a tanh output
        raise ValueError(
            f"{name} must be scaled to [-1, 1] (like gancourse.data loaders and tanh generators), "
            f"got values in [{lo:.3g}, {hi:.3g}]"
            + ("; these look like [0, 255] pixels" if lo >= 0.0 and hi > 2.0 else "")
            + "; for uint8 pixels use gancourse.data.uint8_to_tanh_range"
        )
    return x


def _as_probabilities(probs, name: str = "probs") -> np.ndarray:
    p = as_finite_array(probs, name)
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 2:
        raise ValueError(f"{name} must be a 2-D array (samples, classes) with >= 2 classes, got shape {p.shape}")
    if p.min() < 0:
        raise ValueError(f"{name} must hold non-negative probabilities, got minimum {p.min():.4g}")
    sums = p.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        worst = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of {name} must sum to 1 (softmax outputs), row {worst} sums to {sums[worst]:.4g}; "
            "pass probabilities, not logits"
        )
    return p
