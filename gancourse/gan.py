"""The course's GAN trainer: a ``keras.Model`` trained with ``fit()``.

:class:`GAN` implements Algorithm 1 of Goodfellow et al. (2014), "Generative
Adversarial Nets": each training step first updates the discriminator
(判别器) D on a batch of real images (label 1) and generated images (label 0),
then updates the generator (生成器) G through the just-updated D, whose
weights stay fixed during that update because only G's variables receive
gradients. It follows the Keras 3 idiom of the keras-io GAN examples: its own
``compile(d_optimizer, g_optimizer, ...)``, a ``train_step``, a model-owned
``keras.random.SeedGenerator`` and ``keras.metrics.Mean`` trackers, so
``fit()`` gives the progress bar, callbacks and ``tf.distribute`` support.

Nothing here assumes images: the generator maps ``z`` of shape
``(N, latent_dim)`` to any sample shape and the discriminator maps samples to
one logit each, shape ``(N, 1)`` -- chapter 3 trains a 1-D GAN with the same
class. :func:`training_stream` feeds it batches that depend only on the global
step, which makes an interrupted run resumable to identical weights.
"""

from __future__ import annotations

import numpy as np

from . import losses
from .config import import_tensorflow

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["GAN", "training_stream", "latent_noise", "num_replicas", "discriminator_accuracy",
           "lerp", "slerp", "interpolate_latents", "latent_arithmetic"]


def num_replicas() -> int:
    """Replicas that each compute a share of the batch (1 without ``tf.distribute``)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is not None:
        return ctx.num_replicas_in_sync
    return tf.distribute.get_strategy().num_replicas_in_sync


def _replica_id():
    ctx = tf.distribute.get_replica_context()
    return 0 if ctx is None else ctx.replica_id_in_sync_group


def latent_noise(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """``n`` latent vectors z ~ N(0, I) of size ``latent_dim`` as float32, from NumPy.

    A fixed ``seed`` gives the same vectors on every machine and backend, so
    sample grids drawn from them can be compared across runs and chapters.

    Raises:
        TypeError/ValueError: ``n``, ``latent_dim`` or ``seed`` is not a
            positive (seed: non-negative) int.
    """
    for name, value, low in (("n", n, 1), ("latent_dim", latent_dim, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def discriminator_accuracy(real_logits, fake_logits):
    """Share of samples D classifies correctly: real with D > 1/2 (logit > 0), fake with D < 1/2.

    The two halves are averaged with equal weight, so the value is 1/2 for a
    D that guesses -- the equilibrium D = 1/2 of Goodfellow et al. (2014),
    Proposition 1 -- whatever the batch sizes.
    """
    real = ops.cast(ops.convert_to_tensor(real_logits), "float32")
    fake = ops.cast(ops.convert_to_tensor(fake_logits), "float32")
    return 0.5 * (ops.mean(ops.cast(real > 0, "float32")) + ops.mean(ops.cast(fake < 0, "float32")))


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    Args:
        generator: a Keras model mapping ``z`` of shape ``(N, latent_dim)`` to
            samples (images ``(N, H, W, C)`` in [-1, 1], or any shape).
        discriminator: a Keras model mapping samples to **logits** ``(N, 1)``
            (no sigmoid: the losses apply it stably, see :mod:`gancourse.losses`).
        latent_dim: size of ``z``.
        seed: seed of the model's own :class:`keras.random.SeedGenerator`,
            which draws every ``z`` used in training; its state is saved with
            the weights, so a resumed run draws the same noise.

    Training step (``train_step``, Goodfellow et al. 2014, Algorithm 1):

    1. draw ``z`` and generate fakes ``G(z)`` under a gradient tape;
    2. ``n_critic`` discriminator steps: loss ``-[log D(x) + log(1 - D(G(z)))]``
       (:func:`gancourse.losses.discriminator_loss`, real = 1, fake = 0) on the
       real batch and on fakes that carry no gradient to G;
    3. one generator step: the same fakes, scored by the *updated* D, with the
       saturating ``log(1 - D(G(z)))`` or non-saturating ``-log D(G(z))``
       loss; only G's variables are updated, so D is frozen without any
       ``trainable = False`` switch.

    Departure from Algorithm 1: the generator step reuses the fakes of step 1
    (as seed 001's code and the PyTorch DCGAN example do) instead of drawing a
    new noise batch; the expected gradient is the same and it saves one
    generator forward pass per step, the largest cost of a DCGAN step. Extra
    critic steps (``n_critic > 1``) draw fresh noise.

    ``compile(..., update="simultaneous")`` runs the other common update
    instead (:meth:`simultaneous_step`, the TensorFlow DCGAN tutorial's): one
    forward pass, both players' gradients taken at the *current* weights and
    applied together -- simultaneous gradient descent, which chapter 3 shows
    circling the saddle point of a bilinear game. It saves one discriminator
    forward pass per step; Algorithm 1 stays the default.

    Metrics (``keras.metrics.Mean``, reset every epoch): ``d_loss``, ``g_loss``,
    ``d_real`` = mean D(x), ``d_fake`` = mean D(G(z)) (probabilities, measured
    in the discriminator step), ``d_accuracy`` = share of real and fake
    samples D classifies correctly (50 % at the equilibrium D = 1/2).

    Extension points (override in a subclass; chapters 7 and 8 do):

    * ``compile(..., n_critic=k)``: k discriminator (critic) steps per
      generator step (WGAN: 5).
    * :meth:`discriminator_loss_fn` / :meth:`generator_loss_fn`: the losses on
      logits (WGAN: ``mean(D(G(z))) - mean(D(x))`` and ``-mean(D(G(z)))``).
    * :meth:`discriminator_penalty`: a term added to the discriminator loss,
      e.g. the WGAN-GP gradient penalty; logged as ``d_penalty`` when
      ``"d_penalty"`` is in :attr:`metric_names`.
    * :meth:`after_discriminator_update`: runs after each discriminator
      update, e.g. WGAN weight clipping (after the update, as in the paper).
    * :meth:`transform_discriminator_input`: applied to every batch D sees,
      real and fake, e.g. instance noise (Sønderby et al. 2016).
    * :meth:`split_batch`, :meth:`generate`, :meth:`discriminate`: what a
      batch holds and how conditions reach G and D (conditional GAN: labels).
    * :meth:`critic_batch`: the real batch of the i-th critic step.
    * :meth:`sample_latent`: the noise distribution p(z).
    * :attr:`metric_names`: add names to track more values; a step method
      returns a dict, and every key with a tracker of that name is recorded.
    * :meth:`discriminator_step` / :meth:`generator_step` for anything else.

    Saving: save ``gan.generator`` and ``gan.discriminator`` as ``.keras``
    files; the wrapper's custom ``compile`` is not serialisable. For resuming
    training use :class:`gancourse.callbacks.GANCheckpoint`, which saves the
    optimiser states, the epoch and the noise generator's state as well.
    """

    metric_names: tuple[str, ...] = ("d_loss", "g_loss", "d_real", "d_fake", "d_accuracy")

    def __init__(self, generator, discriminator, latent_dim: int, *, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model):
            raise TypeError(f"generator must be a keras.Model, got {type(generator).__name__}")
        if not isinstance(discriminator, keras.Model):
            raise TypeError(f"discriminator must be a keras.Model, got {type(discriminator).__name__}")
        if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive int, got {latent_dim!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
            raise ValueError(f"seed must be an int in [0, 2**31), got {seed!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed_generator = keras.random.SeedGenerator(int(seed))
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        self.d_optimizer = None
        self.g_optimizer = None
        self.generator_loss_kind = "non_saturating"
        self.n_critic = 1
        self.update = "alternating"

    # ------------------------------------------------------------------ setup
    UPDATES = ("alternating", "simultaneous")

    def compile(self, d_optimizer=None, g_optimizer=None, generator_loss: str = "non_saturating",
                *, n_critic: int = 1, update: str = "alternating", **kwargs):
        """Set both optimisers and the generator loss, then build the optimisers.

        Args:
            d_optimizer, g_optimizer: two distinct ``keras.optimizers.Optimizer``
                instances (DCGAN: ``Adam(2e-4, beta_1=0.5)`` each).
            generator_loss: ``"non_saturating"`` (default, ``-log D(G(z))``)
                or ``"saturating"`` (``log(1 - D(G(z)))``, the minimax form).
            n_critic: discriminator steps per generator step.
            update: ``"alternating"`` (default: Algorithm 1, G trained against
                the updated D) or ``"simultaneous"`` (both updated from one
                forward pass at the current weights; needs ``n_critic=1``).
            **kwargs: passed to ``keras.Model.compile`` (``steps_per_execution``,
                ``jit_compile``, ``run_eagerly``).

        ``super().compile`` gets ``optimizer=None`` so Keras creates no unused
        default optimiser. Both optimisers are built on their variables here:
        restoring a checkpoint into unbuilt optimisers silently skips their
        Adam moments.
        """
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras.optimizers.Optimizer, got {type(opt).__name__}")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer objects "
                             "(each keeps its own moments for its own network)")
        losses.check_generator_loss_kind(generator_loss)
        if isinstance(n_critic, bool) or not isinstance(n_critic, (int, np.integer)) or n_critic < 1:
            raise ValueError(f"n_critic must be a positive int, got {n_critic!r}")
        if update not in self.UPDATES:
            raise ValueError(f"update must be one of {self.UPDATES}, got {update!r}")
        if update == "simultaneous" and n_critic != 1:
            raise ValueError(f"update='simultaneous' takes both players' gradients from one forward pass, "
                             f"so n_critic must be 1, got {n_critic}")
        for key in ("optimizer", "loss"):
            if kwargs.get(key) is not None:
                raise TypeError(f"GAN.compile takes d_optimizer and g_optimizer, not {key}=")
            kwargs.pop(key, None)
        super().compile(optimizer=None, loss=None, **kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.generator_loss_kind = generator_loss
        self.n_critic = int(n_critic)
        self.update = update
        self.build()
        self.build_optimizers()

    def build(self, input_shape=None):
        """Build G on ``(None, latent_dim)`` and D on G's output shape, if not built yet."""
        if not self.generator.built:
            self.generator.build((None, self.latent_dim))
        if not self.discriminator.built:
            self.discriminator.build(tuple(self.generator.compute_output_shape((None, self.latent_dim))))
        self.built = True

    def build_optimizers(self) -> None:
        """Create both optimisers' slot variables (under the model's distribution strategy)."""
        with self.distribute_strategy.scope():
            if not self.d_optimizer.built:
                self.d_optimizer.build(self.discriminator.trainable_variables)
            if not self.g_optimizer.built:
                self.g_optimizer.build(self.generator.trainable_variables)

    def call(self, z, training=False):
        """``G(z)``: lets Keras build the model and lets ``gan(z)`` draw samples."""
        return self.generator(z, training=training)

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` with ``shuffle=False`` by default for ``tf.data`` input.

        Keras warns on every call when a Dataset meets ``shuffle=True`` (its
        default); the course shuffles inside the pipeline instead.
        """
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, *args, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        """Also save the noise generator's state, so a restored run draws the same ``z``.

        (Keras does not save a ``SeedGenerator``'s state by itself.)
        """
        super().save_own_variables(store)
        store[self.SEED_STATE_KEY] = self.seed_generator.state.numpy()

    def load_own_variables(self, store):
        """Inverse of :meth:`save_own_variables` (files without the seed state load too)."""
        own = self._trainable_variables + self._non_trainable_variables
        keys = [k for k in store.keys() if k != self.SEED_STATE_KEY]
        if len(keys) != len(own):
            raise ValueError(f"GAN expected {len(own)} own variables in the file, found {len(keys)}")
        for i, variable in enumerate(own):
            variable.assign(store[f"{i}"])
        if self.SEED_STATE_KEY in store.keys():
            self.seed_generator.state.assign(store[self.SEED_STATE_KEY])

    @property
    def steps_done(self) -> int:
        """Generator updates done so far (the global training step)."""
        if self.g_optimizer is None:
            return 0
        return int(self.g_optimizer.iterations.numpy())

    # ------------------------------------------------------------------ hooks
    def sample_latent(self, batch_size):
        """Draw ``z ~ N(0, I)`` of shape ``(batch_size, latent_dim)`` from the model's seed generator.

        Under ``tf.distribute`` every replica adds its replica id to the seed,
        so replicas draw different noise.
        """
        seed = self.seed_generator.next()
        seed = seed + ops.cast(ops.convert_to_tensor([0, 1]) * _replica_id(), seed.dtype)
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=seed)

    def split_batch(self, data):
        """``(real, condition)`` from a ``fit()`` batch: ``x`` or ``(x, y)``.

        An unconditional GAN ignores labels (condition ``None``); a
        conditional GAN overrides this to return them.
        """
        if isinstance(data, (tuple, list)):
            return data[0], None
        return data, None

    def generate(self, z, condition=None, training=False):
        """``G(z)`` (a conditional GAN also feeds ``condition``)."""
        return self.generator(z, training=training)

    def discriminate(self, x, condition=None, training=False):
        """Logits of ``D(x)`` (a conditional GAN also feeds ``condition``)."""
        return self.discriminator(x, training=training)

    def transform_discriminator_input(self, x, training=True):
        """Applied to every real and fake batch before D sees it; identity here.

        Override for instance noise or augmentation (chapter 8).
        """
        return x

    def critic_batch(self, real, condition, index: int):
        """The real batch of critic step ``index`` (0-based); the whole batch here.

        With ``n_critic > 1`` every critic step sees the same real batch with
        fresh noise (as the keras-io WGAN-GP example does); WGAN's algorithm
        draws a new real batch per critic step -- override to slice ``real``.
        """
        return real, condition

    def discriminator_loss_fn(self, real_logits, fake_logits):
        """Loss of D on logits: BCE with real = 1, fake = 0 (Goodfellow et al. 2014, eq. 1)."""
        return losses.discriminator_loss(real_logits, fake_logits)

    def generator_loss_fn(self, fake_logits):
        """Loss of G on the logits D gives its samples (saturating or non-saturating)."""
        return losses.generator_loss(fake_logits, self.generator_loss_kind)

    def discriminator_penalty(self, real, fake, condition):
        """Extra term added to D's loss (``None``: none). WGAN-GP returns λ·GP here."""
        return None

    def after_discriminator_update(self) -> None:
        """Runs after every discriminator update (WGAN: clip D's weights)."""

    # ------------------------------------------------------------------ steps
    def discriminator_step(self, real, fake, condition=None) -> dict:
        """One update of D on a real and a fake batch; returns values to log.

        ``fake`` must carry no gradient to G (``ops.stop_gradient``).
        """
        with tf.GradientTape() as tape:
            total, real_logits, fake_logits, penalty = self.discriminator_forward(real, fake, condition)
            # Each replica averages over its share of the batch; the optimiser
            # sums the replicas' gradients, so divide by their number.
            scaled = total / num_replicas()
        variables = self.discriminator.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply_gradients(zip(grads, variables))
        self.after_discriminator_update()
        return self.discriminator_logs(total, real_logits, fake_logits, penalty)

    def discriminator_forward(self, real, fake, condition=None) -> tuple:
        """D on both batches: ``(loss + penalty, real_logits, fake_logits, penalty)``, inside the caller's tape.

        The penalty sees ``ops.stop_gradient(fake)``: it regularises D only.
        """
        real_logits = self.discriminate(self.transform_discriminator_input(real), condition, training=True)
        fake_logits = self.discriminate(self.transform_discriminator_input(fake), condition, training=True)
        d_loss = self.discriminator_loss_fn(real_logits, fake_logits)
        penalty = self.discriminator_penalty(real, ops.stop_gradient(fake), condition)
        total = d_loss if penalty is None else d_loss + penalty
        return total, real_logits, fake_logits, penalty

    @staticmethod
    def discriminator_logs(d_loss, real_logits, fake_logits, penalty=None) -> dict:
        """What a discriminator update logs: its loss, mean D(x), mean D(G(z)), accuracy (and penalty)."""
        real_logits = ops.cast(real_logits, "float32")
        fake_logits = ops.cast(fake_logits, "float32")
        logs = {
            "d_loss": d_loss,
            "d_real": ops.mean(ops.sigmoid(real_logits)),
            "d_fake": ops.mean(ops.sigmoid(fake_logits)),
            "d_accuracy": discriminator_accuracy(real_logits, fake_logits),
        }
        if penalty is not None:
            logs["d_penalty"] = penalty
        return logs

    def generator_step(self, tape, fake, condition=None) -> dict:
        """One update of G: continue ``tape`` (which recorded ``fake = G(z)``) through D.

        D's weights are read but not updated: only G's variables get
        gradients, which is what "freezing D" means here.
        """
        with tape:
            fake_logits = self.discriminate(self.transform_discriminator_input(fake), condition, training=True)
            g_loss = self.generator_loss_fn(fake_logits)
            scaled = g_loss / num_replicas()
        variables = self.generator.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.g_optimizer.apply_gradients(zip(grads, variables))
        return {"g_loss": g_loss}

    def simultaneous_step(self, real, condition=None) -> dict:
        """Both players from one forward pass: gradients at the current weights, applied together.

        The update of the TensorFlow DCGAN tutorial (two tapes around one
        forward pass). Unlike Algorithm 1, G's gradient comes from the D of
        *before* this step's D update -- simultaneous rather than alternating
        gradient descent (chapter 3's bilinear game shows the difference).
        """
        batch_size = ops.shape(real)[0]
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generate(self.sample_latent(batch_size), condition, training=True)
            d_total, real_logits, fake_logits, penalty = self.discriminator_forward(real, fake, condition)
            g_loss = self.generator_loss_fn(fake_logits)
            d_scaled, g_scaled = d_total / num_replicas(), g_loss / num_replicas()
        d_vars, g_vars = self.discriminator.trainable_variables, self.generator.trainable_variables
        d_grads = d_tape.gradient(d_scaled, d_vars)
        g_grads = g_tape.gradient(g_scaled, g_vars)
        self.d_optimizer.apply_gradients(zip(d_grads, d_vars))
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))
        self.after_discriminator_update()
        return self.discriminator_logs(d_total, real_logits, fake_logits, penalty) | {"g_loss": g_loss}

    def train_step(self, data):
        """One step of Algorithm 1 (``n_critic`` D updates, then one G update), or a simultaneous step."""
        if self.d_optimizer is None:
            raise RuntimeError("call gan.compile(d_optimizer=..., g_optimizer=...) before fit()")
        real, condition = self.split_batch(data)
        if self.update == "simultaneous":
            return self.update_trackers(self.simultaneous_step(real, condition))
        batch_size = ops.shape(real)[0]
        with tf.GradientTape() as g_tape:
            z = self.sample_latent(batch_size)
            fake = self.generate(z, condition, training=True)
        logs = {}
        for i in range(self.n_critic):
            real_i, condition_i = self.critic_batch(real, condition, i)
            if i == 0:
                fake_i = ops.stop_gradient(fake)
            else:
                fake_i = self.generate(self.sample_latent(ops.shape(real_i)[0]), condition_i, training=True)
                fake_i = ops.stop_gradient(fake_i)
            logs.update(self.discriminator_step(real_i, fake_i, condition_i))
        logs.update(self.generator_step(g_tape, fake, condition))
        return self.update_trackers(logs)

    def update_trackers(self, logs: dict) -> dict:
        """Feed each logged value to the tracker of the same name; return all results."""
        for name, value in logs.items():
            if name in self.trackers:
                self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, data):
        """Score D on a real batch and fresh fakes without updating anything."""
        real, condition = self.split_batch(data)
        batch_size = ops.shape(real)[0]
        fake = self.generate(self.sample_latent(batch_size), condition, training=False)
        real_logits = ops.cast(self.discriminate(real, condition, training=False), "float32")
        fake_logits = ops.cast(self.discriminate(fake, condition, training=False), "float32")
        logs = {
            "d_loss": self.discriminator_loss_fn(real_logits, fake_logits),
            "g_loss": self.generator_loss_fn(fake_logits),
            "d_real": ops.mean(ops.sigmoid(real_logits)),
            "d_fake": ops.mean(ops.sigmoid(fake_logits)),
            "d_accuracy": discriminator_accuracy(real_logits, fake_logits),
        }
        return self.update_trackers(logs)

    # ---------------------------------------------------------------- helpers
    def sample(self, n: int, *, seed: int = 0, batch_size: int = 500) -> np.ndarray:
        """``n`` samples ``G(z)`` (inference mode) for NumPy noise seeded by ``seed``."""
        z = latent_noise(n, self.latent_dim, seed)
        return np.asarray(self.generator.predict(z, batch_size=batch_size, verbose=0))


def training_stream(images, labels=None, *, batch_size: int, seed: int = 0, start_step: int = 0):
    """An endless ``tf.data`` stream whose batch number ``s`` depends only on ``(seed, s)``.

    Pass k: the images in the order ``stateless_shuffle(range(N), seed=(seed, k))``,
    cut into ``N // batch_size`` full batches (the remainder of each pass is
    dropped). Because batch ``s`` is a pure function of ``s``, a run resumed
    at step ``s`` with ``start_step=s`` sees exactly the batches an
    uninterrupted run would: the data half of exact resumption (the other half
    is :class:`gancourse.callbacks.GANCheckpoint`). Use it with
    ``fit(..., steps_per_epoch=...)``; the stream never ends.

    Raises:
        TypeError/ValueError: bad ``batch_size``/``start_step``, or ``labels``
            of another length than ``images``.
    """
    images = np.asarray(images)
    n = len(images)
    for name, value, low in (("batch_size", batch_size, 1), ("start_step", start_step, 0),
                             ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of images ({n}), got {batch_size}")
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries but images has {n}")
    per_pass = n // batch_size
    x_all = tf.constant(images)
    y_all = None if labels is None else tf.constant(np.asarray(labels))

    def batch_for_step(step):
        k = step // per_pass
        pos = step % per_pass
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.cast(seed, tf.int64), k]))
        idx = order[pos * batch_size:(pos + 1) * batch_size]
        x = tf.gather(x_all, idx)
        x = tf.ensure_shape(x, (batch_size,) + tuple(images.shape[1:]))
        if y_all is None:
            return x
        return x, tf.ensure_shape(tf.gather(y_all, idx), (batch_size,) + tuple(np.shape(labels)[1:]))

    ds = tf.data.Dataset.range(int(start_step), np.iinfo(np.int64).max)
    return ds.map(batch_for_step, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(2)


# ----------------------------------------------------------------------------
# the latent space
# ----------------------------------------------------------------------------

def _latent_pair(z0, z1):
    a, b = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"z0 and z1 must be 1-D vectors of the same length, got shapes {a.shape} and {b.shape}")
    return a, b


def _fractions(t):
    ts = np.asarray(t, dtype=np.float64)
    if ts.ndim > 1 or not np.all(np.isfinite(ts)):
        raise ValueError(f"t must be a finite number or a 1-D array of numbers, got shape {ts.shape}")
    return ts


def lerp(z0, z1, t):
    """Linear interpolation ``(1 − t) z0 + t z1``; ``t`` a number (→ (d,)) or 1-D array (→ (len(t), d))."""
    a, b = _latent_pair(z0, z1)
    ts = _fractions(t)
    out = (1.0 - ts[..., None]) * a + ts[..., None] * b
    return out.astype(np.float32)


def slerp(z0, z1, t):
    """Spherical linear interpolation (Shoemake 1985; for GAN latents White 2016, "Sampling Generative Networks").

    ``slerp(z0, z1; t) = sin((1 − t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1`` with
    ``cos Ω = z0·z1 / (|z0||z1|)``. In high dimension a Gaussian z lies near
    the sphere of radius √d; the straight line between two such points cuts
    inside it, where the generator saw no training codes, while slerp keeps
    the norm. Falls back to :func:`lerp` when the vectors are (anti)parallel,
    where Ω = 0 (or π) makes the formula 0/0.
    """
    a, b = _latent_pair(z0, z1)
    ts = _fractions(t)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return lerp(a, b, ts)
    cos_omega = np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0)
    omega = np.arccos(cos_omega)
    sin_omega = np.sin(omega)
    if sin_omega < 1e-6:
        return lerp(a, b, ts)
    w0 = np.sin((1.0 - ts) * omega) / sin_omega
    w1 = np.sin(ts * omega) / sin_omega
    return (w0[..., None] * a + w1[..., None] * b).astype(np.float32)


def interpolate_latents(z0, z1, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """``steps`` codes from ``z0`` to ``z1`` (both ends included), shape ``(steps, d)``."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}")
    if method not in ("slerp", "lerp"):
        raise ValueError(f"method must be 'slerp' or 'lerp', got {method!r}")
    ts = np.linspace(0.0, 1.0, int(steps))
    return (slerp if method == "slerp" else lerp)(z0, z1, ts)


def latent_arithmetic(a, b, c) -> np.ndarray:
    """``mean(a) − mean(b) + mean(c)``: DCGAN's vector arithmetic on averaged codes.

    Radford et al. (2016), §6.3.2: single codes were unstable, so each
    concept ("smiling woman", "neutral woman", "neutral man") is the average
    of three exemplars' z before adding and subtracting. Each argument is
    ``(n_i, d)`` (or ``(d,)`` for one code); the result is ``(d,)``.
    """
    means = []
    for name, v in (("a", a), ("b", b), ("c", c)):
        arr = np.asarray(v, dtype=np.float64)
        arr = arr[None] if arr.ndim == 1 else arr
        if arr.ndim != 2 or len(arr) == 0:
            raise ValueError(f"{name} must be a code (d,) or a batch of codes (n, d), got shape {np.shape(v)}")
        means.append(arr.mean(axis=0))
    if not means[0].shape == means[1].shape == means[2].shape:
        raise ValueError(f"a, b and c must have the same code size, got {[m.shape[0] for m in means]}")
    return (means[0] - means[1] + means[2]).astype(np.float32)
