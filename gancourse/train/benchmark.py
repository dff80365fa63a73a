"""Timing the trainer: ``fit()`` against the TensorFlow DCGAN tutorial's ``GradientTape`` loop on the same networks.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..data.datasets import load_mnist
from ..data.pipelines import training_stream
from ..nets.dcgan import dcgan_networks
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

TUTORIAL_BATCH = 256


TUTORIAL_NOISE_DIM = 100


def tutorial_generator():
    """The TensorFlow DCGAN tutorial's generator (7×7×256 → 7×7×128 → 14×14×64 → 28×28×1)."""
    return keras.Sequential([
        keras.Input((TUTORIAL_NOISE_DIM,)),
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")


def tutorial_discriminator():
    """The TensorFlow DCGAN tutorial's discriminator (two strided convolutions, dropout 0.3, a logit)."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Flatten(),
        layers.Dense(1),
    ], name="tutorial_discriminator")


def tutorial_train_step_fn(generator, discriminator, batch_size: int, noise_dim: int = TUTORIAL_NOISE_DIM, *,
                           jit_compile: bool = False):
    """The tutorial's ``train_step``: one forward pass, two tapes, both networks updated at once.

    ``jit_compile=True`` compiles it with XLA (the tutorial does not).
    """
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    g_opt = keras.optimizers.Adam(1e-4)
    d_opt = keras.optimizers.Adam(1e-4)

    @tf.function(jit_compile=jit_compile)
    def train_step(images):
        noise = tf.random.normal([batch_size, noise_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)
            gen_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = (cross_entropy(tf.ones_like(real_output), real_output)
                         + cross_entropy(tf.zeros_like(fake_output), fake_output))
        g_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_loss, disc_loss

    return train_step


def _bench_images(n: int) -> np.ndarray:
    """Real MNIST digits (the shipped subset, repeated to ``n``); speed does not depend on content."""
    x = load_mnist(profile="smoke").x_train
    return np.resize(x, (n,) + x.shape[1:]).astype(np.float32)


def time_tape_loop(networks, images: np.ndarray, *, noise_dim: int, batch_size: int, steps: int, warmup: int,
                   jit_compile: bool = False) -> float:
    """Seconds per step of the tutorial's loop on ``networks() -> (G, D)`` over ``steps`` steps after ``warmup``."""
    step_fn = tutorial_train_step_fn(*networks(), batch_size, noise_dim, jit_compile=jit_compile)
    dataset = (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images))
               .batch(batch_size, drop_remainder=True).repeat().prefetch(2))
    iterator = iter(dataset)
    for _ in range(warmup):
        step_fn(next(iterator))
    start = time.perf_counter()
    for _ in range(steps):
        out = step_fn(next(iterator))
    float(out[0])  # wait for the last step
    return (time.perf_counter() - start) / steps


class _StepTimer(keras.callbacks.Callback):
    """Wall time from the end of the ``warmup``-th step to the end of training."""

    def __init__(self, warmup: int):
        super().__init__()
        self.warmup = warmup
        self.start = None
        self.seconds = None

    def on_train_batch_end(self, batch, logs=None):
        if self.start is None and batch + 1 >= self.warmup:
            float(logs["g_loss"])  # wait for the step to finish
            self.start = time.perf_counter()

    def on_train_end(self, logs=None):
        self.model.steps_done  # reads a variable: waits for the last step
        self.seconds = time.perf_counter() - self.start


def time_fit(networks, images: np.ndarray, *, noise_dim: int, batch_size: int, steps: int, warmup: int,
             steps_per_execution: int, jit_compile: bool, update: str = "alternating") -> float:
    """Seconds per step of :class:`gancourse.gan.GAN` ``fit()`` on ``networks() -> (G, D)`` and the same data.

    One ``fit()`` call of ``warmup + steps`` steps; the clock starts after
    the warm-up steps (graph tracing, XLA compilation, first batches).
    ``update`` is passed to :meth:`GAN.compile <gancourse.gan.GAN.compile>`.
    """
    model = GAN(*networks(), noise_dim)
    model.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4), update=update,
                  steps_per_execution=steps_per_execution, jit_compile=jit_compile)
    timer = _StepTimer(warmup)
    model.fit(training_stream(images, batch_size=batch_size), epochs=1, steps_per_epoch=warmup + steps,
              callbacks=[timer], verbose=0)
    return timer.seconds / steps


def time_in_rounds(methods: dict, *, batch_size: int, rounds: int) -> dict:
    """Run every ``methods[name]() -> seconds per step`` once per round, in turn; images per second of each.

    Returns ``{"img_per_s": {name: batch_size / fastest round}, "rounds_s_per_step": {name: [...]}}``.
    Taking turns (A B C A B C ...) gives every method the same drift in machine load.
    """
    times = {name: [] for name in methods}
    for _ in range(rounds):
        for name, method in methods.items():
            times[name].append(method())
    return {"img_per_s": {name: batch_size / min(seconds) for name, seconds in times.items()},
            "rounds_s_per_step": {name: [round(t, 4) for t in seconds] for name, seconds in times.items()}}


def _pair_timings(networks, *, noise_dim: int, batch_size: int, steps: int, steps_per_execution: int) -> tuple:
    """``(tape, fit, steps)``: makers of timing functions for one pair of networks, and the steps each times.

    ``tape(jit_compile=False)`` times the tutorial's loop, ``fit(update, jit_compile)``
    :class:`~gancourse.gan.GAN` through ``fit()``; both return a function of no
    arguments that returns seconds per step.
    """
    steps = max(steps - steps % steps_per_execution, steps_per_execution)  # whole executions only
    images = _bench_images(max(batch_size * 8, 2048))
    common = dict(noise_dim=noise_dim, batch_size=batch_size, steps=steps, warmup=steps_per_execution)

    def tape(jit_compile=False):
        return lambda: time_tape_loop(networks, images, jit_compile=jit_compile, **common)

    def fit(update, jit_compile):
        return lambda: time_fit(networks, images, steps_per_execution=steps_per_execution, jit_compile=jit_compile,
                                update=update, **common)

    return tape, fit, steps


def bench_dcgan(*, profile=None, seed: int = 0) -> dict:
    """Measure the trainers on both pairs of networks; return the JSON-ready result (see the module docstring)."""
    prof = profile if isinstance(profile, config.Profile) else config.get_profile(profile)
    sizes = config.chapter_sizes("dcgan", prof)
    has_gpu = config.gpu_available()
    smoke = prof.name == "smoke"
    spe = 2 if smoke else (50 if has_gpu else 10)
    rounds = 1 if smoke else 5
    config.seed_everything(seed)

    batch = 32 if smoke else TUTORIAL_BATCH
    tape, fit, steps = _pair_timings(lambda: (tutorial_generator(), tutorial_discriminator()),
                                     noise_dim=TUTORIAL_NOISE_DIM, batch_size=batch, steps_per_execution=spe,
                                     steps=4 if smoke else (200 if has_gpu else 20))
    timed = time_in_rounds({"tape": tape(), "fit": fit("simultaneous", has_gpu),
                            "fit_alternating": fit("alternating", has_gpu)}, batch_size=batch, rounds=rounds)
    ips = timed["img_per_s"]
    tutorial = {
        "fit_img_per_s": round(ips["fit"], 1), "tape_img_per_s": round(ips["tape"], 1),
        "ratio": round(ips["fit"] / ips["tape"], 3),
        "fit_alternating_img_per_s": round(ips["fit_alternating"], 1),
        "ratio_alternating": round(ips["fit_alternating"] / ips["tape"], 3),
        "batch_size": batch, "steps_timed": steps, "steps_per_execution": spe, "jit_compile": has_gpu,
        "rounds_s_per_step": timed["rounds_s_per_step"],
    }

    jit = bool(sizes.jit_compile)
    tape, fit, steps = _pair_timings(lambda: dcgan_networks(sizes.latent_dim, **sizes.architecture),
                                     noise_dim=sizes.latent_dim, batch_size=sizes.batch_size,
                                     steps_per_execution=spe, steps=4 if smoke else (500 if has_gpu else 200))
    timed = time_in_rounds({"tape": tape(), "tape_xla": tape(jit_compile=True), "fit": fit("alternating", jit)},
                           batch_size=sizes.batch_size, rounds=rounds)
    ips = timed["img_per_s"]
    course = {
        "fit_img_per_s": round(ips["fit"], 1), "tape_img_per_s": round(ips["tape"], 1),
        "tape_xla_img_per_s": round(ips["tape_xla"], 1), "ratio": round(ips["fit"] / ips["tape"], 3),
        "batch_size": sizes.batch_size, "steps_timed": steps, "steps_per_execution": spe, "jit_compile": jit,
        "architecture": sizes.architecture, "rounds_s_per_step": timed["rounds_s_per_step"],
    }
    return tutorial | {
        "course_networks": course,
        "device": "GPU" if has_gpu else "CPU",
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "profile": prof.name,
    }


def _cpu_model() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), else ``platform.processor()``."""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
