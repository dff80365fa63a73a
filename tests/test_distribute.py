"""The GAN trainer under tf.distribute.MirroredStrategy with two logical CPU devices.

Logical devices must be configured before TensorFlow initialises its
runtime, which the test process has already done, so the check runs in a
fresh Python subprocess. With the noise made a function of the batch (so
both set-ups draw the same z) and no batch norm, one step on 2 replicas x 16
examples must give the same weights and metrics as one step on 1 device x 32:
this fails if the per-replica losses are not divided by the number of
replicas (the gradients would be doubled) or the metrics are not aggregated.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np

SCRIPT = textwrap.dedent('''
    import json, sys
    import gancourse
    from gancourse.config import import_tensorflow
    tf = import_tensorflow()
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    import numpy as np
    from keras import ops
    from gancourse.nets import mlp
    from gancourse.train import gan_trainer as gan

    class BatchNoiseGAN(gan.GAN):
        """z is read off the real batch, so both runs see the same noise."""
        def train_step(self, data):
            self._z = ops.reshape(data, (ops.shape(data)[0], -1))[:, :self.latent_dim] * 2.0
            return super().train_step(data)

        def sample_latent(self, batch_size):
            return self._z

    def run(distributed):
        strategy = (tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]) if distributed
                    else tf.distribute.OneDeviceStrategy("/cpu:0"))
        x = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
        with strategy.scope():
            keras.utils.set_random_seed(0)
            model = BatchNoiseGAN(mlp.mlp_generator(8), mlp.mlp_discriminator(), 8, seed=1)
            model.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5))
        hist = model.fit(tf.data.Dataset.from_tensors(x).repeat(), epochs=1, steps_per_epoch=2, verbose=0)
        weights = [float(np.sum(np.abs(v.numpy()))) for v in
                   model.generator.trainable_variables + model.discriminator.trainable_variables]
        return {"replicas": strategy.num_replicas_in_sync,
                "history": {k: v[-1] for k, v in hist.history.items()},
                "weights": weights, "steps": model.steps_done}

    print("RESULT " + json.dumps({"mirrored": run(True), "single": run(False)}))
''')


def test_mirrored_strategy_matches_single_device():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    mirrored, single = result["mirrored"], result["single"]
    assert mirrored["replicas"] == 2 and single["replicas"] == 1
    assert mirrored["steps"] == single["steps"] == 2
    np.testing.assert_allclose(mirrored["weights"], single["weights"], rtol=1e-4)
    for key, value in single["history"].items():
        np.testing.assert_allclose(mirrored["history"][key], value, rtol=1e-4, atol=1e-6, err_msg=key)
