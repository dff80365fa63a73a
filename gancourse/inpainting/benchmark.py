"""Chapter 6's comparison: every completion method on every mask, scored the same way, and the bars it is held to.

Used by the chapter and by ``python -m gancourse evaluate inpainting-mnist``,
so both measure the same thing. The score comes in as a function (the
chapter passes :func:`gancourse.evaluate.completion.score_completion` bound to
the true images and labels), which keeps this module free of the evaluation
kit (the package's import tiers, docs/architecture.md).
"""

from __future__ import annotations

import time

import numpy as np

from ..config.validate import check_int, check_number, check_seed
from ..objectives.inpainting import as_images
from .masks import center_square_mask, half_mask, random_pixel_mask
from .methods import CLASSICAL_METHODS, complete_stronger, complete_yeh, fit_whole_images

__all__ = ["evaluation_subset", "evaluation_masks", "completion_table", "whole_image_table", "best_classical", "margins_over_classical"]


def evaluation_subset(images, labels, n: int, seed: int = 0):
    """The first ``n`` images (and labels) of a fixed shuffle: the same test digits for every method and run."""
    n = check_int(n, "n", minimum=1)
    if len(images) != len(labels):
        raise ValueError(f"images and labels must have the same length, got {len(images)} and {len(labels)}")
    order = np.random.default_rng(check_seed(seed)).permutation(len(images))[:n]
    return images[order], labels[order]


def evaluation_masks(image_shape, *, center_size: int = 14, missing_fraction: float = 0.8, seed: int = 0) -> dict:
    """The three masks of Yeh et al.'s experiments at MNIST size: ``{"center 14x14", "bottom half", "random 80%"}``."""
    center_size = check_int(center_size, "center_size", minimum=1)
    missing_fraction = check_number(missing_fraction, "missing_fraction", minimum=0.0, maximum=1.0)
    return {f"center {center_size}x{center_size}": center_square_mask(image_shape, center_size),
            "bottom half": half_mask(image_shape, "bottom"),
            f"random {round(100 * missing_fraction)}%": random_pixel_mask(image_shape, missing_fraction,
                                                                          check_seed(seed))}


def _timed(scores: dict, seconds: float) -> dict:
    return {**scores, "seconds": round(seconds, 1)}


def completion_table(generator, discriminator, encoder, images, masks: dict, sizes, *, score, seed: int = 0,
                     progress=None) -> tuple[dict, dict]:
    """``table[mask][method] = score(completed, mask) + seconds`` for every method, and the completions.

    Methods: the classical baselines, Yeh's search (direct and Poisson
    blending; both rows show the search's seconds), and, with an
    ``encoder``, the stronger inversion's three stages (seconds of each stage
    alone). ``sizes`` is chapter 6's :class:`~gancourse.config.sizes.InpaintingSizes`.
    ``progress(text)`` is called before each step if given.
    """
    y = as_images(images, "images")
    if not callable(score):
        raise TypeError(f"score must be a function (completed, mask) -> dict, got {type(score).__name__}")
    table, completions = {}, {}
    for mask_name, mask in masks.items():
        m = np.broadcast_to(np.asarray(mask, np.float32)[None, ..., None], y.shape)
        row, done = {}, {}
        for method, fill in CLASSICAL_METHODS.items():
            start = time.perf_counter()
            done[method] = fill(y, m)
            row[method] = _timed(score(done[method], m), time.perf_counter() - start)
        if progress:
            progress(f"{mask_name}: Yeh's search ({len(y)} images x {sizes.restarts} restarts x {sizes.steps} steps)")
        start = time.perf_counter()
        yeh, _ = complete_yeh(generator, discriminator, y, m, steps=sizes.steps, restarts=sizes.restarts,
                              learning_rate=sizes.learning_rate, prior_weight=sizes.prior_weight,
                              window=sizes.window, candidates=sizes.candidates, schedule=sizes.schedule, seed=seed)
        seconds = time.perf_counter() - start
        for method, completed in yeh.items():
            done[method] = completed
            row[method] = _timed(score(completed, m), seconds)
        if encoder is not None:
            if progress:
                progress(f"{mask_name}: the stronger inversion ({sizes.tune_steps} fine-tuning steps per image)")
            stages, seconds = _stronger_stages(generator, discriminator, encoder, y, m, sizes, seed)
            for method, completed in stages.items():
                done[method] = completed
                row[method] = _timed(score(completed, m), seconds[method])
        table[mask_name], completions[mask_name] = row, done
    return table, completions


def _stronger_stages(generator, discriminator, encoder, y, m, sizes, seed, whole=False):
    # whole images: plain weights (Yeh's are 0 without a hole), no prior (what G can draw), G's raw output
    return complete_stronger(generator, discriminator, encoder, y, m, steps=sizes.steps, tune_steps=sizes.tune_steps,
                             learning_rate=sizes.learning_rate, tune_learning_rate=sizes.tune_learning_rate,
                             prior_weight=0.0 if whole else sizes.prior_weight,
                             weighting="plain" if whole else "importance", window=sizes.window,
                             schedule=sizes.schedule, blend=not whole, seed=seed)


def whole_image_table(generator, discriminator, encoder, images, sizes, *, score, seed: int = 0) -> tuple[dict, dict]:
    """How well G reproduces whole images (nothing missing): the ceiling of any completion, per method.

    ``score(completed, None)``. Yeh's z-only search (best of ``sizes.restarts``)
    and, with an ``encoder``, the stronger inversion's stages.
    """
    y = as_images(images, "images")
    start = time.perf_counter()
    z_only = fit_whole_images(generator, discriminator, y, steps=sizes.steps, restarts=sizes.restarts,
                              learning_rate=sizes.learning_rate, candidates=sizes.candidates,
                              schedule=sizes.schedule, seed=seed)["z only"]
    table = {"z only": _timed(score(z_only, None), time.perf_counter() - start)}
    done = {"z only": z_only}
    if encoder is not None:
        stages, seconds = _stronger_stages(generator, discriminator, encoder, y, np.ones_like(y), sizes, seed,
                                           whole=True)
        for method, completed in stages.items():
            done[method] = completed
            table[method] = _timed(score(completed, None), seconds[method])
    return table, done


def best_classical(row: dict, metric: str = "psnr_hole") -> tuple[str, dict]:
    """The classical baseline with the highest ``metric`` in one mask's row: (name, its scores)."""
    name = max(CLASSICAL_METHODS, key=lambda method: row[method][metric])
    return name, row[name]


def margins_over_classical(row: dict, method: str) -> dict:
    """``method``'s gains over the best classical baseline of the row, each metric against its own best.

    PSNR gain (dB) over the baseline with the highest PSNR, accuracy gain
    (points) over the one with the highest accuracy: they need not be the
    same baseline (on the half mask, mean fill has the best PSNR and
    Navier-Stokes the best accuracy), and comparing with the strongest in
    each is the stricter reading of "the best classical baseline".
    """
    by_psnr, best_psnr = best_classical(row, "psnr_hole")
    by_accuracy, best_accuracy = best_classical(row, "accuracy")
    return {"best_classical": by_psnr, "best_classical_accuracy": by_accuracy,
            "psnr_gain_db": round(row[method]["psnr_hole"] - best_psnr["psnr_hole"], 2),
            "accuracy_gain_points": round(100 * (row[method]["accuracy"] - best_accuracy["accuracy"]), 1)}
