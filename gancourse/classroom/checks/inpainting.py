"""Checks for the exercises of chapter 6 (semantic inpainting with a trained DCGAN).

| check | reference |
|---|---|
| :func:`check_importance_weights` | :func:`gancourse.objectives.inpainting.importance_weights` (Yeh et al. 2017, Sec. 3.2.1) |
| :func:`check_chosen_prior_weight` | a number read off the learner's own lambda sweep |
| :func:`check_scattered_pixels_reason` | multiple choice: why biharmonic interpolation wins on scattered pixels |

The last two check an *answer*: the learner writes a function of no
arguments returning it (the student version's stub raises
``NotImplementedError`` inside it, and the notebook still runs). A wrong
answer is explained by the misconception behind it; the right one is never
printed.
"""

from __future__ import annotations

import numpy as np

from .core import (
    _UNANSWERED,
    CheckFailure,
    CheckResult,
    _learner_answer,
    _learner_choice,
    _learner_error,
    _not_implemented,
    check_function,
)

__all__ = ["check_importance_weights", "check_chosen_prior_weight", "check_scattered_pixels_reason"]


def _masks() -> list[np.ndarray]:
    center = np.ones((10, 10), np.float32)
    center[3:7, 3:7] = 0
    half = np.ones((9, 8), np.float32)
    half[5:] = 0
    scattered = (np.random.default_rng(6).random((8, 8)) > 0.6).astype(np.float32)
    return [center, half, scattered]


def _inverted(mask, window):
    """The bug of a public implementation: weights on the *hole*, from the known pixels around it."""
    from ...objectives.inpainting import importance_weights

    return importance_weights(1.0 - mask, window)


def check_importance_weights(fn) -> CheckResult:
    """``fn(mask, window)`` gives Yeh's weights W for an (H, W) mask (1 = known), as the chapter defines them."""
    from ...objectives.inpainting import importance_weights

    name = "check_importance_weights"
    hint = ("Chapter 6, 'the contextual loss': W is 0 in the hole; a known pixel gets the share of *missing* pixels "
            "in the window x window square around it, counting only the part of the square inside the image "
            "(scipy.ndimage.uniform_filter with mode='constant' on 1 - M, divided by the same filter of ones).")
    mask = _masks()[0]
    try:
        got = fn(mask.copy(), 3)
    except NotImplementedError:
        return _not_implemented(name)
    except Exception as exc:
        raise _learner_error(name, exc, "(mask, 3)", hint) from exc
    got = np.asarray(got, dtype=np.float64)
    if got.shape == mask.shape and np.allclose(got, _inverted(mask, 3), atol=1e-5) \
            and not np.allclose(got, importance_weights(mask, 3), atol=1e-5):
        message = "\n".join([
            f"✗ {name}: your weights sit on the hole and count the known pixels around it: the mask is inverted.",
            "  The contextual loss compares G(z) with y on the *known* pixels, so the weights must be 0 in the "
            "hole (M = 0) and largest on known pixels at the hole's border. One public implementation shipped "
            "exactly this bug.", f"Hint: {hint}"])
        raise CheckFailure(message, CheckResult(name, "failed", message))
    cases = [((m, w), {}) for m in _masks() for w in (3, 5)]
    return check_function(name, fn, importance_weights, cases, atol=1e-5, rtol=1e-4, hint=hint)


def check_chosen_prior_weight(answer, sweep: dict) -> CheckResult:
    """The lambda of the learner's sweep with the highest PSNR over the hole (ties: the smaller lambda).

    ``sweep`` maps each lambda to that run's scores (``{"psnr_hole": ..., "accuracy": ...}``),
    as the chapter's sweep cell builds it.
    """
    name = "check_chosen_prior_weight"
    hint = ("Chapter 6, 'the sweep of lambda': read the PSNR-over-the-hole column of your own sweep table; if two "
            "lambdas are equal there, prefer the smaller one (less weight on D's opinion, the same fit).")
    if not isinstance(sweep, dict) or len(sweep) < 2:
        raise TypeError(f"sweep must be a dict of at least two lambdas -> scores, got {type(sweep).__name__}")
    got = _learner_answer(name, answer, hint)
    if got is _UNANSWERED:
        return _not_implemented(name)
    lambdas = sorted(float(k) for k in sweep)
    scores = {float(k): v for k, v in sweep.items()}
    best = max(scores[k]["psnr_hole"] for k in lambdas)
    expected = min(k for k in lambdas if scores[k]["psnr_hole"] == best)
    try:
        value = float(got)
    except (TypeError, ValueError):
        value = None
    if value is not None and np.isclose(value, expected, rtol=1e-6, atol=1e-12):
        message = f"✓ {name} passed (lambda = {value:g})."
        print(message)
        return CheckResult(name, "passed", message)
    if value is None or not any(np.isclose(value, k, rtol=1e-6, atol=1e-12) for k in lambdas):
        reason = f"{got!r:.60} is not one of the lambdas of your sweep ({', '.join(f'{k:g}' for k in lambdas)})."
    else:
        best_accuracy = max(lambdas, key=lambda k: (scores[k]["accuracy"], -k))
        if np.isclose(value, best_accuracy) and scores[value]["psnr_hole"] < best:
            reason = ("that lambda gives the best digit accuracy, but the question asks for the PSNR over the hole: "
                      "the two need not agree.")
        elif scores[value]["psnr_hole"] == best:
            reason = "that lambda ties for the best PSNR, but a smaller one reaches the same value."
        else:
            reason = (f"lambda = {value:g} gives {scores[value]['psnr_hole']:.2f} dB over the hole; another lambda "
                      "of your sweep does better.")
    message = "\n".join([f"✗ {name}: {reason}", f"Hint: {hint}"])
    raise CheckFailure(message, CheckResult(name, "failed", message))


SCATTERED_PIXELS_FEEDBACK = {
    "A": "Biharmonic inpainting learns nothing: it solves a fourth-order smoothness equation (scikit-image) on each "
         "image alone. No training data is involved, so it cannot 'have seen more digits'.",
    "B": "The search does run on these masks and lowers its loss; the question is why its answer is worse than a "
         "smooth interpolation even when it fits the known pixels.",
    "C": "right",
    "D": "lambda weighs D's opinion against the fit to the known pixels; with 20 % of the pixels known the fit still "
         "dominates the loss, and the sweep shows that lambda moves the PSNR far less than the gap between the "
         "methods here.",
}


def check_scattered_pixels_reason(answer) -> CheckResult:
    """Chapter 6: why biharmonic interpolation beats Yeh's search when 80 % of the pixels are missing at random (C)."""
    name = "check_scattered_pixels_reason"
    hint = ("Chapter 6, the table: compare how far a missing pixel is from a known one under each mask, and what "
            "limits what G(z) can draw (the whole-digit row).")
    return _learner_choice(name, answer, "C", SCATTERED_PIXELS_FEEDBACK, hint)
