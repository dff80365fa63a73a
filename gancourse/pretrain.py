"""Pretrained GANs shipped in ``data/pretrained/``: how each is rebuilt, loaded and scored.

``python -m gancourse pretrain first-gan-mnist``   seed 001's MLP GAN (chapter 4)
``python -m gancourse pretrain dcgan-mnist``       the MNIST DCGAN (chapters 5, 6) and its ladder
``python -m gancourse evaluate dcgan-mnist``       the evaluation kit on the shipped generator

Every recipe is a :class:`Recipe` below: the whole training configuration,
seeded, trained with :class:`gancourse.gan.GAN` and ``fit()`` on the full
MNIST training set (``GANCOURSE_DATA`` or the download). On the same CPU and
TensorFlow version a rebuild reproduces the shipped weights bit for bit, and
the files are written with fixed timestamps, so their SHA-256 matches
``data/SHA256SUMS`` too.

Each generator maps ``z`` of shape ``(N, latent_dim)`` to images of shape
``(N, 28, 28, 1)`` in [-1, 1]; each discriminator maps images to logits
``(N, 1)``. They use built-in layers only and load with
``keras.saving.load_model(path)`` in ``safe_mode``. Load them through
:func:`load_pretrained`, which checks the hash first.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import time
import zipfile

import numpy as np

from . import config, data
from .config import import_tensorflow

__all__ = ["Recipe", "RECIPES", "PRETRAINED_FILES", "pretrained_path", "load_pretrained", "load_ladder",
           "save_reproducible", "train_recipe", "pretrain_first_gan_mnist", "pretrain_dcgan_mnist",
           "evaluate_first_gan_mnist", "evaluate_dcgan_mnist"]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Everything that defines a pretrained GAN (see the module docstring)."""

    name: str
    model: str  # "mlp" or "dcgan"
    latent_dim: int
    batch_size: int
    steps: int
    d_learning_rate: float
    g_learning_rate: float
    beta_1: float
    width: int = 0  # DCGAN base width
    start_filters: int | None = None  # DCGAN: channels of G's first (7x7) feature map (None: the paper's)
    start_convs: int = 0  # DCGAN: stride-1 3x3 convolutions at G's first resolution
    mid_convs: int = 0  # DCGAN: stride-1 3x3 convolutions after each of G's upsamplings but the last
    d_downsamplings: int | None = None  # DCGAN: D's stride-2 convolutions (None: mirror G)
    d_activation: str = "tanh"  # MLP discriminator's hidden activation
    cosine_decay: bool = False  # both learning rates decay to 0 on a cosine over `steps`
    jit_compile: bool = False  # XLA for the training step (1.14-1.6x faster on the 2-core machines of benchmarks/README.md)
    seed: int = 0
    steps_per_epoch: int = 1000
    ladder: tuple[int, ...] = ()  # steps at which an earlier generator is kept
    ship_discriminator: bool = False


RECIPES: dict[str, Recipe] = {
    # Seed 001's settings: MLPs, Adam(1e-4) with PyTorch's default betas, batch 64, BCE, except
    # LeakyReLU(0.2) instead of tanh in D: with tanh the run collapsed to a single digit
    # (1/10 classes after 2000 and 4000 steps, measured; see data/pretrained/README.md).
    "first-gan-mnist": Recipe("first-gan-mnist", "mlp", latent_dim=128, batch_size=64, steps=30_000,
                              d_learning_rate=1e-4, g_learning_rate=1e-4, beta_1=0.9,
                              d_activation="leaky_relu"),
    # DCGAN §4 settings (N(0, 0.02), Adam beta_1 0.5, D's learning rate 2e-4) except: batch 32
    # instead of 128 (more updates per CPU hour; per image seen it reached a lower FD in the cpu
    # profile's runs); the generator's learning rate 1e-3 instead of 2e-4 (FD 36 instead of 61 after
    # 2000 steps, measured, data/pretrained/README.md; 5e-4 scored worse after 7,500 steps); both rates
    # decaying to 0 on a cosine, which damps the late oscillation of the samples; the cpu profile's
    # compact layer list (models.dcgan_generator / dcgan_discriminator docstrings) at twice its
    # width (width 64, 256 channels at 7x7): the cpu profile's width reached a confident share of
    # only 0.886 after 30,000 steps, and doubling both networks' width added 1.8 points after 7,500
    # (benchmarks/README.md); XLA (faster on some CPUs, and the same bytes on every rebuild on one
    # machine).
    "dcgan-mnist": Recipe("dcgan-mnist", "dcgan", latent_dim=64, batch_size=32, steps=40_000,
                          d_learning_rate=2e-4, g_learning_rate=1e-3, beta_1=0.5, width=64,
                          start_filters=256, start_convs=1, mid_convs=2, d_downsamplings=3,
                          ladder=(400, 2000, 10_000), ship_discriminator=True, cosine_decay=True,
                          jit_compile=True),
}

PRETRAINED_FILES = {
    "first-gan-mnist": {"generator": "first_gan_mnist_generator.keras"},
    "dcgan-mnist": {"generator": "dcgan_mnist_generator.keras",
                    "discriminator": "dcgan_mnist_discriminator.keras"},
}
"""Shipped files per pretrained name (relative to ``data/pretrained/``)."""


def _ladder_file(step: int) -> str:
    return f"dcgan_mnist_ladder_{step:05d}.keras"


def pretrained_dir() -> pathlib.Path:
    """``data/pretrained/`` of the shipped data."""
    return data.shipped_data_dir() / "pretrained"


def pretrained_path(name: str, part: str = "generator") -> pathlib.Path:
    """Path of a shipped file: ``name`` in :data:`PRETRAINED_FILES`, ``part`` generator/discriminator.

    Raises:
        ValueError: unknown ``name`` or ``part`` (the message lists the known ones).
    """
    if name not in PRETRAINED_FILES:
        raise ValueError(f"unknown pretrained model {name!r}; expected one of: {', '.join(PRETRAINED_FILES)}")
    parts = PRETRAINED_FILES[name]
    if part not in parts:
        raise ValueError(f"{name} ships parts {sorted(parts)}, not {part!r}")
    return pretrained_dir() / parts[part]


def _load_checked(path: pathlib.Path, rebuild: str):
    import_tensorflow()
    import keras

    relpath = f"pretrained/{path.name}"
    if not path.is_file():
        raise FileNotFoundError(f"pretrained file {path} is missing; restore it with git or rebuild it "
                                f"with `python -m gancourse pretrain {rebuild}`")
    try:
        expected = data.shipped_sha256(relpath)
    except KeyError:
        raise data.ChecksumError(f"{relpath} is not listed in data/SHA256SUMS") from None
    data.verify_file(path, expected, fix=f"`python -m gancourse pretrain {rebuild}` or git")
    return keras.saving.load_model(path, compile=False, safe_mode=True)


def load_pretrained(name: str, part: str = "generator"):
    """Load a shipped generator or discriminator after checking its SHA-256.

    Example: ``g = load_pretrained("dcgan-mnist")``; ``g(z)`` for ``z`` of
    shape ``(N, g.input_shape[1])`` gives ``(N, 28, 28, 1)`` images in [-1, 1].

    Raises:
        ValueError: unknown name or part.
        FileNotFoundError: the file is missing.
        gancourse.data.ChecksumError: the file differs from ``data/SHA256SUMS``.
    """
    return _load_checked(pretrained_path(name, part), name)


def load_ladder() -> dict[int, object]:
    """The DCGAN's earlier generators, ``{step: generator}``, followed by the final one."""
    recipe = RECIPES["dcgan-mnist"]
    ladder = {step: _load_checked(pretrained_dir() / _ladder_file(step), "dcgan-mnist") for step in recipe.ladder}
    ladder[recipe.steps] = load_pretrained("dcgan-mnist")
    return ladder


# ----------------------------------------------------------------------------
# reproducible files
# ----------------------------------------------------------------------------

FIXED_DATE = "1980-01-01@00:00:00"


def save_reproducible(model, path) -> str:
    """Save ``model`` as ``.keras`` with fixed timestamps; return the file's SHA-256.

    A ``.keras`` file is a zip holding ``config.json``, ``model.weights.h5`` and
    ``metadata.json``; Keras stamps the save time into the last one and into
    the zip entries, so two saves of the same weights differ. Here the
    entries are rewritten with the zip epoch (1980-01-01) and a fixed
    ``date_saved``, so equal weights give equal bytes.
    """
    path = pathlib.Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.keras")
    model.save(tmp)
    final_tmp = path.with_name(f".{path.stem}.fixed-{os.getpid()}.keras")
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(final_tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            payload = src.read(name)
            if name == "metadata.json":
                meta = json.loads(payload)
                meta["date_saved"] = FIXED_DATE
                payload = json.dumps(meta, sort_keys=True).encode()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, payload)
    os.replace(final_tmp, path)
    tmp.unlink()
    return data.sha256_of(path)


# ----------------------------------------------------------------------------
# training
# ----------------------------------------------------------------------------

def build_recipe_gan(recipe: Recipe):
    """The compiled :class:`gancourse.gan.GAN` of ``recipe`` (weights seeded by ``recipe.seed``)."""
    import_tensorflow()
    import keras

    from . import gan, models

    config.seed_everything(recipe.seed)
    if recipe.model == "mlp":
        generator = models.mlp_generator(recipe.latent_dim)
        discriminator = models.mlp_discriminator(activation=recipe.d_activation)
    elif recipe.model == "dcgan":
        generator, discriminator = models.dcgan_networks(
            recipe.latent_dim, width=recipe.width, start_filters=recipe.start_filters,
            start_convs=recipe.start_convs, mid_convs=recipe.mid_convs, downsamplings=recipe.d_downsamplings)
    else:
        raise ValueError(f"recipe.model must be 'mlp' or 'dcgan', got {recipe.model!r}")
    model = gan.GAN(generator, discriminator, recipe.latent_dim, seed=recipe.seed)

    def rate(value):
        if not recipe.cosine_decay:
            return value
        return keras.optimizers.schedules.CosineDecay(value, decay_steps=recipe.steps)

    model.compile(keras.optimizers.Adam(rate(recipe.d_learning_rate), beta_1=recipe.beta_1),
                  keras.optimizers.Adam(rate(recipe.g_learning_rate), beta_1=recipe.beta_1),
                  steps_per_execution=10, jit_compile=recipe.jit_compile)
    return model


def train_recipe(recipe: Recipe, images: np.ndarray, *, out_dir, checkpoint_dir=None, verbose: int = 2) -> dict:
    """Train ``recipe`` on ``images`` and write its files into ``out_dir``; return their hashes.

    Trains in chunks of ``steps_per_epoch`` through ``fit()`` with a
    :class:`~gancourse.callbacks.GANCheckpoint` (so an interrupted rebuild
    resumes where it stopped) and a :class:`~gancourse.callbacks.DivergenceStop`.
    Ladder rungs are written as the run passes them (a stale file from an
    earlier run is replaced); the default checkpoint folder
    ``out_dir/.checkpoints-NAME`` is removed once every file is written.
    """
    from . import callbacks, gan

    out_dir = pathlib.Path(out_dir)
    model = build_recipe_gan(recipe)
    ckpt_dir = pathlib.Path(checkpoint_dir or out_dir / f".checkpoints-{recipe.name}")
    ckpt = callbacks.GANCheckpoint(ckpt_dir, keep=1)
    # NaN and explosion only: a discriminator that stays ahead is normal for these recipes
    stop = callbacks.DivergenceStop(patience=10**9, raise_error=True)
    start = ckpt.restore(model)
    stops = sorted({*recipe.ladder, recipe.steps})
    if recipe.steps % recipe.steps_per_epoch or any(not 0 < s < recipe.steps for s in recipe.ladder):
        raise ValueError("recipe.steps must be a multiple of steps_per_epoch and ladder steps inside (0, steps)")
    written = {}
    began = time.perf_counter()
    epoch, step = start.epoch, start.step
    # Ladder rungs can fall inside an epoch: run short epochs up to each rung.
    for target in stops:
        passes_rung = step < target  # rungs behind a resumed run were written before the interruption
        while step < target:
            n = min(target - step, recipe.steps_per_epoch - step % recipe.steps_per_epoch)
            stream = gan.training_stream(images, batch_size=recipe.batch_size, seed=recipe.seed, start_step=step)
            model.fit(stream, epochs=epoch + 1, initial_epoch=epoch, steps_per_epoch=n,
                      callbacks=[ckpt, stop], verbose=verbose)
            epoch, step = epoch + 1, step + n
        if target in recipe.ladder and passes_rung:
            save_reproducible(model.generator, out_dir / _ladder_file(target))
    for target in recipe.ladder:  # rungs written before an interruption count too
        written[_ladder_file(target)] = data.sha256_of(out_dir / _ladder_file(target))
    for part, fname in PRETRAINED_FILES[recipe.name].items():
        network = model.generator if part == "generator" else model.discriminator
        written[fname] = save_reproducible(network, out_dir / fname)
    if checkpoint_dir is None:  # every file is written: the default resume point has done its job
        shutil.rmtree(ckpt_dir, ignore_errors=True)
    return {"files": written, "steps": step, "train_seconds": round(time.perf_counter() - began, 1)}


def _set_sha256_line(relpath: str, digest: str) -> None:
    """Set ``relpath``'s line in ``data/SHA256SUMS`` (atomically), keeping every other line."""
    sums_file = data.shipped_data_dir() / "SHA256SUMS"
    lines = sums_file.read_text(encoding="utf-8").splitlines() if sums_file.is_file() else []
    kept = [line for line in lines if line.split()[1:2] != [relpath]]
    kept.append(f"{digest}  {relpath}")
    tmp = sums_file.with_name(f".{sums_file.name}.tmp-{os.getpid()}")
    tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.replace(tmp, sums_file)


def _training_images(args) -> tuple[np.ndarray, str]:
    """The full MNIST training set (pretraining ignores the profile's subset; never the mini subset)."""
    mnist = data.load_mnist(profile="cpu", subset=False, mini=False)
    return mnist.x_train, mnist.source


def _pretrain(name: str, args) -> dict:
    recipe = RECIPES[name]
    seed = int(getattr(args, "seed", 0) or 0)
    if seed != recipe.seed:
        recipe = dataclasses.replace(recipe, seed=seed)
    out_dir = pathlib.Path(args.out) if getattr(args, "out", None) else pretrained_dir()
    images, source = _training_images(args)
    result = train_recipe(recipe, images, out_dir=out_dir)
    shipped = out_dir.resolve() == pretrained_dir().resolve()
    for fname, digest in result["files"].items():
        if shipped:
            _set_sha256_line(f"pretrained/{fname}", digest)
        print(f"{digest}  pretrained/{fname}", flush=True)
    print(f"wrote {len(result['files'])} file(s) to {out_dir}"
          + ("; data/SHA256SUMS updated" if shipped else "; data/SHA256SUMS left alone (--out)"), flush=True)
    return {"recipe": dataclasses.asdict(recipe), "data": source, "out": str(out_dir), **result}


def pretrain_first_gan_mnist(args) -> dict:
    """``pretrain first-gan-mnist``: seed 001's MLP GAN, 30 000 steps."""
    return _pretrain("first-gan-mnist", args)


def pretrain_dcgan_mnist(args) -> dict:
    """``pretrain dcgan-mnist``: the MNIST DCGAN, its discriminator and its ladder."""
    return _pretrain("dcgan-mnist", args)


def _evaluate(name: str, args) -> dict:
    from . import metrics

    prof = config.get_profile(getattr(args, "profile", None))
    mnist = data.load_mnist(profile=prof, subset=False)
    real = mnist.x_test if len(mnist.x_test) >= 2 * prof.eval_samples else mnist.x_train
    n = min(prof.eval_samples, len(real) // 2)
    generator = load_pretrained(name)
    report = metrics.evaluate_generator(generator, real, n=n, seed=int(getattr(args, "seed", 0) or 0),
                                        train_images=mnist.x_train)
    return {"profile": prof.name, "file": pretrained_path(name).name, "data": mnist.source.split(":")[0],
            **report}


def evaluate_first_gan_mnist(args) -> dict:
    """``evaluate first-gan-mnist``: the evaluation kit on the shipped MLP generator."""
    return _evaluate("first-gan-mnist", args)


def evaluate_dcgan_mnist(args) -> dict:
    """``evaluate dcgan-mnist``: the evaluation kit on the shipped DCGAN generator."""
    return _evaluate("dcgan-mnist", args)


def evaluate_dcgan_profile_run(args) -> dict:
    """``evaluate dcgan-profile-run``: train chapter 5's DCGAN at the profile's sizes, then score it.

    Exactly what ``05_dcgan`` trains (``config.CHAPTER_SIZES["dcgan"]``, seed
    ``--seed``), timed, then the evaluation kit at the profile's
    ``eval_samples`` against the MNIST test set. The ``cpu`` profile's quality
    bar (benchmarks/README.md): at most 10 minutes of training on 2 cores,
    10/10 classes, confident share >= 0.85, FD <= 10x the floor.
    """
    import_tensorflow()
    from . import callbacks, gan, metrics, models

    prof = config.get_profile(getattr(args, "profile", None))
    sizes = config.chapter_sizes("dcgan", prof)
    seed = int(getattr(args, "seed", 0) or 0)
    mnist = data.load_mnist(profile=prof)
    config.seed_everything(seed)
    model = gan.GAN(*models.dcgan_networks(sizes.latent_dim, **sizes.architecture), sizes.latent_dim, seed=seed)
    model.compile(*models.dcgan_optimizers(sizes.d_learning_rate, g_learning_rate=sizes.g_learning_rate,
                                           decay_steps=sizes.steps if sizes.cosine_decay else None),
                  steps_per_execution=10, jit_compile=sizes.jit_compile)
    began = time.perf_counter()
    model.fit(gan.training_stream(mnist.x_train, batch_size=sizes.batch_size, seed=seed),
              epochs=sizes.steps // sizes.steps_per_epoch, steps_per_epoch=sizes.steps_per_epoch,
              callbacks=[callbacks.DivergenceStop(patience=10**9, raise_error=True)], verbose=0)
    seconds = time.perf_counter() - began
    full = data.load_mnist(profile=prof, subset=False)
    real = full.x_test if len(full.x_test) >= 2 * prof.eval_samples else full.x_train
    n = min(prof.eval_samples, len(real) // 2)
    report = metrics.evaluate_generator(model.generator, real, n=n, seed=seed, train_images=full.x_train)
    if getattr(args, "out", None):
        save_reproducible(model.generator, pathlib.Path(args.out))
    return {"profile": prof.name, "steps": model.steps_done, "batch_size": sizes.batch_size,
            "architecture": sizes.architecture, "train_seconds": round(seconds, 1), "cpu_count": os.cpu_count(),
            "data": mnist.source.split(":")[0], **report}
