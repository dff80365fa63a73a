"""Completing images by searching the generator's latent space (Yeh et al. 2017, Sec. 3.2).

:func:`fit_latent` solves Yeh et al.'s  z_hat = argmin_z L_c(z | y, M) + lambda L_p(z)
with Adam, for a batch of images at once, several restarts per image, z kept
in the prior's typical set. The encoder start and the generator fine-tuning
that go beyond the paper are in :mod:`.stronger_inversion`. Generic: any
generator mapping (N, latent_dim) to (N, H, W, C) in [-1, 1], any
discriminator giving logits (N, 1); both are called with ``training=False``
and must treat the images of a batch independently (no batch statistics).
Losses are per-image sums (see :mod:`gancourse.objectives.inpainting`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import import_tensorflow
from ..config.validate import (
    as_finite_array,
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_seed,
)
from ..objectives.inpainting import (
    PRIOR_FORMS,
    as_images,
    as_mask,
    importance_weights,
    inpainting_loss,
)

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["Z_CONSTRAINTS", "WEIGHTINGS", "SCHEDULES", "LatentFit", "print_progress", "default_z_limit", "fit_latent"]

Z_CONSTRAINTS = ("ball", "box", "none")
WEIGHTINGS = ("importance", "plain")
SCHEDULES = ("constant", "cosine")
COSINE_FLOOR = 0.05  # the cosine schedule ends at 5 % of the first step size


@dataclass
class LatentFit:
    """What a fit returns. ``history[t]`` is each image's loss before step t (None if not recorded);
    ``snapshots[s]`` is G(z) at step ``snapshot_steps[s]``; ``restart_losses`` (R, N) the final loss of
    every restart, of which ``loss`` (N,) is the least."""
    z: np.ndarray
    generated: np.ndarray
    loss: np.ndarray
    restart_losses: np.ndarray
    history: np.ndarray | None = None
    snapshots: np.ndarray | None = None
    snapshot_steps: tuple = ()


def print_progress(step: int, steps: int, loss: float) -> None:
    """A ready-made ``progress`` argument: one line per report (the only printing in this module)."""
    print(f"step {step}/{steps}: mean loss {loss:.4f}", flush=True)


def default_z_limit(latent_dim: int, z_constraint: str = "ball") -> float:
    """The bound that keeps z in the typical set of N(0, I).

    ``"ball"``: radius sqrt(d) + 3/sqrt(2). The norm of a d-dimensional standard
    normal concentrates at sqrt(d) with standard deviation about 1/sqrt(2), so
    this is about three standard deviations above it: nearly every true sample
    lies inside, for d = 2 as for d = 100. ``"box"``: each coordinate in [-3, 3].
    """
    latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    z_constraint = check_choice(z_constraint, "z_constraint", Z_CONSTRAINTS)
    return float(np.sqrt(latent_dim) + 3.0 / np.sqrt(2.0)) if z_constraint == "ball" else 3.0


def _project(z, constraint: str, limit: float):
    # Departure: Yeh et al. clip z to [-1, 1] (uniform prior). The course's prior is N(0, I), whose mass
    # sits on a shell of radius ~sqrt(d); "ball" projects each z back onto ||z|| <= limit so the search
    # cannot drift to norms G never saw in training (a box bounds coordinates, not the norm).
    if constraint == "ball":
        norms = ops.sqrt(ops.sum(ops.square(z), axis=1, keepdims=True))
        return z * ops.minimum(1.0, limit / ops.maximum(norms, 1e-12))
    return ops.clip(z, -limit, limit) if constraint == "box" else z


def _latent_dim(generator, latent_dim):
    if not callable(generator):
        raise TypeError(f"generator must be a Keras model (callable), got {type(generator).__name__}")
    if latent_dim is not None:
        return check_int(latent_dim, "latent_dim", minimum=1)
    try:
        return int(generator.inputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):
        raise ValueError("latent_dim could not be read from generator.inputs; pass latent_dim") from None


def _targets(images, mask, weighting, window):
    y = as_images(images, "images")
    m = as_mask(mask, y.shape)
    weighting = check_choice(weighting, "weighting", WEIGHTINGS)
    if check_int(window, "window", minimum=3) % 2 == 0:  # checked even when unused, so typos surface
        raise ValueError(f"window must be odd, got {window}")
    if weighting == "importance":
        no_hole = np.flatnonzero(m.reshape(len(m), -1).min(axis=1) == 1)
        if len(no_hole):  # W would be 0 on every pixel: the search would silently do nothing
            raise ValueError(f"mask has no hole in image {int(no_hole[0])}, so Yeh's importance weights are 0 on "
                             "every pixel; use weighting='plain' to fit whole images")
        return y, m, importance_weights(m, window)
    return y, m, m


def _loss(generator, discriminator, z, y, w, prior_weight, prior):
    generated = generator(z, training=False)
    logits = None if discriminator is None else discriminator(generated, training=False)
    return inpainting_loss(generated, y, w, logits, prior_weight=prior_weight, prior=prior), generated


def _check_common(discriminator, steps, learning_rate, prior_weight, prior, progress, progress_every):
    if discriminator is not None and not callable(discriminator):
        raise TypeError(f"discriminator must be a Keras model or None, got {type(discriminator).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable (step, steps, loss) or None, got {type(progress).__name__}")
    return (check_int(steps, "steps", minimum=0), check_number(learning_rate, "learning_rate", minimum=0.0,
                                                               exclusive_minimum=True),
            check_number(prior_weight, "prior_weight", minimum=0.0), check_choice(prior, "prior", PRIOR_FORMS),
            check_int(progress_every, "progress_every", minimum=1))


def _step_size(learning_rate: float, steps: int, schedule: str):
    if schedule == "cosine" and steps > 0:
        return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=COSINE_FLOOR)
    return learning_rate


def _screened(generator, discriminator, codes, y, w, keep, prior_weight, prior, z_constraint, z_limit,
              chunk: int = 4096):
    """The ``keep`` codes of least loss per image, best first: (K, N, d) -> (keep, N, d)."""
    k, n, d = codes.shape
    flat = np.asarray(_project(ops.convert_to_tensor(codes.reshape(k * n, d)), z_constraint, z_limit))
    y_all, w_all = np.tile(y, (k, 1, 1, 1)), np.tile(w, (k, 1, 1, 1))
    losses = np.concatenate([np.asarray(_loss(generator, discriminator, flat[i:i + chunk], y_all[i:i + chunk],
                                              w_all[i:i + chunk], prior_weight, prior)[0])
                             for i in range(0, k * n, chunk)]).reshape(k, n)
    order = np.argsort(np.where(np.isfinite(losses), losses, np.inf), axis=0, kind="stable")[:keep]
    return flat.reshape(k, n, d)[order, np.arange(n)[None, :]]


def fit_latent(generator, discriminator, images, mask, *, steps: int = 1000, restarts: int = 1,
               learning_rate: float = 0.01, prior_weight: float = 0.1, prior: str = "saturating",
               weighting: str = "importance", window: int = 7, z_constraint: str = "ball", z_limit=None,
               z_start=None, candidates=None, schedule: str = "constant", seed: int = 0, latent_dim=None,
               record_history: bool = True, snapshot_every: int = 0, progress=None,
               progress_every: int = 100) -> LatentFit:
    """Yeh et al.'s latent search  z_hat = argmin_z L_c(z | y, M) + lambda L_p(z)  (Sec. 3.2, with Adam).

    All images and all restarts are optimised together as one batch of R x N
    codes: the loss is a sum of per-image terms and Adam works per coordinate,
    so each code follows exactly the path it would follow alone. Each image
    keeps the restart with the least final loss. Restart r starts from
    N(0, I) codes drawn with ``seed`` (restart 0 from ``z_start`` if given).
    Departures from the paper: the restarts (the loss is not convex in z, and
    a single start ends in a poor local minimum for some images), the
    norm-ball constraint on z (Yeh et al. clip a uniform z to [-1, 1]; the
    course's prior is N(0, I), see :func:`default_z_limit`) and two options
    off by default: screening (``candidates`` codes drawn per image, the
    ``restarts`` with the least loss kept as starts: one forward pass each,
    far cheaper than a restart) and a cosine decay of the step size
    (``schedule="cosine"``: large steps travel, small ones settle). Chapter 6
    measures what each buys.

    Args:
        generator: (N, d) -> (N, H, W, C) in [-1, 1].
        discriminator: (N, H, W, C) -> logits (N, 1), or None for a pure context fit.
        images, mask: y (N, H, W, C) in [-1, 1]; mask 1 = known, 0 = hole.
        steps: Adam steps (0 only evaluates the starts).
        restarts: codes tried per image.
        prior_weight, prior: lambda and the form of L_p (see the objectives module).
        weighting: ``"importance"`` (Yeh's W with a ``window`` x ``window``
            neighbourhood) or ``"plain"`` (W = M).
        z_constraint, z_limit: after every step z is projected to the ball
            ||z|| <= z_limit, the box [-z_limit, z_limit], or left free
            (``"none"``); ``z_limit=None`` takes :func:`default_z_limit`.
        z_start: (N, d) codes for restart 0, e.g. from :func:`encode_start`.
        candidates: random codes scored per image before the search (>= ``restarts``;
            None: ``restarts``, no screening).
        schedule: ``"constant"`` step size, or ``"cosine"``: decays from
            ``learning_rate`` to 5 % of it over ``steps``.
        record_history: keep every step's loss (``LatentFit.history``).
        snapshot_every: keep G(z) every that many steps and at the end (0: none).
        progress: called as progress(step, steps, mean_loss) every
            ``progress_every`` steps and at the last, e.g. :func:`print_progress`.

    Returns:
        :class:`LatentFit`: z (N, d), G(z), the final loss (N,) of the kept
        restart, every restart's final loss, and the optional records.
    """
    d = _latent_dim(generator, latent_dim)
    steps, learning_rate, prior_weight, prior, progress_every = _check_common(
        discriminator, steps, learning_rate, prior_weight, prior, progress, progress_every)
    restarts = check_int(restarts, "restarts", minimum=1)
    seed = check_seed(seed)
    z_constraint = check_choice(z_constraint, "z_constraint", Z_CONSTRAINTS)
    z_limit = default_z_limit(d, z_constraint) if z_limit is None else check_number(
        z_limit, "z_limit", minimum=0.0, exclusive_minimum=True)
    record_history = check_bool(record_history, "record_history")
    snapshot_every = check_int(snapshot_every, "snapshot_every", minimum=0)
    candidates = restarts if candidates is None else check_int(candidates, "candidates", minimum=restarts)
    schedule = check_choice(schedule, "schedule", SCHEDULES)
    y, _, w = _targets(images, mask, weighting, window)
    n = len(y)
    starts = np.random.default_rng(seed).standard_normal((candidates, n, d)).astype(np.float32)
    if candidates > restarts:
        starts = _screened(generator, discriminator, starts, y, w, restarts, prior_weight, prior,
                           z_constraint, z_limit)
    if z_start is not None:
        z_start = as_finite_array(z_start, "z_start", ndim=2, dtype=np.float32)
        if z_start.shape != (n, d):
            raise ValueError(f"z_start must have shape (N, latent_dim) = {(n, d)}, got {z_start.shape}")
        starts[0] = z_start

    z = keras.Variable(starts.reshape(restarts * n, d), name="inpainting_z", dtype="float32")
    z.assign(_project(z, z_constraint, z_limit))
    y_all = ops.convert_to_tensor(np.tile(y, (restarts, 1, 1, 1)))
    w_all = ops.convert_to_tensor(np.tile(w, (restarts, 1, 1, 1)))
    optimizer = keras.optimizers.Adam(_step_size(learning_rate, steps, schedule))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss, _ = _loss(generator, discriminator, z, y_all, w_all, prior_weight, prior)
            total = ops.sum(loss)
        optimizer.apply_gradients(zip(tape.gradient(total, [z]), [z]))
        z.assign(_project(z, z_constraint, z_limit))
        return loss

    @tf.function
    def evaluate():
        return _loss(generator, discriminator, z, y_all, w_all, prior_weight, prior)

    history, snapshots, snapshot_steps = [], [], []
    for t in range(steps):
        if snapshot_every and t % snapshot_every == 0:
            snapshots.append(evaluate()[1])
            snapshot_steps.append(t)
        loss = step()
        if record_history:
            history.append(loss)
        if progress is not None and ((t + 1) % progress_every == 0 or t + 1 == steps):
            progress(t + 1, steps, float(ops.mean(loss)))
    final_loss, final_generated = (np.asarray(v) for v in evaluate())
    if snapshot_every:
        snapshots.append(final_generated)
        snapshot_steps.append(steps)

    restart_losses = final_loss.reshape(restarts, n)
    best = np.argmin(np.where(np.isfinite(restart_losses), restart_losses, np.inf), axis=0)
    columns = np.arange(n)

    def pick(array, leading=0):  # (..., R * N, ...) -> the kept restart of each image
        a = np.asarray(array)
        a = a.reshape(a.shape[:leading] + (restarts, n) + a.shape[leading + 1:])
        return a[(slice(None),) * leading + (best, columns)]

    return LatentFit(z=pick(z.numpy()), generated=pick(final_generated), loss=restart_losses[best, columns],
                     restart_losses=restart_losses,
                     history=pick(np.stack([np.asarray(h) for h in history]), 1) if history else None,
                     snapshots=pick(np.stack([np.asarray(s) for s in snapshots]), 1) if snapshots else None,
                     snapshot_steps=tuple(snapshot_steps))

