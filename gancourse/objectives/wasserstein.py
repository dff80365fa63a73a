"""Wasserstein GAN objectives (chapter 7): critic and generator losses, weight clipping.

Arjovsky, Chintala & Bottou (2017), "Wasserstein GAN". The critic ``D`` (no
sigmoid: it outputs an unbounded real *score*) estimates the Kantorovich-
Rubinstein dual of the Earth-Mover distance (eq. 3 of the paper):

    W(P_r, P_g) = sup_{||D||_L <= 1}  E_{x~P_r}[D(x)] - E_{z~p(z)}[D(G(z))].

Signs, which are easy to flip by accident:

* the critic MAXIMISES ``E[D(x)] - E[D(G(z))]`` (Algorithm 1, line 5 ascends
  this gradient), so the loss it MINIMISES is :func:`critic_loss`
  ``= mean(D(G(z))) - mean(D(x))``;
* the generator MAXIMISES ``E[D(G(z))]`` (Algorithm 1, line 10 descends
  ``-E[D(G(z))]``), so it minimises :func:`generator_loss` ``= -mean(D(G(z)))``;
* :func:`wasserstein_estimate` ``= mean(D(x)) - mean(D(G(z)))`` is the quantity
  plotted as "the Wasserstein distance" (up to the critic's Lipschitz constant).

The seed lecture notes write "Critic Loss: D(x) - D(G(z))" and "Generator Loss:
D(G(z))": those are the quantities to *maximise*; the losses minimised by an
optimiser here are their negatives.

Weight clipping (Algorithm 1, line 7; :func:`clip_weights`) is WGAN's crude way
to keep D Lipschitz; WGAN-GP replaces it by a gradient penalty
(:mod:`gancourse.objectives.gradient_penalty`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..config import import_tensorflow
from ..config.validate import check_number, describe_value
from .gan_losses import _check_concrete_finite, _is_concrete

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["as_critic_scores", "critic_loss", "generator_loss", "wasserstein_estimate", "clip_weights",
           "DEFAULT_CLIP_VALUE"]

DEFAULT_CLIP_VALUE = 0.01
"""``c`` in Arjovsky et al. (2017), Algorithm 1 (with RMSProp, lr 5e-5, n_critic = 5)."""


def _real_dtype(tensor, name: str) -> None:
    """Refuse tensors that are not real numbers (bool, complex, strings)."""
    dtype = keras.backend.standardize_dtype(tensor.dtype)
    if dtype == "bool" or not (keras.backend.is_float_dtype(dtype) or keras.backend.is_int_dtype(dtype)):
        raise TypeError(f"{name} must hold real numbers, got dtype {dtype}")


def as_critic_scores(value, name: str):
    """Critic scores as a float32 tensor, checked to have shape ``(N, 1)`` or ``(N,)``.

    Any real dtype is accepted (float16/bfloat16 under mixed precision,
    float64, even ints) and cast to float32 before any reduction. Works on
    symbolic tensors inside ``tf.function`` (an unknown batch size is allowed).

    Raises:
        TypeError: not an array of real numbers.
        ValueError: rank other than 1 or 2, a second axis other than 1, an
            empty batch (whose mean would be NaN), or (for concrete input:
            NumPy, lists, eager tensors) a NaN or infinity.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be critic scores (a tensor), got {describe_value(value)}")
    if _is_concrete(value):  # symbolic tensors in a training step are not read
        _check_concrete_finite(value, name)
    try:
        tensor = ops.convert_to_tensor(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be critic scores (a tensor), got {describe_value(value)} ({exc})") from None
    _real_dtype(tensor, name)
    shape = tuple(tensor.shape)
    if len(shape) not in (1, 2) or (len(shape) == 2 and shape[1] not in (1, None)):
        raise ValueError(f"{name} must be critic scores of shape (N, 1) or (N,), got shape {shape}")
    if shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {shape}): its mean would be NaN")
    return ops.cast(tensor, "float32")


def critic_loss(real_scores, fake_scores):
    """The loss the critic MINIMISES: ``mean(D(G(z))) - mean(D(x))``.

    The negative of the critic's objective ``E[D(x)] - E[D(G(z))]`` (Arjovsky
    et al. 2017, eq. 3 and Algorithm 1, line 5, which *ascends* it). The seed
    notes' "Critic Loss: D(x) - D(G(z))" is that objective (to maximise), not
    this loss. Example: real scores [3, 5], fake [1, 1] give 1 - 4 = -3.

    Args:
        real_scores: ``D(x)`` on a real batch, shape ``(N, 1)`` or ``(N,)``.
        fake_scores: ``D(G(z))`` on a generated batch, shape ``(M, 1)`` or
            ``(M,)`` (``M`` may differ from ``N``: each term is its own mean).

    Returns:
        A float32 scalar tensor.
    """
    real = as_critic_scores(real_scores, "real_scores")
    fake = as_critic_scores(fake_scores, "fake_scores")
    return ops.mean(fake) - ops.mean(real)


def generator_loss(fake_scores):
    """The loss the generator MINIMISES: ``-mean(D(G(z)))``.

    Arjovsky et al. (2017), Algorithm 1, line 10: G descends
    ``-(1/m) sum_i D(G(z_i))``, i.e. it maximises the critic's score of its
    samples. The seed notes' "Generator Loss: D(G(z))" is the quantity to
    maximise; this is its negative. Example: fake scores [1, 1] give -1.
    """
    return -ops.mean(as_critic_scores(fake_scores, "fake_scores"))


def wasserstein_estimate(real_scores, fake_scores):
    """``mean(D(x)) - mean(D(G(z)))``: the critic's estimate of W(P_r, P_g).

    Arjovsky et al. (2017), eq. 3, evaluated on one batch: a lower bound of
    ``K * W`` for a K-Lipschitz critic (exact at the supremum). It equals
    ``-critic_loss``; a well-trained critic makes it positive. Example: real
    scores [3, 5], fake [1, 1] give 4 - 1 = 3.
    """
    real = as_critic_scores(real_scores, "real_scores")
    fake = as_critic_scores(fake_scores, "fake_scores")
    return ops.mean(real) - ops.mean(fake)


def _variable_list(variables) -> list:
    if isinstance(variables, keras.layers.Layer):
        return list(variables.trainable_variables)
    if isinstance(variables, (str, bytes)) or not isinstance(variables, Iterable):
        raise TypeError(f"variables must be a list of the critic's variables (or the critic itself), "
                        f"got {describe_value(variables)}")
    items = list(variables)
    for i, variable in enumerate(items):
        if not isinstance(variable, (keras.Variable, tf.Variable)):
            raise TypeError(f"variables[{i}] must be a variable, got {describe_value(variable)}")
        if not keras.backend.is_float_dtype(keras.backend.standardize_dtype(variable.dtype)):
            raise TypeError(f"variables[{i}] ({variable.name}) must be a float variable, got dtype "
                            f"{variable.dtype}")
    return items


def clip_weights(variables, clip_value: float = DEFAULT_CLIP_VALUE) -> list:
    """Clip each given variable, element-wise, to ``[-clip_value, clip_value]`` in place.

    Arjovsky et al. (2017), Algorithm 1, line 7: ``w <- clip(w, -c, c)``, run
    AFTER every critic update (the ``after_discriminator_update`` hook of the
    course's trainer), so the critic's weights lie in a compact set and D is
    K-Lipschitz for some K. Pass ONLY the critic's variables, never the
    generator's: the seed notes' "对整个GAN的权重进行剪裁" (clip the whole GAN's
    weights) is a slip; clipping G would cripple it and is not in the paper.

    Values inside ``[-c, c]`` are left exactly as they are. Works eagerly and
    inside ``tf.function`` (it uses ``assign``).

    Args:
        variables: an iterable of the critic's float variables, e.g.
            ``critic.trainable_variables``; a Keras layer/model is also
            accepted and stands for its ``trainable_variables`` (its
            non-trainable state, such as batch-norm moving statistics, is
            not a weight of the critic and is not clipped).
        clip_value: ``c > 0``; the paper uses 0.01.

    Returns:
        The list of variables clipped.

    Raises:
        TypeError: ``variables`` is not an iterable of float variables.
        ValueError: ``clip_value`` is not a finite positive number, or there
            are no variables (an unbuilt critic: clipping nothing is a bug).
    """
    c = check_number(clip_value, "clip_value", minimum=0.0, exclusive_minimum=True)
    items = _variable_list(variables)
    if not items:
        raise ValueError("variables is empty: nothing to clip (was the critic built?)")
    for variable in items:
        variable.assign(ops.clip(variable, -c, c))
    return items
