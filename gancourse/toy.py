"""Toy distributions and toy models for chapters 1 and 3 (1-D and 2-D).

* :class:`GaussianMixture`: a mixture of axis-aligned Gaussians in any
  dimension with an explicit density (``pdf``, ``log_pdf``) and a sampler:
  the "true" ``p_data`` of the toy experiments;
* :func:`fit_gaussian_mixture`: maximum-likelihood fit by expectation-
  maximisation (Dempster, Laird and Rubin 1977): an *explicit* density model;
* :func:`pushforward_density`: the change-of-variables rule for ``X = f(Z)``
  (seed 000, "GANs 如何避开大量概率推断计算");
* :class:`MomentMatchingSampler`: an *implicit* model -- a network pushing
  noise through ``x = G(z)`` -- trained without any density, by matching
  samples with the maximum mean discrepancy (Li, Swersky and Zemel 2015,
  "Generative Moment Matching Networks"; Dziugaite, Roy and Ghahramani 2015);
* for chapter 3's 1-D GAN (trained with :class:`gancourse.gan.GAN`): MLP
  factories, :class:`FigureOneSnapshots`, a callback recording the data
  density, the generator's density and ``D(x)`` over a grid, and
  :func:`plot_figure_one` / :func:`animate_figure_one`, which draw them as in
  Figure 1 of Goodfellow et al. 2014.

Plotting functions import matplotlib (and IPython) inside their bodies, so the
rest of this module runs headless.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .config import import_tensorflow

tf = import_tensorflow()
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

_LOG_2PI = float(np.log(2.0 * np.pi))


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------
# an explicit density: a mixture of Gaussians
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class GaussianMixture:
    """``p(x) = Σ_k w_k N(x; μ_k, diag σ_k²)`` in ``d`` dimensions.

    Attributes:
        means: ``(K, d)``.
        stds: ``(K, d)`` positive standard deviations (axis-aligned components).
        weights: ``(K,)`` non-negative, summing to 1.

    Build one with :meth:`create`, which accepts scalars and 1-D shorthands.
    """

    means: np.ndarray
    stds: np.ndarray
    weights: np.ndarray

    @classmethod
    def create(cls, means, stds, weights=None) -> "GaussianMixture":
        """Validate and broadcast: ``means`` ``(K,)`` means K 1-D components; ``stds`` may be
        a scalar, ``(K,)`` or ``(K, d)``; ``weights`` default to uniform.

        Raises:
            ValueError: non-positive stds, weights not a distribution, or shapes that do not fit.
        """
        m = np.asarray(means, dtype=np.float64)
        if m.ndim == 0:
            m = m.reshape(1, 1)
        elif m.ndim == 1:
            m = m[:, None]
        if m.ndim != 2:
            raise ValueError(f"means must have shape (K,) or (K, d), got {np.shape(means)}")
        k, d = m.shape
        s = np.asarray(stds, dtype=np.float64)
        if s.ndim == 1 and s.shape[0] == k:
            s = s[:, None]
        try:
            s = np.broadcast_to(s, (k, d)).copy()
        except ValueError:
            raise ValueError(f"stds of shape {np.shape(stds)} do not fit {k} components in {d} dimensions") from None
        if not np.all(s > 0):
            raise ValueError(f"stds must be positive, got {stds}")
        w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (k,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise ValueError(f"weights must be {k} non-negative numbers summing to 1, got {weights}")
        return cls(m, s, w)

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    @property
    def n_components(self) -> int:
        return self.means.shape[0]

    def _points(self, x) -> np.ndarray:
        pts = np.asarray(x, dtype=np.float64)
        if self.dim == 1 and pts.ndim <= 1:
            pts = pts.reshape(-1, 1)
        if pts.ndim != 2 or pts.shape[1] != self.dim:
            raise ValueError(f"x must have shape (N, {self.dim})" + (" or (N,)" if self.dim == 1 else "")
                             + f", got {np.shape(x)}")
        return pts

    def component_log_pdf(self, x) -> np.ndarray:
        """``log w_k + log N(x_n; μ_k, σ_k²)`` for every point and component, shape ``(N, K)``."""
        pts = self._points(x)
        z = (pts[:, None, :] - self.means[None]) / self.stds[None]
        log_norm = -0.5 * np.sum(z**2, axis=-1) - np.sum(np.log(self.stds), axis=-1)[None] - 0.5 * self.dim * _LOG_2PI
        with np.errstate(divide="ignore"):
            return log_norm + np.log(self.weights)[None]

    def log_pdf(self, x) -> np.ndarray:
        """``log p(x)`` for each point (log-sum-exp over components), shape ``(N,)``."""
        comp = self.component_log_pdf(x)
        top = np.max(comp, axis=1, keepdims=True)
        return (top + np.log(np.sum(np.exp(comp - top), axis=1, keepdims=True)))[:, 0]

    def pdf(self, x) -> np.ndarray:
        """``p(x)`` for each point, shape ``(N,)``."""
        return np.exp(self.log_pdf(x))

    def sample(self, n: int, *, seed: int = 0, return_components: bool = False):
        """``n`` samples as float32 ``(n, d)`` (and, optionally, which component drew each)."""
        n = _check_positive_int(n, "n")
        rng = np.random.default_rng(seed)
        comp = rng.choice(self.n_components, size=n, p=self.weights)
        x = self.means[comp] + self.stds[comp] * rng.standard_normal((n, self.dim))
        x = x.astype(np.float32)
        return (x, comp) if return_components else x


def gaussian_mle(x) -> tuple[float, float]:
    """Maximum-likelihood estimate ``(μ̂, σ̂)`` of a 1-D normal from samples ``x``.

    Setting the derivatives of ``Σ_n log N(x_n; μ, σ²)`` to zero gives the sample
    mean and ``σ̂² = (1/N) Σ (x_n − μ̂)²`` -- divided by N, not N − 1 (the
    maximum-likelihood estimate is the biased one).

    Raises:
        ValueError: fewer than 2 values.
    """
    v = np.asarray(x, dtype=np.float64).reshape(-1)
    if v.size < 2:
        raise ValueError(f"x must hold at least 2 values, got {v.size}")
    mean = float(v.mean())
    return mean, float(np.sqrt(np.mean((v - mean) ** 2)))


def average_log_likelihood(model: GaussianMixture, x) -> float:
    """``(1/N) Σ_n log p_model(x_n)`` in nats: the quantity maximum likelihood maximises.

    As N grows it tends to ``−H(p_data) − KL(p_data ‖ p_model)``, so maximising
    it minimises the KL from the data (notes 002 §2.1).
    """
    return float(np.mean(model.log_pdf(x)))


def _kmeans_plus_plus(pts: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k starting means spread over the data (Arthur and Vassilvitskii 2007): each new one is a
    data point drawn with probability proportional to its squared distance to the nearest chosen one."""
    centres = [pts[rng.integers(len(pts))]]
    for _ in range(1, k):
        d2 = np.min(((pts[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        probs = d2 / total if total > 0 else np.full(len(pts), 1.0 / len(pts))
        centres.append(pts[rng.choice(len(pts), p=probs)])
    return np.asarray(centres)


def _em(pts: np.ndarray, model: GaussianMixture, steps: int, min_std: float, tol: float):
    history: list[float] = []
    for _ in range(steps):
        comp = model.component_log_pdf(pts)
        top = comp.max(axis=1, keepdims=True)
        log_total = top + np.log(np.exp(comp - top).sum(axis=1, keepdims=True))
        history.append(float(log_total.mean()))
        resp = np.exp(comp - log_total)                              # E-step: responsibilities
        nk = resp.sum(axis=0) + 1e-12
        means = (resp.T @ pts) / nk[:, None]                         # M-step: weighted MLE
        var = (resp.T @ pts**2) / nk[:, None] - means**2
        stds = np.sqrt(np.maximum(var, min_std**2))
        model = GaussianMixture(means, stds, nk / nk.sum())
        if len(history) > 1 and abs(history[-1] - history[-2]) < tol:
            break
    history.append(average_log_likelihood(model, pts))
    return model, history


def fit_gaussian_mixture(x, n_components: int, *, steps: int = 200, restarts: int = 3, seed: int = 0,
                         min_std: float = 1e-3, tol: float = 1e-7) -> tuple[GaussianMixture, list[float]]:
    """Maximum-likelihood fit of a :class:`GaussianMixture` by expectation-maximisation.

    E-step: responsibilities ``r_nk ∝ w_k N(x_n; μ_k, σ_k²)``; M-step: weighted
    means, variances and weights (Bishop 2006, §9.2.2, with diagonal
    covariances). No step lowers the likelihood, but EM finds a *local*
    maximum: it is run from ``restarts`` k-means++ initialisations and the fit
    with the highest likelihood on ``x`` is kept. ``min_std`` keeps a component
    from collapsing onto one point (where the likelihood is unbounded).

    Returns:
        ``(model, history)``: the best fit and its average log-likelihood after each step.

    Raises:
        ValueError: too few points, or bad sizes.
    """
    pts = np.asarray(x, dtype=np.float64)
    if pts.ndim == 1:
        pts = pts[:, None]
    if pts.ndim != 2:
        raise ValueError(f"x must have shape (N, d) or (N,), got {np.shape(x)}")
    k = _check_positive_int(n_components, "n_components")
    steps = _check_positive_int(steps, "steps")
    restarts = _check_positive_int(restarts, "restarts")
    if len(pts) < k:
        raise ValueError(f"need at least n_components={k} points, got {len(pts)}")
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        start = GaussianMixture.create(_kmeans_plus_plus(pts, k, rng),
                                       np.broadcast_to(pts.std(axis=0), (k, pts.shape[1])))
        model, history = _em(pts, start, steps, min_std, tol)
        if best is None or history[-1] > best[1][-1]:
            best = (model, history)
    return best


# --------------------------------------------------------------------------
# change of variables
# --------------------------------------------------------------------------

def pushforward_density(x, base_pdf, inverse, inverse_derivative) -> np.ndarray:
    """Density of ``X = f(Z)`` for a monotonic ``f``: ``p_X(x) = p_Z(f⁻¹(x)) · |d f⁻¹(x)/dx|``.

    The change-of-variables rule (seed 000 writes it ``p_X = (df(Z)/dX) p_Z``;
    the derivative is that of the *inverse* map, in absolute value). In
    several dimensions the factor becomes ``|det J_{f⁻¹}(x)|``, the Jacobian
    determinant.

    Args:
        x: points where the density is wanted.
        base_pdf: ``p_Z``, a vectorised function.
        inverse: ``f⁻¹``, vectorised.
        inverse_derivative: ``d f⁻¹ / dx``, vectorised.

    Raises:
        TypeError: one of the three functions is not callable.
    """
    for name, fn in (("base_pdf", base_pdf), ("inverse", inverse), ("inverse_derivative", inverse_derivative)):
        if not callable(fn):
            raise TypeError(f"{name} must be a function, got {type(fn).__name__}")
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(base_pdf(inverse(x)), dtype=np.float64) * np.abs(np.asarray(inverse_derivative(x), dtype=np.float64))


def gaussian_kde(samples, grid, *, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples`` evaluated on ``grid``.

    ``bandwidth=None`` uses Silverman's rule, ``0.9 · min(σ, IQR/1.34) · n^(−1/5)``.
    How the chapters turn a generator's samples into a density they can plot
    and integrate.

    Raises:
        ValueError: fewer than 2 samples or a non-positive bandwidth.
    """
    s = np.asarray(samples, dtype=np.float64).reshape(-1)
    g = np.asarray(grid, dtype=np.float64)
    if s.size < 2:
        raise ValueError(f"samples must hold at least 2 values, got {s.size}")
    if bandwidth is None:
        iqr = np.subtract(*np.percentile(s, [75, 25]))
        spread = min(s.std(), iqr / 1.34) if iqr > 0 else s.std()
        bandwidth = max(0.9 * spread * s.size ** (-0.2), 1e-3)
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be positive, got {bandwidth}")
    z = (g[..., None] - s) / bandwidth
    return np.exp(-0.5 * z**2).sum(axis=-1) / (s.size * bandwidth * np.sqrt(2 * np.pi))


# --------------------------------------------------------------------------
# an implicit model trained by moment matching (chapter 1)
# --------------------------------------------------------------------------

def mmd_squared(x, y, bandwidths=(0.25, 0.5, 1.0, 2.0, 4.0)):
    """Squared maximum mean discrepancy with a sum of Gaussian kernels (biased V-statistic).

    ``MMD² = E k(x, x') + E k(y, y') − 2 E k(x, y)``, ``k(a, b) = Σ_h exp(−‖a − b‖² / (2h²))``
    (Gretton et al. 2012, eq. 5). Zero when the two samples coincide, and in
    the infinite-sample limit only when the distributions are equal. Uses only
    samples, never a density: the loss of :class:`MomentMatchingSampler`.

    Raises:
        ValueError: ``x`` and ``y`` are not (N, d) and (M, d) with the same d.
    """
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    y = ops.cast(ops.convert_to_tensor(y), "float32")
    if len(x.shape) != 2 or len(y.shape) != 2 or x.shape[-1] != y.shape[-1]:
        raise ValueError(f"x and y must be (N, d) and (M, d) with the same d, got {tuple(x.shape)} and {tuple(y.shape)}")
    if not bandwidths:
        raise ValueError("bandwidths must not be empty")

    def kernel_mean(a, b):
        sq = (ops.sum(a * a, axis=1)[:, None] + ops.sum(b * b, axis=1)[None, :] - 2.0 * ops.matmul(a, ops.transpose(b)))
        sq = ops.maximum(sq, 0.0)
        return ops.mean(sum(ops.exp(-sq / (2.0 * h * h)) for h in bandwidths))

    return kernel_mean(x, x) + kernel_mean(y, y) - 2.0 * kernel_mean(x, y)


@keras.saving.register_keras_serializable(package="gancourse")
class MomentMatchingSampler(keras.Model):
    """An implicit generative model ``x = G(z)``, ``z ~ N(0, I)``, trained by minimising :func:`mmd_squared`.

    It never writes down ``p_model(x)``: it only produces samples and compares
    them with data samples (Li et al. 2015). Chapter 3 replaces this fixed
    comparison by a learned one, the discriminator.

    Args:
        generator: maps ``(N, latent_dim)`` noise to ``(N, d)`` samples.
        latent_dim: size of ``z``.
        bandwidths: kernel widths of the MMD, in data units.
        seed: seed of the model-owned ``SeedGenerator`` drawing ``z``.

    ``fit()`` takes a dataset of real batches ``(B, d)``; metric ``mmd2``.
    """

    def __init__(self, generator: keras.Model, latent_dim: int, *, bandwidths=(0.25, 0.5, 1.0, 2.0, 4.0),
                 seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.latent_dim = _check_positive_int(latent_dim, "latent_dim")
        self.bandwidths = tuple(float(h) for h in bandwidths)
        if not self.bandwidths or min(self.bandwidths) <= 0:
            raise ValueError(f"bandwidths must be positive numbers, got {bandwidths!r}")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.mmd_tracker = keras.metrics.Mean(name="mmd2")

    @property
    def metrics(self):
        return [self.mmd_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` with ``shuffle=False`` by default for ``tf.data`` input (shuffle in the pipeline)."""
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, *args, **kwargs)

    def sample(self, n: int, *, seed: int = 0) -> np.ndarray:
        """``n`` samples from NumPy noise seeded by ``seed``."""
        n = _check_positive_int(n, "n")
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        return np.asarray(self.generator(z, training=False))

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        z = keras.random.normal((ops.shape(real)[0], self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            loss = mmd_squared(real, fake, self.bandwidths)
        variables = self.generator.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        self.mmd_tracker.update_state(loss)
        return {"mmd2": self.mmd_tracker.result()}


# --------------------------------------------------------------------------
# chapter 3: the 1-D GAN of Goodfellow et al.'s Figure 1
# --------------------------------------------------------------------------

def build_toy_generator(latent_dim: int = 1, output_dim: int = 1, *, hidden_units=(32, 32),
                        activation: str = "relu", name: str = "toy_generator") -> keras.Model:
    """An MLP ``z → x`` for toy data: ``hidden_units`` layers of ``activation`` and a linear output (any real x).

    A smooth ``activation`` (``"tanh"``) gives a smooth map and so a smooth
    density for 1-D data; ReLU maps are piecewise linear, and where a piece is
    flat many z land on one x (a spike in ``p_g``).
    """
    latent_dim = _check_positive_int(latent_dim, "latent_dim")
    output_dim = _check_positive_int(output_dim, "output_dim")
    z_in = keras.Input(shape=(latent_dim,), name="z")
    h = z_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(_check_positive_int(units, "hidden_units entries"), activation=activation,
                         name=f"hidden_{i}")(h)
    return keras.Model(z_in, layers.Dense(output_dim, name="x")(h), name=name)


def build_toy_discriminator(input_dim: int = 1, *, hidden_units=(32, 32),
                            name: str = "toy_discriminator") -> keras.Model:
    """An MLP ``x → logit``: ``hidden_units`` LeakyReLU(0.2) layers and one logit ``o(x)``; ``D = sigmoid(o)``."""
    input_dim = _check_positive_int(input_dim, "input_dim")
    x_in = keras.Input(shape=(input_dim,), name="x")
    h = x_in
    for i, units in enumerate(hidden_units):
        h = layers.Dense(_check_positive_int(units, "hidden_units entries"), name=f"hidden_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
    return keras.Model(x_in, layers.Dense(1, name="logit")(h), name=name)


@dataclasses.dataclass
class FigureOneSnapshot:
    """What Figure 1 of Goodfellow et al. 2014 shows at one moment of training.

    Attributes:
        step: generator updates done.
        p_g: the generator's density on the grid (a KDE of its samples).
        d: ``D(x) = sigmoid(o(x))`` on the grid.
        z: a few noise values; ``gz``: where the generator sends them (the
            figure's arrows from the z-line to the x-line).
        jsd: ``JSD(p_data ‖ p_g)`` on the grid, nats.
    """

    step: int
    p_g: np.ndarray
    d: np.ndarray
    z: np.ndarray
    gz: np.ndarray
    jsd: float


class FigureOneSnapshots(keras.callbacks.Callback):
    """Record the generator's density and the discriminator over a 1-D grid during ``fit()``.

    Works with :class:`gancourse.gan.GAN` (it reads ``model.generator``,
    ``model.discriminator`` and ``model.latent_dim``). A snapshot is taken
    before training and every ``every`` batches.

    Args:
        grid: the x values, 1-D increasing.
        p_data: the data density on ``grid`` (drawn as the dotted curve).
        every: batches between snapshots.
        n_samples: generator samples per density estimate (fixed noise, so
            the curves change only because G changes).
        bandwidth: KDE bandwidth (``None``: Silverman's rule).
        seed: seed of the fixed noise.

    Attribute ``snapshots``: the list of :class:`FigureOneSnapshot`.
    """

    def __init__(self, grid, p_data, *, every: int = 50, n_samples: int = 5000, bandwidth: float | None = None,
                 n_arrows: int = 25, seed: int = 0):
        super().__init__()
        self.grid = np.asarray(grid, dtype=np.float64)
        self.p_data = np.asarray(p_data, dtype=np.float64)
        if self.grid.ndim != 1 or self.grid.shape != self.p_data.shape:
            raise ValueError(f"grid and p_data must be 1-D of the same length, got {self.grid.shape} "
                             f"and {self.p_data.shape}")
        self.every = _check_positive_int(every, "every")
        self.n_samples = _check_positive_int(n_samples, "n_samples")
        self.n_arrows = _check_positive_int(n_arrows, "n_arrows")
        self.bandwidth = bandwidth
        self.seed = seed
        self.snapshots: list[FigureOneSnapshot] = []
        self._step = 0
        self._z = None

    def _noise(self, latent_dim: int):
        if self._z is None:
            rng = np.random.default_rng(self.seed)
            self._z = rng.standard_normal((self.n_samples, latent_dim)).astype(np.float32)
            arrows = np.sort(rng.standard_normal((self.n_arrows, latent_dim)).astype(np.float32), axis=0)
            self._z_arrows = arrows
        return self._z, self._z_arrows

    def take(self) -> FigureOneSnapshot:
        """Record and return a snapshot now."""
        from .divergences import _trapezoid, js_divergence_density

        gan = self.model
        if gan is None or not all(hasattr(gan, a) for a in ("generator", "discriminator", "latent_dim")):
            raise TypeError("FigureOneSnapshots needs a GAN model (with generator, discriminator and latent_dim): "
                            f"pass it to gan.fit(callbacks=[...]) or call set_model(gan) first, got "
                            f"{type(gan).__name__}")
        z, z_arrows = self._noise(gan.latent_dim)
        samples = np.asarray(gan.generator(z, training=False)).reshape(-1)
        p_g = gaussian_kde(samples, self.grid, bandwidth=self.bandwidth)
        logits = np.asarray(gan.discriminator(self.grid.reshape(-1, 1).astype(np.float32), training=False)).reshape(-1)
        d = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
        gz = np.asarray(gan.generator(z_arrows, training=False)).reshape(-1)
        # Renormalise on the grid (the KDE leaks a little mass past its ends) before the JSD.
        mass_g, mass_d = _trapezoid(p_g, self.grid), _trapezoid(self.p_data, self.grid)
        jsd = js_divergence_density(p_g / mass_g, self.p_data / mass_d, self.grid) if mass_g > 0.5 else float("nan")
        snap = FigureOneSnapshot(self._step, p_g, d, z_arrows[:, 0].copy(), gz, float(jsd))
        self.snapshots.append(snap)
        return snap

    def on_train_begin(self, logs=None):
        if not self.snapshots:
            self.take()

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step % self.every == 0:
            self.take()


def _figure_one_panel(ax, grid, p_data, snap: FigureOneSnapshot, *, title: str | None = None,
                      z_range=(-2.5, 2.5)):
    """Draw one Figure-1 panel: data (black dots), p_g (green), D (blue dashes), and z → x arrows."""
    # The y-axis is set by the data density: D(x) = 1 is drawn at 1.25 × the peak of p_data, and a
    # generator density that is much narrower (early in training) is clipped at the top of the panel.
    d_scale = 1.25 * float(np.max(p_data))
    top = 1.6 * float(np.max(p_data))
    ax.plot(grid, p_data, ":", color="black", lw=2, label=r"$p_{data}$")
    ax.plot(grid, np.minimum(snap.p_g, top), "-", color="green", lw=2, label=r"$p_g$")
    ax.plot(grid, snap.d * d_scale, "--", color="blue", lw=1.5, label=r"$D(x)$ (1 at the upper tick)")
    ax.axhline(0.5 * d_scale, color="blue", lw=0.5, alpha=0.3)
    ax.axhline(d_scale, color="blue", lw=0.5, alpha=0.3)
    # the lower band: z on a line, arrows to x = G(z) (Goodfellow et al. 2014, Fig. 1)
    z_line, x_line = -0.45 * top, -0.12 * top
    lo, hi = grid[0], grid[-1]
    z_pos = lo + (np.clip(snap.z, *z_range) - z_range[0]) / (z_range[1] - z_range[0]) * (hi - lo)
    ax.hlines([z_line, x_line], lo, hi, color="gray", lw=0.8)
    for zp, gx in zip(z_pos, np.clip(snap.gz, lo, hi)):
        ax.annotate("", xy=(gx, x_line), xytext=(zp, z_line),
                    arrowprops=dict(arrowstyle="->", color="gray", lw=0.6))
    ax.text(lo, z_line, " z", va="bottom", fontsize=8)
    ax.text(lo, x_line, " x", va="bottom", fontsize=8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(z_line - 0.05 * top, top)
    ax.set_yticks([])
    ax.set_title(title or f"step {snap.step}  JSD={snap.jsd:.3f}", fontsize=9)


def plot_figure_one(callback: FigureOneSnapshots, indices=None, *, titles=None):
    """Figure 1 of Goodfellow et al. 2014 from recorded snapshots: one panel per index.

    Default: four panels, from the first to the last snapshot. Returns the figure.
    """
    import matplotlib.pyplot as plt

    snaps = callback.snapshots
    if not snaps:
        raise ValueError("no snapshots recorded: pass the callback to fit() first")
    if indices is None:
        indices = np.unique(np.linspace(0, len(snaps) - 1, 4).round().astype(int))
    indices = list(indices)
    fig, axes = plt.subplots(1, len(indices), figsize=(3.2 * len(indices), 2.8), squeeze=False)
    for j, (ax, i) in enumerate(zip(axes[0], indices)):
        label = f"({chr(ord('a') + j)}) step {snaps[i].step}" if titles is None else titles[j]
        _figure_one_panel(ax, callback.grid, callback.p_data, snaps[i], title=label)
    axes[0][0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def animate_figure_one(callback: FigureOneSnapshots, *, interval: int = 200, max_frames: int = 60):
    """The snapshots as an animation (``IPython.display.HTML`` via ``to_jshtml``; plays in Colab too)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML
    from matplotlib import animation

    snaps = callback.snapshots
    if not snaps:
        raise ValueError("no snapshots recorded: pass the callback to fit() first")
    frames = np.unique(np.linspace(0, len(snaps) - 1, min(max_frames, len(snaps))).round().astype(int))
    fig, ax = plt.subplots(figsize=(5, 3))

    def update(i):
        ax.clear()
        _figure_one_panel(ax, callback.grid, callback.p_data, snaps[frames[i]])
        return ()

    anim = animation.FuncAnimation(fig, update, frames=len(frames), interval=interval, blit=False)
    html = HTML(anim.to_jshtml())
    plt.close(fig)
    return html


__all__ = [
    "GaussianMixture", "gaussian_mle", "average_log_likelihood", "fit_gaussian_mixture", "pushforward_density", "gaussian_kde",
    "mmd_squared", "MomentMatchingSampler", "build_toy_generator", "build_toy_discriminator",
    "FigureOneSnapshot", "FigureOneSnapshots", "plot_figure_one", "animate_figure_one",
]
