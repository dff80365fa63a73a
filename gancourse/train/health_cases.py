"""Chapter 8's training problems reproduced on purpose, for the health readout to name and a remedy to fix.

Seed 004's common problems, each made to happen in a small run that a CPU
trains in seconds, with :class:`~.health.TrainingHealth` watching:

=============== ====================================================================== ===========================
case            what is run                                                            what the readout should say
=============== ====================================================================== ===========================
``vanishing``   梯度消失: VEEGAN's ring, a discriminator much stronger than the          ``vanishing_gradients``
                generator (Adam 3e-3, 5 D steps per G step; G: Adam 1e-4) and the
                **saturating** loss log(1 − D(G(z)))
``collapse``    模式崩溃: the ring, the plain GAN (non-saturating, Adam 1e-3 for both,   ``mode_collapse``
                constant rate): it drops some of the eight modes
``oscillating`` GAN经常无法收敛: the Dirac-GAN of Mescheder et al. (2018, §2): data at     ``oscillating``
                x = 0, G(z) = θ, D(x) = ψx, simultaneous gradient steps (SGD 0.1)
                from θ = 1, ψ = 0: (θ, ψ) circles the equilibrium (0, 0)
``healthy``     the plain GAN on one 2-D Gaussian (σ 0.5)                              ``healthy``
=============== ====================================================================== ===========================

The toy cases use chapter 7's lab networks (three ReLU layers of 128 units,
latent size 2, batch 256), the settings the readout's thresholds were
measured on (:mod:`.health_rules`). Each case has its remedies
(:data:`CASE_REMEDIES`): the non-saturating ("modified minimax") or
Wasserstein loss for vanishing gradients; unrolled D steps, instance noise or
the Wasserstein loss for collapse; R1 (Mescheder et al. 2018, §4.1: with a
gradient penalty the Dirac-GAN converges) or an L2 weight penalty (on the
Dirac-GAN the same term, (γ/2)ψ²) for the oscillation.

``run_health_case("collapse")`` and ``run_health_case("collapse",
remedy="unrolled")`` train the same networks from the same seed, so the
notebook shows the problem, then the fix, with numbers;
``python -m gancourse evaluate health`` runs every case for several seeds and
prints the confusion table of expected and named states.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..config.validate import check_choice, check_int, check_seed
from ..data.pipelines import training_stream
from ..data.toy import GaussianMixture, isotropic_std, ring_mixture
from ..nets.critics import toy_critic
from ..nets.toy import build_toy_generator
from .gan_trainer import GAN
from .health import TrainingHealth, mode_coverage_probe
from .remedies import REMEDIES

import_tensorflow()
import keras  # noqa: E402

__all__ = ["HEALTH_CASES", "CASE_REMEDIES", "HealthCaseRun", "run_health_case", "DiracLatent", "dirac_networks", "dirac_parameters",
           "TOY_UNITS", "TOY_BATCH", "REMEDY_OPTIONS", "remedy_options", "DIRAC_STEPS", "DIRAC_EVERY_STEPS"]

HEALTH_CASES = {
    "vanishing": "vanishing_gradients",
    "collapse": "mode_collapse",
    "oscillating": "oscillating",
    "healthy": "healthy",
}
"""Each reproduced case and the state (a key of :data:`.health_rules.STATES`) the readout should name."""

CASE_REMEDIES = {
    "vanishing": ("non_saturating", "wasserstein"),
    "collapse": ("unrolled", "instance_noise", "wasserstein"),
    "oscillating": ("r1", "weight_penalty"),
    "healthy": (),
}
"""The remedies each case may be run with (``run_health_case(case, remedy=...)``)."""

TOY_UNITS = (128, 128, 128)
"""Hidden layers of both toy MLPs (chapter 7's lab networks; the readout's thresholds were measured on them)."""

TOY_BATCH = 256
"""Points per D step in the toy cases (a critic's batch is 5 × this: a fresh slice per critic step)."""

DIRAC_STEPS = 600
"""The Dirac-GAN's run: about ten of its cycles (a cycle is about 2π/η ≈ 63 steps at η = 0.1). It draws no
random numbers (z = 0, the data all at 0, fixed starting weights), so every seed gives the same run."""

DIRAC_EVERY_STEPS = 10
"""Checks on the Dirac-GAN: six per cycle, as the oscillation rule needs (its docstring), whatever the profile."""

DIRAC_LEARNING_RATE = 0.1
"""SGD step of both Dirac-GAN players."""

REMEDY_OPTIONS = {
    # K = 10 look-ahead steps, first order, D's own Adam (train/unrolled.py). On the collapse case's seeds
    # 0, 1, 2 (2,000 steps) K = 10 ended on 8, 6 and 8 modes; K = 5 on seed 0 ended on 7
    "unrolled": {"unroll_steps": 10},
    "wasserstein": {"penalty_weight": 0.1},  # WGAN-GP's toy λ (chapter 7, gan_toy.py)
    "r1": {"gamma": 1.0},
    "weight_penalty": {"weight": 1.0},
}
"""Each remedy's options in these cases (instance noise's depend on the run's length: :func:`remedy_options`)."""


@dataclasses.dataclass
class HealthCaseRun:
    """One reproduced case: what the readout said at each check, and the trained model.

    ``expected`` is the problem's state (:data:`HEALTH_CASES`); without a
    remedy the readout should end on it (``named_right``), with one it should
    not. ``health`` is the callback, for
    :func:`gancourse.show.health_panel.plot_health`; ``gan`` the trained model;
    ``seconds`` the training's wall time.
    """

    name: str
    remedy: str | None
    expected: str
    states: list
    final_state: str
    health: TrainingHealth
    gan: GAN
    seconds: float

    @property
    def named_right(self) -> bool:
        """Whether the last check named the problem's state."""
        return self.final_state == self.expected

    @property
    def final_line(self) -> str:
        """The readout's last line (step, numbers, state, what to try)."""
        return self.health.diagnoses[-1].line() if self.health.diagnoses else ""


class DiracLatent:
    """Mixin: z = 0 for every sample, so a generator ``Dense(1)`` with weight 0 is the point θ (its bias).

    The Dirac-GAN's generator puts all its mass at θ (Mescheder et al. 2018, Definition 2.1).
    """

    def sample_latent(self, batch_size):
        return keras.ops.zeros((batch_size, self.latent_dim))


def dirac_networks(theta: float = 1.0, psi: float = 0.0) -> tuple:
    """``(generator, discriminator)`` of the Dirac-GAN: G(z) = 0·z + θ, D(x) = ψx (a logit, no bias)."""
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, name="theta")], name="dirac_generator")
    generator.set_weights([np.zeros((1, 1), "float32"), np.array([theta], "float32")])
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, name="psi")],
                                     name="dirac_discriminator")
    discriminator.set_weights([np.array([[psi]], "float32")])
    return generator, discriminator


def dirac_parameters(gan) -> tuple[float, float]:
    """``(θ, ψ)`` of a Dirac-GAN: where G puts its point and D's slope. The equilibrium is (0, 0)."""
    theta = float(np.asarray(gan.generator.get_layer("theta").bias)[0])
    psi = float(np.asarray(gan.discriminator.get_layer("psi").kernel)[0, 0])
    return theta, psi


def remedy_options(remedy: str, steps: int) -> dict:
    """The options of ``remedy`` (:data:`REMEDY_OPTIONS`) for a run of ``steps`` generator steps.

    Instance noise starts at σ0 = 0.2 (ten times the ring's σ) and falls
    linearly to 0 at the run's last step. Annealed by 80 % of the run instead,
    the collapse case (seed 0, 2,000 steps) fell back to 7/8 modes in the
    400 steps without noise; annealed over the whole run it ended on 8/8 modes
    on seeds 0, 1 and 2.
    """
    if remedy == "instance_noise":
        return {"noise_std": 0.2, "anneal_steps": check_int(steps, "steps", minimum=1)}
    return dict(REMEDY_OPTIONS.get(remedy, {}))


def _adam(rate: float):
    return keras.optimizers.Adam(rate, beta_1=0.5, beta_2=0.9)


def _toy_setup(name: str, remedy: str | None, seed: int, steps: int, execution: int):
    """The compiled trainer, its data, fit batch and coverage probe of a toy case."""
    mixture = GaussianMixture.create(np.zeros((1, 2)), 0.5) if name == "healthy" else ring_mixture()
    generator = build_toy_generator(2, 2, hidden_units=TOY_UNITS)
    discriminator = toy_critic(2, hidden_units=TOY_UNITS)
    trainer = "wasserstein" if remedy == "wasserstein" else remedy if remedy in REMEDIES else "none"
    gan = REMEDIES[trainer](generator, discriminator, seed=seed, **remedy_options(trainer, steps))
    batch = TOY_BATCH
    if name == "vanishing":
        # D far stronger than G: 30x G's learning rate and 5 updates per G update
        options = {"n_critic": 5}
        if trainer != "wasserstein":
            options["generator_loss"] = "non_saturating" if remedy == "non_saturating" else "saturating"
        gan.compile(_adam(3e-3), _adam(1e-4), jit_compile=True, steps_per_execution=execution, **options)
    else:
        gan.compile(_adam(1e-3), _adam(1e-3), jit_compile=True, steps_per_execution=execution,
                    **({"n_critic": 5} if trainer == "wasserstein" else {}))
    if trainer == "wasserstein":
        batch = 5 * TOY_BATCH  # a fresh slice of real points per critic step
    points = mixture.sample(100_000, seed=10_000 + seed)
    return gan, points, batch, mode_coverage_probe(mixture.means, isotropic_std(mixture), n_samples=2500)


def _dirac_setup(remedy: str | None, seed: int, execution: int):
    base = REMEDIES[remedy] if remedy is not None else GAN
    cls = type(f"Dirac{base.__name__}", (DiracLatent, base), {})
    gan = cls(*dirac_networks(), seed=seed, **(remedy_options(remedy, DIRAC_STEPS) if remedy else {}))
    gan.compile(keras.optimizers.SGD(DIRAC_LEARNING_RATE), keras.optimizers.SGD(DIRAC_LEARNING_RATE),
                update="simultaneous", jit_compile=True, steps_per_execution=execution)
    return gan, np.zeros((1024, 1), "float32"), 64, None


def run_health_case(name: str, seed: int = 0, *, profile=None, remedy: str | None = None, steps: int | None = None,
                    every_steps: int | None = None, verbose: bool = False) -> HealthCaseRun:
    """Reproduce case ``name`` (:data:`HEALTH_CASES`), optionally with one ``remedy``, under the health readout.

    Args:
        name: ``"vanishing"``, ``"collapse"``, ``"oscillating"`` or ``"healthy"``.
        seed: seeds the networks, the data and the noise.
        profile: sizes from ``config.chapter_sizes("problems", profile)``:
            ``health_steps`` generator steps with a check every
            ``health_every_steps`` (the Dirac-GAN runs :data:`DIRAC_STEPS`
            with a check every :data:`DIRAC_EVERY_STEPS`: its clock is its
            cycle, not the profile).
        remedy: ``None`` or one of ``CASE_REMEDIES[name]``.
        steps, every_steps: override the sizes (``steps`` a multiple of ``every_steps``).
        verbose: print the readout's line at each check.

    Returns:
        A :class:`HealthCaseRun`.

    Raises:
        ValueError: an unknown case, a remedy the case does not take, or
            ``steps`` not a multiple of ``every_steps``.
    """
    name = check_choice(name, "name", tuple(HEALTH_CASES))
    seed = check_seed(seed)
    if remedy is not None:
        if not CASE_REMEDIES[name]:
            raise ValueError(f"remedy: case {name!r} is healthy and takes no remedy, got {remedy!r}")
        remedy = check_choice(remedy, "remedy", CASE_REMEDIES[name])
    sizes = config.chapter_sizes("problems", profile)
    dirac = name == "oscillating"
    default_steps, default_every = (DIRAC_STEPS, DIRAC_EVERY_STEPS) if dirac else (sizes.health_steps,
                                                                                   sizes.health_every_steps)
    every_steps = default_every if every_steps is None else check_int(every_steps, "every_steps", minimum=1)
    steps = default_steps if steps is None else check_int(steps, "steps", minimum=1)
    if steps % every_steps:
        raise ValueError(f"steps must be a multiple of every_steps ({every_steps}), got {steps}")
    config.seed_everything(seed)
    # each compiled call runs a whole check's steps (callbacks see only its end)
    gan, points, batch, probe = (_dirac_setup(remedy, seed, every_steps) if dirac
                                 else _toy_setup(name, remedy, seed, steps, every_steps))
    health = TrainingHealth(every_steps, coverage=probe, verbose=verbose)
    began = time.perf_counter()
    gan.fit(training_stream(points, batch_size=batch, seed=seed), epochs=steps // every_steps,
            steps_per_epoch=every_steps, callbacks=[health], verbose=0)
    seconds = time.perf_counter() - began
    states = health.states()
    return HealthCaseRun(name, remedy, HEALTH_CASES[name], states, states[-1] if states else "healthy", health, gan,
                         seconds)

