"""Snapshots of a 1-D GAN for Goodfellow et al.'s Figure 1: data, p_g and D over x during training.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number, check_seed
from ..objectives.divergences import _trapezoid, js_divergence_density
from ..theory.likelihood import gaussian_kde

tf = import_tensorflow()
import keras  # noqa: E402


@dataclasses.dataclass
class FigureOneSnapshot:
    """What Figure 1 of Goodfellow et al. 2014 shows at one moment of training.

    Attributes:
        step: generator updates done.
        p_g: the generator's density on the grid (a KDE of its samples).
        d: ``D(x) = sigmoid(o(x))`` on the grid.
        z: a few noise values; ``gz``: where the generator sends them (the
            figure's arrows from the z-line to the x-line).
        jsd: ``JSD(p_data ‖ p_g)`` on the grid, nats.
    """

    step: int
    p_g: np.ndarray
    d: np.ndarray
    z: np.ndarray
    gz: np.ndarray
    jsd: float


class FigureOneSnapshots(keras.callbacks.Callback):
    """Record the generator's density and the discriminator over a 1-D grid during ``fit()``.

    Works with :class:`gancourse.gan.GAN` (it reads ``model.generator``,
    ``model.discriminator`` and ``model.latent_dim``). A snapshot is taken
    before training and every ``every`` batches.

    Args:
        grid: the x values, 1-D increasing.
        p_data: the data density on ``grid`` (drawn as the dotted curve).
        every: batches between snapshots.
        n_samples: generator samples per density estimate (fixed noise, so
            the curves change only because G changes).
        bandwidth: KDE bandwidth (``None``: Silverman's rule).
        seed: seed of the fixed noise.

    Attribute ``snapshots``: the list of :class:`FigureOneSnapshot`.
    """

    def __init__(self, grid, p_data, *, every: int = 50, n_samples: int = 5000, bandwidth: float | None = None,
                 n_arrows: int = 25, seed: int = 0):
        super().__init__()
        self.grid = as_finite_array(grid, "grid")
        self.p_data = as_finite_array(p_data, "p_data")
        if self.grid.ndim != 1 or self.grid.shape != self.p_data.shape:
            raise ValueError(f"grid and p_data must be 1-D of the same length, got {self.grid.shape} "
                             f"and {self.p_data.shape}")
        self.every = check_int(every, "every", minimum=1)
        self.n_samples = check_int(n_samples, "n_samples", minimum=1)
        self.n_arrows = check_int(n_arrows, "n_arrows", minimum=1)
        self.bandwidth = None if bandwidth is None else check_number(bandwidth, "bandwidth", minimum=0.0,
                                                                     exclusive_minimum=True)
        self.seed = check_seed(seed)
        self.snapshots: list[FigureOneSnapshot] = []
        self._step = 0
        self._z = None

    def _noise(self, latent_dim: int):
        if self._z is None:
            rng = np.random.default_rng(self.seed)
            self._z = rng.standard_normal((self.n_samples, latent_dim)).astype(np.float32)
            arrows = np.sort(rng.standard_normal((self.n_arrows, latent_dim)).astype(np.float32), axis=0)
            self._z_arrows = arrows
        return self._z, self._z_arrows

    def take(self) -> FigureOneSnapshot:
        """Record and return a snapshot now."""
        gan = self.model
        if gan is None or not all(hasattr(gan, a) for a in ("generator", "discriminator", "latent_dim")):
            raise TypeError("FigureOneSnapshots needs a GAN model (with generator, discriminator and latent_dim): "
                            f"pass it to gan.fit(callbacks=[...]) or call set_model(gan) first, got "
                            f"{type(gan).__name__}")
        z, z_arrows = self._noise(gan.latent_dim)
        samples = np.asarray(gan.generator(z, training=False)).reshape(-1)
        p_g = gaussian_kde(samples, self.grid, bandwidth=self.bandwidth)
        logits = np.asarray(gan.discriminator(self.grid.reshape(-1, 1).astype(np.float32), training=False)).reshape(-1)
        d = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
        gz = np.asarray(gan.generator(z_arrows, training=False)).reshape(-1)
        # Renormalise on the grid (the KDE leaks a little mass past its ends) before the JSD.
        mass_g, mass_d = _trapezoid(p_g, self.grid), _trapezoid(self.p_data, self.grid)
        jsd = js_divergence_density(p_g / mass_g, self.p_data / mass_d, self.grid) if mass_g > 0.5 else float("nan")
        snap = FigureOneSnapshot(self._step, p_g, d, z_arrows[:, 0].copy(), gz, float(jsd))
        self.snapshots.append(snap)
        return snap

    def on_train_begin(self, logs=None):
        if not self.snapshots:
            self.take()

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step % self.every == 0:
            self.take()
