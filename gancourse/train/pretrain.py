"""Rebuilding the pretrained GANs shipped in ``data/pretrained/`` from their recipes, reproducibly.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..config.validate import check_choice, check_seed
from ..data.datasets import load_dataset
from ..data.files import set_sha256_line, sha256_of
from ..data.pipelines import training_stream
from ..nets.dcgan import dcgan_networks
from ..nets.mlp import mlp_discriminator, mlp_generator
from ..nets.pretrained import (
    PRETRAINED_FILES,
    _ladder_file,
    pretrained_dir,
    save_reproducible,
)
from .checkpoints import GANCheckpoint
from .divergence_stop import DivergenceStop
from .gan_trainer import GAN
from .recipes import RECIPES, Recipe

STEPS_PER_EXECUTION = 10
"""Training steps per compiled call. Keras 3.15 runs whole executions even where ``fit(steps_per_epoch=n)``
asks for fewer (measured: ``n = 5`` gave 10 optimizer updates), so every chunk of a recipe run, its
epochs and its ladder rungs, is a multiple of this."""


def build_recipe_gan(recipe: Recipe):
    """The compiled :class:`gancourse.train.gan_trainer.GAN` of ``recipe`` (weights seeded by ``recipe.seed``)."""
    import_tensorflow()
    import keras

    config.seed_everything(recipe.seed)
    sizes = recipe.sizes
    if recipe.model == "mlp":
        generator = mlp_generator(sizes.latent_dim)
        discriminator = mlp_discriminator(activation=recipe.d_activation)
    else:
        generator, discriminator = dcgan_networks(sizes.latent_dim, **sizes.architecture)
    model = GAN(generator, discriminator, seed=recipe.seed)

    def rate(value):
        if not getattr(sizes, "cosine_decay", False):
            return value
        return keras.optimizers.schedules.CosineDecay(value, decay_steps=sizes.steps)

    model.compile(keras.optimizers.Adam(rate(recipe.d_learning_rate), beta_1=recipe.beta_1),
                  keras.optimizers.Adam(rate(recipe.g_learning_rate), beta_1=recipe.beta_1),
                  steps_per_execution=STEPS_PER_EXECUTION, jit_compile=getattr(sizes, "jit_compile", False))
    return model


def train_recipe(recipe: Recipe, images: np.ndarray, *, out_dir, checkpoint_dir=None, verbose: int = 2) -> dict:
    """Train ``recipe`` on ``images`` and write its files into ``out_dir``; return their hashes.

    Trains in chunks of ``steps_per_epoch`` through ``fit()`` with a
    :class:`~gancourse.callbacks.GANCheckpoint` (so an interrupted rebuild
    resumes where it stopped) and a :class:`~gancourse.callbacks.DivergenceStop`.
    Ladder rungs are written as the run passes them (a stale file from an
    earlier run is replaced); the default checkpoint folder
    ``out_dir/.checkpoints-NAME`` is removed once every file is written.
    """
    out_dir = pathlib.Path(out_dir)
    model = build_recipe_gan(recipe)
    ckpt_dir = pathlib.Path(checkpoint_dir or out_dir / f".checkpoints-{recipe.name}")
    ckpt = GANCheckpoint(ckpt_dir, keep=1)
    # NaN and explosion only: a discriminator that stays ahead is normal for these recipes
    stop = DivergenceStop(patience=10**9, raise_error=True)
    start = ckpt.restore(model)
    sizes = recipe.sizes
    stops = sorted({*recipe.ladder, sizes.steps})
    if sizes.steps % sizes.steps_per_epoch or any(not 0 < s < sizes.steps for s in recipe.ladder):
        raise ValueError("sizes.steps must be a multiple of steps_per_epoch and ladder steps inside (0, steps)")
    if sizes.steps_per_epoch % STEPS_PER_EXECUTION or any(s % STEPS_PER_EXECUTION for s in recipe.ladder):
        raise ValueError(f"sizes.steps_per_epoch ({sizes.steps_per_epoch}) and the ladder steps {recipe.ladder} "
                         f"must be multiples of STEPS_PER_EXECUTION = {STEPS_PER_EXECUTION}: Keras would run "
                         "a whole execution past a shorter chunk")
    written = {}
    began = time.perf_counter()
    epoch, step = start.epoch, start.step
    # Ladder rungs can fall inside an epoch: run short epochs up to each rung.
    for target in stops:
        passes_rung = step < target  # rungs behind a resumed run were written before the interruption
        while step < target:
            n = min(target - step, sizes.steps_per_epoch - step % sizes.steps_per_epoch)
            stream = training_stream(images, batch_size=sizes.batch_size, seed=recipe.seed, start_step=step)
            model.fit(stream, epochs=epoch + 1, initial_epoch=epoch, steps_per_epoch=n,
                      callbacks=[ckpt, stop], verbose=verbose)
            epoch, step = epoch + 1, step + n
        if target in recipe.ladder and passes_rung:
            save_reproducible(model.generator, out_dir / _ladder_file(target, recipe.name))
    for target in recipe.ladder:  # rungs written before an interruption count too
        rung = _ladder_file(target, recipe.name)
        written[rung] = sha256_of(out_dir / rung)
    for part, fname in PRETRAINED_FILES[recipe.name].items():
        network = model.generator if part == "generator" else model.discriminator
        written[fname] = save_reproducible(network, out_dir / fname)
    if checkpoint_dir is None:  # every file is written: the default resume point has done its job
        ckpt.delete_checkpoints()  # only what GANCheckpoint wrote; the folder goes if that empties it
    return {"files": written, "steps": step, "train_seconds": round(time.perf_counter() - began, 1)}


def _training_images(dataset: str = "mnist") -> tuple[np.ndarray, str]:
    """The full training split of ``dataset`` (pretraining ignores the profile's subset; never the mini subset)."""
    images = load_dataset(dataset, profile="cpu", subset=False, mini=False)
    return images.x_train, images.source


def pretrain(name: str, *, seed: int = 0, out: str | os.PathLike | None = None) -> dict:
    """Rebuild the shipped files of recipe ``name``; with ``out``, write them there and leave SHA256SUMS alone."""
    check_choice(name, "name", RECIPES)
    recipe = RECIPES[name]
    seed = check_seed(seed)
    if seed != recipe.seed:
        recipe = dataclasses.replace(recipe, seed=seed)
    out_dir = pathlib.Path(out) if out else pretrained_dir()
    images, source = _training_images(recipe.dataset)
    result = train_recipe(recipe, images, out_dir=out_dir)
    shipped = out_dir.resolve() == pretrained_dir().resolve()
    for fname, digest in result["files"].items():
        if shipped:
            set_sha256_line(f"pretrained/{fname}", digest)
        print(f"{digest}  pretrained/{fname}", flush=True)
    print(f"wrote {len(result['files'])} file(s) to {out_dir}"
          + ("; data/SHA256SUMS updated" if shipped else "; data/SHA256SUMS left alone (--out)"), flush=True)
    return {"recipe": dataclasses.asdict(recipe), "data": source, "out": str(out_dir), **result}
