"""Chapter 7's mode-coverage lab: a GAN, WGAN and WGAN-GP on VEEGAN's ring and grid, scored as VEEGAN does.

Srivastava et al. (2017), "VEEGAN", Table 1: eight Gaussians on a ring
(σ = 0.02) and 25 on a grid (σ = 0.05), 2500 samples per trained generator,
modes captured and the share of high-quality samples (within 3σ of the
nearest mode), averaged over five runs. :func:`toy_modes_lab` trains each
method on each mixture for several seeds with the same networks, batch and
number of generator updates, and reports every figure with its mean and
spread (``python -m gancourse evaluate toy-modes``).

The three methods (the networks are the same MLPs for all three, ReLU, a
linear output: a plain GAN's discriminator is the same network read as a logit):

* ``"gan"``: Goodfellow et al. (2014) with the non-saturating loss, one D
  step per G step, Adam with β = (0.5, 0.9);
* ``"wgan"``: Arjovsky et al. (2017), Algorithm 1 as published: RMSProp
  5e-5, clipping at c = 0.01, n_critic = 5 (no learning-rate decay: the
  paper has none);
* ``"wgan-gp"``: Gulrajani et al. (2017), Adam with β = (0.5, 0.9) as the
  authors' code runs it, n_critic = 5, and λ = ``sizes.toy_penalty_weight``
  (0.1, the toy setting of their ``gan_toy.py``; see
  :mod:`gancourse.objectives.gradient_penalty` for why it differs from the
  image setting 10).

Departure: the GAN and WGAN-GP learning rates decay linearly to 0 over the
run (``sizes.toy_decay``), as the authors' ``gan_cifar.py`` does; their toy
script keeps it constant. On the grid, with σ = 0.05, the modes are found
early and the samples' precision comes late; the decay is what buys the
precision in a short run (the measured effect is in benchmarks/README.md).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..config import import_tensorflow, seed_everything
from ..config.validate import check_choice, check_int, check_seed
from ..data.pipelines import training_stream
from ..data.toy import GaussianMixture, grid_mixture, isotropic_std, ring_mixture
from ..nets.critics import toy_critic
from ..nets.toy import build_toy_generator
from ..train.gan_trainer import GAN
from ..train.wgan import N_CRITIC, WGAN, WGANGP, wgan_optimizers
from .coverage import mode_coverage

tf = import_tensorflow()
import keras  # noqa: E402

__all__ = ["METHODS", "MIXTURES", "toy_mixture", "toy_networks", "toy_trainer", "train_toy", "fit_toy", "score_toy",
           "spread", "toy_modes_lab", "wgan_gp_bars", "toy_modes_report", "BARS", "TRAINING_POINTS", "ONE_PERCENT"]

METHODS = ("gan", "wgan", "wgan-gp")
"""The three trainers of the lab."""

MIXTURES = ("ring", "grid")
"""VEEGAN's two 2-D mixtures (:func:`gancourse.data.toy.ring_mixture`, :func:`~gancourse.data.toy.grid_mixture`)."""

TRAINING_POINTS = 100_000
"""Points drawn once from the mixture and streamed (shuffled every pass) to every run."""

ONE_PERCENT = 0.01
"""The stricter mode count: modes holding at least 1% of the samples' high-quality points."""

BETAS = (0.5, 0.9)
"""Adam's (β1, β2) for the GAN and WGAN-GP here: the WGAN-GP authors' code (the paper's Algorithm 1 has β1 = 0)."""


def toy_mixture(name: str) -> GaussianMixture:
    """VEEGAN's ``"ring"`` or ``"grid"`` (:mod:`gancourse.data.toy`)."""
    name = check_choice(name, "mixture", MIXTURES)
    return ring_mixture() if name == "ring" else grid_mixture()


def toy_networks(sizes, seed: int = 0) -> tuple:
    """``(generator, critic)``: MLPs of ``sizes.toy_units`` ReLU layers, initialised from ``seed``."""
    keras.utils.set_random_seed(check_seed(seed))
    generator = build_toy_generator(sizes.toy_latent_dim, 2, hidden_units=sizes.toy_units)
    critic = toy_critic(2, hidden_units=sizes.toy_units)
    return generator, critic


def _rate(learning_rate: float, steps: int, decay: bool):
    """``learning_rate``, or a schedule falling linearly to 0 over ``steps`` optimizer updates."""
    if not decay:
        return learning_rate
    return keras.optimizers.schedules.PolynomialDecay(learning_rate, steps, end_learning_rate=0.0, power=1.0)


def toy_trainer(method: str, sizes, seed: int = 0, *, jit_compile: bool = True, steps_per_execution: int = 100):
    """A compiled trainer for ``method`` (see the module notes for each one's settings).

    Returns ``(model, batch_size)``: the ``fit()`` batch is ``sizes.toy_batch``
    for the GAN and ``n_critic × toy_batch`` for the critics (a fresh slice of
    m real points per critic step, as both papers' Algorithm 1).
    """
    method = check_choice(method, "method", METHODS)
    generator, critic = toy_networks(sizes, seed)
    steps = sizes.toy_iterations
    if method == "gan":
        model = GAN(generator, critic, seed=seed)
        optimizers = [keras.optimizers.Adam(_rate(sizes.toy_learning_rate, steps, sizes.toy_decay),
                                            beta_1=BETAS[0], beta_2=BETAS[1]) for _ in range(2)]
        model.compile(*optimizers, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
        return model, sizes.toy_batch
    if method == "wgan":
        model = WGAN(generator, critic, seed=seed)
        model.compile(*wgan_optimizers(), jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    else:
        model = WGANGP(generator, critic, penalty_weight=sizes.toy_penalty_weight, seed=seed)
        # the critic's optimizer steps n_critic times per generator step, so its decay spans n_critic x steps
        d_opt = keras.optimizers.Adam(_rate(sizes.toy_learning_rate, N_CRITIC * steps, sizes.toy_decay),
                                      beta_1=BETAS[0], beta_2=BETAS[1])
        g_opt = keras.optimizers.Adam(_rate(sizes.toy_learning_rate, steps, sizes.toy_decay),
                                      beta_1=BETAS[0], beta_2=BETAS[1])
        model.compile(d_opt, g_opt, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    return model, N_CRITIC * sizes.toy_batch


def train_toy(method: str, mixture: str, sizes, seed: int = 0, *, callbacks=(), iterations: int | None = None,
              jit_compile: bool = True) -> tuple:
    """Train ``method`` on ``mixture`` for ``iterations`` (default ``sizes.toy_iterations``) generator updates.

    Returns ``(model, seconds)``, the training's wall time.
    """
    seed = check_seed(seed)
    mix = toy_mixture(mixture)
    iterations = sizes.toy_iterations if iterations is None else check_int(iterations, "iterations", minimum=1)
    seed_everything(seed)
    # steps run in groups of steps_per_execution, and callbacks see only the ends of groups: a group
    # must divide the epoch and the snapshot interval, or the frames of a SampleGrid would be skipped
    group = math.gcd(100, iterations, sizes.toy_snapshot_every)
    model, batch = toy_trainer(method, sizes, seed, jit_compile=jit_compile, steps_per_execution=group)
    return model, fit_toy(model, mix, batch, iterations, seed, group=group, callbacks=callbacks)


def fit_toy(model, mixture: GaussianMixture, batch_size: int, iterations: int, seed: int = 0, *, group: int = 100,
            callbacks=()) -> float:
    """Train a compiled ``model`` for ``iterations`` generator updates on :data:`TRAINING_POINTS` points of
    ``mixture`` (drawn with seed ``10_000 + seed``, streamed in a seeded order); return the wall seconds.

    ``group`` is the model's ``steps_per_execution``: epochs are whole groups.
    """
    points = mixture.sample(TRAINING_POINTS, seed=10_000 + seed)
    per_epoch = math.gcd(iterations, 500 * group)
    began = time.perf_counter()
    model.fit(training_stream(points, batch_size=batch_size, seed=seed), epochs=iterations // per_epoch,
              steps_per_epoch=per_epoch, callbacks=list(callbacks), verbose=0)
    return time.perf_counter() - began


def score_toy(model, mixture: str, n_samples: int = 2500, seed: int = 0) -> dict:
    """VEEGAN's figures for ``n_samples`` samples of ``model``'s generator on ``mixture``.

    Returns ``modes`` (captured: at least one high-quality sample, VEEGAN's
    rule), ``modes_1pct`` (modes holding at least 1% of the samples as
    high-quality points), ``high_quality`` (the share within 3σ of the nearest
    mode) and ``n_modes``.
    """
    mix = toy_mixture(mixture)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    samples = model.sample(n_samples, seed=seed)
    std = isotropic_std(mix)
    loose = mode_coverage(samples, mix.means, std)
    strict = mode_coverage(samples, mix.means, std, min_samples=max(1, int(np.ceil(ONE_PERCENT * n_samples))))
    return {"modes": loose["modes_covered"], "modes_1pct": strict["modes_covered"],
            "high_quality": round(loose["high_quality_share"], 4), "n_modes": loose["n_modes"]}


def spread(values) -> dict:
    """``{"mean", "std", "min", "max"}`` of a list of numbers (population std, as VEEGAN's ± over runs)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        raise ValueError("values is empty: nothing to summarise")
    return {"mean": round(float(arr.mean()), 4), "std": round(float(arr.std()), 4),
            "min": round(float(arr.min()), 4), "max": round(float(arr.max()), 4)}


def toy_modes_lab(sizes, *, methods=METHODS, mixtures=MIXTURES, seeds=None, log=None) -> dict:
    """Train and score every method on every mixture for ``seeds`` (default ``range(sizes.toy_seeds)``).

    Returns ``{mixture: {method: {"runs": [...], "modes": spread, "modes_1pct":
    spread, "high_quality": spread, "train_seconds": total}}}``; each run holds
    its seed, figures and seconds. ``log`` (e.g. ``print``) gets one line per run.
    """
    methods = [check_choice(m, "methods entry", METHODS) for m in methods]
    mixtures = [check_choice(m, "mixtures entry", MIXTURES) for m in mixtures]
    seeds = list(range(sizes.toy_seeds)) if seeds is None else [check_seed(s) for s in seeds]
    results = {}
    for mixture in mixtures:
        results[mixture] = {}
        for method in methods:
            runs = []
            for seed in seeds:
                model, seconds = train_toy(method, mixture, sizes, seed)
                figures = score_toy(model, mixture, sizes.toy_samples, seed=seed)
                runs.append({"seed": seed, **figures, "seconds": round(seconds, 1)})
                if log is not None:
                    log(f"{mixture} {method} seed {seed}: {runs[-1]}")
                keras.backend.clear_session()
            results[mixture][method] = {
                "runs": runs,
                **{key: spread([r[key] for r in runs]) for key in ("modes", "modes_1pct", "high_quality")},
                "train_seconds": round(sum(r["seconds"] for r in runs), 1),
            }
    return results


BARS = {"ring_modes_every_seed": 8, "grid_modes_every_seed": 24, "ring_high_quality_mean": 0.70,
        "grid_high_quality_mean": 0.40}
"""WGAN-GP's quality bars of the lab (COURSE.md §3, "toy modes"); VEEGAN reached 8/8 at 52.9% and 24.6/25 at 40%."""


def wgan_gp_bars(results: dict) -> dict:
    """Whether WGAN-GP's figures in ``results`` (from :func:`toy_modes_lab`) meet :data:`BARS`, one bool each."""
    ring, grid = results["ring"]["wgan-gp"], results["grid"]["wgan-gp"]
    return {"ring_modes_every_seed": ring["modes"]["min"] >= BARS["ring_modes_every_seed"],
            "grid_modes_every_seed": grid["modes"]["min"] >= BARS["grid_modes_every_seed"],
            "ring_high_quality_mean": ring["high_quality"]["mean"] >= BARS["ring_high_quality_mean"],
            "grid_high_quality_mean": grid["high_quality"]["mean"] >= BARS["grid_high_quality_mean"]}


def _to_stderr(line: str) -> None:
    import sys

    print(line, file=sys.stderr, flush=True)


def toy_modes_report(profile=None, seed: int = 0, *, log=_to_stderr) -> dict:
    """``python -m gancourse evaluate toy-modes``: the whole lab at ``profile``'s sizes, as one JSON-ready dict.

    Seeds ``seed, seed + 1, ...`` (``sizes.toy_seeds`` of them). Holds the
    sizes, every run, each figure's mean and spread, the total wall time and
    whether WGAN-GP meets the bars (:func:`wgan_gp_bars`). ``log`` gets one
    line per run (default: standard error, so the JSON line stays alone on
    standard output).
    """
    import dataclasses
    import os

    from .. import config

    prof = config.get_profile(profile)
    sizes = config.chapter_sizes("wgan", prof)
    seed = check_seed(seed)
    began = time.perf_counter()
    results = toy_modes_lab(sizes, seeds=range(seed, seed + sizes.toy_seeds), log=log)
    toy = {k: v for k, v in dataclasses.asdict(sizes).items() if k.startswith("toy_")}
    return {"profile": prof.name, "sizes": toy, "cpu_count": os.cpu_count(), "results": results,
            "wgan_gp_bars": wgan_gp_bars(results), "total_seconds": round(time.perf_counter() - began, 1)}
