"""``python -m gancourse``: the course's command line.

Sub-commands:
  data                       list datasets, where each was found, checksum status
  run NOTEBOOK|all           execute notebooks headless into build/ (.ipynb + .html)
  evaluate NAME              train/load a model and print one JSON line of metrics
  pretrain NAME              rebuild a file shipped in data/pretrained/
  bench [NAME]               measure speed, print one JSON line

``evaluate``, ``pretrain`` and ``bench`` dispatch through the registries
:data:`EVALUATIONS`, :data:`PRETRAINERS` and :data:`BENCHMARKS`, which map a
name to ``"module:function"``; the module is imported only when that name is
used, so the command line starts fast. Each function takes the parsed
arguments and returns a dict (printed as one JSON line) or an exit code.
Other sub-commands come from the modules in :data:`EXTENSIONS`, each with an
``add_commands(subparsers)`` function.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pathlib
import sys

from . import config


def _cmd_data(args: argparse.Namespace) -> int:
    from . import data

    rows = data.describe_datasets()
    width = max(len(r["dataset"]) for r in rows)
    print(f"GANCOURSE_DATA={__import__('os').environ.get(data.DATA_ENV, '(unset)')}")
    print(f"shipped data: {data.shipped_data_dir()}")
    bad = 0
    for r in rows:
        print(f"{r['dataset']:<{width}}  {r['source']:<15} {r['status']:<22} {r['where']}")
        bad += r["status"].startswith("CHECKSUM")
    return 1 if bad else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from . import runner

    if args.profile:
        config.get_profile(args.profile)  # validate early, with the list of names
    folder = pathlib.Path(args.notebooks) if args.notebooks else None
    targets = runner.list_notebooks(folder) if args.notebook == "all" else [
        runner.resolve_notebook(args.notebook, folder)]
    if not targets:
        print(f"no notebooks found in {folder or runner.notebooks_dir()}", file=sys.stderr)
        return 2
    failures = 0
    for nb in targets:
        ok, message = runner.execute_notebook(nb, pathlib.Path(args.out), profile=args.profile,
                                              timeout=args.timeout)
        print(message, flush=True)
        failures += not ok
    return 1 if failures else 0


EVALUATIONS: dict[str, str] = {
    "first-gan-mnist": "gancourse.pretrain:evaluate_first_gan_mnist",
    "dcgan-mnist": "gancourse.pretrain:evaluate_dcgan_mnist",
    "dcgan-profile-run": "gancourse.pretrain:evaluate_dcgan_profile_run",
    "mnist-classifier": "gancourse.classifier:evaluate_mnist_classifier",
    "real-mnist": "gancourse.metrics:evaluate_real_mnist",
    "vae-mnist": "gancourse.vae:evaluate_vae_mnist",
}
"""``evaluate`` names -> ``"module:function"``."""

PRETRAINERS: dict[str, str] = {
    "first-gan-mnist": "gancourse.pretrain:pretrain_first_gan_mnist",
    "dcgan-mnist": "gancourse.pretrain:pretrain_dcgan_mnist",
    "mnist-classifier": "gancourse.classifier:pretrain_mnist_classifier",
}
"""``pretrain`` names -> ``"module:function"``."""

BENCHMARKS: dict[str, str] = {
    "dcgan": "gancourse.bench:bench_dcgan",
}
"""``bench`` names -> ``"module:function"`` (the first one is the default)."""

EXTENSIONS: tuple[str, ...] = (
    "gancourse.classroom",
)
"""Modules with an ``add_commands(subparsers)`` function adding more sub-commands."""


def _dispatch(registry: dict[str, str], kind: str):
    def run(args: argparse.Namespace) -> int:
        name = args.name or (next(iter(registry)) if registry else None)
        if name not in registry:
            print(f"unknown {kind} name {name!r}; expected one of: {', '.join(registry) or '(none yet)'}",
                  file=sys.stderr)
            return 2
        module, func = registry[name].split(":")
        result = getattr(importlib.import_module(module), func)(args)
        if isinstance(result, dict):
            print(json.dumps({"name": name, **result}, sort_keys=False), flush=True)
            return 0
        return int(result or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gancourse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="list datasets, where each was found, checksum status")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("run", help="execute notebooks headless into build/ as .ipynb and .html")
    p.add_argument("notebook", help="a chapter (00_start_here, 3, path.ipynb) or 'all'")
    p.add_argument("--profile", choices=sorted(config.PROFILES), help="profile for the kernel")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", help="folder of chapter notebooks (default: ./notebooks)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    p.set_defaults(func=_cmd_run)

    for command, registry, helptext in (
        ("evaluate", EVALUATIONS, "train or load a model and print one JSON line of metrics"),
        ("pretrain", PRETRAINERS, "rebuild a file shipped in data/pretrained/"),
        ("bench", BENCHMARKS, "measure speed and print one JSON line"),
    ):
        p = sub.add_parser(command, help=helptext)
        p.add_argument("name", nargs="?" if command == "bench" else None,
                       help="one of: " + (", ".join(registry) or "(none yet)"))
        p.add_argument("--profile", choices=sorted(config.PROFILES), help="profile (default: as detected)")
        p.add_argument("--out", default=None, help="output file or folder, where the command writes one")
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        p.set_defaults(func=_dispatch(registry, command))

    for module in EXTENSIONS:
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
