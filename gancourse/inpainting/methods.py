"""Every completion method of chapter 6 behind one call each, so the chapter and ``evaluate inpainting-mnist``
compare the same things.

Each function returns ``{method name: completed images}`` (N, H, W, C) in [-1, 1]
with the known pixels kept (a completion never alters what was given), so any
two methods can be scored side by side (:mod:`gancourse.evaluate.completion`).

* :func:`complete_classical`: the baselines from scikit-image and OpenCV.
* :func:`complete_yeh`: Yeh et al. 2017, the z search then direct and Poisson blending.
* :func:`complete_stronger`: the encoder start (Zhu et al. 2020), then the z
  refinement, then per-image generator fine-tuning (Pan et al. 2020), each
  stage reported so that what each part adds is measured.
* :func:`fit_whole_images`: the same searches with nothing missing: how well
  G can reproduce a test image at all (the upper bound of any z-only method).
"""

from __future__ import annotations

import time

import numpy as np

from ..config.validate import check_int, check_number, check_seed
from ..objectives.inpainting import as_images, as_mask
from .baselines import inpaint_biharmonic, inpaint_navier_stokes, inpaint_telea, mean_fill
from .blending import blend_direct, blend_poisson
from .inversion import fit_latent
from .stronger_inversion import encode_start, fine_tune_generator

__all__ = ["CLASSICAL_METHODS", "YEH_METHODS", "STRONGER_METHODS", "complete_classical", "complete_yeh",
           "complete_stronger", "fit_whole_images"]

CLASSICAL_METHODS = {"mean fill": mean_fill, "biharmonic": inpaint_biharmonic, "Telea": inpaint_telea,
                     "Navier-Stokes": inpaint_navier_stokes}
"""The classical baselines, by the name the chapter's tables use."""

YEH_METHODS = ("Yeh (direct)", "Yeh (Poisson)")
STRONGER_METHODS = ("encoder start", "+ z refinement", "+ G fine-tuning")


def _checked(images, mask):
    y = as_images(images, "images")
    return y, as_mask(mask, y.shape)


def complete_classical(images, mask) -> dict[str, np.ndarray]:
    """Every baseline of :data:`CLASSICAL_METHODS` on the same images and mask (1 = known, 0 = hole)."""
    y, m = _checked(images, mask)
    return {name: fill(y, m) for name, fill in CLASSICAL_METHODS.items()}


def complete_yeh(generator, discriminator, images, mask, *, steps: int, restarts: int, learning_rate: float = 0.01,
                 prior_weight: float = 0.1, window: int = 7, candidates=None, schedule: str = "constant",
                 seed: int = 0, progress=None):
    """Yeh et al. 2017: z_hat = argmin_z L_c + lambda L_p (Sec. 3.2), then x = M*y + (1-M)*G(z_hat) (Sec. 3.3).

    Returns ``(completions, fit)``: ``completions`` maps :data:`YEH_METHODS` to
    the directly and the Poisson-blended images; ``fit`` is the
    :class:`~gancourse.inpainting.inversion.LatentFit` (z, G(z), losses).
    ``window``, ``candidates`` and ``schedule`` go to
    :func:`~gancourse.inpainting.inversion.fit_latent` (the paper: 7, None, "constant").
    """
    y, m = _checked(images, mask)
    fit = fit_latent(generator, discriminator, y, m, steps=steps, restarts=restarts, learning_rate=learning_rate,
                     prior_weight=prior_weight, window=window, candidates=candidates, schedule=schedule,
                     seed=check_seed(seed), record_history=False, progress=progress)
    return {YEH_METHODS[0]: blend_direct(y, m, fit.generated),
            YEH_METHODS[1]: blend_poisson(y, m, fit.generated)}, fit


def complete_stronger(generator, discriminator, encoder, images, mask, *, steps: int, tune_steps: int,
                      learning_rate: float = 0.01, tune_learning_rate: float = 1e-4, prior_weight: float = 0.1,
                      weighting: str = "importance", window: int = 7, schedule: str = "constant",
                      blend: bool = True, seed: int = 0, progress=None) -> tuple[dict, dict]:
    """The stronger inversion in three cumulative stages, each directly blended (:data:`STRONGER_METHODS`).

    Returns ``(completions, seconds)``: both map each stage's name to its
    images and to the seconds that stage alone took. ``blend=False`` returns
    G's raw output instead (for whole-image fits, where blending would
    return the input itself).

    1. ``"encoder start"``: z0 = E(y with the hole mean-filled), x = M*y + (1-M)*G(z0): one forward pass.
    2. ``"+ z refinement"``: Yeh's search started from z0 (one start, ``steps`` Adam steps).
    3. ``"+ G fine-tuning"``: a copy of G tuned per image at that z (``tune_steps``).

    Departure from Zhu et al. and Pan et al.: the stages are run one after the
    other with Yeh's loss throughout, so the gain of each is read off the table.
    """
    y, m = _checked(images, mask)
    steps = check_int(steps, "steps", minimum=0)
    tune_steps = check_int(tune_steps, "tune_steps", minimum=0)
    clock = time.perf_counter()
    z0 = encode_start(encoder, y, m)
    def finish(generated):
        return blend_direct(y, m, generated) if blend else np.asarray(generated, np.float32)

    out = {STRONGER_METHODS[0]: finish(np.asarray(generator(z0, training=False)))}
    seconds = {STRONGER_METHODS[0]: time.perf_counter() - clock}
    clock = time.perf_counter()
    fit = fit_latent(generator, discriminator, y, m, steps=steps, restarts=1, learning_rate=learning_rate,
                     prior_weight=prior_weight, weighting=weighting, window=window, schedule=schedule, z_start=z0,
                     seed=check_seed(seed), record_history=False, progress=progress)
    out[STRONGER_METHODS[1]] = finish(fit.generated)
    seconds[STRONGER_METHODS[1]] = time.perf_counter() - clock
    clock = time.perf_counter()
    tune_learning_rate = check_number(tune_learning_rate, "tune_learning_rate", minimum=0.0, exclusive_minimum=True)
    if tune_steps == 0:  # nothing to tune: skip copying G per image (the control redraws this way)
        out[STRONGER_METHODS[2]] = out[STRONGER_METHODS[1]]
    else:
        tuned = fine_tune_generator(generator, discriminator, y, m, fit.z, steps=tune_steps,
                                    learning_rate=tune_learning_rate, prior_weight=prior_weight, weighting=weighting,
                                    window=window, record_history=False)
        out[STRONGER_METHODS[2]] = finish(tuned.generated)
    seconds[STRONGER_METHODS[2]] = time.perf_counter() - clock
    return out, seconds


def fit_whole_images(generator, discriminator, images, *, steps: int, restarts: int, encoder=None,
                     tune_steps: int = 0, learning_rate: float = 0.01, tune_learning_rate: float = 1e-4,
                     candidates=None, schedule: str = "constant", seed: int = 0) -> dict[str, np.ndarray]:
    """G's best reproduction of whole images: the ceiling of what a completion of the hole can reach.

    ``"z only"``: Yeh's search with nothing missing, no prior term
    (lambda = 0: the question is what G *can* draw, not what D likes) and
    plain weights (Yeh's importance weights are 0 where nothing is missing),
    best of ``restarts``. With an ``encoder``, also the stronger inversion's stages on
    the whole image (:func:`complete_stronger` with an all-ones mask).
    """
    y = as_images(images, "images")
    ones = np.ones_like(y)
    fit = fit_latent(generator, discriminator, y, ones, steps=steps, restarts=restarts, learning_rate=learning_rate,
                     prior_weight=0.0, weighting="plain", candidates=candidates, schedule=schedule,
                     seed=check_seed(seed), record_history=False)
    out = {"z only": fit.generated}
    if encoder is not None:
        out.update(complete_stronger(generator, discriminator, encoder, y, ones, steps=steps, tune_steps=tune_steps,
                                     learning_rate=learning_rate, tune_learning_rate=tune_learning_rate,
                                     prior_weight=0.0, weighting="plain", schedule=schedule, blend=False,
                                     seed=seed)[0])
    return out
