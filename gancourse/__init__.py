"""gancourse: the shared package of a course on generative models and GANs.

Importing it first selects the TensorFlow backend for Keras and quiets
TensorFlow's C++ logging, so import ``gancourse`` before ``keras``.

Layers (nothing imports upward): ``config`` < ``data`` < models, losses <
trainers, metrics, checks < ``cli``; only ``plotting`` and widget helpers
import matplotlib or IPython.
"""

from . import config as config

config.prepare_environment()

__version__ = "0.1.0"
__all__ = ["config", "__version__"]
