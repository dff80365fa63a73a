"""gancourse.show.inpainting: the masked input, the completion rows and the control that moves the hole."""

import numpy as np
import pytest

from gancourse.show import inpainting as show

pytest.importorskip("matplotlib")


def _images(n=3):
    return np.linspace(-1, 1, n * 8 * 8, dtype=np.float32).reshape(n, 8, 8, 1)


def test_masked_input_paints_only_the_hole_grey():
    x = _images(1)
    mask = np.ones((8, 8), np.float32)
    mask[2:4, 2:4] = 0
    shown = show.masked_for_display(x, mask)
    assert np.all(shown[0, 2:4, 2:4] == show.HOLE_SHADE)
    np.testing.assert_array_equal(shown[0][mask == 1], x[0][mask == 1])
    with pytest.raises(ValueError, match="mask"):
        show.masked_for_display(x, np.ones((5, 5)))


def test_control_renders_input_completions_truth_and_moves_the_hole():
    calls = []

    def complete(image, mask):
        calls.append(mask.copy())
        return {"zeros": np.zeros_like(image), "ones": np.ones_like(image)}

    control = show.InpaintingControl(_images(), complete, size=3)
    first = control.render(1, 3, 0, 0)
    assert control.names == ["input", "zeros", "ones", "truth"]
    assert first.shape == (8 + 2, 4 * 9 + 1, 1)
    moved = control.render(1, 3, 5, 5)
    assert not np.array_equal(first, moved)                       # the hole moved: the input panel changed
    assert calls[0][0, 0] == 0 and calls[1][0, 0] == 1 and calls[1][7, 7] == 0
    control.render(1, 4, 7, 7)                                    # sticking out: moved back inside
    assert calls[-1][4:8, 4:8].max() == 0 and calls[-1].sum() == 64 - 16
    with pytest.raises(ValueError, match="index"):
        control.render(3, 3, 0, 0)


def test_control_refuses_a_complete_that_returns_nothing():
    control = show.InpaintingControl(_images(), lambda image, mask: {}, size=3)
    with pytest.raises(TypeError, match="complete"):
        control.render(0, 3, 0, 0)


def test_show_completions_draws_one_labelled_row_per_method():
    import matplotlib.pyplot as plt

    fig = show.show_completions({"input": _images(), "truth": _images()})
    assert [ax.get_ylabel() for ax in fig.axes] == ["input", "truth"]
    plt.close(fig)


def test_widget_keeps_the_hole_inside_and_redraws_once_per_change():
    pytest.importorskip("ipywidgets")
    masks_seen = []

    def complete(image, mask):
        masks_seen.append(mask.copy())
        return {"same": image}

    box = show.InpaintingControl(_images(), complete, size=3).widget()
    (picker, size), (top, left) = box.children[0].children, box.children[1].children
    assert top.max == 5 and left.max == 5
    top.value = 5
    size.value = 6                     # the hole grows: top and left now end at 2, top is moved there
    assert (top.max, left.max, top.value) == (2, 2, 2)
    assert len(masks_seen) == 3        # first draw, the move, the resize: one redraw each
    assert masks_seen[-1][2:8, :].min() == 0 and masks_seen[-1].sum() == 64 - 36
