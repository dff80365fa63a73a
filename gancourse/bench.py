"""``python -m gancourse bench dcgan``: the ``fit()`` trainer against a plain ``GradientTape`` loop.

Both train **the same DCGAN** -- the generator and discriminator of the
TensorFlow DCGAN tutorial (https://www.tensorflow.org/tutorials/generative/dcgan),
batch 256, Adam(1e-4) -- in the same process, on the same data, alternating, three
times each (A B A B A B), and the fastest of each method's timed rounds
counts, which damps the noise of a shared machine. The tutorial loop is the
tutorial's code ported to Keras 3: a ``@tf.function`` ``train_step`` with two
tapes, called from a Python ``for`` loop over a ``tf.data`` pipeline.

The course trainer is :class:`gancourse.gan.GAN` through ``fit()`` with
``steps_per_execution`` (several steps per call into the graph) and, on a GPU,
XLA (``jit_compile=True``); on a CPU XLA is left off, since it made a DCGAN
step about twice as slow on 2 cores. Note that :class:`~gancourse.gan.GAN`
runs Algorithm 1 (D updated first, then G through the updated D), which costs
one more discriminator forward pass per step than the tutorial's simultaneous
update.

Prints one JSON line: images per second of each, their ratio
(``fit_img_per_s / tape_img_per_s``), and the conditions.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

from . import config, gan
from .config import import_tensorflow

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


def tutorial_train_step_fn(generator, discriminator, batch_size: int, noise_dim: int = TUTORIAL_NOISE_DIM):
    """The tutorial's ``train_step``: one forward pass, two tapes, both networks updated at once."""
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    g_opt = keras.optimizers.Adam(1e-4)
    d_opt = keras.optimizers.Adam(1e-4)

    @tf.function
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
    from . import data

    x = data.load_mnist(profile="smoke").x_train
    return np.resize(x, (n,) + x.shape[1:]).astype(np.float32)


def time_tape_loop(images: np.ndarray, *, batch_size: int, steps: int, warmup: int) -> float:
    """Seconds per step of the tutorial's loop over ``steps`` steps after ``warmup`` steps."""
    step_fn = tutorial_train_step_fn(tutorial_generator(), tutorial_discriminator(), batch_size)
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


def time_fit(images: np.ndarray, *, batch_size: int, steps: int, warmup: int, steps_per_execution: int,
             jit_compile: bool) -> float:
    """Seconds per step of :class:`gancourse.gan.GAN` ``fit()`` on the same models and data.

    One ``fit()`` call of ``warmup + steps`` steps; the clock starts after
    the warm-up steps (graph tracing, first batches).
    """
    model = gan.GAN(tutorial_generator(), tutorial_discriminator(), TUTORIAL_NOISE_DIM)
    model.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4),
                  steps_per_execution=steps_per_execution, jit_compile=jit_compile)
    timer = _StepTimer(warmup)
    model.fit(gan.training_stream(images, batch_size=batch_size), epochs=1, steps_per_epoch=warmup + steps,
              callbacks=[timer], verbose=0)
    return timer.seconds / steps


def bench_dcgan(args) -> dict:
    """Measure both trainers; return the JSON-ready result (see the module docstring)."""
    prof = config.get_profile(getattr(args, "profile", None))
    has_gpu = config.gpu_available()
    smoke = prof.name == "smoke"
    batch_size = 32 if smoke else TUTORIAL_BATCH
    steps = 4 if smoke else (200 if has_gpu else 20)
    spe = 2 if smoke else (50 if has_gpu else 10)
    steps = max(steps - steps % spe, spe)
    warmup = spe
    jit = bool(has_gpu)
    seed = int(getattr(args, "seed", 0) or 0)
    config.seed_everything(seed)
    images = _bench_images(max(batch_size * 8, 2048))
    tape, fit = [], []
    for _ in range(3):  # A B A B A B: both methods see the same drift in machine load
        tape.append(time_tape_loop(images, batch_size=batch_size, steps=steps, warmup=warmup))
        fit.append(time_fit(images, batch_size=batch_size, steps=steps, warmup=warmup,
                            steps_per_execution=spe, jit_compile=jit))
    tape_ips, fit_ips = batch_size / min(tape), batch_size / min(fit)
    return {
        "fit_img_per_s": round(fit_ips, 1),
        "tape_img_per_s": round(tape_ips, 1),
        "ratio": round(fit_ips / tape_ips, 3),
        "batch_size": batch_size,
        "steps_timed": steps,
        "steps_per_execution": spe,
        "jit_compile": jit,
        "rounds_s_per_step": {"tape": [round(t, 4) for t in tape], "fit": [round(t, 4) for t in fit]},
        "device": "GPU" if has_gpu else "CPU",
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "profile": prof.name,
    }
