"""The VAE's objective: the reparameterisation trick and the evidence lower bound (Kingma and Welling 2014).

ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)) (eq. 3), the KL in closed form
(Appendix B) and summed over the latent dimensions.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_seed, describe_value
from .divergences import gaussian_kl_to_standard_normal

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402


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


def check_random_seed(seed, name: str = "seed"):
    """A seed for ``keras.random``: ``None``, a ``keras.random.SeedGenerator``, or an int in [0, 2**32).

    Raises:
        TypeError/ValueError: anything else (a negative int, a float, a string), naming ``name``.
    """
    if seed is None or isinstance(seed, keras.random.SeedGenerator):
        return seed
    try:
        return check_seed(seed, name)
    except TypeError:
        raise TypeError(f"{name} must be None, a keras.random.SeedGenerator or an int, "
                        f"got {describe_value(seed)}") from None


def reparameterize(mean, log_var, seed=None):
    """Sample ``z ~ N(μ, diag σ²)`` differentiably: :func:`reparameterize_with_noise` with fresh ``ε``.

    Args:
        seed: a ``keras.random.SeedGenerator`` (the model's own), an int, or None.
    """
    seed = check_random_seed(seed)
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
