"""Exercise checks: run a learner's function on fixed inputs and explain any difference.

``core`` holds the machinery (:func:`check_function`, :class:`CheckResult`);
the chapter modules hold one ``check_<concept>(fn)`` per exercise.
"""

from .basics import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .gans import *  # noqa: F401,F403
from .wasserstein import *  # noqa: F401,F403
from .inpainting import *  # noqa: F401,F403
from .problems import *  # noqa: F401,F403
