"""gancourse.objectives.wasserstein: WGAN signs (Arjovsky et al. 2017, eq. 3, Algorithm 1) and weight clipping."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse.objectives import wasserstein as W

REAL = np.array([[3.0], [5.0]], np.float32)
FAKE = np.array([[1.0], [1.0]], np.float32)


# ------------------------------------------------------------------ signs
def test_hand_computed_signs():
    # mean D(x) = 4, mean D(G(z)) = 1
    assert float(W.critic_loss(REAL, FAKE)) == pytest.approx(-3.0)  # 1 - 4
    assert float(W.generator_loss(FAKE)) == pytest.approx(-1.0)
    assert float(W.wasserstein_estimate(REAL, FAKE)) == pytest.approx(3.0)  # 4 - 1


def test_critic_loss_is_minus_estimate():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(7, 1)), rng.normal(size=(7, 1))
    assert float(W.critic_loss(real, fake)) == pytest.approx(-float(W.wasserstein_estimate(real, fake)), abs=1e-6)


def test_gradient_directions():
    """Minimising the critic loss raises D(x) and lowers D(G(z)); minimising G's loss raises D(G(z))."""
    real, fake = tf.constant(REAL), tf.constant(FAKE)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        d_loss = W.critic_loss(real, fake)
        g_loss = W.generator_loss(fake)
    np.testing.assert_allclose(tape.gradient(d_loss, real), -0.5 * np.ones((2, 1)))  # descent raises D(x)
    np.testing.assert_allclose(tape.gradient(d_loss, fake), 0.5 * np.ones((2, 1)))  # descent lowers D(G(z))
    np.testing.assert_allclose(tape.gradient(g_loss, fake), -0.5 * np.ones((2, 1)))  # descent raises D(G(z))


def test_rank_one_scores_dtypes_and_batch_sizes():
    assert float(W.critic_loss(REAL[:, 0], FAKE[:, 0])) == pytest.approx(-3.0)
    for dtype in (np.float16, np.float64):
        out = W.critic_loss(REAL.astype(dtype), FAKE.astype(dtype))
        assert keras.backend.standardize_dtype(out.dtype) == "float32"
        assert float(out) == pytest.approx(-3.0)
    out = W.critic_loss(tf.constant(REAL, tf.bfloat16), FAKE)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    # batches of different sizes: each term is its own mean
    assert float(W.wasserstein_estimate(REAL, np.array([1.0, 1.0, 1.0]))) == pytest.approx(3.0)


def test_inside_tf_function_with_unknown_batch():
    @tf.function(input_signature=[tf.TensorSpec([None, 1]), tf.TensorSpec([None, 1])])
    def losses(real, fake):
        return W.critic_loss(real, fake), W.generator_loss(fake), W.wasserstein_estimate(real, fake)

    d, g, est = losses(REAL, FAKE)
    assert (float(d), float(g), float(est)) == pytest.approx((-3.0, -1.0, 3.0))


@pytest.mark.parametrize("bad", [np.zeros((4, 2)), np.zeros((2, 1, 1)), np.float32(1.0), np.zeros((0, 1))])
def test_bad_score_shapes(bad):
    with pytest.raises(ValueError, match="real_scores"):
        W.critic_loss(bad, FAKE)
    with pytest.raises(ValueError, match="fake_scores"):
        W.generator_loss(bad)
    with pytest.raises(ValueError, match="fake_scores"):
        W.wasserstein_estimate(REAL, bad)


@pytest.mark.parametrize("bad", [np.array([True, False]), "scores", np.array([1 + 1j, 2j])])
def test_bad_score_types(bad):
    with pytest.raises(TypeError, match="fake_scores"):
        W.generator_loss(bad)


# ------------------------------------------------------------------ clipping
def test_clip_outside_clipped_inside_unchanged():
    values = np.array([-0.5, 0.005, 0.02, -0.01, 0.0, 0.0099, -3.0], np.float32)
    v = keras.Variable(values)
    m = keras.Variable(np.array([[0.3, -0.001], [-0.2, 0.05]], np.float32))
    out = W.clip_weights([v, m], 0.01)
    assert out[0] is v and out[1] is m
    np.testing.assert_array_equal(v.numpy(), np.array([-0.01, 0.005, 0.01, -0.01, 0.0, 0.0099, -0.01], np.float32))
    np.testing.assert_array_equal(m.numpy(), np.array([[0.01, -0.001], [-0.01, 0.01]], np.float32))


def test_clip_touches_only_the_given_variables():
    critic_w = keras.Variable(np.array([1.0, -1.0], np.float32))
    generator_w = keras.Variable(np.array([1.0, -1.0], np.float32))
    W.clip_weights([critic_w], 0.1)
    np.testing.assert_array_equal(critic_w.numpy(), np.array([0.1, -0.1], np.float32))
    np.testing.assert_array_equal(generator_w.numpy(), [1.0, -1.0])


def test_clip_a_layer_clips_its_trainable_weights_only():
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                               keras.layers.Dense(1)])
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    for model in (critic, generator):
        for w in model.trainable_weights:
            w.assign(np.full(w.shape, 0.5, np.float32))
    W.clip_weights(critic, 0.01)
    assert all(np.max(np.abs(w.numpy())) <= 0.01 for w in critic.trainable_weights)
    bn = critic.layers[1]
    np.testing.assert_array_equal(bn.moving_variance.numpy(), np.ones(4))  # state, not a weight
    assert all(np.all(w.numpy() == 0.5) for w in generator.trainable_weights)


def test_clip_inside_tf_function():
    v = keras.Variable(np.array([2.0, -2.0, 0.001], np.float32))

    @tf.function
    def step():
        W.clip_weights([v], 0.01)

    step()
    np.testing.assert_array_equal(v.numpy(), np.array([0.01, -0.01, 0.001], np.float32))


def test_default_clip_value_is_the_papers():
    assert W.DEFAULT_CLIP_VALUE == 0.01
    v = keras.Variable(np.array([1.0], np.float32))
    W.clip_weights([v])
    np.testing.assert_array_equal(v.numpy(), np.array([0.01], np.float32))


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (-0.01, ValueError), (float("nan"), ValueError),
                                        (float("inf"), ValueError), ("0.01", TypeError), (True, TypeError)])
def test_clip_bad_clip_value(bad, error):
    v = keras.Variable(np.array([1.0], np.float32))
    with pytest.raises(error, match="clip_value"):
        W.clip_weights([v], bad)
    np.testing.assert_array_equal(v.numpy(), [1.0])


def test_clip_bad_variables():
    with pytest.raises(ValueError, match="variables"):
        W.clip_weights([], 0.01)
    with pytest.raises(TypeError, match=r"variables\[0\]"):
        W.clip_weights([np.array([1.0])], 0.01)
    with pytest.raises(TypeError, match=r"variables\[1\]"):
        W.clip_weights([keras.Variable([1.0]), keras.Variable([1], dtype="int32")], 0.01)
    with pytest.raises(TypeError, match="variables"):
        W.clip_weights(3.0, 0.01)
