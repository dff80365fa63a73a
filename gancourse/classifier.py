"""The course's MNIST classifier: the feature space and judge of the evaluation kit.

:mod:`gancourse.metrics` measures generated digits with this network: its
penultimate layer (``"features"``, 128 ReLU units) is the space in which the
Fréchet and kernel distances are computed, and its softmax decides which digit
a sample shows and how confidently. It plays the role Inception-v3 plays for
FID on natural images (Heusel et al. 2017), but it is trained on MNIST, so its
features describe digits.

``python -m gancourse pretrain mnist-classifier`` rebuilds the shipped file
``data/pretrained/mnist_classifier.keras`` from full MNIST (set
``GANCOURSE_DATA``); ``python -m gancourse evaluate mnist-classifier`` prints
its test accuracy.
"""

from __future__ import annotations

import os
import pathlib
import time

import numpy as np

from . import config, data
from .metrics import CLASSIFIER_FILE, FEATURES_LAYER, IMAGE_SHAPE

EPOCHS = 6
"""Passes over the 60,000 training digits for the shipped classifier."""

BATCH_SIZE = 128
LEARNING_RATE = 1e-3


def build_classifier(num_classes: int = 10):
    """A small CNN for 28x28 digits in [-1, 1]; shapes in the comments (batch axis omitted).

    Built from Keras's own layers only, so it loads with ``safe_mode=True``.
    The dense layer named ``"features"`` is the evaluation kit's feature space.
    """
    config.import_tensorflow()
    import keras
    from keras import layers

    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
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


def train_classifier(x_train, y_train, *, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE,
                     seed: int = 0, verbose: int = 0):
    """Train :func:`build_classifier` with Adam and a cosine-decayed learning rate.

    Deterministic on the CPU for a given ``seed`` (:func:`gancourse.config.seed_everything`
    seeds the initial weights and dropout; the pipeline's shuffle has its own seed).

    Returns:
        ``(model, history)``.
    """
    import keras

    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} images but y_train has {len(y_train)} labels")
    config.seed_everything(seed)
    model = build_classifier()
    steps = epochs * (len(x_train) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=max(steps, 1))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    pipeline = data.make_pipeline(x_train, y_train, batch_size=batch_size, seed=seed)
    history = model.fit(pipeline, epochs=epochs, shuffle=False, verbose=verbose)
    return model, history


def _update_sums(relpath: str, digest: str) -> None:
    """Set ``relpath``'s line in ``data/SHA256SUMS``, keeping every other line."""
    sums_file = data.shipped_data_dir() / "SHA256SUMS"
    lines = sums_file.read_text(encoding="utf-8").splitlines() if sums_file.is_file() else []
    kept = [ln for ln in lines if ln.split()[1:2] != [relpath]]
    kept.append(f"{digest}  {relpath}")
    tmp = sums_file.with_name(sums_file.name + ".tmp")
    tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.replace(tmp, sums_file)


def pretrain_mnist_classifier(args) -> dict:
    """``pretrain mnist-classifier``: train on full MNIST, write the shipped file, update SHA256SUMS.

    With ``--out PATH`` the model is written there instead and SHA256SUMS is
    left alone. The ``smoke`` profile trains one epoch on the shipped mini
    subset (a quick check of this command) and therefore needs ``--out``.
    """
    prof = config.get_profile(args.profile)
    shipped = data.shipped_data_dir() / CLASSIFIER_FILE
    target = pathlib.Path(args.out) if args.out else shipped
    if prof.mini_data and target.resolve() == shipped.resolve():
        raise ValueError(
            f"profile {prof.name!r} trains on the mini subset and must not replace the shipped "
            "classifier: pass --out PATH, or use --profile cpu with GANCOURSE_DATA set to full MNIST"
        )
    if target.suffix != ".keras":
        raise ValueError(f"--out must end in .keras, got {target}")
    mnist = data.load_mnist(profile=prof, subset=prof.mini_data)
    epochs = 1 if prof.mini_data else EPOCHS
    start = time.perf_counter()
    model, history = train_classifier(mnist.x_train, mnist.y_train, epochs=epochs, seed=args.seed,
                                      verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(mnist.x_test, mnist.y_test, batch_size=500, verbose=0)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.stem + ".tmp.keras")
    # Save an uncompiled copy: the file then holds no optimiser state (a third
    # of the size) and loads with compile=False for inference only.
    export = build_classifier()
    export.set_weights(model.get_weights())
    export.save(tmp)
    os.replace(tmp, target)
    digest = data.sha256_of(target)
    if target.resolve() == shipped.resolve():
        _update_sums(CLASSIFIER_FILE, digest)
    return {
        "profile": prof.name, "seed": args.seed, "data": mnist.source.split(":")[0],
        "train_images": int(len(mnist.x_train)), "epochs": epochs,
        "train_seconds": round(seconds, 1), "test_images": int(len(mnist.x_test)),
        "test_accuracy": round(float(accuracy), 4),
        "final_train_loss": round(float(history.history["loss"][-1]), 4),
        "params": int(model.count_params()), "file": str(target), "bytes": target.stat().st_size,
        "sha256": digest,
    }


def evaluate_mnist_classifier(args) -> dict:
    """``evaluate mnist-classifier``: test accuracy of the shipped classifier (or ``--out PATH``).

    Uses the profile's data: the whole test split (smoke: the 1000 test
    digits of the mini subset; cpu/gpu: all 10,000).
    """
    from . import metrics

    prof = config.get_profile(args.profile)
    mnist = data.load_mnist(profile=prof, subset=False)
    model = metrics.load_classifier(args.out)
    start = time.perf_counter()
    accuracy = metrics.classifier_accuracy(mnist.x_test, mnist.y_test, model)
    path = pathlib.Path(args.out) if args.out else metrics.classifier_path()
    return {
        "profile": prof.name, "data": mnist.source.split(":")[0], "test_images": int(len(mnist.x_test)),
        "test_accuracy": round(accuracy, 4), "errors": int(round((1 - accuracy) * len(mnist.x_test))),
        "seconds": round(time.perf_counter() - start, 2), "file": str(path),
        "sha256": data.sha256_of(path),
    }
