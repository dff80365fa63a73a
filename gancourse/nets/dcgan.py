"""DCGAN generator and discriminator (Radford et al. 2016, "Unsupervised Representation Learning with DCGANs").

The four rules (§3): strided convolutions instead of pooling, no fully
connected hidden layers, batch normalisation, ReLU/tanh in G and LeakyReLU in
D; the training details of §4 (N(0, 0.02²) initialisation, Adam 2e-4 with
β1 = 0.5, LeakyReLU slope 0.2).
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_choice, check_int, check_number, check_seed

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

DCGAN_INIT_STDDEV = 0.02
"""DCGAN §4: "All weights were initialized from a zero-centered Normal distribution with standard deviation 0.02"."""


DCGAN_LEARNING_RATE = 2e-4
"""DCGAN §4: Adam with learning rate 0.0002 (0.001 "was too high")."""


DCGAN_BETA_1 = 0.5
"""DCGAN §4: Adam's momentum term β1 = 0.5 (0.9 "resulted in training oscillation and instability")."""


LEAKY_RELU_SLOPE = 0.2
"""DCGAN §4: "In the LeakyReLU, the slope of the leak was set to 0.2 in all models"."""




def _check_image_shape(image_shape) -> tuple[int, int, int]:
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels) of positive ints, got {image_shape!r}")
    return tuple(check_int(s, "every entry of image_shape", minimum=1) for s in shape)


def dcgan_init(seed: int | None = None):
    """The DCGAN initialiser N(0, 0.02²), standard deviation :data:`DCGAN_INIT_STDDEV`; ``seed`` None or an int in [0, 2**32)."""
    seed = None if seed is None else check_seed(seed)
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

    Raises:
        TypeError/ValueError: a rate that is not a finite number > 0, ``beta_1``
            outside [0, 1), or ``decay_steps`` not an int >= 1.
    """
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    if g_learning_rate is not None:
        g_learning_rate = check_number(g_learning_rate, "g_learning_rate", minimum=0.0, exclusive_minimum=True)
    beta_1 = check_number(beta_1, "beta_1", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    if decay_steps is not None:
        decay_steps = check_int(decay_steps, "decay_steps", minimum=1)

    def rate(value):
        return value if decay_steps is None else keras.optimizers.schedules.CosineDecay(value, decay_steps)

    g_rate = learning_rate if g_learning_rate is None else g_learning_rate
    return (keras.optimizers.Adam(rate(learning_rate), beta_1=beta_1, name="d_adam"),
            keras.optimizers.Adam(rate(g_rate), beta_1=beta_1, name="g_adam"))


def dcgan_sizes(image_size: int) -> tuple[int, int]:
    """``(start, n_up)``: the generator's first feature-map size and its stride-2 steps.

    28 = 7·2² (two steps from 7×7), 64 = 4·2⁴ (four steps from 4×4, the paper's
    LSUN generator, Figure 1), 32 = 4·2³.

    Raises:
        TypeError: ``image_size`` is not an int.
        ValueError: ``image_size`` is not 28, 32 or 64.
    """
    table = {28: (7, 2), 32: (4, 3), 64: (4, 4)}
    return table[check_choice(check_int(image_size, "image_size"), "image_size", tuple(table))]


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
    Weights N(0, 0.02²).

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
    check_int(latent_dim, "latent_dim", minimum=1)
    check_int(channels, "channels", minimum=1)
    check_int(width, "width", minimum=1)
    check_int(kernel_size, "kernel_size", minimum=1)
    check_int(start_convs, "start_convs", minimum=0)
    check_int(mid_convs, "mid_convs", minimum=0)
    start, n_up = dcgan_sizes(image_size)
    filters = width * 2 ** (n_up - 1) if start_filters is None else check_int(start_filters, "start_filters", minimum=1)
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
    Weights N(0, 0.02²).

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
    check_int(channels, "channels", minimum=1)
    check_int(width, "width", minimum=1)
    check_int(kernel_size, "kernel_size", minimum=1)
    _, n_down = dcgan_sizes(image_size)
    if downsamplings is not None:
        n_down = check_int(downsamplings, "downsamplings", minimum=1)
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
    ``dcgan_networks(64, **sizes.architecture)``.
    """
    generator = dcgan_generator(latent_dim, image_size, channels, width=width, start_filters=start_filters,
                                start_convs=start_convs, mid_convs=mid_convs, seed=seed)
    discriminator = dcgan_discriminator(image_size, channels, width=width, downsamplings=downsamplings, seed=seed)
    return generator, discriminator
