"""Training the course's classifiers (MNIST, Fashion-MNIST), the evaluation kit's feature extractors.
"""

from __future__ import annotations

import os
import pathlib
import time

from .. import config
from ..config.validate import check_int, check_seed
from ..data.datasets import load_dataset
from ..data.files import set_sha256_line, sha256_of, shipped_data_dir
from ..data.pipelines import make_pipeline
from ..nets.classifier import build_classifier, classifier_dataset, classifier_file

EPOCHS = 6
"""Passes over the 60,000 training images for each shipped classifier."""


BATCH_SIZE = 128


LEARNING_RATE = 1e-3


def train_classifier(x_train, y_train, *, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE,
                     seed: int = 0, verbose: int = 0, name: str = "mnist_classifier"):
    """Train :func:`build_classifier` with Adam and a cosine-decayed learning rate.

    Deterministic on the CPU for a given ``seed`` (:func:`gancourse.config.seed_everything`
    seeds the initial weights and dropout; the pipeline's shuffle has its own seed).
    ``name`` names the Keras model (``"fashion_mnist_classifier"`` for Fashion-MNIST).

    Returns:
        ``(model, history)``.
    """
    import keras

    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} images but y_train has {len(y_train)} labels")
    config.seed_everything(seed)
    model = build_classifier(name=name)
    steps = epochs * (len(x_train) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=max(steps, 1))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    pipeline = make_pipeline(x_train, y_train, batch_size=batch_size, seed=seed)
    history = model.fit(pipeline, epochs=epochs, shuffle=False, verbose=verbose)
    return model, history


def pretrain_classifier(dataset: str = "mnist", *, profile=None, seed: int = 0,
                        out: str | os.PathLike | None = None) -> dict:
    """``pretrain mnist-classifier`` / ``fashion-classifier``: train on the full dataset, write it, update SHA256SUMS.

    The same recipe for every dataset (:data:`EPOCHS`, :data:`BATCH_SIZE`,
    :data:`LEARNING_RATE`, :func:`build_classifier`). With ``--out PATH`` the
    model is written there instead and SHA256SUMS is left alone. The ``smoke``
    profile trains one epoch on the shipped mini subset (a quick check of this
    command) and therefore needs ``--out``.
    """
    dataset = classifier_dataset(dataset)
    prof = config.get_profile(profile) if not isinstance(profile, config.Profile) else profile
    seed = check_seed(seed)
    relpath = classifier_file(dataset)
    shipped = shipped_data_dir() / relpath
    target = pathlib.Path(out) if out else shipped
    if prof.mini_data and target.resolve() == shipped.resolve():
        raise ValueError(
            f"profile {prof.name!r} trains on the mini subset and must not replace the shipped "
            f"classifier: pass --out PATH, or use --profile cpu with GANCOURSE_DATA set to the full {dataset}"
        )
    if target.suffix != ".keras":
        raise ValueError(f"--out must end in .keras, got {target}")
    images = load_dataset(dataset, profile=prof, subset=prof.mini_data)
    epochs = 1 if prof.mini_data else EPOCHS
    model_name = f"{dataset}_classifier"
    start = time.perf_counter()
    model, history = train_classifier(images.x_train, images.y_train, epochs=epochs, seed=seed,
                                      verbose=2, name=model_name)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(images.x_test, images.y_test, batch_size=500, verbose=0)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.stem + ".tmp.keras")
    # Save an uncompiled copy: the file then holds no optimiser state (a third
    # of the size) and loads with compile=False for inference only.
    export = build_classifier(name=model_name)
    export.set_weights(model.get_weights())
    export.save(tmp)
    os.replace(tmp, target)
    digest = sha256_of(target)
    if target.resolve() == shipped.resolve():
        set_sha256_line(relpath, digest)
    return {
        "dataset": dataset, "profile": prof.name, "seed": seed, "data": images.source.split(":")[0],
        "train_images": int(len(images.x_train)), "epochs": epochs,
        "train_seconds": round(seconds, 1), "test_images": int(len(images.x_test)),
        "test_accuracy": round(float(accuracy), 4),
        "final_train_loss": round(float(history.history["loss"][-1]), 4),
        "params": int(model.count_params()), "file": str(target), "bytes": target.stat().st_size,
        "sha256": digest,
    }


def pretrain_mnist_classifier(*, profile=None, seed: int = 0, out: str | os.PathLike | None = None) -> dict:
    """``pretrain mnist-classifier``: :func:`pretrain_classifier` on MNIST."""
    return pretrain_classifier("mnist", profile=profile, seed=seed, out=out)


def pretrain_fashion_classifier(*, profile=None, seed: int = 0, out: str | os.PathLike | None = None) -> dict:
    """``pretrain fashion-classifier``: :func:`pretrain_classifier` on Fashion-MNIST."""
    return pretrain_classifier("fashion_mnist", profile=profile, seed=seed, out=out)
