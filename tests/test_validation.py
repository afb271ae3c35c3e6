"""Unit tests of segcourse._validation: the shared argument checks and error template."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from segcourse._validation import (
    argument_error,
    check_choice,
    check_instance_map,
    check_int,
    check_label_map,
    check_mask,
    check_ndim,
    check_number,
    check_panoptic_map,
    check_positive_int,
    check_same_shape,
    describe,
    some_values,
    to_numpy,
)

# --- describe / argument_error -------------------------------------------------------------


def test_describe_array_and_tensor():
    assert describe(np.zeros((2, 3), dtype=np.int32)) == \
        "an array of shape (2, 3) and dtype int32"
    assert describe(torch.zeros(4, dtype=torch.int64)) == \
        "a tensor of shape (4,) and dtype torch.int64"


def test_describe_short_and_long_values():
    assert describe(0) == "0"
    assert describe("abc") == "'abc'"
    long_text = describe(list(range(100)))
    assert len(long_text) == 60
    assert long_text.endswith("...")
    assert long_text.startswith("[0, 1, 2")


def test_argument_error_template():
    error = argument_error("num_classes", "a positive integer", 0)
    assert type(error) is ValueError
    assert str(error) == "Expected argument `num_classes` to be a positive integer, but got 0."
    error = argument_error("x", "an array", "a dict", type_error=True)
    assert type(error) is TypeError
    # a string `got` is used as it is, not repr'd
    assert str(error) == "Expected argument `x` to be an array, but got a dict."


# --- to_numpy -------------------------------------------------------------------------------


def test_to_numpy_accepts_arrays_tensors_lists_and_numbers():
    array = np.arange(3)
    assert to_numpy(array, "x") is array
    converted = to_numpy(torch.tensor([[1, 2], [3, 4]]), "x")
    assert isinstance(converted, np.ndarray)
    np.testing.assert_array_equal(converted, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(to_numpy([1, 2], "x"), np.array([1, 2]))
    np.testing.assert_array_equal(to_numpy((1.5,), "x"), np.array([1.5]))
    assert to_numpy(7, "x").shape == ()
    assert to_numpy(np.float32(2.5), "x") == 2.5


def test_to_numpy_tensor_with_grad():
    tensor = torch.ones(2, requires_grad=True)
    np.testing.assert_array_equal(to_numpy(tensor, "x"), [1.0, 1.0])


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float8_e4m3fn, torch.float8_e5m2])
def test_to_numpy_widens_float_dtypes_numpy_lacks_without_loss(dtype):
    # bfloat16 failed inside torch ("Got unsupported ScalarType BFloat16"); every metric
    # and helper converts its tensors here, so one fix covers them all
    tensor = torch.tensor([[0.0, 1.0], [2.0, 0.5]]).to(dtype)
    converted = to_numpy(tensor, "x")
    assert converted.dtype == np.float32
    np.testing.assert_array_equal(converted, tensor.float().numpy())
    tensor = torch.randn(1000).to(dtype)  # every value survives exactly
    np.testing.assert_array_equal(to_numpy(tensor.requires_grad_(False), "x"),
                                  tensor.float().numpy())


def test_to_numpy_keeps_dtypes_numpy_has():
    for dtype, expected in ((torch.float16, np.float16), (torch.float64, np.float64),
                            (torch.uint16, np.uint16), (torch.int8, np.int8),
                            (torch.bool, np.bool_)):
        assert to_numpy(torch.zeros(2, dtype=dtype), "x").dtype == expected
    half = torch.tensor([1.0, 2.0], dtype=torch.bfloat16, requires_grad=True)
    np.testing.assert_array_equal(to_numpy(half * 2, "x"), [2.0, 4.0])


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_to_numpy_of_cuda_half_tensors():
    for dtype in (torch.float16, torch.bfloat16):
        tensor = torch.tensor([0.0, 3.0], dtype=dtype, device="cuda")
        np.testing.assert_array_equal(to_numpy(tensor, "x"), [0.0, 3.0])


@pytest.mark.parametrize("value", [{"a": 1}, "text", None, object()])
def test_to_numpy_rejects_other_types(value):
    with pytest.raises(TypeError, match=r"Expected argument `thing` to be a numpy array"):
        to_numpy(value, "thing")


# --- check_int / check_positive_int -------------------------------------------------------


def test_check_int_values():
    assert check_int(3, "n") == 3
    result = check_int(np.int64(-4), "n")
    assert result == -4 and type(result) is int
    assert check_int(5, "n", minimum=5) == 5
    assert check_int(None, "n", allow_none=True) is None


@pytest.mark.parametrize("value", [True, 2.0, "2", None, np.float64(1.0)])
def test_check_int_rejects_non_integers(value):
    with pytest.raises(TypeError, match=r"`n` to be an integer"):
        check_int(value, "n")


def test_check_int_minimum():
    with pytest.raises(ValueError,
                       match=r"^Expected argument `n` to be an integer >= 0, but got -1\.$"):
        check_int(-1, "n", minimum=0)


def test_check_positive_int():
    assert check_positive_int(1, "num_classes") == 1
    assert check_positive_int(np.uint8(7), "num_classes") == 7
    assert check_positive_int(None, "num_classes", allow_none=True) is None
    with pytest.raises(ValueError, match=r"^Expected argument `num_classes` to be a positive "
                                         r"integer, but got 0\.$"):
        check_positive_int(0, "num_classes")
    with pytest.raises(ValueError, match="`num_classes`"):
        check_positive_int(-3, "num_classes")
    for value in (True, 1.0, None, "1"):
        with pytest.raises(TypeError, match="`num_classes` to be a positive integer"):
            check_positive_int(value, "num_classes")


# --- check_number ----------------------------------------------------------------------------


def test_check_number_accepts_and_converts():
    assert check_number(1, "alpha") == 1.0
    assert type(check_number(np.float32(0.5), "alpha")) is float
    assert check_number(0, "alpha", low=0, high=1) == 0.0
    assert check_number(1, "alpha", low=0, high=1) == 1.0
    assert check_number(None, "alpha", allow_none=True) is None
    assert check_number(np.inf, "tolerance", allow_inf=True) == np.inf


def test_check_number_interval():
    with pytest.raises(ValueError, match=r"`alpha` to be a number in \[0, 1\], but got 1\.5"):
        check_number(1.5, "alpha", low=0, high=1)
    with pytest.raises(ValueError, match=r"`alpha` to be a number in \[0, 1\]"):
        check_number(-0.1, "alpha", low=0, high=1)
    with pytest.raises(ValueError, match=r"`gamma` to be a number in \(0, inf\]"):
        check_number(0, "gamma", low=0, low_open=True)
    with pytest.raises(ValueError, match=r"`p` to be a number in \[-inf, 1\)"):
        check_number(1, "p", high=1, high_open=True)
    assert check_number(1e-9, "gamma", low=0, low_open=True) == 1e-9


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_check_number_rejects_nan_and_inf(value):
    with pytest.raises(ValueError, match=r"`x` to be a finite real number"):
        check_number(value, "x")


@pytest.mark.parametrize("value", [True, "1", None, [1.0], 1j])
def test_check_number_rejects_non_numbers(value):
    with pytest.raises(TypeError, match=r"`x` to be a real number"):
        check_number(value, "x")


# --- check_choice / check_same_shape / check_ndim ------------------------------------------


def test_check_choice():
    assert check_choice("macro", "average", ("micro", "macro")) == "macro"
    with pytest.raises(ValueError, match=r"`average` to be one of 'micro', 'macro', but got "
                                         r"'mean'\."):
        check_choice("mean", "average", ["micro", "macro"])


def test_check_same_shape():
    check_same_shape(np.zeros((2, 3)), np.ones((2, 3)), "pred", "target")
    with pytest.raises(ValueError, match=r"^Expected arguments `pred` and `target` to have the "
                                         r"same shape, but got \(2, 3\) and \(3, 2\)\.$"):
        check_same_shape(np.zeros((2, 3)), np.zeros((3, 2)), "pred", "target")


def test_check_ndim():
    check_ndim(np.zeros((2, 2)), "mask", (2, 3))
    check_ndim(np.zeros((2, 2, 2)), "mask", (2, 3))
    with pytest.raises(ValueError, match=r"`mask` to be a 2-D or 3-D array, but got a 1-D "
                                         r"array of shape \(4,\)\."):
        check_ndim(np.zeros(4), "mask", (2, 3))


# --- check_mask --------------------------------------------------------------------------------


def test_check_mask_accepts_booleans_and_zero_one_numbers():
    boolean = np.array([[True, False]])
    assert check_mask(boolean, "mask") is boolean
    for dtype in (np.uint8, np.int64, np.float32):
        result = check_mask(np.array([[1, 0], [0, 1]], dtype=dtype), "mask")
        assert result.dtype == bool
        np.testing.assert_array_equal(result, [[True, False], [False, True]])
    result = check_mask(torch.tensor([0, 1]), "mask")
    np.testing.assert_array_equal(result, [False, True])
    assert check_mask(np.zeros((0, 3)), "mask").dtype == bool


@pytest.mark.parametrize("values", [[0, 1, 2], [0.0, 0.5], [-1, 0], [np.nan, 1.0]])
def test_check_mask_rejects_other_values(values):
    with pytest.raises(ValueError, match=r"`mask` to be a boolean mask \(or an array of 0 and 1\)"):
        check_mask(np.array(values), "mask")


def test_check_mask_says_when_it_lists_only_some_values():
    # chapter 02's `crowded` (ids 0-8) passed where a mask belongs: the message listed
    # [0, 1, 2, 3, 4, 5] as if that were all, and the map holds 0 to 8
    crowded = np.array([[1, 1, 2, 0, 5], [0, 3, 0, 6, 0], [4, 0, 7, 8, 0]])
    with pytest.raises(ValueError) as error:
        check_mask(crowded, "mask")
    assert str(error.value) == ("Expected argument `mask` to be a boolean mask (or an array of 0 "
                                "and 1), but got values [0, 1, 2, 3, 4, 5, …] (9 distinct "
                                "values).")
    # six values or fewer are all shown, with no mark
    with pytest.raises(ValueError) as error:
        check_mask(np.array([0, 1, 2, 3, 4, 5]), "mask")
    assert str(error.value).endswith("but got values [0, 1, 2, 3, 4, 5].")


def test_connected_components_of_an_instance_map_reports_every_value_it_cut():
    from segcourse import labels

    crowded = np.arange(9).reshape(3, 3)
    with pytest.raises(ValueError, match=r"values \[0, 1, 2, 3, 4, 5, …\] \(9 distinct values\)"):
        labels.connected_components(crowded)


def test_some_values():
    assert some_values([3, 1, 1, 0]) == "[0, 1, 3]"
    assert some_values(np.arange(7)) == "[0, 1, 2, 3, 4, 5, …] (7 distinct values)"
    assert some_values([0.5, 0.0, 2.5], limit=2) == "[0.0, 0.5, …] (3 distinct values)"
    assert some_values([]) == "[]"


def test_check_mask_says_how_to_convert_a_0_255_mask():
    png = np.array([[0, 255], [255, 0]], dtype=np.uint8)
    with pytest.raises(ValueError, match=r"values \[0, 255\].*pass `target > 0`"):
        check_mask(png, "target")
    np.testing.assert_array_equal(check_mask(png > 0, "target"), png == 255)


@pytest.mark.parametrize("values, hint", [
    ([0.0, 0.7], "probabilities? threshold them, `pred > 0.5`"),
    ([0.7], "probabilities? threshold them, `pred > 0.5`"),
    ([0.0, 0.2, 0.5, 1.0], "probabilities? threshold them, `pred > 0.5`"),
    ([0, 255], "for a mask stored as 0 and 255, pass `pred > 0`"),
    ([0.0, 255.0], "for a mask stored as 0 and 255, pass `pred > 0`"),
    ([255], "for a mask stored as 0 and 255, pass `pred > 0`"),
    ([0, 2], "for a mask stored as 0 and 2, pass `pred > 0`"),
    ([0, 1, 2], None),  # a label map
    ([-1, 1], None),
    ([0.0, 1.5], "pass `pred > 0`"),
    ([0.0, np.nan], None),
])
def test_check_mask_says_threshold_for_probabilities_and_greater_than_0_for_0_255(values, hint):
    with pytest.raises(ValueError) as error:
        check_mask(np.array(values), "pred")
    message = str(error.value)
    if hint is None:
        assert "pass" not in message and "threshold" not in message
    else:
        assert hint in message
    if hint and "0.5" in hint:
        assert "stored as" not in message


def test_float32_values_are_shown_as_their_shortest_decimals():
    with pytest.raises(ValueError, match=r"values \[0.0, 0.7\] \(probabilities"):
        check_mask(torch.tensor([0.0, 0.7]), "pred")
    with pytest.raises(ValueError, match=r"values \[0.0, 0.7\] \(probabilities"):
        check_mask(np.array([0.0, 0.7], dtype=np.float16), "pred")


def test_warnings_are_named_and_point_at_the_user_line():
    import warnings

    import segcourse.metrics
    from segcourse import _warnings

    for name in ("AmbiguousMaskWarning", "SingletonAxisWarning", "PercentileWarning",
                 "ProbabilitiesWarning", "MaskStackWarning", "VolumeWarning"):
        category = getattr(_warnings, name)
        assert name in _warnings.__all__
        assert name == "ProbabilitiesWarning" or getattr(segcourse.metrics, name) is category
        assert issubclass(category, _warnings.SegcourseWarning)
        assert issubclass(category, UserWarning)

    class Module(torch.nn.Module):  # called through torch's nn.Module.__call__
        def forward(self):
            _warnings.warn("a slip", _warnings.PercentileWarning)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _warnings.warn("a slip", _warnings.PercentileWarning)
        Module()()
    assert [w.filename for w in caught] == [__file__, __file__]
    assert caught[0].category is _warnings.PercentileWarning


def test_check_mask_rejects_wrong_dtype_and_ndim():
    with pytest.raises(TypeError, match=r"`mask` to be a boolean mask"):
        check_mask(np.array(["a", "b"]), "mask")
    with pytest.raises(TypeError, match=r"`mask`"):
        check_mask({"a": 1}, "mask")
    with pytest.raises(ValueError, match=r"`mask` to be a 2-D array"):
        check_mask(np.zeros(3, dtype=bool), "mask", ndims=(2,))


# --- check_label_map / instance / panoptic ------------------------------------------------


def test_check_label_map_accepts_integers_bools_and_integral_floats():
    labels = np.array([[0, 2], [1, 2]], dtype=np.int32)
    assert check_label_map(labels, "target") is labels
    result = check_label_map(np.array([0.0, 3.0]), "target")
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, [0, 3])
    result = check_label_map(np.array([True, False]), "target")
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, [1, 0])
    np.testing.assert_array_equal(check_label_map(torch.tensor([1, 0]), "target"), [1, 0])
    assert check_label_map(np.zeros((0,), dtype=int), "target", num_classes=1).size == 0


@pytest.mark.parametrize("values", [[0.0, 1.5], [1.0, np.nan], [0.0, np.inf]])
def test_check_label_map_rejects_non_integer_floats(values):
    with pytest.raises(ValueError, match=r"^Expected argument `target` to be an integer label "
                                         r"map, but got a float array with non-integer values\.$"):
        check_label_map(np.array(values), "target")


def test_check_label_map_hints_at_thresholding_probabilities():
    with pytest.raises(ValueError, match=r"`pred`.*non-integer values in \[0, 1\].*probs > 0\.5"):
        check_label_map(np.array([0.2, 0.9]), "pred")
    with pytest.raises(ValueError, match=r"non-integer values\.$"):
        check_label_map(np.array([1.5, 2.0]), "pred")


def test_check_label_map_rejects_negative_labels():
    with pytest.raises(ValueError, match=r"`pred` to be a label map with values >= 0, but got a "
                                         r"minimum of -1\."):
        check_label_map(np.array([0, -1, 2]), "pred")
    # the ignore value is allowed, any other negative value is not
    np.testing.assert_array_equal(check_label_map(np.array([0, -100]), "pred",
                                                  ignore_index=-100), [0, -100])
    with pytest.raises(ValueError, match=r"`pred` to be a label map with values >= 0 "
                                         r"\(ignore_index=-100\), but got a minimum of -1"):
        check_label_map(np.array([0, -100, -1]), "pred", ignore_index=-100)


def test_check_label_map_num_classes():
    check_label_map(np.array([0, 2]), "target", num_classes=3)
    with pytest.raises(ValueError, match=r"`target` to be a label map with values < "
                                         r"num_classes=3, but got a maximum of 3\."):
        check_label_map(np.array([0, 3]), "target", num_classes=3)
    # ignored pixels may hold any value, even >= num_classes
    check_label_map(np.array([0, 255]), "target", num_classes=3, ignore_index=255)


def test_check_label_map_rejects_wrong_dtype():
    with pytest.raises(TypeError, match=r"`target` to be an integer label map"):
        check_label_map(np.array(["a"]), "target")
    with pytest.raises(TypeError, match=r"`target` to be an integer label map"):
        check_label_map(np.array([1 + 1j]), "target")
    with pytest.raises(TypeError, match=r"`target` to be a numpy array or a torch tensor"):
        check_label_map("012", "target")


def test_check_instance_map():
    np.testing.assert_array_equal(check_instance_map(np.array([0, 5, 5]), "instance_map"),
                                  [0, 5, 5])
    with pytest.raises(ValueError, match="`instance_map`"):
        check_instance_map(np.array([0, -2]), "instance_map")


def test_check_panoptic_map():
    panoptic = np.array([[[0, 0], [2, 5]]])
    np.testing.assert_array_equal(check_panoptic_map(panoptic, "panoptic_map"), panoptic)
    for bad in (np.zeros(2, dtype=int), np.zeros((2, 3), dtype=int)):
        with pytest.raises(ValueError, match=r"`panoptic_map` to be a panoptic map of shape "
                                             r"\(\.\.\., 2\)"):
            check_panoptic_map(bad, "panoptic_map")
    with pytest.raises(ValueError, match=r"`panoptic_map` to be a label map with values >= 0"):
        check_panoptic_map(np.array([[0, -1]]), "panoptic_map")
    with pytest.raises(ValueError, match=r"`panoptic_map` to be an integer label map"):
        check_panoptic_map(np.array([[0.5, 1.0]]), "panoptic_map")
