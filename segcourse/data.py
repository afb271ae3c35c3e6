"""Images with exact ground truth: synthetic scenes and shipped samples.

Every sample here is seeded or shipped with the package, so the course runs
offline and gives the same numbers on every run.

- :func:`make_scene`: a synthetic street-like scene of stuff regions (sky,
  grass, road) and thing objects (circles, squares, triangles), with its
  semantic, instance and panoptic labels (chapters 01 and 02).
- :func:`load_coins`: scikit-image's coins photograph with a shipped instance
  ground truth, one id per coin (chapter 01).
- :func:`make_dataset`: seeded training sets of shapes: binary with a chosen
  foreground fraction (chapter 07), or of several classes told apart by
  brightness (``num_classes``, chapter 03).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import ndimage

from ._validation import argument_error, check_int, check_positive_int
from .labels import make_panoptic

__all__ = [
    "Scene",
    "SCENE_CLASSES",
    "SCENE_THINGS",
    "SCENE_STUFF",
    "SCENE_CLASS_COLORS",
    "make_scene",
    "Sample",
    "load_coins",
    "make_dataset",  # noqa: F822 - imported on first use, see __getattr__
    "ShapesDataset",  # noqa: F822
    "data_path",
]

#: Class names of :func:`make_scene`, indexed by class id.
SCENE_CLASSES = ("sky", "grass", "road", "circle", "square", "triangle")
#: Countable classes (things) of :func:`make_scene`.
SCENE_THINGS = (3, 4, 5)
#: Amorphous regions (stuff) of :func:`make_scene`.
SCENE_STUFF = (0, 1, 2)
#: Class colours of :func:`make_scene` (``Scene.class_colors``), indexed by class id:
#: each class in the colour its pixels have in the picture, so that a label map
#: reads like the image: sky light blue, grass green, road grey, circles red,
#: squares blue, triangles yellow. From Paul Tol's colour-blind-safe schemes
#: ("bright", and "light" blue for the sky, lighter than the squares' blue);
#: tests/test_data.py checks that they stay apart for colour-blind readers.
SCENE_CLASS_COLORS = np.array([
    (0.467, 0.667, 0.867),  # sky: light blue #77AADD
    (0.133, 0.533, 0.200),  # grass: green #228833
    (0.733, 0.733, 0.733),  # road: grey #BBBBBB
    (0.933, 0.400, 0.467),  # circle: red #EE6677
    (0.267, 0.467, 0.667),  # square: blue #4477AA
    (0.800, 0.733, 0.267),  # triangle: yellow #CCBB44
])
SCENE_CLASS_COLORS.setflags(write=False)


@dataclass(frozen=True)
class Scene:
    """A scene and its exact labels in every format of the course.

    Attributes
    ----------
    image : ndarray, ``(H, W, 3)`` float in [0, 1]
    semantic : ndarray, ``(H, W)`` int64, the class of every pixel
    instance : ndarray, ``(H, W)`` int64, 0 = not a thing, objects ``1..K``
    panoptic : ndarray, ``(H, W, 2)`` int64, ``[..., 0]`` class, ``[..., 1]`` instance
    class_names : tuple of str, indexed by class id
    things, stuff : tuple of int, the thing and stuff class ids
    instance_classes : dict, ``{instance id: class id}``
    class_colors : ndarray, ``(num_classes, 3)`` float, the colour to draw each
        class in (``plotting.show_labels(scene.semantic, colors=scene.class_colors)``):
        :data:`SCENE_CLASS_COLORS`, which agree with the picture's own colours
    """

    image: np.ndarray
    semantic: np.ndarray
    instance: np.ndarray
    panoptic: np.ndarray
    class_names: tuple
    things: tuple
    stuff: tuple
    instance_classes: dict = field(default_factory=dict)
    class_colors: np.ndarray = field(default_factory=lambda: SCENE_CLASS_COLORS.copy())

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def _texture(name, shape, rng):
    """A crop of one of scikit-image's CC0 texture photographs, as floats in [0, 1]."""
    from skimage import data as skdata
    from skimage.transform import resize

    source = getattr(skdata, name)().astype(float) / 255.0
    height, width = shape
    scale = max(height / source.shape[0], width / source.shape[1], 0.5)
    if scale > 0.5:
        source = resize(source, (int(np.ceil(source.shape[0] * scale)),
                                 int(np.ceil(source.shape[1] * scale))), anti_aliasing=False)
    top = rng.integers(0, source.shape[0] - height + 1)
    left = rng.integers(0, source.shape[1] - width + 1)
    return source[top:top + height, left:left + width]


def _shape_mask(kind, center, radius, shape):
    """Boolean mask of a circle, square or triangle centred at ``center``."""
    rows, cols = np.ogrid[:shape[0], :shape[1]]
    cy, cx = center
    if kind == "circle":
        return (rows - cy) ** 2 + (cols - cx) ** 2 <= radius ** 2
    if kind == "square":
        return (np.abs(rows - cy) <= radius * 0.85) & (np.abs(cols - cx) <= radius * 0.85)
    # upward triangle: inside three half-planes
    top = cy - radius
    bottom = cy + radius * 0.8
    half_width = (rows - top) / (bottom - top) * radius
    return (rows >= top) & (rows <= bottom) & (np.abs(cols - cx) <= half_width)


# The colours objects are drawn in; SCENE_CLASS_COLORS shows each class in the same hue.
_THING_COLORS = {
    "circle": (0.85, 0.25, 0.20),
    "square": (0.20, 0.35, 0.85),
    "triangle": (0.95, 0.80, 0.15),
}


def make_scene(seed=0, size=(128, 192), *, num_objects=8):
    """A synthetic scene with exact semantic, instance and panoptic labels.

    Stuff: sky on top, grass in the middle, road at the bottom, with wavy
    borders and scikit-image's CC0 textures (grass, gravel). Things: circles,
    squares and triangles of random sizes on the grass and the road. The
    first two objects are circles that touch, and the last object is small
    (a few dozen pixels), because both make segmentation hard.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same scene.
    size : int or (int, int)
        Height and width in pixels (at least 32 each).
    num_objects : int
        Number of thing objects to place (at least 2). An object that finds
        no free place (in a small, crowded image) is left out, so the scene
        may hold fewer: count them with ``len(scene.instance_classes)``.

    Returns
    -------
    Scene
        With ``image``, ``semantic``, ``instance``, ``panoptic``,
        ``class_names`` (:data:`SCENE_CLASSES`), ``things``, ``stuff``,
        ``instance_classes`` and ``class_colors`` (:data:`SCENE_CLASS_COLORS`,
        the colours to draw its label maps in).

    Examples
    --------
    >>> scene = make_scene(seed=0, size=(64, 96))
    >>> scene.image.shape, scene.semantic.shape, scene.panoptic.shape
    ((64, 96, 3), (64, 96), (64, 96, 2))
    >>> [scene.class_names[c] for c in scene.things]
    ['circle', 'square', 'triangle']
    """
    seed = check_int(seed, "seed", minimum=0)
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    if (not isinstance(size, (tuple, list))
            or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                       for s in size)):
        raise argument_error("size", "an int or a (height, width) pair of ints", repr(size),
                             type_error=True)
    if len(size) != 2:
        raise argument_error("size", "an int or a (height, width) pair of ints", repr(size))
    height, width = int(size[0]), int(size[1])
    if height < 32 or width < 32:
        raise argument_error("size", "at least 32 pixels in each dimension", repr(size))
    num_objects = check_positive_int(num_objects, "num_objects")
    if num_objects < 2:
        raise argument_error("num_objects", "an integer >= 2", num_objects)

    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[:height, :width]

    # Stuff: two wavy horizontal borders split sky / grass / road.
    phase1, phase2 = rng.uniform(0, 2 * np.pi, size=2)
    horizon = height * 0.30 + height * 0.04 * np.sin(cols / width * 2 * np.pi + phase1)
    kerb = height * 0.70 + height * 0.05 * np.sin(cols / width * 3 * np.pi + phase2)
    semantic = np.where(rows < horizon, 0, np.where(rows < kerb, 1, 2)).astype(np.int64)

    image = np.zeros((height, width, 3))
    sky_gradient = 0.55 + 0.4 * (1 - rows / height)
    clouds = ndimage.gaussian_filter(_texture("gravel", (height, width), rng), 3)
    sky = np.stack([0.45 * sky_gradient, 0.65 * sky_gradient, sky_gradient], axis=-1)
    sky += 0.6 * (clouds[..., None] - clouds.mean())
    grass_texture = _texture("grass", (height, width), rng)
    grass = np.stack([0.25 + 0.3 * grass_texture, 0.45 + 0.45 * grass_texture,
                      0.15 + 0.2 * grass_texture], axis=-1)
    road_texture = _texture("gravel", (height, width), rng)
    road = np.repeat((0.25 + 0.35 * road_texture)[..., None], 3, axis=-1)
    for cls, layer in ((0, sky), (1, grass), (2, road)):
        image[semantic == cls] = layer[semantic == cls]

    # Things: random shapes below the horizon; object 2 touches object 1;
    # the last object is small.
    instance = np.zeros((height, width), dtype=np.int64)
    instance_classes = {}
    kinds = ("circle", "square", "triangle")
    scale = min(height, width)
    placed = []
    for index in range(num_objects):
        # objects 0 and 1 are of the same class and touch (connected components,
        # even per class, merge them); objects 2 and 3 complete the three classes
        kind_index = (0, 0, 1, 2)[index] if index < 4 else int(rng.integers(0, 3))
        kind = kinds[kind_index]
        if index == num_objects - 1:
            radius = max(2.5, scale * 0.035)
        else:
            radius = scale * rng.uniform(0.07, 0.13)
        if index == 1:
            # touch object 1: centre at about the sum of radii, in a random direction
            cy0, cx0, r0 = placed[0]
            angle = rng.uniform(-0.4, 0.4)
            distance = r0 + radius * 0.85
            center = (cy0 + distance * np.sin(angle), cx0 + distance * np.cos(angle))
            mask = _shape_mask(kind, center, radius, (height, width)) & (instance == 0)
        else:
            # rejection sampling: keep objects apart (2 pixels at least) so none hides another
            occupied = ndimage.binary_dilation(instance > 0, iterations=2)
            for _ in range(100):
                center = (rng.uniform(height * 0.42, height - radius - 1),
                          rng.uniform(radius + 1, width - radius - 1))
                mask = _shape_mask(kind, center, radius, (height, width))
                if not (mask & occupied).any():
                    break
            else:
                continue
        placed.append((center[0], center[1], radius))
        object_id = len(instance_classes) + 1
        instance[mask] = object_id
        instance_classes[object_id] = SCENE_THINGS[kind_index]
        semantic[mask] = SCENE_THINGS[kind_index]
        shade = 0.85 + 0.15 * rng.random()
        colour = np.asarray(_THING_COLORS[kind]) * shade
        edge = np.clip(1 - 0.25 * (rows - center[0]) / max(radius, 1), 0.7, 1.1)
        image[mask] = np.clip(colour[None] * edge[mask][:, None], 0, 1)

    image += rng.normal(0, 0.015, size=image.shape)
    image = np.clip(image, 0.0, 1.0)
    panoptic = make_panoptic(semantic, instance, things=SCENE_THINGS)
    return Scene(image=image, semantic=semantic, instance=instance, panoptic=panoptic,
                 class_names=SCENE_CLASSES, things=SCENE_THINGS, stuff=SCENE_STUFF,
                 instance_classes=instance_classes, class_colors=SCENE_CLASS_COLORS.copy())


@dataclass(frozen=True)
class Sample:
    """A shipped image with its ground truth.

    Attributes
    ----------
    image : ndarray, the photograph (``(H, W)`` uint8 grayscale for coins)
    instance : ndarray, ``(H, W)`` int64, 0 = background, one id per object
    mask : ndarray, ``(H, W)`` bool, foreground (``instance > 0``)
    class_names : tuple of str, ``("background", <object class>)``
    source : str, where the image and its labels come from
    """

    image: np.ndarray
    instance: np.ndarray
    mask: np.ndarray
    class_names: tuple
    source: str


def __getattr__(name):
    # make_dataset lives in a module of its own (the training lab's data); it is
    # imported on first use so that `import segcourse.data` stays light.
    if name in ("make_dataset", "ShapesDataset"):
        from . import _dataset

        return getattr(_dataset, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def data_path(name: str) -> Path:
    """Path of a file shipped in the repository's ``data/`` folder.

    Looks in ``data/`` beside the package (a source checkout) and in the
    package's own ``_data`` folder (an installed wheel).
    """
    candidates = [Path(__file__).resolve().parent.parent / "data" / name]
    try:
        candidates.append(Path(str(resources.files("segcourse") / "_data" / name)))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"Shipped data file {name!r} not found in {candidates}.")


def load_coins():
    """scikit-image's coins photograph with an instance ground truth.

    The photograph ships inside scikit-image (no download). The ground truth
    (one id per coin, numbered top to bottom, then left to right) ships in
    ``data/coins_instances.png``; ``data/README.md`` records how it was made
    (``tools/make_coins_ground_truth.py``), and its licences.

    Returns
    -------
    Sample
        ``image`` (303 x 384 uint8), ``instance``, ``mask``,
        ``class_names == ("background", "coin")``.

    Examples
    --------
    >>> coins = load_coins()
    >>> coins.image.shape == coins.instance.shape
    True
    """
    from skimage import data as skdata
    from skimage import io

    image = skdata.coins()
    instance = io.imread(data_path("coins_instances.png")).astype(np.int64)
    if instance.shape != image.shape:  # pragma: no cover - guards a corrupted data file
        raise RuntimeError("data/coins_instances.png does not match the coins image.")
    return Sample(image=image, instance=instance, mask=instance > 0,
                  class_names=("background", "coin"),
                  source="scikit-image coins sample; ground truth: data/README.md")
