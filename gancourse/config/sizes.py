# Why this file is longer than 300 lines: the table of every chapter's three profiles is meant to be read
# side by side in one place; splitting it per chapter would hide the comparison.
"""Each chapter's sizes under each profile: one small frozen dataclass per chapter.

The sizes every chapter shares live on :class:`~gancourse.config.profiles.Profile`;
those only one chapter needs (VAE latent sizes, GAN steps, ...) live here, the
three profiles of a chapter next to each other so they can be compared at a
glance. A notebook takes its chapter's object whole
(``SIZES = config.chapter_sizes("dcgan")``); the pretraining recipes of
:mod:`gancourse.train.pretrain` reuse the same classes for the shipped files.
Every field is read by a notebook, a recipe or a command.
"""

from __future__ import annotations

import dataclasses

from .profiles import Profile, get_profile


@dataclasses.dataclass(frozen=True)
class GenerativeModelsSizes:
    """Chapter 1: the 2-D mixture, EM and the moment-matching sampler, the change-of-variables histogram."""

    mixture_samples: int  # samples of the 2-D mixture fitted by EM
    em_steps: int  # EM iterations
    sampler_steps: int  # steps of the MMD moment-matching sampler
    sampler_batch: int
    sampler_width: int  # hidden units of the sampler's MLP
    histogram_samples: int  # samples of X = f(Z) for the change-of-variables histogram


@dataclasses.dataclass(frozen=True)
class VAESizes:
    """Chapter 2: MLP encoder/decoder (hidden units 2*width, width); cosine-decayed Adam; ELBO on the test split."""

    kind: str  # "dense" or "conv"
    width: int
    batch_size: int
    learning_rate: float
    steps_per_execution: int
    ae_epochs: int  # the plain autoencoder
    epochs_2d: int  # the VAE with a 2-D latent
    epochs_large: int  # the VAE with latent_large dimensions
    latent_large: int
    elbo_samples: int  # draws of z per test image for the ELBO


@dataclasses.dataclass(frozen=True)
class GANMathSizes:
    """Chapter 3: the 1-D GAN of Goodfellow et al.'s Figure 1 (both nets' Adam with beta_1 = 0.5)."""

    gan_steps: int
    batch_size: int
    width: int  # hidden units of both MLPs
    learning_rate: float
    snapshot_every: int  # steps between Figure-1 snapshots
    kde_samples: int  # generator samples per density estimate


@dataclasses.dataclass(frozen=True)
class FirstGANSizes:
    """Chapter 4 and the ``first-gan-mnist`` recipe: seed 001's MLP GAN.

    ``steps`` training steps of ``batch_size`` images, ``steps_per_epoch`` per
    Keras epoch (one point of the loss curves), ``snapshot_every`` between
    grids and D histograms, ``compare_steps`` per run of the saturating vs
    non-saturating comparison; ``use_pretrained``: show the shipped generator
    after a short run (smoke).
    """

    latent_dim: int
    batch_size: int
    learning_rate: float  # both players' Adam rate
    steps: int
    steps_per_epoch: int
    snapshot_every: int = 500
    compare_steps: int = 0
    use_pretrained: bool = False


@dataclasses.dataclass(frozen=True)
class DCGANSizes:
    """Chapter 5 and the ``dcgan-mnist`` recipe.

    ``architecture``: keyword arguments of :func:`gancourse.nets.dcgan.dcgan_networks`.
    ``d_learning_rate``/``g_learning_rate``: the players' Adam rates, decayed
    to 0 on a cosine over ``steps`` when ``cosine_decay``. ``jit_compile``:
    XLA for the step. ``extra_steps``/``extra_width``: the Fashion-MNIST and
    faces options of chapter 5.
    """

    latent_dim: int
    architecture: dict
    batch_size: int
    steps: int
    steps_per_epoch: int
    d_learning_rate: float
    g_learning_rate: float
    cosine_decay: bool
    jit_compile: bool
    snapshot_every: int = 500
    use_pretrained: bool = False
    extra_steps: int = 0
    extra_width: int = 0


@dataclasses.dataclass(frozen=True)
class WGANSizes:
    """Chapter 7 and ``evaluate toy-modes`` / ``evaluate wgan-gp-mnist``.

    Toy lab (ring and grid): ``toy_units`` hidden units of both MLPs (ReLU),
    ``toy_latent_dim`` noise size, ``toy_batch`` examples per critic step (m),
    ``toy_iterations`` generator updates per run for every method,
    ``toy_learning_rate`` Adam's rate for the GAN and WGAN-GP (decayed
    linearly to 0 over the run when ``toy_decay``), ``toy_penalty_weight``
    WGAN-GP's λ on 2-D points, ``toy_seeds`` runs per method and dataset,
    ``toy_samples`` samples scored per run (VEEGAN: 2500), ``toy_snapshot_every``
    generator steps between scatter frames, ``lab_seeds`` seeds per run of the
    notebook's lab. MNIST (``evaluate wgan-gp-mnist`` and the notebook): WGAN-GP
    with ``mnist_critic_width`` filters in ``gan_mnist.py``'s critic against
    chapter 5's generator built with ``mnist_generator``, ``mnist_steps``
    generator steps, ``mnist_batch`` images per critic step, Adam rates
    cosine-decayed to 0, ``mnist_snapshots`` snapshots of the critic's estimate.
    Weight clipping (WGAN-GP's Figure 1): a ``clip_depth``-layer critic of 128
    units trained for ``clip_steps`` updates per setting (the clipped weights
    need about 100 updates to reach ±c and make the gradients explode at c = 0.1).
    """

    toy_units: tuple
    toy_latent_dim: int
    toy_batch: int
    toy_iterations: int
    toy_learning_rate: float
    toy_decay: bool
    toy_penalty_weight: float
    toy_seeds: int
    toy_samples: int
    toy_snapshot_every: int
    lab_seeds: int  # seeds per method and mixture in the notebook's lab (the command runs toy_seeds)
    mnist_latent_dim: int
    mnist_generator: dict  # keyword arguments of gancourse.nets.dcgan.dcgan_generator
    mnist_critic_width: int
    mnist_batch: int  # m: real images per critic step (fit batch n_critic x m)
    mnist_steps: int
    mnist_learning_rate: float  # the critic's Adam rate (cosine-decayed to 0)
    mnist_g_learning_rate: float
    mnist_penalty_weight: float
    mnist_snapshots: int
    mnist_jit_compile: bool
    clip_depth: int  # hidden layers of the deep critic of the weight-clipping demo
    clip_steps: int  # critic updates per setting in that demo


@dataclasses.dataclass(frozen=True)
class InpaintingSizes:
    """Chapter 6 and ``evaluate inpainting-mnist``.

    ``test_images`` test digits in the table (the first of a fixed shuffle);
    Yeh's search: ``restarts`` codes per image (the best of ``candidates``
    random codes), ``steps`` Adam steps from ``learning_rate`` (``schedule``:
    constant or cosine), prior weight ``prior_weight`` (lambda), importance
    window ``window`` (Yeh: 7; chapter 6 measures why 27 here); the stronger
    inversion: the shipped encoder's start, ``steps`` refinement steps, then
    ``tune_steps`` Adam steps at ``tune_learning_rate`` on a per-image copy of
    G; the sweeps: ``sweep_images`` digits, lambdas ``sweep_prior_weights``,
    restart counts ``sweep_restarts``; ``demo_images`` digits in the grids and
    the optimisation pictures; ``widget_steps`` steps per redraw of the control.
    """

    test_images: int
    restarts: int
    steps: int
    learning_rate: float
    prior_weight: float
    window: int
    candidates: int
    schedule: str
    tune_steps: int
    tune_learning_rate: float
    sweep_images: int
    sweep_prior_weights: tuple
    sweep_restarts: tuple
    demo_images: int
    widget_steps: int


@dataclasses.dataclass(frozen=True)
class ProblemsSizes:
    """Chapter 8 and its commands (``evaluate cgan-mnist``, ``evaluate health``,
    ``evaluate sr-mnist``, ``pretrain cgan-mnist``).

    The conditional GAN: ``cgan_steps`` steps of batch ``cgan_batch_size``;
    the health readout: each reproduced case trains ``health_steps`` steps with
    a check every ``health_every_steps``, over ``health_seeds`` seeds; the
    remedies lab: ``remedy_steps`` steps per run over ``remedy_seeds`` seeds;
    super-resolution: ``sr_steps`` steps of batch ``sr_batch_size`` from
    ``sr_low_size`` x ``sr_low_size`` inputs, loss ``sr_l1_weight`` * L1 +
    ``sr_adversarial_weight`` * adversarial, scored on ``sr_eval_images``
    test digits.
    """

    cgan_steps: int
    cgan_batch_size: int
    health_steps: int
    health_every_steps: int
    health_seeds: int
    remedy_steps: int
    remedy_seeds: int
    sr_steps: int
    sr_batch_size: int
    sr_low_size: int
    sr_l1_weight: float
    sr_adversarial_weight: float
    sr_eval_images: int


SIZES: dict[str, dict[str, object]] = {
    "generative_models": {
        "smoke": GenerativeModelsSizes(mixture_samples=2000, em_steps=100, sampler_steps=150, sampler_batch=256,
                                       sampler_width=32, histogram_samples=20000),
        "cpu": GenerativeModelsSizes(mixture_samples=5000, em_steps=300, sampler_steps=1500, sampler_batch=512,
                                     sampler_width=64, histogram_samples=200000),
        "gpu": GenerativeModelsSizes(mixture_samples=10000, em_steps=300, sampler_steps=3000, sampler_batch=1024,
                                     sampler_width=128, histogram_samples=1000000),
    },
    # cpu: python -m gancourse evaluate vae-mnist
    "vae": {
        "smoke": VAESizes(kind="dense", width=64, batch_size=64, learning_rate=2e-3, steps_per_execution=1,
                          ae_epochs=10, epochs_2d=10, epochs_large=10, latent_large=16, elbo_samples=1),
        "cpu": VAESizes(kind="dense", width=256, batch_size=128, learning_rate=2e-3, steps_per_execution=25,
                        ae_epochs=2, epochs_2d=5, epochs_large=14, latent_large=32, elbo_samples=1),
        "gpu": VAESizes(kind="dense", width=512, batch_size=128, learning_rate=1e-3, steps_per_execution=25,
                        ae_epochs=10, epochs_2d=30, epochs_large=100, latent_large=50, elbo_samples=1),
    },
    "gan_math": {
        "smoke": GANMathSizes(gan_steps=1500, batch_size=128, width=32, learning_rate=1e-3, snapshot_every=100,
                              kde_samples=2000),
        "cpu": GANMathSizes(gan_steps=3000, batch_size=128, width=32, learning_rate=5e-4, snapshot_every=50,
                            kde_samples=10000),
        "gpu": GANMathSizes(gan_steps=6000, batch_size=256, width=64, learning_rate=5e-4, snapshot_every=100,
                            kde_samples=20000),
    },
    # smoke trains briefly, then shows the shipped generator
    "first_gan": {
        "smoke": FirstGANSizes(latent_dim=128, batch_size=64, learning_rate=1e-4, steps=60, steps_per_epoch=20,
                               snapshot_every=10, compare_steps=40, use_pretrained=True),
        "cpu": FirstGANSizes(latent_dim=128, batch_size=64, learning_rate=1e-4, steps=8000, steps_per_epoch=500,
                             snapshot_every=500, compare_steps=2500),
        "gpu": FirstGANSizes(latent_dim=128, batch_size=64, learning_rate=1e-4, steps=30000, steps_per_epoch=1000,
                             snapshot_every=1000, compare_steps=10000),
    },
    # smoke and cpu: the compact variant (7x7 start with more channels and a stride-1 conv, two stride-1
    # convs at 14x14, D with a third stride-2 conv); gpu: the paper's layer list.
    # cpu: the 10-minute bar of benchmarks/README.md (python -m gancourse evaluate dcgan-profile-run);
    # batch 32 instead of the paper's 128: on a CPU the step time scales with the batch, and twice
    # the updates on the same images gave a lower FD (benchmarks/README.md). jit_compile: XLA made the
    # compact DCGAN's batch-32 step 1.6x faster on one 2-core machine (95 -> 60 ms; 72 ms with the
    # 14x14 convs) and 1.14x on another (47 -> 41 ms with them), so 7,500 steps fit in the 10 minutes
    # instead of 5,500; smoke leaves it off, since compiling takes longer than its 40 steps.
    "dcgan": {
        "smoke": DCGANSizes(latent_dim=64, architecture={"width": 8, "start_filters": 32, "start_convs": 1,
                                                         "mid_convs": 2, "downsamplings": 3},
                            batch_size=64, steps=40, steps_per_epoch=20, snapshot_every=10, d_learning_rate=2e-4,
                            g_learning_rate=1e-3, cosine_decay=True, jit_compile=False, use_pretrained=True,
                            extra_steps=10, extra_width=8),
        "cpu": DCGANSizes(latent_dim=64, architecture={"width": 32, "start_filters": 128, "start_convs": 1,
                                                       "mid_convs": 2, "downsamplings": 3},
                          batch_size=32, steps=7500, steps_per_epoch=500, snapshot_every=500, d_learning_rate=2e-4,
                          g_learning_rate=1e-3, cosine_decay=True, jit_compile=True, extra_steps=600,
                          extra_width=16),
        "gpu": DCGANSizes(latent_dim=100, architecture={"width": 64}, batch_size=128, steps=10000,
                          steps_per_epoch=1000, snapshot_every=500, d_learning_rate=2e-4, g_learning_rate=2e-4,
                          cosine_decay=False, jit_compile=True, extra_steps=5000, extra_width=64),
    },
    # cpu: python -m gancourse evaluate toy-modes / wgan-gp-mnist (benchmarks/README.md). WGAN-GP on the
    # grid, 128-unit MLPs, one seed: 2% high-quality samples after 2,000 iterations at 1e-4 without
    # decay, 13% at 1e-3 and 53% at 3e-3 decayed linearly to 0; another seed 32% at 2,000 and 88% at
    # 4,000 iterations (3e-3, decayed). gpu: the cpu toy sizes (not timed on a GPU yet).
    # MNIST (cpu), both rates 2e-4, seed 0: a critic of width 32 at m = 32 costs 382 ms per generator step,
    # so 10 minutes buy 1,500 steps: FD 40x the floor. Width 16 costs 85 ms (the critic's convolutions
    # scale with width squared): 6,500 steps, 14x. Width 16 at m = 16, 44.5 ms: 12,000 steps, 7.7x, and
    # the training estimate tracks the FD (Spearman 0.99). Per generator step the FD fell alike at
    # widths 16 and 32: on 2 cores the number of steps decides.
    "wgan": {
        "smoke": WGANSizes(toy_units=(32, 32), toy_latent_dim=2, toy_batch=64, toy_iterations=100,
                           toy_learning_rate=3e-3, toy_decay=True, toy_penalty_weight=0.1, toy_seeds=2,
                           toy_samples=2500, toy_snapshot_every=20, lab_seeds=1, mnist_latent_dim=32,
                           mnist_generator={"width": 8, "start_filters": 32, "start_convs": 1},
                           mnist_critic_width=8, mnist_batch=16, mnist_steps=30, mnist_learning_rate=1e-4,
                           mnist_g_learning_rate=1e-3, mnist_penalty_weight=10.0, mnist_snapshots=10,
                           mnist_jit_compile=False, clip_depth=12, clip_steps=100),
        "cpu": WGANSizes(toy_units=(128, 128, 128), toy_latent_dim=2, toy_batch=256, toy_iterations=4000,
                         toy_learning_rate=3e-3, toy_decay=True, toy_penalty_weight=0.1, toy_seeds=5,
                         toy_samples=2500, toy_snapshot_every=200, lab_seeds=1, mnist_latent_dim=64,
                         mnist_generator={"width": 32, "start_filters": 128, "start_convs": 1, "mid_convs": 2},
                         mnist_critic_width=16, mnist_batch=16, mnist_steps=12000, mnist_learning_rate=2e-4,
                         mnist_g_learning_rate=2e-4, mnist_penalty_weight=10.0, mnist_snapshots=10,
                         mnist_jit_compile=True, clip_depth=12, clip_steps=200),
        "gpu": WGANSizes(toy_units=(128, 128, 128), toy_latent_dim=2, toy_batch=256, toy_iterations=4000,
                         toy_learning_rate=3e-3, toy_decay=True, toy_penalty_weight=0.1, toy_seeds=5,
                         toy_samples=2500, toy_snapshot_every=200, lab_seeds=5, mnist_latent_dim=128,
                         mnist_generator={"width": 64}, mnist_critic_width=64, mnist_batch=64,
                         mnist_steps=20000, mnist_learning_rate=1e-4, mnist_g_learning_rate=1e-4,
                         mnist_penalty_weight=10.0, mnist_snapshots=20, mnist_jit_compile=True, clip_depth=12,
                         clip_steps=500),
    },
    "inpainting": {
        "smoke": InpaintingSizes(test_images=16, restarts=2, steps=20, learning_rate=0.1, prior_weight=0.1,
                                 window=27, candidates=8, schedule="cosine",
                                 tune_steps=3, tune_learning_rate=1e-4, sweep_images=8,
                                 sweep_prior_weights=(0.0, 0.1, 10.0), sweep_restarts=(1, 2), demo_images=4,
                                 widget_steps=20),
        "cpu": InpaintingSizes(test_images=200, restarts=4, steps=50, learning_rate=0.1, prior_weight=0.1,
                               window=27, candidates=64, schedule="cosine",
                               tune_steps=10, tune_learning_rate=1e-4, sweep_images=32,
                               sweep_prior_weights=(0.0, 0.1, 1.0, 10.0), sweep_restarts=(1, 4, 16),
                               demo_images=6, widget_steps=100),
        "gpu": InpaintingSizes(test_images=1000, restarts=16, steps=300, learning_rate=0.1, prior_weight=0.1,
                               window=27, candidates=256, schedule="cosine",
                               tune_steps=50, tune_learning_rate=1e-4, sweep_images=200,
                               sweep_prior_weights=(0.0, 0.01, 0.1, 1.0, 10.0), sweep_restarts=(1, 4, 16, 64),
                               demo_images=8, widget_steps=200),
    },
    "problems": {
        "smoke": ProblemsSizes(cgan_steps=60, cgan_batch_size=32, health_steps=200, health_every_steps=20,
                               health_seeds=1, remedy_steps=100, remedy_seeds=2, sr_steps=60, sr_batch_size=32,
                               sr_low_size=7, sr_l1_weight=1.0, sr_adversarial_weight=1e-2, sr_eval_images=64),
        "cpu": ProblemsSizes(cgan_steps=3000, cgan_batch_size=32, health_steps=2000, health_every_steps=100,
                             health_seeds=3, remedy_steps=1000, remedy_seeds=5, sr_steps=2000, sr_batch_size=32,
                             sr_low_size=7, sr_l1_weight=1.0, sr_adversarial_weight=1e-2, sr_eval_images=1000),
        "gpu": ProblemsSizes(cgan_steps=10000, cgan_batch_size=64, health_steps=4000, health_every_steps=100,
                             health_seeds=3, remedy_steps=3000, remedy_seeds=5, sr_steps=10000, sr_batch_size=64,
                             sr_low_size=7, sr_l1_weight=1.0, sr_adversarial_weight=1e-2, sr_eval_images=5000),
    },
}
"""``SIZES[chapter][profile_name]``: the sizes object of a chapter under a profile."""


def chapter_sizes(chapter: str, profile: Profile | str | None = None):
    """The sizes object ``chapter`` uses under ``profile`` (default: the profile in force).

    Raises:
        ValueError: no sizes are registered for ``chapter``.
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if not isinstance(chapter, str) or chapter not in SIZES:
        raise ValueError(f"no sizes for chapter {chapter!r}; known: {', '.join(sorted(SIZES))}")
    return SIZES[chapter][prof.name]
