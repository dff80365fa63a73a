"""GAN losses on discriminator *logits*, as used by every trainer in the course.

Notation (Goodfellow et al. 2014, "Generative Adversarial Nets"): the
discriminator outputs a logit ``o(x)`` and ``D(x) = sigmoid(o(x))``. The value
function (eq. 1 of the paper, eq. 13.4 of the lecture notes) is

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))].

The functions below work on logits rather than probabilities: ``log D`` and
``log(1 - D)`` are computed as ``-softplus(-o)`` and ``-softplus(o)``, which stay
finite when ``D`` saturates at 0 or 1, where ``log(sigmoid(o))`` would give
``-inf`` in float32. All return the mean over the batch.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_choice, describe_value

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["GENERATOR_LOSSES", "as_logits", "log_d", "log_one_minus_d", "discriminator_loss",
           "generator_loss_saturating", "generator_loss_non_saturating", "generator_loss", "check_generator_loss_kind", "discriminator_accuracy"]

GENERATOR_LOSSES = ("non_saturating", "saturating")


def _is_concrete(value) -> bool:
    """True when ``value``'s numbers can be read now: NumPy, Python numbers and lists, eager tensors.

    Symbolic tensors (inside ``tf.function``, as in every ``train_step``) are not
    concrete: their values exist only when the graph runs, so they are not read.
    """
    if isinstance(value, (np.ndarray, np.generic, list, tuple, int, float)):
        return True
    return tf.is_tensor(value) and tf.executing_eagerly() and hasattr(value, "numpy")


def _check_concrete_finite(value, name: str) -> np.ndarray:
    """The numbers of a concrete ``value`` (see :func:`_is_concrete`), checked to be finite reals."""
    raw = np.asarray(value.numpy() if tf.is_tensor(value) else value)
    if not np.issubdtype(raw.dtype, np.number) and "float" in raw.dtype.name:  # bfloat16 and other ml_dtypes
        raw = raw.astype(np.float32)
    return as_finite_array(raw, name)


def as_logits(value, name: str):
    """Discriminator logits as a floating tensor; integers are cast to float32.

    Concrete input (NumPy, Python lists and numbers, eager tensors) is checked
    to be a non-empty array of finite real numbers. Symbolic tensors inside
    ``tf.function`` (the training step) are only checked for their dtype, so
    the graph is never broken nor slowed down.

    Raises:
        TypeError: not numbers (strings, booleans, complex numbers, objects).
        ValueError: a NaN or infinity, or an empty batch (whose mean would be NaN).
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be logits (an array or tensor of numbers), got {describe_value(value)}")
    if _is_concrete(value):
        arr = _check_concrete_finite(value, name)
        if arr.size == 0:
            raise ValueError(f"{name} is empty (shape {arr.shape}): its mean would be NaN")
    try:
        tensor = ops.convert_to_tensor(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be logits (an array or tensor of numbers), got {describe_value(value)} "
                        f"({exc})") from None
    dtype = keras.backend.standardize_dtype(tensor.dtype)
    if keras.backend.is_int_dtype(dtype) and dtype != "bool":
        return ops.cast(tensor, "float32")
    if not keras.backend.is_float_dtype(dtype):
        raise TypeError(f"{name} must hold real numbers, got dtype {dtype}")
    return tensor


def log_d(logits):
    """log D(x) = log sigmoid(o) = -softplus(-o), stable for any logit."""
    return _log_d(as_logits(logits, "logits"))


def log_one_minus_d(logits):
    """log(1 - D(x)) = log sigmoid(-o) = -softplus(o), stable for any logit."""
    return _log_one_minus_d(as_logits(logits, "logits"))


def _log_d(logits):
    return -ops.softplus(-logits)


def _log_one_minus_d(logits):
    return -ops.softplus(logits)


def discriminator_loss(real_logits, fake_logits):
    """Discriminator loss: binary cross-entropy with real = 1 and fake = 0.

    ``-(E[log D(x)] + E[log(1 - D(G(z)))])`` = ``-V(D, G)``: minimising it
    maximises the value function (Goodfellow et al. 2014, eq. 1; notes eq. 13.4).
    Note: the lecture notes' eq. 13.3 carries a factor 1/2 (p_src = 1/2); the
    course drops it, as the paper's algorithm 1 and every framework do, since it
    only rescales the gradient.

    Raises:
        TypeError/ValueError: as :func:`as_logits`, naming ``real_logits`` or ``fake_logits``.
    """
    real = as_logits(real_logits, "real_logits")
    fake = as_logits(fake_logits, "fake_logits")
    return -(ops.mean(_log_d(real)) + ops.mean(_log_one_minus_d(fake)))


def generator_loss_saturating(fake_logits):
    """The minimax generator loss ``E[log(1 - D(G(z)))]`` (to be minimised).

    Its gradient vanishes when D confidently rejects the fakes, D(G(z)) -> 0
    (notes eqs. 13.8-13.9): the "saturation" the non-saturating loss fixes.
    """
    return ops.mean(_log_one_minus_d(as_logits(fake_logits, "fake_logits")))


def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss ``-E[log D(G(z))]`` (Goodfellow et al. 2014, §3).

    Same fixed point as the saturating loss, but strong gradients early in
    training when D(G(z)) is near 0 (notes eqs. 13.10-13.11).
    """
    return -ops.mean(_log_d(as_logits(fake_logits, "fake_logits")))


def generator_loss(fake_logits, kind: str = "non_saturating"):
    """Dispatch to :func:`generator_loss_non_saturating` or :func:`generator_loss_saturating`.

    Raises:
        ValueError: ``kind`` is not one of :data:`GENERATOR_LOSSES`.
    """
    kind = check_choice(kind, "kind", GENERATOR_LOSSES)
    if kind == "non_saturating":
        return generator_loss_non_saturating(fake_logits)
    return generator_loss_saturating(fake_logits)


def check_generator_loss_kind(kind) -> str:
    """Validate a generator-loss name early (e.g. in ``compile``); return it."""
    if not isinstance(kind, str):
        raise TypeError(f"generator_loss must be a str, got {type(kind).__name__}")
    return check_choice(kind, "generator_loss", GENERATOR_LOSSES)


def discriminator_accuracy(real_logits, fake_logits):
    """Share of samples D classifies correctly: real with D > 1/2 (logit > 0), fake with D < 1/2.

    The two halves are averaged with equal weight, so the value is 1/2 for a
    D that guesses -- the equilibrium D = 1/2 of Goodfellow et al. (2014),
    Proposition 1 -- whatever the batch sizes.
    """
    real = ops.cast(as_logits(real_logits, "real_logits"), "float32")
    fake = ops.cast(as_logits(fake_logits, "fake_logits"), "float32")
    return 0.5 * (ops.mean(ops.cast(real > 0, "float32")) + ops.mean(ops.cast(fake < 0, "float32")))
