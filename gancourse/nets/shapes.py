"""Do a generator and a discriminator fit together? Shape checks done once, when a GAN is built.

A mismatch would otherwise surface at the first training step as a Keras
shape error deep inside ``fit()``; here it is an error that names both shapes.
"""

from __future__ import annotations

from ..config import import_tensorflow
from ..config.validate import check_int

import_tensorflow()
import keras  # noqa: E402


def generator_latent_dim(generator, latent_dim: int | None = None) -> int:
    """The size of z a generator takes: read from its (first) input, checked against ``latent_dim``.

    Args:
        generator: a Keras model whose first input is ``(None, latent_dim)``
            (a conditional generator's second input is the label).
        latent_dim: the size the caller expects, or ``None`` to read it.

    Raises:
        TypeError: ``generator`` is not a Keras model, or ``latent_dim`` not an int.
        ValueError: the generator's input disagrees with ``latent_dim``, or its
            size cannot be read and ``latent_dim`` is ``None``.
    """
    if not isinstance(generator, keras.Model):
        raise TypeError(f"generator must be a keras.Model, got {type(generator).__name__}")
    if latent_dim is not None:
        latent_dim = check_int(latent_dim, "latent_dim", minimum=1)
    try:
        inputs = generator.inputs
    except (AttributeError, ValueError):  # a subclassed model that was never called
        inputs = None
    read = None
    if inputs:
        shape = tuple(inputs[0].shape)
        if len(shape) != 2 or shape[1] is None:
            raise ValueError(f"the generator's first input must have shape (batch, latent_dim), got {shape}")
        read = int(shape[1])
    if read is None and latent_dim is None:
        raise ValueError("latent_dim is None and the generator has no input shape to read it from; "
                         "pass latent_dim or give the generator a keras.Input")
    if read is not None and latent_dim is not None and read != latent_dim:
        raise ValueError(f"latent_dim is {latent_dim} but the generator's input takes z of size {read}")
    return read if read is not None else latent_dim


def _symbolic(model, attribute: str):
    try:
        tensors = getattr(model, attribute)
    except (AttributeError, ValueError):  # a subclassed model that was never called
        return None
    return [tuple(t.shape) for t in tensors] if tensors else None


def generator_sample_shape(generator, latent_dim: int) -> tuple:
    """The shape of the generator's samples, ``(None, ...)``: its (first) output, or its output for ``(None, latent_dim)``."""
    outputs = _symbolic(generator, "outputs")
    if outputs:
        return outputs[0]
    return tuple(generator.compute_output_shape((None, latent_dim)))


def check_discriminator_output(discriminator, sample_shape: tuple) -> None:
    """Raise unless ``discriminator`` maps a batch of ``sample_shape`` to one logit per sample, ``(N, 1)``.

    Raises:
        ValueError: the discriminator does not accept the generator's samples
            (the message gives both shapes), or it outputs more than one value
            per sample (e.g. ``(N, 10)``: a classifier, not a discriminator).
    """
    sample_shape = tuple(sample_shape)
    inputs, outputs = _symbolic(discriminator, "inputs"), _symbolic(discriminator, "outputs")
    if inputs and outputs:  # a functional model (a conditional one takes the label as a second input)
        if tuple(inputs[0][1:]) != sample_shape[1:]:
            raise ValueError(f"the discriminator cannot take the generator's samples of shape {sample_shape}: "
                             f"its input is {inputs[0]}")
        if len(outputs) != 1:
            raise ValueError(f"the discriminator must have one output, got {len(outputs)}: {outputs}")
        out = outputs[0]
    else:
        try:
            out = discriminator.compute_output_shape(sample_shape)
        except Exception as exc:  # noqa: BLE001 - Keras raises several types for a mismatch
            raise ValueError(f"the discriminator cannot take the generator's samples of shape {sample_shape}: "
                             f"{type(exc).__name__}: {exc}") from None
    if len(out) != 2 or out[1] != 1:
        raise ValueError(f"the discriminator must output one logit per sample, shape (N, 1), but for samples "
                         f"of shape {tuple(sample_shape)} it outputs {tuple(out)}")
