"""Generator and discriminator factories for chapters 4 and 5 (and the later ones).

Every factory returns a built functional ``keras.Model`` of standard layers,
so a saved ``.keras`` file loads with ``keras.saving.load_model(path)`` in
``safe_mode``. Generators map ``z`` of shape ``(N, latent_dim)`` to images in
[-1, 1] (``tanh`` output); discriminators map images to one **logit** each,
shape ``(N, 1)`` -- the sigmoid lives in :mod:`gancourse.losses`.

* :func:`mlp_generator` / :func:`mlp_discriminator`: seed 001's multilayer
  perceptrons (128 → 256 → 512 → 784 with ``tanh``; 784 → 512 → 256 → 128 → 1).
* :func:`dcgan_generator` / :func:`dcgan_discriminator`: Radford, Metz and
  Chintala (2016), "Unsupervised Representation Learning with Deep
  Convolutional Generative Adversarial Networks", for 28×28 and 64×64 images,
  following the paper's four rules (§3) and training details (§4).
"""

from __future__ import annotations

from .config import import_tensorflow

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

__all__ = [
    "DCGAN_INIT_STDDEV", "DCGAN_LEARNING_RATE", "DCGAN_BETA_1", "LEAKY_RELU_SLOPE",
    "dcgan_init", "dcgan_optimizers", "mlp_generator", "mlp_discriminator",
    "dcgan_generator", "dcgan_discriminator", "dcgan_networks", "dcgan_sizes", "count_params",
    "conv_output_size", "conv_transpose_output_size",
]

DCGAN_INIT_STDDEV = 0.02
"""DCGAN §4: "All weights were initialized from a zero-centered Normal distribution with standard deviation 0.02"."""
DCGAN_LEARNING_RATE = 2e-4
"""DCGAN §4: Adam with learning rate 0.0002 (0.001 "was too high")."""
DCGAN_BETA_1 = 0.5
"""DCGAN §4: Adam's momentum term β1 = 0.5 (0.9 "resulted in training oscillation and instability")."""
LEAKY_RELU_SLOPE = 0.2
"""DCGAN §4: "In the LeakyReLU, the slope of the leak was set to 0.2 in all models"."""


def _check_int(name: str, value, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return value


def _check_image_shape(image_shape) -> tuple[int, int, int]:
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3 or not all(isinstance(s, int) and s > 0 for s in shape):
        raise ValueError(f"image_shape must be (height, width, channels) of positive ints, got {image_shape!r}")
    return shape


def dcgan_init(seed: int | None = None):
    """The DCGAN initialiser N(0, 0.02) (:data:`DCGAN_INIT_STDDEV`)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=DCGAN_INIT_STDDEV, seed=seed)


def dcgan_optimizers(learning_rate: float = DCGAN_LEARNING_RATE, beta_1: float = DCGAN_BETA_1, *,
                     g_learning_rate: float | None = None, decay_steps: int | None = None):
    """Two separate Adam optimisers ``(d_optimizer, g_optimizer)`` with DCGAN's settings.

    Args:
        learning_rate: D's learning rate (and G's unless ``g_learning_rate`` is given).
        beta_1: Adam's β1 (DCGAN: 0.5).
        g_learning_rate: a different rate for G. The course's short CPU runs
            use 1e-3 (a departure from the paper's 2e-4, measured to reach a
            lower Fréchet distance within a few thousand steps).
        decay_steps: if given, both rates decay to 0 on a cosine over this
            many optimiser steps (``keras.optimizers.schedules.CosineDecay``).
    """
    for name, value in (("learning_rate", learning_rate), ("g_learning_rate", g_learning_rate)):
        if value is not None and not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if decay_steps is not None:
        _check_int("decay_steps", decay_steps)

    def rate(value):
        return value if decay_steps is None else keras.optimizers.schedules.CosineDecay(value, decay_steps)

    g_rate = learning_rate if g_learning_rate is None else g_learning_rate
    return (keras.optimizers.Adam(rate(learning_rate), beta_1=beta_1, name="d_adam"),
            keras.optimizers.Adam(rate(g_rate), beta_1=beta_1, name="g_adam"))


def count_params(model) -> int:
    """Number of trainable parameters of a Keras model."""
    return int(sum(int(keras.ops.size(v)) for v in model.trainable_variables))


# ----------------------------------------------------------------------------
# seed 001: multilayer perceptrons
# ----------------------------------------------------------------------------

def mlp_generator(latent_dim: int = 128, image_shape=(28, 28, 1), *, name: str = "mlp_generator"):
    """Seed 001's generator: z (128) → 256 (tanh) → 512 (ReLU) → 784 (tanh) → 28×28×1.

    The activations are the seed's (``Tanh``, ``ReLU``, ``Tanh``); the output
    ``tanh`` matches images scaled to [-1, 1]. Keras's default Glorot-uniform
    initialisation stands in for PyTorch's default (Kaiming-uniform); both
    keep activations at unit scale.
    """
    _check_int("latent_dim", latent_dim)
    shape = _check_image_shape(image_shape)
    pixels = shape[0] * shape[1] * shape[2]
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(256, activation="tanh", name="dense_256")(z)
    h = layers.Dense(512, activation="relu", name="dense_512")(h)
    h = layers.Dense(pixels, activation="tanh", name=f"dense_{pixels}")(h)
    x = layers.Reshape(shape, name="image")(h)
    return keras.Model(z, x, name=name)


def mlp_discriminator(image_shape=(28, 28, 1), *, activation: str = "tanh", name: str = "mlp_discriminator"):
    """Seed 001's discriminator: 784 → 512 → 256 → 128 (all tanh) → 1 logit.

    ``activation="leaky_relu"`` swaps the hidden tanh for LeakyReLU with slope
    0.2 (the DCGAN discriminator's activation), which keeps D's gradients
    from saturating.

    Departure from the seed: no final sigmoid; the output is the logit and
    the losses apply the sigmoid (numerically stable, see :mod:`gancourse.losses`).
    """
    shape = _check_image_shape(image_shape)
    if activation not in ("tanh", "leaky_relu"):
        raise ValueError(f"activation must be 'tanh' or 'leaky_relu', got {activation!r}")
    x = keras.Input(shape, name="image")
    h = layers.Flatten(name="flatten")(x)
    for units in (512, 256, 128):
        if activation == "tanh":
            h = layers.Dense(units, activation="tanh", name=f"dense_{units}")(h)
        else:
            h = layers.Dense(units, name=f"dense_{units}")(h)
            h = layers.LeakyReLU(negative_slope=LEAKY_RELU_SLOPE, name=f"lrelu_{units}")(h)
    logit = layers.Dense(1, name="logit")(h)
    return keras.Model(x, logit, name=name)


# ----------------------------------------------------------------------------
# DCGAN
# ----------------------------------------------------------------------------

def dcgan_sizes(image_size: int) -> tuple[int, int]:
    """``(start, n_up)``: the generator's first feature-map size and its stride-2 steps.

    28 = 7·2² (two steps from 7×7), 64 = 4·2⁴ (four steps from 4×4, the paper's
    LSUN generator, Figure 1), 32 = 4·2³.

    Raises:
        ValueError: ``image_size`` is not 28, 32 or 64.
    """
    table = {28: (7, 2), 32: (4, 3), 64: (4, 4)}
    if image_size not in table:
        raise ValueError(f"image_size must be one of {sorted(table)}, got {image_size!r}")
    return table[image_size]


def dcgan_generator(latent_dim: int = 100, image_size: int = 28, channels: int = 1, *,
                    width: int = 64, kernel_size: int = 4, start_filters: int | None = None,
                    start_convs: int = 0, mid_convs: int = 0, seed: int | None = None,
                    name: str = "dcgan_generator"):
    """DCGAN generator (Radford et al. 2016, §3 and Figure 1).

    z → project and reshape to ``start×start×start_filters`` → ``n_up``
    stride-2 transposed convolutions, the channels going down to ``width``
    and the size doubling, the last one to ``channels`` with ``tanh``. Batch
    normalisation and ReLU after every layer except the output (rules 3 and
    4), no pooling (rule 1), no fully connected hidden layers: the first
    layer is a matrix multiplication of z, reshaped (rule 2, as in the paper).
    Weights N(0, 0.02).

    With the defaults (``start_filters = width·2^(n_up-1)``, channels halving
    at every step) this is the paper's channel progression (1024 → 512 → 256
    → 128 for 64×64 when ``width=128``; the 28×28 MNIST generator with
    ``width=64`` goes 128 → 64 → 1).

    The compact variant of the ``cpu`` profile (``width=32,
    start_filters=128, start_convs=1, mid_convs=2``) spends its capacity
    where it is cheap: more channels and one extra stride-1 3×3 convolution
    (+ batch norm, ReLU) at 7×7, where a layer costs 1/16 of one at 28×28,
    and ``mid_convs`` stride-1 3×3 convolutions after every upsampling but
    the last (at 14×14 for MNIST: 1.8 M multiply-adds per image each at
    ``width=32``, a tenth of the generator). A departure from the paper's
    layer list (which has no stride-1 layers) but not from its rules.
    Measured on this course's CPU runs (benchmarks/README.md): the 7×7
    convolution lowered the Fréchet distance after 2,000 steps from 22× to
    15× the floor (both with the 3-layer discriminator below); the 14×14
    ones, after 4,500 steps, from 14.2× to 8.3× (one) and 7.5× (two), with
    the confident share up from 0.78 to 0.82 and 0.83.

    Other departures: kernel 4×4 instead of the paper's 5×5 (a kernel
    divisible by the stride avoids checkerboard artefacts, Odena et al.
    2016, and costs 36 % fewer multiplications); the projection and
    convolutions have no bias since batch normalisation's β replaces it.
    """
    _check_int("latent_dim", latent_dim)
    _check_int("channels", channels)
    _check_int("width", width)
    _check_int("kernel_size", kernel_size)
    _check_int("start_convs", start_convs, low=0)
    _check_int("mid_convs", mid_convs, low=0)
    start, n_up = dcgan_sizes(image_size)
    filters = width * 2 ** (n_up - 1) if start_filters is None else _check_int("start_filters", start_filters)
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(start * start * filters, use_bias=False, kernel_initializer=dcgan_init(seed),
                     name="project")(z)
    h = layers.Reshape((start, start, filters), name="reshape")(h)
    h = layers.BatchNormalization(name="project_bn")(h)
    h = layers.ReLU(name="project_relu")(h)
    for i in range(1, start_convs + 1):
        h = layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer=dcgan_init(seed),
                          name=f"start{i}")(h)
        h = layers.BatchNormalization(name=f"start{i}_bn")(h)
        h = layers.ReLU(name=f"start{i}_relu")(h)
    for i in range(1, n_up):
        filters = width * 2 ** (n_up - 1 - i)
        h = layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", use_bias=False,
                                   kernel_initializer=dcgan_init(seed), name=f"up{i}")(h)
        h = layers.BatchNormalization(name=f"up{i}_bn")(h)
        h = layers.ReLU(name=f"up{i}_relu")(h)
        for j in range(1, mid_convs + 1):
            h = layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer=dcgan_init(seed),
                              name=f"up{i}_conv{j}")(h)
            h = layers.BatchNormalization(name=f"up{i}_conv{j}_bn")(h)
            h = layers.ReLU(name=f"up{i}_conv{j}_relu")(h)
    # Output layer: no batch norm (rule 3: it made samples oscillate), tanh (rule 4).
    x = layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same", activation="tanh",
                               kernel_initializer=dcgan_init(seed), name=f"up{n_up}")(h)
    return keras.Model(z, x, name=name)


def dcgan_discriminator(image_size: int = 28, channels: int = 1, *, width: int = 64,
                        kernel_size: int = 4, batch_norm: bool = True, downsamplings: int | None = None,
                        seed: int | None = None, name: str = "dcgan_discriminator"):
    """DCGAN discriminator (Radford et al. 2016, §3): the mirror image of the generator.

    ``n_up`` stride-2 convolutions (rule 1: strided convolutions instead of
    pooling), doubling the channels from ``width``, each followed by batch
    normalisation -- except the first, on the input layer (rule 3) -- and
    LeakyReLU with slope 0.2 (rule 4, §4); then the last feature map is
    flattened into one logit (rule 2: no fully connected hidden layer).
    Weights N(0, 0.02).

    ``downsamplings`` sets the number of stride-2 convolutions (default: as
    many as the generator's upsamplings, 2 for 28×28). The ``cpu`` profile
    uses 3 for 28×28 (28 → 14 → 7 → 4): with 2, the logit is a linear
    read-out of features that each see a 10×10 patch, so D cannot judge a
    digit's overall shape; a third layer widens the receptive field to 22
    pixels (at ``width=32`` it costs 3.8 M multiply-adds per image instead
    of 1.7 M, still a fifth of the generator's). Measured on this
    course's CPU runs with the paper's generator (``width=32``): 22× the
    floor after a 2,000-step run, against 28× for the 2-layer discriminator
    at the same step (of a 4,000-step run, which ended at 24×; see
    benchmarks/README.md).

    ``batch_norm=False`` drops batch normalisation altogether (a WGAN-GP
    critic must not use it: the gradient penalty is per example, and batch
    norm couples the examples of a batch; Gulrajani et al. 2017, §4).
    """
    _check_int("channels", channels)
    _check_int("width", width)
    _check_int("kernel_size", kernel_size)
    _, n_down = dcgan_sizes(image_size)
    if downsamplings is not None:
        n_down = _check_int("downsamplings", downsamplings)
    x = keras.Input((image_size, image_size, channels), name="image")
    h = x
    filters = width
    for i in range(1, n_down + 1):
        use_bn = batch_norm and i > 1  # no batch norm on the discriminator's input layer (rule 3)
        h = layers.Conv2D(filters, kernel_size, strides=2, padding="same", use_bias=not use_bn,
                          kernel_initializer=dcgan_init(seed), name=f"down{i}")(h)
        if use_bn:
            h = layers.BatchNormalization(name=f"down{i}_bn")(h)
        h = layers.LeakyReLU(negative_slope=LEAKY_RELU_SLOPE, name=f"down{i}_lrelu")(h)
        filters *= 2
    h = layers.Flatten(name="flatten")(h)
    logit = layers.Dense(1, kernel_initializer=dcgan_init(seed), name="logit")(h)
    return keras.Model(x, logit, name=name)


def dcgan_networks(latent_dim: int, image_size: int = 28, channels: int = 1, *, width: int = 64,
                   start_filters: int | None = None, start_convs: int = 0, mid_convs: int = 0,
                   downsamplings: int | None = None, seed: int | None = None):
    """``(generator, discriminator)``: a matching DCGAN pair (see the two factories).

    ``config.chapter_sizes("dcgan").architecture`` holds the keyword
    arguments of each profile's pair, e.g.
    ``models.dcgan_networks(64, **sizes.architecture)``.
    """
    generator = dcgan_generator(latent_dim, image_size, channels, width=width, start_filters=start_filters,
                                start_convs=start_convs, mid_convs=mid_convs, seed=seed)
    discriminator = dcgan_discriminator(image_size, channels, width=width, downsamplings=downsamplings, seed=seed)
    return generator, discriminator


# ----------------------------------------------------------------------------
# shape arithmetic of (transposed) convolutions
# ----------------------------------------------------------------------------

def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output size of a convolution along one axis: ⌊(n + 2p − k) / s⌋ + 1.

    Dumoulin and Visin (2016), "A guide to convolution arithmetic for deep
    learning", relationship 6. Example: n = 5, k = 3, s = 2, p = 1 gives 3
    (the 5×5 → 3×3 of chapter 5). Keras's ``padding="same"`` gives ⌈n / s⌉.

    Raises:
        TypeError/ValueError: non-int or out-of-range arguments, or a kernel
            larger than the padded input.
    """
    _check_int("n", n)
    _check_int("kernel", kernel)
    _check_int("stride", stride)
    _check_int("padding", padding, low=0)
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
    _check_int("n", n)
    _check_int("kernel", kernel)
    _check_int("stride", stride)
    _check_int("padding", padding, low=0)
    _check_int("output_padding", output_padding, low=0)
    if output_padding >= stride:
        raise ValueError(f"output_padding must be smaller than stride ({stride}), got {output_padding}")
    size = (n - 1) * stride - 2 * padding + kernel + output_padding
    if size < 1:
        raise ValueError(f"these arguments give an output size of {size}; reduce padding")
    return size
