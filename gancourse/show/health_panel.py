"""The health readout's panel: the curves chapter 8's rules read, with the state each check named.

Three small axes over the steps of the checks: D(x) and D(G(z)) (or a
critic's Wasserstein estimate) with the "D wins" band; both gradient norms on
a log scale; and the coverage of classes or modes. Each check's state is a
coloured mark along the top axis, so a glance shows when a run changed state.
"""

from __future__ import annotations

import numpy as np

from ..train.health import TrainingHealth
from ..train.health_rules import DEFAULT_THRESHOLDS, STATES, Diagnosis, Reading

STATE_COLOURS = {
    "healthy": "tab:green", "discriminator_wins": "tab:olive", "oscillating": "tab:orange",
    "mode_collapse": "tab:purple", "vanishing_gradients": "tab:red", "diverged": "black",
}
"""The colour of each state's mark."""


def _readings_and_diagnoses(health) -> tuple[list, list]:
    if isinstance(health, TrainingHealth):
        return list(health.readings), list(health.diagnoses)
    items = list(health) if isinstance(health, (list, tuple)) else None
    if items and all(isinstance(r, Reading) for r in items):
        return items, []
    raise TypeError("health must be a TrainingHealth callback or a non-empty list of Reading, got "
                    f"{type(health).__name__}")


def _values(readings, name):
    return np.array([np.nan if getattr(r, name) is None else getattr(r, name) for r in readings], dtype=float)


def plot_health(health, *, axes=None, thresholds=DEFAULT_THRESHOLDS):
    """Plot what the health readout read: D's outputs, gradient norms and coverage, with each check's state.

    Args:
        health: a :class:`~gancourse.train.health.TrainingHealth` after
            ``fit()`` (readings and diagnoses), or a list of
            :class:`~gancourse.train.health_rules.Reading` (no states drawn).
        axes: three matplotlib axes to draw on (default: a new 1×3 figure).
        thresholds: whose ``d_wins_real``/``d_wins_fake`` band is drawn.

    Returns:
        the three axes.
    """
    import matplotlib.pyplot as plt

    readings, diagnoses = _readings_and_diagnoses(health)
    if not readings:
        raise ValueError("health holds no readings yet: train with the callback first")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    if len(axes) != 3:
        raise ValueError(f"axes must be three matplotlib axes, got {len(axes)}")
    steps = np.array([r.step for r in readings])
    ax_d, ax_g, ax_c = axes
    if not np.all(np.isnan(_values(readings, "d_real"))):
        ax_d.plot(steps, _values(readings, "d_real"), label="D(x)")
        ax_d.plot(steps, _values(readings, "d_fake"), label="D(G(z))")
        ax_d.axhspan(thresholds.d_wins_real, 1.0, color="tab:red", alpha=0.08)
        ax_d.axhspan(0.0, thresholds.d_wins_fake, color="tab:red", alpha=0.08, label="D wins")
        ax_d.set_ylim(0, 1)
        ax_d.set_ylabel("probability")
    else:
        ax_d.plot(steps, _values(readings, "wasserstein_estimate"), label="Wasserstein estimate")
    ax_d.set_title("discriminator")
    for name in ("d_grad_norm", "g_grad_norm"):
        values = _values(readings, name)
        if not np.all(np.isnan(values)):
            ax_g.plot(steps, values, label=name)
    ax_g.set_yscale("log")
    ax_g.set_title("gradient norms")
    covered = _values(readings, "covered")
    if not np.all(np.isnan(covered)):
        ax_c.plot(steps, covered, "o-", label=f"{readings[-1].coverage_unit} covered")
        ax_c.axhline(readings[-1].n_modes, color="k", ls="--", lw=1, label="all")
        ax_c.set_ylim(0, readings[-1].n_modes + 0.5)
    ax_c.set_title("coverage")
    for ax in axes:
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    _mark_states(ax_d, diagnoses)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    return axes


def _mark_states(ax, diagnoses: list[Diagnosis]) -> None:
    """A coloured tick per check along the top of ``ax``, one legend entry per state seen."""
    seen = set()
    for diagnosis in diagnoses:
        label = None if diagnosis.state in seen else STATES[diagnosis.state]
        seen.add(diagnosis.state)
        ax.axvline(diagnosis.step, ymin=0.96, ymax=1.0, color=STATE_COLOURS[diagnosis.state], lw=3, label=label)
