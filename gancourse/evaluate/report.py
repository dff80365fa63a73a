"""The evaluation kit end to end: draw samples, score them, and compare with the real-vs-real floor.

FD and KID are biased upwards at small sample counts, so every figure comes
with the same metric between two disjoint real samples of the same size (the
floor): a perfect generator scores the floor, not zero.

Every function scores in the feature space of the shipped MNIST classifier
unless ``classifier`` says otherwise: ``classifier="fashion_mnist"`` scores
Fashion-MNIST samples with the Fashion-MNIST classifier
(:func:`gancourse.evaluate.features.resolve_classifier`).
"""

from __future__ import annotations

import time

import numpy as np

from .. import config
from ..config.validate import check_int, check_seed
from ..data.datasets import load_dataset
from ..nets.latent import latent_noise
from .coverage import class_coverage, class_histogram, confident_share
from .features import classifier_features, classifier_outputs, resolve_classifier
from .frechet import frechet_distance
from .inputs import _as_features, _as_images
from .kid import kernel_inception_distance
from .memorisation import nearest_training_images


def _split_real(real, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint random halves of ``n`` rows each from ``real``."""
    if len(real) < 2 * n:
        raise ValueError(
            f"the real-vs-real floor at n={n} needs 2n = {2 * n} real samples, but only "
            f"{len(real)} were given; pass more real images or lower n"
        )
    order = np.random.default_rng(check_seed(seed)).permutation(len(real))
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
        classifier: ``None`` (MNIST's), a dataset name or a Keras model
            (:func:`~gancourse.evaluate.features.resolve_classifier`); unused for features.

    Returns:
        ``{"n", "fd_floor", "kid_floor", "kid_floor_std"}`` as plain floats/ints.
    """
    n = check_int(n, "n", minimum=2)
    arr = np.asarray(real)
    feats = _as_features(arr, "real") if arr.ndim == 2 else classifier_features(arr, classifier)
    first, second = _split_real(feats, n, seed)
    kid, kid_std = kernel_inception_distance(first, second, subsets=kid_subsets,
                                             subset_size=kid_subset_size, seed=seed)
    return {"n": n, "fd_floor": frechet_distance(first, second), "kid_floor": kid, "kid_floor_std": kid_std}


def generate_samples(generator, n: int, *, latent_dim: int | None = None, seed: int = 0,
                     batch_size: int = 500) -> np.ndarray:
    """Draw ``n`` images from ``generator`` with z ~ N(0, I) from a seeded NumPy generator.

    The noise is :func:`gancourse.nets.latent.latent_noise` ``(n, latent_dim, seed)``.
    A GAN wrapper (``gancourse.train.gan_trainer.GAN``) draws through its
    ``generate()``, so a conditional GAN's hook is used here too.

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
    n = check_int(n, "n", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if latent_dim is None:
        shape = getattr(generator, "input_shape", None)
        if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[1], int):
            latent_dim = shape[1]
        elif isinstance(getattr(generator, "latent_dim", None), (int, np.integer)):
            latent_dim = generator.latent_dim  # a gancourse.train.gan_trainer.GAN
        else:
            raise ValueError(
                "latent_dim is None and could not be read from the generator's input shape "
                f"({shape!r}) or a latent_dim attribute; pass latent_dim"
            )
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    z = latent_noise(n, latent_dim, seed)
    is_keras = hasattr(generator, "predict_on_batch")
    out = []
    for start in range(0, n, batch_size):
        zb = z[start: start + batch_size]
        if hasattr(generator, "generate"):
            images = generator.generate(zb, None, training=False)
        else:
            images = generator(zb, training=False) if is_keras else generator(zb)
        images = np.asarray(images, dtype=np.float32)
        if images.shape[0] != len(zb) or images.ndim not in (3, 4):
            raise ValueError(f"generator must return (B, H, W[, C]) images for B={len(zb)} codes, "
                             f"got shape {images.shape}")
        out.append(images if images.ndim == 4 else images[..., None])
    return np.concatenate(out)


def evaluate_samples(samples, real_images, *, seed: int = 0, classifier=None, train_images=None,
                     nn_samples: int = 1000, kid_subsets: int = 100) -> dict:
    """Every metric of the kit for ``samples``, as one JSON-ready dict.

    FD and KID compare the ``n = len(samples)`` samples with ``n`` real images
    drawn (seeded) from ``real_images``; the floors compare those real images
    with ``n`` *other* real images, so the generator and the floor are measured
    on the same real sample at the same sample count.

    Args:
        samples: (n, 28, 28[, 1]) in [-1, 1].
        real_images: at least 2n real images in [-1, 1].
        classifier: whose feature space and classes: ``None`` (MNIST's), a dataset
            name (``"fashion_mnist"``) or a Keras model
            (:func:`~gancourse.evaluate.features.resolve_classifier`).
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
    nn_samples = check_int(nn_samples, "nn_samples", minimum=1)
    clf = resolve_classifier(classifier)
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
        mnist = load_mnist(subset=False)
        report = evaluate_generator(gan.generator, mnist.x_train, n=prof.eval_samples)
        print(report["fd"], "vs floor", report["fd_floor"], report["classes_covered"], "classes")

        # Fashion-MNIST, in the Fashion-MNIST classifier's feature space:
        full, real, n = real_evaluation_set(prof, dataset="fashion_mnist")
        report = evaluate_generator(load_pretrained("dcgan-fashion"), real, n=n, classifier="fashion_mnist")

    Args:
        generator: Keras model or callable mapping z (B, latent_dim) to images in [-1, 1].
        real_images: at least 2n real images (the floor uses two disjoint halves).
        n: samples drawn; use the profile's ``eval_samples``.
        latent_dim: size of z (read from a Keras model when ``None``).
        seed: seed of the noise and of the real subsets.
        Other arguments as :func:`evaluate_samples`.
    """
    n = check_int(n, "n", minimum=2)
    if len(real_images) < 2 * n:
        # Checked before sampling, so a bad call fails fast.
        raise ValueError(
            f"the real-vs-real floor at n={n} needs 2n = {2 * n} real images, but real_images holds "
            f"{len(real_images)}; pass more real images or lower n"
        )
    samples = generate_samples(generator, n, latent_dim=latent_dim, seed=seed)
    return evaluate_samples(samples, real_images, seed=seed, classifier=classifier,
                            train_images=train_images, nn_samples=nn_samples, kid_subsets=kid_subsets)


def real_evaluation_set(profile=None, dataset: str = "mnist"):
    """The real images a generator is compared with under ``profile``: ``(full, real, n)``.

    ``full`` is ``dataset`` (MNIST by default; ``"fashion_mnist"``) with every
    image of both splits (the profile's data source, not its subset); ``real``
    is the test split when it holds the 2n images the real-vs-real floor needs
    at n = the profile's ``eval_samples``, else the training split; ``n`` is
    ``eval_samples`` capped at half of ``real``. Shared by the notebooks and
    the ``evaluate`` commands, so they score generators alike.
    """
    prof = profile if isinstance(profile, config.Profile) else config.get_profile(profile)
    full = load_dataset(dataset, profile=prof, subset=False)
    real = full.x_test if len(full.x_test) >= 2 * prof.eval_samples else full.x_train
    return full, real, min(prof.eval_samples, len(real) // 2)
