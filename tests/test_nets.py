"""gancourse.nets (mlp, dcgan): seed 001's MLPs and the DCGAN networks against the papers' specifications."""

import keras
import numpy as np
import pytest

from gancourse.nets import dcgan, mlp


def _dense_units(model):
    return [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def test_mlp_generator_is_seed_001():
    g = mlp.mlp_generator()
    assert g.input_shape == (None, 128) and g.output_shape == (None, 28, 28, 1)
    assert _dense_units(g) == [256, 512, 784]
    acts = [layer.activation.__name__ for layer in g.layers if isinstance(layer, keras.layers.Dense)]
    assert acts == ["tanh", "relu", "tanh"]
    # 128*256+256 + 256*512+512 + 512*784+784, by hand
    assert mlp.count_params(g) == 566_800
    out = g(np.random.default_rng(0).normal(size=(4, 128)).astype("float32")).numpy()
    assert out.min() >= -1 and out.max() <= 1


def test_mlp_discriminator_is_seed_001_with_a_logit():
    d = mlp.mlp_discriminator()
    assert d.input_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    assert _dense_units(d) == [512, 256, 128, 1]
    assert d.layers[-1].activation.__name__ == "linear"  # a logit: the sigmoid is in the loss
    # 784*512+512 + 512*256+256 + 256*128+128 + 128+1
    assert mlp.count_params(d) == 566_273


@pytest.mark.parametrize("size, sizes", [(28, [7, 14, 28]), (64, [4, 8, 16, 32, 64])])
def test_dcgan_generator_shapes_and_rules(size, sizes):
    g = dcgan.dcgan_generator(100, image_size=size, channels=1 if size == 28 else 3, width=8)
    assert g.output_shape == (None, size, size, 1 if size == 28 else 3)
    maps = [g.get_layer("reshape").output.shape[1]] + [
        layer.output.shape[1] for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert maps == sizes
    kinds = [type(layer).__name__ for layer in g.layers]
    assert "MaxPooling2D" not in kinds and "UpSampling2D" not in kinds  # rule 1
    assert [type(layer).__name__ for layer in g.layers].count("Dense") == 1  # only the projection (rule 2)
    # rule 3: batch norm after every layer but the output; rule 4: ReLU inside, tanh out
    assert kinds[-1] == "Conv2DTranspose" and g.layers[-1].activation.__name__ == "tanh"
    assert kinds.count("BatchNormalization") == len(sizes) - 1
    assert kinds.count("ReLU") == len(sizes) - 1
    # channels halve at every stride-2 step, from width * 2^(n_up - 1)
    convs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [c.filters for c in convs[:-1]] == [8 * 2 ** k for k in range(len(sizes) - 3, -1, -1)]
    assert all(c.strides == (2, 2) for c in convs)


@pytest.mark.parametrize("size", [28, 64])
def test_dcgan_discriminator_shapes_and_rules(size):
    d = dcgan.dcgan_discriminator(image_size=size, width=8)
    assert d.output_shape == (None, 1)
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.output.shape[1] for c in convs] == [size // 2 ** k for k in range(1, len(convs) + 1)]
    assert all(c.strides == (2, 2) for c in convs)  # rule 1: strided convolutions, no pooling
    kinds = [type(layer).__name__ for layer in d.layers]
    # rule 3: no batch norm on the input layer: conv1 is followed directly by LeakyReLU
    assert kinds[1:3] == ["Conv2D", "LeakyReLU"]
    assert kinds.count("BatchNormalization") == len(convs) - 1
    slopes = {layer.negative_slope for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)}
    assert slopes == {0.2}
    assert kinds[-1] == "Dense" and d.layers[-1].activation.__name__ == "linear"


def test_compact_dcgan_variant_adds_cheap_layers_only():
    g, d = dcgan.dcgan_networks(64, width=32, start_filters=128, start_convs=1, mid_convs=1, downsamplings=3)
    # G: 7x7x128 -> stride-1 3x3 conv at 7x7 (128 ch) -> 14x14x32 -> stride-1 3x3 conv (32 ch) -> 28x28x1
    assert g.get_layer("reshape").output.shape[1:] == (7, 7, 128)
    start = g.get_layer("start1")
    assert start.kernel_size == (3, 3) and start.strides == (1, 1) and start.output.shape[1:] == (7, 7, 128)
    assert g.get_layer("up1").output.shape[1:] == (14, 14, 32)
    mid = g.get_layer("up1_conv1")
    assert mid.kernel_size == (3, 3) and mid.strides == (1, 1) and mid.output.shape[1:] == (14, 14, 32)
    assert g.output_shape == (None, 28, 28, 1)
    kinds = [type(layer).__name__ for layer in g.layers]
    assert kinds.count("BatchNormalization") == kinds.count("ReLU") == 4  # project, start1, up1, up1_conv1
    # trainable parameters by hand: projection 64*6272 (no bias) + BN γ, β over 128 channels;
    # start1 3*3*128*128 + BN 2*128; up1 4*4*128*32 + BN 2*32; up1_conv1 3*3*32*32 + BN 2*32;
    # up2 4*4*32*1 + 1 bias
    assert mlp.count_params(g) == (64 * 6272 + 256 + 9 * 128 * 128 + 256 + 16 * 128 * 32 + 64
                                      + 9 * 32 * 32 + 64 + 16 * 32 + 1)
    # D: 28 -> 14 -> 7 -> 4 (padding "same": ceil(7 / 2) = 4), channels 32 -> 64 -> 128
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.output.shape[1] for c in convs] == [14, 7, 4]
    assert [c.filters for c in convs] == [32, 64, 128]
    assert d.output_shape == (None, 1)
    # receptive field of the last feature map: 4 + 3*2 + 3*4 = 22 pixels
    rf, jump = 1, 1
    for c in convs:
        rf, jump = rf + (c.kernel_size[0] - 1) * jump, jump * c.strides[0]
    assert rf == 22


def test_dcgan_networks_defaults_are_the_paper_layer_list():
    g, d = dcgan.dcgan_networks(100, width=8)
    convs = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    assert [layer.name for layer in g.layers if isinstance(layer, convs)] == ["up1", "up2"]
    assert len([layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]) == 2


def test_dcgan_init_is_normal_002():
    keras.utils.set_random_seed(0)
    g = dcgan.dcgan_generator(100, width=64)
    kernel = g.get_layer("up1").kernel.numpy()  # 4*4*64*128 = 131072 weights
    assert abs(kernel.mean()) < 1e-3
    np.testing.assert_allclose(kernel.std(), 0.02, rtol=0.02)


def test_dcgan_optimizers_follow_the_paper():
    d_opt, g_opt = dcgan.dcgan_optimizers()
    assert d_opt is not g_opt
    for opt in (d_opt, g_opt):
        assert isinstance(opt, keras.optimizers.Adam)
        np.testing.assert_allclose(float(opt.learning_rate), 2e-4)
        assert opt.beta_1 == 0.5


def test_saved_models_load_in_safe_mode(tmp_path):
    keras.utils.set_random_seed(0)
    z = np.random.default_rng(0).normal(size=(2, 16)).astype("float32")
    for model in (dcgan.dcgan_generator(16, width=4), mlp.mlp_generator(16)):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(loaded(z, training=False), model(z, training=False), rtol=1e-6)


def test_mid_convs_follow_every_upsampling_but_the_last():
    g = dcgan.dcgan_generator(16, image_size=64, channels=3, width=8, mid_convs=2)
    mids = [layer for layer in g.layers if "_conv" in layer.name and isinstance(layer, keras.layers.Conv2D)]
    # 64x64: 4 -> 8 -> 16 -> 32 -> 64, two stride-1 convs at 8, 16 and 32, none at the output
    assert [(m.name, m.output.shape[1]) for m in mids] == [
        ("up1_conv1", 8), ("up1_conv2", 8), ("up2_conv1", 16), ("up2_conv2", 16), ("up3_conv1", 32), ("up3_conv2", 32)]
    assert all(m.strides == (1, 1) and m.filters == m.input.shape[-1] for m in mids)
    assert g.output_shape == (None, 64, 64, 3)


def test_factories_reject_bad_input():
    with pytest.raises(ValueError, match="image_size must be one of"):
        dcgan.dcgan_generator(100, image_size=30)
    with pytest.raises(TypeError, match="latent_dim must be an int"):
        dcgan.dcgan_generator(100.0)
    with pytest.raises(ValueError, match="width must be >= 1"):
        dcgan.dcgan_discriminator(width=0)
    with pytest.raises(ValueError, match="start_convs must be >= 0"):
        dcgan.dcgan_generator(16, start_convs=-1)
    with pytest.raises(ValueError, match="mid_convs must be >= 0"):
        dcgan.dcgan_generator(16, mid_convs=-1)
    with pytest.raises(TypeError, match="start_filters must be an int"):
        dcgan.dcgan_generator(16, start_filters=12.5)
    with pytest.raises(ValueError, match="downsamplings must be >= 1"):
        dcgan.dcgan_discriminator(downsamplings=0)
    with pytest.raises(ValueError, match="image_shape must be"):
        mlp.mlp_discriminator((28, 28))
