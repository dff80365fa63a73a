"""WGAN and WGAN-GP (chapter 7): the course's GAN trainer with a critic, extended through its hooks.

:class:`WGAN` is Algorithm 1 of Arjovsky, Chintala & Bottou (2017), "Wasserstein
GAN"; :class:`WGANGP` is Algorithm 1 of Gulrajani et al. (2017), "Improved
Training of Wasserstein GANs". Both subclass :class:`~.gan_trainer.GAN` and
override only its hooks (docs/architecture.md): ``compile(n_critic=5)``, the
two loss hooks (:mod:`gancourse.objectives.wasserstein`),
``after_discriminator_update`` (WGAN: clip the critic's weights to [-c, c] after
each update), ``discriminator_penalty`` (WGAN-GP: λ·E[(‖∇D(x̂)‖ − 1)²], inside
the critic's tape), ``critic_batch`` and ``discriminator_logs``. So ``fit()``,
the callbacks, exact resume with :class:`~.checkpoints.GANCheckpoint` and
``MirroredStrategy`` work as for every GAN of the course.

**Logs.** ``critic_loss`` (what the critic minimises, ``E[D(G(z))] − E[D(x)]``,
plus the penalty for WGAN-GP), ``wasserstein_estimate`` (``E[D(x)] −
E[D(G(z))]``, the critic's estimate of the Earth-Mover distance up to its
Lipschitz constant, the curve the WGAN paper plots), ``critic_real`` and
``critic_fake`` (mean raw scores: a critic has no sigmoid, so no
probabilities), ``g_loss`` (``−E[D(G(z))]``), and the trainer's ``d_grad_norm``
and ``g_grad_norm`` (the base names, which the chapter 8 health readout reads).
WGAN-GP adds ``gradient_penalty`` and ``interpolate_grad_norm`` (mean ‖∇D(x̂)‖
at the interpolates, which the penalty pulls to 1). In training the critic's
values are those of the last of the n_critic critic steps, before its update;
``evaluate()`` logs the same names (without the penalty: it takes no gradients).

**Real batches.** Both papers' Algorithm 1 draw a *new* real minibatch of m
examples for each critic step, as the authors' code does. The default,
``real_batches="slice"``, keeps that: fit with **batch_size = n_critic × m**
(``training_stream(x, batch_size=5 * 64)``) and critic step i takes examples
``i, i + n_critic, i + 2 n_critic, ...`` (strided, so that under
``MirroredStrategy``, where each replica holds a contiguous share, every critic
step sees the same examples as on one device). ``real_batches="same"`` is the
keras-io WGAN-GP example's convention: every critic step reuses the whole
batch with fresh noise, so the critic takes five steps on the same examples
(it can fit them, and the logged estimate is measured on data it has just
trained on). With ``"slice"`` one generator step consumes n_critic·m real
examples, as in the papers.

**Departure.** The generator step reuses the first critic step's m fakes (the
base trainer's choice: it draws as many fakes as the first critic batch holds)
instead of drawing a new batch of noise for line 10 of Algorithm 1; the
expected gradient is the same and it saves one generator forward pass.
"""

from __future__ import annotations


from ..config import import_tensorflow
from ..config.validate import check_choice, check_number
from ..nets.critics import batch_norm_layers
from ..objectives import wasserstein
from ..objectives.gradient_penalty import DEFAULT_WEIGHT, gradient_penalty_and_norm
from .distribute import _replica_id
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["CriticGAN", "WGAN", "WGANGP", "wgan_optimizers", "wgan_gp_optimizers", "N_CRITIC", "REAL_BATCHES",
           "WGAN_LEARNING_RATE", "WGAN_GP_LEARNING_RATE"]

N_CRITIC = 5
"""Critic updates per generator update in both papers' experiments."""

REAL_BATCHES = ("slice", "same")
"""``"slice"``: a fresh real slice per critic step (the papers); ``"same"``: the whole batch each time (keras-io)."""

WGAN_LEARNING_RATE = 5e-5
"""Arjovsky et al. (2017), Algorithm 1: α = 0.00005 for RMSProp, both networks."""

WGAN_GP_LEARNING_RATE = 1e-4
"""Gulrajani et al. (2017), Algorithm 1: α = 0.0001 for Adam, both networks."""


def wgan_optimizers(learning_rate: float = WGAN_LEARNING_RATE, *, rho: float = 0.99, epsilon: float = 1e-16):
    """Two RMSprop optimisers ``(critic_optimizer, g_optimizer)`` with WGAN's settings.

    The paper (Algorithm 1) gives RMSProp with α = 5e-5 and nothing else (it
    prefers RMSProp to Adam, whose momentum made the critic unstable, section
    3). The authors' code (martinarjovsky/WassersteinGAN, ``main.py``) runs
    PyTorch's ``RMSprop(lr=5e-5)``: decay 0.99 (Keras: 0.9) and ε = 1e-8 added
    to ``sqrt(v)``; Keras adds its ε under the root, ``sqrt(v + ε)``, so
    ε = 1e-16 here matches theirs, where Keras's 1e-7 would hold every step
    below ``lr · g / 3e-4``, which matters for a clipped critic's small gradients.
    """
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    rho = check_number(rho, "rho", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    epsilon = check_number(epsilon, "epsilon", minimum=0.0, exclusive_minimum=True)
    return tuple(keras.optimizers.RMSprop(learning_rate, rho=rho, epsilon=epsilon) for _ in range(2))


def wgan_gp_optimizers(learning_rate: float = WGAN_GP_LEARNING_RATE, beta_1: float = 0.0, beta_2: float = 0.9):
    """Two Adam optimisers ``(critic_optimizer, g_optimizer)`` with WGAN-GP's settings.

    The paper's Algorithm 1: α = 1e-4, (β1, β2) = (0, 0.9). The authors' code
    (igul222/improved_wgan_training: ``gan_toy.py``, ``gan_mnist.py``) uses
    (0.5, 0.9) instead: pass ``beta_1=0.5`` to run what they ran. Keras's Adam
    ε is 1e-7 (TensorFlow 1's, in their code, 1e-8).
    """
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    beta_1 = check_number(beta_1, "beta_1", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    beta_2 = check_number(beta_2, "beta_2", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return tuple(keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2) for _ in range(2))


class CriticGAN(GAN):
    """What WGAN and WGAN-GP share: Wasserstein losses, critic logs, n_critic = 5, the real-batch convention.

    Args:
        generator, critic: as :class:`~.gan_trainer.GAN`'s generator and
            discriminator; the critic outputs one unbounded score per sample.
        latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        real_batches: ``"slice"`` (default: fit with batch_size = n_critic × m,
            each critic step takes its own m examples) or ``"same"`` (every
            critic step sees the whole batch, fresh noise); see the module notes.
    """

    metric_names = ("critic_loss", "wasserstein_estimate", "critic_real", "critic_fake", "g_loss", "d_grad_norm",
                    "g_grad_norm")

    def __init__(self, generator, critic, latent_dim: int | None = None, *, real_batches: str = "slice",
                 seed: int = 0, **kwargs):
        super().__init__(generator, critic, latent_dim, seed=seed, **kwargs)
        self.real_batches = check_choice(real_batches, "real_batches", REAL_BATCHES)

    def default_optimizers(self):
        """The paper's optimisers, used by :meth:`compile` when none are given."""
        raise NotImplementedError

    def compile(self, d_optimizer=None, g_optimizer=None, *, n_critic: int = N_CRITIC, **kwargs):
        """As :meth:`GAN.compile <.gan_trainer.GAN.compile>`, with ``n_critic=5`` and the paper's optimisers by default.

        Raises TypeError for a ``generator_loss`` (it is always ``-E[D(G(z))]``) or only one optimiser.
        """
        if "generator_loss" in kwargs:
            raise TypeError(f"{type(self).__name__}.compile takes no generator_loss: the generator minimises "
                            "-E[D(G(z))] (objectives.wasserstein.generator_loss)")
        if d_optimizer is None and g_optimizer is None:
            d_optimizer, g_optimizer = self.default_optimizers()
        super().compile(d_optimizer, g_optimizer, n_critic=n_critic, **kwargs)

    def slicing(self) -> bool:
        """Whether each critic step takes its own slice of the fit() batch."""
        return self.real_batches == "slice" and self.n_critic > 1

    # ------------------------------------------------------------------ hooks
    def discriminator_loss_fn(self, real_logits, fake_logits):
        """``E[D(G(z))] − E[D(x)]`` (Arjovsky et al. 2017, Algorithm 1, line 5, as a loss to minimise)."""
        return wasserstein.critic_loss(real_logits, fake_logits)

    def generator_loss_fn(self, fake_logits):
        """``−E[D(G(z))]`` (Algorithm 1, line 10)."""
        return wasserstein.generator_loss(fake_logits)

    def critic_batch(self, real, condition, index: int):
        """Critic step ``index``'s real examples: every n_critic-th from ``index`` (``"slice"``), or all (``"same"``).

        Raises ValueError in ``"slice"`` mode for a batch size known not to be a multiple of ``n_critic``.
        """
        if not self.slicing():
            return real, condition
        n = self.n_critic
        size = real.shape[0]
        if size is not None and size % n:
            raise ValueError(f"real_batches='slice' cuts each fit() batch into n_critic={n} critic batches, so "
                             f"the batch size must be n_critic x m; got {size} (e.g. fit with batch_size={n * 64} "
                             f"for m = 64, or build the GAN with real_batches='same')")
        return real[index::n], None if condition is None else tf.nest.map_structure(lambda t: t[index::n], condition)

    def discriminator_logs(self, d_loss, real_logits, fake_logits, penalty=None) -> dict:
        """``critic_loss``, ``wasserstein_estimate``, mean raw scores (and ``gradient_penalty``)."""
        logs = {
            "critic_loss": d_loss,
            "wasserstein_estimate": wasserstein.wasserstein_estimate(real_logits, fake_logits),
            "critic_real": ops.mean(ops.cast(real_logits, "float32")),
            "critic_fake": ops.mean(ops.cast(fake_logits, "float32")),
        }
        if penalty is not None:
            logs["gradient_penalty"] = penalty
        return logs


class WGAN(CriticGAN):
    """Arjovsky et al. (2017), Algorithm 1: the critic's weights clipped to [-c, c] after every critic update.

    Defaults: RMSProp 5e-5 (:func:`wgan_optimizers`), c = 0.01, n_critic = 5,
    and m = 64 in the paper (fit with batch_size = 320 in ``"slice"`` mode).

    Clipping runs in ``after_discriminator_update``, AFTER each update as in
    the paper (line 7), so the critic that scores G's samples is inside the
    box. Departures from the authors' ``main.py``, which clamps at the start of
    each critic iteration (before the update) and runs 100 critic iterations
    for the first 25 generator iterations and every 500th: neither is copied
    (n_critic is fixed when the step is compiled). Only the critic's trainable
    weights are clipped (``netD.parameters()`` there: no batch-norm statistics,
    never G). A WGAN critic may use batch norm (the paper's DCGAN critic does).
    ``clip_value`` is c > 0; the other arguments are :class:`CriticGAN`'s.
    """

    def __init__(self, generator, critic, latent_dim: int | None = None, *,
                 clip_value: float = wasserstein.DEFAULT_CLIP_VALUE, real_batches: str = "slice", seed: int = 0,
                 **kwargs):
        super().__init__(generator, critic, latent_dim, real_batches=real_batches, seed=seed, **kwargs)
        self.clip_value = check_number(clip_value, "clip_value", minimum=0.0, exclusive_minimum=True)

    def default_optimizers(self):
        return wgan_optimizers()

    def after_discriminator_update(self) -> None:
        """``w <- clip(w, -c, c)`` for every trainable weight of the critic (Algorithm 1, line 7)."""
        wasserstein.clip_weights(self.discriminator.trainable_variables, self.clip_value)


class WGANGP(CriticGAN):
    """Gulrajani et al. (2017), Algorithm 1: the critic's loss plus λ·E[(‖∇D(x̂)‖ − 1)²], no clipping.

    Defaults: λ = 10, n_critic = 5, Adam 1e-4 with (β1, β2) = (0, 0.9)
    (:func:`wgan_gp_optimizers`; the authors' code uses β1 = 0.5), m = 64.

    The penalty comes through ``discriminator_penalty``, which the base trainer
    calls inside the critic's gradient tape, so the critic's update
    differentiates through the input gradient (double backprop). x̂ = αx +
    (1 − α)x̃ with α ~ U[0, 1] per example, drawn from the model's own seed
    generator (so exact resume holds, and each replica draws its own α).

    λ = 10 is the paper's value in every experiment; the authors' ``gan_toy.py``
    uses 0.1 ("Smaller lambda makes things faster for toy tasks, but isn't
    necessary if you increase CRITIC_ITERS enough"): the penalty is scale-free
    while the Wasserstein term grows with the data's units, so on 2-D points
    λ = 10 holds the critic near a flat 1-Lipschitz shape that needs many more
    critic steps (:mod:`gancourse.objectives.gradient_penalty`).

    Raises ValueError for a critic with batch normalisation (the paper's section
    4, "No critic batch normalization") or a negative ``penalty_weight``.
    """

    metric_names = CriticGAN.metric_names + ("gradient_penalty", "interpolate_grad_norm")

    def __init__(self, generator, critic, latent_dim: int | None = None, *, penalty_weight: float = DEFAULT_WEIGHT,
                 real_batches: str = "slice", seed: int = 0, **kwargs):
        super().__init__(generator, critic, latent_dim, real_batches=real_batches, seed=seed, **kwargs)
        found = batch_norm_layers(critic)
        if found:
            raise ValueError(f"WGAN-GP's critic must not use batch normalisation (Gulrajani et al. 2017, section "
                             f"4): the gradient penalty is a per-example gradient norm, and batch norm makes each "
                             f"score depend on the whole batch. Found BatchNormalization layers {found} in "
                             f"{critic.name!r}; use layer normalisation or none (gancourse.nets.critics)")
        self.penalty_weight = check_number(penalty_weight, "penalty_weight", minimum=0.0)

    def default_optimizers(self):
        return wgan_gp_optimizers()

    def interpolation_weights(self, real):
        """α ~ U[0, 1), one per example of ``real``, from the model's seed generator (a replica adds its id)."""
        seed = self.seed_generator.next()
        seed = seed + ops.cast(ops.convert_to_tensor([0, 1]) * _replica_id(), seed.dtype)
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return tf.random.stateless_uniform(shape, seed=seed)

    def discriminator_penalty(self, real, fake, condition):
        """``λ·E[(‖∇D(x̂)‖ − 1)²]`` (:func:`~gancourse.objectives.gradient_penalty.gradient_penalty_and_norm`)."""
        def critic(x, condition=None):
            return self.discriminate(x, condition, training=True)

        result = gradient_penalty_and_norm(critic, real, fake, alpha=self.interpolation_weights(real),
                                           weight=self.penalty_weight, condition=condition)
        return result.penalty, {"interpolate_grad_norm": result.gradient_norm}
