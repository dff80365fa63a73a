"""Theory: the mathematics the chapters check numerically.

* :mod:`.likelihood`: maximum likelihood, EM for a mixture, densities of transformed noise, KDE (chapter 1).
* :mod:`.value_function`: V(G, D), the optimal discriminator, C(G) = −log 4 + 2·JSD (chapter 3).
* :mod:`.saturation`: the generator's gradients, saturating and non-saturating (chapter 3).
* :mod:`.games`: the zero-sum view and gradient play on a bilinear game (chapter 3).
"""
