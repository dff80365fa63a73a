"""Encoders and decoders for chapter 2's autoencoder and VAE (dense or convolutional).

A VAE encoder ends in two heads, the mean and the log-variance of q(z|x)
(Kingma and Welling 2014, §2.4 and Appendix C.2); a plain encoder in one.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import check_choice, check_int

tf = import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

MNIST_SHAPE = (28, 28, 1)


def _check_units(units, name: str) -> tuple[int, ...]:
    if isinstance(units, (int, np.integer)):
        units = (units,)
    return tuple(check_int(u, f"every entry of {name}", minimum=1) for u in units)


def _check_shape(shape, name: str) -> tuple[int, ...]:
    shape = tuple(shape)
    if len(shape) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {shape}")
    return tuple(check_int(s, f"every entry of {name}", minimum=1) for s in shape)


def build_dense_encoder(latent_dim: int, *, input_shape=MNIST_SHAPE, hidden_units=(512, 256),
                        variational: bool = True, name: str = "encoder") -> keras.Model:
    """An MLP encoder: image → code (autoencoder) or → (mean, log-variance) (VAE).

    ``variational=True`` gives the VAE's two heads, ``μ(x)`` and ``log σ²(x)``,
    of the approximate posterior ``q(z|x) = N(μ, diag σ²)`` (AEVB appendix C.2;
    the encoder predicts ``log σ²`` so the network's output is unconstrained).
    ``variational=False`` gives a plain autoencoder's single code ``z = f(x)``.

    Raises:
        TypeError: a size is not an int.
        ValueError: a size is not positive.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    hidden_units = _check_units(hidden_units, "hidden_units")
    input_shape = _check_shape(input_shape, "input_shape")
    x_in = keras.Input(shape=input_shape, name="image")
    h = layers.Flatten()(x_in)
    for i, units in enumerate(hidden_units):
        h = layers.Dense(units, activation="relu", name=f"hidden_{i}")(h)
    if not variational:
        return keras.Model(x_in, layers.Dense(latent_dim, name="code")(h), name=name)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(x_in, [z_mean, z_log_var], name=name)


def build_dense_decoder(latent_dim: int, *, output_shape=MNIST_SHAPE, hidden_units=(256, 512),
                        name: str = "decoder") -> keras.Model:
    """An MLP decoder: code ``z`` → one **logit** per pixel (Bernoulli ``p(x|z)``).

    Logits rather than probabilities so the log-likelihood is computed stably
    (:func:`bernoulli_log_likelihood`); apply ``sigmoid`` to see an image.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    hidden_units = _check_units(hidden_units, "hidden_units")
    output_shape = _check_shape(output_shape, "output_shape")
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(units, activation="relu", name=f"hidden_{i}")(h)
    h = layers.Dense(int(np.prod(output_shape)), name="pixel_logits")(h)
    return keras.Model(z_in, layers.Reshape(output_shape)(h), name=name)


def build_conv_encoder(latent_dim: int, *, input_shape=MNIST_SHAPE, filters=(32, 64),
                       variational: bool = True, name: str = "conv_encoder") -> keras.Model:
    """A convolutional encoder: stride-2 3×3 convolutions, then dense heads.

    The TensorFlow CVAE tutorial's encoder (28→14→7 with 32 and 64 filters).
    Same outputs as :func:`build_dense_encoder`.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    filters = _check_units(filters, "filters")
    input_shape = _check_shape(input_shape, "input_shape")
    x_in = keras.Input(shape=input_shape, name="image")
    h = x_in
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"conv_{i}")(h)
    h = layers.Flatten()(h)
    if not variational:
        return keras.Model(x_in, layers.Dense(latent_dim, name="code")(h), name=name)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(x_in, [z_mean, z_log_var], name=name)


def build_conv_decoder(latent_dim: int, *, output_shape=MNIST_SHAPE, filters=(64, 32),
                       name: str = "conv_decoder") -> keras.Model:
    """A transposed-convolution decoder: dense to a small map, stride-2 up-sampling, pixel logits.

    Mirrors :func:`build_conv_encoder`; the spatial size of ``output_shape``
    must be divisible by ``2 ** len(filters)``.

    Raises:
        ValueError: the output size does not divide.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    filters = _check_units(filters, "filters")
    height, width, channels = _check_shape(output_shape, "output_shape")
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(f"output_shape {output_shape} is not divisible by 2**len(filters) = {factor}")
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense((height // factor) * (width // factor) * filters[0], activation="relu")(z_in)
    h = layers.Reshape((height // factor, width // factor, filters[0]))(h)
    for i, f in enumerate(filters):
        h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"deconv_{i}")(h)
    logits = layers.Conv2DTranspose(channels, 3, padding="same", name="pixel_logits")(h)
    return keras.Model(z_in, logits, name=name)


def build_encoder(latent_dim: int, *, kind: str = "dense", variational: bool = True, width: int = 256,
                  input_shape=MNIST_SHAPE) -> keras.Model:
    """:func:`build_dense_encoder` (``kind="dense"``, hidden units ``2w, w``) or
    :func:`build_conv_encoder` (``kind="conv"``, filters ``w/8, w/4``).

    Raises:
        ValueError: unknown ``kind`` (or a size out of range).
    """
    width = check_int(width, "width", minimum=1)
    kind = check_choice(kind, "kind", ("dense", "conv"))
    if kind == "dense":
        return build_dense_encoder(latent_dim, input_shape=input_shape, hidden_units=(2 * width, width),
                                   variational=variational)
    return build_conv_encoder(latent_dim, input_shape=input_shape,
                              filters=(max(width // 8, 1), max(width // 4, 1)), variational=variational)


def build_decoder(latent_dim: int, *, kind: str = "dense", width: int = 256,
                  output_shape=MNIST_SHAPE) -> keras.Model:
    """The decoder matching :func:`build_encoder` with the same ``kind`` and ``width``."""
    width = check_int(width, "width", minimum=1)
    kind = check_choice(kind, "kind", ("dense", "conv"))
    if kind == "dense":
        return build_dense_decoder(latent_dim, output_shape=output_shape, hidden_units=(width, 2 * width))
    return build_conv_decoder(latent_dim, output_shape=output_shape,
                              filters=(max(width // 4, 1), max(width // 8, 1)))


def build_autoencoder(encoder: keras.Model, decoder: keras.Model, *, name: str = "autoencoder") -> keras.Model:
    """A plain (deterministic) autoencoder ``x → decoder(encoder(x))`` returning pixel logits.

    Train it with ``BinaryCrossentropy(from_logits=True)`` against the input.
    The code is a point, not a distribution, and nothing shapes the code space:
    the reason its decoder is a poor generator (notes 002 §1.2).

    Raises:
        ValueError: the encoder is variational (two outputs), or shapes do not chain.
    """
    if len(encoder.outputs) != 1:
        raise ValueError("encoder must output a single code (build it with variational=False), "
                         f"got {len(encoder.outputs)} outputs")
    code_dim = encoder.outputs[0].shape[-1]
    if decoder.inputs[0].shape[-1] != code_dim:
        raise ValueError(f"decoder expects codes of size {decoder.inputs[0].shape[-1]} "
                         f"but the encoder outputs {code_dim}")
    x_in = keras.Input(shape=encoder.inputs[0].shape[1:], name="image")
    return keras.Model(x_in, decoder(encoder(x_in)), name=name)
