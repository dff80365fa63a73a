"""Chapter 8's reproduced problems (gancourse.train.health_cases): the cases are what they claim to be."""

import math

import numpy as np
import pytest

from gancourse.train import health_cases as hc
from gancourse.train.health_rules import STATES
from gancourse.train.remedies import REMEDIES


def _sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t))


def test_every_case_names_a_state_of_the_rules_and_has_its_remedies():
    assert set(hc.HEALTH_CASES.values()) <= set(STATES)
    assert hc.HEALTH_CASES == {"vanishing": "vanishing_gradients", "collapse": "mode_collapse",
                               "oscillating": "oscillating", "healthy": "healthy"}
    assert set(hc.CASE_REMEDIES) == set(hc.HEALTH_CASES)
    for remedies in hc.CASE_REMEDIES.values():
        # "non_saturating" is a loss of the plain trainer, every other remedy a trainer class
        assert set(remedies) - {"non_saturating"} <= set(REMEDIES)


def test_dirac_networks_are_a_point_and_a_line():
    g, d = hc.dirac_networks(theta=0.7, psi=-2.0)
    z = np.random.default_rng(0).normal(size=(5, 1)).astype("float32")
    # the generator's weight is 0 and every z is 0 in training (DiracLatent), so G is the point θ
    np.testing.assert_allclose(np.asarray(g(np.zeros((5, 1), "float32"))), 0.7, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(d(z)), -2.0 * z, rtol=1e-6)


def test_dirac_gan_takes_the_hand_computed_simultaneous_steps():
    # Mescheder et al. (2018) §2: data at 0, G = θ, D(x) = ψx, loss -log σ(ψ·0) - log(1 - σ(ψθ)) for D and the
    # non-saturating -log σ(ψθ) for G, simultaneous SGD at 0.1 from θ = 1, ψ = 0. By hand:
    # step 1: dD/dψ = σ(0)·1 = 0.5 -> ψ = -0.05; dG/dθ = -(1 - σ(0))·0 = 0 -> θ = 1
    # step 2: dD/dψ = σ(-0.05)·1 -> ψ = -0.05 - 0.1σ(-0.05); dG/dθ = -(1 - σ(-0.05))·(-0.05)
    run = hc.run_health_case("oscillating", steps=1, every_steps=1)
    assert hc.dirac_parameters(run.gan) == pytest.approx((1.0, -0.05), abs=1e-6)
    run = hc.run_health_case("oscillating", steps=2, every_steps=1)
    psi = -0.05 - 0.1 * _sigmoid(-0.05)
    theta = 1.0 - 0.1 * (1 - _sigmoid(-0.05)) * 0.05
    assert hc.dirac_parameters(run.gan) == pytest.approx((theta, psi), abs=1e-6)
    # R1 with γ = 1 adds γψ to D's gradient (R1 = γ/2 ‖∇x D‖² = γ/2 ψ²): zero at step 1, 0.1·0.05 back at step 2
    r1 = hc.run_health_case("oscillating", steps=2, every_steps=1, remedy="r1")
    assert hc.REMEDY_OPTIONS["r1"] == {"gamma": 1.0}
    assert hc.dirac_parameters(r1.gan) == pytest.approx((theta, psi + 0.1 * 0.05), abs=1e-6)


def test_the_dirac_gan_oscillates_and_r1_makes_it_converge():
    # the readout names the circling (θ, ψ) "oscillating"; with R1 it converges to (0, 0) (Mescheder et al. §4.1)
    plain = hc.run_health_case("oscillating", profile="smoke")
    assert len(plain.states) == hc.DIRAC_STEPS // hc.DIRAC_EVERY_STEPS
    assert plain.final_state == "oscillating" and plain.named_right
    theta, psi = hc.dirac_parameters(plain.gan)
    assert math.hypot(theta, psi) > 0.3  # still far from (0, 0) after ten cycles (measured 0.49)
    fixed = hc.run_health_case("oscillating", profile="smoke", remedy="r1")
    assert fixed.final_state == "healthy" and not fixed.named_right
    assert math.hypot(*hc.dirac_parameters(fixed.gan)) < 0.05


def test_a_run_holds_one_state_per_check_and_the_callback():
    run = hc.run_health_case("healthy", seed=3, steps=40, every_steps=20)
    assert run.name == "healthy" and run.remedy is None and run.expected == "healthy"
    assert len(run.states) == 2 == len(run.health.readings)
    assert [r.step for r in run.health.readings] == [20, 40]
    assert run.health.readings[-1].n_modes == 1  # one Gaussian, scored by VEEGAN's rule
    assert run.final_state == run.states[-1] and run.seconds > 0


def test_remedy_options_anneal_instance_noise_over_the_whole_run():
    assert hc.remedy_options("instance_noise", 1234) == {"noise_std": 0.2, "anneal_steps": 1234}
    assert hc.remedy_options("none", 10) == {}
    options = hc.remedy_options("unrolled", 10)
    options["unroll_steps"] = 99  # a copy: the table of options is not changed through it
    assert hc.REMEDY_OPTIONS["unrolled"]["unroll_steps"] == 10


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "exploding"}, "name"),
    ({"name": "collapse", "remedy": "r1"}, "remedy"),
    ({"name": "healthy", "remedy": "unrolled"}, "takes no remedy"),
    ({"name": "collapse", "steps": 30, "every_steps": 20}, "multiple of every_steps"),
    ({"name": "collapse", "every_steps": 0}, "every_steps"),
    ({"name": "collapse", "seed": -1}, "seed"),
])
def test_bad_input_is_refused_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hc.run_health_case(**kwargs)
