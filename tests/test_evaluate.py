"""gancourse.evaluate: reference facts of FD, KID, coverage, nearest neighbours, modes, PSNR.

These tests need no classifier; tests/test_classifier.py checks the shipped
classifier and the kit end to end on real digits.
"""

import numpy as np
import pytest
import scipy.linalg

from gancourse.data.toy import grid_modes, ring_modes
from gancourse.evaluate.coverage import class_coverage, class_histogram, confident_share, mode_coverage
from gancourse.evaluate.features import classifier_features
from gancourse.evaluate.frechet import frechet_distance, trace_sqrt_product
from gancourse.evaluate.kid import kernel_inception_distance
from gancourse.evaluate.memorisation import nearest_training_images
from gancourse.evaluate.psnr import psnr
from gancourse.evaluate.report import evaluate_generator, evaluate_samples, generate_samples, real_vs_real_floor
from gancourse.objectives.mmd import mmd_squared, polynomial_kernel


def _whitened(n, d, seed):
    """n samples in d dimensions whose *empirical* mean is 0 and unbiased covariance is I exactly."""
    z = np.random.default_rng(seed).standard_normal((n, d))
    z -= z.mean(axis=0)
    chol = np.linalg.cholesky(np.atleast_2d(np.cov(z, rowvar=False)))
    return z @ np.linalg.inv(chol).T


# --- Fréchet distance -----------------------------------------------------

def test_fd_of_identical_sets_is_zero():
    x = np.random.default_rng(0).standard_normal((200, 16))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)


def test_fd_1d_closed_form():
    # N(m1, s1^2) vs N(m2, s2^2): d^2 = (m1 - m2)^2 + (s1 - s2)^2
    z = _whitened(500, 1, seed=1)
    a, b = 1.5 + 2.0 * z, -0.5 + 0.5 * _whitened(300, 1, seed=2)
    expected = (1.5 + 0.5) ** 2 + (2.0 - 0.5) ** 2
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_fd_diagonal_closed_form():
    # diagonal covariances commute: Tr(S1 + S2 - 2 (S1 S2)^1/2) = sum (s1_i - s2_i)^2
    mu_a, mu_b = np.array([0.0, 1.0, -2.0, 3.0]), np.array([1.0, 1.0, 0.0, 0.0])
    s_a, s_b = np.array([1.0, 2.0, 0.5, 3.0]), np.array([2.0, 2.0, 1.5, 0.1])
    a = mu_a + _whitened(400, 4, seed=3) * s_a
    b = mu_b + _whitened(250, 4, seed=4) * s_b
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((s_a - s_b) ** 2)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_fd_matches_scipy_sqrtm_formula_and_is_symmetric():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((300, 8)) @ rng.standard_normal((8, 8))
    b = rng.standard_normal((400, 8)) @ rng.standard_normal((8, 8)) + 0.3
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real  # the reference formula, well conditioned here
    expected = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(s1 + s2 - 2 * covmean)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-7)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-10)


def test_fd_singular_covariance_dead_units_change_nothing():
    # a constant column (a dead ReLU unit) makes both covariances singular; the distance
    # must equal the one without that column
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((50, 5)), rng.standard_normal((60, 5)) + 1.0
    pad = lambda x: np.hstack([x, np.zeros((len(x), 3))])  # noqa: E731
    assert frechet_distance(pad(a), pad(b)) == pytest.approx(frechet_distance(a, b), rel=1e-9)
    # fewer samples than features: still finite, zero against itself
    few = rng.standard_normal((4, 20))
    assert frechet_distance(few, few) == pytest.approx(0.0, abs=1e-8)
    assert np.isfinite(frechet_distance(few, rng.standard_normal((6, 20))))


def test_trace_sqrt_product_known_values():
    # Tr((S S)^1/2) = Tr(S) for PSD S; with S2 = I it is Tr(S1^1/2)
    s = np.array([[4.0, 1.0], [1.0, 3.0]])
    assert trace_sqrt_product(s, s) == pytest.approx(np.trace(s), rel=1e-12)
    assert trace_sqrt_product(s, np.eye(2)) == pytest.approx(np.trace(scipy.linalg.sqrtm(s)).real, rel=1e-12)


@pytest.mark.parametrize("a, b, match", [
    (np.zeros((10, 3)), np.zeros((10, 4)), "feats_a has 3 features per sample but feats_b has 4"),
    (np.zeros((1, 3)), np.zeros((10, 3)), "feats_a needs at least 2 samples"),
    (np.zeros((10,)), np.zeros((10, 3)), "feats_a must be a 2-D array"),
    (np.zeros((10, 3)), np.full((10, 3), np.nan), "feats_b must be finite"),
])
def test_fd_bad_inputs(a, b, match):
    with pytest.raises(ValueError, match=match):
        frechet_distance(a, b)


# --- KID ------------------------------------------------------------------

def test_mmd2_unbiased_hand_computed():
    # d = 1, k(x, y) = (x y + 1)^3; X = {0, 1}, Y = {0, 2}
    # XX off-diagonal: k(0,1) = 1 -> 1; YY: k(0,2) = 1 -> 1; XY: (1 + 1 + 1 + 27) / 4 = 7.5
    x, y = np.array([[0.0], [1.0]]), np.array([[0.0], [2.0]])
    assert float(mmd_squared(x, y, polynomial_kernel, unbiased=True, dtype="float64")) == pytest.approx(1 + 1 - 2 * 7.5)
    kid, std = kernel_inception_distance(x, y, subsets=3, subset_size=2)
    assert kid == pytest.approx(-13.0) and std == 0.0  # every subset is the whole set


def test_kid_same_distribution_near_zero_shifted_positive():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((600, 16)), rng.standard_normal((600, 16))
    same, same_std = kernel_inception_distance(x, y, subsets=10, subset_size=300)
    shifted, _ = kernel_inception_distance(x, y + 0.5, subsets=10, subset_size=300)
    # unbiased: same-distribution estimates scatter around 0
    assert abs(same) < 0.05 and shifted > 0.5
    assert shifted > 20 * max(abs(same), same_std)
    assert kernel_inception_distance(x, y, subsets=5, seed=1) == kernel_inception_distance(
        x, y, subsets=5, seed=1)


def test_kid_bad_inputs():
    x = np.zeros((10, 3))
    with pytest.raises(ValueError, match="subset_size must be <= 10"):
        kernel_inception_distance(x, x, subset_size=11)
    with pytest.raises(TypeError, match="subsets must be an int"):
        kernel_inception_distance(x, x, subsets=2.5)


def test_real_vs_real_floor_on_features():
    rng = np.random.default_rng(8)
    feats = rng.standard_normal((1000, 4))
    floor = real_vs_real_floor(feats, 500, kid_subsets=5)
    assert set(floor) == {"n", "fd_floor", "kid_floor", "kid_floor_std"} and floor["n"] == 500
    # finite-sample FD bias between two N(0, I) samples of 500 in 4-D: small but positive
    assert 0 < floor["fd_floor"] < 0.1
    with pytest.raises(ValueError, match=r"needs 2n = 1002 real samples, but only 1000"):
        real_vs_real_floor(feats, 501)


# --- classes ----------------------------------------------------------------

PROBS = np.array([
    [0.95, 0.05, 0.0],
    [0.10, 0.90, 0.0],   # exactly 0.9: confident (chapter 4's definition: p >= 0.9)
    [0.20, 0.79, 0.01],
    [0.00, 0.01, 0.99],
])


def test_histogram_coverage_confident_share_hand_made():
    hist = class_histogram(PROBS)
    np.testing.assert_allclose(hist, [0.25, 0.5, 0.25])
    assert hist.sum() == pytest.approx(1.0)
    assert class_coverage(PROBS) == 3
    assert class_coverage(PROBS, min_share=0.3) == 1
    assert confident_share(PROBS) == pytest.approx(0.75)
    assert confident_share(PROBS, threshold=0.5) == pytest.approx(1.0)


def test_collapsed_generator_covers_one_class():
    probs = np.zeros((1000, 10))
    probs[:, 3] = 1.0
    probs[:5] = np.eye(10)[[0, 1, 2, 4, 5]]  # 0.5% stray samples in other classes: below 1%
    assert class_coverage(probs) == 1
    assert class_histogram(probs).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("probs, match", [
    (np.array([[0.5, 0.6]]), "row 0 sums to 1.1"),
    (np.array([0.5, 0.5]), "must be a 2-D array"),
    (np.array([[-0.5, 1.5]]), "non-negative"),
])
def test_probabilities_bad_inputs(probs, match):
    with pytest.raises(ValueError, match=match):
        class_histogram(probs)


def test_threshold_and_min_share_checked():
    with pytest.raises(ValueError, match=r"threshold must be a number >= 0\.0 and < 1\.0, got 1\.5"):
        confident_share(PROBS, threshold=1.5)
    with pytest.raises(ValueError, match=r"min_share must be a number > 0\.0 and <= 1\.0, got 0\.0"):
        class_coverage(PROBS, min_share=0)


# --- nearest training images ------------------------------------------------

def test_nearest_training_image_finds_planted_copy():
    rng = np.random.default_rng(9)
    train = rng.uniform(-1, 1, (700, 28, 28, 1)).astype(np.float32)
    samples = rng.uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    samples[2] = train[417]
    idx, dist = nearest_training_images(samples, train, batch_size=2)
    assert idx.shape == (5, 1) and dist.shape == (5, 1)
    assert idx[2, 0] == 417 and dist[2, 0] == 0.0
    assert np.all(dist[[0, 1, 3, 4]] > 1.0)


def test_nearest_training_images_match_brute_force():
    rng = np.random.default_rng(10)
    train, samples = rng.standard_normal((300, 12)), rng.standard_normal((40, 12))
    idx, dist = nearest_training_images(samples, train, k=3, batch_size=16)
    full = np.linalg.norm(samples[:, None] - train[None], axis=-1)
    expected_idx = np.argsort(full, axis=1)[:, :3]
    np.testing.assert_array_equal(idx, expected_idx)
    np.testing.assert_allclose(dist, np.take_along_axis(full, expected_idx, axis=1), rtol=1e-6)


def test_nearest_training_images_bad_inputs():
    with pytest.raises(ValueError, match="share their image shape"):
        nearest_training_images(np.zeros((2, 28, 28)), np.zeros((5, 28, 27)))
    with pytest.raises(ValueError, match="k must be <= 5"):
        nearest_training_images(np.zeros((2, 4)), np.zeros((5, 4)), k=6)


# --- generators ---------------------------------------------------------------

def _toy_generator(z):
    """A callable 'generator': 16 latent numbers -> 28x28 images in [-1, 1]."""
    return np.tanh(np.repeat(z, 49, axis=1)).reshape(-1, 28, 28)


def test_generate_samples_callable_seeded_and_shaped():
    a = generate_samples(_toy_generator, 7, latent_dim=16, seed=3, batch_size=3)
    b = generate_samples(_toy_generator, 7, latent_dim=16, seed=3)
    assert a.shape == (7, 28, 28, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, generate_samples(_toy_generator, 7, latent_dim=16, seed=4))


def test_generate_samples_reads_latent_dim_from_keras_model():
    import keras

    gen = keras.Sequential([keras.Input((5,)), keras.layers.Dense(784, activation="tanh"),
                            keras.layers.Reshape((28, 28, 1))])
    assert generate_samples(gen, 4).shape == (4, 28, 28, 1)

    class Wrapper(keras.Model):  # a subclassed model has no input_shape; a GAN has latent_dim
        def __init__(self):
            super().__init__()
            self.generator, self.latent_dim = gen, 5

        def call(self, z, training=False):
            return self.generator(z, training=training)

    np.testing.assert_array_equal(generate_samples(Wrapper(), 4, seed=2),
                                  generate_samples(gen, 4, seed=2))
    with pytest.raises(ValueError, match="pass latent_dim"):
        generate_samples(_toy_generator, 4)
    with pytest.raises(TypeError, match="generator must be a Keras model or a callable"):
        generate_samples(np.zeros(3), 4)


def test_evaluate_generator_checks_real_count_and_images():
    real = np.zeros((100, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match=r"needs 2n = 120 real images, but real_images holds 100"):
        evaluate_generator(_toy_generator, real, n=60, latent_dim=16)
    with pytest.raises(ValueError, match=r"samples must be scaled to \[-1, 1\]"):
        evaluate_samples(np.full((10, 28, 28, 1), 255.0), real)
    with pytest.raises(ValueError, match=r"images must have shape \(N, 28, 28\)"):
        classifier_features(np.zeros((3, 32, 32, 1)))


# --- toy mixtures (VEEGAN) ------------------------------------------------------

def test_ring_and_grid_modes():
    ring = ring_modes()
    assert ring.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 2.0)
    np.testing.assert_allclose(ring[0], [2.0, 0.0])
    np.testing.assert_allclose(ring[2], [0.0, 2.0], atol=1e-12)
    grid = grid_modes()
    assert grid.shape == (25, 2)
    assert set(np.unique(grid)) == {-4.0, -2.0, 0.0, 2.0, 4.0}
    assert len({tuple(p) for p in grid}) == 25


def test_mode_coverage_hand_made():
    modes = ring_modes()
    std = 0.02
    samples = np.array([
        modes[0] + [0.05, 0.0],        # 2.5 std: high quality, mode 0
        modes[0] + [0.0, 0.06],        # exactly 3 std: high quality (<=), mode 0
        modes[3] + [0.03, -0.03],      # ~2.1 std: mode 3
        modes[5] + [0.07, 0.0],        # 3.5 std: low quality, mode 5 not captured
        [0.0, 0.0],                    # far from every mode
    ])
    cov = mode_coverage(samples, modes, std)
    assert cov["modes_covered"] == 2 and cov["n_modes"] == 8
    assert cov["high_quality_share"] == pytest.approx(3 / 5)
    assert cov["per_mode"] == [2, 0, 0, 1, 0, 0, 0, 0]
    assert mode_coverage(samples, modes, std, min_samples=2)["modes_covered"] == 1


def test_mode_coverage_perfect_mixture_covers_every_grid_mode():
    modes, std = grid_modes(), 0.05
    rng = np.random.default_rng(11)
    samples = modes[rng.integers(0, 25, 2500)] + std * rng.standard_normal((2500, 2))
    cov = mode_coverage(samples, modes, std)
    assert cov["modes_covered"] == 25
    # within 3 std in 2-D (chi with 2 dof): 1 - exp(-9/2) = 98.9%
    assert cov["high_quality_share"] == pytest.approx(1 - np.exp(-4.5), abs=0.01)


def test_mode_coverage_bad_inputs():
    with pytest.raises(ValueError, match="samples has 3 features per sample but modes has 2"):
        mode_coverage(np.zeros((4, 3)), ring_modes(), 0.1)
    with pytest.raises(ValueError, match=r"std must be a number > 0\.0, got 0\.0"):
        mode_coverage(np.zeros((4, 2)), ring_modes(), 0)


# --- PSNR ---------------------------------------------------------------------

def test_psnr_constant_error():
    a = np.zeros((3, 28, 28, 1))
    for e in (0.1, 0.5, 2.0):
        assert psnr(a, a + e) == pytest.approx(20 * np.log10(2.0 / e))
    assert psnr(a, a + 0.1, data_range=1.0) == pytest.approx(20.0)
    assert psnr(a, a) == np.inf


def test_psnr_mask_and_per_image():
    a = np.zeros((2, 4, 4, 1))
    b = a.copy()
    b[:, :2] = 0.2            # error only in the top half
    top = np.zeros((4, 4, 1))
    top[:2] = 1
    assert psnr(a, b, mask=top) == pytest.approx(20 * np.log10(2.0 / 0.2))
    assert psnr(a, b, mask=1 - top) == np.inf
    # whole image: MSE = 0.04 / 2
    assert psnr(a, b) == pytest.approx(10 * np.log10(4.0 / 0.02))
    b[1] += 0.2               # second image: error 0.4 on top, 0.2 below
    per = psnr(a, b, mask=top, reduce="none")
    np.testing.assert_allclose(per, [20 * np.log10(10), 20 * np.log10(5)])


def test_psnr_bad_inputs():
    a = np.zeros((2, 4, 4, 1))
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        psnr(a, np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="mask selects no pixel in image 0"):
        psnr(a, a, mask=np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="does not broadcast"):
        psnr(a, a, mask=np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"data_range must be a number > 0\.0, got 0\.0"):
        psnr(a, a, data_range=0)


def test_generate_samples_uses_the_same_noise_as_gan_latent_noise():
    from gancourse.nets.latent import latent_noise

    identity = lambda z: z.reshape(-1, 28, 28)  # noqa: E731  (a 'generator' that shows its z)
    drawn = generate_samples(identity, 3, latent_dim=784, seed=5, batch_size=2)
    np.testing.assert_array_equal(drawn, latent_noise(3, 784, 5).reshape(-1, 28, 28, 1))
