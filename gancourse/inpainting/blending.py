"""Blending G(z_hat) into the known pixels (Yeh et al. 2017, Sec. 3.3; Perez et al. 2003, "Poisson Image Editing").

Masks follow :mod:`gancourse.inpainting.masks`: 1 = known, 0 = hole.

* :func:`blend_direct` pastes the generated pixels into the hole; a colour or
  brightness mismatch between G(z_hat) and the image stays visible as a seam.
* :func:`blend_poisson` keeps the *gradients* of G(z_hat) in the hole and the
  known pixels as boundary values, which removes such an offset exactly.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from ..config.validate import check_bool
from ..objectives.inpainting import as_images, as_mask

__all__ = ["blend_direct", "blend_poisson"]

_NEIGHBOURS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _checked(images, mask, generated):
    y = as_images(images, "images")
    g = as_images(generated, "generated")
    if g.shape != y.shape:
        raise ValueError(f"generated must have the images' shape {y.shape}, got {g.shape}")
    return y, as_mask(mask, y.shape), g


def blend_direct(images, mask, generated) -> np.ndarray:
    """Direct blending  x = M * y + (1 - M) * G(z_hat)  (Yeh et al. 2017, Sec. 3.3, the naive overlay).

    Args:
        images: y, (N, H, W, C) in [-1, 1] (values in the hole are ignored).
        mask: 1 = known, 0 = hole; (H, W) or broadcastable to the images.
        generated: G(z_hat), same shape as ``images``, in [-1, 1].

    Returns:
        float32 (N, H, W, C).
    """
    y, m, g = _checked(images, mask, generated)
    return (m * y + (1.0 - m) * g).astype(np.float32)


def _poisson_system(hole: np.ndarray, known: np.ndarray, guide: np.ndarray):
    """Sparse system A x = b for the hole pixels of one (H, W) mask; ``known``/``guide`` are (H, W, K)."""
    height, width = hole.shape
    index = -np.ones((height, width), np.int64)
    ys, xs = np.nonzero(hole)
    count = len(ys)
    index[ys, xs] = np.arange(count)
    diagonal = np.zeros(count)
    rhs = np.zeros((count, known.shape[-1]))
    rows, cols = [], []
    for dy, dx in _NEIGHBOURS:
        qy, qx = ys + dy, xs + dx
        inside = (qy >= 0) & (qy < height) & (qx >= 0) & (qx < width)
        p = np.nonzero(inside)[0]  # each p at most once per direction, so += below is safe
        qy, qx = qy[inside], qx[inside]
        diagonal[p] += 1.0  # |N_p|: neighbours inside the image (Perez eq. 7 restricts N_p to S)
        rhs[p] += guide[ys[p], xs[p]] - guide[qy, qx]  # v_pq = g_p - g_q (Perez eq. 11)
        q = index[qy, qx]
        in_hole = q >= 0
        rows.append(p[in_hole])
        cols.append(q[in_hole])
        rhs[p[~in_hole]] += known[qy[~in_hole], qx[~in_hole]]  # Dirichlet boundary f*_q
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    off_diagonal = sparse.csr_matrix((-np.ones(len(rows)), (rows, cols)), shape=(count, count))
    return (off_diagonal + sparse.diags(diagonal)).tocsc(), rhs, (ys, xs)


def blend_poisson(images, mask, generated, *, clip: bool = True) -> np.ndarray:
    """Poisson blending (Perez et al. 2003, eqs. 7 and 11; Yeh et al. 2017, Sec. 3.3).

    Yeh et al.:  x_hat = argmin_x || grad x - grad G(z_hat) ||_2^2  subject to
    x_i = y_i where M_i = 1. Its discrete form (Perez et al., eq. 7) is, for
    every hole pixel p with neighbours N_p (4-connected, inside the image),

        |N_p| x_p - sum_{q in N_p, hole} x_q
            = sum_{q in N_p, known} y_q + sum_{q in N_p} (g_p - g_q),

    with the guidance field v_pq = g_p - g_q, the gradient of g = G(z_hat)
    (eq. 11). The sparse system is built over the hole pixels and solved with
    ``scipy.sparse.linalg.spsolve``, per image and per channel (channels that
    share a mask are solved together). Known pixels are returned unchanged.

    Known answers: if g = y the result is y; if g = y + c (a constant offset)
    the gradients are those of y and the result is y again, while
    :func:`blend_direct` keeps the offset.

    Args:
        images, mask, generated: as in :func:`blend_direct`. Every image and
            channel needs at least one known pixel (the boundary values).
        clip: clip the result to [-1, 1]. Departure from the papers: the
            solution can overshoot the pixel range slightly, and the course's
            images live in [-1, 1].

    Returns:
        float32 (N, H, W, C).
    """
    y, m, g = _checked(images, mask, generated)
    clip = check_bool(clip, "clip")
    out = (m * y + (1.0 - m) * g).astype(np.float64)
    for n in range(y.shape[0]):
        todo = list(range(y.shape[-1]))
        while todo:
            hole = m[n, :, :, todo[0]] == 0
            group = [c for c in todo if np.array_equal(m[n, :, :, c] == 0, hole)]
            todo = [c for c in todo if c not in group]
            if not hole.any():
                continue
            if hole.all():
                raise ValueError(f"mask has no known pixel in image {n}, channel {group[0]}: Poisson blending "
                                 "needs known pixels as boundary values")
            matrix, rhs, (ys, xs) = _poisson_system(hole, y[n][..., group].astype(np.float64),
                                                    g[n][..., group].astype(np.float64))
            solution = sparse_linalg.spsolve(matrix, rhs)
            out[n][ys[:, None], xs[:, None], np.asarray(group)[None, :]] = solution.reshape(len(ys), len(group))
    if clip:
        out = np.clip(out, -1.0, 1.0)
    return out.astype(np.float32)
