"""The evaluation kit: how good, how varied and how original are generated samples?

Every number here is measured against a reference that tells the learner what
"good" means at the sample count used:

* **Fréchet distance** (FD, the "FID" of Heusel et al. 2017 computed in the
  feature space of the course's own MNIST classifier instead of Inception)
  and **kernel distance** (KID, Bińkowski et al. 2018), always reported with
  the **real-vs-real floor**: the same metric between two disjoint real
  samples of the same size. Both metrics are biased upwards at small sample
  counts, so the floor, not zero, is what a perfect generator would score.
* **Class coverage**, **confident share** and the **class histogram** from the
  classifier's softmax: does the generator draw all ten digits, and are its
  digits recognisable?
* **Nearest training image** (L2 in pixel space): is the generator copying
  its training set?
* **Mode coverage** on toy mixtures of Gaussians (VEEGAN's rule,
  Srivastava et al. 2017) for the 8-Gaussian ring and 25-Gaussian grid.
* **PSNR**, over whole images or a masked region (inpainting).

The classifier is trained by ``python -m gancourse pretrain mnist-classifier``
(see :mod:`gancourse.classifier`) and shipped in ``data/pretrained/``; it is
checked against ``data/SHA256SUMS`` before it is loaded, with Keras's
``safe_mode`` on.

Everything except the classifier helpers runs on NumPy/SciPy alone.
"""

from __future__ import annotations

import math
import os
import pathlib
import time
import weakref

import numpy as np

from . import data

CLASSIFIER_FILE = "pretrained/mnist_classifier.keras"
"""Path of the shipped classifier relative to ``data/`` (and its key in ``SHA256SUMS``)."""

FEATURES_LAYER = "features"
"""Name of the classifier's penultimate layer, whose activations FD and KID use."""

IMAGE_SHAPE = (28, 28, 1)
"""Input shape of the classifier: MNIST digits in [-1, 1]."""

REBUILD_HINT = "rebuild it with `python -m gancourse pretrain mnist-classifier` or restore it with git"

# --------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------


def _as_int(value, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _as_features(feats, name: str, *, min_rows: int = 2) -> np.ndarray:
    """A finite float64 (N, D) array with at least ``min_rows`` rows."""
    x = np.asarray(feats, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape {x.shape}")
    if x.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} samples, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns: shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


def _same_width(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{name_a} has {a.shape[1]} features per sample but {name_b} has {b.shape[1]}")


def _as_images(images, name: str = "images") -> np.ndarray:
    """float32 (N, 28, 28, 1) in [-1, 1] from (N, 28, 28) or (N, 28, 28, 1), tensors included."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name} must have shape (N, 28, 28) or (N, 28, 28, 1), got {x.shape}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1.001 or hi > 1.001:  # small slack for float rounding of a tanh output
        raise ValueError(
            f"{name} must be scaled to [-1, 1] (like gancourse.data loaders and tanh generators), "
            f"got values in [{lo:.3g}, {hi:.3g}]; for uint8 pixels use gancourse.data.to_unit_range"
        )
    return x


def _as_probabilities(probs, name: str = "probs") -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 2:
        raise ValueError(f"{name} must be a 2-D array (samples, classes) with >= 2 classes, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError(f"{name} must hold finite, non-negative probabilities")
    sums = p.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        worst = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of {name} must sum to 1 (softmax outputs), row {worst} sums to {sums[worst]:.4g}; "
            "pass probabilities, not logits"
        )
    return p


# --------------------------------------------------------------------------
# the classifier
# --------------------------------------------------------------------------

_CLASSIFIERS: dict[tuple, object] = {}
_EXTRACTORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def classifier_path() -> pathlib.Path:
    """Where the shipped classifier lives: ``data/pretrained/mnist_classifier.keras``."""
    return data.shipped_data_dir() / CLASSIFIER_FILE


def load_classifier(path: str | os.PathLike | None = None):
    """Load the course's MNIST classifier (cached; loaded once per file version).

    Args:
        path: a ``.keras`` file; ``None`` loads the shipped one, after checking
            it against its SHA-256 in ``data/SHA256SUMS``. A file given
            explicitly is not checksummed (it is yours).

    The file is read with ``keras.saving.load_model(..., safe_mode=True)``,
    which refuses to run code stored in it (the model uses built-in layers
    only), and ``compile=False`` (it is only used for inference).

    Raises:
        FileNotFoundError: no such file (the message says how to rebuild it).
        gancourse.data.ChecksumError: the shipped file differs from its listed hash,
            or it is not listed.
    """
    from .config import import_tensorflow

    if path is None:
        target = classifier_path()
        if not target.is_file():
            raise FileNotFoundError(f"the MNIST classifier is missing: {target}; {REBUILD_HINT}")
        try:
            expected = data.shipped_sha256(CLASSIFIER_FILE)
        except KeyError:
            raise data.ChecksumError(
                f"{CLASSIFIER_FILE} has no line in {data.shipped_data_dir() / 'SHA256SUMS'}; {REBUILD_HINT}"
            ) from None
        data.verify_file(target, expected, fix=REBUILD_HINT)
    else:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        target = pathlib.Path(path)
        if not target.is_file():
            raise FileNotFoundError(f"classifier file not found: {target}")
    stat = target.stat()
    key = (str(target.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CLASSIFIERS:
        import_tensorflow()
        import keras

        _CLASSIFIERS[key] = keras.saving.load_model(target, safe_mode=True, compile=False)
    return _CLASSIFIERS[key]


def _extractor(classifier):
    """A model sharing ``classifier``'s weights that returns (features, probabilities)."""
    import keras

    try:
        return _EXTRACTORS[classifier]
    except (KeyError, TypeError):
        pass
    try:
        features = classifier.get_layer(FEATURES_LAYER).output
    except ValueError:
        raise ValueError(
            f"classifier has no layer named {FEATURES_LAYER!r}; build it with "
            "gancourse.classifier.build_classifier or load it with load_classifier()"
        ) from None
    model = keras.Model(classifier.inputs[0], [features, classifier.outputs[0]], name="feature_extractor")
    try:
        _EXTRACTORS[classifier] = model
    except TypeError:  # an unhashable model: simply do not cache
        pass
    return model


def classifier_outputs(images, classifier=None, *, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Penultimate-layer features and softmax probabilities in one pass.

    Args:
        images: (N, 28, 28[, 1]) in [-1, 1] (NumPy array or tensor).
        classifier: a Keras model with a ``"features"`` layer; ``None``: the shipped one.
        batch_size: images per forward pass (memory, not results).

    Returns:
        ``(features, probs)``: float32 arrays of shapes (N, D) and (N, 10).
    """
    x = _as_images(images)
    batch_size = _as_int(batch_size, "batch_size")
    model = _extractor(classifier if classifier is not None else load_classifier())
    feats, probs = [], []
    for start in range(0, len(x), batch_size):
        f, p = model(x[start: start + batch_size], training=False)
        feats.append(np.asarray(f, dtype=np.float32))
        probs.append(np.asarray(p, dtype=np.float32))
    return np.concatenate(feats), np.concatenate(probs)


def classifier_features(images, classifier=None, *, batch_size: int = 500) -> np.ndarray:
    """Activations of the classifier's penultimate layer, (N, D): the space FD and KID use."""
    return classifier_outputs(images, classifier, batch_size=batch_size)[0]


def classifier_probabilities(images, classifier=None, *, batch_size: int = 500) -> np.ndarray:
    """Softmax class probabilities of the classifier, (N, 10)."""
    return classifier_outputs(images, classifier, batch_size=batch_size)[1]


def classifier_accuracy(images, labels, classifier=None, *, batch_size: int = 500) -> float:
    """Share of ``images`` whose most probable class equals ``labels``."""
    labels = np.asarray(labels)
    probs = classifier_probabilities(images, classifier, batch_size=batch_size)
    if labels.shape != (len(probs),):
        raise ValueError(f"labels must have shape ({len(probs)},), one per image, got {labels.shape}")
    return float(np.mean(np.argmax(probs, axis=1) == labels))


# --------------------------------------------------------------------------
# Fréchet distance and kernel distance
# --------------------------------------------------------------------------


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (eigenvalues clipped at 0)."""
    vals, vecs = np.linalg.eigh(matrix)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T


def trace_sqrt_product(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """Tr((S_a S_b)^{1/2}) for symmetric positive semi-definite S_a, S_b.

    S_a S_b is similar to the symmetric PSD matrix M = S_a^{1/2} S_b S_a^{1/2}
    (M = S_a^{1/2} (S_a S_b) S_a^{-1/2} when S_a is invertible, and by
    continuity otherwise), so both have the same non-negative eigenvalues and
    Tr((S_a S_b)^{1/2}) = sum_i sqrt(lambda_i(M)).

    Departure from the usual code (``scipy.linalg.sqrtm(S_a @ S_b)``, as in
    Heusel et al.'s TTUR repository): ``sqrtm`` of the non-symmetric product
    returns small imaginary parts, and NaN or a wrong trace when a covariance
    is singular (fewer samples than features, dead ReLU units), which the
    reference code patches by adding eps*I. Working with the symmetric M needs
    only ``eigh``, is exact for singular matrices, and gives the same value
    where ``sqrtm`` works (the tests check this).
    """
    m = _sqrt_psd(cov_a) @ cov_b @ _sqrt_psd(cov_a)
    m = (m + m.T) / 2.0  # remove rounding asymmetry before eigvalsh
    return float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(m), 0.0, None))))


def frechet_distance(feats_a, feats_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    Heusel et al. (2017), "GANs trained by a two time-scale update rule
    converge to a local Nash equilibrium", the FID equation (the Fréchet, or
    2-Wasserstein, distance of Dowson & Landau 1982 between N(mu_a, S_a) and
    N(mu_b, S_b)):

        d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})

    The value is d^2 (as FID reports), computed in float64 with unbiased
    (N - 1) covariances; see :func:`trace_sqrt_product` for the matrix root.

    Args:
        feats_a, feats_b: (N_a, D) and (N_b, D) arrays, N >= 2 each.

    Raises:
        ValueError: not 2-D, fewer than 2 rows, different D, NaN/inf.
    """
    a = _as_features(feats_a, "feats_a")
    b = _as_features(feats_b, "feats_b")
    _same_width(a, b, "feats_a", "feats_b")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    value = float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b)
                  - 2.0 * trace_sqrt_product(cov_a, cov_b))
    # d^2 >= 0 exactly; only float rounding (identical sets) can push it below.
    return max(value, 0.0)


def polynomial_kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bińkowski et al. (2018) KID kernel: k(x, y) = (x . y / d + 1)^3, d = feature dimension."""
    d = x.shape[1]
    k = x @ y.T / d + 1.0
    return k * k * k  # two multiplications are several times faster than ** 3 (pow)


def mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased estimate of MMD^2 with :func:`polynomial_kernel` (MMD^2_u of Gretton et al. 2012).

        MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
                  - 2/(mn) sum_{i, j} k(x_i, y_j)

    Unbiased, so it can be slightly negative when the two sets come from the
    same distribution.
    """
    m, n = len(x), len(y)
    kxx, kyy, kxy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1))
                 + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * kxy.mean())


def kernel_inception_distance(feats_a, feats_b, *, subsets: int = 100, subset_size: int | None = None,
                              seed: int = 0) -> tuple[float, float]:
    """Kernel distance (KID) between two feature sets: mean and std over random subsets.

    Bińkowski et al. (2018), "Demystifying MMD GANs", which defines KID as the squared
    MMD with the cubic polynomial kernel k(x, y) = (x . y / d + 1)^3,
    estimated without bias (:func:`mmd2_unbiased`) on ``subsets`` pairs of
    random subsets of ``subset_size`` samples drawn without replacement from
    each set, as the paper's reference code does (``polynomial_mmd_averages``:
    subsets of 1000, 50 of them by default; KID tools commonly use 100).
    Here the features are the course classifier's, not Inception's.

    Args:
        feats_a, feats_b: (N_a, D) and (N_b, D) arrays.
        subsets: number of subset pairs.
        subset_size: samples per subset; ``None``: min(1000, N // 2) with N
            the smaller set, so the subsets differ and their spread (the
            std) says how much the estimate moves from sample to sample.
        seed: seed of the subset choice.

    Returns:
        ``(mean, std)`` of the per-subset estimates. The std is their spread
        (how much one subset's estimate moves), not the standard error of the
        mean; it is 0 when every subset is the whole set (``subset_size`` =
        N_a = N_b).
    """
    a = _as_features(feats_a, "feats_a")
    b = _as_features(feats_b, "feats_b")
    _same_width(a, b, "feats_a", "feats_b")
    subsets = _as_int(subsets, "subsets")
    limit = min(len(a), len(b))
    # Departure from the reference code's min(1000, N): at the smoke profile's
    # N = 500 that makes every subset the whole set and the std meaningless.
    if subset_size is None:
        size = max(2, min(1000, limit // 2))
    else:
        size = _as_int(subset_size, "subset_size", minimum=2)
    if size > limit:
        raise ValueError(f"subset_size must be <= {limit} (the smaller set), got {size}")
    if size == len(a) == len(b):
        # every "subset" is the whole set, and MMD^2_u does not depend on the
        # order of the samples: one evaluation gives all of them
        return mmd2_unbiased(a, b), 0.0
    rng = np.random.default_rng(seed)
    values = np.empty(subsets)
    for i in range(subsets):
        xa = a[rng.choice(len(a), size, replace=False)]
        xb = b[rng.choice(len(b), size, replace=False)]
        values[i] = mmd2_unbiased(xa, xb)
    return float(values.mean()), float(values.std())


def _split_real(real, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint random halves of ``n`` rows each from ``real``."""
    if len(real) < 2 * n:
        raise ValueError(
            f"the real-vs-real floor at n={n} needs 2n = {2 * n} real samples, but only "
            f"{len(real)} were given; pass more real images or lower n"
        )
    order = np.random.default_rng(seed).permutation(len(real))
    return real[order[:n]], real[order[n: 2 * n]]


def real_vs_real_floor(real, n: int, *, seed: int = 0, classifier=None, kid_subsets: int = 100,
                       kid_subset_size: int | None = None) -> dict:
    """FD and KID between two disjoint real samples of ``n`` each: the best a generator can score.

    Both metrics are estimated from finite samples and are biased upwards
    (FD's by roughly Tr(S)/n-sized terms), so a generator evaluated on ``n``
    samples should be compared with this floor at the same ``n``, not with 0.

    Args:
        real: real images (N, 28, 28[, 1]) in [-1, 1], or their classifier
            features (N, D); N >= 2n.
        n: samples per side; >= 2.

    Returns:
        ``{"n", "fd_floor", "kid_floor", "kid_floor_std"}`` as plain floats/ints.
    """
    n = _as_int(n, "n", minimum=2)
    arr = np.asarray(real)
    feats = _as_features(arr, "real") if arr.ndim == 2 else classifier_features(arr, classifier)
    first, second = _split_real(feats, n, seed)
    kid, kid_std = kernel_inception_distance(first, second, subsets=kid_subsets,
                                             subset_size=kid_subset_size, seed=seed)
    return {"n": n, "fd_floor": frechet_distance(first, second), "kid_floor": kid, "kid_floor_std": kid_std}


# --------------------------------------------------------------------------
# classes: histogram, coverage, confidence
# --------------------------------------------------------------------------


def class_histogram(probs) -> np.ndarray:
    """Share of samples assigned to each class (argmax of ``probs``); sums to 1.

    Args:
        probs: (N, K) softmax outputs, each row summing to 1.

    Returns:
        float64 array of K shares.
    """
    p = _as_probabilities(probs)
    counts = np.bincount(np.argmax(p, axis=1), minlength=p.shape[1])
    return counts / counts.sum()


def class_coverage(probs, min_share: float = 0.01) -> int:
    """Number of classes holding at least ``min_share`` of the samples (argmax assignment).

    A generator that has collapsed onto a few digits covers few classes;
    ``min_share`` = 1% ignores classes reached only by a handful of stray
    samples. A perfect MNIST generator covers 10.
    """
    if not isinstance(min_share, (int, float)) or isinstance(min_share, bool) or not 0 < min_share <= 1:
        raise ValueError(f"min_share must be a number in (0, 1], got {min_share!r}")
    return int(np.sum(class_histogram(probs) >= min_share))


def confident_share(probs, threshold: float = 0.9) -> float:
    """Share of samples whose largest class probability exceeds ``threshold``.

    A proxy for "recognisable digits": blurred or hybrid digits get flat
    softmax outputs. (Strictly greater than the threshold.)
    """
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not 0 <= threshold < 1:
        raise ValueError(f"threshold must be a number in [0, 1), got {threshold!r}")
    p = _as_probabilities(probs)
    return float(np.mean(p.max(axis=1) > threshold))


# --------------------------------------------------------------------------
# memorisation
# --------------------------------------------------------------------------


def nearest_training_images(samples, train_images, k: int = 1, *, batch_size: int = 256
                            ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` training images nearest (L2 in pixel space) to each sample.

    A generator that copies its training set produces samples at (almost)
    distance 0 from a training image; compare the distances with those of
    held-out real images to their nearest training image.

    Candidates are found with ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b in
    float32 over batches of ``batch_size`` samples (memory: batch_size x N_train
    floats), then the distances of the best candidates are recomputed exactly
    in float64, so an exact copy reports 0.

    Args:
        samples: (N, ...) images; train_images: (M, ...) with the same image shape.
        k: neighbours per sample, 1 <= k <= M.

    Returns:
        ``(indices, distances)``, each (N, k), nearest first.
    """
    s = np.asarray(samples, dtype=np.float32)
    t = np.asarray(train_images, dtype=np.float32)
    if s.ndim < 2 or t.ndim < 2 or s.shape[1:] != t.shape[1:]:
        raise ValueError(f"samples and train_images must share their image shape, got {s.shape} and {t.shape}")
    if len(s) == 0 or len(t) == 0:
        raise ValueError(f"samples and train_images must be non-empty, got {len(s)} and {len(t)}")
    k = _as_int(k, "k")
    if k > len(t):
        raise ValueError(f"k must be <= {len(t)} (the number of train_images), got {k}")
    batch_size = _as_int(batch_size, "batch_size")
    s, t = s.reshape(len(s), -1), t.reshape(len(t), -1)
    t_sq = np.einsum("ij,ij->i", t, t)
    n_cand = min(len(t), k + 8)  # a few spares guard against float32 rounding ties
    indices = np.empty((len(s), k), dtype=np.int64)
    distances = np.empty((len(s), k), dtype=np.float64)
    for start in range(0, len(s), batch_size):
        block = s[start: start + batch_size]
        approx = t_sq[None, :] - 2.0 * block @ t.T  # + ||a||^2, constant per row
        cand = np.argpartition(approx, n_cand - 1, axis=1)[:, :n_cand]
        diff = block[:, None, :].astype(np.float64) - t[cand].astype(np.float64)
        exact = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        order = np.argsort(exact, axis=1, kind="stable")[:, :k]
        indices[start: start + len(block)] = np.take_along_axis(cand, order, axis=1)
        distances[start: start + len(block)] = np.take_along_axis(exact, order, axis=1)
    return indices, distances


# --------------------------------------------------------------------------
# generators end to end
# --------------------------------------------------------------------------


def generate_samples(generator, n: int, *, latent_dim: int | None = None, seed: int = 0,
                     batch_size: int = 500) -> np.ndarray:
    """Draw ``n`` images from ``generator`` with z ~ N(0, I) from a seeded NumPy generator.

    The noise is ``np.random.default_rng(seed).standard_normal((n, latent_dim))``,
    the same vectors as ``gancourse.gan.latent_noise(n, latent_dim, seed)``.

    Args:
        generator: a Keras model mapping z (B, latent_dim) to images, or any
            callable doing so (NumPy in, array or tensor out).
        latent_dim: size of z; ``None`` reads it from a Keras model's input
            shape, else from a ``latent_dim`` attribute (a ``GAN`` wrapper).
        seed: seed of the noise (the same seed gives the same z).

    Returns:
        float32 (n, H, W, C) images.
    """
    if not callable(generator):
        raise TypeError(f"generator must be a Keras model or a callable, got {type(generator).__name__}")
    n = _as_int(n, "n")
    batch_size = _as_int(batch_size, "batch_size")
    if latent_dim is None:
        shape = getattr(generator, "input_shape", None)
        if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int):
            latent_dim = shape[1]
        elif isinstance(getattr(generator, "latent_dim", None), (int, np.integer)):
            latent_dim = generator.latent_dim  # e.g. a gancourse.gan.GAN, whose call(z) runs its generator
        else:
            raise ValueError(
                "latent_dim is None and could not be read from the generator's input shape "
                f"({shape!r}) or a latent_dim attribute; pass latent_dim"
            )
    latent_dim = _as_int(latent_dim, "latent_dim")
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
    is_keras = hasattr(generator, "predict_on_batch")
    out = []
    for start in range(0, n, batch_size):
        zb = z[start: start + batch_size]
        images = generator(zb, training=False) if is_keras else generator(zb)
        images = np.asarray(images, dtype=np.float32)
        if images.shape[0] != len(zb) or images.ndim not in (3, 4):
            raise ValueError(f"generator must return (B, H, W[, C]) images for B={len(zb)} codes, "
                             f"got shape {images.shape}")
        out.append(images if images.ndim == 4 else images[..., None])
    return np.concatenate(out)


def evaluate_samples(samples, real_images, *, seed: int = 0, classifier=None, train_images=None,
                     nn_samples: int = 1000, kid_subsets: int = 100) -> dict:
    """Every MNIST metric of the kit for ``samples``, as one JSON-ready dict.

    FD and KID compare the ``n = len(samples)`` samples with ``n`` real images
    drawn (seeded) from ``real_images``; the floors compare those real images
    with ``n`` *other* real images, so the generator and the floor are measured
    on the same real sample at the same sample count.

    Args:
        samples: (n, 28, 28[, 1]) in [-1, 1].
        real_images: at least 2n real images in [-1, 1].
        train_images: images for the nearest-neighbour check (default:
            ``real_images``); only the first ``nn_samples`` samples are checked.

    Returns:
        ``n``, ``fd``, ``fd_floor``, ``fd_ratio`` (fd / fd_floor), ``kid``,
        ``kid_std``, ``kid_floor``, ``kid_floor_std``, ``classes_covered``,
        ``confident_share``, ``histogram`` (10 shares), ``nearest_train_l2_median``,
        ``nearest_train_l2_min``, ``nn_samples``, ``seconds``.
    """
    start = time.perf_counter()
    x = _as_images(samples, "samples")
    real = _as_images(real_images, "real_images")
    n = len(x)
    if n < 2:
        raise ValueError(f"samples needs at least 2 images, got {n}")
    real_a, real_b = _split_real(real, n, seed)
    nn_samples = _as_int(nn_samples, "nn_samples")
    clf = classifier if classifier is not None else load_classifier()
    gen_feats, gen_probs = classifier_outputs(x, clf)
    feats_a = classifier_features(real_a, clf)
    feats_b = classifier_features(real_b, clf)
    fd = frechet_distance(gen_feats, feats_a)
    fd_floor = frechet_distance(feats_b, feats_a)
    kid, kid_std = kernel_inception_distance(gen_feats, feats_a, subsets=kid_subsets, seed=seed)
    kid_floor, kid_floor_std = kernel_inception_distance(feats_b, feats_a, subsets=kid_subsets, seed=seed)
    train = real if train_images is None else _as_images(train_images, "train_images")
    _, nn_dist = nearest_training_images(x[:nn_samples], train)
    return {
        "n": n,
        "fd": round(fd, 4),
        "fd_floor": round(fd_floor, 4),
        "fd_ratio": round(fd / max(fd_floor, 1e-12), 3),
        "kid": round(kid, 6),
        "kid_std": round(kid_std, 6),
        "kid_floor": round(kid_floor, 6),
        "kid_floor_std": round(kid_floor_std, 6),
        "classes_covered": class_coverage(gen_probs),
        "confident_share": round(confident_share(gen_probs), 4),
        "histogram": [round(float(h), 4) for h in class_histogram(gen_probs)],
        "nearest_train_l2_median": round(float(np.median(nn_dist)), 4),
        "nearest_train_l2_min": round(float(nn_dist.min()), 4),
        "nn_samples": int(min(nn_samples, n)),
        "seconds": round(time.perf_counter() - start, 2),
    }


def evaluate_generator(generator, real_images, *, n: int, latent_dim: int | None = None, seed: int = 0,
                       classifier=None, train_images=None, nn_samples: int = 1000,
                       kid_subsets: int = 100) -> dict:
    """Draw ``n`` samples from ``generator`` and score them with :func:`evaluate_samples`.

    Example (the profile sets ``n``)::

        prof = config.get_profile()
        mnist = data.load_mnist(subset=False)
        report = metrics.evaluate_generator(gan.generator, mnist.x_train, n=prof.eval_samples)
        print(report["fd"], "vs floor", report["fd_floor"], report["classes_covered"], "classes")

    Args:
        generator: Keras model or callable mapping z (B, latent_dim) to images in [-1, 1].
        real_images: at least 2n real images (the floor uses two disjoint halves).
        n: samples drawn; use the profile's ``eval_samples``.
        latent_dim: size of z (read from a Keras model when ``None``).
        seed: seed of the noise and of the real subsets.
        Other arguments as :func:`evaluate_samples`.
    """
    n = _as_int(n, "n", minimum=2)
    if len(real_images) < 2 * n:
        # Checked before sampling, so a bad call fails fast.
        raise ValueError(
            f"the real-vs-real floor at n={n} needs 2n = {2 * n} real images, but real_images holds "
            f"{len(real_images)}; pass more real images or lower n"
        )
    samples = generate_samples(generator, n, latent_dim=latent_dim, seed=seed)
    return evaluate_samples(samples, real_images, seed=seed, classifier=classifier,
                            train_images=train_images, nn_samples=nn_samples, kid_subsets=kid_subsets)


# --------------------------------------------------------------------------
# toy mixtures: VEEGAN mode coverage
# --------------------------------------------------------------------------


def ring_modes(n_modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """Means of the ring mixture: ``n_modes`` points evenly spaced on a circle, (n_modes, 2).

    Mode i sits at angle 2 pi i / n_modes, starting at (radius, 0).
    """
    n_modes = _as_int(n_modes, "n_modes")
    if not isinstance(radius, (int, float)) or isinstance(radius, bool) or radius <= 0:
        raise ValueError(f"radius must be a positive number, got {radius!r}")
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_modes(n_per_side: int = 5, spacing: float = 2.0) -> np.ndarray:
    """Means of the grid mixture: an ``n_per_side`` x ``n_per_side`` grid centred on 0, (n^2, 2).

    The default 5 x 5 grid with spacing 2 has coordinates in {-4, -2, 0, 2, 4}.
    """
    n_per_side = _as_int(n_per_side, "n_per_side")
    if not isinstance(spacing, (int, float)) or isinstance(spacing, bool) or spacing <= 0:
        raise ValueError(f"spacing must be a positive number, got {spacing!r}")
    axis = (np.arange(n_per_side) - (n_per_side - 1) / 2.0) * spacing
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def mode_coverage(samples, modes, std: float, *, n_std: float = 3.0, min_samples: int = 1) -> dict:
    """VEEGAN's mode-collapse metrics for a mixture of Gaussians with known means.

    Srivastava et al. (2017), "VEEGAN: Reducing mode collapse in GANs using
    implicit variational learning", synthetic experiments: a sample is **high quality**
    if it lies within three standard deviations of its nearest mode (Euclidean
    distance <= ``n_std * std``); the **number of modes captured** is the
    number of mixture components whose mean is the nearest mode of at least
    one high-quality sample. The paper draws 2500 samples per model and
    averages over five runs.

    ``min_samples`` generalises "at least one" (the default, VEEGAN's exact
    rule); a larger value stops a few stray samples from counting a mode as
    covered.

    Args:
        samples: (N, D) generated points.
        modes: (K, D) component means (:func:`ring_modes`, :func:`grid_modes`).
        std: standard deviation of each component.

    Returns:
        ``{"modes_covered": int, "n_modes": K, "high_quality_share": float,
        "per_mode": list of K high-quality counts}``.
    """
    s = _as_features(samples, "samples", min_rows=1)
    m = _as_features(modes, "modes", min_rows=1)
    _same_width(s, m, "samples", "modes")
    for name, value in (("std", std), ("n_std", n_std)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    min_samples = _as_int(min_samples, "min_samples")
    dist = np.sqrt(((s[:, None, :] - m[None, :, :]) ** 2).sum(axis=-1))  # (N, K)
    nearest = np.argmin(dist, axis=1)
    high = dist[np.arange(len(s)), nearest] <= n_std * std
    per_mode = np.bincount(nearest[high], minlength=len(m))
    return {
        "modes_covered": int(np.sum(per_mode >= min_samples)),
        "n_modes": int(len(m)),
        "high_quality_share": float(high.mean()),
        "per_mode": [int(c) for c in per_mode],
    }


# --------------------------------------------------------------------------
# PSNR
# --------------------------------------------------------------------------


def psnr(a, b, mask=None, *, data_range: float = 2.0, reduce: str = "mean"):
    """Peak signal-to-noise ratio per image, in dB: 10 log10(data_range^2 / MSE).

    The axis 0 indexes images; MSE is taken over every other axis, or only
    over the pixels where ``mask`` is non-zero (e.g. the hole an inpainting
    method filled). ``data_range`` is max - min of the pixel scale: 2 for the
    course's [-1, 1] images (use 1 for [0, 1], 255 for uint8). Identical
    images give +inf.

    Args:
        a, b: arrays of the same shape (N, ...).
        mask: broadcastable to that shape; non-zero marks pixels to compare.
            Every image must have at least one such pixel.
        reduce: ``"mean"`` (mean of the per-image PSNRs, a float) or ``"none"``
            (the (N,) array).
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"a must be a batch (N, ...) with N >= 1 and axis 0 indexing images, got shape {x.shape}")
    if not isinstance(data_range, (int, float)) or isinstance(data_range, bool) or not data_range > 0:
        raise ValueError(f"data_range must be a positive number, got {data_range!r}")
    if reduce not in ("mean", "none"):
        raise ValueError(f"reduce must be 'mean' or 'none', got {reduce!r}")
    sq = (x - y) ** 2
    axes = tuple(range(1, x.ndim))
    if mask is None:
        mse = sq.mean(axis=axes)
    else:
        m = np.asarray(mask)
        try:
            m = np.broadcast_to(m != 0, x.shape)
        except ValueError:
            raise ValueError(
                f"mask of shape {np.shape(mask)} does not broadcast to the images' shape {x.shape}"
            ) from None
        counts = m.sum(axis=axes)
        if np.any(counts == 0):
            raise ValueError(f"mask selects no pixel in image {int(np.argmin(counts))}")
        mse = (sq * m).sum(axis=axes) / counts
    with np.errstate(divide="ignore"):
        values = 10.0 * np.log10(data_range ** 2 / mse)
    return float(values.mean()) if reduce == "mean" else values


# --------------------------------------------------------------------------
# command line: `python -m gancourse evaluate real-mnist`
# --------------------------------------------------------------------------


def evaluate_real_mnist(args) -> dict:
    """``evaluate real-mnist``: the floors, and real test digits scored as if generated.

    Uses the profile's ``eval_samples`` (n): FD/KID floors between two disjoint
    sets of n training digits, the full kit on n test digits (what a perfect
    generator would get), and the median L2 distance from a test digit to its
    nearest training digit (the reference for the memorisation check).
    """
    from . import config

    prof = config.get_profile(args.profile)
    mnist = data.load_mnist(profile=prof, subset=False)
    n = min(prof.eval_samples, len(mnist.x_test))
    test = mnist.x_test[np.random.default_rng(args.seed).permutation(len(mnist.x_test))[:n]]
    report = evaluate_samples(test, mnist.x_train, seed=args.seed, train_images=mnist.x_train)
    return {"profile": prof.name, "data": mnist.source.split(":")[0], **report}
