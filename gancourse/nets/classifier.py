"""The course's classifiers (MNIST digits, Fashion-MNIST clothes): architecture and the constants the kit reads.

Trained by ``python -m gancourse pretrain mnist-classifier`` and
``python -m gancourse pretrain fashion-classifier`` (see
:mod:`gancourse.train.classifier_training`) and shipped in ``data/pretrained/``.
Both have the same layers; only the images they were trained on differ.
"""

from __future__ import annotations

from .. import config
from ..config.validate import check_int
from ..data.datasets import get_spec

CLASSIFIER_FILES = {
    "mnist": "pretrained/mnist_classifier.keras",
    "fashion_mnist": "pretrained/fashion_mnist_classifier.keras",
}
"""Path of each dataset's shipped classifier relative to ``data/`` (and its key in ``SHA256SUMS``)."""


CLASSIFIER_PRETRAIN_NAMES = {"mnist": "mnist-classifier", "fashion_mnist": "fashion-classifier"}
"""The ``python -m gancourse pretrain NAME`` that rebuilds each dataset's classifier."""


CLASSIFIER_FILE = CLASSIFIER_FILES["mnist"]
"""The MNIST classifier's path, the evaluation kit's default."""


FEATURES_LAYER = "features"
"""Name of the classifier's penultimate layer, whose activations FD and KID use."""


IMAGE_SHAPE = (28, 28, 1)
"""Input shape of the classifiers: 28x28 grey images in [-1, 1]."""


def classifier_dataset(dataset: str = "mnist") -> str:
    """The canonical name (``"mnist"``, ``"fashion_mnist"``) of a dataset with a shipped classifier.

    Accepts the aliases of :func:`gancourse.data.datasets.get_spec` (``"fashion"``, ``"fashion-mnist"``).

    Raises:
        ValueError: a dataset the course ships no classifier for (the faces, or an unknown name).
    """
    name = get_spec(dataset).name
    if name not in CLASSIFIER_FILES:
        raise ValueError(f"dataset: the course ships classifiers for {', '.join(CLASSIFIER_FILES)}, "
                         f"not for {dataset!r}")
    return name


def classifier_file(dataset: str = "mnist") -> str:
    """``data/``-relative path of ``dataset``'s shipped classifier (its ``SHA256SUMS`` key)."""
    return CLASSIFIER_FILES[classifier_dataset(dataset)]


def rebuild_hint(dataset: str = "mnist") -> str:
    """What to do when ``dataset``'s shipped classifier is missing or altered."""
    name = CLASSIFIER_PRETRAIN_NAMES[classifier_dataset(dataset)]
    return f"rebuild it with `python -m gancourse pretrain {name}` or restore it with git"


REBUILD_HINT = rebuild_hint("mnist")


def build_classifier(num_classes: int = 10, *, name: str = "mnist_classifier"):
    """A small CNN for 28x28 grey images in [-1, 1]; shapes in the comments (batch axis omitted).

    Built from Keras's own layers only, so it loads with ``safe_mode=True``.
    The dense layer named ``"features"`` is the evaluation kit's feature space.
    ``name`` names the Keras model (``"fashion_mnist_classifier"`` for Fashion-MNIST).
    """
    config.import_tensorflow()
    import keras
    from keras import layers

    num_classes = check_int(num_classes, "num_classes", minimum=2)
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    inputs = keras.Input(IMAGE_SHAPE, name="image")                                 # 28x28x1
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)  # 28x28x32
    x = layers.MaxPooling2D(name="pool1")(x)                                         # 14x14x32
    x = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(x)     # 14x14x64
    x = layers.MaxPooling2D(name="pool2")(x)                                         # 7x7x64
    x = layers.Conv2D(64, 3, activation="relu", name="conv3")(x)                     # 5x5x64
    x = layers.Flatten(name="flatten")(x)                                            # 1600
    x = layers.Dropout(0.25, name="dropout1")(x)
    features = layers.Dense(128, activation="relu", name=FEATURES_LAYER)(x)          # 128
    x = layers.Dropout(0.5, name="dropout2")(features)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)  # 10
    return keras.Model(inputs, outputs, name=name)
