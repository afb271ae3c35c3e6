"""Checkers of chapter 03: the right answers, one test per typical wrong answer and its
hint, both stubs of a learner copy, and answers of the wrong kind."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checker_asserts import assert_hint, assert_right, learner_stub

from segcourse import exercises, outputs
from segcourse.exercises import (
    check_labels_and_confidence,
    check_logit_threshold,
    check_one_hot_with_ignore,
    check_stable_softmax,
)
from segcourse.labels import one_hot


def raising_stub_message(name):
    return (f"`{name}` still raises NotImplementedError: replace the line "
            "`raise NotImplementedError(...)` in its body with your code, then run that cell "
            "and this one.")


def test_chapter_03_checkers_are_importable_from_segcourse_exercises():
    from segcourse.exercises import ch03

    for name in ch03.__all__:
        assert getattr(exercises, name) is getattr(ch03, name)
        assert name in exercises.__all__


# --- exercise 1: stable softmax --------------------------------------------------------------


def stable_softmax(logits):
    shifted = np.exp(logits - logits.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


def test_stable_softmax_right_answers():
    assert_right(check_stable_softmax(stable_softmax))
    assert_right(check_stable_softmax(lambda z: outputs.softmax(z, axis=0)))
    assert_right(check_stable_softmax(lambda z: torch.softmax(torch.as_tensor(z), dim=0)))
    from scipy.special import softmax as scipy_softmax

    assert_right(check_stable_softmax(lambda z: scipy_softmax(z, axis=0)))


def test_stable_softmax_stubs():
    stub = learner_stub("stable_softmax", "stable_softmax(logits)")
    result = check_stable_softmax(stub)
    assert not result.answered and result.message == raising_stub_message("stable_softmax")
    assert not check_stable_softmax(...).answered
    assert_hint(check_stable_softmax(stable_softmax(np.zeros((2, 2, 2)))),
                "pass the function itself")


def test_stable_softmax_naive_overflows():
    def naive(z):
        return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)

    assert_hint(check_stable_softmax(naive), "right for ordinary logits, but logits near 1000 "
                                             "give nan")


def test_stable_softmax_global_max_underflows_far_pixels():
    def global_shift(z):
        shifted = np.exp(z - z.max())
        return shifted / shifted.sum(axis=0, keepdims=True)

    assert_hint(check_stable_softmax(global_shift), "a pixel whose logits are about 1000 below")


def test_stable_softmax_min_shift_overflows_a_spread_pixel():
    def min_shift(z):
        shifted = np.exp(z - z.min(axis=0, keepdims=True))
        return shifted / shifted.sum(axis=0, keepdims=True)

    # right for ordinary logits, near 1000 and far apart from pixel to pixel: only a pixel
    # whose own logits are far apart, [0, 1000, -1000, 5], catches it
    result = check_stable_softmax(min_shift)
    assert_hint(result, "subtract the maximum, not the minimum: a pixel whose logits are far "
                        "apart, [0, 1000, -1000, 5], gives nan")
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(min_shift(np.array([0.0, 1000.0, -1000.0]))).any()


def test_stable_softmax_other_shift_overflows_a_spread_pixel():
    def mean_shift(z):
        shifted = np.exp(z - z.mean(axis=0, keepdims=True))
        return shifted / shifted.sum(axis=0, keepdims=True)

    assert_hint(check_stable_softmax(mean_shift), "a pixel whose logits are far apart, "
                                                  "[0, 1000, -1000, 5], gives nan or inf")


def test_stable_softmax_sum_over_everything():
    def whole_sum(z):
        shifted = np.exp(z - z.max(axis=0, keepdims=True))
        return shifted / shifted.sum()

    def plain_whole_sum(z):
        return np.exp(z) / np.exp(z).sum()

    for answer in (whole_sum, plain_whole_sum):
        assert_hint(check_stable_softmax(answer), "your probabilities sum to 1 over the whole "
                                                  "array")


def test_stable_softmax_wrong_axis():
    def last_axis(z):
        shifted = np.exp(z)
        return shifted / shifted.sum(axis=-1, keepdims=True)

    assert_hint(check_stable_softmax(last_axis), "you summed over axis 2, a spatial axis")

    def stable_shift_wrong_sum(z):
        shifted = np.exp(z - z.max(axis=0, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    assert_hint(check_stable_softmax(stable_shift_wrong_sum), "you summed over axis 1, a "
                                                              "spatial axis")


def test_stable_softmax_no_division_no_exp_sigmoid_log():
    assert_hint(check_stable_softmax(np.exp), "these are the exponentials")
    assert_hint(check_stable_softmax(lambda z: z / z.sum(axis=0, keepdims=True)),
                "the logits divided by their sum")
    assert_hint(check_stable_softmax(lambda z: 1 / (1 + np.exp(-z))),
                "that is the sigmoid of each logit")
    assert_hint(check_stable_softmax(
        lambda z: z - np.log(np.exp(z).sum(axis=0, keepdims=True))), "that is the log of the "
                                                                    "softmax")


def test_stable_softmax_wrong_shapes_and_types():
    assert_hint(check_stable_softmax(lambda z: z.max(axis=0)), "your result has shape (3, 5), "
                                                               "one number per pixel")
    assert_hint(check_stable_softmax(lambda z: stable_softmax(z).sum(axis=1)),
                "return probabilities of the shape of the logits")
    assert_hint(check_stable_softmax(lambda z: None), "your function returns None")
    assert_hint(check_stable_softmax(lambda z: "probabilities"), "return an array of "
                                                                 "probabilities")


# --- exercise 2: labels and confidence -------------------------------------------------------


def labels_and_confidence(logits):
    return outputs.labels_from_logits(logits), outputs.confidence(logits)


def test_labels_and_confidence_right_answers():
    assert_right(check_labels_and_confidence(labels_and_confidence))

    def with_torch(logits):
        tensor = torch.as_tensor(logits)
        return tensor.argmax(dim=1), torch.softmax(tensor, dim=1).amax(dim=1)

    assert_right(check_labels_and_confidence(with_torch))


def test_labels_and_confidence_stub():
    stub = learner_stub("labels_and_confidence", "labels_and_confidence(logits)")
    assert check_labels_and_confidence(stub).message == raising_stub_message(
        "labels_and_confidence")


def test_labels_and_confidence_max_logit():
    assert_hint(check_labels_and_confidence(lambda z: (z.argmax(axis=1), z.max(axis=1))),
                "the confidence is the largest logit")


def test_labels_and_confidence_sigmoid():
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), (1 / (1 + np.exp(-z))).max(axis=1))),
        "you took the sigmoid of each logit")


def test_labels_and_confidence_softmax_over_another_axis():
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), outputs.softmax(z, axis=0).max(axis=1))),
        "you took the softmax over axis 0, the images of the batch")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), outputs.softmax(z, axis=-1).max(axis=1))),
        "you took the softmax over axis 3, a spatial axis")


def test_labels_and_confidence_argmax_as_confidence():
    assert_hint(check_labels_and_confidence(lambda z: (z.argmax(axis=1), z.argmax(axis=1))),
                "your confidence is the label map again, the argmax")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), outputs.softmax(z).argmax(axis=1))),
        "your confidence is the label map again, the argmax")


def test_labels_and_confidence_wrong_axis():
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=0), outputs.confidence(z))),
        "`label_map` has shape (3, 4, 5): you reduced another axis")


def test_labels_and_confidence_naive_softmax_overflows():
    def naive(z):
        probabilities = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return z.argmax(axis=1), probabilities.max(axis=1)

    assert_hint(check_labels_and_confidence(naive), "logits in the hundreds give nan")


def test_labels_and_confidence_swapped_offset_float_and_complement():
    assert_hint(check_labels_and_confidence(lambda z: labels_and_confidence(z)[::-1]),
                "label map and confidence are swapped")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1) + 1, outputs.confidence(z))), "your classes start at 1")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmin(axis=1), outputs.confidence(z))), "that is the argmin")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1).astype(float), outputs.confidence(z))),
        "the label map holds class indices: give it an integer dtype")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), 1 - outputs.confidence(z))), "that is 1 minus the "
                                                                  "confidence")
    assert_hint(check_labels_and_confidence(
        lambda z: (z.argmax(axis=1), outputs.softmax(z).min(axis=1))), "that is the smallest "
                                                                       "probability")


def test_labels_and_confidence_wrong_kinds():
    assert_hint(check_labels_and_confidence(lambda z: z.argmax(axis=1)), "return two arrays")
    assert_hint(check_labels_and_confidence(lambda z: None), "your function returns None")


# --- exercise 3: the logit threshold ---------------------------------------------------------


def test_logit_threshold_right():
    assert_right(check_logit_threshold(np.log(4.0)))
    assert_right(check_logit_threshold(float(outputs.logit(0.8))))
    assert_right(check_logit_threshold(np.log(0.3 / 0.7), probability=0.3))
    assert_right(check_logit_threshold(torch.tensor(np.log(4.0))))
    assert_right(check_logit_threshold(torch.tensor(np.log(4.0), dtype=torch.float32)))
    assert_right(check_logit_threshold(np.float32(np.log(4.0))))


def test_logit_threshold_right_message_gives_the_digits():
    # more digits than a learner would type: 1.386 is a near miss, not the answer
    assert "z > 1.3862944:" in check_logit_threshold(np.log(4.0)).message


@pytest.mark.parametrize("answer", [1.386, 1.39, 1.4, 1.3863, 1.38])
def test_logit_threshold_rounded(answer):
    assert_hint(check_logit_threshold(answer), "close: that looks rounded; compute it with "
                                               "np.log(0.8 / 0.2) instead of typing it")


def test_logit_threshold_rounded_other_probability():
    assert_hint(check_logit_threshold(-0.85, probability=0.3), "close: that looks rounded; "
                                                               "compute it with "
                                                               "np.log(0.3 / 0.7)")


@pytest.mark.parametrize("answer,start", [
    (0.8, "that is the probability threshold itself"),
    (-np.log(4.0), "the sign is flipped"),
    (np.log(0.8), "log(p) alone is not enough"),
    (4.0, "that is the odds p / (1 - p) = 4"),
    (np.log10(4.0), "that is the base-10 logarithm"),
    (1 / (1 + np.exp(-0.8)), "that is the sigmoid of p"),
    (2.0, "solve sigmoid(z) = 0.8 for z"),
])
def test_logit_threshold_wrong_answers(answer, start):
    assert_hint(check_logit_threshold(answer), start)


def test_logit_threshold_upside_down_fraction():
    # for p = 0.8 it is the flipped sign; the message names the sign first
    assert_hint(check_logit_threshold(np.log(0.7 / 0.3), probability=0.3), "the sign is flipped")


def test_logit_threshold_stubs_and_kinds():
    result = check_logit_threshold(...)
    assert not result.answered and "`logit_threshold =`" in result.message
    assert not check_logit_threshold(None).answered
    assert_hint(check_logit_threshold(np.log), "`logit_threshold` is a function")
    assert_hint(check_logit_threshold([1.0, 2.0]), "give one number")


# --- exercise 4: one-hot with ignored pixels -------------------------------------------------


def one_hot_with_ignore(label_map, num_classes, ignore_index):
    return one_hot(label_map, num_classes, axis=1, ignore_index=ignore_index)


def test_one_hot_right_answers():
    assert_right(check_one_hot_with_ignore(one_hot_with_ignore))

    def by_hand(label_map, num_classes, ignore_index):
        encoded = label_map[:, None] == np.arange(num_classes)[None, :, None, None]
        encoded &= (label_map != ignore_index)[:, None]
        return encoded.astype(np.uint8)  # 0/1 numbers are accepted too

    assert_right(check_one_hot_with_ignore(by_hand))


def test_one_hot_stub():
    stub = learner_stub("one_hot_with_ignore",
                        "one_hot_with_ignore(label_map, num_classes, ignore_index)")
    assert check_one_hot_with_ignore(stub).message == raising_stub_message("one_hot_with_ignore")


def test_one_hot_eye_indexing_fails_on_the_ignored_value():
    def eye(label_map, num_classes, ignore_index):
        return np.moveaxis(np.eye(num_classes, dtype=bool)[label_map], -1, 1)

    assert_hint(check_one_hot_with_ignore(eye), "your function raised IndexError")


def test_one_hot_torch_fails_on_the_ignored_value():
    def torch_one_hot(label_map, num_classes, ignore_index):
        encoded = torch.nn.functional.one_hot(torch.as_tensor(label_map), num_classes)
        return encoded.permute(0, 3, 1, 2)

    assert_hint(check_one_hot_with_ignore(torch_one_hot), "your function raised RuntimeError")


def test_one_hot_class_axis_last_or_first():
    assert_hint(check_one_hot_with_ignore(
        lambda m, c, i: one_hot(m, c, axis=-1, ignore_index=i)), "the class axis is last")
    assert_hint(check_one_hot_with_ignore(
        lambda m, c, i: one_hot(m, c, axis=0, ignore_index=i)), "the class axis is first")


def test_one_hot_hard_coded_255_fails_when_the_ignored_value_is_a_class():
    def hard_coded(label_map, num_classes, ignore_index):
        encoded = label_map[:, None] == np.arange(num_classes)[None, :, None, None]
        return encoded & (label_map != 255)[:, None]  # the argument is not used

    # 255 and -100 are no class, so only the case with ignore_index = 0 catches it
    hint = "the pixels equal to ignore_index = 0 keep channel 0"
    assert_hint(check_one_hot_with_ignore(hard_coded), hint)

    def compare_only(label_map, num_classes, ignore_index):
        return label_map[:, None] == np.arange(num_classes)[None, :, None, None]

    assert_hint(check_one_hot_with_ignore(compare_only), hint)


def test_one_hot_ignored_pixels_with_a_channel():
    def clipped(label_map, num_classes, ignore_index):
        safe = np.clip(label_map, 0, num_classes - 1)  # 255 -> the last class, -100 -> 0
        return one_hot(safe, num_classes, axis=1)

    assert_hint(check_one_hot_with_ignore(clipped), "the labelled pixels are right, but")


def test_one_hot_channels_from_the_maximum():
    def inferred(label_map, num_classes, ignore_index):
        valid = label_map[label_map != ignore_index]
        return one_hot(label_map, int(valid.max()) + 1, axis=1, ignore_index=ignore_index)

    # the second test set lacks class 4: the maximum gives 3 channels instead of 5
    assert_hint(check_one_hot_with_ignore(inferred), "you made 3 channels")


def test_one_hot_wrong_values_and_kinds():
    assert_hint(check_one_hot_with_ignore(lambda m, c, i: 2 * one_hot(m, c, axis=1,
                                                                      ignore_index=i)),
                "a one-hot encoding holds only True/False")
    assert_hint(check_one_hot_with_ignore(lambda m, c, i: ~one_hot(m, c, axis=1,
                                                                   ignore_index=i)),
                "channel c must be True exactly where")
    assert_hint(check_one_hot_with_ignore(lambda m, c, i: m), "the one-hot encoding of a")
    assert_hint(check_one_hot_with_ignore(lambda m, c, i: None), "your function returns None")
