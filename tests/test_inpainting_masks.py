"""gancourse.inpainting.masks: the 1 = known / 0 = hole convention, shapes, seeds and bad input."""

import numpy as np
import pytest

from gancourse.inpainting import masks


def test_center_square_is_the_hole_at_the_centre():
    m = masks.center_square_mask((28, 28, 1), 14)
    assert m.shape == (28, 28) and m.dtype == np.float32
    hole = np.argwhere(m == 0)
    # rows/cols 7..20: a shifted or inverted square fails here
    assert hole.min(axis=0).tolist() == [7, 7] and hole.max(axis=0).tolist() == [20, 20]
    assert (m == 0).sum() == 14 * 14 and (m == 1).sum() == 28 * 28 - 196


def test_center_square_odd_margin_and_rectangular_image():
    m = masks.center_square_mask((9, 12), 4)  # top = (9 - 4) // 2 = 2, left = (12 - 4) // 2 = 4
    hole = np.argwhere(m == 0)
    assert hole.min(axis=0).tolist() == [2, 4] and hole.max(axis=0).tolist() == [5, 7]
    assert masks.center_square_mask((5, 5), 5).sum() == 0  # the whole image may be the hole
    assert masks.center_square_mask((1, 5, 5, 3), 1)[2, 2] == 0  # (N, H, W, C) shapes give (H, W)


def test_random_pixel_mask_exact_count_and_seed():
    a = masks.random_pixel_mask((10, 10), 0.8, seed=3)
    assert (a == 0).sum() == 80 and set(np.unique(a)) == {0.0, 1.0}
    np.testing.assert_array_equal(a, masks.random_pixel_mask((10, 10), 0.8, seed=3))
    assert not np.array_equal(a, masks.random_pixel_mask((10, 10), 0.8, seed=4))
    assert masks.random_pixel_mask((10, 10), 0.0).min() == 1.0
    assert masks.random_pixel_mask((10, 10), 1.0).max() == 0.0


@pytest.mark.parametrize("side, hole_index, known_index", [
    ("bottom", (6, 3), (0, 3)), ("top", (0, 3), (6, 3)), ("left", (3, 0), (3, 6)), ("right", (3, 6), (3, 0))])
def test_half_mask_removes_the_named_half(side, hole_index, known_index):
    m = masks.half_mask((7, 7), side)
    assert m[hole_index] == 0 and m[known_index] == 1
    assert (m == 0).sum() == 3 * 7  # floor(7 / 2) lines; the middle one stays known
    assert m[3, 3] == 1


def test_as_mask_broadcasts_hw_to_the_batch():
    m = masks.center_square_mask((6, 6), 2)
    full = masks.as_mask(m, (3, 6, 6, 2))
    assert full.shape == (3, 6, 6, 2)
    np.testing.assert_array_equal(full[2, :, :, 1], m)
    per_image = np.ones((3, 6, 6, 1), bool)
    per_image[1, 0, 0, 0] = False  # booleans: True = known
    out = masks.as_mask(per_image, (3, 6, 6, 2))
    assert out[1, 0, 0, 1] == 0 and out[0, 0, 0, 0] == 1


@pytest.mark.parametrize("bad, error, words", [
    (np.ones((5, 6)), ValueError, "does not fit"),      # wrong (H, W)
    (np.full((6, 6), 0.5), ValueError, "only 0"),       # not binary
    (np.full((6, 6), np.nan), ValueError, "finite"),
    ("mask", TypeError, "mask"),
])
def test_as_mask_refuses_bad_masks(bad, error, words):
    with pytest.raises(error, match=words):
        masks.as_mask(bad, (2, 6, 6, 1))


def test_factories_refuse_bad_arguments():
    with pytest.raises(ValueError, match="size"):
        masks.center_square_mask((8, 8), 9)
    with pytest.raises(TypeError, match="size"):
        masks.center_square_mask((8, 8), 2.0)
    with pytest.raises(ValueError, match="missing_fraction"):
        masks.random_pixel_mask((8, 8), 1.5)
    with pytest.raises(ValueError, match="seed"):
        masks.random_pixel_mask((8, 8), 0.5, seed=-1)
    with pytest.raises(ValueError, match="side"):
        masks.half_mask((8, 8), "middle")
    with pytest.raises(ValueError, match="image_shape"):
        masks.half_mask((8,), "top")
    with pytest.raises(TypeError, match="image_shape"):
        masks.half_mask(8, "top")


def test_square_mask_places_the_hole_at_top_left_and_refuses_one_outside():
    m = masks.square_mask((28, 28), 5, 2, 20)
    assert m.sum() == 28 * 28 - 25 and m[2:7, 20:25].max() == 0 and m[1, 20] == 1 and m[2, 19] == 1
    with pytest.raises(ValueError, match="left"):
        masks.square_mask((28, 28), 5, 0, 24)


def test_random_training_masks_mix_every_kind():
    drawn = masks.random_training_masks((28, 28), 400, seed=3)
    assert drawn.shape == (400, 28, 28) and set(np.unique(drawn)) <= {0.0, 1.0}
    missing = 1 - drawn.reshape(400, -1).mean(axis=1)
    assert np.sum(missing == 0) > 50                              # whole images
    assert np.sum(np.isclose(missing, 0.5)) > 50                  # halves
    assert np.sum((missing > 0.5) & (missing <= 0.9)) > 50         # scattered pixels
    assert np.sum((missing > 0) & (missing <= 18 * 18 / 784)) > 50  # squares
    np.testing.assert_array_equal(drawn, masks.random_training_masks((28, 28), 400, seed=3))
