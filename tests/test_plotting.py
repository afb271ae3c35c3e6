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
    show_channels,
    show_class_values,
    show_components,
    show_heatmap,
    show_image,
    show_labels,
    show_overlay,
    show_panoptic,
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
    "show_heatmap": lambda ax: show_heatmap(IMAGE, ax, label="probability"),
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


# --- model outputs: heat map, channels, class values ---------------------------------------


def test_show_heatmap_colour_range_and_labelled_colour_bar():
    ax = show_heatmap(IMAGE, vmin=0, vmax=1, label="probability", title="p")
    image = ax.get_images()[0]
    assert image.get_clim() == (0.0, 1.0) and image.get_cmap().name == "viridis"
    np.testing.assert_array_equal(shown(ax), IMAGE)
    bar = ax.figure.axes[1]
    assert bar.get_ylabel() == "probability" and ax.get_title() == "p"
    # default range: the data's; a constant map still draws
    assert show_heatmap(IMAGE).get_images()[0].get_clim() == (0.0, 1.0)
    assert show_heatmap(np.full((2, 2), 3.0), colorbar=False).get_images()[0].get_clim() == (
        3.0, 4.0)
    assert len(show_heatmap(IMAGE, colorbar=False).figure.axes) == 1


def test_show_heatmap_bad_inputs():
    with pytest.raises(ValueError, match=r"`values` to be a numeric array of shape \(H, W\)"):
        show_heatmap(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"`vmax` to be a number larger than vmin=1"):
        show_heatmap(IMAGE, vmin=1, vmax=0)


def test_show_channels_shares_one_colour_scale():
    channels = np.stack([IMAGE, 2 * IMAGE - 1, -IMAGE])
    axes = show_channels(channels, names=["a", "b", "c"], label="logit")
    assert len(axes) == 3 and [ax.get_title() for ax in axes] == ["a", "b", "c"]
    for ax, channel in zip(axes, channels, strict=True):
        np.testing.assert_array_equal(shown(ax), channel)
        assert ax.get_images()[0].get_clim() == (-1.0, 1.0)
    bars = [ax for ax in axes[0].figure.axes if ax not in axes]
    assert len(bars) == 1 and bars[0].get_ylabel() == "logit"
    # fits the column
    assert axes[0].figure.get_size_inches()[0] == pytest.approx(plotting.COLUMN_WIDTH_IN)


def test_show_channels_on_given_axes_and_default_names():
    _, given = plt.subplots(1, 2)
    axes = show_channels(np.zeros((2, 3, 3)), given, vmin=0, vmax=1, colorbar=False)
    assert list(axes) == list(given)
    assert [ax.get_title() for ax in axes] == ["channel 0", "channel 1"]
    with pytest.raises(ValueError, match=r"`axes` to be 3 Axes"):
        show_channels(np.zeros((3, 3, 3)), given)
    with pytest.raises(ValueError, match=r"`names` to be 2 names"):
        show_channels(np.zeros((2, 3, 3)), names=["a"])
    with pytest.raises(ValueError, match=r"`channels` to be a numeric array of shape \(C, H, W\)"):
        show_channels(np.zeros((3, 3)))


def test_show_class_values_bars_and_numbers():
    ax = show_class_values(np.array([2.0, -1.0, 0.5]), class_names=["a", "b", "c"],
                           ylabel="logit", title="one pixel")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [2.0, -1.0, 0.5]
    assert [t.get_text() for t in ax.texts] == ["2.00", "-1.00", "0.50"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_ylabel() == "logit" and ax.get_title() == "one pixel"
    np.testing.assert_allclose([p.get_facecolor()[:3] for p in ax.patches], CLASS_PALETTE[:3])
    low, high = ax.get_ylim()
    assert low < -1.0 and high > 2.0  # room for the numbers
    probs = show_class_values(np.array([0.25, 0.75]), ylim=(0, 1), fmt="{:.1f}")
    assert probs.get_ylim() == (0.0, 1.0) and probs.texts[1].get_text() == "0.8"
    assert show_class_values(np.zeros(2)).get_ylim() == (0.0, 1.0)


def test_show_class_values_bad_inputs():
    with pytest.raises(ValueError, match=r"`values` to be a non-empty 1-D array"):
        show_class_values(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"`class_names` to be 2 names"):
        show_class_values(np.zeros(2), class_names=["a"])
    with pytest.raises(ValueError, match=r"`colors`"):
        show_class_values(np.zeros(3), colors=np.zeros((2, 3)))


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
    # by default the panels share the content column, and are square
    np.testing.assert_allclose(axes[0].figure.get_size_inches(), [6.8, 6.8 / 3])
    np.testing.assert_allclose(side_by_side(2, height=3.0)[0].figure.get_size_inches(),
                               [6.8, 3.0])
    single = side_by_side(1, width=2.0, height=3.0)
    assert len(single) == 1
    np.testing.assert_allclose(single[0].figure.get_size_inches(), [2.0, 3.0])
    assert show_image(IMAGE, single[0]) is single[0]


def test_side_by_side_refuses_figures_wider_than_the_column():
    with pytest.raises(ValueError, match=r"`width` to be at most 6.8 / 3 = 2.27 inches "
                                         r"\(the content column holds 680 px"):
        side_by_side(3, width=4.2)
    side_by_side(2, width=3.4)  # exactly the column


def test_side_by_side_bad_inputs():
    with pytest.raises(ValueError, match=r"`count` to be a positive integer, but got 0"):
        side_by_side(0)
    with pytest.raises(TypeError, match=r"`count` to be a positive integer"):
        side_by_side(2.0)
    with pytest.raises(TypeError, match=r"`count` to be a positive integer"):
        side_by_side(True)
    with pytest.raises(ValueError, match=r"`titles` to be 2 titles, but got 3 titles"):
        side_by_side(2, titles=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"`width` to be a number in \(0, inf\]"):
        side_by_side(2, width=0)
    with pytest.raises(ValueError, match=r"`height` to be a number in \(0, inf\]"):
        side_by_side(2, height=-1.0)


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


# --- the figure style --------------------------------------------------------------------------
#
# DESIGN.md, Figure style: figures fit the book's content column (680 px at 100 px per
# inch), no text under 12 px as displayed, PNGs at twice the display density.

import io  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib as mpl  # noqa: E402
from PIL import Image  # noqa: E402

from segcourse import plotting  # noqa: E402
from segcourse.data import SCENE_CLASS_COLORS, make_scene  # noqa: E402
from segcourse.labels import class_colors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["01_what_is_segmentation", "02_types_semantic_instance_panoptic", "03_model_output",
            "04_pixel_scores", "05_object_scores", "06_losses"]


@pytest.fixture
def course_style():
    with plotting.course_style():
        yield


def displayed_text_px(fig, width_px):
    """Font size of every drawn text in px as displayed, from first principles."""
    shrink = min(1.0, plotting.COLUMN_WIDTH_PX / width_px)
    return [(text, points * fig.dpi / 72 * shrink) for text, points in plotting.drawn_texts(fig)]


def test_use_course_style_sets_the_rules_and_course_style_restores_them():
    before = dict(mpl.rcParams)
    with mpl.rc_context():
        plotting.use_course_style()  # no IPython here: only the settings
        assert mpl.rcParams["figure.dpi"] == plotting.DISPLAY_DPI == 100
        assert mpl.rcParams["figure.figsize"][0] * 100 <= plotting.COLUMN_WIDTH_PX
        assert mpl.rcParams["figure.constrained_layout.use"]
        # the smallest font of the style is still 12 px as displayed
        sizes = [mpl.rcParams[key] for key in ("font.size", "axes.titlesize", "axes.labelsize",
                                               "xtick.labelsize", "ytick.labelsize",
                                               "legend.fontsize", "legend.title_fontsize")]
        assert min(sizes + [plotting.GRID_TEXT_PT]) * 100 / 72 >= plotting.MIN_TEXT_PX
    assert dict(mpl.rcParams) == before
    with plotting.course_style():
        assert mpl.rcParams["axes.titlesize"] == 11
    assert dict(mpl.rcParams) == before


def test_figure_png_is_twice_the_display_density_with_the_displayed_width():
    fig = plt.figure(figsize=(6.8, 2.0), dpi=100)
    fig.add_subplot().plot([0, 1])
    png, metadata = plotting.figure_png(fig, bbox_inches=None)
    assert Image.open(io.BytesIO(png)).size == (1360, 400)
    assert metadata == {"width": 680}  # no height: a narrow column keeps the aspect ratio
    png, metadata = plotting.figure_png(fig, scale=1, bbox_inches=None)
    assert Image.open(io.BytesIO(png)).size == (680, 200) and metadata == {"width": 680}


def test_figure_png_tight_crops_but_never_grows_beyond_the_figure(course_style):
    # constrained layout fills the figure; a plain "tight" crop with its padding
    # would make this 682 px wide, wider than the column
    axes = side_by_side(2, height=2.0)
    for ax in axes:
        ax.plot([0, 1000], [0, 1000])
        ax.set_xlabel("x (px)")
    png, metadata = plotting.figure_png(axes[0].figure)
    assert metadata["width"] <= plotting.COLUMN_WIDTH_PX
    assert Image.open(io.BytesIO(png)).size[0] == 2 * metadata["width"]
    # a square image in a wide figure: the empty margins go
    fig = plt.figure(figsize=(6.8, 2.0))
    show_image(np.zeros((8, 8)), fig.add_subplot())
    assert plotting.figure_png(fig)[1]["width"] < 300


def test_drawn_texts_counts_only_what_is_drawn(course_style):
    fig, ax = plt.subplots()
    ax.set_title("shown")
    ax.set_axis_off()  # tick labels exist but are not drawn
    ax.text(0.5, 0.5, "")
    assert plotting.drawn_texts(fig) == [("shown", 11.0)]


def three_panels():
    scene = make_scene(0, (64, 96))
    axes = side_by_side(3, titles=["classification:\ncoins = True", "detection:\n3 boxes",
                                   "segmentation:\nevery pixel"])
    show_image(scene.image, axes[0])
    show_boxes(scene.image, [[2, 2, 20, 20], [30, 30, 40, 50]], axes[1], labels=["a", "b"])
    show_overlay(scene.image, scene.instance, axes[2], kind="instance")
    return axes[0].figure


def grid_with_legend():
    scene = make_scene(0, (64, 96))
    fig, axes = plt.subplots(2, 2, figsize=(plotting.COLUMN_WIDTH_IN, 4.4))
    show_labels(scene.semantic, axes[0, 0], class_names=scene.class_names,
                colors=scene.class_colors, title="semantic")
    show_labels(scene.instance, axes[0, 1], kind="instance", title="instance")
    show_panoptic(scene.panoptic, axes[1, 0], colors=scene.class_colors, title="panoptic")
    show_components(scene.instance > 0, scene.instance, axes[1, 1], title="components")
    return fig


def pixel_grids():
    grey = np.random.default_rng(0).integers(0, 256, size=(10, 8))
    axes = side_by_side(2, height=3.8)
    show_pixel_grid(grey, axes[0], image=grey, vmin=0, vmax=255, origin=(100, 200),
                    title="grey values (0 to 255)")
    show_pixel_grid((grey > 128).astype(int), axes[1], cmap="gray", title="mask")
    return axes[0].figure


def colour_bar():
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    shown = ax.imshow(np.random.default_rng(0).random((8, 8)), cmap="viridis")
    fig.colorbar(shown, ax=ax, label="probability")
    ax.set(xlabel="column", ylabel="row", title="a colour bar")
    return fig


#: One figure per plotting helper, drawn as the chapters draw them.
TYPICAL_FIGURES = {"three panels": three_panels, "grid with legend": grid_with_legend,
                   "pixel grids": pixel_grids, "colour bar": colour_bar}


@pytest.mark.parametrize("name", list(TYPICAL_FIGURES))
def test_typical_figures_fit_the_column_and_have_no_small_text(name, course_style):
    fig = TYPICAL_FIGURES[name]()
    png, metadata = plotting.figure_png(fig)
    width = metadata["width"]
    assert width <= plotting.COLUMN_WIDTH_PX
    assert Image.open(io.BytesIO(png)).size[0] == 2 * width  # 2x
    sizes = displayed_text_px(fig, width)
    assert sizes
    small = [(text, round(px, 1)) for text, px in sizes if px < plotting.MIN_TEXT_PX]
    assert not small
    assert plotting.check_figure(fig, width_px=width) == []


def test_check_figure_flags_the_old_figures():
    # chapter 1 before the style: 80 dpi, 12.6 inches wide, legends and box labels "x-small"
    with mpl.rc_context({"figure.dpi": 80}):
        fig, axes = plt.subplots(1, 3, figsize=(12.6, 3.6), constrained_layout=True)
        show_image(IMAGE, axes[0], title="classification: coins = True")
        axes[1].legend(handles=[Rectangle((0, 0), 1, 1, label="sky")], fontsize="small")
        axes[2].text(0, 0, "7", fontsize="x-small")
    assert plotting.check_figure(fig) == [
        "the figure is 1008 px wide, wider than the 680 px column: the browser shrinks it to 67 %",
        "text '7' is 5.2 px as displayed (at least 12 px)",
        "text 'sky' is 6.2 px as displayed (at least 12 px)",
        "text '0.0', '0.2', '0.4' ... is 7.5 px as displayed (at least 12 px)",
        "text 'classification: coins = True' is 9.0 px as displayed (at least 12 px)",
    ]


def cells_overflowed(ax):
    """Texts of a pixel grid wider or taller than their cell (with a 1 px margin)."""
    renderer = ax.figure.canvas.get_renderer()
    to_px = ax.transData
    overflowing = []
    for text in ax.texts:
        if text.get_gid() == "segcourse-label":  # a label on an object, not a grid cell
            continue
        col, row = text.get_position()
        (x0, y0), (x1, y1) = to_px.transform([(col - 0.5, row + 0.5), (col + 0.5, row - 0.5)])
        box = text.get_window_extent(renderer)
        if box.width > abs(x1 - x0) - 2 or box.height > abs(y1 - y0) - 2:
            overflowing.append(text.get_text())
    return overflowing


def test_pixel_grid_numbers_fit_their_cells(course_style):
    fig = pixel_grids()
    fig.canvas.draw()
    for ax in fig.axes:
        assert len(ax.texts) == 80
        assert cells_overflowed(ax) == []
    # the check fires: twelve columns of three digits do not fit half the column
    axes = side_by_side(2)
    show_pixel_grid(np.full((12, 12), 255), axes[0])
    axes[0].figure.canvas.draw()
    assert len(cells_overflowed(axes[0])) == 144


# --- contrast --------------------------------------------------------------------------------


def test_contrast_ratio_literal_values():
    assert plotting.contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert plotting.contrast_ratio((1, 1, 1), (0, 0, 0)) == pytest.approx(21.0)
    assert plotting.contrast_ratio((0.3, 0.6, 0.1), (0.3, 0.6, 0.1)) == pytest.approx(1.0)
    # WCAG's example: #777777 on white just misses 4.5
    assert plotting.contrast_ratio((119 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.48, abs=0.01)
    np.testing.assert_allclose(plotting.relative_luminance([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
                               [0.2126, 0.7152, 0.0722])


def every_background():
    """Every colour a number may be written on: colormaps, palettes, error colours."""
    values = np.linspace(0, 1, 256)
    maps = ["viridis", "gray", "magma", "cividis", "plasma", "inferno", "Greys", "RdBu",
            "coolwarm", "tab10"]
    colours = [mpl.colormaps[name](values)[:, :3] for name in maps]
    colours += [class_colors(30), SCENE_CLASS_COLORS, instance_colors(200),
                np.array(list(plotting.ERROR_COLOURS.values())),
                np.array([plotting.MERGED_COLOUR])]
    return np.concatenate(colours)


def test_text_colour_on_every_background_reaches_wcag_aa():
    worst = min(plotting.contrast_ratio(colour, mpl.colors.to_rgb(plotting.text_colour_on(colour)))
                for colour in every_background())
    assert worst >= 4.5
    # the old rule (luma > 0.5 -> black) wrote white on viridis's green at 3:1
    green = mpl.colormaps["viridis"](0.6)[:3]
    assert float(np.dot(green, [0.299, 0.587, 0.114])) < 0.5
    assert plotting.contrast_ratio(green, (1, 1, 1)) < 3.1
    assert plotting.text_colour_on(green) == "black"


@pytest.mark.parametrize("cmap", ["viridis", "gray", "magma", "cividis"])
def test_pixel_grid_numbers_contrast_with_their_cells(cmap):
    values = np.arange(256).reshape(16, 16)
    ax = show_pixel_grid(values, cmap=cmap)
    cells = ax.get_images()[0].to_rgba(values.astype(float))[..., :3]
    for text in ax.texts:
        col, row = (int(v) for v in text.get_position())
        ratio = plotting.contrast_ratio(cells[row, col], mpl.colors.to_rgb(text.get_color()))
        assert ratio >= 4.5, (cmap, text.get_text(), text.get_color())


# --- colour meanings -------------------------------------------------------------------------


def cielab(rgb):
    """CIELAB (D65) of sRGB colours in [0, 1]."""
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                             [0.0193, 0.1192, 0.9505]]).T / [0.95047, 1.0, 1.08883]
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def test_merged_colour_is_unlike_every_class_and_instance_colour():
    merged = cielab(plotting.MERGED_COLOUR)
    for name, colours in [("class palette", class_colors(12)),
                          ("scene palette", SCENE_CLASS_COLORS),
                          ("instance colours", instance_colors(500, seed=3)),
                          ("semantic mask of the demos", class_colors(2)[1:])]:
        distance = np.linalg.norm(cielab(colours) - merged, axis=-1).min()
        assert distance >= 20, (name, distance)  # CIE76: clearly different


def test_show_labels_and_panoptic_take_a_palette():
    palette = np.array([[0.1, 0.2, 0.3], [0.9, 0.8, 0.7], [0.5, 0.5, 0.0]])
    ax = show_labels(LABELS, colors=palette, class_names=["a", "b", "c"])
    np.testing.assert_allclose(shown(ax), palette[LABELS])
    patches = ax.get_legend().get_patches()
    np.testing.assert_allclose([p.get_facecolor()[:3] for p in patches], palette)
    rgba = shown(show_overlay(IMAGE, LABELS, colors=palette), 1)
    np.testing.assert_allclose(rgba[0, 1, :3], palette[1])
    rgb = plotting.panoptic_rgb(np.array([[[0, 0], [2, 0], [1, 1]]]), colors=palette)
    np.testing.assert_allclose(rgb[0, :2], palette[[0, 2]])
    np.testing.assert_allclose(rgb[0, 2], instance_colors(1)[0])
    with pytest.raises(ValueError, match=r"`colors` to be an array of shape \(K, 3\) with K >= 3"):
        show_labels(LABELS, colors=palette[:2])
    with pytest.raises(ValueError, match=r"`colors`"):
        show_labels(LABELS, colors=np.zeros((3, 2)))


def test_no_misspelt_vermilion_in_the_figure_files():
    files = [ROOT / "segcourse" / name for name in ("plotting.py", "widgets.py", "labels.py",
                                                    "data.py")]
    files += [ROOT / "notebooks" / f"{chapter}.ipynb" for chapter in CHAPTERS]
    files += [Path(__file__), ROOT / "tests" / "test_widgets.py"]
    misspelt = "vermil" + "lion"
    assert [f.name for f in files if misspelt in f.read_text().lower()] == []


# --- the chapters' figures -------------------------------------------------------------------


def run_chapter_figures(chapter):
    """Run a chapter's code cells here (Agg) and check every figure it shows.

    A quicker stand-in for the book: the same code, the same style (the
    chapter's first cell calls use_course_style), the same checks as the
    notebook formatter. Demos are checked in test_widgets.py.
    """
    notebook = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())
    reports = []

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            fig = plt.figure(number)
            png, metadata = plotting.figure_png(fig)
            fig.canvas.draw()
            grids = [cells_overflowed(ax) for ax in fig.axes if len(ax.texts) > 4]
            reports.append({
                "cell": cell_id, "width": metadata["width"],
                "png_width": Image.open(io.BytesIO(png)).size[0],
                "problems": plotting.check_figure(fig, width_px=metadata["width"]),
                "smallest_px": min(px for _, px in displayed_text_px(fig, metadata["width"])),
                "overflowing": [t for grid in grids for t in grid],
            })
        plt.close("all")

    namespace = {"__name__": "__main__"}
    original_show = plt.show
    plt.show = show
    try:
        with mpl.rc_context():
            for cell in notebook["cells"]:
                if cell["cell_type"] != "code":
                    continue
                cell_id = cell.get("id")
                # IPython magics and shell lines are not Python
                source = "".join(line for line in cell["source"]
                                 if not line.lstrip().startswith(("%", "!")))
                exec(compile(source, f"{chapter}:{cell_id}", "exec"), namespace)
    finally:
        plt.show = original_show
    return reports


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_figures_follow_the_style(chapter, capsys):
    reports = run_chapter_figures(chapter)
    capsys.readouterr()  # the chapter's printed output
    assert len(reports) >= 3
    for report in reports:
        assert report["problems"] == [], report
        assert report["width"] <= plotting.COLUMN_WIDTH_PX, report
        assert report["png_width"] == 2 * report["width"], report
        assert report["smallest_px"] >= plotting.MIN_TEXT_PX, report
        assert report["overflowing"] == [], report


# --- pixel scores (chapter 04) ----------------------------------------------------------------

ERR_TARGET = np.array([[1, 1, 0, 0],
                       [1, 0, 0, 0]], dtype=bool)
ERR_PRED = np.array([[1, 0, 1, 0],
                     [1, 0, 0, 1]], dtype=bool)


def test_show_errors_paints_every_outcome_in_its_colour_with_counts():
    ax = plotting.show_errors(ERR_PRED, ERR_TARGET, title="errors")
    rgb = shown(ax)
    colours = plotting.ERROR_COLOURS
    np.testing.assert_allclose(rgb[0, 0], colours["TP"])
    np.testing.assert_allclose(rgb[0, 1], colours["FN"])
    np.testing.assert_allclose(rgb[0, 2], colours["FP"])
    np.testing.assert_allclose(rgb[0, 3], colours["TN"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "TP: 2", "FP: 2", "FN: 1", "TN: 3"]
    patches = ax.get_legend().get_patches()
    np.testing.assert_allclose([p.get_facecolor()[:3] for p in patches],
                               [colours[k] for k in ("TP", "FP", "FN", "TN")])
    assert ax.get_title() == "errors"
    assert plotting.show_errors(ERR_PRED, ERR_TARGET, legend=None).get_legend() is None
    given = new_axes()
    assert plotting.show_errors(ERR_PRED.astype(int), ERR_TARGET, given, legend="below") is given
    rgb, counts = plotting.error_rgb(ERR_PRED, ERR_TARGET)
    assert counts == {"TP": 2, "FP": 2, "FN": 1, "TN": 3} and rgb.shape == (2, 4, 3)


def test_show_errors_bad_inputs():
    with pytest.raises(ValueError, match="`legend`"):
        plotting.show_errors(ERR_PRED, ERR_TARGET, legend="left")
    with pytest.raises(ValueError, match="same shape"):
        plotting.show_errors(ERR_PRED, ERR_TARGET[:, :3])
    with pytest.raises(ValueError, match="`pred`"):
        plotting.show_errors(np.full((2, 4), 3), ERR_TARGET)
    with pytest.raises(ValueError, match="`pred` to be a 2-D mask"):
        plotting.show_errors(ERR_PRED[None], ERR_TARGET[None])


def test_show_confusion_matrix_counts_names_and_orientation():
    cm = np.array([[5, 1], [2, 3]])
    ax = plotting.show_confusion_matrix(cm, class_names=["background", "foreground"],
                                        title="cm")
    assert [t.get_text() for t in ax.texts] == ["TN\n5", "FP\n1", "FN\n2", "TP\n3"]
    assert [t.get_position() for t in ax.texts] == [(0, 0), (1, 0), (0, 1), (1, 1)]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["background", "foreground"]
    np.testing.assert_array_equal(shown(ax), cm)
    assert ax.figure.axes[1].get_ylabel() == "pixels"
    three = plotting.show_confusion_matrix(np.arange(9).reshape(3, 3), colorbar=False)
    assert [t.get_text() for t in three.texts][:3] == ["0", "1", "2"]
    assert len(three.figure.axes) == 1
    # long names turn, so that they do not overlap
    names = ["sky", "grass", "road", "circle", "square", "triangle"]
    turned = plotting.show_confusion_matrix(np.eye(6, dtype=int), class_names=names)
    assert turned.get_xticklabels()[0].get_rotation() == 45


def test_show_confusion_matrix_numbers_contrast_with_their_cells():
    cm = np.array([[900, 3, 40], [7, 300, 0], [60, 2, 120]])
    ax = plotting.show_confusion_matrix(cm)
    cells = ax.get_images()[0].to_rgba(cm.astype(float))[..., :3]
    for text in ax.texts:
        col, row = (int(v) for v in text.get_position())
        ratio = plotting.contrast_ratio(cells[row, col], mpl.colors.to_rgb(text.get_color()))
        assert ratio >= 4.5


def test_show_confusion_matrix_bad_inputs():
    with pytest.raises(ValueError, match=r"`cm` to be a square \(C, C\) array of counts"):
        plotting.show_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`cm` to be counts >= 0"):
        plotting.show_confusion_matrix(np.array([[1, -1], [0, 1]]))
    with pytest.raises(ValueError, match="`class_names` to be 2 names"):
        plotting.show_confusion_matrix(np.eye(2), class_names=["a"])
    with pytest.raises(ValueError, match="`outcome_names`"):
        plotting.show_confusion_matrix(np.eye(3), outcome_names=True)


def test_show_score_curves_draws_each_score_in_its_style():
    x = np.array([0.001, 0.01, 0.1])
    curves = {"accuracy": [0.999, 0.99, 0.9], "dice": [0.6, np.nan, 0.95]}
    ax = plotting.show_score_curves(x, curves, mark=1, xlabel="fraction", log_x=True)
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in lines] == ["accuracy", "Dice"]
    for line, name in zip(lines, ("accuracy", "dice"), strict=True):
        colour, style, _ = plotting.SCORE_STYLES[name]
        assert mpl.colors.to_hex(line.get_color()) == colour.lower()
        assert line.get_linestyle() == style
    markers = [line for line in ax.get_lines() if line.get_marker() not in ("None", None, "")]
    assert len(markers) == 2 and all(m.get_xdata()[0] == 0.01 for m in markers)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "fraction"
    assert ax.get_ylabel() == "score" and ax.get_ylim() == (0.0, 1.03)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["accuracy", "Dice"]
    assert plotting.show_score_curves(x, {"other": x}, legend=None).get_legend() is None
    with pytest.raises(ValueError, match=r"`curves\['dice'\]` to be 3 values"):
        plotting.show_score_curves(x, {"dice": [1, 2]})
    with pytest.raises(TypeError, match="`curves`"):
        plotting.show_score_curves(x, [1, 2, 3])
    with pytest.raises(ValueError, match="`legend`"):
        plotting.show_score_curves(x, curves, legend="below")


def test_score_styles_are_distinct_and_never_an_error_colour():
    pixel_scores = ["accuracy", "specificity", "balanced_accuracy", "recall", "precision",
                    "dice", "iou", "matthews_corrcoef"]
    styles = [plotting.SCORE_STYLES[name] for name in pixel_scores]
    assert len({colour for colour, _, _ in styles}) == len(styles)
    assert len({marker for _, _, marker in styles}) >= 6
    errors = cielab(np.array(list(plotting.ERROR_COLOURS.values())))
    for name, (colour, _, _) in plotting.SCORE_STYLES.items():
        distance = np.linalg.norm(errors - cielab(mpl.colors.to_rgb(colour)), axis=-1).min()
        assert distance > 10, name
    assert set(plotting.SCORE_STYLES) == set(plotting.SCORE_LABELS)


def test_show_score_distribution_draws_boxes_and_every_point():
    scores = {"A": [0.2, 0.9, 0.8, 0.7], "B": [0.5, np.nan, 0.6]}
    ax = plotting.show_score_distribution(scores, title="per image")
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [len(line.get_ydata()) for line in points] == [4, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B\n(1 NaN)"]
    assert ax.get_ylabel() == "Dice" and ax.get_title() == "per image"
    # the jitter is seeded: the same picture on every run
    again = plotting.show_score_distribution(scores)
    np.testing.assert_array_equal(points[0].get_xdata(),
                                  [line for line in again.get_lines()
                                   if line.get_marker() == "o"][0].get_xdata())
    boxes_only = plotting.show_score_distribution(scores, points=False)
    assert not [line for line in boxes_only.get_lines() if line.get_marker() == "o"
                and len(line.get_ydata()) > 1]
    with pytest.raises(TypeError, match="`groups`"):
        plotting.show_score_distribution([0.1, 0.2])


def test_show_surface_distances_writes_each_boundary_pixels_distance():
    from segcourse.metrics import mask_boundary, surface_distances

    target = np.zeros((6, 6), bool)
    target[1:4, 1:4] = True
    pred = np.zeros((6, 6), bool)
    pred[1:4, 2:5] = True
    pred[5, 5] = True
    for direction, index, mask in (("pred", 0, pred), ("target", 1, target)):
        ax = plotting.show_surface_distances(pred, target, direction=direction)
        expected = surface_distances(pred, target)[index]
        assert [t.get_text() for t in ax.texts] == [f"{d:.1f}" for d in expected]
        positions = [tuple(int(v) for v in t.get_position()[::-1]) for t in ax.texts]
        assert positions == [tuple(p) for p in np.argwhere(mask_boundary(mask))]
        assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"
    with pytest.raises(ValueError, match="`direction`"):
        plotting.show_surface_distances(pred, target, direction="both")
    with pytest.raises(ValueError, match="at most 40 x 40"):
        plotting.show_surface_distances(np.zeros((50, 50), bool), np.zeros((50, 50), bool))


# --- chapter 05: object matches, IoU matrices, precision-recall curves ------------------------


def _objects():
    from segcourse.metrics import match_instances

    target = np.zeros((10, 12), int)
    target[1:5, 1:5] = 1    # found
    target[6:9, 8:11] = 2   # missed
    pred = np.zeros((10, 12), int)
    pred[1:5, 2:6] = 1      # IoU 12/20
    pred[6:8, 1:3] = 2      # false positive
    return pred, target, match_instances(pred, target)


def test_object_match_rgb_colours_each_outcome():
    pred, target, matches = _objects()
    rgb = plotting.object_match_rgb(pred, target, matches)
    colours = plotting.ERROR_COLOURS
    np.testing.assert_allclose(rgb[2, 5], colours["TP"])   # the found prediction's outline
    np.testing.assert_allclose(rgb[6, 1], colours["FP"])   # the false one's
    np.testing.assert_allclose(rgb[7, 9], 0.65 * np.array(colours["FN"]))  # missed: yellow fill
    np.testing.assert_allclose(rgb[6, 10], 1.0)            # every target outlined white
    np.testing.assert_allclose(rgb[0, 0], 0.0)             # background black without an image
    grey = plotting.object_match_rgb(pred, target, matches, image=np.ones((10, 12)))
    np.testing.assert_allclose(grey[0, 0], 0.6)             # the image dimmed
    same = plotting.object_match_rgb(pred, target, (("TP", "FP"), ("TP", "FN")))
    np.testing.assert_array_equal(same, rgb)
    with pytest.raises(ValueError, match="matches"):
        plotting.object_match_rgb(pred, target, (("TP", "XX"), ("TP", "FN")))
    with pytest.raises(TypeError, match="matches"):
        plotting.object_match_rgb(pred, target, ("TP",))
    with pytest.raises(ValueError, match="image"):
        plotting.object_match_rgb(pred, target, matches, image=np.ones((3, 3)))


def test_show_matches_legend_counts_and_labels():
    pred, target, matches = _objects()
    ax = plotting.show_matches(pred, target, matches, labels=["0.9", "0.4"], title="t")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "TP: 1", "FP: 1", "FN: 1", "true outline"]
    assert sorted(t.get_text() for t in ax.texts) == ["0.4", "0.9", "FN"]
    assert ax.get_title() == "t"
    assert plotting.show_matches(pred, target, matches, legend=None).get_legend() is None
    quiet = plotting.show_matches(pred, target, matches, fn_label=None)
    assert [t.get_text() for t in quiet.texts] == []
    # labels that would cover each other (a duplicate on its original) are moved apart
    twice = np.stack([target == 1, target == 1])
    crowded = plotting.show_matches(twice, target, (("TP", "FP"), ("TP", "FN")),
                                    labels=["a", "b"], fn_label=None)
    (ax0, ay0), (ax1, ay1) = [t.get_position() for t in crowded.texts]
    assert ay0 == ay1 and ax1 > ax0
    with pytest.raises(ValueError, match="labels"):
        plotting.show_matches(pred, target, matches, labels=["one"])
    with pytest.raises(ValueError, match="legend"):
        plotting.show_matches(pred, target, matches, legend="left")


def test_show_iou_matrix_values_frames_and_names():
    ious = np.array([[0.8, 0.0, 0.5], [0.1, 0.45, 0.0]])
    ax = plotting.show_iou_matrix(ious, threshold=0.5, pred_names=["a", "b"])
    assert [t.get_text() for t in ax.texts] == ["0.80", "0.00", "0.50", "0.10", "0.45", "0.00"]
    framed = [p.get_xy() for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted(set(framed)) == [(-0.5, -0.5), (1.5, -0.5)]  # 0.8 and 0.5 (equal counts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["t0", "t1", "t2"]
    assert ax.figure.axes[-1].get_ylabel() == "IoU"
    for colour, text in zip(ax.get_images()[0].to_rgba(ious).reshape(-1, 4), ax.texts,
                            strict=True):
        assert plotting.contrast_ratio(colour[:3], mpl.colors.to_rgb(text.get_color())) >= 4.5
    with pytest.raises(ValueError, match="ious"):
        plotting.show_iou_matrix([[1.5]])
    with pytest.raises(ValueError, match="target_names"):
        plotting.show_iou_matrix(ious, target_names=["x"])


def test_show_pr_curve_draws_precision_envelope_and_samples():
    recall = np.array([0.25, 0.5, 0.5, 0.75])
    precision = np.array([1.0, 1.0, 2 / 3, 0.75])
    ax = plotting.show_pr_curve(recall, precision, samples=True)
    lines = {line.get_label(): line for line in ax.get_lines()
             if not line.get_label().startswith("_")}
    assert set(lines) == {"precision", "envelope", "101 samples"}
    drawn = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    # the line starts at recall 0; one marker per detection, none at the start
    np.testing.assert_allclose(drawn[0].get_xdata(), [0, 0.25, 0.5, 0.5, 0.75])
    np.testing.assert_allclose(drawn[1].get_xdata(), recall)
    assert drawn[1].get_marker() == "o" and drawn[0].get_marker() in ("None", None, "")
    samples = lines["101 samples"].get_ydata()
    assert len(samples) == 101
    # the samples average to COCO's AP of these detections
    from segcourse.metrics import COCO_RECALL_THRESHOLDS

    smooth = np.maximum.accumulate(precision[::-1])[::-1]
    index = np.searchsorted(recall, COCO_RECALL_THRESHOLDS, side="left")
    expected = np.where(index < 4, smooth[np.minimum(index, 3)], 0.0)
    np.testing.assert_allclose(samples, expected)
    assert ax.get_xlabel() == "recall" and ax.get_ylabel() == "precision"
    bare = plotting.show_pr_curve(recall, precision, envelope=False, label="AP50")
    assert [line.get_label() for line in bare.get_lines()
            if not line.get_label().startswith("_")] == ["AP50"]
    with pytest.raises(ValueError, match="recall"):
        plotting.show_pr_curve([0.5, 0.25], [1.0, 1.0])
    with pytest.raises(ValueError, match="precision"):
        plotting.show_pr_curve([0.5], [1.0, 1.0])
    with pytest.raises(ValueError, match="precision"):
        plotting.show_pr_curve([0.5], [1.5])
