"""Instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017): Gaussian noise on D's inputs, annealed to zero.

Seed 004 lists "adding noise to the discriminator's inputs" among the
regularisers that help a GAN converge. Why it helps (Arjovsky & Bottou 2017,
"Towards Principled Methods for Training GANs"; Sønderby, Caballero, Theis,
Shi & Huszár 2017, "Amortised MAP Inference for Image Super-resolution", who
named it instance noise): real images and early fakes lie on thin, disjoint
manifolds, so a perfect discriminator exists, the Jensen-Shannon divergence
is flat at log 2 and G's gradients vanish (chapter 7). Adding the same kind
of noise ε ~ N(0, σ²I) to real and fake samples before D sees them spreads
both distributions over the whole space, so they overlap and D cannot
separate them perfectly. Since the noise changes the distributions being
matched, σ is annealed to 0, so that the end of training matches the data
itself.

:class:`InstanceNoiseGAN` applies it through the trainer's
``transform_discriminator_input`` hook, to every batch D sees (real and
fake, in D's update and in G's), with σ read from the global step, so a
resumed run continues the schedule where it stopped. The noise is drawn from
the model's own seed generator: seeded runs repeat, and resume is exact.

The schedule (:func:`instance_noise_std`) is linear by default, or a
half cosine (flatter at both ends); both reach exactly 0 at ``anneal_steps``
and stay there, so the last part of training sees the data unchanged.
"""

from __future__ import annotations

import math

from ..config import import_tensorflow
from ..config.validate import check_choice, check_int, check_number
from .distribute import _replica_id
from .gan_trainer import GAN

tf = import_tensorflow()
from keras import ops  # noqa: E402

__all__ = ["InstanceNoiseGAN", "instance_noise_std", "SCHEDULES"]

SCHEDULES = ("linear", "cosine")
"""The annealing schedules of :func:`instance_noise_std`."""


def instance_noise_std(step, initial_std: float, anneal_steps: int, schedule: str = "linear"):
    """σ at ``step``: ``initial_std`` at step 0, falling monotonically to exactly 0 at ``anneal_steps``.

    ``"linear"``: σ₀ · (1 − t/T); ``"cosine"``: σ₀ · (1 + cos(π t/T)) / 2;
    both with t = min(step, T), so σ = 0 from step T on.

    Args:
        step: a Python int >= 0, or a scalar tensor (the optimiser's step
            inside ``train_step``: then a float32 tensor is returned).
        initial_std: σ₀ >= 0, in the data's units (images in [-1, 1]).
        anneal_steps: T >= 1.
        schedule: ``"linear"`` or ``"cosine"``.
    """
    initial_std = check_number(initial_std, "initial_std", minimum=0.0)
    anneal_steps = check_int(anneal_steps, "anneal_steps", minimum=1)
    schedule = check_choice(schedule, "schedule", SCHEDULES)
    if tf.is_tensor(step):
        t = ops.minimum(ops.cast(step, "float32"), float(anneal_steps)) / float(anneal_steps)
        cos = ops.cos
    else:
        step = check_int(step, "step", minimum=0)
        t = min(step, anneal_steps) / anneal_steps
        cos = math.cos
    fraction = 1.0 - t if schedule == "linear" else (1.0 + cos(math.pi * t)) / 2.0
    return initial_std * fraction


class InstanceNoiseGAN(GAN):
    """A GAN whose discriminator sees its inputs plus N(0, σ²) noise, σ annealed from ``noise_std`` to 0.

    Args:
        generator, discriminator, latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        noise_std: σ₀, the noise at step 0, in the data's units.
        anneal_steps: generator steps until σ reaches 0.
        schedule: ``"linear"`` or ``"cosine"``.

    Logs ``noise_std``, the σ of the step. Evaluation (``evaluate()``,
    ``test_step``) and sampling see no noise.
    """

    metric_names = GAN.metric_names + ("noise_std",)

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *, noise_std: float = 0.1,
                 anneal_steps: int = 1000, schedule: str = "linear", seed: int = 0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        self.noise_std = check_number(noise_std, "noise_std", minimum=0.0)
        self.anneal_steps = check_int(anneal_steps, "anneal_steps", minimum=1)
        self.schedule = check_choice(schedule, "schedule", SCHEDULES)

    def current_noise_std(self):
        """σ at the current global step (the generator optimiser's step count), as a float32 tensor."""
        step = self.g_optimizer.iterations if self.g_optimizer is not None else ops.zeros((), "int64")
        return ops.cast(instance_noise_std(ops.convert_to_tensor(step), self.noise_std, self.anneal_steps,
                                           self.schedule), "float32")

    def transform_discriminator_input(self, x, training=True):
        """``x + σ(step) · ε``, ε ~ N(0, I) from the model's seed generator (each replica its own draw)."""
        seed = self.seed_generator.next()
        seed = seed + ops.cast(ops.convert_to_tensor([0, 1]) * _replica_id(), seed.dtype)
        noise = tf.random.stateless_normal(ops.shape(x), seed=seed, dtype=x.dtype)
        return x + ops.cast(self.current_noise_std(), x.dtype) * noise

    def discriminator_logs(self, d_loss, real_logits, fake_logits, penalty=None) -> dict:
        """The plain GAN's logs and ``noise_std``."""
        return GAN.discriminator_logs(d_loss, real_logits, fake_logits, penalty) | {
            "noise_std": self.current_noise_std()}
