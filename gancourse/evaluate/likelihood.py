"""The VAE's test ELBO in nats (Kingma and Welling 2014, eq. 3 with the closed-form KL of Appendix B).
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import check_int, check_seed
from ..objectives.divergences import gaussian_kl_to_standard_normal_per_example
from ..objectives.elbo import bernoulli_log_likelihood, reparameterize
from ..train.vae_trainer import VAE

tf = import_tensorflow()
import keras  # noqa: E402
from keras import ops  # noqa: E402


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
    samples = check_int(samples, "samples", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    gen = keras.random.SeedGenerator(check_seed(seed))
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
