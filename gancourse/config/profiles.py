"""Run profiles: ``smoke`` (CI), ``cpu`` (a laptop) and ``gpu`` (the papers' settings).

A *profile* fixes the sizes every chapter shares (how much data, whether the
shipped mini subsets stand in for the full datasets, how many samples the
metrics draw, how big a sample grid is); each chapter's own sizes are a small
dataclass in :mod:`gancourse.config.sizes`.
"""

from __future__ import annotations

import dataclasses
import os
import warnings

from .environment import gpu_available
from .validate import check_choice, check_int

PROFILE_ENV = "GANCOURSE_PROFILE"
"""Environment variable that picks a profile by name."""


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
        eval_samples: generated samples drawn for metrics (FD, KID, coverage).
        grid_size: images per side of a sample grid.
    """

    name: str
    description: str
    train_size: int | None
    test_size: int | None
    mini_data: bool
    eval_samples: int
    grid_size: int

    def subset(self, n_available: int, split: str = "train") -> int:
        """How many of ``n_available`` images this profile uses for ``split``."""
        n_available = check_int(n_available, "n_available", minimum=0)
        check_choice(split, "split", ("train", "test"))
        cap = self.train_size if split == "train" else self.test_size
        return n_available if cap is None else min(cap, n_available)


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        description="CI and quick checks: tiny data, seconds per cell, shipped mini datasets",
        train_size=1024,
        test_size=512,
        mini_data=True,
        eval_samples=500,
        grid_size=4,
    ),
    "cpu": Profile(
        name="cpu",
        description="a laptop CPU: minutes per chapter, results you recognise as right",
        train_size=None,
        test_size=None,
        mini_data=False,
        eval_samples=5000,
        grid_size=8,
    ),
    "gpu": Profile(
        name="gpu",
        description="a GPU (Colab or better): the papers' settings",
        train_size=None,
        test_size=None,
        mini_data=False,
        eval_samples=10000,
        grid_size=10,
    ),
}


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


def warn_if_slow(profile: Profile) -> None:
    """Warn when the ``gpu`` profile is chosen on a machine without a GPU."""
    if profile.name == "gpu" and not gpu_available():
        warnings.warn(
            "profile 'gpu' selected but no GPU is visible: expect hours, not minutes. "
            f"Set {PROFILE_ENV}=cpu for laptop-sized runs.",
            stacklevel=2,
        )


