"""Unit tests of segcourse.plotting: each helper draws on the Axes it is given and returns it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from segcourse.labels import CLASS_PALETTE, instance_colors  # noqa: E402
from segcourse.plotting import (  # noqa: E402
    show_boxes,
    show_image,
    show_labels,
    show_overlay,
    show_pixel_grid,
    side_by_side,
)

IMAGE = np.linspace(0, 1, 12).reshape(3, 4)
LABELS = np.array([[0, 1, 1, 0],
                   [0, 2, 2, 0],
                   [0, 0, 0, 0]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def new_axes():
    return plt.subplots()[1]


def shown(ax, index=-1):
    """The array of the `index`-th image drawn on `ax`."""
    return np.asarray(ax.get_images()[index].get_array())


# --- ax=None / ax given ----------------------------------------------------------------------

CALLS = {
    "show_image": lambda ax: show_image(IMAGE, ax),
    "show_labels": lambda ax: show_labels(LABELS, ax),
    "show_overlay": lambda ax: show_overlay(IMAGE, LABELS, ax),
    "show_boxes": lambda ax: show_boxes(IMAGE, [[0, 0, 1, 1]], ax),
    "show_pixel_grid": lambda ax: show_pixel_grid(LABELS, ax),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_returns_the_given_axes(name):
    ax = new_axes()
    assert CALLS[name](ax) is ax
    assert len(ax.get_images()) >= 1


@pytest.mark.parametrize("name", sorted(CALLS))
def test_makes_new_axes_when_none(name):
    before = set(plt.get_fignums())
    ax = CALLS[name](None)
    assert isinstance(ax, Axes)
    assert ax.figure.number not in before
    assert len(ax.get_images()) >= 1


# --- show_image ------------------------------------------------------------------------------


def test_show_image_grayscale_and_colour():
    ax = show_image(IMAGE, title="an image")
    np.testing.assert_array_equal(shown(ax), IMAGE)
    assert ax.get_images()[0].get_cmap().name == "gray"
    assert ax.get_title() == "an image"
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    colour = np.random.default_rng(0).random((3, 4, 3))
    np.testing.assert_array_equal(shown(show_image(colour)), colour)


@pytest.mark.parametrize("image", [np.zeros(5), np.zeros((3, 4, 2)), np.zeros((2, 3, 4, 3))])
def test_show_image_rejects_bad_shapes(image):
    with pytest.raises(ValueError, match=r"`image` to be an \(H, W\) or \(H, W, 3\) image"):
        show_image(image)


def test_show_image_rejects_wrong_type():
    with pytest.raises(TypeError, match=r"`image`"):
        show_image("picture.png")


# --- show_labels -----------------------------------------------------------------------------


def test_show_labels_semantic_colours():
    ax = show_labels(LABELS)
    np.testing.assert_allclose(shown(ax), CLASS_PALETTE[LABELS])
    # num_classes keeps the colours; a boolean mask is classes 0 and 1
    np.testing.assert_allclose(shown(show_labels(LABELS, num_classes=6)), CLASS_PALETTE[LABELS])
    mask = LABELS > 0
    np.testing.assert_allclose(shown(show_labels(mask)), CLASS_PALETTE[mask.astype(int)])


def test_show_labels_instance_colours():
    instances = np.array([[0, 1], [2, 3]])
    ax = show_labels(instances, kind="instance", seed=2)
    colours = instance_colors(3, seed=2)
    np.testing.assert_allclose(shown(ax)[0, 0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(shown(ax)[0, 1], colours[0])
    np.testing.assert_allclose(shown(ax)[1, 0], colours[1])
    np.testing.assert_allclose(shown(ax)[1, 1], colours[2])


def test_show_labels_legend():
    ax = show_labels(LABELS, class_names=["background", "cat", "dog"], title="t")
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["background", "cat", "dog"]
    assert ax.get_title() == "t"
    assert show_labels(LABELS, class_names=["a", "b", "c"], legend=False).get_legend() is None
    assert show_labels(LABELS).get_legend() is None


def test_show_labels_bad_inputs():
    with pytest.raises(ValueError,
                       match=r"`kind` to be 'semantic' or 'instance', but got 'panoptic'"):
        show_labels(LABELS, kind="panoptic")
    with pytest.raises(ValueError, match=r"`label_map` to be a 2-D label map"):
        show_labels(np.zeros((2, 2, 2), dtype=int))
    with pytest.raises(ValueError, match=r"`label_map` to be a label map with values >= 0"):
        show_labels(np.array([[0, -1]]))
    with pytest.raises(ValueError, match=r"`label_map` to be an integer label map"):
        show_labels(np.array([[0.0, 0.5]]))


# --- show_overlay ----------------------------------------------------------------------------


def test_show_overlay_colours_only_the_labels():
    ax = show_overlay(IMAGE, LABELS, alpha=0.4)
    assert len(ax.get_images()) == 2
    np.testing.assert_array_equal(shown(ax, 0), IMAGE)
    rgba = shown(ax, 1)
    assert rgba.shape == (3, 4, 4)
    np.testing.assert_allclose(rgba[..., 3], np.where(LABELS > 0, 0.4, 0.0))
    np.testing.assert_allclose(rgba[0, 1, :3], CLASS_PALETTE[1])
    np.testing.assert_allclose(rgba[1, 2, :3], CLASS_PALETTE[2])


def test_show_overlay_outline():
    labels = np.zeros((7, 7), dtype=int)
    labels[1:6, 1:6] = 1
    rgba = shown(show_overlay(np.zeros((7, 7, 3)), labels, outline=True, alpha=0.2), 1)
    expected = labels.astype(bool).copy()
    expected[2:5, 2:5] = False  # the interior is left uncoloured
    np.testing.assert_array_equal(rgba[..., 3] > 0, expected)
    np.testing.assert_allclose(rgba[..., 3][expected], 1.0)


def test_show_overlay_outline_between_touching_regions():
    labels = np.zeros((5, 8), dtype=int)
    labels[:, 1:4] = 1
    labels[:, 4:7] = 2
    alpha = shown(show_overlay(np.zeros((5, 8)), labels, kind="instance", outline=True), 1)[..., 3]
    # where the two regions touch, both borders are drawn although the union has no hole
    assert alpha[2, 3] == 1.0 and alpha[2, 4] == 1.0
    assert alpha[2, 2] == 0.0 and alpha[2, 5] == 0.0


def test_show_overlay_bad_inputs():
    with pytest.raises(ValueError, match=r"arguments `image` and `label_map` to have the same "
                                         r"height and width, but got \(3, 4\) and \(4, 3\)"):
        show_overlay(IMAGE, LABELS.T)
    with pytest.raises(ValueError, match=r"`image` and `label_map`"):
        show_overlay(np.zeros((3, 5, 3)), LABELS)
    with pytest.raises(ValueError, match=r"`alpha` to be a number in \[0, 1\], but got 1\.5"):
        show_overlay(IMAGE, LABELS, alpha=1.5)
    with pytest.raises(ValueError, match=r"`image`"):
        show_overlay(np.zeros((3, 4, 2)), LABELS)


# --- show_boxes ------------------------------------------------------------------------------


def rectangles(ax):
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


def test_show_boxes_one_rectangle_per_box():
    boxes = np.array([[0, 0, 1, 1], [2, 1, 3, 2], [1, 0, 1, 0]])
    ax = show_boxes(IMAGE, boxes, color="red", title="boxes")
    drawn = rectangles(ax)
    assert len(drawn) == 3
    # inclusive boxes around whole pixels: from pixel edge to pixel edge
    assert drawn[0].get_xy() == (-0.5, -0.5)
    assert (drawn[0].get_width(), drawn[0].get_height()) == (2, 2)
    assert drawn[1].get_xy() == (1.5, 0.5)
    assert (drawn[1].get_width(), drawn[1].get_height()) == (2, 2)
    assert (drawn[2].get_width(), drawn[2].get_height()) == (1, 1)
    assert ax.get_title() == "boxes"
    assert len(ax.texts) == 0


def test_show_boxes_labels_single_box_and_none():
    ax = show_boxes(IMAGE, [[0, 0, 1, 1], [2, 1, 3, 2]], labels=["coin", 7])
    assert [text.get_text() for text in ax.texts] == ["coin", "7"]
    assert len(rectangles(show_boxes(IMAGE, (0, 0, 2, 1)))) == 1
    assert len(rectangles(show_boxes(IMAGE, np.zeros((0, 4))))) == 0
    assert len(rectangles(show_boxes(IMAGE, []))) == 0


@pytest.mark.parametrize("boxes", [np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((1, 2, 4))])
def test_show_boxes_rejects_bad_shapes(boxes):
    with pytest.raises(ValueError, match=r"`boxes` to be an array of shape \(K, 4\)"):
        show_boxes(IMAGE, boxes)


# --- show_pixel_grid -------------------------------------------------------------------------


def test_show_pixel_grid_writes_every_cell():
    values = np.array([[0, 1, 2],
                       [3, 4, 5]])
    ax = show_pixel_grid(values, title="grid")
    assert [text.get_text() for text in ax.texts] == ["0", "1", "2", "3", "4", "5"]
    assert [text.get_position() for text in ax.texts] == [(c, r) for r in range(2)
                                                          for c in range(3)]
    assert ax.get_title() == "grid"
    ax = show_pixel_grid(np.array([[0.25, 1.0]]), fmt="{:.1f}")
    assert [text.get_text() for text in ax.texts] == ["0.2", "1.0"]
    ax = show_pixel_grid(np.array([[True, False]]))
    assert [text.get_text() for text in ax.texts] == ["True", "False"]


def test_show_pixel_grid_text_contrast():
    ax = show_pixel_grid(np.array([[0, 1]]))  # viridis: dark purple, then yellow
    assert [text.get_color() for text in ax.texts] == ["white", "black"]
    image = np.array([[1.0, 0.0]])  # drawn in gray underneath: white, then black
    ax = show_pixel_grid(np.array([[7, 8]]), image=image)
    assert [text.get_color() for text in ax.texts] == ["black", "white"]
    np.testing.assert_array_equal(shown(ax), image)


def test_show_pixel_grid_size_limit():
    assert len(show_pixel_grid(np.zeros((40, 40), dtype=int)).texts) == 1600
    with pytest.raises(ValueError, match=r"`values` to be at most 40 x 40 pixels"):
        show_pixel_grid(np.zeros((41, 41), dtype=int))


def test_show_pixel_grid_bad_inputs():
    with pytest.raises(ValueError, match=r"`values` to be a 2-D array"):
        show_pixel_grid(np.zeros(4))
    with pytest.raises(ValueError, match=r"`values` to be a 2-D array"):
        show_pixel_grid(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"`image`"):
        show_pixel_grid(np.zeros((2, 2)), image=np.zeros((2, 2, 5)))


# --- side_by_side ----------------------------------------------------------------------------


def test_side_by_side():
    axes = side_by_side(3, titles=["a", "b", "c"])
    assert len(axes) == 3
    assert all(isinstance(ax, Axes) for ax in axes)
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    assert len({id(ax.figure) for ax in axes}) == 1
    np.testing.assert_allclose(axes[0].figure.get_size_inches(), [12.0, 4.0])
    single = side_by_side(1, width=2.0, height=3.0)
    assert len(single) == 1
    np.testing.assert_allclose(single[0].figure.get_size_inches(), [2.0, 3.0])
    assert show_image(IMAGE, single[0]) is single[0]


def test_side_by_side_bad_inputs():
    with pytest.raises(ValueError, match=r"`count` to be a positive integer, but got 0"):
        side_by_side(0)
    with pytest.raises(TypeError, match=r"`count` to be a positive integer"):
        side_by_side(2.0)
    with pytest.raises(TypeError, match=r"`count` to be a positive integer"):
        side_by_side(True)
    with pytest.raises(ValueError, match=r"`titles` to be 2 titles, but got 3 titles"):
        side_by_side(2, titles=["a", "b", "c"])


def test_components_rgb_colours_merges_and_single_objects():
    from segcourse.labels import instance_colors
    from segcourse.plotting import MERGED_COLOUR, components_rgb

    instances = np.array([[1, 1, 2, 0, 3, 0, 0]])
    components = np.array([[1, 1, 1, 0, 2, 0, 3]])  # 1 covers objects 1 and 2; 3 covers none
    rgb, merged = components_rgb(components, instances, seed=0)
    assert merged == 1
    np.testing.assert_allclose(rgb[0, 0], MERGED_COLOUR)
    np.testing.assert_allclose(rgb[0, 4], instance_colors(3, seed=0)[2])  # object 3's colour
    np.testing.assert_allclose(rgb[0, 3], [0, 0, 0])
    np.testing.assert_allclose(rgb[0, 6], [0.6, 0.6, 0.6])
    with pytest.raises(ValueError, match="same shape"):
        components_rgb(components, instances[:, :3])
    with pytest.raises(ValueError, match="`components`"):
        components_rgb(components.astype(float) + 0.5, instances)


def test_show_components_returns_the_axes():
    from segcourse.plotting import show_components

    _, ax = plt.subplots()
    assert show_components(np.array([[1, 0, 2]]), np.array([[1, 0, 2]]), ax, title="t") is ax
    assert ax.get_title() == "t"


def test_panoptic_rgb_matches_class_and_instance_colours():
    from segcourse.labels import class_colors
    from segcourse.plotting import panoptic_rgb, show_panoptic

    panoptic = np.array([[[0, 0], [1, 0], [3, 1], [3, 2]]])
    rgb = panoptic_rgb(panoptic, num_classes=4)
    np.testing.assert_allclose(rgb[0, 0], class_colors(4)[0])
    np.testing.assert_allclose(rgb[0, 1], class_colors(4)[1])
    np.testing.assert_allclose(rgb[0, 2], instance_colors(2)[0])
    np.testing.assert_allclose(rgb[0, 3], instance_colors(2)[1])
    with pytest.raises(ValueError, match="`panoptic_map`"):
        panoptic_rgb(np.zeros((2, 2, 3), int))
    _, ax = plt.subplots()
    assert show_panoptic(panoptic, ax, title="p") is ax
