"""Seeded synthetic training sets of shapes with a chosen foreground fraction.

:func:`make_dataset` feeds notebook 07 (training lab), where a tiny U-Net is
trained on data whose class balance the learner controls, from balanced
(half the pixels foreground) down to about 1 % foreground; and notebook 03
(model output), where a tiny U-Net learns several classes (shapes of three
brightness levels, ``num_classes=4``) and the learner looks at every
channel it emits. It is re-exported as ``segcourse.data.make_dataset``. Only
numpy is needed here, so importing :mod:`segcourse.data` does not import
torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segcourse._validation import argument_error, check_int, check_number, check_positive_int

__all__ = ["ShapesDataset", "make_dataset"]


@dataclass(frozen=True, eq=False)
class ShapesDataset:
    """Images and masks from :func:`make_dataset`.

    Indexing gives ``(image, mask)`` pairs, so the set works with a
    ``torch.utils.data.DataLoader`` and with :func:`segcourse.models.train`.

    Attributes
    ----------
    images : numpy.ndarray
        Float32 images of shape ``(N, 1, H, W)``.
    masks : numpy.ndarray
        Int64 label maps of shape ``(N, H, W)``: 0 = background; with two
        classes 1 = foreground (a shape), with more classes ``1..C-1`` the
        class of the shape (the brighter, the higher).
    num_classes : int
        ``C``, background included.
    class_names : tuple of str
        The name of each class, indexed by class id.
    """

    images: np.ndarray
    masks: np.ndarray
    num_classes: int = 2
    class_names: tuple = ("background", "shape")

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index):
        return self.images[index], self.masks[index]

    @property
    def foreground_fraction(self) -> float:
        """Fraction of foreground pixels (any class but 0) over the whole set."""
        return float((self.masks > 0).mean())

    def __repr__(self) -> str:
        n, _, h, w = self.images.shape
        classes = "" if self.num_classes == 2 else f"{self.num_classes} classes, "
        return (f"ShapesDataset({n} images of {h}x{w}, {classes}"
                f"foreground_fraction={self.foreground_fraction:.4f})")


def _shape_field(rng: np.random.Generator, height: int, width: int):
    """A field whose sublevel sets are unions of ellipses and rectangles, and its owners.

    Each of 1-3 shapes has a centre, an orientation, an aspect ratio and a
    relative size; the field at a pixel is the smallest "normalised radius"
    over the shapes (Euclidean for an ellipse, max-norm for a rectangle).
    Thresholding it grows every shape by the same factor. ``owner`` is the
    index of the shape that gives each pixel its value (the nearest shape),
    and ``count`` the number of shapes.
    """
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    field = np.full((height, width), np.inf)
    owner = np.zeros((height, width), dtype=np.intp)
    count = int(rng.integers(1, 4))
    for index in range(count):
        centre_row = rng.uniform(0.15, 0.85) * height
        centre_col = rng.uniform(0.15, 0.85) * width
        angle = rng.uniform(0.0, np.pi)
        stretch = np.sqrt(np.exp(rng.uniform(0.0, np.log(2.5))))
        size = rng.uniform(0.6, 1.4)
        dy, dx = rows - centre_row, cols - centre_col
        u = (dx * np.cos(angle) + dy * np.sin(angle)) / (stretch * size)
        v = (-dx * np.sin(angle) + dy * np.cos(angle)) * stretch / size
        if rng.random() < 0.5:
            radius = np.hypot(u, v)
        else:
            radius = np.maximum(np.abs(u), np.abs(v))
        owner[radius < field] = index
        field = np.minimum(field, radius)
    return field, owner, count


def _class_names(num_classes: int) -> tuple:
    shapes = {2: ("shape",), 3: ("dim", "bright"), 4: ("dim", "medium", "bright")}
    names = shapes.get(num_classes,
                       tuple(f"level {level}" for level in range(1, num_classes)))
    return ("background",) + names


def _class_levels(num_classes: int) -> np.ndarray:
    """Brightness of each class above the background: 0 for class 0, then 1 for a
    binary set, or evenly spaced from 0.4 (class 1) to 1.0 (class C-1)."""
    if num_classes == 2:
        return np.array([0.0, 1.0])
    return np.concatenate([[0.0], np.linspace(0.4, 1.0, num_classes - 1)])


def make_dataset(num_images=64, *, size=64, foreground_fraction=0.1, noise=0.25, seed=0,
                 num_classes=2):
    r"""A seeded training set of noisy images of bright shapes on a dark background.

    Every image holds one to three ellipses and rectangles (random position,
    orientation and aspect ratio), grown together until they cover exactly
    ``round(foreground_fraction * H * W)`` pixels, so the class balance is
    under control: from 0.5 (balanced) down to 0.01 (1 % foreground) and
    below. The image is

    .. math:: x = b + c\,m + g + \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, \sigma^2)

    with :math:`m` the mask, a background level :math:`b`, a contrast
    :math:`c \in [0.6, 1]`, a linear illumination gradient :math:`g` (up to
    0.3 across the image) and Gaussian noise of standard deviation
    :math:`\sigma` = ``noise``; so a single global threshold does not segment
    it perfectly, but a small network does.

    With ``num_classes = C >= 3`` every shape of an image gets its own class
    among ``1..C-1`` (distinct classes while there are enough), and class
    :math:`k` is drawn at the brightness :math:`\ell_k`, evenly spaced from
    :math:`\ell_1 = 0.4` to :math:`\ell_{C-1} = 1.0` above the background:

    .. math:: x = b + c\,\ell_{m} + g + \varepsilon, \qquad c \in [0.9, 1.1]

    where :math:`m` is now the label map (:math:`\ell_0 = 0`) and the
    contrast :math:`c` varies less, so that the levels stay apart. The
    pixels of a class are told from the others by their brightness relative
    to the background around them, which a small network learns in seconds;
    pixels on the borders, and shapes of neighbouring levels, stay hard.
    ``foreground_fraction`` is then the fraction of all shape pixels together.

    Parameters
    ----------
    num_images : int, default 64
    size : int or tuple of int, default 64
        Image height and width (an int for square images), at least 8.
    foreground_fraction : float, default 0.1
        Fraction of foreground pixels in every image, in ``(0, 1)``.
    noise : float, default 0.25
        Standard deviation of the noise, ``>= 0``.
    seed : int, default 0
        The same seed gives the same set.
    num_classes : int, default 2
        Classes, background included: 2 gives a binary set (the masks are
        0 and 1); 3 to 12 give shapes of ``num_classes - 1`` brightness levels.
        The two-class set of a seed is the same whatever this option was
        before it existed.

    Returns
    -------
    ShapesDataset
        ``images`` (float32, ``(N, 1, H, W)``), ``masks`` (int64, ``(N, H, W)``,
        values ``0..num_classes-1``), ``num_classes`` and ``class_names``.

    Examples
    --------
    >>> data = make_dataset(8, size=32, foreground_fraction=0.05, seed=1)
    >>> data.images.shape, data.masks.shape
    ((8, 1, 32, 32), (8, 32, 32))
    >>> int(data.masks[0].sum())  # round(0.05 * 32 * 32)
    51
    >>> image, mask = data[0]
    >>> shapes = make_dataset(4, size=32, foreground_fraction=0.3, num_classes=4, seed=0)
    >>> shapes.class_names
    ('background', 'dim', 'medium', 'bright')
    >>> sorted(np.unique(shapes.masks).tolist())
    [0, 1, 2, 3]
    """
    num_images = check_positive_int(num_images, "num_images")
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            raise argument_error("size", "an int or a (height, width) pair", repr(size))
        height, width = (check_int(s, "size", minimum=8) for s in size)
    else:
        height = width = check_int(size, "size", minimum=8)
    foreground_fraction = check_number(foreground_fraction, "foreground_fraction", low=0.0,
                                       high=1.0, low_open=True, high_open=True)
    noise = check_number(noise, "noise", low=0.0)
    seed = check_int(seed, "seed")
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    if num_classes > 12:
        raise argument_error("num_classes", "an integer in [2, 12]", num_classes)
    levels = _class_levels(num_classes)

    rng = np.random.default_rng(seed)
    pixels = height * width
    foreground = min(max(1, round(foreground_fraction * pixels)), pixels - 1)
    images = np.empty((num_images, 1, height, width), dtype=np.float32)
    masks = np.zeros((num_images, height, width), dtype=np.int64)
    rows = np.linspace(-0.5, 0.5, height)[:, None]
    cols = np.linspace(-0.5, 0.5, width)[None, :]
    for n in range(num_images):
        field, owner, count = _shape_field(rng, height, width)
        # the `foreground` pixels with the smallest field values: exact count
        chosen = np.argpartition(field.ravel(), foreground - 1)[:foreground]
        if num_classes == 2:
            masks[n].ravel()[chosen] = 1
        else:
            # each shape its own class (distinct while there are enough), drawn
            # after the shapes, so that the two-class stream of numbers is unchanged
            shape_classes = 1 + rng.permutation(num_classes - 1)[np.arange(count)
                                                                 % (num_classes - 1)]
            masks[n].ravel()[chosen] = shape_classes[owner.ravel()[chosen]]
        background = rng.uniform(0.0, 0.3)
        contrast = rng.uniform(0.6, 1.0) if num_classes == 2 else rng.uniform(0.9, 1.1)
        angle = rng.uniform(0.0, 2 * np.pi)
        gradient = rng.uniform(0.0, 0.3) * (np.cos(angle) * cols + np.sin(angle) * rows)
        image = (background + contrast * levels[masks[n]] + gradient
                 + noise * rng.standard_normal((height, width)))
        images[n, 0] = image
    return ShapesDataset(images=images, masks=masks, num_classes=num_classes,
                         class_names=_class_names(num_classes))
