"""Chapter 8's health readout (gancourse.train.health_rules, gancourse.train.health).

The rules are fed made-up metric histories, one per state, each on the side
of its threshold it is meant to be (and a near miss on the other side); the
callback is checked for exact interval means, for its lines, and on real
training runs: a NaN loss, a generator collapsed onto one mode of the ring,
and a probe that sees one class.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
import keras
from gancourse.data import training_stream
from gancourse.data.toy import ring_mixture, ring_modes
from gancourse.nets.classifier import FEATURES_LAYER
from gancourse.nets.toy import build_toy_discriminator, build_toy_generator
from gancourse.train.gan_trainer import GAN
from gancourse.train.health import (
    Coverage,
    TrainingHealth,
    class_coverage_probe,
    mode_coverage_probe,
    reading_from_means,
)
from gancourse.train.health_rules import (
    DEFAULT_THRESHOLDS,
    HealthThresholds,
    Reading,
    _swings,
    diagnose,
    rule_oscillating,
)

T = DEFAULT_THRESHOLDS


def history(n=16, **series):
    """``n`` readings, 100 steps apart; each keyword is a constant or a sequence of n values."""
    out = []
    for i in range(n):
        values = {k: (v[i] if np.ndim(v) else v) for k, v in series.items()}
        out.append(Reading(step=100 * (i + 1), **values))
    return out


HEALTHY = {"d_real": 0.7, "d_fake": 0.35, "d_loss": 1.2, "g_loss": 1.1, "d_grad_norm": 1.0, "g_grad_norm": 0.8}


# ------------------------------------------------------------------ each state from a synthetic history
def test_a_balanced_run_is_healthy():
    result = diagnose(history(**HEALTHY, covered=10, n_modes=10, quality=0.9, coverage_unit="classes"))
    assert result.state == "healthy" and result.findings == () and result.summary == "healthy"


def test_a_nan_is_diverged_and_beats_every_other_state():
    readings = history(**(HEALTHY | {"d_real": 0.99, "d_fake": 0.01}), covered=2, n_modes=10, quality=0.9)
    readings[-1] = Reading(step=1700, d_real=0.99, d_fake=0.01, d_loss=math.nan, g_loss=math.inf,
                           g_grad_norm=0.1, covered=2, n_modes=10, quality=0.9)
    result = diagnose(readings)
    assert result.state == "diverged"
    assert "d_loss" in result.summary and "g_loss" in result.summary and "d_real" not in result.summary
    assert result.line().startswith("step 1700") and "Try:" in result.line()


def test_d_wins_and_a_falling_generator_gradient_is_vanishing_gradients():
    norms = np.geomspace(1.0, 0.02, 8)  # the last five average 0.08 of the peak
    result = diagnose(history(8, **(HEALTHY | {"d_real": 0.98, "d_fake": 0.02, "g_grad_norm": norms})))
    assert result.state == "vanishing_gradients"
    assert result.summary.startswith("the discriminator wins and the generator's gradients vanish")
    assert result.findings[0].evidence["ratio"] == pytest.approx(norms[-5:].mean() / norms[0])


def test_d_wins_with_a_steady_generator_gradient_is_not_called_vanishing():
    result = diagnose(history(8, **(HEALTHY | {"d_real": 0.98, "d_fake": 0.02})))
    assert result.state == "discriminator_wins"


def test_the_d_wins_thresholds_are_inclusive_and_averaged_over_the_window():
    at_threshold = history(8, **(HEALTHY | {"d_real": T.d_wins_real, "d_fake": T.d_wins_fake}))
    assert diagnose(at_threshold).state == "discriminator_wins"
    just_outside = history(8, **(HEALTHY | {"d_real": T.d_wins_real - 0.01, "d_fake": 0.01}))
    assert diagnose(just_outside).state == "healthy"
    # one confident reading among four balanced ones: the window mean stays below the threshold
    one_spike = history(8, **(HEALTHY | {"d_real": [0.7] * 7 + [0.99], "d_fake": [0.35] * 7 + [0.01]}))
    assert diagnose(one_spike).state == "healthy"


def test_too_few_readings_for_the_window_name_no_d_wins_state():
    assert diagnose(history(T.window - 1, **(HEALTHY | {"d_real": 0.99, "d_fake": 0.01}))).state == "healthy"


def test_formed_samples_of_three_classes_are_possible_mode_collapse():
    result = diagnose(history(**HEALTHY, covered=3, n_modes=10, quality=0.95, coverage_unit="classes"))
    assert result.state == "mode_collapse" and result.summary == "possible mode collapse: 3/10 classes"
    assert "3/10 classes" in result.line()


def test_coverage_at_the_threshold_and_unformed_samples_are_not_collapse():
    # 9/10 = 90 % is covered enough; 7/8 ring modes (87.5 %) is not
    assert diagnose(history(**HEALTHY, covered=9, n_modes=10, quality=0.9)).state == "healthy"
    assert diagnose(history(**HEALTHY, covered=7, n_modes=8, quality=0.9)).state == "mode_collapse"
    # untrained generators: the classifier puts all their blobs in one class, confident for at most 2 %
    assert diagnose(history(**HEALTHY, covered=1, n_modes=10, quality=0.02)).state == "healthy"


def sine(n, amplitude, period, decay=1.0):
    t = np.arange(n)
    return amplitude * decay ** t * np.sin(2 * np.pi * t / period)


W = T.oscillation_window


def test_a_margin_that_keeps_swinging_is_oscillating():
    fake = 0.5 + sine(W, 0.3, 6)  # D(x) stays at 1/2 while D(G(z)) circles, six readings a cycle
    result = diagnose(history(W, **(HEALTHY | {"d_real": 0.5, "d_fake": fake})))
    assert result.state == "oscillating"
    assert result.findings[0].evidence["swings"] >= T.min_swings
    assert result.findings[0].evidence["amplitude"] == pytest.approx(0.3, rel=0.05)


def test_a_dirac_gan_sized_swing_of_five_hundredths_is_oscillating():
    fake = 0.5 + sine(W, 0.05, 8)  # the measured Dirac-GAN swing (theta0 = 1, SGD 0.1, a check every 10 steps)
    assert diagnose(history(W, **(HEALTHY | {"d_real": 0.5, "d_fake": fake}))).state == "oscillating"


def test_a_damped_spiral_a_single_hump_small_wiggles_and_noise_are_not_oscillating():
    damped = 0.5 + sine(W, 0.3, 6, decay=0.85)
    hump = 0.5 + 0.3 * np.sin(np.pi * np.arange(W) / (W - 1))
    wiggles = np.linspace(0.2, 0.8, W) + sine(W, 0.015, 6)  # a trend, and swings below min_amplitude
    noise = 0.5 + np.random.default_rng(0).normal(0, 0.05, W)  # large, but no reading follows the last
    for fake in (damped, hump, wiggles, noise):
        assert rule_oscillating(history(W, **(HEALTHY | {"d_real": 0.5, "d_fake": fake})), T) is None
    assert rule_oscillating(history(W - 1, **(HEALTHY | {"d_real": 0.5, "d_fake": 0.5 + sine(W - 1, 0.3, 6)})),
                            T) is None  # fewer readings than the window


def test_a_critic_s_estimate_swinging_about_its_mean_is_oscillating_and_a_steady_one_is_not():
    swinging = history(W, d_loss=-1.0, g_grad_norm=1.0, wasserstein_estimate=1.0 + sine(W, 0.5, 6))
    steady = history(W, d_loss=-1.0, g_grad_norm=1.0,
                     wasserstein_estimate=1.0 + np.random.default_rng(0).normal(0, 0.02, W))
    assert diagnose(swinging).state == "oscillating"
    assert diagnose(steady).state == "healthy"


def test_swings_count_passes_between_the_two_sides_of_the_band():
    assert _swings(np.array([0.2, -0.2, 0.2, -0.2]), 0.1) == 3
    assert _swings(np.array([0.2, 0.05, -0.05, 0.2, -0.2]), 0.1) == 1  # inside the band does not count
    assert _swings(np.array([0.05, -0.05, 0.05]), 0.1) == 0


def test_diagnose_and_thresholds_refuse_bad_input():
    with pytest.raises(ValueError, match="at least one Reading"):
        diagnose([])
    with pytest.raises(TypeError, match="Reading objects, got dict"):
        diagnose([{"d_real": 0.5}])
    with pytest.raises(TypeError, match="thresholds must be a HealthThresholds"):
        diagnose(history(2), thresholds={"window": 3})
    with pytest.raises(ValueError, match="window"):
        HealthThresholds(window=1)
    with pytest.raises(ValueError, match="min_amplitude"):
        HealthThresholds(min_amplitude=0.0)
    with pytest.raises(ValueError, match="d_wins_real"):
        HealthThresholds(d_wins_real=1.5)


# ------------------------------------------------------------------ the callback's readings
class StubModel:
    steps_done = 0


def test_the_callback_reads_exact_means_between_checks_across_epochs():
    """Logs are running means since the epoch began; each reading is the mean of the steps since the last check."""
    values = np.arange(1.0, 13.0)  # per-step d_loss 1, 2, ..., 12; epochs of 5 steps; a check every 4 steps
    callback = TrainingHealth(4, verbose=False)
    callback.set_model(StubModel())
    callback.on_train_begin()
    for epoch in range(3):
        callback.on_epoch_begin(epoch)
        for batch in range(5):
            step = 5 * epoch + batch
            if step >= len(values):
                break
            callback.model.steps_done = step + 1
            callback.on_train_batch_end(batch, {"d_loss": values[5 * epoch: step + 1].mean()})
        callback.on_epoch_end(epoch)
    assert [r.step for r in callback.readings] == [4, 8, 12]
    assert [r.d_loss for r in callback.readings] == pytest.approx([2.5, 6.5, 10.5])  # means of 1-4, 5-8, 9-12


def test_reading_from_means_takes_a_critic_s_loss_as_d_loss_and_keeps_nan():
    reading = reading_from_means(7, {"critic_loss": -0.5, "wasserstein_estimate": 0.5, "g_loss": math.nan},
                                 Coverage(3, 8, 0.75, "modes"))
    assert reading.d_loss == -0.5 and reading.wasserstein_estimate == 0.5 and math.isnan(reading.g_loss)
    assert (reading.covered, reading.n_modes, reading.quality, reading.coverage_unit) == (3, 8, 0.75, "modes")
    assert reading.d_real is None


def tiny_gan(cls=GAN, seed=0):
    keras.utils.set_random_seed(seed)
    gan = cls(build_toy_generator(2, 2, hidden_units=(8,)), build_toy_discriminator(2, hidden_units=(8,)), seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def ring_stream():
    return training_stream(ring_mixture().sample(256, seed=0), batch_size=32)


def test_the_callback_checks_every_n_steps_prints_a_line_and_keeps_each_diagnosis():
    lines = []
    callback = TrainingHealth(5, print_fn=lines.append)
    gan = tiny_gan()
    gan.fit(ring_stream(), steps_per_epoch=7, epochs=3, verbose=0, callbacks=[callback])
    assert [r.step for r in callback.readings] == [5, 10, 15, 20]
    assert len(lines) == len(callback.diagnoses) == 4 and all("\n" not in line for line in lines)
    assert lines[0].startswith("step 5 | D(x) ")
    assert callback.states() == [d.state for d in callback.diagnoses]
    assert all(r.g_grad_norm > 0 for r in callback.readings)


def test_a_critic_run_is_read_through_its_own_log_names():
    from gancourse.nets.critics import toy_critic
    from gancourse.train.wgan import WGANGP

    keras.utils.set_random_seed(0)
    gan = WGANGP(build_toy_generator(2, 2, hidden_units=(8,)), toy_critic(2, hidden_units=(8,)), seed=0,
                 real_batches="same")
    gan.compile()
    callback = TrainingHealth(2, verbose=False)
    gan.fit(ring_stream(), steps_per_epoch=2, epochs=2, verbose=0, callbacks=[callback])
    reading = callback.readings[-1]
    assert reading.wasserstein_estimate is not None and reading.d_loss is not None  # critic_loss
    assert reading.d_real is None and reading.g_grad_norm > 0
    assert " W " in callback.diagnoses[-1].line()


class NaNLoss(GAN):
    """The generator's loss turns NaN (a log of a negative number), as a diverging run's does."""

    def generator_loss_fn(self, fake_logits):
        return super().generator_loss_fn(fake_logits) * keras.ops.log(-1.0)


def test_a_run_whose_loss_turns_nan_is_diagnosed_diverged():
    callback = TrainingHealth(2, verbose=False)
    tiny_gan(NaNLoss).fit(ring_stream(), steps_per_epoch=4, epochs=1, verbose=0, callbacks=[callback])
    assert callback.states()[-1] == "diverged" and "g_loss" in callback.diagnoses[-1].summary


def one_point_gan(point):
    """A generator that maps every z to ``point`` (zero kernel, bias = point): total collapse."""
    gan = tiny_gan()
    out = gan.generator.layers[-1]
    kernel, _ = out.get_weights()
    out.set_weights([np.zeros_like(kernel), np.asarray(point, "float32")])
    return gan


def test_the_mode_probe_on_a_generator_collapsed_onto_one_ring_mode_reads_one_of_eight():
    modes = ring_modes()
    gan = one_point_gan(modes[3])
    coverage = mode_coverage_probe(modes, 0.02, n_samples=100)(gan)
    assert tuple(coverage) == (1, 8, 1.0, "modes")
    result = diagnose(history(**HEALTHY, covered=coverage[0], n_modes=coverage[1], quality=coverage[2]))
    assert result.summary == "possible mode collapse: 1/8 modes"


def one_class_classifier(cls: int):
    """A stand-in for the kit's classifier that puts every image in class ``cls`` with probability ~1."""
    x = keras.Input((28, 28, 1))
    h = keras.layers.Dense(4, name=FEATURES_LAYER, kernel_initializer="zeros")(keras.layers.Flatten()(x))
    bias = np.zeros(10, "float32")
    bias[cls] = 20.0
    out = keras.layers.Dense(10, activation="softmax", kernel_initializer="zeros",
                             bias_initializer=keras.initializers.Constant(bias))(h)
    return keras.Model(x, out)


def test_the_class_probe_counts_the_classes_the_classifier_sees_and_their_confident_share():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    gan = GAN(generator, keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]))
    coverage = class_coverage_probe(one_class_classifier(7), n_samples=50)(gan)
    assert tuple(coverage) == (1, 10, 1.0, "classes")


def test_the_callback_and_probes_refuse_bad_input():
    with pytest.raises(ValueError, match="every_steps"):
        TrainingHealth(0)
    with pytest.raises(TypeError, match="coverage must be None or a callable"):
        TrainingHealth(10, coverage=3)
    with pytest.raises(TypeError, match="thresholds must be a HealthThresholds"):
        TrainingHealth(10, thresholds=0.5)
    with pytest.raises(ValueError, match="std"):
        mode_coverage_probe(ring_modes(), 0.0)
    with pytest.raises(ValueError, match="modes"):
        mode_coverage_probe([[0.0, math.nan]], 0.1)
    with pytest.raises(ValueError, match="n_samples"):
        class_coverage_probe(n_samples=5)


# ------------------------------------------------------------------ the panel (gancourse.show.health_panel)
def test_the_panel_draws_the_curves_the_rules_read_and_a_mark_per_check():
    import matplotlib.pyplot as plt

    from gancourse.show.health_panel import STATE_COLOURS, plot_health

    callback = TrainingHealth(5, coverage=mode_coverage_probe(ring_modes(), 0.02, n_samples=50), verbose=False)
    tiny_gan().fit(ring_stream(), steps_per_epoch=5, epochs=3, verbose=0, callbacks=[callback])
    ax_d, ax_g, ax_c = plot_health(callback)
    d_real = [r.d_real for r in callback.readings]
    np.testing.assert_allclose(ax_d.lines[0].get_ydata(), d_real)
    marks = [line for line in ax_d.lines if line.get_color() in STATE_COLOURS.values()]
    assert len(marks) == len(callback.diagnoses) == 3
    assert ax_g.get_yscale() == "log" and len(ax_g.lines) == 2
    np.testing.assert_allclose(ax_c.lines[0].get_ydata(), [r.covered for r in callback.readings])
    plt.close("all")


def test_the_panel_refuses_what_is_not_a_readout():
    from gancourse.show.health_panel import plot_health

    with pytest.raises(TypeError, match="TrainingHealth callback or a non-empty list of Reading"):
        plot_health({"d_real": [0.5]})
    with pytest.raises(ValueError, match="no readings yet"):
        plot_health(TrainingHealth(5))
