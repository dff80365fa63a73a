"""The shipped MNIST classifier and the evaluation kit on real digits."""

import json

import numpy as np
import pytest

from gancourse import cli, data
from gancourse.data.files import shipped_sha256
from gancourse.evaluate import coverage, features, memorisation
from gancourse.evaluate import report as kit
from gancourse.nets import pretrained
from gancourse.nets.classifier import CLASSIFIER_FILE, FEATURES_LAYER, build_classifier
from gancourse.train import classifier_training


@pytest.fixture(scope="module")
def mnist_mini():
    return data.load_mnist(profile="smoke", subset=False)  # 5000 train + 1000 test digits


def test_build_classifier_shapes_and_size():
    model = build_classifier()
    x = np.zeros((2, 28, 28, 1), np.float32)
    probs = model(x, training=False)
    assert tuple(probs.shape) == (2, 10)
    np.testing.assert_allclose(np.sum(probs, axis=1), 1.0, rtol=1e-5)
    assert model.get_layer(FEATURES_LAYER).output.shape[-1] == 128
    assert model.count_params() * 4 < 2_000_000  # float32 weights: the file stays under 2 MB
    feats, probs2 = features.classifier_outputs(x, model)
    assert feats.shape == (2, 128) and probs2.shape == (2, 10)


def test_shipped_classifier_checksum_size_and_safe_mode():
    import keras

    path = pretrained.classifier_path()
    assert path.is_file(), "run: python -m gancourse pretrain mnist-classifier"
    assert data.sha256_of(path) in shipped_sha256(CLASSIFIER_FILE)
    assert path.stat().st_size < 2_000_000
    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    assert model.get_layer(FEATURES_LAYER).output.shape[-1] == 128
    assert pretrained.load_classifier() is pretrained.load_classifier()  # cached


def test_shipped_classifier_accuracy_on_mini_test_split(mnist_mini):
    assert len(mnist_mini.x_test) == 1000
    accuracy = features.classifier_accuracy(mnist_mini.x_test, mnist_mini.y_test)
    assert accuracy >= 0.99  # the course's bar for the classifier


def test_tampered_or_missing_classifier_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(pretrained, "shipped_sha256", lambda rel: ("0" * 64,))
    with pytest.raises(data.ChecksumError, match="checksum mismatch"):
        pretrained.load_classifier()
    monkeypatch.setattr(pretrained, "shipped_data_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="pretrain mnist-classifier"):
        pretrained.load_classifier()
    with pytest.raises(FileNotFoundError, match="classifier file not found"):
        pretrained.load_classifier(tmp_path / "nothing.keras")


def test_real_test_digits_score_like_a_perfect_generator(mnist_mini):
    # 500 held-out test digits as "generated" samples, against the 5000 training digits
    report = kit.evaluate_samples(mnist_mini.x_test[:500], mnist_mini.x_train, kid_subsets=20)
    json.dumps(report)  # JSON-ready
    assert report["n"] == 500
    assert report["classes_covered"] == 10
    assert report["confident_share"] >= 0.9
    assert len(report["histogram"]) == 10 and sum(report["histogram"]) == pytest.approx(1.0, abs=1e-3)
    # the floor at n=500 is small next to a collapsed generator (below); real digits sit near it
    assert report["fd"] < 2 * report["fd_floor"]
    assert report["nearest_train_l2_min"] > 0  # test digits are not copies of training digits


def test_collapsed_generator_is_caught(mnist_mini):
    ones = mnist_mini.x_train[mnist_mini.y_train == 1][:500]
    report = kit.evaluate_samples(ones, mnist_mini.x_test, kid_subsets=5)
    assert report["classes_covered"] == 1
    assert report["fd"] > 20 * report["fd_floor"]
    assert report["kid"] > 20 * max(report["kid_floor"], 1e-4)


def test_copying_generator_is_caught(mnist_mini):
    copies = mnist_mini.x_train[:50]
    report = kit.evaluate_samples(copies, mnist_mini.x_test, train_images=mnist_mini.x_train,
                                      kid_subsets=2)
    assert report["nearest_train_l2_median"] == 0.0


def test_evaluate_generator_with_a_keras_generator(mnist_mini):
    import keras

    gen = keras.Sequential([keras.Input((8,)), keras.layers.Dense(784, activation="tanh"),
                            keras.layers.Reshape((28, 28, 1))])
    report = kit.evaluate_generator(gen, mnist_mini.x_train, n=100, seed=1, kid_subsets=2)
    expected = {"n", "fd", "fd_floor", "fd_ratio", "kid", "kid_std", "kid_floor", "kid_floor_std",
                "classes_covered", "confident_share", "histogram", "nearest_train_l2_median",
                "nearest_train_l2_min", "nn_samples", "seconds"}
    assert set(report) == expected and report["n"] == 100
    assert report["fd_ratio"] > 5  # an untrained generator is far from the digits
    assert report == {**kit.evaluate_generator(gen, mnist_mini.x_train, n=100, seed=1, kid_subsets=2),
                      "seconds": report["seconds"]}


def test_real_vs_real_floor_from_images(mnist_mini):
    real = mnist_mini.x_train[:1000]
    floor = kit.real_vs_real_floor(real, 500, kid_subsets=10)
    assert floor == kit.real_vs_real_floor(features.classifier_features(real), 500, kid_subsets=10)
    assert floor["fd_floor"] > 0


def test_training_is_deterministic(mnist_mini):
    x, y = mnist_mini.x_train[:256], mnist_mini.y_train[:256]
    first, _ = classifier_training.train_classifier(x, y, epochs=1, batch_size=64, seed=3)
    second, _ = classifier_training.train_classifier(x, y, epochs=1, batch_size=64, seed=3)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("pretrain_fn, dataset", [
    (classifier_training.pretrain_mnist_classifier, "mnist"),
    (classifier_training.pretrain_fashion_classifier, "fashion_mnist"),
])
def test_pretrain_smoke_writes_only_where_told(tmp_path, pretrain_fn, dataset):
    sums_before = (data.shipped_data_dir() / "SHA256SUMS").read_text()
    with pytest.raises(ValueError, match="must not replace the shipped classifier"):
        pretrain_fn(profile="smoke", seed=0, out=None)
    out = tmp_path / "clf.keras"
    result = pretrain_fn(profile="smoke", seed=0, out=str(out))
    assert out.is_file() and result["sha256"] == data.sha256_of(out)
    assert result["dataset"] == dataset and result["data"] == "mini"  # the shipped subset, never the full set
    assert result["epochs"] == 1 and 0 <= result["test_accuracy"] <= 1
    model = pretrained.load_classifier(out)
    assert model.get_layer(FEATURES_LAYER) is not None and model.name == f"{dataset}_classifier"
    assert (data.shipped_data_dir() / "SHA256SUMS").read_text() == sums_before
    assert not list(tmp_path.glob("*.tmp*"))


def test_classifier_by_dataset_and_bad_names():
    assert pretrained.classifier_path() == data.shipped_data_dir() / CLASSIFIER_FILE  # MNIST by default
    assert pretrained.classifier_path("fashion-mnist").name == "fashion_mnist_classifier.keras"
    assert features.resolve_classifier() is pretrained.load_classifier()
    assert features.resolve_classifier("mnist") is pretrained.load_classifier()
    with pytest.raises(ValueError, match="classifier: .*not for 'faces'"):
        features.resolve_classifier("faces")  # 64x64 faces: no shipped classifier
    with pytest.raises(ValueError, match="unknown dataset 'cifar10'"):
        features.classifier_features(np.zeros((2, 28, 28), np.float32), "cifar10")
    with pytest.raises(TypeError, match="classifier must be None, a dataset name or a Keras model"):
        features.classifier_probabilities(np.zeros((2, 28, 28), np.float32), 3)
    with pytest.raises(ValueError, match="ships classifiers for mnist, fashion_mnist"):
        pretrained.load_classifier(dataset="olivetti")
    with pytest.raises(ValueError, match="ships classifiers"):
        classifier_training.pretrain_classifier("faces", profile="smoke", out="x.keras")


def test_cli_evaluate_mnist_classifier_and_real_mnist(capsys):
    assert cli.main(["evaluate", "mnist-classifier", "--profile", "smoke"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["name"] == "mnist-classifier" and line["test_images"] == 1000
    assert line["test_accuracy"] >= 0.99
    assert cli.main(["evaluate", "real-mnist", "--profile", "smoke"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["n"] == 500 and line["classes_covered"] == 10 and line["fd_floor"] > 0


def test_kit_figures_draw(mnist_mini):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gancourse.show import curves, images

    probs = features.classifier_probabilities(mnist_mini.x_test[:50])
    ax = curves.plot_class_histogram(coverage.class_histogram(probs))
    assert len(ax.patches) == 10
    curves.plot_class_histogram(probs)  # probabilities are accepted too
    idx, dist = memorisation.nearest_training_images(mnist_mini.x_test[:4], mnist_mini.x_train)
    axes = images.show_nearest_neighbours(mnist_mini.x_test[:4], mnist_mini.x_train, idx, dist)
    assert axes.shape == (2, 4)
    with pytest.raises(ValueError, match="class_names has 3 entries"):
        curves.plot_class_histogram(np.full(10, 0.1), class_names="abc")
    plt.close("all")
