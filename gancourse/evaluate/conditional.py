"""Scoring a conditional generator per requested class (chapter 8, ``evaluate cgan-mnist``).

A conditional GAN is asked for a digit: :func:`per_class_accuracy` is the
share of the digits asked for as c that the kit's classifier reads as c, and
:func:`conditional_report` adds the kit's Fréchet distance and coverage over
all of them (Mirza and Osindero 2014 give no such measure; the per-class
accuracy is the usual one, e.g. in the AC-GAN paper, Odena et al. 2017).
"""

from __future__ import annotations

import numpy as np

from .. import config
from ..train.conditional import samples_per_class
from .features import classifier_probabilities
from .report import evaluate_samples, real_evaluation_set

__all__ = ["conditional_report", "per_class_accuracy"]


def per_class_accuracy(images, labels, n_classes: int = 10, classifier=None) -> list:
    """For each class c, the share of the images requested as c that the kit's classifier reads as c."""
    labels = np.asarray(labels)
    predicted = classifier_probabilities(images, classifier).argmax(axis=1)
    return [float(np.mean(predicted[labels == c] == c)) if np.any(labels == c) else float("nan")
            for c in range(n_classes)]


def conditional_report(gan, profile=None, seed: int = 0, *, n_per_class: int | None = None) -> dict:
    """A conditional MNIST GAN scored per requested digit and by the kit.

    ``n_per_class`` samples of each digit (default: the profile's
    ``eval_samples`` / 10): the share the kit's classifier reads as the digit
    that was asked for, per digit; then the kit (:func:`evaluate_samples`) on
    all of them, in a seeded order, against the profile's real set at the same n.
    """
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    full, real, n = real_evaluation_set(prof)
    n_per_class = max(1, n // gan.n_classes) if n_per_class is None else n_per_class
    images, labels = samples_per_class(gan, n_per_class, seed=seed)
    accuracy = per_class_accuracy(images, labels, gan.n_classes)
    order = np.random.default_rng(seed).permutation(len(images))
    kit = evaluate_samples(images[order], real, seed=seed, train_images=full.x_train)
    return {"per_digit_accuracy": [round(a, 4) for a in accuracy], "min_digit_accuracy": round(min(accuracy), 4),
            "mean_digit_accuracy": round(float(np.mean(accuracy)), 4), "samples_per_digit": n_per_class,
            "data": full.source.split(":")[0], **kit}
