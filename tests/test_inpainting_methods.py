"""gancourse.inpainting.methods (every completion behind one call) and gancourse.evaluate.completion (the scores)."""

import numpy as np
import pytest
from inpainting_helpers import tiny_generator

import gancourse.inpainting as ip
from gancourse.evaluate import completion
from gancourse.inpainting import methods

keras = pytest.importorskip("keras")

H = W = 8
D = 4


def _generator():
    return tiny_generator(keras, D, H)


@pytest.fixture(scope="module")
def setup():
    g = _generator()
    z = np.random.default_rng(7).standard_normal((5, D)).astype(np.float32)
    return g, np.asarray(g(z)), ip.center_square_mask((H, W), 4)


def _known_kept(done, y, m):
    known = np.broadcast_to(m[None, :, :, None] == 1, y.shape)
    np.testing.assert_allclose(done[known], y[known], atol=1e-6)


def test_classical_methods_keep_the_known_pixels_and_fill_the_hole(setup):
    _, y, m = setup
    done = methods.complete_classical(y, m)
    assert list(done) == list(methods.CLASSICAL_METHODS)
    for name, images in done.items():
        assert images.shape == y.shape, name
        _known_kept(images, y, m)
    hole = np.broadcast_to(m[None, :, :, None] == 0, y.shape)
    assert not np.allclose(done["mean fill"][hole], done["biharmonic"][hole])  # each method really ran


def test_yeh_on_a_generator_that_made_the_images_recovers_the_hole(setup):
    g, y, m = setup
    done, fit = methods.complete_yeh(g, None, y, m, steps=300, restarts=2, learning_rate=0.05)
    assert tuple(done) == methods.YEH_METHODS
    for images in done.values():
        _known_kept(images, y, m)
    assert completion.hole_psnr(done["Yeh (direct)"], y, m) > 30            # the true z exists: found
    assert completion.hole_psnr(methods.complete_classical(y, m)["mean fill"], y, m) < 25


def test_stronger_stages_start_from_the_encoder_and_keep_known_pixels(setup):
    g, y, m = setup
    encoder = keras.Sequential([keras.Input((H, W, 1)), keras.layers.Flatten(), keras.layers.Dense(D)])
    done, seconds = methods.complete_stronger(g, None, encoder, y, m, steps=0, tune_steps=0)
    assert list(seconds) == list(methods.STRONGER_METHODS) and min(seconds.values()) >= 0
    assert tuple(done) == methods.STRONGER_METHODS
    start = np.asarray(g(ip.encode_start(encoder, y, m)))
    np.testing.assert_allclose(done["encoder start"], ip.blend_direct(y, m, start), atol=1e-6)
    np.testing.assert_allclose(done["+ z refinement"], done["encoder start"], atol=1e-5)  # 0 steps: unchanged
    refined, _ = methods.complete_stronger(g, None, encoder, y, m, steps=300, tune_steps=3, learning_rate=0.05)
    assert completion.hole_psnr(refined["+ z refinement"], y, m) > completion.hole_psnr(done["encoder start"], y, m)
    np.testing.assert_array_equal(done["+ G fine-tuning"], done["+ z refinement"])  # 0 tuning steps: unchanged


def test_whole_image_fit_has_no_hole_and_reaches_the_images(setup):
    g, y, _ = setup
    done = methods.fit_whole_images(g, None, y, steps=300, restarts=2, learning_rate=0.05)
    assert list(done) == ["z only"]
    assert np.abs(done["z only"] - y).max() < 0.05


def test_hole_psnr_is_measured_on_the_hole_only_and_on_the_unit_scale():
    truth = -np.ones((2, 4, 4, 1), np.float32)
    mask = np.ones((4, 4), np.float32)
    mask[:2, :2] = 0
    done = truth.copy()
    done[:, 0, 0, 0] = 0.0          # one hole pixel off by 1 on [-1, 1] = 0.5 on [0, 1]
    done[:, 3, 3, 0] = 1.0          # a known pixel wrong: must not count
    # hole of 4 pixels, MSE = 0.25 / 4 on [0, 1]: PSNR = 10 log10(16) = 12.04 dB
    assert completion.hole_psnr(done, truth, mask) == pytest.approx(10 * np.log10(16.0), abs=1e-6)


def test_hole_psnr_caps_an_exact_fill_instead_of_returning_infinity():
    truth = np.zeros((2, 4, 4, 1), np.float32)
    mask = np.ones((4, 4), np.float32)
    mask[0, 0] = 0
    done = truth.copy()
    done[1, 0, 0, 0] = 0.2
    values = completion.hole_psnr(done, truth, mask, reduce="none")
    assert values[0] == completion.PSNR_CAP and np.isfinite(values).all()


def test_score_completion_checks_shapes_and_labels():
    x = np.zeros((3, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match="labels"):
        completion.score_completion(x, x, np.zeros(2), None)
    with pytest.raises(ValueError, match="completed and truth"):
        completion.score_completion(x[:2], x, np.zeros(3), None)
    with pytest.raises(ValueError, match="mask"):
        completion.hole_psnr(x, x, np.ones((5, 5)))
