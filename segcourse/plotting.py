"""Pictures of images, label maps, overlays and boxes.

Every function takes ``ax=None`` (a new figure is made when it is None) and
returns the Axes it drew on, so that a notebook can arrange panels freely.
Plotting holds no maths of its own: colours come from :mod:`segcourse.labels`.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    argument_error,
    check_instance_map,
    check_number,
    check_panoptic_map,
    check_positive_int,
    check_same_shape,
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
    "show_components",
    "MERGED_COLOUR",
    "side_by_side",
]


def _axes(ax, figsize=(4, 4)):
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


def _label_colours(labels, kind, num_classes, seed):
    if kind == "semantic":
        top = int(labels.max()) + 1 if labels.size else 1
        return colorize(labels, class_colors(max(num_classes or top, top)))
    if kind == "instance":
        count = int(labels.max()) if labels.size else 0
        colours = np.vstack([[0.0, 0.0, 0.0], instance_colors(count, seed=seed)])
        return colorize(labels, colours)
    raise argument_error("kind", "'semantic' or 'instance'", repr(kind))


def show_labels(label_map, ax=None, *, kind="semantic", class_names=None, num_classes=None,
                legend=True, seed=0, title=None):
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
    """
    labels = np.asarray(to_numpy(label_map, "label_map"))
    if labels.dtype == bool:
        labels = labels.astype(np.int64)
    if labels.ndim != 2:
        raise argument_error("label_map", "a 2-D label map", labels)
    ax = _axes(ax)
    ax.imshow(_label_colours(labels, kind, num_classes, seed), interpolation="nearest")
    if legend and class_names is not None and kind == "semantic":
        from matplotlib.patches import Patch

        colours = class_colors(max(len(class_names), 1))
        ax.legend(handles=[Patch(color=colours[i], label=name)
                           for i, name in enumerate(class_names)],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    return _finish(ax, title)


def show_overlay(image, label_map, ax=None, *, kind="semantic", alpha=0.5, num_classes=None,
                 seed=0, outline=False, title=None):
    """Labels drawn over the image; returns the Axes.

    Background (0) stays uncoloured so that the image shows through. With
    ``outline=True`` only the borders of the regions are drawn.
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
    colours = _label_colours(labels, kind, num_classes, seed)
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


def panoptic_rgb(panoptic_map, *, num_classes=None, seed=0):
    """RGB picture of a 2-D panoptic map: stuff in class colours, each thing its own colour.

    Thing pixels (instance id >= 1) get the colours of
    ``show_labels(instance_map, kind="instance", seed=seed)``, so that the
    panoptic and instance pictures of a scene agree.

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
    top = int(category.max()) + 1 if category.size else 1
    rgb = colorize(category, class_colors(max(num_classes or top, top)))
    things = instance > 0
    if things.any():
        colours = instance_colors(int(instance.max()), seed=seed)
        rgb[things] = colours[instance[things] - 1]
    return rgb


def show_panoptic(panoptic_map, ax=None, *, num_classes=None, seed=0, title=None):
    """Show a panoptic map (see :func:`panoptic_rgb`); returns the Axes."""
    ax = _axes(ax)
    ax.imshow(panoptic_rgb(panoptic_map, num_classes=num_classes, seed=seed),
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
            ax.text(x0, y0 - 1, str(labels[index]), color=color, fontsize="x-small",
                    va="bottom")
    return _finish(ax, title)


def show_pixel_grid(values, ax=None, *, image=None, cmap="viridis", vmin=None, vmax=None,
                    origin=(0, 0), fmt="{}", title=None, fontsize=9):
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
    # write dark text on light pixels and light text on dark ones
    rgba = shown.to_rgba(shown.get_array())
    luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    if luminance.shape != values.shape:
        luminance = np.full(values.shape, 0.0)
    ax.set_xticks(np.arange(-0.5, values.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0], 1), minor=True)
    ax.grid(which="minor", color="0.5", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, fmt.format(value.item() if hasattr(value, "item") else value),
                ha="center", va="center", fontsize=fontsize,
                color="black" if luminance[row, col] > 0.5 else "white")
    if title is not None:
        ax.set_title(title)
    # full-image coordinates on every other pixel
    row0, col0 = (int(v) for v in origin)
    rows = np.arange(0, values.shape[0], 2)
    cols = np.arange(0, values.shape[1], 2)
    ax.set_yticks(rows, [str(row0 + r) for r in rows], fontsize=fontsize - 1)
    ax.set_xticks(cols, [str(col0 + c) for c in cols], fontsize=fontsize - 1)
    ax.set_xlabel("column", fontsize=fontsize)
    ax.set_ylabel("row", fontsize=fontsize)
    return ax


#: Colour of a connected component that holds two or more true objects.
MERGED_COLOUR = (0.835, 0.369, 0.0)  # vermillion (Okabe and Ito)


def components_rgb(components, instance_map, *, seed=0):
    """RGB picture of connected components, coloured by the true objects they cover.

    A component that covers one true object gets that object's colour (the
    colours of ``show_labels(..., kind="instance", seed=seed)``); one that
    covers two or more, a merge, is vermillion (:data:`MERGED_COLOUR`);
    background is black. Side by side with the true instances, this shows at
    a glance which objects merged.

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
    merged = int(is_merged.sum())
    return colours[components], merged


def show_components(components, instance_map, ax=None, *, seed=0, title=None):
    """Connected components coloured by the true objects they cover (merges in vermillion).

    See :func:`components_rgb`; returns the Axes.
    """
    rgb, _ = components_rgb(components, instance_map, seed=seed)
    ax = _axes(ax)
    ax.imshow(rgb, interpolation="nearest")
    return _finish(ax, title)


def side_by_side(count, *, width=4.0, height=4.0, titles=None):
    """A row of ``count`` empty panels; returns the array of Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> axes = side_by_side(3, titles=["a", "b", "c"])
    >>> len(axes), axes[1].get_title()
    (3, 'b')
    """
    import matplotlib.pyplot as plt

    count = check_positive_int(count, "count")
    _, axes = plt.subplots(1, count, figsize=(width * count, height), squeeze=False,
                           constrained_layout=True)
    axes = axes[0]
    if titles is not None:
        if len(titles) != count:
            raise argument_error("titles", f"{count} titles", f"{len(titles)} titles")
        for ax, text in zip(axes, titles, strict=True):
            ax.set_title(text)
    return axes
