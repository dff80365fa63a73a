"""``tf.data`` pipelines: shuffled batches, class-balanced subsets, and the step-indexed stream behind exact resume.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_bool, check_int, check_seed


def _check_labels(labels, n: int) -> np.ndarray:
    """``labels`` as an array of ``n`` finite numbers (one per image); its dtype is kept."""
    as_finite_array(labels, "labels", ndim=(1, 2))
    labels = np.asarray(labels)
    if len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries but images has {n}")
    return labels


def balanced_subset_indices(labels: np.ndarray, n: int, *, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` examples, as close to equal per class as ``n`` allows.

    Deterministic for a given ``seed``; the result is sorted by a seeded
    shuffle so classes are interleaved.

    Raises:
        TypeError/ValueError: ``labels`` is not a 1-D array of finite numbers, ``n`` is not
            an int in [1, len(labels)], or a bad ``seed``.
    """
    as_finite_array(labels, "labels", ndim=1)
    labels = np.asarray(labels)
    n = check_int(n, "n", minimum=1, maximum=len(labels))
    rng = np.random.default_rng(check_seed(seed))
    classes = np.unique(labels)
    per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
    base, extra = divmod(n, len(classes))
    chosen = [idx[: base + (i < extra)] for i, idx in enumerate(per_class)]
    picked = np.concatenate(chosen)
    if len(picked) < n:  # a class ran short: fill from the rest
        rest = np.setdiff1d(np.arange(len(labels)), picked)
        picked = np.concatenate([picked, rng.permutation(rest)[: n - len(picked)]])
    return rng.permutation(picked)


def make_pipeline(images: np.ndarray, labels: np.ndarray | None = None, *, batch_size: int,
                  shuffle: bool = True, seed: int = 0, drop_remainder: bool = True,
                  repeat: bool = False):
    """A ``tf.data`` pipeline over in-memory arrays: shuffle, batch, prefetch.

    Shuffling happens here, seeded and reshuffled every epoch, so ``fit()`` is
    called with ``shuffle=False`` (Keras warns about shuffling a Dataset).

    Raises:
        TypeError/ValueError: bad ``images`` (not numbers, empty, NaN or infinite),
            ``batch_size`` (an int in [1, N], N the number of images), ``seed`` or
            flag, or ``labels`` that are not one finite number (row) per image.
    """
    tf = import_tensorflow()
    images = as_finite_array(images, "images", min_rows=1, dtype=np.float32)
    n = len(images)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    seed = check_seed(seed)
    shuffle, drop_remainder = check_bool(shuffle, "shuffle"), check_bool(drop_remainder, "drop_remainder")
    repeat = check_bool(repeat, "repeat")
    if labels is not None:
        labels = _check_labels(labels, n)
    ds = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels))
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def training_stream(images, labels=None, *, batch_size: int, seed: int = 0, start_step: int = 0):
    """An endless ``tf.data`` stream whose batch number ``s`` depends only on ``(seed, s)``.

    Pass k: the images in the order ``stateless_shuffle(range(N), seed=(seed, k))``,
    cut into ``N // batch_size`` full batches (the remainder of each pass is
    dropped). Because batch ``s`` is a pure function of ``s``, a run resumed
    at step ``s`` with ``start_step=s`` sees exactly the batches an
    uninterrupted run would: the data half of exact resumption (the other half
    is :class:`gancourse.train.checkpoints.GANCheckpoint`). Use it with
    ``fit(..., steps_per_epoch=...)``; the stream never ends.

    Raises:
        TypeError/ValueError: bad ``batch_size`` (an int in [1, N], N the number of
            images), ``start_step`` or ``seed``, or ``labels``
            of another length than ``images``.
    """
    tf = import_tensorflow()
    images = as_finite_array(images, "images", min_rows=1, dtype=np.float32)
    n = len(images)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    start_step = check_int(start_step, "start_step", minimum=0)
    seed = check_seed(seed)
    if labels is not None:
        labels = _check_labels(labels, n)
    per_pass = n // batch_size
    x_all = tf.constant(images)
    y_all = None if labels is None else tf.constant(np.asarray(labels))

    def batch_for_step(step):
        k = step // per_pass
        pos = step % per_pass
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.cast(seed, tf.int64), k]))
        idx = order[pos * batch_size:(pos + 1) * batch_size]
        x = tf.gather(x_all, idx)
        x = tf.ensure_shape(x, (batch_size,) + tuple(images.shape[1:]))
        if y_all is None:
            return x
        return x, tf.ensure_shape(tf.gather(y_all, idx), (batch_size,) + tuple(np.shape(labels)[1:]))

    ds = tf.data.Dataset.range(int(start_step), np.iinfo(np.int64).max)
    return ds.map(batch_for_step, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(2)
