"""The GAN as a game: the zero-sum costs J(G) = −J(D), and gradient play on a bilinear game (its saddle point).
"""

from __future__ import annotations

import numpy as np

from ..config.validate import check_int, check_number


def zero_sum_costs(value: float) -> tuple[float, float]:
    """``(J(D), J(G)) = (−½ V, ½ V)``: the two players' costs in the zero-sum game (notes 002 §2.2).

    ``J(G) + J(D) = 0``: whatever one gains the other loses; D maximises V, G minimises it.
    """
    value = check_number(value, "value")
    return -0.5 * value, 0.5 * value


def bilinear_game_steps(x0: float, y0: float, *, lr: float = 0.1, steps: int = 100,
                        simultaneous: bool = True) -> np.ndarray:
    """Gradient play on ``V(x, y) = x·y`` (x minimises, y maximises): the smallest saddle-point game.

    Its only equilibrium is the saddle point (0, 0). With *simultaneous*
    updates ``x ← x − lr·y``, ``y ← y + lr·x`` the distance to it grows by
    exactly ``sqrt(1 + lr²)`` per step: the players circle outward instead of
    converging -- why GAN training can oscillate. With *alternating* updates
    (y uses the new x, as GAN training alternates D and G) the iterates stay
    on a bounded orbit.

    Returns:
        array of shape ``(steps + 1, 2)``: the trajectory, starting at ``(x0, y0)``.

    Raises:
        TypeError: ``x0``, ``y0`` or ``lr`` is not a number, or ``steps`` not an int.
        ValueError: a NaN or infinity, ``lr`` not positive or ``steps`` < 1.
    """
    lr = check_number(lr, "lr", minimum=0.0, exclusive_minimum=True)
    steps = check_int(steps, "steps", minimum=1)
    path = np.empty((steps + 1, 2))
    path[0] = x, y = check_number(x0, "x0"), check_number(y0, "y0")
    for t in range(1, steps + 1):
        if simultaneous:
            x, y = x - lr * y, y + lr * x
        else:
            x = x - lr * y
            y = y + lr * x
        path[t] = x, y
    return path
