"""The shipped GANs in data/pretrained/: checksummed, safe to load, the right shapes, and good enough.

The quality bar of the shipped MNIST DCGAN (benchmarks/README.md) is checked
with the evaluation kit at the smoke profile's sample count against the mini
MNIST subset: 10/10 classes, confident share >= 0.9, Fréchet distance <= 5x
the real-vs-real floor at the same n.
"""

import keras
import numpy as np
import pytest

from gancourse import data
from gancourse.config import DCGANSizes
from gancourse.data import files
from gancourse.evaluate.features import classifier_features
from gancourse.evaluate.frechet import frechet_distance
from gancourse.evaluate.report import evaluate_generator, generate_samples
from gancourse.nets import pretrained
from gancourse.nets.latent import latent_noise
from gancourse.train import pretrain, recipes

FILES = sorted(f for parts in pretrained.PRETRAINED_FILES.values() for f in parts.values()) + sorted(
    pretrained._ladder_file(step) for step in recipes.RECIPES["dcgan-mnist"].ladder)


@pytest.mark.parametrize("fname", FILES)
def test_listed_in_sha256sums_and_verified(fname):
    path = pretrained.pretrained_dir() / fname
    assert path.is_file(), f"{fname} missing: python -m gancourse pretrain ..."
    data.verify_file(path, files.shipped_sha256(f"pretrained/{fname}"))


@pytest.mark.parametrize("fname", FILES)
def test_loads_in_safe_mode_with_the_documented_shapes(fname):
    model = keras.saving.load_model(pretrained.pretrained_dir() / fname, safe_mode=True)
    if "discriminator" in fname:
        out = model(np.zeros((3, 28, 28, 1), np.float32), training=False)
        assert out.shape == (3, 1)
    elif "encoder" in fname:  # chapter 6: image -> a code of the shipped MNIST generator
        codes = model(np.zeros((3, 28, 28, 1), np.float32), training=False)
        generator = keras.saving.load_model(pretrained.pretrained_path("dcgan-mnist"), safe_mode=True)
        assert codes.shape == (3, generator.input_shape[1])
    else:
        latent_dim = model.input_shape[1]
        images = np.asarray(model(latent_noise(5, latent_dim, seed=0), training=False))
        assert images.shape == (5, 28, 28, 1)
        assert images.min() >= -1.0 and images.max() <= 1.0


def test_total_size_is_small():
    # issue 5: "tens of MB at most"; the shipped DCGAN and its three ladder rungs are 6.4 MB each
    total = sum((pretrained.pretrained_dir() / f).stat().st_size for f in FILES)
    assert total < 40e6, f"pretrained GANs take {total / 1e6:.1f} MB"


def test_load_pretrained_checks_the_hash(tmp_path, monkeypatch):
    fake_dir = tmp_path / "data"
    (fake_dir / "pretrained").mkdir(parents=True)
    (fake_dir / "mini").mkdir()
    src = pretrained.pretrained_path("first-gan-mnist")
    target = fake_dir / "pretrained" / src.name
    target.write_bytes(src.read_bytes()[:-10] + b"0123456789")  # corrupted copy
    (fake_dir / "SHA256SUMS").write_text((data.shipped_data_dir() / "SHA256SUMS").read_text())
    monkeypatch.setattr(pretrained, "shipped_data_dir", lambda: fake_dir)
    monkeypatch.setattr(files, "shipped_data_dir", lambda: fake_dir)
    with pytest.raises(data.ChecksumError, match="checksum mismatch"):
        pretrained.load_pretrained("first-gan-mnist")
    with pytest.raises(ValueError, match="unknown pretrained model"):
        pretrained.load_pretrained("dcgan-cifar")
    with pytest.raises(ValueError, match="ships parts"):
        pretrained.load_pretrained("first-gan-mnist", "discriminator")


def test_save_reproducible_gives_identical_bytes(tmp_path):
    g = pretrained.load_pretrained("dcgan-mnist")
    assert pretrained.save_reproducible(g, tmp_path / "a.keras") == pretrained.save_reproducible(g, tmp_path / "b.keras")


@pytest.fixture(scope="module")
def dcgan_report():
    mnist = data.load_mnist(profile="smoke", subset=False)
    n = 500
    return evaluate_generator(pretrained.load_pretrained("dcgan-mnist"), mnist.x_train, n=n, seed=0,
                                      nn_samples=100)


def test_shipped_dcgan_covers_all_ten_digits(dcgan_report):
    assert dcgan_report["classes_covered"] == 10, dcgan_report["histogram"]


def test_shipped_dcgan_draws_recognisable_digits(dcgan_report):
    assert dcgan_report["confident_share"] >= 0.9, dcgan_report


def test_shipped_dcgan_frechet_distance_within_5x_floor(dcgan_report):
    assert dcgan_report["fd"] <= 5 * dcgan_report["fd_floor"], dcgan_report


def test_shipped_dcgan_does_not_copy_training_digits(dcgan_report):
    # the median distance to the nearest training digit stays well above 0 (copies would give ~0)
    assert dcgan_report["nearest_train_l2_median"] > 3.0, dcgan_report


def test_ladder_improves_along_training():
    ladder = pretrained.load_ladder()
    steps = list(ladder)
    assert steps == sorted(steps) and steps[-1] == recipes.RECIPES["dcgan-mnist"].sizes.steps
    mnist = data.load_mnist(profile="smoke", subset=False)
    real = classifier_features(mnist.x_train[:500])
    fds = [frechet_distance(classifier_features(generate_samples(g, 500, seed=1)), real)
           for g in ladder.values()]
    assert fds[-1] < fds[0], fds


def test_train_recipe_writes_fresh_rungs_reproducibly_and_cleans_up(tmp_path):
    sizes = DCGANSizes(latent_dim=8, architecture={"width": 4, "start_filters": 16, "start_convs": 1,
                                                   "mid_convs": 1, "downsamplings": 3},
                       batch_size=16, steps=40, steps_per_epoch=20, d_learning_rate=2e-4, g_learning_rate=1e-3,
                       cosine_decay=False, jit_compile=True)  # XLA: as the shipped recipe
    # dcgan-mnist ships its discriminator (nets.pretrained.PRETRAINED_FILES)
    recipe = recipes.Recipe("dcgan-mnist", sizes, beta_1=0.5, ladder=(10, 30))  # rungs inside epochs
    images = data.load_mnist(profile="smoke").x_train[:64]
    stale = tmp_path / "a" / pretrained._ladder_file(10)
    stale.parent.mkdir()
    stale.write_bytes(b"a rung left over from an older recipe")
    first = pretrain.train_recipe(recipe, images, out_dir=tmp_path / "a", verbose=0)
    second = pretrain.train_recipe(recipe, images, out_dir=tmp_path / "b", verbose=0)
    assert first["steps"] == 40
    assert sorted(first["files"]) == sorted([pretrained._ladder_file(10), pretrained._ladder_file(30),
                                             "dcgan_mnist_generator.keras", "dcgan_mnist_discriminator.keras"])
    assert first["files"] == second["files"]  # same seed, same CPU, XLA or not: the same bytes
    assert stale.read_bytes() != b"a rung left over from an older recipe"
    assert not (tmp_path / "a" / ".checkpoints-dcgan-mnist").exists()


def test_ladder_rungs_do_not_change_the_final_generator(tmp_path):
    # train_recipe runs shorter fit() calls up to each rung; the final weights must be those of a run
    # without rungs, so a shipped file chosen from a run with snapshots is what `pretrain NAME` rebuilds
    sizes = DCGANSizes(latent_dim=8, architecture={"width": 4, "start_filters": 16, "start_convs": 1,
                                                   "mid_convs": 1, "downsamplings": 3},
                       batch_size=16, steps=40, steps_per_epoch=20, d_learning_rate=2e-4, g_learning_rate=1e-3,
                       cosine_decay=True, jit_compile=True)
    images = data.load_fashion_mnist(profile="smoke").x_train[:64]
    plain = recipes.Recipe("dcgan-fashion", sizes, beta_1=0.5, dataset="fashion_mnist")
    with_rungs = recipes.Recipe("dcgan-fashion", sizes, beta_1=0.5, dataset="fashion_mnist", ladder=(10, 30))
    # a rung that splits a compiled execution would silently train past it (Keras runs whole executions)
    with pytest.raises(ValueError, match="multiples of STEPS_PER_EXECUTION = 10"):
        pretrain.train_recipe(recipes.Recipe("dcgan-fashion", sizes, beta_1=0.5, ladder=(5,)), images,
                              out_dir=tmp_path / "bad", verbose=0)
    first = pretrain.train_recipe(plain, images, out_dir=tmp_path / "plain", verbose=0)
    second = pretrain.train_recipe(with_rungs, images, out_dir=tmp_path / "rungs", verbose=0)
    assert sorted(first["files"]) == ["dcgan_fashion_generator.keras"]  # the Fashion DCGAN ships G only
    assert sorted(second["files"]) == ["dcgan_fashion_generator.keras", "dcgan_fashion_ladder_00010.keras",
                                       "dcgan_fashion_ladder_00030.keras"]
    assert first["files"]["dcgan_fashion_generator.keras"] == second["files"]["dcgan_fashion_generator.keras"]
    assert second["files"]["dcgan_fashion_ladder_00010.keras"] != second["files"]["dcgan_fashion_generator.keras"]


def test_recipes_name_their_dataset():
    assert recipes.RECIPES["dcgan-mnist"].dataset == "mnist"
    assert recipes.RECIPES["dcgan-fashion"].dataset == "fashion_mnist"
    assert set(recipes.RECIPES) <= set(pretrained.PRETRAINED_FILES)
