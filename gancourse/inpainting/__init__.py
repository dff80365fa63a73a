"""Chapter 6: semantic image inpainting with a trained DCGAN (Yeh et al. 2017, CVPR).

Masks are 1 on known pixels and 0 in the hole (:mod:`.masks`); images are
(N, H, W, C) in [-1, 1]; the losses (:mod:`gancourse.objectives.inpainting`)
are per-image sums.

* :mod:`.masks`: centre square, random pixels, half image, any user array.
* :mod:`.inversion`: Yeh's latent search with Adam and restarts (:func:`fit_latent`).
* :mod:`.stronger_inversion`: encoder start (Zhu et al. 2020) and per-image
  generator fine-tuning (Pan et al. 2020).
* :mod:`.blending`: direct and Poisson blending (Perez et al. 2003).
* :mod:`.baselines`: mean fill, biharmonic (scikit-image), Telea and
  Navier-Stokes (OpenCV).

PSNR over the hole: use :func:`gancourse.evaluate.psnr.psnr`, whose mask marks
the pixels *compared*, i.e. the hole ``1 - M`` (not ``M``)::

    psnr(completed, truth, mask=1 - M, data_range=2.0)   # images in [-1, 1]

``data_range=2`` on [-1, 1] gives the same dB as ``data_range=1`` on [0, 1];
the value is the mean over images of each image's PSNR (``reduce="none"``
gives them one by one).
"""

from .baselines import (
                                 inpaint_biharmonic,
                                 inpaint_navier_stokes,
                                 inpaint_telea,
                                 mean_fill,
)
from .blending import blend_direct, blend_poisson
from .inversion import LatentFit, default_z_limit, fit_latent, print_progress
from .methods import (
    CLASSICAL_METHODS,
    STRONGER_METHODS,
    YEH_METHODS,
    complete_classical,
    complete_stronger,
    complete_yeh,
    fit_whole_images,
)
from .masks import (
    as_mask,
    center_square_mask,
    half_mask,
    random_pixel_mask,
    random_training_masks,
    square_mask,
)
from .stronger_inversion import (
                                 GeneratorPriorResult,
                                 build_inversion_encoder,
                                 complete_with_generator_prior,
                                 encode_start,
                                 fine_tune_generator,
                                 train_inversion_encoder,
)

__all__ = ["as_mask", "square_mask", "center_square_mask", "random_training_masks", "random_pixel_mask", "half_mask", "LatentFit", "default_z_limit",
           "fit_latent", "print_progress", "GeneratorPriorResult", "build_inversion_encoder",
           "train_inversion_encoder", "encode_start", "fine_tune_generator", "complete_with_generator_prior",
           "blend_direct", "blend_poisson", "mean_fill", "inpaint_biharmonic", "inpaint_telea",
           "inpaint_navier_stokes", "CLASSICAL_METHODS", "YEH_METHODS", "STRONGER_METHODS",
           "complete_classical", "complete_yeh", "complete_stronger", "fit_whole_images"]
