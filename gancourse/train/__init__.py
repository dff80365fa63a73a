"""Training: the GAN trainer and its variants, the VAE trainer, callbacks, checkpoints, pretraining.

Stands on config, data, nets and objectives. Modules:

* :mod:`.gan_trainer`: :class:`~.gan_trainer.GAN`, Algorithm 1 of Goodfellow et al. with hooks
  for every variant (chapters 3, 4, 5, 7, 8). :mod:`.wgan`: WGAN and WGAN-GP through those hooks (chapter 7).
* :mod:`.vae_trainer`: the VAE (chapter 2). :mod:`.toy_trainers`: chapter 1's moment-matching sampler.
* :mod:`.snapshots`, :mod:`.figure_one`: callbacks that record training for plots.
* :mod:`.checkpoints`: exact resume. :mod:`.divergence_stop`: stop a run that diverged.
* :mod:`.distribute`: ``tf.distribute`` helpers.
* :mod:`.recipes`, :mod:`.pretrain`, :mod:`.classifier_training`: rebuilding the shipped files.
* :mod:`.benchmark`: timing ``fit()`` against a ``GradientTape`` loop.
* :mod:`.critic_training`, :mod:`.critic_snapshots`: chapter 7's critic demos and the critic's estimate over training.
* Chapter 8: :mod:`.health_rules` (the readout's rules) and :mod:`.health` (the callback that applies them);
  :mod:`.health_cases` (each training problem reproduced, with its remedy); the remedies as trainers:
  :mod:`.unrolled`, :mod:`.instance_noise`, :mod:`.discriminator_penalties` (R1, weight penalty), picked by
  name in :mod:`.remedies`; :mod:`.conditional` (the conditional GAN); :mod:`.super_resolution`.
"""
