"""Optimisation saturation (chapter 3, eqs. 13.7 to 13.11): the generator's gradients with the saturating and non-saturating losses.
"""

from __future__ import annotations

from ..config.validate import check_choice
from .value_function import _check_unit_interval


def sigmoid_derivative(d):
    """``dD/do = D (1 − D)`` for ``D = sigmoid(o)`` (eq. 13.7), as a function of D."""
    d = _check_unit_interval(d, "d")
    out = d * (1.0 - d)
    return float(out) if out.ndim == 0 else out


def grad_log_one_minus_d(d):
    """``d/do log(1 − D(o)) = −D`` (eq. 13.8): the minimax generator term's slope in the logit.

    Tends to 0 as ``D(G(z)) → 0`` (eq. 13.9): when D confidently rejects the
    fakes, the generator minimising ``log(1 − D(G(z)))`` gets no gradient.
    Multiply by ``∇o(G(z; θ_g))`` for the gradient in θ_g.
    """
    d = _check_unit_interval(d, "d")
    out = -d
    return float(out) if out.ndim == 0 else out


def grad_log_d(d):
    """``d/do log D(o) = 1 − D`` (eq. 13.10): the non-saturating term's slope in the logit.

    Tends to 1 as ``D(G(z)) → 0`` (eq. 13.11): the generator maximising
    ``log D(G(z))`` keeps a full-size gradient exactly when it is losing.
    """
    d = _check_unit_interval(d, "d")
    out = 1.0 - d
    return float(out) if out.ndim == 0 else out


def generator_loss_grad_wrt_logit(d, kind: str = "non_saturating"):
    """Slope of the generator's *loss* (to be minimised) in D's logit, as a function of ``D(G(z))``.

    * ``"saturating"``: loss ``log(1 − D)``, slope ``−D`` (eq. 13.8);
    * ``"non_saturating"``: loss ``−log D``, slope ``−(1 − D)`` (eq. 13.10).

    The same functions :mod:`gancourse.losses` computes from logits.

    Raises:
        ValueError: unknown ``kind`` or D outside [0, 1].
    """
    kind = check_choice(kind, "kind", ("saturating", "non_saturating"))
    if kind == "saturating":
        return grad_log_one_minus_d(d)
    return -grad_log_d(d)
