"""Penalties on the discriminator: R1 on real data (Mescheder et al. 2018) and an L2 penalty on its weights.

Seed 004 names regularisation as the remedy for GANs that fail to converge,
"penalising the discriminator's weights" among it (the seed's list is cut
off there). Two penalties, each added to D's loss inside D's gradient tape
through the trainer's ``discriminator_penalty`` hook and logged as
``d_penalty``:

* **L2 weight penalty** (weight decay): (λ/2) Σ_W ‖W‖² over D's kernels
  (dense and convolution weights and embeddings; biases and normalisation
  scales are not penalised, as usual for weight decay). Its gradient is λW:
  each D update also shrinks the weights by a factor (1 − ηλ), keeping D
  smooth and its logits moderate, so it cannot become arbitrarily confident.
* **R1** (Mescheder, Geiger & Nowozin 2018, "Which Training Methods for GANs
  do actually Converge?", eq. 9): (γ/2) E_{x~p_data}[‖∇_x D(x)‖²], the
  squared gradient of D's logit with respect to its input, on real data only.
  The paper shows that with it, gradient descent converges locally on the
  Dirac-GAN and, under its assumptions, in general, where the unregularised
  GAN and WGAN circle the equilibrium; at the equilibrium (p_g = p_data, D = 0) the
  penalty is zero, so it does not move the solution.

R1's per-example gradients come from one gradient of the summed logits,
which equals each example's own gradient only when D's logit for an example
depends on that example alone: in a D with batch normalisation in training
mode the examples of a batch interact (as for WGAN-GP's critic; Gulrajani et
al. 2017, section 4).
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_number
from .gan_trainer import GAN

tf = import_tensorflow()
from keras import ops  # noqa: E402

__all__ = ["r1_penalty", "weight_penalty", "penalised_weights", "R1GAN", "WeightPenaltyGAN", "R1_GAMMA",
           "WEIGHT_PENALTY"]

R1_GAMMA = 10.0
"""γ = 10, a value the paper uses for its image experiments; the right γ depends on the data's scale."""

WEIGHT_PENALTY = 1e-3
"""λ of the L2 weight penalty (a starting point: it scales with D's size and learning rate)."""

PENALISED = ("kernel", "embeddings")
"""Names of the weights the L2 penalty covers: dense/convolution kernels and embedding tables."""


def r1_penalty(discriminate, real, condition=None, gamma: float = R1_GAMMA):
    """``(γ/2) · mean_i ‖∇_x D(x_i)‖²`` on real samples, and the mean ‖∇_x D(x_i)‖ for logging.

    Mescheder et al. (2018), eq. 9, with the expectation over p_data replaced
    by the batch mean. ``discriminate(x, condition, training=True)`` returns
    logits ``(N, 1)``; the gradient is taken with an inner tape that watches
    ``real``, so inside D's tape the update differentiates through it.

    For a linear D, D(x) = w·x + b, the gradient is w for every x and the
    penalty is (γ/2)‖w‖² (the unit tests check this).

    Returns:
        ``(penalty, mean_gradient_norm)``: float32 scalars; the norm carries no gradient.
    """
    gamma = check_number(gamma, "gamma", minimum=0.0)
    real = ops.cast(ops.convert_to_tensor(real), "float32")
    with tf.GradientTape() as tape:
        tape.watch(real)
        logits = discriminate(real, condition, training=True)
        total = ops.sum(ops.cast(logits, "float32"))
    grads = tape.gradient(total, real)
    axes = tuple(range(1, len(grads.shape)))
    squared = ops.sum(ops.square(grads), axis=axes)  # ‖∇D(x_i)‖², one per example
    penalty = 0.5 * gamma * ops.mean(squared)
    return penalty, ops.stop_gradient(ops.mean(ops.sqrt(squared)))


def penalised_weights(model) -> list:
    """The weights of ``model`` the L2 penalty covers: trainable kernels and embedding tables (:data:`PENALISED`)."""
    return [v for v in model.trainable_variables if v.name in PENALISED]


def weight_penalty(variables, weight: float = WEIGHT_PENALTY):
    """``(λ/2) · Σ_W ‖W‖²`` over ``variables`` (a float32 scalar; 0 for none).

    The L2 penalty of weight decay: its gradient with respect to W is λW.
    """
    weight = check_number(weight, "weight", minimum=0.0)
    variables = list(variables)
    if not variables:
        return ops.zeros((), "float32")
    return 0.5 * weight * ops.sum(ops.stack([ops.sum(ops.square(ops.cast(v, "float32"))) for v in variables]))


class R1GAN(GAN):
    """A GAN whose discriminator loss includes R1, (γ/2) E[‖∇D(x)‖²] on real data (Mescheder et al. 2018).

    Args:
        generator, discriminator, latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        gamma: γ >= 0 (0: the plain GAN's update, with the penalty logged).

    Logs ``d_penalty`` and ``real_grad_norm`` (mean ‖∇D(x)‖ on the real batch).
    """

    metric_names = GAN.metric_names + ("d_penalty", "real_grad_norm")

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *, gamma: float = R1_GAMMA,
                 seed: int = 0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        self.gamma = check_number(gamma, "gamma", minimum=0.0)

    def discriminator_penalty(self, real, fake, condition):
        """R1 on the real batch (D's input as D sees it, through ``transform_discriminator_input``)."""
        penalty, norm = r1_penalty(self.discriminate, self.transform_discriminator_input(real), condition,
                                   self.gamma)
        return penalty, {"real_grad_norm": norm}


class WeightPenaltyGAN(GAN):
    """A GAN whose discriminator loss includes (λ/2) Σ ‖W‖² over D's kernels (an L2 weight penalty).

    Args:
        generator, discriminator, latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        weight: λ >= 0.

    Logs ``d_penalty``.
    """

    metric_names = GAN.metric_names + ("d_penalty",)

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *,
                 weight: float = WEIGHT_PENALTY, seed: int = 0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        self.weight = check_number(weight, "weight", minimum=0.0)

    def discriminator_penalty(self, real, fake, condition):
        """(λ/2) Σ ‖W‖² over :func:`penalised_weights` of D."""
        return weight_penalty(penalised_weights(self.discriminator), self.weight)
