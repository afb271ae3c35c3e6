"""The demos: pure compute functions, live widgets that redraw, static players that switch."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from segcourse import widgets
from segcourse.widgets import DEMOS, MAX_STATIC_BYTES, Demo, Slider


def _frames(html: str) -> list[str]:
    match = re.search(r"var frames=(\[.*?\]);", html)
    assert match, "no frames in the static player"
    return re.findall(r'"(data:image/png;base64,[^"]+)"', match.group(1))


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
    assert base64.b64decode(frames[1].split(",", 1)[1]) == demo.render(n=3)
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
def test_course_demo_frames_differ_and_stay_light(name):
    demo = DEMOS[name]()
    html = demo.static_html()
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
