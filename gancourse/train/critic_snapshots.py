"""A callback that records the critic's Wasserstein estimate and the generator's samples during training.

Arjovsky et al. (2017), section 4.2 and Figures 3-4, observe that the WGAN
critic's estimate ``E[D(x)] − E[D(G(z))]`` falls as the samples improve, so
(unlike a GAN's discriminator loss) it can be read as a training curve.
:class:`CriticEstimates` takes the measurements that claim needs: every
``every_steps`` generator steps it scores a *fixed* set of held-out real
images and a *fixed* batch of noise with the current critic, and keeps the
generator's samples of that noise, so that a sample-quality metric (the
Fréchet distance of :mod:`gancourse.evaluate.wasserstein_tracking`) can be
computed for the same snapshot afterwards. The fixed sets make successive
estimates comparable: a fresh minibatch per snapshot would add its own noise.

It also keeps the quantity the WGAN paper plots: the critic's estimate on its
own training batches (the trainer's ``wasserstein_estimate`` log), averaged
over the steps between two snapshots. Arjovsky et al. median-filter that
training curve; a mean over each interval is the same idea. One critic state
scored on held-out data fluctuates from step to step (the critic is re-fitted
against a moving generator every step), so the interval mean is the steadier
reading of the two (chapter 7 shows both).
"""

from __future__ import annotations

import math

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_bool, check_int
from .snapshots import _EveryNSteps, _generate, _steps_done

import_tensorflow()
import keras  # noqa: E402

__all__ = ["CriticEstimates"]


class CriticEstimates(_EveryNSteps):
    """Record ``mean D(real) − mean D(G(noise))`` and ``G(noise)`` every ``every_steps`` steps.

    Args:
        real_samples: fixed held-out real samples ``(n, ...)`` (e.g. MNIST test
            digits in [-1, 1]), scored by the critic at every snapshot.
        noise: fixed latent vectors ``(m, latent_dim)``.
        every_steps: generator steps between snapshots (one is also taken at
            the start and at the end of ``fit()``).
        keep_samples: keep ``G(noise)`` of every snapshot in :attr:`samples`.
        batch_size: the critic and the generator run on this many samples at a time.

    Attributes:
        steps: the generator step of each snapshot.
        estimates: the critic's estimate at each snapshot (float).
        training_estimates: the mean of the logged ``wasserstein_estimate``
            (the critic's estimate on its training batches, one value per
            generator step) over the steps since the previous snapshot; NaN at
            the first snapshot, and throughout for a model that logs no such value.
        samples: ``G(noise)`` at each snapshot (if ``keep_samples``).
    """

    logged_name = "wasserstein_estimate"

    def __init__(self, real_samples, noise, *, every_steps: int = 500, keep_samples: bool = True,
                 batch_size: int = 500):
        super().__init__(every_steps)
        self.real_samples = as_finite_array(real_samples, "real_samples", min_rows=1, dtype=np.float32)
        self.noise = as_finite_array(noise, "noise", ndim=2, min_rows=1, dtype=np.float32)
        self.keep_samples = check_bool(keep_samples, "keep_samples")
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.estimates: list[float] = []
        self.training_estimates: list[float] = []
        self.samples: list[np.ndarray] = []
        # Keras logs the running mean of the current epoch (its trackers reset at every epoch's
        # start): mean x steps into the epoch, plus the earlier epochs' sums, gives the sum so far.
        self._sum_before_epoch = 0.0
        self._epoch_start_step = 0
        self._sum_so_far = 0.0
        self._sum_at_snapshot = 0.0
        self._logged = False

    def on_epoch_begin(self, epoch, logs=None):
        self._sum_before_epoch = self._sum_so_far
        self._epoch_start_step = _steps_done(self.model)

    def on_train_batch_end(self, batch, logs=None):
        if logs and self.logged_name in logs:
            steps_in_epoch = _steps_done(self.model) - self._epoch_start_step
            self._sum_so_far = self._sum_before_epoch + float(logs[self.logged_name]) * steps_in_epoch
            self._logged = True
        super().on_train_batch_end(batch, logs)

    def _mean_score(self, x: np.ndarray) -> float:
        model = self.model
        total = 0.0
        for start in range(0, len(x), self.batch_size):
            part = x[start:start + self.batch_size]
            scores = (model.discriminate(part, None, training=False) if hasattr(model, "discriminate")
                      else model.discriminator(part, training=False))
            total += float(np.sum(keras.ops.convert_to_numpy(scores), dtype=np.float64))
        return total / len(x)

    def record(self, step: int) -> None:
        fakes = np.concatenate([_generate(self.model, self.noise[s:s + self.batch_size])
                                for s in range(0, len(self.noise), self.batch_size)])
        self.estimates.append(self._mean_score(self.real_samples) - self._mean_score(fakes))
        since = step - self.steps[-1] if self.steps else 0
        mean = (self._sum_so_far - self._sum_at_snapshot) / since if since > 0 and self._logged else math.nan
        self.training_estimates.append(mean)
        self._sum_at_snapshot = self._sum_so_far
        if self.keep_samples:
            self.samples.append(fakes)
