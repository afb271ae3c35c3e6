r"""A small experiment runner: train a grid of losses x foreground fractions x seeds.

Notebook 07 (training lab) asks which loss of :mod:`segcourse.losses` trains
:class:`segcourse.models.TinyUNet` best on imbalanced data, and answers with
a controlled experiment: the foreground fraction of
:func:`segcourse.data.make_dataset` is the variable, the loss is the
treatment, every score of :mod:`segcourse.metrics` is an outcome, and
several seeds per setting give the spread that any difference must beat.

- :func:`run_experiment` trains every (loss, fraction, seed) of the grid,
  with one progress bar over the whole grid, and returns an
  :class:`ExperimentResults`: a tidy table (one row per run, a list of
  dicts, ready for ``pandas.DataFrame(results.rows)`` where pandas is
  installed), the learning curves, and the test predictions.
- :func:`lab_losses` gives the seven losses of the lab, each as a function
  of the training set (class weights are counted on it).
- :func:`score_predictions` computes the six scores of a row from test
  predictions: Dice, IoU, precision, recall (pooled over the test set), HD95
  (mean over images) and object recall (objects found at IoU 0.5).
- :class:`ScheduledBoundaryLoss`: a region loss and the boundary loss,
  weighted on the schedule of Kervadec et al. (2019).
- :func:`summarize` and :func:`format_table`: means and spreads over seeds,
  and a plain-text table.

Train, validation and test sets are drawn with different seeds
(``data_seed``, ``data_seed + 1``, ``data_seed + 2``), so they never share
an image; the validation set gives the learning curves, the test set the
scores. A run's seed fixes the model's initial weights and the order of the
batches; the data sets are the same for every seed, so the spread over
seeds is the spread of training itself. Everything is seeded and trained on
a fixed number of CPU threads: the same call gives the same table on every
run (the training times in :attr:`ExperimentResults.seconds` vary).
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

try:
    import torch
except ModuleNotFoundError as error:  # a plain install: name the extra
    from segcourse._optional import missing_extra

    raise missing_extra(error, __name__) from error

from torch import nn

from segcourse import labels, metrics, models
from segcourse import losses as loss_library
from segcourse._dataset import make_dataset
from segcourse._validation import (
    argument_error,
    check_choice,
    check_int,
    check_mask,
    check_number,
    check_positive_int,
    check_same_shape,
    describe,
)

__all__ = [
    "SCORES",
    "LOWER_IS_BETTER",
    "ScheduledBoundaryLoss",
    "lab_losses",
    "score_predictions",
    "run_experiment",
    "ExperimentResults",
    "summarize",
    "format_table",
]

#: The scores of every row, in the order of the table.
SCORES = ("dice", "iou", "precision", "recall", "hd95", "object_recall")

#: Scores for which a smaller value is better (distances, in pixels).
LOWER_IS_BETTER = frozenset({"hd95"})

#: The columns that identify a run, in the order of the table.
KEYS = ("loss", "foreground_fraction", "seed")


# --------------------------------------------------------------------------
# The losses of the lab
# --------------------------------------------------------------------------


class ScheduledBoundaryLoss(loss_library.CompoundLoss):
    r"""Region loss plus boundary loss, with weights that move from one to the other.

    .. math:: L_t = \alpha_t\, L_R + (1 - \alpha_t)\, L_B, \qquad
              \alpha_t = \max(\text{minimum},\ 1 - \text{step} \cdot t)

    at epoch :math:`t` (from 0), with the weights of
    :func:`segcourse.losses.boundary_loss_weights` (Kervadec et al. 2019):
    training starts on the region loss alone, which finds the objects, and
    hands weight over to the boundary loss, which pulls their outlines into
    place. The boundary loss is :class:`segcourse.losses.BoundaryLoss`,
    given the integer target (it computes the distance maps itself).

    A :class:`segcourse.losses.CompoundLoss` with a method
    :meth:`set_epoch`, which :func:`run_experiment` calls before each epoch
    (through the ``epoch_callback`` of :func:`segcourse.models.train`).

    Parameters
    ----------
    region : callable, optional
        The region loss; default ``DiceLoss()`` (Kervadec et al. pair the
        boundary loss with a Dice-type loss).
    step : float, default 0.01
        Weight moved from the region to the boundary loss per epoch (the
        paper's 0.01 suits hundreds of epochs; a short run needs a larger step).
    minimum : float, default 0.01
        Floor of the region weight, in [0, 1].

    Examples
    --------
    >>> loss = ScheduledBoundaryLoss(step=0.1)
    >>> loss.weights
    [1.0, 0.0]
    >>> loss.set_epoch(3)
    >>> loss.weights
    [0.7, 0.3]
    """

    def __init__(self, region=None, *, step=0.01, minimum=0.01):
        region = loss_library.DiceLoss() if region is None else region
        if not callable(region):
            raise argument_error("region", "a callable loss(logits, target)",
                                 type(region).__name__, type_error=True)
        super().__init__([region, loss_library.BoundaryLoss()], weights=[1.0, 0.0])
        self.step = check_number(step, "step", low=0.0)
        self.minimum = check_number(minimum, "minimum", low=0.0, high=1.0)
        self.set_epoch(0)

    def set_epoch(self, epoch):
        """Set the weights of epoch ``epoch`` (counted from 0)."""
        self.epoch = check_int(epoch, "epoch", minimum=0)
        self.weights = list(loss_library.boundary_loss_weights(self.epoch, step=self.step,
                                                         minimum=self.minimum))

    def extra_repr(self):
        return f"step={self.step}, minimum={self.minimum}, weights={self.weights}"


def lab_losses(*, focal_gamma=2.0, tversky_alpha=0.3, tversky_beta=0.7, boundary_step=0.05):
    r"""The seven losses of the training lab, each a function of the training set.

    Each value is ``make(train_set) -> loss``, so that a loss that needs the
    data (the class weights of the weighted cross entropy) is built from the
    training set of each foreground fraction, never from validation or test
    data.

    ========================  ================================================
    name                      loss (:mod:`segcourse.losses`)
    ========================  ================================================
    ``"cross entropy"``       ``CrossEntropyLoss()``
    ``"weighted CE"``         ``CrossEntropyLoss(weight=class_weights(masks))``
                              (inverse frequency, counted on the training set)
    ``"focal"``               ``FocalLoss(gamma=focal_gamma)``
    ``"Dice"``                ``DiceLoss()`` (soft Dice per image and class)
    ``"Dice + CE"``           ``CompoundLoss([DiceLoss(), CrossEntropyLoss()])``
    ``"Tversky"``             ``TverskyLoss(alpha=tversky_alpha, beta=tversky_beta)``
    ``"boundary"``            :class:`ScheduledBoundaryLoss` (Dice, then more
                              and more boundary loss, ``step=boundary_step``)
    ========================  ================================================

    Parameters
    ----------
    focal_gamma : float, default 2.0
        :math:`\gamma` of the focal loss (Lin et al. 2017).
    tversky_alpha, tversky_beta : float, default 0.3 and 0.7
        Weights of false positives and false negatives (Salehi et al.
        2017): ``beta > alpha`` favours recall.
    boundary_step : float, default 0.05
        Weight moved per epoch from the Dice loss to the boundary loss: 0.05
        hands over half of it in 10 epochs (Kervadec et al. use 0.01 per epoch
        over hundreds of epochs).

    Returns
    -------
    dict
        Name -> ``make(train_set)``, in the order above.

    Examples
    --------
    >>> from segcourse.data import make_dataset
    >>> recipes = lab_losses()
    >>> list(recipes)
    ['cross entropy', 'weighted CE', 'focal', 'Dice', 'Dice + CE', 'Tversky', 'boundary']
    >>> train_set = make_dataset(4, size=16, foreground_fraction=0.25, seed=0)
    >>> recipes["weighted CE"](train_set).weight  # 4 * 256 / (2 * 768), / (2 * 256)
    tensor([0.6667, 2.0000])
    """
    focal_gamma = check_number(focal_gamma, "focal_gamma", low=0.0)
    tversky_alpha = check_number(tversky_alpha, "tversky_alpha", low=0.0)
    tversky_beta = check_number(tversky_beta, "tversky_beta", low=0.0)
    boundary_step = check_number(boundary_step, "boundary_step", low=0.0)

    def cross_entropy(train_set):
        return loss_library.CrossEntropyLoss()

    def weighted_cross_entropy(train_set):
        weight = loss_library.class_weights(np.asarray(train_set.masks),
                                      num_classes=int(getattr(train_set, "num_classes", 2)))
        return loss_library.CrossEntropyLoss(weight=weight)

    def focal(train_set):
        return loss_library.FocalLoss(gamma=focal_gamma)

    def dice(train_set):
        return loss_library.DiceLoss()

    def dice_and_cross_entropy(train_set):
        return loss_library.CompoundLoss([loss_library.DiceLoss(),
                                          loss_library.CrossEntropyLoss()])

    def tversky(train_set):
        return loss_library.TverskyLoss(alpha=tversky_alpha, beta=tversky_beta)

    def boundary(train_set):
        return ScheduledBoundaryLoss(loss_library.DiceLoss(), step=boundary_step)

    return {"cross entropy": cross_entropy, "weighted CE": weighted_cross_entropy,
            "focal": focal, "Dice": dice, "Dice + CE": dice_and_cross_entropy,
            "Tversky": tversky, "boundary": boundary}


def _is_loss_function(function) -> bool:
    """True for ``loss(logits, target)``, False for ``make(train_set)``."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    try:
        signature.bind(None)
    except TypeError:
        return True  # needs more than one argument: a loss
    return False


def _build_loss(spec, train_set, name):
    if isinstance(spec, nn.Module) or _is_loss_function(spec):
        loss = spec
    else:
        loss = spec(train_set)
    if not callable(loss):
        raise argument_error(f"losses[{name!r}]", "a loss, or a function of the training set "
                             "that returns one", f"a function that returned {describe(loss)}",
                             type_error=True)
    if hasattr(loss, "set_epoch"):
        loss.set_epoch(0)
    return loss


# --------------------------------------------------------------------------
# Scores of a run
# --------------------------------------------------------------------------


def score_predictions(pred, target):
    r"""The six scores of the lab for predicted masks against the true ones.

    - ``dice``, ``iou``, ``precision``, ``recall``: of the foreground, from
      one confusion matrix of all test pixels together (pooled, so that
      Dice is exactly the harmonic mean of precision and recall);
    - ``hd95``: the HD95 of each image (:func:`segcourse.metrics.hausdorff_distance`
      with ``percentile=95``), averaged over the images; an image whose
      prediction is empty counts the image diagonal (``empty_penalty``), the
      largest distance possible, so a missed image is never left out;
    - ``object_recall``: the fraction of true objects (connected
      components of each target, 4-connected) matched by a predicted
      component at IoU >= 0.5 (:func:`segcourse.metrics.match_instances`),
      over all images.

    Parameters
    ----------
    pred, target : array_like of bool, shape ``(N, H, W)``
        Predicted and true masks of ``N`` images (0 and 1 are accepted).

    Returns
    -------
    dict
        ``{score: float}`` for every name of :data:`SCORES`. Precision is
        NaN when no pixel of any image is predicted as foreground (0/0).

    Raises
    ------
    ValueError
        If the masks are not 3-D, differ in shape, or are not binary.

    Examples
    --------
    >>> target = np.zeros((1, 8, 8), bool); target[0, 2:6, 2:6] = True
    >>> pred = np.zeros((1, 8, 8), bool); pred[0, 2:6, 3:7] = True  # one column off
    >>> scores = score_predictions(pred, target)
    >>> scores["dice"], scores["iou"], scores["object_recall"]  # 12 of 16 shared, IoU 12/20
    (0.75, 0.6, 1.0)
    """
    pred = check_mask(pred, "pred")
    target = check_mask(target, "target")
    check_same_shape(pred, target, "pred", "target")
    if pred.ndim != 3 or pred.shape[0] == 0:
        raise argument_error("pred", "masks of shape (N, H, W) with N >= 1", pred)
    diagonal = float(np.hypot(*pred.shape[1:]))
    found = total = 0
    distances = []
    for one_pred, one_target in zip(pred, target, strict=True):
        distances.append(metrics.hausdorff_distance(one_pred, one_target, percentile=95,
                                                    empty_penalty=diagonal))
        target_objects = labels.connected_components(one_target)
        matches = metrics.match_instances(labels.connected_components(one_pred),
                                          target_objects, iou_threshold=0.5)
        found += len(matches.pairs)
        total += int(target_objects.max())
    return {
        "dice": float(metrics.dice(pred, target)),
        "iou": float(metrics.iou(pred, target)),
        "precision": float(metrics.precision(pred, target)),
        "recall": float(metrics.recall(pred, target)),
        "hd95": float(np.mean(distances)),
        "object_recall": found / total if total else math.nan,
    }


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass
class ExperimentResults:
    """What :func:`run_experiment` returns.

    Attributes
    ----------
    rows : list of dict
        The tidy table: one row per run, with the keys ``loss``,
        ``foreground_fraction``, ``seed`` and every score of :data:`SCORES`,
        in grid order (losses, then fractions, then seeds). With pandas:
        ``pandas.DataFrame(results.rows)``.
    curves : dict
        ``(loss, fraction, seed)`` -> ``{"epoch": [...], "loss": [...],
        "val_dice": [...]}``: the training loss and the validation Dice after
        each epoch (from :func:`segcourse.models.train`).
    predictions : dict
        ``(loss, fraction, seed)`` -> boolean test predictions ``(N, H, W)``.
    test_sets : dict
        Fraction -> the test set (:class:`segcourse.data.ShapesDataset`).
    seconds : dict
        ``(loss, fraction, seed)`` -> seconds of training (with the
        per-epoch validation); the only numbers that vary from run to run.
    settings : dict
        The arguments of the run.
    """

    rows: list
    curves: dict = field(default_factory=dict)
    predictions: dict = field(default_factory=dict)
    test_sets: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    @property
    def losses(self) -> list:
        """The loss names, in grid order."""
        return list(dict.fromkeys(row["loss"] for row in self.rows))

    @property
    def fractions(self) -> list:
        """The foreground fractions, in grid order."""
        return list(dict.fromkeys(row["foreground_fraction"] for row in self.rows))

    @property
    def seeds(self) -> list:
        """The seeds, in grid order."""
        return list(dict.fromkeys(row["seed"] for row in self.rows))

    def select(self, **where) -> list:
        """The rows whose columns equal the given values, e.g. ``select(loss="Dice")``."""
        return _select(self.rows, where)

    def values(self, score, **where) -> np.ndarray:
        """One score of the selected rows, in grid order (so, for one loss and
        fraction, in seed order), as a float array."""
        _check_column(score, self.rows)
        return np.array([row[score] for row in self.select(**where)], dtype=float)

    def groups(self, score, *, foreground_fraction) -> dict:
        """Loss -> the score of each seed, at one fraction (for the results plot)."""
        return {loss: self.values(score, loss=loss, foreground_fraction=foreground_fraction)
                for loss in self.losses}

    def curve(self, loss, foreground_fraction, *, key="val_dice") -> np.ndarray:
        """The learning curves of one loss and fraction: ``(seeds, epochs)`` float array."""
        if key not in ("loss", "val_dice"):
            raise argument_error("key", "'loss' or 'val_dice'", repr(key))
        runs = [self.curves[(loss, foreground_fraction, seed)][key] for seed in self.seeds
                if (loss, foreground_fraction, seed) in self.curves]
        if not runs:
            raise argument_error("loss", f"a loss and fraction of the grid ({self.losses}, "
                                 f"{self.fractions})", f"{loss!r} at {foreground_fraction!r}")
        return np.array(runs, dtype=float)

    def summary(self, scores=SCORES, *, by=("loss", "foreground_fraction")) -> list:
        """:func:`summarize` of these rows."""
        return summarize(self.rows, scores, by=by)

    def table(self, scores=SCORES, **where) -> str:
        """A plain-text table of the selected rows (:func:`format_table`)."""
        return format_table(self.select(**where), columns=[*KEYS, *scores])


def _check_column(name, rows):
    if not rows or name not in rows[0]:
        columns = list(rows[0]) if rows else []
        raise argument_error("score", f"a column of the table ({columns})", repr(name))


def _select(rows, where):
    if rows:
        for key in where:
            if key not in rows[0]:
                raise argument_error(key, f"a column of the table ({list(rows[0])})",
                                     "an unknown column")
    return [row for row in rows if all(row[key] == value for key, value in where.items())]


def summarize(rows, scores=SCORES, *, by=("loss", "foreground_fraction")):
    """Mean and spread over seeds: one dict per group of rows.

    Parameters
    ----------
    rows : list of dict
        A tidy table such as :attr:`ExperimentResults.rows`.
    scores : sequence of str
        The columns to summarise.
    by : sequence of str
        The columns that define a group (default: loss and fraction, so the
        statistics run over the seeds).

    Returns
    -------
    list of dict
        In order of first appearance, each with the ``by`` columns, ``n``
        (the number of rows) and for every score ``<score>_n`` (the rows
        whose score is not NaN: the runs the statistics use),
        ``<score>_mean``, ``<score>_std`` (the sample standard deviation,
        ``ddof=1``; NaN for a single value), ``<score>_min`` and
        ``<score>_max``. NaN values (a precision of 0/0, say) are left out
        of the statistics of their score, so say ``<score>_n`` wherever it
        is smaller than ``n``.

    Examples
    --------
    >>> rows = [{"loss": "a", "seed": 0, "dice": 0.5}, {"loss": "a", "seed": 1, "dice": 0.7}]
    >>> summary = summarize(rows, ["dice"], by=["loss"])
    >>> summary[0]["dice_mean"], summary[0]["dice_std"], summary[0]["n"]
    (0.6, 0.141, 2)
    """
    rows = list(rows)
    if not rows:
        raise argument_error("rows", "a non-empty list of rows", "an empty list")
    if isinstance(scores, str):
        scores = [scores]
    if isinstance(by, str):
        by = [by]
    for name in [*by, *scores]:
        if name not in rows[0]:
            raise argument_error("scores" if name in scores else "by",
                                 f"columns of the table ({list(rows[0])})", repr(name))
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in by), []).append(row)
    summary = []
    for key, members in groups.items():
        entry = dict(zip(by, key, strict=True))
        entry["n"] = len(members)
        for score in scores:
            values = np.array([row[score] for row in members], dtype=float)
            values = values[~np.isnan(values)]
            entry[f"{score}_n"] = int(values.size)
            entry[f"{score}_mean"] = float(values.mean()) if values.size else math.nan
            entry[f"{score}_std"] = (float(values.std(ddof=1)) if values.size > 1
                                     else math.nan)
            entry[f"{score}_min"] = float(values.min()) if values.size else math.nan
            entry[f"{score}_max"] = float(values.max()) if values.size else math.nan
        summary.append(entry)
    return summary


def _cell(value, digits):
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, numbers.Real):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(rows, columns=None, *, digits=3):
    """A plain-text table of rows (dicts), one line per row, numbers rounded.

    Parameters
    ----------
    rows : list of dict
    columns : sequence of str, optional
        The columns to show, in order; all columns of the first row by default.
    digits : int, default 3
        Digits after the decimal point of real numbers.

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_table([{"loss": "Dice", "seed": 0, "dice": 0.81234}]))
    loss  seed   dice
    Dice     0  0.812
    """
    rows = list(rows)
    if not rows:
        raise argument_error("rows", "a non-empty list of rows", "an empty list")
    columns = list(rows[0]) if columns is None else list(columns)
    for name in columns:
        if name not in rows[0]:
            raise argument_error("columns", f"columns of the table ({list(rows[0])})",
                                 repr(name))
    digits = check_int(digits, "digits", minimum=0)
    cells = [[_cell(row[name], digits) for name in columns] for row in rows]
    widths = [max(len(name), *(len(line[i]) for line in cells))
              for i, name in enumerate(columns)]
    text_columns = [isinstance(rows[0][name], str) for name in columns]
    lines = []
    for line in [columns, *cells]:
        parts = [(cell.ljust(width) if is_text else cell.rjust(width))
                 for cell, width, is_text in zip(line, widths, text_columns, strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------


def _check_losses(losses):
    if losses is None:
        return lab_losses()
    if not isinstance(losses, Mapping) or not losses:
        raise argument_error("losses", "a non-empty dict of name -> loss (or a function of "
                             "the training set that returns one)",
                             type(losses).__name__ if not isinstance(losses, Mapping)
                             else "an empty dict", type_error=not isinstance(losses, Mapping))
    for name, spec in losses.items():
        if not isinstance(name, str):
            raise argument_error("losses", "names (dict keys) that are strings", repr(name),
                                 type_error=True)
        if not callable(spec):
            raise argument_error(f"losses[{name!r}]", "a loss, or a function of the training "
                                 "set that returns one", type(spec).__name__, type_error=True)
    return dict(losses)


def _check_sequence(values, name, check):
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise argument_error(name, "a sequence", type(values).__name__, type_error=True)
    values = [check(value) for value in values]
    if not values:
        raise argument_error(name, "at least one value", "an empty sequence")
    if len(set(values)) != len(values):
        raise argument_error(name, "distinct values", repr(values))
    return values


def _predict(model, images, device, num_threads):
    """Boolean test predictions, on ``num_threads`` threads as in training (same numbers)."""
    threads = torch.get_num_threads()
    if num_threads is not None:
        torch.set_num_threads(num_threads)
    try:
        return models.predict(model, images, device=device) > 0
    finally:
        torch.set_num_threads(threads)


def run_experiment(losses=None, *, foreground_fractions=(0.2, 0.05, 0.01), seeds=(0, 1, 2),
                   epochs=8, size=32, num_train=24, num_val=8, num_test=16, noise=0.25,
                   width=8, levels=2, lr=1e-2, batch_size=6, lr_schedule="cosine",
                   num_threads=1, data_seed=0, device="cpu", progress=True):
    r"""Train TinyUNet with every loss, at every foreground fraction, with every seed.

    For each fraction, three sets of :func:`segcourse.data.make_dataset`
    (``size`` x ``size`` images, ``noise``): ``num_train`` training images
    (seed ``data_seed``), ``num_val`` validation images (``data_seed + 1``)
    and ``num_test`` test images (``data_seed + 2``). For each loss and seed,
    ``TinyUNet(1, 2, width=width, levels=levels, seed=seed)`` is trained by
    :func:`segcourse.models.train` (Adam, ``lr``, ``lr_schedule``, ``epochs``,
    ``batch_size``, ``seed``, ``num_threads``), scored on the validation set
    after every epoch (the learning curve), and finally on the test set by
    :func:`score_predictions`. One progress bar runs over the whole grid.

    Parameters
    ----------
    losses : dict, optional
        Name -> a loss (an ``nn.Module``, or a function ``loss(logits,
        target)``), or a function ``make(train_set)`` that returns one, called
        once per run (so that no state is shared between runs). A loss with
        a method ``set_epoch(epoch)`` (:class:`ScheduledBoundaryLoss`) is told
        the epoch before each one. Default: :func:`lab_losses`.
    foreground_fractions : sequence of float, default (0.2, 0.05, 0.01)
        Distinct fractions in (0, 1).
    seeds : sequence of int, default (0, 1, 2)
        Distinct seeds; each run's initial weights and batch order.
    epochs : int, default 8
    size : int, default 32
        Image side, a multiple of :math:`2^{\text{levels} - 1}`.
    num_train, num_val, num_test : int, default 24, 8 and 16
    noise : float, default 0.25
    width, levels : int, default 8 and 2
        Of :class:`segcourse.models.TinyUNet`: 8 channels at the first of
        two levels (about 6,500 weights), enough for these shapes and fast
        enough to train 63 models on a laptop CPU in half a minute.
    lr : float, default 1e-2
    batch_size : int, default 6
        Four steps per epoch on the 24 training images.
    lr_schedule : {"constant", "cosine"}, default "cosine"
    num_threads : int or None, default 1
        CPU threads of torch while training; a fixed number keeps the
        numbers identical across machines (see :func:`segcourse.models.train`).
    data_seed : int, default 0
    device : str, default "cpu"
        ``"cuda"`` trains on a GPU (results then differ from the CPU's in
        the last digits, and may vary from run to run).
    progress : bool, default True
        One ``tqdm.auto`` bar over the whole grid (none while the book is
        built, ``SEGCOURSE_BOOK_BUILD=1``: a static page would show it
        frozen at 0 %).

    Returns
    -------
    ExperimentResults
        ``rows`` (one per loss x fraction x seed, in that order), ``curves``,
        ``predictions``, ``test_sets``, ``seconds`` and ``settings``.

    Raises
    ------
    ValueError, TypeError
        For a bad argument; the message names it.

    Examples
    --------
    >>> from segcourse.losses import DiceLoss
    >>> results = run_experiment({"Dice": DiceLoss()}, foreground_fractions=[0.1],
    ...                          seeds=[0], epochs=1, size=16, num_train=4, num_val=2,
    ...                          num_test=2, width=4, levels=2, progress=False)
    >>> [(row["loss"], row["foreground_fraction"], row["seed"]) for row in results.rows]
    [('Dice', 0.1, 0)]
    >>> sorted(results.rows[0])[:4]
    ['dice', 'foreground_fraction', 'hd95', 'iou']
    >>> results.predictions[("Dice", 0.1, 0)].shape
    (2, 16, 16)
    """
    losses = _check_losses(losses)
    fractions = _check_sequence(
        foreground_fractions, "foreground_fractions",
        lambda f: check_number(f, "foreground_fractions", low=0.0, high=1.0, low_open=True,
                               high_open=True))
    seeds = _check_sequence(seeds, "seeds", lambda s: check_int(s, "seeds"))
    epochs = check_positive_int(epochs, "epochs")
    levels = check_choice(levels, "levels", (2, 3))
    size = check_int(size, "size", minimum=8)
    factor = 2 ** (levels - 1)
    if size % factor:
        raise argument_error("size", f"a multiple of {factor} (2 ** (levels - 1))", size)
    num_train = check_positive_int(num_train, "num_train")
    num_val = check_positive_int(num_val, "num_val")
    num_test = check_positive_int(num_test, "num_test")
    noise = check_number(noise, "noise", low=0.0)
    width = check_positive_int(width, "width")
    lr = check_number(lr, "lr", low=0.0, low_open=True)
    batch_size = check_positive_int(batch_size, "batch_size")
    lr_schedule = check_choice(lr_schedule, "lr_schedule", ("constant", "cosine"))
    num_threads = check_positive_int(num_threads, "num_threads", allow_none=True)
    data_seed = check_int(data_seed, "data_seed")
    if not isinstance(progress, bool):
        raise argument_error("progress", "True or False", describe(progress), type_error=True)
    settings = {"losses": list(losses), "foreground_fractions": fractions, "seeds": seeds,
                "epochs": epochs, "size": size, "num_train": num_train, "num_val": num_val,
                "num_test": num_test, "noise": noise, "width": width, "levels": levels,
                "lr": lr, "batch_size": batch_size, "lr_schedule": lr_schedule,
                "num_threads": num_threads, "data_seed": data_seed, "device": str(device)}

    from tqdm.auto import tqdm

    results = ExperimentResults(rows=[], settings=settings)
    sets = {}
    for fraction in fractions:
        common = {"size": size, "foreground_fraction": fraction, "noise": noise}
        sets[fraction] = (make_dataset(num_train, seed=data_seed, **common),
                          make_dataset(num_val, seed=data_seed + 1, **common),
                          make_dataset(num_test, seed=data_seed + 2, **common))
        results.test_sets[fraction] = sets[fraction][2]
    total = len(losses) * len(fractions) * len(seeds)
    # the book shows a cell's output as it was when the cell ended: a bar widget would be
    # frozen at 0 % there, so the book build (SEGCOURSE_BOOK_BUILD=1) draws none
    show = progress and os.environ.get("SEGCOURSE_BOOK_BUILD") != "1"
    with tqdm(total=total, desc="training lab", unit="run", disable=not show,
              leave=True) as bar:
        for name, spec in losses.items():
            for fraction in fractions:
                train_set, val_set, test_set = sets[fraction]
                for seed in seeds:
                    bar.set_postfix_str(f"{name}, {100 * fraction:g} % foreground, seed {seed}")
                    loss = _build_loss(spec, train_set, name)
                    model = models.TinyUNet(1, 2, width=width, levels=levels, seed=seed)
                    start = time.perf_counter()
                    history = models.train(
                        model, train_set, loss, epochs=epochs, lr=lr, seed=seed, device=device,
                        batch_size=batch_size, val_dataset=val_set, progress=False,
                        lr_schedule=lr_schedule, num_threads=num_threads,
                        epoch_callback=getattr(loss, "set_epoch", None))
                    key = (name, fraction, seed)
                    results.seconds[key] = time.perf_counter() - start
                    pred = _predict(model, test_set.images, device, num_threads)
                    results.predictions[key] = pred
                    results.curves[key] = {k: list(history[k])
                                           for k in ("epoch", "loss", "val_dice")}
                    row = {"loss": name, "foreground_fraction": fraction, "seed": seed}
                    row.update(score_predictions(pred, test_set.masks > 0))
                    results.rows.append(row)
                    bar.update()
    return results
