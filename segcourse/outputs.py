r"""From what a segmentation model emits to a segmentation: logits, probabilities, labels.

A segmentation network ends in one score per class for every pixel: its
**logits**, an array of shape ``(N, C, H, W)`` (``N`` images, ``C`` classes,
the class axis second, as in torch). Notebook 03 (model output) follows one
pixel from those scores to its label, and this module holds each step:

- :func:`softmax`: probabilities that sum to 1 over the classes (classes that
  exclude each other: multi-class), with a ``temperature``;
- :func:`sigmoid`: one probability per channel, each on its own (classes that
  may overlap: multi-label, or a binary model with one channel), and its
  inverse :func:`logit`, which turns a probability threshold into a logit one;
- :func:`labels_from_logits`: the label map, the argmax over the class axis
  (one channel: the logit above 0, that is the sigmoid above 0.5);
- :func:`confidence`: the largest probability of every pixel;
- :func:`multilabel_masks`: one boolean mask per channel, sigmoid above a threshold;
- :func:`resize_logits` and :func:`resize_label_map`: to another size, bilinear
  for scores and nearest neighbour for class indices.

Every function takes numpy arrays or torch tensors. A numpy array gives a
numpy array; a tensor gives a tensor, computed with torch on its device (so
that it can stay on a GPU and keep its gradient). Integer and boolean arrays
are refused where logits are expected: a label map passed as logits is a
common slip, and is named as such in the error.
"""

from __future__ import annotations

import sys

import numpy as np

from ._validation import (
    argument_error,
    check_int,
    check_label_map,
    check_number,
    describe,
    to_numpy,
)

__all__ = [
    "softmax",
    "sigmoid",
    "logit",
    "labels_from_logits",
    "confidence",
    "multilabel_masks",
    "resize_logits",
    "resize_label_map",
]


# --- input handling ----------------------------------------------------------------------------


def _torch_tensor(value):
    """``value`` if it is a torch tensor (torch already imported), else None."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value
    return None


def _float_scores(value, name: str):
    """``(scores, is_tensor)``: float logits or probabilities as a tensor or a numpy array.

    Lists of numbers become float64 arrays. Integer and boolean arrays are
    refused (a label map or a mask is not a score); float16 and bfloat16 are
    computed in float32, as the losses do.
    """
    tensor = _torch_tensor(value)
    if tensor is not None:
        if not tensor.is_floating_point():
            raise _integer_scores_error(name, describe(tensor))
        if tensor.dtype in (sys.modules["torch"].float16, sys.modules["torch"].bfloat16):
            tensor = tensor.float()
        return tensor, True
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise argument_error(name, "a sequence of numbers", describe(value),
                                 type_error=True) from error
        return array, False
    array = to_numpy(value, name)
    if array.dtype.kind != "f":
        raise _integer_scores_error(name, describe(array))
    if array.dtype == np.float16:
        array = array.astype(np.float32)
    return array, False


def _integer_scores_error(name: str, got: str) -> TypeError:
    return argument_error(
        name, "float scores (logits or probabilities); an integer or boolean array is a "
        "label map or a mask (labels.one_hot turns a label map into channels)", got,
        type_error=True)


def _check_axis(axis, ndim: int, name: str = "logits") -> int:
    axis = check_int(axis, "axis")
    if not -ndim <= axis < ndim:
        hint = (" (the default, 1, is the class axis of a batch (N, C, H, W); pass axis=0 "
                "for one image (C, H, W) or one pixel's scores (C,))") if axis == 1 else ""
        raise argument_error("axis", f"an axis of the {ndim}-D `{name}`, in [{-ndim}, "
                             f"{ndim - 1}]{hint}", axis)
    return axis % ndim


def _check_temperature(temperature) -> float:
    return check_number(temperature, "temperature", low=0.0, low_open=True)


# --- probabilities -----------------------------------------------------------------------------


def softmax(logits, *, axis=1, temperature=1.0):
    r"""Class probabilities of every pixel: the softmax of its logits over the class axis.

    .. math::

        p_c = \frac{e^{z_c / T}}{\sum_{k=0}^{C-1} e^{z_k / T}}
            = \frac{e^{(z_c - m) / T}}{\sum_{k} e^{(z_k - m) / T}},
        \qquad m = \max_k z_k

    The second form is the one computed: subtracting the largest logit
    :math:`m` changes no probability (it multiplies the numerator and the
    denominator by the same :math:`e^{-m/T}`), but keeps every exponent
    :math:`\le 0`, so nothing overflows; the largest term is :math:`e^0 = 1`,
    so the sum is at least 1 and never 0.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores of any shape with a class axis, typically ``(N, C, H, W)``.
        Lists of numbers are accepted too.
    axis : int, default 1
        The class axis: 1 for a batch ``(N, C, H, W)``, 0 for one image
        ``(C, H, W)`` or for one pixel's ``C`` logits.
    temperature : float, default 1.0
        :math:`T > 0`. The logits are divided by it: :math:`T > 1` flattens the
        probabilities towards :math:`1/C`, :math:`T < 1` sharpens them towards
        0 and 1. The order of the classes, and so the argmax, does not change.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Probabilities of the shape of ``logits``, each in :math:`[0, 1]`,
        summing to 1 along ``axis``: a numpy array for numpy input, a tensor
        (same device, computed with :func:`torch.softmax`) for tensor input.
        float16 and bfloat16 inputs give float32.

    Raises
    ------
    TypeError
        For integer or boolean ``logits`` (a label map or a mask, not scores).
    ValueError
        For an ``axis`` outside the array, or a ``temperature`` that is not a
        positive finite number.

    Notes
    -----
    Edge cases: a NaN logit makes every probability of its pixel NaN; a
    logit of ``+inf`` does too (``inf - inf``), as in torch. Equal logits
    give equal probabilities, :math:`1/C` each. With :math:`C = 1` every
    probability is 1: a one-channel (binary) output needs :func:`sigmoid`.

    References
    ----------
    .. [1] J. S. Bridle, "Probabilistic Interpretation of Feedforward
       Classification Network Outputs, with Relationships to Statistical
       Pattern Recognition", in Neurocomputing, NATO ASI Series F68,
       Springer, 1990 (the name softmax).
    .. [2] I. Goodfellow, Y. Bengio and A. Courville, "Deep Learning", MIT
       Press, 2016, sections 4.1 (overflow; subtracting the maximum) and 6.2.2.3.
    .. [3] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017 (temperature scaling).

    Examples
    --------
    >>> softmax([2.0, 1.0, 0.0], axis=0).round(4)
    array([0.6652, 0.2447, 0.09  ])
    >>> softmax([1000.0, 999.0], axis=0).round(4)  # no overflow
    array([0.7311, 0.2689])
    >>> softmax([2.0, 1.0, 0.0], axis=0, temperature=10.0).round(4)  # flatter
    array([0.3672, 0.3322, 0.3006])
    >>> import torch
    >>> softmax(torch.zeros(1, 4, 2, 2)).sum(dim=1)
    tensor([[[1., 1.],
             [1., 1.]]])
    """
    scores, is_tensor = _float_scores(logits, "logits")
    axis = _check_axis(axis, scores.ndim)
    temperature = _check_temperature(temperature)
    if is_tensor:
        import torch

        return torch.softmax(scores / temperature if temperature != 1.0 else scores, dim=axis)
    shifted = (scores - scores.max(axis=axis, keepdims=True)) / temperature
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=axis, keepdims=True)


def sigmoid(logits, *, temperature=1.0):
    r"""The probability of every channel on its own: the logistic sigmoid of its logit.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z/T}} = \frac{e^{z/T}}{1 + e^{z/T}}

    The first form is computed where :math:`z \ge 0` and the second where
    :math:`z < 0`, so the exponential is never of a large positive number:
    no overflow, and no ``1 - 1`` for very negative logits. A sigmoid is the
    softmax of the pair :math:`(0, z)`: one channel of logits is a two-class
    model whose background logit is fixed at 0.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores of any shape (lists of numbers are accepted).
    temperature : float, default 1.0
        :math:`T > 0`, as in :func:`softmax`.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Probabilities of the shape of ``logits``, each in :math:`[0, 1]`; the
        channels are independent and need not sum to 1. A tensor for tensor
        input (:func:`torch.sigmoid`).

    Raises
    ------
    TypeError
        For integer or boolean ``logits``.
    ValueError
        For a ``temperature`` that is not a positive finite number.

    Notes
    -----
    :math:`\sigma(0) = 0.5`, :math:`\sigma(-z) = 1 - \sigma(z)`;
    :math:`\sigma(\pm\infty) = 1` or 0; NaN stays NaN.

    Examples
    --------
    >>> sigmoid([-2.0, 0.0, 2.0]).round(4)
    array([0.1192, 0.5   , 0.8808])
    >>> sigmoid([-1000.0, 1000.0])  # no overflow
    array([0., 1.])
    >>> bool(np.isclose(sigmoid([1.5])[0], softmax([0.0, 1.5], axis=0)[1]))
    True
    """
    scores, is_tensor = _float_scores(logits, "logits")
    temperature = _check_temperature(temperature)
    if is_tensor:
        import torch

        return torch.sigmoid(scores / temperature if temperature != 1.0 else scores)
    scores = scores / temperature
    # e^{-|z|} <= 1: never overflows; the two forms are the same number
    small = np.exp(-np.abs(scores))
    return np.where(scores >= 0, 1.0 / (1.0 + small), small / (1.0 + small)).astype(
        scores.dtype, copy=False)


def logit(probs):
    r"""The inverse of :func:`sigmoid`: the logit whose sigmoid is ``probs``.

    .. math:: \operatorname{logit}(p) = \log \frac{p}{1 - p}

    A threshold :math:`t` on a sigmoid probability is the threshold
    :math:`\operatorname{logit}(t)` on the logit (the sigmoid increases):
    :math:`\sigma(z) > t \iff z > \operatorname{logit}(t)`. So 0.5 is the
    logit 0, 0.8 is :math:`\log 4 \approx 1.386`.

    Parameters
    ----------
    probs : float, numpy.ndarray or torch.Tensor
        Probabilities in :math:`[0, 1]`.

    Returns
    -------
    float, numpy.ndarray or torch.Tensor
        A float for a number, else of the kind and shape of ``probs``;
        0 gives ``-inf`` and 1 gives ``inf``.

    Raises
    ------
    ValueError
        For values outside :math:`[0, 1]` or NaN.
    TypeError
        For integer or boolean arrays.

    Examples
    --------
    >>> logit(0.5), round(logit(0.8), 4)
    (0.0, 1.3863)
    >>> float(sigmoid([logit(0.8)])[0])
    0.8
    """
    if isinstance(probs, (int, float, np.floating)) and not isinstance(probs, bool):
        value = check_number(probs, "probs", low=0.0, high=1.0)
        with np.errstate(divide="ignore"):
            return float(np.log(value) - np.log1p(-value))
    scores, is_tensor = _float_scores(probs, "probs")
    array = to_numpy(scores, "probs") if is_tensor else scores
    if array.size and not ((array >= 0) & (array <= 1)).all():
        outside = array[~((array >= 0) & (array <= 1))]
        raise argument_error("probs", "probabilities in [0, 1]",
                             f"values such as {outside.ravel()[:3].tolist()}")
    if is_tensor:
        import torch

        return torch.logit(scores)
    with np.errstate(divide="ignore"):
        return np.log(scores) - np.log1p(-scores)


# --- labels and confidence ---------------------------------------------------------------------


def labels_from_logits(logits, *, axis=1):
    r"""The label map: for every pixel, the class with the largest logit.

    .. math:: \hat y = \arg\max_{c} z_c = \arg\max_{c} p_c

    Softmax keeps the order of the logits (it is increasing in each one), so
    the argmax of the logits is the argmax of the probabilities: the label
    map needs no softmax. With one channel (a sigmoid output) the label is 1
    where the logit is above 0, that is where the sigmoid is above 0.5.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores with a class axis, typically ``(N, C, H, W)``.
        Probabilities work too (same argmax; with one channel, threshold them
        yourself at 0.5).
    axis : int, default 1
        The class axis (0 for one image ``(C, H, W)``).

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Int64 class indices ``0..C-1`` with the class axis removed, typically
        ``(N, H, W)``; a tensor for tensor input.

    Raises
    ------
    TypeError
        For integer or boolean ``logits`` (already a label map?).
    ValueError
        For an ``axis`` outside the array.

    Notes
    -----
    Ties: where two classes share the largest logit, the lower class index
    wins (numpy's and torch's argmax both return the first maximum). With
    float logits from a trained model, exact ties are rare; with hand-made
    ones (all zeros) they are the rule. A NaN logit is taken as the largest
    (as numpy and torch do).

    Examples
    --------
    >>> labels_from_logits(np.array([[[2.0, -1.0]], [[0.5, 3.0]]]), axis=0)
    array([[0, 1]])
    >>> labels_from_logits(np.array([[[-0.2, 0.7]]]))  # one channel: logit > 0
    array([[0, 1]])
    >>> labels_from_logits(np.zeros((3, 1, 1)), axis=0)  # a tie: the lowest class
    array([[0]])
    """
    scores, is_tensor = _float_scores(logits, "logits")
    axis = _check_axis(axis, scores.ndim)
    one_channel = scores.shape[axis] == 1
    if is_tensor:
        import torch

        if one_channel:
            return (scores.squeeze(axis) > 0).long()
        return torch.argmax(scores, dim=axis)
    if one_channel:
        return (np.squeeze(scores, axis=axis) > 0).astype(np.int64)
    return np.argmax(scores, axis=axis).astype(np.int64)


def confidence(logits, *, axis=1, temperature=1.0):
    r"""How sure the model is of each pixel's label: its largest class probability.

    .. math:: \text{conf} = \max_c p_c, \qquad p = \operatorname{softmax}(z / T)

    It lies between :math:`1/C` (all classes equally likely) and 1. With one
    channel (a sigmoid output) it is :math:`\max(\sigma(z), 1 - \sigma(z)) =
    \sigma(|z|)`, between 0.5 and 1. Low values gather on the borders between
    regions, where the model hesitates between two classes. A temperature
    changes the confidence but not the label.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores with a class axis, typically ``(N, C, H, W)``.
    axis : int, default 1
        The class axis.
    temperature : float, default 1.0
        As in :func:`softmax`.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Float probabilities with the class axis removed, typically ``(N, H, W)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`softmax`.

    Notes
    -----
    A confidence is not a probability of being right unless the model is
    calibrated: trained networks are often over-confident (Guo et al.
    2017), which a temperature fitted on held-out data corrects.

    Examples
    --------
    >>> confidence(np.array([2.0, 1.0, 0.0]), axis=0).round(4)
    np.float64(0.6652)
    >>> confidence(np.array([[0.0, 0.0]]), axis=1)  # two equal classes
    array([0.5])
    >>> confidence(np.array([[-3.0]])).round(4)  # one channel: sigmoid(|z|)
    array([0.9526])
    """
    scores, is_tensor = _float_scores(logits, "logits")
    axis = _check_axis(axis, scores.ndim)
    temperature = _check_temperature(temperature)
    if scores.shape[axis] == 1:
        magnitude = scores.abs() if is_tensor else np.abs(scores)
        probability = sigmoid(magnitude, temperature=temperature)
        return probability.squeeze(axis) if is_tensor else np.squeeze(probability, axis=axis)
    probabilities = softmax(scores, axis=axis, temperature=temperature)
    if is_tensor:
        return probabilities.amax(dim=axis)
    return probabilities.max(axis=axis)


def multilabel_masks(logits, *, threshold=0.5, axis=1):
    r"""One boolean mask per channel: the sigmoid of its logit above a threshold.

    .. math:: m_c = [\,\sigma(z_c) > t_c\,] = [\,z_c > \operatorname{logit}(t_c)\,]

    For multi-label segmentation, where a pixel may belong to several
    classes at once (a "car" pixel is also a "vehicle" pixel): every channel
    answers its own yes-or-no question, so a pixel may have no class, one,
    or several. A label map cannot hold that; the masks keep the class axis.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores with a class axis, typically ``(N, C, H, W)``.
    threshold : float or sequence of float, default 0.5
        :math:`t \in [0, 1]`: one for every channel, or one per channel
        (``C`` values).
    axis : int, default 1
        The class axis.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Booleans of the shape of ``logits``.

    Raises
    ------
    TypeError
        For integer or boolean ``logits``.
    ValueError
        For a threshold outside :math:`[0, 1]`, or a number of thresholds
        other than ``C``.

    Examples
    --------
    >>> logits = np.array([[2.0, -1.0], [1.0, 0.5]])  # 2 channels (axis 0), 2 pixels
    >>> multilabel_masks(logits, axis=0)
    array([[ True, False],
           [ True,  True]])
    >>> multilabel_masks(logits, threshold=[0.5, 0.8], axis=0)
    array([[ True, False],
           [False, False]])
    """
    scores, is_tensor = _float_scores(logits, "logits")
    axis = _check_axis(axis, scores.ndim)
    values = np.atleast_1d(np.asarray(
        to_numpy(threshold, "threshold") if not isinstance(threshold, (int, float))
        else threshold, dtype=np.float64))
    if values.ndim != 1 or values.size not in (1, scores.shape[axis]):
        raise argument_error("threshold", f"a number or {scores.shape[axis]} numbers (one per "
                             "channel)", describe(threshold))
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise argument_error("threshold", "probabilities in [0, 1]", describe(threshold))
    shape = [1] * scores.ndim
    shape[axis] = values.size
    probabilities = sigmoid(scores)
    if is_tensor:
        import torch

        limits = torch.as_tensor(values.reshape(shape), dtype=probabilities.dtype,
                                 device=probabilities.device)
        return probabilities > limits
    return probabilities > values.reshape(shape)


# --- resizing ----------------------------------------------------------------------------------


def _check_size(size) -> tuple[int, int]:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                       for s in size)):
        raise argument_error("size", "an int or a (height, width) pair of ints", repr(size),
                             type_error=True)
    if min(size) < 1:
        raise argument_error("size", "positive sizes", repr(size))
    return int(size[0]), int(size[1])


def _linear_weights(source: int, target: int):
    """Source indices and weights of 1-D linear interpolation with half-pixel centres.

    Output pixel ``i`` has its centre at ``(i + 0.5) * source / target - 0.5``
    in source pixels (``align_corners=False`` in torch), clamped at 0; it
    mixes the two source pixels around it. The last source pixel repeats
    past the edge.
    """
    centre = (np.arange(target) + 0.5) * (source / target) - 0.5
    centre = np.maximum(centre, 0.0)
    low = np.minimum(np.floor(centre).astype(np.intp), source - 1)
    high = np.minimum(low + 1, source - 1)
    weight = centre - low
    return low, high, weight


def _nearest_indices(source: int, target: int) -> np.ndarray:
    """The source pixel under the centre of each output pixel (torch's "nearest-exact")."""
    return np.minimum(np.floor((np.arange(target) + 0.5) * (source / target)).astype(np.intp),
                      source - 1)


def resize_logits(logits, size, *, mode="bilinear"):
    r"""Logits (or probabilities) at another height and width, channel by channel.

    Bilinear interpolation with half-pixel centres (torch's
    ``interpolate(..., mode="bilinear", align_corners=False)``): an output
    pixel at :math:`(y, x)` in source coordinates, between the source pixels
    :math:`y_0 \le y \le y_0 + 1` and :math:`x_0 \le x \le x_0 + 1`, gets

    .. math::

        z(y, x) = (1 - a)(1 - b)\, z_{y_0 x_0} + (1 - a)\, b\, z_{y_0, x_0 + 1}
                + a (1 - b)\, z_{y_0 + 1, x_0} + a\, b\, z_{y_0 + 1, x_0 + 1}

    with :math:`a = y - y_0`, :math:`b = x - x_0` and :math:`y = (i + 0.5)
    H / h - 0.5` for output row :math:`i` (the same for columns). Scores are
    numbers on a scale, so blending them is meaningful: upsample the logits,
    then take the argmax, for smooth borders at the full resolution. Class
    indices are names, not numbers: resize a label map with
    :func:`resize_label_map` instead.

    Parameters
    ----------
    logits : numpy.ndarray or torch.Tensor
        Float scores ``(C, H, W)`` or ``(N, C, H, W)``.
    size : int or (int, int)
        The new height and width.
    mode : {"bilinear", "nearest"}, default "bilinear"
        ``"nearest"`` copies the source pixel under each output pixel's
        centre (torch's ``"nearest-exact"``).

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Float scores ``(..., h, w)``; a tensor for tensor input (computed
        with :func:`torch.nn.functional.interpolate`).

    Raises
    ------
    TypeError
        For integer or boolean input (a label map: use :func:`resize_label_map`),
        or a ``size`` that is not an int or a pair of ints.
    ValueError
        For input that is not 3-D or 4-D, or sizes below 1.

    Notes
    -----
    Bilinear interpolation of probabilities keeps them summing to 1 (each
    output is a weighted mean of inputs, weights summing to 1); of logits it
    gives logits whose softmax is close to, but not exactly, the interpolated
    probabilities. Downsampling by more than 2 skips pixels (no
    anti-aliasing, as in torch).

    Examples
    --------
    >>> resize_logits(np.array([[[0.0, 4.0]]]), (1, 4))  # one channel, one row
    array([[[0., 1., 3., 4.]]])
    """
    scores, is_tensor = _float_scores(logits, "logits")
    if scores.ndim not in (3, 4):
        raise argument_error("logits", "scores of shape (C, H, W) or (N, C, H, W)",
                             describe(logits))
    height, width = _check_size(size)
    if mode not in ("bilinear", "nearest"):
        raise argument_error("mode", "'bilinear' or 'nearest'", repr(mode))
    if is_tensor:
        from torch.nn import functional

        batch = scores if scores.ndim == 4 else scores[None]
        if mode == "bilinear":
            resized = functional.interpolate(batch, size=(height, width), mode="bilinear",
                                             align_corners=False)
        else:
            resized = functional.interpolate(batch, size=(height, width), mode="nearest-exact")
        return resized if scores.ndim == 4 else resized[0]
    source_height, source_width = scores.shape[-2:]
    if mode == "nearest":
        rows = _nearest_indices(source_height, height)
        cols = _nearest_indices(source_width, width)
        return scores[..., rows[:, None], cols[None, :]]
    row_low, row_high, row_weight = _linear_weights(source_height, height)
    col_low, col_high, col_weight = _linear_weights(source_width, width)
    row_weight = row_weight.astype(scores.dtype)[:, None]
    col_weight = col_weight.astype(scores.dtype)
    # interpolate along the rows, then along the columns
    rows = (1 - row_weight) * scores[..., row_low, :] + row_weight * scores[..., row_high, :]
    return (1 - col_weight) * rows[..., col_low] + col_weight * rows[..., col_high]


def resize_label_map(label_map, size, *, ignore_index=None):
    """A label map at another height and width, by nearest neighbour: no class is invented.

    Each output pixel takes the class of the source pixel under its centre
    (torch's ``interpolate(..., mode="nearest-exact")``: source row
    :math:`\\lfloor (i + 0.5) H / h \\rfloor`, the same for columns). Class
    indices name categories: interpolating them (bilinear) would put class 1
    between a pixel of class 0 and one of class 2, a class that is in
    neither. To upsample a model's prediction, prefer
    ``labels_from_logits(resize_logits(logits, size))``, which draws smooth
    borders; this function is for ground truth and for label maps without
    their logits.

    Parameters
    ----------
    label_map : numpy.ndarray or torch.Tensor
        Integer class indices ``(H, W)`` or ``(N, H, W)``.
    size : int or (int, int)
        The new height and width.
    ignore_index : int, optional
        The value of unlabelled pixels, kept as it is like any class; needed
        only when it is negative (such as -100), which a label map may not
        hold otherwise. A positive one (such as 255) needs no mention.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Int64 label map ``(..., h, w)`` holding only values of ``label_map``;
        a tensor for tensor input.

    Raises
    ------
    ValueError
        For a float array with non-integer values (probabilities? take the
        argmax first), input that is not 2-D or 3-D, or sizes below 1.

    Examples
    --------
    >>> resize_label_map(np.array([[0, 2]]), (1, 4))
    array([[0, 0, 2, 2]])
    """
    tensor = _torch_tensor(label_map)
    ignore_index = check_int(ignore_index, "ignore_index", allow_none=True)
    labels = check_label_map(label_map, "label_map", ignore_index=ignore_index)
    if labels.ndim not in (2, 3):
        raise argument_error("label_map", "a label map of shape (H, W) or (N, H, W)",
                             describe(label_map))
    height, width = _check_size(size)
    rows = _nearest_indices(labels.shape[-2], height)
    cols = _nearest_indices(labels.shape[-1], width)
    resized = labels[..., rows[:, None], cols[None, :]].astype(np.int64, copy=False)
    if tensor is not None:
        import torch

        return torch.as_tensor(resized, device=tensor.device)
    return resized
