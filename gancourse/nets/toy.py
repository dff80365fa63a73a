"""Small MLPs for 1-D and 2-D toy problems: a generator from z to points and a discriminator giving logits.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_int

tf = import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402


def build_toy_generator(latent_dim: int = 1, output_dim: int = 1, *, hidden_units=(32, 32),
                        activation: str = "relu", name: str = "toy_generator") -> keras.Model:
    """An MLP ``z → x`` for toy data: ``hidden_units`` layers of ``activation`` and a linear output (any real x).

    A smooth ``activation`` (``"tanh"``) gives a smooth map and so a smooth
    density for 1-D data; ReLU maps are piecewise linear, and where a piece is
    flat many z land on one x (a spike in ``p_g``).
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    output_dim = check_int(output_dim, "output_dim", minimum=1)
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(check_int(units, "hidden_units entries", minimum=1), activation=activation,
                         name=f"hidden_{i}")(h)
    return keras.Model(z_in, layers.Dense(output_dim, name="x")(h), name=name)


def build_toy_discriminator(input_dim: int = 1, *, hidden_units=(32, 32),
                            name: str = "toy_discriminator") -> keras.Model:
    """An MLP ``x → logit``: ``hidden_units`` LeakyReLU(0.2) layers and one logit ``o(x)``; ``D = sigmoid(o)``."""
    input_dim = check_int(input_dim, "input_dim", minimum=1)
    x_in = keras.Input(shape=(input_dim,), name="x")
    h = x_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(check_int(units, "hidden_units entries", minimum=1), name=f"hidden_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
    return keras.Model(x_in, layers.Dense(1, name="logit")(h), name=name)
