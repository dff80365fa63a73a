"""Chapter 8's remedies table: modes captured on VEEGAN's ring by the plain GAN, the unrolled GAN and instance noise.

Issue 17: "for the remedies, a table over 5 seeds: modes captured and
high-quality share for the plain GAN, unrolled GAN and instance noise on the
same toy setup". Every method trains the same networks (chapter 7's lab
MLPs, :func:`~.toy_modes.toy_networks`) from the same seed on the same
points, with the same optimisers -- Adam 1e-3, β = (0.5, 0.9), at a constant
rate for both players, the setting in which the plain GAN drops modes
(:mod:`gancourse.train.health_cases`, case ``"collapse"``) -- and only the
remedy changes (:func:`gancourse.train.remedies.remedy_gan`, with
:func:`gancourse.train.health_cases.remedy_options`). Scored as chapter 7's
lab (:func:`~.toy_modes.score_toy`): modes captured by VEEGAN's rule (at least
one sample within 3σ), modes holding at least 1 % of the samples, and the
high-quality share; mean and spread over the seeds.

``python -m gancourse evaluate remedies-toy`` prints this table.
"""

from __future__ import annotations

import math
import time

from .. import config
from ..config import import_tensorflow
from ..config.validate import check_choice, check_int, check_seed
from ..train.health_cases import remedy_options
from ..train.remedies import remedy_gan
from .toy_modes import MIXTURES, fit_toy, score_toy, spread, toy_mixture, toy_networks

import_tensorflow()
import keras  # noqa: E402

__all__ = ["TABLE_METHODS", "LEARNING_RATE", "train_remedy", "remedy_mode_table"]

TABLE_METHODS = ("none", "unrolled", "instance_noise")
"""The issue's three rows: the plain GAN and two remedies for mode collapse."""

LEARNING_RATE = 1e-3
"""Both players' Adam rate (constant): the collapse case's."""


def train_remedy(method: str, sizes, seed: int = 0, *, steps: int, data: str = "ring", callbacks=()) -> tuple:
    """Train remedy ``method`` (a name of :data:`gancourse.train.remedies.REMEDIES`) on ``data``; ``(gan, seconds)``.

    ``sizes`` is chapter 7's :class:`~gancourse.config.sizes.WGANSizes` (the
    lab's networks and batch). A ``"wasserstein"`` critic steps 5 times per
    generator step on fresh slices (batch 5 × ``toy_batch``).
    """
    seed = check_seed(seed)
    steps = check_int(steps, "steps", minimum=1)
    config.seed_everything(seed)
    generator, discriminator = toy_networks(sizes, seed)
    gan = remedy_gan(method, generator, discriminator, seed=seed, **remedy_options(method, steps))
    group = math.gcd(100, steps)
    critic = method == "wasserstein"
    gan.compile(*(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5, beta_2=0.9) for _ in range(2)),
                jit_compile=True, steps_per_execution=group, **({"n_critic": 5} if critic else {}))
    batch = (5 if critic else 1) * sizes.toy_batch
    return gan, fit_toy(gan, toy_mixture(data), batch, steps, seed, group=group, callbacks=callbacks)


def remedy_mode_table(methods=TABLE_METHODS, seeds=None, steps: int | None = None, data: str = "ring", profile=None,
                      *, log=None) -> dict:
    """Train and score every method for every seed: the chapter's remedies table.

    Args:
        methods: remedy names (:data:`gancourse.train.remedies.REMEDIES`); ``"none"`` is the plain GAN.
        seeds: default ``range(remedy_seeds)`` of ``config.chapter_sizes("problems", profile)``.
        steps: generator steps per run; default ``remedy_steps``.
        data: ``"ring"`` (8 modes) or ``"grid"`` (25).
        profile: the profile whose sizes are used (networks: chapter 7's lab, ``chapter_sizes("wgan")``).
        log: ``None`` or a function given one line per run (e.g. ``print``).

    Returns:
        ``{"data", "steps", "seeds", "options": {method: options}, "methods":
        {method: {"runs": [{"seed", "modes", "modes_1pct", "high_quality",
        "n_modes", "seconds"}, ...], "modes": spread, "modes_1pct": spread,
        "high_quality": spread, "train_seconds": total}}, "more_modes_than_plain":
        {method: mean modes > the plain GAN's} (when ``"none"`` is among the
        methods), "total_seconds"}``; a spread is ``{"mean", "std", "min", "max"}``.
    """
    from ..train.remedies import REMEDIES

    if isinstance(methods, str):
        raise TypeError(f"methods must be a sequence of remedy names, got the string {methods!r}")
    methods = [check_choice(m, "methods entry", tuple(REMEDIES)) for m in methods]
    if not methods:
        raise ValueError("methods must name at least one remedy, got none")
    data = check_choice(data, "data", MIXTURES)
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    sizes = config.chapter_sizes("problems", prof)
    toy_sizes = config.chapter_sizes("wgan", prof)
    steps = sizes.remedy_steps if steps is None else check_int(steps, "steps", minimum=1)
    seeds = list(range(sizes.remedy_seeds)) if seeds is None else [check_seed(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    began = time.perf_counter()
    table = {}
    for method in methods:
        runs = []
        for seed in seeds:
            gan, seconds = train_remedy(method, toy_sizes, seed, steps=steps, data=data)
            runs.append({"seed": seed, **score_toy(gan, data, toy_sizes.toy_samples, seed=seed),
                         "seconds": round(seconds, 1)})
            if log is not None:
                log(f"{data} {method} seed {seed}: {runs[-1]}")
            keras.backend.clear_session()
        table[method] = {"runs": runs,
                         **{key: spread([r[key] for r in runs]) for key in ("modes", "modes_1pct", "high_quality")},
                         "train_seconds": round(sum(r["seconds"] for r in runs), 1)}
    result = {"data": data, "steps": steps, "seeds": seeds,
              "options": {m: remedy_options(m, steps) for m in methods}, "methods": table}
    if "none" in table:
        plain = table["none"]["modes"]["mean"]
        result["more_modes_than_plain"] = {m: table[m]["modes"]["mean"] > plain for m in methods if m != "none"}
    result["total_seconds"] = round(time.perf_counter() - began, 1)
    return result
