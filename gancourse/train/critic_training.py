"""Training a critic alone against fixed samples: chapter 7's weight-clipping experiment (WGAN-GP, Figure 1).

Gulrajani et al. (2017), section 3 and Figure 1, hold the "generator" fixed
(real data plus Gaussian noise), train WGAN critics to optimality with weight
clipping or with the gradient penalty, and show that (a) the clipped critic's
value surface is too simple, and (b) through a deep critic the gradient norms
explode or vanish from layer to layer depending on the clipping value c,
while with the penalty they stay of one size. With no generator to update,
this is a plain loop over critic updates, built from the same objectives the
trainers use (:mod:`gancourse.objectives.wasserstein`,
:mod:`gancourse.objectives.gradient_penalty`).
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int, check_number, check_seed
from ..objectives.gradient_penalty import gradient_penalty
from ..objectives.wasserstein import clip_weights, critic_loss

tf = import_tensorflow()
import keras  # noqa: E402

__all__ = ["noisy_copies", "train_critic", "layer_gradient_norms", "kernel_values"]


def noisy_copies(real, std: float, seed: int = 0) -> np.ndarray:
    """``real + N(0, std²)``: the fixed "generator" of WGAN-GP's Figure 1 (real data plus Gaussian noise)."""
    real = as_finite_array(real, "real", ndim=2, min_rows=1, dtype=np.float32)
    std = check_number(std, "std", minimum=0.0)
    rng = np.random.default_rng(check_seed(seed))
    return (real + std * rng.standard_normal(real.shape)).astype(np.float32)


def _kernels(critic) -> list:
    return [layer.kernel for layer in critic.layers if isinstance(layer, keras.layers.Dense)]


def train_critic(critic, real, fake, *, steps: int, batch_size: int = 256, clip_value: float | None = None,
                 penalty_weight: float | None = None, optimizer=None, seed: int = 0) -> list[float]:
    """Update ``critic`` ``steps`` times on minibatches of fixed ``real`` and ``fake`` samples.

    Each update minimises :func:`~gancourse.objectives.wasserstein.critic_loss`
    (``E[D(fake)] − E[D(real)]``) plus, with ``penalty_weight``, the gradient
    penalty (WGAN-GP), or is followed, with ``clip_value``, by clipping every
    weight to [−c, c] (WGAN, after the update). Give one of the two, not both.

    Args:
        critic: a Keras model from samples to scores (N, 1), built or not.
        real, fake: fixed samples (N, D) and (M, D).
        optimizer: default RMSprop(1e-3) (WGAN's optimiser at a rate that
            reaches the clipping box within a few hundred updates).

    Returns:
        The critic's Wasserstein estimate ``E[D(real)] − E[D(fake)]`` on each update's batch.
    """
    real = as_finite_array(real, "real", ndim=2, min_rows=1, dtype=np.float32)
    fake = as_finite_array(fake, "fake", ndim=2, min_rows=1, dtype=np.float32)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if (clip_value is None) == (penalty_weight is None):
        raise ValueError("give exactly one of clip_value (WGAN) and penalty_weight (WGAN-GP), got "
                         f"clip_value={clip_value!r}, penalty_weight={penalty_weight!r}")
    if clip_value is not None:
        clip_value = check_number(clip_value, "clip_value", minimum=0.0, exclusive_minimum=True)
    if penalty_weight is not None:
        penalty_weight = check_number(penalty_weight, "penalty_weight", minimum=0.0)
    optimizer = keras.optimizers.RMSprop(1e-3) if optimizer is None else optimizer
    rng = np.random.default_rng(check_seed(seed))
    seeds = keras.random.SeedGenerator(check_seed(seed))
    if not critic.built:
        critic.build((None, real.shape[1]))
    if clip_value is not None:  # start inside the box, as the paper's critic always is after its first update
        clip_weights(critic.trainable_variables, clip_value)

    @tf.function
    def update(x, y):
        with tf.GradientTape() as tape:
            real_scores, fake_scores = critic(x, training=True), critic(y, training=True)
            loss = critic_loss(real_scores, fake_scores)
            if penalty_weight is not None:
                loss = loss + gradient_penalty(lambda v: critic(v, training=True), x, y, seed=seeds,
                                               weight=penalty_weight)
        grads = tape.gradient(loss, critic.trainable_variables)
        with tf.control_dependencies([loss]):  # the penalty's reads first: see GAN.apply_gradients
            optimizer.apply_gradients(zip(grads, critic.trainable_variables))
        if clip_value is not None:
            clip_weights(critic.trainable_variables, clip_value)
        return tf.reduce_mean(real_scores) - tf.reduce_mean(fake_scores)

    estimates = []
    for _ in range(steps):
        x = real[rng.integers(0, len(real), batch_size)]
        y = fake[rng.integers(0, len(fake), batch_size)]
        estimates.append(float(update(x, y)))
    return estimates


def layer_gradient_norms(critic, real, fake) -> np.ndarray:
    """‖∂L/∂h_l‖₂ for the output h_l of each Dense layer but the last, input side first; L = E[D(fake)] − E[D(real)].

    WGAN-GP's Figure 1(b) plots these on a log scale against the layer: on
    its way back from the score, the gradient is multiplied by each layer's
    weights, so with every weight near ±c it grows or shrinks by about the
    same factor per layer (a straight line on the log scale). The norms are
    taken in float64, so that a vanished gradient (below 1e-19, whose square
    underflows float32) still shows its size.
    """
    real = as_finite_array(real, "real", ndim=2, min_rows=1, dtype=np.float32)
    fake = as_finite_array(fake, "fake", ndim=2, min_rows=1, dtype=np.float32)
    dense = [layer for layer in critic.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2 or any(not isinstance(layer, (keras.layers.Dense, keras.layers.InputLayer))
                             for layer in critic.layers):
        raise ValueError("critic must be a stack of Dense layers (as gancourse.nets.critics.toy_critic builds), "
                         f"got layers {[type(layer).__name__ for layer in critic.layers]}")
    with tf.GradientTape() as tape:
        hidden, scores = [], []
        for batch in (real, fake):
            h = tf.constant(batch)
            outputs = []
            for layer in dense[:-1]:
                h = layer(h)
                tape.watch(h)
                outputs.append(h)
            hidden.append(outputs)
            scores.append(dense[-1](h))
        loss = critic_loss(scores[0], scores[1])
    grads = tape.gradient(loss, hidden[0] + hidden[1])
    n = len(dense) - 1
    return np.array([np.sqrt(np.sum(keras.ops.convert_to_numpy(grads[i]).astype(np.float64) ** 2)
                             + np.sum(keras.ops.convert_to_numpy(grads[n + i]).astype(np.float64) ** 2))
                     for i in range(n)])


def kernel_values(critic) -> np.ndarray:
    """Every Dense kernel weight of ``critic`` in one flat array (for the histogram of Figure 1(b), right)."""
    return np.concatenate([keras.ops.convert_to_numpy(k).ravel() for k in _kernels(critic)])
