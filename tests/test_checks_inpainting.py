"""Chapter 6's exercise checks: right answers pass, each known wrong one is explained, stubs are not implemented."""

import numpy as np
import pytest

from gancourse.classroom import checks
from gancourse.classroom.checks import inpainting as ch6
from gancourse.objectives.inpainting import importance_weights


def _stub(*args):
    raise NotImplementedError()


def test_importance_weights_reference_passes_and_stub_is_not_implemented():
    assert checks.check_importance_weights(importance_weights).passed
    assert checks.check_importance_weights(_stub).status == "not_implemented"


def test_inverted_mask_gets_its_own_explanation():
    with pytest.raises(checks.CheckFailure, match="mask is inverted"):
        checks.check_importance_weights(lambda m, w: importance_weights(1 - m, w))


def test_weights_dividing_by_the_full_window_at_the_border_fail():
    from scipy import ndimage

    def full_window(mask, window):  # Yeh's code: / window**2 even where the window leaves the image
        return mask * ndimage.uniform_filter(1.0 - mask, size=window, mode="constant", cval=0.0)

    with pytest.raises(checks.CheckFailure, match="differs"):
        checks.check_importance_weights(full_window)


SWEEP = {0.0: {"psnr_hole": 8.1, "accuracy": 0.55}, 0.1: {"psnr_hole": 8.4, "accuracy": 0.56},
         1.0: {"psnr_hole": 8.4, "accuracy": 0.60}, 10.0: {"psnr_hole": 7.0, "accuracy": 0.62}}


def test_chosen_prior_weight_takes_the_best_psnr_and_the_smaller_on_ties():
    assert checks.check_chosen_prior_weight(lambda: 0.1, SWEEP).passed
    with pytest.raises(checks.CheckFailure, match="smaller one"):
        checks.check_chosen_prior_weight(lambda: 1.0, SWEEP)
    with pytest.raises(checks.CheckFailure, match="best digit accuracy"):
        checks.check_chosen_prior_weight(lambda: 10.0, SWEEP)
    with pytest.raises(checks.CheckFailure, match="not one of the lambdas"):
        checks.check_chosen_prior_weight(lambda: 0.5, SWEEP)
    with pytest.raises(checks.CheckFailure, match="another lambda"):
        checks.check_chosen_prior_weight(lambda: 0.0, SWEEP)
    assert checks.check_chosen_prior_weight(_stub, SWEEP).status == "not_implemented"
    with pytest.raises(TypeError, match="sweep"):
        checks.check_chosen_prior_weight(lambda: 0.1, {0.1: SWEEP[0.1]})


@pytest.mark.parametrize("wrong", sorted(set(ch6.SCATTERED_PIXELS_FEEDBACK) - {"C"}))
def test_scattered_pixels_wrong_options_explain_themselves(wrong):
    with pytest.raises(checks.CheckFailure, match=ch6.SCATTERED_PIXELS_FEEDBACK[wrong][:30].replace("(", r"\(")):
        checks.check_scattered_pixels_reason(lambda: wrong)


def test_scattered_pixels_right_answer_and_stub():
    assert checks.check_scattered_pixels_reason(lambda: "c").passed
    assert checks.check_scattered_pixels_reason(_stub).status == "not_implemented"
