"""The shipped Fashion-MNIST classifier and DCGAN: checksummed, safe to load, and good enough.

The classifier is the MNIST one's recipe on Fashion-MNIST; its feature space
scores the shipped Fashion DCGAN (issue 14): Fréchet distance <= 5x the
real-vs-real floor at the same n and >= 9 of the 10 clothing classes,
checked with 500 samples against the shipped mini subset (figures in
data/pretrained/README.md).
"""

import keras
import numpy as np
import pytest

from gancourse import data
from gancourse.data import files
from gancourse.evaluate import features
from gancourse.evaluate import report as kit
from gancourse.nets import pretrained
from gancourse.nets.classifier import FEATURES_LAYER, classifier_file
from gancourse.nets.latent import latent_noise


@pytest.fixture(scope="module")
def fashion_mini():
    return data.load_fashion_mnist(profile="smoke", subset=False)  # 5000 train + 1000 test images


def test_shipped_fashion_classifier_checksum_size_and_safe_mode():
    path = pretrained.classifier_path("fashion_mnist")
    assert path.name == "fashion_mnist_classifier.keras"
    assert path.is_file(), "run: python -m gancourse pretrain fashion-classifier"
    data.verify_file(path, files.shipped_sha256(classifier_file("fashion_mnist")))
    assert path.stat().st_size < 2_000_000
    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    assert model.get_layer(FEATURES_LAYER).output.shape[-1] == 128
    assert model.output_shape == (None, 10)
    loaded = pretrained.load_classifier(dataset="fashion")  # alias of fashion_mnist
    assert loaded is pretrained.load_classifier(dataset="fashion_mnist")  # cached
    assert loaded is not pretrained.load_classifier()  # MNIST's stays the default


def test_shipped_fashion_classifier_accuracy_on_mini_test_split(fashion_mini):
    # measured: 90.6% on the full test split, 90.7% on these 1,000 (data/pretrained/README.md)
    accuracy = features.classifier_accuracy(fashion_mini.x_test, fashion_mini.y_test, "fashion_mnist")
    assert accuracy >= 0.88, accuracy


def test_the_digit_classifier_cannot_score_clothes(fashion_mini):
    # why Fashion-MNIST needs its own classifier: MNIST's gets 9.2% of these labels right (chance
    # is 10%; measured), so its classes and features say nothing about clothes
    mnist_accuracy = features.classifier_accuracy(fashion_mini.x_test, fashion_mini.y_test)
    fashion_accuracy = features.classifier_accuracy(fashion_mini.x_test, fashion_mini.y_test, "fashion_mnist")
    assert mnist_accuracy < 0.3 < 0.88 <= fashion_accuracy, (mnist_accuracy, fashion_accuracy)


def test_real_clothes_score_near_the_floor_and_one_class_is_caught(fashion_mini):
    real = kit.evaluate_samples(fashion_mini.x_test[:500], fashion_mini.x_train, classifier="fashion_mnist",
                                kid_subsets=10, nn_samples=50)
    assert real["classes_covered"] == 10 and real["fd"] < 2 * real["fd_floor"], real
    trousers = fashion_mini.x_train[fashion_mini.y_train == 1][:400]
    collapsed = kit.evaluate_samples(trousers, fashion_mini.x_test, classifier="fashion_mnist",
                                     kid_subsets=5, nn_samples=10)
    # a few trousers read as dresses (2 classes above the 1% share, measured): far from the 9 of the bar
    assert collapsed["classes_covered"] <= 2 and collapsed["fd"] > 20 * collapsed["fd_floor"], collapsed


def test_real_evaluation_set_of_fashion():
    full, real, n = kit.real_evaluation_set("smoke", dataset="fashion_mnist")
    assert full.name == "fashion_mnist" and full.class_names[0] == "T-shirt/top"
    assert n == 500 and len(real) >= 2 * n
    mnist_full, _, _ = kit.real_evaluation_set("smoke")  # MNIST stays the default
    assert mnist_full.name == "mnist"


def test_shipped_fashion_generator_checksum_and_shapes():
    path = pretrained.pretrained_path("dcgan-fashion")
    assert path.name == "dcgan_fashion_generator.keras"
    data.verify_file(path, files.shipped_sha256(f"pretrained/{path.name}"))
    assert path.stat().st_size < 7_000_000  # no larger than the MNIST DCGAN's generator
    g = pretrained.load_pretrained("dcgan-fashion")
    images = np.asarray(g(latent_noise(4, g.input_shape[1], seed=0), training=False))
    assert images.shape == (4, 28, 28, 1) and -1.0 <= images.min() < images.max() <= 1.0
    with pytest.raises(ValueError, match="ships parts"):
        pretrained.load_pretrained("dcgan-fashion", "discriminator")


@pytest.fixture(scope="module")
def fashion_report(fashion_mini):
    return kit.evaluate_generator(pretrained.load_pretrained("dcgan-fashion"), fashion_mini.x_train, n=500,
                                  seed=0, classifier="fashion_mnist", nn_samples=100)


def test_shipped_fashion_dcgan_frechet_distance_within_5x_floor(fashion_report):
    assert fashion_report["fd"] <= 5 * fashion_report["fd_floor"], fashion_report


def test_shipped_fashion_dcgan_covers_nine_of_ten_classes(fashion_report):
    assert fashion_report["classes_covered"] >= 9, fashion_report["histogram"]


def test_shipped_fashion_dcgan_does_not_copy_training_images(fashion_report):
    # real test images lie at a median L2 of 8.1 from their nearest image of this training subset
    # (500 test images, measured); copies would give ~0
    assert fashion_report["nearest_train_l2_median"] > 3.0, fashion_report
