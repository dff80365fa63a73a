"""``tf.distribute`` helpers: how many replicas share a batch, and which one this is.
"""

from __future__ import annotations

from ..config import import_tensorflow

tf = import_tensorflow()


def num_replicas() -> int:
    """Replicas that each compute a share of the batch (1 without ``tf.distribute``)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is not None:
        return ctx.num_replicas_in_sync
    return tf.distribute.get_strategy().num_replicas_in_sync


def _replica_id():
    ctx = tf.distribute.get_replica_context()
    return 0 if ctx is None else ctx.replica_id_in_sync_group
