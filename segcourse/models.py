"""A tiny U-Net and a short, seeded training loop that runs on a laptop CPU.

Notebook 07 (training lab) trains :class:`TinyUNet` with :func:`train` on
:func:`segcourse.data.make_dataset` sets, once per loss of
:mod:`segcourse.losses`, and compares the scores; notebook 03 (model output)
looks at the channels of a trained model with :func:`predict`.

Training is deterministic on the CPU: the same seed gives the same weights,
losses and scores on every run (the global random state is left as it was).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

try:
    import torch
except ModuleNotFoundError as error:  # a plain install: name the extra
    from segcourse._optional import missing_extra

    raise missing_extra(error, __name__) from error

from torch import nn

from segcourse._validation import (
    argument_error,
    check_choice,
    check_int,
    check_number,
    check_positive_int,
    describe,
)

__all__ = ["TinyUNet", "train", "predict"]


def _conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """Two 3x3 convolutions, each followed by batch normalisation and ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    r"""A U-Net (Ronneberger et al. 2015) small enough to train on a CPU in seconds.

    ``levels`` resolutions: at each level down, two 3x3 convolutions
    (batch norm, ReLU) then 2x2 max pooling, doubling the channels from
    ``width``; on the way up a 2x2 transposed convolution, concatenation with
    the skip connection of the same level and two 3x3 convolutions; finally a
    1x1 convolution to ``num_classes`` logits per pixel. With the defaults
    (``width=16, levels=3``) it has 117,090 parameters for one input channel
    and two classes.

    Parameters
    ----------
    in_channels : int
        Channels of the input images (1 for grey, 3 for RGB).
    num_classes : int
        Output channels: ``C >= 2`` for softmax losses, 1 for a sigmoid
        (binary) output.
    width : int, default 16
        Channels of the first level.
    levels : {2, 3}, default 3
        Number of resolutions; ``H`` and ``W`` must be multiples of
        :math:`2^{\text{levels} - 1}`.
    seed : int, optional
        Seed for the initial weights (without touching the global random
        state); ``None`` draws them from the global generator as torch does.

    Examples
    --------
    >>> import torch
    >>> model = TinyUNet(1, 2, seed=0)
    >>> model(torch.zeros(2, 1, 32, 32)).shape
    torch.Size([2, 2, 32, 32])
    >>> sum(p.numel() for p in model.parameters())
    117090

    References
    ----------
    .. [1] O. Ronneberger, P. Fischer and T. Brox, "U-Net: Convolutional
       Networks for Biomedical Image Segmentation", MICCAI 2015.
    """

    def __init__(self, in_channels, num_classes, *, width=16, levels=3, seed=None):
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.num_classes = check_positive_int(num_classes, "num_classes")
        width = check_positive_int(width, "width")
        self.levels = check_choice(levels, "levels", (2, 3))
        seed = check_int(seed, "seed", allow_none=True)
        if seed is None:
            self._build(width)
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                self._build(width)

    def _build(self, width: int) -> None:
        channels = [width * 2**level for level in range(self.levels)]
        self.down = nn.ModuleList()
        previous = self.in_channels
        for count in channels:
            self.down.append(_conv_block(previous, count))
            previous = count
        self.pool = nn.MaxPool2d(2)
        self.upsample = nn.ModuleList()
        self.up = nn.ModuleList()
        for count in reversed(channels[:-1]):
            self.upsample.append(nn.ConvTranspose2d(previous, count, 2, stride=2))
            self.up.append(_conv_block(2 * count, count))
            previous = count
        self.head = nn.Conv2d(previous, self.num_classes, 1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(N, num_classes, H, W)`` for images ``(N, in_channels, H, W)``."""
        factor = 2 ** (self.levels - 1)
        if (not isinstance(images, torch.Tensor) or images.ndim != 4
                or images.shape[1] != self.in_channels
                or images.shape[2] % factor or images.shape[3] % factor):
            raise argument_error(
                "images", f"a tensor of shape (N, {self.in_channels}, H, W) with H and W "
                f"multiples of {factor}", describe(images))
        skips = []
        features = images
        for index, block in enumerate(self.down):
            features = block(features)
            if index < self.levels - 1:
                skips.append(features)
                features = self.pool(features)
        for upsample, block, skip in zip(self.upsample, self.up, reversed(skips), strict=True):
            features = block(torch.cat([upsample(features), skip], dim=1))
        return self.head(features)


# --------------------------------------------------------------------------
# Data handling
# --------------------------------------------------------------------------


def _as_tensors(dataset, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (float32, (N, C, H, W)) and masks (int64, (N, H, W)) of a dataset.

    Accepts an object with ``images`` and ``masks`` (what ``make_dataset``
    returns), a pair ``(images, masks)``, or any sequence of ``(image, mask)``
    pairs such as a ``torch.utils.data.Dataset``.
    """
    if hasattr(dataset, "images") and hasattr(dataset, "masks"):
        images, masks = dataset.images, dataset.masks
    elif (isinstance(dataset, (tuple, list)) and len(dataset) == 2
          and all(isinstance(part, (np.ndarray, torch.Tensor)) and part.ndim >= 3
                  for part in dataset)):
        images, masks = dataset
    elif hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__"):
        if len(dataset) == 0:
            raise argument_error(name, "a non-empty dataset", "an empty one")
        pairs = [dataset[index] for index in range(len(dataset))]
        images = torch.stack([torch.as_tensor(np.asarray(image)) for image, _ in pairs])
        masks = torch.stack([torch.as_tensor(np.asarray(mask)) for _, mask in pairs])
    else:
        raise argument_error(name, "a dataset of (image, mask) pairs", type(dataset).__name__,
                             type_error=True)
    images = torch.as_tensor(images)
    masks = torch.as_tensor(masks)
    if images.ndim != 4 or not images.is_floating_point():
        raise argument_error(name, "float images of shape (N, C, H, W)",
                             f"images {describe(images)}")
    if (masks.ndim != 3 or masks.shape[0] != images.shape[0]
            or masks.shape[1:] != images.shape[2:]):
        raise argument_error(name, f"masks of shape (N, H, W) = "
                             f"{(images.shape[0], *images.shape[2:])}", f"masks {describe(masks)}")
    if masks.is_floating_point() or masks.is_complex():
        raise argument_error(name, "integer masks", f"masks {describe(masks)}")
    return images.float(), masks.long()


def _labels_from_logits(logits: torch.Tensor) -> torch.Tensor:
    if logits.shape[1] == 1:  # one sigmoid channel: foreground where the logit is > 0
        return (logits[:, 0] > 0).long()
    return logits.argmax(dim=1)


def _model_device(model: nn.Module) -> torch.device:
    for parameter in model.parameters():
        return parameter.device
    return torch.device("cpu")


def _model_dtype(model: nn.Module) -> torch.dtype:
    for parameter in model.parameters():
        if parameter.is_floating_point():
            return parameter.dtype
    return torch.get_default_dtype()


def predict(model, images, *, batch_size=32, device=None):
    """Label maps predicted by ``model``: the argmax of its logits.

    Parameters
    ----------
    model : torch.nn.Module
        Maps images ``(N, C_in, H, W)`` to logits ``(N, C, H, W)``; with one
        output channel the label is 1 where the logit is positive (sigmoid > 0.5).
    images : torch.Tensor or numpy.ndarray
        Float images of shape ``(N, C_in, H, W)`` (converted to the model's dtype).
    batch_size : int, default 32
    device : str or torch.device, optional
        Where to run; default the device of the model's parameters.

    Returns
    -------
    torch.Tensor or numpy.ndarray
        Int64 label maps of shape ``(N, H, W)``: a numpy array for numpy
        input, a CPU tensor for tensor input. The model is run in evaluation
        mode without gradients, and its mode is restored afterwards.

    Examples
    --------
    >>> import numpy as np
    >>> model = TinyUNet(1, 3, seed=0)
    >>> predict(model, np.zeros((2, 1, 16, 16), dtype=np.float32)).shape
    (2, 16, 16)
    """
    if not isinstance(model, nn.Module):
        raise argument_error("model", "a torch.nn.Module", type(model).__name__, type_error=True)
    as_numpy = isinstance(images, np.ndarray)
    if not isinstance(images, (np.ndarray, torch.Tensor)):
        raise argument_error("images", "a numpy array or a torch tensor", type(images).__name__,
                             type_error=True)
    images = torch.as_tensor(images)
    if images.ndim != 4 or not images.is_floating_point():
        raise argument_error("images", "float images of shape (N, C, H, W)", images)
    batch_size = check_positive_int(batch_size, "batch_size")
    device = _model_device(model) if device is None else torch.device(device)
    dtype = _model_dtype(model)
    was_training = model.training
    model.eval()
    labels = []
    try:
        with torch.no_grad():
            for start in range(0, len(images), batch_size):
                batch = images[start:start + batch_size].to(device=device, dtype=dtype)
                labels.append(_labels_from_logits(model(batch)).cpu())
    finally:
        model.train(was_training)
    result = torch.cat(labels) if labels else torch.zeros((0, *images.shape[2:]),
                                                          dtype=torch.long)
    return result.numpy() if as_numpy else result


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def _fallback_dice(pred: np.ndarray, target: np.ndarray, num_classes: int) -> np.ndarray:
    """Per-class Dice from one confusion matrix; NaN where the class is in neither."""
    counts = np.bincount(target * num_classes + pred, minlength=num_classes**2)
    matrix = counts.reshape(num_classes, num_classes)
    true_positive = np.diag(matrix).astype(np.float64)
    denominator = matrix.sum(axis=0) + matrix.sum(axis=1)  # |P_c| + |T_c|
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * true_positive / denominator, np.nan)


def _foreground_dice(pred: np.ndarray, target: np.ndarray, num_classes: int) -> float:
    """Dice of the foreground classes (1..C-1) over the whole set, macro-averaged.

    Uses :func:`segcourse.metrics.dice` when it can be imported and answers
    with one score per class, else the small confusion-matrix computation
    above. Pixels whose target is not a class (ignored) count nowhere.
    """
    # ignored pixels (any value outside 0..C-1, such as -100 or 255) count nowhere
    keep = (target >= 0) & (target < num_classes)
    pred, target = pred[keep].ravel(), target[keep].ravel()
    per_class = None
    try:
        from segcourse.metrics import dice
    except ImportError:
        dice = None
    if dice is not None:
        try:
            per_class = np.asarray(dice(pred, target, num_classes=num_classes, average="none"),
                                   dtype=np.float64)
        except (TypeError, ValueError):
            per_class = None
        if per_class is not None and per_class.shape != (num_classes,):
            per_class = None
    if per_class is None:
        per_class = _fallback_dice(pred, target, num_classes)
    foreground = per_class[1:]
    if foreground.size == 0 or np.all(np.isnan(foreground)):
        return math.nan
    return float(np.nanmean(foreground))


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="epoch", disable=not enabled, leave=True)


def train(model, dataset, loss, *, epochs=20, lr=3e-3, seed=0, device="cpu", batch_size=4,
          val_dataset=None, progress=True, lr_schedule="constant", num_threads=None,
          epoch_callback=None, val_every=1):
    r"""Train ``model`` with Adam on ``dataset`` and return its history.

    Each epoch visits every training image once in a seeded random order,
    in batches of ``batch_size``, then scores the model on ``val_dataset``
    (the foreground Dice: classes ``1..C-1`` of the argmax prediction,
    macro-averaged, pooled over all validation pixels, computed with
    :mod:`segcourse.metrics` where available); ``val_every`` spaces the
    scoring out.

    Parameters
    ----------
    model : torch.nn.Module
        For example ``TinyUNet(1, 2, seed=0)``; trained in place.
    dataset
        Training images and masks: what :func:`segcourse.data.make_dataset`
        returns, a pair ``(images, masks)`` of shapes ``(N, C, H, W)`` and
        ``(N, H, W)``, or a sequence of ``(image, mask)`` pairs.
    loss : callable
        ``loss(logits, masks)`` returning a scalar, for example
        ``segcourse.losses.DiceLoss()``.
    epochs : int, default 20
    lr : float, default 3e-3
        Learning rate of Adam.
    seed : int, default 0
        Seeds the order of the batches and any randomness of the model and
        the loss. The global random state is restored afterwards.
    device : str or torch.device, default "cpu"
    batch_size : int, default 4
        Small batches give more updates per epoch, which on these small sets
        reaches a given score sooner than larger ones.
    val_dataset : optional
        Held-out images and masks in any form ``dataset`` accepts. ``None``
        scores the training set itself, which shows fitting, not
        generalisation.
    progress : bool, default True
        Show a ``tqdm.auto`` progress bar (a widget in Jupyter).
    lr_schedule : {"constant", "cosine"}, default "constant"
        ``"cosine"`` lowers the learning rate after every step along half a
        cosine, from ``lr`` to 0 at the last step (Loshchilov and Hutter
        2017, without restarts): the last epochs then make small steps, so
        that a short run ends on weights that do not jump from epoch to epoch.
    num_threads : int, optional
        Threads torch may use on the CPU during training (restored
        afterwards); ``None`` keeps torch's setting. A tiny model on small
        images trains fastest with 1: the work per operation is too small to
        share, and on a busy machine spare threads wait for each other. It
        also makes the numbers the same on machines with different numbers
        of cores.
    epoch_callback : callable, optional
        Called as ``epoch_callback(epoch)`` before each epoch's first step,
        with the epoch counted from 0, for anything that changes from epoch
        to epoch: for example the region-to-boundary weights of a
        :class:`~segcourse.losses.CompoundLoss`, ``lambda epoch:
        setattr(loss, "weights", list(boundary_loss_weights(epoch)))``
        (notebook 07 does this through :mod:`segcourse.experiments`).
    val_every : int or None, default 1
        Score the validation set after every ``val_every``-th epoch and
        after the last one; ``None`` never scores it. Scoring is a forward
        pass over the validation set: with as many validation images as half
        the training set it costs about a fifth of an epoch of training, so
        on long runs ``val_every=5`` gives back most of that time.

    Returns
    -------
    dict of lists
        ``"epoch"`` (1, 2, ...), ``"loss"`` (mean training loss of each
        epoch), ``"val_dice"`` (foreground Dice after each epoch; NaN after
        an epoch that was not scored, so the lists stay aligned) and
        ``"seconds"`` (time since the start at the end of each epoch).

    Raises
    ------
    FloatingPointError
        If the loss becomes NaN or infinite (lower ``lr``, or check the loss).

    Notes
    -----
    Determinism: the seed fixes the batch order; ``torch.use_deterministic_algorithms``
    is switched on (warn only) during training and restored afterwards. On
    the CPU the same call gives the same history and weights on every run
    (for the same number of threads: pass ``num_threads`` to fix it); start
    from the same weights, for example ``TinyUNet(..., seed=0)``.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent
       with Warm Restarts", ICLR 2017 (the cosine schedule).

    Examples
    --------
    >>> from segcourse._dataset import make_dataset
    >>> from segcourse.losses import CrossEntropyLoss
    >>> data = make_dataset(8, size=16, seed=0)
    >>> model = TinyUNet(1, 2, width=4, levels=2, seed=0)
    >>> history = train(model, data, CrossEntropyLoss(), epochs=2, progress=False)
    >>> sorted(history), len(history["loss"])
    (['epoch', 'loss', 'seconds', 'val_dice'], 2)
    """
    if not isinstance(model, nn.Module):
        raise argument_error("model", "a torch.nn.Module", type(model).__name__, type_error=True)
    if not callable(loss):
        raise argument_error("loss", "a callable loss(logits, masks)", type(loss).__name__,
                             type_error=True)
    epochs = check_positive_int(epochs, "epochs")
    lr = check_number(lr, "lr", low=0.0, low_open=True)
    seed = check_int(seed, "seed")
    batch_size = check_positive_int(batch_size, "batch_size")
    if not isinstance(progress, bool):
        raise argument_error("progress", "True or False", describe(progress), type_error=True)
    lr_schedule = check_choice(lr_schedule, "lr_schedule", ("constant", "cosine"))
    num_threads = check_positive_int(num_threads, "num_threads", allow_none=True)
    if epoch_callback is not None and not callable(epoch_callback):
        raise argument_error("epoch_callback", "a function epoch_callback(epoch) or None",
                             type(epoch_callback).__name__, type_error=True)
    val_every = check_positive_int(val_every, "val_every", allow_none=True)
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise argument_error("device", 'a torch device such as "cpu" or "cuda"',
                             describe(device)) from error
    images, masks = _as_tensors(dataset, "dataset")
    if val_dataset is None:
        val_images, val_masks = images, masks
    else:
        val_images, val_masks = _as_tensors(val_dataset, "val_dataset")
    num_classes = max(2, _output_channels(model, images[:1], device))

    cuda_devices = [device.index or 0] if device.type == "cuda" else []
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    threads = torch.get_num_threads()
    history = {"epoch": [], "loss": [], "val_dice": [], "seconds": []}
    start = time.perf_counter()
    with torch.random.fork_rng(devices=cuda_devices):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=True)
        if num_threads is not None:
            torch.set_num_threads(num_threads)
        try:
            model.to(device)
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            scheduler = None
            if lr_schedule == "cosine":
                steps = epochs * math.ceil(len(images) / batch_size)
                scheduler = torch.optim.lr_scheduler.LambdaLR(
                    optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / steps)))
            with _progress_bar(epochs, progress) as bar:
                for epoch in range(1, epochs + 1):
                    if epoch_callback is not None:
                        epoch_callback(epoch - 1)
                    epoch_loss = _train_epoch(model, loss, optimizer, images, masks, batch_size,
                                              generator, device, epoch, scheduler)
                    score = math.nan
                    if val_every is not None and (epoch % val_every == 0 or epoch == epochs):
                        pred = predict(model, val_images, batch_size=max(batch_size, 32),
                                       device=device)
                        score = _foreground_dice(pred.numpy(), val_masks.numpy(), num_classes)
                    history["epoch"].append(epoch)
                    history["loss"].append(epoch_loss)
                    history["val_dice"].append(score)
                    history["seconds"].append(time.perf_counter() - start)
                    postfix = {"loss": f"{epoch_loss:.4f}"}
                    if not math.isnan(score):
                        postfix["val_dice"] = f"{score:.3f}"
                    bar.set_postfix(**postfix)
                    bar.update()
        finally:
            torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
            torch.set_num_threads(threads)
    return history


def _output_channels(model: nn.Module, image: torch.Tensor, device: torch.device) -> int:
    channels = getattr(model, "num_classes", None)
    if isinstance(channels, int):
        return channels
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return int(model.to(device)(image.to(device)).shape[1])
    finally:
        model.train(was_training)


def _train_epoch(model: nn.Module, loss: Callable, optimizer, images, masks, batch_size,
                 generator, device, epoch, scheduler=None) -> float:
    model.train()
    order = torch.randperm(len(images), generator=generator)
    total, seen = 0.0, 0
    for step, start in enumerate(range(0, len(order), batch_size)):
        index = order[start:start + batch_size]
        batch_images = images[index].to(device=device, dtype=_model_dtype(model))
        batch_masks = masks[index].to(device)
        value = loss(model(batch_images), batch_masks)
        optimizer.zero_grad(set_to_none=True)
        value.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        number = float(value.detach())
        if not math.isfinite(number):
            raise FloatingPointError(
                f"The loss became {number} at epoch {epoch}, step {step + 1}; lower `lr` or "
                "check the loss.")
        total += number * len(index)
        seen += len(index)
    return total / seen
