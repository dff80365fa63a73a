"""Networks: generator and discriminator factories, autoencoders, the classifier, the latent space, shipped files.

Stands on :mod:`gancourse.config` and :mod:`gancourse.data`; never imports
training, evaluation, display or the command line. Modules:

* :mod:`.mlp`: seed 001's MLP generator and discriminator (chapter 4).
* :mod:`.dcgan`: the DCGAN generator and discriminator, their optimisers (chapter 5).
* :mod:`.conv_arithmetic`: output sizes of (transposed) strided convolutions.
* :mod:`.autoencoders`: encoders and decoders (chapter 2).
* :mod:`.toy`: small MLPs for 1-D and 2-D problems (chapters 1, 3, 7, 8).
* :mod:`.critics`: WGAN critics without batch normalisation (chapter 7).
* :mod:`.shapes`: do a generator and a discriminator fit together?
* :mod:`.classifier`: the MNIST classifier behind the evaluation kit.
* :mod:`.latent`: fixed noise, lerp/slerp, latent arithmetic.
* :mod:`.pretrained`: the files in ``data/pretrained/``, loaded after a checksum check.
"""
