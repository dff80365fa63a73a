"""Inversions beyond Yeh et al. 2017 that attack the coverage gap of a z-only fit (chapter 6).

A z-only fit (:func:`gancourse.inpainting.inversion.fit_latent`) can only
return images G makes; the course's DCGAN reproduces about 83 % of the test
digits that way. Two remedies from later work:

(a) **An encoder start** (in-domain inversion, Zhu et al. 2020, "In-Domain GAN
    Inversion for Real Image Editing", ECCV): an encoder E: image -> z,
    trained on generator samples (z, G(z)) and optionally on real images,
    gives the first code of the search (:func:`build_inversion_encoder`,
    :func:`train_inversion_encoder`, :func:`encode_start`).
(b) **Fine-tuning the generator per image** (deep generative prior, Pan et al.
    2020, "Exploiting Deep Generative Prior for Versatile Image Restoration
    and Manipulation", ECCV): after z is found, a few small Adam steps on a
    *copy* of G's weights under the same loss (:func:`fine_tune_generator`,
    :func:`complete_with_generator_prior`).

**What (b) risks:** the generator has far more weights than an image has
known pixels, so enough steps make G(z) match the known pixels almost exactly
while nothing constrains the hole except what the weights keep of the prior
(and the perceptual term): the hole can drift to a hallucination that fits
the border but is no digit. Keep the steps few and the learning rate small,
and compare the hole's PSNR with the z-only fit before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config.validate import (
    as_finite_array,
    check_bool,
    check_int,
    check_number,
    check_seed,
)
from ..objectives.inpainting import as_images, as_mask
from .inversion import (
    LatentFit,
    _check_common,
    _latent_dim,
    _loss,
    _targets,
    fit_latent,
    keras,
    ops,
    tf,
)

__all__ = ["GeneratorPriorResult", "build_inversion_encoder", "train_inversion_encoder", "encode_start",
           "fine_tune_generator", "complete_with_generator_prior"]


@dataclass
class GeneratorPriorResult:
    """:func:`complete_with_generator_prior`'s two stages: the z-only fit and the fine-tuned one."""
    latent: LatentFit
    tuned: LatentFit


def build_inversion_encoder(latent_dim: int, image_shape, width: int = 32, *, seed: int = 0) -> keras.Model:
    """A small convolutional encoder E: image -> z (Zhu et al. 2020, Sec. 3.1, at course size).

    Two stride-2 convolutions (``width`` and 2 x ``width`` filters, LeakyReLU
    0.2) and a linear layer to ``latent_dim``: the DCGAN discriminator's shape
    with a code instead of a logit. Departure: Zhu et al.'s encoder is a deep
    ResNet trained with a VGG perceptual loss and a discriminator; this one is
    sized for 28 x 28 digits. ``seed`` fixes the initial weights.
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    if isinstance(image_shape, (str, bytes)) or not hasattr(image_shape, "__len__") or len(image_shape) != 3:
        raise ValueError(f"image_shape must be (H, W, C), got {image_shape!r}")
    shape = tuple(check_int(s, "image_shape", minimum=1) for s in image_shape)
    width = check_int(width, "width", minimum=1)
    seed = check_seed(seed)
    inputs = keras.Input(shape)
    x = inputs
    for i, filters in enumerate((width, 2 * width)):
        x = keras.layers.Conv2D(filters, 4, strides=2, padding="same",
                                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + i))(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(latent_dim, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2))(x)
    return keras.Model(inputs, outputs, name="inversion_encoder")


def _mean_fill(x, m):
    """The hole (m = 0) set to the mean of the known pixels, per image and channel: the encoder's input."""
    known = ops.sum(m, axis=(1, 2), keepdims=True)
    return m * x + (1.0 - m) * ops.sum(m * x, axis=(1, 2), keepdims=True) / ops.maximum(known, 1.0)


def train_inversion_encoder(encoder, generator, steps: int, batch_size: int = 64, seed: int = 0, real_images=None, *,
                            masks=None, learning_rate: float = 1e-3, real_weight: float = 1.0, latent_dim=None,
                            progress=None, progress_every: int = 100) -> np.ndarray:
    """Train E so that E(G(z)) ~ z, and optionally G(E(x)) ~ x on real images (Zhu et al. 2020, eqs. 1-2).

    Each step draws z ~ N(0, I) (NumPy, ``seed``) and minimises
    mean ||E(G(z)) - z||^2 + real_weight * mean ||G(E(x)) - x||^2 (the second
    term only with ``real_images``), updating E only (G is frozen).
    Departures: Zhu et al. train on real images only, with VGG-feature and
    adversarial terms (their "in-domain" losses); the code regression on
    generator samples is the simpler, label-free half kept here, and the
    real-image term is a pixel MSE.

    Args:
        encoder: from :func:`build_inversion_encoder` (any model image -> (N, latent_dim)).
        generator: frozen, (N, latent_dim) -> (N, H, W, C).
        steps, batch_size, seed: the schedule; ``seed`` fixes the draws.
        real_images: optional (M, H, W, C) in [-1, 1].
        masks: optional (K, H, W) or (K, H, W, C) 0/1 masks: each training
            input gets a random one, its hole mean-filled as :func:`encode_start`
            does, so E learns to look past holes (include an all-ones mask
            to keep full images in the mix).

    Returns:
        (steps,) float array: the loss of every step.
    """
    d = _latent_dim(generator, latent_dim)
    if not callable(encoder):
        raise TypeError(f"encoder must be a Keras model, got {type(encoder).__name__}")
    outputs = getattr(encoder, "outputs", None)
    if outputs and outputs[0].shape[-1] != d:
        raise ValueError(f"encoder must output codes of size latent_dim = {d}, got {outputs[0].shape[-1]}")
    steps, learning_rate, _, _, progress_every = _check_common(
        None, steps, learning_rate, 0.0, "saturating", progress, progress_every)
    steps = check_int(steps, "steps", minimum=1)
    real_weight = check_number(real_weight, "real_weight", minimum=0.0)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(check_seed(seed))
    shape = tuple(generator(np.zeros((1, d), np.float32), training=False).shape[1:])
    reals = None if real_images is None else as_images(real_images, "real_images")
    if reals is not None and reals.shape[1:] != shape:
        raise ValueError(f"real_images must be images of the generator's shape {shape}, got {reals.shape[1:]}")
    if masks is None:
        masks = np.ones((1, *shape), np.float32)
    else:
        raw = np.asarray(masks)
        if raw.ndim not in (3, 4) or len(raw) == 0:
            raise ValueError(f"masks must be (K, H, W) or (K, H, W, C) with K >= 1, got shape {raw.shape}")
        raw = raw[..., None] if raw.ndim == 3 else raw
        masks = as_mask(raw, (raw.shape[0], *shape), name="masks")
    optimizer = keras.optimizers.Adam(learning_rate)

    @tf.function
    def train_step(z, m, real, real_m):
        with tf.GradientTape() as tape:
            fake = tf.stop_gradient(generator(z, training=False))
            loss = ops.mean(ops.square(encoder(_mean_fill(fake, m), training=True) - z))
            if reals is not None:
                rebuilt = generator(encoder(_mean_fill(real, real_m), training=True), training=False)
                loss = loss + real_weight * ops.mean(ops.square(rebuilt - real))
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables))
        return loss

    losses = []
    for t in range(steps):
        z = rng.standard_normal((batch_size, d)).astype(np.float32)
        m = masks[rng.integers(len(masks), size=batch_size)]
        real = reals[rng.integers(len(reals), size=batch_size)] if reals is not None else m  # unused then
        real_m = masks[rng.integers(len(masks), size=batch_size)]
        losses.append(train_step(z, m, real, real_m))
        if progress is not None and ((t + 1) % progress_every == 0 or t + 1 == steps):
            progress(t + 1, steps, float(losses[-1]))
    return np.array([float(v) for v in losses])


def encode_start(encoder, images, mask) -> np.ndarray:
    """E applied to the images with their hole mean-filled: (N, latent_dim) codes for ``fit_latent(z_start=...)``."""
    if not callable(encoder):
        raise TypeError(f"encoder must be a Keras model, got {type(encoder).__name__}")
    y = as_images(images, "images")
    m = as_mask(mask, y.shape)
    return np.asarray(encoder(_mean_fill(ops.convert_to_tensor(y), ops.convert_to_tensor(m)), training=False),
                      dtype=np.float32)


def fine_tune_generator(generator, discriminator, images, mask, z, *, steps: int = 50, learning_rate: float = 1e-4,
                        prior_weight: float = 0.1, prior: str = "saturating", weighting: str = "importance",
                        window: int = 7, record_history: bool = True, progress=None) -> LatentFit:
    """Per-image fine-tuning of a copy of G at fixed z (deep generative prior, Pan et al. 2020, Sec. 3).

    For each image: reset a copy of G to the original weights and Adam's
    state, then take ``steps`` Adam steps on the copy's weights minimising the
    loss of :func:`~gancourse.inpainting.inversion.fit_latent` at the given z.
    ``generator`` itself is never changed. Departures from Pan et al.: z stays
    fixed (they optimise it jointly), all layers are tuned at once (they go
    progressively from the first layers), and the loss is the contextual +
    lambda perceptual loss in pixels instead of a discriminator-feature
    distance. See the module docstring for what this risks.

    Args:
        z: (N, latent_dim), e.g. ``fit_latent(...).z``.
        progress: called as progress(images_done, N, that image's final loss).

    Returns:
        a :class:`LatentFit` whose ``generated`` comes from the tuned copies
        (``history[0]`` is the loss before tuning, at the original weights).
    """
    steps, learning_rate, prior_weight, prior, _ = _check_common(
        discriminator, steps, learning_rate, prior_weight, prior, progress, 1)
    record_history = check_bool(record_history, "record_history")
    y, _, w = _targets(images, mask, weighting, window)
    z = as_finite_array(z, "z", ndim=2, dtype=np.float32)
    d = _latent_dim(generator, None) if getattr(generator, "inputs", None) else z.shape[1]
    if z.shape != (len(y), d):
        raise ValueError(f"z must have shape (N, latent_dim) = {(len(y), d)}, got {z.shape}")
    if not isinstance(generator, keras.Model):
        raise TypeError(f"generator must be a Keras model to be copied, got {type(generator).__name__}")
    try:
        copy = keras.models.clone_model(generator)
    except (ValueError, TypeError, NotImplementedError) as exc:  # e.g. subclassed models without get_config
        raise TypeError(f"generator must be a functional or Sequential Keras model so that it can be copied "
                        f"(keras.models.clone_model failed: {exc})") from None
    original = generator.get_weights()
    copy.set_weights(original)
    optimizer = keras.optimizers.Adam(learning_rate)
    optimizer.build(copy.trainable_variables)
    fresh_state = [v.numpy() for v in optimizer.variables]

    @tf.function
    def step(z_n, y_n, w_n):
        with tf.GradientTape() as tape:
            loss, _ = _loss(copy, discriminator, z_n, y_n, w_n, prior_weight, prior)
            total = ops.sum(loss)
        optimizer.apply_gradients(zip(tape.gradient(total, copy.trainable_variables), copy.trainable_variables))
        return loss

    @tf.function
    def evaluate(z_n, y_n, w_n):
        return _loss(copy, discriminator, z_n, y_n, w_n, prior_weight, prior)

    losses, generated, history = [], [], []
    for n in range(len(y)):
        copy.set_weights(original)
        for variable, value in zip(optimizer.variables, fresh_state):
            variable.assign(value)
        args = (ops.convert_to_tensor(z[n:n + 1]), ops.convert_to_tensor(y[n:n + 1]),
                ops.convert_to_tensor(w[n:n + 1]))
        trace = [float(step(*args)[0]) for _ in range(steps)]
        loss, image = evaluate(*args)
        losses.append(float(loss[0]))
        generated.append(np.asarray(image[0]))
        history.append(trace)
        if progress is not None:
            progress(n + 1, len(y), losses[-1])
    loss = np.array(losses, np.float32)
    return LatentFit(z=z, generated=np.stack(generated), loss=loss, restart_losses=loss[None],
                     history=np.array(history, np.float32).T if record_history and steps else None)


def complete_with_generator_prior(generator, discriminator, images, mask, *, encoder=None, steps: int = 1000,
                                  restarts: int = 1, learning_rate: float = 0.01, tune_steps: int = 50,
                                  tune_learning_rate: float = 1e-4, prior_weight: float = 0.1,
                                  prior: str = "saturating", weighting: str = "importance", window: int = 7,
                                  seed: int = 0, progress=None) -> GeneratorPriorResult:
    """(a) + (b): encoder start (optional), Yeh's z search, then per-image generator fine-tuning.

    Runs :func:`~gancourse.inpainting.inversion.fit_latent` (restart 0 from
    :func:`encode_start` when ``encoder`` is given) and
    :func:`fine_tune_generator` at its z. Returns both stages, so the z-only
    completion and the tuned one can be compared on the same images.
    """
    tune_steps = check_int(tune_steps, "tune_steps", minimum=0)
    tune_learning_rate = check_number(tune_learning_rate, "tune_learning_rate", minimum=0.0, exclusive_minimum=True)
    z_start = None if encoder is None else encode_start(encoder, images, mask)
    latent = fit_latent(generator, discriminator, images, mask, steps=steps, restarts=restarts,
                        learning_rate=learning_rate, prior_weight=prior_weight, prior=prior, weighting=weighting,
                        window=window, z_start=z_start, seed=seed, progress=progress)
    tuned = fine_tune_generator(generator, discriminator, images, mask, latent.z, steps=tune_steps,
                                learning_rate=tune_learning_rate, prior_weight=prior_weight, prior=prior,
                                weighting=weighting, window=window)
    return GeneratorPriorResult(latent=latent, tuned=tuned)
