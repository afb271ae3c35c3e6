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

Frames follow the course's figure style (:mod:`segcourse.plotting`): a
frame is at most :data:`~segcourse.plotting.COLUMN_WIDTH_PX` = 680 px wide as
displayed, is rendered at twice that density (``scale=2``) and shown at its
displayed width, in the live widget and in the book, with no text under
:data:`~segcourse.plotting.MIN_TEXT_PX` = 12 px. Frames are drawn inside
:func:`~segcourse.plotting.course_style`, whatever the notebook's settings.
Slider values run left to right in increasing order, as on any ruler.

The demos of chapters 01 to 04, 06 and 07 are at the end of this module; ``make bench``
times every demo's update (budget: 50 ms) and measures each static player
(budget: :data:`MAX_STATIC_BYTES`).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import numbers
import os
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

try:
    import matplotlib  # noqa: F401  (every frame is drawn with it)
except ModuleNotFoundError as error:  # a plain install: name the extra
    from segcourse._optional import missing_extra

    raise missing_extra(error, __name__) from error

from ._validation import (
    argument_error,
    check_instance_map,
    check_int,
    check_mask,
    check_number,
    check_same_shape,
    to_numpy,
)
from .labels import class_colors, connected_components, instance_colors
from .plotting import (
    COLUMN_WIDTH_PX,
    COURSE_RC,
    DISPLAY_DPI,
    ERROR_COLOURS,
    PNG_SCALE,
    SCORE_LABELS,
    course_style,
    score_style,
)

__all__ = [
    "Slider",
    "Demo",
    "Picture",
    "rgba8",
    "threshold_demo",
    "threshold_segmentation",
    "touching_objects",
    "touching_objects_demo",
    "grow_mask",
    "merging_coins_demo",
    "temperature_scaling",
    "temperature_demo",
    "probability_threshold",
    "probability_threshold_demo",
    "imbalance_demo",
    "small_objects_demo",
    "stray_blob_demo",
    "object_threshold_demo",
    "missed_object_image",
    "focal_sweep",
    "focal_demo",
    "tversky_sweep",
    "tversky_demo",
    "training_lab_demo",
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
        The settings the slider offers, left to right (numbers). The book
        renders one frame per setting, so keep them few (about 10 to 20).
        Numbers must increase strictly from left to right, as on a ruler: a
        slider whose values fall as it moves right misleads the reader (to
        bring two objects together, offer gaps from small to large and let
        the reader slide left).
    default : optional
        The initial setting (must be one of ``values``); the middle one if None.
    label : str, optional
        What the reader sees beside the slider (``name`` by default).

    Examples
    --------
    >>> Slider("gap", [-2, 0, 2, 4], default=2).initial
    2
    >>> Slider("gap", [4, 2, 0])
    Traceback (most recent call last):
    ...
    ValueError: Expected argument `values` to be numbers that increase from left to right, \
but got [4, 2, 0] (4 before 2).
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
        if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            for left, right in itertools.pairwise(values):
                if not left < right:
                    shown = repr(values) if len(values) <= 8 else repr(values[:8])[:-1] + ", ...]"
                    raise argument_error("values", "numbers that increase from left to right",
                                         f"{shown} ({_format(left)} before {_format(right)})")
        elif len(set(map(repr, values))) != len(values):
            raise argument_error("values", "distinct settings", repr(values))
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
        ``fig`` (already cleared, margins set for one line of panel titles;
        ``plot`` may set others). It may return a function
        ``update(result)`` that changes the drawn artists in place (new image
        data, new titles); later slider moves then call it instead of
        redrawing from scratch, which keeps updates fast. It draws inside
        :func:`segcourse.plotting.course_style`.
    sliders : sequence of Slider
        One or two sliders; together at most 60 settings (one frame each).
    figsize : (float, float)
        Figure size in inches as displayed; at most
        :data:`~segcourse.plotting.COLUMN_WIDTH_PX` px wide at ``dpi``.
    dpi : int
        Pixels per inch as displayed (:data:`~segcourse.plotting.DISPLAY_DPI`).
    scale : int
        Frames hold ``scale`` times as many pixels per inch as displayed
        (:data:`~segcourse.plotting.PNG_SCALE` = 2: sharp on high-density
        screens); the player and the widget show them at the displayed width.
    caption : str, optional
        A sentence under the figure.
    alt : str, optional
        What the demo shows, in a few words, for readers who cannot see it
        (a screen reader reads it first). Each frame's alt text in the book is
        this, then the frame's panel titles, then the slider settings (see
        :meth:`frame_alt`); without it, the caption stands in where a frame
        has no panel titles.

    Examples
    --------
    >>> demo = Demo(lambda n: n * 2, lambda result, fig: fig.suptitle(str(result)),
    ...             [Slider("n", [1, 2, 3])], figsize=(2, 1))
    >>> demo.compute_at(n=3)
    6
    >>> png = demo.render(n=2)
    >>> png[:4], demo.display_width, demo.frame_size
    (b'\x89PNG', 200, (400, 200))
    """

    def __init__(self, compute: Callable, plot: Callable, sliders: Sequence[Slider], *,
                 figsize=(6.8, 3.0), dpi=DISPLAY_DPI, scale=PNG_SCALE,
                 caption: str | None = None, alt: str | None = None):
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
        self.dpi = check_int(dpi, "dpi", minimum=20)
        self.scale = check_int(scale, "scale", minimum=1)
        if (not isinstance(figsize, (tuple, list)) or len(figsize) != 2
                or not all(isinstance(v, numbers.Real) and v > 0 for v in figsize)):
            raise argument_error("figsize", "a (width, height) pair of positive numbers",
                                 repr(figsize))
        if figsize[0] * self.dpi > COLUMN_WIDTH_PX + 1e-9:
            raise argument_error("figsize", f"a width of at most {COLUMN_WIDTH_PX / self.dpi:g} "
                                 f"inches ({COLUMN_WIDTH_PX} px, the content column, at dpi="
                                 f"{self.dpi})", repr(figsize))
        self.compute = compute
        self.plot = plot
        self.sliders = sliders
        self.figsize = (float(figsize[0]), float(figsize[1]))
        self.caption = caption
        self.alt = alt
        self._figure = None
        self._update = None

    @property
    def display_width(self) -> int:
        """Width of the figure in px as displayed."""
        return int(round(self.figsize[0] * self.dpi))

    @property
    def frame_size(self) -> tuple[int, int]:
        """Width and height of every frame in pixels (``scale`` times the displayed size)."""
        dpi = self.dpi * self.scale
        return int(self.figsize[0] * dpi), int(self.figsize[1] * dpi)

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
    def figure(self, **settings):
        """The matplotlib Figure of the frame for the given settings (reused from call to call).

        Its dpi is the frames' (``dpi * scale``); texts are sized in points,
        so they are as large as displayed as in any figure of the course.
        Pictures made with :class:`Picture` are not artists of the figure:
        they are pasted into the frame after the figure is drawn.
        """
        with course_style():
            if self._figure is None:
                from matplotlib.backends.backend_agg import FigureCanvasAgg
                from matplotlib.figure import Figure

                self._figure = Figure(figsize=self.figsize, dpi=self.dpi * self.scale,
                                      layout="none")
                FigureCanvasAgg(self._figure)
            fig = self._figure
            result = self.compute_at(**settings)
            if self._update is None:
                fig.clear()  # also resets the margins: set them after it
                fig.segcourse_pictures = []
                # room above the panels for one line of titles
                title_room = 2.2 * COURSE_RC["axes.titlesize"] / 72
                fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02,
                                    top=1 - title_room / self.figsize[1], wspace=0.05)
                update = self.plot(result, fig)
                self._update = update if callable(update) else None
            else:
                self._update(result)
            fig.canvas.draw()
        return fig

    def pixels(self, **settings) -> np.ndarray:
        """The frame for the given settings as an ``(H, W, 4)`` uint8 RGBA array."""
        fig = self.figure(**settings)
        canvas = np.asarray(fig.canvas.buffer_rgba())
        for picture in getattr(fig, "segcourse_pictures", ()):
            picture.paste(canvas)
        return canvas

    def render(self, **settings) -> bytes:
        """PNG bytes of the frame for the given settings (fast to encode: the live widget)."""
        return _encode_png(self.pixels(**settings), small=False)

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
        """ipywidgets sliders and an image that redraws on every move.

        The image is shown at the figure's displayed width (its PNG has
        ``scale`` times as many pixels), and narrower when the output is.
        """
        try:
            import ipywidgets as widgets
        except ModuleNotFoundError as error:
            from segcourse._optional import missing_extra

            raise missing_extra(error, "segcourse.widgets (the live demo)") from error

        image = widgets.Image(value=self.render(**self.initial_settings()), format="png",
                              width=str(self.display_width),
                              layout=widgets.Layout(max_width="100%", height="auto"))
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
    def frames(self) -> list[bytes]:
        """PNG bytes of every frame, in :meth:`settings` order, encoded small for the book."""
        return [_encode_png(self.pixels(**s), small=True) for s in self.settings()]

    def frame_alt(self, **settings) -> str:
        """The alt text of the frame for the given settings: what it shows, in words.

        :attr:`alt` (what the demo shows), the titles and legend entries the
        frame draws (its numbers included), and the slider settings; the
        caption stands in for the titles when the frame has none.
        """
        self.figure(**settings)
        return self._alt_text({**self.initial_settings(), **settings})

    def _alt_text(self, settings) -> str:
        panels = _figure_titles(self._figure)
        parts = [self.alt.rstrip(". ")] if self.alt else []
        if panels:
            parts.append("Panels: " + "; ".join(panels))
        elif self.caption:
            parts.append(self.caption.rstrip(". "))
        parts.append("Slider " + ", ".join(f"{s.text} = {_format(settings[s.name])}"
                                           for s in self.sliders))
        return ". ".join(parts) + "."

    def _frames_and_alts(self):
        frames, alts = [], []
        for settings in self.settings():
            frames.append(_encode_png(self.pixels(**settings), small=True))
            alts.append(self._alt_text(settings))
        return frames, alts

    def static_html(self) -> str:
        """A self-contained HTML player: all frames, switched by range inputs in the browser.

        Frames are shown ``display_width`` px wide (``max-width: 100%`` in a
        narrower column, keeping their aspect ratio).
        """
        pngs, alts = self._frames_and_alts()
        frames = ["data:image/png;base64," + base64.b64encode(png).decode("ascii")
                  for png in pngs]
        uid = "segcourse-demo-" + uuid.uuid4().hex[:10]
        sizes = [len(list(s.values)) for s in self.sliders]
        start = [list(s.values).index(s.initial) for s in self.sliders]
        inputs = []
        for index, slider in enumerate(self.sliders):
            labels = [_format(v) for v in slider.values]
            # A screen reader announces the label and the setting (aria-valuetext),
            # not the position of the range input (0, 1, 2, ...).
            shown = html.escape(labels[start[index]])
            inputs.append(
                f'<label style="display:block;margin:0.2em 0">'
                f'<span style="display:inline-block;min-width:10em">{html.escape(slider.text)}'
                f'</span> <input type="range" min="0" max="{len(labels) - 1}" step="1" '
                f'value="{start[index]}" data-slider="{index}" id="{uid}-slider-{index}" '
                f'aria-label="{html.escape(slider.text)}" aria-valuetext="{shown}" '
                f'style="width:16em;vertical-align:middle">'
                f' <output data-output="{index}" for="{uid}-slider-{index}">{shown}</output>'
                f"</label>")
        labels_json = json.dumps([[_format(v) for v in s.values] for s in self.sliders])
        first = int(np.ravel_multi_index(start, sizes))
        caption = (f'<p style="margin:0.2em 0"><em>{html.escape(self.caption)}</em></p>'
                   if self.caption else "")
        script = (
            "(function(){"
            f"var root=document.getElementById('{uid}');"
            f"var frames={json.dumps(frames)};var sizes={json.dumps(sizes)};"
            f"var labels={labels_json};var alts={json.dumps(alts)};"
            "var inputs=root.querySelectorAll('input[data-slider]');"
            "var img=root.querySelector('img');"
            "function show(){var index=0;for(var i=0;i<inputs.length;i++){"
            "var k=parseInt(inputs[i].value,10);index=index*sizes[i]+k;"
            "root.querySelector('output[data-output=\"'+i+'\"]').textContent=labels[i][k];"
            "inputs[i].setAttribute('aria-valuetext',labels[i][k]);}"
            "img.src=frames[index];img.alt=alts[index];img.setAttribute('data-frame',index);}"
            "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',show);"
            "inputs[i].addEventListener('change',show);}"
            "})();"
        )
        return (
            f'<div class="segcourse-demo" id="{uid}" data-frames="{len(frames)}">'
            + "".join(inputs)
            + f'<img src="{frames[first]}" data-frame="{first}" '
            f'alt="{html.escape(alts[first])}" '
            f'width="{self.display_width}" style="max-width:100%;height:auto">'
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


#: Colour (24-bit RGB code) -> palette index, reused by every frame (16 MB,
#: allocated on first use): a lookup is the fastest exact way to index a frame.
_PALETTE_INDEX = None


def _encode_png(pixels: np.ndarray, *, small: bool) -> bytes:
    """PNG bytes of an ``(H, W, 4)`` uint8 RGBA frame (opaque: the alpha is dropped).

    A frame of the course holds a few flat colours and anti-aliased text, so
    it is written as an indexed-colour PNG, several times smaller and faster
    to encode than RGB. The palette holds the frame's 256 most frequent
    colours: all of them in most frames, which are then stored exactly; in
    the others, the few pixels of the rarest colours (anti-aliased edges)
    take the nearest palette colour. ``small=True`` (the book's player,
    encoded once) compresses harder; ``small=False`` (a live slider move) fast.
    """
    global _PALETTE_INDEX
    from PIL import Image

    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    counted = image.getcolors(maxcolors=1 << 16)
    buffer = io.BytesIO()
    options = {"optimize": True} if small else {"compress_level": 1}
    if counted is None:  # a photograph-like frame: plain RGB
        image.convert("RGB").save(buffer, format="png", **options)
        return buffer.getvalue()
    counted.sort(key=lambda entry: -entry[0])
    colours = np.array([rgba[:3] for _, rgba in counted], dtype=np.int64)
    kept = colours[:256]
    if _PALETTE_INDEX is None:
        _PALETTE_INDEX = np.zeros(1 << 24, dtype=np.uint8)
    codes = colours @ np.array([1, 1 << 8, 1 << 16])
    _PALETTE_INDEX[codes[:256]] = np.arange(len(kept))
    if len(colours) > 256:
        rare = colours[256:]
        nearest = ((rare[:, None, :] - kept[None, :, :]) ** 2).sum(axis=-1).argmin(axis=1)
        _PALETTE_INDEX[codes[256:]] = nearest
    # the RGBA bytes of a pixel, read as one little-endian integer: R + G << 8 + B << 16 + ...
    pixel_codes = pixels.view("<u4")[..., 0] & 0xFFFFFF
    indices = _PALETTE_INDEX[pixel_codes]
    indexed = Image.frombuffer("P", (width, height), indices, "raw", "P", 0, 1)
    indexed.putpalette(kept.astype(np.uint8).ravel().tolist())
    indexed.save(buffer, format="png", **options)
    return buffer.getvalue()


class Picture:
    """A picture in a demo panel, pasted into the frame pixel for pixel.

    Matplotlib's ``imshow`` resamples and masks every picture on every draw
    (about 13 ms per picture at twice the display density, most of a slider
    update's budget); here each frame pixel takes the colour of the picture
    pixel under its centre (nearest neighbour, as ``imshow(...,
    interpolation="nearest")``), with indices computed once, and the result
    is copied into the drawn frame (about 2 ms). The axes ``ax`` give the
    place: the picture fills their box with its aspect ratio kept, centred.

    Parameters
    ----------
    ax : matplotlib Axes of a :class:`Demo` figure
    picture : ``(H, W, 4)`` uint8 RGBA array (see :func:`rgba8`)
    frame : bool
        Draw a thin frame around the picture (so that a white picture does
        not melt into a white page).
    """

    def __init__(self, ax, picture, *, frame=False):
        fig = ax.figure
        picture = self._check(picture)
        height, width = picture.shape[:2]
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(height - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.apply_aspect()
        ax.set_axis_off()  # no ticks, spines or background: the picture is pasted there
        if frame:
            from matplotlib.patches import Rectangle

            ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False,
                                   edgecolor="black", linewidth=0.8, clip_on=False))
        x0, y0, x1, y1 = np.round(ax.get_position().extents
                                  * np.tile(fig.bbox.size, 2)).astype(int)
        # inside the frame's line (0.8 pt, centred on the axes' edge), not over it
        inset = int(np.ceil(0.4 * fig.dpi / 72)) if frame else 0
        top = int(round(fig.bbox.height))
        self.box = (top - y1 + inset, top - y0 - inset, x0 + inset, x1 - inset)
        rows, cols = y1 - y0 - 2 * inset, x1 - x0 - 2 * inset
        # the picture row and column under the centre of each frame row and column
        self.rows = ((np.arange(rows) + 0.5) * height / rows).astype(np.intp)
        self.cols = ((np.arange(cols) + 0.5) * width / cols).astype(np.intp)
        self.shape = picture.shape
        self.set_data(picture)
        if not hasattr(fig, "segcourse_pictures"):
            fig.segcourse_pictures = []
        fig.segcourse_pictures.append(self)

    @staticmethod
    def _check(picture):
        picture = np.asarray(picture)
        if picture.dtype != np.uint8 or picture.ndim != 3 or picture.shape[2] != 4:
            raise argument_error("picture", "an (H, W, 4) uint8 RGBA array", picture)
        return picture

    def set_data(self, picture):
        """Show another picture of the same shape."""
        picture = self._check(picture)
        if picture.shape != self.shape:
            raise argument_error("picture", f"an array of shape {self.shape}", picture)
        # one uint32 per pixel: copying whole pixels is several times faster than bytes
        self.picture = np.ascontiguousarray(picture).view(np.uint32)[..., 0]

    def paste(self, canvas):
        """Copy the upsampled picture into ``canvas``, the drawn frame ``(H, W, 4)`` uint8."""
        top, bottom, left, right = self.box
        pixels = np.ascontiguousarray(canvas).view(np.uint32)[..., 0]
        pixels[top:bottom, left:right] = self.picture[self.rows][:, self.cols]


def rgba8(colours):
    """Float RGB colours (``(..., 3)`` in [0, 1]) as opaque uint8 RGBA (``(..., 4)``).

    For a lookup table ``(K, 3) -> (K, 4)`` (index it with a label map) or a
    whole picture ``(H, W, 3) -> (H, W, 4)``, as :class:`Picture` takes them.

    >>> rgba8([(0.0, 0.5, 1.0)]).tolist()
    [[0, 128, 255, 255]]
    """
    colours = np.asarray(colours, dtype=float)
    table = np.full(colours.shape[:-1] + (4,), 255, dtype=np.uint8)
    table[..., :3] = np.round(255 * colours[..., :3])
    return table


def _figure_titles(fig) -> list[str]:
    """The titles and legend entries a frame draws, in reading order, for its alt text.

    Titles are the figure's own texts, the axes' titles and texts placed above
    an axes (:func:`_panel_title`); numbers written inside pixel grids are left
    out (a screen reader would read them one by one).
    """
    found = []

    def add(text):
        text = " ".join(str(text).split())
        if text and text not in found:
            found.append(text)

    if fig is None:
        return found
    for text in fig.texts:
        if text.get_visible():
            add(text.get_text())
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            add(ax.get_title(loc))
        for text in ax.texts:
            if (text.get_visible() and text.get_transform() == ax.transAxes
                    and text.get_position()[1] >= 1):
                add(text.get_text())
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            entries = [t.get_text() for t in legend.get_texts() if t.get_text()]
            if entries:
                add("legend: " + ", ".join(entries))
    for legend in getattr(fig, "legends", []):
        entries = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if entries:
            add("legend: " + ", ".join(entries))
    return found


def _panel_title(ax, text):
    """A title drawn as plain text above the axes.

    Axes titles make matplotlib measure every axis on each draw, which costs
    more than the rest of a slider update; a positioned text does not.
    """
    return ax.text(0.5, 1.03, text, transform=ax.transAxes, ha="center", va="bottom",
                   fontsize=COURSE_RC["axes.titlesize"])


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

    # the course's error colours (plotting.ERROR_COLOURS), as one lookup table:
    # index 2 * mask + target -> TN black, FN yellow, FP vermilion, TP blue.
    # Pictures are uint8 RGBA (see Picture).
    error_colours = rgba8([ERROR_COLOURS[k] for k in ("TN", "FN", "FP", "TP")])
    mask_colours = rgba8([(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)])

    def errors_image(mask):
        return _lookup(error_colours, 2 * mask + target)

    def titles(result):
        return (f"image > {result['threshold']:g}: {100 * result['fraction']:.1f} % foreground",
                f"{100 * result['agreement']:.1f} % of pixels agree with truth")

    def plot(result, fig):
        left, right = fig.subplots(1, 2)
        # a frame around the mask, so that its white does not melt into a white page
        shown_mask = Picture(left, _lookup(mask_colours, result["mask"]), frame=True)
        shown_errors = Picture(right, errors_image(result["mask"]))
        texts = [_panel_title(ax, title) for ax, title in zip((left, right), titles(result),
                                                              strict=True)]

        def update(result):
            shown_mask.set_data(_lookup(mask_colours, result["mask"]))
            shown_errors.set_data(errors_image(result["mask"]))
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        return update

    thresholds = list(range(40, 201, 10))
    return Demo(compute, plot, [Slider("threshold", thresholds, default=110,
                                       label="threshold")],
                alt=("Thresholding the coins photograph: left, the mask of pixels brighter than "
                     "the threshold (white); right, its errors against the true coins in the "
                     "error colours"),
                figsize=(6.8, 2.95),
                caption="Right panel: blue, coin found; vermilion, background taken for coin; "
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
    # radius + 0.5: a round disc of the same extent (radius alone leaves a
    # one-pixel spike at each end of the vertical and horizontal diameters)
    left = (rows - centre_row) ** 2 + (cols - c1) ** 2 <= (radius + 0.5) ** 2
    right = (rows - centre_row) ** 2 + (cols - c2) ** 2 <= (radius + 0.5) ** 2
    instance = np.zeros((height, width), dtype=np.int64)
    instance[left] = 1
    instance[right & ~left] = 2
    semantic = instance > 0
    components = connected_components(semantic)
    return {"instance": instance, "semantic": semantic, "components": components,
            "true_count": int(instance.max()), "component_count": int(components.max()),
            "gap": gap}


def _count_images(result):
    """The three pictures of a counting demo, as uint8 RGBA: instances, mask, components."""
    from .plotting import component_colours

    instance_table = rgba8(np.vstack([[0, 0, 0],
                                      instance_colors(max(int(result["instance"].max()), 1))]))
    mask_table = rgba8([(0.0, 0.0, 0.0), class_colors(2)[1]])
    components_table, result["merged"] = component_colours(result["components"],
                                                           result["instance"])
    return (_lookup(instance_table, result["instance"]),
            _lookup(mask_table, result["semantic"]),
            _lookup(rgba8(components_table), result["components"]))


def _lookup(table, labels):
    """``table[labels]`` for a uint8 RGBA table, copying whole pixels (several times faster)."""
    pixels = np.ascontiguousarray(table).view(np.uint32)[:, 0][labels.astype(np.intp)]
    return pixels.view(np.uint8).reshape(labels.shape + (4,))


def _plot_counts(result, fig, make_titles):
    """Three panels (instances, semantic mask, components); returns the update function."""
    axes = fig.subplots(1, 3)
    shown, texts = [], []
    for ax, image, title in zip(axes, _count_images(result), make_titles(result), strict=True):
        shown.append(Picture(ax, image))
        texts.append(_panel_title(ax, title))

    def update(result):
        for text, picture, image, title in zip(texts, shown, _count_images(result),
                                               make_titles(result), strict=True):
            picture.set_data(image)
            text.set_text(title)

    return update


def _components_title(result):
    """'22 regions, 2 merged': how many regions, and how many of them hold 2+ objects."""
    count, merged = result["component_count"], result["merged"]
    regions = f"{count} region{'' if count == 1 else 's'}"
    if not merged:
        return f"components: {regions}"
    return f"{regions}, {merged} merged"


def touching_objects_demo():
    """Chapter 02: move two objects together until connected components merge them."""

    def plot(result, fig):
        return _plot_counts(result, fig, lambda result: [
            f"instances: {result['true_count']} objects",
            "semantic: one class",
            _components_title(result),
        ])

    # gaps from overlapping (negative) to apart, left to right: slide left to bring
    # the discs together
    return Demo(lambda gap: touching_objects(gap), plot,
                [Slider("gap", list(range(-4, 9)), default=4, label="gap (pixels)")],
                alt=("Two discs moved together or apart: the instance map, the semantic mask and "
                     "its connected components"),
                figsize=(6.8, 1.55),
                caption="The instance map keeps two objects at every gap; connected "
                        "components of the semantic mask count one region as soon as they "
                        "touch (a merged region, holding both, is drawn in white).")


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
            f"semantic, grown {result['pixels']} px",
            _components_title(result),
        ])

    return Demo(lambda pixels: _grow(instance_map, nearest, pixels), plot,
                [Slider("pixels", [0, 2, 3, 4, 5, 6, 8, 10, 12], default=0,
                        label="mask grown by (px)")],
                alt=("The coins' mask grown by a few pixels, its connected components coloured, "
                     "merged coins in white"),
                figsize=(6.8, 2.1),
                caption="A semantic mask a few pixels too generous joins neighbouring coins: "
                        "counting by connected components then undercounts. A merged "
                        "region (white) holds two or more coins; the others keep their "
                        "coin's colour.")


# -----------------------------------------------------------------------------
# Chapter 03: a temperature changes the probabilities, not the labels; a
# threshold trades found pixels for false alarms
# -----------------------------------------------------------------------------

def temperature_scaling(logits, temperature, *, axis=0):
    """Softmax probabilities of ``logits`` at a temperature, their argmax, and what changed.

    The maths is :func:`segcourse.outputs.softmax` with ``temperature``;
    this adds what the demo shows: the label map taken from the
    probabilities at that temperature, and how many of its pixels differ
    from the argmax of the logits themselves (always 0: dividing by
    :math:`T > 0` keeps the order of the classes).

    Parameters
    ----------
    logits : array of float
        Scores with a class axis, ``(C, H, W)`` for one image (``axis=0``).
    temperature : float
        :math:`T > 0`.

    Returns
    -------
    dict with ``probs`` (the shape of ``logits``), ``labels`` (the argmax of
    ``probs``), ``confidence`` (the largest probability of each pixel),
    ``mean_confidence``, ``changed`` (pixels whose label differs from the
    argmax of the logits) and ``temperature``.

    Examples
    --------
    >>> logits = np.array([[[2.0, 0.0]], [[1.0, 0.5]]])  # 2 classes, 1 x 2 pixels
    >>> hot, cold = temperature_scaling(logits, 5.0), temperature_scaling(logits, 0.2)
    >>> hot["confidence"].round(3), cold["confidence"].round(3)
    (array([[0.55 , 0.525]]), array([[0.993, 0.924]]))
    >>> hot["changed"], cold["changed"]
    (0, 0)
    """
    from .outputs import labels_from_logits, softmax

    probabilities = softmax(logits, axis=axis, temperature=temperature)
    labels = np.argmax(probabilities, axis=axis)
    reference = labels_from_logits(logits, axis=axis)
    confidence = probabilities.max(axis=axis)
    return {"probs": probabilities, "labels": labels, "confidence": confidence,
            "mean_confidence": float(confidence.mean()),
            "changed": int(np.count_nonzero(labels != reference)),
            "temperature": float(temperature)}


def probability_threshold(probs, target, threshold):
    """The mask ``probs > threshold``, its foreground fraction, precision and recall.

    Precision (the share of the mask that is foreground in ``target``) and
    recall (the share of the foreground that the mask finds) come from
    :func:`segcourse.metrics.precision` and :func:`segcourse.metrics.recall`
    (chapter 04 defines them): NaN when undefined (an empty mask has no
    precision).

    Parameters
    ----------
    probs : array of float in [0, 1]
        Foreground probabilities, for example the sigmoid of a one-channel model.
    target : boolean mask of the same shape
    threshold : float in [0, 1]

    Returns
    -------
    dict with ``mask``, ``fraction``, ``precision``, ``recall`` and ``threshold``.

    Examples
    --------
    >>> probs = np.array([[0.9, 0.6, 0.3, 0.1]])
    >>> target = np.array([[True, True, True, False]])
    >>> result = probability_threshold(probs, target, 0.5)
    >>> result["mask"].astype(int), result["fraction"], result["precision"], result["recall"]
    (array([[1, 1, 0, 0]]), 0.5, 1.0, 0.6666666666666666)
    >>> round(probability_threshold(probs, target, 0.2)["recall"], 3)
    1.0
    """
    from .metrics import precision, recall

    probs = to_numpy(probs, "probs")
    if probs.dtype.kind != "f":
        raise argument_error("probs", "float probabilities in [0, 1]", probs, type_error=True)
    target = check_mask(target, "target")
    check_same_shape(probs, target, "probs", "target")
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    mask = probs > threshold
    return {"mask": mask, "fraction": float(mask.mean()),
            "precision": float(precision(mask, target)), "recall": float(recall(mask, target)),
            "threshold": threshold}


def _tile(maps):
    """Up to four ``(H, W)`` maps side by side in a 2 x 2 grid (one map stays as it is)."""
    maps = np.asarray(maps)
    if maps.ndim == 2:
        return maps
    maps = maps[:4]
    if len(maps) == 1:
        return maps[0]
    blank = np.zeros_like(maps[0])
    cells = list(maps) + [blank] * (4 - len(maps))
    return np.block([[cells[0], cells[1]], [cells[2], cells[3]]])


def _chapter03_outputs():
    """What chapter 03 trains, for the demos' defaults (bench, tests): computed once.

    The notebook trains the same two models with the same settings and
    passes its own outputs to the demos; this only saves the bench and the
    tests from needing a notebook.
    """
    global _CHAPTER03
    if _CHAPTER03 is None:
        import torch

        from . import losses
        from ._dataset import make_dataset
        from .models import TinyUNet, train

        multi_train = make_dataset(64, size=32, num_classes=4, foreground_fraction=0.3,
                                   noise=0.15, seed=0)
        multi_val = make_dataset(16, size=32, num_classes=4, foreground_fraction=0.3,
                                 noise=0.15, seed=1)
        model = TinyUNet(1, 4, width=8, seed=0)
        train(model, multi_train, losses.CrossEntropyLoss(), epochs=10, lr=1e-2, batch_size=8,
              lr_schedule="cosine", num_threads=1, progress=False)
        binary_train = make_dataset(48, size=32, foreground_fraction=0.15, noise=0.3, seed=2)
        binary_val = make_dataset(16, size=32, foreground_fraction=0.15, noise=0.3, seed=3)
        binary = TinyUNet(1, 1, width=8, levels=2, seed=0)
        train(binary, binary_train, losses.BinaryFocalLoss(gamma=0.0, alpha=None), epochs=6,
              lr=1e-2, lr_schedule="cosine", num_threads=1, progress=False)
        with torch.no_grad():
            logits = model.eval()(torch.as_tensor(multi_val.images)).double().numpy()
            probs = torch.sigmoid(binary.eval()(torch.as_tensor(binary_val.images)))
        _CHAPTER03 = {"logits": logits, "class_names": multi_val.class_names,
                      "probs": probs[:, 0].double().numpy(), "masks": binary_val.masks > 0}
    return _CHAPTER03


_CHAPTER03 = None

#: Probabilities are drawn in this many bands of viridis: few enough colours for
#: the frames' 256-colour PNGs to keep the colour bar exact (see _encode_png).
PROBABILITY_LEVELS = 32
_PROBABILITY_COLOURS = None


def _probability_colours():
    """The colours of the probability bands, as RGB floats ``(PROBABILITY_LEVELS, 3)``."""
    global _PROBABILITY_COLOURS
    if _PROBABILITY_COLOURS is None:
        import matplotlib

        centres = (np.arange(PROBABILITY_LEVELS) + 0.5) / PROBABILITY_LEVELS
        _PROBABILITY_COLOURS = matplotlib.colormaps["viridis"](centres)[:, :3]
    return _PROBABILITY_COLOURS


def _probability_picture(probs):
    """uint8 RGBA picture of probabilities: band ``floor(p * levels)`` of viridis."""
    table = rgba8(_probability_colours())
    index = np.minimum(np.floor(np.clip(probs, 0.0, 1.0) * PROBABILITY_LEVELS),
                       PROBABILITY_LEVELS - 1)
    return _lookup(table, index)


def _probability_colorbar(fig, box):
    """A colour bar for probabilities (0 to 1, the bands of the pictures) at figure ``box``."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap, Normalize

    bar = fig.colorbar(ScalarMappable(Normalize(0.0, 1.0),
                                      ListedColormap(_probability_colours())),
                       cax=fig.add_axes(box), ticks=[0.0, 0.5, 1.0])
    bar.ax.set_yticklabels(["0", "0.5", "1"])
    bar.set_label("probability", labelpad=2)
    return bar


def temperature_demo(logits=None, *, class_names=None, class_colours=None):
    """Chapter 03: divide the logits by a temperature T and watch the probabilities.

    Each panel shows one class's softmax probability over one image; the
    last one the label map, the argmax of the probabilities at that
    temperature, with the number of pixels whose label changed (always 0).

    Parameters
    ----------
    logits : array ``(C, H, W)``, optional
        One image's logits; by default those of the model chapter 03 trains.
    class_names : sequence of ``C`` str, optional
    class_colours : array ``(C, 3)``, optional
        Colours of the label map (:func:`segcourse.labels.class_colors` by default).
    """
    if logits is None:
        outputs = _chapter03_outputs()
        logits, class_names = outputs["logits"][1], class_names or outputs["class_names"]
    logits = np.asarray(to_numpy(logits, "logits"), dtype=np.float64)
    if logits.ndim != 3 or logits.shape[0] < 2:
        raise argument_error("logits", "one image's logits of shape (C, H, W) with C >= 2",
                             logits)
    count = logits.shape[0]
    names = [f"class {c}" for c in range(count)] if class_names is None else list(class_names)
    if len(names) != count:
        raise argument_error("class_names", f"{count} names", f"{len(names)} names")
    colours = class_colors(count) if class_colours is None else np.asarray(class_colours)
    label_table = rgba8(colours[:, :3])

    def titles(result):
        return [f"p({name})" for name in names] + [
            f"label map: {result['changed']} px\ndiffer from T = 1"]

    def pictures(result):
        return ([_probability_picture(p) for p in result["probs"]]
                + [_lookup(label_table, result["labels"])])

    def plot(result, fig):
        # the panels, then a colour bar at the right
        fig.subplots_adjust(left=0.005, right=0.875, wspace=0.06)
        axes = fig.subplots(1, count + 1)
        shown = [Picture(ax, picture) for ax, picture in zip(axes, pictures(result),
                                                              strict=True)]
        texts = [_panel_title(ax, title) for ax, title in zip(axes, titles(result), strict=True)]
        box = axes[0].get_position()
        _probability_colorbar(fig, [0.89, box.y0, 0.012, box.height])

        def update(result):
            for picture, image in zip(shown, pictures(result), strict=True):
                picture.set_data(image)
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        return update

    temperatures = [0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0]
    return Demo(lambda temperature: temperature_scaling(logits, temperature), plot,
                [Slider("temperature", temperatures, default=1.0, label="temperature T")],
                alt=("The probability map of each class after softmax at temperature T, light for "
                     "high probability, and the label map"),
                figsize=(6.8, 1.75),
                caption="softmax(logits / T): a low T pushes every probability towards 0 or "
                        "1, a high T towards 1/C; the label map (argmax) never changes.")


def probability_threshold_demo(probs=None, target=None):
    """Chapter 03: slide the threshold on a binary model's foreground probabilities.

    Left, the probabilities (sigmoid of the model's one channel) of up to
    four images; middle, the mask ``probs > threshold`` with its foreground
    fraction; right, where the mask agrees with the ground truth, with
    precision and recall.

    Parameters
    ----------
    probs : array ``(N, H, W)`` or ``(H, W)``, optional
        Foreground probabilities (up to four images are shown, in a 2 x 2
        grid); by default those of the binary model chapter 03 trains.
    target : boolean array of the same shape, optional
    """
    if probs is None or target is None:
        outputs = _chapter03_outputs()
        probs, target = outputs["probs"][:4], outputs["masks"][:4]
    probs = np.asarray(to_numpy(probs, "probs"))
    target = check_mask(target, "target")
    check_same_shape(probs, target, "probs", "target")
    if probs.ndim not in (2, 3) or probs.dtype.kind != "f":
        raise argument_error("probs", "float probabilities of shape (N, H, W) or (H, W)", probs)
    probs, target = _tile(probs), _tile(target)
    probability_image = _probability_picture(probs)
    error_colours = rgba8([ERROR_COLOURS[k] for k in ("TN", "FN", "FP", "TP")])
    mask_colours = rgba8([(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)])

    def titles(result):
        return ("probability p",
                f"p > {result['threshold']:.2f}: {100 * result['fraction']:.1f} %",
                f"precision {result['precision']:.2f}\nrecall {result['recall']:.2f}")

    def plot(result, fig):
        title_room = 3.4 * COURSE_RC["axes.titlesize"] / 72
        fig.subplots_adjust(left=0.005, right=0.885, top=1 - title_room / fig.get_figheight(),
                            wspace=0.08)
        axes = fig.subplots(1, 3)
        Picture(axes[0], probability_image)
        shown_mask = Picture(axes[1], _lookup(mask_colours, result["mask"]), frame=True)
        shown_errors = Picture(axes[2], _lookup(error_colours, 2 * result["mask"] + target))
        texts = [_panel_title(ax, title) for ax, title in zip(axes, titles(result), strict=True)]
        box = axes[0].get_position()
        _probability_colorbar(fig, [0.9, box.y0, 0.012, box.height])

        def update(result):
            shown_mask.set_data(_lookup(mask_colours, result["mask"]))
            shown_errors.set_data(_lookup(error_colours, 2 * result["mask"] + target))
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        return update

    thresholds = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    return Demo(lambda threshold: probability_threshold(probs, target, threshold), plot,
                [Slider("threshold", thresholds, default=0.5, label="threshold")],
                alt=("A probability map cut at a threshold: the predicted shapes and their errors "
                     "against the truth in the error colours"),
                figsize=(6.8, 2.6),
                caption="Right panel: blue, shape found; vermilion, background taken for "
                        "shape; yellow, shape missed; black, background correctly left out. "
                        "A lower threshold finds more and mistakes more.")


# -----------------------------------------------------------------------------
# Chapter 04: pixel and boundary scores under imbalance, small objects, stray blobs
# -----------------------------------------------------------------------------

def _error_picture(pred, target):
    """uint8 RGBA picture of pixel errors in the course's colours (index 2 * target + pred)."""
    table = rgba8([ERROR_COLOURS[name] for name in ("TN", "FP", "FN", "TP")])
    return _lookup(table, 2 * target.astype(np.intp) + pred)


class _Frozen:
    """A region of a demo's figure drawn once and pasted into every later frame.

    Tick labels, axis labels and legends are the same in every frame and
    cost most of a redraw (text layout); drawn once, kept as pixels and
    hidden from later draws, they cost a copy. A :class:`Demo` pastes every
    object of ``fig.segcourse_pictures`` into each frame after drawing it.
    """

    def __init__(self, fig, box):
        width, height = fig.bbox.size
        left, bottom = int(round(box[0] * width)), int(round(box[1] * height))
        right = int(round((box[0] + box[2]) * width))
        top = int(round((box[1] + box[3]) * height))
        full = int(round(height))
        self.rows, self.cols = slice(full - top, full - bottom), slice(left, right)
        self.pixels = np.asarray(fig.canvas.buffer_rgba())[self.rows, self.cols].copy()

    def paste(self, canvas):
        canvas[self.rows, self.cols] = self.pixels


def _freeze(fig, boxes, artists=()):
    """Draw ``fig``, keep the pixels of ``boxes`` and hide ``artists`` from later draws.

    ``boxes`` are ``[left, bottom, width, height]`` in figure fractions. Every
    artist in ``artists`` must lie inside the boxes and look the same in
    every frame, and nothing that changes may reach into a box.
    """
    fig.canvas.draw()
    for box in boxes:
        fig.segcourse_pictures.append(_Frozen(fig, box))
    for artist in artists:
        artist.set_visible(False)


def _freeze_around(fig, ax, region):
    """Freeze what surrounds a curve axes' plotting area: ticks, labels, legend.

    ``region`` ``[left, bottom, right, top]`` (figure fractions) holds the
    axes and everything that belongs to it; the strips left of, below and
    right of the plotting area are frozen (:func:`_freeze`) and the tick
    labels, axis labels and legend hidden. The plotting area (lines,
    markers) and the space above it (a changing title) stay live.
    """
    left, bottom, right, top = region
    box = ax.get_position()
    boxes = [[left, bottom, box.x0 - left, top - bottom],         # y tick labels, y label
             [box.x0, bottom, box.x1 - box.x0, box.y0 - bottom],  # x tick labels, x label
             [box.x1, bottom, right - box.x1, top - bottom]]      # the legend
    artists = [ax.xaxis.label, ax.yaxis.label]
    if ax.get_legend() is not None:
        artists.append(ax.get_legend())
    _freeze(fig, boxes, artists)
    ax.tick_params(labelbottom=False, labelleft=False)


def _error_legend(fig, box, ncol=4):
    """A legend of the four error colours in the figure box ``[left, bottom, width, height]``."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=ERROR_COLOURS[name], edgecolor="0.4", linewidth=0.6, label=name)
               for name in ("TP", "FP", "FN", "TN")]
    ax = fig.add_axes(box)
    ax.set_axis_off()
    ax.legend(handles=handles, loc="center", ncol=ncol, frameon=False, handlelength=1.0,
              handletextpad=0.4, columnspacing=0.9, borderaxespad=0.0)
    return ax


def _curve_axes(fig, box, x, curves, names, *, log_x, xlabel, ylabel, ylim, legend_at=None):
    """Axes with one line per score and a marker on each: ``(ax, lines, markers, vline)``."""
    ax = fig.add_axes(box)
    lines, markers = {}, {}
    for name in names:
        colour, style, marker = score_style(name)
        # no anti-aliasing: frames at twice the display density look smooth without it,
        # and keep few enough colours to be encoded fast (see widgets._encode_png)
        lines[name], = ax.plot(x, curves[name], color=colour, linestyle=style, linewidth=1.6,
                               label=SCORE_LABELS.get(name, name), antialiased=False)
        markers[name], = ax.plot(x[:1], curves[name][:1], marker=marker, color=colour,
                                 markersize=6, markeredgecolor="black", markeredgewidth=0.6,
                                 linestyle="none", antialiased=False)
    vline = ax.axvline(x[0], color="0.6", linewidth=1.0, zorder=0, antialiased=False)
    if log_x:
        ax.set_xscale("log")
        ax.set_xlim(x.min() / 1.4, x.max() * 1.4)
    else:
        margin = 0.04 * (x.max() - x.min())
        ax.set_xlim(x.min() - margin, x.max() + margin)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(xlabel, labelpad=1)
    ax.set_ylabel(ylabel, labelpad=2)
    if legend_at is not None:
        ax.legend(loc="upper left", bbox_to_anchor=legend_at, frameon=False,
                  borderaxespad=0.0, handlelength=1.8, labelspacing=0.3, handletextpad=0.5)
    return ax, lines, markers, vline


def _mark(markers, vline, x, curves, index):
    for name, marker in markers.items():
        marker.set_data([x[index]], [curves[name][index]])
    vline.set_xdata([x[index]] * 2)


def _percent(fraction):
    percent = 100 * fraction
    return f"{percent:.1f} %" if percent < 1 else f"{percent:.0f} %"


def imbalance_demo(*, fractions=None, errors=None, size=(200, 200)):
    """Chapter 04: shrink the object, keep the predictor's error: accuracy rises, Dice falls.

    Left, the prediction's errors (TP blue, FP vermilion, FN yellow, TN
    black) at the chosen foreground fraction; right, every pixel score of
    :func:`segcourse.scenarios.imbalance_case` against the foreground
    fraction, for the chosen outline error, with the current setting
    marked. The scores come from :func:`segcourse.scenarios.imbalance_curves`.

    Parameters
    ----------
    fractions : sequence of float, optional
        Settings of the first slider (default
        :data:`segcourse.scenarios.IMBALANCE_FRACTIONS`, 0.1 % to 50 %).
    errors : sequence of float, optional
        Settings of the second slider, the predictor's outline error in pixels
        (default :data:`segcourse.scenarios.IMBALANCE_ERRORS`).
    size : (int, int)
        The image's height and width.
    """
    from . import scenarios

    fractions = list(scenarios.IMBALANCE_FRACTIONS if fractions is None else fractions)
    errors = list(scenarios.IMBALANCE_ERRORS if errors is None else errors)
    names = ["accuracy", "specificity", "balanced_accuracy", "recall", "precision", "dice",
             "iou", "matthews_corrcoef"]
    # the curves at the slider's fractions and more between them (smoother lines)
    grid = sorted(set(fractions) | set(scenarios.IMBALANCE_CURVE_FRACTIONS))
    curves = {error: scenarios.imbalance_curves(error, grid, size=size) for error in errors}

    def compute(foreground_fraction, error):
        return {"case": scenarios.imbalance_case(foreground_fraction, error, size=size),
                "curves": curves[error], "index": grid.index(foreground_fraction)}

    def titles(result):
        scores = result["case"]["scores"]
        return (f"{_percent(result['case']['fraction'])} foreground,\n"
                f"outline {result['case']['error']:g} px off",
                f"accuracy {scores['accuracy']:.3f}, Dice {scores['dice']:.2f}")

    def plot(result, fig):
        picture_ax = fig.add_axes([0.005, 0.14, 0.27, 0.67])
        shown = Picture(picture_ax, _error_picture(result["case"]["pred"],
                                                   result["case"]["target"]), frame=True)
        picture_title = _panel_title(picture_ax, "")
        legend_ax = _error_legend(fig, [0.0, 0.0, 0.29, 0.11])
        first = result["curves"]
        ax, lines, markers, vline = _curve_axes(
            fig, [0.385, 0.18, 0.33, 0.65], first["fraction"], first, names, log_x=True,
            xlabel="foreground fraction", ylabel="score", ylim=(0.0, 1.02),
            legend_at=(1.03, 1.0))
        ax.set_xticks([0.001, 0.01, 0.1], ["0.1 %", "1 %", "10 %"])
        ax.set_xticks([], minor=True)
        plot_title = _panel_title(ax, "")

        def update(result):
            case, curves_now, index = result["case"], result["curves"], result["index"]
            shown.set_data(_error_picture(case["pred"], case["target"]))
            for name in names:
                lines[name].set_ydata(curves_now[name])
            _mark(markers, vline, curves_now["fraction"], curves_now, index)
            for text, title in zip((picture_title, plot_title), titles(result), strict=True):
                text.set_text(title)

        update(result)
        _freeze_around(fig, ax, [0.31, 0.0, 1.0, 0.86])
        _freeze(fig, [[0.0, 0.0, 0.3, 0.12]], [legend_ax])
        return update

    return Demo(compute, plot,
                [Slider("foreground_fraction", fractions, default=0.1,
                        label="foreground fraction"),
                 Slider("error", errors, default=2, label="outline error (px)")],
                alt=("Left, a disc predicted a few pixels off, its errors in the error colours; "
                     "right, the scores against the foreground fraction, the current fraction "
                     "marked"),
                figsize=(6.8, 2.6),
                caption="The predictor makes the same mistake at every size: its disc is "
                        "drawn a few pixels too far right and too large. Slide the fraction "
                        "to the left: accuracy and specificity climb towards 1 while "
                        "precision, Dice and IoU fall.")


def small_objects_demo(*, radii=(2, 3, 5, 7, 10, 20, 30, 50), error=1, picture_size=66):
    """Chapter 04: the same one-pixel boundary error on discs of every size.

    Left, the errors of ``disc(r + error)`` against ``disc(r)``, zoomed so
    that the disc fills the panel (its pixels stay square); right, Dice and
    IoU against the radius (:func:`segcourse.scenarios.small_object_curve`).
    """
    from . import scenarios

    radii = list(radii)
    curve = scenarios.small_object_curve(radii, error=error)

    def compute(radius):
        pred, target = scenarios.disc_pair(radius, radius + error)
        index = radii.index(radius)
        return {"pred": pred, "target": target, "radius": radius, "index": index,
                "dice": float(curve["dice"][index]), "iou": float(curve["iou"][index])}

    def zoomed(result):
        picture = _error_picture(result["pred"], result["target"])
        rows = ((np.arange(picture_size) + 0.5) * picture.shape[0] / picture_size).astype(int)
        cols = ((np.arange(picture_size) + 0.5) * picture.shape[1] / picture_size).astype(int)
        return picture[rows][:, cols]

    def plot(result, fig):
        picture_ax = fig.add_axes([0.005, 0.14, 0.27, 0.67])
        shown = Picture(picture_ax, zoomed(result), frame=True)
        picture_title = _panel_title(picture_ax, "")
        legend_ax = _error_legend(fig, [0.0, 0.0, 0.29, 0.11])
        ax, _, markers, vline = _curve_axes(
            fig, [0.385, 0.18, 0.40, 0.65], curve["radius"], curve, ["dice", "iou"],
            log_x=True, xlabel="radius of the object (px)", ylabel="score",
            ylim=(0.0, 1.02), legend_at=(1.03, 1.0))
        ax.set_xticks([2, 5, 10, 20, 50], ["2", "5", "10", "20", "50"])
        ax.set_xticks([], minor=True)
        plot_title = _panel_title(ax, "")

        def update(result):
            shown.set_data(zoomed(result))
            _mark(markers, vline, curve["radius"], curve, result["index"])
            side = result["target"].shape[0]
            picture_title.set_text(f"radius {result['radius']} px\n"
                                   f"(window {side} x {side} px)")
            plot_title.set_text(f"Dice {result['dice']:.2f}, IoU {result['iou']:.2f}")

        update(result)
        _freeze_around(fig, ax, [0.31, 0.0, 1.0, 0.86])
        _freeze(fig, [[0.0, 0.0, 0.3, 0.12]], [legend_ax])
        return update

    return Demo(compute, plot, [Slider("radius", radii, default=10, label="radius (px)")],
                alt=(f"A disc of the chosen radius predicted {error} px too large, its errors in "
                     "the error colours, and the scores against the radius"),
                figsize=(6.8, 2.6),
                caption=f"Every outline is {error} px too far out (the vermilion ring): a "
                        "thin ring around a large disc, most of a small one.")


def stray_blob_demo(*, distances=(2, 4, 8, 16, 32, 64), blob_sizes=(2, 3),
                    radius=16, size=(40, 112)):
    """Chapter 04: a small false blob far from a correct object: Dice shrugs, HD explodes.

    Top, the errors of the prediction (the exact disc plus a square blob of
    false positives); below, the distance scores (HD, HD95, ASSD, in pixels)
    and the overlap scores (Dice, surface Dice) against the blob's distance,
    from :func:`segcourse.scenarios.stray_blob_curves`.
    """
    from . import scenarios

    distances = list(distances)
    curves = {b: scenarios.stray_blob_curves(distances, blob_size=b, radius=radius, size=size)
              for b in blob_sizes}
    x = np.asarray(distances, dtype=float)

    def compute(distance, blob_size):
        case = scenarios.stray_blob(distance, blob_size=blob_size, radius=radius, size=size)
        case["index"] = distances.index(distance)
        case["curves"] = curves[blob_size]
        return case

    def plot(result, fig):
        picture_ax = fig.add_axes([0.005, 0.60, 0.99, 0.29])
        shown = Picture(picture_ax, _error_picture(result["pred"], result["target"]),
                        frame=True)
        picture_title = _panel_title(picture_ax, "")
        top = max(float(np.max(c["hd"])) for c in curves.values()) * 1.05
        first = result["curves"]
        left, left_lines, left_markers, left_line = _curve_axes(
            fig, [0.09, 0.12, 0.30, 0.34], x, first, ["hd", "hd95", "assd"], log_x=False,
            xlabel="blob distance (px)", ylabel="pixels", ylim=(0, top), legend_at=(1.03, 1.0))
        right, right_lines, right_markers, right_line = _curve_axes(
            fig, [0.64, 0.12, 0.17, 0.34], x, first, ["dice", "surface_dice"], log_x=False,
            xlabel="blob distance (px)", ylabel="score", ylim=(0.0, 1.02),
            legend_at=(1.04, 1.0))
        legend_ax = _error_legend(fig, [0.25, 0.505, 0.5, 0.065])

        def update(result):
            shown.set_data(_error_picture(result["pred"], result["target"]))
            index, curves_now = result["index"], result["curves"]
            for lines, markers, vline in ((left_lines, left_markers, left_line),
                                          (right_lines, right_markers, right_line)):
                for name in lines:
                    lines[name].set_ydata(curves_now[name])
                _mark(markers, vline, x, curves_now, index)
            picture_title.set_text(
                f"{result['blob_size']} x {result['blob_size']} px blob {result['distance']} px "
                f"away: Dice {result['dice']:.3f}, HD {result['hd']:.1f} px, "
                f"HD95 {result['hd95']:.1f} px")

        update(result)
        _freeze_around(fig, left, [0.0, 0.0, 0.52, 0.47])
        _freeze_around(fig, right, [0.52, 0.0, 1.0, 0.47])
        _freeze(fig, [[0.25, 0.5, 0.5, 0.075]], [legend_ax])
        return update

    return Demo(compute, plot,
                [Slider("distance", distances, default=16, label="blob distance (px)"),
                 Slider("blob_size", list(blob_sizes), default=2, label="blob side (px)")],
                alt=("A disc predicted exactly plus a small stray blob at some distance, and the "
                     "overlap and boundary scores against that distance"),
                figsize=(6.8, 3.5),
                caption="The disc is predicted exactly; only the small vermilion blob is "
                        "wrong. Dice hardly moves; the Hausdorff distance grows with the "
                        "blob's distance; HD95 ignores the blob only while its outline is "
                        "under 5 % of the prediction's.")


# -----------------------------------------------------------------------------
# Chapter 05: object scores
# -----------------------------------------------------------------------------

def _match_legend(fig, box):
    """A legend of the object outcomes (TP, FP, FN, target outline) in the figure box."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=ERROR_COLOURS[name], edgecolor="0.4", linewidth=0.6, label=text)
               for name, text in (("TP", "TP"), ("FP", "FP"), ("FN", "FN"))]
    handles.append(Patch(facecolor="white", edgecolor="0.4", linewidth=0.6, label="true"))
    ax = fig.add_axes(box)
    ax.set_axis_off()
    ax.legend(handles=handles, loc="center", ncol=4, frameon=False, handlelength=1.0,
              handletextpad=0.4, columnspacing=0.8, borderaxespad=0.0)
    return ax


def object_threshold_demo(*, thresholds=None, seed=0, scene_seed=0):
    """Chapter 05: raise the IoU threshold and watch matches turn into misses.

    Left, the predicted objects of :func:`segcourse.scenarios.predict_objects`
    on ``make_scene(scene_seed)`` at the chosen IoU threshold: true positives
    outlined blue, false positives vermilion, missed targets filled yellow,
    every target outlined white (:func:`segcourse.plotting.object_match_rgb`).
    Right, precision, recall, TP / (TP + FP + FN) and COCO's AP against the
    threshold (:func:`segcourse.scenarios.object_threshold_curves`), the
    current one marked. Categories are not used.

    Parameters
    ----------
    thresholds : sequence of float, optional
        The slider's IoU thresholds (default COCO's 0.50, 0.55, ..., 0.95).
    seed, scene_seed : int
        Seeds of the prediction and of the scene.
    """
    from . import scenarios
    from .data import make_scene
    from .metrics import COCO_IOU_THRESHOLDS
    from .plotting import object_match_rgb

    thresholds = [round(float(t), 2) for t in (COCO_IOU_THRESHOLDS if thresholds is None
                                                 else thresholds)]
    scene = make_scene(seed=scene_seed)
    prediction = scenarios.predict_objects(scene.instance, seed=seed,
                                           instance_classes=scene.instance_classes)
    curves = scenarios.object_threshold_curves(prediction, scene.instance, thresholds)
    names = ["precision", "recall", "cell_ap", "ap"]
    x = np.asarray(thresholds)

    # ten settings: the matches and pictures of all of them, made once
    results = {}
    for index, threshold in enumerate(thresholds):
        result = scenarios.object_matches(prediction, scene.instance, threshold)
        result["index"], result["threshold"] = index, threshold
        result["picture"] = rgba8(object_match_rgb(
            prediction.masks, scene.instance, (result["pred_status"], result["target_status"]),
            image=scene.image))
        results[threshold] = result

    def compute(iou_threshold):
        return results[iou_threshold]

    def picture(result):
        return result["picture"]

    def plot(result, fig):
        picture_ax = fig.add_axes([0.005, 0.16, 0.47, 0.70])
        shown = Picture(picture_ax, picture(result), frame=True)
        picture_title = _panel_title(picture_ax, "")
        legend_ax = _match_legend(fig, [0.0, 0.0, 0.48, 0.12])
        ax, _, markers, vline = _curve_axes(
            fig, [0.60, 0.42, 0.38, 0.44], x, curves, names, log_x=False,
            xlabel="IoU threshold", ylabel="score", ylim=(0.0, 1.02))
        ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.32), ncol=2, frameon=False,
                  borderaxespad=0.0, handlelength=1.8, columnspacing=0.8, handletextpad=0.4)
        plot_title = _panel_title(ax, "")

        def update(result):
            shown.set_data(picture(result))
            _mark(markers, vline, x, curves, result["index"])
            picture_title.set_text(f"IoU \u2265 {result['threshold']:.2f}: TP {result['tp']}, "
                                   f"FP {result['fp']}, FN {result['fn']}")
            index = result["index"]
            plot_title.set_text(f"AP {curves['ap'][index]:.2f}, "
                                f"TP/(TP+FP+FN) {curves['cell_ap'][index]:.2f}")

        update(result)
        _freeze_around(fig, ax, [0.50, 0.0, 1.0, 0.88])
        _freeze(fig, [[0.0, 0.0, 0.49, 0.13]], [legend_ax])
        return update

    return Demo(compute, plot,
                [Slider("iou_threshold", thresholds, default=0.5, label="IoU threshold")],
                figsize=(6.8, 3.0),
                caption="Eight true objects, nine predictions: one object missed, two "
                        "merged, one split in two halves, one shifted, one eroded, a "
                        "duplicate and a hallucinated object. Raise the threshold: matches "
                        "whose IoU falls below it turn into a false positive and a missed "
                        "target at once.")


# -----------------------------------------------------------------------------
# Chapter 06: losses. The focal loss's gamma reshapes which pixels carry the
# loss; the Tversky loss's alpha and beta trade false positives for misses
# -----------------------------------------------------------------------------

#: The settings of the focal demo's slider, and the curves always drawn behind it.
FOCAL_GAMMAS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
FOCAL_FAMILY = (0.0, 0.5, 1.0, 2.0, 5.0)
#: The settings of the Tversky demo's slider (alpha; beta = 1 - alpha).
TVERSKY_ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: Losses and gradients are drawn in this many colour bands (see PROBABILITY_LEVELS); an odd
#: number, so that a gradient of 0 falls in the middle of the middle band.
MAP_LEVELS = 31
#: Decades of loss the focal demo's map shows below its largest value.
LOSS_DECADES = 6


def _chapter06_outputs():
    """What chapter 06 trains, for the demos' defaults (bench, tests): computed once.

    The notebook trains the same model with the same settings and passes
    its own outputs to the demos; this only saves the bench and the tests
    from needing a notebook.
    """
    global _CHAPTER06
    if _CHAPTER06 is None:
        import torch

        from . import losses
        from ._dataset import make_dataset
        from .models import TinyUNet, train

        train_set = make_dataset(64, size=48, foreground_fraction=0.04, noise=0.6, seed=0)
        val_set = make_dataset(16, size=48, foreground_fraction=0.04, noise=0.6, seed=2)
        model = TinyUNet(1, 2, width=8, levels=2, seed=0)
        train(model, train_set, losses.CrossEntropyLoss(), epochs=10, lr=1e-2, batch_size=8,
              lr_schedule="cosine", num_threads=1, progress=False)
        with torch.no_grad():
            logits = model.eval()(torch.as_tensor(val_set.images))
        _CHAPTER06 = {"logits": logits, "masks": val_set.masks,
                      "example": missed_object_image(logits.argmax(1).numpy(), val_set.masks)}
    return _CHAPTER06


_CHAPTER06 = None



def _chapter06_inputs(logits, target, example):
    """The chapter 06 demos' inputs: the given ones checked, or the chapter's trained model's."""
    if logits is None or target is None:
        outputs = _chapter06_outputs()
        logits, target = outputs["logits"], outputs["masks"]
        example = outputs["example"] if example is None else example
    logits, target = _as_logits(logits, target)
    if example is None:
        example = missed_object_image(logits.argmax(1).numpy(), target.numpy())
    example = check_int(example, "example", minimum=0)
    if example >= len(target):
        raise argument_error("example", f"an image index below {len(target)}", example)
    return logits, target, example

def missed_object_image(pred, target):
    """The index of the image whose largest object is missed entirely (chapter 06's example).

    Among the images of a batch of binary predictions, the one holding the
    largest target object (4-connected component) of which no pixel is
    predicted; the first image if no object is missed anywhere.

    Parameters
    ----------
    pred, target : arrays ``(N, H, W)`` of 0/1 or booleans

    Returns
    -------
    int

    Examples
    --------
    >>> target = np.zeros((2, 4, 4), dtype=bool)
    >>> target[0, :2, :2] = target[1, 0, 0] = target[1, 3, 1:] = True
    >>> pred = target.copy()
    >>> pred[1, 3] = False  # the 3-pixel object of image 1 is missed
    >>> missed_object_image(pred, target)
    1
    """
    pred = check_mask(np.asarray(pred) > 0, "pred")
    target = check_mask(np.asarray(target) > 0, "target")
    check_same_shape(pred, target, "pred", "target")
    if pred.ndim != 3:
        raise argument_error("pred", "a batch of masks of shape (N, H, W)", pred)
    best, best_size = 0, 0
    for index in range(len(target)):
        components = connected_components(target[index])
        hit = np.unique(components[pred[index] & target[index]])
        sizes = np.bincount(components.ravel())
        for label in range(1, len(sizes)):
            if label not in hit and sizes[label] > best_size:
                best, best_size = index, int(sizes[label])
    return best


def _banded_colours(cmap, levels=MAP_LEVELS):
    import matplotlib

    return matplotlib.colormaps[cmap]((np.arange(levels) + 0.5) / levels)[:, :3]


def _band_picture(unit, cmap):
    """uint8 RGBA picture of values in [0, 1] (clipped): band ``floor(v * levels)`` of ``cmap``."""
    table = rgba8(_banded_colours(cmap))
    index = np.minimum(np.floor(np.clip(unit, 0.0, 1.0) * MAP_LEVELS), MAP_LEVELS - 1)
    return _lookup(table, index)


def _banded_colorbar(fig, box, cmap, norm, label, ticks=None):
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap

    colours = ListedColormap(_banded_colours(cmap))
    bar = fig.colorbar(ScalarMappable(norm, colours), cax=fig.add_axes(box), ticks=ticks)
    bar.set_label(label, labelpad=2)
    return bar


def _as_logits(logits, target):
    import torch

    from .losses import _check_logits

    if isinstance(logits, np.ndarray):
        logits = torch.as_tensor(logits)
    logits = _check_logits(logits, min_channels=2, max_channels=2,
                           hint=" (a binary model with two channels)")
    target = torch.as_tensor(np.asarray(to_numpy(target, "target")))
    if tuple(target.shape) != (logits.shape[0], *logits.shape[2:]) or logits.ndim != 4:
        raise argument_error("target", f"label maps of shape (N, H, W) = "
                             f"{(logits.shape[0], *logits.shape[2:])} for logits (N, 2, H, W)",
                             target)
    return logits.detach().double(), target.long()


def focal_sweep(logits, target, gammas=FOCAL_GAMMAS, *, threshold=0.9):
    """The focal loss of every pixel for each gamma, and the share of the easy pixels.

    For each :math:`\\gamma`: the per-pixel focal loss
    (:func:`segcourse.losses.focal_loss`, ``reduction="none"``, no alpha)
    and how its total splits between easy pixels (:math:`p_t >` ``threshold``)
    and hard ones (:func:`segcourse.losses.loss_share_by_difficulty`). The
    focal demo shows these; the chapter prints them.

    Parameters
    ----------
    logits : tensor or array ``(N, 2, H, W)``
    target : array ``(N, H, W)`` of class indices 0 and 1
    gammas : sequence of float

    Returns
    -------
    dict with ``gammas``, ``probability`` (:math:`p_t`, ``(N, H, W)``),
    ``loss`` (``{gamma: (N, H, W) array}``) and ``shares`` (``{gamma: dict}``).

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[[3.0, 0.0]], [[0.0, 0.0]]]])  # an easy and a hard pixel
    >>> sweep = focal_sweep(logits, np.array([[[0, 1]]]), gammas=[0.0, 2.0])
    >>> round(sweep["shares"][0.0]["easy_share"], 3), round(sweep["shares"][2.0]["easy_share"], 4)
    (0.066, 0.0006)
    """
    from .losses import focal_loss, loss_share_by_difficulty, target_probability

    logits, target = _as_logits(logits, target)
    probability = target_probability(logits, target).numpy()
    gammas = [float(g) for g in gammas]
    result = {"gammas": gammas, "probability": probability, "loss": {}, "shares": {}}
    for gamma in gammas:
        loss = focal_loss(logits, target, gamma=gamma, reduction="none").numpy()
        result["loss"][gamma] = loss
        result["shares"][gamma] = loss_share_by_difficulty(loss, probability,
                                                           threshold=threshold)
    return result


def focal_demo(logits=None, target=None, *, example=None):
    """Chapter 06: slide the focal loss's gamma and watch which pixels carry the loss.

    Left, the focal loss against :math:`p_t` (natural logarithm) for
    :math:`\\gamma` = 0, 0.5, 1, 2 and 5 (grey) and the slider's
    :math:`\\gamma` (black); middle, the focal loss of every pixel of one
    image of a trained model, on a logarithmic colour scale shared by all
    frames; right, the share of the whole batch's total loss carried by the
    easy pixels (:math:`p_t > 0.9`) and by the hard ones.

    Parameters
    ----------
    logits : tensor or array ``(N, 2, H, W)``, optional
        A binary model's logits; by default those of the model chapter 06 trains.
    target : array ``(N, H, W)``, optional
        Class indices 0 and 1.
    example : int, optional
        The image shown (default: :func:`missed_object_image`).
    """
    from matplotlib.colors import LogNorm

    from .losses import focal_curves

    logits, target, example = _chapter06_inputs(logits, target, example)
    sweep = focal_sweep(logits, target)
    p = np.linspace(0.005, 1.0, 200)
    family = focal_curves(p, FOCAL_FAMILY)
    curves = dict(zip(sweep["gammas"], focal_curves(p, sweep["gammas"]), strict=True))
    high = float(sweep["loss"][0.0][example].max())
    low = high * 10.0 ** -LOSS_DECADES

    def loss_picture(loss):
        return _band_picture((np.log10(np.maximum(loss, low)) - np.log10(low))
                             / LOSS_DECADES, "magma")

    def compute(gamma):
        shares = sweep["shares"][gamma]
        return {"gamma": gamma, "curve": curves[gamma], "shares": shares,
                "picture": loss_picture(sweep["loss"][gamma][example])}

    def titles(result):
        gamma = result["gamma"]
        return (f"γ = {gamma:g}: loss ÷ {0.1 ** -gamma:,.0f}\nat p_t = 0.9, ÷ "
                f"{0.5 ** -gamma:,.1f} at 0.5".replace(".0 at", " at"),
                f"focal loss per pixel\n(image {example})",
                f"easy (p_t > 0.9):\n{100 * result['shares']['easy_share']:.1f} % "
                "of the loss")

    def plot(result, fig):
        title_room = 3.4 * COURSE_RC["axes.titlesize"] / 72
        top = 1 - title_room / fig.get_figheight()
        ax = fig.add_axes([0.085, 0.2, 0.22, top - 0.2])
        for curve in family:
            ax.plot(p, curve, color="0.65", linewidth=1.0, antialiased=False)
        line, = ax.plot(p, result["curve"], color="black", linewidth=2.2, antialiased=False)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 4.25)  # room above the top tick label, which is frozen with the axes
        ax.set_yticks([0, 1, 2, 3, 4])
        ax.set_xlabel("p_t", labelpad=1)
        ax.set_ylabel("loss", labelpad=2)
        for value in (1, 2, 3):  # grid lines of their own: the axes' ticks are frozen below
            ax.axhline(value, color="0.9", linewidth=0.6, zorder=0, antialiased=False)
        ax.axvline(0.5, color="0.9", linewidth=0.6, zorder=0, antialiased=False)
        picture_ax = fig.add_axes([0.345, 0.03, 0.24, top - 0.05])
        shown = Picture(picture_ax, result["picture"], frame=True)
        box = picture_ax.get_position()
        bar = _banded_colorbar(fig, [box.x1 + 0.012, box.y0, 0.012, box.height], "magma",
                               LogNorm(low, high), "loss (log scale)")
        bars_ax = fig.add_axes([0.81, 0.2, 0.14, top - 0.2])
        bars = bars_ax.bar([0, 1], [result["shares"]["easy_share"],
                                    result["shares"]["hard_share"]],
                           color=["0.75", "#882255"], edgecolor="black", linewidth=0.6,
                           width=0.6)
        bars_ax.set_xticks([0, 1], ["easy", "hard"])
        bars_ax.set_ylim(0, 1.06)
        bars_ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
        bars_ax.set_ylabel("share of loss", labelpad=2)
        bars_ax.set_xlim(-0.6, 1.6)
        texts = [_panel_title(a, "") for a in (ax, picture_ax, bars_ax)]

        def update(result):
            line.set_ydata(result["curve"])
            shown.set_data(result["picture"])
            bars[0].set_height(result["shares"]["easy_share"])
            bars[1].set_height(result["shares"]["hard_share"])
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        update(result)
        _freeze_around(fig, ax, [0.0, 0.0, 0.33, top + 0.01])
        _freeze_around(fig, bars_ax, [0.7, 0.0, 1.0, top + 0.01])
        # the colour bar (dozens of ticks of a log scale) and the map's title are the same
        # in every frame
        _freeze(fig, [[box.x1 + 0.005, 0.0, 0.7 - box.x1 - 0.005, top + 0.01],
                      [box.x0, box.y1 + 0.005, box.width, 0.995 - box.y1]], [bar.ax, texts[1]])
        for axes in (ax, bars_ax):  # tick marks and labels now frozen: skip their layout
            axes.xaxis.set_visible(False)
            axes.yaxis.set_visible(False)
        return update

    return Demo(compute, plot,
                [Slider("gamma", list(FOCAL_GAMMAS), default=2.0, label="focusing γ")],
                alt=("Left, the focal loss against the probability of the true class for "
                     "several γ, the chosen γ drawn thick and black; middle, the focal loss "
                     "of every pixel of one validation image on a logarithmic colour scale, "
                     "bright where the loss is large: the missed object and the shapes' "
                     "borders; right, bars of the share of the total loss carried by the "
                     "easy pixels and by the hard ones"),
                figsize=(6.8, 2.6),
                caption="FL = -(1 - p_t)^γ ln p_t. Left: grey, γ = 0 (cross entropy, the "
                        "top curve), 0.5, 1, 2 and 5; black, the slider's γ. Middle: the loss "
                        "of every pixel of one image (dark: small). Right: the share of the "
                        "validation set's total loss carried by the easy pixels, p_t > 0.9, "
                        "and by the hard ones.")


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def tversky_sweep(logits, target, alphas=TVERSKY_ALPHAS, *, example=0):
    """For each alpha (beta = 1 - alpha): the Tversky loss's gradient map and preferred mask.

    The gradient of :func:`segcourse.losses.tversky_loss` (foreground only,
    ``include_background=False``) with respect to the foreground logit of
    image ``example`` (:func:`segcourse.losses.gradient_map`), and the
    threshold of the foreground probabilities of the whole batch whose mask
    scores best under the Tversky index, with its precision and recall
    (:func:`segcourse.losses.tversky_thresholds`).

    Returns
    -------
    dict with ``alphas`` and, per alpha, ``gradient`` (``(H, W)``),
    ``choice`` (the result of ``tversky_thresholds``); ``probability``
    (foreground probabilities ``(N, H, W)``).

    Examples
    --------
    >>> import torch
    >>> logits = torch.zeros(1, 2, 2, 2)
    >>> logits[0, 1] = torch.tensor([[2.0, 0.0], [1.0, -3.0]])  # p = 0.88, 0.5, 0.73, 0.05
    >>> target = np.array([[[1, 1], [0, 0]]])
    >>> sweep = tversky_sweep(logits, target, alphas=[0.2, 0.8])
    >>> [sweep["choice"][a]["recall"] for a in (0.2, 0.8)]  # misses dear, then false alarms
    [1.0, 0.5]
    """
    import torch

    from .losses import gradient_map, tversky_loss, tversky_thresholds

    logits, target = _as_logits(logits, target)
    probability = torch.softmax(logits, dim=1)[:, 1].numpy()
    result = {"alphas": [float(a) for a in alphas], "probability": probability,
              "gradient": {}, "choice": {}}
    for alpha in result["alphas"]:
        beta = round(1.0 - alpha, 10)
        result["gradient"][alpha] = gradient_map(
            tversky_loss, logits[example:example + 1], target[example:example + 1],
            alpha=alpha, beta=beta, include_background=False)[0].numpy()
        result["choice"][alpha] = tversky_thresholds(probability, target.numpy() > 0,
                                                     alpha=alpha, beta=beta)
    return result


def tversky_demo(logits=None, target=None, *, example=None):
    """Chapter 06: slide the Tversky loss's alpha (beta = 1 - alpha): misses against false alarms.

    Left, the gradient of the Tversky loss with respect to the foreground
    logit of one image (purple: the step raises the logit, more foreground;
    green: it lowers it; one colour scale for every frame); middle, the
    mask ``p > t`` of that image at the threshold whose mask scores best
    under the Tversky index on the validation set, in the error colours;
    right, that mask's precision and recall on the validation set against
    alpha (:func:`tversky_sweep`).

    Parameters
    ----------
    logits : tensor or array ``(N, 2, H, W)``, optional
        By default those of the model chapter 06 trains.
    target : array ``(N, H, W)``, optional
    example : int, optional
        The image shown (default: :func:`missed_object_image`).
    """
    from matplotlib.colors import Normalize

    from .plotting import SIGNED_CMAP, signed_limit

    logits, target, example = _chapter06_inputs(logits, target, example)
    sweep = tversky_sweep(logits, target, example=example)
    alphas = sweep["alphas"]
    limit = signed_limit(*sweep["gradient"].values())
    truth = target.numpy()[example] > 0
    x = np.asarray(alphas)
    curves = {"precision": np.array([sweep["choice"][a]["precision"] for a in alphas]),
              "recall": np.array([sweep["choice"][a]["recall"] for a in alphas])}

    def compute(alpha):
        choice = sweep["choice"][alpha]
        mask = sweep["probability"][example] > choice["threshold"]
        return {"alpha": alpha, "choice": choice, "index": alphas.index(alpha),
                "gradient": _band_picture(0.5 + 0.5 * sweep["gradient"][alpha] / limit,
                                          SIGNED_CMAP),
                "errors": _error_picture(mask, truth)}

    def titles(result):
        choice = result["choice"]
        return (f"gradient, α = {result['alpha']:g},\nβ = {1 - result['alpha']:.1f}",
                f"mask p > {choice['threshold']:.2f}",
                f"precision {choice['precision']:.2f}\nrecall {choice['recall']:.2f}")

    def plot(result, fig):
        title_room = 3.4 * COURSE_RC["axes.titlesize"] / 72
        top = 1 - title_room / fig.get_figheight()
        gradient_ax = fig.add_axes([0.005, 0.03, 0.25, top - 0.05])
        shown_gradient = Picture(gradient_ax, result["gradient"], frame=True)
        box = gradient_ax.get_position()
        # short tick labels (the mantissa) and the power of 10 in the label, so that the
        # label sits next to its bar
        power = int(np.floor(np.log10(limit)))
        scale = 10.0 ** power
        bar = _banded_colorbar(fig, [box.x1 + 0.01, box.y0, 0.012, box.height], SIGNED_CMAP,
                               Normalize(-limit, limit),
                               "∂L/∂z" if power == 0 else
                               f"∂L/∂z (×10{str(power).translate(_SUPERSCRIPTS)})",
                               ticks=[-limit, 0, limit])
        bar.ax.set_yticklabels([f"{-limit / scale:.2g}", "0", f"{limit / scale:.2g}"])
        colorbar_box = [box.x1 + 0.005, 0.0, 0.41 - box.x1 - 0.005, top + 0.01]
        errors_ax = fig.add_axes([0.44, 0.14, 0.23, top - 0.16])
        shown_errors = Picture(errors_ax, result["errors"], frame=True)
        legend_ax = _error_legend(fig, [0.41, 0.0, 0.3, 0.11], ncol=2)
        ax, _, markers, vline = _curve_axes(
            fig, [0.8, 0.2, 0.185, top - 0.2], x, curves, ["precision", "recall"],
            log_x=False, xlabel="α (β = 1 - α)", ylabel="score", ylim=(0.0, 1.02))
        ax.set_xticks([0.1, 0.5, 0.9])
        texts = [_panel_title(a, "") for a in (gradient_ax, errors_ax, ax)]

        def update(result):
            shown_gradient.set_data(result["gradient"])
            shown_errors.set_data(result["errors"])
            _mark(markers, vline, x, curves, result["index"])
            for text, title in zip(texts, titles(result), strict=True):
                text.set_text(title)

        update(result)
        _freeze_around(fig, ax, [0.71, 0.0, 1.0, top + 0.01])
        _freeze(fig, [[0.41, 0.0, 0.3, 0.12], colorbar_box], [legend_ax, bar.ax])
        # which line is which, inside the plotting area (below the curves), drawn live
        ax.legend(loc="lower center", frameon=False, borderaxespad=0.2, handlelength=1.8,
                  labelspacing=0.2, handletextpad=0.4)
        return update

    return Demo(compute, plot,
                [Slider("alpha", list(TVERSKY_ALPHAS), default=0.5,
                        label="α (false positives); β = 1 - α")],
                alt=("Left, the gradient of the Tversky loss with respect to the foreground "
                     "logit of one validation image, purple where the step adds foreground, "
                     "green where it removes it; middle, the mask at the threshold whose "
                     "Tversky index is best, in the error colours; right, that mask's "
                     "precision and recall on the validation set against α, the chosen α "
                     "marked"),
                figsize=(6.8, 2.6),
                caption="Tversky loss 1 - TP / (TP + α FP + β FN) on probabilities. Left: its "
                        "gradient (purple: the step adds foreground; green: it removes it). "
                        "Middle: the mask whose Tversky index is best among thresholds of the "
                        "trained model's probabilities (TP blue, FP vermilion, FN yellow, TN "
                        "black). A small α (large β) makes misses dear: the mask grows, recall "
                        "rises, precision falls.")


# -----------------------------------------------------------------------------
# Chapter 07: the training lab, every loss and every seed on the same test images
# -----------------------------------------------------------------------------

_CHAPTER07 = None


def _chapter07_results():
    """A quick run of chapter 07's grid at 5 % foreground, for the demo's default: computed once.

    The notebook runs the whole lab (three fractions, more images and
    epochs) and passes its own results to :func:`training_lab_demo`; this
    smaller run (six epochs on 24 images, a few seconds) only saves the
    bench and the tests from needing the notebook.
    """
    global _CHAPTER07
    if _CHAPTER07 is None:
        from .experiments import run_experiment

        _CHAPTER07 = run_experiment(foreground_fractions=[0.05], seeds=[0, 1, 2], epochs=6,
                                    num_train=24, num_val=8, num_test=4, progress=False)
    return _CHAPTER07


def _tile_pictures(pictures, *, gap=1):
    """Up to four ``(H, W, 4)`` pictures two by two, apart by ``gap`` grey pixels."""
    pictures = list(pictures)[:4]
    height, width = pictures[0].shape[:2]
    grey = rgba8([(0.6, 0.6, 0.6)])[0]
    tiled = np.empty((2 * height + gap, 2 * width + gap, 4), dtype=np.uint8)
    tiled[...] = grey
    tiled[height:height + gap, :] = grey
    for index in range(4):
        row, col = divmod(index, 2)
        cell = (pictures[index] if index < len(pictures)
                else np.broadcast_to(rgba8([(0.0, 0.0, 0.0)])[0], pictures[0].shape))
        tiled[row * (height + gap):row * (height + gap) + height,
              col * (width + gap):col * (width + gap) + width] = cell
    return tiled


def training_lab_demo(results=None, *, foreground_fraction=None, images=4, score="dice"):
    """Chapter 07: the predictions of every loss and every seed on the same test images.

    Left, the errors (TP blue, FP vermilion, FN yellow, TN black) of the
    model trained with the chosen loss and seed on the first test images,
    tiled two by two (grey lines between them); right, the chosen score of every run of the grid at
    that foreground fraction (each seed a dot, the mean and its standard
    deviation a bar), the chosen run circled. Nothing is trained here: the
    demo shows the predictions the experiment stored.

    Parameters
    ----------
    results : segcourse.experiments.ExperimentResults, optional
        What :func:`segcourse.experiments.run_experiment` returned; by default
        a quick run of the lab at 5 % foreground (computed once).
    foreground_fraction : float, optional
        Which fraction of the grid to show; default the smallest (the hardest).
    images : int, default 4
        Test images shown (1 to 4, tiled two by two).
    score : str, default "dice"
        The score of the right panel, a column of ``results.rows``.
    """
    from .experiments import ExperimentResults
    from .plotting import _seed_offsets, show_seed_scores

    if results is None:
        results = _chapter07_results()
    if not isinstance(results, ExperimentResults):
        raise argument_error("results", "what segcourse.experiments.run_experiment returns",
                             type(results).__name__, type_error=True)
    fractions = results.fractions
    fraction = min(fractions) if foreground_fraction is None else foreground_fraction
    if fraction not in fractions:
        raise argument_error("foreground_fraction", f"one of the grid's fractions {fractions}",
                             repr(foreground_fraction))
    images = check_int(images, "images", minimum=1)
    if images > 4:
        raise argument_error("images", "an integer in [1, 4]", images)
    if not results.rows or score not in results.rows[0]:
        raise argument_error("score", "a score of the table", repr(score))
    names, seeds = results.losses, results.seeds
    targets = results.test_sets[fraction].masks[:images] > 0
    groups = results.groups(score, foreground_fraction=fraction)
    offsets = _seed_offsets(len(seeds))

    def compute(loss, seed):
        pred = results.predictions[(loss, fraction, seed)][:images]
        row = results.select(loss=loss, foreground_fraction=fraction, seed=seed)[0]
        return {"pred": pred, "loss": loss, "seed": seed, "row": row,
                "position": (row[score], names.index(loss) + offsets[seeds.index(seed)])}

    def errors(result):
        return _tile_pictures([_error_picture(pred, target)
                               for pred, target in zip(result["pred"], targets, strict=True)])

    def share(value):
        return "0/0" if np.isnan(value) else f"{value:.2f}"

    def titles(result):
        row = result["row"]
        # the circled run's pooled test precision and recall, labelled as such: the
        # right panel's own subject is every run's score (its x label)
        return (f"{result['loss']}, seed {result['seed']}",
                f"circled: precision {share(row['precision'])}, "
                f"recall {share(row['recall'])}")

    def plot(result, fig):
        picture_ax = fig.add_axes([0.005, 0.14, 0.30, 0.72])
        shown = Picture(picture_ax, errors(result), frame=True)
        picture_title = _panel_title(picture_ax, "")
        legend_ax = _error_legend(fig, [0.0, 0.0, 0.31, 0.11])
        ax = fig.add_axes([0.53, 0.2, 0.45, 0.66])
        label = SCORE_LABELS.get(score, score)
        show_seed_scores(groups, ax, score=score,
                         xlabel=f"test {label} at {_percent(fraction)} foreground")
        if ax.get_xlim() == (0.0, 1.0):  # room for the ring around a run at 0 or 1
            ax.set_xlim(-0.05, 1.05)
        # clipped to the axes: it must never reach the frozen tick labels around them
        ring, = ax.plot([np.nan], [np.nan], linestyle="none", marker="o", markersize=12,
                        markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.8,
                        zorder=4)
        plot_title = _panel_title(ax, "")

        def update(result):
            shown.set_data(errors(result))
            ring.set_data([result["position"][0]], [result["position"][1]])
            for text, title in zip((picture_title, plot_title), titles(result), strict=True):
                text.set_text(title)

        update(result)
        _freeze_around(fig, ax, [0.33, 0.0, 1.0, 0.87])
        _freeze(fig, [[0.0, 0.0, 0.32, 0.12]], [legend_ax])
        return update

    return Demo(compute, plot,
                [Slider("loss", names, default=names[0], label="loss"),
                 Slider("seed", seeds, default=seeds[0], label="seed")],
                alt=("Left, the errors of the model trained with the chosen loss and seed on "
                     f"{images} test images tiled two by two: shape found, background taken "
                     "for shape, shape missed; right, the test "
                     f"{SCORE_LABELS.get(score, score)} of every loss and seed at "
                     f"{_percent(fraction)} foreground, each seed a dot with the mean and "
                     "its spread, the chosen run circled, with its precision and recall"),
                figsize=(6.8, 2.7),
                caption="The same test images for every loss and seed: blue, shape found; "
                        "vermilion, background taken for shape; yellow, shape missed. Right: "
                        "the test score of every run, the shown one circled.")


#: Every demo of the course, for ``make bench`` and the tests: name -> factory.
DEMOS = {
    "01 threshold": threshold_demo,
    "02 touching objects": touching_objects_demo,
    "02 merging coins": merging_coins_demo,
    "03 temperature": temperature_demo,
    "03 probability threshold": probability_threshold_demo,
    "04 imbalance": imbalance_demo,
    "04 small objects": small_objects_demo,
    "04 stray blob": stray_blob_demo,
    "05 object threshold": object_threshold_demo,
    "06 focal loss": focal_demo,
    "06 Tversky loss": tversky_demo,
    "07 training lab": training_lab_demo,
}
