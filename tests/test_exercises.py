"""Unit tests of segcourse.exercises: verdicts, hints and "not answered yet"."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from segcourse import exercises
from segcourse.exercises import CheckResult, check_box_from_mask, check_foreground_fraction
from segcourse.labels import mask_to_box

# --- CheckResult -----------------------------------------------------------------------------


def test_check_result_truthiness():
    assert bool(CheckResult(True, "well done")) is True
    assert bool(CheckResult(False, "try again")) is False
    assert bool(CheckResult(False, "replace the ...", answered=False)) is False
    assert CheckResult(True, "x").answered is True


def test_check_result_repr():
    assert repr(CheckResult(True, "well done")) == "Correct! well done"
    assert repr(CheckResult(False, "try again")) == "Not yet. Hint: try again"
    assert repr(CheckResult(False, "replace it", answered=False)) == "Not answered yet: replace it"


def test_check_result_html():
    right = CheckResult(True, "well done")._repr_html_()
    assert right.startswith('<div class="segcourse-check"')
    assert "#1a7f37" in right and "<strong" in right
    assert right.endswith("Correct!</strong> well done</div>")
    wrong = CheckResult(False, "use a < b & c")._repr_html_()
    assert "#b35900" in wrong and "Not yet. Hint:</strong>" in wrong
    assert "use a &lt; b &amp; c" in wrong  # the message is escaped
    assert "a < b" not in wrong
    unanswered = CheckResult(False, "x", answered=False)._repr_html_()
    assert "#6c757d" in unanswered and "Not answered yet</strong>" in unanswered


def test_check_result_is_frozen():
    result = CheckResult(True, "ok")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.correct = False


# --- check_box_from_mask ---------------------------------------------------------------------


def box_with_nonzero(mask):
    """An independent correct answer, as a learner might write it."""
    rows, cols = np.nonzero(mask)
    return cols.min(), rows.min(), cols.max(), rows.max()


def swapped(mask):
    x0, y0, x1, y1 = mask_to_box(mask)
    return y0, x0, y1, x1


def exclusive(mask):
    x0, y0, x1, y1 = mask_to_box(mask)
    return x0, y0, x1 + 1, y1 + 1


def wrong_order(mask):
    x0, y0, x1, y1 = mask_to_box(mask)
    return x0, x1, y0, y1


def forgot_return(mask):
    mask_to_box(mask)


def stub(mask):
    raise NotImplementedError


def test_box_checker_accepts_correct_answers():
    for function in (mask_to_box, box_with_nonzero, lambda m: np.array(mask_to_box(m))):
        result = check_box_from_mask(function)
        assert result
        assert result.correct and result.answered
        assert result.message == ("Your boxes match segcourse.labels.mask_to_box on 3 test "
                                  "masks.")


@pytest.mark.parametrize(("function", "hint"), [
    (swapped, "rows and columns are swapped"),
    (exclusive, "x_max and y_max are one too large"),
    (wrong_order, "the order is (x_min, y_min, x_max, y_max)"),
    (forgot_return, "your function returns None: did you forget `return`?"),
    (lambda m: (0, 0, 1), "return four numbers, got 3."),
    (lambda m: "abcd", "return four integers (x_min, y_min, x_max, y_max); got 'abcd'."),
    (lambda m: 5, "return four integers"),
    ((2, 1, 6, 3), "pass the function itself"),
])
def test_box_checker_hints(function, hint):
    result = check_box_from_mask(function)
    assert not result
    assert result.answered
    assert hint in result.message
    assert repr(result).startswith("Not yet. Hint: ")


def test_box_checker_generic_hint_names_the_failing_mask():
    # right on the first test mask only: the second is a single pixel at row 3, column 1
    result = check_box_from_mask(lambda m: (2, 1, 6, 3))
    assert not result and result.answered
    assert "for a 5 x 5 test mask whose box is (1, 3, 1, 3) you returned (2, 1, 6, 3)" in \
        result.message


def test_box_checker_full_image_box_is_wrong():
    result = check_box_from_mask(lambda m: (0, 0, m.shape[1], m.shape[0]))
    assert not result and result.answered


@pytest.mark.parametrize("answer", [..., None, stub])
def test_box_checker_not_answered(answer):
    result = check_box_from_mask(answer)
    assert not result
    assert result.answered is False
    assert repr(result).startswith("Not answered yet: replace the `...`")
    if answer is stub:
        assert "NotImplementedError" in result.message


def test_box_checker_does_not_let_the_answer_change_its_masks():
    def vandal(mask):
        box = mask_to_box(mask)
        mask[:] = False
        return box

    assert check_box_from_mask(vandal)
    assert check_box_from_mask(mask_to_box)


# --- check_foreground_fraction ---------------------------------------------------------------

MASK = np.array([[True, False, False, False],
                 [False, True, False, False]])  # 2 of 8 pixels: 0.25


@pytest.mark.parametrize("answer", [0.25, 1 / 4, np.float32(0.25), np.array(0.25), 2 / 8])
def test_fraction_checker_accepts_the_fraction(answer):
    result = check_foreground_fraction(answer, MASK)
    assert result and result.answered
    assert repr(result) == "Correct! 25.00 % of the pixels are foreground."


def test_fraction_checker_accepts_zero_one_masks_and_edge_fractions():
    assert check_foreground_fraction(0.25, MASK.astype(np.uint8))
    assert check_foreground_fraction(0.0, np.zeros((2, 2), dtype=bool))
    assert check_foreground_fraction(1, np.ones((3, 3), dtype=bool))
    assert check_foreground_fraction(1 / 3, np.array([True, False, False]))
    assert not check_foreground_fraction(0.33, np.array([True, False, False]))


@pytest.mark.parametrize(("answer", "hint"), [
    (0.75, "that is the background fraction: count the True pixels instead."),
    (2, "that is the number of foreground pixels: divide by the number of all pixels."),
    (25, "that is a percentage: give a fraction between 0 and 1."),
    (25.0, "that is a percentage: give a fraction between 0 and 1."),
    (1.5, "a fraction lies between 0 and 1."),
    (-0.25, "a fraction lies between 0 and 1."),
    (0.3, "count the foreground pixels (mask.sum()) and divide by the number of pixels "
          "(mask.size)."),
    ("a quarter", "give a single number, got str."),
    ([0.25, 0.75], "give a single number, got list."),
])
def test_fraction_checker_hints(answer, hint):
    result = check_foreground_fraction(answer, MASK)
    assert not result
    assert result.answered
    assert result.message == hint


@pytest.mark.parametrize("answer", [..., None])
def test_fraction_checker_not_answered(answer):
    result = check_foreground_fraction(answer, MASK)
    assert not result
    assert result.answered is False
    assert result.message == ("replace the `...` in the cell above with your number, then run "
                              "this cell again.")


def test_fraction_checker_rejects_a_label_map_as_mask():
    with pytest.raises(ValueError, match=r"`mask` to be a boolean mask"):
        check_foreground_fraction(0.25, np.array([[0, 2], [1, 0]]))


# -- chapter 02 ---------------------------------------------------------------

def _count_objects(instance_map, instance_classes, class_id):
    present = [i for i in np.unique(instance_map) if i != 0]
    return sum(1 for i in present if instance_classes[int(i)] == class_id)


def _count_pixels(instance_map, instance_classes, class_id):
    ids = [i for i, c in instance_classes.items() if c == class_id]
    return int(np.isin(instance_map, ids).sum())


def _count_components(instance_map, instance_classes, class_id):
    from segcourse.labels import connected_components

    ids = [i for i, c in instance_classes.items() if c == class_id]
    return int(connected_components(np.isin(instance_map, ids)).max()) if ids else 0


def _count_with_background(instance_map, instance_classes, class_id):
    return _count_objects(instance_map, instance_classes, class_id) + 1


def _count_table_entries(instance_map, instance_classes, class_id):
    return sum(1 for c in instance_classes.values() if c == class_id)


def test_count_checker_accepts_the_solution():
    assert exercises.check_count_objects(_count_objects).correct


def test_count_checker_rejects_counting_the_table():
    result = exercises.check_count_objects(_count_table_entries)
    assert not result.correct and "absent from the map" in result.message


@pytest.mark.parametrize("function, hint", [
    (_count_pixels, "number of pixels"),
    (_count_components, "connected components merge"),
    (_count_with_background, "background"),
    (lambda *args: None, "return"),
])
def test_count_checker_hints(function, hint):
    result = exercises.check_count_objects(function)
    assert not result.correct and result.answered
    assert hint in result.message


def test_count_checker_not_answered():
    def stub(*args):
        raise NotImplementedError

    assert not exercises.check_count_objects(stub).answered
    assert not exercises.check_count_objects(...).answered


def test_panoptic_checker_accepts_the_solution():
    assert exercises.check_panoptic_encoding(lambda p: p[..., 0] * 1000 + p[..., 1]).correct


@pytest.mark.parametrize("function, hint", [
    (lambda p: p[..., 1] * 1000 + p[..., 0], "swapped"),
    (lambda p: p[..., 0] * 100 + p[..., 1], "divisor 100"),
    (lambda p: p[..., 0] + p[..., 1], "plain sum"),
    (lambda p: p.reshape(-1), "shape"),
])
def test_panoptic_checker_hints(function, hint):
    result = exercises.check_panoptic_encoding(function)
    assert not result.correct
    assert hint in result.message


def test_component_checker():
    from segcourse.data import make_scene
    from segcourse.labels import connected_components

    scene = make_scene(seed=0)
    things = np.isin(scene.semantic, scene.things)
    found = int(connected_components(things).max())
    true_count = int(scene.instance.max())
    assert found < true_count  # the scene's touching circles merge
    assert exercises.check_component_count(found, true_count - found, scene).correct
    flipped = exercises.check_component_count(found, found - true_count, scene)
    assert not flipped.correct and "sign" in flipped.message
    truth = exercises.check_component_count(true_count, 0, scene)
    assert not truth.correct and "true number" in truth.message
    assert not exercises.check_component_count(..., ..., scene).answered
