"""gancourse.show.variant_diagrams: each variant's diagram draws its networks and data flow on the given Axes."""

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from gancourse.show import variant_diagrams  # noqa: E402

DIAGRAMS = [variant_diagrams.progressive_growing_diagram, variant_diagrams.pix2pix_diagram,
            variant_diagrams.cyclegan_diagram, variant_diagrams.srgan_diagram, variant_diagrams.inpainting_diagram]


@pytest.mark.parametrize("draw", DIAGRAMS, ids=lambda f: f.__name__)
def test_each_diagram_draws_boxes_arrows_and_a_title_on_the_axes_it_is_given(draw):
    open_before = set(plt.get_fignums())  # an earlier test in this worker may have left figures open
    fig, ax = plt.subplots()
    try:
        out = draw(ax)
        assert out is None or out is ax                             # drew where it was told, not a new figure
        assert ax.get_title()                                       # says which variant it is
        boxes = [p for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
        arrows = [t for t in ax.texts if type(t).__name__ == "Annotation"]
        assert len(boxes) >= 2 and len(arrows) >= 1                 # at least two parts and a flow between them
        assert any("G" in t.get_text() or "generator" in t.get_text().lower() for t in ax.texts)
        assert set(plt.get_fignums()) - open_before == {fig.number}  # no figure of its own
    finally:
        plt.close(fig)


@pytest.mark.parametrize("draw", DIAGRAMS, ids=lambda f: f.__name__)
def test_a_non_axes_is_refused_by_name(draw):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        draw("not axes")
