"""Output sizes of strided convolutions and transposed convolutions (Dumoulin and Visin 2016, relations 6 and 14).
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_int

import_tensorflow()


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output size of a convolution along one axis: ⌊(n + 2p − k) / s⌋ + 1.

    Dumoulin and Visin (2016), "A guide to convolution arithmetic for deep
    learning", relationship 6. Example: n = 5, k = 3, s = 2, p = 1 gives 3
    (the 5×5 → 3×3 of chapter 5). Keras's ``padding="same"`` gives ⌈n / s⌉.

    Raises:
        TypeError/ValueError: non-int or out-of-range arguments, or a kernel
            larger than the padded input.
    """
    check_int(n, "n", minimum=1)
    check_int(kernel, "kernel", minimum=1)
    check_int(stride, "stride", minimum=1)
    check_int(padding, "padding", minimum=0)
    if kernel > n + 2 * padding:
        raise ValueError(f"kernel ({kernel}) is larger than the padded input (n + 2*padding = {n + 2 * padding})")
    return (n + 2 * padding - kernel) // stride + 1


def conv_transpose_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0) -> int:
    """Output size of a transposed convolution along one axis: (n − 1)s − 2p + k + a.

    The inverse shape relation of :func:`conv_output_size` (Dumoulin and
    Visin 2016, relationship 14); ``a`` = ``output_padding`` < s picks among
    the input sizes a strided convolution maps to the same output. Example:
    n = 3, k = 3, s = 2, p = 1 gives 5 (the 3×3 → 5×5 of chapter 5). Keras's
    ``Conv2DTranspose(padding="same")`` uses p = ⌊k/2⌋ and, when
    ``output_padding`` is left unset, gives n·s.

    Raises:
        TypeError/ValueError: non-int or out-of-range arguments.
    """
    check_int(n, "n", minimum=1)
    check_int(kernel, "kernel", minimum=1)
    check_int(stride, "stride", minimum=1)
    check_int(padding, "padding", minimum=0)
    check_int(output_padding, "output_padding", minimum=0)
    if output_padding >= stride:
        raise ValueError(f"output_padding must be smaller than stride ({stride}), got {output_padding}")
    size = (n - 1) * stride - 2 * padding + kernel + output_padding
    if size < 1:
        raise ValueError(f"these arguments give an output size of {size}; reduce padding")
    return size
