"""Interactive controls (ipywidgets): walking the latent space with sliders.
"""

from __future__ import annotations

import numpy as np

from ..config.validate import as_finite_array, check_choice, check_int, check_number
from ..nets.latent import lerp, slerp
from .images import tile_images


class LatentWalk:
    """A slider that moves ``t`` along a path between latent codes and shows ``G(z(t))``.

    Args:
        generator: a Keras model (or callable) mapping z ``(N, latent_dim)`` to
            images in [-1, 1].
        z0, z1: the path's ends, each ``(latent_dim,)`` or a batch
            ``(n, latent_dim)`` (one path per row, shown side by side).
        method: ``"slerp"`` (default) or ``"lerp"``.
        steps: positions of the slider between 0 and 1.
        direction: instead of ``z1``, walk ``z0 + t · direction`` for t in
            [-``span``, ``span``] (an attribute direction from vector arithmetic).

    ``render(t)`` returns the tiled image for position ``t`` without any
    widget (what the slider shows; tests call it); ``widget`` builds the
    ipywidgets box.
    """

    def __init__(self, generator, z0, z1=None, *, method: str = "slerp", steps: int = 20,
                 direction=None, span: float = 3.0, size: float = 3.0):
        if not callable(generator):
            raise TypeError(f"generator must be a Keras model or a callable, got {type(generator).__name__}")
        if (z1 is None) == (direction is None):
            raise ValueError("give exactly one of z1 (a path between two codes) or direction (a line through z0)")
        method = check_choice(method, "method", ("slerp", "lerp"))
        steps = check_int(steps, "steps", minimum=2)
        span = check_number(span, "span", minimum=0.0, exclusive_minimum=True)
        size = check_number(size, "size", minimum=0.0, exclusive_minimum=True)
        self.generator = generator
        self.z0 = np.atleast_2d(as_finite_array(z0, "z0", dtype=np.float32))
        other_name, other = ("z1", z1) if z1 is not None else ("direction", direction)
        self.other = np.atleast_2d(as_finite_array(other, other_name, dtype=np.float32))
        if self.other.shape[1] != self.z0.shape[1]:
            raise ValueError(f"codes must have the same size, got {self.z0.shape} and {self.other.shape}")
        if len(self.other) == 1 and len(self.z0) > 1:
            self.other = np.repeat(self.other, len(self.z0), axis=0)
        if len(self.other) != len(self.z0):
            raise ValueError(f"z0 has {len(self.z0)} codes but the other end has {len(self.other)}")
        self.is_direction = direction is not None
        self.method = method
        self.steps = steps
        self.span = span
        self.size = size

    @property
    def t_range(self) -> tuple[float, float]:
        return (-self.span, self.span) if self.is_direction else (0.0, 1.0)

    def codes(self, t: float) -> np.ndarray:
        """The latent codes at position ``t``, shape ``(n, latent_dim)``."""
        if self.is_direction:
            return (self.z0 + float(t) * self.other).astype(np.float32)
        path = slerp if self.method == "slerp" else lerp
        return np.stack([path(a, b, float(t)) for a, b in zip(self.z0, self.other)]).astype(np.float32)

    def images(self, t: float) -> np.ndarray:
        """``G(codes(t))`` as a NumPy array in [-1, 1]."""
        z = self.codes(t)
        out = self.generator(z, training=False) if hasattr(self.generator, "predict_on_batch") else self.generator(z)
        return np.asarray(out, dtype=np.float32)

    def render(self, t: float) -> np.ndarray:
        """The tiled images at ``t`` as an (H, W, C) array in [0, 1]."""
        return tile_images(self.images(t), ncols=len(self.z0))

    def widget(self):
        """A ``VBox`` of a ``FloatSlider`` (``continuous_update=False``) and the image output."""
        import ipywidgets as widgets
        import matplotlib.pyplot as plt
        from IPython.display import display

        lo, hi = self.t_range
        slider = widgets.FloatSlider(value=lo if not self.is_direction else 0.0, min=lo, max=hi,
                                     step=(hi - lo) / (self.steps - 1), description="t",
                                     continuous_update=False, readout_format=".2f")
        output = widgets.Output()

        def show(change=None):
            with output:  # render inside: an error in a redraw is shown under the slider, not lost
                output.clear_output(wait=True)
                tile = self.render(slider.value)
                fig, ax = plt.subplots(figsize=(self.size * tile.shape[1] / tile.shape[0], self.size))
                ax.imshow(tile.squeeze(-1) if tile.shape[-1] == 1 else tile, cmap="gray", vmin=0, vmax=1)
                ax.set_title(f"t = {slider.value:.2f}")
                ax.axis("off")
                display(fig)
                plt.close(fig)

        # observe() works the same in ipywidgets 7 and 8
        slider.observe(show, names="value")
        show()
        return widgets.VBox([slider, output])


def latent_walk(generator, z0, z1=None, **kwargs):
    """Build a :class:`LatentWalk` and return its widget (display it as a cell's last value)."""
    return LatentWalk(generator, z0, z1, **kwargs).widget()
