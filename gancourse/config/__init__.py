"""Configuration: run profiles, each chapter's sizes, the environment and seeding, argument checks.

The bottom of the package: it imports nothing else from ``gancourse`` and
stays importable without TensorFlow (see :mod:`.environment`).

* :mod:`.profiles`: ``smoke`` / ``cpu`` / ``gpu`` and :func:`get_profile`.
* :mod:`.sizes`: one dataclass of sizes per chapter, :func:`chapter_sizes`.
* :mod:`.environment`: the Keras backend, TensorFlow's import, GPU detection,
  :func:`seed_everything`, :func:`environment_report`.
* :mod:`.validate`: the argument validator every module uses.
"""

from .environment import (
                          MIN_VERSIONS,
                          REPO,
                          REPO_URL,
                          check_gpu,
                          environment_report,
                          gpu_advice,
                          gpu_available,
                          import_tensorflow,
                          in_colab,
                          prepare_environment,
                          seed_everything,
)
from .profiles import (
                          PROFILE_ENV,
                          PROFILES,
                          Profile,
                          detect_profile_name,
                          get_profile,
                          warn_if_slow,
)
from .sizes import (
                          SIZES,
                          DCGANSizes,
                          FirstGANSizes,
                          GANMathSizes,
                          GenerativeModelsSizes,
                          VAESizes,
                          chapter_sizes,
)

__all__ = ["MIN_VERSIONS", "REPO", "REPO_URL", "check_gpu", "environment_report", "gpu_advice", "gpu_available",
           "import_tensorflow", "in_colab", "prepare_environment", "seed_everything", "PROFILE_ENV", "PROFILES",
           "Profile", "detect_profile_name", "get_profile", "warn_if_slow", "SIZES", "DCGANSizes",
           "FirstGANSizes", "GANMathSizes", "GenerativeModelsSizes", "VAESizes", "chapter_sizes"]
