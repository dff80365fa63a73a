"""A small super-resolution generator and discriminator for MNIST (chapter 8): 7x7 or 14x14 in, 28x28 out.

After SRGAN (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution
Using a Generative Adversarial Network", Figure 4): a generator that works on
the low-resolution image with residual blocks and only then upsamples, and a
discriminator that judges high-resolution images; pix2pix (Isola et al. 2017,
"Image-to-Image Translation with Conditional Adversarial Networks", §3) for
the conditioned discriminator and for the noise.

Design choices (each measured or argued in the docstrings below):

* **Noise z as a second input.** G([z, low]) -- the trainer draws z as for
  every GAN of the course. An L1-trained G has no use for z (the L1 minimiser
  is one image per input, the pixel-wise conditional median), and pix2pix
  reports that G learns to ignore it even with the adversarial term; we keep it
  because it costs one small dense layer and lets the adversarial model draw
  *different* sharp digits for one blurry input where the input is ambiguous.
  Sharpness itself does not need z: the adversarial term makes G commit to one
  sharp digit instead of averaging the candidates, which SRGAN does with a
  deterministic G. ``evaluate/super_resolution.py`` measures how much the
  output moves with z.
* **The discriminator sees the low-resolution input too** (pix2pix's
  conditional D, ``conditional=True``), nearest-upsampled to 28x28 and stacked
  as a second channel: D then judges "is this a real digit *for this input*",
  so a sharp digit that does not fit the input is penalised by D as well as by
  the L1 term. SRGAN's D is unconditional (``conditional=False``): it judges
  realism only and leaves fidelity to the content loss.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_bool, check_int
from .dcgan import dcgan_discriminator

import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["upscale_factor", "sr_generator", "sr_discriminator", "sr_networks"]


def upscale_factor(low_size: int, image_size: int = 28) -> int:
    """``image_size // low_size``: the upscaling factor, a power of two (2 for 14 -> 28, 4 for 7 -> 28).

    Raises:
        TypeError: a size that is not an int.
        ValueError: ``low_size`` does not divide ``image_size`` by a power of two >= 2.
    """
    low_size = check_int(low_size, "low_size", minimum=1)
    image_size = check_int(image_size, "image_size", minimum=2)
    factor, remainder = divmod(image_size, low_size)
    if remainder or factor < 2 or factor & (factor - 1):
        raise ValueError(f"low_size must divide image_size={image_size} by a power of two >= 2 "
                         f"(e.g. 7 or 14 for 28), got low_size={low_size}")
    return factor


def _he_init(seed):
    """He et al. (2015) normal initialisation: keeps the signal's scale through ReLU layers without batch normalisation.

    (DCGAN's N(0, 0.02²) relies on batch normalisation to restore the scale,
    which this generator does not have.)
    """
    return keras.initializers.HeNormal(seed=seed)


def _residual_block(h, filters: int, seed, name: str):
    """SRGAN's residual block (Ledig et al. 2017, Figure 4): conv-ReLU-conv plus the block's input.

    Departures: no batch normalisation (EDSR, Lim et al. 2017, and ESRGAN
    removed it from SR generators: it adds artefacts and a train/inference
    gap) and ReLU instead of PReLU (one parameter fewer per channel, no
    measured difference at this size).
    """
    r = layers.Conv2D(filters, 3, padding="same", kernel_initializer=_he_init(seed), name=f"{name}_conv1")(h)
    r = layers.ReLU(name=f"{name}_relu")(r)
    r = layers.Conv2D(filters, 3, padding="same", kernel_initializer=_he_init(seed), name=f"{name}_conv2")(r)
    return layers.Add(name=f"{name}_add")([h, r])


def sr_generator(low_size: int = 7, image_size: int = 28, *, noise_dim: int = 8, width: int = 64,
                 residual_blocks: int = 2, seed: int | None = None, name: str = "sr_generator"):
    """The super-resolution generator: ``[z (N, noise_dim), low (N, low_size, low_size, 1)] -> (N, 28, 28, 1)``.

    1. A 3x3 convolution of the low-resolution image to ``width`` channels,
       concatenated with z projected (one dense layer) to a
       ``low_size x low_size x 4`` map, fused by a 3x3 convolution.
    2. ``residual_blocks`` of SRGAN's residual blocks at the low resolution,
       where a layer costs 1/16 of one at 28x28 (7 -> 28), plus SRGAN's long
       skip connection around them.
    3. log2(factor) upsampling steps, each a nearest-neighbour x2 upsampling
       and a 3x3 convolution + ReLU, halving the channels.
    4. The input nearest-upsampled to full size, concatenated with those
       features, and a linear 3x3 convolution to one channel.

    **No tanh at the output** (a departure from pix2pix and from the
    course's other generators): MNIST's background is exactly −1, which tanh
    reaches only at −∞, and the L1 gradient does not shrink near its target,
    so under L1 the whole output was driven into tanh's flat tail, where no
    gradient reaches the strokes either (measured: every output pixel within
    0.03 of −1 and 10.2 dB PSNR after 300 steps). With a linear output the L1
    optimum of a background pixel is −1 itself. The outputs can leave [−1, 1]
    slightly: :meth:`gancourse.train.super_resolution.SuperResolutionGAN.upscale`
    clips them to the pixel range, while D and the L1 term see them as they are
    (D then also learns that real pixels never leave the range).

    He-normal initialisation for the ReLU layers (:func:`_he_init`).

    Departure from SRGAN: resize-convolution (Odena et al. 2016,
    "Deconvolution and Checkerboard Artifacts") instead of the sub-pixel
    convolution, which needs a special initialisation (ICNR) to avoid the same
    checkerboard; the cost is the same here.

    Raises:
        TypeError/ValueError: a size that is not an int >= 1, or a ``low_size``
            that does not divide ``image_size`` by a power of two.
    """
    factor = upscale_factor(low_size, image_size)
    noise_dim = check_int(noise_dim, "noise_dim", minimum=1)
    width = check_int(width, "width", minimum=2 * factor)
    residual_blocks = check_int(residual_blocks, "residual_blocks", minimum=0)
    z = keras.Input((noise_dim,), name="z")
    low = keras.Input((low_size, low_size, 1), name="low")
    h = layers.Conv2D(width, 3, padding="same", kernel_initializer=_he_init(seed), name="low_conv")(low)
    h = layers.ReLU(name="low_relu")(h)
    n = layers.Dense(low_size * low_size * 4, kernel_initializer=_he_init(seed), name="noise_project")(z)
    n = layers.Reshape((low_size, low_size, 4), name="noise_map")(n)
    h = layers.Concatenate(name="with_noise")([h, n])
    h = layers.Conv2D(width, 3, padding="same", kernel_initializer=_he_init(seed), name="fuse")(h)
    head = h = layers.ReLU(name="fuse_relu")(h)
    for i in range(1, residual_blocks + 1):
        h = _residual_block(h, width, seed, f"res{i}")
    if residual_blocks:
        h = layers.Add(name="long_skip")([head, h])  # SRGAN's skip around all residual blocks
    filters, i = width, 0
    while factor > 1:
        i, factor, filters = i + 1, factor // 2, max(filters // 2, 1)
        h = layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}")(h)
        h = layers.Conv2D(filters, 3, padding="same", kernel_initializer=_he_init(seed), name=f"up{i}_conv")(h)
        h = layers.ReLU(name=f"up{i}_relu")(h)
    # The input itself, nearest-upsampled, next to the last features: the output layer starts from a
    # blocky copy of the digit instead of rebuilding it through every layer (the role of SRGAN's long skip).
    h = layers.Concatenate(name="with_input")([h, layers.UpSampling2D(upscale_factor(low_size, image_size),
                                                                       name="low_upsampled")(low)])
    x = layers.Conv2D(1, 3, padding="same", kernel_initializer=keras.initializers.GlorotUniform(seed),
                      name="to_image")(h)  # linear: no tanh, see the docstring
    return keras.Model([z, low], x, name=name)


def sr_discriminator(low_size: int = 7, image_size: int = 28, *, conditional: bool = True, width: int = 32,
                     downsamplings: int = 3, seed: int | None = None, name: str = "sr_discriminator"):
    """The discriminator: one logit per 28x28 image, ``(N, 1)``; with ``conditional=True`` it also takes the input.

    The body is chapter 5's DCGAN discriminator (:func:`gancourse.nets.dcgan.dcgan_discriminator`,
    three stride-2 convolutions as in the ``cpu`` profile). ``conditional=True``
    (the default, pix2pix's conditional D, Isola et al. 2017 eq. 1):
    ``[image (N, 28, 28, 1), low (N, low_size, low_size, 1)] -> logit``, the
    low-resolution image nearest-upsampled to 28x28 and stacked as a second
    channel, as pix2pix stacks input and output. ``conditional=False``
    (SRGAN's D): ``image -> logit``.

    Departure from both papers: a global logit instead of pix2pix's 70x70
    PatchGAN (a 28x28 digit is one patch) and instead of SRGAN's deeper
    VGG-like D with dense layers (too slow for a CPU chapter).
    """
    factor = upscale_factor(low_size, image_size)
    conditional = check_bool(conditional, "conditional")
    body = dcgan_discriminator(image_size, 2 if conditional else 1, width=width, downsamplings=downsamplings,
                               seed=seed, name=f"{name}_body")
    if not conditional:
        return body
    image = keras.Input((image_size, image_size, 1), name="image")
    low = keras.Input((low_size, low_size, 1), name="low")
    up = layers.UpSampling2D(factor, interpolation="nearest", name="low_upsampled")(low)
    pair = layers.Concatenate(name="image_and_input")([image, up])
    return keras.Model([image, low], body(pair), name=name)


def sr_networks(low_size: int = 7, *, noise_dim: int = 8, width: int = 64, residual_blocks: int = 2,
                conditional: bool = True, d_width: int = 32, seed: int | None = None):
    """``(generator, discriminator)``: a matching pair from :func:`sr_generator` and :func:`sr_discriminator`."""
    return (sr_generator(low_size, noise_dim=noise_dim, width=width, residual_blocks=residual_blocks, seed=seed),
            sr_discriminator(low_size, conditional=conditional, width=d_width, seed=seed))
