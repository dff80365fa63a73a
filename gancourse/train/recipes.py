"""The recipes of the pretrained GANs: the chapter sizes they reuse, and their training settings.

``python -m gancourse pretrain NAME`` trains :data:`RECIPES[NAME]` with
:func:`gancourse.train.pretrain.train_recipe`. A recipe's sizes are the same
dataclass as its chapter's (:class:`~gancourse.config.sizes.FirstGANSizes`,
:class:`~gancourse.config.sizes.DCGANSizes`), so a shipped file and a
chapter's run are described by one schema.
"""

from __future__ import annotations

import dataclasses

from ..config.sizes import DCGANSizes, FirstGANSizes
from ..nets.pretrained import LADDER_STEPS


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Everything that defines a pretrained GAN: its sizes plus what no chapter varies.

    Attributes:
        name: the ``pretrain`` name, a key of :data:`gancourse.nets.pretrained.PRETRAINED_FILES`.
        sizes: the chapter dataclass (MLP GAN or DCGAN) with steps, batch, rates, architecture.
        beta_1: Adam's first-moment decay for both players.
        d_activation: the MLP discriminator's hidden activation (MLP recipes only).
        seed: seeds the weights, the noise and the data order.
        ladder: steps at which an earlier generator is also shipped.
        dataset: the training images, a name of :func:`gancourse.data.datasets.load_dataset`
            (all of its training split, never the profile's subset).
    """

    name: str
    sizes: FirstGANSizes | DCGANSizes
    beta_1: float
    d_activation: str = "tanh"
    seed: int = 0
    ladder: tuple[int, ...] = ()
    dataset: str = "mnist"

    @property
    def model(self) -> str:
        """``"mlp"`` or ``"dcgan"``, from the type of :attr:`sizes`."""
        return "mlp" if isinstance(self.sizes, FirstGANSizes) else "dcgan"

    @property
    def d_learning_rate(self) -> float:
        return self.sizes.learning_rate if self.model == "mlp" else self.sizes.d_learning_rate

    @property
    def g_learning_rate(self) -> float:
        return self.sizes.learning_rate if self.model == "mlp" else self.sizes.g_learning_rate


RECIPES: dict[str, Recipe] = {
    # Seed 001's settings: MLPs, Adam(1e-4) with PyTorch's default betas, batch 64, BCE, except
    # LeakyReLU(0.2) instead of tanh in D: with tanh the run collapsed to a single digit
    # (1/10 classes after 2000 and 4000 steps, measured; see data/pretrained/README.md).
    "first-gan-mnist": Recipe(
        "first-gan-mnist",
        FirstGANSizes(latent_dim=128, batch_size=64, learning_rate=1e-4, steps=30_000, steps_per_epoch=1000),
        beta_1=0.9, d_activation="leaky_relu"),
    # DCGAN §4 settings (N(0, 0.02²), Adam beta_1 0.5, D's learning rate 2e-4) except: batch 32
    # instead of 128 (more updates per CPU hour; per image seen it reached a lower FD in the cpu
    # profile's runs); the generator's learning rate 1e-3 instead of 2e-4 (FD 36 instead of 61 after
    # 2000 steps, measured, data/pretrained/README.md; 5e-4 scored worse after 7,500 steps); both rates
    # decaying to 0 on a cosine, which damps the late oscillation of the samples; the cpu profile's
    # compact layer list (dcgan_generator / dcgan_discriminator docstrings) at twice its
    # width (width 64, 256 channels at 7x7): the cpu profile's width reached a confident share of
    # only 0.886 after 30,000 steps, and doubling both networks' width added 1.8 points after 7,500
    # (benchmarks/README.md); XLA (faster on some CPUs, and the same bytes on every rebuild on one
    # machine).
    "dcgan-mnist": Recipe(
        "dcgan-mnist",
        DCGANSizes(latent_dim=64, architecture={"width": 64, "start_filters": 256, "start_convs": 1, "mid_convs": 2,
                                                "downsamplings": 3},
                   batch_size=32, steps=LADDER_STEPS["dcgan-mnist"][-1], steps_per_epoch=1000, d_learning_rate=2e-4,
                   g_learning_rate=1e-3, cosine_decay=True, jit_compile=True),
        beta_1=0.5, ladder=LADDER_STEPS["dcgan-mnist"][:-1]),
    # Chapter 5's cpu-profile DCGAN (config.sizes.SIZES["dcgan"]["cpu"]: the compact layer list at width 32,
    # batch 32, the rates and cosine decay of dcgan-mnist, XLA) on the 60,000 Fashion-MNIST training images,
    # for 12,000 steps instead of 7,500. Measured along one 12,000-step run (Fashion-MNIST classifier's FD
    # over its real-vs-real floor, n = 5,000 against the test split): 55x after 2,000 steps, 23x after 4,000,
    # 13.7x after 6,000, 6.3x after 8,000, 4.3x after 10,000, 3.6x at the end, 10/10 classes throughout
    # (data/pretrained/README.md); the generator only is shipped (2.4 MB), no ladder.
    "dcgan-fashion": Recipe(
        "dcgan-fashion",
        DCGANSizes(latent_dim=64, architecture={"width": 32, "start_filters": 128, "start_convs": 1, "mid_convs": 2,
                                                "downsamplings": 3},
                   batch_size=32, steps=12_000, steps_per_epoch=500, d_learning_rate=2e-4,
                   g_learning_rate=1e-3, cosine_decay=True, jit_compile=True),
        beta_1=0.5, dataset="fashion_mnist"),
}
"""Every shipped GAN's recipe, by ``pretrain`` name."""
