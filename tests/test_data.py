"""gancourse.data: loaders, checksums, the shipped mini subsets, pipelines."""

import os
import pathlib
import shutil

import numpy as np
import pytest

from gancourse import config, data
from gancourse.data import datasets, files

SHARED = os.environ.get(data.DATA_ENV)
needs_full = pytest.mark.skipif(
    not (SHARED and (pathlib.Path(SHARED) / "mnist.npz").is_file()),
    reason="full datasets need GANCOURSE_DATA (e.g. ../shared/data)",
)
MINI = data.shipped_data_dir() / "mini"


def _check_images(x, size):
    assert x.dtype == np.float32
    assert x.ndim == 4 and x.shape[1:] == (size, size, 1)
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert x.min() == -1.0  # background pixels are 0 -> -1


@pytest.mark.parametrize("name, size, n_classes", [("mnist", 28, 10), ("fashion_mnist", 28, 10)])
def test_smoke_loader_shapes_dtype_range_labels(name, size, n_classes):
    ds = data.load_dataset(name, profile="smoke")
    assert ds.source.startswith("mini")
    assert ds.x_train.shape[0] == 1024 and ds.x_test.shape[0] == 512
    _check_images(ds.x_train, size)
    _check_images(ds.x_test, size)
    assert ds.y_train.dtype == np.int64 and ds.y_train.shape == (1024,)
    assert set(np.unique(ds.y_train)) == set(range(n_classes))
    assert np.bincount(ds.y_train).min() >= 1024 // n_classes  # balanced subset
    assert len(ds.class_names) == n_classes
    (xtr, ytr), (xte, yte) = ds  # unpacks like keras.datasets
    assert xtr is ds.x_train and yte is ds.y_test


def test_faces_loader():
    ds = data.load_faces(profile="smoke", subset=False)
    assert ds.x_train.shape == (320, 64, 64, 1) and ds.x_test.shape == (80, 64, 64, 1)
    assert ds.x_train.dtype == np.float32 and -1 <= ds.x_train.min() and ds.x_train.max() <= 1
    # 40 people, 8 training and 2 test photos each
    assert np.array_equal(np.bincount(ds.y_train), np.full(40, 8))
    assert np.array_equal(np.bincount(ds.y_test), np.full(40, 2))


@pytest.mark.parametrize("fname, n_train, n_test, per_train, per_test", [
    ("mnist_mini.npz", 5000, 1000, 500, 100),
    ("fashion_mnist_mini.npz", 5000, 1000, 500, 100),
])
def test_mini_subsets_are_class_balanced(fname, n_train, n_test, per_train, per_test):
    with np.load(MINI / fname, allow_pickle=False) as z:
        assert z["x_train"].shape == (n_train, 28, 28) and z["x_train"].dtype == np.uint8
        assert z["x_test"].shape == (n_test, 28, 28)
        assert np.array_equal(np.bincount(z["y_train"]), np.full(10, per_train))
        assert np.array_equal(np.bincount(z["y_test"]), np.full(10, per_test))


def test_shipped_files_match_sha256sums():
    sums = files._read_sums(data.shipped_data_dir() / "SHA256SUMS")
    assert {"mini/mnist_mini.npz", "mini/fashion_mnist_mini.npz", "mini/olivetti_faces.npz"} <= set(sums)
    for rel, digest in sums.items():
        assert data.sha256_of(data.shipped_data_dir() / rel) == digest, rel


def test_faces_ship_whole_and_match_known_hash():
    assert data.sha256_of(MINI / "olivetti_faces.npz") in datasets.FACES.files[0].sha256


def test_keras_and_course_mnist_hashes_both_accepted():
    accepted = datasets.MNIST.files[0].sha256
    assert "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1" in accepted
    assert "99b6212d8b734503d7fa2e29ea6413bad62226998e56555f4a6b0b30072f1aec" in accepted


@needs_full
def test_full_mnist_from_gancourse_data():
    ds = data.load_mnist(profile="cpu")
    assert ds.source.startswith("GANCOURSE_DATA")
    assert ds.x_train.shape == (60000, 28, 28, 1) and ds.x_test.shape == (10000, 28, 28, 1)
    # reference facts: MNIST's training set has 5923 zeros and 6742 ones
    counts = np.bincount(ds.y_train)
    assert counts[0] == 5923 and counts[1] == 6742
    _check_images(ds.x_train, 28)
    assert ds.x_train.max() == 1.0


@needs_full
def test_full_fashion_from_gancourse_data():
    ds = data.load_fashion_mnist(profile="cpu")
    assert ds.x_train.shape == (60000, 28, 28, 1) and ds.x_test.shape == (10000, 28, 28, 1)
    assert np.array_equal(np.bincount(ds.y_train), np.full(10, 6000))
    _check_images(ds.x_test, 28)


@needs_full
def test_full_faces_from_gancourse_data():
    ds = data.load_faces(profile="cpu")
    assert ds.source.startswith("GANCOURSE_DATA")
    assert ds.x_train.shape == (320, 64, 64, 1)


def _copy_mnist_mini(tmp_path):
    target = tmp_path / "mnist_mini.npz"
    shutil.copyfile(MINI / "mnist_mini.npz", target)
    return target


def test_corrupted_file_is_reported_and_left_untouched(tmp_path):
    f = _copy_mnist_mini(tmp_path)
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    f.write_bytes(bytes(raw))
    before = data.sha256_of(f)
    with pytest.raises(data.ChecksumError) as err:
        data.load_mnist(path=f, profile="smoke")
    msg = str(err.value)
    assert str(f) in msg and before in msg
    assert files._read_sums(data.shipped_data_dir() / "SHA256SUMS")["mini/mnist_mini.npz"] in msg
    assert "left untouched" in msg
    assert f.is_file() and data.sha256_of(f) == before


def test_truncated_file_is_reported_and_left_untouched(tmp_path):
    f = _copy_mnist_mini(tmp_path)
    raw = f.read_bytes()
    f.write_bytes(raw[: len(raw) // 3])
    size = f.stat().st_size
    with pytest.raises(data.ChecksumError, match="checksum mismatch"):
        data.load_mnist(path=f, profile="smoke")
    assert f.stat().st_size == size


def test_corrupted_file_in_gancourse_data_is_not_silently_replaced(tmp_path, monkeypatch):
    (tmp_path / "mnist.npz").write_bytes(b"not really mnist")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(data.ChecksumError, match="mnist.npz"):
        data.load_mnist(profile="cpu")
    assert (tmp_path / "mnist.npz").read_bytes() == b"not really mnist"


def test_missing_dataset_offline_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(data.DatasetNotFoundError) as err:
        data.load_fashion_mnist(profile="cpu")
    msg = str(err.value)
    assert "GANCOURSE_DATA" in msg and "fashion-mnist/train-images-idx3-ubyte.gz" in msg


def test_offline_uses_a_dataset_downloaded_earlier(tmp_path, monkeypatch):
    """Offline forbids the network, not the download cache (a file fetched last week still loads)."""
    source = pathlib.Path(os.environ.get(data.DATA_ENV, "") or "/nonexistent") / "mnist.npz"
    if not source.is_file():
        pytest.skip("needs the full MNIST file in GANCOURSE_DATA (CI and development have it)")
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    (tmp_path / "datasets").mkdir()
    shutil.copy(source, tmp_path / "datasets" / "mnist.npz")
    assert data.load_mnist(profile="cpu").x_train.shape == (60000, 28, 28, 1)


def test_missing_explicit_path(tmp_path):
    with pytest.raises(data.DatasetNotFoundError, match="mnist.npz"):
        data.load_mnist(path=tmp_path / "nowhere", profile="cpu")


def test_missing_mini_subset_says_how_to_restore(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "shipped_data_dir", lambda: tmp_path)
    with pytest.raises(data.DatasetNotFoundError, match="git checkout data/mini"):
        data.load_mnist(profile="smoke")


def test_bad_download_is_kept_and_reported(tmp_path, monkeypatch):
    """A download whose hash is wrong raises and stays on disk (Keras's cache would delete it)."""
    import keras

    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setenv(data.OFFLINE_ENV, "0")

    def fake_get_file(fname, origin, cache_dir, cache_subdir, **kwargs):
        target = pathlib.Path(cache_dir) / cache_subdir / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"an HTML error page")
        return str(target)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    with pytest.raises(data.ChecksumError, match="mnist.npz"):
        data.load_mnist(profile="cpu")
    assert (tmp_path / "datasets" / "mnist.npz").read_bytes() == b"an HTML error page"


def test_unknown_dataset_and_bad_types():
    with pytest.raises(ValueError, match="unknown dataset 'cifar10'.*mnist"):
        data.load_dataset("cifar10")
    with pytest.raises(TypeError, match="dataset name must be a str"):
        data.load_dataset(10)
    with pytest.raises(TypeError, match="path must be a str"):
        data.load_mnist(path=123, profile="smoke")


def test_unit_range_round_trip():
    x = np.array([[0, 127, 255]], dtype=np.uint8)
    y = data.uint8_to_tanh_range(x)
    np.testing.assert_allclose(y[..., 0], [[-1.0, 127 / 127.5 - 1, 1.0]], rtol=1e-6)
    assert np.array_equal(data.tanh_range_to_uint8(y)[..., 0], x)
    with pytest.raises(TypeError, match="uint8"):
        data.uint8_to_tanh_range(x.astype(np.float32))


def test_balanced_subset_indices():
    labels = np.repeat(np.arange(4), 25)
    idx = data.balanced_subset_indices(labels, 10, seed=1)
    assert len(set(idx)) == 10
    assert sorted(np.bincount(labels[idx])) == [2, 2, 3, 3]
    assert np.array_equal(idx, data.balanced_subset_indices(labels, 10, seed=1))
    with pytest.raises(ValueError, match=r"n must be in \[1, 100\]"):
        data.balanced_subset_indices(labels, 0)


def test_pipeline_batches_and_errors():
    x = np.zeros((10, 28, 28, 1), np.float32)
    y = np.arange(10)
    batches = list(data.make_pipeline(x, y, batch_size=4, seed=0))
    assert [b[0].shape[0] for b in batches] == [4, 4]  # remainder dropped
    assert batches[0][0].shape[1:] == (28, 28, 1)
    assert len(list(data.make_pipeline(x, batch_size=4, drop_remainder=False))) == 3
    with pytest.raises(ValueError, match="batch_size must be in"):
        data.make_pipeline(x, batch_size=11)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        data.make_pipeline(x, batch_size=2.0)
    with pytest.raises(ValueError, match="labels has 3 entries"):
        data.make_pipeline(x, y[:3], batch_size=2)


def test_deterministic_npz_bytes(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    files.write_deterministic_npz(a, x=arr, y=arr[0])
    files.write_deterministic_npz(b, y=arr[0], x=arr)
    assert a.read_bytes() == b.read_bytes()
    with np.load(a) as z:
        assert np.array_equal(z["x"], arr)
