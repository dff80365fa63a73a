"""``python -m gancourse evaluate sr-mnist``: chapter 8's super-resolution experiment and its bar, as one JSON line."""

from __future__ import annotations

from ..evaluate.super_resolution import sr_report


def evaluate_sr_mnist(args) -> dict:
    """Train the L1-only and the L1 + adversarial models; score them beside bicubic and nearest upsampling.

    Issue 17's bar: the adversarial model's Fréchet distance (the kit's) is
    below the L1-only model's; both PSNRs are reported
    (:func:`gancourse.evaluate.super_resolution.sr_report`).
    """
    return sr_report(args.profile, args.seed)
