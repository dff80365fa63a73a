"""Scores of completed images (chapter 6): PSNR over the hole and over the image, and the digit still read.

Images are (N, H, W, C) in [-1, 1]; masks are 1 on known pixels and 0 in the
hole. PSNR is computed on the [0, 1] scale (data range 1) per image, then
averaged over images (:func:`gancourse.evaluate.psnr.psnr`); per-image PSNRs
are capped at :data:`PSNR_CAP` dB so that one hole filled exactly (an empty
hole in the background, error 0, PSNR +inf) cannot make the mean infinite.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array
from .features import classifier_probabilities
from .psnr import psnr

__all__ = ["PSNR_CAP", "hole_psnr", "score_completion"]

PSNR_CAP = 60.0
"""dB; an error of 1/1000 of the range on every hole pixel. Departure from a plain mean: see the module docstring."""


def _unit(x):
    return (x + 1.0) / 2.0


def hole_psnr(completed, truth, mask, *, reduce: str = "mean"):
    """PSNR (dB, [0, 1] scale) over the hole ``mask == 0`` of each image, capped at :data:`PSNR_CAP`, then averaged.

    ``mask`` broadcasts to the images ((H, W), (H, W, C), (N, H, W, C)); every
    image must have at least one hole pixel.
    """
    completed = as_finite_array(completed, "completed")
    truth = as_finite_array(truth, "truth")
    hole = 1.0 - np.asarray(as_finite_array(mask, "mask"))
    if hole.ndim == 2:
        hole = hole[..., None]
    try:
        hole = np.broadcast_to(hole, truth.shape)
    except ValueError:
        raise ValueError(f"mask of shape {np.shape(mask)} does not broadcast to the images' shape {truth.shape}") \
            from None
    values = np.minimum(psnr(_unit(completed), _unit(truth), mask=hole, data_range=1.0, reduce="none"), PSNR_CAP)
    return float(values.mean()) if reduce == "mean" else values


def score_completion(completed, truth, labels, mask=None, classifier=None) -> dict:
    """``{"psnr_hole", "psnr_image", "accuracy"}`` of completed images against the truth.

    ``mask=None`` (a whole-image fit, nothing missing) leaves out ``psnr_hole``.

    ``accuracy`` is the share of completions the evaluation kit's classifier
    reads as the true label: a completion can have a fair PSNR and still turn
    a 7 into a 1; this catches it.
    """
    completed = as_finite_array(completed, "completed")
    truth = as_finite_array(truth, "truth")
    labels = as_finite_array(labels, "labels")
    if completed.shape != truth.shape:
        raise ValueError(f"completed and truth must have the same shape, got {completed.shape} and {truth.shape}")
    if labels.shape != (len(truth),):
        raise ValueError(f"labels must have shape ({len(truth)},), one per image, got {labels.shape}")
    whole = np.minimum(psnr(_unit(completed), _unit(truth), data_range=1.0, reduce="none"), PSNR_CAP)
    predicted = np.argmax(classifier_probabilities(completed, classifier), axis=1)
    scores = {} if mask is None else {"psnr_hole": round(hole_psnr(completed, truth, mask), 2)}
    return {**scores, "psnr_image": round(float(whole.mean()), 2),
            "accuracy": round(float(np.mean(predicted == labels)), 3)}
