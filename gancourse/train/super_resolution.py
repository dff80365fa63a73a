"""Super-resolution GAN (chapter 8): the course's GAN trainer with a low-resolution input and an L1 term.

The generator loss, per batch of pairs (x = low-resolution input, y = the real
28x28 digit), is

    L_G = l1_weight · E[ |y − G(x, z)| ] + adversarial_weight · E[ −log D(G(x, z) | x) ]

* the L1 term is pix2pix's eq. 3 (Isola et al. 2017, "Image-to-Image
  Translation with Conditional Adversarial Networks"), a per-pixel mean;
* the adversarial term is SRGAN's eq. 6 (Ledig et al. 2017, "Photo-Realistic
  Single Image Super-Resolution Using a GAN"), l_Gen = −log D(G(I_LR)), the
  non-saturating generator loss of chapter 4, here with pix2pix's conditional D;
* their sum is pix2pix's eq. 4, G* = arg min_G max_D L_cGAN(G, D) + λ L_L1(G),
  with λ = l1_weight / adversarial_weight (pix2pix: λ = 100, the course's
  default 1 / 0.01) -- SRGAN's eq. 3 likewise adds 10⁻³ · l_Gen to its content
  loss. Departure from SRGAN: the content loss is L1 on pixels, not the MSE of
  VGG features (no VGG on MNIST; pix2pix's L1 "encourages less blurring" than L2).

D's loss is pix2pix's eq. 1 (BCE, real pair = 1, generated pair = 0), the
trainer's default. Departure from pix2pix: D's loss is not halved; that only
rescales D's learning rate.

``adversarial_weight = 0`` is the pure L1 model: the generator's gradient is
exactly the L1 term's, and :meth:`SuperResolutionGAN.discriminator_step` does
not update D at all (D cannot influence G, so training it would only cost
time); D's metrics then stay 0. The L1 minimiser is the pixel-wise median of
p(y | x), a blur wherever the input leaves the digit uncertain -- the blur
chapter 2's VAE showed. Blau & Michaeli (2018), "The Perception-Distortion
Tradeoff": no estimator can be both optimal in distortion (PSNR) and in
perceptual quality (a distance between the output and the data
distributions), which the chapter shows with PSNR and the Fréchet distance.

Batches are ``(low, high)`` pairs, the supervised ``(x, y)`` order of Keras:
:func:`sr_training_stream` makes them, step-indexed, for exact resume with
:class:`~.checkpoints.GANCheckpoint`; ``fit(low, high)`` takes arrays.
"""

from __future__ import annotations

import math

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number
from ..data.images import check_tanh_range
from ..data.pipelines import training_stream
from ..nets.super_resolution import sr_networks, upscale_factor
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["downsample", "sr_pairs", "sr_training_stream", "reconstruction_l1", "SuperResolutionGAN",
           "super_resolution_model", "train_super_resolution"]

LEARNING_RATE, BETA_1 = 2e-4, 0.5
"""Adam for both networks, as pix2pix (Isola et al. 2017, §3.3) and DCGAN: rate 2e-4, β1 = 0.5."""

STEPS_PER_EPOCH = 500
"""Steps between epoch ends (where callbacks such as checkpoints run) in :func:`train_super_resolution`."""


def _as_high_res(images, name: str = "images") -> np.ndarray:
    """(N, H, H, 1) float32 images in [-1, 1] (a (N, H, H) batch gets its channel axis)."""
    x = check_tanh_range(images, name)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] != 1 or x.shape[1] != x.shape[2] or len(x) == 0:
        raise ValueError(f"{name} must be a non-empty batch of square one-channel images (N, H, H[, 1]), "
                         f"got shape {x.shape}")
    return x.astype(np.float32)


def _block_mean(images, factor: int):
    """Mean over non-overlapping ``factor x factor`` blocks of (N, H, W, C) images (NumPy or tensor), float32.

    Summed in float64, where the sum of ``factor²`` float32 pixels is exact, so
    NumPy and TensorFlow give the same bits (training and evaluation see the
    same inputs) and a constant image stays exactly that constant.
    """
    x = ops.cast(ops.convert_to_tensor(images), "float64")
    _, h, w, c = ops.shape(x)
    blocks = ops.reshape(x, (-1, h // factor, factor, w // factor, factor, c))
    return ops.cast(ops.mean(blocks, axis=(2, 4)), "float32")


def downsample(images, low_size: int = 7) -> np.ndarray:
    """Area downsampling to ``low_size x low_size``: each low-resolution pixel is the mean of its block.

    The degradation the model learns to undo: a 28x28 digit averaged over 4x4
    blocks (``low_size=7``) or 2x2 blocks (``low_size=14``). For an integer
    factor this is OpenCV's ``INTER_AREA`` and a camera sensor's box filter.
    Departure from SRGAN, which downsampled with a bicubic kernel: the box
    mean is exactly invertible in its mean (each block of the true digit
    averages to its low pixel), simple to state and free of overshoot.

    Args:
        images: (N, H, H[, 1]) in [-1, 1], H a power-of-two multiple of ``low_size``.
        low_size: the low resolution (7 or 14 for MNIST).

    Returns:
        float32 (N, low_size, low_size, 1).

    Raises:
        TypeError/ValueError: images that are not a batch of square one-channel
            [-1, 1] images, NaN or infinity, or a ``low_size`` that does not
            divide H by a power of two.
    """
    x = _as_high_res(images)
    factor = upscale_factor(low_size, x.shape[1])
    return ops.convert_to_numpy(_block_mean(x, factor))


def sr_pairs(images, low_size: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)``: :func:`downsample`'d inputs and the images themselves (N, H, H, 1), for ``fit(low, high)``."""
    high = _as_high_res(images)
    return downsample(high, low_size), high


def sr_training_stream(images, *, low_size: int = 7, batch_size: int, seed: int = 0, start_step: int = 0):
    """The step-indexed stream of :func:`gancourse.data.pipelines.training_stream`, as ``(low, high)`` batches.

    Batch ``s`` depends only on ``(seed, s)`` -- the high-resolution batch of
    ``training_stream`` and its :func:`downsample` -- so a run resumed with
    ``start_step=s`` sees what the uninterrupted run saw.
    """
    high = _as_high_res(images)
    factor = upscale_factor(low_size, high.shape[1])
    stream = training_stream(high, batch_size=batch_size, seed=seed, start_step=start_step)
    return stream.map(lambda y: (_block_mean(y, factor), y))


def reconstruction_l1(real, fake):
    """pix2pix's L1 term (Isola et al. 2017, eq. 3): mean over pixels and batch of |y − G(x, z)|."""
    return ops.mean(ops.abs(ops.cast(real, "float32") - ops.cast(fake, "float32")))


class SuperResolutionGAN(GAN):
    """A generator G([z, low]) -> high and a discriminator D(high[, low]) trained with L1 plus an adversarial term.

    Args:
        generator: ``[z (N, noise_dim), low (N, l, l, 1)] -> (N, H, H, 1)``
            (:func:`gancourse.nets.super_resolution.sr_generator`).
        discriminator: ``[high, low] -> (N, 1)`` (conditional, pix2pix) or
            ``high -> (N, 1)`` (SRGAN) (:func:`~gancourse.nets.super_resolution.sr_discriminator`).
        l1_weight: weight of the L1 term, >= 0.
        adversarial_weight: weight of the non-saturating adversarial term, >= 0;
            0 trains the pure L1 model and leaves D untouched.
        seed: the seed of the noise z, as :class:`~.gan_trainer.GAN`.

    Hooks overridden (docs/architecture.md): :meth:`split_batch` (``(low,
    high)`` batches), :meth:`generate` and :meth:`discriminate` (the low image
    into both networks), :meth:`discriminator_step` (skipped when the
    adversarial weight is 0) and :meth:`generator_objective` (adds the L1 term, and
    drops the adversarial one at weight 0). ``fit()``, the checkpoints and
    exact resume are the plain GAN's. Logged besides the GAN's metrics: ``l1``
    and ``adversarial`` (the unweighted terms; ``g_loss`` is their weighted sum).
    """

    metric_names = GAN.metric_names + ("l1", "adversarial")

    def __init__(self, generator, discriminator, *, l1_weight: float = 1.0, adversarial_weight: float = 1e-2,
                 seed: int = 0, **kwargs):
        for role, net, counts in (("generator", generator, (2,)), ("discriminator", discriminator, (1, 2))):
            inputs = getattr(net, "inputs", None) if isinstance(net, keras.Model) else None
            if not inputs or len(inputs) not in counts:
                want = "[z, low]" if role == "generator" else "image or [image, low]"
                raise ValueError(f"a super-resolution {role} must take {want}; got "
                                 f"{'no inputs' if not inputs else f'{len(inputs)} inputs'} (build it with "
                                 "gancourse.nets.super_resolution)")
        self.l1_weight = check_number(l1_weight, "l1_weight", minimum=0.0)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", minimum=0.0)
        if self.l1_weight == 0.0 and self.adversarial_weight == 0.0:
            raise ValueError("l1_weight and adversarial_weight are both 0: the generator would have no loss")
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.low_shape = tuple(generator.inputs[1].shape[1:])
        self.conditional = len(discriminator.inputs) == 2

    # ------------------------------------------------------------------ hooks
    def split_batch(self, data):
        """``(high, low)`` -- the real images and the condition -- from a ``(low, high)`` batch."""
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None:
            raise ValueError("a super-resolution GAN trains on (low, high) batches: use "
                             "sr_training_stream(images, low_size=..., batch_size=...) or fit(low, high)")
        return data[1], data[0]

    def generate(self, z, condition=None, training=False):
        """``G(z, low)``; ``condition`` (the low-resolution images) is required."""
        if condition is None:
            raise ValueError("a super-resolution generator needs the low-resolution images: "
                             "generate(z, low) or model.upscale(low)")
        return self.generator([ops.convert_to_tensor(z), ops.convert_to_tensor(condition)], training=training)

    def discriminate(self, x, condition=None, training=False):
        """Logits of ``D(x | low)`` (conditional D) or ``D(x)``."""
        if not self.conditional:
            return self.discriminator(x, training=training)
        if condition is None:
            raise ValueError("a conditional super-resolution discriminator needs the low-resolution images")
        return self.discriminator([ops.convert_to_tensor(x), ops.convert_to_tensor(condition)], training=training)

    def discriminator_step(self, real, fake, condition=None) -> dict:
        """The GAN's D update, or nothing at ``adversarial_weight = 0`` (D cannot affect G then)."""
        if self.adversarial_weight == 0.0:  # a Python constant: decided when the step is traced
            return {}
        return super().discriminator_step(real, fake, condition)

    def generator_objective(self, fake, condition=None, real=None) -> tuple:
        """G's loss ``l1_weight · L1 + adversarial_weight · (−log D(G(x, z) | x))``, logging both terms.

        The adversarial half is the GAN's :meth:`generator_objective`
        (non-saturating by default); at weight 0 it is not computed, so the
        gradient is exactly the L1 term's.
        """
        l1 = reconstruction_l1(real, fake)
        g_loss, logs = self.l1_weight * l1, {"l1": l1}
        if self.adversarial_weight > 0.0:  # a Python constant: decided when the step is traced
            adversarial, _ = super().generator_objective(fake, condition, real)
            g_loss = g_loss + self.adversarial_weight * adversarial
            logs["adversarial"] = adversarial
        return g_loss, logs

    # ---------------------------------------------------------------- helpers
    def upscale(self, low, *, seed: int = 0, batch_size: int = 500) -> np.ndarray:
        """``G(z, low)`` for every low-resolution image (inference mode), z seeded by ``seed``: (N, H, H, 1).

        Clipped to the pixel range [-1, 1] (the generator's output layer is
        linear: see :func:`gancourse.nets.super_resolution.sr_generator`).

        Raises:
            TypeError/ValueError: ``low`` is not a batch of the generator's
                input shape, or holds NaN or infinity.
        """
        x = as_finite_array(low, "low", dtype=np.float32)
        if x.ndim == 3:
            x = x[..., None]
        if x.shape[1:] != self.low_shape or len(x) == 0:
            raise ValueError(f"low must be a non-empty batch of shape (N, {', '.join(map(str, self.low_shape))}), "
                             f"got {x.shape}")
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        return np.clip(self.sample(len(x), seed=seed, batch_size=batch_size, condition=x), -1.0, 1.0)


def super_resolution_model(sizes, *, adversarial_weight: float | None = None, seed: int = 0,
                           jit_compile: bool = False, steps_per_execution: int = 10) -> SuperResolutionGAN:
    """A compiled :class:`SuperResolutionGAN` at a :class:`~gancourse.config.sizes.ProblemsSizes`' ``sr_*`` sizes.

    ``adversarial_weight``: ``None`` for ``sizes.sr_adversarial_weight``, 0 for
    the L1-only model. Networks from :func:`gancourse.nets.super_resolution.sr_networks`
    (conditional D), initialised after ``keras.utils.set_random_seed(seed)``; Adam(2e-4, β1 = 0.5) for each.
    """
    seed = check_int(seed, "seed", minimum=0, maximum=2**31 - 1)
    weight = sizes.sr_adversarial_weight if adversarial_weight is None else adversarial_weight
    keras.utils.set_random_seed(seed)
    model = SuperResolutionGAN(*sr_networks(sizes.sr_low_size), l1_weight=sizes.sr_l1_weight,
                               adversarial_weight=weight, seed=seed)
    model.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1, name="d_adam"),
                  keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1, name="g_adam"), steps_per_execution=steps_per_execution, jit_compile=jit_compile)
    return model


def train_super_resolution(images, sizes, *, adversarial_weight: float | None = None, seed: int = 0,
                           callbacks=(), verbose: int = 0) -> SuperResolutionGAN:
    """:func:`super_resolution_model` trained ``sizes.sr_steps`` steps of ``sizes.sr_batch_size`` on ``images``.

    The data is :func:`sr_training_stream` (seed ``seed``); epochs are
    :data:`STEPS_PER_EPOCH` steps (one epoch of the whole run when that does not divide it).
    """
    per_epoch = STEPS_PER_EPOCH if sizes.sr_steps % STEPS_PER_EPOCH == 0 else sizes.sr_steps
    # steps_per_execution must divide the epoch, or Keras runs past it
    model = super_resolution_model(sizes, adversarial_weight=adversarial_weight, seed=seed,
                                   steps_per_execution=math.gcd(10, per_epoch))
    stream = sr_training_stream(images, low_size=sizes.sr_low_size, batch_size=sizes.sr_batch_size, seed=seed)
    model.fit(stream, epochs=sizes.sr_steps // per_epoch, steps_per_epoch=per_epoch, callbacks=list(callbacks),
              verbose=verbose)
    return model
