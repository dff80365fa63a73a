"""Objectives: what the networks minimise, and the divergences behind them.

Stands on :mod:`gancourse.config` and :mod:`gancourse.data`. Modules:

* :mod:`.gan_losses`: the discriminator and generator losses on logits (chapters 3, 4).
* :mod:`.wasserstein`: the critic and generator losses of WGAN, weight clipping (chapter 7).
* :mod:`.gradient_penalty`: WGAN-GP's gradient penalty (chapter 7).
* :mod:`.divergences`: KL, JS, entropies, on histograms and densities (chapters 1, 3).
* :mod:`.elbo`: the reparameterisation trick and the VAE's evidence lower bound (chapter 2).
* :mod:`.mmd`: the maximum mean discrepancy (chapter 1's sampler, KID).
* :mod:`.inpainting`: contextual and perceptual losses of semantic inpainting (chapter 6).
"""
