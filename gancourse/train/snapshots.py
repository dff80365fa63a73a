"""Callbacks that record training: sample grids from fixed noise, and D's outputs on real and fake batches.
"""

from __future__ import annotations

import pathlib

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int
from ..data.images import tile_images

import_tensorflow()
import keras  # noqa: E402


def _steps_done(model) -> int:
    steps = getattr(model, "steps_done", None)
    if steps is None:
        return int(model.optimizer.iterations.numpy())  # a Variable: .numpy(), not np.array (NumPy 2 warns)
    return int(steps)


class _EveryNSteps(keras.callbacks.Callback):
    """Calls :meth:`record` at the start, every ``every_steps`` steps, and at the end."""

    def __init__(self, every_steps: int):
        super().__init__()
        self.every_steps = check_int(every_steps, "every_steps", minimum=1)
        self.steps: list[int] = []

    def _maybe_record(self, force: bool = False) -> None:
        step = _steps_done(self.model)
        if self.steps and step == self.steps[-1]:
            return
        if force or not self.steps or step - self.steps[-1] >= self.every_steps:
            self.record(step)
            self.steps.append(step)

    def on_train_begin(self, logs=None):
        self._maybe_record(force=True)

    def on_train_batch_end(self, batch, logs=None):
        self._maybe_record()

    def on_train_end(self, logs=None):
        self._maybe_record(force=True)

    def record(self, step: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _generate(model, noise, condition=None):
    if hasattr(model, "generate"):
        out = model.generate(noise, condition, training=False)
    else:
        out = model(noise, training=False)
    return np.asarray(keras.ops.convert_to_numpy(out))


class SampleGrid(_EveryNSteps):
    """Record ``G(noise)`` for a fixed noise batch every ``every_steps`` steps.

    Args:
        noise: fixed latent vectors, shape ``(n, latent_dim)`` (e.g.
            ``gancourse.nets.latent.latent_noise(16, latent_dim, seed=0)``).
        every_steps: steps between frames.
        directory: if given, each frame is also written there as
            ``step_000123.png`` (a tiled grid).
        condition: passed to ``gan.generate`` for conditional GANs.

    Attributes:
        grids: list of arrays ``(n, H, W, C)`` in [-1, 1], one per frame.
        steps: the step of each frame.

    Show the frames with :func:`gancourse.show.images.animate_grids` or
    :func:`gancourse.show.images.save_gif` (``grid.grids``, ``grid.steps``).
    """

    def __init__(self, noise, *, every_steps: int = 100, directory=None, condition=None):
        super().__init__(every_steps)
        self.noise = as_finite_array(noise, "noise", dtype=np.float32)
        if self.noise.ndim != 2 or len(self.noise) == 0:
            raise ValueError(f"noise must have shape (n, latent_dim) with n >= 1, got {self.noise.shape}")
        self.directory = None if directory is None else pathlib.Path(directory)
        self.condition = condition
        self.grids: list[np.ndarray] = []

    def record(self, step: int) -> None:
        images = _generate(self.model, self.noise, self.condition)
        self.grids.append(images)
        if self.directory is not None and images.ndim == 4:
            import imageio.v3 as iio

            self.directory.mkdir(parents=True, exist_ok=True)
            tile = (tile_images(images) * 255).round().astype(np.uint8)
            iio.imwrite(self.directory / f"step_{step:06d}.png", tile.squeeze(-1) if tile.shape[-1] == 1 else tile)


class DiscriminatorOutputs(_EveryNSteps):
    """Record D(x) on fixed real samples and D(G(z)) on fixed noise every ``every_steps`` steps.

    Attributes:
        real, fake: lists of 1-D arrays of probabilities, one per record.
        steps: the step of each record.
    """

    def __init__(self, real_samples, noise, *, every_steps: int = 100, condition=None):
        super().__init__(every_steps)
        self.real_samples = as_finite_array(real_samples, "real_samples", dtype=np.float32)
        self.noise = as_finite_array(noise, "noise", dtype=np.float32)
        if len(self.real_samples) == 0 or self.noise.ndim != 2 or len(self.noise) == 0:
            raise ValueError("real_samples and noise must be non-empty; noise of shape (n, latent_dim)")
        self.condition = condition
        self.real: list[np.ndarray] = []
        self.fake: list[np.ndarray] = []

    def _d(self, x):
        model = self.model
        logits = (model.discriminate(x, self.condition, training=False) if hasattr(model, "discriminate")
                  else model.discriminator(x, training=False))
        logits = np.asarray(keras.ops.convert_to_numpy(logits), dtype=np.float64).reshape(-1)
        return 1.0 / (1.0 + np.exp(-logits))

    def record(self, step: int) -> None:
        self.real.append(self._d(self.real_samples))
        self.fake.append(self._d(_generate(self.model, self.noise, self.condition)))
