"""The course's MNIST classifier: its architecture and the constants the evaluation kit reads.

Trained by ``python -m gancourse pretrain mnist-classifier`` (see
:mod:`gancourse.train.classifier_training`) and shipped in ``data/pretrained/``.
"""

from __future__ import annotations

from .. import config
from ..config.validate import check_int

CLASSIFIER_FILE = "pretrained/mnist_classifier.keras"
"""Path of the shipped classifier relative to ``data/`` (and its key in ``SHA256SUMS``)."""


FEATURES_LAYER = "features"
"""Name of the classifier's penultimate layer, whose activations FD and KID use."""


IMAGE_SHAPE = (28, 28, 1)
"""Input shape of the classifier: MNIST digits in [-1, 1]."""


REBUILD_HINT = "rebuild it with `python -m gancourse pretrain mnist-classifier` or restore it with git"


def build_classifier(num_classes: int = 10):
    """A small CNN for 28x28 digits in [-1, 1]; shapes in the comments (batch axis omitted).

    Built from Keras's own layers only, so it loads with ``safe_mode=True``.
    The dense layer named ``"features"`` is the evaluation kit's feature space.
    """
    config.import_tensorflow()
    import keras
    from keras import layers

    num_classes = check_int(num_classes, "num_classes", minimum=2)
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
    return keras.Model(inputs, outputs, name="mnist_classifier")
