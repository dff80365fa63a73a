# Why this file is longer than 300 lines: the three datasets' specifications and the one lookup
# order they share (explicit path, GANCOURSE_DATA, the Keras download, the mini subsets).
"""MNIST, Fashion-MNIST and the Olivetti faces: where each is found, checked, read and cut to the profile.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import pathlib

import numpy as np

from ..config.validate import check_bool, check_seed
from .files import (
    ChecksumError,
    DatasetNotFoundError,
    shipped_data_dir,
    shipped_sha256,
    verify_file,
)
from .images import uint8_to_tanh_range
from .pipelines import balanced_subset_indices

DATA_ENV = "GANCOURSE_DATA"
"""Environment variable naming a folder with the full datasets."""


CACHE_ENV = "GANCOURSE_CACHE"
"""Environment variable naming the download cache (default ``~/.cache/gancourse``)."""


OFFLINE_ENV = "GANCOURSE_OFFLINE"
"""Set to ``1`` to never try a download."""


KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclasses.dataclass(frozen=True)
class DataFile:
    """One file of a full dataset: its path under a data folder and accepted hashes."""

    relpath: str
    sha256: tuple[str, ...]
    url: str | None = None


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """What the course knows about one dataset."""

    name: str
    title: str
    files: tuple[DataFile, ...]
    mini_file: str
    image_size: int
    class_names: tuple[str, ...]
    credit: str

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


MNIST = DatasetSpec(
    name="mnist",
    title="MNIST handwritten digits",
    files=(
        DataFile(
            "mnist.npz",
            (
                # the course's copy in shared/data (same arrays, different zip bytes)
                "99b6212d8b734503d7fa2e29ea6413bad62226998e56555f4a6b0b30072f1aec",
                # Keras's own mnist.npz
                "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            ),
            KERAS_ORIGIN + "mnist.npz",
        ),
    ),
    mini_file="mnist_mini.npz",
    image_size=28,
    class_names=tuple(str(d) for d in range(10)),
    credit="Yann LeCun and Corinna Cortes; CC BY-SA 3.0",
)


FASHION_MNIST = DatasetSpec(
    name="fashion_mnist",
    title="Fashion-MNIST clothing images",
    files=tuple(
        DataFile(f"fashion-mnist/{fname}", (digest,), KERAS_ORIGIN + f"fashion-mnist/{fname}")
        for fname, digest in (
            ("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            ("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            ("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
            ("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        )
    ),
    mini_file="fashion_mnist_mini.npz",
    image_size=28,
    class_names=(
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),
    credit="Zalando SE; MIT license",
)


FACES = DatasetSpec(
    name="faces",
    title="Olivetti faces (64x64, 40 people x 10 images)",
    files=(
        # Keras hosts no copy of the faces, so there is no download URL; the
        # whole dataset (1.4 MB) ships in data/mini instead.
        DataFile(
            "faces/olivetti_faces.npz",
            ("bead643396efce5261964288b5b0a92e548c44203bef323de97f165310c0fda1",),
        ),
    ),
    mini_file="olivetti_faces.npz",
    image_size=64,
    class_names=tuple(f"person {i}" for i in range(40)),
    credit="AT&T Laboratories Cambridge",
)


DATASETS: dict[str, DatasetSpec] = {s.name: s for s in (MNIST, FASHION_MNIST, FACES)}


_ALIASES = {"fashion-mnist": "fashion_mnist", "fashion": "fashion_mnist", "olivetti": "faces"}




@dataclasses.dataclass
class ImageDataset:
    """Images in [-1, 1] with shape (N, H, W, 1) and integer labels, per split."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str

    def __iter__(self):
        """Unpack like Keras: ``(x_train, y_train), (x_test, y_test) = data``."""
        yield (self.x_train, self.y_train)
        yield (self.x_test, self.y_test)

    def __repr__(self) -> str:
        return (
            f"ImageDataset({self.name!r}, train={self.x_train.shape}, "
            f"test={self.x_test.shape}, source={self.source!r})"
        )


def get_spec(name: str) -> DatasetSpec:
    """The :class:`DatasetSpec` for ``name`` (``mnist``, ``fashion_mnist``, ``faces``)."""
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a str, got {type(name).__name__}: {name!r}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of: {', '.join(DATASETS)}")
    return DATASETS[key]


def cache_dir() -> pathlib.Path:
    """Folder the course downloads into (``GANCOURSE_CACHE`` or ``~/.cache/gancourse``)."""
    root = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "gancourse")
    return pathlib.Path(root) / "datasets"


def _mini_file(spec: DatasetSpec) -> DataFile:
    relpath = f"mini/{spec.mini_file}"
    try:
        digests = shipped_sha256(relpath)
    except KeyError:
        digests = ()
    return DataFile(relpath, digests)


@dataclasses.dataclass(frozen=True)
class Location:
    """Where a dataset was found: the kind of source and its verified files."""

    kind: str  # "path", "GANCOURSE_DATA", "download", "mini"
    paths: tuple[pathlib.Path, ...]

    def describe(self) -> str:
        folder = os.path.commonpath([str(p.parent) for p in self.paths])
        return f"{self.kind}: {folder}"


def _files_under(folder: pathlib.Path, spec: DatasetSpec) -> list[pathlib.Path] | None:
    """The dataset's files below ``folder`` (or ``folder`` itself for one-file sets)."""
    found = []
    for f in spec.files:
        name = pathlib.PurePosixPath(f.relpath).name
        for candidate in (folder / f.relpath, folder / name):
            if candidate.is_file():
                found.append(candidate)
                break
        else:
            return None
    return found


def _verified(paths, files, fix) -> tuple[pathlib.Path, ...]:
    for p, f in zip(paths, files):
        verify_file(p, f.sha256, fix=fix)
    return tuple(paths)


def _download(spec: DatasetSpec) -> list[pathlib.Path] | None:
    """Fetch the dataset's files into :func:`cache_dir` with Keras; None when offline and not cached.

    Files downloaded earlier are used even when offline (``GANCOURSE_OFFLINE=1``):
    offline forbids the network, not the download cache.
    """
    if any(f.url is None for f in spec.files):
        return None
    root = cache_dir()
    existing = _files_under(root, spec)
    if existing:
        return existing
    if os.environ.get(OFFLINE_ENV, "") not in ("", "0"):
        return None
    from ..config import import_tensorflow

    import_tensorflow()
    import keras

    paths = []
    for f in spec.files:
        target = root / f.relpath
        if target.is_file():
            paths.append(target)
            continue
        try:
            # No file_hash: Keras would delete a mismatching file. We verify it ourselves.
            got = keras.utils.get_file(
                fname=target.name, origin=f.url, cache_dir=str(root.parent),
                cache_subdir=str(target.parent.relative_to(root.parent)),
            )
        except Exception:  # offline or blocked: fall through to the next source
            return None
        paths.append(pathlib.Path(got))
    return paths


def locate_dataset(name: str, *, path: str | os.PathLike | None = None, mini: bool = False,
                   download: bool = True) -> Location:
    """Find and verify a dataset's files, following the order in the module docstring.

    Args:
        name: dataset name.
        path: a file or folder to use instead of the usual places.
        mini: use the subset shipped in ``data/mini`` (the smoke profile does).
        download: allow a download when nothing local is found.

    Raises:
        DatasetNotFoundError: nothing found; the message says where to put it.
        ChecksumError: a file was found but its hash is wrong (left untouched).
    """
    spec = get_spec(name)
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        p = pathlib.Path(path).expanduser()
        if p.is_file():
            if len(spec.files) != 1 and not (mini or p.name == spec.mini_file):
                raise ValueError(f"path for {spec.name} must be a folder holding "
                                 f"{[f.relpath for f in spec.files]}, got the file {p}")
            files = (_mini_file(spec),) if (mini or p.name == spec.mini_file) else spec.files
            return Location("path", _verified([p], files, "check the path you passed"))
        found = _files_under(p, spec) if p.is_dir() else None
        if not found:
            raise DatasetNotFoundError(
                f"{spec.title}: nothing usable at path={str(path)!r}; expected "
                + ", ".join(f.relpath for f in spec.files) + " there."
            )
        return Location("path", _verified(found, spec.files, "check the path you passed"))

    if mini:
        mini_path = shipped_data_dir() / "mini" / spec.mini_file
        if not mini_path.is_file():
            raise DatasetNotFoundError(
                f"the shipped subset {mini_path} is missing; restore it with "
                "`git checkout data/mini` or rebuild it with `python data/build_mini.py`."
            )
        return Location("mini", _verified([mini_path], [_mini_file(spec)],
                                          "`git checkout data/mini` restores it"))

    env_dir = os.environ.get(DATA_ENV)
    if env_dir:
        found = _files_under(pathlib.Path(env_dir), spec)
        if found:
            return Location(DATA_ENV, _verified(found, spec.files, f"copy it again into {env_dir}"))

    if len(spec.files) == 1 and spec.files[0].url is None:
        # Datasets with no public Keras copy (the faces) ship whole in data/mini.
        return locate_dataset(name, mini=True)

    if download:
        fetched = _download(spec)
        if fetched:
            return Location("download", _verified(fetched, spec.files, f"it is in {cache_dir()}"))

    raise DatasetNotFoundError(
        f"{spec.title} not found and it could not be downloaded (offline?).\n"
        f"Put these files in a folder and set {DATA_ENV} to it:\n  "
        + "\n  ".join(f.relpath for f in spec.files)
        + f"\nor place them in {cache_dir()}, or use the small shipped subset "
        f"(GANCOURSE_PROFILE=smoke, or mini=True)."
    )


def _read_idx_gz(path: pathlib.Path, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        return np.frombuffer(handle.read(), dtype=np.uint8, offset=offset)


def _read_raw(spec: DatasetSpec, loc: Location) -> tuple[np.ndarray, ...]:
    """uint8 arrays (x_train, y_train, x_test, y_test) from verified files."""
    first = loc.paths[0]
    if first.suffix == ".npz":
        with np.load(first, allow_pickle=False) as z:
            if "x_train" in z.files:  # MNIST, and the shipped mini subsets
                return z["x_train"], z["y_train"], z["x_test"], z["y_test"]
            if "images" in z.files:  # Olivetti faces
                images, target = z["images"], z["target"]
                # Fixed split by photo index: photos 0-7 of each person train, 8-9 test.
                test = (np.arange(len(images)) % 10) >= 8
                return images[~test], target[~test], images[test], target[test]
        raise ValueError(f"{first} holds neither x_train/y_train/x_test/y_test nor images/target")
    ytr, xtr, yte, xte = loc.paths  # Fashion-MNIST: four IDX gzip files
    return (
        _read_idx_gz(xtr, 16).reshape(-1, 28, 28), _read_idx_gz(ytr, 8),
        _read_idx_gz(xte, 16).reshape(-1, 28, 28), _read_idx_gz(yte, 8),
    )


def load_dataset(name: str, *, path: str | os.PathLike | None = None, profile=None,
                 mini: bool | None = None, subset: bool = True, seed: int = 0) -> ImageDataset:
    """Load a dataset as float32 images in [-1, 1], shape (N, H, W, 1), with labels.

    Args:
        name: ``"mnist"``, ``"fashion_mnist"`` or ``"faces"``.
        path: explicit file or folder (checked like every other source).
        profile: a :class:`~gancourse.config.Profile` or its name; ``None``
            uses the profile in force.
        mini: use the shipped subset; ``None`` follows the profile (smoke: yes).
        subset: cut each split to the profile's ``train_size``/``test_size``
            with a class-balanced, seeded choice.
        seed: seed of that choice.
    """
    from .. import config

    prof = profile if isinstance(profile, config.Profile) else config.get_profile(profile)
    spec = get_spec(name)
    subset = check_bool(subset, "subset")
    seed = check_seed(seed)
    use_mini = prof.mini_data if mini is None else check_bool(mini, "mini")
    loc = locate_dataset(spec.name, path=path, mini=use_mini)
    xtr, ytr, xte, yte = _read_raw(spec, loc)
    if subset:
        ntr, nte = prof.subset(len(xtr), "train"), prof.subset(len(xte), "test")
        if ntr < len(xtr):
            keep = balanced_subset_indices(ytr, ntr, seed=seed)
            xtr, ytr = xtr[keep], ytr[keep]
        if nte < len(xte):
            keep = balanced_subset_indices(yte, nte, seed=seed)
            xte, yte = xte[keep], yte[keep]
    return ImageDataset(
        name=spec.name,
        x_train=uint8_to_tanh_range(xtr), y_train=ytr.astype(np.int64),
        x_test=uint8_to_tanh_range(xte), y_test=yte.astype(np.int64),
        class_names=spec.class_names, source=loc.describe(),
    )


def load_mnist(**kwargs) -> ImageDataset:
    """MNIST digits, 28x28, 10 classes. Keyword arguments as :func:`load_dataset`."""
    return load_dataset("mnist", **kwargs)


def load_fashion_mnist(**kwargs) -> ImageDataset:
    """Fashion-MNIST, 28x28, 10 clothing classes. Keyword arguments as :func:`load_dataset`."""
    return load_dataset("fashion_mnist", **kwargs)


def load_faces(**kwargs) -> ImageDataset:
    """Olivetti faces, 64x64, 40 people (8 photos each train, 2 test)."""
    return load_dataset("faces", **kwargs)


def describe_datasets() -> list[dict]:
    """One row per dataset and source: where it was looked for, found or not, checksum status."""
    rows = []
    for spec in DATASETS.values():
        places = [("mini", True, None)]
        if os.environ.get(DATA_ENV):
            places.insert(0, (DATA_ENV, False, pathlib.Path(os.environ[DATA_ENV])))
        if all(f.url for f in spec.files):
            places.insert(len(places) - 1, ("download cache", False, cache_dir()))
        for label, is_mini, folder in places:
            row = {"dataset": spec.name, "source": label}
            try:
                if is_mini:
                    loc = locate_dataset(spec.name, mini=True)
                else:
                    found = _files_under(folder, spec)
                    if not found:
                        row.update(status="not found", where=str(folder))
                        rows.append(row)
                        continue
                    loc = Location(label, _verified(found, spec.files, ""))
                row.update(status="ok (sha256 verified)", where=loc.describe().split(": ", 1)[1])
            except ChecksumError as exc:
                row.update(status="CHECKSUM MISMATCH", where=str(exc).splitlines()[0])
            except DatasetNotFoundError as exc:
                row.update(status="not found", where=str(exc).splitlines()[0])
            rows.append(row)
    return rows
