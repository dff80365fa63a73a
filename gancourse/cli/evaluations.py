"""``python -m gancourse evaluate NAME``: each evaluation prints one JSON line of metrics.
"""

from __future__ import annotations

import os
import pathlib
import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..data.datasets import load_mnist
from ..data.files import sha256_of
from ..data.images import binarize_static, tanh_range_to_unit_interval
from ..data.pipelines import training_stream
from ..evaluate.features import classifier_accuracy
from ..evaluate.likelihood import evaluate_elbo
from ..evaluate.report import evaluate_generator, evaluate_samples, real_evaluation_set
from ..evaluate.toy_modes import toy_modes_report
from ..evaluate.wasserstein_tracking import wgan_gp_mnist_report
from ..nets.dcgan import dcgan_networks, dcgan_optimizers
from ..nets.pretrained import (
    classifier_path,
    load_classifier,
    load_pretrained,
    pretrained_path,
    save_reproducible,
)
from ..train.divergence_stop import DivergenceStop
from ..train.gan_trainer import GAN
from ..train.vae_trainer import train_vae_on_mnist
from .common import add_registry_command
from .inpainting_evaluation import evaluate_inpainting_mnist
from .problems_evaluation import (
    evaluate_cgan_mnist,
    evaluate_cgan_mnist_pretrained,
    evaluate_health,
    evaluate_remedies_toy,
)
from .sr_evaluation import evaluate_sr_mnist

tf = import_tensorflow()


def evaluate_vae_mnist(args) -> dict:
    """Train the chapter-2 VAEs (2-D latent and ``sizes.latent_large``-D) and report their test ELBO.

    For ``python -m gancourse evaluate vae-mnist [--profile P] [--seed S]``.
    Training uses dynamically binarised training images; the ELBO is computed
    on the **whole test split** of the profile, binarised once with the seed
    (see the module docstring), ``sizes.elbo_samples`` draws per image.
    """
    profile = config.get_profile(args.profile)
    seed = args.seed
    sizes = config.chapter_sizes("vae", profile)
    mnist = load_mnist(profile=profile)
    x_train = tanh_range_to_unit_interval(mnist.x_train)
    x_test = binarize_static(tanh_range_to_unit_interval(mnist.x_test), seed=seed)
    result = {"profile": profile.name, "seed": seed, "train_images": len(x_train), "test_images": len(x_test),
              "pixels": "dynamically binarised (train), statically binarised with the seed (test)",
              "elbo_estimator": ("plain ELBO (not importance-weighted): closed-form KL, reconstruction term "
                                 f"averaged over {sizes.elbo_samples} draw(s) of z per test image"),
              "kind": sizes.kind, "width": sizes.width, "batch_size": sizes.batch_size,
              "learning_rate": sizes.learning_rate, "steps_per_execution": getattr(sizes, "steps_per_execution", 1)}
    for key, latent, epochs in (("latent_2", 2, sizes.epochs_2d),
                                (f"latent_{sizes.latent_large}", sizes.latent_large, sizes.epochs_large)):
        vae, seconds, _ = train_vae_on_mnist(latent, epochs, sizes, x_train, seed=seed, verbose=0)
        scores = evaluate_elbo(vae, x_test, samples=sizes.elbo_samples, seed=seed)
        result[key] = {"epochs": epochs, "test_elbo_nats": round(scores["elbo"], 2),
                       "reconstruction_nats": round(scores["reconstruction"], 2),
                       "kl_nats": round(scores["kl"], 2), "train_seconds": round(seconds, 1)}
    return result


def evaluate_real_mnist(args) -> dict:
    """``evaluate real-mnist``: the floors, and real test digits scored as if generated.

    Uses the profile's ``eval_samples`` (n): FD/KID floors between two disjoint
    sets of n training digits, the full kit on n test digits (what a perfect
    generator would get), and the median L2 distance from a test digit to its
    nearest training digit (the reference for the memorisation check).
    """
    from .. import config

    prof = config.get_profile(args.profile)
    mnist = load_mnist(profile=prof, subset=False)
    n = min(prof.eval_samples, len(mnist.x_test))
    test = mnist.x_test[np.random.default_rng(args.seed).permutation(len(mnist.x_test))[:n]]
    report = evaluate_samples(test, mnist.x_train, seed=args.seed, train_images=mnist.x_train)
    return {"profile": prof.name, "data": mnist.source.split(":")[0], **report}


def evaluate_mnist_classifier(args) -> dict:
    """``evaluate mnist-classifier``: test accuracy of the shipped classifier (or ``--out PATH``).

    Uses the profile's data: the whole test split (smoke: the 1000 test
    digits of the mini subset; cpu/gpu: all 10,000).
    """
    prof = config.get_profile(args.profile)
    mnist = load_mnist(profile=prof, subset=False)
    model = load_classifier(args.out)
    start = time.perf_counter()
    accuracy = classifier_accuracy(mnist.x_test, mnist.y_test, model)
    path = pathlib.Path(args.out) if args.out else classifier_path()
    return {
        "profile": prof.name, "data": mnist.source.split(":")[0], "test_images": int(len(mnist.x_test)),
        "test_accuracy": round(accuracy, 4), "errors": int(round((1 - accuracy) * len(mnist.x_test))),
        "seconds": round(time.perf_counter() - start, 2), "file": str(path),
        "sha256": sha256_of(path),
    }


def _evaluate(name: str, args) -> dict:
    prof = config.get_profile(args.profile)
    mnist, real, n = real_evaluation_set(prof)
    generator = load_pretrained(name)
    report = evaluate_generator(generator, real, n=n, seed=args.seed, train_images=mnist.x_train)
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

    Exactly what ``05_dcgan`` trains (``config.chapter_sizes("dcgan")``, seed
    ``--seed``), timed, then the evaluation kit at the profile's
    ``eval_samples`` against the MNIST test set. The ``cpu`` profile's quality
    bar (benchmarks/README.md): at most 10 minutes of training on 2 cores,
    10/10 classes, confident share >= 0.85, FD <= 10x the floor.
    """
    import_tensorflow()
    prof = config.get_profile(args.profile)
    sizes = config.chapter_sizes("dcgan", prof)
    seed = args.seed
    mnist = load_mnist(profile=prof)
    config.seed_everything(seed)
    model = GAN(*dcgan_networks(sizes.latent_dim, **sizes.architecture), seed=seed)
    model.compile(*dcgan_optimizers(sizes.d_learning_rate, g_learning_rate=sizes.g_learning_rate,
                                           decay_steps=sizes.steps if sizes.cosine_decay else None),
                  steps_per_execution=10, jit_compile=sizes.jit_compile)
    began = time.perf_counter()
    model.fit(training_stream(mnist.x_train, batch_size=sizes.batch_size, seed=seed),
              epochs=sizes.steps // sizes.steps_per_epoch, steps_per_epoch=sizes.steps_per_epoch,
              callbacks=[DivergenceStop(patience=10**9, raise_error=True)], verbose=0)
    seconds = time.perf_counter() - began
    full, real, n = real_evaluation_set(prof)
    report = evaluate_generator(model.generator, real, n=n, seed=seed, train_images=full.x_train)
    if args.out:
        save_reproducible(model.generator, pathlib.Path(args.out))
    return {"profile": prof.name, "steps": model.steps_done, "batch_size": sizes.batch_size,
            "architecture": sizes.architecture, "train_seconds": round(seconds, 1), "cpu_count": os.cpu_count(),
            "data": mnist.source.split(":")[0], **report}


EVALUATIONS = {
    "inpainting-mnist": evaluate_inpainting_mnist,
    "sr-mnist": evaluate_sr_mnist,
    "first-gan-mnist": evaluate_first_gan_mnist,
    "dcgan-mnist": evaluate_dcgan_mnist,
    "dcgan-profile-run": evaluate_dcgan_profile_run,
    "mnist-classifier": evaluate_mnist_classifier,
    "real-mnist": evaluate_real_mnist,
    "vae-mnist": evaluate_vae_mnist,
    "toy-modes": lambda args: toy_modes_report(args.profile, args.seed),
    "wgan-gp-mnist": lambda args: wgan_gp_mnist_report(args.profile, args.seed),
    "health": evaluate_health,
    "cgan-mnist": evaluate_cgan_mnist,
    "cgan-mnist-pretrained": evaluate_cgan_mnist_pretrained,
    "remedies-toy": evaluate_remedies_toy,
}
"""``evaluate`` names -> handlers ``(args) -> dict``."""


def add_commands(sub) -> None:
    """Add ``evaluate`` to the command line's sub-parsers."""
    add_registry_command(sub, "evaluate", EVALUATIONS, "train or load a model and print one JSON line of metrics")
