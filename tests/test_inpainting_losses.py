"""gancourse.objectives.inpainting against hand-computed values (Yeh et al. 2017's losses)."""

import numpy as np
import pytest

from gancourse.inpainting import masks
from gancourse.objectives import inpainting as objectives


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_importance_weights_hand_computed_3x3_window():
    # 5 x 5, holes at (0, 0) and (2, 2); W_i = M_i * (missing in window) / (window pixels inside the image)
    m = np.ones((5, 5), np.float32)
    m[0, 0] = m[2, 2] = 0
    expected = np.array([
        [0, 1 / 6, 0, 0, 0],
        [1 / 6, 2 / 9, 1 / 9, 1 / 9, 0],
        [0, 1 / 9, 0, 1 / 9, 0],
        [0, 1 / 9, 1 / 9, 1 / 9, 0],
        [0, 0, 0, 0, 0]])
    np.testing.assert_allclose(objectives.importance_weights(m, window=3), expected, atol=1e-6)


def test_importance_weights_orientation_known_border_heavy_hole_zero():
    # The inverted-mask bug weights the hole instead of the known pixels next to it.
    m = masks.center_square_mask((28, 28), 14)  # hole rows/cols 7..20
    w = objectives.importance_weights(m, window=7)
    assert np.all(w[m == 0] == 0)                  # hole pixels weigh 0
    assert w[6, 14] > w[4, 14] > w[2, 14] == 0     # closer to the hole, heavier; 4+ rows away, 0
    assert w[6, 14] == pytest.approx(21 / 49)      # 3 of its 7 window rows are in the hole, 7 columns each
    assert w[0, 0] == 0 and w.max() < 1


def test_importance_weights_on_a_batch_filter_only_height_and_width():
    m = np.ones((2, 9, 9, 2), np.float32)
    m[0, 3:6, 3:6, :] = 0
    m[1, :, :4, 1] = 0  # another hole, in channel 1 of image 1 only
    w = objectives.importance_weights(m, window=5)
    for n in range(2):
        for c in range(2):  # the same as each (H, W) slice alone: nothing leaks across images or channels
            np.testing.assert_allclose(w[n, :, :, c], objectives.importance_weights(m[n, :, :, c], 5), atol=1e-6)


def test_contextual_loss_is_a_per_image_sum_over_known_pixels():
    y = np.zeros((2, 2, 2, 1), np.float32)
    g = np.full((2, 2, 2, 1), 0.5, np.float32)
    g[1] = -0.25
    m = np.ones((2, 2, 2, 1), np.float32)
    m[:, 0, 0, 0] = 0  # one hole pixel per image
    loss = np.asarray(objectives.contextual_loss(g, y, m))
    np.testing.assert_allclose(loss, [3 * 0.5, 3 * 0.25], rtol=1e-6)  # sums, not means (0.5, 0.25)
    y_other_hole = y.copy()
    y_other_hole[:, 0, 0, 0] = 0.9  # the hole's content must not matter
    np.testing.assert_allclose(objectives.contextual_loss(g, y_other_hole, m), loss, rtol=1e-6)
    weights = 0.5 * m  # a weighted mask scales each pixel's term
    np.testing.assert_allclose(objectives.contextual_loss(g, y, weights), loss / 2, rtol=1e-6)


def test_perceptual_losses_match_their_definitions_and_stay_finite():
    logits = np.array([[-3.0], [0.0], [2.0]], np.float32)
    d = _sigmoid(logits[:, 0])
    np.testing.assert_allclose(objectives.perceptual_loss(logits, "saturating"), np.log(1 - d), rtol=1e-5)
    np.testing.assert_allclose(objectives.perceptual_loss(logits, "non_saturating"), -np.log(d), rtol=1e-5)
    extreme = np.array([-200.0, 200.0], np.float32)
    for form in objectives.PRIOR_FORMS:
        assert np.all(np.isfinite(objectives.perceptual_loss(extreme, form)))
    np.testing.assert_allclose(objectives.perceptual_loss(extreme, "saturating"), [0.0, -200.0], atol=1e-4)


def test_total_loss_is_contextual_plus_lambda_perceptual():
    rng = np.random.default_rng(0)
    y = rng.uniform(-1, 1, (3, 4, 4, 1)).astype(np.float32)
    g = rng.uniform(-1, 1, (3, 4, 4, 1)).astype(np.float32)
    m = objectives.as_mask(masks.center_square_mask((4, 4), 2), y.shape)
    logits = np.array([[1.0], [-2.0], [0.5]], np.float32)
    contextual = np.abs(m * (g - y)).sum(axis=(1, 2, 3))
    perceptual = -np.log(_sigmoid(logits[:, 0]))
    total = objectives.inpainting_loss(g, y, m, logits, prior_weight=0.3, prior="non_saturating")
    np.testing.assert_allclose(total, contextual + 0.3 * perceptual, rtol=1e-5)
    np.testing.assert_allclose(objectives.inpainting_loss(g, y, m, None, prior_weight=0.3), contextual, rtol=1e-5)


def test_as_images_refuses_0_255_pixels_and_bad_shapes():
    with pytest.raises(ValueError, match=r"\[-1, 1\].*127\.5"):
        objectives.as_images(np.full((1, 4, 4, 1), 200.0))
    with pytest.raises(ValueError, match="images"):
        objectives.as_images(np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="finite"):
        objectives.as_images(np.full((1, 4, 4, 1), np.nan))
    assert objectives.as_images(np.full((1, 2, 2, 1), -1.0)).dtype == np.float32


@pytest.mark.parametrize("call, error, name", [
    (lambda: objectives.importance_weights(np.ones((5, 5)), window=4), ValueError, "window"),
    (lambda: objectives.importance_weights(np.ones((5, 5)), window=1), ValueError, "window"),
    (lambda: objectives.importance_weights(np.ones((5, 5)), window=3.0), TypeError, "window"),
    (lambda: objectives.importance_weights(np.full((5, 5), 0.5)), ValueError, "mask"),
    (lambda: objectives.importance_weights(np.ones((5, 5, 1))), ValueError, "mask"),
    (lambda: objectives.perceptual_loss(np.zeros(3), "minimax"), ValueError, "form"),
    (lambda: objectives.perceptual_loss(np.zeros((3, 2))), ValueError, "logits"),
    (lambda: objectives.contextual_loss(np.zeros((4, 4, 1)), np.zeros((1, 4, 4, 1)), np.ones((1, 4, 4, 1))),
     ValueError, "generated"),
    (lambda: objectives.inpainting_loss(np.zeros((1, 2, 2, 1)), np.zeros((1, 2, 2, 1)), np.ones((1, 2, 2, 1)),
                                        prior_weight=-1.0), ValueError, "prior_weight"),
])
def test_bad_arguments_name_themselves(call, error, name):
    with pytest.raises(error, match=name):
        call()
