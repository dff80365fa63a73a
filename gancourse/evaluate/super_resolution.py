"""Chapter 8's super-resolution experiment: an L1 model and an L1 + adversarial model, scored for distortion and realism.

Blau & Michaeli (2018), "The Perception-Distortion Tradeoff", Theorem 1: the
lowest distortion (here mean absolute or squared error, i.e. the highest PSNR)
and the lowest distance between the outputs' distribution and the data's
(here the kit's Fréchet distance) cannot be reached together. The L1 model
sits at the low-distortion end with blurry digits; the adversarial term moves
the model toward realistic, sharp digits at some cost in PSNR.

:func:`sr_report` trains both models at a profile's sizes and reports, for
them and for two classical upsamplings (bicubic, nearest neighbour):

* PSNR over the whole image on the [0, 1] scale (:func:`gancourse.evaluate.psnr.psnr`,
  data_range 1), mean over the evaluation digits;
* the kit's Fréchet distance (:func:`gancourse.evaluate.report.evaluate_samples`)
  of the outputs against real test digits that are *not* the evaluated ones,
  its real-vs-real floor and their ratio;
* the share the kit's classifier reads as the true digit.
"""

from __future__ import annotations

import os
import time

import numpy as np

from .. import config
from ..config.validate import as_finite_array, check_choice, check_int, check_seed
from ..data.datasets import load_mnist
from ..data.images import tanh_range_to_unit_interval
from ..data.pipelines import balanced_subset_indices
from ..train.super_resolution import SuperResolutionGAN, downsample, train_super_resolution
from .features import classifier_accuracy
from .psnr import psnr
from .report import evaluate_samples

__all__ = ["upsample", "sr_scores", "noise_spread", "sr_comparison_images", "evaluation_split", "sr_report",
           "sr_experiment"]

UPSAMPLINGS = ("nearest", "bicubic")


def upsample(low, image_size: int = 28, method: str = "bicubic") -> np.ndarray:
    """A classical baseline: ``low`` (N, l, l[, 1]) resized to (N, image_size, image_size, 1), clipped to [-1, 1].

    ``"nearest"`` repeats each pixel over its block (what the low image
    looks like at full size); ``"bicubic"`` is Keys' cubic convolution
    (``keras.ops.image.resize``, half-pixel centres, the same grid as
    :func:`~gancourse.train.super_resolution.downsample`'s blocks). Bicubic
    overshoots at edges, so it is clipped to the pixel range.
    """
    import keras

    x = as_finite_array(low, "low", dtype=np.float32)
    x = x[..., None] if x.ndim == 3 else x
    if x.ndim != 4 or x.shape[-1] != 1 or x.shape[1] != x.shape[2] or len(x) == 0:
        raise ValueError(f"low must be a non-empty batch of square one-channel images, got shape {x.shape}")
    image_size = check_int(image_size, "image_size", minimum=x.shape[1])
    method = check_choice(method, "method", UPSAMPLINGS)
    if method == "nearest":
        if image_size % x.shape[1]:
            raise ValueError(f"nearest upsampling needs image_size a multiple of {x.shape[1]}, got {image_size}")
        factor = image_size // x.shape[1]
        return np.repeat(np.repeat(x, factor, axis=1), factor, axis=2)
    out = keras.ops.image.resize(x, (image_size, image_size), interpolation="bicubic", antialias=False)
    return np.clip(keras.ops.convert_to_numpy(out), -1.0, 1.0).astype(np.float32)


def sr_scores(outputs, high, labels, reference, *, seed: int = 0) -> dict:
    """PSNR against ``high`` ([0, 1] scale, dB), the kit's FD against ``reference``, and the true-digit share.

    ``reference`` must hold at least 2 x len(outputs) real images other than
    ``high`` (the FD's real sample and its floor's second sample).
    """
    psnr_db = psnr(tanh_range_to_unit_interval(outputs), tanh_range_to_unit_interval(high), data_range=1.0)
    kit = evaluate_samples(outputs, reference, seed=seed, nn_samples=min(len(outputs), 200), kid_subsets=20)
    return {"psnr_db": round(psnr_db, 3), "fd": kit["fd"], "fd_floor": kit["fd_floor"], "fd_ratio": kit["fd_ratio"],
            "true_digit_share": round(classifier_accuracy(outputs, labels), 4),
            "confident_share": kit["confident_share"]}


def noise_spread(model: SuperResolutionGAN, low, *, draws: int = 4) -> float:
    """Mean over pixels and images of the standard deviation of ``model.upscale(low)`` across ``draws`` noise seeds.

    0 means the generator ignores z (one output per input); pix2pix reports
    that its generator learns to, and an L1-trained one has no reason not to.
    """
    draws = check_int(draws, "draws", minimum=2)
    outs = np.stack([model.upscale(low, seed=s) for s in range(draws)])
    return float(outs.std(axis=0).mean())


def sr_comparison_images(models: dict, low, high, *, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """The side-by-side figure: ``(rows, names)``, rows of shape (2 + len(models), N, H, H, 1) in [-1, 1].

    Row 0 is the input, nearest-upsampled to full size ("input"); then one
    row per model of ``models`` (name -> :class:`SuperResolutionGAN`, e.g.
    ``{"L1 only": l1, "L1 + adversarial": gan}``), each drawn with noise
    ``seed``; the last row is the real digit ("real"). Show it with
    ``tile_images(rows.reshape(-1, H, H, 1), ncols=N)``.
    """
    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict name -> SuperResolutionGAN")
    for name, model in models.items():
        if not isinstance(model, SuperResolutionGAN):
            raise TypeError(f"models[{name!r}] must be a SuperResolutionGAN, got {type(model).__name__}")
    high = as_finite_array(high, "high", dtype=np.float32)
    high = high[..., None] if high.ndim == 3 else high
    low = as_finite_array(low, "low", dtype=np.float32)
    if len(low) != len(high):
        raise ValueError(f"low and high must hold the same number of images, got {len(low)} and {len(high)}")
    rows = [upsample(low, high.shape[1], "nearest")]
    rows += [model.upscale(low, seed=check_seed(seed)) for model in models.values()]
    rows.append(high)
    return np.stack(rows), ["input", *models, "real"]


def evaluation_split(x_test, y_test, n: int, *, seed: int = 0):
    """``(high, labels, reference)``: ``n`` class-balanced test digits to upscale, and the other test digits.

    The reference (for the Fréchet distance) excludes the evaluated digits, so
    a model that returned the true digits exactly would score the floor, not 0.
    """
    keep = balanced_subset_indices(y_test, n, seed=seed)
    rest = np.setdiff1d(np.arange(len(x_test)), keep)
    return x_test[keep], y_test[keep], x_test[rest]


def sr_report(profile=None, seed: int = 0) -> dict:
    """Train the L1 and the L1 + adversarial model at ``chapter_sizes("problems", profile)`` and score all four methods.

    Returns one JSON-ready dict: the sizes used, per method ``psnr_db``,
    ``fd``, ``fd_floor``, ``fd_ratio``, ``true_digit_share``, ``confident_share``
    (and for the two models ``train_seconds``, ``train_cpu_seconds`` and
    ``noise_spread``), and ``bar``: the adversarial model's FD below the L1
    model's (issue 17), with PSNR(L1) >= PSNR(adversarial) reported beside it
    (the trade-off, expected but not part of the bar).
    """
    return sr_experiment(profile, seed)[0]


def sr_experiment(profile=None, seed: int = 0, *, sizes=None) -> tuple[dict, dict, tuple]:
    """:func:`sr_report`'s work, also returning what the notebook shows: ``(report, models, (low, high))``.

    ``models`` maps ``"l1"`` and ``"l1_adversarial"`` to the trained
    :class:`SuperResolutionGAN`; ``low`` and ``high`` are the evaluation
    digits. ``sizes`` replaces ``chapter_sizes("problems", profile)`` (e.g. a
    ``dataclasses.replace`` of it with other ``sr_*`` values).
    """
    prof = profile if isinstance(profile, config.Profile) else config.get_profile(profile)
    seed = check_seed(seed)
    sizes = config.chapter_sizes("problems", prof) if sizes is None else sizes
    train = load_mnist(profile=prof)
    test = load_mnist(profile=prof, subset=False)
    n = min(sizes.sr_eval_images, len(test.x_test) // 3)
    high, labels, reference = evaluation_split(test.x_test, test.y_test, n, seed=seed)
    low = downsample(high, sizes.sr_low_size)
    methods, models = {}, {}
    for method in UPSAMPLINGS:
        methods[method] = sr_scores(upsample(low, high.shape[1], method), high, labels, reference, seed=seed)
    for name, weight in (("l1", 0.0), ("l1_adversarial", sizes.sr_adversarial_weight)):
        wall, cpu = time.perf_counter(), time.process_time()
        models[name] = train_super_resolution(train.x_train, sizes, adversarial_weight=weight, seed=seed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        methods[name] = sr_scores(models[name].upscale(low, seed=seed), high, labels, reference, seed=seed) | {
            "train_seconds": round(wall, 1), "train_cpu_seconds": round(cpu, 1),
            "steps": models[name].steps_done, "noise_spread": round(noise_spread(models[name], low[:200]), 5)}
    methods["real"] = sr_scores(high, high, labels, reference, seed=seed) | {"psnr_db": None}
    l1, adv = methods["l1"], methods["l1_adversarial"]
    bar = {"adversarial_fd_below_l1_fd": adv["fd"] < l1["fd"], "fd_l1": l1["fd"], "fd_adversarial": adv["fd"],
           "psnr_l1_db": l1["psnr_db"], "psnr_adversarial_db": adv["psnr_db"],
           "psnr_cost_db": round(l1["psnr_db"] - adv["psnr_db"], 3)}
    report = {"profile": prof.name, "seed": seed, "data": train.source.split(":")[0],
              "train_images": len(train.x_train), "eval_images": n, "reference_images": len(reference),
              "psnr": "whole image, [0, 1] scale, mean of per-image PSNR",
              "fd": "the kit's Fréchet distance (MNIST classifier features) against other test digits",
              "sizes": {k: v for k, v in vars(sizes).items() if k.startswith("sr_")},
              "methods": methods, "bar": bar, "bar_met": bar["adversarial_fd_below_l1_fd"],
              "tradeoff_seen": bar["psnr_cost_db"] >= 0.0, "cpu_count": os.cpu_count()}
    return report, models, (low, high)
