"""The conditional GAN (Mirza & Osindero 2014): the course's GAN trainer with labels fed to both networks.

Mirza & Osindero (2014), "Conditional Generative Adversarial Nets", eq. 2:

    min_G max_D V(D, G) = E_{x,y ~ p_data}[log D(x | y)] + E_{z ~ p_z, y}[log(1 − D(G(z | y) | y))]

:class:`ConditionalGAN` overrides only the trainer's batch and network hooks
(docs/architecture.md): :meth:`~ConditionalGAN.split_batch` takes ``(images,
labels)`` batches, :meth:`~ConditionalGAN.generate` feeds ``[z, y]`` to G and
:meth:`~ConditionalGAN.discriminate` ``[x, y]`` to D. Each step's fakes are
drawn for the labels of its real batch, so D judges real and fake images of
the same digits, and G is asked for each digit as often as it occurs in the
data. Everything else is the plain GAN: Algorithm 1, the losses, ``fit()``,
the callbacks (which draw through ``generate``), exact resume with
:class:`~.checkpoints.GANCheckpoint` and
:func:`gancourse.data.pipelines.training_stream` (pass the labels too:
``training_stream(x, y, batch_size=...)``).

The networks are :mod:`gancourse.nets.conditional` (G: one-hot label
concatenated with z; D: a projection discriminator).

:func:`train_conditional_gan` trains one at a :class:`~gancourse.config.sizes.DCGANSizes`
(``evaluate cgan-mnist`` at :func:`conditional_sizes`, ``pretrain cgan-mnist`` at
:data:`CGAN_RECIPE`), and :func:`load_conditional_gan` wraps the shipped generator.
"""

from __future__ import annotations

import dataclasses
import math
import os
import pathlib
import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..config.sizes import DCGANSizes
from ..config.validate import as_finite_array, check_int, check_seed
from ..data.datasets import load_mnist
from ..data.files import set_sha256_line, shipped_data_dir
from ..data.pipelines import training_stream
from ..nets.conditional import (
    N_CLASSES,
    conditional_discriminator,
    conditional_networks,
    label_classes,
)
from ..nets.dcgan import dcgan_optimizers
from ..nets.latent import latent_noise
from ..nets.pretrained import pretrained_dir, save_reproducible, verified_shipped_file
from .checkpoints import GANCheckpoint
from .divergence_stop import DivergenceStop
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["ConditionalGAN", "check_labels", "balanced_labels", "conditional_sample_grid", "samples_per_class",
           "CGAN_NAME", "CGAN_FILE", "CGAN_RECIPE", "conditional_sizes", "build_conditional_gan", "train_conditional_gan",
           "pretrain_conditional_gan", "load_conditional_gan"]


def balanced_labels(n: int, n_classes: int = N_CLASSES) -> np.ndarray:
    """``0, 1, ..., n_classes − 1, 0, 1, ...``: ``n`` int32 labels, every class as often as ``n`` allows."""
    n = check_int(n, "n", minimum=1)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    return (np.arange(n) % n_classes).astype(np.int32)


def check_labels(labels, n_classes: int, name: str = "labels") -> np.ndarray:
    """``labels`` as a 1-D int32 array of whole numbers in [0, n_classes); a ValueError naming ``name`` otherwise."""
    values = as_finite_array(labels, name, ndim=1)
    if values.size and (np.any(values != np.round(values)) or values.min() < 0 or values.max() >= n_classes):
        raise ValueError(f"{name} must be whole numbers in [0, {n_classes}), got values from {values.min()} "
                         f"to {values.max()}")
    return values.astype(np.int32)


class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator both take the class label (Mirza & Osindero 2014).

    Args:
        generator: a Keras model ``[z (N, latent_dim), label (N,)] -> samples``
            (:func:`gancourse.nets.conditional.conditional_generator`).
        discriminator: a Keras model ``[samples, label (N,)] -> logits (N, 1)``
            (:func:`~gancourse.nets.conditional.conditional_discriminator`).
        latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        n_classes: number of classes; ``None`` reads it from the networks'
            label layers (and a value that disagrees with them is an error).

    Train it on ``(images, labels)`` batches (``training_stream(x, y, ...)``
    or ``fit(x, y)``). ``generate(z)`` without labels, as the kit's
    :func:`~gancourse.evaluate.report.generate_samples` and ``gan(z)`` call it,
    draws the classes in turn (:func:`balanced_labels`).
    """

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *, n_classes: int | None = None,
                 seed: int = 0, **kwargs):
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            inputs = getattr(net, "inputs", None) if isinstance(net, keras.Model) else None
            if not inputs or len(inputs) != 2:
                raise ValueError(f"a conditional GAN's {name} must take two inputs, [samples or z, label]; got "
                                 f"{'none' if not inputs else len(inputs)} (build it with "
                                 f"gancourse.nets.conditional)")
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        found = {label_classes(generator), label_classes(discriminator)} - {None}
        if n_classes is None:
            if len(found) != 1:
                raise ValueError(f"n_classes is None and the networks' label layers give {sorted(found) or 'none'};"
                                 " pass n_classes")
            n_classes = found.pop()
        n_classes = check_int(n_classes, "n_classes", minimum=2)
        if found and found != {n_classes}:
            raise ValueError(f"n_classes is {n_classes} but the networks take {sorted(found)} classes")
        self.n_classes = n_classes

    # ------------------------------------------------------------------ hooks
    def split_batch(self, data):
        """``(images, labels)`` from a ``fit()`` batch; a batch without labels is an error."""
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None:
            raise ValueError("a conditional GAN trains on (images, labels) batches: use "
                             "training_stream(x, y, batch_size=...) or fit(x, y)")
        return data[0], data[1]

    def _labels(self, condition, batch_size):
        if condition is None:
            return ops.cast(ops.arange(batch_size) % self.n_classes, "int32")
        return ops.cast(ops.reshape(condition, (-1,)), "int32")

    def generate(self, z, condition=None, training=False):
        """``G(z | y)``; without ``condition`` the classes are drawn in turn (0, 1, ..., 9, 0, ...)."""
        z = ops.convert_to_tensor(z)
        return self.generator([z, self._labels(condition, ops.shape(z)[0])], training=training)

    def discriminate(self, x, condition=None, training=False):
        """Logits of ``D(x | y)``; ``condition`` (the labels) is required."""
        if condition is None:
            raise ValueError("a conditional discriminator needs the labels: discriminate(x, labels)")
        return self.discriminator([ops.convert_to_tensor(x), self._labels(condition, None)], training=training)


def conditional_sample_grid(gan: ConditionalGAN, n_columns: int = 8, *, seed: int = 0, classes=None) -> np.ndarray:
    """A grid of samples, one row per class and one z per column: shape ``(rows, n_columns, H, W, C)``.

    Row i is ``classes[i]`` (default: every class in order); column j uses the
    same noise z_j (``latent_noise(n_columns, latent_dim, seed)``) in every
    row, so along a column the class changes and what z holds (the style:
    slant, thickness) stays. Show it with
    ``tile_images(grid.reshape(-1, *grid.shape[2:]), ncols=n_columns)``.
    """
    if not isinstance(gan, ConditionalGAN):
        raise TypeError(f"gan must be a ConditionalGAN, got {type(gan).__name__}")
    n_columns = check_int(n_columns, "n_columns", minimum=1)
    seed = check_seed(seed)
    rows = np.arange(gan.n_classes) if classes is None else check_labels(classes, gan.n_classes, "classes")
    if len(rows) == 0:
        raise ValueError("classes must name at least one class")
    z = latent_noise(n_columns, gan.latent_dim, seed)
    grid = [ops.convert_to_numpy(gan.generate(z, np.full(n_columns, c, np.int32), training=False)) for c in rows]
    return np.stack(grid)


def samples_per_class(gan: ConditionalGAN, n_per_class: int, *, seed: int = 0, batch_size: int = 500):
    """``(images, labels)``: ``n_per_class`` samples of every class (fresh z each), labels in class order.

    What the kit scores per class: the requested label of each image is in
    ``labels``, so ``classifier_accuracy(images, labels)`` is the share of
    samples the classifier recognises as the digit that was asked for.
    """
    if not isinstance(gan, ConditionalGAN):
        raise TypeError(f"gan must be a ConditionalGAN, got {type(gan).__name__}")
    n_per_class = check_int(n_per_class, "n_per_class", minimum=1)
    labels = np.repeat(np.arange(gan.n_classes, dtype=np.int32), n_per_class)
    return gan.sample(len(labels), seed=seed, batch_size=batch_size, condition=labels), labels


CGAN_NAME = "cgan-mnist"
"""The ``pretrain``/``evaluate`` name of the shipped conditional generator."""

CGAN_FILE = "cgan_mnist_generator.keras"
"""Its file in ``data/pretrained/``. Not in :data:`gancourse.nets.pretrained.PRETRAINED_FILES`, whose
generators take z alone (``load_pretrained`` and its tests call ``g(z)``); this one takes ``[z, label]``."""

CGAN_RECIPE = DCGANSizes(latent_dim=64, architecture={"width": 32, "start_filters": 128, "start_convs": 1,
                                                      "mid_convs": 2, "downsamplings": 3},
                         batch_size=32, steps=10_000, steps_per_epoch=500, d_learning_rate=4e-4, g_learning_rate=1e-3,
                         cosine_decay=True, jit_compile=True)
"""The shipped conditional generator: chapter 5's ``cpu`` DCGAN sizes (its layer list at width 32, batch 32,
G 1e-3, XLA) made conditional, for 10,000 steps with the cosine decay planned over all of them, and D at
4e-4 instead of chapter 5's 2e-4. Measured (data/pretrained/README.md; 500 samples per digit): worst digit
98.2 % (7), mean 99.3 %, FD 1.86x the floor: the 98 %-for-every-digit bar met. With D at 2e-4 the worst
digit was 97.4 % (7, mostly read as 9) after 10,000 steps and 96.8 % with the ``dcgan-mnist`` networks
(width 64): a faster D, whose projection term carries the label, closed the gap where steps and width did not."""


def conditional_sizes(profile=None) -> DCGANSizes:
    """The conditional GAN of ``evaluate cgan-mnist`` and chapter 8: chapter 5's DCGAN sizes of ``profile``
    with ``cgan_steps`` steps of batch ``cgan_batch_size`` (``config.chapter_sizes("problems")``)."""
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    problems = config.chapter_sizes("problems", prof)
    return dataclasses.replace(config.chapter_sizes("dcgan", prof), steps=problems.cgan_steps,
                               batch_size=problems.cgan_batch_size)


def build_conditional_gan(sizes: DCGANSizes, seed: int = 0) -> ConditionalGAN:
    """A compiled :class:`ConditionalGAN` on :func:`~gancourse.nets.conditional.conditional_networks` of ``sizes``
    (DCGAN's Adam, β1 0.5, both rates on a cosine over ``sizes.steps`` when ``sizes.cosine_decay``)."""
    if not isinstance(sizes, DCGANSizes):
        raise TypeError(f"sizes must be a DCGANSizes, got {type(sizes).__name__}")
    seed = check_seed(seed)
    config.seed_everything(seed)
    gan = ConditionalGAN(*conditional_networks(sizes.latent_dim, **sizes.architecture, seed=seed), seed=seed)
    gan.compile(*dcgan_optimizers(sizes.d_learning_rate, g_learning_rate=sizes.g_learning_rate,
                                  decay_steps=sizes.steps if sizes.cosine_decay else None),
                jit_compile=sizes.jit_compile, steps_per_execution=math.gcd(sizes.steps, sizes.steps_per_epoch, 10))
    return gan


def train_conditional_gan(sizes: DCGANSizes, images, labels, *, seed: int = 0, callbacks=(), checkpoint_dir=None,
                          verbose: int = 0) -> tuple:
    """Train :func:`build_conditional_gan` for ``sizes.steps`` steps on ``(images, labels)``; ``(gan, seconds)``.

    With ``checkpoint_dir`` an interrupted run resumes exactly where it stopped
    (:class:`~.checkpoints.GANCheckpoint` and a step-indexed
    :func:`~gancourse.data.pipelines.training_stream`). A NaN stops it with an error.
    """
    gan = build_conditional_gan(sizes, seed)
    per_epoch = math.gcd(sizes.steps, sizes.steps_per_epoch)
    extra = [DivergenceStop(patience=10**9, raise_error=True)]  # NaN or explosion only
    start_epoch = start_step = 0
    if checkpoint_dir is not None:
        ckpt = GANCheckpoint(checkpoint_dir, keep=1)
        start = ckpt.restore(gan)
        start_epoch, start_step = start.epoch, start.step
        extra.append(ckpt)
    began = time.perf_counter()
    gan.fit(training_stream(images, labels, batch_size=sizes.batch_size, seed=seed, start_step=start_step),
            epochs=sizes.steps // per_epoch, initial_epoch=start_epoch, steps_per_epoch=per_epoch,
            callbacks=[*extra, *callbacks], verbose=verbose)
    return gan, time.perf_counter() - began


def pretrain_conditional_gan(*, profile=None, seed: int = 0, out: str | os.PathLike | None = None,
                             recipe: DCGANSizes = CGAN_RECIPE) -> dict:
    """``python -m gancourse pretrain cgan-mnist``: train :data:`CGAN_RECIPE` and write its generator.

    On the 60,000 MNIST training digits with their labels, to
    ``data/pretrained/cgan_mnist_generator.keras`` (its hash into
    ``data/SHA256SUMS``) or to ``out``. The ``smoke`` profile trains 20 steps
    on the mini subset as a check of the command and therefore needs ``out``.
    An interrupted run resumes from ``.checkpoints-cgan-mnist`` beside the file.
    """
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    seed = check_seed(seed)
    shipped = pretrained_dir() / CGAN_FILE
    target = pathlib.Path(out) if out else shipped
    if target.suffix != ".keras":
        raise ValueError(f"--out must end in .keras, got {target}")
    if prof.mini_data and target.resolve() == shipped.resolve():
        raise ValueError(f"profile {prof.name!r} trains on the mini subset and must not replace the shipped "
                         "generator: pass --out PATH.keras, or use --profile cpu with the full MNIST")
    if prof.mini_data:
        recipe = dataclasses.replace(recipe, steps=20, steps_per_epoch=10, jit_compile=False)
    mnist = load_mnist(profile=prof, subset=prof.mini_data)
    checkpoints = target.parent / f".checkpoints-{CGAN_NAME}"
    gan, seconds = train_conditional_gan(recipe, mnist.x_train, mnist.y_train, seed=seed, checkpoint_dir=checkpoints,
                                         verbose=2)
    digest = save_reproducible(gan.generator, target)
    GANCheckpoint(checkpoints).delete_checkpoints()  # the file is written: the resume point has done its job
    if target.resolve() == shipped.resolve():
        set_sha256_line(str(shipped.relative_to(shipped_data_dir())), digest)
    return {"profile": prof.name, "seed": seed, "recipe": dataclasses.asdict(recipe), "steps": gan.steps_done,
            "train_images": int(len(mnist.x_train)), "data": mnist.source.split(":")[0],
            "train_seconds": round(seconds, 1), "params": int(gan.generator.count_params()), "file": str(target),
            "bytes": target.stat().st_size, "sha256": digest}


def load_conditional_gan(seed: int = 0) -> ConditionalGAN:
    """The shipped conditional generator (checksummed) in a :class:`ConditionalGAN`, ready to sample.

    ``conditional_sample_grid(load_conditional_gan(), 8)`` and
    :func:`samples_per_class` work on it at once. Only the generator is shipped:
    the discriminator is a fresh, untrained one of :data:`CGAN_RECIPE`'s
    architecture (the class needs one; sampling never calls it).
    """
    hint = f"restore it with git or rebuild it with `python -m gancourse pretrain {CGAN_NAME}`"
    path = verified_shipped_file(f"pretrained/{CGAN_FILE}", hint)
    generator = keras.saving.load_model(path, compile=False, safe_mode=True)
    discriminator = conditional_discriminator(label_classes(generator),
                                              width=CGAN_RECIPE.architecture["width"],
                                              downsamplings=CGAN_RECIPE.architecture["downsamplings"], seed=seed)
    return ConditionalGAN(generator, discriminator, seed=check_seed(seed))
