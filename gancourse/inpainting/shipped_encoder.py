"""The inversion encoder shipped for chapter 6: its recipe, the command that rebuilds it, and its loader.

``python -m gancourse pretrain inpainting-encoder-mnist`` trains
:func:`~gancourse.inpainting.stronger_inversion.build_inversion_encoder` for the
shipped DCGAN generator (``dcgan-mnist``) on the 60,000 MNIST training digits
under :func:`~gancourse.inpainting.masks.random_training_masks` and writes
``data/pretrained/inpainting_encoder_mnist.keras`` (its hash into
``data/SHA256SUMS``). The chapter loads it with :func:`load_inversion_encoder`
and trains nothing long.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import time

import numpy as np

from .. import config
from ..config.validate import check_seed
from ..data.datasets import load_mnist
from ..data.files import set_sha256_line, shipped_data_dir
from ..nets.pretrained import load_pretrained, pretrained_path, save_reproducible
from .masks import random_training_masks
from .stronger_inversion import build_inversion_encoder, train_inversion_encoder

__all__ = ["EncoderRecipe", "ENCODER_RECIPE", "ENCODER_NAME", "pretrain_inversion_encoder", "load_inversion_encoder"]

ENCODER_NAME = "inpainting-encoder-mnist"


@dataclasses.dataclass(frozen=True)
class EncoderRecipe:
    """How the shipped encoder is trained (:func:`~gancourse.inpainting.stronger_inversion.train_inversion_encoder`)."""

    steps: int
    batch_size: int
    width: int  # filters of the first convolution (the second has twice as many)
    learning_rate: float
    real_weight: float  # weight of ||G(E(x)) - x||^2 on real digits next to ||E(G(z)) - z||^2
    masks: int  # distinct training masks drawn once (random_training_masks)
    generator: str  # the shipped generator the encoder inverts


ENCODER_RECIPE = EncoderRecipe(steps=4000, batch_size=64, width=64, learning_rate=1e-3, real_weight=1.0, masks=4096,
                               generator="dcgan-mnist")


def pretrain_inversion_encoder(*, profile=None, seed: int = 0, out: str | os.PathLike | None = None,
                               recipe: EncoderRecipe = ENCODER_RECIPE) -> dict:
    """Train the encoder of :data:`ENCODER_RECIPE` and write it (the shipped file, or ``out``).

    The ``smoke`` profile trains 20 steps on the mini subset as a check of the
    command and therefore needs ``out``.
    """
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    seed = check_seed(seed)
    shipped = pretrained_path(ENCODER_NAME, "encoder")
    target = pathlib.Path(out) if out else shipped
    if prof.mini_data and target.resolve() == shipped.resolve():
        raise ValueError(f"profile {prof.name!r} trains on the mini subset and must not replace the shipped encoder: "
                         "pass --out PATH, or use --profile cpu with the full MNIST")
    if target.suffix != ".keras":
        raise ValueError(f"--out must end in .keras, got {target}")
    steps = 20 if prof.mini_data else recipe.steps
    generator = load_pretrained(recipe.generator)
    latent_dim = int(generator.inputs[0].shape[-1])
    mnist = load_mnist(profile=prof, subset=prof.mini_data)
    encoder = build_inversion_encoder(latent_dim, mnist.x_train.shape[1:], recipe.width, seed=seed)
    masks = random_training_masks(mnist.x_train.shape[1:3], recipe.masks, seed=seed)
    start = time.perf_counter()
    losses = train_inversion_encoder(encoder, generator, steps, recipe.batch_size, seed, mnist.x_train, masks=masks,
                                     learning_rate=recipe.learning_rate, real_weight=recipe.real_weight)
    seconds = time.perf_counter() - start
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = save_reproducible(encoder, target)
    if target.resolve() == shipped.resolve():
        set_sha256_line(str(shipped.relative_to(shipped_data_dir())), digest)
    return {"profile": prof.name, "seed": seed, **dataclasses.asdict(recipe), "steps": steps,
            "train_images": int(len(mnist.x_train)), "train_seconds": round(seconds, 1),
            "first_loss": round(float(losses[0]), 4), "last_100_loss": round(float(np.mean(losses[-100:])), 4),
            "params": int(encoder.count_params()), "file": str(target), "bytes": target.stat().st_size,
            "sha256": digest}


def load_inversion_encoder():
    """The shipped encoder (checksummed): images (N, 28, 28, 1) with the hole mean-filled -> codes for ``dcgan-mnist``."""
    return load_pretrained(ENCODER_NAME, "encoder")
