"""Chapter 8's commands: ``evaluate health``, ``evaluate cgan-mnist``, ``evaluate cgan-mnist-pretrained`` and
``evaluate remedies-toy``, each one JSON line with the issue's bars (issue 17)."""

from __future__ import annotations

import os
import pathlib
import resource
import sys
import time

from .. import config
from ..data.datasets import load_mnist
from ..evaluate.conditional import conditional_report
from ..evaluate.remedy_modes import remedy_mode_table
from ..nets.pretrained import save_reproducible
from ..train.conditional import (
    CGAN_FILE,
    CGAN_RECIPE,
    conditional_sizes,
    load_conditional_gan,
    train_conditional_gan,
)
from ..train.health_cases import HEALTH_CASES, run_health_case

__all__ = [
    "CGAN_BARS",
    "PRETRAINED_CGAN_BARS",
    "cpu_seconds",
    "evaluate_cgan_mnist",
    "evaluate_cgan_mnist_pretrained",
    "evaluate_health",
    "evaluate_remedies_toy",
]

CGAN_BARS = {"min_digit_accuracy": 0.95, "classes_covered": 10, "fd_ratio": 10.0, "train_seconds": 600.0}
"""``evaluate cgan-mnist`` in the ``cpu`` profile: every digit >= 95 %, 10/10 classes, FD <= 10x the floor,
<= 10 minutes of training."""

PRETRAINED_CGAN_BARS = {"min_digit_accuracy": 0.98, "classes_covered": 10, "fd_ratio": 5.0}
"""The shipped conditional generator: every digit >= 98 %, FD <= 5x the floor."""


def cpu_seconds() -> float:
    """CPU seconds (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _bars(report: dict, bars: dict) -> dict:
    met = {"min_digit_accuracy": report["min_digit_accuracy"] >= bars["min_digit_accuracy"],
           "classes_covered": report["classes_covered"] >= bars["classes_covered"],
           "fd_ratio": report["fd_ratio"] <= bars["fd_ratio"]}
    if "train_seconds" in bars:
        met["train_seconds"] = report["train_seconds"] <= bars["train_seconds"]
    return met


def evaluate_cgan_mnist(args) -> dict:
    """``evaluate cgan-mnist``: train chapter 8's conditional GAN at the profile's sizes, then score it per digit.

    The ``cpu`` profile's bars (:data:`CGAN_BARS`) are reported in ``bars_met``;
    ``--out PATH.keras`` keeps the generator.
    """
    prof = config.get_profile(args.profile)
    if args.out and pathlib.Path(args.out).suffix != ".keras":
        raise ValueError(f"--out must end in .keras, got {args.out}")  # refused before training, not after
    sizes = conditional_sizes(prof)
    mnist = load_mnist(profile=prof)
    cpu_before, began = cpu_seconds(), time.perf_counter()
    gan, seconds = train_conditional_gan(sizes, mnist.x_train, mnist.y_train, seed=args.seed)
    train_cpu = cpu_seconds() - cpu_before
    if args.out:
        save_reproducible(gan.generator, pathlib.Path(args.out))
    report = conditional_report(gan, prof, args.seed)
    report |= {"train_seconds": round(seconds, 1), "train_cpu_seconds": round(train_cpu, 1)}
    return {"profile": prof.name, "seed": args.seed, "steps": gan.steps_done, "batch_size": sizes.batch_size,
            "architecture": sizes.architecture, "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
            **report, "bars": CGAN_BARS, "bars_met": _bars(report, CGAN_BARS),
            "total_seconds": round(time.perf_counter() - began, 1)}


def evaluate_cgan_mnist_pretrained(args) -> dict:
    """``evaluate cgan-mnist-pretrained``: the shipped conditional generator per digit and by the kit."""
    prof = config.get_profile(args.profile)
    report = conditional_report(load_conditional_gan(), prof, args.seed)
    return {"profile": prof.name, "seed": args.seed, "file": CGAN_FILE, "recipe_steps": CGAN_RECIPE.steps,
            **report, "bars": PRETRAINED_CGAN_BARS, "bars_met": _bars(report, PRETRAINED_CGAN_BARS)}


def evaluate_health(args) -> dict:
    """``evaluate health``: every reproduced case for ``health_seeds`` seeds; the expected-x-named confusion table.

    A run is named right when the readout's last check names the case's state.
    """
    prof = config.get_profile(args.profile)
    sizes = config.chapter_sizes("problems", prof)
    seeds = list(range(args.seed, args.seed + sizes.health_seeds))
    cpu_before, began = cpu_seconds(), time.perf_counter()
    runs, confusion = [], {}
    for name, expected in HEALTH_CASES.items():
        for seed in seeds:
            run = run_health_case(name, seed, profile=prof)
            share = sum(s == expected for s in run.states) / max(1, len(run.states))
            runs.append({"case": name, "seed": seed, "expected": expected, "named": run.final_state,
                         "right": run.named_right, "checks": len(run.states), "checks_naming_expected": round(share, 3),
                         "last_line": run.final_line, "seconds": round(run.seconds, 1)})
            _log(f"{name} seed {seed}: {run.final_line}")
            row = confusion.setdefault(expected, {})
            row[run.final_state] = row.get(run.final_state, 0) + 1
    return {"profile": prof.name, "seeds": seeds, "health_steps": sizes.health_steps,
            "health_every_steps": sizes.health_every_steps, "confusion": confusion,
            "all_named_right": all(r["right"] for r in runs), "runs": runs, "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(), "total_seconds": round(time.perf_counter() - began, 1),
            "cpu_seconds": round(cpu_seconds() - cpu_before, 1)}


def evaluate_remedies_toy(args) -> dict:
    """``evaluate remedies-toy``: the plain GAN, unrolled GAN and instance noise on the ring over ``remedy_seeds``
    seeds (:func:`~gancourse.evaluate.remedy_modes.remedy_mode_table`); the bar: a remedy's mean modes above the
    plain GAN's."""
    prof = config.get_profile(args.profile)
    sizes = config.chapter_sizes("problems", prof)
    cpu_before = cpu_seconds()
    table = remedy_mode_table(seeds=range(args.seed, args.seed + sizes.remedy_seeds), profile=prof, log=_log)
    return {"profile": prof.name, **table, "bar_met": any(table["more_modes_than_plain"].values()),
            "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
            "cpu_seconds": round(cpu_seconds() - cpu_before, 1)}
