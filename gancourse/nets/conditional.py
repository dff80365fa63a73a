"""A conditional generator and discriminator for MNIST (Mirza & Osindero 2014): both networks take the label.

Mirza & Osindero (2014), "Conditional Generative Adversarial Nets", eq. 2:
min_G max_D E[log D(x|y)] + E[log(1 − D(G(z|y)|y))], "conditioning both the
generator and discriminator on y". Seed 004: a conditional MNIST GAN "can
specify which digit the GAN should produce" (可以指定GAN应该产生哪个数字).

How the label enters each network, and why:

* **Generator: one-hot, concatenated with z.** ``[z, one_hot(y)]`` feeds the
  chapter-5 DCGAN generator's first layer (the projection to 7×7 maps).
  This is the paper's choice (y as a one-hot vector joined to z in G's first
  hidden representation). A one-hot vector through a dense layer *is* a
  learned embedding (the layer picks one column of weights per class), so a
  separate ``Embedding`` layer would add nothing but a second matrix.
* **Discriminator: projection** (Miyato & Koyama 2018, "cGANs with Projection
  Discriminator", eq. 3): logit = ψ(φ(x)) + embed(y)·φ(x), where φ(x) are the
  features of the chapter-5 DCGAN discriminator (its flattened last feature
  map) and ψ its logit layer. Departure from Mirza & Osindero, who
  concatenate y with x's features in D: Miyato & Koyama show that when the
  class posterior is log-linear in the features (a softmax classifier's
  form), the optimal D's logit is exactly of this inner-product form, and
  on ImageNet it gave them better per-class scores (intra-FID) than a
  concatenating discriminator. It costs one vector per class (10 × the feature size) and no
  extra input channels, whereas concatenating one-hot maps to the 28×28 input
  would widen D's first (and most expensive) convolution from 1 to 11
  channels.

Labels are integers 0..n_classes−1, shape ``(N,)``.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_int
from .dcgan import dcgan_discriminator, dcgan_generator

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["conditional_generator", "conditional_discriminator", "conditional_networks", "N_CLASSES",
           "label_classes"]

N_CLASSES = 10
"""MNIST's ten digits."""


def conditional_generator(latent_dim: int = 64, n_classes: int = N_CLASSES, image_size: int = 28,
                          channels: int = 1, *, name: str = "conditional_generator", **dcgan_kwargs):
    """``G(z, y)``: the DCGAN generator of :func:`gancourse.nets.dcgan.dcgan_generator` fed ``[z, one_hot(y)]``.

    Inputs ``z`` ``(N, latent_dim)`` and ``label`` ``(N,)`` int32; output images
    ``(N, 28, 28, 1)`` in [-1, 1]. ``dcgan_kwargs`` (``width``,
    ``start_filters``, ``start_convs``, ``mid_convs``, ``seed``) as for the
    DCGAN generator: its layers are reused unchanged, with ``n_classes`` more
    inputs to the first (projection) layer.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    body = dcgan_generator(latent_dim + n_classes, image_size, channels, **dcgan_kwargs)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    one_hot = layers.CategoryEncoding(n_classes, output_mode="one_hot", name="label_one_hot")(label)
    h = layers.Concatenate(name="z_and_label")([z, one_hot])
    for layer in body.layers[1:]:  # the DCGAN generator is a chain: call its layers on [z, y]
        h = layer(h)
    return keras.Model([z, label], h, name=name)


def conditional_discriminator(n_classes: int = N_CLASSES, image_size: int = 28, channels: int = 1, *,
                              name: str = "conditional_discriminator", **dcgan_kwargs):
    """``D(x, y)``: a projection discriminator on the DCGAN discriminator's features (Miyato & Koyama 2018).

    logit = ψ(φ(x)) + embed(y)·φ(x), with φ the flattened features and ψ the
    logit layer of :func:`gancourse.nets.dcgan.dcgan_discriminator`
    (``dcgan_kwargs``: ``width``, ``downsamplings``, ``batch_norm``, ``seed``).
    Inputs ``image`` ``(N, 28, 28, 1)`` and ``label`` ``(N,)`` int32; output one
    logit per image, ``(N, 1)``. The class embedding starts at zero, so at
    initialisation D is the unconditional DCGAN discriminator.
    """
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    body = dcgan_discriminator(image_size, channels, name=name + "_body", **dcgan_kwargs)
    image = body.inputs[0]
    features = body.get_layer("flatten").output
    unconditional = body.get_layer("logit").output
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(n_classes, features.shape[-1], embeddings_initializer="zeros",
                                name="label_embedding")(label)
    projection = layers.Dot(axes=1, name="projection")([embedded, features])
    logit = layers.Add(name="conditional_logit")([unconditional, projection])
    return keras.Model([image, label], logit, name=name)


def conditional_networks(latent_dim: int = 64, n_classes: int = N_CLASSES, *, width: int = 32,
                         start_filters: int | None = None, start_convs: int = 0, mid_convs: int = 0,
                         downsamplings: int | None = None, seed: int | None = None):
    """``(generator, discriminator)``: a matching conditional pair on the chapter-5 DCGAN architecture.

    The keyword arguments are :func:`gancourse.nets.dcgan.dcgan_networks`'s,
    so ``conditional_networks(64, **chapter_sizes("dcgan").architecture)``
    gives the conditional version of a profile's DCGAN.
    """
    generator = conditional_generator(latent_dim, n_classes, width=width, start_filters=start_filters,
                                      start_convs=start_convs, mid_convs=mid_convs, seed=seed)
    discriminator = conditional_discriminator(n_classes, width=width, downsamplings=downsamplings, seed=seed)
    return generator, discriminator


def label_classes(model) -> int | None:
    """The number of classes a conditional generator or discriminator takes (``None``: not a conditional net)."""
    for layer_name, attribute in (("label_one_hot", "num_tokens"), ("label_embedding", "input_dim")):
        try:
            return int(getattr(model.get_layer(layer_name), attribute))
        except (ValueError, AttributeError):
            continue
    return None
