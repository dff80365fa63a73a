"""Display: plots, animations and widgets, the only modules that import matplotlib, IPython or ipywidgets.

* :mod:`.images`: image grids, sample panels, animations, GIFs, nearest neighbours.
* :mod:`.curves`: training curves, class histograms.
* :mod:`.figure_one`: Goodfellow et al.'s Figure 1 from a 1-D GAN's snapshots.
* :mod:`.widgets`: latent-space sliders.
* :mod:`.inpainting`: chapter 6's completion grids and the hole-moving control.
* :mod:`.health_panel`: chapter 8's training-health panel; :mod:`.variant_diagrams`: diagrams of the GAN variants.
"""
