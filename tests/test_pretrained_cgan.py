"""The shipped conditional MNIST generator (issue 17): checksummed, safe to load, and it draws the digit asked for.

Its bar (issue 17): the kit's classifier reads the requested digit in >= 98 % of the samples of EVERY digit,
and the Fréchet distance is <= 5x the real-vs-real floor at the same n; here on 500 samples per digit and
n = 500 against the mini test split (the cpu-profile figures are in data/pretrained/README.md). The shipped
file meets both: worst digit 98.2 % (7), FD far inside the bound.
"""

import keras
import numpy as np
import pytest

from gancourse import data
from gancourse.data import files
from gancourse.evaluate.conditional import conditional_report, per_class_accuracy
from gancourse.nets import pretrained
from gancourse.nets.latent import latent_noise
from gancourse.train import conditional


@pytest.fixture(scope="module")
def gan():
    return conditional.load_conditional_gan()


def test_shipped_file_checksum_size_and_safe_mode():
    path = pretrained.pretrained_dir() / conditional.CGAN_FILE
    assert path.is_file(), "run: python -m gancourse pretrain cgan-mnist"
    data.verify_file(path, files.shipped_sha256(f"pretrained/{conditional.CGAN_FILE}"))
    assert path.stat().st_size < 3_000_000
    generator = keras.saving.load_model(path, safe_mode=True, compile=False)
    images = np.asarray(generator([latent_noise(4, 64, seed=0), np.array([0, 3, 7, 9], np.int32)], training=False))
    assert images.shape == (4, 28, 28, 1) and -1.0 <= images.min() < images.max() <= 1.0


def test_loader_wraps_the_shipped_generator_in_a_conditional_gan(gan):
    assert isinstance(gan, conditional.ConditionalGAN)
    assert gan.n_classes == 10 and gan.latent_dim == conditional.CGAN_RECIPE.latent_dim
    shipped = keras.saving.load_model(pretrained.pretrained_dir() / conditional.CGAN_FILE, safe_mode=True)
    for ours, theirs in zip(gan.generator.get_weights(), shipped.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    grid = conditional.conditional_sample_grid(gan, 3, seed=1)
    assert grid.shape == (10, 3, 28, 28, 1)


def test_loader_refuses_a_damaged_file(tmp_path, monkeypatch):
    fake_dir = tmp_path / "data"
    (fake_dir / "pretrained").mkdir(parents=True)
    (fake_dir / "mini").mkdir()
    source = pretrained.pretrained_dir() / conditional.CGAN_FILE
    (fake_dir / "pretrained" / source.name).write_bytes(source.read_bytes()[:-10] + b"0123456789")
    (fake_dir / "SHA256SUMS").write_text((data.shipped_data_dir() / "SHA256SUMS").read_text())
    monkeypatch.setattr(pretrained, "shipped_data_dir", lambda: fake_dir)
    monkeypatch.setattr(files, "shipped_data_dir", lambda: fake_dir)
    with pytest.raises(data.ChecksumError, match="checksum mismatch"):
        conditional.load_conditional_gan()


@pytest.fixture(scope="module")
def accuracy(gan):
    images, labels = conditional.samples_per_class(gan, 500, seed=0)
    return per_class_accuracy(images, labels)


def test_every_requested_digit_is_drawn_at_least_98_percent_of_the_time(accuracy):
    # issue 17's bar for the shipped file; measured 98.2 % for its worst digit (7), 500 samples per digit
    assert min(accuracy) >= 0.98, [round(a, 3) for a in accuracy]


def test_requested_digits_are_drawn_at_the_training_bar_and_99_percent_on_average(accuracy):
    # the cpu profile's bar for a trained run (>= 95 % for every digit) and the mean measured (99.3 %);
    # a generator that ignored its label would score about 10 %
    assert min(accuracy) >= 0.95 and np.mean(accuracy) >= 0.985, [round(a, 3) for a in accuracy]


def test_frechet_distance_within_5x_the_floor_and_ten_classes(gan):
    report = conditional_report(gan, "smoke", seed=0)
    assert report["n"] == 500 and report["classes_covered"] == 10, report
    assert report["fd"] <= 5 * report["fd_floor"], report
    # real test digits lie at a median L2 of about 8 from their nearest training digit; copies would give ~0
    assert report["nearest_train_l2_median"] > 3.0, report
