"""Interactive demos that work live in Jupyter and in the static book.

Every demo of the course follows one pattern:

- a **compute** function: pure, tested, holds the maths (it lives in the
  module that teaches the idea, or here when it only prepares a picture);
- a **plot** function: draws a computed result on a matplotlib Figure;
- a :class:`Demo` that wires sliders to them. Widgets hold no maths.

A :class:`Demo` displays as two things at once. In a live kernel, Jupyter
shows ipywidgets sliders that recompute and redraw on every move. In the book
(no kernel), the same cell's HTML output is shown instead: every slider
setting is rendered to a frame when the book is built, and a few lines of
JavaScript switch frames as the reader moves the slider. Either way, moving a
slider changes the figure: a slider that moves while its plot stays frozen
would mislead the reader.

The demos of chapters 01 and 02 are at the end of this module; ``make bench``
times every demo's update (budget: 50 ms).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import (
    argument_error,
    check_instance_map,
    check_int,
    check_mask,
    check_number,
    check_same_shape,
    to_numpy,
)
from .labels import class_colors, colorize, connected_components, instance_colors

__all__ = [
    "Slider",
    "Demo",
    "threshold_demo",
    "threshold_segmentation",
    "touching_objects",
    "touching_objects_demo",
    "grow_mask",
    "merging_coins_demo",
    "DEMOS",
]

#: Largest static player (all frames of one demo) the book should carry.
MAX_STATIC_BYTES = 1_000_000


@dataclass(frozen=True)
class Slider:
    """One slider of a demo.

    Attributes
    ----------
    name : str
        Keyword argument of the compute function that the slider sets.
    values : sequence
        The settings the slider offers, in order (numbers). The book renders
        one frame per setting, so keep them few (about 10 to 20).
    default : optional
        The initial setting (must be one of ``values``); the middle one if None.
    label : str, optional
        What the reader sees beside the slider (``name`` by default).
    """

    name: str
    values: Sequence
    default: object = None
    label: str | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise argument_error("name", "a Python identifier", repr(self.name))
        values = list(self.values)
        if not values:
            raise argument_error("values", "at least one setting", "an empty sequence")
        if self.default is not None and self.default not in values:
            raise argument_error("default", f"one of the slider's values {values}",
                                 repr(self.default))

    @property
    def initial(self):
        values = list(self.values)
        return values[len(values) // 2] if self.default is None else self.default

    @property
    def text(self) -> str:
        return self.label or self.name


def _format(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


class Demo:
    """Sliders wired to a compute function and a plot function.

    Parameters
    ----------
    compute : callable
        ``compute(**settings) -> result``; pure (no plotting).
    plot : callable
        ``plot(result, fig)``: draws ``result`` on the matplotlib Figure
        ``fig`` (already cleared). It may return a function
        ``update(result)`` that changes the drawn artists in place (new image
        data, new titles); later slider moves then call it instead of
        redrawing from scratch, which keeps updates fast.
    sliders : sequence of Slider
        One or two sliders; together at most 60 settings (one frame each).
    figsize : (float, float)
        Figure size in inches.
    dpi : int
        Resolution of the frames.
    caption : str, optional
        A sentence under the figure.

    Examples
    --------
    >>> demo = Demo(lambda n: n * 2, lambda result, fig: fig.suptitle(str(result)),
    ...             [Slider("n", [1, 2, 3])], figsize=(2, 1))
    >>> demo.compute_at(n=3)
    6
    >>> demo.render(n=2)[:4]
    b'\\x89PNG'
    """

    def __init__(self, compute: Callable, plot: Callable, sliders: Sequence[Slider], *,
                 figsize=(8.0, 3.2), dpi=72, caption: str | None = None):
        if not callable(compute):
            raise argument_error("compute", "a function", repr(compute), type_error=True)
        if not callable(plot):
            raise argument_error("plot", "a function", repr(plot), type_error=True)
        sliders = list(sliders)
        if not 1 <= len(sliders) <= 2 or not all(isinstance(s, Slider) for s in sliders):
            raise argument_error("sliders", "one or two Slider objects", repr(sliders))
        if len({s.name for s in sliders}) != len(sliders):
            raise argument_error("sliders", "sliders with different names", repr(sliders))
        frames = int(np.prod([len(list(s.values)) for s in sliders]))
        if frames > 60:
            raise argument_error("sliders", "at most 60 settings in all (one frame each)",
                                 f"{frames} settings")
        self.compute = compute
        self.plot = plot
        self.sliders = sliders
        self.figsize = tuple(figsize)
        self.dpi = check_int(dpi, "dpi", minimum=20)
        self.caption = caption
        self._figure = None
        self._update = None

    # -- the pure part ---------------------------------------------------------
    def settings(self):
        """Every combination of slider settings, in frame order."""
        names = [s.name for s in self.sliders]
        for combo in itertools.product(*[list(s.values) for s in self.sliders]):
            yield dict(zip(names, combo, strict=True))

    def initial_settings(self) -> dict:
        return {s.name: s.initial for s in self.sliders}

    def compute_at(self, **settings):
        """The compute function's result for the given settings (defaults for the rest)."""
        values = self.initial_settings()
        unknown = set(settings) - set(values)
        if unknown:
            raise argument_error("settings", f"slider names among {sorted(values)}",
                                 repr(sorted(unknown)))
        values.update(settings)
        return self.compute(**values)

    # -- drawing --------------------------------------------------------------------
    def _fig(self):
        if self._figure is None:
            from matplotlib.figure import Figure

            self._figure = Figure(figsize=self.figsize, dpi=self.dpi)
        return self._figure

    def render(self, **settings) -> bytes:
        """PNG bytes of the figure for the given settings."""
        fig = self._fig()
        result = self.compute_at(**settings)
        if self._update is None:
            fig.clear()  # also resets the margins: set them after it
            fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.88, wspace=0.06)
            update = self.plot(result, fig)
            self._update = update if callable(update) else None
        else:
            self._update(result)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    def update_times(self, repeats: int = 1) -> list[float]:
        """Seconds per update (compute + plot + PNG) for every setting."""
        times = []
        for settings in self.settings():
            for _ in range(repeats):
                start = time.perf_counter()
                self.render(**settings)
                times.append(time.perf_counter() - start)
        return times

    def median_update_time(self, repeats: int = 3) -> float:
        """Median seconds of one slider update, over every setting."""
        self.render(**self.initial_settings())  # warm-up: imports, font cache
        return statistics.median(self.update_times(repeats))

    # -- the live widget ------------------------------------------------------------
    def widget(self):
        """ipywidgets sliders and an image that redraws on every move."""
        import ipywidgets as widgets

        image = widgets.Image(value=self.render(**self.initial_settings()), format="png")
        controls = []
        for slider in self.sliders:
            control = widgets.SelectionSlider(
                options=[(_format(v), v) for v in slider.values], value=slider.initial,
                description=slider.text, continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="min(100%, 32em)"))
            controls.append((slider.name, control))

        def update(_change=None):
            image.value = self.render(**{name: c.value for name, c in controls})

        for _, control in controls:
            control.observe(update, names="value")
        children = [c for _, c in controls] + [image]
        if self.caption:
            children.append(widgets.HTML(f"<em>{html.escape(self.caption)}</em>"))
        return widgets.VBox(children)

    # -- the static player ----------------------------------------------------------
    def static_html(self) -> str:
        """A self-contained HTML player: all frames, switched by range inputs in the browser."""
        frames = ["data:image/png;base64," + base64.b64encode(self.render(**s)).decode("ascii")
                  for s in self.settings()]
        uid = "segcourse-demo-" + uuid.uuid4().hex[:10]
        sizes = [len(list(s.values)) for s in self.sliders]
        start = [list(s.values).index(s.initial) for s in self.sliders]
        inputs = []
        for index, slider in enumerate(self.sliders):
            labels = [_format(v) for v in slider.values]
            inputs.append(
                f'<label style="display:block;margin:0.2em 0">'
                f'<span style="display:inline-block;min-width:10em">{html.escape(slider.text)}'
                f'</span> <input type="range" min="0" max="{len(labels) - 1}" step="1" '
                f'value="{start[index]}" data-slider="{index}" '
                f'aria-label="{html.escape(slider.text)}" style="width:16em;vertical-align:middle">'
                f' <output data-output="{index}">{html.escape(labels[start[index]])}</output>'
                f"</label>")
        labels_json = json.dumps([[_format(v) for v in s.values] for s in self.sliders])
        first = int(np.ravel_multi_index(start, sizes))
        caption = (f'<p style="margin:0.2em 0"><em>{html.escape(self.caption)}</em></p>'
                   if self.caption else "")
        script = (
            "(function(){"
            f"var root=document.getElementById('{uid}');"
            f"var frames={json.dumps(frames)};var sizes={json.dumps(sizes)};"
            f"var labels={labels_json};"
            "var inputs=root.querySelectorAll('input[data-slider]');"
            "var img=root.querySelector('img');"
            "function show(){var index=0;for(var i=0;i<inputs.length;i++){"
            "var k=parseInt(inputs[i].value,10);index=index*sizes[i]+k;"
            "root.querySelector('output[data-output=\"'+i+'\"]').textContent=labels[i][k];}"
            "img.src=frames[index];img.setAttribute('data-frame',index);}"
            "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',show);"
            "inputs[i].addEventListener('change',show);}"
            "})();"
        )
        return (
            f'<div class="segcourse-demo" id="{uid}" data-frames="{len(frames)}">'
            + "".join(inputs)
            + f'<img src="{frames[first]}" data-frame="{first}" alt="demo figure" '
            f'style="max-width:100%;height:auto">'
            + caption
            + f"<script>{script}</script></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Jupyter shows the live widget; the book, which drops widget views
        # (book/conf.py), shows the static player of the same output. The book
        # build sets SEGCOURSE_BOOK_BUILD=1 so that no widget state (an inert
        # copy of the first frame) is stored in its pages.
        bundle = {"text/html": self.static_html()}
        if os.environ.get("SEGCOURSE_BOOK_BUILD") != "1":
            bundle.update(self.widget()._repr_mimebundle_() or {})
        bundle["text/plain"] = f"<Demo: {', '.join(s.text for s in self.sliders)}>"
        return bundle


def _panel_title(ax, text):
    """A title drawn as plain text above the axes.

    Axes titles make matplotlib measure every axis on each draw, which costs
    more than the rest of a slider update; a positioned text does not.
    """
    ax.set_axis_off()
    return ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom",
                   fontsize=9)


# -----------------------------------------------------------------------------
# Chapter 01: the simplest segmenter, a brightness threshold
# -----------------------------------------------------------------------------

def threshold_segmentation(image, threshold):
    """Mask of the pixels brighter than ``threshold``, and its foreground fraction.

    Returns
    -------
    dict with ``mask`` (bool array), ``fraction`` (float) and ``threshold``.

    Examples
    --------
    >>> result = threshold_segmentation(np.array([[10, 200], [90, 120]]), 100)
    >>> result["mask"].astype(int), result["fraction"]
    (array([[0, 1],
           [0, 1]]), 0.5)
    """
    image = to_numpy(image, "image")
    if image.dtype.kind not in "biuf":
        raise argument_error("image", "a numeric image", image, type_error=True)
    threshold = check_number(threshold, "threshold")
    mask = image > threshold
    return {"mask": mask, "fraction": float(mask.mean()), "threshold": threshold}


def threshold_demo(image=None, target=None):
    """Chapter 01: slide a brightness threshold over the coins photograph.

    Left, the mask ``image > threshold``; right, where it agrees with the
    ground truth. Too low and the background floods in; too high and the
    coins fall apart.
    """
    if image is None or target is None:
        from .data import load_coins

        coins = load_coins()
        image, target = coins.image, coins.mask
    image = to_numpy(image, "image")
    target = check_mask(target, "target")
    check_same_shape(image, target, "image", "target")

    def compute(threshold):
        result = threshold_segmentation(image, threshold)
        result["agreement"] = float((result["mask"] == target).mean())
        return result

    def errors_image(mask):
        # colour-blind-safe colours (Okabe and Ito); black: background correctly left out
        errors = np.zeros(target.shape + (3,))
        errors[mask & target] = (0.0, 0.447, 0.698)  # blue: coin found
        errors[mask & ~target] = (0.835, 0.369, 0.0)  # vermillion: background taken for coin
        errors[~mask & target] = (0.941, 0.894, 0.259)  # yellow: coin missed
        return errors

    def titles(result):
        return (f"image > {result['threshold']:g}: {100 * result['fraction']:.1f} % foreground",
                f"vs ground truth: {100 * result['agreement']:.1f} % of pixels agree")

    def plot(result, fig):
        left, right = fig.subplots(1, 2)
        shown_mask = left.imshow(result["mask"], cmap="gray", vmin=0, vmax=1,
                                 interpolation="nearest")
        shown_errors = right.imshow(errors_image(result["mask"]), interpolation="nearest")
        texts = [_panel_title(ax, title) for ax, title in zip((left, right), titles(result),
                                                              strict=True)]
        # a frame, so that the white mask does not melt into a white page
        left.set_axis_on()
        left.set_xticks([])
        left.set_yticks([])

        def update(result):
            shown_mask.set_data(result["mask"])
            shown_errors.set_data(errors_image(result["mask"]))
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        return update

    thresholds = list(range(40, 201, 10))
    return Demo(compute, plot, [Slider("threshold", thresholds, default=110,
                                       label="threshold")],
                figsize=(7.0, 2.95), dpi=80,
                caption="Right panel: blue, coin found; vermillion, background taken for coin; "
                        "yellow, coin missed; black, background correctly left out.")


# -----------------------------------------------------------------------------
# Chapter 02: connected components merge objects that touch
# -----------------------------------------------------------------------------

def touching_objects(gap, *, size=(48, 96), radius=14):
    """Two discs ``gap`` pixels apart, their true instances and what components find.

    Parameters
    ----------
    gap : int
        Empty pixels between the discs along the row through their centres;
        0 means they touch, negative values overlap.

    Returns
    -------
    dict with ``instance`` (the true instance map: 2 objects), ``semantic``
    (the class mask), ``components`` (connected components of the class
    mask), ``true_count`` and ``component_count``.

    Examples
    --------
    >>> touching_objects(4)["component_count"], touching_objects(0)["component_count"]
    (2, 1)
    """
    gap = check_int(gap, "gap")
    radius = check_int(radius, "radius", minimum=1)
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(v, (int, np.integer)) for v in size)):
        raise argument_error("size", "a (height, width) pair of ints", repr(size),
                             type_error=True)
    height, width = int(size[0]), int(size[1])
    if height < 2 * radius + 1:
        raise argument_error("size", f"a height of at least 2 * radius + 1 = {2 * radius + 1}",
                             repr(size))
    if gap < -2 * radius or 4 * radius + gap + 4 > width:
        raise argument_error("gap", f"an integer in [{-2 * radius}, {width - 4 * radius - 4}] "
                             f"(both discs inside a width of {width})", gap)
    rows, cols = np.mgrid[:height, :width]
    centre_row = height // 2
    # left disc spans columns [c1 - r, c1 + r], right disc [c2 - r, c2 + r]
    c1 = width // 2 - radius - (gap + 1) // 2 - 1
    c2 = c1 + 2 * radius + gap + 1
    left = (rows - centre_row) ** 2 + (cols - c1) ** 2 <= radius ** 2
    right = (rows - centre_row) ** 2 + (cols - c2) ** 2 <= radius ** 2
    instance = np.zeros((height, width), dtype=np.int64)
    instance[left] = 1
    instance[right & ~left] = 2
    semantic = instance > 0
    components = connected_components(semantic)
    return {"instance": instance, "semantic": semantic, "components": components,
            "true_count": int(instance.max()), "component_count": int(components.max()),
            "gap": gap}


def _count_images(result):
    from .plotting import components_rgb

    colours = np.vstack([[0, 0, 0], instance_colors(max(int(result["instance"].max()), 1))])
    semantic = np.zeros(result["semantic"].shape + (3,))
    semantic[result["semantic"]] = class_colors(2)[1]
    components, merged = components_rgb(result["components"], result["instance"])
    result["merged"] = merged
    return colorize(result["instance"], colours), semantic, components


def _plot_counts(result, fig, make_titles):
    """Three panels (instances, semantic mask, components); returns the update function."""
    axes = fig.subplots(1, 3)
    shown, texts = [], []
    for ax, image, title in zip(axes, _count_images(result), make_titles(result), strict=True):
        shown.append(ax.imshow(image, interpolation="nearest"))
        texts.append(_panel_title(ax, title))

    def update(result):
        for text, artist, image, title in zip(texts, shown, _count_images(result),
                                              make_titles(result), strict=True):
            artist.set_data(image)
            text.set_text(title)

    return update


def touching_objects_demo():
    """Chapter 02: move two objects together until connected components merge them."""

    def plot(result, fig):
        return _plot_counts(result, fig, lambda result: [
            f"instances: {result['true_count']} objects",
            "semantic: one class",
            f"components: {result['component_count']} ({result['merged']} merged)",
        ])

    return Demo(lambda gap: touching_objects(gap), plot,
                [Slider("gap", list(range(8, -5, -1)), default=4, label="gap (pixels)")],
                figsize=(8.0, 1.9), dpi=80,
                caption="The instance map keeps two objects at every gap; connected "
                        "components of the semantic mask count one as soon as they touch "
                        "(a merged component is drawn in vermillion).")


def grow_mask(instance_map, pixels):
    """A segmentation that is ``pixels`` too generous: every object grown outward.

    Returns the grown instance map (objects grow into background only; where
    two grow into the same pixel the lower id wins), its semantic mask, the
    connected components of that mask and both counts.

    Examples
    --------
    >>> instances = np.array([[1, 0, 0, 2]])
    >>> grow_mask(instances, 1)["component_count"], grow_mask(instances, 0)["component_count"]
    (1, 2)
    """
    instances = check_instance_map(instance_map, "instance_map")
    pixels = check_int(pixels, "pixels", minimum=0)
    return _grow(instances, _nearest_object(instances), pixels)


def _nearest_object(instances):
    """Distance of every pixel to the nearest object, and that object's id."""
    from scipy import ndimage

    distance, (rows, cols) = ndimage.distance_transform_edt(instances == 0,
                                                            return_indices=True)
    return distance, instances[rows, cols]


def _grow(instances, nearest, pixels):
    distance, nearest_id = nearest
    grown = np.where(distance <= pixels, nearest_id, 0) if pixels else instances.copy()
    semantic = grown > 0
    components = connected_components(semantic)
    return {"instance": grown, "semantic": semantic, "components": components,
            "true_count": int(len(np.unique(instances[instances > 0]))),
            "component_count": int(components.max()), "pixels": pixels}


def merging_coins_demo(instance_map=None):
    """Chapter 02: grow the coins' mask until neighbouring coins touch and merge."""
    if instance_map is None:
        from .data import load_coins

        instance_map = load_coins().instance
    instance_map = check_instance_map(instance_map, "instance_map")
    nearest = _nearest_object(instance_map)  # once: each slider move only thresholds it

    def plot(result, fig):
        return _plot_counts(result, fig, lambda result: [
            f"instances: {result['true_count']} coins",
            f"semantic mask, grown {result['pixels']} px",
            f"components: {result['component_count']} ({result['merged']} merged)",
        ])

    return Demo(lambda pixels: _grow(instance_map, nearest, pixels), plot,
                [Slider("pixels", [0, 2, 3, 4, 5, 6, 8, 10, 12], default=0,
                        label="mask grown by (px)")],
                figsize=(8.0, 2.35), dpi=80,
                caption="A semantic mask a few pixels too generous joins neighbouring coins: "
                        "counting by connected components then undercounts (merged "
                        "components in vermillion, the others in their coin's colour).")


#: Every demo of the course, for ``make bench`` and the tests: name -> factory.
DEMOS = {
    "01 threshold": threshold_demo,
    "02 touching objects": touching_objects_demo,
    "02 merging coins": merging_coins_demo,
}
