"""Pictures of images, label maps, overlays, boxes and model outputs, in the course's figure style.

Every function takes ``ax=None`` (a new figure is made when it is None) and
returns the Axes it drew on, so that a notebook can arrange panels freely.
Plotting holds no maths of its own: colours come from :mod:`segcourse.labels`.

Figure style
------------
Figures are read in three places: the book's content column, a projector in a
lecture hall and a laptop running JupyterLab. One style serves all three. A
chapter gets it with one line in its first code cell::

    from segcourse import plotting
    plotting.use_course_style()

The rules it sets, and that every figure of the course keeps:

- **Width.** At most :data:`COLUMN_WIDTH_PX` = 680 px as displayed, that is
  :data:`COLUMN_WIDTH_IN` = 6.8 inches at :data:`DISPLAY_DPI` = 100 px per
  inch. The book's content column is 688 px wide in a 1280 px window and
  790 px from 1440 px on, so a figure of the column's width is shown at its
  own size, never shrunk by the browser (the narrowest desktop layout, a
  1200 px window, has 624 px: 8 % smaller). :func:`side_by_side` splits the
  column between its panels by default.
- **Text.** Titles 11 pt (15 px), axis labels, tick labels, legends and
  colour bars 10 pt (14 px), numbers in pixel-grid cells 9 pt (12.5 px):
  about the size of the book's own text. No text is smaller than
  :data:`MIN_TEXT_PX` = 12 px as displayed, so that even in the narrowest
  column it stays at 11 px or more. From the back of a lecture hall, zoom
  the browser (Ctrl +): the pictures stay sharp.
- **Density.** Every figure is rendered at twice the display density
  (:data:`PNG_SCALE` = 2, "retina") and its PNG carries its displayed width as
  metadata, which JupyterLab and the book (myst-nb writes it into the page)
  both honour: sharp on high-density screens and when zoomed, at the same
  size as a 1x picture. :func:`figure_png` makes these PNGs; the demos of
  :mod:`segcourse.widgets` render their frames the same way.
- **Colours.** Colour-blind-safe palettes with one meaning per colour
  across the course: classes in :func:`segcourse.labels.class_colors` (or a
  data set's own palette, such as ``Scene.class_colors``, whose colours agree
  with the objects' real colours); instances in
  :func:`segcourse.labels.instance_colors` on black; pixel errors in
  :data:`ERROR_COLOURS` (TP blue, FP vermilion, FN yellow, TN black); a
  connected component that merges objects in :data:`MERGED_COLOUR` (white,
  unlike any class or instance colour); each pixel score in its own colour,
  line style and marker (:data:`SCORE_STYLES`, Tol's muted palette, none of
  them an error colour). Numbers written on coloured cells
  are black or white, whichever contrasts more with the cell
  (:func:`text_colour_on`: a WCAG contrast of at least 4.5).
- **Labels.** Every axis, colour bar and panel says what it shows, and its unit.

:func:`check_figure` lists what breaks these rules in a figure;
after :func:`use_course_style`, every figure a notebook shows is checked and a
:class:`FigureStyleWarning` is printed under the ones that break them.

Why a call and not a side effect of ``import segcourse``: importing a library
should not change a reader's own matplotlib settings (a learner who imports
``segcourse.metrics`` in a script keeps their figures as they were), and one
visible line in the first cell tells readers where the style comes from. The
demos do not depend on it: they draw their frames in :func:`course_style`
whatever the global settings.
"""

from __future__ import annotations

import base64
import io
import struct
import warnings

import numpy as np

try:
    import matplotlib  # noqa: F401  (every function draws with it)
except ModuleNotFoundError as error:  # a plain install: name the extra
    from segcourse._optional import missing_extra

    raise missing_extra(error, __name__) from error


from ._validation import (
    argument_error,
    check_instance_map,
    check_mask,
    check_number,
    check_panoptic_map,
    check_positive_int,
    check_same_shape,
    describe,
    to_numpy,
)
from .labels import class_colors, colorize, instance_colors

__all__ = [
    "show_image",
    "show_labels",
    "show_overlay",
    "panoptic_rgb",
    "show_panoptic",
    "show_boxes",
    "show_pixel_grid",
    "components_rgb",
    "component_colours",
    "show_components",
    "show_heatmap",
    "show_channels",
    "show_class_values",
    "error_rgb",
    "show_errors",
    "show_confusion_matrix",
    "score_style",
    "show_score_curves",
    "show_score_distribution",
    "show_surface_distances",
    "SIGNED_CMAP",
    "LOSS_CMAP",
    "signed_limit",
    "show_signed_map",
    "show_loss_map",
    "show_map_grid",
    "show_focal_curves",
    "object_match_rgb",
    "show_matches",
    "show_iou_matrix",
    "show_pr_curve",
    "PR_COLOURS",
    "show_seed_scores",
    "show_learning_curves",
    "SCORE_STYLES",
    "SCORE_LABELS",
    "MERGED_COLOUR",
    "ERROR_COLOURS",
    "side_by_side",
    "use_course_style",
    "course_style",
    "COURSE_RC",
    "DISPLAY_DPI",
    "PNG_SCALE",
    "COLUMN_WIDTH_PX",
    "COLUMN_WIDTH_IN",
    "MIN_TEXT_PX",
    "GRID_TEXT_PT",
    "figure_png",
    "drawn_texts",
    "check_figure",
    "FigureStyleWarning",
    "relative_luminance",
    "contrast_ratio",
    "text_colour_on",
]

# --- the figure style ------------------------------------------------------------------------

#: Pixels per inch as displayed (CSS pixels): a figure ``w`` inches wide is shown ``100 w`` px wide.
DISPLAY_DPI = 100
#: Figures and demo frames are rendered at this many times the display density.
PNG_SCALE = 2
#: Widest figure, in px as displayed: fits the book's content column (688 px
#: in a 1280 px window) without being shrunk.
COLUMN_WIDTH_PX = 680
#: The same width in inches, for ``figsize``.
COLUMN_WIDTH_IN = COLUMN_WIDTH_PX / DISPLAY_DPI
#: Smallest font size, in px as displayed, that any text of a figure may have.
MIN_TEXT_PX = 12
#: Font size (points) of the numbers written in pixel-grid cells: the smallest
#: text of the course, 12.5 px as displayed.
GRID_TEXT_PT = 9

#: The matplotlib settings of the course (see the module docstring).
COURSE_RC = {
    "figure.dpi": DISPLAY_DPI,
    "figure.figsize": (COLUMN_WIDTH_IN, 3.4),
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "figure.titlesize": 12,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "savefig.dpi": "figure",
    "savefig.pad_inches": 0.05,
}


class FigureStyleWarning(UserWarning):
    """A figure breaks the course's figure style (too wide, or text too small)."""


def course_style():
    """Context manager: the course's matplotlib settings inside a ``with`` block only.

    >>> import matplotlib
    >>> with course_style():
    ...     matplotlib.rcParams["axes.titlesize"]
    11.0
    """
    import matplotlib

    return matplotlib.rc_context(COURSE_RC)


def use_course_style():
    """Apply the course's figure style; call it in a chapter's first code cell.

    Sets :data:`COURSE_RC` (sizes that fit the content column, readable
    fonts, constrained layout). In Jupyter it also makes every figure a
    2x PNG that carries its displayed width (:func:`figure_png`), and checks
    every figure it shows (:func:`check_figure`), warning with a
    :class:`FigureStyleWarning` when one is too wide or holds text under
    :data:`MIN_TEXT_PX`.
    """
    import matplotlib

    shell = _ipython_shell()
    if shell is not None:
        import matplotlib.pyplot as plt

        # load the backend now: the inline backend, when it first loads, installs
        # its own figure formatter over the one registered below
        plt.switch_backend(matplotlib.get_backend())
    matplotlib.rcParams.update(COURSE_RC)
    warnings.simplefilter("always", FigureStyleWarning)
    if shell is not None:
        from matplotlib.figure import Figure

        formatters = shell.display_formatter.formatters
        for mime in ("image/svg+xml", "image/jpeg", "application/pdf"):
            formatters[mime].pop(Figure, None)
        formatters["image/png"].for_type(Figure, _notebook_png)


def _ipython_shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return None
    shell = get_ipython()
    return shell if hasattr(shell, "display_formatter") else None


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise argument_error("data", "PNG bytes", repr(data[:8]))
    return struct.unpack(">II", data[16:24])


def figure_png(fig, *, scale=PNG_SCALE, bbox_inches="tight"):
    """The figure as a PNG at ``scale`` times its display density, and its display metadata.

    The PNG is ``scale`` times as many pixels wide as the figure is shown;
    the metadata ``{"width": displayed px}`` tells JupyterLab and the book to
    show it at that width. The height is left to the browser, which keeps
    the aspect ratio when a narrow window shrinks the picture.

    With ``bbox_inches="tight"`` (as Jupyter does) empty margins are cropped,
    but the picture never grows beyond the figure: a figure that fits the
    column keeps fitting it.

    Returns
    -------
    png : bytes
    metadata : dict
        ``{"width": int}``, in px as displayed.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), dpi=100)
    >>> _ = fig.subplots().plot([0, 1])
    >>> png, metadata = figure_png(fig, bbox_inches=None)
    >>> _png_size(png), metadata
    ((400, 200), {'width': 200})
    """
    from matplotlib.transforms import Bbox

    scale = check_positive_int(scale, "scale")
    if bbox_inches == "tight":
        import matplotlib

        fig.draw_without_rendering()  # runs the layout, as savefig would
        pad = matplotlib.rcParams["savefig.pad_inches"]
        tight = fig.get_tightbbox().padded(pad)
        tight = Bbox.intersection(tight, fig.bbox_inches) or fig.bbox_inches
        # whole display pixels, so that the PNG is exactly `scale` times its displayed size
        (x0, y0), (x1, y1) = tight.get_points() * fig.dpi
        width, height = fig.bbox.size
        x0, y0 = max(np.floor(x0 + 1e-6), 0), max(np.floor(y0 + 1e-6), 0)
        x1, y1 = min(np.ceil(x1 - 1e-6), width), min(np.ceil(y1 - 1e-6), height)
        bbox_inches = Bbox(np.array([[x0, y0], [x1, y1]]) / fig.dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi * scale, bbox_inches=bbox_inches,
                facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    png = buffer.getvalue()
    width, _ = _png_size(png)
    return png, {"width": int(round(width / scale))}


def _notebook_png(fig):
    """IPython's PNG formatter for figures after :func:`use_course_style`."""
    if not fig.axes and not fig.texts and not fig.images:
        return None  # as IPython does: an empty figure shows nothing
    png, metadata = figure_png(fig)
    problems = check_figure(fig, width_px=metadata["width"])
    if problems:
        # shown under the figure, without a line of IPython's internals
        warnings.warn_explicit("this figure breaks the course's figure style: "
                               + "; ".join(problems), FigureStyleWarning,
                               "segcourse.plotting", 0)
    return base64.b64encode(png).decode("ascii"), metadata


def drawn_texts(fig):
    """Every text the figure draws, as ``(text, font size in points)`` pairs.

    The figure is drawn once with a renderer that records text instead of
    painting it, so only what a reader sees counts: tick labels of hidden
    axes and empty titles do not.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.subplots()
    >>> ax.set_axis_off()
    >>> _ = ax.set_title("a title", fontsize=11)
    >>> drawn_texts(fig)
    [('a title', 11.0)]
    """
    from matplotlib.backends.backend_agg import RendererAgg

    class _TextRecorder(RendererAgg):
        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if s.strip():
                self.texts.append((s, float(prop.get_size_in_points())))

    width, height = fig.bbox.size
    renderer = _TextRecorder(int(np.ceil(width)), int(np.ceil(height)), fig.dpi)
    renderer.texts = []
    fig.draw(renderer)
    return renderer.texts


def check_figure(fig, *, width_px=None, display_dpi=None, column_px=COLUMN_WIDTH_PX,
                 min_text_px=MIN_TEXT_PX):
    """What in a figure breaks the course's figure style; an empty list if nothing.

    A figure is shown ``width_px`` px wide (by default measured as
    :func:`figure_png` crops it), and shrunk by the browser when that is
    wider than the column. A text of ``points`` points is then ``points *
    display_dpi / 72 * min(1, column_px / width_px)`` px high as displayed
    (its font size).

    Parameters
    ----------
    width_px : int, optional
        Displayed width, if already known (from :func:`figure_png`).
    display_dpi : float, optional
        Px per inch as displayed: ``fig.dpi`` (the default) for a figure
        shown by a notebook; the demos draw their frames at twice it.
    column_px : int
        Width of the content column (:data:`COLUMN_WIDTH_PX`).
    min_text_px : float
        Smallest font size allowed, in px as displayed (:data:`MIN_TEXT_PX`).

    Returns
    -------
    list of str
        One sentence per problem: the figure too wide, a text too small.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(9, 3), dpi=100)
    >>> _ = fig.subplots().set_title("tiny", fontsize=6)
    >>> for problem in check_figure(fig, width_px=900): print(problem)
    the figure is 900 px wide, wider than the 680 px column: the browser shrinks it to 76 %
    text 'tiny' is 6.3 px as displayed (at least 12 px)
    text '0.0', '0.2', '0.4' ... is 10.5 px as displayed (at least 12 px)
    """
    if width_px is None:
        width_px = figure_png(fig)[1]["width"]
    display_dpi = fig.dpi if display_dpi is None else display_dpi
    shrink = min(1.0, column_px / width_px)
    problems = []
    if width_px > column_px:
        problems.append(f"the figure is {width_px} px wide, wider than the {column_px} px "
                        f"column: the browser shrinks it to {100 * shrink:.0f} %")
    small = {}
    for text, points in drawn_texts(fig):
        px = points * display_dpi / 72 * shrink
        if px < min_text_px - 1e-9:
            small.setdefault(round(px, 1), []).append(text)
    for px, texts in sorted(small.items()):
        shown = ", ".join(repr(t) for t in texts[:3]) + (" ..." if len(texts) > 3 else "")
        problems.append(f"text {shown} is {px:.1f} px as displayed (at least {min_text_px} px)")
    return problems


# --- colours and contrast --------------------------------------------------------------------

#: Colours of pixel errors, the same in every chapter (Okabe and Ito): true
#: positive blue, false positive vermilion, false negative yellow, true negative black.
ERROR_COLOURS = {
    "TP": (0.0, 0.447, 0.698),
    "FP": (0.835, 0.369, 0.0),
    "FN": (0.941, 0.894, 0.259),
    "TN": (0.0, 0.0, 0.0),
}


def relative_luminance(rgb):
    """WCAG 2 relative luminance of sRGB colours (floats in [0, 1], last axis RGB).

    >>> float(relative_luminance((1.0, 1.0, 1.0))), float(relative_luminance((0, 0, 0)))
    (1.0, 0.0)
    """
    rgb = np.asarray(rgb, dtype=float)[..., :3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(first, second):
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white).

    WCAG asks at least 4.5 for text, 3 for large text.

    >>> round(float(contrast_ratio((0, 0, 0), (1, 1, 1))), 1)
    21.0
    """
    first, second = relative_luminance(first), relative_luminance(second)
    return (np.maximum(first, second) + 0.05) / (np.minimum(first, second) + 0.05)


def text_colour_on(background):
    """``"black"`` or ``"white"``: the text colour that contrasts more with ``background``.

    The better of the two always reaches a WCAG contrast of 4.58 or more.

    >>> text_colour_on((0.0, 0.447, 0.698)), text_colour_on((0.941, 0.894, 0.259))
    ('white', 'black')
    """
    on_black = contrast_ratio(background, (0.0, 0.0, 0.0))
    on_white = contrast_ratio(background, (1.0, 1.0, 1.0))
    return "black" if on_black >= on_white else "white"


# --- helpers ---------------------------------------------------------------------------------


def _axes(ax, figsize=(4.0, 4.0)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _finish(ax, title):
    if title is not None:
        ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _image_array(image, name="image"):
    image = to_numpy(image, name)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (3, 4)):
        raise argument_error(name, "an (H, W) or (H, W, 3) image", image)
    return image


def show_image(image, ax=None, *, title=None):
    """Show a grayscale ``(H, W)`` or colour ``(H, W, 3)`` image; returns the Axes."""
    image = _image_array(image)
    ax = _axes(ax)
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None, interpolation="nearest")
    return _finish(ax, title)


def _class_palette(labels, num_classes, colors):
    """The class colours for ``labels``: ``colors`` if given, else the course's palette."""
    top = int(labels.max()) + 1 if labels.size else 1
    if colors is None:
        return class_colors(max(num_classes or top, top))
    colors = np.asarray(to_numpy(colors, "colors"), dtype=float)
    if colors.ndim != 2 or colors.shape[1] not in (3, 4) or colors.shape[0] < top:
        raise argument_error("colors", f"an array of shape (K, 3) with K >= {top} "
                             "(a colour per class)", colors)
    return colors[:, :3]


def _label_colours(labels, kind, num_classes, seed, colors=None):
    if kind == "semantic":
        return colorize(labels, _class_palette(labels, num_classes, colors))
    if kind == "instance":
        count = int(labels.max()) if labels.size else 0
        colours = np.vstack([[0.0, 0.0, 0.0], instance_colors(count, seed=seed)])
        return colorize(labels, colours)
    raise argument_error("kind", "'semantic' or 'instance'", repr(kind))


def show_labels(label_map, ax=None, *, kind="semantic", class_names=None, num_classes=None,
                colors=None, legend=True, seed=0, title=None):
    """Show a label map in the course's colours; returns the Axes.

    Parameters
    ----------
    label_map : array of int, 2-D (a boolean mask is shown as classes 0 and 1)
    kind : ``"semantic"`` or ``"instance"``
        Semantic maps use the colour-blind-safe class palette; instance maps
        get a distinct colour per id and black background.
    class_names : sequence of str, optional
        Adds a legend (semantic maps).
    num_classes : int, optional
        Keeps colours stable across images that miss some classes.
    colors : array ``(K, 3)``, optional
        The colour of each class (semantic maps), for a data set with a
        palette of its own (``Scene.class_colors``); by default
        :func:`segcourse.labels.class_colors`.
    """
    labels = np.asarray(to_numpy(label_map, "label_map"))
    if labels.dtype == bool:
        labels = labels.astype(np.int64)
    if labels.ndim != 2:
        raise argument_error("label_map", "a 2-D label map", labels)
    ax = _axes(ax)
    ax.imshow(_label_colours(labels, kind, num_classes, seed, colors), interpolation="nearest")
    if legend and class_names is not None and kind == "semantic":
        from matplotlib.patches import Patch

        colours = (class_colors(max(len(class_names), 1)) if colors is None
                   else _class_palette(labels, len(class_names), colors))
        ax.legend(handles=[Patch(color=colours[i], label=name)
                           for i, name in enumerate(class_names)],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  borderaxespad=0.3, handlelength=1.2)
    return _finish(ax, title)


def show_overlay(image, label_map, ax=None, *, kind="semantic", alpha=0.5, num_classes=None,
                 colors=None, seed=0, outline=False, title=None):
    """Labels drawn over the image; returns the Axes.

    Background (0) stays uncoloured so that the image shows through. With
    ``outline=True`` only the borders of the regions are drawn. ``colors``:
    as in :func:`show_labels`.
    """
    image = _image_array(image)
    labels = np.asarray(to_numpy(label_map, "label_map"))
    if labels.dtype == bool:
        labels = labels.astype(np.int64)
    if labels.shape != image.shape[:2]:
        raise ValueError(f"Expected arguments `image` and `label_map` to have the same height "
                         f"and width, but got {image.shape[:2]} and {labels.shape}.")
    alpha = check_number(alpha, "alpha", low=0, high=1)
    ax = _axes(ax)
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None, interpolation="nearest")
    colours = _label_colours(labels, kind, num_classes, seed, colors)
    shown = labels > 0
    if outline:
        from scipy import ndimage

        # a pixel is on a border if a neighbour holds another value, lower or higher: the
        # erosion alone misses the lower-id side where two regions touch
        changes = ((ndimage.grey_erosion(labels, size=3) != labels)
                   | (ndimage.grey_dilation(labels, size=3) != labels))
        shown &= ~ndimage.binary_erosion(shown) | changes
        alpha = 1.0
    rgba = np.zeros(labels.shape + (4,))
    rgba[..., :3] = colours
    rgba[..., 3] = np.where(shown, alpha, 0.0)
    ax.imshow(rgba, interpolation="nearest")
    return _finish(ax, title)


def panoptic_rgb(panoptic_map, *, num_classes=None, colors=None, seed=0):
    """RGB picture of a 2-D panoptic map: stuff in class colours, each thing its own colour.

    Thing pixels (instance id >= 1) get the colours of
    ``show_labels(instance_map, kind="instance", seed=seed)``, so that the
    panoptic and instance pictures of a scene agree; stuff gets the colours
    of ``show_labels(semantic_map, colors=colors)``.

    Examples
    --------
    >>> rgb = panoptic_rgb(np.array([[[0, 0], [2, 1]]]))
    >>> rgb.shape, bool((rgb[0, 1] == instance_colors(1)[0]).all())
    ((1, 2, 3), True)
    """
    panoptic = check_panoptic_map(panoptic_map, "panoptic_map")
    if panoptic.ndim != 3:
        raise argument_error("panoptic_map", "a 2-D panoptic map of shape (H, W, 2)", panoptic)
    category, instance = panoptic[..., 0], panoptic[..., 1]
    rgb = colorize(category, _class_palette(category, num_classes, colors))
    things = instance > 0
    if things.any():
        colours = instance_colors(int(instance.max()), seed=seed)
        rgb[things] = colours[instance[things] - 1]
    return rgb


def show_panoptic(panoptic_map, ax=None, *, num_classes=None, colors=None, seed=0, title=None):
    """Show a panoptic map (see :func:`panoptic_rgb`); returns the Axes."""
    ax = _axes(ax)
    ax.imshow(panoptic_rgb(panoptic_map, num_classes=num_classes, colors=colors, seed=seed),
              interpolation="nearest")
    return _finish(ax, title)


def show_boxes(image, boxes, ax=None, *, labels=None, color="yellow", title=None):
    """The image with boxes ``(x_min, y_min, x_max, y_max)`` (inclusive) drawn on it."""
    from matplotlib.patches import Rectangle

    boxes = np.asarray(to_numpy(boxes, "boxes"))
    if boxes.size == 0:
        boxes = np.zeros((0, 4))
    elif boxes.shape == (4,):
        boxes = boxes[None]
    elif boxes.ndim != 2 or boxes.shape[1] != 4:
        raise argument_error("boxes", "an array of shape (K, 4) or (4,)", boxes)
    ax = show_image(image, ax)
    for index, (x0, y0, x1, y1) in enumerate(boxes):
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0 + 1, y1 - y0 + 1, fill=False,
                               edgecolor=color, linewidth=1.5))
        if labels is not None:
            ax.text(x0, y0 - 1, str(labels[index]), color=color, fontsize=GRID_TEXT_PT,
                    va="bottom")
    return _finish(ax, title)


def show_pixel_grid(values, ax=None, *, image=None, cmap="viridis", vmin=None, vmax=None,
                    origin=(0, 0), fmt="{}", title=None, fontsize=GRID_TEXT_PT):
    """A small array drawn as a grid of pixels with each value written in its cell.

    Parameters
    ----------
    values : 2-D array
        The numbers to print (for example a crop of a mask).
    image : array, optional
        What to draw underneath (defaults to ``values`` with ``cmap``); same
        height and width as ``values``.
    vmin, vmax : float, optional
        Colour range of a grayscale ``image`` or of ``values`` (for example 0
        and 255, so that a crop keeps the brightness it has in the photo).
    origin : (int, int)
        Row and column of the crop's top-left pixel in the full image; the
        tick labels show full-image coordinates.
    fontsize : float
        Size of the numbers in the cells, in points (:data:`GRID_TEXT_PT`,
        the smallest text of the course). A grid of the column's width has
        room for three digits per cell up to about 10 columns per panel.

    Notes
    -----
    Each number is black or white, whichever contrasts more with its cell
    (:func:`text_colour_on`), so every number reaches a WCAG contrast of at
    least 4.5 whatever the colour map.
    """
    values = to_numpy(values, "values")
    if values.ndim != 2:
        raise argument_error("values", "a 2-D array", values)
    if values.size > 40 * 40:
        raise argument_error("values", "at most 40 x 40 pixels (it is written out cell by cell)",
                             values)
    ax = _axes(ax)
    if image is None:
        shown = ax.imshow(values.astype(float), cmap=cmap, vmin=vmin, vmax=vmax,
                          interpolation="nearest")
    else:
        image = _image_array(image)
        if image.shape[:2] != values.shape:
            raise ValueError(f"Expected arguments `image` and `values` to have the same height "
                             f"and width, but got {image.shape[:2]} and {values.shape}.")
        shown = ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=vmin,
                          vmax=vmax, interpolation="nearest")
    # the colour of every cell as drawn, whatever the image's type
    rgba = np.asarray(shown.to_rgba(shown.get_array()))
    if rgba.dtype == np.uint8:
        rgba = rgba / 255.0
    ax.set_xticks(np.arange(-0.5, values.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0], 1), minor=True)
    ax.grid(which="minor", color="0.5", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, fmt.format(value.item() if hasattr(value, "item") else value),
                ha="center", va="center", fontsize=fontsize,
                color=text_colour_on(rgba[row, col]))
    if title is not None:
        ax.set_title(title)
    # full-image coordinates on every other pixel
    row0, col0 = (int(v) for v in origin)
    rows = np.arange(0, values.shape[0], 2)
    cols = np.arange(0, values.shape[1], 2)
    ax.set_yticks(rows, [str(row0 + r) for r in rows])
    ax.set_xticks(cols, [str(col0 + c) for c in cols])
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    return ax


#: Colour of a connected component that holds two or more true objects: white,
#: unlike every class colour (all saturated or grey) and every instance colour
#: (all saturated), and bright on the black background of component pictures.
MERGED_COLOUR = (1.0, 1.0, 1.0)


def components_rgb(components, instance_map, *, seed=0):
    """RGB picture of connected components, coloured by the true objects they cover.

    A component that covers one true object gets that object's colour (the
    colours of ``show_labels(..., kind="instance", seed=seed)``); one that
    covers two or more, a merge, is white (:data:`MERGED_COLOUR`); one that
    covers no true object is grey; background is black. Side by side with
    the true instances, this shows at a glance which objects merged.

    Returns
    -------
    rgb : ndarray ``(H, W, 3)``
    merged : int
        The number of components that hold two or more objects.

    Examples
    --------
    >>> rgb, merged = components_rgb(np.array([[1, 1, 1, 0, 2]]), np.array([[1, 1, 2, 0, 3]]))
    >>> merged, bool((rgb[0, 0] == MERGED_COLOUR).all()), rgb[0, 3].tolist()
    (1, True, [0.0, 0.0, 0.0])
    """
    components = check_instance_map(components, "components")
    colours, merged = component_colours(components, instance_map, seed=seed)
    return colours[components], merged


def component_colours(components, instance_map, *, seed=0):
    """The colour of every component id, as :func:`components_rgb` paints them.

    Returns
    -------
    colours : ndarray ``(components.max() + 1, 3)``
        Row ``k`` is the colour of component ``k`` (row 0, background: black).
    merged : int
        The number of components that hold two or more objects.
    """
    components = check_instance_map(components, "components")
    instances = check_instance_map(instance_map, "instance_map")
    check_same_shape(components, instances, "components", "instance_map")
    count = int(instances.max()) if instances.size else 0
    object_colours = np.vstack([[0.0, 0.0, 0.0], instance_colors(count, seed=seed)])
    top = int(components.max()) if components.size else 0
    colours = np.zeros((top + 1, 3))
    colours[1:] = (0.6, 0.6, 0.6)  # a component over no true object
    inside = (components > 0) & (instances > 0)
    # the distinct (component, object) pairs, as one integer each
    pairs = np.unique(components[inside].astype(np.int64) * (count + 1) + instances[inside])
    component_of, object_of = pairs // (count + 1), pairs % (count + 1)
    objects_per_component = np.bincount(component_of, minlength=top + 1)
    single = objects_per_component[component_of] == 1
    colours[component_of[single]] = object_colours[object_of[single]]
    is_merged = objects_per_component >= 2
    colours[is_merged] = MERGED_COLOUR
    return colours, int(is_merged.sum())


def show_components(components, instance_map, ax=None, *, seed=0, title=None):
    """Connected components coloured by the true objects they cover (merges in white).

    See :func:`components_rgb`; returns the Axes.
    """
    rgb, _ = components_rgb(components, instance_map, seed=seed)
    ax = _axes(ax)
    ax.imshow(rgb, interpolation="nearest")
    return _finish(ax, title)


def side_by_side(count, *, width=None, height=None, titles=None):
    """A row of ``count`` empty panels that fits the content column; returns the array of Axes.

    Parameters
    ----------
    count : int
    width : float, optional
        Width of one panel in inches; by default the column's width
        (:data:`COLUMN_WIDTH_IN`) shared between the panels. ``count * width``
        may not exceed it.
    height : float, optional
        Height in inches; by default ``width`` (square panels: the notebook
        crops the empty margins of wide images).
    titles : sequence of str, optional

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes = side_by_side(3, titles=["a", "b", "c"])
    >>> len(axes), axes[1].get_title(), axes[0].figure.get_size_inches().round(2).tolist()
    (3, 'b', [6.8, 2.27])
    """
    import matplotlib.pyplot as plt

    count = check_positive_int(count, "count")
    if width is None:
        width = COLUMN_WIDTH_IN / count
    width = check_number(width, "width", low=0, low_open=True)
    if count * width > COLUMN_WIDTH_IN + 1e-9:
        raise argument_error("width", f"at most {COLUMN_WIDTH_IN:g} / {count} = "
                             f"{COLUMN_WIDTH_IN / count:.2f} inches (the content column holds "
                             f"{COLUMN_WIDTH_PX} px at {DISPLAY_DPI} px per inch)", width)
    height = width if height is None else check_number(height, "height", low=0, low_open=True)
    _, axes = plt.subplots(1, count, figsize=(width * count, height), squeeze=False,
                           constrained_layout=True)
    axes = axes[0]
    if titles is not None:
        if len(titles) != count:
            raise argument_error("titles", f"{count} titles", f"{len(titles)} titles")
        for ax, text in zip(axes, titles, strict=True):
            ax.set_title(text)
    return axes


# --- model outputs (chapter 03) --------------------------------------------------------------


def _float_map(values, name, ndim):
    values = to_numpy(values, name)
    if values.ndim != ndim or values.dtype.kind not in "biuf":
        shape = "(H, W)" if ndim == 2 else "(C, H, W)"
        raise argument_error(name, f"a numeric array of shape {shape}", values)
    return values.astype(float, copy=False)


def _colour_range(values, vmin, vmax):
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if vmin is None and finite.size else vmin
    high = float(finite.max()) if vmax is None and finite.size else vmax
    low = 0.0 if low is None else check_number(low, "vmin")
    high = 1.0 if high is None else check_number(high, "vmax")
    if high <= low:
        if vmin is not None and vmax is not None:
            raise argument_error("vmax", f"a number larger than vmin={low:g}", high)
        high = low + 1.0  # a constant map: any range shows it in one colour
    return low, high


def show_heatmap(values, ax=None, *, cmap="viridis", vmin=None, vmax=None, label=None,
                 title=None, colorbar=True):
    """A map of numbers (a probability, a confidence, a logit) with a labelled colour bar.

    Parameters
    ----------
    values : array ``(H, W)`` of numbers
    cmap : str
        A matplotlib colour map; the default viridis is colour-blind safe and
        reads from dark (low) to yellow (high), also in grey.
    vmin, vmax : float, optional
        The values drawn in the first and the last colour; by default the
        smallest and the largest finite value (pass 0 and 1 for probabilities,
        so that maps stay comparable).
    label : str, optional
        What the colour bar measures, with its unit ("probability").
    colorbar : bool
        Draw the colour bar (with ``label``) beside the map.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_heatmap(np.array([[0.2, 0.9]]), vmin=0, vmax=1, label="probability")
    >>> ax.get_images()[0].get_clim(), ax.figure.axes[1].get_ylabel()
    ((0.0, 1.0), 'probability')
    """
    values = _float_map(values, "values", 2)
    low, high = _colour_range(values, vmin, vmax)
    ax = _axes(ax)
    image = ax.imshow(values, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
        if label is not None:
            bar.set_label(label)
    return _finish(ax, title)


def show_channels(channels, axes=None, *, names=None, cmap="viridis", vmin=None, vmax=None,
                  label="logit", colorbar=True):
    """Every channel of a model's output, side by side on one colour scale.

    A segmentation model emits ``C`` channels per image (one score per class
    and pixel): this draws channel ``c`` in panel ``c``, titled with the
    class name, on one shared colour scale, so that a brighter pixel means a
    larger score in every panel, with one colour bar for the row.

    Parameters
    ----------
    channels : array ``(C, H, W)``
        Logits or probabilities of one image (``logits[n]`` of a batch).
    axes : sequence of ``C`` Axes, optional
        Where to draw; by default a new figure of the column's width.
    names : sequence of ``C`` str, optional
        Panel titles (class names); by default ``"channel 0"``, ...
    cmap, vmin, vmax
        As in :func:`show_heatmap`; the default range is that of all channels.
    label : str
        What the colour bar measures ("logit", "probability").
    colorbar : bool
        One colour bar for the whole row.

    Returns
    -------
    ndarray of Axes
        The ``C`` panels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes = show_channels(np.zeros((3, 4, 4)), names=["a", "b", "c"])
    >>> [ax.get_title() for ax in axes]
    ['a', 'b', 'c']
    """
    channels = _float_map(channels, "channels", 3)
    count = channels.shape[0]
    if names is None:
        names = [f"channel {c}" for c in range(count)]
    names = [str(name) for name in names]
    if len(names) != count:
        raise argument_error("names", f"{count} names (one per channel)", f"{len(names)} names")
    if axes is None:
        import matplotlib.pyplot as plt

        panel = COLUMN_WIDTH_IN / (count + 0.35 * colorbar)
        _, axes = plt.subplots(1, count, figsize=(COLUMN_WIDTH_IN, panel * 1.12 + 0.35),
                               squeeze=False, constrained_layout=True)
        axes = axes[0]
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != count:
        raise argument_error("axes", f"{count} Axes (one per channel)", f"{axes.size} Axes")
    low, high = _colour_range(channels, vmin, vmax)
    image = None
    for ax, channel, name in zip(axes, channels, names, strict=True):
        image = ax.imshow(channel, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        _finish(ax, name)
    if colorbar and image is not None:
        bar = axes[0].figure.colorbar(image, ax=list(axes), fraction=0.05, pad=0.02,
                                      shrink=0.9)
        bar.set_label(label)
    return axes


def show_class_values(values, ax=None, *, class_names=None, colors=None, ylabel=None,
                      title=None, fmt="{:.2f}", ylim=None):
    """One bar per class, its value written on it: a pixel's logits or probabilities.

    Parameters
    ----------
    values : array ``(C,)`` of numbers
    class_names : sequence of ``C`` str, optional
        The tick labels; by default the class indices.
    colors : array ``(C, 3)``, optional
        Bar colours; by default :func:`segcourse.labels.class_colors`.
    ylabel : str, optional
        What the bars measure ("logit", "probability").
    fmt : str
        How each value is written above (or, if negative, below) its bar.
    ylim : (float, float), optional
        The range of the value axis (``(0, 1)`` for probabilities).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_class_values(np.array([2.0, -1.0]), class_names=["a", "b"], ylabel="logit")
    >>> [text.get_text() for text in ax.texts]
    ['2.00', '-1.00']
    """
    values = to_numpy(values, "values")
    if values.ndim != 1 or values.dtype.kind not in "biuf" or values.size == 0:
        raise argument_error("values", "a non-empty 1-D array of numbers (one per class)", values)
    values = values.astype(float)
    count = values.size
    names = [str(c) for c in range(count)] if class_names is None else list(class_names)
    if len(names) != count:
        raise argument_error("class_names", f"{count} names (one per value)",
                             f"{len(names)} names")
    colours = class_colors(count) if colors is None else np.asarray(
        to_numpy(colors, "colors"), dtype=float)
    if colours.ndim != 2 or colours.shape[0] < count or colours.shape[1] not in (3, 4):
        raise argument_error("colors", f"an array of shape (K, 3) with K >= {count}", colours)
    ax = _axes(ax, figsize=(3.4, 2.6))
    positions = np.arange(count)
    ax.bar(positions, values, color=colours[:count, :3], edgecolor="black", linewidth=0.6)
    ax.axhline(0.0, color="black", linewidth=0.8)
    if ylim is not None:
        ax.set_ylim(*ylim)
    else:
        # room beyond the longest bars for the numbers written at their ends
        low, high = min(0.0, values.min()), max(0.0, values.max())
        room = 0.18 * (high - low or 1.0)
        ax.set_ylim(low - room if low < 0 else 0.0,
                    high + room if high > 0 else (0.0 if low < 0 else 1.0))
    for position, value in zip(positions, values, strict=True):
        ax.text(position, value, fmt.format(value), ha="center",
                va="bottom" if value >= 0 else "top", fontsize=GRID_TEXT_PT)
    ax.set_xticks(positions, names)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


# --- pixel scores (chapter 04) ---------------------------------------------------------------

#: How each pixel score is drawn in every curve of the course: (colour, line style,
#: marker). Colours from Paul Tol's colour-blind-safe "muted" scheme, none of them an
#: error colour (:data:`ERROR_COLOURS`); scores that count the background pixels
#: (accuracy, specificity, balanced accuracy) are dashed, those of the foreground
#: solid, so that the two families read apart in grey too.
SCORE_STYLES = {
    "accuracy": ("#332288", "--", "o"),
    "specificity": ("#88CCEE", "--", "s"),
    "balanced_accuracy": ("#44AA99", "--", "^"),
    "recall": ("#117733", "-", "v"),
    "precision": ("#999933", "-", "D"),
    "dice": ("#CC6677", "-", "o"),
    "iou": ("#882255", "-", "s"),
    "matthews_corrcoef": ("#AA4499", ":", "P"),
    "hd": ("#332288", "-", "o"),
    "hd95": ("#44AA99", "--", "s"),
    "assd": ("#999933", ":", "^"),
    "surface_dice": ("#882255", "--", "s"),
    "ap": ("#332288", "-", "o"),
    "cell_ap": ("#AA4499", "--", "P"),
}

#: Readable names of the scores, for legends and tables.
SCORE_LABELS = {
    "accuracy": "accuracy",
    "specificity": "specificity",
    "balanced_accuracy": "balanced accuracy",
    "recall": "recall",
    "precision": "precision",
    "dice": "Dice",
    "iou": "IoU",
    "matthews_corrcoef": "MCC",
    "hd": "HD",
    "hd95": "HD95",
    "assd": "ASSD",
    "surface_dice": "surface Dice",
    "ap": "AP (COCO)",
    "cell_ap": "TP/(TP+FP+FN)",
}

_OUTCOMES = ("TN", "FP", "FN", "TP")  # index 2 * target + pred, as in the confusion matrix


def error_rgb(pred, target):
    """RGB picture of pixel errors: TP blue, FP vermilion, FN yellow, TN black.

    The colours of :data:`ERROR_COLOURS`, the same in every chapter.

    Returns
    -------
    rgb : ndarray ``(H, W, 3)`` float
    counts : dict
        ``{"TP": int, "FP": int, "FN": int, "TN": int}``.

    Examples
    --------
    >>> rgb, counts = error_rgb(np.array([[1, 1, 0]], bool), np.array([[1, 0, 1]], bool))
    >>> counts
    {'TP': 1, 'FP': 1, 'FN': 1, 'TN': 0}
    >>> rgb[0, 1].tolist() == list(ERROR_COLOURS["FP"])
    True
    """
    pred = check_mask(pred, "pred")
    target = check_mask(target, "target")
    check_same_shape(pred, target, "pred", "target")
    index = 2 * target.astype(np.intp) + pred
    table = np.array([ERROR_COLOURS[name] for name in _OUTCOMES])
    counts = np.bincount(index.ravel(), minlength=4)
    return table[index], {name: int(counts[_OUTCOMES.index(name)])
                          for name in ("TP", "FP", "FN", "TN")}


def show_errors(pred, target, ax=None, *, legend="right", title=None):
    """Where a predicted mask is right and wrong: TP, FP, FN and TN in the course's colours.

    True positives blue, false positives vermilion, false negatives yellow,
    true negatives black (:data:`ERROR_COLOURS`), with a legend that gives the
    count of each.

    Parameters
    ----------
    pred, target : 2-D binary masks of the same shape (boolean, or 0 and 1)
    legend : ``"right"``, ``"below"`` or None
        Where to put the legend (None: no legend).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_errors(np.array([[1, 1, 0]], bool), np.array([[1, 0, 1]], bool))
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['TP: 1', 'FP: 1', 'FN: 1', 'TN: 0']
    """
    from matplotlib.patches import Patch

    if legend not in ("right", "below", None):
        raise argument_error("legend", "'right', 'below' or None", repr(legend))
    rgb, counts = error_rgb(pred, target)
    if rgb.ndim != 3:
        raise argument_error("pred", "a 2-D mask", f"a {rgb.ndim - 1}-D mask")
    ax = _axes(ax)
    ax.imshow(rgb, interpolation="nearest")
    if legend is not None:
        handles = [Patch(facecolor=ERROR_COLOURS[name], edgecolor="0.4", linewidth=0.6,
                         label=f"{name}: {counts[name]}") for name in ("TP", "FP", "FN", "TN")]
        if legend == "right":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                      frameon=False, borderaxespad=0.3, handlelength=1.2)
        else:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02),
                      frameon=False, ncol=2, borderaxespad=0.2, handlelength=1.2,
                      columnspacing=1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    return ax


def show_confusion_matrix(cm, ax=None, *, class_names=None, outcome_names=None, cmap="viridis",
                          colorbar=True, title=None):
    """A confusion matrix as a labelled heat map, with the count written in every cell.

    Rows are the true class (the target), columns the predicted class, as in
    :func:`segcourse.metrics.confusion_matrix` and scikit-learn.

    Parameters
    ----------
    cm : array ``(C, C)`` of counts
    class_names : sequence of ``C`` str, optional
        Tick labels; by default the class indices.
    outcome_names : bool, optional
        Write TN, FP, FN and TP above the counts of a 2 x 2 matrix (the
        default for 2 x 2 matrices).
    cmap : str
        A sequential colour map (viridis: colour-blind safe, readable in grey).
    colorbar : bool
        A colour bar labelled "pixels".

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_confusion_matrix(np.array([[5, 1], [2, 3]]), class_names=["bg", "fg"])
    >>> [text.get_text() for text in ax.texts]
    ['TN\\n5', 'FP\\n1', 'FN\\n2', 'TP\\n3']
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('predicted class', 'true class')
    """
    cm = to_numpy(cm, "cm")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.dtype.kind not in "iuf" or cm.size == 0:
        raise argument_error("cm", "a square (C, C) array of counts", cm)
    if (cm < 0).any():
        raise argument_error("cm", "counts >= 0", f"a minimum of {cm.min()}")
    count = cm.shape[0]
    names = [str(c) for c in range(count)] if class_names is None else [str(n) for n in
                                                                          class_names]
    if len(names) != count:
        raise argument_error("class_names", f"{count} names (one per class)",
                             f"{len(names)} names")
    if outcome_names is None:
        outcome_names = count == 2
    elif outcome_names and count != 2:
        raise argument_error("outcome_names", "True only for a 2 x 2 matrix",
                             f"a {count} x {count} matrix")
    ax = _axes(ax, figsize=(3.4, 3.0))
    image = ax.imshow(cm, cmap=cmap, vmin=0, vmax=max(float(cm.max()), 1.0),
                      interpolation="nearest")
    rgba = image.to_rgba(cm.astype(float))
    for (row, col), value in np.ndenumerate(cm):
        number = f"{value:g}" if cm.dtype.kind == "f" else str(int(value))
        text = f"{_OUTCOMES[2 * row + col]}\n{number}" if outcome_names else number
        ax.text(col, row, text, ha="center", va="center", fontsize=GRID_TEXT_PT,
                color=text_colour_on(rgba[row, col]))
    ax.set_xticks(range(count), names)
    ax.set_yticks(range(count), names)
    if max(len(n) for n in names) * count > 24:
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        bar.set_label("pixels")
    if title is not None:
        ax.set_title(title)
    return ax


def score_style(name):
    """(colour, line style, marker) of a score in :data:`SCORE_STYLES`, a default otherwise."""
    return SCORE_STYLES.get(name, ("#555555", "-", "o"))


def show_score_curves(x, curves, ax=None, *, mark=None, xlabel=None, ylabel="score",
                      log_x=False, ylim=(0.0, 1.03), legend="right", title=None):
    """Scores plotted against a setting, one line per score in its course style.

    Parameters
    ----------
    x : array ``(K,)``
        The setting (a foreground fraction, a radius, a distance).
    curves : dict
        Score name -> array ``(K,)``; names of :data:`SCORE_STYLES` get
        their colour, line style, marker and label (:data:`SCORE_LABELS`).
        NaN values leave a gap.
    mark : int, optional
        Index of ``x`` to mark on every line (the current setting of a demo).
    xlabel, ylabel : str
    log_x : bool
        A logarithmic x axis (for foreground fractions).
    ylim : (float, float) or None
    legend : ``"right"``, ``"best"`` or None

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_score_curves([1, 2], {"dice": [0.5, 0.7], "accuracy": [0.9, 0.95]}, mark=1)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['Dice', 'accuracy']
    """
    x = np.asarray(to_numpy(x, "x"), dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise argument_error("x", "a non-empty 1-D array", x)
    if not isinstance(curves, dict) or not curves:
        raise argument_error("curves", "a dict of score name -> values",
                             repr(type(curves).__name__) if not isinstance(curves, dict)
                             else "an empty dict", type_error=not isinstance(curves, dict))
    if legend not in ("right", "best", None):
        raise argument_error("legend", "'right', 'best' or None", repr(legend))
    ax = _axes(ax, figsize=(COLUMN_WIDTH_IN, 3.0))
    for name, values in curves.items():
        values = np.asarray(to_numpy(values, f"curves[{name!r}]"), dtype=float)
        if values.shape != x.shape:
            raise argument_error(f"curves[{name!r}]", f"{x.size} values (one per x)", values)
        colour, style, marker = score_style(name)
        ax.plot(x, values, color=colour, linestyle=style, linewidth=1.6,
                label=SCORE_LABELS.get(name, name))
        if mark is not None:
            ax.plot([x[mark]], [values[mark]], marker=marker, color=colour, markersize=6,
                    markeredgecolor="black", markeredgewidth=0.6, linestyle="none")
    if mark is not None:
        ax.axvline(x[mark], color="0.6", linewidth=0.8, zorder=0)
    if log_x:
        ax.set_xscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend == "right":
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  borderaxespad=0.3, handlelength=2.0)
    elif legend == "best":
        ax.legend(frameon=False, handlelength=2.0)
    if title is not None:
        ax.set_title(title)
    return ax


def show_score_distribution(groups, ax=None, *, ylabel="Dice", ylim=(0.0, 1.0), points=True,
                            seed=0, title=None):
    """Box plots of per-image scores with every raw score drawn beside its box.

    A box plot summarises a distribution by five numbers; two clusters of
    scores (a model that either works or fails) can hide inside one box.
    With ``points=True`` each score is also drawn as a dot (spread sideways
    by a seeded jitter, so that the picture is the same on every run).

    Parameters
    ----------
    groups : dict
        Label (a method) -> 1-D array of scores (one per image); NaN scores
        are left out, and their number written under the label.
    ylabel : str
    ylim : (float, float) or None
    points : bool
        Draw the raw scores beside the boxes.
    seed : int
        Seed of the sideways jitter.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_score_distribution({"A": [0.2, 0.9, 0.8], "B": [0.5, np.nan]})
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['A', 'B\\n(1 NaN)']
    """
    if not isinstance(groups, dict) or not groups:
        raise argument_error("groups", "a dict of label -> scores", repr(type(groups).__name__),
                             type_error=not isinstance(groups, dict))
    ax = _axes(ax, figsize=(3.4, 3.0))
    rng = np.random.default_rng(seed)
    labels, data = [], []
    for label, values in groups.items():
        values = np.asarray(to_numpy(values, f"groups[{label!r}]"), dtype=float).ravel()
        missing = int(np.isnan(values).sum())
        labels.append(f"{label}\n({missing} NaN)" if missing else str(label))
        data.append(values[~np.isnan(values)])
    positions = np.arange(1, len(data) + 1)
    ax.boxplot(data, positions=positions, widths=0.45, showfliers=not points,
               medianprops={"color": "black", "linewidth": 1.5},
               boxprops={"linewidth": 1.0}, whiskerprops={"linewidth": 1.0})
    if points:
        for position, values in zip(positions, data, strict=True):
            jitter = rng.uniform(-0.08, 0.08, size=values.size)
            ax.plot(position + 0.38 + jitter, values, linestyle="none", marker="o",
                    markersize=4, color="#CC6677", markeredgecolor="black",
                    markeredgewidth=0.4, alpha=0.9)
    ax.set_xticks(positions, labels)
    ax.set_xlim(0.5, len(data) + 0.9)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title)
    return ax


def show_surface_distances(pred, target, ax=None, *, direction="pred", spacing=None,
                           fmt="{:.1f}", title=None):
    """Tiny masks with the boundary distance written in each boundary pixel of one of them.

    Cells are coloured by outcome (:data:`ERROR_COLOURS`: TP blue, FP
    vermilion, FN yellow, TN black); each boundary pixel of ``pred``
    (``direction="pred"``) or of ``target`` (``"target"``) carries its
    distance to the nearest boundary pixel of the other mask, as
    :func:`segcourse.metrics.surface_distances` computes them.

    Parameters
    ----------
    pred, target : 2-D binary masks of the same shape, at most 40 x 40
    direction : ``"pred"`` or ``"target"``
    spacing : float or (float, float), optional
        Pixel size (see :func:`segcourse.metrics.surface_distances`).
    fmt : str
        How each distance is written.

    Returns
    -------
    matplotlib Axes
    """
    from .metrics import mask_boundary, surface_distances

    if direction not in ("pred", "target"):
        raise argument_error("direction", "'pred' or 'target'", repr(direction))
    rgb, _ = error_rgb(pred, target)
    pred, target = check_mask(pred, "pred"), check_mask(target, "target")
    if pred.ndim != 2 or pred.size > 40 * 40:
        raise argument_error("pred", "a 2-D mask of at most 40 x 40 pixels", pred)
    from_pred, from_target = surface_distances(pred, target, spacing=spacing)
    boundary = mask_boundary(pred if direction == "pred" else target)
    distances = from_pred if direction == "pred" else from_target
    ax = _axes(ax)
    ax.imshow(rgb, interpolation="nearest")
    for (row, col), value in zip(np.argwhere(boundary), distances, strict=True):
        ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=GRID_TEXT_PT,
                color=text_colour_on(rgb[row, col]))
    ax.set_xticks(np.arange(-0.5, pred.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, pred.shape[0], 1), minor=True)
    ax.grid(which="minor", color="0.5", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(np.arange(0, pred.shape[1], 2))
    ax.set_yticks(np.arange(0, pred.shape[0], 2))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    if title is not None:
        ax.set_title(title)
    return ax


# --- chapter 05: object scores ---------------------------------------------------------------

#: Colours of a precision-recall plot (Tol's muted palette, never an error colour):
#: the precision of the ranked detections, its monotone envelope and COCO's 101 samples.
PR_COLOURS = {"precision": "#332288", "envelope": "#117733", "samples": "#000000"}


def _outline(mask, width):
    """The inner outline of ``mask``, ``width`` pixels thick (eroded within its bounding box)."""
    from scipy import ndimage

    outline = np.zeros_like(mask)
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if rows.size == 0:
        return outline
    # the bounding box and a margin of background (the image's edge counts as inside)
    box = (slice(max(rows[0] - width, 0), rows[-1] + 1 + width),
           slice(max(cols[0] - width, 0), cols[-1] + 1 + width))
    crop = mask[box]
    outline[box] = crop & ~ndimage.binary_erosion(crop, iterations=width, border_value=1)
    return outline


def _object_status(matches, num_pred, num_target):
    """("TP"/"FP" per prediction, "TP"/"FN" per target) from an InstanceMatches or tuples."""
    if hasattr(matches, "pairs"):
        pred_status = np.full(num_pred, "FP", dtype=object)
        target_status = np.full(num_target, "FN", dtype=object)
        pred_status[matches.pairs[:, 0]] = "TP"
        target_status[matches.pairs[:, 1]] = "TP"
        return tuple(pred_status), tuple(target_status)
    if (not isinstance(matches, (tuple, list)) or len(matches) != 2
            or len(matches[0]) != num_pred or len(matches[1]) != num_target):
        raise argument_error("matches", "an InstanceMatches (from metrics.match_instances) or "
                             f"a pair (status of the {num_pred} predictions, status of the "
                             f"{num_target} targets)", describe(matches), type_error=True)
    pred_status, target_status = tuple(matches[0]), tuple(matches[1])
    for name, values, allowed in (("matches[0]", pred_status, ("TP", "FP")),
                                  ("matches[1]", target_status, ("TP", "FN"))):
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise argument_error(name, f"values in {allowed}", describe(wrong))
    return pred_status, target_status


def _instance_stack(value, name):
    from .metrics.objects import _instances

    return _instances(value, name)


def object_match_rgb(pred, target, matches, *, image=None):
    """RGB picture of object matches: TP predictions blue, FP vermilion, missed targets yellow.

    Every target object is outlined in white (1 px) and each prediction in
    the colour of its outcome (2 px, :data:`ERROR_COLOURS`); a target that
    no prediction matched (a false negative) is also filled in yellow. The
    background is ``image`` in dimmed grey, or black.

    Parameters
    ----------
    pred, target : array_like
        Boolean stacks ``(K, H, W)`` or integer instance maps ``(H, W)`` (as
        :func:`segcourse.metrics.iou_matrix`).
    matches : InstanceMatches or (sequence, sequence)
        The result of :func:`segcourse.metrics.match_instances` on the same
        instances, or the status of each prediction (``"TP"``/``"FP"``) and
        of each target (``"TP"``/``"FN"``).
    image : array_like, optional
        ``(H, W)`` or ``(H, W, 3)`` picture to show underneath.

    Returns
    -------
    numpy.ndarray
        ``(H, W, 3)`` float RGB in [0, 1].

    Examples
    --------
    >>> from segcourse.metrics import match_instances
    >>> target = np.zeros((8, 8), int); target[1:5, 1:5] = 1
    >>> pred = np.zeros((8, 8), int); pred[1:5, 2:6] = 1
    >>> rgb = object_match_rgb(pred, target, match_instances(pred, target))
    >>> rgb.shape, rgb[2, 5].tolist() == list(ERROR_COLOURS["TP"])
    ((8, 8, 3), True)
    """
    pred = _instance_stack(pred, "pred")
    target = _instance_stack(target, "target")
    if pred.ndim != 3 or target.ndim != 3 or pred.shape[1:] != target.shape[1:]:
        raise argument_error("target", f"2-D instances of the shape of `pred` "
                             f"{pred.shape[1:]}", target)
    pred_status, target_status = _object_status(matches, len(pred), len(target))
    shape = pred.shape[1:]
    if image is None:
        rgb = np.zeros((*shape, 3))
    else:
        picture = np.asarray(_image_array(image), dtype=float)
        if picture.shape[:2] != shape:
            raise argument_error("image", f"an image of shape {shape}", picture)
        if picture.max() > 1:
            picture = picture / 255.0
        grey = picture if picture.ndim == 2 else picture[..., :3].mean(axis=-1)
        rgb = np.repeat((0.15 + 0.45 * grey)[..., None], 3, axis=-1)
    for mask, status in zip(target, target_status, strict=True):
        if status == "FN":
            rgb[mask] = 0.35 * rgb[mask] + 0.65 * np.array(ERROR_COLOURS["FN"])
    for mask in target:
        rgb[_outline(mask, 1)] = 1.0
    for mask, status in zip(pred, pred_status, strict=True):
        rgb[_outline(mask, 2)] = ERROR_COLOURS[status]
    return rgb


def show_matches(pred, target, matches, ax=None, *, image=None, labels=None, legend="below",
                 fn_label="FN", title=None):
    """Predicted objects against the true ones: which are found, false or missed.

    Draws :func:`object_match_rgb` (TP predictions outlined in blue, FP in
    vermilion, missed targets filled yellow, every target outlined in white)
    with a legend that counts each outcome, and writes ``labels`` at the
    centre of each prediction (moved aside where two would cover each
    other) and ``fn_label`` above each target no prediction matched.

    Parameters
    ----------
    pred, target, matches, image
        As :func:`object_match_rgb`.
    labels : sequence of str, optional
        One text per prediction (for example its score or its mistake);
        default none.
    legend : ``"below"``, ``"right"`` or None
    fn_label : str or None
        Written above each unmatched target (None: nothing, for many small objects).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from segcourse.metrics import match_instances
    >>> target = np.array([[1, 1, 0, 2, 2, 0]] * 3)
    >>> pred = np.array([[1, 1, 0, 0, 0, 3]] * 3)
    >>> ax = show_matches(pred, target, match_instances(pred, target))
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['TP: 1', 'FP: 1', 'FN: 1', 'true outline']
    """
    from matplotlib.patches import Patch

    if legend not in ("below", "right", None):
        raise argument_error("legend", "'below', 'right' or None", repr(legend))
    pred_stack = _instance_stack(pred, "pred")
    target_stack = _instance_stack(target, "target")
    rgb = object_match_rgb(pred_stack, target_stack, matches, image=image)
    pred_status, target_status = _object_status(matches, len(pred_stack), len(target_stack))
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != len(pred_stack):
            raise argument_error("labels", f"one text per prediction ({len(pred_stack)})",
                                 f"{len(labels)} texts")
    ax = _axes(ax, figsize=(4.5, 3.5))
    ax.imshow(rgb, interpolation="nearest")
    texts = []
    if labels is not None:
        texts += [(mask, label, ERROR_COLOURS[status])
                  for mask, label, status in zip(pred_stack, labels, pred_status, strict=True)]
    if fn_label is not None:
        texts += [(mask, str(fn_label), ERROR_COLOURS["FN"])
                  for mask, status in zip(target_stack, target_status, strict=True)
                  if status == "FN"]
    placed = []  # (row, column) of the labels written so far
    step = max(rgb.shape[:2]) / 25  # about a label's height, in pixels of the image
    for mask, label, colour in texts:
        if label and mask.any():
            rows, cols = np.nonzero(mask)
            # an unmatched target's note sits on its top edge, clear of the predictions inside
            row, va = ((rows.min() - 1, "bottom") if colour == ERROR_COLOURS["FN"]
                       else (rows.mean(), "center"))
            col = cols.mean()
            while any(abs(row - r) < step and abs(col - c) < 1.5 * step for r, c in placed):
                col += 1.5 * step  # a label on a label (a duplicate): move it aside
            placed.append((row, col))
            ax.text(col, row, label, ha="center", va=va, gid="segcourse-label",
                    color=text_colour_on(colour),
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": colour,
                          "edgecolor": "none", "alpha": 0.9})
    if legend is not None:
        counts = {"TP": pred_status.count("TP"), "FP": pred_status.count("FP"),
                  "FN": target_status.count("FN")}
        handles = [Patch(facecolor=ERROR_COLOURS[name], edgecolor="0.4", linewidth=0.6,
                         label=f"{name}: {counts[name]}") for name in ("TP", "FP", "FN")]
        handles.append(Patch(facecolor="white", edgecolor="0.4", linewidth=0.6,
                             label="true outline"))
        if legend == "right":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                      frameon=False, borderaxespad=0.3, handlelength=1.2)
        else:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01),
                      frameon=False, ncol=4, borderaxespad=0.2, handlelength=1.0,
                      columnspacing=0.8, handletextpad=0.4)
    return _finish(ax, title)


def show_iou_matrix(ious, ax=None, *, pred_names=None, target_names=None, threshold=None,
                    fmt="{:.2f}", title=None):
    """The IoU of every predicted and target object as a labelled heat map.

    Each cell holds its IoU (viridis from 0 to 1, the value written in the
    cell); with ``threshold``, the cells at or above it are framed, the pairs
    that may match.

    Parameters
    ----------
    ious : array_like
        ``(K, M)`` IoU matrix, rows the predictions (as
        :func:`segcourse.metrics.iou_matrix` returns it).
    pred_names, target_names : sequence of str, optional
        Row and column labels (default ``p0, p1, ...`` and ``t0, t1, ...``).
    threshold : float, optional
        Frame the cells with IoU at or above it.
    fmt : str
        Format of the numbers in the cells.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_iou_matrix([[0.8, 0.0], [0.1, 0.45]], threshold=0.5)
    >>> [t.get_text() for t in ax.texts]
    ['0.80', '0.00', '0.10', '0.45']
    """
    from matplotlib.patches import Rectangle

    ious = np.asarray(to_numpy(ious, "ious"), dtype=float)
    if ious.ndim != 2:
        raise argument_error("ious", "a (K, M) matrix", ious)
    if ious.size and (np.nanmin(ious) < 0 or np.nanmax(ious) > 1):
        raise argument_error("ious", "values in [0, 1]",
                             f"values from {np.nanmin(ious):g} to {np.nanmax(ious):g}")
    rows, cols = ious.shape
    pred_names = [f"p{k}" for k in range(rows)] if pred_names is None else list(pred_names)
    target_names = ([f"t{j}" for j in range(cols)] if target_names is None
                    else list(target_names))
    if len(pred_names) != rows:
        raise argument_error("pred_names", f"{rows} names (one per row)", f"{len(pred_names)}")
    if len(target_names) != cols:
        raise argument_error("target_names", f"{cols} names (one per column)",
                             f"{len(target_names)}")
    ax = _axes(ax, figsize=(min(COLUMN_WIDTH_IN, 1.2 + 0.55 * cols), 0.9 + 0.4 * rows))
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    image = ax.imshow(ious, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest",
                      aspect="auto")
    for k in range(rows):
        for j in range(cols):
            value = ious[k, j]
            ax.text(j, k, fmt.format(value), ha="center", va="center",
                    fontsize=GRID_TEXT_PT, color=text_colour_on(cmap(value)[:3]))
            if threshold is not None and value >= threshold:
                ax.add_patch(Rectangle((j - 0.5, k - 0.5), 1, 1, fill=False,
                                       edgecolor="white", linewidth=2.5))
                ax.add_patch(Rectangle((j - 0.5, k - 0.5), 1, 1, fill=False,
                                       edgecolor="black", linewidth=1.0))
    ax.set_xticks(range(cols), target_names)
    ax.set_yticks(range(rows), pred_names)
    ax.tick_params(length=0)
    ax.set_xlabel("true object")
    ax.set_ylabel("predicted object")
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
    colorbar.set_label("IoU")
    if title is not None:
        ax.set_title(title)
    return ax


def show_pr_curve(recall, precision, ax=None, *, envelope=True, samples=False, label=None,
                  colour=None, title=None):
    """A precision-recall curve of ranked detections, its envelope and COCO's samples.

    Draws the precision after each detection (a marker per detection,
    joined by a line that starts at recall 0); with ``envelope``, the monotone envelope
    :math:`\\tilde p(r) = \\max_{r' \\ge r} p(r')` as a dashed step whose area
    is the AP; with ``samples``, the envelope at COCO's 101 recall points
    (0 beyond the largest recall reached).

    Parameters
    ----------
    recall, precision : array_like ``(D,)``
        One value per ranked detection, as
        :func:`segcourse.metrics.ranked_detections` returns them.
    envelope, samples : bool
    label : str, optional
        Legend text of the precision line (default "precision").
    colour : colour, optional
        Of the precision line (default :data:`PR_COLOURS`).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_pr_curve([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3], samples=True)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['precision', 'envelope', '101 samples']
    """
    from .metrics import COCO_RECALL_THRESHOLDS

    recall = np.asarray(to_numpy(recall, "recall"), dtype=float)
    precision = np.asarray(to_numpy(precision, "precision"), dtype=float)
    if recall.ndim != 1:
        raise argument_error("recall", "a 1-D array", recall)
    if precision.shape != recall.shape:
        raise argument_error("precision", f"one value per recall ({recall.size})", precision)
    for name, values in (("recall", recall), ("precision", precision)):
        if values.size and (np.nanmin(values) < 0 or np.nanmax(values) > 1):
            raise argument_error(name, "values in [0, 1]",
                                 f"values from {np.nanmin(values):g} to {np.nanmax(values):g}")
    if recall.size and np.any(np.diff(recall) < 0):
        raise argument_error("recall", "values that never decrease (detections in rank order)",
                             "a decreasing step")
    ax = _axes(ax, figsize=(5.0, 3.4))
    line_colour = colour or PR_COLOURS["precision"]
    # one marker per detection; the line starts at recall 0 with the first precision
    ax.plot(np.r_[0.0, recall] if recall.size else recall,
            np.r_[precision[:1], precision] if recall.size else precision,
            color=line_colour, linewidth=1.4, zorder=3)
    ax.plot(recall, precision, color=line_colour, marker="o", markersize=5, linestyle="none",
            zorder=4)
    ax.plot([], [], color=line_colour, marker="o", markersize=5, linewidth=1.4,
            label=label or "precision")
    if (envelope or samples) and recall.size:
        smooth = np.maximum.accumulate(precision[::-1])[::-1]
        if envelope:
            # drawn above the precision line, thick and dashed, so that it shows where they meet
            ax.step(np.r_[0.0, recall], np.r_[smooth[:1], smooth], where="pre",
                    color=PR_COLOURS["envelope"], linestyle=(0, (4, 2)), linewidth=2.4,
                    label="envelope", zorder=5)
            ax.fill_between(np.r_[0.0, recall], np.r_[smooth[:1], smooth], step="pre",
                            color=PR_COLOURS["envelope"], alpha=0.12, linewidth=0, zorder=1)
        if samples:
            index = np.searchsorted(recall, COCO_RECALL_THRESHOLDS, side="left")
            reached = index < recall.size
            values = np.zeros(COCO_RECALL_THRESHOLDS.size)
            values[reached] = smooth[index[reached]]
            ax.plot(COCO_RECALL_THRESHOLDS, values, linestyle="none", marker="|",
                    markersize=7, markeredgewidth=1.0, color=PR_COLOURS["samples"],
                    label="101 samples", zorder=6)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower left", frameon=False, handlelength=2.0)
    if title is not None:
        ax.set_title(title)
    return ax


# --- losses (chapter 06) ---------------------------------------------------------------------

#: Colour map of signed maps (gradients of a loss): ColorBrewer's purple-green, colour-blind
#: safe and unlike any error colour; 0 is the light middle, negative purple, positive green.
SIGNED_CMAP = "PRGn"
#: Colour map of losses (values >= 0), drawn on a logarithmic scale: dark = small.
LOSS_CMAP = "magma"


def signed_limit(*maps):
    """The symmetric colour range ``L`` (drawn from ``-L`` to ``L``) that holds every map.

    The largest absolute finite value of all ``maps``; 1.0 when they are all 0,
    so that a map of zeros is drawn in the middle colour.

    >>> signed_limit(np.array([[-0.5, 0.2]]), np.array([[0.1]]))
    0.5
    """
    largest = 0.0
    for values in maps:
        values = np.asarray(to_numpy(values, "maps"), dtype=float)
        finite = np.abs(values[np.isfinite(values)])
        if finite.size:
            largest = max(largest, float(finite.max()))
    return largest if largest > 0 else 1.0


def show_signed_map(values, ax=None, *, limit=None, label=None, title=None, colorbar=True):
    """A map of signed numbers (a gradient) on a diverging colour scale centred on 0.

    Parameters
    ----------
    values : array ``(H, W)`` of numbers
    limit : float, optional
        The colour range is ``[-limit, limit]``, so that 0 is always the middle
        colour; by default the largest absolute value (:func:`signed_limit`).
        Pass one limit to several maps to draw them on one scale.
    label : str, optional
        What the colour bar measures ("dL/dz").
    colorbar : bool
        Draw the colour bar beside the map.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_signed_map(np.array([[-0.2, 0.1]]), label="gradient")
    >>> ax.get_images()[0].get_clim()
    (-0.2, 0.2)
    """
    values = _float_map(values, "values", 2)
    limit = signed_limit(values) if limit is None else check_number(limit, "limit", low=0.0,
                                                                    low_open=True)
    ax = _axes(ax)
    image = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit,
                      interpolation="nearest")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
        if label is not None:
            bar.set_label(label)
    return _finish(ax, title)


def _loss_range(values, vmin, vmax):
    positive = values[np.isfinite(values) & (values > 0)]
    high = (float(positive.max()) if positive.size else 1.0) if vmax is None else check_number(
        vmax, "vmax", low=0.0, low_open=True)
    low = (max(float(positive.min()), high * 1e-6) if positive.size else high * 1e-6) \
        if vmin is None else check_number(vmin, "vmin", low=0.0, low_open=True)
    if low >= high:
        if vmin is not None and vmax is not None:
            raise argument_error("vmax", f"a number larger than vmin={low:g}", high)
        low = high / 10
    return low, high


def show_loss_map(values, ax=None, *, vmin=None, vmax=None, label="loss", title=None,
                  colorbar=True):
    """A map of per-pixel losses (values >= 0) on a logarithmic colour scale.

    Losses of one image span many orders of magnitude (an easy pixel's
    cross entropy is 1e-4, a wrong one's 5), so the colours follow their
    logarithm: each factor of 10 gets the same stretch of :data:`LOSS_CMAP`.
    Values at or below ``vmin`` (0 included) take its darkest colour.

    Parameters
    ----------
    values : array ``(H, W)`` of numbers >= 0
    vmin, vmax : float, optional
        The colour range, both > 0; by default the largest value and the
        smallest positive one (at most a factor 1e6 below it). Pass the same
        range to maps that must be compared.
    label : str
        What the colour bar measures.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_loss_map(np.array([[0.001, 2.0]]))
    >>> ax.get_images()[0].norm.vmin, ax.get_images()[0].norm.vmax
    (0.001, 2.0)
    """
    from matplotlib.colors import LogNorm

    values = _float_map(values, "values", 2)
    if (values[np.isfinite(values)] < 0).any():
        raise argument_error("values", "losses >= 0", "negative values")
    low, high = _loss_range(values, vmin, vmax)
    ax = _axes(ax)
    image = ax.imshow(np.clip(values, low, None), cmap=LOSS_CMAP,
                      norm=LogNorm(vmin=low, vmax=high), interpolation="nearest")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
        if label is not None:
            bar.set_label(label)
    return _finish(ax, title)


def _tick_labels(values):
    """One format for all of a colour bar's tick labels: decimal, or all ``4e-4`` style.

    >>> _tick_labels([-0.5, -0.005, 0.0, 0.005, 0.5])
    ['-0.5', '-0.005', '0', '0.005', '0.5']
    >>> _tick_labels([-4.3e-4, -4.3e-6, 0.0, 4.3e-6, 4.3e-4])
    ['-4e-4', '-4e-6', '0', '4e-6', '4e-4']
    """
    nonzero = [abs(value) for value in values if value]
    if nonzero and 1e-3 <= min(nonzero) and max(nonzero) < 10:
        return [f"{value:.1g}" if value else "0" for value in values]
    labels = []
    for value in values:
        mantissa, exponent = f"{value:.0e}".split("e") if value else ("0", None)
        labels.append(mantissa if exponent is None else f"{mantissa}e{int(exponent)}")
    return labels


def show_map_grid(rows, *, row_labels, column_titles=None, signed=True, label=None,
                  panel_height=1.45, decades=None, width=None):
    """A grid of maps with one shared colour scale, and one colour bar, per row.

    Row ``r`` holds the maps of one quantity (the gradient of one loss) for
    several cases (columns), drawn on one scale so that the cases compare;
    different rows (losses whose values differ by orders of magnitude) have
    scales of their own. Signed maps use :func:`show_signed_map`'s
    diverging scale centred on 0, others :func:`show_loss_map`'s.

    Parameters
    ----------
    rows : sequence of R sequences of K arrays ``(H, W)``
    row_labels : sequence of R str
        Written left of each row (the loss).
    column_titles : sequence of K str, optional
    signed : bool
        Diverging scale centred on 0 (gradients) or logarithmic (losses).
    label : str, optional
        The colour bars' label.
    panel_height : float
        Height of one row in inches.
    decades : int, optional
        For signed maps: a symmetric logarithmic scale that spans this many
        factors of 10 below the row's largest magnitude ``L`` on each side of
        0 (values under ``L / 10**decades`` in size are drawn linearly), so
        that a column whose values are 100 times smaller than the others'
        still shows. ``None``: a linear scale from ``-L`` to ``L``. The colour
        bars' tick labels share one format per bar (all decimal or all
        ``4e-4`` style).
    width : float, optional
        The figure's width in inches, at most :data:`COLUMN_WIDTH_IN`; by
        default 1.55 inches per column plus 1.6, within the column. Give the
        panels a ``panel_height`` that fills it (maps are drawn square).

    Returns
    -------
    ndarray of Axes, shape ``(R, K)``

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes = show_map_grid([[np.ones((2, 2)), -np.ones((2, 2))],
    ...                       [np.zeros((2, 2)), np.full((2, 2), 0.5)]],
    ...                      row_labels=["A", "B"], column_titles=["x", "y"])
    >>> axes.shape, axes[1, 0].get_images()[0].get_clim()
    ((2, 2), (-0.5, 0.5))
    """
    import matplotlib.pyplot as plt

    if isinstance(rows, np.ndarray) and rows.ndim == 4:
        rows = [list(row) for row in rows]
    if not isinstance(rows, (list, tuple)) or not rows or not all(
            isinstance(row, (list, tuple)) and row for row in rows):
        raise argument_error("rows", "a non-empty sequence of non-empty sequences of maps",
                             type(rows).__name__, type_error=not isinstance(rows, (list, tuple)))
    count = len(rows[0])
    if any(len(row) != count for row in rows):
        raise argument_error("rows", f"rows of {count} maps each",
                             f"rows of {sorted({len(row) for row in rows})} maps")
    if len(row_labels) != len(rows):
        raise argument_error("row_labels", f"{len(rows)} labels (one per row)",
                             f"{len(row_labels)} labels")
    if column_titles is not None and len(column_titles) != count:
        raise argument_error("column_titles", f"{count} titles (one per column)",
                             f"{len(column_titles)} titles")
    panel_height = check_number(panel_height, "panel_height", low=0.0, low_open=True)
    if decades is not None:
        decades = check_positive_int(decades, "decades")
    width = (min(COLUMN_WIDTH_IN, 1.55 * count + 1.6) if width is None
             else check_number(width, "width", low=0.0, high=COLUMN_WIDTH_IN, low_open=True))
    fig, axes = plt.subplots(len(rows), count, squeeze=False, constrained_layout=True,
                             figsize=(width, panel_height * len(rows) + 0.3))
    for r, (row, row_label) in enumerate(zip(rows, row_labels, strict=True)):
        maps = [_float_map(values, f"rows[{r}]", 2) for values in row]
        ticks = None
        if signed:
            from matplotlib.colors import Normalize, SymLogNorm

            limit = signed_limit(*maps)
            if decades is None:
                norm = Normalize(vmin=-limit, vmax=limit)
            else:
                small = limit * 10.0 ** -decades
                norm = SymLogNorm(linthresh=small, linscale=0.5, vmin=-limit, vmax=limit,
                                  base=10)
                ticks = [-limit, -10 * small, 0.0, 10 * small, limit] if decades > 1 else None
            images = [axes[r, k].imshow(values, cmap=SIGNED_CMAP, norm=norm,
                                        interpolation="nearest")
                      for k, values in enumerate(maps)]
        else:
            from matplotlib.colors import LogNorm

            low, high = _loss_range(np.concatenate([m.ravel() for m in maps]), None, None)
            images = [axes[r, k].imshow(np.clip(values, low, None), cmap=LOSS_CMAP,
                                        norm=LogNorm(vmin=low, vmax=high),
                                        interpolation="nearest")
                      for k, values in enumerate(maps)]
        for k in range(count):
            _finish(axes[r, k], column_titles[k] if column_titles is not None and r == 0
                    else None)
        axes[r, 0].set_ylabel(row_label)
        bar = fig.colorbar(images[-1], ax=list(axes[r]), fraction=0.05, pad=0.02, ticks=ticks)
        if ticks is not None:
            bar.ax.set_yticklabels(_tick_labels(ticks))
            bar.ax.minorticks_off()
        if label is not None:
            bar.set_label(label)
    return axes


def show_focal_curves(probability, gammas, ax=None, *, highlight=None, title=None):
    """The focal loss against :math:`p_t` for several :math:`\\gamma` (natural logarithm).

    The curves come from :func:`segcourse.losses.focal_curves`; ``gamma = 0``
    is cross entropy. One curve (``highlight``) can be drawn thick and
    black, the others thin in a sequence of greys and a legend names each.

    Parameters
    ----------
    probability : array ``(P,)`` of :math:`p_t` in (0, 1]
    gammas : sequence of float
    highlight : float, optional
        The :math:`\\gamma` to draw thick (added if not among ``gammas``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_focal_curves(np.linspace(0.01, 1, 50), [0, 2], highlight=2)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['γ = 0 (cross entropy)', 'γ = 2']
    """
    from .losses import focal_curves

    probability = np.asarray(to_numpy(probability, "probability"), dtype=float)
    gammas = [float(g) for g in gammas]
    if highlight is not None:
        highlight = check_number(highlight, "highlight", low=0.0)
        if highlight not in gammas:
            gammas = sorted(gammas + [highlight])
    curves = focal_curves(probability, gammas)
    ax = _axes(ax, figsize=(3.4, 2.6))
    greys = np.linspace(0.15, 0.7, len(gammas))
    styles = ["-", "--", "-.", ":"]
    for index, (gamma, curve) in enumerate(zip(gammas, curves, strict=True)):
        name = f"γ = {gamma:g}" + (" (cross entropy)" if gamma == 0 else "")
        if gamma == highlight:
            ax.plot(probability, curve, color="black", linewidth=2.6, label=name, zorder=3)
        else:
            ax.plot(probability, curve, color=str(greys[index]), linewidth=1.3,
                    linestyle=styles[index % len(styles)], label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, min(5.0, float(np.nanmax(curves)) * 1.05))
    ax.set_xlabel("$p_t$, probability of the true class")
    ax.set_ylabel("loss (natural log)")
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, handlelength=2.0)
    if title is not None:
        ax.set_title(title)
    return ax


# --- chapter 07: training lab -----------------------------------------------------------------


def _seed_offsets(count):
    """Vertical offsets of a group's points: seed k always at the same place, no overlap."""
    if count <= 1:
        return np.zeros(count)
    return np.linspace(-0.18, 0.18, count)


def show_seed_scores(groups, ax=None, *, score="dice", xlabel=None, xlim="auto", spread="std",
                     labels=True, legend=False, title=None):
    """One score of several methods: every seed a dot, the mean with its spread as a bar.

    The results plot of an experiment with repeated runs (chapter 07): each
    method (a loss) is one row; each run (a seed) is a dot, so the reader
    sees how many runs there are and how far they scatter; a black tick marks
    the mean and a line through it the spread (one standard deviation, or
    the range). No bar chart: a bar shows one number and hides the rest.

    Parameters
    ----------
    groups : dict
        Label (a method) -> 1-D array of the score of each run, in seed
        order; NaN runs are left out, and their number written after the label.
    score : str
        The score's name, for its colour and marker (:data:`SCORE_STYLES`)
        and the default axis label (:data:`SCORE_LABELS`).
    xlabel : str, optional
    xlim : (float, float), None or "auto"
        ``"auto"``: 0 to 1 for scores in [0, 1], matplotlib's choice otherwise.
    spread : ``"std"`` or ``"range"``
        The bar: mean ± one sample standard deviation (``ddof=1``), or from the
        smallest to the largest run.
    labels : bool
        Write the group labels on the y axis (False for the later panels of a row).
    legend : bool
        A legend below the axes that says what the dots and the bar are.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = show_seed_scores({"Dice": [0.61, 0.66, 0.58], "CE": [0.2, np.nan, 0.4]})
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['Dice', 'CE (1 NaN)']
    """
    if not isinstance(groups, dict) or not groups:
        raise argument_error("groups", "a dict of label -> scores", repr(type(groups).__name__)
                             if not isinstance(groups, dict) else "an empty dict",
                             type_error=not isinstance(groups, dict))
    if spread not in ("std", "range"):
        raise argument_error("spread", "'std' or 'range'", repr(spread))
    colour, _, marker = score_style(score)
    ax = _axes(ax, figsize=(3.4, 0.35 * len(groups) + 1.0))
    names, bounded = [], True
    for row, (label, values) in enumerate(groups.items()):
        values = np.asarray(to_numpy(values, f"groups[{label!r}]"), dtype=float).ravel()
        missing = int(np.isnan(values).sum())
        names.append(f"{label} ({missing} NaN)" if missing else str(label))
        offsets = _seed_offsets(values.size)
        kept = ~np.isnan(values)
        values, offsets = values[kept], offsets[kept]
        if values.size == 0:
            continue
        bounded &= bool(np.all((values >= 0) & (values <= 1)))
        # not clipped: a run that scores exactly 0 or 1 is a whole dot on the axis's edge
        ax.plot(values, row + offsets, linestyle="none", marker=marker, markersize=5,
                color=colour, markeredgecolor="black", markeredgewidth=0.5, zorder=3,
                clip_on=False, label="one seed" if row == 0 else None)
        mean = values.mean()
        if spread == "std":
            half = values.std(ddof=1) if values.size > 1 else 0.0
            low, high = mean - half, mean + half
        else:
            low, high = values.min(), values.max()
        ax.plot([low, high], [row + 0.32] * 2, color="black", linewidth=1.4, zorder=2,
                solid_capstyle="butt",
                label=("mean ± 1 SD" if spread == "std" else "mean, range") if row == 0
                else None)
        ax.plot([mean], [row + 0.32], linestyle="none", marker="|", markersize=9,
                markeredgewidth=2.0, color="black", zorder=2, clip_on=False)
    ax.set_yticks(range(len(names)), names if labels else [""] * len(names))
    ax.set_ylim(len(names) - 0.5, -0.6)
    if isinstance(xlim, str):
        if xlim != "auto":
            raise argument_error("xlim", "a (low, high) pair, None or 'auto'", repr(xlim))
        xlim = (0.0, 1.0) if bounded and score not in ("hd", "hd95", "assd") else None
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_xlabel(SCORE_LABELS.get(score, score) if xlabel is None else xlabel)
    ax.grid(True, axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    if legend:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False,
                  handlelength=1.4, borderaxespad=0.0, columnspacing=1.2)
    if title is not None:
        ax.set_title(title)
    return ax


def show_learning_curves(curves, axes=None, *, score="dice", ylabel=None, ylim=(0.0, 1.0),
                         ncols=4):
    """Learning curves of several methods, one small panel each: every run and their mean.

    Each panel shows one method (a loss): a thin line per run (a seed) in the
    score's colour and the mean over the runs in black, against the epoch.
    Small panels on one scale compare the methods without a tangle of lines.

    Parameters
    ----------
    curves : dict
        Panel title (a method) -> array ``(runs, epochs)`` of the score after
        each epoch (NaN leaves a gap).
    axes : sequence of Axes, optional
        One per method; by default a new figure of the column's width with
        ``ncols`` panels per row (spare panels hidden).
    score : str
        The score's name, for its colour (:data:`SCORE_STYLES`).
    ylabel : str, optional
        Default "validation " + the score's label.
    ylim : (float, float) or None
    ncols : int

    Returns
    -------
    ndarray of Axes
        The panels drawn, one per method.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes = show_learning_curves({"Dice": [[0.2, 0.5, 0.6], [0.1, 0.4, 0.7]],
    ...                              "CE": [[0.0, 0.1, 0.3], [0.0, 0.2, 0.2]]})
    >>> [ax.get_title() for ax in axes], len(axes[0].lines)
    (['Dice', 'CE'], 3)
    """
    if not isinstance(curves, dict) or not curves:
        raise argument_error("curves", "a dict of method -> array (runs, epochs)",
                             repr(type(curves).__name__) if not isinstance(curves, dict)
                             else "an empty dict", type_error=not isinstance(curves, dict))
    ncols = check_positive_int(ncols, "ncols")
    arrays = {}
    for name, values in curves.items():
        values = np.asarray(to_numpy(values, f"curves[{name!r}]"), dtype=float)
        if values.ndim == 1:
            values = values[None]
        if values.ndim != 2 or values.size == 0:
            raise argument_error(f"curves[{name!r}]", "an array (runs, epochs)", values)
        arrays[name] = values
    count = len(arrays)
    if axes is None:
        import matplotlib.pyplot as plt

        columns = min(ncols, count)
        rows = -(-count // columns)
        _, grid = plt.subplots(rows, columns, figsize=(COLUMN_WIDTH_IN, 1.75 * rows + 0.45),
                               squeeze=False)
        spare = grid.ravel()[count:]
        for ax in spare:
            ax.set_axis_off()
        axes = grid.ravel()[:count]
    else:
        spare = []
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != count:
        raise argument_error("axes", f"{count} Axes (one per method)", f"{axes.size} Axes")
    from matplotlib.ticker import MaxNLocator

    colour, style, _ = score_style(score)
    label = f"validation {SCORE_LABELS.get(score, score)}" if ylabel is None else ylabel
    for index, (ax, (name, values)) in enumerate(zip(axes, arrays.items(), strict=True)):
        epochs = np.arange(1, values.shape[1] + 1)
        for run in values:
            ax.plot(epochs, run, color=colour, linestyle=style, linewidth=1.0, alpha=0.75)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an epoch where every run is NaN
            ax.plot(epochs, np.nanmean(values, axis=0), color="black", linewidth=2.0)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.grid(True, color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(str(name))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if index + ncols >= count:  # no panel below: say what the x axis is
            ax.set_xlabel("epoch")
        if index % ncols == 0:
            ax.set_ylabel(label)
        elif ylim is not None:  # the same scale as the first panel of the row
            ax.tick_params(labelleft=False)
    if len(spare):  # the first free panel says what the lines are
        from matplotlib.lines import Line2D

        spare[0].legend(handles=[Line2D([], [], color=colour, linestyle=style, linewidth=1.0,
                                        label="one seed"),
                                 Line2D([], [], color="black", linewidth=2.0, label="mean")],
                        loc="center", frameon=False)
    return axes
