"""Showing images: grids, sample panels, animations, GIFs and nearest neighbours.
"""

from __future__ import annotations

import os

import numpy as np

from ..config.validate import as_finite_array, check_int, check_number
from ..data.images import _as_image_batch as _as_images
from ..data.images import tile_images


def show_images(images, ncols: int | None = None, *, title: str | None = None, ax=None,
                size: float = 4.0, labels=None):
    """Show images in [-1, 1] as a grid; returns the matplotlib Axes.

    ``labels`` (optional, one per image) are written under each image instead
    of tiling, for small labelled sets.
    """
    import matplotlib.pyplot as plt

    size = check_number(size, "size", minimum=0.0, exclusive_minimum=True)
    x = _as_images(images)
    if labels is not None:
        if len(labels) != len(x):
            raise ValueError(f"labels has {len(labels)} entries but images has {len(x)}")
        ncols = ncols or min(len(x), 10)
        nrows = int(np.ceil(len(x) / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.4 * nrows), squeeze=False)
        for a in axes.flat:
            a.axis("off")
        for a, img, lab in zip(axes.flat, x, labels):
            a.imshow(np.clip((img + 1) / 2, 0, 1).squeeze(), cmap="gray", vmin=0, vmax=1)
            a.set_title(str(lab), fontsize=8)
        if title:
            fig.suptitle(title)
        return axes
    grid = tile_images(x, ncols)
    if ax is None:
        _, ax = plt.subplots(figsize=(size, size * grid.shape[0] / grid.shape[1]))
    ax.imshow(grid.squeeze(-1) if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=1)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def animate_grids(grids, *, titles=None, interval: int = 300, size: float = 4.0):
    """An animation of a sequence of image batches (e.g. fixed-noise samples over training).

    Returns an ``IPython.display.HTML`` built with ``to_jshtml`` so it plays in
    JupyterLab and Colab alike (a bare ``FuncAnimation`` shows blank in Colab);
    the figure is closed so no stray still image is shown.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML
    from matplotlib import animation

    interval = check_int(interval, "interval", minimum=1)
    size = check_number(size, "size", minimum=0.0, exclusive_minimum=True)
    frames = [tile_images(g) for g in grids]
    if not frames:
        raise ValueError("grids is empty: nothing to animate")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"titles has {len(titles)} entries but grids has {len(frames)}")
    fig, ax = plt.subplots(figsize=(size, size))
    ax.axis("off")
    cmap = "gray" if frames[0].shape[-1] == 1 else None
    img = ax.imshow(frames[0].squeeze(-1) if cmap else frames[0], cmap=cmap, vmin=0, vmax=1)

    def update(i):
        img.set_data(frames[i].squeeze(-1) if cmap else frames[i])
        if titles is not None:
            ax.set_title(str(titles[i]))
        return (img,)

    anim = animation.FuncAnimation(fig, update, frames=len(frames), interval=interval, blit=False)
    html = HTML(anim.to_jshtml())
    plt.close(fig)
    return html


def save_gif(grids, path: str | os.PathLike, *, duration: float = 0.3, scale: int = 2) -> str:
    """Write a sequence of image batches as an animated GIF with ``imageio.v3``.

    Args:
        grids: iterable of image batches in [-1, 1].
        duration: seconds per frame.
        scale: integer upscaling so small digits are visible.
    Returns the path written.
    """
    import imageio.v3 as iio

    duration = check_number(duration, "duration", minimum=0.0, exclusive_minimum=True)
    scale = check_int(scale, "scale", minimum=1)
    frames = []
    for g in grids:
        tile = tile_images(g)
        tile = np.repeat(np.repeat(tile, scale, axis=0), scale, axis=1)
        frame = (tile * 255).round().astype(np.uint8)
        frames.append(frame.squeeze(-1) if frame.shape[-1] == 1 else frame)
    if not frames:
        raise ValueError("grids is empty: nothing to write")
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    iio.imwrite(path, np.stack(frames), extension=".gif", duration=int(duration * 1000), loop=0)
    return path


def show_nearest_neighbours(samples, train_images, indices, distances=None, *, n: int = 8,
                            title: str = "samples (top) and their nearest training images (bottom)"):
    """Two rows: ``n`` samples and, under each, its nearest training image (L2 distance as label).

    ``indices``/``distances`` come from ``gancourse.metrics.nearest_training_images``
    (first column used). A copy of the training set shows as identical pairs
    at distance 0. Returns the (2, n) array of Axes.
    """
    import matplotlib.pyplot as plt

    n = check_int(n, "n", minimum=1)
    s = _as_images(samples)
    t = _as_images(train_images)
    raw = np.asarray(indices)
    if raw.ndim not in (1, 2) or not np.issubdtype(raw.dtype, np.integer):
        raise TypeError(f"indices must be integer indices (N,) or (N, k) into train_images, as "
                        f"nearest_training_images returns them, got dtype {raw.dtype} and shape {raw.shape}")
    idx = raw.reshape(len(raw), -1)[:, 0]
    if len(idx) and (idx.min() < 0 or idx.max() >= len(t)):
        raise ValueError(f"indices must lie in [0, {len(t)}) (rows of train_images), got range "
                         f"[{idx.min()}, {idx.max()}]")
    if len(idx) < min(n, len(s)):
        raise ValueError(f"indices has {len(idx)} rows but {min(n, len(s))} samples are shown")
    n = min(n, len(s))
    if n < 1:
        raise ValueError("samples is empty: nothing to show")
    dist = None if distances is None else as_finite_array(distances, "distances").reshape(len(distances), -1)[:, 0]
    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6), squeeze=False)
    for j in range(n):
        for row, img in ((0, s[j]), (1, t[int(idx[j])])):
            axes[row, j].imshow(np.clip((img + 1) / 2, 0, 1).squeeze(), cmap="gray", vmin=0, vmax=1)
            axes[row, j].axis("off")
        if dist is not None:
            axes[1, j].set_title(f"L2 {dist[j]:.1f}", fontsize=8)
    fig.suptitle(title, fontsize=9)
    return axes
