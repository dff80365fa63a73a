"""WGAN-GP on MNIST, and the check that the critic's Wasserstein estimate tracks sample quality.

Arjovsky et al. (2017), section 4.2, claim that the WGAN critic's estimate of
the Earth-Mover distance correlates with the quality of the generated samples
(their Figures 3-4), which a GAN's discriminator loss does not; Gulrajani et
al. (2017) repeat it for WGAN-GP (their Figure 5). :func:`estimate_tracks_quality`
puts a number on the claim: over the snapshots of one run, the Spearman rank
correlation between the critic's estimate and the Fréchet distance of the
same snapshot's samples. Two estimates are kept
(:class:`gancourse.train.critic_snapshots.CriticEstimates`): the paper's, the
critic's estimate on its training batches averaged over the steps since the
previous snapshot (the paper median-filters the same curve), which the bar
reads; and one critic state's estimate on fixed held-out digits and fixed
noise at the snapshot, reported beside it. The second fluctuates from step to
step with the critic (chapter 7 plots both): over the `cpu` run its
correlation with the distance is far weaker (``benchmarks/README.md``).

:func:`train_wgan_gp_mnist` trains chapter 7's MNIST WGAN-GP at a profile's
sizes (``config.chapter_sizes("wgan").mnist_*``): chapter 5's DCGAN generator
(batch norm is allowed in G) against ``gan_mnist.py``'s critic (no batch
norm), λ = 10, n_critic = 5, Adam with β = (0.5, 0.9) as the authors' code.
Departure: both learning rates decay to 0 on a cosine over the run (as
chapter 5's short CPU runs do), and the generator's rate is its own
(``mnist_g_learning_rate``), to reach a usable generator within minutes
instead of the paper's 200,000 iterations.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..config import import_tensorflow, seed_everything
from ..config.validate import as_finite_array, check_int, check_seed
from ..data.pipelines import training_stream
from ..nets.critics import mnist_critic
from ..nets.dcgan import dcgan_generator
from ..nets.latent import latent_noise
from ..train.critic_snapshots import CriticEstimates
from ..train.wgan import N_CRITIC, WGANGP
from .features import classifier_features
from .frechet import frechet_distance

tf = import_tensorflow()
import keras  # noqa: E402

__all__ = ["wgan_gp_mnist_model", "train_wgan_gp_mnist", "snapshot_frechet_distances", "estimate_tracks_quality",
           "wgan_gp_mnist_report",
           "BETAS"]

BETAS = (0.5, 0.9)
"""Adam's (β1, β2) in the WGAN-GP authors' ``gan_mnist.py`` (the paper's Algorithm 1: β1 = 0)."""


def wgan_gp_mnist_model(sizes, seed: int = 0, *, jit_compile: bool | None = None,
                        steps_per_execution: int = 10) -> WGANGP:
    """A compiled :class:`~gancourse.train.wgan.WGANGP`: chapter 5's generator, ``gan_mnist.py``'s critic.

    ``sizes``: a :class:`~gancourse.config.sizes.WGANSizes`. The critic's
    optimizer steps n_critic times per generator step, so its cosine spans
    n_critic × ``mnist_steps`` updates.
    """
    seed = check_seed(seed)
    keras.utils.set_random_seed(seed)
    generator = dcgan_generator(sizes.mnist_latent_dim, **sizes.mnist_generator, seed=seed)
    critic = mnist_critic(width=sizes.mnist_critic_width)
    model = WGANGP(generator, critic, penalty_weight=sizes.mnist_penalty_weight, seed=seed)

    def adam(rate, steps):
        return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(rate, steps), beta_1=BETAS[0],
                                     beta_2=BETAS[1])

    model.compile(adam(sizes.mnist_learning_rate, N_CRITIC * sizes.mnist_steps),
                  adam(sizes.mnist_g_learning_rate, sizes.mnist_steps), steps_per_execution=steps_per_execution,
                  jit_compile=sizes.mnist_jit_compile if jit_compile is None else jit_compile)
    return model


def train_wgan_gp_mnist(sizes, x_train, held_out, *, seed: int = 0, snapshot_samples: int = 1000,
                        verbose: int = 0) -> tuple:
    """Train :func:`wgan_gp_mnist_model` on ``x_train`` for ``sizes.mnist_steps`` generator steps.

    Every ``mnist_steps // mnist_snapshots`` steps a :class:`CriticEstimates`
    snapshot scores ``snapshot_samples`` of ``held_out`` (real images the
    model never trains on) and as many fixed noise vectors.

    Returns ``(model, seconds, snapshots)``: ``seconds`` is the training's
    wall time including the snapshots' forward passes.
    """
    seed = check_seed(seed)
    snapshot_samples = check_int(snapshot_samples, "snapshot_samples", minimum=2)
    held_out = as_finite_array(held_out, "held_out", min_rows=snapshot_samples, dtype=np.float32)
    seed_everything(seed)
    every = max(1, sizes.mnist_steps // sizes.mnist_snapshots)
    # callbacks see only the ends of groups of steps_per_execution steps: a group must divide the interval
    model = wgan_gp_mnist_model(sizes, seed, steps_per_execution=math.gcd(10, every))
    snapshots = CriticEstimates(held_out[:snapshot_samples],
                                latent_noise(snapshot_samples, sizes.mnist_latent_dim, seed + 1), every_steps=every)
    per_epoch = min(every, sizes.mnist_steps)
    began = time.perf_counter()
    model.fit(training_stream(x_train, batch_size=N_CRITIC * sizes.mnist_batch, seed=seed),
              epochs=-(-sizes.mnist_steps // per_epoch), steps_per_epoch=per_epoch, callbacks=[snapshots],
              verbose=verbose)
    return model, time.perf_counter() - began, snapshots


def snapshot_frechet_distances(snapshots: CriticEstimates, real_images, *, classifier=None) -> list[float]:
    """The Fréchet distance (the kit's classifier features) of each snapshot's samples to ``real_images``.

    Every snapshot is compared with the same real images, so the distances
    are comparable with each other; use as many real images as samples.
    """
    real_feats = classifier_features(as_finite_array(real_images, "real_images", dtype=np.float32), classifier)
    return [frechet_distance(classifier_features(s, classifier), real_feats) for s in snapshots.samples]


def estimate_tracks_quality(estimates, distances) -> dict:
    """Spearman's rank correlation between the critic's estimates and the Fréchet distances (scipy).

    A value near 1 means that whenever the critic's estimate falls, so does
    the distance to the data: the estimate can be read as a quality curve.

    Raises:
        ValueError: the two lists differ in length or hold fewer than 3 values.
    """
    from scipy.stats import spearmanr

    w = as_finite_array(estimates, "estimates", ndim=1)
    d = as_finite_array(distances, "distances", ndim=1)
    if len(w) != len(d) or len(w) < 3:
        raise ValueError(f"estimates and distances must be two lists of the same length >= 3, got {len(w)} "
                         f"and {len(d)}")
    result = spearmanr(w, d)
    return {"spearman": round(float(result.statistic), 4), "p_value": float(result.pvalue), "snapshots": len(w)}


def wgan_gp_mnist_report(profile=None, seed: int = 0) -> dict:
    """``python -m gancourse evaluate wgan-gp-mnist``: train at ``profile``'s sizes, score, check the claim.

    Training as :func:`train_wgan_gp_mnist` on the profile's MNIST; the final
    generator through the kit (:func:`gancourse.evaluate.report.evaluate_generator`,
    ``eval_samples`` against the real-vs-real floor); the snapshots' critic
    estimates against their Fréchet distances (to the second half of the
    held-out test digits): the bar reads the training estimate averaged over
    each interval (``estimate_vs_fd``), the held-out one (on the first half)
    is reported as ``held_out_estimate_vs_fd``. The snapshot at step 0 is left
    out of the correlation: an untrained critic estimates nothing.
    The ``cpu`` bars: 10/10 classes, FD ≤ 10× the floor, Spearman ≥ 0.8 over
    at least 10 snapshots, training ≤ 10 minutes on 2 cores.
    """
    import os

    from .. import config
    from ..data.datasets import load_mnist
    from .report import evaluate_generator, real_evaluation_set

    prof = config.get_profile(profile)
    sizes = config.chapter_sizes("wgan", prof)
    seed = check_seed(seed)
    mnist = load_mnist(profile=prof)
    full, real, n = real_evaluation_set(prof)
    half = min(1000, len(full.x_test) // 2)
    model, seconds, snapshots = train_wgan_gp_mnist(sizes, mnist.x_train, full.x_test[:half], seed=seed,
                                                    snapshot_samples=half)
    distances = snapshot_frechet_distances(snapshots, full.x_test[half:2 * half])
    tracking = estimate_tracks_quality(snapshots.training_estimates[1:], distances[1:])
    held_out_tracking = estimate_tracks_quality(snapshots.estimates[1:], distances[1:])
    report = evaluate_generator(model.generator, real, n=n, seed=seed, train_images=full.x_train)
    return {"profile": prof.name, "steps": model.steps_done, "batch_per_critic_step": sizes.mnist_batch,
            "n_critic": N_CRITIC, "generator": sizes.mnist_generator, "critic_width": sizes.mnist_critic_width,
            "train_seconds": round(seconds, 1), "cpu_count": os.cpu_count(), **report,
            "snapshots": {"steps": snapshots.steps,
                          "training_estimate": [None] + [round(e, 4) for e in snapshots.training_estimates[1:]],
                          "held_out_estimate": [round(e, 4) for e in snapshots.estimates],
                          "fd": [round(d, 3) for d in distances], "fd_samples": half},
            "estimate_vs_fd": tracking, "held_out_estimate_vs_fd": held_out_tracking,
            "bars": {"classes": report["classes_covered"] == 10, "fd_ratio": report["fd_ratio"] <= 10.0,
                     "spearman": tracking["spearman"] >= 0.8 and tracking["snapshots"] >= 10,
                     "train_seconds": seconds <= 600.0}}
