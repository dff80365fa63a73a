"""The VAE as a ``keras.Model`` trained with ``fit()`` (Kingma and Welling 2014, Algorithm 1).
"""

from __future__ import annotations

import time

import numpy as np

from .. import config
from ..config import import_tensorflow
from ..config.validate import check_bool, check_int, check_number, check_seed
from ..data.pipelines import make_pipeline
from ..nets.autoencoders import MNIST_SHAPE, build_decoder, build_encoder
from ..objectives.divergences import gaussian_kl_to_standard_normal
from ..objectives.elbo import check_random_seed, reconstruction_loss, reparameterize
from .gan_trainer import fit_with_step_cap

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402


@keras.saving.register_keras_serializable(package="gancourse")
def dynamic_binarize(intensities, seed=None):
    """Redraw pixels as ``Bernoulli(intensity)`` (``keras.random``; leaves 0/1 data unchanged)."""
    seed = check_random_seed(seed)
    x = ops.convert_to_tensor(intensities)
    u = keras.random.uniform(ops.shape(x), dtype=x.dtype, seed=seed)
    return ops.cast(u < x, x.dtype)


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

    Inputs to ``fit`` are intensities in [0, 1] (see :func:`tanh_range_to_unit_interval`),
    as a ``tf.data.Dataset`` of batches or an array.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, *, seed: int = 0,
                 binarize: bool = True, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if len(encoder.outputs) != 2:
            raise ValueError("encoder must output [z_mean, z_log_var] (build it with variational=True), "
                             f"got {len(encoder.outputs)} output(s)")
        self.encoder = encoder
        self.decoder = decoder
        self.latent_dim = int(encoder.outputs[0].shape[-1])
        self.seed = check_seed(seed)
        self.binarize = check_bool(binarize, "binarize")
        self.beta = check_number(beta, "beta", minimum=0.0)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
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
        With ``GANCOURSE_MAX_STEPS`` set, training stops after that many steps
        (:func:`gancourse.train.gan_trainer.fit_with_step_cap`).
        """
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return fit_with_step_cap(self, super().fit, x, args, kwargs)

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
        n = check_int(n, "n", minimum=1)
        seed = check_random_seed(seed)
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
    rate = learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    if decay_steps is not None:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, check_int(decay_steps, "decay_steps", minimum=1),
                                                      alpha=0.05)
    vae = VAE(build_encoder(latent_dim, kind=kind, width=width, input_shape=input_shape),
              build_decoder(latent_dim, kind=kind, width=width, output_shape=input_shape), seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(rate),
                steps_per_execution=check_int(steps_per_execution, "steps_per_execution", minimum=1))
    vae(np.zeros((1, *input_shape), np.float32))
    return vae


def train_vae_on_mnist(latent_dim: int, epochs: int, sizes, x_train01, *, seed: int = 0,
                       verbose="auto") -> tuple[VAE, float, object]:
    """Build and ``fit()`` a VAE with the chapter's sizes (``kind``, ``width``, ``batch_size``,
    ``learning_rate``, ``steps_per_execution``); return ``(vae, train_seconds, history)``.

    The learning rate decays (cosine) over the whole run, see :func:`build_vae`.
    """
    epochs = check_int(epochs, "epochs", minimum=1)
    config.seed_everything(seed)
    batch_size = min(sizes.batch_size, len(x_train01))
    vae = build_vae(latent_dim, kind=sizes.kind, width=sizes.width, seed=seed, learning_rate=sizes.learning_rate,
                    decay_steps=epochs * (len(x_train01) // batch_size),
                    steps_per_execution=getattr(sizes, "steps_per_execution", 1))
    ds = make_pipeline(x_train01, batch_size=batch_size, seed=seed)
    start = time.perf_counter()
    history = vae.fit(ds, epochs=epochs, shuffle=False, verbose=verbose)
    return vae, time.perf_counter() - start, history
