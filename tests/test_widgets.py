"""The demos: pure compute functions, live widgets that redraw, static players that switch."""

from __future__ import annotations

import base64
import io
import numbers
import re

import numpy as np
import pytest
from PIL import Image

from segcourse import plotting, widgets
from segcourse.widgets import DEMOS, MAX_STATIC_BYTES, Demo, Picture, Slider, rgba8


def _frames(html: str) -> list[str]:
    match = re.search(r"var frames=(\[.*?\]);", html)
    assert match, "no frames in the static player"
    return re.findall(r'"(data:image/png;base64,[^"]+)"', match.group(1))


def _decode(png) -> np.ndarray:
    """RGB pixels of PNG bytes or of a data URL."""
    if isinstance(png, str):
        png = base64.b64decode(png.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture(scope="module")
def course_demos():
    """Every demo of the course, built once (with its static player) for this module."""
    demos = {name: factory() for name, factory in DEMOS.items()}
    return {name: (demo, demo.static_html()) for name, demo in demos.items()}


# -- Slider and Demo -------------------------------------------------------------------------

def test_slider_validates_its_arguments():
    with pytest.raises(ValueError, match="`name`"):
        Slider("not a name", [1, 2])
    with pytest.raises(ValueError, match="`values`"):
        Slider("n", [])
    with pytest.raises(ValueError, match="`default`"):
        Slider("n", [1, 2], default=3)
    assert Slider("n", [1, 2, 3]).initial == 2
    assert Slider("n", [1, 2, 3], default=1).initial == 1


def test_slider_values_increase_from_left_to_right():
    # touching_objects_demo's gap slider ran 8 -> -4 before: the rule refuses it
    with pytest.raises(ValueError, match=r"`values` to be numbers that increase from left to "
                                         r"right, but got \[8, 7, 6, 5, 4, 3, 2, 1, \.\.\.\] "
                                         r"\(8 before 7\)"):
        Slider("gap", list(range(8, -5, -1)))
    with pytest.raises(ValueError, match=r"\(0.5 before 0.25\)"):
        Slider("alpha", [0.0, 0.5, 0.25])
    with pytest.raises(ValueError, match=r"\(2 before 2\)"):
        Slider("n", [1, 2, 2, 3])  # a repeated setting is not an increase either
    assert list(Slider("gap", range(-4, 9)).values) == list(range(-4, 9))
    assert list(Slider("x", [np.int64(1), 2.5, np.float32(3)]).values)[1] == 2.5
    # settings that are not numbers have no order, only they must differ
    assert Slider("average", ["micro", "macro", "weighted"]).initial == "macro"
    with pytest.raises(ValueError, match="`values` to be distinct settings"):
        Slider("average", ["micro", "micro"])


@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_sliders_run_left_to_right_in_increasing_order(name, course_demos):
    demo, _ = course_demos[name]
    for slider in demo.sliders:
        values = list(slider.values)
        assert len(set(map(repr, values))) == len(values)
        # numbers increase; settings that are not numbers (the losses of chapter 07) have no
        # order of their own, as Slider says, and keep the order the chapter gives them
        if all(isinstance(v, numbers.Real) for v in values):
            assert values == sorted(values)


def _square_demo():
    def compute(n):
        return np.full((4, 4), n)

    def plot(result, fig):
        ax = fig.subplots()
        artist = ax.imshow(result, vmin=0, vmax=9)

        def update(result):
            artist.set_data(result)

        return update

    return Demo(compute, plot, [Slider("n", [0, 3, 9], default=0)], figsize=(1, 1))


def test_demo_validates_its_arguments():
    with pytest.raises(TypeError, match="`compute`"):
        Demo(1, lambda r, f: None, [Slider("n", [1])])
    with pytest.raises(ValueError, match="`sliders`"):
        Demo(lambda n: n, lambda r, f: None, [])
    with pytest.raises(ValueError, match="`sliders`"):
        Demo(lambda n: n, lambda r, f: None, [Slider("n", [1]), Slider("n", [2])])
    with pytest.raises(ValueError, match="at most 60"):
        Demo(lambda a, b: a, lambda r, f: None,
             [Slider("a", range(10)), Slider("b", range(10))])
    with pytest.raises(ValueError, match="`settings`"):
        _square_demo().compute_at(m=1)


def test_demo_renders_a_different_png_for_every_setting():
    demo = _square_demo()
    images = [demo.render(**settings) for settings in demo.settings()]
    assert all(image.startswith(b"\x89PNG") for image in images)
    assert len(set(images)) == 3
    # the in-place update gives the same picture as a fresh draw
    assert _square_demo().render(n=9) == images[2]


def test_static_player_holds_every_frame_and_starts_at_the_default():
    demo = _square_demo()
    html = demo.static_html()
    frames = _frames(html)
    assert len(frames) == 3
    assert len(set(frames)) == 3
    first = re.search(r'<img src="([^"]+)" data-frame="(\d+)"', html)
    assert first.group(2) == "0" and first.group(1) == frames[0]
    np.testing.assert_array_equal(_decode(frames[1]), _decode(demo.render(n=3)))
    assert 'type="range"' in html and 'max="2"' in html


def test_two_slider_player_orders_frames_row_major():
    demo = Demo(lambda a, b: (a, b), lambda result, fig: fig.suptitle(str(result)),
                [Slider("a", [0, 1]), Slider("b", [0, 1, 2])], figsize=(1, 1))
    settings = list(demo.settings())
    assert settings[1] == {"a": 0, "b": 1} and settings[3] == {"a": 1, "b": 0}
    assert len(_frames(demo.static_html())) == 6


def test_live_widget_redraws_when_the_slider_moves():
    demo = _square_demo()
    box = demo.widget()
    slider, image = box.children[0], box.children[1]
    before = image.value
    slider.value = 9
    assert image.value != before
    assert image.value == _square_demo().render(n=9)


def test_mimebundle_has_the_widget_live_and_only_the_player_in_the_book(monkeypatch):
    demo = _square_demo()
    monkeypatch.delenv("SEGCOURSE_BOOK_BUILD", raising=False)
    live = demo._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and "text/html" in live
    monkeypatch.setenv("SEGCOURSE_BOOK_BUILD", "1")
    book = demo._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in book
    assert "segcourse-demo" in book["text/html"]


# -- the course's demos -----------------------------------------------------------------------

@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_frames_differ_and_stay_light(name, course_demos):
    demo, html = course_demos[name]
    frames = _frames(html)
    assert len(frames) == sum(1 for _ in demo.settings())
    assert len(set(frames)) == len(frames), "two slider settings give the same picture"
    assert len(html.encode()) < MAX_STATIC_BYTES


def test_threshold_segmentation_exact():
    image = np.array([[0, 50, 100], [150, 200, 250]])
    result = widgets.threshold_segmentation(image, 100)
    np.testing.assert_array_equal(result["mask"], [[False, False, False], [True, True, True]])
    assert result["fraction"] == 0.5
    with pytest.raises(TypeError, match="`threshold`"):
        widgets.threshold_segmentation(image, "high")


@pytest.mark.parametrize("gap", [-3, -1, 0, 1, 2, 5])
def test_touching_objects_gap_is_the_number_of_empty_pixels(gap):
    result = widgets.touching_objects(gap)
    instance = result["instance"]
    assert result["true_count"] == 2
    assert set(np.unique(instance)) == {0, 1, 2}
    row = instance[instance.shape[0] // 2]
    if gap > 0:
        left_end = np.flatnonzero(row == 1).max()
        right_start = np.flatnonzero(row == 2).min()
        assert right_start - left_end - 1 == gap
        assert result["component_count"] == 2
    else:
        assert result["component_count"] == 1


def test_grow_mask_exact():
    instances = np.array([[1, 0, 0, 0, 2]])
    assert widgets.grow_mask(instances, 0)["component_count"] == 2
    grown = widgets.grow_mask(instances, 1)
    np.testing.assert_array_equal(grown["instance"], [[1, 1, 0, 2, 2]])
    assert grown["component_count"] == 2
    merged = widgets.grow_mask(instances, 2)
    assert merged["component_count"] == 1 and merged["true_count"] == 2
    with pytest.raises(ValueError, match="`pixels`"):
        widgets.grow_mask(instances, -1)


@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_live_widget_redraws_on_every_slider(name):
    demo = DEMOS[name]()
    box = demo.widget()
    image = box.children[len(demo.sliders)]
    for control, slider in zip(box.children, demo.sliders, strict=False):
        before = image.value
        others = [v for v in slider.values if v != control.value]
        control.value = others[-1]
        assert image.value != before, f"{name}: moving {slider.name} left the figure as it was"


def test_temperature_scaling_changes_probabilities_not_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0.0, 3.0, size=(4, 6, 7))
    reference = logits.argmax(axis=0)
    previous = None
    for temperature in (0.1, 0.5, 1.0, 2.0, 10.0):
        result = widgets.temperature_scaling(logits, temperature)
        expected = torch_softmax(logits / temperature, axis=0)
        np.testing.assert_allclose(result["probs"], expected, rtol=1e-10, atol=1e-300)
        np.testing.assert_array_equal(result["labels"], reference)
        assert result["changed"] == 0
        np.testing.assert_allclose(result["confidence"], expected.max(axis=0))
        if previous is not None:  # a hotter softmax is less confident
            assert result["mean_confidence"] < previous
        previous = result["mean_confidence"]
    batch = widgets.temperature_scaling(logits[None], 3.0, axis=1)
    assert batch["labels"].shape == (1, 6, 7) and batch["changed"] == 0
    with pytest.raises(ValueError, match="`temperature`"):
        widgets.temperature_scaling(logits, 0.0)


def torch_softmax(values, axis):
    import torch

    return torch.softmax(torch.as_tensor(values), dim=axis).numpy()


def test_probability_threshold_exact_and_against_sklearn():
    from sklearn.metrics import precision_score, recall_score

    probs = np.array([[0.9, 0.6, 0.3, 0.1]])
    target = np.array([[True, True, True, False]])
    result = widgets.probability_threshold(probs, target, 0.5)
    np.testing.assert_array_equal(result["mask"], [[True, True, False, False]])
    assert (result["fraction"], result["precision"], result["recall"]) == (0.5, 1.0, 2 / 3)
    rng = np.random.default_rng(1)
    probs = rng.random((3, 8, 8))
    target = rng.random((3, 8, 8)) < 0.3
    for threshold in (0.05, 0.5, 0.95):
        result = widgets.probability_threshold(probs, target, threshold)
        mask = probs > threshold
        assert result["precision"] == pytest.approx(precision_score(target.ravel(), mask.ravel()))
        assert result["recall"] == pytest.approx(recall_score(target.ravel(), mask.ravel()))
    # an empty mask has no precision: NaN, not 0
    assert np.isnan(widgets.probability_threshold(probs, target, 1.0)["precision"])


def test_chapter_03_demos_take_their_data_and_check_it():
    rng = np.random.default_rng(2)
    demo = widgets.temperature_demo(rng.normal(size=(3, 8, 8)), class_names=["a", "b", "c"])
    assert demo.compute_at(temperature=2.0)["probs"].shape == (3, 8, 8)
    probs = rng.random((2, 8, 8))
    target = probs > 0.5
    demo = widgets.probability_threshold_demo(probs, target)
    assert demo.compute_at(threshold=0.5)["mask"].shape == (16, 16)  # two images, tiled 2 x 2
    with pytest.raises(ValueError, match=r"`logits` to be one image's logits"):
        widgets.temperature_demo(rng.normal(size=(8, 8)))
    with pytest.raises(ValueError, match="`class_names`"):
        widgets.temperature_demo(rng.normal(size=(3, 8, 8)), class_names=["a"])
    with pytest.raises(ValueError, match="same shape"):
        widgets.probability_threshold_demo(probs, target[:, :4])
    with pytest.raises(ValueError, match="`probs`"):
        widgets.probability_threshold_demo(target.astype(int), target)
    with pytest.raises(TypeError, match="`probs`"):
        widgets.probability_threshold(target.astype(int), target, 0.5)
    with pytest.raises(ValueError, match="`threshold`"):
        widgets.probability_threshold(probs, target, 1.5)


def test_tile_lays_out_up_to_four_maps():
    maps = np.arange(5 * 2 * 3).reshape(5, 2, 3)
    tiled = widgets._tile(maps)
    assert tiled.shape == (4, 6)
    np.testing.assert_array_equal(tiled[:2, 3:], maps[1])
    np.testing.assert_array_equal(tiled[2:, 3:], maps[3])
    np.testing.assert_array_equal(widgets._tile(maps[:1]), maps[0])
    np.testing.assert_array_equal(widgets._tile(maps[:3])[2:, 3:], 0)
    np.testing.assert_array_equal(widgets._tile(maps[0]), maps[0])


def test_probability_pictures_use_the_colour_bar_bands():
    picture = widgets._probability_picture(np.array([[0.0, 0.5, 0.999, 1.0]]))
    table = rgba8(widgets._probability_colours())
    levels = widgets.PROBABILITY_LEVELS
    np.testing.assert_array_equal(picture[0], table[[0, levels // 2, levels - 1, levels - 1]])


def test_compute_functions_reject_bad_input():
    with pytest.raises(TypeError, match="`image`"):
        widgets.threshold_segmentation(np.array(["a", "b"]), 3)
    with pytest.raises(ValueError, match="`gap`"):
        widgets.touching_objects(100)
    with pytest.raises(ValueError, match="`size`"):
        widgets.touching_objects(0, size=(10, 96))
    with pytest.raises(ValueError, match="`radius`"):
        widgets.touching_objects(0, radius=0)
    with pytest.raises(ValueError, match="`instance_map`"):
        widgets.grow_mask(np.array([[0.5, 1.0]]), 1)
    with pytest.raises(ValueError, match="same shape"):
        widgets.threshold_demo(np.zeros((4, 4)), np.zeros((4, 5), dtype=bool))


# -- the figure style of the frames (segcourse.plotting) ------------------------------------

@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_frames_are_2x_and_shown_at_their_displayed_width(name, course_demos):
    demo, html = course_demos[name]
    assert demo.display_width <= plotting.COLUMN_WIDTH_PX
    assert demo.scale == 2 and demo.dpi == plotting.DISPLAY_DPI
    width, height = demo.frame_size
    assert width == 2 * demo.display_width
    for frame in _frames(html):
        assert _decode(frame).shape == (height, width, 3)
    # the book's player shows them at half their pixel size, keeping the aspect ratio
    img = re.search(r"<img [^>]*>", html).group(0)
    assert f'width="{demo.display_width}"' in img
    assert "max-width:100%" in img and "height:auto" in img
    # and so does the live widget
    image = demo.widget().children[len(demo.sliders)]
    assert image.width == str(demo.display_width)
    assert _decode(image.value).shape[1] == width


@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_text_is_readable(name, course_demos):
    demo, _ = course_demos[name]
    settings = list(demo.settings())
    for setting in (settings[0], demo.initial_settings(), settings[-1]):
        fig = demo.figure(**setting)
        texts = plotting.drawn_texts(fig)
        assert texts
        # font size in px as displayed: points * display dpi / 72 (the frame is not shrunk)
        smallest = min(points for _, points in texts) * demo.dpi / 72
        assert smallest >= plotting.MIN_TEXT_PX
        assert plotting.check_figure(fig, width_px=demo.display_width,
                                     display_dpi=demo.dpi) == []


@pytest.mark.parametrize("name", list(DEMOS))
def test_course_demo_titles_neither_overlap_nor_leave_the_frame(name, course_demos):
    demo, _ = course_demos[name]
    for setting in demo.settings():
        fig = demo.figure(**setting)
        renderer = fig.canvas.get_renderer()
        boxes = [text.get_window_extent(renderer) for ax in fig.axes for text in ax.texts]
        for box in boxes:
            assert 0 <= box.x0 and box.x1 <= fig.bbox.width, (setting, box)
            assert 0 <= box.y0 and box.y1 <= fig.bbox.height, (setting, box)
        for index, box in enumerate(boxes):
            for other in boxes[index + 1:]:
                assert box.x1 + 4 < other.x0 or other.x1 + 4 < box.x0, setting


def test_demo_refuses_a_figure_wider_than_the_column():
    with pytest.raises(ValueError, match=r"`figsize` to be a width of at most 6.8 inches "
                                         r"\(680 px, the content column, at dpi=100\)"):
        Demo(lambda n: n, lambda r, f: None, [Slider("n", [1])], figsize=(8.0, 1.9))
    with pytest.raises(ValueError, match="`figsize`"):
        Demo(lambda n: n, lambda r, f: None, [Slider("n", [1])], figsize=(0, 1))
    demo = Demo(lambda n: n, lambda r, f: None, [Slider("n", [1])], figsize=(3.0, 1.0),
                dpi=100, scale=3)
    assert demo.display_width == 300 and demo.frame_size == (900, 300)
    assert _decode(demo.render(n=1)).shape == (300, 900, 3)


# -- pictures pasted into frames -------------------------------------------------------------

def test_picture_is_pasted_nearest_neighbour_into_the_axes_box():
    colours = rgba8([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0)])
    picture = colours[np.array([[0, 1], [2, 3]])]
    pictures = []

    def plot(result, fig):
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
        shown = Picture(fig.subplots(), picture)
        pictures.append(shown)

        def update(result):
            shown.set_data(picture[::-1] if result else picture)

        return update

    demo = Demo(lambda flip: flip, plot, [Slider("flip", [0, 1], default=0)],
                figsize=(1.0, 1.0), dpi=100, scale=2)
    pixels = _decode(demo.render(flip=0))
    assert pixels.shape == (200, 200, 3)
    # each picture pixel fills a quarter of the square frame, exactly
    np.testing.assert_array_equal(pixels[:100, :100], np.broadcast_to([255, 0, 0], (100, 100, 3)))
    np.testing.assert_array_equal(pixels[:100, 100:], np.broadcast_to([0, 255, 0], (100, 100, 3)))
    np.testing.assert_array_equal(pixels[100:, :100], np.broadcast_to([0, 0, 255], (100, 100, 3)))
    np.testing.assert_array_equal(pixels[100:, 100:],
                                  np.broadcast_to([255, 255, 0], (100, 100, 3)))
    flipped = _decode(demo.render(flip=1))
    np.testing.assert_array_equal(flipped[150, 50], [255, 0, 0])
    with pytest.raises(ValueError, match=r"`picture` to be an \(H, W, 4\) uint8 RGBA array"):
        pictures[0].set_data(np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match=r"`picture` to be an array of shape \(2, 2, 4\)"):
        pictures[0].set_data(colours[np.zeros((3, 2), dtype=int)])


def test_rgba8_literal():
    np.testing.assert_array_equal(rgba8([(0.0, 0.5, 1.0), (1.0, 1.0, 1.0)]),
                                  [[0, 128, 255, 255], [255, 255, 255, 255]])
    assert rgba8(np.zeros((2, 3, 3))).shape == (2, 3, 4)


def test_frames_are_indexed_colour_pngs_and_lossless_up_to_256_colours():
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, size=(200, 3))
    frame = np.full((30, 40, 4), 255, dtype=np.uint8)
    frame[..., :3] = palette[rng.integers(0, 200, size=(30, 40))]
    for small in (True, False):
        png = widgets._encode_png(frame, small=small)
        assert Image.open(io.BytesIO(png)).mode == "P"
        np.testing.assert_array_equal(_decode(png), frame[..., :3])
    # more than 256 colours (anti-aliased text on colours): the rarest take the nearest
    # of the 256 most frequent
    pixels = frame[..., :3].reshape(-1, 3)
    pixels[:] = palette[np.arange(pixels.shape[0]) % 10]  # ten flat colours
    pixels[:512] = np.repeat(np.arange(256), 2)[:, None]  # every grey level, twice
    decoded = _decode(widgets._encode_png(frame, small=True)).astype(int)
    changed = np.any(decoded != frame[..., :3], axis=-1)
    assert changed.sum() == 20  # ten grey levels of two pixels each
    assert np.abs(decoded - frame[..., :3]).max() <= 16


def test_components_title_says_how_many_regions_hold_several_objects():
    title = widgets._components_title
    assert title({"component_count": 22, "merged": 2}) == "22 regions, 2 merged"
    assert title({"component_count": 1, "merged": 1}) == "1 region, 1 merged"
    assert title({"component_count": 2, "merged": 0}) == "components: 2 regions"


def test_touching_discs_are_round_without_spikes():
    disc = widgets.touching_objects(8)["instance"] == 1
    rows = np.flatnonzero(disc.any(axis=1))
    top = disc[rows[0]]
    # the top row of a round disc is a short run, not a single-pixel spike
    assert top.sum() >= 3, top.sum()
    # the extent is unchanged: 2 * radius + 1 pixels across
    assert disc.any(axis=0).sum() == 2 * 14 + 1 and len(rows) == 2 * 14 + 1


# -- chapter 04: pixel and boundary scores -----------------------------------------------------

CHAPTER_04_DEMOS = ["04 imbalance", "04 small objects", "04 stray blob"]


@pytest.mark.parametrize("name", CHAPTER_04_DEMOS)
def test_chapter_04_frames_equal_a_fresh_drawing_of_the_same_setting(name):
    """Tick labels and legends are drawn once and pasted into later frames (widgets._Frozen):
    a frame reached by moving the sliders equals the first frame of a fresh demo."""
    demo = DEMOS[name]()
    settings = list(demo.settings())
    demo.render(**demo.initial_settings())
    for setting in (settings[0], settings[len(settings) // 3], settings[-1]):
        moved = _decode(demo.render(**setting))
        fresh = _decode(DEMOS[name]().render(**setting))
        np.testing.assert_array_equal(moved, fresh, err_msg=str(setting))


def test_imbalance_demo_shows_the_scenario_and_its_curves():
    from segcourse import scenarios

    demo = widgets.imbalance_demo()
    assert [s.name for s in demo.sliders] == ["foreground_fraction", "error"]
    assert list(demo.sliders[0].values) == list(scenarios.IMBALANCE_FRACTIONS)
    assert demo.sliders[0].values[0] == 0.001 and demo.sliders[0].values[-1] == 0.5
    for fraction, error in ((0.001, 4), (0.5, 1)):
        result = demo.compute_at(foreground_fraction=fraction, error=error)
        case = scenarios.imbalance_case(fraction, error)
        assert result["case"]["scores"] == case["scores"]
        curves = result["curves"]
        assert curves["fraction"][result["index"]] == pytest.approx(case["fraction"])
        for name in scenarios.SCORE_NAMES:
            assert curves[name][result["index"]] == case["scores"][name]
    with pytest.raises(ValueError, match="`settings`"):
        demo.compute_at(fraction=0.1)


def test_small_objects_and_stray_blob_demos_show_the_library_scores():
    from segcourse import metrics, scenarios

    small = widgets.small_objects_demo()
    result = small.compute_at(radius=2)
    pred, target = scenarios.disc_pair(2, 3)
    assert result["dice"] == pytest.approx(metrics.dice(pred, target))
    np.testing.assert_array_equal(result["pred"], pred)
    blob = widgets.stray_blob_demo()
    result = blob.compute_at(distance=32, blob_size=3)
    assert result["hd"] == pytest.approx(metrics.hausdorff_distance(result["pred"],
                                                                    result["target"]))
    assert result["hd95"] > 30 and blob.compute_at(distance=32, blob_size=2)["hd95"] == 0.0
