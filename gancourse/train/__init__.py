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
"""
