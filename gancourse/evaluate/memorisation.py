"""Memorisation: the nearest training image of each sample (L2 in pixel space).

A generator that copies its training set scores well on FD; the distance to
the nearest training digit, compared with that of real held-out digits,
shows whether it does.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_int


def nearest_training_images(samples, train_images, k: int = 1, *, batch_size: int = 256
                            ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` training images nearest (L2 in pixel space) to each sample.

    A generator that copies its training set produces samples at (almost)
    distance 0 from a training image; compare the distances with those of
    held-out real images to their nearest training image.

    Candidates are found with ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b in
    float32 over batches of ``batch_size`` samples (memory: batch_size x N_train
    floats), then the distances of the best candidates are recomputed exactly
    in float64, so an exact copy reports 0.

    Args:
        samples: (N, ...) images; train_images: (M, ...) with the same image shape.
        k: neighbours per sample, 1 <= k <= M.

    Returns:
        ``(indices, distances)``, each (N, k), nearest first.
    """
    s = as_finite_array(samples, "samples", dtype=np.float32)
    t = as_finite_array(train_images, "train_images", dtype=np.float32)
    if s.ndim < 2 or t.ndim < 2 or s.shape[1:] != t.shape[1:]:
        raise ValueError(f"samples and train_images must share their image shape, got {s.shape} and {t.shape}")
    if len(s) == 0 or len(t) == 0:
        raise ValueError(f"samples and train_images must be non-empty, got {len(s)} and {len(t)}")
    k = check_int(k, "k", minimum=1)
    if k > len(t):
        raise ValueError(f"k must be <= {len(t)} (the number of train_images), got {k}")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    s, t = s.reshape(len(s), -1), t.reshape(len(t), -1)
    t_sq = np.einsum("ij,ij->i", t, t)
    n_cand = min(len(t), k + 8)  # a few spares guard against float32 rounding ties
    indices = np.empty((len(s), k), dtype=np.int64)
    distances = np.empty((len(s), k), dtype=np.float64)
    for start in range(0, len(s), batch_size):
        block = s[start: start + batch_size]
        approx = t_sq[None, :] - 2.0 * block @ t.T  # + ||a||^2, constant per row
        cand = np.argpartition(approx, n_cand - 1, axis=1)[:, :n_cand]
        diff = block[:, None, :].astype(np.float64) - t[cand].astype(np.float64)
        exact = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        order = np.argsort(exact, axis=1, kind="stable")[:, :k]
        indices[start: start + len(block)] = np.take_along_axis(cand, order, axis=1)
        distances[start: start + len(block)] = np.take_along_axis(exact, order, axis=1)
    return indices, distances
