"""Seed 001's MLP generator (128→256→512→784, tanh) and discriminator (784→512→256→128→1), and a parameter count.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_choice, check_int
from .dcgan import LEAKY_RELU_SLOPE, _check_image_shape

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402


def count_params(model) -> int:
    """Number of trainable parameters of a Keras model."""
    return int(sum(int(keras.ops.size(v)) for v in model.trainable_variables))


def mlp_generator(latent_dim: int = 128, image_shape=(28, 28, 1), *, name: str = "mlp_generator"):
    """Seed 001's generator: z (128) → 256 (tanh) → 512 (ReLU) → 784 (tanh) → 28×28×1.

    The activations are the seed's (``Tanh``, ``ReLU``, ``Tanh``); the output
    ``tanh`` matches images scaled to [-1, 1]. Keras's default Glorot-uniform
    initialisation, U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), i.e.
    variance 2 / (fan_in + fan_out), stands in for PyTorch's default for
    ``nn.Linear``: ``kaiming_uniform_`` with a = sqrt(5), which works out to
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1 / (3 fan_in), for the
    weights (and the same bound for the biases, which Keras sets to zero).
    Neither keeps activations at unit scale: a pre-activation's variance is
    fan_in * Var(w) times its input's second moment, so 1/3 of it with
    PyTorch's default and 2 fan_in / (fan_in + fan_out) of it with Glorot's
    (1 only where fan_in = fan_out).
    """
    check_int(latent_dim, "latent_dim", minimum=1)
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
    activation = check_choice(activation, "activation", ("tanh", "leaky_relu"))
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
