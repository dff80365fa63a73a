"""gancourse.show (images, curves): grids, curves, animation, GIF."""

import numpy as np
import pytest

from gancourse.show import curves, images


def test_tile_images_layout_and_range():
    x = -np.ones((5, 4, 3, 1), np.float32)
    x[1] = 1.0
    grid = images.tile_images(x, ncols=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 4 + 1, 1)
    assert grid.min() == 0.0 and grid.max() == 1.0
    # image 1 (white) sits in row 0, column 1
    assert np.all(grid[1:5, 5:8] == 1.0) and np.all(grid[1:5, 1:4] == 0.0)


def test_tile_images_accepts_3d_and_checks_shapes():
    assert images.tile_images(np.zeros((4, 2, 2))).shape == (7, 7, 1)  # 2x2 grid, pad 1
    with pytest.raises(ValueError, match=r"shape \(N, H, W\)"):
        images.tile_images(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="empty"):
        images.tile_images(np.zeros((0, 2, 2)))
    with pytest.raises(ValueError, match="ncols"):
        images.tile_images(np.zeros((2, 2, 2)), ncols=0)


def test_show_images_and_history():
    import matplotlib

    matplotlib.use("Agg")
    ax = images.show_images(np.zeros((4, 8, 8, 1)), title="t")
    assert ax.get_title() == "t"
    ax = curves.plot_history({"d_loss": [1.0, 0.8, 0.7], "g_loss": [2.0, 1.0, 1.5]}, smooth=2)
    assert len(ax.lines) == 2 and len(ax.lines[0].get_ydata()) == 2
    with pytest.raises(ValueError, match="not in history"):
        curves.plot_history({"a": [1]}, keys=["b"])
    with pytest.raises(TypeError, match="History or a dict"):
        curves.plot_history([1, 2])
    with pytest.raises(ValueError, match="labels has 1 entries"):
        images.show_images(np.zeros((2, 8, 8)), labels=[1])


def test_animation_is_jshtml():
    html = images.animate_grids([np.zeros((4, 8, 8, 1)), np.ones((4, 8, 8, 1))], titles=["a", "b"])
    assert "<script" in html.data and "anim" in html.data.lower()


def test_gif_round_trip(tmp_path):
    import imageio.v3 as iio

    frames = [np.full((4, 8, 8, 1), v, np.float32) for v in (-1.0, 1.0)]
    path = images.save_gif(frames, tmp_path / "sub" / "train.gif", scale=2)
    gif = iio.imread(path, index=None)
    assert gif.shape[0] == 2 and gif.shape[1] == 2 * (2 * 9 + 1)
    assert gif[0].max() <= gif[1].max()
