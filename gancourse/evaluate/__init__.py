"""Evaluation: how good, how varied and how original are generated samples?

Stands on config, data, nets and objectives. Modules:

* :mod:`.features`: the course's MNIST classifier as a feature extractor.
* :mod:`.frechet`: the Fréchet distance (FD). :mod:`.kid`: the kernel inception distance (KID).
* :mod:`.coverage`: class coverage, confident share, VEEGAN's mode coverage.
* :mod:`.memorisation`: nearest training images. :mod:`.psnr`: PSNR.
* :mod:`.likelihood`: the VAE's test ELBO.
* :mod:`.report`: the kit end to end, with the real-vs-real floor.
* :mod:`.linear_probe`: a linear classifier on a network's features (chapter 5).
* :mod:`.completion`: scoring inpainted images (chapter 6).
* :mod:`.toy_modes`, :mod:`.wasserstein_tracking`: chapter 7's mode-coverage lab and the critic's estimate
  against the Fréchet distance; :mod:`.remedy_modes`: chapter 8's remedies on the same lab;
  :mod:`.conditional`: a conditional generator scored per requested class;
  :mod:`.super_resolution`: chapter 8's super-resolution comparison.
"""
