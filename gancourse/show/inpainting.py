"""Chapter 6's pictures: completions side by side, masked inputs, and the control that moves the hole.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_int, check_number
from ..data.images import tile_images

__all__ = ["masked_for_display", "show_completions", "InpaintingControl", "inpainting_control"]

HOLE_SHADE = 0.0
"""Value (on [-1, 1]) the hole is painted with in a masked input: mid-grey, so it differs from ink and paper."""


def masked_for_display(images, mask) -> np.ndarray:
    """The images with the hole painted mid-grey, (N, H, W, C) in [-1, 1]: what a method is given."""
    y = as_finite_array(images, "images", ndim=4)
    m = as_finite_array(mask, "mask")
    m = m[None, :, :, None] if m.ndim == 2 else m
    try:
        m = np.broadcast_to(m, y.shape)
    except ValueError:
        raise ValueError(f"mask of shape {np.shape(mask)} does not broadcast to the images' shape {y.shape}") from None
    return m * y + (1.0 - m) * HOLE_SHADE


def show_completions(rows: dict, *, title: str | None = None, size: float = 0.9):
    """One row of images per entry of ``rows`` (name -> (N, H, W, C) in [-1, 1]), its name on the left.

    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(rows, dict) or not rows:
        raise TypeError(f"rows must be a non-empty dict of name -> images, got {type(rows).__name__}")
    size = check_number(size, "size", minimum=0.0, exclusive_minimum=True)
    tiles = {name: tile_images(as_finite_array(images, name), ncols=len(images)) for name, images in rows.items()}
    width = max(t.shape[1] for t in tiles.values()) / max(t.shape[0] for t in tiles.values())
    fig, axes = plt.subplots(len(tiles), 1, figsize=(size * width + 1.8, size * len(tiles)), squeeze=False)
    for ax, (name, tile) in zip(axes[:, 0], tiles.items()):
        ax.imshow(tile.squeeze(-1) if tile.shape[-1] == 1 else tile, cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


class InpaintingControl:
    """Pick a test image, move and resize a square hole, and see the completions redrawn.

    Args:
        images: (N, H, W, C) in [-1, 1], the images to choose from.
        complete: ``complete(image, mask) -> {name: completed}`` for one image
            (1, H, W, C) and an (H, W) mask (1 = known); e.g. Yeh's search and a
            baseline. Called once per change.
        size, top, left: the hole's starting side and top-left pixel.

    ``render(index, size, top, left)`` returns the tiled row [masked input,
    each completion, truth] as an (H', W', C) array in [0, 1] without any
    widget (what the control shows; tests call it); ``widget`` builds the
    ipywidgets box.
    """

    def __init__(self, images, complete, *, size: int = 10, top: int | None = None, left: int | None = None,
                 scale: float = 1.6):
        self.images = as_finite_array(images, "images", ndim=4, dtype=np.float32)
        if not callable(complete):
            raise TypeError(f"complete must be a function (image, mask) -> dict, got {type(complete).__name__}")
        self.complete = complete
        self.height, self.width = self.images.shape[1:3]
        self.size = check_int(size, "size", minimum=1, maximum=min(self.height, self.width))
        self.top = (self.height - self.size) // 2 if top is None else check_int(top, "top", minimum=0)
        self.left = (self.width - self.size) // 2 if left is None else check_int(left, "left", minimum=0)
        self.scale = check_number(scale, "scale", minimum=0.0, exclusive_minimum=True)
        self.names: list[str] = []

    def mask(self, size: int, top: int, left: int) -> np.ndarray:
        """The (H, W) mask of a ``size`` square at (top, left), moved inside the image if it sticks out."""
        size = check_int(size, "size", minimum=1, maximum=min(self.height, self.width))
        top = min(check_int(top, "top", minimum=0), self.height - size)
        left = min(check_int(left, "left", minimum=0), self.width - size)
        mask = np.ones((self.height, self.width), np.float32)
        mask[top:top + size, left:left + size] = 0.0
        return mask

    def render(self, index: int, size: int, top: int, left: int) -> np.ndarray:
        """The row [masked input, completions..., truth] for one image and hole."""
        index = check_int(index, "index", minimum=0, maximum=len(self.images) - 1)
        image = self.images[index:index + 1]
        mask = self.mask(size, top, left)
        done = self.complete(image, mask)
        if not isinstance(done, dict) or not done:
            raise TypeError(f"complete must return a non-empty dict of name -> image, got {type(done).__name__}")
        self.names = ["input", *done, "truth"]
        row = [masked_for_display(image, mask)[0], *(np.asarray(v, np.float32).reshape(image.shape[1:])
                                                    for v in done.values()), image[0]]
        return tile_images(np.stack(row), ncols=len(row))

    def widget(self):
        """A ``VBox``: an image picker, the hole's size and position (sliders), and the redrawn row."""
        import ipywidgets as widgets
        import matplotlib.pyplot as plt
        from IPython.display import display

        picker = widgets.IntSlider(value=0, min=0, max=len(self.images) - 1, description="image",
                                   continuous_update=False)
        size = widgets.IntSlider(value=self.size, min=2, max=min(self.height, self.width), description="hole size",
                                 continuous_update=False)
        # the hole stays inside the image: top and left reach H - size and W - size, updated with the size
        top = widgets.IntSlider(value=min(self.top, self.height - self.size), min=0, max=self.height - self.size,
                                description="top", continuous_update=False)
        left = widgets.IntSlider(value=min(self.left, self.width - self.size), min=0, max=self.width - self.size,
                                 description="left", continuous_update=False)
        output = widgets.Output()

        def show(change=None):
            with output:  # render inside: an error in a redraw is shown under the controls, not lost
                output.clear_output(wait=True)
                tile = self.render(picker.value, size.value, top.value, left.value)
                fig, ax = plt.subplots(figsize=(self.scale * len(self.names), self.scale + 0.4))
                ax.imshow(tile.squeeze(-1) if tile.shape[-1] == 1 else tile, cmap="gray", vmin=0, vmax=1)
                ax.set_title("   |   ".join(self.names), fontsize=9)
                ax.axis("off")
                display(fig)
                plt.close(fig)

        def resize(change):
            for control in (top, left):  # one redraw for the new size, not one more per clamped slider
                control.unobserve(show, names="value")
            top.max, left.max = self.height - size.value, self.width - size.value  # clamps their values
            for control in (top, left):
                control.observe(show, names="value")
            show()

        size.observe(resize, names="value")
        for control in (picker, top, left):  # observe() works the same in ipywidgets 7 and 8
            control.observe(show, names="value")
        show()
        return widgets.VBox([widgets.HBox([picker, size]), widgets.HBox([top, left]), output])


def inpainting_control(images, complete, **kwargs):
    """Build an :class:`InpaintingControl` and return its widget (display it as a cell's last value)."""
    return InpaintingControl(images, complete, **kwargs).widget()
