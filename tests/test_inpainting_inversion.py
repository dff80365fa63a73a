"""gancourse.inpainting.inversion / .stronger_inversion on a tiny generator whose true z is known."""

import numpy as np
import pytest

import gancourse.inpainting as ip
from gancourse.objectives import inpainting as objectives

keras = pytest.importorskip("keras")

H = W = 8
D = 4


def _generator(latent_dim=D, seed=1):
    """G(z) = tanh(A z) reshaped to 8 x 8 x 1: smooth, injective for D = 4, outputs in [-1, 1]."""
    a = (np.random.default_rng(seed).standard_normal((latent_dim, H * W)) * 0.4).astype(np.float32)
    g = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(H * W, activation="tanh", use_bias=False),
                          keras.layers.Reshape((H, W, 1))])
    g.layers[0].set_weights([a])
    return g


def _discriminator():
    d = keras.Sequential([keras.Input((H, W, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    d.layers[-1].set_weights([np.full((H * W, 1), 0.05, np.float32), np.zeros(1, np.float32)])
    return d


@pytest.fixture(scope="module")
def setup():
    g = _generator()
    z_true = np.random.default_rng(7).standard_normal((6, D)).astype(np.float32)
    return g, z_true, np.asarray(g(z_true)), ip.center_square_mask((H, W), 4)


def _plain_loss(g, z, y, m):
    return np.abs(objectives.as_mask(m, y.shape) * (np.asarray(g(z)) - y)).sum(axis=(1, 2, 3))


def test_fit_recovers_the_true_z_and_the_hole(setup):
    g, z_true, y, m = setup
    fit = ip.fit_latent(g, None, y, m, steps=300, restarts=2, learning_rate=0.05, weighting="plain", seed=0)
    assert fit.z.shape == (6, D) and fit.generated.shape == y.shape and fit.history.shape == (300, 6)
    assert np.all(fit.loss < 0.02 * fit.history[0])          # known pixels fit far better than at the start
    hole = np.broadcast_to(m[None, :, :, None] == 0, y.shape)
    assert np.abs(fit.generated - y)[hole].max() < 0.05      # 48 known pixels pin 4 unknowns: the hole follows
    np.testing.assert_allclose(fit.z, z_true, atol=0.05)


def test_restarts_keep_the_least_final_loss_per_image(setup):
    g, _, y, m = setup
    fit = ip.fit_latent(g, None, y, m, steps=15, restarts=5, learning_rate=0.05, weighting="plain", seed=3)
    assert fit.restart_losses.shape == (5, 6)
    np.testing.assert_allclose(fit.loss, fit.restart_losses.min(axis=0))
    assert np.any(fit.restart_losses.argmin(axis=0) != 0)    # "always restart 0" would pass the line above here
    # the returned z and G(z) are those of the kept restart, not of another one
    np.testing.assert_allclose(fit.generated, np.asarray(g(fit.z)), atol=1e-5)
    np.testing.assert_allclose(_plain_loss(g, fit.z, y, m), fit.loss, rtol=1e-4)


def test_restarts_run_independently(setup):
    g, _, y, m = setup
    kwargs = dict(steps=20, learning_rate=0.05, weighting="plain", seed=5)
    single = ip.fit_latent(g, None, y, m, restarts=1, **kwargs)
    several = ip.fit_latent(g, None, y, m, restarts=3, **kwargs)
    np.testing.assert_allclose(several.restart_losses[0], single.loss, rtol=1e-4)  # batching does not couple codes
    assert np.all(several.loss <= single.loss + 1e-5)


def test_screening_keeps_the_codes_of_least_loss_among_the_candidates(setup):
    g, _, y, m = setup
    kwargs = dict(steps=0, weighting="plain", seed=4)
    every = ip.fit_latent(g, None, y, m, restarts=8, **kwargs).restart_losses        # the same 8 draws, each kept
    screened = ip.fit_latent(g, None, y, m, restarts=2, candidates=8, **kwargs).restart_losses
    np.testing.assert_allclose(screened, np.sort(every, axis=0)[:2], rtol=1e-5)     # the best two, best first
    assert np.any(np.sort(every, axis=0)[:2] != every[:2])                          # "the first two" would differ


def test_cosine_schedule_decays_the_step_size_to_its_floor():
    from gancourse.inpainting import inversion
    rate = inversion._step_size(0.1, 40, "cosine")
    np.testing.assert_allclose([float(rate(0)), float(rate(20)), float(rate(40))],
                               [0.1, 0.1 * (inversion.COSINE_FLOOR + (1 - inversion.COSINE_FLOOR) / 2),
                                0.1 * inversion.COSINE_FLOOR], rtol=1e-5)
    assert inversion._step_size(0.1, 40, "constant") == 0.1 and inversion._step_size(0.1, 0, "cosine") == 0.1


def test_z_is_kept_in_the_typical_set():
    g = _generator()
    y = np.ones((2, H, W, 1), np.float32)  # saturated target: the loss keeps falling as ||z|| grows
    m = np.ones((H, W), np.float32)
    kwargs = dict(steps=80, learning_rate=0.5, weighting="plain", seed=0)
    free = ip.fit_latent(g, None, y, m, z_constraint="none", **kwargs)
    ball = ip.fit_latent(g, None, y, m, **kwargs)
    box = ip.fit_latent(g, None, y, m, z_constraint="box", z_limit=0.5, **kwargs)
    limit = ip.default_z_limit(D)
    assert limit == pytest.approx(2 + 3 / np.sqrt(2))
    assert np.linalg.norm(free.z, axis=1).max() > limit      # without the constraint z does leave the set
    assert np.linalg.norm(ball.z, axis=1).max() <= limit + 1e-4
    assert np.abs(box.z).max() <= 0.5 + 1e-6


def test_loss_includes_the_weighted_prior_term(setup):
    g, _, y, m = setup
    d = _discriminator()
    fit = ip.fit_latent(g, d, y, m, steps=30, learning_rate=0.05, prior_weight=2.0, prior="non_saturating", seed=0)
    weights = objectives.importance_weights(objectives.as_mask(m, y.shape), 7)
    expected = objectives.inpainting_loss(fit.generated, y, weights, d(fit.generated), prior_weight=2.0,
                                          prior="non_saturating")
    np.testing.assert_allclose(fit.loss, expected, rtol=1e-4)
    without = ip.fit_latent(g, d, y, m, steps=30, learning_rate=0.05, prior_weight=0.0, seed=0)
    assert np.abs(fit.z - without.z).max() > 1e-3            # D's term does move the search


def test_history_snapshots_progress_and_start(setup):
    g, z_true, y, m = setup
    calls = []
    fit = ip.fit_latent(g, None, y, m, steps=25, snapshot_every=10, progress=lambda *a: calls.append(a),
                        progress_every=10, z_start=z_true, weighting="plain")
    assert [c[:2] for c in calls] == [(10, 25), (20, 25), (25, 25)]
    assert fit.snapshot_steps == (0, 10, 20, 25) and fit.snapshots.shape == (4, 6, H, W, 1)
    np.testing.assert_allclose(fit.snapshots[-1], fit.generated)
    np.testing.assert_allclose(fit.snapshots[0], y, atol=1e-6)  # restart 0 started at z_start = z_true
    assert np.all(fit.history[0] < 1e-4)
    quiet = ip.fit_latent(g, None, y, m, steps=3, record_history=False)
    assert quiet.history is None and quiet.snapshots is None


def test_encoder_start_beats_a_random_start(setup):
    g, z_true, y, m = setup
    encoder = ip.build_inversion_encoder(D, (H, W, 1), width=8, seed=0)
    losses = ip.train_inversion_encoder(encoder, g, steps=150, batch_size=32, seed=0,
                                        masks=np.stack([m, np.ones_like(m)]))
    assert losses.shape == (150,) and losses[-20:].mean() < losses[:20].mean() / 4
    z0 = ip.encode_start(encoder, y, m)
    assert np.abs(z0 - z_true).mean() < 0.5                  # a random N(0, I) guess is off by ~1.1
    kwargs = dict(steps=1, learning_rate=1e-6, weighting="plain", seed=0)
    assert ip.fit_latent(g, None, y, m, z_start=z0, **kwargs).history[0].mean() < \
        ip.fit_latent(g, None, y, m, **kwargs).history[0].mean() / 2


def test_fine_tuning_fits_what_z_cannot_on_a_copy_per_image():
    g = _generator(latent_dim=2)
    before = [w.copy() for w in g.get_weights()]
    y = np.random.default_rng(0).uniform(-0.5, 0.5, (2, H, W, 1)).astype(np.float32)  # not in G's range
    m = ip.center_square_mask((H, W), 4)
    latent = ip.fit_latent(g, None, y, m, steps=100, learning_rate=0.05, weighting="plain", seed=0)
    tuned = ip.fine_tune_generator(g, None, y, m, latent.z, steps=40, learning_rate=0.01, weighting="plain")
    np.testing.assert_allclose(tuned.history[0], latent.loss, rtol=1e-4)  # starts at the original weights
    assert np.all(tuned.loss < 0.7 * latent.loss)
    assert all(np.array_equal(a, b) for a, b in zip(before, g.get_weights()))  # G itself untouched
    alone = ip.fine_tune_generator(g, None, y[1:], m, latent.z[1:], steps=40, learning_rate=0.01, weighting="plain")
    np.testing.assert_allclose(alone.generated[0], tuned.generated[1], atol=1e-5)  # weights and Adam reset per image


def test_complete_with_generator_prior_returns_both_stages(setup):
    g, _, y, m = setup
    result = ip.complete_with_generator_prior(g, _discriminator(), y[:2], m, steps=20, tune_steps=3,
                                              tune_learning_rate=1e-3, learning_rate=0.05)
    np.testing.assert_allclose(result.tuned.z, result.latent.z)
    assert result.tuned.generated.shape == (2, H, W, 1) and result.tuned.history.shape == (3, 2)


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(restarts=0), ValueError, "restarts"),
    (dict(steps=-1), ValueError, "steps"),
    (dict(steps=2.0), TypeError, "steps"),
    (dict(learning_rate=0.0), ValueError, "learning_rate"),
    (dict(z_constraint="sphere"), ValueError, "z_constraint"),
    (dict(z_limit=-1.0), ValueError, "z_limit"),
    (dict(weighting="uniform"), ValueError, "weighting"),
    (dict(prior="minimax"), ValueError, "prior"),
    (dict(z_start=np.zeros((6, D + 1))), ValueError, "z_start"),
    (dict(progress="yes"), TypeError, "progress"),
    (dict(seed=-2), ValueError, "seed"),
    (dict(restarts=3, candidates=2), ValueError, "candidates"),
    (dict(schedule="linear"), ValueError, "schedule"),
])
def test_fit_latent_refuses_bad_arguments(setup, kwargs, error, name):
    g, _, y, m = setup
    with pytest.raises(error, match=name):
        ip.fit_latent(g, None, y, m, **kwargs)


def test_bad_models_and_images_are_refused(setup):
    g, z_true, y, m = setup
    with pytest.raises(ValueError, match="images"):
        ip.fit_latent(g, None, (y + 1) * 127.5, m, steps=1)
    with pytest.raises(ValueError, match="latent_dim"):
        ip.fit_latent(lambda z, training=False: g(z), None, y, m, steps=1)
    with pytest.raises(TypeError, match="discriminator"):
        ip.fit_latent(g, "D", y, m, steps=1)
    with pytest.raises(TypeError, match="generator"):
        ip.fine_tune_generator(lambda z, training=False: g(z), None, y, m, z_true, steps=1)
    with pytest.raises(ValueError, match="z"):
        ip.fine_tune_generator(g, None, y, m, z_true[:2], steps=1)
    with pytest.raises(ValueError, match="image_shape"):
        ip.build_inversion_encoder(D, (H, W))
    with pytest.raises(ValueError, match="latent_dim"):
        ip.train_inversion_encoder(ip.build_inversion_encoder(D + 1, (H, W, 1), 2), g, 1)
    with pytest.raises(ValueError, match="window"):
        ip.fit_latent(g, None, y, m, steps=1, weighting="plain", window=6)


def test_importance_weighting_refuses_an_image_without_a_hole(setup):
    # Yeh's W is 0 on every pixel when nothing is missing: the search would silently return its starts
    g, _, y, m = setup
    masks = np.broadcast_to(m[None, :, :, None], y.shape).copy()
    masks[2] = 1.0
    with pytest.raises(ValueError, match="no hole in image 2"):
        ip.fit_latent(g, None, y, masks, steps=1)
    ip.fit_latent(g, None, y, masks, steps=1, weighting="plain")  # the whole-image fit goes this way
