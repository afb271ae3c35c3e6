"""Unit tests of segcourse.exercises: verdicts, hints and "not answered yet".

For every checker: the right answer, one test per typical wrong answer that
asserts its specific hint, both stubs of a learner copy (``name = ...`` and a
function raising NotImplementedError), and an answer of the wrong kind.
"""

from __future__ import annotations

import dataclasses
import html
import re

import numpy as np
import pytest
from checker_asserts import assert_hint, learner_stub

from segcourse import exercises
from segcourse.data import load_coins, make_scene
from segcourse.exercises import (
    CheckResult,
    check_box_from_mask,
    check_component_count,
    check_count_objects,
    check_foreground_fraction,
    check_largest_coin,
    check_object_fraction,
    check_panoptic_encoding,
)
from segcourse.exercises._common import _box_convention_hint, _box_conventions
from segcourse.exercises.ch01 import _box_test_masks
from segcourse.labels import bounding_boxes, connected_components, mask_to_box
from segcourse.student import make_stub


def assert_not_answered(result, message):
    assert not result and result.answered is False
    assert result.message == message
    assert repr(result) == f"Not answered yet: {message}"


def raising_stub_message(name):
    return (f"`{name}` still raises NotImplementedError: replace the line "
            "`raise NotImplementedError(...)` in its body with your code, then run that cell "
            "and this one.")


def value_stub_message(*names, what="your number"):
    after = " and ".join(f"`{name} =`" for name in names)
    if len(names) > 1:
        what += "s"
    return (f"replace the `...` after {after} in the cell above with {what}, then run that "
            "cell and this one.")


# --- the package -----------------------------------------------------------------------------


def test_every_checker_is_importable_from_segcourse_exercises():
    from segcourse.exercises import ch01, ch02

    for module in (ch01, ch02):
        for name in module.__all__:
            assert getattr(exercises, name) is getattr(module, name)
            assert name in exercises.__all__
    assert "CheckResult" in exercises.__all__


def test_a_learner_stub_is_what_the_checkers_expect():
    # the two stub kinds of segcourse.student, made from real solution sources
    stub = learner_stub("box_from_mask", "box_from_mask(mask)")
    with pytest.raises(NotImplementedError):
        stub(np.ones((2, 2), dtype=bool))
    namespace = {}
    exec(make_stub("### BEGIN SOLUTION\nlargest_id = 3\nlargest_box = (1, 2, 3, 4)\n"  # noqa: S102
                   "### END SOLUTION"), namespace)
    assert namespace["largest_id"] is ... and namespace["largest_box"] is ...


# --- CheckResult -----------------------------------------------------------------------------


def test_check_result_truthiness():
    assert bool(CheckResult(True, "well done")) is True
    assert bool(CheckResult(False, "try again")) is False
    assert bool(CheckResult(False, "replace the ...", answered=False)) is False
    assert CheckResult(True, "x").answered is True


def test_check_result_repr(jupyter):
    assert repr(CheckResult(True, "well done")) == "Correct! well done"
    assert repr(CheckResult(False, "try again")) == "Not yet. Hint: try again"
    assert repr(CheckResult(False, "replace it", answered=False)) == "Not answered yet: replace it"


@pytest.fixture
def jupyter(monkeypatch):
    """As in JupyterLab: the book's variable unset."""
    monkeypatch.delenv("SEGCOURSE_BOOK_BUILD", raising=False)


@pytest.fixture
def book(monkeypatch):
    """As in the book's kernels (book/conf.py sets the variable)."""
    monkeypatch.setenv("SEGCOURSE_BOOK_BUILD", "1")


def test_check_result_html(jupyter):
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


def test_check_result_in_the_book_folds_a_right_answers_message(book):
    # the book executes the solutions: the message under each exercise gives the answer away
    result = CheckResult(True, "Coin 18 covers 3148 pixels & its box is (315, 156, 379, 217).")
    page = result._repr_html_()
    assert page.startswith('<div class="segcourse-check"')
    # the verdict stays in sight, as tests/test_book.py reads it
    assert re.search(r'class="segcourse-check"[^>]*><strong[^>]*>Correct!</strong>', page)
    # the message sits inside a real <details>, after its <summary>: closed until opened
    folded = re.search(r"<details[^>]*><summary[^>]*>(.*?)</summary>(.*?)</details></div>$",
                       page)
    assert folded, page
    assert folded.group(1) == "Show the checker&#x27;s message (it gives the answer)"
    assert folded.group(2) == ("Coin 18 covers 3148 pixels &amp; its box is "
                               "(315, 156, 379, 217).")
    assert "<details open" not in page
    assert page.count("3148") == 1  # nowhere outside the fold
    assert repr(result) == "Correct!"  # the text form: the verdict only
    assert bool(result) and result.message.startswith("Coin 18")  # the result is unchanged


def test_check_result_in_the_book_shows_hints_as_they_are(book):
    # a chapter may show a hint on purpose; a stub's instruction is no answer either
    for result, head in [(CheckResult(False, "use a < b"), "Not yet. Hint:"),
                         (CheckResult(False, "replace it", answered=False), "Not answered yet")]:
        page = result._repr_html_()
        assert "<details" not in page
        assert page.endswith(f"{head}</strong> {html.escape(result.message)}</div>")
    assert repr(CheckResult(False, "use a < b")) == "Not yet. Hint: use a < b"


@pytest.mark.parametrize("value", ["0", "", "true"])
def test_check_result_folds_only_when_the_book_variable_is_one(monkeypatch, value):
    monkeypatch.setenv("SEGCOURSE_BOOK_BUILD", value)
    result = CheckResult(True, "well done")
    assert "<details" not in result._repr_html_()
    assert repr(result) == "Correct! well done"


def test_checkers_in_the_book_fold_their_answers(book):
    scene = make_scene(seed=0)
    things = np.isin(scene.semantic, scene.things)
    for result in (check_box_from_mask(mask_to_box),
                   check_object_fraction(things.mean(), things, COINS_MASK),
                   check_largest_coin(LARGEST, LARGEST_BOX, INSTANCE),
                   check_component_count(FOUR, OBJECTS - FOUR, CROWDED)):
        assert result and repr(result) == "Correct!"
        page = result._repr_html_()
        before, _, _ = page.partition("<details")
        assert before.endswith("Correct!</strong>")
        assert html.escape(result.message, quote=True) in page.partition("</summary>")[2]


def test_check_result_is_frozen():
    result = CheckResult(True, "ok")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.correct = False


# --- chapter 01, exercise 1: check_box_from_mask ---------------------------------------------


def _box_in(convention):
    def box_from_mask(mask):
        return convention(*mask_to_box(mask))
    return box_from_mask


def box_with_nonzero(mask):
    """An independent correct answer, as a learner might write it."""
    rows, cols = np.nonzero(mask)
    return cols.min(), rows.min(), cols.max(), rows.max()


def box_in_reading_order(mask):
    rows, cols = np.nonzero(mask)
    return cols[0], rows[0], cols[-1], rows[-1]


COINS_MASK = load_coins().mask


@pytest.mark.parametrize("function", [mask_to_box, box_with_nonzero,
                                      lambda m: np.array(mask_to_box(m)),
                                      lambda m: list(map(float, mask_to_box(m)))])
def test_box_checker_accepts_correct_answers(function):
    result = check_box_from_mask(function)
    assert result and result.answered
    assert result.message == "Your boxes match segcourse.labels.mask_to_box on 4 test masks."


@pytest.mark.parametrize(("function", "hint"), [
    (_box_in(lambda x0, y0, x1, y1: (y0, x0, y1, x1)),
     "rows and columns are swapped: that is (row_min, col_min, row_max, col_max)."),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 + 1, y1 + 1)),
     "x_max and y_max are one too large: you gave one past the last column and row"),
    (_box_in(lambda x0, y0, x1, y1: (y0, x0, y1 + 1, x1 + 1)),
     "that is (row_min, col_min, row_stop, col_stop), rows first and the ends exclusive"),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 - x0 + 1, y1 - y0 + 1)),
     "that is (x, y, width, height), the COCO convention."),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 - x0, y1 - y0)),
     "the last two numbers are x_max - x_min and y_max - y_min, a width and height"),
    (_box_in(lambda x0, y0, x1, y1: (y0, x0, y1 - y0 + 1, x1 - x0 + 1)),
     "that is (row, col, height, width)."),
    (_box_in(lambda x0, y0, x1, y1: (x0, x1, y0, y1)),
     "the order is (x_min, y_min, x_max, y_max): both minima first, then both maxima."),
    (_box_in(lambda x0, y0, x1, y1: (y0, y1, x0, x1)),
     "that is (row_min, row_max, col_min, col_max)."),
    (box_in_reading_order,
     "the first and last foreground pixels in reading order (row by row) are not always the "
     "leftmost and rightmost"),
    (lambda m: mask_to_box(COINS_MASK),  # reads a global `mask`, not its argument
     "your function returns the same box (18, 16, 381, 288) for every test mask: it reads the "
     "notebook variable `COINS_MASK` instead of its argument. Use only the mask it is given."),
    (lambda m, box=(18, 16, 381, 288): box,  # the same box, from no global this time
     "your function returns the same box (18, 16, 381, 288) for every test mask: does it read "
     "a notebook variable (such as `mask` or `tiny`) instead of its argument? Use only the "
     "mask it is given."),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 - 1, y1)),
     "x_max is one too small: the maxima are inclusive, the last foreground column itself."),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1, y1 - 1)),
     "y_max is one too small: the maxima are inclusive, the last foreground row itself."),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 - 1, y1 - 1)),
     "x_max and y_max are one too small: the maxima are inclusive"),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1 + 1, y1)), "x_max is one too large"),
    (_box_in(lambda x0, y0, x1, y1: (x0, y0, x1, y1 + 1)), "y_max is one too large"),
    (lambda m: (np.nonzero(m)[1].min(), np.nonzero(m)[0].min()),  # two numbers, numpy ints
     "return four numbers (x_min, y_min, x_max, y_max), got 2."),
    (lambda m: ((np.int64(2), np.int64(1)), (np.int64(6), np.int64(3))),
     "return four integers (x_min, y_min, x_max, y_max); got ((2, 1), (6, 3))."),
    (lambda m: None, "your function returns None: did you forget `return`?"),
    (lambda m: (0, 0, 1), "return four numbers (x_min, y_min, x_max, y_max), got 3."),
    (lambda m: "abcd", "return four integers (x_min, y_min, x_max, y_max); got 'abcd'."),
    (lambda m: 5, "return four integers (x_min, y_min, x_max, y_max); got 5."),
    (lambda m: (0, 0, m.shape[1], m.shape[0]),
     "for a 6 x 9 test mask whose box is (2, 1, 6, 3) you returned (0, 0, 9, 6)."),
])
def test_box_checker_hints(function, hint):
    assert_hint(check_box_from_mask(function), hint)


def test_box_checker_x_max_one_too_small_is_not_called_coco():
    # the learner's report: on the first test mask, box (2, 1, 6, 3), (x, y, width, height)
    # and "x_max one too small" are the same four numbers, (2, 1, 5, 3)
    first = _box_test_masks()[0]
    x0, y0, x1, y1 = mask_to_box(first)
    assert (x0, y0, x1 - x0 + 1, y1 - y0 + 1) == (x0, y0, x1 - 1, y1) == (2, 1, 5, 3)

    def box_from_mask(mask):
        rows, cols = np.nonzero(mask)
        return cols.min(), rows.min(), cols.max() - 1, rows.max()

    result = check_box_from_mask(box_from_mask)
    assert "COCO" not in result.message
    assert result.message == ("x_max is one too small: the maxima are inclusive, the last "
                              "foreground column itself.")


def test_box_test_masks_tell_every_convention_apart():
    # a convention is named only when it gives every test box: each must differ from the
    # right boxes and from every other convention on at least one test mask
    rights = [mask_to_box(mask) for mask in _box_test_masks()]
    tuples = list(zip(*[[box for box, _ in _box_conventions(right)] for right in rights],
                      strict=True))
    assert len(tuples) == len(_box_conventions(rights[0])) == 13
    assert len(set(tuples + [tuple(rights)])) == len(tuples) + 1
    for index, (_, hint) in enumerate(_box_conventions(rights[0])):
        assert _box_convention_hint(list(tuples[index]), rights) == hint


def test_box_convention_is_not_named_when_one_box_fits_two():
    # one box alone (exercise 3) cannot tell COCO from x_max - 1 when they coincide
    assert _box_convention_hint([(2, 1, 5, 3)], [(2, 1, 6, 3)]) is None
    # on the largest coin every convention gives a box of its own
    boxes = [box for box, _ in _box_conventions(LARGEST_BOX)]
    assert len(set(boxes + [LARGEST_BOX])) == len(boxes) + 1


def test_box_checker_hints_show_plain_numbers():
    for function in (lambda m: ((np.int64(2), np.int64(1)), (np.int64(6), np.int64(3))),
                     lambda m: (np.int64(2), np.float64(1.5), np.int64(6), np.int64(3)),
                     lambda m: np.array([2.5, 1, 6, 3])):
        message = check_box_from_mask(function).message
        assert "np." not in message and "array(" not in message, message


def test_box_checker_generic_hint_names_the_failing_mask():
    # right on the first test mask only: the second is a single pixel at row 3, column 1
    result = check_box_from_mask(lambda m: (2, 1, 6, 3) if m.shape == (6, 9) else (0, 0, 4, 4))
    assert_hint(result, "for a 5 x 5 test mask whose box is (1, 3, 1, 3) you returned "
                        "(0, 0, 4, 4).")


def test_box_checker_not_answered():
    assert_not_answered(check_box_from_mask(learner_stub("box_from_mask", "box_from_mask(mask)")),
                        raising_stub_message("box_from_mask"))
    message = ("`box_from_mask` is not written yet: define it in the cell above "
               "(`def box_from_mask(mask):` with your code in its body), then run that cell "
               "and this one.")
    assert_not_answered(check_box_from_mask(...), message)
    assert_not_answered(check_box_from_mask(None), message)


def test_box_checker_names_a_stub_by_the_learners_name():
    def my_box(mask):
        raise NotImplementedError

    assert check_box_from_mask(my_box).message.startswith("`my_box` still raises")


def test_box_checker_not_a_function():
    assert_hint(check_box_from_mask((2, 1, 6, 3)),
                "pass the function itself, `exercises.check_box_from_mask(box_from_mask)`, not "
                "a result of calling it (you passed a tuple of 4 items).")


def test_box_checker_does_not_let_the_answer_change_its_masks():
    def vandal(mask):
        box = mask_to_box(mask)
        mask[:] = False
        return box

    assert check_box_from_mask(vandal)
    assert check_box_from_mask(mask_to_box)


def test_box_checker_lets_other_errors_reach_the_learner():
    def broken(mask):
        return mask.no_such_attribute

    with pytest.raises(AttributeError):
        check_box_from_mask(broken)


# --- chapter 01, exercise 2: check_object_fraction and check_foreground_fraction --------------

MASK = np.array([[True, False, False, False],
                 [False, True, False, False]])  # 2 of 8 pixels: 0.25
COINS = np.array([[True, True, True, False],
                  [False, True, False, False]])  # 4 of 8 pixels: 0.5


@pytest.mark.parametrize("answer", [0.25, 1 / 4, np.float32(0.25), np.array(0.25), 2 / 8])
def test_fraction_checker_accepts_the_fraction(answer):
    result = check_foreground_fraction(answer, MASK)
    assert result and result.answered
    assert repr(result) == "Correct! 25.00 % of the pixels are foreground."
    result = check_object_fraction(answer, MASK, COINS)
    assert result and result.answered
    assert repr(result) == ("Correct! 25.0 % of the scene's pixels are objects, against "
                            "50.0 % for the coins: the scene is more lopsided.")
    # without the coins' mask there is nothing to compare
    assert repr(check_object_fraction(answer, MASK)) == ("Correct! 25.00 % of the pixels are "
                                                         "foreground.")


def test_object_fraction_answers_the_chapters_question():
    # "Are the synthetic scenes of the course more lopsided than the coins?"
    scene = make_scene(seed=0)
    things = np.isin(scene.semantic, scene.things)
    result = check_object_fraction(things.sum() / things.size, things, COINS_MASK)
    assert result.message == ("15.9 % of the scene's pixels are objects, against 33.6 % for "
                              "the coins: the scene is more lopsided.")
    # and the other way round, when the scene's fraction is the nearer to one half
    few_coins = np.zeros((4, 10), dtype=bool)
    few_coins[0, 0] = True
    assert check_object_fraction(0.25, MASK, few_coins).message.endswith(
        "against 2.5 % for the coins: the coins are more lopsided.")
    assert check_object_fraction(0.25, MASK, ~MASK).message.endswith(
        "the two are as lopsided.")


def test_fraction_checker_accepts_zero_one_masks_and_edge_fractions():
    assert check_foreground_fraction(0.25, MASK.astype(np.uint8))
    assert check_foreground_fraction(0.0, np.zeros((2, 2), dtype=bool))
    assert check_foreground_fraction(1, np.ones((3, 3), dtype=bool))
    assert check_foreground_fraction(1 / 3, np.array([True, False, False]))
    assert not check_foreground_fraction(0.33, np.array([True, False, False]))


FRACTION_HINTS = [
    (0.75, "that is the background fraction: count the True pixels instead."),
    (2, "that is the number of foreground pixels: divide by the number of all pixels."),
    (25, "that is a percentage: give a fraction between 0 and 1."),
    (25.0, "that is a percentage: give a fraction between 0 and 1."),
    (1.0, "you divided by len(...), which is the number of rows (2): divide by the number of "
          "all pixels, .size (8)."),
    (1.5, "a fraction lies between 0 and 1."),
    (-0.25, "a fraction lies between 0 and 1."),
    ("a quarter", "give a single number, got str."),
    ([0.25, 0.75], "give a single number, got list."),
    (np.array([0.5, 0.5, 0.0, 0.0]), "give a single number; you gave an array of shape (4,). "
                                     "mean() or sum() without `axis` takes all pixels at once."),
    (np.mean, "`answer` is a function (mean): store the value it gives (call it), not the "
              "function itself."),
]


@pytest.mark.parametrize(("answer", "hint"), FRACTION_HINTS + [
    (0.4, "count the foreground pixels (mask.sum()) and divide by the number of pixels "
          "(mask.size)."),
    (0.25 / 3, "that is one third of the fraction: did you divide by image.size? An RGB "
               "image has 3 values per pixel (red, green, blue), so its size is 3 times the "
               "number of pixels. Divide by mask.size."),
])
def test_fraction_checker_hints(answer, hint):
    result = check_foreground_fraction(answer, MASK)
    assert_hint(result, hint)
    assert result.message == hint


@pytest.mark.parametrize(("answer", "hint"), [
    (0.5, "that is the coins' foreground fraction: `mask` is the coins' mask from the first "
          "part of the chapter, `things` the scene's objects. Compute it from `things`."),
    (0.4, "count the foreground pixels (things.sum()) and divide by the number of pixels "
          "(things.size)."),
    (0.25 / 3, "that is one third of the fraction: did you divide by scene.image.size? An "
               "RGB image has 3 values per pixel (red, green, blue), so its size is 3 times "
               "the number of pixels. Divide by things.size."),
] + [(answer, hint.replace("`answer`", "`object_fraction`")) for answer, hint in FRACTION_HINTS])
def test_object_fraction_checker_hints(answer, hint):
    result = check_object_fraction(answer, MASK, COINS)
    assert_hint(result, hint)
    assert result.message == hint


def test_object_fraction_checker_on_the_notebooks_data():
    things = np.isin(make_scene(seed=0).semantic, make_scene(seed=0).things)
    assert check_object_fraction(things.sum() / things.size, things, COINS_MASK)
    assert check_object_fraction(COINS_MASK.mean(), things, COINS_MASK).message.startswith(
        "that is the coins' foreground fraction")
    # without the coins' mask, the same answer gets the generic hint
    assert check_object_fraction(0.5, MASK).message.startswith("count the foreground pixels")


SCENE_THINGS = np.isin(make_scene(seed=0).semantic, make_scene(seed=0).things)  # 0.15942...
ROUNDED = ("close: that looks rounded; compute it (things.sum() / things.size) instead of "
           "typing a number.")


@pytest.mark.parametrize("answer", [0.16, 0.159, 0.1594, 0.15942, 0.2, 0.15, 0.155,
                                    np.float64(0.16), np.array(0.159)])
def test_object_fraction_checker_recognises_a_rounded_answer(answer):
    # the learner's report: 0.16 and 0.159 got the hint for someone who had not counted at all
    assert_hint(check_object_fraction(answer, SCENE_THINGS, COINS_MASK), ROUNDED)
    assert_hint(check_object_fraction(answer, SCENE_THINGS), ROUNDED)


@pytest.mark.parametrize(("answer", "hint"), [
    (0.1, "count the foreground pixels"),  # too far for one decimal
    (0.17, "count the foreground pixels"),
    (0.1694, "count the foreground pixels"),
    (15.94, "that is a percentage: give a fraction between 0 and 1."),  # rounded, too
    (16, "that is a percentage: give a fraction between 0 and 1."),
    (0.84, "that is the background fraction"),  # 1 - 0.15942..., rounded
    (0.336, "that is the coins' foreground fraction"),  # 0.33579..., rounded
    (0.0531, "that is one third of the fraction: did you divide by scene.image.size?"),
])
def test_object_fraction_checker_tells_rounding_from_other_mistakes(answer, hint):
    assert_hint(check_object_fraction(answer, SCENE_THINGS, COINS_MASK), hint)


def test_a_whole_number_is_no_rounded_fraction():
    small = np.zeros((10, 100), dtype=bool)
    small[0, :3] = True  # 0.003
    assert_hint(check_foreground_fraction(0, small), "count the foreground pixels")
    assert_hint(check_foreground_fraction(0.0, small), "count the foreground pixels")
    assert_hint(check_foreground_fraction(0.003, small[:, :99]), "close: that looks rounded")


def test_object_fraction_checker_recognises_the_rgb_image_size():
    scene = make_scene(seed=0)
    assert scene.image.shape[-1] == 3
    answer = SCENE_THINGS.sum() / scene.image.size
    np.testing.assert_allclose(answer * 3, SCENE_THINGS.mean())
    result = check_object_fraction(answer, SCENE_THINGS, COINS_MASK)
    assert_hint(result, "that is one third of the fraction: did you divide by "
                        "scene.image.size? An RGB image has 3 values per pixel")


def test_fraction_checkers_not_answered():
    assert_not_answered(check_foreground_fraction(..., MASK), value_stub_message("answer"))
    assert_not_answered(check_object_fraction(..., MASK, COINS),
                        value_stub_message("object_fraction"))
    assert_not_answered(check_object_fraction(None, MASK, COINS),
                        "`object_fraction` is None: assign your number in the cell above "
                        "(print(...) shows a value but returns None, so store the value "
                        "itself), then run that cell and this one.")


def test_fraction_checker_given_a_function_stub():
    stub = learner_stub("object_fraction", "object_fraction(things)")
    assert_hint(check_object_fraction(stub, MASK, COINS),
                "`object_fraction` is a function (object_fraction): store the value it gives")


def test_fraction_checker_rejects_a_label_map_as_mask():
    with pytest.raises(ValueError, match=r"`mask` to be a boolean mask"):
        check_foreground_fraction(0.25, np.array([[0, 2], [1, 0]]))
    with pytest.raises(ValueError, match=r"`things` to be a boolean mask"):
        check_object_fraction(0.25, np.array([[0, 2], [1, 0]]), COINS)


# --- chapter 01, exercise 3: check_largest_coin ----------------------------------------------

INSTANCE = load_coins().instance
LARGEST = 18  # 3148 pixels
LARGEST_BOX = mask_to_box(INSTANCE == LARGEST)
X0, Y0, X1, Y1 = LARGEST_BOX


def test_largest_coin_checker_on_the_coins():
    pixels = np.bincount(INSTANCE.ravel())
    pixels[0] = 0
    assert int(pixels.argmax()) == LARGEST
    result = check_largest_coin(LARGEST, LARGEST_BOX, INSTANCE)
    assert result and result.answered
    assert result.message == ("Coin 18 covers 3148 pixels, the most of any coin; its box is "
                              "(315, 156, 379, 217).")
    assert check_largest_coin(np.int64(18), np.array(LARGEST_BOX), INSTANCE)
    assert check_largest_coin(18.0, list(LARGEST_BOX), INSTANCE)


@pytest.mark.parametrize(("largest_id", "largest_box", "hint"), [
    (0, mask_to_box(INSTANCE == 0), "id 0 is the background, not a coin: it covers the most "
                                    "pixels"),
    (17, mask_to_box(INSTANCE == 17), "off by one: coin 17 is next to the largest. argmax over "
                                      "the counts without id 0 (counts[1:]) gives a position"),
    (24, mask_to_box(INSTANCE == 24), "24 is the highest id, the coin numbered last, not the "
                                      "largest"),
    (9, mask_to_box(INSTANCE == 9), "coin 9 is the smallest coin: take the id with the most "
                                    "pixels (argmax), not the fewest."),
    (40, LARGEST_BOX, "no coin has id 40: the ids run from 1 to 24, and 0 is the background."),
    (6, mask_to_box(INSTANCE == 6), "coin 6 covers 2604 pixels; another covers more."),
    (np.array([18, 3]), LARGEST_BOX, "`largest_id` is one id, a whole number; you gave an "
                                     "array of shape (2,)."),
    (18.5, LARGEST_BOX, "`largest_id` is one id, a whole number; you gave 18.5."),
    (18, (Y0, X0, Y1, X1), "the id is right. The box: rows and columns are swapped"),
    (18, (X0, Y0, X1 + 1, Y1 + 1), "the id is right. The box: x_max and y_max are one too "
                                   "large"),
    (18, (X0, Y0, X1 - X0 + 1, Y1 - Y0 + 1), "the id is right. The box: that is (x, y, width, "
                                             "height), the COCO convention."),
    (18, mask_to_box(INSTANCE > 0), "the id is right, but that box holds every coin"),
    (18, mask_to_box(INSTANCE == 0), "the id is right, but that is the box of the background"),
    (18, tuple(bounding_boxes(INSTANCE)[1][18]),
     "the id is right, but that is the box of coin 19, the next id: in labels.bounding_boxes, "
     "boxes[k] is the box of ids[k], so coin 18 is boxes[17]."),
    (18, mask_to_box(INSTANCE == 4), "the id is right, but that is the box of coin 4: take the "
                                     "mask instance == largest_id."),
    (18, (0, 0, 1, 1), "the id is right; the box of coin 18 is not (0, 0, 1, 1)."),
    (18, (1, 2, 3), "the id is right. `largest_box`: give four numbers (x_min, y_min, x_max, "
                    "y_max), got 3."),
    (18, "box", "the id is right. `largest_box`: give four integers (x_min, y_min, x_max, "
                "y_max); got 'box'."),
    (np.argmax, LARGEST_BOX, "`largest_id` is a function (argmax): store the value it gives"),
])
def test_largest_coin_checker_hints(largest_id, largest_box, hint):
    assert_hint(check_largest_coin(largest_id, largest_box, INSTANCE), hint)


def test_largest_coin_checker_not_answered():
    assert_not_answered(check_largest_coin(..., ..., INSTANCE),
                        value_stub_message("largest_id", "largest_box", what="your answer"))
    assert_not_answered(check_largest_coin(18, ..., INSTANCE),
                        value_stub_message("largest_box", what="your answer"))
    result = check_largest_coin(None, LARGEST_BOX, INSTANCE)
    assert not result.answered and result.message.startswith("`largest_id` is None: assign")


def test_largest_coin_checker_given_a_function_stub():
    stub = learner_stub("largest_box", "largest_box(instance)")
    assert_hint(check_largest_coin(18, stub, INSTANCE),
                "`largest_box` is a function (largest_box): store the value it gives")


def test_largest_coin_checker_needs_an_object():
    with pytest.raises(ValueError, match="`instance` to hold at least one object"):
        check_largest_coin(1, (0, 0, 0, 0), np.zeros((3, 3), dtype=int))


# --- chapter 02, exercise 1: check_count_objects ---------------------------------------------


def _count_objects(instance_map, instance_classes, class_id):
    present = [i for i in np.unique(instance_map) if i != 0]
    return sum(1 for i in present if instance_classes[int(i)] == class_id)


def _count_including_id_zero(instance_map, instance_classes, class_id):
    return sum(1 for i in np.unique(instance_map) if instance_classes[i] == class_id)


def _count_unknown_key(instance_map, instance_classes, class_id):
    return instance_classes[class_id + 100]


def _ids_of_class(instance_map, instance_classes, class_id):
    return [i for i in np.unique(instance_map) if i != 0 and instance_classes[int(i)] == class_id]


def _count_every_class(instance_map, instance_classes, class_id):
    return len(np.unique(instance_map)) - 1


def _count_pixels(instance_map, instance_classes, class_id):
    ids = [i for i, c in instance_classes.items() if c == class_id]
    return int(np.isin(instance_map, ids).sum())


def _count_components(instance_map, instance_classes, class_id):
    ids = [i for i, c in instance_classes.items() if c == class_id]
    return int(connected_components(np.isin(instance_map, ids)).max()) if ids else 0


def _count_with_background(instance_map, instance_classes, class_id):
    return _count_objects(instance_map, instance_classes, class_id) + 1


def _count_table_entries(instance_map, instance_classes, class_id):
    return sum(1 for c in instance_classes.values() if c == class_id)


def test_count_checker_accepts_the_solution():
    result = check_count_objects(_count_objects)
    assert result and result.answered
    assert result.message == ("Your counts are right on 9 test cases, including a class with "
                              "no object and a table listing an absent id.")


@pytest.mark.parametrize(("function", "hint"), [
    (_count_including_id_zero,
     "your function looked up id 0 in `instance_classes` and got a KeyError: id 0 is the "
     "background, not an object, so the table has no class for it. Skip it"),
    (_count_unknown_key, "your function raised KeyError: 103. `instance_classes` maps each "
                         "object id (1, 2, 3, 4, 5, 6, 7, 8) to its class"),
    (_ids_of_class, "you returned a list of 4 items, which looks like the ids themselves: "
                    "return how many there are (len(...))."),
    (_count_every_class, "that counts the objects of every class (8): keep only the ids whose "
                         "class in `instance_classes` is `class_id`."),
    (_count_pixels, "that is a number of pixels: count the distinct instance ids of the class "
                    "instead."),
    (_count_components, "connected components merge objects that touch: count instance ids"),
    (_count_with_background, "one too many: np.unique also lists 0, the background, which is "
                             "no object. Leave id 0 out."),
    (_count_table_entries, "that counts the entries of `instance_classes`, which may list ids "
                           "absent from the map: count the ids in the map."),
    (lambda *args: None, "your function returns None: did you forget `return`?"),
    (lambda *args: "two", "return a single integer, got str."),
    (lambda m, t, c: 99 + c, "for class 3 the answer is 4, you returned 102."),
    (lambda *args: 99, "your function returns the same count 99 for every test case: does it "
                       "read a notebook variable (such as `scene` or `crowded`) instead of its "
                       "arguments? Use only `instance_map`, `instance_classes` and `class_id`, "
                       "the arguments it is given."),
])
def test_count_checker_hints(function, hint):
    assert_hint(check_count_objects(function), hint)


def notebook_function(source, name, **variables):
    """A function defined in a notebook cell, whose globals are the notebook's variables."""
    namespace = {"np": np, **variables}
    exec(source, namespace)  # noqa: S102 - a learner's cell
    return namespace[name]


COUNT_FROM_THE_NOTEBOOKS_SCENE = """
def count_objects(instance_map, instance_classes, class_id):
    present = [i for i in np.unique(scene.instance) if i != 0]
    return sum(1 for i in present if scene.instance_classes[int(i)] == class_id)
"""


def test_count_checker_sees_a_function_reading_the_notebooks_scene():
    # the learner's report: this got a hint about connected components
    count_objects = notebook_function(COUNT_FROM_THE_NOTEBOOKS_SCENE, "count_objects",
                                      scene=make_scene(seed=0))
    result = check_count_objects(count_objects)
    assert "connected components" not in result.message
    assert_hint(result, "your function reads the notebook variable `scene` instead of its "
                        "arguments: the checker calls it on test cases of its own, so use only "
                        "`instance_map`, `instance_classes` and `class_id`, the arguments it "
                        "is given.")


def test_count_checker_names_the_notebook_variable_before_a_key_error():
    # the scene's ids looked up in the test's own table raise KeyError on the tiny test map
    count_objects = notebook_function("""
def count_objects(instance_map, instance_classes, class_id):
    present = [i for i in np.unique(scene.instance) if i != 0]
    return sum(1 for i in present if instance_classes[int(i)] == class_id)
""", "count_objects", scene=make_scene(seed=0))
    with pytest.raises(KeyError):
        count_objects(np.array([[1, 2]]), {1: 3, 2: 4}, 3)
    assert_hint(check_count_objects(count_objects), "your function reads the notebook "
                                                    "variable `scene` instead of its arguments")


def test_count_checker_does_not_name_modules_functions_or_numbers():
    # globals that are no data: a module, a helper function, a constant
    count_objects = notebook_function("""
BACKGROUND = 0
def ids_of(instance_map):
    return [int(i) for i in np.unique(instance_map) if i != BACKGROUND]
def count_objects(instance_map, instance_classes, class_id):
    return sum(1 for i in ids_of(instance_map) if instance_classes[i] == class_id) + 1
""", "count_objects")
    assert_hint(check_count_objects(count_objects), "one too many: np.unique also lists 0")

def test_count_checker_not_answered():
    stub = learner_stub("count_objects", "count_objects(instance_map, instance_classes, class_id)")
    assert_not_answered(check_count_objects(stub), raising_stub_message("count_objects"))
    assert_not_answered(check_count_objects(...),
                        "`count_objects` is not written yet: define it in the cell above (`def "
                        "count_objects(instance_map, instance_classes, class_id):` with your "
                        "code in its body), then run that cell and this one.")


def test_count_checker_not_a_function():
    assert_hint(check_count_objects(3), "pass the function itself, "
                                        "`exercises.check_count_objects(count_objects)`")


# --- chapter 02, exercise 2: check_panoptic_encoding -----------------------------------------


def test_panoptic_checker_accepts_the_solution():
    from segcourse.labels import panoptic_encode

    for function in (lambda p: p[..., 0] * 1000 + p[..., 1], panoptic_encode,
                     lambda p: p[:, :, 0] * 1000 + p[:, :, 1]):
        result = check_panoptic_encoding(function)
        assert result and result.answered
        assert result.message == ("category * 1000 + instance: each segment has one id, and "
                                  "// and % recover both parts.")


@pytest.mark.parametrize(("function", "hint"), [
    (lambda p: p[..., 1] * 1000 + p[..., 0], "category and instance are swapped"),
    (lambda p: p[..., 0] * 100 + p[..., 1], "you used the divisor 100; this exercise uses 1000."),
    (lambda p: p[..., 0] * 256 + p[..., 1], "you used the divisor 256; this exercise uses 1000."),
    (lambda p: p[..., 0] + p[..., 1], "a plain sum mixes categories and instances up"),
    (lambda p: p[..., 0] * 1e3 + p[..., 1], "the values are right, but your ids are float64 "
                                            "numbers (1e3 is a float): use the integer 1000"),
    (lambda p: p[0] * 1000 + p[1], "panoptic_map[0] and panoptic_map[1] are the first two rows "
                                   "of the image: the two channels are panoptic_map[..., 0]"),
    (lambda p: p[..., 0] * 1000, "only the category is there: add the instance id (channel 1)."),
    (lambda p: p[..., 1], "only the instance id is there: add the category (channel 0) times "
                          "1000."),
    (lambda p: p.reshape(-1), "the ids should have the image's shape (64, 96), got (12288,)"),
    (lambda p: p[..., 0].astype(str), "return an array of integers, got an array of dtype <U"),
    (lambda p: None, "your function returns None: did you forget `return`?"),
    (lambda p: p[..., 0] * 1000 - p[..., 1], "compute panoptic_map[..., 0] * 1000 + "
                                             "panoptic_map[..., 1]."),
    (lambda p: np.zeros((64, 96), dtype=int),
     "your function returns the same ids for every test map: does it read a notebook variable "
     "(such as `scene` or `panoptic`) instead of its argument? Use only the panoptic map it is "
     "given."),
])
def test_panoptic_checker_hints(function, hint):
    assert_hint(check_panoptic_encoding(function), hint)


def test_panoptic_checker_sees_a_function_reading_the_notebooks_scene():
    # before, this got "the ids should have the image's shape (64, 96), got (128, 192)"
    encode_panoptic = notebook_function("""
def encode_panoptic(panoptic_map):
    return scene.panoptic[..., 0] * 1000 + scene.panoptic[..., 1]
""", "encode_panoptic", scene=make_scene(seed=0))
    assert_hint(check_panoptic_encoding(encode_panoptic),
                "your function returns the same ids for every test map: it reads the notebook "
                "variable `scene` instead of its argument. Use only the panoptic map it is "
                "given.")


def test_box_checker_sees_a_function_reading_the_notebooks_mask():
    box_from_mask = notebook_function("""
def box_from_mask(mask_of_object):
    rows = np.flatnonzero(tiny.any(axis=1))
    cols = np.flatnonzero(mask_of_object.any(axis=0))
    return cols[0], rows[0], cols[-1], rows[-1]
""", "box_from_mask", tiny=np.eye(3, dtype=bool))
    assert_hint(check_box_from_mask(box_from_mask),
                "your function reads the notebook variable `tiny` instead of its argument: the "
                "checker calls it on test masks of its own, so use only the mask it is given.")

def test_panoptic_checker_not_answered():
    stub = learner_stub("encode_panoptic", "encode_panoptic(panoptic_map)")
    assert_not_answered(check_panoptic_encoding(stub), raising_stub_message("encode_panoptic"))
    assert not check_panoptic_encoding(...).answered
    assert check_panoptic_encoding(...).message.startswith("`encode_panoptic` is not written")


def test_panoptic_checker_not_a_function():
    assert_hint(check_panoptic_encoding(np.zeros((2, 2))),
                "pass the function itself, `exercises.check_panoptic_encoding(encode_panoptic)`, "
                "not a result of calling it (you passed an array of shape (2, 2)).")


# --- chapter 02, exercise 3: check_component_count -------------------------------------------

# the map of the exercise: objects 1-2 and 7-8 share an edge, 2-3 and 5-6 only a corner
CROWDED = np.array([[1, 1, 2, 2, 0, 0, 0, 0, 5, 5, 0, 0],
                    [1, 1, 2, 2, 0, 0, 0, 0, 5, 5, 0, 0],
                    [0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 6, 6],
                    [0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 6, 6],
                    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                    [4, 4, 4, 0, 0, 0, 0, 7, 7, 0, 0, 0],
                    [4, 4, 4, 0, 0, 0, 0, 7, 7, 8, 8, 0],
                    [0, 0, 0, 0, 0, 0, 0, 7, 7, 8, 8, 0]])
FOUR, EIGHT, OBJECTS = 6, 4, 8


def test_component_exercise_data_tells_every_mistake_apart():
    assert int(connected_components(CROWDED > 0).max()) == FOUR
    assert int(connected_components(CROWDED > 0, connectivity=2).max()) == EIGHT
    # right, 8-connectivity, label 0 counted (with each), true count, ids with 0: all differ
    assert len({FOUR, EIGHT, FOUR + 1, EIGHT + 1, OBJECTS, OBJECTS + 1}) == 6


def test_component_checker_accepts_the_answer():
    result = check_component_count(FOUR, OBJECTS - FOUR, CROWDED)
    assert result and result.answered
    assert result.message == "6 regions for 8 objects: objects that touch merge, so 2 lost."
    assert check_component_count(np.int64(6), 2.0, CROWDED)


@pytest.mark.parametrize(("component_count", "lost", "hint"), [
    (FOUR + 1, OBJECTS - FOUR - 1,
     "one too many: len(np.unique(...)) of the components also counts label 0, the "
     "background, which is no region. Take the largest label, .max(), or leave 0 out."),
    (EIGHT, OBJECTS - EIGHT,
     "that count uses 8-connectivity (diagonal neighbours), which joins objects that meet "
     "only at a corner: use the default, connectivity=1."),
    (EIGHT + 1, OBJECTS - EIGHT - 1,
     "that count uses 8-connectivity (use the default, connectivity=1) and also counts label "
     "0, the background"),
    (OBJECTS, 0, "that is the true number of objects (from the instance ids); count the regions "
                 "of the object mask instead."),
    (OBJECTS + 1, 0, "that is the number of distinct ids in the instance map, 0 included"),
    (3, 5, "label the mask of all object pixels with labels.connected_components and take its "
           "maximum."),
    (connected_components(CROWDED > 0), 2,
     "`component_count` is an array of shape (8, 12): that is the labelled image itself. The "
     "number of regions is its largest label, .max()."),
    (FOUR, FOUR - OBJECTS, "the sign of `lost` is flipped: the true count minus the "
                           "components."),
    (FOUR, OBJECTS + 1 - FOUR, "`lost` is one too large: the number of objects is the number "
                               "of ids other than 0"),
    (FOUR, OBJECTS - EIGHT, "`component_count` is right, but `lost` uses the 8-connectivity "
                            "count: subtract `component_count` itself."),
    (FOUR, 7, "`lost` is the true number of objects (8) minus the number of components."),
    (6.5, 2, "give two whole numbers; got 6.5 and 2."),
    ("six", 2, "give two whole numbers; got the text 'six' and 2."),
    (np.max, 2, "`component_count` is a function (max): store the value it gives"),
])
def test_component_checker_hints(component_count, lost, hint):
    assert_hint(check_component_count(component_count, lost, CROWDED), hint)


def test_component_checker_not_answered():
    assert_not_answered(check_component_count(..., ..., CROWDED),
                        value_stub_message("component_count", "lost"))
    assert_not_answered(check_component_count(6, ..., CROWDED), value_stub_message("lost"))
    result = check_component_count(None, None, CROWDED)
    assert not result.answered
    assert result.message.startswith("`component_count` and `lost` are None: assign your "
                                     "numbers")


def test_component_checker_given_a_function_stub():
    stub = learner_stub("component_count", "component_count(mask)")
    assert_hint(check_component_count(stub, 2, CROWDED),
                "`component_count` is a function (component_count): store the value it gives")


def test_component_checker_still_takes_a_scene():
    scene = make_scene(seed=0)
    things = np.isin(scene.semantic, scene.things)
    found = int(connected_components(things).max())
    true_count = int(scene.instance.max())
    assert found < true_count  # the scene's touching circles merge
    assert check_component_count(found, true_count - found, scene)
    assert_hint(check_component_count(found, found - true_count, scene),
                "the sign of `lost` is flipped")
    # on this scene, counting label 0 gives the true count: the hint names label 0 first
    assert found + 1 == true_count
    assert_hint(check_component_count(found + 1, 0, scene),
                "one too many: len(np.unique(...)) of the components also counts label 0")
    assert check_component_count(found + 1, 0, scene).message.endswith(
        "(It is also the true number of objects here.)")
    assert not check_component_count(..., ..., scene).answered


def test_component_checker_rejects_a_bad_map():
    with pytest.raises(ValueError, match="`instance_map`"):
        check_component_count(1, 1, np.array([[-1, 0]]))


def test_shared_number_reading_takes_one_number_tensors_and_nothing_else():
    torch = pytest.importorskip("torch")
    from segcourse.exercises import _common

    assert _common._as_number(torch.tensor(0.25)) == 0.25
    assert _common._as_number(torch.tensor([[3]])) == 3.0
    assert _common._as_number(torch.tensor(0.5, requires_grad=True) * 2) == 1.0
    for odd in (torch.tensor([1.0, 2.0]), torch.tensor(True), torch.tensor(1 + 2j),
                torch.zeros(0)):
        assert _common._as_number(odd) is None, odd
    value, verdict = _common._number_verdict(torch.tensor(0.75, dtype=torch.float16), "dice")
    assert value == 0.75 and verdict is None
    value, verdict = _common._number_verdict(torch.tensor([0.1, 0.2]), "dice")
    assert value is None and "`dice` should be one number" in verdict.message
