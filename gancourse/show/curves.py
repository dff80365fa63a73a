"""Training curves and class histograms.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_int, check_number


def plot_history(history, keys=None, *, ax=None, title: str = "training curves", smooth: int = 1,
                 ylabel: str | None = None, ylim: tuple[float, float] | None = None):
    """Plot loss/metric curves from a Keras ``History``, a dict of lists, or lists of dicts.

    Curves on one axis share its scale: draw quantities of different kinds
    (losses, an accuracy in [0, 1]) on separate axes (``ax=``), each with its
    ``ylabel``.

    Args:
        history: ``keras.callbacks.History`` or ``{name: [values...]}``.
        keys: which curves (default: all).
        smooth: moving-average window in points (1 = raw).
        ylabel: the y axis's label (what the curves measure); ``None``: none.
        ylim: the y axis's limits, e.g. ``(0, 1)`` for an accuracy; ``None``: automatic.
    """
    import matplotlib.pyplot as plt

    smooth = check_int(smooth, "smooth", minimum=1)
    if ylabel is not None and not isinstance(ylabel, str):
        raise TypeError(f"ylabel must be a str or None, got {type(ylabel).__name__}: {ylabel!r}")
    if ylim is not None:
        ylim = tuple(as_finite_array(ylim, "ylim", ndim=1).tolist())
        if len(ylim) != 2 or not ylim[0] < ylim[1]:
            raise ValueError(f"ylim must be (low, high) with low < high, got {ylim}")
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
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_class_histogram(histogram, *, ax=None, title: str = "classes of the samples",
                         class_names=None, min_share: float = 0.01):
    """Bar chart of the share of samples per class, as ``gancourse.metrics.class_histogram`` returns.

    A dashed line marks the uniform share 1/K (what MNIST's nearly balanced
    classes give), a dotted one ``min_share`` (below it a class does not count
    as covered). ``histogram`` may also be (N, K) softmax outputs; each row is
    then assigned to its most probable class. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    h = as_finite_array(histogram, "histogram")
    min_share = check_number(min_share, "min_share", minimum=0.0, maximum=1.0)
    if h.ndim == 2:  # probabilities: argmax assignment, as class_histogram
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
