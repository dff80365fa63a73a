"""gancourse.objectives.gradient_penalty against hand-computed values (Gulrajani et al. 2017, eq. 3, Algorithm 1)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from gancourse.objectives import gradient_penalty as GP

LAMBDA = 10.0
SHAPE = (5, 2, 2, 1)  # (B, H, W, C): 4 pixels, so a linear critic's w has 4 entries


def _batches(seed=0, shape=SHAPE):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)


def _linear_critic(w, b=0.0):
    """D(x) = <w, x> + b with w shaped like one sample: grad_x D = w for every x."""
    return lambda x: ops.sum(x * w, axis=tuple(range(1, len(x.shape))))[:, None] + b


W1 = np.array([0.5, 0.5, 0.5, 0.5], np.float32).reshape(2, 2, 1)  # ||w|| = 1
W3 = np.array([2.0, 1.0, 2.0, 0.0], np.float32).reshape(2, 2, 1)  # ||w|| = 3


# ------------------------------------------------------------------ alpha
def _looks_uniform01(a):
    a = np.asarray(a, np.float64).ravel()
    return a.min() >= 0 and a.max() <= 1 and abs(a.mean() - 0.5) < 0.01 and abs(a.var() - 1 / 12) < 0.005


def test_alpha_shape_range_and_moments():
    a = GP.interpolation_weights(6, 3, keras.random.SeedGenerator(0))
    assert tuple(a.shape) == (6, 1, 1, 1)
    assert keras.backend.standardize_dtype(a.dtype) == "float32"
    assert tuple(GP.interpolation_weights(6, 1, seed=1).shape) == (6, 1)
    big = GP.interpolation_weights(100_000, 3, seed=3).numpy()
    assert _looks_uniform01(big)
    # the keras-io#143 bug (a normal draw) fails the same check: negative values, variance ~1
    assert not _looks_uniform01(np.random.default_rng(0).normal(size=100_000))


def test_alpha_seeding():
    assert np.array_equal(GP.interpolation_weights(8, 1, seed=5), GP.interpolation_weights(8, 1, seed=5))
    gen = keras.random.SeedGenerator(7)
    assert not np.array_equal(GP.interpolation_weights(8, 1, gen), GP.interpolation_weights(8, 1, gen))


def test_alpha_symbolic_batch_size_in_tf_function():
    gen = keras.random.SeedGenerator(1)

    @tf.function(input_signature=[tf.TensorSpec([None, 2, 2, 1])])
    def draw(x):
        return GP.interpolation_weights(ops.shape(x)[0], 3, gen)

    a, b = draw(np.zeros(SHAPE, np.float32)), draw(np.zeros(SHAPE, np.float32))
    assert tuple(a.shape) == (5, 1, 1, 1) and not np.array_equal(a, b)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"batch_size": 0, "sample_shape_rank": 3}, ValueError, "batch_size"),
    ({"batch_size": 2.0, "sample_shape_rank": 3}, TypeError, "batch_size"),
    ({"batch_size": True, "sample_shape_rank": 3}, TypeError, "batch_size"),
    ({"batch_size": 2, "sample_shape_rank": -1}, ValueError, "sample_shape_rank"),
    ({"batch_size": 2, "sample_shape_rank": 3, "seed": -1}, ValueError, "seed"),
    ({"batch_size": 2, "sample_shape_rank": 3, "seed": "0"}, TypeError, "seed"),
])
def test_alpha_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        GP.interpolation_weights(**kwargs)


# ------------------------------------------------------------------ interpolate
def test_interpolate_hand_values():
    real, fake = _batches()
    ones, zeros = np.ones((5, 1, 1, 1), np.float32), np.zeros((5, 1, 1, 1), np.float32)
    np.testing.assert_allclose(GP.interpolate(real, fake, ones), real)
    np.testing.assert_allclose(GP.interpolate(real, fake, zeros), fake)
    alpha = np.array([0.0, 0.25, 0.5, 0.75, 1.0], np.float32).reshape(5, 1, 1, 1)
    np.testing.assert_allclose(GP.interpolate(real, fake, alpha), alpha * real + (1 - alpha) * fake, rtol=1e-6)


def test_interpolate_bad_shapes():
    real, fake = _batches()
    with pytest.raises(ValueError, match="real and fake"):
        GP.interpolate(real, fake[:4], np.ones((5, 1, 1, 1)))
    with pytest.raises(ValueError, match="alpha"):
        GP.interpolate(real, fake, np.ones((5, 2, 2, 1)))
    with pytest.raises(ValueError, match="alpha"):
        GP.interpolate(real, fake, np.ones((5, 1)))
    with pytest.raises(ValueError, match="alpha"):
        GP.interpolate(real, fake, np.ones((4, 1, 1, 1)))


# ------------------------------------------------------------------ norm
@pytest.mark.parametrize("eps", [GP.DEFAULT_EPS, 0.0])
def test_safe_norm_values(eps):
    g = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    np.testing.assert_allclose(GP.safe_gradient_norm(g, eps), [5.0, 0.0], atol=1e-5)
    images = np.random.default_rng(1).normal(size=(3, 4, 4, 2)).astype(np.float32)
    expected = np.sqrt((images.reshape(3, -1) ** 2).sum(axis=1))
    np.testing.assert_allclose(GP.safe_gradient_norm(images, eps), expected, rtol=1e-5)


@pytest.mark.parametrize("eps", [GP.DEFAULT_EPS, 0.0])
def test_safe_norm_gradient_at_zero_is_finite(eps):
    g = tf.zeros((2, 3, 3, 1))
    with tf.GradientTape() as tape:
        tape.watch(g)
        n = GP.safe_gradient_norm(g, eps)
    grad = tape.gradient(n, g).numpy()
    assert np.all(np.isfinite(grad)) and np.all(grad == 0)
    # ... whereas the plain sqrt gives NaN there (keras-io#624): the hazard is real
    with tf.GradientTape() as tape:
        tape.watch(g)
        plain = ops.sqrt(ops.sum(ops.square(g), axis=(1, 2, 3)))
    assert np.all(np.isnan(tape.gradient(plain, g).numpy()))


def test_safe_norm_bad_eps():
    with pytest.raises(ValueError, match="eps"):
        GP.safe_gradient_norm(np.ones((2, 2)), -1e-12)


# ------------------------------------------------------------------ penalty values
def test_unit_norm_linear_critic_has_zero_penalty():
    real, fake = _batches()
    assert float(GP.gradient_penalty(_linear_critic(W1, 0.3), real, fake, seed=0)) == pytest.approx(0.0, abs=1e-5)
    dense = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    dense.layers[0].kernel.assign(np.array([[0.6], [0.8]], np.float32))
    real2, fake2 = _batches(shape=(16, 2))
    assert float(GP.gradient_penalty(dense, real2, fake2, seed=1)) == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("weight", [LAMBDA, 0.1, 0.0])
def test_norm_three_linear_critic(weight):
    real, fake = _batches()
    result = GP.gradient_penalty_and_norm(_linear_critic(W3), real, fake, seed=keras.random.SeedGenerator(2),
                                          weight=weight)
    assert float(result.penalty) == pytest.approx(4.0 * weight, rel=1e-5, abs=1e-6)  # lambda * (3 - 1)^2
    assert float(result.gradient_norm) == pytest.approx(3.0, rel=1e-5)
    assert keras.backend.standardize_dtype(result.penalty.dtype) == "float32"


def test_default_weight_is_ten():
    real, fake = _batches()
    assert GP.DEFAULT_WEIGHT == 10.0
    assert float(GP.gradient_penalty(_linear_critic(W3), real, fake, seed=0)) == pytest.approx(40.0, rel=1e-5)


@pytest.mark.parametrize("eps", [GP.DEFAULT_EPS, 0.0])
def test_constant_critic_penalty_is_lambda_and_gradients_are_finite(eps):
    real, fake = _batches(shape=(8, 3))
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="zeros",
                                                                    bias_initializer="ones")])
    with tf.GradientTape() as tape:
        penalty = GP.gradient_penalty(critic, real, fake, seed=0, eps=eps)
    assert float(penalty) == pytest.approx(LAMBDA, rel=1e-5)  # lambda * (0 - 1)^2
    grads = tape.gradient(penalty, critic.trainable_variables)
    kernel_grad = grads[0].numpy()
    assert np.all(np.isfinite(kernel_grad)) and np.all(kernel_grad == 0)
    # a critic whose output does not depend on x at all (no gradient path): zero gradient, penalty lambda
    b = keras.Variable(1.0)
    flat = lambda x: ops.zeros((ops.shape(x)[0], 1)) + b
    assert float(GP.gradient_penalty(flat, real, fake, seed=0, eps=eps)) == pytest.approx(LAMBDA, rel=1e-5)


# ------------------------------------------------------------------ double backprop
def test_double_backprop_matches_hand_derivative():
    w = keras.Variable(W3)
    real, fake = _batches()
    with tf.GradientTape() as outer:
        penalty = GP.gradient_penalty(_linear_critic(w), real, fake, seed=0)
    grad = outer.gradient(penalty, w).numpy()
    norm = np.linalg.norm(W3)
    np.testing.assert_allclose(grad, 2 * LAMBDA * (norm - 1) * W3 / norm, rtol=1e-5, atol=1e-6)


def test_double_backprop_keras_critic_in_tf_function():
    kernel = np.array([[1.0], [2.0], [2.0], [0.0]], np.float32)  # ||w|| = 3
    critic = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    critic.layers[-1].kernel.assign(kernel)
    gen = keras.random.SeedGenerator(4)

    @tf.function(input_signature=[tf.TensorSpec([None, 2, 2, 1])] * 2)
    def step(real, fake):
        with tf.GradientTape() as outer:
            penalty = GP.gradient_penalty(lambda x: critic(x, training=True), real, fake, seed=gen)
        return penalty, outer.gradient(penalty, critic.trainable_variables)

    penalty, (g_kernel, g_bias) = step(*_batches())
    assert float(penalty) == pytest.approx(4 * LAMBDA, rel=1e-5)
    np.testing.assert_allclose(g_kernel, 2 * LAMBDA * 2 * kernel / 3, rtol=1e-5)
    assert g_bias is None or np.allclose(g_bias, 0.0)  # the penalty does not depend on the bias


def test_penalty_does_not_train_the_generator():
    real, fake = _batches()
    fake_var = tf.Variable(fake)
    with tf.GradientTape() as tape:
        penalty = GP.gradient_penalty(lambda x: ops.sum(ops.square(x), axis=(1, 2, 3))[:, None], real, fake_var,
                                      seed=0)
    assert float(penalty) > 0
    assert tape.gradient(penalty, fake_var) is None


def test_condition_reaches_the_critic():
    real, fake = _batches(shape=(2, 2, 2, 1))
    scale = np.array([[1.0], [2.0]], np.float32)  # per-example gradient norms 1 and 2
    critic = lambda x, c: _linear_critic(W1)(x) * c
    assert float(GP.gradient_penalty(critic, real, fake, seed=0, condition=scale)) == pytest.approx(LAMBDA / 2,
                                                                                                   rel=1e-5)


def test_explicit_alpha():
    real, fake = _batches()
    alpha = np.full((5, 1, 1, 1), 0.5, np.float32)
    # D(x) = ||x||^2 / 2 has grad x: the penalty is evaluated at the midpoints
    critic = lambda x: 0.5 * ops.sum(ops.square(x), axis=(1, 2, 3))[:, None]
    mid = (0.5 * (real + fake)).reshape(5, -1)
    expected = LAMBDA * np.mean((np.linalg.norm(mid, axis=1) - 1) ** 2)
    assert float(GP.gradient_penalty(critic, real, fake, alpha=alpha)) == pytest.approx(expected, rel=1e-5)


# ------------------------------------------------------------------ bad input
def test_bad_arguments_name_the_argument():
    real, fake = _batches()
    critic = _linear_critic(W1)
    with pytest.raises(ValueError, match="real and fake"):
        GP.gradient_penalty(critic, real, fake[:3], seed=0)
    with pytest.raises(ValueError, match="real and fake"):
        GP.gradient_penalty(critic, real, fake.reshape(5, 4), seed=0)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="weight"):
            GP.gradient_penalty(critic, real, fake, seed=0, weight=bad)
    with pytest.raises(TypeError, match="weight"):
        GP.gradient_penalty(critic, real, fake, seed=0, weight="10")
    with pytest.raises(ValueError, match="eps"):
        GP.gradient_penalty(critic, real, fake, seed=0, eps=-1.0)
    with pytest.raises(TypeError, match="critic"):
        GP.gradient_penalty("critic", real, fake, seed=0)
    with pytest.raises(ValueError, match="alpha or seed"):
        GP.gradient_penalty(critic, real, fake, alpha=np.ones((5, 1, 1, 1)), seed=0)
    with pytest.raises(ValueError, match="critic output"):
        GP.gradient_penalty(lambda x: ops.reshape(x, (5, 4)), real, fake, seed=0)
    with pytest.raises(TypeError, match="real"):
        GP.gradient_penalty(critic, np.array(["a"]), fake, seed=0)
    with pytest.raises(ValueError, match="real"):
        GP.gradient_penalty(critic, np.zeros((0, 2, 2, 1)), np.zeros((0, 2, 2, 1)), seed=0)
