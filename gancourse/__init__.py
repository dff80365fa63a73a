"""gancourse: the shared package of a course on generative models and GANs.

Importing it first selects the TensorFlow backend for Keras and quiets
TensorFlow's C++ logging, so import ``gancourse`` before ``keras``.

Layers (nothing imports upward, see docs/architecture.md): ``config`` <
``data`` < ``nets``, ``objectives``, ``theory`` < ``train``, ``evaluate``,
``inpainting`` < ``show``, ``classroom`` < ``cli``; only ``show`` imports
matplotlib, IPython or ipywidgets.
"""

from . import config as config

config.prepare_environment()

__version__ = "0.1.0"
__all__ = ["config", "__version__"]
