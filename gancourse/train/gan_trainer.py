# Why this file is longer than 300 lines: it is one class, the trainer every GAN of the course
# extends, and its hooks (each a few lines with its docstring) only make sense side by side; with it, the
# step cap its fit() applies (GANCOURSE_MAX_STEPS), shared with the VAE trainer.
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
class. :func:`gancourse.data.pipelines.training_stream` feeds it batches that depend only on the global
step, which makes an interrupted run resumable to identical weights.
"""


from __future__ import annotations

import inspect
import warnings

import numpy as np

from ..config import import_tensorflow
from ..config.environment import MAX_STEPS_ENV, max_train_steps
from ..config.validate import check_choice, check_int
from ..nets.latent import latent_noise
from ..nets.shapes import (
    check_discriminator_output,
    check_real_samples,
    generator_ends_in_tanh,
    generator_latent_dim,
    generator_sample_shape,
)
from ..objectives.gan_losses import (
    check_generator_loss_kind,
    discriminator_accuracy,
    discriminator_loss,
    generator_loss,
)
from .distribute import _replica_id, num_replicas

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402


class _StepCap(keras.callbacks.Callback):
    """Stops ``fit()`` after ``max_steps`` training steps (one per ``on_train_batch_end``: see :func:`fit_with_step_cap`)."""

    def __init__(self, max_steps: int):
        super().__init__()
        self.max_steps = check_int(max_steps, "max_steps", minimum=1)
        self.steps = 0

    def on_train_begin(self, logs=None):
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps >= self.max_steps:
            self.model.stop_training = True


_FIT_PARAMETERS = inspect.signature(keras.Model.fit)


def fit_with_step_cap(model, fit, x, args: tuple, kwargs: dict):
    """Call ``fit(x, *args, **kwargs)`` (``model``'s bound parent ``fit``), stopped after ``GANCOURSE_MAX_STEPS`` steps.

    Unset: exactly ``fit(x, *args, **kwargs)``. Set to N: a callback added
    after the caller's (which all still run) stops training after N training
    steps of this call, in the middle of an epoch if need be; the epoch's
    end callbacks still run (a checkpoint then records the steps really done).
    ``steps_per_execution`` is 1 for the capped call, so the cap can fall
    between any two steps, and is restored afterwards; each such change
    retraces the training function, which costs a capped run (a check) a
    few seconds and an uncapped one nothing.
    """
    cap = max_train_steps()
    if cap is None:
        return fit(x, *args, **kwargs)
    arguments = _FIT_PARAMETERS.bind(model, x, *args, **kwargs).arguments
    arguments.pop(next(iter(_FIT_PARAMETERS.parameters)))  # self: ``fit`` is bound
    given = arguments.get("callbacks")
    if isinstance(given, keras.callbacks.CallbackList):
        raise TypeError(f"{MAX_STEPS_ENV} is set: pass fit() a list of callbacks, not a CallbackList")
    stopper = _StepCap(cap)
    arguments["callbacks"] = [*(given or []), stopper]
    spe = model.steps_per_execution
    if spe != 1:  # the compiled functions read steps_per_execution when traced: drop them
        model.steps_per_execution, model.train_function, model.test_function = 1, None, None
    try:
        history = fit(**arguments)
    finally:
        if spe != 1:
            model.steps_per_execution, model.train_function, model.test_function = spe, None, None
    if stopper.steps >= cap:  # a silent cap would pass for a short run: say so where fit() was called
        warnings.warn(f"{MAX_STEPS_ENV}={cap}: fit() stopped after {stopper.steps} training steps",
                      UserWarning, stacklevel=3)
    return history


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    Args:
        generator: a Keras model mapping ``z`` of shape ``(N, latent_dim)`` to
            samples (images ``(N, H, W, C)`` in [-1, 1], or any shape).
        discriminator: a Keras model mapping samples to **logits** ``(N, 1)``
            (no sigmoid: the losses apply it stably, see :mod:`gancourse.losses`).
        latent_dim: size of ``z``; ``None`` (the default) reads it from the
            generator's (first) input; a value that disagrees with it is an error.
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
    * :meth:`generator_objective`: G's loss (and further values to log) on
      its fakes; the adversarial loss through :meth:`discriminator_for_generator`
      here, plus a reconstruction term in super-resolution.
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

    metric_names: tuple[str, ...] = ("d_loss", "g_loss", "d_real", "d_fake", "d_accuracy", "d_grad_norm",
                                     "g_grad_norm")

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(discriminator, keras.Model):
            raise TypeError(f"discriminator must be a keras.Model, got {type(discriminator).__name__}")
        latent_dim = generator_latent_dim(generator, latent_dim)
        seed = check_int(seed, "seed", minimum=0, maximum=2**31 - 1)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        if generator.built and discriminator.built:  # catch a mismatch now, not at the first step
            check_discriminator_output(discriminator, generator_sample_shape(generator, self.latent_dim))
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
        check_generator_loss_kind(generator_loss)
        n_critic = check_int(n_critic, "n_critic", minimum=1)
        update = check_choice(update, "update", self.UPDATES)
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
        sample_shape = generator_sample_shape(self.generator, self.latent_dim)
        if not self.discriminator.built:
            self.discriminator.build(sample_shape)
        check_discriminator_output(self.discriminator, sample_shape)
        self.built = True

    def build_optimizers(self) -> None:
        """Create both optimisers' slot variables (under the model's distribution strategy)."""
        with self.distribute_strategy.scope():
            if not self.d_optimizer.built:
                self.d_optimizer.build(self.discriminator.trainable_variables)
            if not self.g_optimizer.built:
                self.g_optimizer.build(self.generator.trainable_variables)

    def call(self, z, training=False):
        """``G(z)`` through :meth:`generate`: lets Keras build the model and lets ``gan(z)`` draw samples."""
        return self.generate(z, None, training=training)

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` with ``shuffle=False`` by default for ``tf.data`` input, data checked first.

        Keras warns on every call when a Dataset meets ``shuffle=True`` (its
        default); the course shuffles inside the pipeline instead. With
        ``GANCOURSE_MAX_STEPS`` set, training stops after that many steps
        (:func:`fit_with_step_cap`).

        Before training, :meth:`check_data` compares the real samples with
        the generator's: a NumPy ``x`` is checked whole (shape, NaN and
        infinities, and the [-1, 1] range when the generator ends in
        ``tanh``), a ``tf.data`` input by its ``element_spec`` (shape only).

        Raises:
            ValueError/TypeError: as :meth:`check_data`.
        """
        self.check_data(x, kwargs.get("y", args[0] if args else None))
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return fit_with_step_cap(self, super().fit, x, args, kwargs)

    def check_data(self, x, y=None) -> None:
        """Raise unless the training data fits the generator (see :func:`gancourse.nets.shapes.check_real_samples`).

        ``x`` and ``y`` as given to ``fit``. The real part of a batch is found
        with :meth:`split_batch`, so a conditional GAN's ``(images, labels)``
        is checked on its images.
        """
        if isinstance(x, tf.data.Dataset):
            data = x.element_spec
        elif isinstance(x, np.ndarray):
            data = x if y is None else (x, y)
        else:
            return
        try:
            real, _ = self.split_batch(data)
            sample_shape = generator_sample_shape(self.generator, self.latent_dim)
        except Exception:  # noqa: BLE001 - a hook that cannot take a spec, an unbuilt subclassed generator
            return
        check_real_samples(real, sample_shape, tanh=generator_ends_in_tanh(self.generator), name="x")

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
        return discriminator_loss(real_logits, fake_logits)

    def generator_loss_fn(self, fake_logits):
        """Loss of G on the logits D gives its samples (saturating or non-saturating)."""
        return generator_loss(fake_logits, self.generator_loss_kind)

    def discriminator_penalty(self, real, fake, condition):
        """Extra term added to D's loss, computed inside D's tape (``None``: none). WGAN-GP returns λ·GP here.

        May also return ``(penalty, logs)``: a dict of further values to log
        (WGAN-GP: the mean input-gradient norm at the interpolates).
        """
        return None

    def after_discriminator_update(self) -> None:
        """Runs after every discriminator update (WGAN: clip D's weights)."""

    def discriminator_for_generator(self, real, fake, condition):
        """The function ``(x, condition, training) -> logits`` the generator's loss goes through.

        :meth:`discriminate` here: G is trained against the current D. An
        unrolled GAN (Metz et al. 2017) returns D after k look-ahead updates on
        ``real`` and ``fake`` (this step's fakes, still on G's tape), so G's
        loss "also includes the outputs of future discriminators" (seed 004).
        """
        return self.discriminate

    def apply_gradients(self, optimizer, tape, loss_or_grads, variables):
        """Apply one update to ``variables``; return the global L2 norm of its gradients (logged).

        ``tape`` and a loss: the gradients of the loss; ``tape=None``: ``loss_or_grads``
        already holds the gradients. The norm (``*_grad_norm`` in the logs) is what
        the health readout of chapter 8 reads to tell vanishing from exploding gradients.
        """
        grads = loss_or_grads if tape is None else tape.gradient(loss_or_grads, variables)
        # The update waits for the loss as well as for the gradients. A gradient penalty (R1,
        # WGAN-GP) reads D's biases only through its LeakyReLU masks, so no gradient depends on
        # that read; without this edge TensorFlow may run it after the biases are updated, and
        # the penalty, its logs and the kernels' gradients then see the new biases. Measured:
        # about 1 run in 70 under CPU load gave different losses from the same seed.
        with tf.control_dependencies([] if tape is None else [loss_or_grads]):
            optimizer.apply_gradients(zip(grads, variables))
        present = [g for g in grads if g is not None]
        if not present:
            return ops.zeros((), "float32")
        if num_replicas() > 1:  # each replica holds its share: the update uses their sum, so does the norm
            present = tf.distribute.get_replica_context().all_reduce("SUM", present)
        return ops.sqrt(ops.sum(ops.stack([ops.sum(ops.square(ops.cast(g, "float32"))) for g in present])))

    # ------------------------------------------------------------------ steps
    def discriminator_step(self, real, fake, condition=None) -> dict:
        """One update of D on a real and a fake batch; returns values to log.

        ``fake`` must carry no gradient to G (``ops.stop_gradient``).
        """
        with tf.GradientTape() as tape:
            total, real_logits, fake_logits, penalty, extra = self.discriminator_forward(real, fake, condition)
            # Each replica averages over its share of the batch; the optimiser
            # sums the replicas' gradients, so divide by their number.
            scaled = total / num_replicas()
        norm = self.apply_gradients(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
        self.after_discriminator_update()
        return self.discriminator_logs(total, real_logits, fake_logits, penalty) | extra | {"d_grad_norm": norm}

    def discriminator_forward(self, real, fake, condition=None) -> tuple:
        """D on both batches, inside the caller's tape: ``(loss + penalty, real_logits, fake_logits, penalty, logs)``.

        The penalty sees ``ops.stop_gradient(fake)``: it regularises D only.
        ``logs`` holds what :meth:`discriminator_penalty` asked to log (or ``{}``).
        """
        real_logits = self.discriminate(self.transform_discriminator_input(real), condition, training=True)
        fake_logits = self.discriminate(self.transform_discriminator_input(fake), condition, training=True)
        d_loss = self.discriminator_loss_fn(real_logits, fake_logits)
        penalty = self.discriminator_penalty(real, ops.stop_gradient(fake), condition)
        penalty, extra = penalty if isinstance(penalty, tuple) else (penalty, {})
        total = d_loss if penalty is None else d_loss + penalty
        return total, real_logits, fake_logits, penalty, extra

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

    def generator_step(self, tape, fake, condition=None, real=None) -> dict:
        """One update of G: continue ``tape`` (which recorded ``fake = G(z)``) through D.

        D's weights are read but not updated: only G's variables get
        gradients, which is what "freezing D" means here. ``real`` is the
        step's real batch, which :meth:`generator_objective` may use (an
        unrolled GAN's look-ahead updates of D need real data).
        """
        with tape:
            g_loss, logs = self.generator_objective(fake, condition, real)
            scaled = g_loss / num_replicas()
        norm = self.apply_gradients(self.g_optimizer, tape, scaled, self.generator.trainable_variables)
        return logs | {"g_loss": g_loss, "g_grad_norm": norm}

    def generator_objective(self, fake, condition=None, real=None) -> tuple:
        """G's loss on ``fake`` and a dict of further values to log: ``(loss, logs)``.

        Runs inside G's tape. Here the adversarial loss alone:
        :meth:`generator_loss_fn` of :meth:`discriminator_for_generator`'s
        logits on :meth:`transform_discriminator_input` of the fakes.
        """
        score = self.discriminator_for_generator(real, fake, condition)
        return self.generator_loss_fn(score(self.transform_discriminator_input(fake), condition, training=True)), {}

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
            d_total, real_logits, fake_logits, penalty, extra = self.discriminator_forward(real, fake, condition)
            g_loss = self.generator_loss_fn(fake_logits)
            d_scaled, g_scaled = d_total / num_replicas(), g_loss / num_replicas()
        # Both gradients are taken before either update is applied: simultaneous play.
        d_grads = d_tape.gradient(d_scaled, self.discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_scaled, self.generator.trainable_variables)
        with tf.control_dependencies([d_scaled, g_scaled]):  # as in apply_gradients: the losses first
            d_norm = self.apply_gradients(self.d_optimizer, None, d_grads, self.discriminator.trainable_variables)
            g_norm = self.apply_gradients(self.g_optimizer, None, g_grads, self.generator.trainable_variables)
        self.after_discriminator_update()
        return self.discriminator_logs(d_total, real_logits, fake_logits, penalty) | extra | {
            "g_loss": g_loss, "d_grad_norm": d_norm, "g_grad_norm": g_norm}

    def train_step(self, data):
        """One step of Algorithm 1 (``n_critic`` D updates, then one G update), or a simultaneous step."""
        if self.d_optimizer is None:
            raise RuntimeError("call gan.compile(d_optimizer=..., g_optimizer=...) before fit()")
        real, condition = self.split_batch(data)
        if self.update == "simultaneous":
            return self.update_trackers(self.simultaneous_step(real, condition))
        # The first critic batch sets how many fakes G draws (all of ``real`` unless critic_batch
        # slices it, as WGAN's fresh real batch per critic step does); G trains on those same fakes.
        real_0, condition_0 = self.critic_batch(real, condition, 0)
        with tf.GradientTape() as g_tape:
            z = self.sample_latent(ops.shape(real_0)[0])
            fake = self.generate(z, condition_0, training=True)
        logs = {}
        for i in range(self.n_critic):
            real_i, condition_i = (real_0, condition_0) if i == 0 else self.critic_batch(real, condition, i)
            if i == 0:
                fake_i = ops.stop_gradient(fake)
            else:
                fake_i = self.generate(self.sample_latent(ops.shape(real_i)[0]), condition_i, training=True)
                fake_i = ops.stop_gradient(fake_i)
            logs.update(self.discriminator_step(real_i, fake_i, condition_i))
        logs.update(self.generator_step(g_tape, fake, condition_0, real=real))
        return self.update_trackers(logs)

    def update_trackers(self, logs: dict) -> dict:
        """Feed each logged value to the tracker of the same name; return all results."""
        for name, value in logs.items():
            if name in self.trackers:
                self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, data):
        """Score D on a real batch and fresh fakes without updating anything (the same logs as training)."""
        real, condition = self.split_batch(data)
        batch_size = ops.shape(real)[0]
        fake = self.generate(self.sample_latent(batch_size), condition, training=False)
        real_logits = self.discriminate(real, condition, training=False)
        fake_logits = self.discriminate(fake, condition, training=False)
        logs = self.discriminator_logs(self.discriminator_loss_fn(real_logits, fake_logits), real_logits, fake_logits)
        logs["g_loss"] = self.generator_loss_fn(fake_logits)
        results = self.update_trackers(logs)
        return {name: results[name] for name in logs}  # no gradients here: no gradient norms

    # ---------------------------------------------------------------- helpers
    def sample(self, n: int, *, seed: int = 0, batch_size: int = 500, condition=None) -> np.ndarray:
        """``n`` samples ``G(z)`` (inference mode, through :meth:`generate`) for NumPy noise seeded by ``seed``.

        ``condition`` (a conditional GAN's labels, one per sample) is passed on batch by batch.
        """
        n = check_int(n, "n", minimum=1)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        z = latent_noise(n, self.latent_dim, seed)
        out = []
        for start in range(0, n, batch_size):
            part = None if condition is None else condition[start:start + batch_size]
            out.append(ops.convert_to_numpy(self.generate(z[start:start + batch_size], part, training=False)))
        return np.concatenate(out)
