"""gancourse.inpainting.benchmark: the chapter-6 table, on a tiny generator whose images are reachable."""

import types

import numpy as np
import pytest
from inpainting_helpers import tiny_generator

from gancourse.evaluate.completion import hole_psnr
from gancourse.inpainting import benchmark, methods

keras = pytest.importorskip("keras")

H = W = 8
D = 4
SIZES = types.SimpleNamespace(steps=200, restarts=2, learning_rate=0.05, prior_weight=0.0, tune_steps=2,
                              tune_learning_rate=1e-4, window=7, candidates=4, schedule="cosine")


def _generator():
    return tiny_generator(keras, D, H)


def _score(truth):
    def score(done, mask):
        out = {"psnr_image": 0.0, "accuracy": 1.0}
        if mask is not None:
            out["psnr_hole"] = hole_psnr(done, truth, mask)
        return out
    return score


def test_masks_are_yehs_three_at_the_chosen_sizes():
    masks = benchmark.evaluation_masks((28, 28), center_size=10, missing_fraction=0.5, seed=1)
    assert list(masks) == ["center 10x10", "bottom half", "random 50%"]
    assert [int((m == 0).sum()) for m in masks.values()] == [100, 392, 392]


def test_table_has_every_method_for_every_mask_and_the_generator_wins_on_its_own_images():
    g = _generator()
    x = np.asarray(g(np.random.default_rng(7).standard_normal((4, D)).astype(np.float32)))
    encoder = keras.Sequential([keras.Input((H, W, 1)), keras.layers.Flatten(), keras.layers.Dense(D)])
    masks = {"centre": np.pad(np.zeros((4, 4), np.float32), 2, constant_values=1.0)}
    table, done = benchmark.completion_table(g, None, encoder, x, masks, SIZES, score=_score(x))
    expected = list(methods.CLASSICAL_METHODS) + list(methods.YEH_METHODS) + list(methods.STRONGER_METHODS)
    assert list(table["centre"]) == expected and list(done["centre"]) == expected
    name, _ = benchmark.best_classical(table["centre"])
    gain = benchmark.margins_over_classical(table["centre"], "Yeh (direct)")
    assert gain["best_classical"] == name and gain["psnr_gain_db"] > 5   # the true z exists and is found
    whole, fits = benchmark.whole_image_table(g, None, encoder, x, SIZES, score=_score(x))
    assert list(whole) == ["z only", *methods.STRONGER_METHODS]
    # G's own output, not the input handed back by a blend with nothing missing
    assert not np.allclose(fits["encoder start"], x, atol=1e-3)
    np.testing.assert_allclose(fits["encoder start"], np.asarray(g(encoder(x))), atol=1e-5)


def test_table_refuses_a_score_that_is_not_a_function():
    g = _generator()
    x = np.zeros((1, H, W, 1), np.float32)
    with pytest.raises(TypeError, match="score"):
        benchmark.completion_table(g, None, None, x, {}, SIZES, score=None)


def test_evaluation_subset_is_fixed_by_the_seed_and_keeps_labels_with_images():
    x = np.arange(50, dtype=np.float32).reshape(50, 1, 1, 1)
    y = np.arange(50)
    a, la = benchmark.evaluation_subset(x, y, 10, seed=0)
    b, lb = benchmark.evaluation_subset(x, y, 10, seed=0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[:, 0, 0, 0], la)                  # each label stays with its image
    assert not np.array_equal(la, np.arange(10))                        # shuffled, not the first ten
    with pytest.raises(ValueError, match="same length"):
        benchmark.evaluation_subset(x, y[:5], 3)


def test_margins_compare_each_metric_with_its_own_best_baseline():
    # mean fill has the best PSNR, Navier-Stokes the best accuracy (as on the half mask): the accuracy gain
    # must be taken over Navier-Stokes, not over the PSNR winner (which would flatter the method by 20 points)
    row = {name: {"psnr_hole": 9.0, "accuracy": 0.5} for name in methods.CLASSICAL_METHODS}
    row["mean fill"] = {"psnr_hole": 10.0, "accuracy": 0.5}
    row["Navier-Stokes"] = {"psnr_hole": 9.5, "accuracy": 0.7}
    row["Yeh (direct)"] = {"psnr_hole": 11.5, "accuracy": 0.75}
    gain = benchmark.margins_over_classical(row, "Yeh (direct)")
    assert gain["best_classical"] == "mean fill" and gain["best_classical_accuracy"] == "Navier-Stokes"
    assert gain["psnr_gain_db"] == 1.5 and gain["accuracy_gain_points"] == 5.0
