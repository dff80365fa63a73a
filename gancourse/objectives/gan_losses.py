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

from ..config import import_tensorflow
from ..config.validate import check_choice

import_tensorflow()
from keras import ops  # noqa: E402

__all__ = ["GENERATOR_LOSSES", "log_d", "log_one_minus_d", "discriminator_loss", "generator_loss_saturating",
           "generator_loss_non_saturating", "generator_loss", "check_generator_loss_kind", "discriminator_accuracy"]

GENERATOR_LOSSES = ("non_saturating", "saturating")


def log_d(logits):
    """log D(x) = log sigmoid(o) = -softplus(-o), stable for any logit."""
    return -ops.softplus(-ops.convert_to_tensor(logits))


def log_one_minus_d(logits):
    """log(1 - D(x)) = log sigmoid(-o) = -softplus(o), stable for any logit."""
    return -ops.softplus(ops.convert_to_tensor(logits))


def discriminator_loss(real_logits, fake_logits):
    """Discriminator loss: binary cross-entropy with real = 1 and fake = 0.

    ``-(E[log D(x)] + E[log(1 - D(G(z)))])`` = ``-V(D, G)``: minimising it
    maximises the value function (Goodfellow et al. 2014, eq. 1; notes eq. 13.4).
    Note: the lecture notes' eq. 13.3 carries a factor 1/2 (p_src = 1/2); the
    course drops it, as the paper's algorithm 1 and every framework do, since it
    only rescales the gradient.
    """
    return -(ops.mean(log_d(real_logits)) + ops.mean(log_one_minus_d(fake_logits)))


def generator_loss_saturating(fake_logits):
    """The minimax generator loss ``E[log(1 - D(G(z)))]`` (to be minimised).

    Its gradient vanishes when D confidently rejects the fakes, D(G(z)) -> 0
    (notes eqs. 13.8-13.9): the "saturation" the non-saturating loss fixes.
    """
    return ops.mean(log_one_minus_d(fake_logits))


def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss ``-E[log D(G(z))]`` (Goodfellow et al. 2014, §3).

    Same fixed point as the saturating loss, but strong gradients early in
    training when D(G(z)) is near 0 (notes eqs. 13.10-13.11).
    """
    return -ops.mean(log_d(fake_logits))


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
    real = ops.cast(ops.convert_to_tensor(real_logits), "float32")
    fake = ops.cast(ops.convert_to_tensor(fake_logits), "float32")
    return 0.5 * (ops.mean(ops.cast(real > 0, "float32")) + ops.mean(ops.cast(fake < 0, "float32")))
