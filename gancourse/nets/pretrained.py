"""The networks shipped in ``data/pretrained/``: where they are, and loading them after a checksum check.

Every file is checked against ``data/SHA256SUMS`` before Keras reads it, and
loaded with ``safe_mode`` on (no Lambda layers, no pickles).
"""

from __future__ import annotations

import json
import os
import pathlib
import zipfile

from ..config import import_tensorflow
from ..data.files import (
    ChecksumError,
    sha256_of,
    shipped_data_dir,
    shipped_sha256,
    verify_file,
)
from .classifier import classifier_dataset, classifier_file, rebuild_hint

_CLASSIFIERS: dict[tuple, object] = {}


def classifier_path(dataset: str = "mnist") -> pathlib.Path:
    """Where ``dataset``'s shipped classifier lives: ``data/pretrained/mnist_classifier.keras`` by default."""
    return shipped_data_dir() / classifier_file(dataset)


def load_classifier(path: str | os.PathLike | None = None, *, dataset: str = "mnist"):
    """Load one of the course's classifiers, MNIST's by default (cached; loaded once per file version).

    Args:
        path: a ``.keras`` file; ``None`` loads the shipped one of ``dataset``,
            after checking it against its SHA-256 in ``data/SHA256SUMS``. A
            file given explicitly is not checksummed (it is yours).
        dataset: ``"mnist"`` or ``"fashion_mnist"`` (``"fashion"`` too): whose
            shipped classifier to load when ``path`` is ``None``.

    The file is read with ``keras.saving.load_model(..., safe_mode=True)``,
    which refuses to run code stored in it (the model uses built-in layers
    only), and ``compile=False`` (it is only used for inference).

    Raises:
        FileNotFoundError: no such file (the message says how to rebuild it).
        gancourse.data.ChecksumError: the shipped file differs from its listed hash,
            or it is not listed.
    """
    dataset = classifier_dataset(dataset)
    if path is None:
        target = verified_shipped_file(classifier_file(dataset), rebuild_hint(dataset))
    else:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        target = pathlib.Path(path)
        if not target.is_file():
            raise FileNotFoundError(f"classifier file not found: {target}")
    stat = target.stat()
    key = (str(target.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = _load_keras_file(target)
    return _CLASSIFIERS[key]


PRETRAINED_FILES = {
    "first-gan-mnist": {"generator": "first_gan_mnist_generator.keras"},
    "dcgan-mnist": {"generator": "dcgan_mnist_generator.keras",
                    "discriminator": "dcgan_mnist_discriminator.keras"},
    "dcgan-fashion": {"generator": "dcgan_fashion_generator.keras"},
    "inpainting-encoder-mnist": {"encoder": "inpainting_encoder_mnist.keras"},
}
"""Shipped files per pretrained name (relative to ``data/pretrained/``)."""

LADDER_STEPS = {"dcgan-mnist": (400, 2_000, 10_000, 40_000)}
"""Training steps of the generators shipped along a run ("the ladder"); the last is the final one."""


def _ladder_file(step: int, name: str = "dcgan-mnist") -> str:
    """File name of recipe ``name``'s generator after ``step`` steps: ``dcgan_mnist_ladder_00400.keras``."""
    return f"{name.replace('-', '_')}_ladder_{step:05d}.keras"


def pretrained_dir() -> pathlib.Path:
    """``data/pretrained/`` of the shipped data."""
    return shipped_data_dir() / "pretrained"


def pretrained_path(name: str, part: str = "generator") -> pathlib.Path:
    """Path of a shipped file: ``name`` in :data:`PRETRAINED_FILES`, ``part`` generator/discriminator.

    Raises:
        ValueError: unknown ``name`` or ``part`` (the message lists the known ones).
    """
    if not isinstance(name, str) or name not in PRETRAINED_FILES:
        raise ValueError(f"name: unknown pretrained model {name!r}; expected one of: {', '.join(PRETRAINED_FILES)}")
    parts = PRETRAINED_FILES[name]
    if not isinstance(part, str) or part not in parts:
        raise ValueError(f"part: {name} ships parts {sorted(parts)}, not {part!r}")
    return pretrained_dir() / parts[part]


def verified_shipped_file(relpath: str, rebuild_hint: str) -> pathlib.Path:
    """The shipped file ``data/RELPATH``, after checking it against its line in ``data/SHA256SUMS``.

    The one check every shipped network goes through before Keras reads it.

    Raises:
        FileNotFoundError: the file is missing (the message says how to get it back).
        gancourse.data.ChecksumError: it differs from its listed hash, or it is not listed.
    """
    target = shipped_data_dir() / relpath
    if not target.is_file():
        raise FileNotFoundError(f"the shipped file {target} is missing; {rebuild_hint}")
    try:
        expected = shipped_sha256(relpath)
    except KeyError:
        raise ChecksumError(f"{relpath} has no line in {shipped_data_dir() / 'SHA256SUMS'}; {rebuild_hint}") from None
    verify_file(target, expected, fix=rebuild_hint)
    return target


def _load_keras_file(path: pathlib.Path):
    """``keras.saving.load_model`` in safe mode (no Lambda code), uncompiled (inference only)."""
    import_tensorflow()
    import keras

    return keras.saving.load_model(path, compile=False, safe_mode=True)


def _load_checked(path: pathlib.Path, rebuild: str):
    hint = f"restore it with git or rebuild it with `python -m gancourse pretrain {rebuild}`"
    return _load_keras_file(verified_shipped_file(f"pretrained/{path.name}", hint))


def load_pretrained(name: str, part: str = "generator"):
    """Load a shipped generator or discriminator after checking its SHA-256.

    Example: ``g = load_pretrained("dcgan-mnist")`` (or ``"dcgan-fashion"``);
    ``g(z)`` for ``z`` of shape ``(N, g.input_shape[1])`` gives
    ``(N, 28, 28, 1)`` images in [-1, 1].

    Raises:
        ValueError: unknown name or part.
        FileNotFoundError: the file is missing.
        gancourse.data.ChecksumError: the file differs from ``data/SHA256SUMS``.
    """
    return _load_checked(pretrained_path(name, part), name)


def load_ladder() -> dict[int, object]:
    """The DCGAN's earlier generators, ``{step: generator}``, followed by the final one."""
    *earlier, final = LADDER_STEPS["dcgan-mnist"]
    ladder = {step: _load_checked(pretrained_dir() / _ladder_file(step), "dcgan-mnist") for step in earlier}
    ladder[final] = load_pretrained("dcgan-mnist")
    return ladder


FIXED_DATE = "1980-01-01@00:00:00"


def save_reproducible(model, path) -> str:
    """Save ``model`` as ``.keras`` with fixed timestamps; return the file's SHA-256.

    A ``.keras`` file is a zip holding ``config.json``, ``model.weights.h5`` and
    ``metadata.json``; Keras stamps the save time into the last one and into
    the zip entries, so two saves of the same weights differ. Here the
    entries are rewritten with the zip epoch (1980-01-01) and a fixed
    ``date_saved``, so equal weights give equal bytes.
    """
    path = pathlib.Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.keras")
    model.save(tmp)
    final_tmp = path.with_name(f".{path.stem}.fixed-{os.getpid()}.keras")
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(final_tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            payload = src.read(name)
            if name == "metadata.json":
                meta = json.loads(payload)
                meta["date_saved"] = FIXED_DATE
                payload = json.dumps(meta, sort_keys=True).encode()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, payload)
    os.replace(final_tmp, path)
    tmp.unlink()
    return sha256_of(path)
