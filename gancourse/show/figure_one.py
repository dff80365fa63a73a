"""Plotting Goodfellow et al.'s Figure 1 from the snapshots of a 1-D GAN, as panels and as an animation.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import check_int
from ..train.figure_one import FigureOneSnapshot, FigureOneSnapshots

tf = import_tensorflow()


def _figure_one_panel(ax, grid, p_data, snap: FigureOneSnapshot, *, title: str | None = None,
                      z_range=(-2.5, 2.5)):
    """Draw one Figure-1 panel: data (black dots), p_g (green), D (blue dashes), and z → x arrows."""
    # The y-axis is set by the data density: D(x) = 1 is drawn at 1.25 × the peak of p_data, and a
    # generator density that is much narrower (early in training) is clipped at the top of the panel.
    d_scale = 1.25 * float(np.max(p_data))
    top = 1.6 * float(np.max(p_data))
    ax.plot(grid, p_data, ":", color="black", lw=2, label=r"$p_{data}$")
    ax.plot(grid, np.minimum(snap.p_g, top), "-", color="green", lw=2, label=r"$p_g$")
    ax.plot(grid, snap.d * d_scale, "--", color="blue", lw=1.5, label=r"$D(x)$ (1 at the upper tick)")
    ax.axhline(0.5 * d_scale, color="blue", lw=0.5, alpha=0.3)
    ax.axhline(d_scale, color="blue", lw=0.5, alpha=0.3)
    # the lower band: z on a line, arrows to x = G(z) (Goodfellow et al. 2014, Fig. 1)
    z_line, x_line = -0.45 * top, -0.12 * top
    lo, hi = grid[0], grid[-1]
    z_pos = lo + (np.clip(snap.z, *z_range) - z_range[0]) / (z_range[1] - z_range[0]) * (hi - lo)
    ax.hlines([z_line, x_line], lo, hi, color="gray", lw=0.8)
    for zp, gx in zip(z_pos, np.clip(snap.gz, lo, hi)):
        ax.annotate("", xy=(gx, x_line), xytext=(zp, z_line),
                    arrowprops=dict(arrowstyle="->", color="gray", lw=0.6))
    ax.text(lo, z_line, " z", va="bottom", fontsize=8)
    ax.text(lo, x_line, " x", va="bottom", fontsize=8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(z_line - 0.05 * top, top)
    ax.set_yticks([])
    ax.set_title(title or f"step {snap.step}  JSD={snap.jsd:.3f}", fontsize=9)


def plot_figure_one(callback: FigureOneSnapshots, indices=None, *, titles=None):
    """Figure 1 of Goodfellow et al. 2014 from recorded snapshots: one panel per index.

    Default: four panels, from the first to the last snapshot. Returns the figure.
    """
    import matplotlib.pyplot as plt

    snaps = callback.snapshots
    if not snaps:
        raise ValueError("no snapshots recorded: pass the callback to fit() first")
    if indices is None:
        indices = np.unique(np.linspace(0, len(snaps) - 1, 4).round().astype(int))
    indices = list(indices)
    fig, axes = plt.subplots(1, len(indices), figsize=(3.2 * len(indices), 2.8), squeeze=False)
    for j, (ax, i) in enumerate(zip(axes[0], indices)):
        label = f"({chr(ord('a') + j)}) step {snaps[i].step}" if titles is None else titles[j]
        _figure_one_panel(ax, callback.grid, callback.p_data, snaps[i], title=label)
    axes[0][0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def animate_figure_one(callback: FigureOneSnapshots, *, interval: int = 200, max_frames: int = 60):
    """The snapshots as an animation (``IPython.display.HTML`` via ``to_jshtml``; plays in Colab too)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML
    from matplotlib import animation

    interval = check_int(interval, "interval", minimum=1)
    max_frames = check_int(max_frames, "max_frames", minimum=1)
    snaps = callback.snapshots
    if not snaps:
        raise ValueError("no snapshots recorded: pass the callback to fit() first")
    frames = np.unique(np.linspace(0, len(snaps) - 1, min(max_frames, len(snaps))).round().astype(int))
    fig, ax = plt.subplots(figsize=(5, 3))

    def update(i):
        ax.clear()
        _figure_one_panel(ax, callback.grid, callback.p_data, snaps[frames[i]])
        return ()

    anim = animation.FuncAnimation(fig, update, frames=len(frames), interval=interval, blit=False)
    html = HTML(anim.to_jshtml())
    plt.close(fig)
    return html
