"""``python -m gancourse bench [NAME]``: speed, one JSON line."""

from __future__ import annotations

import argparse

from ..train.benchmark import bench_dcgan
from .common import add_registry_command


def _bench_dcgan(args: argparse.Namespace) -> dict:
    return bench_dcgan(profile=args.profile, seed=args.seed)


BENCHMARKS = {"dcgan": _bench_dcgan}
"""``bench`` names -> handlers (the first one is the default)."""


def add_commands(sub) -> None:
    """Add ``bench`` to the command line's sub-parsers."""
    add_registry_command(sub, "bench", BENCHMARKS, "measure speed and print one JSON line", optional_name=True)
