"""A callback that stops training when it diverges (NaN, exploding losses, a discriminator that has won).
"""

from __future__ import annotations

import math

from ..config import import_tensorflow
from ..config.validate import check_bool, check_int, check_number
from .snapshots import _steps_done

import_tensorflow()
import keras  # noqa: E402


class TrainingDiverged(RuntimeError):
    """Raised by :class:`DivergenceStop` with ``raise_error=True``."""


class DivergenceStop(keras.callbacks.Callback):
    """Stop ``fit()`` when training has failed, and say how.

    Checks the logs after every step (every ``steps_per_execution`` steps):

    * a watched loss is NaN or infinite (learning rate too high, a log of 0);
    * a watched loss exceeds ``max_loss`` in absolute value (exploding);
    * the discriminator wins outright -- D(x) > ``1 - d_margin`` and
      D(G(z)) < ``d_margin`` -- for ``patience`` consecutive steps: the
      generator gets (almost) no useful gradient, or it has collapsed.

    The reason is printed, kept in :attr:`reason` and the step in
    :attr:`stopped_step`; with ``raise_error=True`` a :class:`TrainingDiverged`
    is raised instead of stopping quietly (for scripts and tests).
    """

    def __init__(self, *, watch=("d_loss", "g_loss"), max_loss: float = 100.0, d_margin: float = 0.01,
                 patience: int = 500, raise_error: bool = False, verbose: bool = True):
        super().__init__()
        if isinstance(watch, str) or not all(isinstance(k, str) for k in watch):
            raise TypeError(f"watch must be a sequence of metric names, got {watch!r}")
        self.watch = tuple(watch)
        self.max_loss = check_number(max_loss, "max_loss", minimum=0.0, exclusive_minimum=True)
        self.d_margin = check_number(d_margin, "d_margin", minimum=0.0, maximum=0.5, exclusive_maximum=True)
        self.patience = check_int(patience, "patience", minimum=1)
        self.raise_error = check_bool(raise_error, "raise_error")
        self.verbose = check_bool(verbose, "verbose")
        self.reason: str | None = None
        self.stopped_step: int | None = None
        self._last_finite: dict[str, float] = {}
        self._won_since: int | None = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.reason = None
        self.stopped_step = None
        self._won_since = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def diagnose(self, logs: dict, step: int) -> str | None:
        """The reason to stop for these logs at ``step``, or ``None``."""
        for key in self.watch:
            if key not in logs:
                continue
            value = float(logs[key])
            if not math.isfinite(value):
                last = self._last_finite.get(key)
                return (f"{key} became {value} at step {step} (epoch {self._epoch + 1})"
                        + (f"; its last finite value was {last:.4g}" if last is not None else "")
                        + ". Usual causes: a learning rate too high, a log of 0 (a loss on probabilities "
                        "instead of logits), or inputs that are not finite.")
            if abs(value) > self.max_loss:
                return (f"{key} = {value:.4g} exceeds {self.max_loss:g} at step {step} (epoch {self._epoch + 1}): "
                        "the losses are exploding. Lower the learning rate or check the data range ([-1, 1]).")
            self._last_finite[key] = value
        if "d_real" in logs and "d_fake" in logs:
            d_real, d_fake = float(logs["d_real"]), float(logs["d_fake"])
            if d_real > 1 - self.d_margin and d_fake < self.d_margin:
                if self._won_since is None:
                    self._won_since = step
                elif step - self._won_since >= self.patience:
                    return (f"the discriminator has won outright since step {self._won_since} "
                            f"(D(x) = {d_real:.4f}, D(G(z)) = {d_fake:.4f} at step {step}): the generator "
                            "gets almost no gradient (saturation) or has collapsed. Try the non-saturating "
                            "loss, a smaller discriminator or learning rate, or instance noise.")
            else:
                self._won_since = None
        return None

    def on_train_batch_end(self, batch, logs=None):
        if not logs:
            return
        step = _steps_done(self.model)
        reason = self.diagnose(logs, step)
        if reason is None:
            return
        self.reason, self.stopped_step = reason, step
        self.model.stop_training = True
        if self.raise_error:
            raise TrainingDiverged(f"training stopped: {reason}")
        if self.verbose:
            print(f"\nDivergenceStop: training stopped: {reason}", flush=True)
