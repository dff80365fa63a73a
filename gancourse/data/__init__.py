"""Data: the datasets, checksummed files and atomic writes, pixel scales, ``tf.data`` pipelines, toy distributions.

Stands on :mod:`gancourse.config` only. Modules:

* :mod:`.datasets`: MNIST, Fashion-MNIST, the Olivetti faces (``load_mnist`` ...).
* :mod:`.files`: SHA-256 checks, ``data/SHA256SUMS``, atomic writes, reproducible archives.
* :mod:`.images`: pixel scales ([0, 255], [-1, 1], [0, 1]) and binarisation.
* :mod:`.pipelines`: shuffled batches, balanced subsets, the step-indexed stream for exact resume.
* :mod:`.toy`: Gaussian mixtures, the ring and the grid.

The names learners use most are re-exported here (``data.load_mnist``).
"""

from .datasets import (
                       CACHE_ENV,
                       DATA_ENV,
                       DATASETS,
                       OFFLINE_ENV,
                       DatasetNotFoundError,
                       ImageDataset,
                       describe_datasets,
                       load_dataset,
                       load_faces,
                       load_fashion_mnist,
                       load_mnist,
                       locate_dataset,
)
from .files import ChecksumError, sha256_of, shipped_data_dir, verify_file
from .images import tanh_range_to_uint8, uint8_to_tanh_range
from .pipelines import balanced_subset_indices, make_pipeline, training_stream

__all__ = ["CACHE_ENV", "DATA_ENV", "DATASETS", "OFFLINE_ENV", "DatasetNotFoundError", "ImageDataset",
           "describe_datasets", "load_dataset", "load_faces", "load_fashion_mnist", "load_mnist", "locate_dataset",
           "ChecksumError", "sha256_of", "shipped_data_dir", "verify_file", "tanh_range_to_uint8",
           "uint8_to_tanh_range", "balanced_subset_indices", "make_pipeline", "training_stream"]
