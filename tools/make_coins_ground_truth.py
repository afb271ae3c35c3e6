"""Make the instance ground truth for scikit-image's ``coins`` photograph.

Writes ``data/coins_instances.png``: a uint8 label image the size of
``skimage.data.coins()`` (303 x 384) where 0 is background and each coin has
its own id 1..N, numbered in reading order (rows of coins top to bottom, then
left to right inside a row, by centroid).

The labels come from a scripted pipeline followed by manual corrections that
are written below as data, so that the whole ground truth can be regenerated
and every hand edit can be reviewed:

1. Rough foreground: a local (adaptive) threshold, because the background is
   lit unevenly (bright in the upper right, dark in the lower left) and no
   single global threshold separates the faint coins on the left from it.
2. Clean-up: fill holes (dark relief inside a coin), drop small specks, and
   close each component on its own so that nicks in a coin's rim are filled
   without ever bridging the narrow gap to a neighbouring coin.
3. Seeds: the distance transform of the rough mask, thresholded, gives one
   core per coin; two touching coins whose contact is narrower than twice
   CORE_DEPTH get two cores. (No coins touch in this photograph; the closest
   pair, in the bottom row, has 7 background pixels between them in the
   final ground truth, which is why step 2 must not close across components.)
4. Outlines: a marker-controlled watershed on the gradient magnitude, from
   the coin cores and a background marker, puts each outline on the coin's
   edge (not where the threshold happened to fall) and splits touching coins
   along the gradient ridge between them.
5. Manual corrections (``GROW`` below), then renumbering.

Run from the repository root::

    .venv/bin/python tools/make_coins_ground_truth.py [--figure PATH]

It is deterministic: same scikit-image image in, same PNG out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi
from skimage import data, filters, io, measure, morphology, segmentation

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "coins_instances.png"

# --- parameters of the automatic step --------------------------------------
# All lengths are in pixels of the 303 x 384 image; a coin is 35-65 px across.
SMOOTH_SIGMA = 1.0  # light denoising before thresholding and gradients
LOCAL_BLOCK = 51  # about one coin diameter: the threshold follows the lighting
LOCAL_OFFSET = -5  # a pixel must be 5 grey levels above its local mean
# The smallest coin has over 1000 px; the local threshold also leaves about a
# hundred specks, mostly along the image border, the largest (222 px) being
# the bright corner beyond the plate at the top right.
SPECK_AREA = 500
CLOSE_RADIUS = 4  # fills rim nicks; per component, so gaps are never bridged
CORE_DEPTH = 6  # coin cores are pixels at least this far inside the mask
BACKGROUND_MARGIN = 4  # background marker starts this far outside the mask
ROW_TOLERANCE = 25  # centroids closer than this in y belong to one row
# Counted by eye in the photograph (four rows of six); the script refuses to
# write a ground truth with any other count.
EXPECTED_COINS = 24

# --- manual corrections ------------------------------------------------------
# Written as data after looking at the check figure (enlarged crops of every
# coin, contrast stretched where a coin is faint). The automatic step finds
# all 24 coins, labels no background and needs no split or merge; what it got
# wrong is listed here. The script fails if an entry no longer changes
# anything, so a stale correction cannot linger after the automatic step
# changes.
#
# GROW entries: (row, col) of a pixel inside the coin, a box (row0, row1,
# col0, col1; ends exclusive), a grey level, and why. Background pixels in the
# box brighter than the level and connected to the coin join it, then the
# coin's holes are filled.
GROW: list[tuple[tuple[int, int], tuple[int, int, int, int], int, str]] = [
    (
        (197, 44),
        (178, 180, 34, 54),
        70,
        "coin 13 (third row, left) is faint and has a thin grey rim along its"
        " top (rows 178-179, grey 73-126 on a background of about 55) above a"
        " darker groove; the watershed stops at the steeper step below the"
        " groove and leaves the rim out",
    ),
]


def rough_mask(smooth: np.ndarray) -> np.ndarray:
    """Foreground mask from a local threshold, holes filled, specks dropped."""
    mask = smooth > filters.threshold_local(smooth, LOCAL_BLOCK, offset=LOCAL_OFFSET)
    mask = ndi.binary_fill_holes(mask)
    mask = morphology.remove_small_objects(mask, max_size=SPECK_AREA)
    # Close each component separately: a closing of the whole mask would join
    # coins that are only a few pixels apart (the closest pair, in the bottom row).
    labels = measure.label(mask)
    closed = np.zeros_like(mask)
    footprint = morphology.disk(CLOSE_RADIUS)
    pad = 2 * CLOSE_RADIUS
    for region in measure.regionprops(labels):
        r0, c0, r1, c1 = region.bbox
        r0, c0 = max(r0 - pad, 0), max(c0 - pad, 0)
        r1, c1 = min(r1 + pad, mask.shape[0]), min(c1 + pad, mask.shape[1])
        piece = labels[r0:r1, c0:c1] == region.label
        piece = ndi.binary_closing(piece, footprint)
        closed[r0:r1, c0:c1] |= ndi.binary_fill_holes(piece)
    return closed


def watershed_instances(smooth: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """One label per coin, outlines on the gradient ridge."""
    # Cores: pixels deep inside the mask. Thresholding the distance transform
    # cuts the neck between two touching coins, giving each its own core.
    cores = measure.label(ndi.distance_transform_edt(mask) >= CORE_DEPTH)
    background_id = cores.max() + 1
    markers = cores.copy()
    far = ndi.distance_transform_edt(~mask) > BACKGROUND_MARGIN
    markers[far] = background_id
    labels = segmentation.watershed(filters.sobel(smooth), markers)
    labels[labels == background_id] = 0
    # The background could reach dark relief inside a coin only across the
    # coin's edge ridge, which the coin floods first, so holes are not
    # expected; fill them anyway so that every coin is one solid region.
    filled = np.zeros_like(labels)
    for lab in range(1, background_id):
        filled[ndi.binary_fill_holes(labels == lab)] = lab
    return filled


def apply_corrections(image: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Apply the GROW corrections; fail on one that changes nothing."""
    labels = labels.copy()
    for (row, col), (r0, r1, c0, c1), level, why in GROW:
        lab = labels[row, col]
        if lab == 0:
            raise RuntimeError(f"GROW point ({row}, {col}) is not in a coin: {why}")
        coin = labels == lab
        box = np.zeros_like(coin)
        box[r0:r1, c0:c1] = True
        candidates = box & (labels == 0) & (image > level)
        grown = ndi.binary_propagation(coin, mask=coin | candidates)
        grown = ndi.binary_fill_holes(grown) & ((labels == 0) | coin)
        if np.array_equal(grown, coin):
            raise RuntimeError(f"stale GROW at ({row}, {col}): {why}")
        labels[grown] = lab
    return labels


def reading_order(labels: np.ndarray) -> np.ndarray:
    """Renumber 1..N: rows of coins top to bottom, left to right in a row.

    A plain sort on (y, x) of the centroids would interleave neighbouring
    rows, because coins in one row differ in y by a few pixels; so centroids
    are first grouped into rows (a new row starts when y jumps by more than
    ROW_TOLERANCE), then sorted by x inside each row.
    """
    regions = sorted(measure.regionprops(labels), key=lambda r: r.centroid[0])
    rows: list[list] = []
    for region in regions:
        if rows and region.centroid[0] - rows[-1][-1].centroid[0] <= ROW_TOLERANCE:
            rows[-1].append(region)
        else:
            rows.append([region])
    out = np.zeros(labels.shape, dtype=np.uint8)
    new_id = 0
    for row in rows:
        for region in sorted(row, key=lambda r: r.centroid[1]):
            new_id += 1
            out[labels == region.label] = new_id
    return out


def make_ground_truth() -> tuple[np.ndarray, np.ndarray]:
    """Return (image, instance labels)."""
    image = data.coins()
    smooth = filters.gaussian(image.astype(float), SMOOTH_SIGMA, preserve_range=True)
    labels = watershed_instances(smooth, rough_mask(smooth))
    labels = apply_corrections(image, labels)
    # A final guard against specks that the watershed might have produced.
    for region in measure.regionprops(labels):
        if region.area <= SPECK_AREA:
            labels[labels == region.label] = 0
    labels = reading_order(labels)
    if labels.max() != EXPECTED_COINS:
        raise RuntimeError(f"found {labels.max()} coins, expected {EXPECTED_COINS}")
    return image, labels


def save_figure(image: np.ndarray, labels: np.ndarray, path: Path) -> None:
    """Image at 3x with each instance outlined and numbered, for checking."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scale = 3  # enlarged so that single-pixel outline errors are visible
    height, width = image.shape
    fig = plt.figure(figsize=(width * scale / 100, height * scale / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, cmap="gray", interpolation="nearest")
    overlay = np.zeros((height, width, 4))
    overlay[segmentation.find_boundaries(labels, mode="inner")] = (1, 0.25, 0, 1)
    ax.imshow(overlay, interpolation="nearest")
    for region in measure.regionprops(labels):
        y, x = region.centroid
        ax.text(x, y, str(region.label), color="yellow", fontsize=14,
                ha="center", va="center", weight="bold")
    ax.set_axis_off()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"label PNG to write (default {OUTPUT})")
    parser.add_argument("--figure", type=Path,
                        help="also write a check figure (outlines and ids) here")
    args = parser.parse_args()

    image, labels = make_ground_truth()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    io.imsave(args.output, labels, check_contrast=False)
    # Read it back: the file, not the array, is what the course ships.
    if not np.array_equal(io.imread(args.output), labels):
        raise RuntimeError(f"{args.output} did not round-trip losslessly")

    regions = measure.regionprops(labels)
    print(f"{len(regions)} coins written to {args.output}")
    for region in regions:
        y, x = region.centroid
        print(f"  coin {region.label:2d}: area {int(region.area):5d} px, "
              f"centroid (row {y:5.1f}, col {x:5.1f})")
    if args.figure:
        save_figure(image, labels, args.figure)
        print(f"check figure written to {args.figure}")


if __name__ == "__main__":
    main()
