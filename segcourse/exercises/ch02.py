"""Checkers of chapter 02 (``notebooks/02_types_semantic_instance_panoptic.ipynb``).

- Exercise 1: :func:`check_count_objects`, objects of a class in an instance map.
- Exercise 2: :func:`check_panoptic_encoding`, one integer per panoptic pixel.
- Exercise 3: :func:`check_component_count`, what connected components lose.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance_map
from ..labels import connected_components
from ._common import (
    CheckResult,
    _as_int,
    _call,
    _describe,
    _first,
    _hint,
    _ignores_its_arguments,
    _not_a_function,
    _right,
    _show,
    _values_are_functions,
    _values_not_answered,
)

__all__ = [
    "check_count_objects",
    "check_panoptic_encoding",
    "check_component_count",
]


def _count_cases():
    from ..data import make_scene

    cases = []
    for seed in (0, 3):
        scene = make_scene(seed=seed, size=(96, 144))
        for class_id in scene.things:
            cases.append((scene.instance, scene.instance_classes, class_id))
    tiny = np.array([[1, 1, 0, 2], [0, 0, 0, 2], [3, 0, 0, 0]])
    cases.append((tiny, {1: 4, 2: 4, 3: 5}, 4))
    cases.append((tiny, {1: 4, 2: 4, 3: 5}, 6))  # a class with no object: 0
    # the table may list ids that are not in this map: count the map, not the table
    cases.append((tiny, {1: 4, 2: 4, 3: 5, 9: 4}, 4))
    return cases


def _key_error_hint(error: KeyError, instance_classes: dict) -> CheckResult:
    key = error.args[0] if error.args else None
    if _as_int(key) == 0:
        return _hint("your function looked up id 0 in `instance_classes` and got a KeyError: "
                     "id 0 is the background, not an object, so the table has no class for "
                     "it. Skip it, for example `if i != 0`, or take "
                     "np.unique(instance_map[instance_map > 0]).")
    known = ", ".join(str(k) for k in sorted(instance_classes))
    return _hint(f"your function raised KeyError: {_show(key)}. `instance_classes` maps each "
                 f"object id ({known}) to its class; look up only the ids found in the map, "
                 "other than 0 (the background).")


def check_count_objects(function) -> CheckResult:
    """Check ``count_objects(instance_map, instance_classes, class_id) -> int``.

    The count of objects of class ``class_id``: the number of instance ids
    whose class is ``class_id`` and that occur in the map (id 0 is the
    background, which ``instance_classes`` does not list).

    Examples
    --------
    >>> def count_objects(instance_map, instance_classes, class_id):
    ...     present = set(np.unique(instance_map)) - {0}
    ...     return sum(1 for i in present if instance_classes[i] == class_id)
    >>> check_count_objects(count_objects).correct
    True
    >>> def count_with_zero(instance_map, instance_classes, class_id):
    ...     return sum(1 for i in np.unique(instance_map) if instance_classes[i] == class_id)
    >>> check_count_objects(count_with_zero).message[:56]
    'your function looked up id 0 in `instance_classes` and g'
    """
    verdict = _not_a_function(function, "count_objects",
                              "count_objects(instance_map, instance_classes, class_id)",
                              "exercises.check_count_objects")
    if verdict is not None:
        return verdict
    cases = _count_cases()
    counts, right = [], []
    for instance_map, instance_classes, class_id in cases:
        ids = [int(i) for i in np.unique(instance_map)
               if i != 0 and instance_classes[int(i)] == class_id]
        try:
            got, failure = _call(function, instance_map.copy(), dict(instance_classes),
                                 class_id, name="count_objects")
        except KeyError as error:
            return _first(_count_ignores_its_arguments(function),
                          _key_error_hint(error, instance_classes))
        if failure is not None:
            return failure
        count = _as_int(got)
        if count is None:
            if isinstance(got, (list, tuple, set, np.ndarray)) and len(got) == len(ids):
                return _hint(f"you returned {_describe(got)}, which looks like the ids "
                             "themselves: return how many there are (len(...)).")
            return _hint(f"return a single integer, got {type(got).__name__}.")
        counts.append(count)
        right.append(len(ids))
    if counts == right:
        return _right(f"Your counts are right on {len(cases)} test cases, including a class "
                      "with no object and a table listing an absent id.")
    verdict = _count_ignores_its_arguments(function, counts, right)
    if verdict is not None:
        return verdict
    for (instance_map, instance_classes, class_id), count, expected in zip(
            cases, counts, right, strict=True):
        if count != expected:
            return _count_hint(instance_map, instance_classes, class_id, count, expected)
    raise AssertionError("unreachable")  # pragma: no cover


def _count_ignores_its_arguments(function, counts=(), right=()) -> CheckResult | None:
    what = f"count {counts[0]}" if counts else "count"
    return _ignores_its_arguments(
        function, list(counts), list(right), what=what, tests="case",
        examples="`scene` or `crowded`", arguments="its arguments",
        use="`instance_map`, `instance_classes` and `class_id`, the arguments it is given")


def _count_hint(instance_map, instance_classes, class_id, count, expected) -> CheckResult:
    """The hint for a wrong ``count`` of the objects of ``class_id`` (``expected``)."""
    ids = [int(i) for i in np.unique(instance_map)
           if i != 0 and instance_classes[int(i)] == class_id]
    pixels = int(np.isin(instance_map, ids).sum()) if ids else 0
    if count == pixels and pixels != expected:
        return _hint("that is a number of pixels: count the distinct instance ids of the "
                     "class instead.")
    components = int(connected_components(np.isin(instance_map, ids)).max()) if ids else 0
    if count == components:
        return _hint("connected components merge objects that touch: count instance ids, "
                     "which keep touching objects apart.")
    if count == sum(1 for c in instance_classes.values() if c == class_id):
        return _hint("that counts the entries of `instance_classes`, which may list ids "
                     "absent from the map: count the ids in the map.")
    if count == expected + 1:
        return _hint("one too many: np.unique also lists 0, the background, which is no "
                     "object. Leave id 0 out.")
    all_objects = int(np.count_nonzero(np.unique(instance_map)))
    if count == all_objects:
        return _hint(f"that counts the objects of every class ({all_objects}): keep only "
                     f"the ids whose class in `instance_classes` is `class_id`.")
    return _hint(f"for class {class_id} the answer is {expected}, you returned {count}. "
                 "Look up the class of each id in `instance_classes`.")


def _panoptic_cases():
    """The maps the encoding is tested on: a scene, and a tiny map of another shape."""
    from ..data import make_scene

    tiny = np.stack([np.array([[0, 0, 3, 3],
                               [1, 1, 3, 4],
                               [2, 2, 2, 4]]),
                     np.array([[0, 0, 1, 1],
                               [0, 0, 1, 2],
                               [0, 0, 0, 3]])], axis=-1)
    return [make_scene(seed=1, size=(64, 96)).panoptic, tiny]


def check_panoptic_encoding(function) -> CheckResult:
    """Check ``encode_panoptic(panoptic_map) -> ids`` with ``category * 1000 + instance``.

    Examples
    --------
    >>> from segcourse.labels import panoptic_encode
    >>> check_panoptic_encoding(panoptic_encode).correct
    True
    >>> check_panoptic_encoding(lambda p: p[..., 1] * 1000 + p[..., 0])
    Not yet. Hint: category and instance are swapped: the category (channel 0) is
    multiplied by the divisor.
    """
    verdict = _not_a_function(function, "encode_panoptic", "encode_panoptic(panoptic_map)",
                              "exercises.check_panoptic_encoding")
    if verdict is not None:
        return verdict
    cases = _panoptic_cases()
    outputs = []
    for panoptic in cases:
        got, failure = _call(function, panoptic.copy(), name="encode_panoptic")
        if failure is not None:
            return failure
        outputs.append(np.asarray(got))
    expected = [panoptic[..., 0] * 1000 + panoptic[..., 1] for panoptic in cases]
    if all(got.shape == right.shape and np.issubdtype(got.dtype, np.number)
           and np.array_equal(got, right) for got, right in zip(outputs, expected, strict=True)):
        for got in outputs:
            if not np.issubdtype(got.dtype, np.integer):
                return _hint(f"the values are right, but your ids are {got.dtype} numbers (1e3 "
                             "is a float): use the integer 1000, so that the ids stay exact "
                             "integers and // and % give integers back.")
        return _right("category * 1000 + instance: each segment has one id, and // and % "
                      "recover both parts.")
    verdict = _ignores_its_arguments(function, outputs, expected, what="ids", tests="map",
                                     examples="`scene` or `panoptic`",
                                     arguments="its argument",
                                     use="the panoptic map it is given")
    if verdict is not None:
        return verdict
    for panoptic, got, right in zip(cases, outputs, expected, strict=True):
        if not (got.shape == right.shape and np.array_equal(got, right)):
            return _panoptic_hint(panoptic, got)
    raise AssertionError("unreachable")  # pragma: no cover


def _panoptic_hint(panoptic, got) -> CheckResult:
    """The hint for wrong ids ``got`` of the panoptic map ``panoptic``."""
    category, instance = panoptic[..., 0], panoptic[..., 1]
    expected = category * 1000 + instance
    if got.shape != expected.shape:
        if (got.shape == panoptic.shape[1:]
                and np.array_equal(got, panoptic[0] * 1000 + panoptic[1])):
            return _hint("panoptic_map[0] and panoptic_map[1] are the first two rows of the "
                         "image: the two channels are panoptic_map[..., 0] (category) and "
                         "panoptic_map[..., 1] (instance).")
        return _hint(f"the ids should have the image's shape {expected.shape}, got "
                     f"{got.shape}: combine the two channels into one.")
    if not np.issubdtype(got.dtype, np.number):
        return _hint(f"return an array of integers, got an array of dtype {got.dtype}.")
    if np.array_equal(got, instance * 1000 + category):
        return _hint("category and instance are swapped: the category (channel 0) is "
                     "multiplied by the divisor.")
    for divisor in (10, 100, 256, 10000):
        if np.array_equal(got, category * divisor + instance):
            return _hint(f"you used the divisor {divisor}; this exercise uses 1000.")
    if np.array_equal(got, category + instance):
        return _hint("a plain sum mixes categories and instances up: multiply the category "
                     "by 1000 first.")
    if np.array_equal(got, category * 1000):
        return _hint("only the category is there: add the instance id (channel 1).")
    if np.array_equal(got, instance):
        return _hint("only the instance id is there: add the category (channel 0) times 1000.")
    return _hint("compute panoptic_map[..., 0] * 1000 + panoptic_map[..., 1].")


def _component_data(instance_map):
    """(object mask, number of objects) of an instance map, or of a scene's things."""
    if hasattr(instance_map, "semantic") and hasattr(instance_map, "things"):
        scene = instance_map  # a Scene of segcourse.data: its thing mask
        mask = np.isin(scene.semantic, scene.things)
        instance_map = scene.instance
    else:
        instance_map = check_instance_map(instance_map, "instance_map")
        mask = instance_map > 0
    return mask, int(np.count_nonzero(np.unique(instance_map)))


def check_component_count(component_count, lost, instance_map) -> CheckResult:
    """Check what connected components (4-connectivity) find in a map's object mask.

    ``component_count`` is the number of regions of the mask of all object
    pixels (``instance_map > 0``), with the default 4-connectivity;
    ``lost`` is how many objects fewer than the true count that is.

    Parameters
    ----------
    component_count, lost
        The learner's answers.
    instance_map : array of int, or a Scene
        0 = background, one id per object. A :class:`segcourse.data.Scene`
        is accepted too: then its thing mask and its instance map are used.

    Examples
    --------
    >>> instance_map = np.array([[1, 2, 0, 0],
    ...                          [0, 0, 3, 0]])
    >>> check_component_count(2, 1, instance_map)
    Correct! 2 regions for 3 objects: objects that touch merge, so 1 lost.
    >>> check_component_count(1, 2, instance_map).message[:40]
    'that count uses 8-connectivity (diagonal'
    """
    verdict = _first(_values_not_answered("your number", component_count=component_count,
                                          lost=lost),
                     _values_are_functions(component_count=component_count, lost=lost))
    if verdict is not None:
        return verdict
    mask, true_count = _component_data(instance_map)
    expected = int(connected_components(mask).max())
    eight = int(connected_components(mask, connectivity=2).max())

    if isinstance(component_count, np.ndarray) and component_count.size > 1:
        return _hint(f"`component_count` is {_describe(component_count)}: that is the "
                     "labelled image itself. The number of regions is its largest label, "
                     ".max().")
    count = _as_int(component_count)
    lost_count = _as_int(lost)
    if count is None or lost_count is None:
        return _hint(f"give two whole numbers; got {_describe(component_count)} and "
                     f"{_describe(lost)}.")
    if count != expected:
        if count == expected + 1:
            also = (" (It is also the true number of objects here.)"
                    if count == true_count else "")
            return _hint("one too many: len(np.unique(...)) of the components also counts "
                         "label 0, the background, which is no region. Take the largest "
                         f"label, .max(), or leave 0 out.{also}")
        if count == eight:
            return _hint("that count uses 8-connectivity (diagonal neighbours), which joins "
                         "objects that meet only at a corner: use the default, "
                         "connectivity=1.")
        if count == eight + 1:
            return _hint("that count uses 8-connectivity (use the default, connectivity=1) "
                         "and also counts label 0, the background (take .max(), not "
                         "len(np.unique(...))).")
        if count == true_count:
            return _hint("that is the true number of objects (from the instance ids); count "
                         "the regions of the object mask instead.")
        if count == true_count + 1:
            return _hint("that is the number of distinct ids in the instance map, 0 included: "
                         "label the object mask with labels.connected_components and count "
                         "its regions instead.")
        return _hint("label the mask of all object pixels with labels.connected_components "
                     "and take its maximum.")
    if lost_count != true_count - expected:
        if lost_count == expected - true_count:
            return _hint("the sign of `lost` is flipped: the true count minus the "
                         "components.")
        if lost_count == true_count + 1 - expected:
            return _hint("`lost` is one too large: the number of objects is the number of "
                         "ids other than 0 (np.unique also lists the background).")
        if lost_count == true_count - eight:
            return _hint("`component_count` is right, but `lost` uses the 8-connectivity "
                         "count: subtract `component_count` itself.")
        return _hint(f"`lost` is the true number of objects ({true_count}) minus the number "
                     "of components.")
    return _right(f"{expected} regions for {true_count} objects: objects that touch merge, so "
                  f"{lost_count} lost.")
