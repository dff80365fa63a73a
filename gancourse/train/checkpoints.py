# Why this file is longer than 300 lines: writing, checking, falling back and cleaning up are one
# protocol (the marks written are the marks read); split, each rule's two halves would sit apart.
"""Checkpoints that resume a GAN exactly: weights, both optimisers' states, the epoch and the noise generator's state.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import shutil
import time
import warnings

import numpy as np

from ..config import import_tensorflow
from ..config.validate import check_int
from ..data.files import atomic_write_text, fsync_path, sha256_of, writer_is_gone
from .snapshots import _steps_done

import_tensorflow()
import keras


def training_state(model) -> dict[str, np.ndarray]:
    """Every value exact resumption must restore, as NumPy arrays: both networks, both optimisers, the noise seed.

    Two runs that agree on this dict continue identically (with
    :func:`gancourse.data.pipelines.training_stream` feeding the same batches),
    so comparing it is how the tests, and a curious learner, check that an
    interrupted run resumed exactly.
    """
    state = {}
    for prefix, obj in (("g", model.generator), ("d", model.discriminator),
                        ("g_opt", model.g_optimizer), ("d_opt", model.d_optimizer)):
        for i, variable in enumerate(obj.variables):
            state[f"{prefix}/{i}"] = np.array(variable.numpy())  # by position: layer names differ across processes
    state["seed"] = np.array(model.seed_generator.state.numpy())
    return state


@dataclasses.dataclass(frozen=True)
class ResumePoint:
    """Where training resumes: pass ``epoch`` to ``fit(initial_epoch=...)`` and
    ``step`` to :func:`gancourse.gan.training_stream` (``start_step=...``)."""

    epoch: int = 0
    step: int = 0
    path: str | None = None


class DamagedCheckpointError(ValueError):
    """A checkpoint folder holds checkpoints, but none of them is intact (the message names each damaged file)."""


class _Damage(Exception):
    """One checkpoint (or ``latest.json``) is damaged; the message names the file."""


WRITER = "gancourse.GANCheckpoint"
_MARK = b'{"writer": "gancourse.GANCheckpoint", "complete": false}\n'  # first bytes of every temporary folder
_LATEST_HEAD = b'{"writer": "gancourse.GANCheckpoint"'  # first bytes of every latest.json it writes
_FOLDER = re.compile(r"^epoch-(\d{5,})$")
_TMP_FOLDER = re.compile(r"^\.epoch-\d{5,}\.tmp-(\d+)$")
_TMP_LATEST = re.compile(r"^\.latest\.json\.tmp-(\d+)$")


def _read_json(path: pathlib.Path) -> dict:
    if not path.is_file():
        raise _Damage(f"{path} is missing")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _Damage(f"{path} is damaged ({path.stat().st_size} bytes, not readable JSON: {exc})") from None
    if not isinstance(info, dict):
        raise _Damage(f"{path} is damaged (it holds {type(info).__name__}, not a JSON object)")
    return info


def _whole(info: dict, key: str, path: pathlib.Path) -> int:
    value = info.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Damage(f"{path} is damaged ({key!r} is {value!r}, not a count)")
    return value


class GANCheckpoint(keras.callbacks.Callback):
    """Atomic checkpoints at epoch ends and exact resumption.

    A checkpoint is a folder ``epoch-00003/`` holding ``gan.weights.h5`` (both
    networks, both optimisers' state -- Adam moments and step counts -- the
    model's noise generator state and batch-norm statistics), ``state.json``
    (epoch, step) and ``checkpoint.json``, the manifest: the callback's mark
    and the size and SHA-256 of each file. It is written into a temporary
    folder ``.epoch-00003.tmp-PID/`` that is renamed into place, and
    ``latest.json`` is replaced atomically after it, so an interruption at
    any moment leaves the previous checkpoint intact and never a half-written one.

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

    Damage and clean-up:

    * Before loading, each file is checked against the manifest. When the
      checkpoint ``latest.json`` names is damaged (or ``latest.json`` itself
      is), :meth:`restore` warns which one it skipped and resumes from the
      newest intact one (keep ``keep >= 2`` to always have one). When none
      is intact it raises :class:`DamagedCheckpointError`, deleting nothing.
    * The callback deletes only what carries its mark: checkpoint folders
      with its manifest (pruning to ``keep``), and the temporary folders and
      files of a writer that was killed (removed by the next
      :meth:`restore` or ``fit``). Other files in the folder -- notes, a
      folder named ``epoch-00000-notes`` -- are never touched.

    Args:
        directory: folder of the checkpoints (created when needed).
        every_epochs: save every this many epochs.
        keep: how many recent checkpoints to keep.
    """

    LATEST = "latest.json"
    WEIGHTS = "gan.weights.h5"
    STATE = "state.json"
    MANIFEST = "checkpoint.json"

    def __init__(self, directory, *, every_epochs: int = 1, keep: int = 2):
        super().__init__()
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"directory must be a str or os.PathLike, got {type(directory).__name__}")
        self.directory = pathlib.Path(directory)
        self.every_epochs = check_int(every_epochs, "every_epochs", minimum=1)
        self.keep = check_int(keep, "keep", minimum=1)
        self._known: ResumePoint | None = None  # the checkpoint this callback last restored or wrote

    # -- reading ------------------------------------------------------------------------------------------------

    def latest(self) -> ResumePoint | None:
        """The newest intact checkpoint, or ``None`` when the folder holds none.

        Warns when it skips a damaged one. Raises
        :class:`DamagedCheckpointError` when there are checkpoints but none intact.
        """
        notes: list[str] = []
        for point in self._intact(notes):
            self._warn_skipped(notes, point)
            return point
        self._raise_if_any(notes)
        return None

    def restore(self, gan) -> ResumePoint:
        """Load the newest intact checkpoint into ``gan`` (compiled) and say where to resume.

        Returns ``ResumePoint(0, 0)`` when there is no checkpoint yet. Removes
        the temporary files of an earlier run that was killed while saving.

        Raises:
            RuntimeError: ``gan`` is not compiled.
            ValueError: the checkpoint does not match ``gan``'s architecture.
            DamagedCheckpointError: there are checkpoints, but none is intact.
        """
        if getattr(gan, "d_optimizer", None) is None:
            raise RuntimeError("compile the GAN before restoring a checkpoint (its optimisers must exist)")
        self.clean_leftovers()
        notes: list[str] = []
        for point in self._intact(notes):
            # Both optimisers must be built, or load_weights silently skips their moments.
            gan.build_optimizers()
            weights = pathlib.Path(point.path) / self.WEIGHTS
            try:
                gan.load_weights(str(weights))
            except ValueError as exc:
                raise ValueError(f"checkpoint {point.path} does not fit this GAN (it was made with other "
                                 f"networks). Rebuild the networks it was made with, or delete {self.directory} "
                                 f"to start afresh. Keras says: {exc}") from exc
            except OSError as exc:  # h5py on a damaged file (a checkpoint from before manifests)
                notes.append(f"{weights} cannot be read ({type(exc).__name__}: {exc})")
                continue
            if gan.steps_done != point.step:
                raise ValueError(
                    f"checkpoint {point.path} (step {point.step}) could not be restored into this GAN: its "
                    f"optimiser state did not load (g_optimizer.iterations is {gan.steps_done}), so the "
                    "optimisers were built with other settings (e.g. a learning-rate schedule). Restore the "
                    f"settings it was made with, or delete {self.directory} to start afresh.")
            self._warn_skipped(notes, point)
            self._known = point
            return point
        self._raise_if_any(notes)
        return ResumePoint()

    def _folders(self) -> list[pathlib.Path]:
        """Folders named ``epoch-NNNNN`` that hold a manifest or a ``state.json``, newest first."""
        if not self.directory.is_dir():
            return []
        found = [p for p in self.directory.iterdir() if _FOLDER.match(p.name) and p.is_dir()
                 and ((p / self.MANIFEST).exists() or (p / self.STATE).exists())]
        return sorted(found, key=lambda p: int(_FOLDER.match(p.name)[1]), reverse=True)

    def _intact(self, notes: list[str]):
        """Intact checkpoints, best first: the one ``latest.json`` names, then older ones, newest first.

        Appends to ``notes`` what it skipped and why.
        """
        folders = self._folders()
        marker = self.directory / self.LATEST
        if marker.exists():
            try:
                info = _read_json(marker)
                name = info.get("folder")
                if not isinstance(name, str) or not _FOLDER.match(name):
                    raise _Damage(f"{marker} is damaged (its 'folder' is {name!r}, not epoch-NNNNN)")
                named = int(_FOLDER.match(name)[1])
                folders = [self.directory / name] + [p for p in folders if int(_FOLDER.match(p.name)[1]) < named]
            except _Damage as exc:
                notes.append(str(exc))
        for folder in folders:
            try:
                point = self._check(folder)
            except _Damage as exc:
                notes.append(f"checkpoint {folder} is damaged: {exc}")
                continue
            yield point

    def _check(self, folder: pathlib.Path) -> ResumePoint:
        """``folder``'s resume point after checking its files against its manifest; raises _Damage."""
        if not folder.is_dir():
            raise _Damage(f"{folder} is missing")
        manifest = folder / self.MANIFEST
        if manifest.exists():
            info = _read_json(manifest)
            files = info.get("files")
            if info.get("writer") != WRITER or info.get("complete") is not True or not isinstance(files, dict) \
                    or not {self.WEIGHTS, self.STATE} <= set(files):
                raise _Damage(f"{manifest} is not a complete {WRITER} manifest")
            for name, spec in files.items():
                path = folder / name
                if not isinstance(spec, dict) or not path.is_file():
                    raise _Damage(f"{path} is missing")
                size, want = path.stat().st_size, spec.get("bytes")
                if size != want:
                    how = "truncated" if isinstance(want, int) and size < want else "changed"
                    raise _Damage(f"{path} has {size} bytes, but {want} were written ({how})")
                if sha256_of(path) != spec.get("sha256"):
                    raise _Damage(f"{path} was changed after it was written (its SHA-256 is not the one "
                                  f"in {manifest})")
        elif not (folder / self.WEIGHTS).is_file():
            raise _Damage(f"{folder / self.WEIGHTS} is missing")
        state_file = folder / self.STATE
        state = _read_json(state_file)
        return ResumePoint(_whole(state, "epoch", state_file), _whole(state, "step", state_file), str(folder))

    def _warn_skipped(self, notes: list[str], point: ResumePoint) -> None:
        if notes:
            warnings.warn("skipped damaged checkpoint files:\n  " + "\n  ".join(notes)
                          + f"\nResuming from {point.path} (epoch {point.epoch}, step {point.step}), the newest "
                          "intact checkpoint. The damaged files were left untouched.", RuntimeWarning, stacklevel=3)

    def _raise_if_any(self, notes: list[str]) -> None:
        if notes:
            raise DamagedCheckpointError(
                f"no intact checkpoint is left in {self.directory}:\n  " + "\n  ".join(notes)
                + f"\nNothing was deleted. To start afresh, move {self.directory} away (or delete it) or "
                "pass another directory to GANCheckpoint; keep=2 or more keeps an older checkpoint to "
                "resume from when the newest is damaged.")

    # -- writing ------------------------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self.clean_leftovers()
        point = self._known if self._known is not None else self.latest()
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
        epoch = check_int(epoch, "epoch", minimum=0)
        step = _steps_done(self.model)
        self.directory.mkdir(parents=True, exist_ok=True)
        folder = f"epoch-{epoch:05d}"
        final = self.directory / folder
        tmp = self.directory / f".{folder}.tmp-{os.getpid()}"
        if tmp.exists() and not self._remove_if_own_tmp(tmp):
            raise FileExistsError(f"{tmp} is in the way and was not written by {WRITER}; move it away")
        tmp.mkdir()
        fd = os.open(tmp / self.MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, _MARK)  # first: the folder is recognisably this writer's from now on
        finally:
            os.close(fd)
        self.model.save_weights(str(tmp / self.WEIGHTS))
        (tmp / self.STATE).write_text(json.dumps({"epoch": epoch, "step": step}) + "\n", encoding="utf-8")
        files = {}
        for name in (self.WEIGHTS, self.STATE):
            fsync_path(tmp / name)
            files[name] = {"bytes": (tmp / name).stat().st_size, "sha256": sha256_of(tmp / name)}
        atomic_write_text(tmp / self.MANIFEST, json.dumps(
            {"writer": WRITER, "complete": True, "epoch": epoch, "step": step, "files": files}, indent=1) + "\n")
        fsync_path(tmp)
        if final.exists():  # a stale copy from a run that stopped before updating latest.json
            self._clear_way(final)
        os.replace(tmp, final)
        fsync_path(self.directory)
        atomic_write_text(self.directory / self.LATEST,
                          json.dumps({"writer": WRITER, "epoch": epoch, "step": step, "folder": folder}) + "\n")
        self._known = ResumePoint(epoch, step, str(final))
        self._prune(epoch)
        return final

    def _is_own(self, folder: pathlib.Path) -> bool:
        """Is ``folder`` a checkpoint this callback wrote (its manifest, complete, with the writer's mark)?"""
        if not (_FOLDER.match(folder.name) and folder.is_dir() and not folder.is_symlink()):
            return False
        try:
            info = _read_json(folder / self.MANIFEST)
        except _Damage:
            return False
        return info.get("writer") == WRITER and info.get("complete") is True

    def _clear_way(self, final: pathlib.Path) -> None:
        """Make room for a new ``final``: delete it when it is this callback's, else move it aside."""
        if self._is_own(final):
            shutil.rmtree(final)
            return
        stamp, n = time.strftime("%Y%m%d-%H%M%S"), 0
        aside = final.with_name(f"{final.name}.moved-aside-{stamp}")
        while aside.exists() or aside.is_symlink():
            n += 1
            aside = final.with_name(f"{final.name}.moved-aside-{stamp}-{n}")
        os.replace(final, aside)
        warnings.warn(f"{final} was in the way of a new checkpoint and was not written by {WRITER} (or its "
                      f"manifest is damaged); moved it to {aside}, deleting nothing", RuntimeWarning, stacklevel=3)

    def _prune(self, written: int) -> None:
        """Keep the checkpoint just written and the ``keep - 1`` newest own ones before it; delete older own ones.

        Own folders newer than the one just written (left by a run that was
        interrupted before updating ``latest.json``) are left: the run
        replaces them when it gets there.
        """
        older = [p for p in self._folders() if int(_FOLDER.match(p.name)[1]) < written and self._is_own(p)]
        for old in older[self.keep - 1:]:
            shutil.rmtree(old, ignore_errors=True)

    # -- cleaning up ----------------------------------------------------------------------------------------

    @staticmethod
    def _remove_if_own_tmp(tmp: pathlib.Path) -> bool:
        """Remove a temporary checkpoint folder if it carries the writer's mark (or is empty); say whether."""
        if tmp.is_symlink() or not tmp.is_dir():
            return False
        if not any(tmp.iterdir()):
            tmp.rmdir()
            return True
        try:
            head = (tmp / GANCheckpoint.MANIFEST).read_bytes()
        except OSError:
            return False
        own = _MARK.startswith(head)  # the mark, or part of it: killed while writing it
        if not own:
            try:
                own = json.loads(head).get("writer") == WRITER
            except (ValueError, AttributeError):
                own = False
        if own:
            shutil.rmtree(tmp)
        return own

    def clean_leftovers(self) -> list[pathlib.Path]:
        """Remove what a save killed part-way left behind: temporary folders and ``latest.json`` copies.

        Only those that carry this callback's mark, and only when the process
        that wrote them is gone (this one, or one no longer running). Called
        by :meth:`restore` and at the start of ``fit``; returns what it removed.
        """
        removed = []
        if not self.directory.is_dir():
            return removed
        for path in self.directory.iterdir():
            tmp_folder, tmp_latest = _TMP_FOLDER.match(path.name), _TMP_LATEST.match(path.name)
            match = tmp_folder or tmp_latest
            if not match or not writer_is_gone(int(match[1])):
                continue
            if tmp_folder and self._remove_if_own_tmp(path):
                removed.append(path)
            elif tmp_latest and path.is_file() and not path.is_symlink():
                with open(path, "rb") as handle:
                    head = handle.read(len(_LATEST_HEAD))
                if _LATEST_HEAD.startswith(head):  # empty, or the writer's mark (whole or in part)
                    path.unlink()
                    removed.append(path)
        return removed

    def delete_checkpoints(self) -> None:
        """Delete every checkpoint this callback wrote in :attr:`directory`, and the folder if that empties it.

        Files and folders it did not write stay where they are.
        """
        self.clean_leftovers()
        if not self.directory.is_dir():
            return
        for folder in self._folders():
            if self._is_own(folder):
                shutil.rmtree(folder)
        latest = self.directory / self.LATEST
        if latest.is_file() and latest.read_bytes().startswith(_LATEST_HEAD):
            latest.unlink()
        self._known = None
        if not any(self.directory.iterdir()):
            self.directory.rmdir()
