"""The maximum mean discrepancy (Gretton et al. 2012, "A Kernel Two-Sample Test", JMLR).

MMD²(P, Q) = E k(x, x') + E k(y, y') − 2 E k(x, y) for x, x' ~ P and y, y' ~ Q
(Lemma 6). One estimator serves the course twice:

* chapter 1's moment-matching sampler trains on the biased V-statistic (eq. 5)
  with a sum of Gaussian kernels, differentiably (``keras.ops``);
* the kernel inception distance (KID, Bińkowski et al. 2018) is the
  unbiased U-statistic (eq. 3) with a cubic polynomial kernel, in float64.

The kernels are :func:`gaussian_kernel_sum` and :func:`polynomial_kernel`;
:func:`mmd_squared` takes either (or any ``kernel(a, b) -> (N, M)``).
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_bool, check_number
from .gan_losses import _check_concrete_finite, _is_concrete

import_tensorflow()
from keras import ops  # noqa: E402

DEFAULT_BANDWIDTHS = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Bandwidths h of the sampler's Gaussian kernels: one per scale of a unit-variance 2-D mixture."""


def check_bandwidths(bandwidths) -> tuple[float, ...]:
    """``bandwidths`` as a non-empty tuple of finite floats > 0 (one per Gaussian kernel).

    Raises:
        TypeError: an entry is not a number.
        ValueError: ``bandwidths`` is empty, or an entry is not finite and > 0.
    """
    widths = tuple(check_number(h, f"bandwidths[{i}]", minimum=0.0, exclusive_minimum=True)
                   for i, h in enumerate(bandwidths))
    if not widths:
        raise ValueError("bandwidths must not be empty")
    return widths


def gaussian_kernel_sum(bandwidths=DEFAULT_BANDWIDTHS):
    """``k(a, b) = Σ_h exp(−‖a − b‖² / (2h²))``: a kernel function for :func:`mmd_squared`.

    A sum over several bandwidths keeps the gradient alive whether the two
    samples are far apart (large h) or close (small h), as Li et al. (2015)
    do for generative moment matching networks.

    Raises:
        TypeError/ValueError: as :func:`check_bandwidths`.
    """
    widths = check_bandwidths(bandwidths)

    def kernel(a, b):
        sq = ops.sum(a * a, axis=1)[:, None] + ops.sum(b * b, axis=1)[None, :] - 2.0 * ops.matmul(a, ops.transpose(b))
        sq = ops.maximum(sq, 0.0)
        return sum(ops.exp(-sq / (2.0 * h * h)) for h in widths)

    return kernel


def _sample_shape(value, name: str) -> tuple:
    """The shape of a sample matrix; concrete input (NumPy, lists, eager tensors) is checked to be finite reals.

    Symbolic tensors (inside a training step) are not read: only their static shape is used.
    """
    if isinstance(value, (str, bytes)) or _is_concrete(value):
        return _check_concrete_finite(value, name).shape
    return tuple(value.shape)


def _check_samples(x, y, name_x: str = "x", name_y: str = "y") -> None:
    """``x`` (N, d) and ``y`` (M, d) with the same d (where the static shapes tell)."""
    shape_x, shape_y = _sample_shape(x, name_x), _sample_shape(y, name_y)
    for name, shape in ((name_x, shape_x), (name_y, shape_y)):
        if len(shape) != 2:
            raise ValueError(f"{name} must be (N, d): one row per sample, got shape {tuple(shape)}")
    if shape_x[1] is not None and shape_y[1] is not None and shape_x[1] != shape_y[1]:
        raise ValueError(f"{name_x} and {name_y} must have the same d (features per sample), got shapes "
                         f"{tuple(shape_x)} and {tuple(shape_y)}")


def polynomial_kernel(x, y):
    """Bińkowski et al. (2018) KID kernel: k(x, y) = (x . y / d + 1)^3, d = feature dimension.

    Raises:
        TypeError/ValueError: ``x`` and ``y`` are not (N, d) and (M, d) arrays of
            finite numbers with the same d.
    """
    _check_samples(x, y)
    x, y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    d = x.shape[1]
    k = ops.matmul(x, ops.transpose(y)) / d + 1.0
    return k * k * k  # two multiplications are several times faster than ** 3 (pow)


def mmd_squared(x, y, kernel=None, *, unbiased: bool = False, dtype: str = "float32"):
    """Squared MMD between the samples ``x`` (m, d) and ``y`` (n, d); a scalar tensor.

    Biased (V-statistic, Gretton et al. 2012, eq. 5): the means of the three
    kernel matrices; zero when the two samples coincide. Unbiased
    (U-statistic, eq. 3): the diagonals of k(x, x) and k(y, y) are left out,

        MMD²_u = Σ_{i≠j} k(x_i, x_j) / (m(m−1)) + Σ_{i≠j} k(y_i, y_j) / (n(n−1)) − 2 Σ_{i,j} k(x_i, y_j) / (mn),

    which can be slightly negative when both samples come from one distribution.

    Args:
        kernel: ``kernel(a, b) -> (len(a), len(b))``; default :func:`gaussian_kernel_sum`.
        unbiased: the U-statistic instead of the V-statistic (needs 2 rows per sample).
        dtype: the computation's float type (KID uses ``"float64"``).

    Raises:
        TypeError: ``x`` or ``y`` is not an array of numbers.
        ValueError: ``x`` and ``y`` are not (m, d) and (n, d) with the same d, a NaN or
            infinity (concrete input), or the unbiased estimate gets a sample of
            one row (it would divide by 0).
    """
    check_bool(unbiased, "unbiased")
    _check_samples(x, y)
    x = ops.cast(ops.convert_to_tensor(x), dtype)
    y = ops.cast(ops.convert_to_tensor(y), dtype)
    kernel = kernel or gaussian_kernel_sum()
    kxx, kyy, kxy = kernel(x, x), kernel(y, y), kernel(x, y)
    if not unbiased:
        return ops.mean(kxx) + ops.mean(kyy) - 2.0 * ops.mean(kxy)
    m, n = x.shape[0], y.shape[0]
    if m < 2 or n < 2:
        raise ValueError(f"the unbiased MMD needs at least 2 rows in x and in y, got {m} and {n}")
    return ((ops.sum(kxx) - ops.trace(kxx)) / (m * (m - 1)) + (ops.sum(kyy) - ops.trace(kyy)) / (n * (n - 1))
            - 2.0 * ops.mean(kxy))
