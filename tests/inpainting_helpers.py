"""A tiny generator whose images and true codes are known, shared by the chapter-6 tests."""

import numpy as np


def tiny_generator(keras, latent_dim: int = 4, size: int = 8, seed: int = 1):
    """G(z) = tanh(A z) reshaped to size x size x 1: smooth, injective for small latent_dim, outputs in [-1, 1]."""
    a = (np.random.default_rng(seed).standard_normal((latent_dim, size * size)) * 0.4).astype(np.float32)
    g = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(size * size, activation="tanh", use_bias=False),
                          keras.layers.Reshape((size, size, 1))])
    g.layers[0].set_weights([a])
    return g
