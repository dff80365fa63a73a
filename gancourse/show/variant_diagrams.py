"""Block diagrams of the GAN variants chapter 8 explains (seed 004, "GAN Variations").

One small matplotlib figure per idea, drawn from boxes and arrows, no data:

* :func:`progressive_growing_diagram`: ProGAN (Karras et al. 2018) adds resolution blocks during training,
  fading each new block in with a weight α;
* :func:`pix2pix_diagram`, :func:`cyclegan_diagram`: image-to-image translation with paired data
  (Isola et al. 2017) and without (Zhu et al. 2017, the cycle-consistency loss);
* :func:`srgan_diagram`: super-resolution (Ledig et al. 2017): content loss plus an adversarial loss;
* :func:`inpainting_diagram`: chapter 6's completion by searching z (Yeh et al. 2017).

Each takes an optional matplotlib ``ax`` and returns it.
"""

from __future__ import annotations

COLOURS = {"G": "#cfe2f3", "D": "#f4cccc", "data": "#d9ead3", "loss": "#fff2cc", "plain": "#eeeeee"}
"""Box colours: generators, discriminators, images, losses, anything else."""


def _axes(ax, title: str, size=(7.5, 2.6)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    elif not hasattr(ax, "annotate"):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    return ax


def _box(ax, x, y, text, kind="plain", width=1.6, height=0.8, fontsize=8):
    """A rounded box centred at (x, y)."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=COLOURS[kind], edgecolor="0.3", linewidth=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, text="", style="-|>", colour="0.25", dashed=False):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": style, "color": colour, "lw": 1.0, "linestyle": "--" if dashed else "-",
                            "shrinkA": 2, "shrinkB": 2})
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.15, text, ha="center", va="bottom",
                fontsize=7, color=colour)


def progressive_growing_diagram(ax=None):
    """ProGAN: three training phases, G and D both growing from 4×4 to 16×16, the newest block faded in by α."""
    ax = _axes(ax, "Progressive growing (Karras et al. 2018): the networks grow during training")
    for phase, x0 in enumerate((0.3, 3.6, 6.9)):
        ax.text(x0 + 1.35, 3.75, f"phase {phase + 1}", ha="center", fontsize=8, weight="bold")
        y = 3.2
        for level in range(phase + 1):
            res = 4 * 2 ** level
            newest = level == phase and phase > 0
            _box(ax, x0 + 0.6, y, f"G {res}×{res}" + (" (α)" if newest else ""), "G", width=1.1, height=0.45,
                 fontsize=7)
            _box(ax, x0 + 2.1, y, f"D {res}×{res}" + (" (α)" if newest else ""), "D", width=1.1, height=0.45,
                 fontsize=7)
            if level < phase:
                _arrow(ax, (x0 + 0.6, y - 0.25), (x0 + 0.6, y - 0.55))
                _arrow(ax, (x0 + 2.1, y - 0.55), (x0 + 2.1, y - 0.25))
            y -= 0.8
        _arrow(ax, (x0 + 1.15, y + 0.8), (x0 + 1.55, y + 0.8))
    ax.text(5.0, 0.6, "G's newest block hands its image to D's newest block (→)", ha="center", fontsize=7)
    ax.text(5.0, 0.25, "new block's output = α · new + (1 − α) · upsampled old, α: 0 → 1 over a phase",
            ha="center", fontsize=7, style="italic")
    return ax


def pix2pix_diagram(ax=None):
    """pix2pix: G maps an input image x to y; D judges pairs (x, y) against (x, G(x)); plus L1 to the target."""
    ax = _axes(ax, "pix2pix (Isola et al. 2017): paired translation, a conditional GAN on images")
    _box(ax, 1.0, 2.0, "input x\n(e.g. edges)", "data")
    _box(ax, 3.4, 2.0, "G (U-Net)", "G")
    _box(ax, 5.8, 2.9, "G(x)", "data", width=1.2)
    _box(ax, 5.8, 1.1, "target y", "data", width=1.2)
    _box(ax, 8.3, 2.9, "D(x, G(x))\npatch scores", "D", width=1.9)
    _box(ax, 8.3, 1.1, "λ‖y − G(x)‖₁", "loss", width=1.9)
    _arrow(ax, (1.8, 2.0), (2.6, 2.0))
    _arrow(ax, (4.2, 2.2), (5.2, 2.8))
    _arrow(ax, (6.4, 2.9), (7.35, 2.9))
    _arrow(ax, (6.4, 1.1), (7.35, 1.1))
    _arrow(ax, (5.8, 2.5), (7.4, 1.35), dashed=True)
    _arrow(ax, (1.0, 2.4), (7.35, 3.25), "x goes to D too", dashed=True)
    return ax


def cyclegan_diagram(ax=None):
    """CycleGAN: G: X→Y and F: Y→X, one discriminator per domain, and ‖F(G(x)) − x‖₁ closing the cycle."""
    ax = _axes(ax, "CycleGAN (Zhu et al. 2017): unpaired translation with a cycle-consistency loss")
    _box(ax, 1.0, 2.0, "x (domain X,\ne.g. horses)", "data", width=1.8)
    _box(ax, 3.5, 3.0, "G: X → Y", "G")
    _box(ax, 6.0, 2.0, "G(x)\n(a zebra)", "data")
    _box(ax, 3.5, 1.0, "F: Y → X", "G")
    _box(ax, 8.4, 2.0, "D_Y: real\nzebra?", "D")
    _box(ax, 1.0, 0.35, "‖F(G(x)) − x‖₁", "loss", width=1.8, height=0.5)
    _arrow(ax, (1.6, 2.4), (2.7, 3.0))
    _arrow(ax, (4.3, 3.0), (5.4, 2.4))
    _arrow(ax, (6.8, 2.0), (7.6, 2.0))
    _arrow(ax, (5.4, 1.6), (4.3, 1.0), "back to X")
    _arrow(ax, (2.7, 0.9), (1.9, 0.5))
    ax.text(5.0, 3.75, "and the same the other way round: y → F(y) → G(F(y)) ≈ y, with D_X", ha="center",
            fontsize=7, style="italic")
    return ax


def srgan_diagram(ax=None):
    """SRGAN: a low-resolution image upscaled by G; content loss to the high-resolution image plus D's loss."""
    ax = _axes(ax, "Super-resolution, SRGAN (Ledig et al. 2017): distortion loss + adversarial loss")
    _box(ax, 1.0, 2.0, "low resolution\n(e.g. 7×7)", "data", width=1.7)
    _box(ax, 3.4, 2.0, "G: upsampling\nconvolutions", "G", width=1.8)
    _box(ax, 5.9, 2.0, "G(x)\n28×28", "data", width=1.3)
    _box(ax, 8.4, 3.0, "content loss\n(L1 / VGG features)", "loss", width=2.0)
    _box(ax, 8.4, 1.0, "D: a real 28×28\nor an upscaled one?", "D", width=2.0)
    _box(ax, 5.9, 3.5, "real 28×28", "data", width=1.3, height=0.5)
    _arrow(ax, (1.85, 2.0), (2.5, 2.0))
    _arrow(ax, (4.3, 2.0), (5.25, 2.0))
    _arrow(ax, (6.55, 2.2), (7.4, 2.9))
    _arrow(ax, (6.55, 1.8), (7.4, 1.1))
    _arrow(ax, (6.55, 3.5), (7.4, 3.2), dashed=True)
    ax.text(5.0, 0.2, "loss(G) = content + λ_adv · adversarial: sharper than content alone, lower PSNR",
            ha="center", fontsize=7, style="italic")
    return ax


def inpainting_diagram(ax=None):
    """Chapter 6: a damaged image, a search over z, G(ẑ) blended into the hole."""
    ax = _axes(ax, "Inpainting (Yeh et al. 2017, chapter 6): search z, keep G fixed")
    _box(ax, 1.0, 2.0, "damaged y\nmask M", "data", width=1.6)
    _box(ax, 3.4, 3.0, "z (optimised)", "plain", width=1.6)
    _box(ax, 5.6, 3.0, "G (trained,\nfixed)", "G", width=1.6)
    _box(ax, 5.6, 1.0, "‖M⊙(G(z) − y)‖₁\n+ λ log(1 − D(G(z)))", "loss", width=2.6)
    _box(ax, 8.6, 2.0, "M⊙y + (1 − M)⊙G(ẑ)", "data", width=2.3)
    _arrow(ax, (4.2, 3.0), (4.8, 3.0))
    _arrow(ax, (5.6, 2.55), (5.6, 1.5))
    _arrow(ax, (1.8, 1.8), (4.3, 1.1))
    _arrow(ax, (4.3, 1.3), (3.4, 2.6), "∂L/∂z", dashed=True)
    _arrow(ax, (6.4, 3.0), (7.6, 2.3), "ẑ")
    return ax
