# Why this file is longer than 300 lines: each rule is a small function whose docstring gives the
# evidence it reads and the measurements behind its threshold; the rules, the thresholds they share
# and diagnose() that orders them are read together.
"""The rules of chapter 8's training-health readout: metric readings in, the likely state in plain words out.

A :class:`Reading` holds what one check of a running GAN sees: the mean
D(x), D(G(z)), both losses and both gradient norms over the steps since the
previous check, the Wasserstein estimate where a critic logs one, and the
class or mode coverage of a batch of samples. :func:`diagnose` applies the
rules below, in order, to the readings so far and returns a
:class:`Diagnosis`: the first rule that fires names the state, with what to
try. It is a pure function, so a run's curves (or made-up ones) can be
diagnosed after the fact; :class:`gancourse.train.health.TrainingHealth` calls
it every N steps during ``fit()``.

The states (seed 004, "Common Problems"):

========================= =====================================================================
``"diverged"``            a loss, output or gradient norm is NaN or infinite
``"vanishing_gradients"`` 梯度消失: the discriminator wins and the generator's gradients vanish
``"mode_collapse"``       模式崩溃: the samples are formed but cover few classes or modes
``"oscillating"``         "GAN经常无法收敛": D's margin swings back and forth, not damping
``"discriminator_wins"``  D separates real from fake, but G still gets gradients
``"healthy"``             none of the above
========================= =====================================================================

Each rule is a function ``rule_*(readings, thresholds) -> Finding | None``
whose docstring says which evidence it reads and why its threshold sits
where it does, with the measurements on runs that reproduce each failure;
:class:`HealthThresholds` holds the numbers.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..config.validate import check_int, check_number

__all__ = ["STATES", "Reading", "Finding", "Diagnosis", "HealthThresholds", "DEFAULT_THRESHOLDS", "RULES",
           "rule_diverged", "rule_vanishing_gradients", "rule_mode_collapse", "rule_oscillating",
           "rule_discriminator_wins", "diagnose"]

STATES = {
    "diverged": "diverged (NaN)",
    "vanishing_gradients": "the discriminator wins and the generator's gradients vanish",
    "mode_collapse": "possible mode collapse",
    "oscillating": "oscillating, not converging",
    "discriminator_wins": "the discriminator wins; the generator still gets gradients",
    "healthy": "healthy",
}
"""Each state's key and its name in plain words."""

ADVICE = {
    "diverged": "lower the learning rates, check that the data is finite and in [-1, 1], restart from the "
                "last checkpoint",
    "vanishing_gradients": "use the non-saturating loss (modified minimax) or the Wasserstein loss, weaken D "
                           "(smaller, lower learning rate), add instance noise",
    "mode_collapse": "unrolled discriminator steps, the Wasserstein loss (WGAN-GP) or instance noise",
    "oscillating": "lower the learning rates (or beta_1), add a penalty on D (R1 or weight decay), or use "
                   "alternating updates",
    "discriminator_wins": "lower D's learning rate or capacity, add instance noise or an R1 penalty",
    "healthy": "keep training",
}
"""What to try for each state."""


@dataclasses.dataclass(frozen=True)
class Reading:
    """One check of a running GAN; ``None`` where the run logs no such value.

    ``d_real``/``d_fake`` are mean probabilities D(x), D(G(z)); ``d_loss`` is
    D's (or the critic's) loss; the norms are the global L2 norms of each
    update's gradients; ``covered`` of ``n_modes`` classes or modes
    (``coverage_unit``) hold at least their share of the samples, and
    ``quality`` is the share of recognisable samples (the classifier's
    confident share, or VEEGAN's high-quality share). NaN is kept: it is the
    evidence of divergence.
    """

    step: int
    d_real: float | None = None
    d_fake: float | None = None
    d_loss: float | None = None
    g_loss: float | None = None
    d_grad_norm: float | None = None
    g_grad_norm: float | None = None
    wasserstein_estimate: float | None = None
    covered: int | None = None
    n_modes: int | None = None
    quality: float | None = None
    coverage_unit: str = "modes"

    METRICS = ("d_real", "d_fake", "d_loss", "g_loss", "d_grad_norm", "g_grad_norm", "wasserstein_estimate")

    def values(self) -> dict[str, float]:
        """The logged metrics that are present, by name."""
        return {name: getattr(self, name) for name in self.METRICS if getattr(self, name) is not None}


@dataclasses.dataclass(frozen=True)
class Finding:
    """What one rule saw: the state it names, a summary in plain words, what to try, and its evidence."""

    state: str
    summary: str
    advice: str
    evidence: dict


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    """The readout of one check: the first finding's state (``"healthy"`` if none), and every finding."""

    step: int
    state: str
    summary: str
    advice: str
    findings: tuple
    reading: Reading | None = None

    def line(self) -> str:
        """One short line: the step, the key numbers, the state, and (unless healthy) what to try."""
        r = self.reading
        parts = [f"step {self.step}"]
        if r is not None:
            if r.d_real is not None and r.d_fake is not None:
                parts.append(f"D(x) {r.d_real:.2f} D(G(z)) {r.d_fake:.2f}")
            if r.wasserstein_estimate is not None:
                parts.append(f"W {r.wasserstein_estimate:.3g}")
            if r.g_grad_norm is not None:
                parts.append(f"|grad G| {r.g_grad_norm:.2g}")
            if r.covered is not None:
                parts.append(f"{r.covered}/{r.n_modes} {r.coverage_unit}")
        text = " | ".join(parts) + f": {self.summary}"
        return text if self.state == "healthy" else f"{text}. Try: {self.advice}"


@dataclasses.dataclass(frozen=True)
class HealthThresholds:
    """The numbers the rules compare with (see each ``rule_*`` for why each sits where it does).

    window: readings the D-wins rules average over (the last ``window``).
    d_wins_real, d_wins_fake: D wins when mean D(x) >= the first and mean D(G(z)) <= the second.
    vanish_ratio: G's gradients have vanished when their window mean is <= this share of the run's peak.
    coverage_share: collapse when fewer than this share of the classes/modes are covered ...
    min_quality: ... and at least this share of the samples is recognisable.
    oscillation_window: readings the oscillation rule looks at.
    min_amplitude: the least half range of D's detrended margin, in probability, called a swing.
    critic_min_amplitude: the same for a critic's estimate, as a share of its mean |estimate|.
    min_swings: passes from one side of the swing to the other (4: two cycles).
    min_smoothness: the least lag-1 autocorrelation of the detrended margin (noise has about 0).
    damping: the second half's range must be at least this share of the first half's.
    """

    window: int = 5
    d_wins_real: float = 0.9
    d_wins_fake: float = 0.1
    vanish_ratio: float = 0.1
    coverage_share: float = 0.9
    min_quality: float = 0.05
    oscillation_window: int = 24
    min_amplitude: float = 0.02
    critic_min_amplitude: float = 0.1
    min_swings: int = 4
    min_smoothness: float = 0.4
    damping: float = 0.5

    def __post_init__(self):
        for name in ("window", "oscillation_window"):
            check_int(getattr(self, name), name, minimum=2)
        check_int(self.min_swings, "min_swings", minimum=1)
        for name in ("d_wins_real", "d_wins_fake", "vanish_ratio", "coverage_share", "min_quality", "damping",
                     "min_smoothness"):
            check_number(getattr(self, name), name, minimum=0.0, maximum=1.0)
        for name in ("min_amplitude", "critic_min_amplitude"):
            check_number(getattr(self, name), name, minimum=0.0, exclusive_minimum=True)


DEFAULT_THRESHOLDS = HealthThresholds()


def _series(readings, name: str) -> np.ndarray | None:
    values = [getattr(r, name) for r in readings]
    if any(v is None for v in values):
        return None
    return np.asarray(values, dtype=np.float64)


def rule_diverged(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Finding | None:
    """Diverged: a metric of the latest reading is NaN or infinite.

    Evidence: every logged value of the last reading (losses, D's outputs,
    gradient norms, the Wasserstein estimate). Threshold: none; one NaN is
    enough, because a NaN weight never recovers (every later output, loss and
    gradient is NaN too).
    """
    bad = {k: v for k, v in readings[-1].values().items() if not math.isfinite(v)}
    if not bad:
        return None
    return Finding("diverged", STATES["diverged"] + f": {', '.join(bad)} not finite", ADVICE["diverged"], bad)


def _discriminator_wins(readings, thresholds):
    window = readings[-thresholds.window:]
    real, fake = _series(window, "d_real"), _series(window, "d_fake")
    if len(window) < thresholds.window or real is None or fake is None:
        return None
    d_real, d_fake = float(real.mean()), float(fake.mean())
    if d_real >= thresholds.d_wins_real and d_fake <= thresholds.d_wins_fake:
        return {"d_real": d_real, "d_fake": d_fake}
    return None


def rule_vanishing_gradients(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Finding | None:
    """梯度消失: D wins over the last ``window`` readings and G's gradient norm has fallen to a tenth of its peak.

    Evidence: mean D(x), mean D(G(z)) and mean ``g_grad_norm`` over the
    window, and the largest ``g_grad_norm`` of all readings given.

    Why these thresholds: with the saturating loss log(1 − D(G(z))), G's
    gradient with respect to the logit of each fake is −D(G(z)) (chapter 3,
    :mod:`gancourse.theory.saturation`), so at D(G(z)) <= 0.1 it is at most a
    fifth of its value at the start, where D(G(z)) ≈ 0.5. D(x) >= 0.9 and
    D(G(z)) <= 0.1 means D classifies both batches with at least 90 %
    confidence: it has won. A norm at a tenth of the peak is the signature of
    saturation, not of D's growing weights (which raise it): with the
    non-saturating loss the gradient per logit is −(1 − D(G(z))) ≈ −1 there
    and the norm does not fall (see :func:`rule_discriminator_wins`).
    Measured on the ring (3×128 MLPs, D: Adam 3e-3 with 5 steps per G step,
    G: Adam 1e-4): with the saturating loss D(x) reached 1.00 and D(G(z))
    0.00 by step 300 and G's norm fell from 0.012 to 0; with the
    non-saturating loss and the same D, G's norm stayed between 13 and 114.
    """
    wins = _discriminator_wins(readings, thresholds)
    norms = _series(readings, "g_grad_norm")
    if wins is None or norms is None or not np.all(np.isfinite(norms)):
        return None
    peak = float(norms.max())
    recent = float(norms[-thresholds.window:].mean())
    if peak <= 0 or recent > thresholds.vanish_ratio * peak:
        return None
    evidence = wins | {"g_grad_norm": recent, "peak_g_grad_norm": peak, "ratio": recent / peak}
    return Finding("vanishing_gradients", STATES["vanishing_gradients"]
                   + f" (|grad G| at {recent / peak:.0%} of its peak)", ADVICE["vanishing_gradients"], evidence)


def rule_mode_collapse(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Finding | None:
    """模式崩溃: the latest samples are formed but cover fewer than 90 % of the classes or modes.

    Evidence: ``covered``, ``n_modes`` and ``quality`` of the last reading
    (classes holding >= 1 % of the samples and the classifier's confident
    share on MNIST; VEEGAN's modes captured and high-quality share on toys).

    Why these thresholds: a healthy MNIST generator covers 10/10 classes (the
    course's DCGAN bar; the conditional GAN's checks read 10/10 from step
    500) and WGAN-GP on the 25-Gaussian grid 24/25; below 90 % (8/10 classes,
    7/8 ring modes, 22/25 grid modes) whole kinds of samples are missing. The
    quality gate (``min_quality`` = 5 % of the samples recognisable) keeps an
    untrained generator from being called collapsed: the classifier puts all
    of an untrained DCGAN's or MLP generator's blobs into one class, but
    confidently for only 0 to 2 % of them, and a ring GAN's first 500 steps
    put 0.1 to 1.3 % of its samples near a mode, whereas the formed but
    collapsed ring generators measured put 6 to 98 % there. Collapse means
    good samples of few kinds.
    """
    r = readings[-1]
    if r.covered is None or r.n_modes is None:
        return None
    if r.covered >= thresholds.coverage_share * r.n_modes:
        return None
    if r.quality is not None and r.quality < thresholds.min_quality:
        return None
    return Finding("mode_collapse", STATES["mode_collapse"] + f": {r.covered}/{r.n_modes} {r.coverage_unit}",
                   ADVICE["mode_collapse"], {"covered": r.covered, "n_modes": r.n_modes, "quality": r.quality})


def _swings(residual: np.ndarray, band: float) -> int:
    """How many times ``residual`` passes from above +band to below -band or back."""
    side, count = 0, 0
    for value in residual:
        now = 1 if value >= band else -1 if value <= -band else 0
        if now and now != side:
            count += side != 0
            side = now
    return count


def _lag1_autocorrelation(residual: np.ndarray) -> float:
    """The correlation of each value with the next (near 0 for independent noise, near 1 for a slow wave)."""
    centred = residual - residual.mean()
    denominator = float(np.sum(centred ** 2))
    return float(np.sum(centred[1:] * centred[:-1]) / denominator) if denominator > 0 else 0.0


def rule_oscillating(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Finding | None:
    """GAN经常无法收敛: D's margin swings back and forth around its trend, smoothly and without damping.

    Evidence: over the last ``oscillation_window`` readings (24), D's margin
    D(x) − D(G(z)) (or, for a critic, the Wasserstein estimate) with its
    linear trend removed. It fires when all four hold:

    * the swing's half range A is at least ``min_amplitude`` (0.02 in
      probability; for a critic, ``critic_min_amplitude`` = 0.1 of the mean
      |estimate|, since its scores have no fixed scale). Healthy runs' readings
      stay within ±0.01 (a 2-D Gaussian, 100-step means; the conditional MNIST
      GAN's 500-step means), while the Dirac-GAN (Mescheder et al. 2018)
      started at θ = 1, ψ = 0 with SGD at 0.1 swings by ±0.05 (alternating
      updates) to ±0.065 (simultaneous);
    * it passes from above +A/2 to below −A/2 or back at least ``min_swings``
      (4) times: two full cycles, so one hump (D catching up once) is not
      oscillation;
    * consecutive readings are correlated (lag-1 autocorrelation >=
      ``min_smoothness`` = 0.4): a wave sampled at six or more readings per
      cycle has at least cos(2π/6) = 0.5, while noise has about 0 (standard
      error 1/√24 ≈ 0.2 over the window), so noisy readings are not taken for
      a cycle;
    * it does not die out: the second half's range is at least ``damping``
      (half) of the first half's; a damped spiral is converging.

    Checks must come at six or more per cycle, and the window must hold two
    cycles: for a Dirac-GAN with step η, whose cycle is about 2π/η steps, check
    every 2π/(6η) steps or more often.
    """
    window = readings[-thresholds.oscillation_window:]
    if len(window) < thresholds.oscillation_window:
        return None
    real, fake = _series(window, "d_real"), _series(window, "d_fake")
    if real is not None and fake is not None:
        name, series, floor = "D(x) - D(G(z))", real - fake, thresholds.min_amplitude
    else:
        series = _series(window, "wasserstein_estimate")
        if series is None:
            return None
        name = "Wasserstein estimate"
        floor = thresholds.critic_min_amplitude * float(np.mean(np.abs(series))) if np.all(np.isfinite(series)) else 0
    if not np.all(np.isfinite(series)):
        return None
    steps = np.arange(len(series), dtype=np.float64)
    residual = series - np.polyval(np.polyfit(steps, series, 1), steps)
    amplitude = float(np.ptp(residual)) / 2
    if amplitude <= 0 or amplitude < floor:
        return None
    swings = _swings(residual, amplitude / 2)
    smoothness = _lag1_autocorrelation(residual)
    half = len(residual) // 2
    first, second = np.ptp(residual[:half]), np.ptp(residual[half:])
    damping = float(second / first) if first > 0 else 0.0
    if swings < thresholds.min_swings or smoothness < thresholds.min_smoothness or damping < thresholds.damping:
        return None
    evidence = {"series": name, "amplitude": amplitude, "swings": swings, "smoothness": smoothness,
                "damping": damping}
    return Finding("oscillating", STATES["oscillating"] + f" ({name} swung {swings} times, ±{amplitude:.2g})",
                   ADVICE["oscillating"], evidence)


def rule_discriminator_wins(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Finding | None:
    """D wins over the window (D(x) >= 0.9, D(G(z)) <= 0.1) while G's gradients have not vanished.

    Evidence and thresholds as :func:`rule_vanishing_gradients`, which is
    tried first: this is what is left when D has won but G's gradient norm is
    still above a tenth of its peak (the non-saturating loss keeps it up). G
    learns, but from a D that tells its samples apart at a glance.
    """
    wins = _discriminator_wins(readings, thresholds)
    if wins is None:
        return None
    return Finding("discriminator_wins", STATES["discriminator_wins"], ADVICE["discriminator_wins"], wins)


RULES = (rule_diverged, rule_vanishing_gradients, rule_mode_collapse, rule_oscillating, rule_discriminator_wins)
"""The rules in the order they are tried; the first that fires names the state."""


def diagnose(readings, thresholds: HealthThresholds = DEFAULT_THRESHOLDS) -> Diagnosis:
    """The likely state of a run from its readings so far (oldest first), by :data:`RULES` in order.

    Args:
        readings: a non-empty sequence of :class:`Reading`, oldest first; the
            rules look at the last few (``thresholds``) and the gradient rule
            at the peak of all.
        thresholds: a :class:`HealthThresholds`.

    Returns:
        A :class:`Diagnosis` naming the first rule's state (``"healthy"`` when
        none fires), with every finding in rule order.

    Raises:
        TypeError: ``readings`` holds something other than readings, or
            ``thresholds`` is not a :class:`HealthThresholds`.
        ValueError: ``readings`` is empty.
    """
    readings = tuple(readings)
    if not readings:
        raise ValueError("readings must hold at least one Reading, got none")
    bad = [type(r).__name__ for r in readings if not isinstance(r, Reading)]
    if bad:
        raise TypeError(f"readings must be Reading objects, got {bad[0]}")
    if not isinstance(thresholds, HealthThresholds):
        raise TypeError(f"thresholds must be a HealthThresholds, got {type(thresholds).__name__}")
    findings = tuple(f for f in (rule(readings, thresholds) for rule in RULES) if f is not None)
    last = readings[-1]
    if not findings:
        return Diagnosis(last.step, "healthy", STATES["healthy"], ADVICE["healthy"], (), last)
    first = findings[0]
    return Diagnosis(last.step, first.state, first.summary, first.advice, findings, last)
