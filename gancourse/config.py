"""Run profiles, seeding and environment checks shared by every chapter.

A *profile* fixes every size a chapter uses (how much data, how many epochs or
steps, how wide the networks are, how many samples the metrics draw), so one
notebook runs in seconds in CI (``smoke``), in minutes on a laptop (``cpu``) and
at the papers' settings on a GPU (``gpu``).

This module must stay importable without TensorFlow: :func:`prepare_environment`
runs when ``gancourse`` is imported and sets the Keras backend and the
TensorFlow log level *before* TensorFlow is first imported, which is the only
time those variables are read.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import warnings

PROFILE_ENV = "GANCOURSE_PROFILE"
"""Environment variable that picks a profile by name."""

REPO = "gancourse/gancourse"
"""GitHub ``owner/name`` of the course, used for Colab badges and installs."""

REPO_URL = f"https://github.com/{REPO}"


@dataclasses.dataclass(frozen=True)
class Profile:
    """Every size a chapter may depend on.

    Attributes:
        name: ``"smoke"``, ``"cpu"`` or ``"gpu"``.
        description: one line for learners.
        train_size: training images used (``None``: the whole split).
        test_size: test images used for evaluation (``None``: the whole split).
        mini_data: load the small subsets shipped in ``data/mini`` instead of
            the full datasets (always true for ``smoke``, so CI never needs
            a download).
        batch_size: minibatch size for image models.
        epochs: passes over ``train_size`` images for image models.
        toy_steps: optimisation steps for 1-D and 2-D toy problems.
        width: base width (filters of the first conv layer, or units scale)
            of image models; chapters scale it.
        eval_samples: generated samples drawn for metrics (FD, KID, coverage).
        grid_size: images per side of a sample grid.
        snapshot_every: training steps between recorded snapshots/grids.
    """

    name: str
    description: str
    train_size: int | None
    test_size: int | None
    mini_data: bool
    batch_size: int
    epochs: int
    toy_steps: int
    width: int
    eval_samples: int
    grid_size: int
    snapshot_every: int

    def subset(self, n_available: int, split: str = "train") -> int:
        """How many of ``n_available`` images this profile uses for ``split``."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        cap = self.train_size if split == "train" else self.test_size
        return n_available if cap is None else min(cap, n_available)


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        description="CI and quick checks: tiny data, seconds per cell, shipped mini datasets",
        train_size=1024,
        test_size=512,
        mini_data=True,
        batch_size=64,
        epochs=1,
        toy_steps=300,
        width=8,
        eval_samples=500,
        grid_size=4,
        snapshot_every=10,
    ),
    "cpu": Profile(
        name="cpu",
        description="a laptop CPU: minutes per chapter, results you recognise as right",
        train_size=None,
        test_size=None,
        mini_data=False,
        batch_size=128,
        epochs=5,
        toy_steps=3000,
        width=32,
        eval_samples=5000,
        grid_size=8,
        snapshot_every=100,
    ),
    "gpu": Profile(
        name="gpu",
        description="a GPU (Colab or better): the papers' settings",
        train_size=None,
        test_size=None,
        mini_data=False,
        batch_size=128,
        epochs=25,
        toy_steps=10000,
        width=64,
        eval_samples=10000,
        grid_size=10,
        snapshot_every=200,
    ),
}


CHAPTER_SIZES: dict[str, dict[str, dict]] = {}
"""Chapter-specific sizes: ``CHAPTER_SIZES[chapter][profile_name] = {field: value}``.

Sizes every chapter shares live on :class:`Profile`; those only one chapter
needs (VAE latent sizes, GAN steps, ...) live here, next to each other, so the
three profiles of a chapter can be compared at a glance. Read them with
:func:`chapter_sizes`.
"""

# --- chapters 1-3: generative models, autoencoder and VAE, GAN mathematics ---
CHAPTER_SIZES["generative_models"] = {
    # 2-D mixture: samples, EM steps; the moment-matching sampler's steps/batch;
    # samples for the change-of-variables histogram
    "smoke": {"mixture_samples": 2000, "em_steps": 100, "sampler_steps": 150, "sampler_batch": 256,
              "sampler_width": 32, "histogram_samples": 20000},
    "cpu": {"mixture_samples": 5000, "em_steps": 300, "sampler_steps": 1500, "sampler_batch": 512,
            "sampler_width": 64, "histogram_samples": 200000},
    "gpu": {"mixture_samples": 10000, "em_steps": 300, "sampler_steps": 3000, "sampler_batch": 1024,
            "sampler_width": 128, "histogram_samples": 1000000},
}
CHAPTER_SIZES["vae"] = {
    # MLP encoder/decoder (hidden units 2*width, width); cosine-decayed Adam; ELBO on the profile's
    # test split with elbo_samples draws per image. cpu: python -m gancourse evaluate vae-mnist
    "smoke": {"kind": "dense", "width": 64, "batch_size": 64, "learning_rate": 2e-3, "steps_per_execution": 1,
              "ae_epochs": 10, "epochs_2d": 10, "epochs_large": 10, "latent_large": 16, "elbo_samples": 1},
    "cpu": {"kind": "dense", "width": 256, "batch_size": 128, "learning_rate": 2e-3, "steps_per_execution": 25,
            "ae_epochs": 2, "epochs_2d": 5, "epochs_large": 14, "latent_large": 32, "elbo_samples": 1},
    "gpu": {"kind": "dense", "width": 512, "batch_size": 128, "learning_rate": 1e-3, "steps_per_execution": 25,
            "ae_epochs": 10, "epochs_2d": 30, "epochs_large": 100, "latent_large": 50, "elbo_samples": 1},
}
CHAPTER_SIZES["gan_math"] = {
    # the 1-D GAN of Figure 1: steps, batch, MLP width, Adam rate (both nets, beta_1 = 0.5),
    # snapshot spacing, generator samples per density estimate
    "smoke": {"gan_steps": 1500, "batch_size": 128, "width": 32, "learning_rate": 1e-3, "snapshot_every": 100,
              "kde_samples": 2000},
    "cpu": {"gan_steps": 3000, "batch_size": 128, "width": 32, "learning_rate": 5e-4, "snapshot_every": 50,
            "kde_samples": 10000},
    "gpu": {"gan_steps": 6000, "batch_size": 256, "width": 64, "learning_rate": 5e-4, "snapshot_every": 100,
            "kde_samples": 20000},
}

# --- chapters 4-5: first GAN, DCGAN, evaluation kit ---
CHAPTER_SIZES["first_gan"] = {
    # seed 001's MLP GAN: training steps of `batch_size` images, steps per Keras epoch (one point of
    # the loss curves), steps between snapshots (grids, D histograms), steps of each run in the
    # saturating vs non-saturating comparison; smoke trains briefly, then shows the shipped generator
    "smoke": {"latent_dim": 128, "batch_size": 64, "learning_rate": 1e-4, "steps": 60, "steps_per_epoch": 20,
              "snapshot_every": 10, "compare_steps": 40, "use_pretrained": True},
    "cpu": {"latent_dim": 128, "batch_size": 64, "learning_rate": 1e-4, "steps": 8000, "steps_per_epoch": 500,
            "snapshot_every": 500, "compare_steps": 2500, "use_pretrained": False},
    "gpu": {"latent_dim": 128, "batch_size": 64, "learning_rate": 1e-4, "steps": 30000, "steps_per_epoch": 1000,
            "snapshot_every": 1000, "compare_steps": 10000, "use_pretrained": False},
}
CHAPTER_SIZES["dcgan"] = {
    # DCGAN: architecture = keyword arguments of models.dcgan_networks (smoke and cpu: the compact
    # variant, 7x7 start with more channels and a stride-1 conv, two stride-1 convs at 14x14, D with
    # a third stride-2 conv; gpu: the paper's layer list); steps of `batch_size` images, steps per
    # Keras epoch (one checkpoint), snapshot spacing; D's and G's Adam learning rates, decayed to 0 on
    # a cosine over the run when `cosine_decay`; extra_steps/extra_width: the Fashion-MNIST and faces
    # options.
    # cpu: the 10-minute bar of benchmarks/README.md (python -m gancourse evaluate dcgan-profile-run);
    # batch 32 instead of the paper's 128: on a CPU the step time scales with the batch, and twice
    # the updates on the same images gave a lower FD (benchmarks/README.md). jit_compile: XLA made the
    # compact DCGAN's batch-32 step 1.6x faster on one 2-core machine (95 -> 60 ms; 72 ms with the
    # 14x14 convs) and 1.14x on another (47 -> 41 ms with them), so 7,500 steps fit in the 10 minutes
    # instead of 5,500; smoke leaves it off, since compiling takes longer than its 40 steps.
    "smoke": {"latent_dim": 64, "architecture": {"width": 8, "start_filters": 32, "start_convs": 1, "mid_convs": 2,
                                                 "downsamplings": 3},
              "batch_size": 64, "steps": 40, "steps_per_epoch": 20, "snapshot_every": 10, "d_learning_rate": 2e-4,
              "g_learning_rate": 1e-3, "cosine_decay": True, "jit_compile": False, "use_pretrained": True,
              "extra_steps": 10, "extra_width": 8},
    "cpu": {"latent_dim": 64, "architecture": {"width": 32, "start_filters": 128, "start_convs": 1, "mid_convs": 2,
                                               "downsamplings": 3},
            "batch_size": 32, "steps": 7500, "steps_per_epoch": 500, "snapshot_every": 500, "d_learning_rate": 2e-4,
            "g_learning_rate": 1e-3, "cosine_decay": True, "jit_compile": True, "use_pretrained": False,
            "extra_steps": 600, "extra_width": 16},
    "gpu": {"latent_dim": 100, "architecture": {"width": 64}, "batch_size": 128, "steps": 10000,
            "steps_per_epoch": 1000, "snapshot_every": 500, "d_learning_rate": 2e-4, "g_learning_rate": 2e-4,
            "cosine_decay": False, "jit_compile": True, "use_pretrained": False, "extra_steps": 5000, "extra_width": 64},
}


def chapter_sizes(chapter: str, profile: "Profile | str | None" = None):
    """The sizes ``chapter`` uses under ``profile``, as attributes.

    Raises:
        ValueError: no sizes are registered for ``chapter``.
    """
    import types

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if chapter not in CHAPTER_SIZES:
        raise ValueError(f"no sizes for chapter {chapter!r}; known: {', '.join(sorted(CHAPTER_SIZES)) or '(none)'}")
    return types.SimpleNamespace(profile=prof.name, **CHAPTER_SIZES[chapter][prof.name])


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


def detect_profile_name() -> str:
    """The profile the hardware suggests: ``"gpu"`` with a GPU, else ``"cpu"``."""
    return "gpu" if gpu_available() else "cpu"


def get_profile(name: str | None = None) -> Profile:
    """Return the profile called ``name``, or the one in force.

    Args:
        name: ``"smoke"``, ``"cpu"`` or ``"gpu"`` (any case). ``None`` reads
            ``GANCOURSE_PROFILE``; when that is unset or empty, the hardware
            decides (GPU present: ``gpu``, else ``cpu``).

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: ``name`` is not a known profile; the message lists them.
    """
    source = "argument name"
    if name is None:
        name = os.environ.get(PROFILE_ENV, "").strip()
        source = f"environment variable {PROFILE_ENV}"
        if not name:
            return PROFILES[detect_profile_name()]
    if not isinstance(name, str):
        raise TypeError(f"profile name must be a str, got {type(name).__name__}: {name!r}")
    key = name.strip().lower()
    if key not in PROFILES:
        raise ValueError(
            f"unknown profile {name!r} (from {source}); expected one of: "
            + ", ".join(sorted(PROFILES))
        )
    return PROFILES[key]


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
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
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


def warn_if_slow(profile: Profile) -> None:
    """Warn when the ``gpu`` profile is chosen on a machine without a GPU."""
    if profile.name == "gpu" and not gpu_available():
        warnings.warn(
            "profile 'gpu' selected but no GPU is visible: expect hours, not minutes. "
            f"Set {PROFILE_ENV}=cpu for laptop-sized runs.",
            stacklevel=2,
        )


MIN_VERSIONS = {"keras": (3, 0), "tensorflow": (2, 16)}
"""Oldest versions the course supports (Colab's preinstalled ones are newer)."""


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


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
        "profile": get_profile().name,
    }
    for package, floor in MIN_VERSIONS.items():
        if _version_tuple(report[package]) < floor:
            raise RuntimeError(
                f"{package} {report[package]} is too old: the course needs "
                f"{package} >= {'.'.join(map(str, floor))}. Run: pip install -r requirements.txt"
            )
    return report
