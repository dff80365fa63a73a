"""Do a generator, a discriminator and the training data fit together? Shape checks done before training.

A mismatch would otherwise surface at the first training step as a Keras
shape error deep inside ``fit()`` (or, for NaN data, as a NaN loss many steps
later); here it is an error that names both shapes.
"""

from __future__ import annotations

import numpy as np

from ..config import import_tensorflow
from ..config.validate import as_finite_array, check_int
from ..data.images import check_tanh_range

tf = import_tensorflow()
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


def generator_ends_in_tanh(generator) -> bool:
    """True when the generator's last layer applies ``tanh``: its samples are [-1, 1] images."""
    layers = getattr(generator, "layers", None) or []
    activation = getattr(layers[-1], "activation", None) if layers else None
    return getattr(activation, "__name__", None) == "tanh"


def _compatible(data_shape: tuple, sample_shape: tuple) -> bool:
    return len(data_shape) == len(sample_shape) and all(
        a is None or b is None or a == b for a, b in zip(data_shape, sample_shape))


def check_real_samples(real, sample_shape: tuple, *, tanh: bool = False, name: str = "x") -> None:
    """Raise unless the training data ``real`` fits the generator's samples of ``sample_shape`` ``(None, ...)``.

    ``real`` is what the discriminator sees as real: a NumPy array (checked
    whole: shape, NaN and infinities, and with ``tanh=True`` the [-1, 1]
    range of a tanh generator) or a ``tf.TensorSpec`` of a ``tf.data``
    batch (checked for its shape only: a stream's values cannot be scanned
    before training; :func:`gancourse.data.pipelines.training_stream` and
    :func:`~gancourse.data.pipelines.make_pipeline` check their arrays).
    Anything else (a generator function, a Keras ``PyDataset``) is not checked.

    Raises:
        TypeError: an array of something other than real numbers.
        ValueError: a shape other than the generator's (both shapes given), a
            NaN or infinity, or (``tanh=True``) values outside [-1, 1].
    """
    want = tuple(sample_shape)[1:]
    if isinstance(real, tf.TensorSpec):
        got = tuple(real.shape)[1:] if real.shape.rank is not None else None
        if got is not None and not _compatible(got, want):
            raise ValueError(f"{name} gives batches of samples of shape {got}, but the generator makes samples of "
                             f"shape {want}: the discriminator must see real and generated samples of one shape")
        if not (real.dtype.is_floating or real.dtype.is_integer):
            raise TypeError(f"{name} must give batches of numbers, got dtype {real.dtype.name}")
        return
    if not isinstance(real, np.ndarray):
        return
    arr = check_tanh_range(real, name) if tanh else as_finite_array(real, name, dtype=np.float32)
    if not _compatible(arr.shape[1:], want):
        raise ValueError(f"{name} holds samples of shape {arr.shape[1:]}, but the generator makes samples of "
                         f"shape {want}: the discriminator must see real and generated samples of one shape")
