"""The course's classifiers as feature extractors: features, softmax probabilities, accuracy.

Every function takes ``classifier``: ``None`` for the shipped MNIST classifier
(the default everywhere), a dataset name (``"fashion_mnist"``) for that
dataset's shipped classifier, or any Keras model with a ``"features"`` layer.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..config.validate import as_finite_array, check_int
from ..nets.classifier import FEATURES_LAYER
from ..nets.pretrained import load_classifier
from .inputs import _as_images

_EXTRACTORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def resolve_classifier(classifier=None):
    """The classifier the kit scores with: MNIST's for ``None``, a dataset's shipped one for its name, else as given.

    Args:
        classifier: ``None``; ``"mnist"`` or ``"fashion_mnist"`` (``"fashion"``
            too), loaded checksummed with :func:`gancourse.nets.pretrained.load_classifier`;
            or a Keras model with a ``"features"`` layer.

    Raises:
        ValueError: a dataset without a shipped classifier.
        TypeError: neither ``None``, a name nor a Keras model.
    """
    if classifier is None:
        return load_classifier()
    if isinstance(classifier, str):
        try:
            return load_classifier(dataset=classifier)
        except ValueError as exc:
            raise ValueError(f"classifier: {exc}") from None
    if not hasattr(classifier, "get_layer"):
        raise TypeError("classifier must be None, a dataset name or a Keras model with a "
                        f"{FEATURES_LAYER!r} layer, got {type(classifier).__name__}")
    return classifier


def _extractor(classifier):
    """A model sharing ``classifier``'s weights that returns (features, probabilities)."""
    import keras

    try:
        return _EXTRACTORS[classifier]
    except (KeyError, TypeError):
        pass
    try:
        features = classifier.get_layer(FEATURES_LAYER).output
    except ValueError:
        raise ValueError(
            f"classifier has no layer named {FEATURES_LAYER!r}; build it with "
            "gancourse.nets.classifier.build_classifier or load it with load_classifier()"
        ) from None
    model = keras.Model(classifier.inputs[0], [features, classifier.outputs[0]], name="feature_extractor")
    try:
        _EXTRACTORS[classifier] = model
    except TypeError:  # an unhashable model: simply do not cache
        pass
    return model


def classifier_outputs(images, classifier=None, *, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Penultimate-layer features and softmax probabilities in one pass.

    Args:
        images: (N, 28, 28[, 1]) in [-1, 1] (NumPy array or tensor).
        classifier: ``None`` (the shipped MNIST classifier), a dataset name
            (``"fashion_mnist"``: its shipped classifier) or a Keras model with
            a ``"features"`` layer (:func:`resolve_classifier`).
        batch_size: images per forward pass (memory, not results).

    Returns:
        ``(features, probs)``: float32 arrays of shapes (N, D) and (N, 10).
    """
    x = _as_images(images)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    model = _extractor(resolve_classifier(classifier))
    feats, probs = [], []
    for start in range(0, len(x), batch_size):
        f, p = model(x[start: start + batch_size], training=False)
        feats.append(np.asarray(f, dtype=np.float32))
        probs.append(np.asarray(p, dtype=np.float32))
    return np.concatenate(feats), np.concatenate(probs)


def classifier_features(images, classifier=None, *, batch_size: int = 500) -> np.ndarray:
    """Activations of the classifier's penultimate layer, (N, D): the space FD and KID use."""
    return classifier_outputs(images, classifier, batch_size=batch_size)[0]


def classifier_probabilities(images, classifier=None, *, batch_size: int = 500) -> np.ndarray:
    """Softmax class probabilities of the classifier, (N, 10)."""
    return classifier_outputs(images, classifier, batch_size=batch_size)[1]


def classifier_accuracy(images, labels, classifier=None, *, batch_size: int = 500) -> float:
    """Share of ``images`` whose most probable class equals ``labels``."""
    labels = as_finite_array(labels, "labels")
    probs = classifier_probabilities(images, classifier, batch_size=batch_size)
    if labels.shape != (len(probs),):
        raise ValueError(f"labels must have shape ({len(probs)},), one per image, got {labels.shape}")
    return float(np.mean(np.argmax(probs, axis=1) == labels))
