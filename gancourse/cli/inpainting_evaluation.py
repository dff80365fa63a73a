"""``python -m gancourse evaluate inpainting-mnist``: chapter 6's table and its bars, as one JSON line."""

from __future__ import annotations

import os
import time

from .. import config
from ..data.datasets import load_mnist
from ..evaluate.completion import score_completion
from ..inpainting.benchmark import (
    completion_table,
    evaluation_masks,
    evaluation_subset,
    margins_over_classical,
    whole_image_table,
)
from ..inpainting.shipped_encoder import load_inversion_encoder
from ..nets.pretrained import load_pretrained

BARS = {"yeh_half_db": 1.0, "yeh_half_points": 5.0, "yeh_center_db": 0.5, "stronger_whole_accuracy": 0.95,
        "stronger_center_db": 1.5, "stronger_center_points": 12.0}
"""Issue #15's quality bars: gains over the best classical baseline (dB, accuracy points) and an accuracy."""


def evaluate_inpainting_mnist(args) -> dict:
    """Every method on every mask over the profile's test digits, the whole-digit ceiling, and the bars."""
    profile = config.get_profile(args.profile)
    sizes = config.chapter_sizes("inpainting", profile)
    mnist = load_mnist(profile=profile)
    x, y = evaluation_subset(mnist.x_test, mnist.y_test, sizes.test_images)
    generator, discriminator = load_pretrained("dcgan-mnist"), load_pretrained("dcgan-mnist", "discriminator")
    encoder = load_inversion_encoder()
    masks = evaluation_masks(x.shape[1:3])
    start = time.perf_counter()
    table, _ = completion_table(generator, discriminator, encoder, x, masks, sizes, seed=args.seed,
                                score=lambda done, m: score_completion(done, x, y, m))
    whole, _ = whole_image_table(generator, discriminator, encoder, x, sizes, seed=args.seed,
                                 score=lambda done, m: score_completion(done, x, y, m))
    seconds = time.perf_counter() - start
    center, half = (next(name for name in masks if name.startswith(p)) for p in ("center", "bottom"))
    yeh_half = margins_over_classical(table[half], "Yeh (direct)")
    yeh_center = margins_over_classical(table[center], "Yeh (direct)")
    strong_center = margins_over_classical(table[center], "+ G fine-tuning")
    strong_whole = whole["+ G fine-tuning"]["accuracy"]
    bars = {"yeh_half": {**yeh_half, "met": yeh_half["psnr_gain_db"] >= BARS["yeh_half_db"]
                         and yeh_half["accuracy_gain_points"] >= BARS["yeh_half_points"]},
            "yeh_center": {**yeh_center, "met": yeh_center["psnr_gain_db"] >= BARS["yeh_center_db"]},
            "stronger_center": {**strong_center, "met": strong_center["psnr_gain_db"] >= BARS["stronger_center_db"]
                                and strong_center["accuracy_gain_points"] >= BARS["stronger_center_points"]},
            "stronger_whole_accuracy": {"accuracy": strong_whole, "met": strong_whole >= BARS["stronger_whole_accuracy"]}}
    return {"profile": profile.name, "seed": args.seed, "test_images": len(x), "data": mnist.source.split(":")[0],
            "psnr": "over the hole, [0, 1] scale, per image (capped at 60 dB) then mean",
            "accuracy": "share of completions the kit's MNIST classifier reads as the true digit",
            "sizes": {k: v for k, v in vars(sizes).items()}, "table": table, "whole_digits": whole,
            "bars_required": BARS, "bars": bars, "all_bars_met": all(b["met"] for b in bars.values()),
            "seconds": round(seconds, 1), "cpu_count": os.cpu_count()}
