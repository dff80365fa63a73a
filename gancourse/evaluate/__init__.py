"""Evaluation: how good, how varied and how original are generated samples?

Stands on config, data, nets and objectives. Modules:

* :mod:`.features`: the course's MNIST classifier as a feature extractor.
* :mod:`.frechet`: the Fréchet distance (FD). :mod:`.kid`: the kernel inception distance (KID).
* :mod:`.coverage`: class coverage, confident share, VEEGAN's mode coverage.
* :mod:`.memorisation`: nearest training images. :mod:`.psnr`: PSNR.
* :mod:`.likelihood`: the VAE's test ELBO.
* :mod:`.report`: the kit end to end, with the real-vs-real floor.
"""
