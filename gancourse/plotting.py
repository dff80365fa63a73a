"""Figures shared by the chapters: image grids, loss curves, animations, GIFs.

The only module (with the widget helpers) that imports matplotlib or IPython,
so everything else in the package runs headless.
"""

from __future__ import annotations

import os

import numpy as np


def _as_images(images) -> np.ndarray:
    """(N, H, W) or (N, H, W, C) array in [-1, 1] as float32 (N, H, W, C)."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, C) with C in (1, 3), got {x.shape}"
        )
    return x


def tile_images(images, ncols: int | None = None, *, pad: int = 1, pad_value: float = 1.0) -> np.ndarray:
    """Tile N images in [-1, 1] into one (H', W', C) array in [0, 1], row by row.

    Args:
        images: (N, H, W) or (N, H, W, C) with values in [-1, 1].
        ncols: images per row (default: the ceiling of sqrt(N)).
        pad: pixels of ``pad_value`` between images.
    """
    x = _as_images(images)
    n, h, w, c = x.shape
    if n == 0:
        raise ValueError("images is empty: nothing to tile")
    if ncols is None:
        ncols = int(np.ceil(np.sqrt(n)))
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    nrows = int(np.ceil(n / ncols))
    grid = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), pad_value, np.float32)
    unit = np.clip((x + 1.0) / 2.0, 0.0, 1.0)
    for i in range(n):
        r, col = divmod(i, ncols)
        top, left = pad + r * (h + pad), pad + col * (w + pad)
        grid[top: top + h, left: left + w] = unit[i]
    return grid


def show_images(images, ncols: int | None = None, *, title: str | None = None, ax=None,
                size: float = 4.0, labels=None):
    """Show images in [-1, 1] as a grid; returns the matplotlib Axes.

    ``labels`` (optional, one per image) are written under each image instead
    of tiling, for small labelled sets.
    """
    import matplotlib.pyplot as plt

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


def plot_history(history, keys=None, *, ax=None, title: str = "training curves", smooth: int = 1):
    """Plot loss/metric curves from a Keras ``History``, a dict of lists, or lists of dicts.

    Args:
        history: ``keras.callbacks.History`` or ``{name: [values...]}``.
        keys: which curves (default: all).
        smooth: moving-average window in points (1 = raw).
    """
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(f"history must be a keras History or a dict of lists, got {type(history).__name__}")
    keys = list(logs) if keys is None else list(keys)
    missing = [k for k in keys if k not in logs]
    if missing:
        raise ValueError(f"keys {missing} not in history; it has {sorted(logs)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for k in keys:
        y = np.asarray(logs[k], dtype=np.float64)
        if smooth > 1 and len(y) >= smooth:
            y = np.convolve(y, np.ones(smooth) / smooth, mode="valid")
        ax.plot(y, label=k)
    ax.set_xlabel("epoch" if hasattr(history, "history") else "step")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
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


# --- evaluation kit figures (gancourse.metrics) ---


def plot_class_histogram(histogram, *, ax=None, title: str = "classes of the samples",
                         class_names=None, min_share: float = 0.01):
    """Bar chart of the share of samples per class, as ``gancourse.metrics.class_histogram`` returns.

    A dashed line marks the uniform share 1/K (what MNIST's nearly balanced
    classes give), a dotted one ``min_share`` (below it a class does not count
    as covered). ``histogram`` may also be (N, K) softmax outputs; each row is
    then assigned to its most probable class. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    h = np.asarray(histogram, dtype=np.float64)
    if h.ndim == 2:  # probabilities: argmax assignment, as metrics.class_histogram
        h = np.bincount(np.argmax(h, axis=1), minlength=h.shape[1]) / len(h)
    if h.ndim != 1 or len(h) < 2:
        raise ValueError(f"histogram must be K >= 2 shares or (N, K) probabilities, got shape {np.shape(histogram)}")
    names = [str(i) for i in range(len(h))] if class_names is None else [str(c) for c in class_names]
    if len(names) != len(h):
        raise ValueError(f"class_names has {len(names)} entries but histogram has {len(h)} classes")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    colors = ["tab:blue" if s >= min_share else "tab:red" for s in h]
    ax.bar(range(len(h)), h, color=colors)
    ax.axhline(1.0 / len(h), color="k", linestyle="--", linewidth=1, label=f"uniform 1/{len(h)}")
    ax.axhline(min_share, color="tab:red", linestyle=":", linewidth=1, label=f"coverage bar {min_share:.0%}")
    ax.set_xticks(range(len(h)), names)
    ax.set_ylabel("share of samples")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def show_nearest_neighbours(samples, train_images, indices, distances=None, *, n: int = 8,
                            title: str = "samples (top) and their nearest training images (bottom)"):
    """Two rows: ``n`` samples and, under each, its nearest training image (L2 distance as label).

    ``indices``/``distances`` come from ``gancourse.metrics.nearest_training_images``
    (first column used). A copy of the training set shows as identical pairs
    at distance 0. Returns the (2, n) array of Axes.
    """
    import matplotlib.pyplot as plt

    s = _as_images(samples)
    t = _as_images(train_images)
    idx = np.asarray(indices).reshape(len(indices), -1)[:, 0]
    if len(idx) < min(n, len(s)):
        raise ValueError(f"indices has {len(idx)} rows but {min(n, len(s))} samples are shown")
    n = min(n, len(s))
    if n < 1:
        raise ValueError("samples is empty: nothing to show")
    dist = None if distances is None else np.asarray(distances).reshape(len(distances), -1)[:, 0]
    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6), squeeze=False)
    for j in range(n):
        for row, img in ((0, s[j]), (1, t[int(idx[j])])):
            axes[row, j].imshow(np.clip((img + 1) / 2, 0, 1).squeeze(), cmap="gray", vmin=0, vmax=1)
            axes[row, j].axis("off")
        if dist is not None:
            axes[1, j].set_title(f"L2 {dist[j]:.1f}", fontsize=8)
    fig.suptitle(title, fontsize=9)
    return axes
