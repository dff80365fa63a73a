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
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_seed
from ..nets.conditional import N_CLASSES, label_classes
from ..nets.latent import latent_noise
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["ConditionalGAN", "check_labels", "balanced_labels", "conditional_sample_grid", "samples_per_class"]


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
