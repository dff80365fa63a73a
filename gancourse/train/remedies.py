"""Chapter 8's remedies as trainer options: one name per remedy, each a subclass of the course's GAN trainer.

Seed 004's remedies for the three common problems, and where each lives:

================== ============================================ ===============================================
name               remedy                                       trainer (hook it overrides)
================== ============================================ ===============================================
``"none"``         the plain GAN (non-saturating loss: the      :class:`~.gan_trainer.GAN`
                   "modified minimax" remedy for 梯度消失)
``"wasserstein"``  the Wasserstein loss (chapter 7)             :class:`~.wgan.WGANGP` (losses, penalty)
``"unrolled"``     unrolled discriminator (Metz et al. 2017)    :class:`~.unrolled.UnrolledGAN`
                                                                (``discriminator_for_generator``)
``"instance_noise"`` noise on D's inputs, annealed to 0         :class:`~.instance_noise.InstanceNoiseGAN`
                                                                (``transform_discriminator_input``)
``"weight_penalty"`` L2 penalty on D's weights                  :class:`~.discriminator_penalties.WeightPenaltyGAN`
                                                                (``discriminator_penalty``)
``"r1"``           R1 on real data (Mescheder et al. 2018)      :class:`~.discriminator_penalties.R1GAN`
                                                                (``discriminator_penalty``)
================== ============================================ ===============================================

:func:`remedy_gan` builds one by name with its options, so a notebook can
run the same networks under each remedy::

    gan = remedy_gan("unrolled", generator, discriminator, seed=0, unroll_steps=5)

None copies ``train_step``: each keeps ``fit()``, the callbacks, exact resume
with :class:`~.checkpoints.GANCheckpoint` and seeded determinism.
"""

from __future__ import annotations

from ..config.validate import check_choice
from .discriminator_penalties import R1GAN, WeightPenaltyGAN
from .gan_trainer import GAN
from .instance_noise import InstanceNoiseGAN
from .unrolled import UnrolledGAN
from .wgan import WGANGP

__all__ = ["REMEDIES", "remedy_gan"]

REMEDIES = {
    "none": GAN,
    "wasserstein": WGANGP,
    "unrolled": UnrolledGAN,
    "instance_noise": InstanceNoiseGAN,
    "weight_penalty": WeightPenaltyGAN,
    "r1": R1GAN,
}
"""Each remedy's name and its trainer class."""


def remedy_gan(name: str, generator, discriminator, latent_dim: int | None = None, *, seed: int = 0, **options):
    """The trainer of remedy ``name`` (:data:`REMEDIES`) on these networks, built with its ``options``.

    ``options`` are the class's own keyword arguments (``unroll_steps``,
    ``noise_std`` and ``anneal_steps``, ``weight``, ``gamma``,
    ``penalty_weight``); compile the result as usual.

    Raises:
        ValueError: an unknown ``name``. TypeError: an option the class does not take.
    """
    cls = REMEDIES[check_choice(name, "name", tuple(REMEDIES))]
    return cls(generator, discriminator, latent_dim, seed=seed, **options)
