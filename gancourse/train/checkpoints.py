"""Checkpoints that resume a GAN exactly: weights, both optimisers' states, the epoch and the noise generator's state.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil

from ..config import import_tensorflow
from ..config.validate import check_int
from ..data.files import atomic_write_text
from .snapshots import _steps_done

import_tensorflow()
import keras  # noqa: E402


@dataclasses.dataclass(frozen=True)
class ResumePoint:
    """Where training resumes: pass ``epoch`` to ``fit(initial_epoch=...)`` and
    ``step`` to :func:`gancourse.gan.training_stream` (``start_step=...``)."""

    epoch: int = 0
    step: int = 0
    path: str | None = None




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
        self.directory = pathlib.Path(directory)
        self.every_epochs = check_int(every_epochs, "every_epochs", minimum=1)
        self.keep = check_int(keep, "keep", minimum=1)

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
        atomic_write_text(self.directory / self.LATEST,
                           json.dumps({"epoch": epoch, "step": step, "folder": folder}) + "\n")
        self._prune(keep_folder=folder)
        return final

    def _prune(self, keep_folder: str) -> None:
        folders = sorted(p for p in self.directory.glob("epoch-*") if p.is_dir())
        for old in folders[: max(0, len(folders) - self.keep)]:
            if old.name != keep_folder:
                shutil.rmtree(old, ignore_errors=True)
