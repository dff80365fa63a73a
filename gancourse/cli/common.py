"""Pieces shared by the commands: the active profile, the options every model command takes, one JSON line."""

from __future__ import annotations

import argparse
import json
import os

from .. import config
from ..config.validate import check_seed


def active_profile(*, detect: bool = True) -> tuple[config.Profile | None, str]:
    """The profile in force and where it came from: ``GANCOURSE_PROFILE``, else the hardware.

    With ``detect=False`` and the variable unset, returns ``(None, ...)``
    without importing TensorFlow (the kernel detects it).

    Raises:
        ValueError: ``GANCOURSE_PROFILE`` names no profile; one line naming the variable and the choices.
    """
    value = os.environ.get(config.PROFILE_ENV, "").strip()
    if value:
        return config.get_profile(), f"from {config.PROFILE_ENV}={value}"
    unset = f"{config.PROFILE_ENV} is unset"
    if not detect:
        return None, unset
    profile = config.get_profile(config.detect_profile_name())
    seen = "TensorFlow sees a GPU" if profile.name == "gpu" else "TensorFlow sees no GPU"
    return profile, f"{unset} and {seen}; choose with {config.PROFILE_ENV}={'|'.join(sorted(config.PROFILES))}"


def seed_argument(text: str) -> int:
    """``--seed``: a non-negative integer below 2**32 (argparse type)."""
    try:
        return check_seed(int(text), "--seed")
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--profile``, ``--out`` and ``--seed``, as every evaluate/pretrain/bench command takes them."""
    parser.add_argument("--profile", choices=sorted(config.PROFILES), help="profile (default: as detected)")
    parser.add_argument("--out", default=None, help="output file or folder, where the command writes one")
    parser.add_argument("--seed", type=seed_argument, default=0, help="random seed (default 0)")


def add_registry_command(sub, command: str, registry: dict, helptext: str, *, optional_name: bool = False) -> None:
    """A sub-command ``command NAME`` whose NAME picks a handler ``(args) -> dict | int`` from ``registry``."""
    p = sub.add_parser(command, help=helptext, description=helptext)
    p.add_argument("name", nargs="?" if optional_name else None, choices=list(registry), metavar="NAME",
                   help="one of: " + ", ".join(registry))
    add_model_options(p)

    def run(args: argparse.Namespace) -> int:
        name = args.name or next(iter(registry))
        result = registry[name](args)
        if isinstance(result, dict):
            print(json.dumps({"name": name, **result}, sort_keys=False), flush=True)
            return 0
        return int(result or 0)

    p.set_defaults(func=run)
