"""Class coverage and confident share on MNIST, and VEEGAN's mode coverage on toy mixtures.

Does the generator draw every class (or mode), and are its samples recognisable?
Srivastava et al. (2017), "VEEGAN", define the toy-mixture rules used here.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import check_int, check_number
from .inputs import _as_features, _as_probabilities, _same_width


def class_histogram(probs) -> np.ndarray:
    """Share of samples assigned to each class (argmax of ``probs``); sums to 1.

    Args:
        probs: (N, K) softmax outputs, each row summing to 1.

    Returns:
        float64 array of K shares.
    """
    p = _as_probabilities(probs)
    counts = np.bincount(np.argmax(p, axis=1), minlength=p.shape[1])
    return counts / counts.sum()


def class_coverage(probs, min_share: float = 0.01) -> int:
    """Number of classes holding at least ``min_share`` of the samples (argmax assignment).

    A generator that has collapsed onto a few digits covers few classes;
    ``min_share`` = 1% ignores classes reached only by a handful of stray
    samples. A perfect MNIST generator covers 10.
    """
    min_share = check_number(min_share, "min_share", minimum=0.0, maximum=1.0, exclusive_minimum=True)
    return int(np.sum(class_histogram(probs) >= min_share))


def confident_share(probs, threshold: float = 0.9) -> float:
    """Share of samples whose largest class probability is at least ``threshold`` (``>=``).

    A proxy for "recognisable digits": blurred or hybrid digits get flat
    softmax outputs. A probability exactly equal to the threshold counts as
    confident, as chapter 4 defines it ("probability ≥ 0.9").
    """
    threshold = check_number(threshold, "threshold", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    p = _as_probabilities(probs)
    return float(np.mean(p.max(axis=1) >= threshold))


def mode_coverage(samples, modes, std: float, *, n_std: float = 3.0, min_samples: int = 1) -> dict:
    """VEEGAN's mode-collapse metrics for a mixture of Gaussians with known means.

    Srivastava et al. (2017), "VEEGAN: Reducing mode collapse in GANs using
    implicit variational learning", synthetic experiments: a sample is **high quality**
    if it lies within three standard deviations of its nearest mode (Euclidean
    distance <= ``n_std * std``); the **number of modes captured** is the
    number of mixture components whose mean is the nearest mode of at least
    one high-quality sample. The paper draws 2500 samples per model and
    averages over five runs.

    ``min_samples`` generalises "at least one" (the default, VEEGAN's exact
    rule); a larger value stops a few stray samples from counting a mode as
    covered.

    Args:
        samples: (N, D) generated points.
        modes: (K, D) component means (:func:`ring_modes`, :func:`grid_modes`).
        std: standard deviation of each component.

    Returns:
        ``{"modes_covered": int, "n_modes": K, "high_quality_share": float,
        "per_mode": list of K high-quality counts}``.
    """
    s = _as_features(samples, "samples", min_rows=1)
    m = _as_features(modes, "modes", min_rows=1)
    _same_width(s, m, "samples", "modes")
    std = check_number(std, "std", minimum=0.0, exclusive_minimum=True)
    n_std = check_number(n_std, "n_std", minimum=0.0, exclusive_minimum=True)
    min_samples = check_int(min_samples, "min_samples", minimum=1)
    dist = np.sqrt(((s[:, None, :] - m[None, :, :]) ** 2).sum(axis=-1))  # (N, K)
    nearest = np.argmin(dist, axis=1)
    high = dist[np.arange(len(s)), nearest] <= n_std * std
    per_mode = np.bincount(nearest[high], minlength=len(m))
    return {
        "modes_covered": int(np.sum(per_mode >= min_samples)),
        "n_modes": int(len(m)),
        "high_quality_share": float(high.mean()),
        "per_mode": [int(c) for c in per_mode],
    }
