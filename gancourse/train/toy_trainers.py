"""Chapter 1's moment-matching sampler: a generator trained by minimising an MMD (Li et al. 2015, "Generative Moment Matching Networks").
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import check_int, check_seed
from ..objectives.mmd import (
    DEFAULT_BANDWIDTHS,
    check_bandwidths,
    gaussian_kernel_sum,
    mmd_squared,
)
from .gan_trainer import fit_with_step_cap

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402


@keras.saving.register_keras_serializable(package="gancourse")
class MomentMatchingSampler(keras.Model):
    """An implicit generative model ``x = G(z)``, ``z ~ N(0, I)``, trained by minimising :func:`mmd_squared`.

    It never writes down ``p_model(x)``: it only produces samples and compares
    them with data samples (Li et al. 2015). Chapter 3 replaces this fixed
    comparison by a learned one, the discriminator.

    Args:
        generator: maps ``(N, latent_dim)`` noise to ``(N, d)`` samples.
        latent_dim: size of ``z``.
        bandwidths: kernel widths of the MMD, in data units.
        seed: seed of the model-owned ``SeedGenerator`` drawing ``z``.

    ``fit()`` takes a dataset of real batches ``(B, d)``; metric ``mmd2``.
    """

    def __init__(self, generator: keras.Model, latent_dim: int, *, bandwidths=DEFAULT_BANDWIDTHS,
                 seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
        self.bandwidths = check_bandwidths(bandwidths)
        self.kernel = gaussian_kernel_sum(self.bandwidths)
        self.seed_generator = keras.random.SeedGenerator(check_seed(seed))
        self.mmd_tracker = keras.metrics.Mean(name="mmd2")

    @property
    def metrics(self):
        return [self.mmd_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` with ``shuffle=False`` by default for ``tf.data`` input (shuffle in the pipeline)."""
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return fit_with_step_cap(self, super().fit, x, args, kwargs)  # honours GANCOURSE_MAX_STEPS

    def sample(self, n: int, *, seed: int = 0) -> np.ndarray:
        """``n`` samples from NumPy noise seeded by ``seed``."""
        n = check_int(n, "n", minimum=1)
        z = np.random.default_rng(check_seed(seed)).standard_normal((n, self.latent_dim)).astype(np.float32)
        return np.asarray(self.generator(z, training=False))

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        z = keras.random.normal((ops.shape(real)[0], self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            loss = mmd_squared(real, fake, self.kernel)
        variables = self.generator.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        self.mmd_tracker.update_state(loss)
        return {"mmd2": self.mmd_tracker.result()}
