"""Chapter 8's exercise checks (gancourse.classroom.checks.problems): right answers pass, known mistakes fail."""

from __future__ import annotations

import numpy as np
import pytest

import gancourse  # noqa: F401  (selects the TensorFlow backend first)
from gancourse.classroom import checks
from gancourse.classroom.checks.core import CheckFailure
from gancourse.train.health_rules import diagnose


def _stub(*args):
    raise NotImplementedError()


# ---------------------------------------------------------------- exercise 1: diagnose a run

def test_the_mystery_run_is_read_by_the_readout_as_d_wins_not_vanishing():
    readings = checks.mystery_run()
    assert len(readings) == 20 and [r.step for r in readings] == list(range(100, 2001, 100))
    assert readings[-1].d_real > 0.9 and readings[-1].d_fake < 0.1
    # G's gradient norm grows: the vanishing rule (a tenth of the peak) cannot fire
    assert readings[-1].g_grad_norm > 5 * readings[0].g_grad_norm
    assert diagnose(readings).state == "discriminator_wins"
    # before D wins, the readout calls it healthy: the answer depends on the late checks
    assert diagnose(readings[:3]).state == "healthy"


def test_the_diagnosis_answer_is_c_and_each_wrong_option_gets_its_own_reason():
    assert checks.check_run_diagnosis(lambda: "c").passed
    reasons = set()
    for wrong in ("A", "B", "D"):
        with pytest.raises(CheckFailure) as info:
            checks.check_run_diagnosis(wrong)
        reasons.add(str(info.value).splitlines()[1])
    assert len(reasons) == 3
    assert checks.check_run_diagnosis(_stub).status == "not_implemented"


# ---------------------------------------------------------------- exercise 2: the conditional input

def test_conditional_input_matches_a_hand_made_one_hot():
    z = np.array([[0.5, -1.0]], np.float32)
    expected = np.array([[0.5, -1.0, 0, 0, 1]], np.float32)
    np.testing.assert_array_equal(checks.problems._conditional_input_reference(z, [2], 3), expected)


def test_conditional_input_passes_with_keras_and_fails_on_known_slips():
    import keras

    def with_keras(z, labels, n_classes):
        return keras.ops.concatenate([z, keras.ops.one_hot(labels, n_classes)], axis=1)

    assert checks.check_conditional_input(with_keras).passed
    with pytest.raises(CheckFailure, match="another order"):  # [one_hot, z]
        checks.check_conditional_input(lambda z, y, n: np.concatenate([np.eye(n)[y], z], 1))
    with pytest.raises(CheckFailure, match="not one number"):  # the raw label as one more column
        checks.check_conditional_input(lambda z, y, n: np.concatenate([z, np.asarray(y)[:, None]], 1))
    with pytest.raises(CheckFailure, match="row"):  # one-hot of y + 1
        checks.check_conditional_input(lambda z, y, n: np.concatenate([z, np.roll(np.eye(n), 1, 1)[y]], 1))
    assert checks.check_conditional_input(_stub).status == "not_implemented"


def test_the_reference_is_what_the_conditional_generator_feeds_its_first_layer():
    import keras

    from gancourse.nets.conditional import conditional_generator

    g = conditional_generator(4, width=8, seed=0)
    inner = keras.Model(g.inputs, g.get_layer("z_and_label").output)
    z = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    labels = np.array([7, 0, 3], np.int32)
    np.testing.assert_allclose(inner([z, labels]), checks.problems._conditional_input_reference(z, labels, 10))


# ---------------------------------------------------------------- exercise 3: the noise schedule

def linear_clamped(step, initial_std, anneal_steps):
    return initial_std * max(0.0, 1.0 - step / anneal_steps)


def test_noise_schedule_passes_clamped_and_fails_unclamped_with_the_reason():
    assert checks.check_noise_schedule(linear_clamped).passed
    with pytest.raises(CheckFailure, match="negative standard deviation"):
        checks.check_noise_schedule(lambda t, s, T: s * (1 - t / T))
    with pytest.raises(CheckFailure, match="expected"):  # a cosine schedule is not the linear one
        checks.check_noise_schedule(lambda t, s, T: s * (1 + np.cos(np.pi * min(t, T) / T)) / 2)
    assert checks.check_noise_schedule(_stub).status == "not_implemented"


def test_noise_reference_hand_values():
    ref = checks.problems._noise_reference
    assert ref(0, 0.2, 800) == pytest.approx(0.2)
    assert ref(200, 0.2, 800) == pytest.approx(0.15)
    assert ref(1200, 0.2, 800) == 0.0


# ---------------------------------------------------------------- exercise 4: the Dirac-GAN field

def test_dirac_field_hand_values():
    # at theta = 1, psi = 0: G does not move (psi = 0), D moves by -theta * sigmoid(0) = -0.5
    assert checks.dirac_field_reference(1.0, 0.0, 0.0) == pytest.approx((0.0, -0.5))
    # at the equilibrium the R1 term alone pulls psi back: -gamma * psi
    assert checks.dirac_field_reference(0.0, 2.0, 3.0) == pytest.approx((2.0 * 0.5, -6.0))


def test_dirac_field_equals_the_trainers_update_direction():
    """One SGD step of the course's R1GAN on the Dirac-GAN moves (theta, psi) by lr times the field."""
    import keras

    from gancourse.data import training_stream
    from gancourse.train.discriminator_penalties import R1GAN

    class Dirac(R1GAN):
        def sample_latent(self, batch_size):
            return keras.ops.zeros((batch_size, self.latent_dim))

    g = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    g.set_weights([np.zeros((1, 1), "float32"), np.array([0.7], "float32")])
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    d.set_weights([np.full((1, 1), -0.4, "float32")])
    gan = Dirac(g, d, gamma=0.5, seed=0)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), update="simultaneous")
    gan.fit(training_stream(np.zeros((64, 1), "float32"), batch_size=8, seed=0), epochs=1, steps_per_epoch=1,
            verbose=0)
    d_theta, d_psi = checks.dirac_field_reference(0.7, -0.4, 0.5)
    assert float(g.get_weights()[1][0]) == pytest.approx(0.7 + 0.1 * d_theta, abs=1e-6)
    assert float(d.get_weights()[0][0, 0]) == pytest.approx(-0.4 + 0.1 * d_psi, abs=1e-6)


def test_dirac_field_check_passes_reference_and_explains_slips():
    assert checks.check_dirac_field(checks.dirac_field_reference).passed
    with pytest.raises(CheckFailure, match="signs are flipped"):
        checks.check_dirac_field(lambda t, p, g: tuple(-v for v in checks.dirac_field_reference(t, p, g)))
    with pytest.raises(CheckFailure, match="case 3"):  # no R1 term: passes gamma = 0, fails gamma = 1
        checks.check_dirac_field(lambda t, p, g: checks.dirac_field_reference(t, p, 0.0))
    assert checks.check_dirac_field(_stub).status == "not_implemented"
