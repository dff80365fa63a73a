"""Autoencoders and variational autoencoders (VAE) as Keras 3 models, and the ELBO.

References:
    Kingma and Welling 2014, "Auto-Encoding Variational Bayes" (AEVB), eqs. 3,
    10 and appendix B; Rezende, Mohamed and Wierstra 2014, "Stochastic
    Backpropagation ..." (the same model, same year); lecture notes 002 §1.2-1.3
    (自动编码器 autoencoder, 变分自动编码器 VAE).

**Pixels and likelihood.** The decoder outputs one logit per pixel and models
``p(x|z)`` as independent Bernoulli variables, so ``x`` must be *binary*. MNIST
grey levels are turned into bits by **binarisation**:

* during training, *dynamically*: each time an image is used its pixels are
  redrawn as ``x_bin ~ Bernoulli(intensity)`` (Salakhutdinov and Murray 2008;
  Burda et al. 2016, "Importance Weighted Autoencoders", §5), inside
  :meth:`VAE.train_step` with the model's own seed generator;
* for evaluation, *statically*: the test split is binarised **once** with a
  fixed seed (:func:`binarize_static`), so every model is scored on the same bits.

The ELBO is then a true lower bound on ``log p(x)`` in nats and comparable
with the literature's "MLP VAE ≈ −87 to −92 nats" on stochastically binarised
MNIST. (Training a Bernoulli decoder on continuous grey levels -- as many
tutorials do -- gives a number that is not a log-likelihood; the TF CVAE
tutorial's ≈ −156 instead thresholds pixels at 0.5, a different, easier dataset.)

**The ELBO estimate** (:func:`evaluate_elbo`) is the plain bound of AEVB
eq. 10, not an importance-weighted bound: the KL term in closed
form, the reconstruction term ``E_q[log p(x|z)]`` averaged over ``samples``
draws of ``z`` per test image, averaged over the whole test split.
"""

from __future__ import annotations

import time

import numpy as np

from . import config
from .config import import_tensorflow
from .divergences import gaussian_kl_to_standard_normal, gaussian_kl_to_standard_normal_per_example

tf = import_tensorflow()
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

MNIST_SHAPE = (28, 28, 1)


# --------------------------------------------------------------------------
# data: pixels in [0, 1] and binarisation
# --------------------------------------------------------------------------

def to_unit_interval(images) -> np.ndarray:
    """Images in [-1, 1] (as :mod:`gancourse.data` returns them) to intensities in [0, 1].

    Raises:
        ValueError: values fall outside [-1, 1].
    """
    x = np.asarray(images, dtype=np.float32)
    if x.size and (x.min() < -1.0 - 1e-6 or x.max() > 1.0 + 1e-6):
        raise ValueError(f"images must lie in [-1, 1], got range [{x.min()}, {x.max()}]")
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def binarize_static(intensities, *, seed: int = 0) -> np.ndarray:
    """Draw each pixel once as ``Bernoulli(intensity)`` with a fixed seed (float32 0/1).

    The "stochastically binarised" MNIST of the literature; with a fixed seed
    every evaluation sees the same bits.

    Raises:
        ValueError: intensities outside [0, 1].
    """
    x = np.asarray(intensities, dtype=np.float32)
    if x.size and (x.min() < 0.0 or x.max() > 1.0):
        raise ValueError(f"intensities must lie in [0, 1], got range [{x.min()}, {x.max()}]")
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype=np.float32) < x).astype(np.float32)


# --------------------------------------------------------------------------
# model factories
# --------------------------------------------------------------------------

def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _check_units(units, name: str) -> tuple[int, ...]:
    if isinstance(units, (int, np.integer)):
        units = (units,)
    units = tuple(units)
    for u in units:
        _check_positive_int(u, f"every entry of {name}")
    return units


def _check_shape(shape, name: str) -> tuple[int, ...]:
    shape = tuple(shape)
    if len(shape) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {shape}")
    for s in shape:
        _check_positive_int(s, f"every entry of {name}")
    return shape


def build_dense_encoder(latent_dim: int, *, input_shape=MNIST_SHAPE, hidden_units=(512, 256),
                        variational: bool = True, name: str = "encoder") -> keras.Model:
    """An MLP encoder: image → code (autoencoder) or → (mean, log-variance) (VAE).

    ``variational=True`` gives the VAE's two heads, ``μ(x)`` and ``log σ²(x)``,
    of the approximate posterior ``q(z|x) = N(μ, diag σ²)`` (AEVB appendix C.2;
    the encoder predicts ``log σ²`` so the network's output is unconstrained).
    ``variational=False`` gives a plain autoencoder's single code ``z = f(x)``.

    Raises:
        ValueError: a size is not a positive int.
    """
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    hidden_units = _check_units(hidden_units, "hidden_units")
    input_shape = _check_shape(input_shape, "input_shape")
    x_in = keras.Input(shape=input_shape, name="image")
    h = layers.Flatten()(x_in)
    for i, units in enumerate(hidden_units):
        h = layers.Dense(units, activation="relu", name=f"hidden_{i}")(h)
    if not variational:
        return keras.Model(x_in, layers.Dense(latent_dim, name="code")(h), name=name)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(x_in, [z_mean, z_log_var], name=name)


def build_dense_decoder(latent_dim: int, *, output_shape=MNIST_SHAPE, hidden_units=(256, 512),
                        name: str = "decoder") -> keras.Model:
    """An MLP decoder: code ``z`` → one **logit** per pixel (Bernoulli ``p(x|z)``).

    Logits rather than probabilities so the log-likelihood is computed stably
    (:func:`bernoulli_log_likelihood`); apply ``sigmoid`` to see an image.
    """
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    hidden_units = _check_units(hidden_units, "hidden_units")
    output_shape = _check_shape(output_shape, "output_shape")
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(units, activation="relu", name=f"hidden_{i}")(h)
    h = layers.Dense(int(np.prod(output_shape)), name="pixel_logits")(h)
    return keras.Model(z_in, layers.Reshape(output_shape)(h), name=name)


def build_conv_encoder(latent_dim: int, *, input_shape=MNIST_SHAPE, filters=(32, 64),
                       variational: bool = True, name: str = "conv_encoder") -> keras.Model:
    """A convolutional encoder: stride-2 3×3 convolutions, then dense heads.

    The TensorFlow CVAE tutorial's encoder (28→14→7 with 32 and 64 filters).
    Same outputs as :func:`build_dense_encoder`.
    """
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    filters = _check_units(filters, "filters")
    input_shape = _check_shape(input_shape, "input_shape")
    x_in = keras.Input(shape=input_shape, name="image")
    h = x_in
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"conv_{i}")(h)
    h = layers.Flatten()(h)
    if not variational:
        return keras.Model(x_in, layers.Dense(latent_dim, name="code")(h), name=name)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(x_in, [z_mean, z_log_var], name=name)


def build_conv_decoder(latent_dim: int, *, output_shape=MNIST_SHAPE, filters=(64, 32),
                       name: str = "conv_decoder") -> keras.Model:
    """A transposed-convolution decoder: dense to a small map, stride-2 up-sampling, pixel logits.

    Mirrors :func:`build_conv_encoder`; the spatial size of ``output_shape``
    must be divisible by ``2 ** len(filters)``.

    Raises:
        ValueError: the output size does not divide.
    """
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    filters = _check_units(filters, "filters")
    height, width, channels = _check_shape(output_shape, "output_shape")
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(f"output_shape {output_shape} is not divisible by 2**len(filters) = {factor}")
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense((height // factor) * (width // factor) * filters[0], activation="relu")(z_in)
    h = layers.Reshape((height // factor, width // factor, filters[0]))(h)
    for i, f in enumerate(filters):
        h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"deconv_{i}")(h)
    logits = layers.Conv2DTranspose(channels, 3, padding="same", name="pixel_logits")(h)
    return keras.Model(z_in, logits, name=name)


def build_encoder(latent_dim: int, *, kind: str = "dense", variational: bool = True, width: int = 256,
                  input_shape=MNIST_SHAPE) -> keras.Model:
    """:func:`build_dense_encoder` (``kind="dense"``, hidden units ``2w, w``) or
    :func:`build_conv_encoder` (``kind="conv"``, filters ``w/8, w/4``).

    Raises:
        ValueError: unknown ``kind``.
    """
    width = _check_positive_int(width, "width")
    if kind == "dense":
        return build_dense_encoder(latent_dim, input_shape=input_shape, hidden_units=(2 * width, width),
                                   variational=variational)
    if kind == "conv":
        return build_conv_encoder(latent_dim, input_shape=input_shape,
                                  filters=(max(width // 8, 1), max(width // 4, 1)), variational=variational)
    raise ValueError(f"kind must be 'dense' or 'conv', got {kind!r}")


def build_decoder(latent_dim: int, *, kind: str = "dense", width: int = 256,
                  output_shape=MNIST_SHAPE) -> keras.Model:
    """The decoder matching :func:`build_encoder` with the same ``kind`` and ``width``."""
    width = _check_positive_int(width, "width")
    if kind == "dense":
        return build_dense_decoder(latent_dim, output_shape=output_shape, hidden_units=(width, 2 * width))
    if kind == "conv":
        return build_conv_decoder(latent_dim, output_shape=output_shape,
                                  filters=(max(width // 4, 1), max(width // 8, 1)))
    raise ValueError(f"kind must be 'dense' or 'conv', got {kind!r}")


def build_autoencoder(encoder: keras.Model, decoder: keras.Model, *, name: str = "autoencoder") -> keras.Model:
    """A plain (deterministic) autoencoder ``x → decoder(encoder(x))`` returning pixel logits.

    Train it with ``BinaryCrossentropy(from_logits=True)`` against the input.
    The code is a point, not a distribution, and nothing shapes the code space:
    the reason its decoder is a poor generator (notes 002 §1.2).

    Raises:
        ValueError: the encoder is variational (two outputs), or shapes do not chain.
    """
    if len(encoder.outputs) != 1:
        raise ValueError("encoder must output a single code (build it with variational=False), "
                         f"got {len(encoder.outputs)} outputs")
    code_dim = encoder.outputs[0].shape[-1]
    if decoder.inputs[0].shape[-1] != code_dim:
        raise ValueError(f"decoder expects codes of size {decoder.inputs[0].shape[-1]} "
                         f"but the encoder outputs {code_dim}")
    x_in = keras.Input(shape=encoder.inputs[0].shape[1:], name="image")
    return keras.Model(x_in, decoder(encoder(x_in)), name=name)


# --------------------------------------------------------------------------
# the pieces of the VAE loss
# --------------------------------------------------------------------------

def reparameterize_with_noise(mean, log_var, eps):
    """The reparameterisation trick, ``z = μ + σ ⊙ ε`` with ``σ = exp(½ log σ²)`` (AEVB eq. 10 / §2.4).

    Randomness enters only through ``ε ~ N(0, I)``, given here, so gradients
    flow through ``μ`` and ``log σ²`` to the encoder.

    Raises:
        ValueError: the three shapes differ.
    """
    mean, log_var, eps = (ops.convert_to_tensor(t) for t in (mean, log_var, eps))
    if not (tuple(mean.shape) == tuple(log_var.shape) == tuple(eps.shape)):
        raise ValueError(f"mean, log_var and eps must have the same shape, got {tuple(mean.shape)}, "
                         f"{tuple(log_var.shape)}, {tuple(eps.shape)}")
    return mean + ops.exp(0.5 * log_var) * eps


def reparameterize(mean, log_var, seed=None):
    """Sample ``z ~ N(μ, diag σ²)`` differentiably: :func:`reparameterize_with_noise` with fresh ``ε``.

    Args:
        seed: a ``keras.random.SeedGenerator`` (the model's own), an int, or None.
    """
    mean = ops.convert_to_tensor(mean)
    eps = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=seed)
    return reparameterize_with_noise(mean, log_var, eps)


def bernoulli_log_likelihood(x, logits):
    """``log p(x|z) = Σ_pixels [x log σ(l) + (1 − x) log(1 − σ(l))]`` per example (nats).

    Written as ``x·l − softplus(l)``, the same quantity without ``log(0)``.
    ``x`` must be binary for this to be a log-probability.

    Returns:
        shape ``(batch,)``.

    Raises:
        ValueError: shapes differ.
    """
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    logits = ops.cast(ops.convert_to_tensor(logits), "float32")
    if tuple(x.shape) != tuple(logits.shape):
        raise ValueError(f"x and logits must have the same shape, got {tuple(x.shape)} and {tuple(logits.shape)}")
    per_pixel = x * logits - ops.softplus(logits)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


def reconstruction_loss(x, logits):
    """``−E_batch[log p(x|z)]``: the Bernoulli negative log-likelihood summed over pixels,
    averaged over the batch (nats per image)."""
    return -ops.mean(bernoulli_log_likelihood(x, logits))


def negative_elbo(x, logits, mean, log_var):
    """``−ELBO = −log p(x|z) + KL(q(z|x) ‖ N(0, I))`` averaged over the batch (AEVB eq. 10)."""
    return reconstruction_loss(x, logits) + gaussian_kl_to_standard_normal(mean, log_var)


def dynamic_binarize(intensities, seed=None):
    """Redraw pixels as ``Bernoulli(intensity)`` (``keras.random``; leaves 0/1 data unchanged)."""
    x = ops.convert_to_tensor(intensities)
    u = keras.random.uniform(ops.shape(x), dtype=x.dtype, seed=seed)
    return ops.cast(u < x, x.dtype)


# --------------------------------------------------------------------------
# the VAE model
# --------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="gancourse")
class VAE(keras.Model):
    """Variational autoencoder trained with ``fit()`` on the negative ELBO.

    ``loss = reconstruction + beta · KL``: reconstruction is the Bernoulli
    negative log-likelihood summed over pixels, KL is
    :func:`~gancourse.divergences.gaussian_kl_to_standard_normal` (summed over
    latent dimensions); both averaged over the batch, so with ``beta=1`` the
    loss is the negative ELBO in nats per image. Both parts are reported as
    metrics (``reconstruction``, ``kl``) next to ``loss``.

    Args:
        encoder: image → ``[z_mean, z_log_var]`` (e.g. :func:`build_dense_encoder`).
        decoder: ``z`` → pixel logits (e.g. :func:`build_dense_decoder`).
        seed: seed of the model-owned ``SeedGenerator`` that draws ``ε`` and
            the dynamic binarisation.
        binarize: redraw the pixels of every training batch as Bernoulli
            samples (``True``, the convention of this course); ``False`` uses
            the inputs as given (they must already be 0/1 for a true ELBO).
        beta: weight of the KL term (1 = the ELBO; β-VAE otherwise).

    Inputs to ``fit`` are intensities in [0, 1] (see :func:`to_unit_interval`),
    as a ``tf.data.Dataset`` of batches or an array.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, *, seed: int = 0,
                 binarize: bool = True, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if len(encoder.outputs) != 2:
            raise ValueError("encoder must output [z_mean, z_log_var] (build it with variational=True), "
                             f"got {len(encoder.outputs)} output(s)")
        if not isinstance(beta, (int, float)) or isinstance(beta, bool) or beta < 0:
            raise ValueError(f"beta must be a non-negative number, got {beta!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.latent_dim = int(encoder.outputs[0].shape[-1])
        self.seed = int(seed)
        self.binarize = bool(binarize)
        self.beta = float(beta)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def compile(self, optimizer="adam", **kwargs):
        """Compile with an optimiser only: the loss is built in (``train_step``)."""
        super().compile(optimizer=optimizer, **kwargs)

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` with ``shuffle=False`` by default for ``tf.data`` input.

        Keras warns on every call when a Dataset meets ``shuffle=True``; the
        course shuffles inside the pipeline (:func:`gancourse.data.make_pipeline`).
        """
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, *args, **kwargs)

    def call(self, x, training=False):
        """Reconstruction logits: decode a sample of ``q(z|x)`` (training) or its mean."""
        z_mean, z_log_var = self.encoder(x, training=training)
        z = reparameterize(z_mean, z_log_var, self.seed_generator) if training else z_mean
        return self.decoder(z, training=training)

    def encode(self, x):
        """``(z_mean, z_log_var)`` of ``q(z|x)``."""
        return self.encoder(x, training=False)

    def decode(self, z, *, apply_sigmoid: bool = True):
        """Pixel probabilities (or logits) for codes ``z``."""
        logits = self.decoder(z, training=False)
        return ops.sigmoid(logits) if apply_sigmoid else logits

    def sample(self, n: int, *, seed=None, apply_sigmoid: bool = True):
        """Generate ``n`` images by decoding ``z ~ N(0, I)`` (pixel probabilities, the usual display)."""
        n = _check_positive_int(n, "n")
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator if seed is None else seed)
        return self.decode(z, apply_sigmoid=apply_sigmoid)

    def _elbo_terms(self, x, training):
        if self.binarize:
            x = dynamic_binarize(x, self.seed_generator)
        z_mean, z_log_var = self.encoder(x, training=training)
        z = reparameterize(z_mean, z_log_var, self.seed_generator)
        logits = self.decoder(z, training=training)
        reconstruction = reconstruction_loss(x, logits)
        kl = gaussian_kl_to_standard_normal(z_mean, z_log_var)
        return reconstruction + self.beta * kl, reconstruction, kl

    def _update_trackers(self, loss, reconstruction, kl):
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    @staticmethod
    def _batch_images(data):
        # fit() may pass (x,), (x, y) or (x, y, sample_weight): the VAE uses x only.
        return data[0] if isinstance(data, (tuple, list)) else data

    def train_step(self, data):
        x = self._batch_images(data)
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = self._elbo_terms(x, training=True)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._update_trackers(loss, reconstruction, kl)

    def test_step(self, data):
        loss, reconstruction, kl = self._elbo_terms(self._batch_images(data), training=False)
        return self._update_trackers(loss, reconstruction, kl)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "seed": self.seed, "binarize": self.binarize, "beta": self.beta,
        }

    @classmethod
    def from_config(cls, cfg):
        cfg = dict(cfg)
        encoder = keras.saving.deserialize_keras_object(cfg.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(cfg.pop("decoder"))
        return cls(encoder, decoder, **cfg)


def build_vae(latent_dim: int, *, kind: str = "dense", width: int = 256, seed: int = 0,
              input_shape=MNIST_SHAPE, learning_rate: float = 1e-3, decay_steps: int | None = None,
              steps_per_execution: int = 1) -> VAE:
    """A compiled :class:`VAE` with :func:`build_encoder`/:func:`build_decoder` of ``kind``, built on one batch.

    Adam with ``learning_rate``; with ``decay_steps`` the rate follows a cosine
    decay to 5 % of its start over that many steps. (AEVB used Adagrad; Adam
    with a decaying rate reaches a given ELBO in fewer epochs, which is what a
    CPU budget needs.) ``steps_per_execution`` > 1 runs several training steps
    per call into TensorFlow (same results, less per-step overhead).
    """
    rate = learning_rate
    if decay_steps is not None:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, _check_positive_int(decay_steps, "decay_steps"),
                                                      alpha=0.05)
    vae = VAE(build_encoder(latent_dim, kind=kind, width=width, input_shape=input_shape),
              build_decoder(latent_dim, kind=kind, width=width, output_shape=input_shape), seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(rate),
                steps_per_execution=_check_positive_int(steps_per_execution, "steps_per_execution"))
    vae(np.zeros((1, *input_shape), np.float32))
    return vae


# --------------------------------------------------------------------------
# evaluation: the ELBO on a test set
# --------------------------------------------------------------------------

def evaluate_elbo(vae: VAE, x_binary, *, samples: int = 1, batch_size: int = 500, seed: int = 0) -> dict:
    """The ELBO of ``vae`` on binary images, in nats per image (AEVB eq. 10).

    ``ELBO(x) = E_{q(z|x)}[log p(x|z)] − KL(q(z|x) ‖ N(0, I))``, KL in closed form,
    the expectation estimated with ``samples`` draws of ``z`` per image
    (unbiased; more draws only lower the variance). Averaged over all of
    ``x_binary``: pass the *whole* test split, binarised once with
    :func:`binarize_static`. This is the plain bound, not an importance-weighted one.

    Returns:
        ``{"elbo", "reconstruction", "kl", "n_images", "samples"}``, where
        ``reconstruction`` is ``−E_q[log p(x|z)]`` and ``elbo = −(reconstruction + kl)``.

    Raises:
        ValueError: ``x_binary`` is not 0/1, or a count is not positive.
    """
    if not (hasattr(vae, "encoder") and hasattr(vae, "decoder")):
        raise TypeError(f"vae must be a VAE (with encoder and decoder), got {type(vae).__name__}")
    x = np.asarray(x_binary, dtype=np.float32)
    if x.ndim != 4 or len(x) == 0:
        raise ValueError(f"x_binary must be a non-empty batch of images (N, H, W, C), got shape {x.shape}")
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("x_binary must be binary (0/1): binarise the test set with binarize_static first; "
                         "the Bernoulli likelihood of grey levels is not a log-probability")
    samples = _check_positive_int(samples, "samples")
    batch_size = _check_positive_int(batch_size, "batch_size")
    gen = keras.random.SeedGenerator(seed)
    rec_sum, kl_sum = 0.0, 0.0
    for start in range(0, len(x), batch_size):
        xb = x[start:start + batch_size]
        z_mean, z_log_var = vae.encoder(xb, training=False)
        kl_sum += float(ops.sum(gaussian_kl_to_standard_normal_per_example(z_mean, z_log_var)))
        for _ in range(samples):
            z = reparameterize(z_mean, z_log_var, gen)
            logits = vae.decoder(z, training=False)
            rec_sum += -float(ops.sum(bernoulli_log_likelihood(xb, logits))) / samples
    n = len(x)
    rec, kl = rec_sum / n, kl_sum / n
    return {"elbo": -(rec + kl), "reconstruction": rec, "kl": kl, "n_images": n, "samples": samples}


# --------------------------------------------------------------------------
# the command-line evaluation: python -m gancourse evaluate vae-mnist
# --------------------------------------------------------------------------

def train_vae_on_mnist(latent_dim: int, epochs: int, sizes, x_train01, *, seed: int = 0,
                       verbose="auto") -> tuple[VAE, float, object]:
    """Build and ``fit()`` a VAE with the chapter's sizes (``kind``, ``width``, ``batch_size``,
    ``learning_rate``, ``steps_per_execution``); return ``(vae, train_seconds, history)``.

    The learning rate decays (cosine) over the whole run, see :func:`build_vae`.
    """
    from .data import make_pipeline

    epochs = _check_positive_int(epochs, "epochs")
    config.seed_everything(seed)
    batch_size = min(sizes.batch_size, len(x_train01))
    vae = build_vae(latent_dim, kind=sizes.kind, width=sizes.width, seed=seed, learning_rate=sizes.learning_rate,
                    decay_steps=epochs * (len(x_train01) // batch_size),
                    steps_per_execution=getattr(sizes, "steps_per_execution", 1))
    ds = make_pipeline(x_train01, batch_size=batch_size, seed=seed)
    start = time.perf_counter()
    history = vae.fit(ds, epochs=epochs, shuffle=False, verbose=verbose)
    return vae, time.perf_counter() - start, history


def evaluate_vae_mnist(args) -> dict:
    """Train the chapter-2 VAEs (2-D latent and ``sizes.latent_large``-D) and report their test ELBO.

    For ``python -m gancourse evaluate vae-mnist [--profile P] [--seed S]``.
    Training uses dynamically binarised training images; the ELBO is computed
    on the **whole test split** of the profile, binarised once with the seed
    (see the module docstring), ``sizes.elbo_samples`` draws per image.
    """
    from .data import load_mnist

    profile = config.get_profile(getattr(args, "profile", None))
    seed = int(getattr(args, "seed", 0) or 0)
    sizes = config.chapter_sizes("vae", profile)
    mnist = load_mnist(profile=profile)
    x_train = to_unit_interval(mnist.x_train)
    x_test = binarize_static(to_unit_interval(mnist.x_test), seed=seed)
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


__all__ = [
    "MNIST_SHAPE", "to_unit_interval", "binarize_static", "build_dense_encoder", "build_dense_decoder",
    "build_conv_encoder", "build_conv_decoder", "build_encoder", "build_decoder", "build_autoencoder",
    "reparameterize_with_noise", "reparameterize", "bernoulli_log_likelihood", "reconstruction_loss",
    "negative_elbo", "dynamic_binarize", "VAE", "build_vae", "evaluate_elbo", "train_vae_on_mnist",
    "evaluate_vae_mnist",
]
