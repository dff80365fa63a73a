"""gancourse.inpainting.baselines: mean fill, scikit-image biharmonic, OpenCV Telea / Navier-Stokes."""

import numpy as np
import pytest

from gancourse.inpainting import baselines, masks

STEP = 1 / 127.5  # one uint8 level on the [-1, 1] scale


def _ramp(c=1):
    rows, cols = np.mgrid[0:12, 0:12]
    image = (0.06 * rows - 0.03 * cols - 0.2).astype(np.float32)  # linear in (row, column), within [-1, 1]
    return np.repeat(image[None, :, :, None], c, axis=-1)


def test_mean_fill_uses_the_mean_of_each_image_known_pixels():
    y = np.zeros((2, 4, 4, 1), np.float32)
    y[0, :2] = 0.5          # image 0: known rows 0-1 are 0.5, rows 2-3 hold 0 (half known)
    y[1] = -0.25
    m = masks.half_mask((4, 4), "bottom")
    y[0, 2:] = 0.9          # hole content must not enter the mean
    out = baselines.mean_fill(y, m)
    np.testing.assert_allclose(out[0, 2:], 0.5)
    np.testing.assert_allclose(out[1, 2:], -0.25)
    np.testing.assert_array_equal(out[:, :2], y[:, :2])


def test_biharmonic_reproduces_a_linear_ramp_exactly():
    # The biharmonic equation holds for linear functions, so the fill must be the ramp itself.
    for c in (1, 3):
        y = _ramp(c)
        m = masks.center_square_mask((12, 12), 5)
        corrupted = y.copy()
        corrupted[:, 3:8, 3:8] = 0.0
        np.testing.assert_allclose(baselines.inpaint_biharmonic(corrupted, m), y, atol=1e-5)


@pytest.mark.parametrize("method", [baselines.inpaint_telea, baselines.inpaint_navier_stokes])
@pytest.mark.parametrize("channels", [1, 3, 2])
def test_opencv_methods_fill_a_constant_image_with_the_constant(method, channels):
    y = np.full((2, 12, 12, channels), 0.3, np.float32)
    m = masks.center_square_mask((12, 12), 4)
    corrupted = y.copy()
    corrupted[:, 4:8, 4:8] = -1.0  # what the hole held must not leak into the fill
    out = method(corrupted, m)
    assert out.shape == y.shape and out.dtype == np.float32
    # uint8 round trip (0.3 -> level 166) plus OpenCV Telea's +-2 level ripple on flat images
    np.testing.assert_allclose(out, y, atol=3 * STEP)
    known = np.broadcast_to(m[None, :, :, None] == 1, y.shape)
    np.testing.assert_array_equal(out[known], corrupted[known])  # known pixels unchanged, not quantised


@pytest.mark.parametrize("method", [baselines.inpaint_telea, baselines.inpaint_navier_stokes,
                                    baselines.inpaint_biharmonic, baselines.mean_fill])
def test_fill_stays_between_the_known_values_on_a_ramp(method):
    y = _ramp()
    m = masks.center_square_mask((12, 12), 4)
    out = method(y, m)
    hole = np.broadcast_to(m[None, :, :, None] == 0, y.shape)
    assert y.min() - 2 * STEP <= out[hole].min() and out[hole].max() <= y.max() + 2 * STEP
    # diffusing methods follow the ramp into the hole (errors measured: Telea/NS ~0.07, biharmonic ~0);
    # a flat mean fill misses its far corner by 0.135
    error = np.abs(out - y)[hole].max()
    assert (error > 0.1) if method is baselines.mean_fill else (error < 0.1)


def test_baselines_refuse_bad_input():
    y = np.zeros((1, 6, 6, 2), np.float32)
    m = np.ones((1, 6, 6, 2), np.float32)
    m[0, 2:4, 2:4, 0] = 0  # a hole in one channel only
    with pytest.raises(ValueError, match="every channel"):
        baselines.inpaint_telea(y, m)
    with pytest.raises(ValueError, match="every channel"):
        baselines.inpaint_biharmonic(y, m)
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        baselines.inpaint_navier_stokes(np.full((1, 6, 6, 1), 255.0), np.ones((6, 6)))
    with pytest.raises(ValueError, match="radius"):
        baselines.inpaint_telea(y, np.ones((6, 6)), radius=0)
    with pytest.raises(ValueError, match="known pixel"):
        baselines.mean_fill(y, np.zeros((6, 6)))
    with pytest.raises(ValueError, match="mask"):
        baselines.mean_fill(y, np.ones((5, 6)))
