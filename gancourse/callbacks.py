"""Callbacks for :class:`gancourse.gan.GAN`: progress images, D's outputs, checkpoints, a health stop.

* :class:`SampleGrid` -- the generator's images for one *fixed* noise batch,
  recorded every N steps (kept in memory, optionally written as PNG files),
  shown as an animation or written as a GIF. Fixed noise makes the frames
  comparable, unlike a fresh sample per epoch.
* :class:`DiscriminatorOutputs` -- D(x) on fixed real images and D(G(z)) on
  fixed noise every N steps, for histograms over training.
* :class:`GANCheckpoint` -- atomic checkpoints of everything training needs
  (both networks, both optimisers' moments, the noise generator's state, the
  epoch and step) and exact resumption, with
  :func:`gancourse.gan.training_stream` for the data.
* :class:`DivergenceStop` -- stops ``fit()`` with a message saying what went
  wrong when a loss becomes NaN or infinite, explodes, or the discriminator
  wins outright for too long.

Steps are counted as generator updates (``gan.steps_done``). With
``steps_per_execution=k`` Keras calls batch hooks every k steps, so "every N
steps" then means "at the first hook at least N steps after the last one".
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import pathlib
import shutil

import numpy as np

from .config import import_tensorflow

import_tensorflow()
import keras  # noqa: E402

__all__ = ["SampleGrid", "DiscriminatorOutputs", "GANCheckpoint", "ResumePoint", "DivergenceStop",
           "TrainingDiverged"]


def _steps_done(model) -> int:
    steps = getattr(model, "steps_done", None)
    if steps is None:
        return int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    return int(steps)


def _check_every(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"every_steps must be a positive int, got {value!r}")
    return int(value)


class _EveryNSteps(keras.callbacks.Callback):
    """Calls :meth:`record` at the start, every ``every_steps`` steps, and at the end."""

    def __init__(self, every_steps: int):
        super().__init__()
        self.every_steps = _check_every(every_steps)
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
            ``gancourse.gan.latent_noise(16, latent_dim, seed=0)``).
        every_steps: steps between frames.
        directory: if given, each frame is also written there as
            ``step_000123.png`` (a tiled grid).
        condition: passed to ``gan.generate`` for conditional GANs.

    Attributes:
        grids: list of arrays ``(n, H, W, C)`` in [-1, 1], one per frame.
        steps: the step of each frame.
    """

    def __init__(self, noise, *, every_steps: int = 100, directory=None, condition=None):
        super().__init__(every_steps)
        self.noise = np.asarray(noise, dtype=np.float32)
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

            from .plotting import tile_images

            self.directory.mkdir(parents=True, exist_ok=True)
            tile = (tile_images(images) * 255).round().astype(np.uint8)
            iio.imwrite(self.directory / f"step_{step:06d}.png", tile.squeeze(-1) if tile.shape[-1] == 1 else tile)

    def animation(self, **kwargs):
        """The frames as an HTML animation (plays in JupyterLab and Colab)."""
        from .plotting import animate_grids

        return animate_grids(self.grids, titles=[f"step {s}" for s in self.steps], **kwargs)

    def save_gif(self, path, **kwargs) -> str:
        """Write the frames as an animated GIF; returns the path."""
        from .plotting import save_gif

        return save_gif(self.grids, path, **kwargs)


class DiscriminatorOutputs(_EveryNSteps):
    """Record D(x) on fixed real samples and D(G(z)) on fixed noise every ``every_steps`` steps.

    Attributes:
        real, fake: lists of 1-D arrays of probabilities, one per record.
        steps: the step of each record.
    """

    def __init__(self, real_samples, noise, *, every_steps: int = 100, condition=None):
        super().__init__(every_steps)
        self.real_samples = np.asarray(real_samples, dtype=np.float32)
        self.noise = np.asarray(noise, dtype=np.float32)
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


# ----------------------------------------------------------------------------
# checkpoints
# ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ResumePoint:
    """Where training resumes: pass ``epoch`` to ``fit(initial_epoch=...)`` and
    ``step`` to :func:`gancourse.gan.training_stream` (``start_step=...``)."""

    epoch: int = 0
    step: int = 0
    path: str | None = None


def _atomic_write_text(path: pathlib.Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class GANCheckpoint(keras.callbacks.Callback):
    """Atomic checkpoints at epoch ends and exact resumption.

    A checkpoint is a folder ``epoch-00003/`` holding ``gan.weights.h5`` (both
    networks, both optimisers' state -- Adam moments and step counts -- the
    model's noise generator state and batch-norm statistics) and
    ``state.json`` (epoch, step). It is written into a temporary folder that
    is renamed into place, and ``latest.json`` is replaced atomically after
    it, so an interruption at any moment leaves the previous checkpoint
    intact and never a half-written one.

    Usage (the same code starts and resumes)::

        ckpt = GANCheckpoint("checkpoints/dcgan")
        start = ckpt.restore(gan)                # ResumePoint(0, 0) the first time
        stream = training_stream(x, batch_size=128, start_step=start.step)
        gan.fit(stream, epochs=20, steps_per_epoch=100,
                initial_epoch=start.epoch, callbacks=[ckpt])

    Interrupted anywhere, the run resumes from the last epoch end and ends
    with the weights an uninterrupted run reaches (on the CPU; GPU kernels
    are not bit-reproducible without ``enable_op_determinism``). Make epochs
    short with ``steps_per_epoch`` to checkpoint more often.

    Args:
        directory: folder of the checkpoints (created when needed).
        every_epochs: save every this many epochs.
        keep: how many recent checkpoints to keep.
    """

    LATEST = "latest.json"
    WEIGHTS = "gan.weights.h5"
    STATE = "state.json"

    def __init__(self, directory, *, every_epochs: int = 1, keep: int = 2):
        super().__init__()
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"directory must be a str or os.PathLike, got {type(directory).__name__}")
        for name, value in (("every_epochs", every_epochs), ("keep", keep)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.directory = pathlib.Path(directory)
        self.every_epochs = every_epochs
        self.keep = keep

    def latest(self) -> ResumePoint | None:
        """The newest complete checkpoint, or ``None``."""
        marker = self.directory / self.LATEST
        if not marker.is_file():
            return None
        info = json.loads(marker.read_text(encoding="utf-8"))
        return ResumePoint(int(info["epoch"]), int(info["step"]), str(self.directory / info["folder"]))

    def restore(self, gan) -> ResumePoint:
        """Load the newest checkpoint into ``gan`` (compiled) and say where to resume.

        Returns ``ResumePoint(0, 0)`` when there is no checkpoint yet.

        Raises:
            RuntimeError: ``gan`` is not compiled.
            ValueError: the checkpoint does not match ``gan``'s architecture.
        """
        if getattr(gan, "d_optimizer", None) is None:
            raise RuntimeError("compile the GAN before restoring a checkpoint (its optimisers must exist)")
        point = self.latest()
        if point is None:
            return ResumePoint()
        # Both optimisers must be built, or load_weights silently skips their moments.
        gan.build_optimizers()
        try:
            gan.load_weights(str(pathlib.Path(point.path) / self.WEIGHTS))
        except ValueError as exc:
            raise ValueError(f"checkpoint {point.path} does not fit this GAN (it was made with other networks). "
                             f"Rebuild the networks it was made with, or delete {self.directory} to start "
                             f"afresh. Keras says: {exc}") from exc
        if gan.steps_done != point.step:
            raise ValueError(
                f"checkpoint {point.path} (step {point.step}) could not be restored into this GAN: its "
                f"optimiser state did not load (g_optimizer.iterations is {gan.steps_done}), so the "
                "optimisers were built with other settings (e.g. a learning-rate schedule). Restore the "
                f"settings it was made with, or delete {self.directory} to start afresh.")
        return point

    def on_train_begin(self, logs=None):
        point = self.latest()
        if point is not None and _steps_done(self.model) != point.step:
            raise RuntimeError(
                f"{self.directory} holds a checkpoint at step {point.step} (epoch {point.epoch}), but "
                f"the model is at step {_steps_done(self.model)}: call ckpt.restore(gan) before fit() "
                "and pass its epoch and step on, or use another directory for a fresh run.")

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs == 0:
            self.save(epoch + 1)

    def save(self, epoch: int) -> pathlib.Path:
        """Write a checkpoint for the end of ``epoch`` (1-based count of finished epochs)."""
        step = _steps_done(self.model)
        self.directory.mkdir(parents=True, exist_ok=True)
        folder = f"epoch-{epoch:05d}"
        final = self.directory / folder
        tmp = self.directory / f".{folder}.tmp-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        self.model.save_weights(str(tmp / self.WEIGHTS))
        (tmp / self.STATE).write_text(json.dumps({"epoch": epoch, "step": step}) + "\n", encoding="utf-8")
        if final.exists():  # a stale copy from a run that stopped before updating latest.json
            shutil.rmtree(final)
        os.replace(tmp, final)
        _atomic_write_text(self.directory / self.LATEST,
                           json.dumps({"epoch": epoch, "step": step, "folder": folder}) + "\n")
        self._prune(keep_folder=folder)
        return final

    def _prune(self, keep_folder: str) -> None:
        folders = sorted(p for p in self.directory.glob("epoch-*") if p.is_dir())
        for old in folders[: max(0, len(folders) - self.keep)]:
            if old.name != keep_folder:
                shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------------------
# health
# ----------------------------------------------------------------------------

class TrainingDiverged(RuntimeError):
    """Raised by :class:`DivergenceStop` with ``raise_error=True``."""


class DivergenceStop(keras.callbacks.Callback):
    """Stop ``fit()`` when training has failed, and say how.

    Checks the logs after every step (every ``steps_per_execution`` steps):

    * a watched loss is NaN or infinite (learning rate too high, a log of 0);
    * a watched loss exceeds ``max_loss`` in absolute value (exploding);
    * the discriminator wins outright -- D(x) > ``1 - d_margin`` and
      D(G(z)) < ``d_margin`` -- for ``patience`` consecutive steps: the
      generator gets (almost) no useful gradient, or it has collapsed.

    The reason is printed, kept in :attr:`reason` and the step in
    :attr:`stopped_step`; with ``raise_error=True`` a :class:`TrainingDiverged`
    is raised instead of stopping quietly (for scripts and tests).
    """

    def __init__(self, *, watch=("d_loss", "g_loss"), max_loss: float = 100.0, d_margin: float = 0.01,
                 patience: int = 500, raise_error: bool = False, verbose: bool = True):
        super().__init__()
        if isinstance(watch, str) or not all(isinstance(k, str) for k in watch):
            raise TypeError(f"watch must be a sequence of metric names, got {watch!r}")
        if not (isinstance(max_loss, (int, float)) and max_loss > 0):
            raise ValueError(f"max_loss must be a positive number, got {max_loss!r}")
        if not (isinstance(d_margin, (int, float)) and 0 <= d_margin < 0.5):
            raise ValueError(f"d_margin must be in [0, 0.5), got {d_margin!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive int, got {patience!r}")
        self.watch = tuple(watch)
        self.max_loss = float(max_loss)
        self.d_margin = float(d_margin)
        self.patience = patience
        self.raise_error = raise_error
        self.verbose = verbose
        self.reason: str | None = None
        self.stopped_step: int | None = None
        self._last_finite: dict[str, float] = {}
        self._won_since: int | None = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.reason = None
        self.stopped_step = None
        self._won_since = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def diagnose(self, logs: dict, step: int) -> str | None:
        """The reason to stop for these logs at ``step``, or ``None``."""
        for key in self.watch:
            if key not in logs:
                continue
            value = float(logs[key])
            if not math.isfinite(value):
                last = self._last_finite.get(key)
                return (f"{key} became {value} at step {step} (epoch {self._epoch + 1})"
                        + (f"; its last finite value was {last:.4g}" if last is not None else "")
                        + ". Usual causes: a learning rate too high, a log of 0 (a loss on probabilities "
                        "instead of logits), or inputs that are not finite.")
            if abs(value) > self.max_loss:
                return (f"{key} = {value:.4g} exceeds {self.max_loss:g} at step {step} (epoch {self._epoch + 1}): "
                        "the losses are exploding. Lower the learning rate or check the data range ([-1, 1]).")
            self._last_finite[key] = value
        if "d_real" in logs and "d_fake" in logs:
            d_real, d_fake = float(logs["d_real"]), float(logs["d_fake"])
            if d_real > 1 - self.d_margin and d_fake < self.d_margin:
                if self._won_since is None:
                    self._won_since = step
                elif step - self._won_since >= self.patience:
                    return (f"the discriminator has won outright since step {self._won_since} "
                            f"(D(x) = {d_real:.4f}, D(G(z)) = {d_fake:.4f} at step {step}): the generator "
                            "gets almost no gradient (saturation) or has collapsed. Try the non-saturating "
                            "loss, a smaller discriminator or learning rate, or instance noise.")
            else:
                self._won_since = None
        return None

    def on_train_batch_end(self, batch, logs=None):
        if not logs:
            return
        step = _steps_done(self.model)
        reason = self.diagnose(logs, step)
        if reason is None:
            return
        self.reason, self.stopped_step = reason, step
        self.model.stop_training = True
        if self.raise_error:
            raise TrainingDiverged(f"training stopped: {reason}")
        if self.verbose:
            print(f"\nDivergenceStop: training stopped: {reason}", flush=True)
