"""The linear probe of Radford et al. (2016) §5.1: pooling, features, few labels, the logistic-regression head."""

import keras
import numpy as np
import pytest

from gancourse.evaluate import linear_probe as lp
from gancourse.nets import dcgan


def test_grid_max_pool_hand_computed():
    # a 4x4 map of 0..15 pooled to 2x2: the maximum of each 2x2 block
    maps = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(lp.grid_max_pool(maps, 2)[0, :, :, 0], [[5, 7], [13, 15]])
    # 7 rows in 4 cells overlap by one row: rows 0-1, 1-3, 3-5, 5-6 (PyTorch's AdaptiveMaxPool2d rule)
    column = np.array([9, 0, 0, 5, 0, 0, 7], np.float32)
    pooled = lp.grid_max_pool(column.reshape(1, 7, 1, 1), 4)
    np.testing.assert_array_equal(pooled[0, :, 0, 0], [9, 5, 5, 7])
    # channels are pooled separately; a map smaller than the grid is kept whole
    two = np.stack([np.arange(9.0).reshape(3, 3), -np.arange(9.0).reshape(3, 3)], -1)[None]
    np.testing.assert_array_equal(lp.grid_max_pool(two, 4), two)


def test_grid_max_pool_refuses_bad_input():
    with pytest.raises(ValueError, match="maps must have 4 dimensions"):
        lp.grid_max_pool(np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="maps must be finite"):
        lp.grid_max_pool(np.full((1, 4, 4, 1), np.nan))
    with pytest.raises(ValueError, match="grid"):
        lp.grid_max_pool(np.zeros((1, 4, 4, 1)), 0)


def test_pooled_layer_features_of_a_dcgan_discriminator():
    d = dcgan.dcgan_discriminator(width=4, downsamplings=3, seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")
    feats = lp.pooled_layer_features(d, images, batch_size=2)
    # every LeakyReLU: 14x14x4, 7x7x8, 4x4x16, each pooled to 4x4 -> 16 * (4 + 8 + 16)
    assert feats.shape == (5, 16 * (4 + 8 + 16)) and feats.dtype == np.float32
    # the first block equals pooling that layer's own output (order kept, batches stitched correctly)
    first = keras.Model(d.inputs[0], d.get_layer("down1_lrelu").output)(images, training=False)
    np.testing.assert_allclose(feats[:, :64], lp.grid_max_pool(np.asarray(first), 4).reshape(5, -1), rtol=1e-5,
                               atol=1e-6)
    # one named layer only
    last = lp.pooled_layer_features(d, images, layer_names=["down3_lrelu"])
    np.testing.assert_allclose(last, feats[:, -256:], rtol=1e-5, atol=1e-6)


def test_pooled_layer_features_refuses_bad_input():
    d = dcgan.dcgan_discriminator(width=4, seed=0)
    images = np.zeros((2, 28, 28, 1), np.float32)
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        lp.pooled_layer_features("d", images)
    with pytest.raises(ValueError, match="has no layer 'nope'"):
        lp.pooled_layer_features(d, images, layer_names=["nope"])
    with pytest.raises(ValueError, match="not a 4-D feature map"):
        lp.pooled_layer_features(d, images, layer_names=["logit"])
    with pytest.raises(ValueError, match="images must have 4 dimensions"):
        lp.pooled_layer_features(d, images[0])
    dense = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no activation layer"):
        lp.pooled_layer_features(dense, np.zeros((1, 3, 1, 1)))


def test_labelled_subset_is_balanced_seeded_and_checked():
    labels = np.repeat(np.arange(3), [5, 6, 7])
    idx = lp.labelled_subset(labels, 4, seed=1)
    assert len(idx) == 12 and len(set(idx)) == 12
    np.testing.assert_array_equal(np.bincount(labels[idx]), [4, 4, 4])
    np.testing.assert_array_equal(idx, lp.labelled_subset(labels, 4, seed=1))
    assert not np.array_equal(idx, lp.labelled_subset(labels, 4, seed=2))
    with pytest.raises(ValueError, match="class 0 has 5 examples, fewer than per_class=6"):
        lp.labelled_subset(labels, 6)
    with pytest.raises(ValueError, match="non-negative integer"):
        lp.labelled_subset(np.array([0.5, 1.0]), 1)


def test_probe_separates_linearly_separable_classes_and_not_shuffled_labels():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 40)
    centres = np.array([[4.0, 0, 0, 0], [0, 4.0, 0, 0], [0, 0, 4.0, 0]])
    x = centres[y] + rng.normal(size=(120, 4))
    probe = lp.fit_linear_probe(x, y)
    x_test = centres[y] + rng.normal(size=(120, 4))
    assert probe.accuracy(x_test, y) > 0.95  # well-separated Gaussians: a linear read-out finds them
    # labels unrelated to the features: held-out accuracy near chance (1/3), whatever the fit does on its own data
    shuffled = lp.fit_linear_probe(x, rng.permutation(y))
    assert shuffled.accuracy(x_test, rng.permutation(y)) < 0.6


def test_probe_is_a_softmax_of_a_linear_map_of_standardised_features():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 5)) * [1, 10, 100, 0.1, 1] + 50.0
    y = rng.integers(0, 4, 30)
    probe = lp.fit_linear_probe(x, y, num_classes=4, steps=20)
    np.testing.assert_allclose(probe.mean, x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(probe.scale, x.std(0), rtol=1e-5)
    kernel, bias = probe.model.layers[-1].get_weights()
    logits = ((x - x.mean(0)) / x.std(0)) @ kernel + bias
    np.testing.assert_array_equal(probe.predict(x), logits.argmax(1))
    assert kernel.shape == (5, 4)


def test_fit_linear_probe_refuses_bad_input():
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="labels has 3 entries for 4 rows"):
        lp.fit_linear_probe(x, y[:3])
    with pytest.raises(ValueError, match="features must be finite"):
        lp.fit_linear_probe(np.full((4, 2), np.inf), y)
    with pytest.raises(ValueError, match="outside \\[0, num_classes=2\\)"):
        lp.fit_linear_probe(x, np.array([0, 1, 2, 1]), num_classes=2)
    with pytest.raises(ValueError, match="non-negative integer"):
        lp.fit_linear_probe(x, np.array([0, 1, -1, 1]))
    with pytest.raises(ValueError, match="l2"):
        lp.fit_linear_probe(x, y, l2=-1.0)
    probe = lp.fit_linear_probe(x, y, steps=1)
    with pytest.raises(ValueError, match="features has 3 columns, the probe was trained on 2"):
        probe.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="labels has 1 entries for 2 rows"):
        probe.accuracy(np.zeros((2, 2)), [0])
