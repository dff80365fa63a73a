"""Chapter 4-5 checks: the references pass, stubs are 'not implemented', wrong answers are explained."""

import keras
import numpy as np
import pytest

from gancourse.classroom import checks
from gancourse.classroom.checks import gans as gan_checks
from gancourse.nets import conv_arithmetic, latent, mlp
from gancourse.objectives import gan_losses as losses


def _stub(*args, **kwargs):
    raise NotImplementedError()


REFERENCES = [
    (checks.check_discriminator_loss, losses.discriminator_loss),
    (checks.check_generator_loss, losses.generator_loss),
    (checks.check_discriminator_accuracy, losses.discriminator_accuracy),
    (checks.check_mlp_generator, mlp.mlp_generator),
    (checks.check_conv_output_size, conv_arithmetic.conv_output_size),
    (checks.check_conv_transpose_output_size, conv_arithmetic.conv_transpose_output_size),
    (checks.check_slerp, latent.slerp),
    (checks.check_latent_arithmetic, latent.latent_arithmetic),
]


@pytest.mark.parametrize("check, reference", REFERENCES, ids=[c.__name__ for c, _ in REFERENCES])
def test_reference_passes_and_stub_is_not_implemented(check, reference, capsys):
    assert check(reference).passed
    result = check(_stub)
    assert result.status == "not_implemented" and "not implemented yet" in capsys.readouterr().out


def test_unstable_discriminator_loss_is_caught():
    def naive(real_logits, fake_logits):  # log(sigmoid(o)) overflows to -inf at o = -200
        d_real, d_fake = keras.ops.sigmoid(real_logits), keras.ops.sigmoid(fake_logits)
        return -(keras.ops.mean(keras.ops.log(d_real)) + keras.ops.mean(keras.ops.log(1 - d_fake)))

    with pytest.raises(checks.CheckFailure, match="case 4 of 4"):
        checks.check_discriminator_loss(naive)


def test_swapped_labels_are_caught():
    with pytest.raises(checks.CheckFailure, match="softplus"):
        checks.check_discriminator_loss(lambda r, f: losses.discriminator_loss(f, r))


def test_swapped_generator_losses_are_caught():
    def swapped(fake_logits, kind):
        return losses.generator_loss(fake_logits, "saturating" if kind == "non_saturating" else "non_saturating")

    with pytest.raises(checks.CheckFailure, match="differs from the reference"):
        checks.check_generator_loss(swapped)


def test_pooled_accuracy_is_caught():
    def pooled(real_logits, fake_logits):  # one mean over both batches: wrong when sizes differ
        correct = np.concatenate([np.asarray(real_logits) > 0, np.asarray(fake_logits) < 0])
        return np.float32(correct.mean())

    with pytest.raises(checks.CheckFailure, match="case 2 of 3"):
        checks.check_discriminator_accuracy(pooled)


def test_wrong_generator_architecture_is_explained():
    def relu_everywhere(latent_dim):
        z = keras.Input((latent_dim,))
        h = keras.layers.Dense(256, activation="relu")(z)
        h = keras.layers.Dense(512, activation="relu")(h)
        h = keras.layers.Dense(784, activation="tanh")(h)
        return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))

    with pytest.raises(checks.CheckFailure, match=r"activations"):
        checks.check_mlp_generator(relu_everywhere)


def test_conv_arithmetic_off_by_one_is_caught():
    with pytest.raises(checks.CheckFailure, match="floor"):
        checks.check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) // s)
    with pytest.raises(checks.CheckFailure, match="output_padding"):
        checks.check_conv_transpose_output_size(lambda n, k, s, p, a: (n - 1) * s - 2 * p + k)


def test_lerp_is_not_slerp():
    with pytest.raises(checks.CheckFailure, match="arccos"):
        checks.check_slerp(latent.lerp)


def test_latent_arithmetic_without_averaging_is_caught():
    with pytest.raises(checks.CheckFailure, match="average"):
        checks.check_latent_arithmetic(lambda a, b, c: np.asarray(a)[0] - np.asarray(b)[0] + np.asarray(c)[0])


def test_shape_arithmetic_reference_values():
    # chapter 5's two worked examples (Dumoulin and Visin 2016)
    assert conv_arithmetic.conv_output_size(5, 3, 2, 1) == 3
    assert conv_arithmetic.conv_transpose_output_size(3, 3, 2, 1) == 5
    # and what Keras layers do with the same settings
    x = np.zeros((1, 5, 5, 1), np.float32)
    assert keras.layers.Conv2D(1, 3, strides=2, padding="same")(x).shape[1] == 3
    y = np.zeros((1, 3, 3, 1), np.float32)
    assert keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", output_padding=0)(y).shape[1] == 5
    with pytest.raises(ValueError, match="output_padding must be smaller than stride"):
        conv_arithmetic.conv_transpose_output_size(3, 3, 2, 1, 2)
    with pytest.raises(ValueError, match="kernel \\(9\\) is larger"):
        conv_arithmetic.conv_output_size(5, 9, 1, 1)


def test_slerp_keeps_the_norm_and_ends():
    z0, z1 = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    path = latent.slerp(z0, z1, np.linspace(0, 1, 5))
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 3.0, rtol=1e-6)
    np.testing.assert_allclose(path[0], z0, atol=1e-6)
    np.testing.assert_allclose(path[-1], z1, atol=1e-6)
    # lerp's midpoint is shorter: sqrt(4.5) < 3
    np.testing.assert_allclose(np.linalg.norm(latent.lerp(z0, z1, 0.5)), np.sqrt(4.5), rtol=1e-6)
    # parallel vectors: no 0/0
    np.testing.assert_allclose(latent.slerp(z0, 2 * z0, 0.5), 1.5 * z0, rtol=1e-6)
    with pytest.raises(ValueError, match="same length"):
        latent.slerp(np.zeros(2), np.zeros(3), 0.5)


def test_latent_arithmetic_hand_computed():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[1.0, 1.0]])
    c = np.array([0.5, -0.5])
    np.testing.assert_allclose(latent.latent_arithmetic(a, b, c), [1.5, 1.5])  # [2, 3] - [1, 1] + [.5, -.5]
    with pytest.raises(ValueError, match="same code size"):
        latent.latent_arithmetic(a, b, np.zeros(3))


# ------------------------------------------------------------------ answers that test understanding


CHOICES = [
    (checks.check_saturating_curve, "B", gan_checks.SATURATING_CURVE_FEEDBACK),
    (checks.check_collapse_diagnosis, "B", gan_checks.COLLAPSE_FEEDBACK),
    (checks.check_broken_dcgan_rule, "C", gan_checks.BROKEN_RULE_FEEDBACK),
]
WRONG_OPTIONS = [(check, option, text) for check, right, feedback in CHOICES
                 for option, text in feedback.items() if option != right]


@pytest.mark.parametrize("check, right, feedback", CHOICES, ids=[c.__name__ for c, _, _ in CHOICES])
def test_choice_right_answer_passes_as_a_function_or_a_letter(check, right, feedback):
    assert check(lambda: right).passed
    assert check(right.lower()).passed
    assert len(feedback) >= 3, "a multiple-choice question needs at least two wrong options"


@pytest.mark.parametrize("check, option, text", WRONG_OPTIONS,
                         ids=[f"{c.__name__}-{o}" for c, o, _ in WRONG_OPTIONS])
def test_choice_wrong_option_explains_its_misconception(check, option, text):
    with pytest.raises(checks.CheckFailure) as info:
        check(lambda: option)
    message = str(info.value)
    assert text in message and "Hint: " in message
    assert info.value.result.status == "failed"


@pytest.mark.parametrize("check", [c for c, _, _ in CHOICES] + [checks.check_flatten_size],
                         ids=[c.__name__ for c, _, _ in CHOICES] + ["check_flatten_size"])
def test_answer_stub_is_not_implemented_and_none_is_explained(check, capsys):
    assert check(_stub).status == "not_implemented"
    assert check(lambda: ...).status == "not_implemented"
    assert "not implemented yet" in capsys.readouterr().out
    with pytest.raises(checks.CheckFailure, match="got None"):
        check(lambda: None)
    with pytest.raises(checks.CheckFailure, match="your function raised"):
        check(lambda: 1 / 0)


def test_flatten_size_matches_keras_and_is_accepted():
    stack = keras.Sequential([keras.Input((28, 28, 1)),
                              keras.layers.Conv2D(32, 5, strides=2, padding="valid"),
                              keras.layers.Conv2D(64, 5, strides=2, padding="valid"),
                              keras.layers.Flatten()])
    assert stack.output_shape == (None, 1024)  # 28 -> 12 -> 4; 4 * 4 * 64
    assert gan_checks._flatten_size_reference() == 1024
    assert checks.check_flatten_size(lambda: 1024).passed
    assert checks.check_flatten_size(np.int64(1024)).passed
    assert checks.check_flatten_size(1024.0).passed


@pytest.mark.parametrize("value, text", list(gan_checks.FLATTEN_SIZE_MISCONCEPTIONS.items()))
def test_flatten_size_misconceptions_are_named_and_the_answer_is_not_revealed(value, text):
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_flatten_size(lambda: value)
    assert text in str(info.value) and "1024" not in str(info.value)


def test_flatten_size_other_wrong_values_and_non_numbers():
    with pytest.raises(checks.CheckFailure, match="layer by layer") as info:
        checks.check_flatten_size(lambda: 1000)
    assert "1024" not in str(info.value)
    for bad in ("1024", 1024.5, [1024], float("nan")):
        with pytest.raises(checks.CheckFailure, match="one whole number"):
            checks.check_flatten_size(lambda bad=bad: bad)
