"""The unrolled GAN (Metz, Poole, Pfau & Sohl-Dickstein 2017): the generator trained against D's future.

Seed 004: "Unrolled GANs: the generator's loss also includes the outputs of
future discriminators (还包含了未来判别器的输出), so the generator cannot
over-optimise for a single discriminator." Metz et al. define the surrogate
loss f_K(θ_G, θ_D) = f(θ_G, θ_D^K(θ_G, θ_D)), where θ_D^0 = θ_D and

    θ_D^{k+1} = θ_D^k + η · ∂f(θ_G, θ_D^k)/∂θ_D^k            (eq. 7)

are K look-ahead steps of D's gradient ascent on the value function f. D is
updated as usual (eq. 11: its own loss at the current θ_D); only G's update
goes through the look-ahead:

    dθ_G ∝ −df_K/dθ_G = −[∂f/∂θ_G + ∂f/∂θ_D^K · dθ_D^K/dθ_G]  (eq. 12)

The first term is the ordinary GAN gradient, taken through D^K instead of D;
the second says how D's K steps would react to a change of G: it is what lets
G see that crowding onto one mode will be punished in a few steps.

**Which variant.** :class:`UnrolledGAN` drops the second term by default
(``second_order=False``): the look-ahead weights are constants for G, which
plays against D^K as a fixed network (the variant of the many
re-implementations that copy D, train the copy K steps and score G with it).
``second_order=True`` keeps it, as eq. 12 and the authors' demo
(github.com/poolio/unrolled_gan) do: the look-ahead then runs inside the
generator's gradient tape on the step's own fakes and TensorFlow
differentiates through the K steps (double backpropagation, as for WGAN-GP's
penalty). Why first-order by default: it is what worked in the course's
setting. On the 8-Gaussian ring (3×128 ReLU MLPs, both players Adam 1e-3 with
β = (0.5, 0.9), batch 256, K = 5, 1,000 steps, seeds 0 and 1) the first-order
variant captured 8/8 and 7/8 modes with 55 % and 49 % high-quality samples,
the plain GAN 6/8 and 7/8 with 16 % and 31 %, and the second-order variant
7/8 and 1/8 with 2 % and 0.1 %: its generator gradients grew large and threw
the samples around the ring instead of onto it. The authors' demo trains D ten
times slower than G (1e-4 against 1e-3) for 25,000 steps, where the second
term may pay off; that was not measured here.

**How D looks ahead.** ``unroll_optimizer="adam"`` (default) continues D's
own Adam for the K steps: each look-ahead step is exactly the update D's
optimiser would make next (same moments, step count, learning rate and
betas), written as tensor arithmetic so that it can be differentiated, as the
authors' demo does by unrolling its Keras Adam updates. ``"sgd"`` takes the
plain gradient steps of eq. 7 with step size ``unroll_learning_rate``. Why
Adam by default: an SGD step moves each weight by η·g, which depends on the
scale of D's gradients, while D itself is trained with Adam's steps of about
its learning rate per weight. On the ring (the setting above, K = 5, 1,000
steps) SGD look-aheads with η = 0.1 and 0.01 made training fail (at most
0.7 % high-quality samples, with or without the second term), η = 1
diverged to NaN, and η = 0.001 gave what the plain GAN gives (5/8 modes,
26 %). A *fresh* Adam would not do either: its first step is g/|g|, whose
derivative with respect to g (and so the second term) is zero.

**Departures.** The look-ahead uses the step's real batch and the fakes the
generator step trains on (as the authors' demo, which unrolls on the same
minibatch): the trainer's ``discriminator_for_generator(real, fake, condition)``
hook receives both. D's penalty (if a subclass has one) is not part of the look-ahead loss:
eq. 7 uses f alone. Reading D's Adam state uses Keras's private
``_momentums``/``_velocities`` lists (checked at ``compile``).

The real D is never changed by the look-ahead: every look-ahead weight is a
tensor evaluated through ``keras.StatelessScope``, which also keeps
batch-norm statistics of the look-ahead calls out of D's variables.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_bool, check_choice, check_int, check_number
from .gan_trainer import GAN

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["UnrolledGAN", "lookahead_weights", "discriminate_with", "adam_lookahead_state", "UNROLL_STEPS",
           "UNROLL_LEARNING_RATE", "UNROLL_OPTIMIZERS"]

UNROLL_STEPS = 5
"""K = 5: ``unrolling_steps`` of the authors' demo (github.com/poolio/unrolled_gan)."""

UNROLL_LEARNING_RATE = 1e-3
"""η of eq. 7 for ``unroll_optimizer="sgd"`` (on the ring, 0.01 and more broke training; see the module notes)."""

UNROLL_OPTIMIZERS = ("adam", "sgd")
"""How the look-ahead steps D: continuing D's own Adam, or plain gradient steps (eq. 7)."""


def discriminate_with(gan, weights, x, condition=None, training=False):
    """``gan.discriminate(x, condition)`` with D's trainable weights replaced by the tensors ``weights``.

    Runs inside a ``keras.StatelessScope``: D's variables are read as
    ``weights`` and nothing D does (batch-norm statistics) is written back.
    """
    mapping = list(zip(gan.discriminator.trainable_variables, weights))
    with keras.StatelessScope(state_mapping=mapping):
        return gan.discriminate(x, condition, training=training)


def adam_lookahead_state(optimizer, variables) -> dict:
    """What a look-ahead needs to continue ``optimizer`` (a Keras Adam) on ``variables``: moments and settings.

    Returns ``{"m": [...], "v": [...], "iterations", "learning_rate", "beta_1",
    "beta_2", "epsilon"}`` as tensors (read, not copied: nothing is assigned).

    Raises:
        TypeError: ``optimizer`` is not a built ``keras.optimizers.Adam``
            without ``amsgrad`` (Keras's private ``_momentums``/``_velocities``).
    """
    if not isinstance(optimizer, keras.optimizers.Adam) or getattr(optimizer, "amsgrad", False):
        raise TypeError(f"unroll_optimizer='adam' continues D's Adam, so d_optimizer must be a "
                        f"keras.optimizers.Adam without amsgrad, got {type(optimizer).__name__}; "
                        "use unroll_optimizer='sgd' for other optimisers")
    if not optimizer.built or not hasattr(optimizer, "_momentums"):
        raise TypeError("d_optimizer is not built (compile the GAN first) or this Keras keeps Adam's moments "
                        "elsewhere; use unroll_optimizer='sgd'")
    index = [optimizer._get_variable_index(v) for v in variables]
    return {
        "m": [ops.convert_to_tensor(optimizer._momentums[i].value) for i in index],
        "v": [ops.convert_to_tensor(optimizer._velocities[i].value) for i in index],
        "iterations": ops.cast(optimizer.iterations, "float32"),
        "learning_rate": ops.cast(optimizer.learning_rate, "float32"),
        "beta_1": float(optimizer.beta_1), "beta_2": float(optimizer.beta_2), "epsilon": float(optimizer.epsilon),
    }


def _adam_step(weights, grads, state, step):
    """One Adam update as Keras's ``Adam.update_step`` makes it, on tensors: new weights and moments."""
    b1, b2 = state["beta_1"], state["beta_2"]
    t = state["iterations"] + float(step)
    alpha = state["learning_rate"] * ops.sqrt(1.0 - ops.power(b2, t)) / (1.0 - ops.power(b1, t))
    new_w, new_m, new_v = [], [], []
    for w, g, m, v in zip(weights, grads, state["m"], state["v"]):
        if g is None:
            new_w.append(w), new_m.append(m), new_v.append(v)
            continue
        m = m + (g - m) * (1.0 - b1)
        v = v + (ops.square(g) - v) * (1.0 - b2)
        # sqrt(max(v, 1e-30)), not sqrt(v): a confident D's gradients can be ~1e-25, whose square underflows
        # to v = 0 while m is not 0; sqrt's infinite derivative at 0 then made the second-order term NaN
        # (it did on the ring). The value moves by at most 1e-15, far below epsilon.
        new_w.append(w - alpha * m / (ops.sqrt(ops.maximum(v, 1e-30)) + state["epsilon"]))
        new_m.append(m), new_v.append(v)
    return new_w, state | {"m": new_m, "v": new_v}


def lookahead_weights(gan, real, fake, condition=None, *, steps: int = UNROLL_STEPS, optimizer: str = "adam",
                      learning_rate: float = UNROLL_LEARNING_RATE, second_order: bool = False) -> list:
    """θ_D^K: D's trainable weights after ``steps`` look-ahead updates on its loss (Metz et al. 2017, eq. 7).

    Each step takes the gradient of D's loss on ``real`` and ``fake`` (through
    the GAN's ``transform_discriminator_input`` and ``discriminator_loss_fn``,
    so instance noise or a critic's loss carry over; L_D = −f, so descending
    it is eq. 7's ascent on f) and applies it as D's Adam would next
    (``optimizer="adam"``, :func:`adam_lookahead_state`) or as a plain step
    θ ← θ − η ∇_θ L_D (``"sgd"``, η = ``learning_rate``). With
    ``second_order=True`` the result stays a differentiable function of
    ``fake`` (call it inside the generator's tape and the tape differentiates
    through the steps); with ``False`` every look-ahead weight is a constant.

    Returns:
        a list of tensors, one per ``gan.discriminator.trainable_variables``;
        D's variables and its optimiser's state are not changed.
    """
    steps = check_int(steps, "steps", minimum=0)
    optimizer = check_choice(optimizer, "optimizer", UNROLL_OPTIMIZERS)
    learning_rate = check_number(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    second_order = check_bool(second_order, "second_order")
    variables = gan.discriminator.trainable_variables
    weights = [ops.convert_to_tensor(v.value) for v in variables]
    state = adam_lookahead_state(gan.d_optimizer, variables) if optimizer == "adam" and steps else None
    if not second_order:
        fake = ops.stop_gradient(fake)
    real_in = gan.transform_discriminator_input(real)
    fake_in = gan.transform_discriminator_input(fake)
    for step in range(1, steps + 1):
        with tf.GradientTape() as tape:
            tape.watch(weights)
            real_logits = discriminate_with(gan, weights, real_in, condition, training=True)
            fake_logits = discriminate_with(gan, weights, fake_in, condition, training=True)
            loss = gan.discriminator_loss_fn(real_logits, fake_logits)
        grads = tape.gradient(loss, weights)
        if state is not None:
            weights, state = _adam_step(weights, grads, state, step)
        else:
            weights = [w if g is None else w - learning_rate * g for w, g in zip(weights, grads)]
        if not second_order:
            weights = [ops.stop_gradient(w) for w in weights]
    return weights


class UnrolledGAN(GAN):
    """A GAN whose generator is trained through D after ``unroll_steps`` look-ahead updates (Metz et al. 2017).

    Args:
        generator, discriminator, latent_dim, seed: as :class:`~.gan_trainer.GAN`.
        unroll_steps: K, the look-ahead steps (0: exactly the plain GAN).
        unroll_optimizer: ``"adam"`` (default: the look-ahead continues D's
            own Adam, as the authors' demo) or ``"sgd"`` (eq. 7's plain steps).
        unroll_learning_rate: η of the ``"sgd"`` look-ahead.
        second_order: keep the term through which G sees D's reaction
            (eq. 12, the paper's and the authors' choice) or drop it
            (default, first-order: G plays against D^K as a fixed network;
            see the module notes for why).

    D's update is the plain GAN's. Only :meth:`discriminator_for_generator`
    changes, so
    ``fit()``, the callbacks and exact resume with
    :class:`~.checkpoints.GANCheckpoint` work as for the plain GAN.
    """

    def __init__(self, generator, discriminator, latent_dim: int | None = None, *,
                 unroll_steps: int = UNROLL_STEPS, unroll_optimizer: str = "adam",
                 unroll_learning_rate: float = UNROLL_LEARNING_RATE, second_order: bool = False, seed: int = 0,
                 **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        self.unroll_steps = check_int(unroll_steps, "unroll_steps", minimum=0)
        self.unroll_optimizer = check_choice(unroll_optimizer, "unroll_optimizer", UNROLL_OPTIMIZERS)
        self.unroll_learning_rate = check_number(unroll_learning_rate, "unroll_learning_rate", minimum=0.0,
                                                 exclusive_minimum=True)
        self.second_order = check_bool(second_order, "second_order")

    def compile(self, d_optimizer=None, g_optimizer=None, generator_loss: str = "non_saturating", **kwargs):
        """As :meth:`GAN.compile <.gan_trainer.GAN.compile>`; ``update="simultaneous"`` is refused.

        A simultaneous step scores G's fakes with the D of the same forward
        pass and never asks :meth:`discriminator_for_generator`, so the
        look-ahead would be skipped without a word. With
        ``unroll_optimizer="adam"``, ``d_optimizer`` must be a Keras Adam
        (TypeError otherwise).
        """
        if kwargs.get("update", "alternating") != "alternating" and self.unroll_steps > 0:
            raise ValueError(f"an unrolled GAN trains G through D's look-ahead, which only the alternating "
                             f"update asks for; got update={kwargs['update']!r} (use update='alternating')")
        super().compile(d_optimizer, g_optimizer, generator_loss, **kwargs)
        if self.unroll_optimizer == "adam" and self.unroll_steps > 0:
            adam_lookahead_state(self.d_optimizer, self.discriminator.trainable_variables)

    def discriminator_for_generator(self, real, fake, condition):
        """D after ``unroll_steps`` look-ahead steps on ``real`` and this step's fakes (the current D if 0).

        Like the authors' demo, the look-ahead unrolls on both batches.
        """
        if self.unroll_steps == 0:
            return self.discriminate
        if real is None:
            raise RuntimeError("the unrolled look-ahead needs the step's real batch: it runs inside "
                               "GAN.generator_step, which passes it")
        weights = lookahead_weights(self, real, fake, condition, steps=self.unroll_steps,
                                    optimizer=self.unroll_optimizer, learning_rate=self.unroll_learning_rate,
                                    second_order=self.second_order)

        def score(x, condition=None, training=False):
            return discriminate_with(self, weights, x, condition, training=training)

        return score
