"""A linear probe: how much of a class does a network's feature space lay out linearly?

Radford, Metz and Chintala (2016), "Unsupervised Representation Learning with
Deep Convolutional Generative Adversarial Networks", §5.1, use a trained
DCGAN discriminator as a feature extractor: "we use the discriminator's
convolutional features from all layers, maxpooling each layer's
representation to produce a 4 × 4 spatial grid. These features are then
flattened and concatenated [...] and a regularized linear L2-SVM classifier
is trained on top of them." With few labels (1,000 on SVHN, §5.1.2) the
features of a discriminator trained without any labels beat those of a
purely supervised network of the same shape.

Here:

* :func:`pooled_layer_features`: §5.1's feature vector (every convolutional
  layer's activations max-pooled to a grid of at most 4 × 4, flattened and
  concatenated);
* :func:`labelled_subset`: the few labels, the same number per class;
* :func:`fit_linear_probe` and :class:`LinearProbe`: the linear classifier,
  frozen features in, class out, and its accuracy.

Departures from §5.1, each for a stated reason:

* a multinomial logistic regression (a softmax ``Dense`` layer, cross-entropy
  with an L2 weight penalty, trained full-batch with Keras's Adam) instead of
  an L2-SVM: one linear read-out is all the probe needs, and it keeps the
  course on Keras (an SVM would add a library for the same point);
* each feature is standardised with the labelled examples' mean and standard
  deviation first (the paper does not say it scales them): raw pixels, a
  trained D and an untrained D give activations on very different scales,
  and one learning rate and one penalty can only treat them alike on a
  common scale;
* the grid is at most the layer's own size (a 4 × 4 map is kept whole; the
  paper's 32 × 32 images never gave a map smaller than 4 × 4).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number, check_seed

POOL_GRID = 4
"""Radford et al. 2016, §5.1: each layer's representation max-pooled "to produce a 4 × 4 spatial grid"."""


def grid_max_pool(maps, grid: int = POOL_GRID) -> np.ndarray:
    """Max-pool feature maps ``(N, H, W, C)`` to a ``grid × grid`` spatial grid (adaptive pooling).

    Cell ``i`` along an axis of size ``H`` covers rows ``floor(i·H/g)`` up to
    ``ceil((i+1)·H/g)`` (exclusive), where ``g = min(grid, H)``: the cells tile
    the map, overlapping by a row where ``H`` is not a multiple of ``g`` (7 rows
    in 4 cells: rows 0-1, 1-3, 3-5, 5-6). This is PyTorch's
    ``AdaptiveMaxPool2d`` rule; a map smaller than the grid is kept whole.

    Returns:
        float32 array ``(N, min(grid, H), min(grid, W), C)``.

    Raises:
        ValueError: ``maps`` is not 4-D or holds NaN/inf; ``grid`` not an int >= 1.
    """
    x = as_finite_array(maps, "maps", ndim=4, dtype=np.float32)
    grid = check_int(grid, "grid", minimum=1)

    def edges(size):
        g = min(grid, size)
        return [(i * size // g, -(-(i + 1) * size // g)) for i in range(g)]

    rows = [x[:, a:b].max(axis=1) for a, b in edges(x.shape[1])]  # each (N, W, C)
    pooled = np.stack([np.stack([r[:, a:b].max(axis=1) for a, b in edges(x.shape[2])], axis=1) for r in rows],
                      axis=1)
    return pooled.astype(np.float32)


def _default_feature_layers(model) -> list[str]:
    """The activation layers with 4-D outputs (for a DCGAN discriminator: every LeakyReLU)."""
    import keras

    kinds = (keras.layers.LeakyReLU, keras.layers.ReLU, keras.layers.ELU, keras.layers.Activation)
    names = [layer.name for layer in model.layers if isinstance(layer, kinds) and len(layer.output.shape) == 4]
    if not names:
        raise ValueError(f"model {model.name!r} has no activation layer with a 4-D (N, H, W, C) output; "
                         "pass layer_names=[...] naming its convolutional feature layers")
    return names


def pooled_layer_features(model, images, *, layer_names=None, grid: int = POOL_GRID,
                          batch_size: int = 500) -> np.ndarray:
    """Radford et al. (2016) §5.1's feature vector: every conv layer's activations, max-pooled to a grid, concatenated.

    Args:
        model: a functional ``keras.Model`` taking ``images`` (e.g. a DCGAN
            discriminator). It runs in inference mode (``training=False``), so
            batch normalisation uses its moving statistics.
        images: ``(N, H, W, C)`` array in the model's input range.
        layer_names: the layers whose outputs (``(N, h, w, c)``) are pooled;
            default: every activation layer with a 4-D output (for the
            course's DCGAN discriminators, each block's LeakyReLU, after batch
            normalisation).
        grid: the spatial grid of the pooling (§5.1: 4).
        batch_size: images per forward pass (memory only, not results).

    Returns:
        float32 ``(N, F)``: for each layer, ``min(grid, h)·min(grid, w)·c``
        numbers, concatenated in layer order.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.
        ValueError: a layer name it does not have, a layer whose output is not
            4-D, images that are not 4-D or hold NaN/inf, bad ``grid``/``batch_size``.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    x = as_finite_array(images, "images", ndim=4, min_rows=1, dtype=np.float32)
    grid = check_int(grid, "grid", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    names = _default_feature_layers(model) if layer_names is None else list(layer_names)
    outputs = []
    for name in names:
        try:
            layer = model.get_layer(name)
        except ValueError:
            raise ValueError(f"layer_names: model {model.name!r} has no layer {name!r}") from None
        if len(layer.output.shape) != 4:
            raise ValueError(f"layer_names: layer {name!r} outputs shape {tuple(layer.output.shape)}, "
                             "not a 4-D feature map (N, h, w, c)")
        outputs.append(layer.output)
    extractor = keras.Model(model.inputs[0], outputs, name=f"{model.name}_features")
    batches = []
    for start in range(0, len(x), batch_size):
        maps = extractor(x[start:start + batch_size], training=False)
        maps = maps if isinstance(maps, (list, tuple)) else [maps]
        batches.append(np.concatenate([grid_max_pool(keras.ops.convert_to_numpy(m), grid).reshape(len(m), -1)
                                       for m in maps], axis=1))
    return np.concatenate(batches)


def labelled_subset(labels, per_class: int, *, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` examples of every class in ``labels``, drawn without replacement (sorted).

    "100 labels" on MNIST is ``per_class=10``: the few labels a semi-supervised
    learner gets, the same number per class so that no class is missing.

    Raises:
        ValueError: labels that are not 1-D non-negative integers, or a class
            with fewer than ``per_class`` examples.
    """
    y = as_finite_array(labels, "labels", ndim=1, min_rows=1)
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("labels must be non-negative integer class ids")
    per_class = check_int(per_class, "per_class", minimum=1)
    rng = np.random.default_rng(check_seed(seed))
    chosen = []
    for cls in np.unique(y):
        members = np.flatnonzero(y == cls)
        if len(members) < per_class:
            raise ValueError(f"labels: class {int(cls)} has {len(members)} examples, fewer than "
                             f"per_class={per_class}")
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(chosen))


@dataclasses.dataclass
class LinearProbe:
    """A trained linear read-out: standardise the features, then one softmax ``Dense`` layer.

    Attributes:
        model: the ``keras.Model`` ``Dense(num_classes)`` on standardised features (logits).
        mean, scale: the per-feature mean and standard deviation of the
            training features (``scale`` floored at 1e-6 for constant features).
    """

    model: object
    mean: np.ndarray
    scale: np.ndarray

    def _standardised(self, features) -> np.ndarray:
        f = as_finite_array(features, "features", ndim=2, min_rows=1, dtype=np.float32)
        if f.shape[1] != self.mean.shape[0]:
            raise ValueError(f"features has {f.shape[1]} columns, the probe was trained on {self.mean.shape[0]}")
        return (f - self.mean) / self.scale

    def predict(self, features) -> np.ndarray:
        """Predicted class of each row of ``features`` ``(N, F)``."""
        import keras

        x = self._standardised(features)
        return np.concatenate([keras.ops.convert_to_numpy(self.model(x[start:start + 4096], training=False))
                               .argmax(axis=1) for start in range(0, len(x), 4096)])

    def accuracy(self, features, labels) -> float:
        """Share of rows of ``features`` whose predicted class equals ``labels``."""
        y = as_finite_array(labels, "labels", ndim=1)
        predicted = self.predict(features)
        if len(y) != len(predicted):
            raise ValueError(f"labels has {len(y)} entries for {len(predicted)} rows of features")
        return float(np.mean(predicted == y))


class _RetracingFilter(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def _quiet_retracing_warning():
    """Drop TensorFlow's "... triggered tf.function retracing" warning inside the block (and only that one)."""
    logger, quiet = logging.getLogger("tensorflow"), _RetracingFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def fit_linear_probe(features, labels, *, num_classes: int | None = None, l2: float = 1e-2,
                     steps: int = 300, learning_rate: float = 1e-2) -> LinearProbe:
    """Train a multinomial logistic regression on frozen features (Radford et al. 2016, §5.1, as a softmax).

    Minimises ``mean cross-entropy + l2·‖W‖²`` over the standardised features
    with full-batch Adam for ``steps`` steps, from zero weights (the problem
    is convex, so zero is a fine start, and the result needs no seed).
    Departures from §5.1's L2-SVM: see the module docstring.

    Args:
        features: ``(N, F)`` frozen features of the labelled examples.
        labels: ``(N,)`` integer classes in ``[0, num_classes)``.
        num_classes: default ``max(labels) + 1``.
        l2: weight of the L2 penalty on the weights (not the bias).
        steps: full-batch Adam steps.
        learning_rate: Adam's learning rate.

    Returns:
        a :class:`LinearProbe`.

    Raises:
        ValueError/TypeError: features not 2-D finite numbers; labels not
            integers in range or of another length; bad hyper-parameters.
    """
    import keras
    from keras import ops

    tf = import_tensorflow()
    f = as_finite_array(features, "features", ndim=2, min_rows=2, dtype=np.float32)
    y = as_finite_array(labels, "labels", ndim=1)
    if len(y) != len(f):
        raise ValueError(f"labels has {len(y)} entries for {len(f)} rows of features")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("labels must be non-negative integer class ids")
    num_classes = int(y.max()) + 1 if num_classes is None else check_int(num_classes, "num_classes", minimum=2)
    if y.max() >= num_classes:
        raise ValueError(f"labels go up to {int(y.max())}, outside [0, num_classes={num_classes})")
    l2 = check_number(l2, "l2", minimum=0.0)
    steps = check_int(steps, "steps", minimum=1)
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)

    mean = f.mean(axis=0)
    scale = np.maximum(f.std(axis=0), 1e-6).astype(np.float32)
    inputs = keras.Input((f.shape[1],))
    logits = keras.layers.Dense(num_classes, kernel_initializer="zeros", bias_initializer="zeros",
                                kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None)(inputs)
    model = keras.Model(inputs, logits, name="linear_probe")
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(learning_rate)
    x, target = ops.convert_to_tensor((f - mean) / scale), ops.convert_to_tensor(y.astype(np.int32))
    variables = model.trainable_variables
    optimizer.build(variables)

    def train(n):
        for _ in tf.range(n):
            with tf.GradientTape() as tape:
                loss = loss_fn(target, model(x, training=True)) + sum(model.losses, 0.0)
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

    # The whole loop as one graph (3x faster than eager steps on a CPU), traced once per probe. TensorFlow
    # warns about "retracing" from the fifth probe on (each probe is a new model, so a new trace is expected,
    # not a bug): that one message is filtered while the probe trains.
    with _quiet_retracing_warning():
        tf.function(train)(tf.constant(steps))
    return LinearProbe(model=model, mean=mean, scale=scale)
