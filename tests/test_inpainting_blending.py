"""gancourse.inpainting.blending: direct overlay and Poisson blending against known answers."""

import numpy as np
import pytest

from gancourse.inpainting import blending, masks


def _images(n=2, h=10, w=12, c=3, seed=0):
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (n, h, w, c)).astype(np.float32)


def test_direct_blend_takes_known_pixels_from_the_image_and_the_hole_from_g():
    y, g = _images(), _images(seed=1)
    m = masks.center_square_mask((10, 12), 4)
    out = blending.blend_direct(y, m, g)
    known = np.broadcast_to(m[None, :, :, None] == 1, y.shape)
    np.testing.assert_array_equal(out[known], y[known])
    np.testing.assert_array_equal(out[~known], g[~known])


def test_poisson_with_g_equal_to_the_truth_returns_the_truth():
    y = _images()
    for m in (masks.center_square_mask((10, 12), 5), masks.random_pixel_mask((10, 12), 0.6, seed=2),
              masks.half_mask((10, 12), "left")):
        np.testing.assert_allclose(blending.blend_poisson(y, m, y), y, atol=1e-6)


def test_poisson_removes_a_constant_offset_that_direct_blending_keeps():
    y = _images()
    m = masks.center_square_mask((10, 12), 6)
    hole = np.broadcast_to(m[None, :, :, None] == 0, y.shape)
    g = y + 0.3
    np.testing.assert_allclose(blending.blend_poisson(y, m, g), y, atol=1e-5)
    np.testing.assert_allclose(blending.blend_direct(y, m, g)[hole], y[hole] + 0.3, atol=1e-6)


def test_poisson_single_hole_pixel_hand_computed():
    # One hole pixel p at the centre of a 3 x 3 image: 4 x_p - sum(y_q) = sum_q (g_p - g_q)
    y = np.array([[0.0, 0.2, 0.0], [0.4, 0.0, -0.6], [0.0, 0.8, 0.0]], np.float32)[None, :, :, None]
    g = np.array([[0.0, 0.1, 0.0], [0.0, 0.5, 0.3], [0.0, -0.2, 0.0]], np.float32)[None, :, :, None]
    m = np.ones((3, 3), np.float32)
    m[1, 1] = 0
    expected = ((0.2 + 0.4 - 0.6 + 0.8) + (4 * 0.5 - (0.1 + 0.0 + 0.3 - 0.2))) / 4
    out = blending.blend_poisson(y, m, g)
    assert out[0, 1, 1, 0] == pytest.approx(expected, abs=1e-6)
    np.testing.assert_array_equal(np.delete(out.ravel(), 4), np.delete(y.ravel(), 4))  # known pixels untouched


def test_poisson_channel_specific_masks_and_an_image_without_hole():
    y = _images(n=3)
    m = np.ones(y.shape, np.float32)
    m[0, 2:6, 3:8, 0] = 0          # hole in one channel only
    m[1, :, :5, 2] = 0             # another, in another channel
    g = y - 0.2                    # image 2 has no hole: returned as is
    np.testing.assert_allclose(blending.blend_poisson(y, m, g), y, atol=1e-5)


def test_poisson_clips_unless_asked_not_to():
    y = np.full((1, 5, 5, 1), 0.9, np.float32)
    m = masks.center_square_mask((5, 5), 3)
    g = np.full((1, 5, 5, 1), -1.0, np.float32)
    g[0, 2, 2, 0] = 1.0  # a peak in the guidance pushes the centre above 1
    assert blending.blend_poisson(y, m, g, clip=False).max() > 1.0
    assert blending.blend_poisson(y, m, g).max() == pytest.approx(1.0)


def test_blending_refuses_bad_input():
    y = _images()
    m = masks.center_square_mask((10, 12), 4)
    with pytest.raises(ValueError, match="generated"):
        blending.blend_poisson(y, m, y[:1])
    with pytest.raises(ValueError, match=r"images.*\[0, 255\]"):
        blending.blend_direct(y * 255 + 128, m, y)
    with pytest.raises(ValueError, match="mask"):
        blending.blend_direct(y, np.ones((10, 11)), y)
    with pytest.raises(ValueError, match="known pixel"):
        blending.blend_poisson(y, np.zeros((10, 12)), y)
    with pytest.raises(TypeError, match="clip"):
        blending.blend_poisson(y, m, y, clip=1)
