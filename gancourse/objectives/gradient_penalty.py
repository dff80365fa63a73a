"""WGAN-GP gradient penalty (chapter 7).

Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville (2017), "Improved Training of
Wasserstein GANs", eq. 3 and Algorithm 1 (lines 4-7):

    L = E[D(x~)] - E[D(x)] + lambda * E_{x^}[(||grad_{x^} D(x^)||_2 - 1)^2],
    x^ = eps * x + (1 - eps) * x~,   eps ~ U[0, 1], one per example.

The penalty replaces WGAN's weight clipping: it pushes the critic's gradient
norm towards 1 on straight lines between real and generated samples, where
the optimal critic has unit-norm gradients (paper, Proposition 1).

Settings, paper vs. the authors' code (github.com/igul222/improved_wgan_training):

* lambda = 10 on images: the paper (section 4, "Penalty coefficient") uses
  10 in all its experiments. The authors' toy script gan_toy.py, however,
  ships ``LAMBDA = .1`` for its 2-D data, commented "Smaller lambda makes things
  faster for toy tasks, but isn't necessary if you increase CRITIC_ITERS
  enough". Why it matters there (our reading): the penalty
  ``(||grad|| - 1)^2`` is scale-free, while the Wasserstein term
  ``E[D(x)] - E[D(x~)]`` grows with the distance between the distributions,
  in the data's units, and with the critic's output scale. On the 2-D toys the
  data spread is only about 4 units, so with lambda = 10 the penalty dominates
  the critic's objective: the critic is held near a flat, exactly 1-Lipschitz
  shape and needs many more critic steps to fit the Wasserstein term. The
  right lambda is relative to the data's and the critic's scale.
* Adam, learning rate 1e-4 with (beta1, beta2) = (0, 0.9) in the paper's
  Algorithm 1, but (0.5, 0.9) in the authors' code (gan_toy.py, gan_mnist.py,
  gan_cifar.py); n_critic = 5.
* No batch normalisation in the critic: the penalty is a per-example gradient
  norm, and batch norm makes each output depend on the whole batch, so the
  gradient of one score involves the other examples (paper, section 4,
  "No critic batch normalization"). Use layer normalisation or none.

The gradient ``grad_{x^} D(x^)`` is taken with an inner ``tf.GradientTape`` that
watches ``x^``. Called inside the trainer's outer tape over the critic's
weights, the outer tape differentiates through that gradient (double
backprop), which is how the penalty trains the critic.
"""

from __future__ import annotations

import collections

from ..config import import_tensorflow
from ..config.validate import check_int, check_number, check_seed, describe_value
from .wasserstein import as_critic_scores

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["PenaltyResult", "interpolation_weights", "interpolate", "safe_gradient_norm", "gradient_penalty",
           "gradient_penalty_and_norm", "DEFAULT_WEIGHT", "DEFAULT_EPS"]

DEFAULT_WEIGHT = 10.0
"""lambda of Gulrajani et al. (2017) on images (their toy code uses 0.1; see the module notes)."""

DEFAULT_EPS = 1e-12
"""Added under the square root in :func:`safe_gradient_norm` (the norm's bias is at most sqrt(eps) = 1e-6)."""

PenaltyResult = collections.namedtuple("PenaltyResult", ["penalty", "gradient_norm"])
PenaltyResult.__doc__ = """What :func:`gradient_penalty_and_norm` returns.

penalty: lambda * mean((||grad|| - 1)^2), a float32 scalar (differentiable).
gradient_norm: mean ||grad_{x^} D(x^)||_2 over the batch, for logging (gradient stopped).
"""


def _samples(value, name: str):
    """A batch of samples as float32, rank >= 1, non-empty."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a batch of samples (a tensor), got {describe_value(value)}")
    try:
        tensor = ops.convert_to_tensor(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a batch of samples (a tensor), got {describe_value(value)} ({exc})") \
            from None
    dtype = keras.backend.standardize_dtype(tensor.dtype)
    if dtype == "bool" or not (keras.backend.is_float_dtype(dtype) or keras.backend.is_int_dtype(dtype)):
        raise TypeError(f"{name} must hold real numbers, got dtype {dtype}")
    shape = tuple(tensor.shape)
    if len(shape) == 0:
        raise ValueError(f"{name} must be a batch (axis 0 = examples), got a scalar")
    if shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {shape})")
    return ops.cast(tensor, "float32")


def _same_shape(a, b, name_a: str, name_b: str) -> None:
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) != len(sb) or any(x is not None and y is not None and x != y for x, y in zip(sa, sb)):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {sa} and {sb}")


def _seed(seed):
    if seed is None or isinstance(seed, keras.random.SeedGenerator):
        return seed
    return check_seed(seed, "seed")


def interpolation_weights(batch_size, sample_shape_rank: int, seed=None):
    """eps ~ U[0, 1], one per example, shaped to broadcast over a sample.

    Gulrajani et al. (2017), Algorithm 1, line 4: "Sample ... a random number
    eps ~ U[0, 1]". Uniform, NOT normal: keras-io's WGAN-GP example once drew
    it with ``tf.random.normal`` (keras-team/keras-io#143), which gives
    negative weights and points far outside the segment between x and x~.

    Args:
        batch_size: number of examples B, an int >= 1 or a scalar integer
            tensor (``ops.shape(x)[0]`` inside ``tf.function``).
        sample_shape_rank: number of non-batch axes of a sample: 3 for images
            (H, W, C), giving shape (B, 1, 1, 1); 1 for 2-D toy points (B, 2),
            giving (B, 1).
        seed: a ``keras.random.SeedGenerator`` (use one in training: a fresh
            draw at every call, also inside ``tf.function``), an int (a fixed,
            reproducible draw: the SAME eps at every call), or ``None``
            (Keras's global generator).

    Returns:
        float32 tensor of shape ``(B,) + (1,) * sample_shape_rank``, values in [0, 1).
    """
    if not tf.is_tensor(batch_size):
        batch_size = check_int(batch_size, "batch_size", minimum=1)
    rank = check_int(sample_shape_rank, "sample_shape_rank", minimum=0)
    shape = (batch_size,) + (1,) * rank
    return keras.random.uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=_seed(seed))


def interpolate(real, fake, alpha):
    """x^ = alpha * x + (1 - alpha) * x~ (Gulrajani et al. 2017, Algorithm 1, line 6).

    Args:
        real, fake: batches of the same shape ``(B, ...)``.
        alpha: per-example weights of shape ``(B, 1, ..., 1)`` (same rank as
            ``real``), e.g. from :func:`interpolation_weights`.

    Returns:
        float32 tensor shaped like ``real``.
    """
    real = _samples(real, "real")
    fake = _samples(fake, "fake")
    _same_shape(real, fake, "real", "fake")
    alpha = _samples(alpha, "alpha")
    shape, a_shape = tuple(real.shape), tuple(alpha.shape)
    if (len(a_shape) != len(shape) or any(d not in (1, None) for d in a_shape[1:])
            or (a_shape[0] is not None and shape[0] is not None and a_shape[0] != shape[0])):
        want = (shape[0],) + (1,) * (len(shape) - 1)
        raise ValueError(f"alpha must have shape {want} (one weight per example), got {a_shape}")
    return alpha * real + (1.0 - alpha) * fake


def safe_gradient_norm(gradients, eps: float = DEFAULT_EPS):
    """Per-example L2 norm over all non-batch axes, with a finite gradient at 0.

    ``sqrt`` has an infinite derivative at 0, so the plain
    ``sqrt(sum(g^2))`` gives ``inf * 0 = NaN`` gradients when a critic's
    input gradient is exactly zero (a constant or dead critic; keras-io#624).

    * ``eps > 0`` (default 1e-12): ``sqrt(sum(g^2) + eps)``. Smooth, gradient
      ``g / norm`` (0 at g = 0); the value is biased up by at most
      ``sqrt(eps)`` (1e-6 at the default).
    * ``eps = 0``: the exact norm through a zero-safe square root,
      ``where(s > 0, sqrt(where(s > 0, s, 1)), 0)`` with ``s = sum(g^2)``:
      value 0 and gradient 0 at g = 0 (a valid subgradient), exact elsewhere.

    Args:
        gradients: ``(B, ...)``; a rank-1 ``(B,)`` input gives ``|g|``.
        eps: >= 0.

    Returns:
        float32 tensor of shape ``(B,)``.
    """
    eps = check_number(eps, "eps", minimum=0.0)
    g = _samples(gradients, "gradients")
    axes = tuple(range(1, len(g.shape)))
    squares = ops.sum(ops.square(g), axis=axes) if axes else ops.square(g)
    if eps > 0:
        return ops.sqrt(squares + eps)
    positive = squares > 0
    safe = ops.where(positive, squares, ops.ones_like(squares))
    return ops.where(positive, ops.sqrt(safe), ops.zeros_like(squares))


def gradient_penalty_and_norm(critic, real, fake, *, alpha=None, seed=None, weight: float = DEFAULT_WEIGHT,
                              condition=None, eps: float = DEFAULT_EPS) -> PenaltyResult:
    """``lambda * E[(||grad_{x^} D(x^)||_2 - 1)^2]`` and the mean gradient norm.

    Gulrajani et al. (2017), eq. 3 (the penalty term) and Algorithm 1, lines
    4-7, with the expectation replaced by the batch mean. The gradient is
    taken with an inner ``tf.GradientTape`` that watches x^; call this inside
    the outer tape of the critic update and the outer tape differentiates the
    penalty w.r.t. the critic's weights (double backprop). x^ itself carries
    no gradient (``stop_gradient``): the penalty regularises the critic only,
    never the generator through ``fake``.

    Per-example gradients come from one gradient of the summed scores, which
    is exact only when each score depends on its own example alone: no batch
    normalisation in the critic (see the module notes).

    Args:
        critic: callable; ``critic(x^)`` when ``condition`` is None, else
            ``critic(x^, condition)``, returning scores ``(B, 1)`` or ``(B,)``.
            Pass ``training=True`` yourself if it matters, e.g.
            ``lambda x: model(x, training=True)``.
        real, fake: batches of the same shape ``(B, ...)``, e.g. (B, H, W, C).
        alpha: optional per-example weights ``(B, 1, ..., 1)``; drawn from
            U[0, 1] with ``seed`` when omitted (:func:`interpolation_weights`).
        seed: a ``keras.random.SeedGenerator`` (recommended in training), an
            int (same eps every call) or None; only when ``alpha`` is None.
        weight: lambda >= 0; 10 on images (paper), 0.1 in the authors' 2-D
            toy code (see the module notes).
        condition: passed to the critic as its second argument (conditional
            GAN), unchanged; None for an unconditional critic.
        eps: see :func:`safe_gradient_norm`.

    Returns:
        :class:`PenaltyResult` ``(penalty, gradient_norm)``: float32 scalars,
        the penalty already multiplied by ``weight``.

    Raises:
        TypeError: ``critic`` is not callable; inputs are not real arrays.
        ValueError: ``real``/``fake`` shapes differ; bad ``alpha`` shape;
            ``weight`` or ``eps`` negative or not finite; both ``alpha`` and
            ``seed`` given; the critic's scores are not (B, 1) or (B,).
    """
    if not callable(critic):
        raise TypeError(f"critic must be callable, got {describe_value(critic)}")
    weight = check_number(weight, "weight", minimum=0.0)
    eps = check_number(eps, "eps", minimum=0.0)
    real = _samples(real, "real")
    fake = _samples(fake, "fake")
    _same_shape(real, fake, "real", "fake")
    if alpha is None:
        alpha = interpolation_weights(ops.shape(real)[0], len(real.shape) - 1, seed)
    elif seed is not None:
        raise ValueError("pass alpha or seed, not both: seed only draws alpha when alpha is None")
    x_hat = ops.stop_gradient(interpolate(real, fake, alpha))
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat) if condition is None else critic(x_hat, condition)
        scores = as_critic_scores(scores, "critic output")
    gradients = tape.gradient(scores, x_hat, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    norms = safe_gradient_norm(gradients, eps)
    penalty = weight * ops.mean(ops.square(norms - 1.0))
    return PenaltyResult(penalty, ops.stop_gradient(ops.mean(norms)))


def gradient_penalty(critic, real, fake, *, alpha=None, seed=None, weight: float = DEFAULT_WEIGHT,
                     condition=None, eps: float = DEFAULT_EPS):
    """The penalty ``lambda * E[(||grad_{x^} D(x^)||_2 - 1)^2]`` alone (a float32 scalar).

    Gulrajani et al. (2017), eq. 3. Same arguments as
    :func:`gradient_penalty_and_norm`, which also returns the mean gradient
    norm for logging.
    """
    return gradient_penalty_and_norm(critic, real, fake, alpha=alpha, seed=seed, weight=weight,
                                     condition=condition, eps=eps).penalty
