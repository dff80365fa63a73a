# Why this file is longer than 300 lines: the checks of chapters 4 and 5 side by side, including the
# answer-checking exercises whose per-option feedback (the misconception behind each wrong answer) is long text.
"""Checks for the exercises of chapters 4 and 5: GAN losses and training readouts, DCGAN shapes, the latent space.

Each ``check_<concept>(fn)`` runs the learner's ``fn`` and the package's
reference on fixed, seeded inputs and explains any difference (see
:func:`gancourse.classroom.checks.core.check_function`).

| check | chapter | reference |
|---|---|---|
| :func:`check_discriminator_loss` | 4 | :func:`gancourse.objectives.gan_losses.discriminator_loss` |
| :func:`check_generator_loss` | 4 | :func:`gancourse.objectives.gan_losses.generator_loss` |
| :func:`check_discriminator_accuracy` | 4 | :func:`gancourse.objectives.gan_losses.discriminator_accuracy` |
| :func:`check_mlp_generator` | 4 | :func:`gancourse.nets.mlp.mlp_generator` |
| :func:`check_conv_output_size` | 5 | :func:`gancourse.nets.conv_arithmetic.conv_output_size` |
| :func:`check_conv_transpose_output_size` | 5 | :func:`gancourse.nets.conv_arithmetic.conv_transpose_output_size` |
| :func:`check_slerp` | 5 | :func:`gancourse.nets.latent.slerp` |
| :func:`check_latent_arithmetic` | 5 | :func:`gancourse.nets.latent.latent_arithmetic` |
| :func:`check_saturating_curve` | 4 | multiple choice: which loss curve saturates, and why |
| :func:`check_collapse_diagnosis` | 4 | multiple choice: which figure of the kit shows mode collapse |
| :func:`check_flatten_size` | 5 | a number: the size of a conv stack's output, via :mod:`gancourse.nets.conv_arithmetic` |
| :func:`check_broken_dcgan_rule` | 5 | multiple choice: which DCGAN rule a network breaks |

The last four check an *answer* rather than a function: the learner writes a
function of no arguments returning it (so the student version's stub raises
``NotImplementedError`` inside it, and the notebook still runs). A wrong
option is explained by the misconception behind it; the right answer is never
printed, so a learner cannot read it off a failed attempt.
"""

from __future__ import annotations

import numpy as np

from .core import (
    _UNANSWERED,
    CheckFailure,
    CheckResult,
    _learner_answer,
    _learner_choice as _choice,
    _learner_error,
    _not_implemented,
    check_function,
    compare_values,
    fixed_normal,
)

__all__ = [
    "check_discriminator_loss", "check_generator_loss", "check_discriminator_accuracy",
    "check_mlp_generator", "check_conv_output_size", "check_conv_transpose_output_size",
    "check_slerp", "check_latent_arithmetic",
    "check_saturating_curve", "check_collapse_diagnosis", "check_flatten_size", "check_broken_dcgan_rule",
]


# ------------------------------------------------------------------ chapter 4

def _logits(n: int, seed: int, scale: float = 2.0) -> np.ndarray:
    return fixed_normal((n, 1), seed, scale=scale)


def check_discriminator_loss(fn) -> CheckResult:
    """``fn(real_logits, fake_logits)`` = −[mean log D(x) + mean log(1 − D(G(z)))] on logits (chapter 4).

    Tolerance atol 1e-5, rtol 1e-5. The last case has logits of ±200, where
    ``log(sigmoid(o))`` in float32 gives −inf: only a stable form passes.
    """
    from ...objectives import gan_losses

    cases = [
        ((_logits(8, 60), _logits(8, 61)), {}),
        ((np.zeros((4, 1), np.float32), np.zeros((4, 1), np.float32)), {}),  # D = 1/2: log 4
        ((_logits(6, 62), _logits(10, 63)), {}),                             # batches of different sizes
        ((np.array([[200.0], [-200.0]], np.float32), np.array([[200.0], [-3.0]], np.float32)), {}),
    ]
    return check_function("check_discriminator_loss", fn, gan_losses.discriminator_loss, cases, atol=1e-5, rtol=1e-5,
                          hint="Chapter 4, 'the discriminator's loss': with D = sigmoid(o), log D = −softplus(−o) "
                               "and log(1 − D) = −softplus(o) (keras.ops.softplus); average real and fake "
                               "terms separately and negate their sum.")


def _generator_loss_reference(fake_logits, kind):
    from ...objectives import gan_losses

    return gan_losses.generator_loss(fake_logits, kind)


def check_generator_loss(fn) -> CheckResult:
    """``fn(fake_logits, kind)``: ``"saturating"`` mean log(1 − D(G(z))), ``"non_saturating"`` −mean log D(G(z)).

    Tolerance atol 1e-5, rtol 1e-5; includes saturated logits (±100).
    """
    cases = []
    for kind in ("saturating", "non_saturating"):
        cases += [((_logits(8, 64), kind), {}),
                  ((np.array([[-100.0], [0.0], [100.0]], np.float32), kind), {})]
    return check_function("check_generator_loss", fn, _generator_loss_reference, cases, atol=1e-5, rtol=1e-5,
                          hint="Chapter 4, 'two generator losses': saturating = mean(log(1 − D)) = "
                               "mean(−softplus(o)); non-saturating = −mean(log D) = mean(softplus(−o)).")


def check_discriminator_accuracy(fn) -> CheckResult:
    """``fn(real_logits, fake_logits)`` = ½ (share of real with logit > 0 + share of fake with logit < 0)."""
    from ...objectives import gan_losses

    cases = [
        ((_logits(8, 65), _logits(8, 66)), {}),
        ((np.array([[1.0], [2.0], [-1.0]], np.float32), np.array([[-1.0], [3.0]], np.float32)), {}),
        ((np.ones((4, 1), np.float32), -np.ones((4, 1), np.float32)), {}),  # a perfect D: 1.0
    ]
    return check_function("check_discriminator_accuracy", fn, gan_losses.discriminator_accuracy, cases,
                          atol=1e-6, rtol=1e-6,
                          hint="Chapter 4, 'balance and convergence': D says 'real' when D > 1/2, i.e. logit > 0. "
                               "Average the real and the fake accuracies (each a mean over its own batch).")


def _architecture(model) -> dict:
    """What the MLP-generator check compares: shapes, layer widths, activations, parameter count."""
    import keras

    if not isinstance(model, keras.Model):
        # Compared against the reference's dict, this reports "expected a dict
        # describing a keras.Model, got ..." instead of failing inside the check.
        return f"{type(model).__name__} (a keras.Model was expected; did you forget to return it?)"
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    return {
        "input_shape": tuple(model.input_shape),
        "output_shape": tuple(model.output_shape),
        "dense_units": [int(layer.units) for layer in dense],
        "activations": [layer.activation.__name__ for layer in dense],
        "parameters": int(sum(int(np.prod(v.shape)) for v in model.trainable_variables)),
    }


def check_mlp_generator(fn) -> CheckResult:
    """``fn(latent_dim)`` builds seed 001's generator: z → 256 tanh → 512 ReLU → 784 tanh → (28, 28, 1).

    Compared: input and output shapes, the Dense layers' widths and
    activations, and the number of trainable parameters (exact).
    """
    from ...nets import mlp

    def describe_learner(latent_dim):
        return _architecture(fn(latent_dim))

    def describe_reference(latent_dim):
        return _architecture(mlp.mlp_generator(latent_dim))

    def compare(got, expected):
        return compare_values(got, expected, atol=0, rtol=0, where="architecture")

    return check_function("check_mlp_generator", describe_learner, describe_reference,
                          [((128,), {}), ((16,), {})], atol=0, rtol=0, compare=compare,
                          hint="Chapter 4, 'the networks of seed 001': keras.Input((latent_dim,)), then Dense(256, "
                               "'tanh'), Dense(512, 'relu'), Dense(784, 'tanh'), Reshape((28, 28, 1)); return a "
                               "keras.Model. Use latent_dim for the input, not a fixed 128.")


# ------------------------------------------------------------------ chapter 5

def check_conv_output_size(fn) -> CheckResult:
    """``fn(n, kernel, stride, padding)`` = ⌊(n + 2p − k)/s⌋ + 1 (exact integers)."""
    from ...nets import conv_arithmetic

    cases = [((5, 3, 2, 1), {}), ((28, 4, 2, 1), {}), ((7, 3, 1, 0), {}), ((6, 3, 2, 1), {}), ((64, 5, 2, 2), {})]
    return check_function("check_conv_output_size", fn, conv_arithmetic.conv_output_size, cases, atol=0, rtol=0,
                          hint="Chapter 5, 'shape arithmetic': pad both sides (n + 2p), count how many times a "
                               "kernel of k fits when it moves s pixels at a time: floor((n + 2p − k) / s) + 1. "
                               "Use integer division //.")


def check_conv_transpose_output_size(fn) -> CheckResult:
    """``fn(n, kernel, stride, padding, output_padding)`` = (n − 1)s − 2p + k + a (exact integers)."""
    from ...nets import conv_arithmetic

    cases = [((3, 3, 2, 1, 0), {}), ((7, 4, 2, 1, 0), {}), ((3, 3, 2, 1, 1), {}), ((4, 5, 1, 2, 0), {}),
             ((14, 5, 2, 2, 1), {})]
    return check_function("check_conv_transpose_output_size", fn, conv_arithmetic.conv_transpose_output_size, cases,
                          atol=0, rtol=0,
                          hint="Chapter 5, 'shape arithmetic': a transposed convolution inverts the shape "
                               "relation of a convolution: (n − 1)·s − 2p + k, plus output_padding a.")


def check_slerp(fn) -> CheckResult:
    """``fn(z0, z1, t)`` = sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1 for an array of t (atol 1e-5)."""
    from ...nets import latent

    z0, z1 = fixed_normal(16, 70), fixed_normal(16, 71)
    ts = np.linspace(0.0, 1.0, 7)
    cases = [((z0, z1, ts), {}), ((z0, 3.0 * z1, np.array([0.25, 0.5])), {}),
             ((np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32), np.array([0.5])), {})]
    return check_function("check_slerp", fn, latent.slerp, cases, atol=1e-5, rtol=1e-5,
                          hint="Chapter 5, 'spherical interpolation': Ω = arccos(z0·z1 / (|z0| |z1|)); the weights "
                               "are sin((1 − t)Ω)/sin Ω and sin(tΩ)/sin Ω. Return shape (len(t), d): use "
                               "t[:, None] to broadcast.")


def check_latent_arithmetic(fn) -> CheckResult:
    """``fn(a, b, c)`` = mean(a) − mean(b) + mean(c) over the exemplars (axis 0) (atol 1e-6)."""
    from ...nets import latent

    cases = [((fixed_normal((3, 8), 72), fixed_normal((3, 8), 73), fixed_normal((3, 8), 74)), {}),
             ((fixed_normal((5, 4), 75), fixed_normal((2, 4), 76), fixed_normal((1, 4), 77)), {})]
    return check_function("check_latent_arithmetic", fn, latent.latent_arithmetic, cases, atol=1e-6, rtol=1e-5,
                          hint="Chapter 5, 'vector arithmetic': average each concept's codes over its exemplars "
                               "(axis=0) first, then add and subtract the averages; the result has shape (d,).")


# ------------------------------------------------------------------ answers that test understanding

def _count(name: str, answer, expected: int, misconceptions: dict, generic: str, hint: str) -> CheckResult:
    """A whole-number answer: exact; a known wrong value gets the misconception behind it, never the answer."""
    got = _learner_answer(name, answer, hint)
    if got is _UNANSWERED:
        return _not_implemented(name)
    value = np.asarray(got)
    if value.shape != () or not np.issubdtype(value.dtype, np.number) or not np.isfinite(value) \
            or value != np.round(value):
        message = "\n".join([f"✗ {name}: expected one whole number, got {got!r:.60}.", f"Hint: {hint}"])
        raise CheckFailure(message, CheckResult(name, "failed", message))
    value = int(value)
    if value != expected:
        explanation = misconceptions.get(value, generic)
        message = "\n".join([f"✗ {name}: {value} is not the right number.", f"  {explanation}", f"Hint: {hint}"])
        raise CheckFailure(message, CheckResult(name, "failed", message))
    message = f"✓ {name} passed ({value})."
    print(message)
    return CheckResult(name, "passed", message)


SATURATING_CURVE_FEEDBACK = {
    "A": "Curve 1 is −log D(G(z)), the non-saturating loss: it is steepest where D(G(z)) is near 0. A loss "
         "saturates where it is flat, since a flat loss gives no gradient; steep there is the cure, not the problem.",
    "B": "right",
    "C": "Curve 2 is the saturating one, but not because it is negative: adding a constant to a loss changes "
         "no gradient, so its sign or level cannot stop learning. Only its slope can.",
    "D": "Curve 1 is indeed flat near D(G(z)) = 1, but there G already fools D, so a small gradient there does no "
         "harm. The problem is at the other end, near D(G(z)) = 0, where every generator starts, and curve 1 is "
         "steep there.",
}


def check_saturating_curve(answer) -> CheckResult:
    """Chapter 4: which of two unlabelled generator-loss curves is the saturating one, and why (B).

    ``answer``: a function of no arguments returning ``"A"``, ``"B"``, ``"C"``
    or ``"D"`` (or the letter itself).
    """
    return _choice("check_saturating_curve", answer, "B", SATURATING_CURVE_FEEDBACK,
                   hint="Chapter 4, 'two generator losses': early in training D rejects the fakes, D(G(z)) ≈ 0. "
                        "Which curve is flat there? Differentiate log(1 − D) and −log D at D = 0.01.")


COLLAPSE_FEEDBACK = {
    "A": "Collapse is about variety, not quality: a collapsed generator can draw one crisp digit over and over, "
         "and the confident share judges each sample on its own, so it cannot see repetition. Here the generator "
         "with the lower confident share is the healthy one.",
    "B": "right",
    "C": "Q's Fréchet distance is higher, but the FD rises for any flaw (blurred strokes, wrong stroke width, "
         "missing classes), so on its own it cannot tell collapse from poor quality. Which figure counts how "
         "many different things the samples are?",
    "D": "The nearest-training-image distance asks whether samples copy the training set (memorisation, chapter "
         "2), not whether they repeat each other: a collapsed generator need not copy any training digit.",
}


def check_collapse_diagnosis(answer) -> CheckResult:
    """Chapter 4: from the evaluation kit's table, which generator collapsed and which figure shows it (B)."""
    return _choice("check_collapse_diagnosis", answer, "B", COLLAPSE_FEEDBACK,
                   hint="Chapter 4, 'the evaluation kit' and seed 004's mode collapse (模式崩溃): the generator "
                        "keeps producing the same output. Which of the kit's figures counts distinct kinds of "
                        "output?")


def _flatten_size_reference() -> int:
    """Chapter 5's stack: 28×28×1 → Conv2D(32, 5, strides=2, 'valid') → Conv2D(64, 5, strides=2, 'valid') → Flatten."""
    from ...nets import conv_arithmetic

    side = conv_arithmetic.conv_output_size(conv_arithmetic.conv_output_size(28, 5, 2, 0), 5, 2, 0)
    return side * side * 64


FLATTEN_SIZE_MISCONCEPTIONS = {
    7 * 7 * 64: "That is what padding='same' gives (the size simply halves). With padding='valid' nothing is "
                "padded, p = 0, so the kernel must fit inside the image and the map shrinks a little more.",
    4 * 4: "That is the side of the last map squared, one number per position: each position holds one number "
           "per channel, and the last layer has 64 channels.",
    4 * 4 * 32: "Each position of the last map holds one number per filter of the LAST convolution (64), not of "
                "the first.",
    12 * 12 * 64: "12×12 is the size after the first convolution; the second one shrinks it again.",
    3 * 3 * 64: "The '+ 1' of the formula is missing: a kernel that fits once in a window of its own size gives "
                "one output, not zero.",
    6 * 6 * 64: "Check the first layer again with floor((n + 2p − k)/s) + 1 and p = 0 for 'valid'.",
}


def check_flatten_size(answer) -> CheckResult:
    """Chapter 5: how many numbers ``Flatten()`` outputs after two stride-2 'valid' 5×5 convolutions of 28×28×1 (exact)."""
    return _count("check_flatten_size", answer, _flatten_size_reference(), FLATTEN_SIZE_MISCONCEPTIONS,
                  generic="Work layer by layer: the side after each convolution, then side × side × channels.",
                  hint="Chapter 5, 'shape arithmetic': n_out = floor((n + 2p − k)/s) + 1 with p = 0 for "
                       "padding='valid'; Flatten outputs height × width × channels of the last map.")


BROKEN_RULE_FEEDBACK = {
    "A": "There is no pooling layer: every change of size is a Conv2DTranspose with stride 2, as rule 1 asks.",
    "B": "The Dense layer is the projection of z, which DCGAN keeps (its first layer is a matrix multiplication "
         "reshaped into a 7×7 feature map). Rule 2 forbids fully connected HIDDEN layers between convolutions, "
         "and there are none.",
    "C": "right",
    "D": "ReLU inside and tanh at the output are exactly rule 4's activations for a generator.",
}


def check_broken_dcgan_rule(answer) -> CheckResult:
    """Chapter 5: which of the four DCGAN rules the broken generator breaks (C: batch norm on its output)."""
    return _choice("check_broken_dcgan_rule", answer, "C", BROKEN_RULE_FEEDBACK,
                   hint="Chapter 5, 'the four DCGAN rules': read the summary layer by layer, especially what "
                        "comes right before the final tanh.")
