"""Critics for chapter 7: networks that output an unbounded score per sample, with no batch normalisation.

A WGAN critic (Arjovsky et al. 2017) is a discriminator without the final
sigmoid: its output ``D(x)`` is a real score, not a probability. The course's
discriminators already end in a linear logit, so any of them works as a WGAN
critic; WGAN-GP (Gulrajani et al. 2017, section 4, "No critic batch
normalization") also needs a critic *without batch normalisation*, because the
gradient penalty is a per-example gradient norm and batch norm makes each
score depend on the whole batch. The DCGAN discriminator has batch norm, so
these two factories follow the WGAN-GP authors' own critics instead
(github.com/igul222/improved_wgan_training):

* :func:`toy_critic`: ``gan_toy.py``'s critic, three ReLU layers of 512 and a
  linear score, for 2-D points (the ring and the grid of :mod:`gancourse.data.toy`);
* :func:`mnist_critic`: ``gan_mnist.py``'s critic, three 5x5 convolutions of
  stride 2 (64, 128, 256 filters, LeakyReLU 0.2, no batch norm) and a linear score.

:func:`batch_norm_layers` finds batch normalisation anywhere in a model
(nested models included); :class:`gancourse.train.wgan.WGANGP` refuses a
critic for which it finds any.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_int
from .dcgan import LEAKY_RELU_SLOPE, _check_image_shape

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["batch_norm_layers", "toy_critic", "mnist_critic", "TOY_CRITIC_UNITS", "MNIST_CRITIC_WIDTH"]

TOY_CRITIC_UNITS = (512, 512, 512)
"""``gan_toy.py``: ``DIM = 512``, three ReLU layers in both networks."""

MNIST_CRITIC_WIDTH = 64
"""``gan_mnist.py``: ``DIM = 64`` filters in the first convolution, doubled at each of the next two."""


def batch_norm_layers(model) -> list[str]:
    """Names of every ``BatchNormalization`` layer in ``model``, nested models and layers included.

    Raises:
        TypeError: ``model`` is not a Keras layer or model.
    """
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}")
    found, seen, stack = [], set(), [model]
    while stack:  # depth-first through sub-layers: Sequential/Functional .layers and tracked attributes
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, layers.BatchNormalization):
            found.append(layer.name)
        stack.extend(getattr(layer, "_layers", None) or [])
        stack.extend(getattr(layer, "layers", None) or [])
    return sorted(found)


def _units(hidden_units) -> tuple[int, ...]:
    if isinstance(hidden_units, (str, bytes)) or not hasattr(hidden_units, "__iter__"):
        raise TypeError(f"hidden_units must be a sequence of ints, got {hidden_units!r}")
    units = tuple(check_int(u, "every entry of hidden_units", minimum=1) for u in hidden_units)
    if not units:
        raise ValueError("hidden_units must name at least one hidden layer")
    return units


def toy_critic(input_dim: int = 2, *, hidden_units=TOY_CRITIC_UNITS, activation: str = "relu",
               name: str = "toy_critic") -> keras.Model:
    """An MLP critic ``x -> D(x)`` for toy points: ``hidden_units`` layers of ``activation``, one linear score.

    The defaults are ``gan_toy.py``'s (three ReLU layers of 512); the tests
    and quick CPU runs pass smaller layers. Pair it with
    :func:`gancourse.nets.toy.build_toy_generator` (``gan_toy.py``'s generator
    is the same MLP with a 2-D output and 2-D noise).
    """
    input_dim = check_int(input_dim, "input_dim", minimum=1)
    x_in = keras.Input(shape=(input_dim,), name="x")
    h = x_in
    for i, units in enumerate(_units(hidden_units)):
        h = layers.Dense(units, activation=activation, name=f"hidden_{i}")(h)
    return keras.Model(x_in, layers.Dense(1, name="score")(h), name=name)


def mnist_critic(image_shape=(28, 28, 1), *, width: int = MNIST_CRITIC_WIDTH, name: str = "mnist_critic"
                 ) -> keras.Model:
    """``gan_mnist.py``'s WGAN-GP critic: three 5x5 stride-2 convolutions, LeakyReLU(0.2), no batch norm.

    28x28 -> 14x14 (``width`` filters) -> 7x7 (2 ``width``) -> 4x4 (4 ``width``),
    flattened to one linear score. The authors' WGAN (clipping) run adds
    batch norm after the second and third convolutions; WGAN-GP must not
    (see the module notes), so this critic has none and serves both.
    """
    shape = _check_image_shape(image_shape)
    width = check_int(width, "width", minimum=1)
    x_in = keras.Input(shape=shape, name="image")
    h = x_in
    for i, filters in enumerate((width, 2 * width, 4 * width)):
        h = layers.Conv2D(filters, 5, strides=2, padding="same", name=f"conv_{i}")(h)
        h = layers.LeakyReLU(LEAKY_RELU_SLOPE, name=f"lrelu_{i}")(h)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(x_in, layers.Dense(1, name="score")(h), name=name)
