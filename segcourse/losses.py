r"""Segmentation losses, written out so that the course can show every step.

Notebook 06 (losses) teaches them; notebook 07 (training lab) trains
:class:`segcourse.models.TinyUNet` with each of them.

Every loss follows :mod:`torch.nn.functional`: it is called as
``loss(logits, target)`` with raw network outputs ``logits`` of shape
``(N, C, ...)`` and an integer ``target`` of class indices of shape ``(N, ...)``;
options are keyword-only; ``ignore_index=-100`` marks target pixels that count
nowhere; ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``. Each functional
form has an :class:`torch.nn.Module` twin that takes the same keyword options.

The one-channel (sigmoid) losses also take the target of ``BCEWithLogitsLoss``
and torchvision's ``sigmoid_focal_loss``: a float tensor of the shape of
``logits`` ``(N, 1, ...)`` holding foreground probabilities in [0, 1] (soft
labels included); on hard labels it gives the value of the integer form.

Precision (automatic mixed precision): with float16 or bfloat16 logits every
loss computes in float32, as autocast does for torch's own losses and for
softmax: a sum over one 256 x 256 image already passes float16's maximum of
65504, and bfloat16 keeps only 8 bits of a sum. The result is then float32
(what ``torch.autocast`` users get from ``F.cross_entropy``); the gradient
flows back to the logits in their own dtype. float32 and float64 logits are
computed and returned in their own precision.

Likely slips: probabilities passed where logits are expected (softmax applied
twice) give a :class:`ProbabilitiesWarning` (softmax losses, ``C >= 2``; a
one-channel input cannot be told apart), and a one-hot target, a 0/255 mask
or a float target of the wrong shape gives an error that says how to convert
it (``target.argmax(1)``, ``target > 0``, ``target.unsqueeze(1)``).

- :func:`cross_entropy` / :class:`CrossEntropyLoss` (+ label smoothing,
  Szegedy et al. 2016; + class weights, :func:`class_weights`)
- :func:`focal_loss` / :class:`FocalLoss` (softmax) and
  :func:`binary_focal_loss` / :class:`BinaryFocalLoss` (sigmoid), Lin et al. 2017
- :func:`dice_loss` / :class:`DiceLoss`, Milletari et al. 2016
- :func:`tversky_loss` / :class:`TverskyLoss`, Salehi et al. 2017
- :func:`boundary_loss` / :class:`BoundaryLoss`, Kervadec et al. 2019
- :class:`CompoundLoss`: a weighted sum of losses, for example Dice + CE

Helpers: :func:`class_weights` (inverse, median and effective-number
frequency weights), :func:`signed_distance_map` (the distance maps of the
boundary loss), :func:`boundary_loss_weights` (the region-to-boundary
schedule of Kervadec et al.) and :func:`loss_gradient` (the gradient of any
loss with respect to the logits, for the chapter's gradient pictures).

For the pictures and demos of chapter 06: :func:`target_probability` (the
:math:`p_t` of every pixel), :func:`loss_map` (the loss of every pixel),
:func:`gradient_map` (the gradient with respect to one channel's logit at
every pixel), :func:`loss_share_by_difficulty` and :func:`loss_share_by_class`
(how the total loss splits between easy and hard pixels, or between
classes), :func:`focal_curves` (the focal loss against :math:`p_t` for
several :math:`\gamma`) and :func:`tversky_thresholds` (the mask a Tversky
index prefers among the thresholds of a probability map).

An empty batch (``N = 0``) gives what torch's losses give on empty input:
NaN for ``reduction="mean"`` (a mean over nothing), 0 for ``"sum"`` and an
empty tensor for ``"none"``, for every loss and module here.

Numerical stability: every loss works from ``log_softmax`` or ``logsigmoid``
and never takes the logarithm or a fractional power of a probability that may
round to 0 or 1, so values and gradients stay finite for logits as large as
``+-1e4`` and for every focal ``gamma >= 0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

try:
    import torch
except ModuleNotFoundError as error:  # a plain install: name the extra
    from segcourse._optional import missing_extra

    raise missing_extra(error, __name__) from error

import torch.nn.functional as F
from torch import nn

from segcourse._validation import (
    argument_error,
    check_bool,
    check_choice,
    check_int,
    check_label_map,
    check_number,
    check_positive_int,
    describe,
)
from segcourse._warnings import ProbabilitiesWarning, warn

__all__ = [
    "ProbabilitiesWarning",
    "cross_entropy",
    "class_weights",
    "focal_loss",
    "binary_focal_loss",
    "dice_loss",
    "tversky_loss",
    "signed_distance_map",
    "boundary_loss",
    "boundary_loss_weights",
    "loss_gradient",
    "target_probability",
    "loss_map",
    "gradient_map",
    "loss_share_by_difficulty",
    "loss_share_by_class",
    "focal_curves",
    "tversky_thresholds",
    "CrossEntropyLoss",
    "FocalLoss",
    "BinaryFocalLoss",
    "DiceLoss",
    "TverskyLoss",
    "BoundaryLoss",
    "CompoundLoss",
]

_REDUCTIONS = ("mean", "sum", "none")
_WEIGHT_METHODS = ("inverse", "median", "effective")


# --------------------------------------------------------------------------
# Argument checks shared by every loss
# --------------------------------------------------------------------------


def _check_logits(logits, *, min_channels: int = 1, max_channels: int | None = None,
                  hint: str = "") -> torch.Tensor:
    if not isinstance(logits, torch.Tensor):
        raise argument_error("logits", "a torch tensor of shape (N, C, ...)",
                             type(logits).__name__, type_error=True)
    if not logits.is_floating_point():
        raise argument_error("logits", "a floating-point tensor of shape (N, C, ...)", logits)
    if logits.ndim < 2:
        raise argument_error("logits", "a tensor of shape (N, C, ...) with at least 2 dimensions",
                             logits)
    channels = logits.shape[1]
    if channels < min_channels or (max_channels is not None and channels > max_channels):
        if max_channels == min_channels:
            wanted = f"exactly {min_channels} channel{'s' if min_channels > 1 else ''}"
        else:
            wanted = f"at least {min_channels} channels"
        raise argument_error("logits", f"a tensor of shape (N, C, ...) with {wanted}{hint}",
                             logits)
    return logits


def _check_ignore_index(ignore_index):
    ignore_index = check_int(ignore_index, "ignore_index", allow_none=True)
    if ignore_index is not None and not -2**63 <= ignore_index < 2**63:
        raise argument_error("ignore_index", "an integer that fits int64 (a target value)",
                             describe(ignore_index))
    return ignore_index


def _compute_dtype(logits: torch.Tensor) -> torch.dtype:
    """The precision a loss computes in: float32 for float16, bfloat16 (and float8) logits."""
    return logits.dtype if logits.dtype in (torch.float32, torch.float64) else torch.float32


def _upcast(logits: torch.Tensor) -> torch.Tensor:
    """``logits`` in :func:`_compute_dtype`: a sum over a 256 x 256 image passes float16's
    maximum of 65504, and bfloat16 keeps only 8 bits of a sum. Autocast does the same
    for torch's own losses and for softmax."""
    dtype = _compute_dtype(logits)
    return logits if logits.dtype == dtype else logits.to(dtype)


def _looks_like_probabilities(values: torch.Tensor) -> torch.Tensor:
    """A 0-d bool tensor: every value in [0, 1] and every pixel summing to 1 over dim 0."""
    tolerance = 1e-3 if values.dtype in (torch.float32, torch.float64) else 2e-2
    low, high = torch.aminmax(values)
    sums = values.sum(dim=0, dtype=torch.float32)
    return (low >= 0) & (high <= 1) & ((sums - 1).abs().amax() <= tolerance)


def _warn_if_probabilities(logits: torch.Tensor) -> None:
    """Warn when softmax-based losses get probabilities (a likely slip) instead of logits.

    A few pixels of the first image are tested first, so that real logits cost
    almost nothing; only when they pass is the whole batch tested.
    """
    if logits.shape[1] < 2 or logits.numel() == 0:
        return
    channels = logits.shape[1]
    # The first pixel (a strided view of its channels, read in one small copy) rules
    # out real logits, whose channels do not sum to 1, at the cost of one operation.
    pixel = logits.detach().as_strided((channels,), (logits.stride(1),)).tolist()
    tolerance = 1e-3 if logits.dtype in (torch.float32, torch.float64) else 2e-2
    if not (min(pixel) >= 0 and max(pixel) <= 1 and abs(sum(pixel) - 1) <= tolerance):
        return
    with torch.no_grad():
        first = logits[0].reshape(channels, -1)[:, :64]
        if first.numel() == 0 or not bool(_looks_like_probabilities(first)):
            return
        every = logits.detach().movedim(1, 0).reshape(channels, -1)
        if not bool(_looks_like_probabilities(every)):
            return
    warn("`logits` look like probabilities: every value is in [0, 1] and every pixel sums "
         "to 1 over the channel axis. The losses apply softmax themselves; pass the raw "
         "network outputs (logits), not softmax(logits).", ProbabilitiesWarning)


def _one_hot_hint(target, logits) -> str:
    if logits.shape[1] >= 2 and tuple(target.shape) == tuple(logits.shape):
        return (", not a one-hot or probability map of the shape of `logits` (convert one "
                "with `target.argmax(1)`)")
    if tuple(target.shape) == (logits.shape[0], 1, *logits.shape[2:]):
        return " (drop the channel axis with `target.squeeze(1)`)"
    return ""


def _check_target(target, logits: torch.Tensor, ignore_index: int | None, *,
                  num_classes: int | None = None) -> tuple[torch.Tensor, bool]:
    """Check ``target`` against ``logits``.

    Returns the target as an int64 tensor of shape ``(N, ...)`` and whether any
    of its pixels equals ``ignore_index`` (so that the losses skip the masking
    work when none does).
    """
    target = _check_target_form(target, logits)
    if num_classes is None:
        num_classes = logits.shape[1]
    return target, _check_target_values(target, num_classes, ignore_index)


def _check_target_form(target, logits: torch.Tensor) -> torch.Tensor:
    """Type, shape, device and dtype of a target of class indices; int64 ``(N, ...)``.

    The values are not looked at (see :func:`_check_target_values`).
    """
    if not isinstance(target, torch.Tensor):
        raise argument_error("target", "a torch tensor of class indices",
                             type(target).__name__, type_error=True)
    expected = (logits.shape[0], *logits.shape[2:])
    if target.dtype == torch.bool:
        target = target.long()
    elif target.is_floating_point() or target.is_complex():
        # Float targets are class probabilities for torch; here they are an error.
        hint = _one_hot_hint(target, logits)
        if not hint:
            hint = (" (a float map of whole class numbers converts with `target.long()`)"
                    if tuple(target.shape) == expected else "")
        raise argument_error("target", f"an integer tensor of class indices of shape (N, ...) "
                             f"= {expected}{hint}", target)
    if tuple(target.shape) != expected:
        raise argument_error(
            "target", f"a tensor of shape (N, ...) = {expected} to match `logits` of shape "
            f"{tuple(logits.shape)}{_one_hot_hint(target, logits)}", target)
    if target.device != logits.device:
        raise argument_error("target", f"on the device of `logits` ({logits.device})",
                             f"a tensor on {target.device}")
    if target.dtype != torch.int64:
        target = target.long()
    return target


def _check_target_values(target: torch.Tensor, num_classes: int,
                         ignore_index: int | None) -> bool:
    """Raise unless every value is a class index or ``ignore_index``; whether one is ignored."""
    ignored = False
    if target.numel():
        low, high = (int(value) for value in torch.aminmax(target))
        if low < 0 or high >= num_classes:
            bad = (target < 0) | (target >= num_classes)
            if ignore_index is not None:
                bad &= target != ignore_index
            if bool(bad.any()):
                value = int(target[bad][0])
                allowed = f"class indices in [0, {num_classes - 1}]"
                if ignore_index is not None:
                    allowed += f" or ignore_index={ignore_index}"
                hint = ""
                if num_classes == 2 and value == 255:
                    hint = " (a mask stored as 0 and 255: pass `target > 0`)"
                elif num_classes == 1:
                    hint = (" (`logits` has one channel, a single class, whose cross entropy is "
                            "always 0; for a binary segmentation with one logit per pixel use "
                            "`binary_focal_loss(logits, target, gamma=0, alpha=None)`, which is "
                            "binary cross entropy, or `torch.nn.functional."
                            "binary_cross_entropy_with_logits(logits, target.unsqueeze(1)."
                            "float())`; or give `logits` two channels)")
                raise argument_error("target", allowed, f"the value {value}{hint}")
            ignored = True  # every value out of range is ignore_index
        elif ignore_index is not None and low <= ignore_index <= high:
            ignored = bool((target == ignore_index).any())
    return ignored


class _BinaryTarget:
    """The target of a one-channel loss, as :func:`_check_binary_target` reads it.

    ``labels``: ``(N, ...)``, int64 class indices (``soft=False``) or foreground
    probabilities in the compute dtype (``soft=True``); ``ignored``: whether
    some pixel equals ``ignore_index``; ``keep_channel``: the target had the
    logits' shape ``(N, 1, ...)``, so per-pixel losses keep that shape.
    """

    __slots__ = ("labels", "ignored", "soft", "keep_channel")

    def __init__(self, labels, ignored, soft, keep_channel):
        self.labels, self.ignored, self.soft, self.keep_channel = (labels, ignored, soft,
                                                                   keep_channel)

    def shape_like_target(self, loss: torch.Tensor) -> torch.Tensor:
        return loss.unsqueeze(1) if self.keep_channel else loss


def _check_binary_target(target, logits: torch.Tensor, ignore_index: int | None) -> _BinaryTarget:
    """Check the target of a one-channel (sigmoid) loss.

    Two conventions are accepted: torch's class indices (an integer or boolean
    mask of shape ``(N, ...)``, values 0, 1 or ``ignore_index``), and the
    convention of ``BCEWithLogitsLoss`` and torchvision's ``sigmoid_focal_loss``:
    a target of the shape of ``logits`` ``(N, 1, ...)``, whose float values are
    foreground probabilities in [0, 1] (soft labels) or ``ignore_index``.
    Float targets stay float (``soft=True``), hard 0/1 values included: the
    soft formulas give the value of the integer form on them.
    """
    if not isinstance(target, torch.Tensor):
        raise argument_error("target", "a torch tensor (a mask of class indices, or foreground "
                             "probabilities of the shape of `logits`)", type(target).__name__,
                             type_error=True)
    keep_channel = tuple(target.shape) == tuple(logits.shape)
    if keep_channel:
        target = target.squeeze(1)
    if not (target.is_floating_point() or target.is_complex()):
        labels, ignored = _check_target(target, logits, ignore_index, num_classes=2)
        return _BinaryTarget(labels, ignored, False, keep_channel)
    if not keep_channel or target.is_complex():
        expected = (logits.shape[0], *logits.shape[2:])
        hint = ""
        if tuple(target.shape) == expected and target.is_floating_point():
            hint = " (add the channel axis with `target.unsqueeze(1)`, or pass an integer mask)"
        raise argument_error("target", f"an integer mask of shape (N, ...) = {expected}, or "
                             f"foreground probabilities of the shape of `logits` "
                             f"{tuple(logits.shape)}{hint}", target)
    if target.device != logits.device:
        raise argument_error("target", f"on the device of `logits` ({logits.device})",
                             f"a tensor on {target.device}")
    target = target.to(_compute_dtype(logits))
    ignored = False
    if target.numel():
        low, high = torch.aminmax(target)
        if ignore_index in (0, 1):
            ignored = bool((target == ignore_index).any())
        if not bool((low >= 0) & (high <= 1)):  # also when a value is NaN
            bad = ~((target >= 0) & (target <= 1))
            if ignore_index is not None:
                bad &= target != ignore_index
            if bool(bad.any()):
                allowed = "foreground probabilities in [0, 1]"
                if ignore_index is not None:
                    allowed += f" or ignore_index={ignore_index}"
                raise argument_error("target", allowed, f"the value {target[bad][0].item()}")
            ignored = True
    return _BinaryTarget(target, ignored, True, keep_channel)


def _check_class_vector(value, name: str, num_classes: int | None,
                        like: torch.Tensor | None) -> torch.Tensor | None:
    """A per-class vector (weights, alpha): finite, >= 0, length ``num_classes``."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        vector = value
    elif isinstance(value, (np.ndarray, list, tuple)):
        vector = torch.as_tensor(np.asarray(value, dtype=np.float64))
    else:
        raise argument_error(name, "None or a sequence of per-class numbers",
                             type(value).__name__, type_error=True)
    if vector.dtype == torch.bool or vector.is_complex():
        raise argument_error(name, "a tensor of real per-class numbers", vector)
    if vector.ndim != 1 or (num_classes is not None and vector.shape[0] != num_classes):
        size = "C" if num_classes is None else str(num_classes)
        raise argument_error(name, f"a 1-D tensor of {size} per-class values", vector)
    values = vector.tolist()  # one small copy; NaN fails both comparisons
    if not all(0 <= value < math.inf for value in values):
        raise argument_error(name, "finite values >= 0", f"{values}")
    if like is not None:
        vector = vector.to(device=like.device, dtype=like.dtype)
    return vector


def _check_options(reduction, ignore_index):
    check_choice(reduction, "reduction", _REDUCTIONS)
    return _check_ignore_index(ignore_index)


def _valid_mask(target: torch.Tensor, ignore_index: int | None, ignored: bool):
    """Pixels that count (``None`` when none is ignored) and a copy safe for indexing."""
    if not ignored:
        return None, target
    valid = target != ignore_index
    return valid, target.masked_fill(~valid, 0)


def _reduce_pixels(loss, valid, pixel_weight, reduction):
    """Reduce a per-pixel loss the way ``torch.nn.functional.cross_entropy`` does.

    ``mean`` divides by the summed weight of the counted pixels (their number
    without weights), so a batch with every pixel ignored gives 0/0 = NaN, as
    torch does.
    """
    if valid is not None:
        loss = loss.masked_fill(~valid, 0.0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if pixel_weight is None:
        count = loss.numel() if valid is None else valid.sum()
        return loss.sum() / count
    if valid is not None:
        pixel_weight = pixel_weight.masked_fill(~valid, 0.0)
    return loss.sum() / pixel_weight.sum()


def _broadcast_classes(vector: torch.Tensor, ndim: int) -> torch.Tensor:
    return vector.view(1, -1, *([1] * (ndim - 2)))


# --------------------------------------------------------------------------
# Cross entropy and class weights
# --------------------------------------------------------------------------


def cross_entropy(logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0, validate_args=True):
    r"""Cross entropy between softmax probabilities and class indices.

    Written from ``log_softmax``; equal to :func:`torch.nn.functional.cross_entropy`
    for every combination of options.

    .. math::

        q_{ic} = (1 - \varepsilon)\,[c = y_i] + \frac{\varepsilon}{C}, \qquad
        \ell_i = -\sum_{c} w_c\, q_{ic} \log p_{ic}, \qquad
        p_{ic} = \frac{e^{z_{ic}}}{\sum_k e^{z_{ik}}}

    With ``reduction="mean"`` the sum of :math:`\ell_i` over counted pixels is
    divided by :math:`\sum_i w_{y_i}` (the number of counted pixels without
    weights).

    Parameters
    ----------
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``, any float dtype (float16 and
        bfloat16 are computed in float32). Not probabilities: softmax outputs
        give a :class:`ProbabilitiesWarning`.
    target : torch.Tensor
        Integer class indices of shape ``(N, ...)`` in ``0..C-1`` or ``ignore_index``.
        A one-hot target ``(N, C, ...)`` is an error; convert it with
        ``target.argmax(1)``.
    weight : sequence or torch.Tensor, optional
        Per-class weights :math:`w_c` (length ``C``, finite, ``>= 0``); see
        :func:`class_weights`. ``None`` weighs every class 1.
    ignore_index : int or None, default -100
        Target value whose pixels count nowhere (numerator and denominator).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the per-pixel loss of shape ``(N, ...)`` (0 at
        ignored pixels).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]` (Szegedy et al. 2016): the target puts
        :math:`1 - \varepsilon` on the true class and spreads :math:`\varepsilon`
        evenly over all ``C`` classes.
    validate_args : bool, default True
        False trusts the inputs to be what torch's kernel takes (float logits
        ``(N, C, ...)``, an int64 target of class indices or ``ignore_index``,
        ``weight`` None or ``C`` values) and goes to the kernel at once: no
        checks, no :class:`ProbabilitiesWarning` (whose read of one pixel is
        most of what the checks cost, a few per cent of a forward and backward
        pass over a batch of 0.3 million logits on a CPU; ``make bench
        BENCH=limits`` measures it), and no conversion but the weights' dtype
        and the upcast of float16 and bfloat16 logits, which are still computed
        in float32. Values are the same. A bad input gets torch's error; on the
        CPU torch checks each class index as it reads it, and one out of range
        still gets the ``ValueError`` below. With ``ignore_index=None`` (which
        torch has no option for) the call takes the checked path whatever
        ``validate_args`` says, warning included.

    Returns
    -------
    torch.Tensor
        A scalar, or the per-pixel loss for ``reduction="none"``: float32 for
        float16 or bfloat16 logits (as under ``torch.autocast``), otherwise the
        dtype of ``logits``.

    Raises
    ------
    TypeError
        ``logits`` or ``target`` is not a tensor, or ``ignore_index`` or
        ``validate_args`` has the wrong type.
    ValueError
        ``logits`` is not a float tensor ``(N, C, ...)``; ``target`` is not an
        integer tensor ``(N, ...)`` (a one-hot target included); a target value
        is neither a class index nor ``ignore_index``; ``weight`` is not ``C``
        finite values ``>= 0``; ``reduction`` or ``label_smoothing`` is out of
        its range.

    Notes
    -----
    Limiting cases: with ``label_smoothing=0`` and no weights this is the mean
    negative log-likelihood :math:`-\log p_{i y_i}`; a batch in which every
    pixel is ignored, or an empty batch, gives NaN for ``"mean"`` (0/0) and 0
    for ``"sum"``, exactly as torch does. It also equals :func:`focal_loss`
    with ``gamma=0``.

    One channel (``C = 1``) is one class: the loss is 0 whatever the logits.
    For a binary segmentation with one logit per pixel use
    :func:`binary_focal_loss` with ``gamma=0, alpha=None`` (binary cross
    entropy) or ``torch.nn.functional.binary_cross_entropy_with_logits``; a
    target value of 1 gives an error that says so.

    Implementation: after the argument checks this calls torch's own
    kernel, :func:`torch.nn.functional.cross_entropy`, which computes the
    formula above on every option it has (so values and gradients are
    torch's, bit for bit, at torch's cost); what segcourse adds is the
    checks, ``ignore_index=None``, the upcast of float16 and bfloat16, and
    the errors above. The formula written out term by term (smoothed one-hot
    target, log-probabilities, weights, mask, mean) is
    ``segcourse.losses._cross_entropy_formula``, which the tests compare
    with it on every combination of options; chapter 6 computes it by hand.
    On the CPU the target values are checked by torch as it reads them (an
    out-of-range value raises the ``ValueError`` above); on a GPU they are
    checked first, since a bad index there is a device-side assert.

    References
    ----------
    .. [1] C. Szegedy et al., "Rethinking the Inception Architecture for
       Computer Vision", CVPR 2016 (label smoothing).

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[2.0, 0.0], [0.0, 0.0]]])  # N=1, C=2, 2 pixels
    >>> target = torch.tensor([[0, 1]])
    >>> round(float(cross_entropy(logits, target)), 4)  # (0.1269 + 0.6931) / 2
    0.41
    >>> torch.equal(cross_entropy(logits, target, label_smoothing=0.1),  # bit for bit
    ...             torch.nn.functional.cross_entropy(logits, target, label_smoothing=0.1))
    True
    """
    if validate_args is not True and validate_args is not False:
        validate_args = check_bool(validate_args, "validate_args")
    if validate_args is False and ignore_index is not None:
        # trusted inputs: torch's kernel at once, in the same precision as below
        dtype = getattr(logits, "dtype", None)
        if dtype not in _NATIVE_FLOATS and isinstance(dtype, torch.dtype) and (
                dtype.is_floating_point):
            logits = logits.float()
        if (weight is not None and isinstance(dtype, torch.dtype)
                and getattr(weight, "dtype", None) != logits.dtype):
            weight = torch.as_tensor(weight, dtype=logits.dtype, device=logits.device)
        torch_ignore = ignore_index
    elif _is_plain_call(logits, target, weight, ignore_index, reduction, label_smoothing):
        # the usual call: nothing to convert, every check below passes (see the function)
        _warn_if_probabilities(logits)
        torch_ignore = ignore_index
    else:
        ignore_index = _check_options(reduction, ignore_index)
        label_smoothing = check_number(label_smoothing, "label_smoothing", low=0.0, high=1.0)
        logits = _check_logits(logits)
        target = _check_target_form(target, logits)
        num_classes = logits.shape[1]
        # On the CPU torch's nll_loss checks every target value in the pass that reads it
        # (an IndexError, turned into our ValueError below), so no pass of our own is
        # needed. On a GPU a bad index is a device-side assert that breaks the CUDA
        # context: check first. ignore_index=None allows no exception, so check too.
        if ignore_index is None or target.device.type != "cpu":
            _check_target_values(target, num_classes, ignore_index)
        _warn_if_probabilities(logits)
        logits = _upcast(logits)
        weight = _check_class_vector(weight, "weight", num_classes, logits)
        # With ignore_index=None every value is a class index (checked): -100 matches none.
        torch_ignore = -100 if ignore_index is None else ignore_index

    try:
        # torch's own kernel: log_softmax, then the pick of -w_y log p_y with the ignored
        # pixels and the weighted mean (and the smoothing term) in its passes
        return F.cross_entropy(logits, target, weight=weight, ignore_index=torch_ignore,
                               reduction=reduction, label_smoothing=label_smoothing)
    except IndexError:  # "Target 7 is out of bounds.": raise the standard error instead
        # (logits (C,) with a 0-d target: torch's unbatched form, which validate_args=False
        # lets through)
        _check_target_values(target, logits.shape[1 if logits.dim() > 1 else 0], ignore_index)
        raise


_NATIVE_FLOATS = (torch.float32, torch.float64)


def _is_plain_call(logits, target, weight, ignore_index, reduction, label_smoothing) -> bool:
    """Whether a :func:`cross_entropy` call is the usual one, which its checks would pass
    unchanged: CPU tensors, float32 or float64 logits ``(N, C, ...)`` with ``C >= 2``, an
    int64 target of the matching shape, no weight or ``C`` finite weights ``>= 0`` of the
    logits' dtype, an int ``ignore_index``, a valid ``reduction`` and a float
    ``label_smoothing`` in [0, 1].

    Recognised in a few attribute reads, so that the usual call costs torch's kernel and
    little more (the full checks, each a function call, cost about 3 to 10 % of a
    forward and backward pass over 0.3 million logits). Any other call takes the full
    checks, which accept or convert it, or raise the standard error.
    """
    plain = (type(ignore_index) is int and -2**63 <= ignore_index < 2**63
             and type(reduction) is str
             and reduction in _REDUCTIONS and type(label_smoothing) is float
             and 0.0 <= label_smoothing <= 1.0 and type(logits) is torch.Tensor
             and type(target) is torch.Tensor and logits.dtype in _NATIVE_FLOATS
             and target.dtype == torch.int64 and logits.is_cpu and target.is_cpu
             and logits.dim() >= 2 and logits.shape[1] >= 2
             and target.shape == logits.shape[:1] + logits.shape[2:])
    if not plain or weight is None:
        return plain
    return (type(weight) is torch.Tensor and weight.dtype == logits.dtype and weight.is_cpu
            and weight.dim() == 1 and weight.shape[0] == logits.shape[1]
            and all(0 <= value < math.inf for value in weight.tolist()))  # NaN fails too


def _cross_entropy_formula(logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """:func:`cross_entropy` written out as its docstring's formula: the tests' reference.

    The smoothed one-hot target :math:`q`, the log-probabilities, the weighted
    sum over classes at each pixel, 0 at ignored pixels, and the mean over the
    summed weights of the counted pixels. Checked and upcast inputs only (no
    argument checks); ``ignore_index=None`` ignores nothing.
    """
    num_classes = logits.shape[1]
    log_probs = torch.log_softmax(logits, dim=1)
    counted = torch.ones_like(target, dtype=torch.bool) if ignore_index is None else (
        target != ignore_index)
    safe_target = target.masked_fill(~counted, 0)
    one_hot = F.one_hot(safe_target, num_classes).movedim(-1, 1).to(log_probs.dtype)
    smoothed = (1 - label_smoothing) * one_hot + label_smoothing / num_classes
    class_weight = (torch.ones(num_classes, dtype=log_probs.dtype, device=log_probs.device)
                    if weight is None else weight)
    pixel_loss = -(_broadcast_classes(class_weight, log_probs.ndim) * smoothed * log_probs).sum(1)
    pixel_loss = pixel_loss.masked_fill(~counted, 0.0)
    if reduction == "none":
        return pixel_loss
    if reduction == "sum":
        return pixel_loss.sum()
    return pixel_loss.sum() / class_weight[safe_target].masked_fill(~counted, 0.0).sum()


def class_weights(target, *, num_classes=None, method="inverse", ignore_index=-100,
                  beta=0.9999):
    r"""Per-class weights that undo class imbalance, for ``weight=`` or ``alpha=``.

    With :math:`n_c` pixels of class :math:`c` among :math:`n` counted pixels
    and :math:`C` classes:

    .. math::

        \text{inverse:}\quad w_c = \frac{n}{C\, n_c} \qquad
        \text{median:}\quad w_c = \frac{\operatorname{median}_k f_k}{f_c} \qquad
        \text{effective:}\quad w_c \propto \frac{1 - \beta}{1 - \beta^{n_c}}

    ``"inverse"`` equals scikit-learn's ``compute_class_weight("balanced")``
    when every class occurs. A class with no pixel gets weight 0, and
    :math:`C` still counts it (all ``num_classes`` classes): scikit-learn
    refuses such a class, so with absent classes the two differ by the factor
    (present classes) / :math:`C`. ``"median"`` is median frequency balancing
    (Eigen and Fergus): :math:`f_c` is the number of pixels of class :math:`c`
    divided by the number of pixels of the images in which class :math:`c`
    appears. ``"effective"`` weighs by
    the inverse effective number of samples (Cui et al. 2019), normalised so
    that the weights of the present classes sum to their number.

    Parameters
    ----------
    target : torch.Tensor or numpy.ndarray
        Integer label maps of shape ``(N, ...)``; the first axis indexes images
        (it matters for ``"median"`` only; a 1-D array is one image, so pass a
        single 2-D map as ``target[None]``). Float tensors of any dtype
        (float16, bfloat16) holding whole class numbers are accepted too.
    num_classes : int, optional
        Number of classes ``C``; ``None`` infers ``max(target) + 1``.
    method : {"inverse", "median", "effective"}, default "inverse"
    ignore_index : int or None, default -100
        Pixels with this value are not counted.
    beta : float, default 0.9999
        :math:`\beta \in [0, 1)` for ``"effective"``: ``0`` gives equal
        weights, and as :math:`\beta \to 1` the weights approach inverse
        frequency.

    Returns
    -------
    torch.Tensor
        Float32 weights of shape ``(C,)`` whatever the dtype of ``target``
        (on the device of ``target`` when it is a tensor). A class with no
        pixel gets weight 0: it never appears as
        a target, and no finite weight would be right for it.

    References
    ----------
    .. [1] D. Eigen and R. Fergus, "Predicting Depth, Surface Normals and
       Semantic Labels with a Common Multi-Scale Convolutional Architecture",
       ICCV 2015 (median frequency balancing).
    .. [2] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced
       Loss Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 0, 0, 1]])  # one image, 3 background, 1 foreground
    >>> class_weights(target, method="inverse")  # 4 / (2 * 3), 4 / (2 * 1)
    tensor([0.6667, 2.0000])
    >>> class_weights(target, method="median")  # median(3/4, 1/4) = 1/2
    tensor([0.6667, 2.0000])
    >>> class_weights(target, method="effective", beta=0.0)  # equal weights
    tensor([1., 1.])
    """
    method = check_choice(method, "method", _WEIGHT_METHODS)
    ignore_index = _check_ignore_index(ignore_index)
    num_classes = check_positive_int(num_classes, "num_classes", allow_none=True)
    beta = check_number(beta, "beta", low=0.0, high=1.0, high_open=True)
    device = target.device if isinstance(target, torch.Tensor) else None
    labels = check_label_map(target, "target", num_classes=num_classes,
                             ignore_index=ignore_index)
    if labels.ndim == 0:
        raise argument_error("target", "an array of label maps of shape (N, ...)", labels)
    # explicit sizes: -1 is ambiguous for an empty batch
    per_image = (labels.reshape(1, -1) if labels.ndim == 1 else
                 labels.reshape(labels.shape[0], int(np.prod(labels.shape[1:]))))
    valid = per_image >= 0 if ignore_index is None else per_image != ignore_index
    if num_classes is None:
        if not valid.any():
            raise argument_error("num_classes", "given when `target` has no counted pixel",
                                 "None")
        num_classes = int(per_image[valid].max()) + 1
    # counts[i, c]: pixels of class c in image i
    image_index = np.broadcast_to(np.arange(per_image.shape[0])[:, None], per_image.shape)
    flat = image_index[valid] * num_classes + per_image[valid]
    counts = np.bincount(flat, minlength=per_image.shape[0] * num_classes)
    counts = counts.reshape(per_image.shape[0], num_classes).astype(np.float64)
    totals = counts.sum(axis=0)
    present = totals > 0
    weights = np.zeros(num_classes)
    if method == "inverse":
        weights[present] = totals.sum() / (num_classes * totals[present])
    elif method == "median":
        pixels_per_image = counts.sum(axis=1, keepdims=True)
        seen_in = (counts > 0) * pixels_per_image  # pixels of the images holding class c
        frequency = totals[present] / seen_in.sum(axis=0)[present]
        weights[present] = np.median(frequency) / frequency
    else:
        if beta == 0.0:
            effective = np.ones(int(present.sum()))
        else:  # (1 - beta^n) / (1 - beta), accurate for beta close to 1
            effective = -np.expm1(totals[present] * np.log(beta)) / (1.0 - beta)
        weights[present] = 1.0 / effective
        weights *= present.sum() / weights.sum() if present.any() else 0.0
    result = torch.as_tensor(weights, dtype=torch.float32)
    return result if device is None else result.to(device)


# --------------------------------------------------------------------------
# Focal losses
# --------------------------------------------------------------------------


def focal_loss(logits, target, *, gamma=2.0, alpha=None, ignore_index=-100, reduction="mean"):
    r"""Softmax focal loss for multi-class segmentation (Lin et al. 2017).

    .. math::

        \ell_i = -\alpha_{y_i}\,(1 - p_{i y_i})^{\gamma} \log p_{i y_i}

    The factor :math:`(1 - p)^\gamma` shrinks the loss of pixels that are
    already well classified, so training focuses on the hard ones. With
    ``reduction="mean"`` the sum over counted pixels is divided by
    :math:`\sum_i \alpha_{y_i}` (their number without ``alpha``), the
    normalisation of :func:`cross_entropy`.

    Parameters
    ----------
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)`` with ``C >= 2`` (for one channel use
        :func:`binary_focal_loss`); any float dtype, float16 and bfloat16
        computed in float32. Softmax outputs give a :class:`ProbabilitiesWarning`.
    target : torch.Tensor
        Integer class indices of shape ``(N, ...)``. A one-hot target
        ``(N, C, ...)`` is an error; convert it with ``target.argmax(1)``.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    alpha : sequence or torch.Tensor, optional
        Per-class weights :math:`\alpha_c` (length ``C``); ``None`` weighs every
        class 1.
    ignore_index : int or None, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the per-pixel loss of shape ``(N, ...)``.

    Returns
    -------
    torch.Tensor
        float32 for float16 or bfloat16 logits, otherwise the dtype of ``logits``.

    Notes
    -----
    Limiting cases: with ``gamma=0`` this equals ``cross_entropy(logits,
    target)``, and with ``gamma=0, alpha=w`` it equals ``cross_entropy(logits,
    target, weight=w)``, normalisation included.

    Stability: the factor is computed from :math:`\log p_{iy}` (``log_softmax``)
    as :math:`\exp(\gamma \log(-\operatorname{expm1}(\log p_{iy})))`, with
    :math:`\log p_{iy}` capped just below 0 (at minus the machine epsilon). So
    a probability that rounds to 1 never meets the infinite slope of
    :math:`(1 - p)^\gamma` at :math:`p = 1` (``gamma < 1``): value and gradient
    stay finite for logits of ``+-1e4``. The cap changes the loss only where
    :math:`1 - p_{iy}` is below the float precision, where it is 0 to that
    precision anyway.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss
       for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[3.0, 0.0], [0.0, 0.0]]])  # an easy and a hard pixel
    >>> target = torch.tensor([[0, 1]])
    >>> focal_loss(logits, target, gamma=2.0, reduction="none")
    tensor([[0.0001, 0.1733]])
    >>> torch.equal(focal_loss(logits, target, gamma=0.0), cross_entropy(logits, target))
    True
    """
    ignore_index = _check_options(reduction, ignore_index)
    gamma = check_number(gamma, "gamma", low=0.0)
    logits = _check_logits(logits, min_channels=2,
                           hint=" (use binary_focal_loss for one channel)")
    target, ignored = _check_target(target, logits, ignore_index)
    _warn_if_probabilities(logits)
    logits = _upcast(logits)
    alpha = _check_class_vector(alpha, "alpha", logits.shape[1], logits)

    log_probs = torch.log_softmax(logits, dim=1)
    valid, safe_target = _valid_mask(target, ignore_index, ignored)
    index = safe_target.unsqueeze(1)
    log_pt = log_probs.gather(1, index).squeeze(1)
    loss = -log_pt
    if gamma > 0:
        # 1 - p_t = -expm1(log p_t), accurate for every p_t that log_softmax
        # resolves. log p_t is kept below -eps: where p_t rounds to 1 the
        # slope of (1 - p_t)^gamma is infinite for gamma < 1, and the clamp
        # turns that slope into a zero gradient instead of inf * 0 = NaN.
        ceiling = -torch.finfo(log_pt.dtype).eps
        log_one_minus_pt = torch.log(-torch.expm1(log_pt.clamp(max=ceiling)))
        loss = loss * torch.exp(gamma * log_one_minus_pt)
    pixel_weight = None
    if alpha is not None:
        pixel_weight = alpha[safe_target]
        loss = loss * pixel_weight
    return _reduce_pixels(loss, valid, pixel_weight, reduction)


def binary_focal_loss(logits, target, *, gamma=2.0, alpha=0.25, ignore_index=-100,
                      reduction="mean"):
    r"""Sigmoid focal loss for a binary (one-channel) segmentation (Lin et al. 2017).

    With :math:`p = \sigma(z)`, the target :math:`y \in [0, 1]` and
    :math:`p_t = p\,y + (1 - p)(1 - y)` (:math:`p` on foreground pixels,
    :math:`1 - p` on background pixels):

    .. math::

        \ell_i = \alpha_t\,(1 - p_t)^{\gamma}\,
                 \mathrm{BCE}(z_i, y_i), \qquad
        \alpha_t = \alpha\,y + (1 - \alpha)(1 - y)

    with :math:`\mathrm{BCE}(z, y) = -y \log p - (1 - y) \log(1 - p)`, which is
    :math:`-\log p_t` for hard labels. This is the formula of torchvision's
    ``sigmoid_focal_loss``, soft labels included; ``alpha=None`` drops the
    class weighting (:math:`\alpha_t = 1`). ``reduction="mean"`` divides by
    the number of counted pixels, as torchvision does (not by the sum of
    :math:`\alpha_t`).

    Parameters
    ----------
    logits : torch.Tensor
        Raw foreground scores of shape ``(N, 1, ...)``, any float dtype
        (float16 and bfloat16 are computed in float32).
    target : torch.Tensor
        Either torch's class indices: an integer (or boolean) mask of shape
        ``(N, ...)`` (or ``(N, 1, ...)``) with values 0, 1 or ``ignore_index``;
        or the convention of ``BCEWithLogitsLoss`` and torchvision's
        ``sigmoid_focal_loss``: a float tensor of the shape of ``logits``
        ``(N, 1, ...)`` with foreground probabilities in [0, 1] (soft labels)
        or ``ignore_index``. A float target of shape ``(N, ...)`` is an error
        (add the channel with ``target.unsqueeze(1)``).
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    alpha : float or None, default 0.25
        Weight :math:`\alpha \in [0, 1]` of the foreground class (background
        gets :math:`1 - \alpha`), or ``None`` for no class weighting.
    ignore_index : int or None, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the per-pixel loss of the shape of ``target``
        (``(N, ...)``, or ``(N, 1, ...)`` for a target of the logits' shape).

    Returns
    -------
    torch.Tensor
        float32 for float16 or bfloat16 logits, otherwise the dtype of ``logits``.

    Notes
    -----
    Limiting case: with ``gamma=0`` and ``alpha=None`` this is
    ``F.binary_cross_entropy_with_logits(logits, target)``, soft labels
    included. A float target holding only 0 and 1 gives the value of the
    integer mask (to float rounding). Stability: for an integer mask
    :math:`-\log p_t` and :math:`\log(1 - p_t)` are both ``logsigmoid`` of
    the signed logit, and :math:`(1 - p_t)^\gamma = \exp(\gamma \log(1 -
    p_t))`; for a float target the cross entropy is torch's
    ``binary_cross_entropy_with_logits`` and :math:`1 - p_t = y (1 - p) +
    (1 - y) p` has no cancellation, floored at the smallest normal float for
    ``gamma < 1`` so that the slope of :math:`(1 - p_t)^\gamma` stays finite.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss
       for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[2.0, -1.0]]])  # N=1, one channel, 2 pixels
    >>> target = torch.tensor([[1, 1]])
    >>> binary_focal_loss(logits, target, gamma=2.0, alpha=None, reduction="none")
    tensor([[0.0018, 0.7019]])
    >>> bce = torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], target.float())
    >>> torch.allclose(binary_focal_loss(logits, target, gamma=0.0, alpha=None), bce)
    True

    Soft labels, in the shape of ``logits`` as ``BCEWithLogitsLoss`` takes them:

    >>> soft = torch.tensor([[[0.9, 0.2]]])
    >>> bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, soft)
    >>> torch.allclose(binary_focal_loss(logits, soft, gamma=0.0, alpha=None), bce)
    True
    """
    ignore_index = _check_options(reduction, ignore_index)
    gamma = check_number(gamma, "gamma", low=0.0)
    alpha = check_number(alpha, "alpha", low=0.0, high=1.0, allow_none=True)
    logits = _check_logits(logits, min_channels=1, max_channels=1,
                           hint=" (use focal_loss for C >= 2)")
    binary = _check_binary_target(target, logits, ignore_index)
    logits = _upcast(logits)
    logit = logits[:, 0]
    if binary.soft:
        valid = None
        labels = binary.labels
        if binary.ignored:
            valid = labels != ignore_index
            labels = labels.masked_fill(~valid, 0.0)
        loss = F.binary_cross_entropy_with_logits(logit, labels, reduction="none")
        if gamma > 0:
            # 1 - p_t = y (1 - p) + (1 - y) p: lerp is exact at its ends y = 0 and 1 and has
            # no cancellation in between. Below gamma = 1 the slope of x^gamma is infinite
            # at 0 (a confident, right pixel): the floor turns it into a zero gradient.
            probs = torch.sigmoid(logit)
            one_minus_pt = torch.lerp(probs, 1.0 - probs, labels)
            if gamma < 1:
                one_minus_pt = one_minus_pt.clamp(min=torch.finfo(one_minus_pt.dtype).tiny)
            loss = loss * one_minus_pt.pow(gamma)
        if alpha is not None:
            loss = loss * ((1.0 - alpha) + (2.0 * alpha - 1.0) * labels)  # alpha_t
    else:
        valid, safe_target = _valid_mask(binary.labels, ignore_index, binary.ignored)
        sign = 2.0 * safe_target.to(logits.dtype) - 1.0  # +1 foreground, -1 background
        signed = logit * sign  # positive when the prediction agrees with the target
        loss = -F.logsigmoid(signed)  # -log p_t
        if gamma > 0:
            loss = loss * torch.exp(gamma * F.logsigmoid(-signed))  # (1 - p_t)^gamma
        if alpha is not None:
            loss = loss * (0.5 + (alpha - 0.5) * sign)  # alpha or 1 - alpha
    result = _reduce_pixels(loss, valid, None, reduction)
    return binary.shape_like_target(result) if reduction == "none" else result


# --------------------------------------------------------------------------
# Overlap losses: Dice and Tversky
# --------------------------------------------------------------------------


def _overlap_terms(logits, target, ignore_index, ignored, include_background, batch, *,
                   squared=False):
    r"""Predicted sizes, target sizes and soft true positives per (image, class).

    Softmax for ``C >= 2`` (one-hot targets), sigmoid for one channel (the
    target is the foreground mask, or foreground probabilities :math:`g` for a
    float target, whose size is then :math:`\sum g^2` with ``squared=True``
    and :math:`\sum g` otherwise). Ignored pixels count nowhere.

    Returns ``(pred_size, target_size, true_positive)``, each of shape
    ``(N, K)`` (``(K,)`` with ``batch=True``): :math:`\sum_i p_{ic}^k`
    (``k = 2`` if ``squared``), :math:`\sum_i g_{ic}` and
    :math:`\sum_i p_{ic} g_{ic}`. For ``C >= 2`` the float one-hot target is
    built with one comparison per class (:func:`_one_hot_channels`: faster
    than a scatter, or than gathering each pixel's own probability, whose
    index kernels are not vectorised on the CPU), and the sums are plain
    tensor operations; :func:`_overlap_terms_formula`, with ``F.one_hot``
    and a mask, is the reference of the tests.
    """
    valid, safe_target = _valid_mask(target, ignore_index, ignored)
    batch_size, num_classes = logits.shape[:2]
    pixels = safe_target[0].numel() if batch_size else int(np.prod(safe_target.shape[1:]))
    # sums over an explicit pixel axis (N, C, P): sum(dim=[]) would add up everything when
    # the images have no axes, and reshape(0, -1) is ambiguous for an empty batch
    dims = [0, 2] if batch else [2]
    if num_classes == 1:
        probs = torch.sigmoid(logits).reshape(batch_size, 1, pixels)
        truth = safe_target.reshape(batch_size, 1, pixels).to(logits.dtype)  # 0 where ignored
        if valid is not None:
            probs = probs * valid.reshape(batch_size, 1, pixels).to(logits.dtype)
        # a hard mask equals its square; soft labels do not
        size = (truth * truth if squared and target.is_floating_point() else truth).sum(dim=dims)
        pred_size = (probs * probs if squared else probs).sum(dim=dims)
        return pred_size, size, (probs * truth).sum(dim=dims)

    index = safe_target.reshape(batch_size, pixels)
    probs = torch.softmax(logits, dim=1).reshape(batch_size, num_classes, pixels)
    one_hot = _one_hot_channels(index, num_classes, probs.dtype)
    powered = probs * probs if squared else probs
    if valid is None:
        pred_size = powered.sum(dim=2)
    else:  # ignored pixels count nowhere: 0 in the one-hot target, left out of the sums
        keep = valid.reshape(batch_size, pixels).to(probs.dtype)
        one_hot.mul_(keep.unsqueeze(1))
        pred_size = torch.bmm(powered, keep.unsqueeze(2)).squeeze(2)
    true_positive, target_size = (probs * one_hot).sum(dim=2), one_hot.sum(dim=2)
    if batch:
        pred_size, target_size = pred_size.sum(dim=0), target_size.sum(dim=0)
        true_positive = true_positive.sum(dim=0)
    if not include_background:
        pred_size, target_size = pred_size[..., 1:], target_size[..., 1:]
        true_positive = true_positive[..., 1:]
    return pred_size, target_size, true_positive


def _one_hot_channels(index: torch.Tensor, num_classes: int, dtype) -> torch.Tensor:
    """The one-hot form ``(N, C, P)`` of class indices ``(N, P)``, one comparison per class
    (faster than a scatter or ``F.one_hot`` for the few classes of a segmentation)."""
    one_hot = torch.empty(index.shape[0], num_classes, index.shape[1], dtype=dtype,
                          device=index.device)
    for c in range(num_classes):
        torch.eq(index, c, out=one_hot[:, c])
    return one_hot


def _overlap_terms_formula(logits, target, ignore_index, include_background, batch, *,
                           squared=False):
    """:func:`_overlap_terms` for ``C >= 2`` written out with a one-hot target: the tests'
    reference (softmax, one-hot, mask, sums; autograd for the gradient)."""
    num_classes = logits.shape[1]
    probs = torch.softmax(logits, dim=1)
    counted = torch.ones_like(target, dtype=torch.bool) if ignore_index is None else (
        target != ignore_index)
    one_hot = F.one_hot(target.masked_fill(~counted, 0), num_classes).movedim(-1, 1)
    mask = counted.unsqueeze(1).to(probs.dtype)
    one_hot = one_hot.to(probs.dtype) * mask
    probs = probs * mask
    dims = [0, *range(2, logits.ndim)] if batch else list(range(2, logits.ndim))
    pred_size = (probs * probs if squared else probs).sum(dim=dims)
    target_size, true_positive = one_hot.sum(dim=dims), (probs * one_hot).sum(dim=dims)
    if not include_background:
        pred_size, target_size = pred_size[..., 1:], target_size[..., 1:]
        true_positive = true_positive[..., 1:]
    return pred_size, target_size, true_positive


def _check_overlap_target(target, logits, ignore_index):
    """The target of Dice and Tversky: class indices, or for one channel also a float
    target of the logits' shape (foreground probabilities, soft labels included)."""
    if logits.shape[1] == 1:
        binary = _check_binary_target(target, logits, ignore_index)
        return binary.labels, binary.ignored
    target, ignored = _check_target(target, logits, ignore_index)
    _warn_if_probabilities(logits)
    return target, ignored


def _reduce_scores(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def dice_loss(logits, target, *, smooth=1e-5, squared=False, batch=False,
              include_background=True, ignore_index=-100, reduction="mean"):
    r"""Soft Dice loss (Milletari et al. 2016), per image and class.

    With probabilities :math:`p` (softmax over ``C >= 2`` channels, sigmoid for
    one channel) and the one-hot target :math:`g`, summed over the pixels of
    each image (and over the batch with ``batch=True``):

    .. math::

        L_c = 1 - \frac{2 \sum_i p_{ic} g_{ic} + s}{\sum_i p_{ic}^k + \sum_i g_{ic}^k + s},
        \qquad k = 2 \text{ if squared else } 1

    The formula of MONAI's ``DiceLoss`` with ``smooth_nr = smooth_dr = smooth``.

    Parameters
    ----------
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``; one channel means a binary task.
        Any float dtype: float16 and bfloat16 are computed in float32, so the
        sums over large images neither overflow nor round. Softmax outputs
        give a :class:`ProbabilitiesWarning`.
    target : torch.Tensor
        Integer class indices of shape ``(N, ...)`` (0/1 for one channel; a
        one-hot target is an error, convert it with ``target.argmax(1)``). For
        one channel also a float tensor of the shape of ``logits``: foreground
        probabilities :math:`g \in [0, 1]` (soft labels), as MONAI and
        ``BCEWithLogitsLoss`` take them; hard 0/1 values give the value of
        the integer mask.
    smooth : float, default 1e-5
        :math:`s \ge 0`, added to numerator and denominator: a class absent
        from both target and prediction then scores loss 0, not 0/0.
    squared : bool, default False
        Square the terms of the denominator (Milletari's V-Net form).
    batch : bool, default False
        Sum over the whole batch before dividing (one Dice per class) instead
        of one Dice per image and class.
    include_background : bool, default True
        ``False`` drops channel 0 (ignored for one channel, which is the
        foreground).
    ignore_index : int or None, default -100
        Pixels with this target value are left out of every sum.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the losses of shape ``(N, K)`` (``(K,)`` with
        ``batch=True``), ``K`` the number of classes counted.

    Returns
    -------
    torch.Tensor
        float32 for float16 or bfloat16 logits, otherwise the dtype of ``logits``.

    Notes
    -----
    Limiting cases: a perfect one-hot prediction has loss 0 for every class
    present; with ``smooth=0`` it equals :func:`tversky_loss` with
    ``alpha=beta=0.5``. Soft labels enter the sums as they are
    (:math:`\sum g`, or :math:`\sum g^2` with ``squared=True``), as in MONAI.

    Memory: for ``C >= 2`` the loss builds the one-hot target, a tensor of the
    shape of ``logits`` in its compute dtype, as MONAI does (one comparison
    per class: on the CPU faster than indexing each pixel's own class).

    Empty input: an empty batch (``N = 0``) has no (image, class) loss, so
    ``"mean"`` gives NaN, ``"sum"`` 0 and ``"none"`` a ``(0, K)`` tensor, as
    torch's losses do. With ``batch=True`` the K per-class losses of an empty
    batch are those of a class absent from target and prediction:
    :math:`1 - s / s = 0` (NaN with ``smooth=0``).

    References
    ----------
    .. [1] F. Milletari, N. Navab and S.-A. Ahmadi, "V-Net: Fully
       Convolutional Neural Networks for Volumetric Medical Image
       Segmentation", 3DV 2016.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[0.0, 0.0, 0.0, 0.0]]])  # one channel: p = 0.5 everywhere
    >>> target = torch.tensor([[1, 1, 0, 0]])
    >>> float(dice_loss(logits, target, smooth=0.0))  # 1 - 2 * 1 / (2 + 2)
    0.5
    """
    ignore_index = _check_options(reduction, ignore_index)
    smooth = check_number(smooth, "smooth", low=0.0)
    squared = check_bool(squared, "squared")
    batch = check_bool(batch, "batch")
    include_background = check_bool(include_background, "include_background")
    logits = _check_logits(logits)
    target, ignored = _check_overlap_target(target, logits, ignore_index)
    logits = _upcast(logits)

    pred_size, target_size, intersection = _overlap_terms(
        logits, target, ignore_index, ignored, include_background, batch, squared=squared)
    # target_size counts the one-hot target, whose squares are itself (g^2 = g)
    loss = 1.0 - (2.0 * intersection + smooth) / (pred_size + target_size + smooth)
    return _reduce_scores(loss, reduction)


def tversky_loss(logits, target, *, alpha=0.5, beta=0.5, smooth=1e-5, batch=False,
                 include_background=True, ignore_index=-100, reduction="mean"):
    r"""Tversky loss (Salehi et al. 2017): Dice with separate weights on FP and FN.

    With soft counts per image and class :math:`TP = \sum_i p_i g_i`,
    :math:`FP = \sum_i p_i (1 - g_i)`, :math:`FN = \sum_i (1 - p_i) g_i`:

    .. math::

        L_c = 1 - \frac{TP + s}{TP + \alpha\,FP + \beta\,FN + s}

    The formula of MONAI's ``TverskyLoss`` with ``smooth_nr = smooth_dr = smooth``.

    Parameters
    ----------
    logits, target
        As for :func:`dice_loss`: class indices, or for one channel also
        foreground probabilities of the shape of ``logits`` (soft labels
        :math:`g \in [0, 1]`, which enter :math:`TP`, :math:`FP` and
        :math:`FN` as they are).
    alpha : float, default 0.5
        Weight :math:`\alpha \ge 0` of false positives.
    beta : float, default 0.5
        Weight :math:`\beta \ge 0` of false negatives; ``beta > alpha``
        favours recall, which helps small structures.
    smooth, batch, include_background, ignore_index, reduction
        As for :func:`dice_loss`.

    Returns
    -------
    torch.Tensor
        float32 for float16 or bfloat16 logits, otherwise the dtype of ``logits``.

    Notes
    -----
    Limiting cases: with ``smooth=0``, ``alpha=beta=0.5`` gives the Dice loss
    and ``alpha=beta=1`` the soft Jaccard (IoU) loss
    :math:`1 - TP / (TP + FP + FN)`. Empty input as :func:`dice_loss`: an
    empty batch gives NaN (``"mean"``), 0 (``"sum"``) or a ``(0, K)`` tensor.
    Memory as :func:`dice_loss`: the one-hot target, of the shape of ``logits``.

    References
    ----------
    .. [1] S. S. M. Salehi, D. Erdogmus and A. Gholipour, "Tversky Loss
       Function for Image Segmentation Using 3D Fully Convolutional Deep
       Networks", MLMI 2017.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[0.0, 0.0, 0.0, 0.0]]])  # p = 0.5: TP = FP = FN = 1
    >>> target = torch.tensor([[1, 1, 0, 0]])
    >>> round(float(tversky_loss(logits, target, alpha=1.0, beta=1.0, smooth=0.0)), 4)  # 1 - 1/3
    0.6667
    """
    ignore_index = _check_options(reduction, ignore_index)
    alpha = check_number(alpha, "alpha", low=0.0)
    beta = check_number(beta, "beta", low=0.0)
    smooth = check_number(smooth, "smooth", low=0.0)
    batch = check_bool(batch, "batch")
    include_background = check_bool(include_background, "include_background")
    logits = _check_logits(logits)
    target, ignored = _check_overlap_target(target, logits, ignore_index)
    logits = _upcast(logits)

    pred_size, target_size, true_positive = _overlap_terms(
        logits, target, ignore_index, ignored, include_background, batch)
    false_positive = pred_size - true_positive  # sum p (1 - g)
    false_negative = target_size - true_positive  # sum (1 - p) g
    denominator = true_positive + alpha * false_positive + beta * false_negative + smooth
    loss = 1.0 - (true_positive + smooth) / denominator
    return _reduce_scores(loss, reduction)


# --------------------------------------------------------------------------
# Boundary loss
# --------------------------------------------------------------------------


def signed_distance_map(target, *, num_classes=None, ignore_index=-100):
    r"""Signed Euclidean distance of every pixel to the boundary of each class.

    For class :math:`c` with region :math:`G_c`:

    .. math::

        \phi_c(q) = \begin{cases}
            -\,d(q, \Omega \setminus G_c) & q \in G_c \\
            \phantom{-}\,d(q, G_c) & q \notin G_c
        \end{cases}

    where :math:`d(q, S)` is the Euclidean distance from pixel :math:`q` to
    the nearest pixel of :math:`S` (in pixels). So the map is negative inside
    the region, positive outside, and its magnitude grows with the distance
    to the boundary: the pixels on either side of the boundary get
    :math:`\mp 1`.

    Parameters
    ----------
    target : torch.Tensor or numpy.ndarray
        Integer label maps of shape ``(N, ...)`` (1-D, 2-D or 3-D images, or
        more dimensions); float tensors of any dtype (float16, bfloat16)
        holding whole class numbers are accepted too.
    num_classes : int, optional
        Number of classes ``C``; ``None`` infers ``max(target) + 1``.
    ignore_index : int or None, default -100
        Pixels with this value belong to no class region and get 0 in every
        map (so they add nothing to :func:`boundary_loss`).

    Returns
    -------
    torch.Tensor or numpy.ndarray
        Maps of shape ``(N, C, ...)``: float32 on the device of ``target``
        for a tensor, float64 for an array (whose distances the ``edt``
        path, for 2-D images from 40 x 40 pixels, 3-D ones from 20^3 and 1-D
        ones, rounds to float32: 7 significant digits).

    Notes
    -----
    Empty masks: a class absent from an image (or covering all of it) has no
    boundary there, and its map is 0 everywhere in that image, so it adds
    nothing to the boundary loss (as in Kervadec et al.'s code and MONAI's
    ``BoundaryLoss``). Ignored pixels count as outside every class: a class
    that covers every counted pixel of an image still has a boundary where it
    meets them (for example a void band of value 255), and a map there.
    Kervadec et al.'s code subtracts 1 inside, so the inner rim is 0; here
    both rims are :math:`\mp 1` and the map is never 0 at a counted pixel of
    an image in which the class has a boundary.

    References
    ----------
    .. [1] H. Kervadec, J. Bouchtiba, C. Desrosiers, É. Granger, J. Dolz and
       I. Ben Ayed, "Boundary loss for highly unbalanced segmentation",
       MIDL 2019.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[0, 0, 1, 1, 1]])  # one 1-D "image"
    >>> signed_distance_map(target, num_classes=2)[0, 1]
    array([ 2.,  1., -1., -2., -3.])
    """
    ignore_index = _check_ignore_index(ignore_index)
    num_classes = check_positive_int(num_classes, "num_classes", allow_none=True)
    is_tensor = isinstance(target, torch.Tensor)
    labels = check_label_map(target, "target", num_classes=num_classes, ignore_index=ignore_index)
    if labels.ndim < 2:
        raise argument_error("target", "label maps of shape (N, ...) with at least 2 dimensions",
                             labels)
    valid = labels >= 0 if ignore_index is None else labels != ignore_index
    if num_classes is None:
        num_classes = int(labels[valid].max()) + 1 if valid.any() else 1
    maps = _distance_maps(labels, valid, num_classes, range(num_classes))
    if is_tensor:
        return torch.as_tensor(maps, dtype=torch.float32).to(target.device)
    return maps


def _distance_maps(labels: np.ndarray, valid: np.ndarray, num_classes: int, classes):
    """The maps of :func:`signed_distance_map` for ``classes`` only (others stay 0).

    With the ``edt`` package (Silversmith's multi-label Euclidean distance
    transform, installed with the ``torch`` extra) one multi-label transform
    of the label map gives every pixel its distance to the nearest pixel of
    another label, which is the inside half of its own class's map; one
    binary transform per class present gives the outside half. That is
    ``C + 1`` transforms instead of scipy's ``2 C``, each about 2 to 3 times
    faster. Without ``edt``, for images of more than 3 dimensions, and for
    small images (below ``_EDT_MIN_PIXELS``, where edt's fixed cost per call
    outweighs its speed), scipy's ``distance_transform_edt`` computes both
    halves (:func:`_distance_maps_scipy`, the reference the tests compare
    with). Both give the exact Euclidean distance; ``edt`` rounds it to
    float32 (7 significant digits).
    """
    edt = _edt_module(labels.shape[1:])
    if edt is None:
        return _distance_maps_scipy(labels, valid, num_classes, classes)
    maps = np.zeros((labels.shape[0], num_classes, *labels.shape[1:]))
    # code 0 for ignored pixels (a region of no class), c + 1 for class c
    code_type = np.uint8 if num_classes < 255 else (np.uint16 if num_classes < 65535
                                                    else np.uint32)
    for n in range(labels.shape[0]):
        codes = labels[n].astype(code_type)  # values out of range are ignored ones
        codes += 1
        codes[~valid[n]] = 0
        counts = np.bincount(codes.ravel(), minlength=num_classes + 1)
        present = [c for c in classes if 0 < counts[c + 1] < codes.size]  # with a boundary
        if not present:
            continue  # no boundary: every map stays 0
        # distance of each counted pixel to the nearest pixel not of its class (0 if ignored)
        inside_distance = edt.edt(codes, black_border=False, parallel=1)
        for c in present:
            inside = codes == c + 1
            outside_distance = edt.edt(~inside, black_border=False, parallel=1)
            phi = np.where(inside, -inside_distance, outside_distance)
            maps[n, c] = phi if counts[0] == 0 else np.where(codes > 0, phi, 0.0)
    return maps


# Pixels per image from which the edt package is faster than scipy (measured with
# bench/bench_limits.py's shapes and smaller ones: below them edt's fixed cost per
# call, about 50 us, outweighs its faster passes; 2-D at 40 x 40, 3-D near 20^3).
_EDT_MIN_PIXELS = {1: 0, 2: 1600, 3: 8000}


def _edt_module(image_shape: tuple):
    """The ``edt`` package for images of ``image_shape`` where it is the faster transform,
    else ``None`` (not installed, 4-D and up, or small images: scipy)."""
    minimum = _EDT_MIN_PIXELS.get(len(image_shape))
    if minimum is None or math.prod(image_shape) < minimum:
        return None
    try:
        import edt
    except ImportError:
        return None
    return edt


def _distance_maps_scipy(labels: np.ndarray, valid: np.ndarray, num_classes: int, classes):
    """:func:`_distance_maps` with two scipy transforms per class and image: the reference."""
    from scipy import ndimage

    valid_everywhere = bool(valid.all())
    maps = np.zeros((labels.shape[0], num_classes, *labels.shape[1:]))
    for n in range(labels.shape[0]):
        for c in classes:
            inside = (labels[n] == c) & valid[n]
            if not inside.any() or inside.all():
                continue  # no boundary: the map stays 0
            # each transform is 0 on the other side, so their difference is the map
            phi = ndimage.distance_transform_edt(~inside) - ndimage.distance_transform_edt(inside)
            maps[n, c] = phi if valid_everywhere else np.where(valid[n], phi, 0.0)
    return maps


def boundary_loss(logits, distance_maps, *, include_background=False, reduction="mean"):
    r"""Boundary loss (Kervadec et al. 2019): probabilities weighted by signed distances.

    .. math::

        L_B = \frac{1}{N K |\Omega|} \sum_{n} \sum_{c} \sum_{q \in \Omega}
              \phi_{nc}(q)\, p_{nc}(q)

    with :math:`\phi` from :func:`signed_distance_map` and :math:`p` the
    softmax probabilities (sigmoid for one channel). Probability put outside a
    region costs its distance to the region; probability inside earns it. The
    loss is lowest, not zero, for the perfect segmentation, and it is used
    together with a regional loss (see :func:`boundary_loss_weights`).

    Parameters
    ----------
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``, any float dtype (float16 and
        bfloat16 are computed in float32). Softmax outputs give a
        :class:`ProbabilitiesWarning`.
    distance_maps : torch.Tensor
        Float maps of the same shape, any float dtype, usually
        ``signed_distance_map(target, num_classes=C)`` (float32).
    include_background : bool, default False
        Kervadec et al. apply the loss to the foreground classes only; ``True``
        includes channel 0 (ignored for one channel).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over images, classes and pixels (as Kervadec et
        al. and MONAI's ``BoundaryLoss``); ``"none"`` returns the products of
        shape ``(N, K, ...)``.

    Returns
    -------
    torch.Tensor
        float32 for float16 or bfloat16 logits, otherwise the dtype of ``logits``.

    Notes
    -----
    Limiting case: the loss is linear in the probabilities, so its gradient
    with respect to :math:`p` is the distance map itself; a pixel of a class
    with an all-zero map (absent class) feels no force.

    References
    ----------
    .. [1] H. Kervadec, J. Bouchtiba, C. Desrosiers, É. Granger, J. Dolz and
       I. Ben Ayed, "Boundary loss for highly unbalanced segmentation",
       MIDL 2019.

    Examples
    --------
    >>> import torch
    >>> target = torch.tensor([[0, 0, 1, 1, 1]])
    >>> maps = signed_distance_map(target, num_classes=2)
    >>> good = torch.tensor([[[9.0, 9, -9, -9, -9], [-9.0, -9, 9, 9, 9]]])
    >>> bad = -good
    >>> bool(boundary_loss(good, maps) < boundary_loss(bad, maps))
    True
    """
    check_choice(reduction, "reduction", _REDUCTIONS)
    include_background = check_bool(include_background, "include_background")
    logits = _check_logits(logits)
    if not isinstance(distance_maps, torch.Tensor):
        raise argument_error("distance_maps", "a torch tensor", type(distance_maps).__name__,
                             type_error=True)
    if not distance_maps.is_floating_point() or distance_maps.shape != logits.shape:
        raise argument_error("distance_maps", f"a float tensor of the shape of `logits` "
                             f"{tuple(logits.shape)}", distance_maps)
    _warn_if_probabilities(logits)
    logits = _upcast(logits)
    distance_maps = distance_maps.to(dtype=logits.dtype)
    if logits.shape[1] == 1:
        probs = torch.sigmoid(logits)
    else:
        probs = torch.softmax(logits, dim=1)
        if not include_background:
            probs, distance_maps = probs[:, 1:], distance_maps[:, 1:]
    return _reduce_scores(probs * distance_maps, reduction)


def boundary_loss_weights(epoch, *, step=0.01, minimum=0.01):
    r"""Weights of the regional and the boundary loss at ``epoch`` (Kervadec et al. 2019).

    The paper trains with :math:`\alpha\, L_R + (1 - \alpha)\, L_B`, starting
    from :math:`\alpha = 1` (regional loss only) and lowering :math:`\alpha`
    by 0.01 after each epoch, down to a floor of 0.01:

    .. math:: \alpha_t = \max(\text{minimum},\ 1 - \text{step} \cdot t)

    Parameters
    ----------
    epoch : int
        Epoch number :math:`t \ge 0` (0 for the first epoch).
    step : float, default 0.01
        How much weight moves from the regional to the boundary loss per epoch.
    minimum : float, default 0.01
        Floor of the regional weight, in ``[0, 1]``.

    Returns
    -------
    tuple of float
        ``(region_weight, boundary_weight)`` = :math:`(\alpha_t, 1 - \alpha_t)`,
        ready for ``CompoundLoss.weights``.

    Notes
    -----
    The authors' public code has a variant ("StealWeight"): it also moves
    0.01 per epoch from the regional to the boundary weight, but floors the
    regional weight at 0.1 and lets the boundary weight keep growing, so
    the two no longer sum to 1.

    References
    ----------
    .. [1] H. Kervadec et al., "Boundary loss for highly unbalanced
       segmentation", MIDL 2019.

    Examples
    --------
    >>> boundary_loss_weights(0)
    (1.0, 0.0)
    >>> boundary_loss_weights(30)
    (0.7, 0.3)
    >>> boundary_loss_weights(500)
    (0.01, 0.99)
    """
    epoch = check_int(epoch, "epoch", minimum=0)
    step = check_number(step, "step", low=0.0)
    minimum = check_number(minimum, "minimum", low=0.0, high=1.0)
    region = max(minimum, 1.0 - step * epoch)
    region = round(region, 12)  # 1 - 0.01 * 30 is 0.7000000000000001 in binary
    return region, round(1.0 - region, 12)


# --------------------------------------------------------------------------
# Gradients, for the chapter's pictures
# --------------------------------------------------------------------------


def loss_gradient(loss, logits, target, **options):
    r"""Gradient of a loss with respect to the logits, one value per pixel and channel.

    Computes :math:`\partial L / \partial z_{nc\ldots}` by autograd for any
    loss of this module (a function or a module) called as
    ``loss(logits, target, **options)``. A non-scalar result (``reduction="none"``)
    is summed first.

    Parameters
    ----------
    loss : callable
        For example :func:`cross_entropy` or ``DiceLoss()``.
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``; not modified.
    target : torch.Tensor
        What ``loss`` takes as its second argument.
    **options
        Keyword options passed to ``loss``.

    Returns
    -------
    torch.Tensor
        The gradient, detached, of the shape of ``logits``.

    Notes
    -----
    With ``reduction="mean"`` every pixel's gradient is divided by the number
    of pixels; pass ``reduction="sum"`` to see the per-pixel values. For cross
    entropy the gradient is :math:`p - \text{one-hot}(y)`.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[0.0], [0.0]]])  # p = (0.5, 0.5)
    >>> loss_gradient(cross_entropy, logits, torch.tensor([[1]]), reduction="sum")
    tensor([[[ 0.5000],
             [-0.5000]]])
    """
    if not callable(loss):
        raise argument_error("loss", "a callable loss", type(loss).__name__, type_error=True)
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise argument_error("logits", "a floating-point torch tensor", describe(logits),
                             type_error=not isinstance(logits, torch.Tensor))
    leaf = logits.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        value = loss(leaf, target, **options)
        if value.ndim:
            value = value.sum()
        (gradient,) = torch.autograd.grad(value, leaf)
    return gradient


# --------------------------------------------------------------------------
# Maps, shares and curves, for the chapter's pictures and demos
# --------------------------------------------------------------------------


def target_probability(logits, target, *, ignore_index=-100):
    r"""The probability :math:`p_t` that the model gives each pixel's true class.

    .. math::

        p_t = \begin{cases} \operatorname{softmax}(z)_{y} & C \ge 2 \\
                            \sigma(z)\ \text{if}\ y = 1,\ 1 - \sigma(z)\ \text{if}\ y = 0
                            & C = 1 \end{cases}

    computed as ``exp(log_softmax)`` (``exp(logsigmoid)`` of the signed logit
    for one channel), so it stays exact for logits of ``+-1e4``. The focal
    loss sorts pixels by it: "easy" pixels have :math:`p_t` near 1.

    Parameters
    ----------
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``, any float dtype (float16 and
        bfloat16 are computed in float32).
    target : torch.Tensor
        Integer class indices of shape ``(N, ...)`` (for one channel: 0 or 1).
    ignore_index : int or None, default -100
        Pixels with this target value get NaN: they have no true class.

    Returns
    -------
    torch.Tensor
        :math:`p_t` of shape ``(N, ...)``, detached, in the compute dtype
        (float32 for float16 or bfloat16 logits).

    Raises
    ------
    TypeError, ValueError
        For logits that are not a float tensor of shape ``(N, C, ...)``, or a
        target that is not class indices of shape ``(N, ...)`` (the message
        names the argument).

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[2.0, 0.0], [0.0, 0.0]]])  # N=1, C=2, 2 pixels
    >>> target_probability(logits, torch.tensor([[0, 1]]))
    tensor([[0.8808, 0.5000]])
    """
    ignore_index = _check_ignore_index(ignore_index)
    logits = _check_logits(logits)
    if logits.shape[1] == 1:
        target, ignored = _check_target(target, logits, ignore_index, num_classes=2)
    else:
        target, ignored = _check_target(target, logits, ignore_index)
    logits = _upcast(logits.detach())
    valid, safe_target = _valid_mask(target, ignore_index, ignored)
    if logits.shape[1] == 1:
        sign = 2.0 * safe_target.to(logits.dtype) - 1.0
        probability = torch.exp(F.logsigmoid(logits[:, 0] * sign))
    else:
        log_probs = torch.log_softmax(logits, dim=1)
        probability = torch.exp(log_probs.gather(1, safe_target.unsqueeze(1)).squeeze(1))
    if valid is not None:
        probability = probability.masked_fill(~valid, math.nan)
    return probability


def _check_loss_callable(loss, options):
    if isinstance(loss, nn.Module) or not callable(loss):
        raise argument_error("loss", "a loss function of this module, such as cross_entropy "
                             "(a module keeps its own reduction: pass its functional form)",
                             type(loss).__name__, type_error=True)
    if "reduction" in options:
        raise argument_error("reduction", "left out: the map sets it itself",
                             repr(options["reduction"]))


def loss_map(loss, logits, target, **options):
    r"""The loss of every pixel: ``loss(logits, target, reduction="none")``, one value per pixel.

    For cross entropy :math:`\ell_i = -w_{y_i} \log p_{i y_i}` (with label
    smoothing, its smoothed form), for the focal loss
    :math:`\ell_i = -\alpha_{y_i} (1 - p_{i y_i})^\gamma \log p_{i y_i}`;
    for the boundary loss, whose ``"none"`` form is ``(N, K, ...)`` (one
    product :math:`\phi_c(q)\, p_c(q)` per class), the sum over the classes
    counted. Ignored pixels are 0, as in the losses.

    Parameters
    ----------
    loss : callable
        A functional loss of this module that takes ``reduction=``:
        :func:`cross_entropy`, :func:`focal_loss`, :func:`binary_focal_loss`
        or :func:`boundary_loss` (whose second argument is the distance maps).
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``.
    target : torch.Tensor
        What ``loss`` takes as its second argument.
    **options
        Keyword options of ``loss`` (``weight=``, ``gamma=``, ...), but not
        ``reduction``, which this sets.

    Returns
    -------
    torch.Tensor
        Shape ``(N, ...)``, detached; the dtype the loss returns.

    Raises
    ------
    TypeError
        If ``loss`` is not a function (a module keeps its own reduction).
    ValueError
        If ``reduction`` is passed, or if ``loss`` has no loss per pixel:
        :func:`dice_loss` and :func:`tversky_loss` divide sums over the whole
        image, so a pixel has a gradient (:func:`gradient_map`) but no loss
        of its own.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[2.0, 0.0], [0.0, 0.0]]])
    >>> loss_map(cross_entropy, logits, torch.tensor([[0, 1]]))  # -log(0.8808), -log(0.5)
    tensor([[0.1269, 0.6931]])
    """
    _check_loss_callable(loss, options)
    with torch.no_grad():
        value = loss(logits, target, reduction="none", **options)
    if isinstance(logits, torch.Tensor) and logits.ndim >= 2:
        pixels = (logits.shape[0], *logits.shape[2:])
        if tuple(value.shape) == pixels:
            return value.detach()
        if value.ndim == logits.ndim and tuple(value.shape[2:]) == tuple(logits.shape[2:]) and (
                value.shape[0] == logits.shape[0]) and logits.ndim > 2:
            return value.detach().sum(dim=1)  # the boundary loss: one product per class
    name = getattr(loss, "__name__", type(loss).__name__)
    raise argument_error("loss", "a loss with one value per pixel (cross_entropy, focal_loss, "
                         "binary_focal_loss, boundary_loss); Dice and Tversky divide sums over "
                         "the image, so use gradient_map for them",
                         f"{name}, whose reduction='none' has shape {tuple(value.shape)}")


def gradient_map(loss, logits, target, *, channel=-1, **options):
    r"""The gradient of a loss with respect to one channel's logit, at every pixel.

    :math:`\partial L / \partial z_{n, c, \ldots}` for the channel ``c`` =
    ``channel``, by autograd (:func:`loss_gradient`). Gradient descent moves
    each logit against it: a negative value raises the logit (more of that
    class), a positive value lowers it. For a two-channel softmax the
    gradients of the two channels are opposite (they sum to 0 over the
    channels, for any loss of the softmax probabilities), so the map of the
    foreground channel 1 holds everything; for cross entropy with
    ``reduction="sum"`` it is :math:`p_1 - [y = 1]`.

    Parameters
    ----------
    loss : callable
        Any loss of this module, a function or a module.
    logits : torch.Tensor
        Raw scores of shape ``(N, C, ...)``; not modified.
    target : torch.Tensor
        What ``loss`` takes as its second argument.
    channel : int, default -1
        The channel whose logit the map shows; the default, the last, is the
        foreground of a binary output (channel 1 of two, or the one channel).
    **options
        Keyword options of ``loss``; ``reduction="mean"`` (the default of the
        losses, as in training) divides a pixelwise loss's gradients by the
        number of pixels, ``reduction="sum"`` shows each pixel's own.

    Returns
    -------
    torch.Tensor
        Shape ``(N, ...)``, detached, in the dtype of ``logits``.

    Raises
    ------
    TypeError, ValueError
        For a loss that is not callable, logits that are not a float tensor
        of shape ``(N, C, ...)``, or a channel out of range.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[0.0, 0.0], [0.0, 2.0]]])  # p(foreground) = 0.5, 0.8808
    >>> gradient_map(cross_entropy, logits, torch.tensor([[1, 0]]), reduction="sum")
    tensor([[-0.5000,  0.8808]])
    """
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point() or logits.ndim < 2:
        raise argument_error("logits", "a floating-point torch tensor of shape (N, C, ...)",
                             describe(logits), type_error=not isinstance(logits, torch.Tensor))
    channels = logits.shape[1]
    channel = check_int(channel, "channel")
    if not -channels <= channel < channels:
        raise argument_error("channel", f"a channel index in [{-channels}, {channels - 1}]",
                             describe(channel))
    return loss_gradient(loss, logits, target, **options)[:, channel]


def loss_share_by_difficulty(pixel_loss, probability, *, threshold=0.9):
    r"""How the total loss splits between easy pixels (:math:`p_t >` ``threshold``) and hard ones.

    .. math::

        \text{easy share} = \frac{\sum_{i:\, p_{t,i} > \tau} \ell_i}{\sum_i \ell_i},
        \qquad \text{hard share} = 1 - \text{easy share}

    The focal loss (Lin et al. 2017) exists because with cross entropy the
    many easy pixels, each with a small loss, together carry much of the
    total; its factor :math:`(1 - p_t)^\gamma` shrinks their share.

    Parameters
    ----------
    pixel_loss : array or tensor
        Per-pixel losses (for example from :func:`loss_map`), any shape,
        finite and ``>= 0``.
    probability : array or tensor of the same shape
        :math:`p_t` of every pixel (:func:`target_probability`); pixels where
        it is NaN (ignored) count nowhere.
    threshold : float, default 0.9
        :math:`\tau \in [0, 1]`.

    Returns
    -------
    dict
        ``easy_share``, ``hard_share`` (floats summing to 1; NaN when the
        total loss is 0), ``easy_pixels``, ``hard_pixels`` (counts) and
        ``total`` (the summed loss), all Python numbers.

    Raises
    ------
    ValueError
        For arrays of different shapes, negative or non-finite losses, or a
        threshold outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> shares = loss_share_by_difficulty(np.array([0.01, 0.01, 0.02, 1.0]),
    ...                                   np.array([0.99, 0.99, 0.98, 0.4]))
    >>> round(shares["easy_share"], 4), shares["easy_pixels"], shares["hard_pixels"]
    (0.0385, 3, 1)
    """
    from segcourse._validation import check_same_shape, to_numpy

    losses = np.asarray(to_numpy(pixel_loss, "pixel_loss"), dtype=np.float64)
    probability = np.asarray(to_numpy(probability, "probability"), dtype=np.float64)
    check_same_shape(losses, probability, "pixel_loss", "probability")
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    counted = ~np.isnan(probability)
    if not (np.isfinite(losses[counted]).all() and (losses[counted] >= 0).all()):
        raise argument_error("pixel_loss", "finite losses >= 0", "negative or non-finite values")
    if ((probability[counted] < 0) | (probability[counted] > 1)).any():
        raise argument_error("probability", "probabilities in [0, 1] (or NaN where ignored)",
                             "values outside [0, 1]")
    easy = counted & (probability > threshold)
    hard = counted & ~easy
    total = float(losses[counted].sum())
    easy_loss = float(losses[easy].sum())
    easy_share = easy_loss / total if total > 0 else math.nan
    return {"easy_share": easy_share,
            "hard_share": 1.0 - easy_share if total > 0 else math.nan,
            "easy_pixels": int(easy.sum()), "hard_pixels": int(hard.sum()), "total": total}


def loss_share_by_class(pixel_loss, target, *, num_classes=None, ignore_index=-100):
    r"""The share of the total loss carried by the pixels of each true class.

    .. math:: s_c = \frac{\sum_{i:\, y_i = c} \ell_i}{\sum_i \ell_i}

    Under class imbalance the background's many pixels carry most of an
    unweighted cross entropy even when each of them is easy; class weights
    (:func:`class_weights`) move the balance towards the rare classes.

    Parameters
    ----------
    pixel_loss : array or tensor
        Per-pixel losses ``(N, ...)`` (:func:`loss_map`), finite, ``>= 0``.
    target : array or tensor of the same shape
        Integer class indices ``0..C-1`` or ``ignore_index``.
    num_classes : int, optional
        ``C``; ``None`` infers ``max(target) + 1``.
    ignore_index : int or None, default -100
        Pixels with this target value count nowhere.

    Returns
    -------
    numpy.ndarray
        Float64 shares of shape ``(C,)`` summing to 1 (NaN when the total
        loss is 0).

    Raises
    ------
    ValueError
        For arrays of different shapes, negative or non-finite losses, or a
        target that is not a label map.

    Examples
    --------
    >>> import numpy as np
    >>> loss_share_by_class(np.array([[0.1, 0.1, 0.1, 0.7]]), np.array([[0, 0, 0, 1]]))
    array([0.3, 0.7])
    """
    from segcourse._validation import check_same_shape, to_numpy

    ignore_index = _check_ignore_index(ignore_index)
    num_classes = check_positive_int(num_classes, "num_classes", allow_none=True)
    losses = np.asarray(to_numpy(pixel_loss, "pixel_loss"), dtype=np.float64)
    labels = check_label_map(target, "target", num_classes=num_classes,
                             ignore_index=ignore_index)
    check_same_shape(losses, labels, "pixel_loss", "target")
    valid = labels >= 0 if ignore_index is None else labels != ignore_index
    if not (np.isfinite(losses[valid]).all() and (losses[valid] >= 0).all()):
        raise argument_error("pixel_loss", "finite losses >= 0", "negative or non-finite values")
    if num_classes is None:
        num_classes = int(labels[valid].max()) + 1 if valid.any() else 1
    per_class = np.bincount(labels[valid], weights=losses[valid], minlength=num_classes)
    total = per_class.sum()
    return per_class / total if total > 0 else np.full(num_classes, math.nan)


def focal_curves(probability, gammas, *, alpha=1.0):
    r"""The focal loss of one pixel as a function of :math:`p_t`, for several :math:`\gamma`.

    .. math:: \mathrm{FL}(p_t) = -\alpha\, (1 - p_t)^{\gamma} \ln p_t

    with the natural logarithm (the logarithm of cross entropy; a base-10
    logarithm, seen in some copies of the figure, shrinks every curve by
    :math:`\ln 10 \approx 2.3`). :math:`\gamma = 0` is cross entropy; at
    :math:`p_t = 0.9`, :math:`\gamma = 2` divides it by
    :math:`1 / 0.1^2 = 100`, at :math:`p_t = 0.5` by 4 (Lin et al. 2017,
    figure 1).

    Parameters
    ----------
    probability : array of float
        :math:`p_t` values in ``(0, 1]``, shape ``(P,)`` (or a number).
    gammas : array of float
        :math:`\gamma \ge 0` values, shape ``(G,)`` (or a number).
    alpha : float, default 1.0
        The class weight :math:`\alpha > 0` (a number: the curve of one class).

    Returns
    -------
    numpy.ndarray
        Float64 of shape ``(G, P)`` (the dimensions of a number dropped):
        row ``g`` is the curve for ``gammas[g]``. At :math:`p_t = 1` it is 0
        for every :math:`\gamma` (with :math:`0^0 = 1`).

    Raises
    ------
    ValueError
        For probabilities outside ``(0, 1]``, a negative :math:`\gamma` or
        :math:`\alpha \le 0`.

    Examples
    --------
    >>> curves = focal_curves([0.5, 0.9], [0.0, 2.0])
    >>> curves.round(4)  # -ln p_t, and the same times (1 - p_t)^2
    array([[0.6931, 0.1054],
           [0.1733, 0.0011]])
    >>> (curves[0] / curves[1]).round(1)  # divided by 4 and by 100
    array([  4., 100.])
    """
    from segcourse._validation import to_numpy

    if isinstance(probability, (torch.Tensor, np.ndarray, list, tuple)):
        probability = to_numpy(probability, "probability")
    p = np.asarray(probability, dtype=np.float64)
    g = np.asarray(gammas, dtype=np.float64)
    if p.ndim > 1 or not np.all((p > 0) & (p <= 1)):
        raise argument_error("probability", "p_t values in (0, 1], a number or a 1-D array",
                             describe(p))
    if g.ndim > 1 or not np.all(np.isfinite(g) & (g >= 0)):
        raise argument_error("gammas", "gamma values >= 0, a number or a 1-D array", describe(g))
    alpha = check_number(alpha, "alpha", low=0.0, low_open=True)
    # (1 - p)^gamma with 0^0 = 1 (numpy's convention): gamma = 0 is cross entropy everywhere
    base = 1.0 - p
    if g.ndim:  # one row per gamma
        base, logs = (base[None, :], np.log(p)[None, :]) if p.ndim else (base, np.log(p))
        exponent = g[:, None] if p.ndim else g
    else:
        logs, exponent = np.log(p), g
    curves = -alpha * np.power(base, exponent) * logs
    return curves + 0.0  # -0.0 at p_t = 1 shown as 0.0


def tversky_thresholds(probability, target, *, alpha=0.5, beta=0.5, thresholds=None):
    r"""The threshold of a probability map whose mask scores best under the Tversky index.

    For each threshold :math:`t`, the mask :math:`p > t` has counts TP, FP
    and FN against the target and the (hard) Tversky index

    .. math:: \mathrm{TI}_{\alpha,\beta} = \frac{TP}{TP + \alpha\,FP + \beta\,FN}

    (Salehi et al. 2017; :math:`\alpha = \beta = 0.5` is the Dice score,
    :math:`\alpha = \beta = 1` the IoU). The Tversky loss is
    :math:`1 - \mathrm{TI}` computed on probabilities; the mask it prefers
    among the thresholds shows the trade it asks for: :math:`\beta > \alpha`
    makes misses (FN) dearer than false alarms (FP), so the best mask grows,
    with a higher recall and a lower precision.

    Parameters
    ----------
    probability : array or tensor of float
        Foreground probabilities in [0, 1], any shape (a batch of maps).
    target : boolean mask of the same shape
    alpha, beta : float, default 0.5
        Weights of FP and FN, ``>= 0``, not both 0.
    thresholds : sequence of float, optional
        Candidate thresholds in [0, 1]; default 0.02, 0.04, ..., 0.98.

    Returns
    -------
    dict
        ``thresholds`` and ``index`` (the Tversky index of each mask, NaN
        where undefined, arrays), ``threshold`` (the best; the one nearest
        0.5 among ties), ``mask`` (``probability > threshold``),
        ``precision``, ``recall`` and ``tversky_index`` of that mask.

    Raises
    ------
    ValueError
        For arrays of different shapes, probabilities outside [0, 1],
        negative weights or thresholds outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([0.9, 0.8, 0.2, 0.6, 0.5, 0.1])
    >>> target = np.array([True, True, True, False, False, False])
    >>> dice = tversky_thresholds(p, target, alpha=0.5, beta=0.5)  # the Dice score
    >>> dice["threshold"], dice["precision"], round(dice["recall"], 3)
    (0.6, 1.0, 0.667)
    >>> recall_first = tversky_thresholds(p, target, alpha=0.2, beta=0.8)  # misses cost more
    >>> recall_first["threshold"], recall_first["precision"], recall_first["recall"]
    (0.18, 0.6, 1.0)
    """
    from segcourse._validation import check_mask, check_same_shape, to_numpy

    probs = np.asarray(to_numpy(probability, "probability"), dtype=np.float64)
    truth = check_mask(target, "target")
    check_same_shape(probs, truth, "probability", "target")
    if not np.all((probs >= 0) & (probs <= 1)):
        raise argument_error("probability", "probabilities in [0, 1]", "values outside [0, 1]")
    alpha = check_number(alpha, "alpha", low=0.0)
    beta = check_number(beta, "beta", low=0.0)
    if alpha == beta == 0:
        raise argument_error("beta", "a positive weight when alpha is 0", "0")
    grid = (np.round(np.arange(1, 50) * 0.02, 2) if thresholds is None
            else np.asarray(thresholds, dtype=np.float64))
    if grid.ndim != 1 or grid.size == 0 or not np.all((grid >= 0) & (grid <= 1)):
        raise argument_error("thresholds", "a non-empty 1-D sequence of numbers in [0, 1]",
                             describe(grid))
    # TP, FP, FN of every threshold
    p, g = probs.ravel(), truth.ravel()
    tp = np.array([np.count_nonzero(g & (p > t)) for t in grid], dtype=np.float64)
    predicted = np.array([np.count_nonzero(p > t) for t in grid], dtype=np.float64)
    fp, fn = predicted - tp, g.sum() - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        index = tp / (tp + alpha * fp + beta * fn)
    best = np.nanmax(index) if np.isfinite(index).any() else math.nan
    candidates = np.flatnonzero(index == best) if not math.isnan(best) else np.arange(grid.size)
    chosen = candidates[np.argmin(np.abs(grid[candidates] - 0.5))]
    mask = probs > grid[chosen]
    precision = tp[chosen] / predicted[chosen] if predicted[chosen] else math.nan
    recall = tp[chosen] / g.sum() if g.sum() else math.nan
    return {"thresholds": grid, "index": index, "threshold": float(grid[chosen]),
            "mask": mask, "precision": float(precision), "recall": float(recall),
            "tversky_index": float(index[chosen])}


# --------------------------------------------------------------------------
# Modules
# --------------------------------------------------------------------------


def _class_buffer(value, name):
    vector = _check_class_vector(value, name, None, None)
    return None if vector is None else vector.to(torch.get_default_dtype())


class CrossEntropyLoss(nn.Module):
    """Module form of :func:`cross_entropy`; takes the same keyword options.

    Examples
    --------
    >>> import torch
    >>> criterion = CrossEntropyLoss(weight=[1.0, 3.0], label_smoothing=0.1)
    >>> logits, target = torch.zeros(1, 2, 2), torch.tensor([[0, 1]])
    >>> bool(criterion(logits, target) == cross_entropy(
    ...     logits, target, weight=[1.0, 3.0], label_smoothing=0.1))
    True
    """

    def __init__(self, *, weight=None, ignore_index=-100, reduction="mean",
                 label_smoothing=0.0, validate_args=True):
        super().__init__()
        self.ignore_index = _check_options(reduction, ignore_index)
        self.reduction = reduction
        self.label_smoothing = check_number(label_smoothing, "label_smoothing", low=0.0,
                                            high=1.0)
        self.validate_args = check_bool(validate_args, "validate_args")
        self.register_buffer("weight", _class_buffer(weight, "weight"))

    def forward(self, logits, target):
        return cross_entropy(logits, target, weight=self.weight, ignore_index=self.ignore_index,
                             reduction=self.reduction, label_smoothing=self.label_smoothing,
                             validate_args=self.validate_args)

    def extra_repr(self):
        unchecked = "" if self.validate_args else ", validate_args=False"
        return (f"ignore_index={self.ignore_index}, reduction={self.reduction!r}, "
                f"label_smoothing={self.label_smoothing}{unchecked}")


class FocalLoss(nn.Module):
    """Module form of :func:`focal_loss`; takes the same keyword options.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.zeros(1, 2, 3), torch.tensor([[0, 1, 1]])
    >>> bool(FocalLoss(gamma=0.0)(logits, target) == cross_entropy(logits, target))
    True
    """

    def __init__(self, *, gamma=2.0, alpha=None, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.ignore_index = _check_options(reduction, ignore_index)
        self.reduction = reduction
        self.gamma = check_number(gamma, "gamma", low=0.0)
        self.register_buffer("alpha", _class_buffer(alpha, "alpha"))

    def forward(self, logits, target):
        return focal_loss(logits, target, gamma=self.gamma, alpha=self.alpha,
                          ignore_index=self.ignore_index, reduction=self.reduction)

    def extra_repr(self):
        return f"gamma={self.gamma}, ignore_index={self.ignore_index}, reduction={self.reduction!r}"


class BinaryFocalLoss(nn.Module):
    """Module form of :func:`binary_focal_loss`; takes the same keyword options.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.zeros(2, 1, 3), torch.ones(2, 3, dtype=torch.long)
    >>> round(float(BinaryFocalLoss(gamma=0.0, alpha=None)(logits, target)), 4)  # log 2
    0.6931
    """

    def __init__(self, *, gamma=2.0, alpha=0.25, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.ignore_index = _check_options(reduction, ignore_index)
        self.reduction = reduction
        self.gamma = check_number(gamma, "gamma", low=0.0)
        self.alpha = check_number(alpha, "alpha", low=0.0, high=1.0, allow_none=True)

    def forward(self, logits, target):
        return binary_focal_loss(logits, target, gamma=self.gamma, alpha=self.alpha,
                                 ignore_index=self.ignore_index, reduction=self.reduction)

    def extra_repr(self):
        return (f"gamma={self.gamma}, alpha={self.alpha}, ignore_index={self.ignore_index}, "
                f"reduction={self.reduction!r}")


class DiceLoss(nn.Module):
    """Module form of :func:`dice_loss`; takes the same keyword options.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.zeros(1, 1, 4), torch.tensor([[1, 1, 0, 0]])
    >>> float(DiceLoss(smooth=0.0)(logits, target))
    0.5
    """

    def __init__(self, *, smooth=1e-5, squared=False, batch=False, include_background=True,
                 ignore_index=-100, reduction="mean"):
        super().__init__()
        self.ignore_index = _check_options(reduction, ignore_index)
        self.reduction = reduction
        self.smooth = check_number(smooth, "smooth", low=0.0)
        self.squared = check_bool(squared, "squared")
        self.batch = check_bool(batch, "batch")
        self.include_background = check_bool(include_background, "include_background")

    def forward(self, logits, target):
        return dice_loss(logits, target, smooth=self.smooth, squared=self.squared,
                         batch=self.batch, include_background=self.include_background,
                         ignore_index=self.ignore_index, reduction=self.reduction)

    def extra_repr(self):
        return (f"smooth={self.smooth}, squared={self.squared}, batch={self.batch}, "
                f"include_background={self.include_background}, "
                f"ignore_index={self.ignore_index}, reduction={self.reduction!r}")


class TverskyLoss(nn.Module):
    """Module form of :func:`tversky_loss`; takes the same keyword options.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.zeros(1, 1, 4), torch.tensor([[1, 1, 0, 0]])
    >>> round(float(TverskyLoss(alpha=1.0, beta=1.0, smooth=0.0)(logits, target)), 4)
    0.6667
    """

    def __init__(self, *, alpha=0.5, beta=0.5, smooth=1e-5, batch=False,
                 include_background=True, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.ignore_index = _check_options(reduction, ignore_index)
        self.reduction = reduction
        self.alpha = check_number(alpha, "alpha", low=0.0)
        self.beta = check_number(beta, "beta", low=0.0)
        self.smooth = check_number(smooth, "smooth", low=0.0)
        self.batch = check_bool(batch, "batch")
        self.include_background = check_bool(include_background, "include_background")

    def forward(self, logits, target):
        return tversky_loss(logits, target, alpha=self.alpha, beta=self.beta, smooth=self.smooth,
                            batch=self.batch, include_background=self.include_background,
                            ignore_index=self.ignore_index, reduction=self.reduction)

    def extra_repr(self):
        return (f"alpha={self.alpha}, beta={self.beta}, smooth={self.smooth}, "
                f"batch={self.batch}, include_background={self.include_background}, "
                f"ignore_index={self.ignore_index}, reduction={self.reduction!r}")


class BoundaryLoss(nn.Module):
    """Module form of :func:`boundary_loss`; takes the same keyword options.

    ``forward(logits, target)`` accepts either precomputed float distance maps
    of shape ``(N, C, ...)`` or an integer ``target`` of shape ``(N, ...)``,
    whose maps it then computes with :func:`signed_distance_map` (on the CPU,
    with ``ignore_index``). So the module fits in a :class:`CompoundLoss`
    beside losses that take class indices. With one channel it also takes
    the mask of ``BCEWithLogitsLoss``: a float target of the shape of
    ``logits`` whose values are all 0, 1 (or ``ignore_index``) is a mask, not
    distance maps (signed maps are negative inside each region, and reach
    beyond 1 outside it); soft labels strictly between 0 and 1 have no
    distance map and raise ``ValueError``.

    Speed: given an integer target, every call computes the distance maps
    with :func:`signed_distance_map` (the ``edt`` package's transforms, or
    scipy's), on the CPU (a GPU target is copied there and back, which also
    waits for the GPU). That costs far more than the loss: about 0.3 s per
    batch of 8 x 4 x 512 x 512 against 0.03 s with precomputed maps (one CPU
    thread; the background's maps are skipped), and it repeats every epoch for
    the same targets. For training, compute the maps once with
    :func:`signed_distance_map` in the ``Dataset`` (in ``__init__``, or in
    ``__getitem__`` where the ``DataLoader``'s workers compute them beside
    the training loop) and pass them instead of the target. The integer
    target is a convenience for small examples and for :class:`CompoundLoss`.

    Examples
    --------
    >>> import torch
    >>> logits, target = torch.zeros(1, 2, 5), torch.tensor([[0, 0, 1, 1, 1]])
    >>> maps = signed_distance_map(target, num_classes=2)
    >>> criterion = BoundaryLoss()
    >>> bool(criterion(logits, target) == criterion(logits, maps))
    True

    Maps precomputed by the ``Dataset``, so that a training step only reads
    them:

    >>> from torch.utils.data import DataLoader, Dataset
    >>> class WithDistanceMaps(Dataset):
    ...     def __init__(self, images, targets, num_classes):
    ...         self.images, self.targets = images, targets
    ...         # once, not at every step of every epoch
    ...         self.maps = signed_distance_map(targets, num_classes=num_classes)
    ...     def __len__(self):
    ...         return len(self.images)
    ...     def __getitem__(self, index):
    ...         return self.images[index], self.targets[index], self.maps[index]
    >>> images = torch.zeros(4, 1, 6, 6)
    >>> targets = torch.zeros(4, 6, 6, dtype=torch.long); targets[:, 1:4, 2:5] = 1
    >>> loader = DataLoader(WithDistanceMaps(images, targets, num_classes=2), batch_size=2)
    >>> image, target, maps = next(iter(loader))
    >>> logits = torch.randn(2, 2, 6, 6)  # what a model makes of `image`
    >>> bool(torch.allclose(criterion(logits, maps), criterion(logits, target)))
    True
    """

    def __init__(self, *, include_background=False, reduction="mean", ignore_index=-100):
        super().__init__()
        check_choice(reduction, "reduction", _REDUCTIONS)
        self.reduction = reduction
        self.include_background = check_bool(include_background, "include_background")
        self.ignore_index = _check_ignore_index(ignore_index)

    def forward(self, logits, target):
        if isinstance(target, torch.Tensor) and (not target.is_floating_point()
                                                 or self._is_float_mask(logits, target)):
            target = self.distance_maps(logits, target)
        return boundary_loss(logits, target, include_background=self.include_background,
                             reduction=self.reduction)

    def _is_float_mask(self, logits, target) -> bool:
        """A one-channel float target of the logits' shape with values in [0, 1] (or
        ignore_index): a mask or soft labels, never signed distance maps."""
        if not (isinstance(logits, torch.Tensor) and logits.ndim >= 2 and logits.shape[1] == 1
                and target.shape == logits.shape and target.numel()):
            return False
        inside = (target >= 0) & (target <= 1)
        if self.ignore_index is not None:
            inside |= target == self.ignore_index
        return bool(inside.all())

    def distance_maps(self, logits, target):
        """Signed distance maps of an integer ``target``, shaped like ``logits``.

        Only the maps the loss uses are computed (not the background's when
        ``include_background=False``); the others are left 0. With one channel
        ``target`` may also be a float mask of the shape of ``logits`` (values
        0 and 1).
        """
        logits = _check_logits(logits)
        num_classes = logits.shape[1]
        binary = num_classes == 1
        if binary:
            read = _check_binary_target(target, logits, self.ignore_index)
            target = read.labels
            if read.soft:  # a float mask: hard labels only
                hard = (target == 0) | (target == 1)
                if self.ignore_index is not None:
                    hard |= target == self.ignore_index
                if not bool(hard.all()):
                    raise argument_error("target", "a mask of 0 and 1 (or signed distance "
                                         "maps): soft labels have no signed distance map",
                                         "values strictly between 0 and 1")
                target = target.long()
        else:
            target, _ = _check_target(target, logits, self.ignore_index)
        labels = target.detach().cpu().numpy()
        valid = np.ones(labels.shape, dtype=bool)
        if self.ignore_index is not None:
            valid = labels != self.ignore_index
        skip_background = binary or not self.include_background
        classes = range(1 if skip_background else 0, max(num_classes, 2))
        maps = _distance_maps(labels, valid, max(num_classes, 2), classes)
        if binary:  # the one channel is the foreground
            maps = maps[:, 1:]
        return torch.as_tensor(maps, dtype=_compute_dtype(logits)).to(logits.device)

    def extra_repr(self):
        return (f"include_background={self.include_background}, reduction={self.reduction!r}, "
                f"ignore_index={self.ignore_index}")


class _CallableLoss(nn.Module):
    """Wraps a plain function so that it can sit in an ``nn.ModuleList``."""

    def __init__(self, function: Callable):
        super().__init__()
        self.function = function

    def forward(self, logits, target):
        return self.function(logits, target)

    def extra_repr(self):
        return getattr(self.function, "__name__", repr(self.function))


class CompoundLoss(nn.Module):
    r"""A weighted sum of losses, for example Dice + cross entropy.

    .. math:: L = \sum_k w_k L_k(\text{logits}, \text{target})

    Parameters
    ----------
    losses : sequence of callables
        Losses called as ``loss(logits, target)`` that return scalars: modules
        of this module or functions such as ``functools.partial(dice_loss,
        smooth=1.0)``.
    weights : sequence of float, optional
        One finite weight per loss; default 1 each. The attribute ``weights``
        (a list) may be changed between epochs, for example with
        :func:`boundary_loss_weights`. A loss whose weight is 0 is not computed.

    Examples
    --------
    >>> import torch
    >>> criterion = CompoundLoss([DiceLoss(), CrossEntropyLoss()], weights=[1.0, 0.5])
    >>> logits, target = torch.zeros(1, 2, 4), torch.tensor([[0, 1, 1, 0]])
    >>> expected = dice_loss(logits, target) + 0.5 * cross_entropy(logits, target)
    >>> bool(torch.isclose(criterion(logits, target), expected))
    True
    >>> criterion.weights = list(boundary_loss_weights(10))  # (0.9, 0.1)
    """

    def __init__(self, losses: Sequence[Callable], *, weights: Sequence[float] | None = None):
        super().__init__()
        if isinstance(losses, (nn.Module, str)) or not isinstance(losses, Sequence):
            raise argument_error("losses", "a sequence of losses", type(losses).__name__,
                                 type_error=True)
        if len(losses) == 0:
            raise argument_error("losses", "a non-empty sequence of losses", "an empty sequence")
        for index, loss in enumerate(losses):
            if not callable(loss):
                raise argument_error(f"losses[{index}]", "a callable loss",
                                     type(loss).__name__, type_error=True)
        self.losses = nn.ModuleList(
            loss if isinstance(loss, nn.Module) else _CallableLoss(loss) for loss in losses)
        self.weights = [1.0] * len(losses) if weights is None else weights

    @property
    def weights(self) -> list[float]:
        return self._weights

    @weights.setter
    def weights(self, weights):
        if isinstance(weights, str) or not isinstance(weights, (Sequence, np.ndarray,
                                                                torch.Tensor)):
            raise argument_error("weights", "a sequence of numbers", type(weights).__name__,
                                 type_error=True)
        weights = [float(w) if isinstance(w, (np.generic, torch.Tensor)) else w for w in weights]
        if len(weights) != len(self.losses):
            count = len(self.losses)
            raise argument_error("weights", f"{count} number{'s' if count != 1 else ''}, one "
                                 "per loss", f"{len(weights)}")
        self._weights = [check_number(w, f"weights[{i}]") for i, w in enumerate(weights)]

    def forward(self, logits, target):
        total = None
        for weight, loss in zip(self._weights, self.losses, strict=True):
            if weight == 0.0:
                continue
            term = weight * loss(logits, target)
            total = term if total is None else total + term
        if total is None:  # every weight 0: a zero that still connects to the graph
            total = logits.sum() * 0.0
        return total

    def extra_repr(self):
        return f"weights={self._weights}"
