"""``python -m gancourse pretrain NAME``: rebuild a file shipped in ``data/pretrained/``."""

from __future__ import annotations

import argparse

from ..inpainting.shipped_encoder import pretrain_inversion_encoder
from ..train.classifier_training import pretrain_classifier
from ..train.conditional import pretrain_conditional_gan
from ..train.pretrain import pretrain
from .common import add_registry_command


def _pretrain_gan(name: str):
    def handler(args: argparse.Namespace) -> dict:
        return pretrain(name, seed=args.seed, out=args.out)

    return handler


def _pretrain_classifier(dataset: str):
    def handler(args: argparse.Namespace) -> dict:
        return pretrain_classifier(dataset, profile=args.profile, seed=args.seed, out=args.out)

    return handler


PRETRAINERS = {
    "first-gan-mnist": _pretrain_gan("first-gan-mnist"),
    "dcgan-mnist": _pretrain_gan("dcgan-mnist"),
    "dcgan-fashion": _pretrain_gan("dcgan-fashion"),
    "mnist-classifier": _pretrain_classifier("mnist"),
    "fashion-classifier": _pretrain_classifier("fashion_mnist"),
    "inpainting-encoder-mnist": lambda args: pretrain_inversion_encoder(profile=args.profile, seed=args.seed,
                                                                        out=args.out),
    "cgan-mnist": lambda args: pretrain_conditional_gan(profile=args.profile, seed=args.seed, out=args.out),
}
"""``pretrain`` names -> handlers."""


def add_commands(sub) -> None:
    """Add ``pretrain`` to the command line's sub-parsers."""
    add_registry_command(sub, "pretrain", PRETRAINERS, "rebuild a file shipped in data/pretrained/")
