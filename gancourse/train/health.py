"""Chapter 8's training-health readout: a callback that reads a GAN's live metrics and names its state.

:class:`TrainingHealth` checks a running ``fit()`` every ``every_steps``
generator steps. Each check makes a :class:`~.health_rules.Reading` from

* the means, over the steps since the previous check, of what the trainer
  logs: D(x), D(G(z)), both losses, ``d_grad_norm`` and ``g_grad_norm``
  (:meth:`GAN.apply_gradients <.gan_trainer.GAN.apply_gradients>`), and a
  critic's ``wasserstein_estimate`` (:mod:`.wgan`);
* optionally a coverage probe on fixed noise: classes on MNIST
  (:func:`class_coverage_probe`, the evaluation kit's classifier) or modes on
  toy mixtures (:func:`mode_coverage_probe`, VEEGAN's rule);

then :func:`~.health_rules.diagnose` names the likely state ("healthy",
"the discriminator wins and the generator's gradients vanish", "possible
mode collapse: 3/10 classes", "oscillating, not converging", "diverged
(NaN)") with what to try, and one short line is printed. The readings and
diagnoses are kept for a panel (:func:`gancourse.show.health_panel.plot_health`).

The means between checks are exact: the trainer's logs are the means of its
``keras.metrics.Mean`` trackers since the epoch began, so mean × steps gives
the running sum, and the difference of two sums over the steps between them
gives the interval's mean (sums carried across epoch ends).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..config import import_tensorflow
from ..config.validate import (
    as_finite_array,
    check_bool,
    check_int,
    check_number,
    check_seed,
)
from ..evaluate.coverage import class_coverage, confident_share, mode_coverage
from ..evaluate.features import classifier_probabilities
from .health_rules import (
    DEFAULT_THRESHOLDS,
    Diagnosis,
    HealthThresholds,
    Reading,
    diagnose,
)
from .snapshots import _steps_done

import_tensorflow()
import keras  # noqa: E402

__all__ = ["TrainingHealth", "Coverage", "class_coverage_probe", "mode_coverage_probe", "reading_from_means",
           "LOG_NAMES"]

LOG_NAMES = {
    "d_real": ("d_real",), "d_fake": ("d_fake",), "d_loss": ("d_loss", "critic_loss"), "g_loss": ("g_loss",),
    "d_grad_norm": ("d_grad_norm",), "g_grad_norm": ("g_grad_norm",),
    "wasserstein_estimate": ("wasserstein_estimate",),
}
"""Each reading field and the log names it is read from (a critic logs ``critic_loss`` for D's loss)."""


class Coverage(NamedTuple):
    """What a coverage probe returns: ``covered`` of ``n_modes`` classes or modes (``unit``), and the
    share of recognisable samples (``quality``: confident share, or VEEGAN's high-quality share)."""

    covered: int
    n_modes: int
    quality: float | None
    unit: str = "modes"


def reading_from_means(step: int, means: dict, coverage: Coverage | None = None) -> Reading:
    """A :class:`Reading` from metric means keyed by log name (:data:`LOG_NAMES`) and an optional coverage."""
    fields = {}
    for field, names in LOG_NAMES.items():
        for name in names:
            if name in means:
                fields[field] = float(means[name])
                break
    if coverage is not None:
        covered, n_modes, quality, unit = coverage
        fields |= {"covered": covered, "n_modes": n_modes, "quality": quality, "coverage_unit": unit}
    return Reading(step=int(step), **fields)


def class_coverage_probe(classifier=None, *, n_samples: int = 500, seed: int = 0, min_share: float = 0.01,
                         confident: float = 0.9) -> Callable:
    """A probe for MNIST: classes covered by ``n_samples`` samples from fixed noise, and the confident share.

    The samples are ``gan.sample(n_samples, seed=seed)`` (the same z at every
    check); the kit's classifier (:func:`gancourse.evaluate.features.classifier_probabilities`,
    ``classifier=None``: the shipped one) assigns each to a class;
    :func:`gancourse.evaluate.coverage.class_coverage` counts the classes
    holding at least ``min_share`` of them, and
    :func:`~gancourse.evaluate.coverage.confident_share` gives the share
    classified with probability >= ``confident`` (the rules' "quality").
    """
    n_samples = check_int(n_samples, "n_samples", minimum=10)
    seed = check_seed(seed)
    min_share = check_number(min_share, "min_share", minimum=0.0, maximum=1.0, exclusive_minimum=True)
    confident = check_number(confident, "confident", minimum=0.0, maximum=1.0, exclusive_maximum=True)

    def probe(gan) -> Coverage:
        probs = classifier_probabilities(gan.sample(n_samples, seed=seed), classifier)
        return Coverage(class_coverage(probs, min_share), int(probs.shape[1]), confident_share(probs, confident),
                        "classes")

    return probe


def mode_coverage_probe(modes, std: float, *, n_samples: int = 2500, seed: int = 0) -> Callable:
    """A probe for toy mixtures: VEEGAN's modes captured and high-quality share of samples from fixed noise.

    :func:`gancourse.evaluate.coverage.mode_coverage` on
    ``gan.sample(n_samples, seed=seed)``: a mode counts when it is the
    nearest mode of a sample within 3 σ; the quality is the share of such samples.
    """
    modes = as_finite_array(modes, "modes", ndim=2, min_rows=1)
    std = check_number(std, "std", minimum=0.0, exclusive_minimum=True)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    seed = check_seed(seed)

    def probe(gan) -> Coverage:
        found = mode_coverage(gan.sample(n_samples, seed=seed), modes, std)
        return Coverage(found["modes_covered"], found["n_modes"], found["high_quality_share"], "modes")

    return probe


class TrainingHealth(keras.callbacks.Callback):
    """Diagnose a GAN's training every ``every_steps`` steps and print one line per check.

    Args:
        every_steps: generator steps between checks. Keep it well below the
            period of any oscillation you want to see (the rules' notes).
        coverage: ``None`` or a probe ``gan -> Coverage`` (:func:`class_coverage_probe`,
            :func:`mode_coverage_probe`), run at every check.
        thresholds: the rules' :class:`~.health_rules.HealthThresholds`.
        verbose: print :meth:`Diagnosis.line <.health_rules.Diagnosis.line>` at each check.
        print_fn: where the lines go (``print``; tests pass a list's ``append``).

    Attributes:
        readings: every :class:`~.health_rules.Reading`, oldest first.
        diagnoses: the :class:`~.health_rules.Diagnosis` of each check.

    Works with every trainer of the course (:class:`~.gan_trainer.GAN` and
    its subclasses): it reads the logs ``fit()`` hands to callbacks, never
    the model's internals, and needs ``gan.steps_done`` and, for a probe,
    ``gan.sample``.
    """

    def __init__(self, every_steps: int = 100, *, coverage: Callable | None = None,
                 thresholds: HealthThresholds = DEFAULT_THRESHOLDS, verbose: bool = True,
                 print_fn: Callable = print):
        super().__init__()
        self.every_steps = check_int(every_steps, "every_steps", minimum=1)
        if coverage is not None and not callable(coverage):
            raise TypeError(f"coverage must be None or a callable gan -> Coverage, got {type(coverage).__name__}")
        if not isinstance(thresholds, HealthThresholds):
            raise TypeError(f"thresholds must be a HealthThresholds, got {type(thresholds).__name__}")
        if not callable(print_fn):
            raise TypeError(f"print_fn must be callable, got {type(print_fn).__name__}")
        self.coverage = coverage
        self.thresholds = thresholds
        self.verbose = check_bool(verbose, "verbose")
        self.print_fn = print_fn
        self.readings: list[Reading] = []
        self.diagnoses: list[Diagnosis] = []
        self._carry: dict[str, float] = {}  # sums since the last check from epochs that have ended
        self._carry_steps = 0
        self._base: dict[str, float] = {}  # sums at the last check within the current epoch
        self._base_steps = 0
        self._epoch_sums: dict[str, float] = {}
        self._epoch_steps = 0
        self._last_check: int | None = None

    # ---------------------------------------------------------------- sums
    @staticmethod
    def _sums(logs: dict, steps: int) -> dict[str, float]:
        """Running sums since the epoch began: each log is a mean over ``steps`` steps."""
        return {k: float(v) * steps for k, v in logs.items() if np.ndim(v) == 0}

    def on_train_begin(self, logs=None):
        self._last_check = _steps_done(self.model)

    def on_epoch_begin(self, epoch, logs=None):
        self._base, self._base_steps = {}, 0
        self._epoch_sums, self._epoch_steps = {}, 0

    def on_train_batch_end(self, batch, logs=None):
        if not logs:
            return
        steps = int(batch) + 1  # steps since the epoch began (the last of an execution's steps)
        self._epoch_sums, self._epoch_steps = self._sums(logs, steps), steps
        if _steps_done(self.model) - self._last_check >= self.every_steps:
            self.check()

    def on_epoch_end(self, epoch, logs=None):
        # carry this epoch's unchecked steps into the next check (the trackers are reset at each epoch start)
        for k, total in self._epoch_sums.items():
            self._carry[k] = self._carry.get(k, 0.0) + total - self._base.get(k, 0.0)
        self._carry_steps += self._epoch_steps - self._base_steps
        self._base, self._base_steps = dict(self._epoch_sums), self._epoch_steps

    def interval_means(self) -> dict[str, float]:
        """Each metric's mean over the steps since the previous check."""
        steps = self._carry_steps + self._epoch_steps - self._base_steps
        if steps <= 0:
            return {}
        return {k: (self._carry.get(k, 0.0) + total - self._base.get(k, 0.0)) / steps
                for k, total in self._epoch_sums.items()}

    # ---------------------------------------------------------------- checks
    def check(self) -> Diagnosis:
        """Read, diagnose, keep and (if verbose) print; called every ``every_steps`` steps."""
        step = _steps_done(self.model)
        means = self.interval_means()
        self._carry, self._carry_steps = {}, 0
        self._base, self._base_steps = dict(self._epoch_sums), self._epoch_steps
        self._last_check = step
        finite = all(math.isfinite(v) for v in means.values())
        coverage = self.coverage(self.model) if self.coverage is not None and finite else None
        self.readings.append(reading_from_means(step, means, coverage))
        result = diagnose(self.readings, self.thresholds)
        self.diagnoses.append(result)
        if self.verbose:
            self.print_fn(result.line())
        return result

    def states(self) -> list[str]:
        """The state of each check so far."""
        return [d.state for d in self.diagnoses]
