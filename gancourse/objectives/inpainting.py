"""The losses of semantic inpainting (Yeh et al. 2017, "Semantic Image Inpainting with Deep Generative Models", CVPR).

Yeh et al. complete an image ``y`` whose pixels are known where the mask
``M`` is 1 and missing where it is 0 (the convention of
:mod:`gancourse.inpainting.masks`) by searching the latent code of a trained
GAN:  z_hat = argmin_z  L_c(z | y, M) + lambda * L_p(z)  (their Sec. 3.2), with

* the contextual loss  L_c = || W * (G(z) - y) ||_1  (W = M for the plain
  version, Yeh's importance weights for the weighted one), and
* the perceptual (prior) loss  L_p = log(1 - D(G(z))).

**Scale (stated once, used throughout):** every loss here is a *per-image
sum*, a vector of shape (N,): the contextual loss sums |W * (G(z) - y)| over
the H x W x C values of each image, as Yeh's L1 norm does, and the perceptual
loss is one number per image. Nothing is averaged over pixels. So the weight
lambda is relative to a sum: with the course's MNIST DCGAN and a 14 x 14
centre hole, the plain contextual L1 is about 105 per image at a random z and
about 7 after 200 Adam steps, while |log(1 - D)| stays near 0.7, so
lambda = 0.1 barely moves the optimum. Raise lambda to give the prior weight,
and expect the sum (hence the useful lambda) to grow with the pixel count.

Also the entry checks shared by :mod:`gancourse.inpainting`: :func:`as_images`
and :func:`as_mask` (they live here, the lowest tier that needs them).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_choice, check_int, check_number
from .gan_losses import log_d, log_one_minus_d

import_tensorflow()
from keras import ops  # noqa: E402

__all__ = ["PRIOR_FORMS", "as_images", "as_mask", "importance_weights", "contextual_loss", "perceptual_loss",
           "inpainting_loss"]

PRIOR_FORMS = ("saturating", "non_saturating")
_RANGE_TOLERANCE = 1e-5  # float32 round-off of tanh outputs and of blending


def as_images(images, name: str = "images") -> np.ndarray:
    """``images`` as a float32 (N, H, W, C) array, finite and in [-1, 1].

    Raises:
        TypeError: not an array of real numbers.
        ValueError: not 4-D, NaN/inf, or values outside [-1, 1] (the message
            says how to convert [0, 255] pixels).
    """
    x = as_finite_array(images, name, ndim=4, min_rows=1, dtype=np.float32)
    if x.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {x.shape}")
    low, high = float(x.min()), float(x.max())
    if low < -1.0 - _RANGE_TOLERANCE or high > 1.0 + _RANGE_TOLERANCE:
        hint = ""
        if high > 1.0 + _RANGE_TOLERANCE:
            hint = (" (these look like [0, 255] pixels: convert with x / 127.5 - 1, e.g. "
                    "gancourse.data.images.uint8_to_tanh_range)")
        raise ValueError(f"{name} must be in [-1, 1], the generator's tanh scale, got values in "
                         f"[{low:g}, {high:g}]{hint}")
    return x


def as_mask(mask, images_shape, name: str = "mask") -> np.ndarray:
    """``mask`` checked against images of shape (N, H, W, C) and broadcast to it (float32 0/1).

    Convention: 1 on known pixels, 0 in the hole. Accepted shapes: (H, W), or
    any shape NumPy broadcasts to (N, H, W, C), e.g. (H, W, 1), (N, H, W, 1).
    Boolean arrays are accepted (True = known).

    Raises:
        TypeError/ValueError: not an array of numbers, NaN/inf, values other
            than 0 and 1, or a shape that does not fit the images.
    """
    shape = tuple(int(s) for s in images_shape)
    if len(shape) != 4:
        raise ValueError(f"images_shape must be (N, H, W, C), got {shape}")
    raw = np.asarray(mask)
    m = as_finite_array(raw.astype(np.float32) if raw.dtype == bool else raw, name, dtype=np.float32)
    if not np.all((m == 0) | (m == 1)):
        raise ValueError(f"{name} must contain only 0 (hole) and 1 (known), got values "
                         f"{np.unique(m)[:5].tolist()}...")
    if m.shape == shape[1:3]:
        m = m[None, :, :, None]
    try:
        return np.ascontiguousarray(np.broadcast_to(m, shape), dtype=np.float32)
    except ValueError:
        raise ValueError(f"{name} of shape {m.shape} does not fit images of shape {shape}: give (H, W) = "
                         f"{shape[1:3]} or a shape that broadcasts to {shape}") from None


def importance_weights(mask, window: int = 7) -> np.ndarray:
    """Yeh et al.'s importance weights W (Sec. 3.2.1, the weighted context loss).

        W_i = sum_{j in N(i)} (1 - M_j) / |N(i)|   if M_i != 0,   0 if M_i = 0,

    where N(i) is the ``window`` x ``window`` neighbourhood of pixel i (Yeh use
    7 x 7). A *known* pixel weighs the fraction of *missing* pixels around it:
    known pixels at the hole's border count most, known pixels far from the
    hole 0, and hole pixels 0 (a public implementation inverted this).

    Departure: at the image border N(i) is the part of the window inside the
    image (|N(i)| counts only existing pixels), so W stays a fraction; Yeh's
    code divided by window**2 there, as if outside pixels were known.

    Args:
        mask: (H, W) or (N, H, W, C) of 0/1 (1 = known); the window slides
            over H and W only.
        window: odd side of the square neighbourhood, >= 3.

    Returns:
        float32 array of the mask's shape, values in [0, 1).
    """
    window = check_int(window, "window", minimum=3)
    if window % 2 == 0:
        raise ValueError(f"window must be odd so that it is centred on the pixel, got {window}")
    raw = np.asarray(mask)
    m = as_finite_array(raw.astype(np.float64) if raw.dtype == bool else raw, "mask", ndim=(2, 4))
    if not np.all((m == 0) | (m == 1)):
        raise ValueError("mask must contain only 0 (hole) and 1 (known)")
    size = (window, window) if m.ndim == 2 else (1, window, window, 1)
    # uniform_filter with zero padding gives (sum over the in-image window)/window**2; dividing by
    # the same filter of ones turns it into the mean over the in-image part, i.e. / |N(i)|.
    missing = ndimage.uniform_filter(1.0 - m, size=size, mode="constant", cval=0.0)
    present = ndimage.uniform_filter(np.ones_like(m), size=size, mode="constant", cval=0.0)
    weights = m * missing / present
    return np.clip(weights, 0.0, 1.0).astype(np.float32)  # clip: filter round-off only


def _check_rank(x, name: str, ranks: tuple[int, ...]):
    shape = getattr(x, "shape", None)
    if shape is None:
        x = np.asarray(x)
        shape = x.shape
    if len(shape) not in ranks:
        raise ValueError(f"{name} must have {' or '.join(map(str, ranks))} dimensions, got shape {tuple(shape)}")
    return x


def contextual_loss(generated, images, weights):
    """Per-image contextual loss  || W * (G(z) - y) ||_1  (Yeh et al. 2017, Sec. 3.2.1).

    With ``weights = M`` this is the plain  ||M * G(z) - M * y||_1; with
    :func:`importance_weights` it is Yeh's importance-weighted context loss.
    Pixels where the weight is 0 (the hole) do not count, whatever ``images``
    holds there. Differentiable (Keras ops), usable inside ``tf.function``.

    Args:
        generated: G(z), (N, H, W, C).
        images: the images y to complete, (N, H, W, C).
        weights: (N, H, W, C) or broadcastable 4-D, non-negative.

    Returns:
        (N,) tensor: the sum over each image's pixels (the module's scale).

    Only ranks are checked here (the function runs on symbolic tensors); the
    values enter checked through :func:`as_images`, :func:`as_mask` and
    :func:`importance_weights`.
    """
    generated = _check_rank(generated, "generated", (4,))
    images = _check_rank(images, "images", (4,))
    weights = _check_rank(weights, "weights", (4,))
    diff = ops.abs(ops.convert_to_tensor(weights, "float32")
                   * (ops.convert_to_tensor(generated, "float32") - ops.convert_to_tensor(images, "float32")))
    return ops.sum(diff, axis=(1, 2, 3))


def perceptual_loss(logits, form: str = "saturating"):
    """Per-image perceptual (prior) loss on the discriminator's logits l (Yeh et al. 2017, Sec. 3.2.2).

    * ``"saturating"``: Yeh's  log(1 - D(G(z))) = log(1 - sigmoid(l)) = -softplus(l);
    * ``"non_saturating"``: -log D(G(z)) = softplus(-l), the same minimiser
      with strong gradients where D rejects G(z) (a departure from the paper,
      offered because log(1 - D) is flat there).

    Both are computed from logits, finite for any l. The discriminator must
    output logits, not probabilities.

    Args:
        logits: (N,) or (N, 1).

    Returns:
        (N,) tensor (one number per image: the module's scale).
    """
    form = check_choice(form, "form", PRIOR_FORMS)
    logits = _check_rank(logits, "logits", (1, 2))
    if len(logits.shape) == 2 and logits.shape[1] not in (None, 1):
        raise ValueError(f"logits must be (N,) or (N, 1), got shape {tuple(logits.shape)}")
    flat = ops.reshape(ops.convert_to_tensor(logits, "float32"), (-1,))
    return log_one_minus_d(flat) if form == "saturating" else -log_d(flat)


def inpainting_loss(generated, images, weights, logits=None, *, prior_weight: float = 0.1,
                    prior: str = "saturating"):
    """Yeh et al.'s total loss  L(z) = L_c(z | y, M) + lambda * L_p(z)  per image (Sec. 3.2).

    Args:
        generated, images, weights: as in :func:`contextual_loss`.
        logits: D's logits on ``generated``; ``None`` drops the perceptual term
            (a pure context fit).
        prior_weight: lambda >= 0, relative to the per-image *sum* of the
            contextual loss (see the module docstring on scale).
        prior: the form of L_p, see :func:`perceptual_loss`.

    Returns:
        (N,) tensor.
    """
    prior_weight = check_number(prior_weight, "prior_weight", minimum=0.0)
    prior = check_choice(prior, "prior", PRIOR_FORMS)
    loss = contextual_loss(generated, images, weights)
    if logits is not None and prior_weight > 0:
        loss = loss + prior_weight * perceptual_loss(logits, prior)
    return loss
