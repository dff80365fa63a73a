"""The environment the course runs in: TensorFlow's import, the device, seeding, versions.

This module must stay importable without TensorFlow: :func:`prepare_environment`
runs when ``gancourse`` is imported and sets the Keras backend and the
TensorFlow log level *before* TensorFlow is first imported, which is the only
time those variables are read.
"""

from __future__ import annotations

import os
import sys

from .validate import check_bool, check_int, check_seed

REPO = "gancourse/gancourse"
"""GitHub ``owner/name`` of the course, used for Colab badges and installs."""

REPO_URL = f"https://github.com/{REPO}"


def prepare_environment() -> None:
    """Select the TensorFlow backend for Keras and silence TensorFlow's C++ logs.

    Must run before TensorFlow or Keras is imported (``import gancourse`` does
    it). Values the user already set are kept, except a Keras backend other
    than TensorFlow, which the course does not support.
    """
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow":
        raise RuntimeError(
            f"KERAS_BACKEND is {backend!r}, but gancourse needs 'tensorflow'. "
            "Unset KERAS_BACKEND or set it to 'tensorflow' and restart the kernel."
        )
    if "keras" in sys.modules:
        loaded = getattr(sys.modules["keras"], "backend", None)
        name = loaded.backend() if loaded is not None and hasattr(loaded, "backend") else "tensorflow"
        if name != "tensorflow":
            raise RuntimeError(
                f"Keras was already imported with the {name!r} backend; restart the "
                "kernel and import gancourse before keras."
            )
    os.environ["KERAS_BACKEND"] = "tensorflow"
    # 2 = show errors only: hides the INFO/WARNING lines TensorFlow's C++ core
    # prints to the kernel's stderr (CUDA factory registration, oneDNN notice).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


_TF_READY = False


def import_tensorflow():
    """Import TensorFlow (and list its devices) with its start-up chatter hidden.

    TensorFlow's CUDA build prints absl lines straight to file descriptor 2
    *before* ``TF_CPP_MIN_LOG_LEVEL`` takes effect ("Could not find cuda
    drivers", "failed call to cuInit") on machines without an NVIDIA driver.
    Those lines are captured here and shown only if the import fails.
    """
    global _TF_READY
    if _TF_READY:
        import tensorflow as tf

        return tf
    import tempfile

    prepare_environment()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()
            _TF_READY = True
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return tf


def in_colab() -> bool:
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def gpu_available() -> bool:
    """True when TensorFlow sees at least one GPU (imports TensorFlow)."""
    tf = import_tensorflow()

    return bool(tf.config.list_physical_devices("GPU"))


def seed_everything(seed: int = 0, *, deterministic_ops: bool = False) -> int:
    """Seed Python's ``random``, NumPy and TensorFlow in one call.

    Two runs seeded alike give identical results on the CPU. On a GPU pass
    ``deterministic_ops=True`` as well (it calls
    ``tf.config.experimental.enable_op_determinism()``, which also turns XLA
    off and slows some ops).

    Raises:
        TypeError: ``seed`` is not an int.
        ValueError: ``seed`` is negative or does not fit in 32 bits.
    """
    seed = check_seed(seed)
    check_bool(deterministic_ops, "deterministic_ops")
    tf = import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        tf.config.experimental.enable_op_determinism()
    return seed


def gpu_advice() -> str:
    """A sentence telling the learner which device they have and what to do."""
    if gpu_available():
        tf = import_tensorflow()

        names = [d.name for d in tf.config.list_physical_devices("GPU")]
        return f"GPU found ({', '.join(names)}): the 'gpu' profile trains at the papers' settings."
    if in_colab():
        return (
            "No GPU in this Colab runtime. Choose Runtime > Change runtime type > "
            "T4 GPU, save, then run the notebook again from the top."
        )
    return (
        "No GPU found: the 'cpu' profile is used (minutes per chapter). That is "
        "enough for every chapter; a GPU only adds paper-scale runs."
    )


def check_gpu(verbose: bool = True) -> bool:
    """Print :func:`gpu_advice` (if ``verbose``) and return whether a GPU is present."""
    present = gpu_available()
    if verbose:
        print(gpu_advice())
    return present


MAX_STEPS_ENV = "GANCOURSE_MAX_STEPS"
"""Environment variable that caps every ``fit()`` of the course's trainers at this many training steps.

For checks, not for learning: CI steps the ``gpu`` profile's models on a CPU
with ``GANCOURSE_MAX_STEPS=2`` (``tests/test_gpu_profile.py``). Read only by
:func:`max_train_steps`; applied by ``gancourse.train.gan_trainer.GAN.fit``
(so every GAN subclass) and ``gancourse.train.vae_trainer.VAE.fit``, which
the notebooks' training calls go through.
"""


def max_train_steps() -> int | None:
    """The step cap set by ``GANCOURSE_MAX_STEPS``: ``None`` when unset or empty, else an int >= 1.

    The cap counts the training steps of one ``fit()`` call (a resumed run
    takes up to that many more).

    Raises:
        ValueError: the variable holds anything but a whole number >= 1
            ("0", "-3", "2.5", "1e3", "two"); the message names it and shows its value.
    """
    text = os.environ.get(MAX_STEPS_ENV, "").strip()
    if not text:
        return None
    try:
        steps = int(text, 10)
    except ValueError:
        steps = None
    if steps is None or steps < 1:
        raise ValueError(
            f"environment variable {MAX_STEPS_ENV} must be a whole number >= 1 (training steps per "
            f"fit() call), got {text!r}; unset it to train without a cap"
        )
    return steps


def capped_steps(steps: int) -> int:
    """How many of ``steps`` planned training steps one ``fit()`` call runs: ``min(steps, cap)`` under a cap.

    For a notebook's own check of a run's length, e.g.
    ``assert gan.steps_done == capped_steps(SIZES.steps)``.

    Raises:
        TypeError/ValueError: ``steps`` is not an int >= 0, or ``GANCOURSE_MAX_STEPS`` is bad.
    """
    steps = check_int(steps, "steps", minimum=0)
    cap = max_train_steps()
    return steps if cap is None else min(steps, cap)


MIN_VERSIONS = {"keras": (3, 0), "tensorflow": (2, 16)}
"""Oldest versions the course supports (Colab's preinstalled ones are newer)."""


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _profile_name() -> str:
    from .profiles import (
        get_profile,  # profiles imports this module: import at call time
    )

    return get_profile().name


def environment_report() -> dict:
    """Versions, backend, device, profile: what a bug report or a teacher needs.

    Raises:
        RuntimeError: Keras or TensorFlow is older than :data:`MIN_VERSIONS`.
    """
    import platform

    tf = import_tensorflow()
    import keras
    import numpy as np

    report = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": np.__version__,
        "gpu": [d.name for d in tf.config.list_physical_devices("GPU")],
        "colab": in_colab(),
        "profile": _profile_name(),
    }
    for package, floor in MIN_VERSIONS.items():
        if _version_tuple(report[package]) < floor:
            raise RuntimeError(
                f"{package} {report[package]} is too old: the course needs "
                f"{package} >= {'.'.join(map(str, floor))}. Run: pip install -r requirements.txt"
            )
    return report
