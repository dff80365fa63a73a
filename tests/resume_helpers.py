"""What the exact-resume tests share (imported by tests/test_resume.py and tests/test_wgan.py)."""

import keras


class Interrupt(keras.callbacks.Callback):
    """Stops ``fit()`` with a KeyboardInterrupt once the GAN has done ``at_step`` generator steps."""

    def __init__(self, at_step):
        super().__init__()
        self.at_step = at_step

    def on_train_batch_end(self, batch, logs=None):
        if self.model.steps_done >= self.at_step:
            raise KeyboardInterrupt("simulated interruption")
