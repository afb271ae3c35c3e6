"""Forward + backward time of each segcourse loss against its MONAI counterpart.

A batch of 8 x 4 x 256 x 256 logits (float32, CPU) with random integer targets.
The one-channel (sigmoid) losses are timed twice: with torch's integer mask
``(N, H, W)`` and with the float target of the logits' shape that MONAI and
``BCEWithLogitsLoss`` take (hard 0/1 labels, then soft labels in [0, 1]).
The last rows time a float16 and a bfloat16 batch (computed in float32)
against the same reference in float32.

Cross entropy is timed on every option torch has, against
``torch.nn.functional.cross_entropy`` with the same options: 10 % of the
pixels ignored (``ignore_index=-100``), class weights, label smoothing and
their combinations, each for the forward pass alone ("fwd") and for forward
+ backward. segcourse's values and gradients are torch's bit for bit, so
these rows measure only the cost of its checks and of how it computes.

Every pair is timed in the same run, interleaved, and the table gives the
fastest of several repeats (the least disturbed by other processes on a
shared machine) and the ratio segcourse / reference (the goal: at most 1,
no slower). Cross entropy has no MONAI version of its own (MONAI's
``DiceCELoss`` calls torch's), so it is compared with
``torch.nn.functional.cross_entropy``.

Run with ``python bench/bench_losses.py`` or ``make bench``.
"""

from __future__ import annotations

import time
import warnings

import torch
import torch.nn.functional as F

from segcourse import losses

SHAPE = (8, 4, 256, 256)
REPEATS = 15


def _cases():
    import monai.losses as ml

    generator = torch.Generator().manual_seed(0)
    n, c, h, w = SHAPE
    logits = torch.randn(SHAPE, generator=generator)
    target = torch.randint(0, c, (n, h, w), generator=generator)
    target_channel = target.unsqueeze(1)
    binary_logits = torch.randn((n, 1, h, w), generator=generator)
    binary_target = torch.randint(0, 2, (n, h, w), generator=generator)
    binary_float = binary_target.unsqueeze(1).float()
    binary_soft = torch.rand((n, 1, h, w), generator=generator)

    monai_focal = ml.FocalLoss(use_softmax=True, to_onehot_y=True, gamma=2.0)
    monai_binary_focal = ml.FocalLoss(use_softmax=False, gamma=2.0, alpha=0.25)
    monai_dice = ml.DiceLoss(softmax=True, to_onehot_y=True)
    monai_dice_sigmoid = ml.DiceLoss(sigmoid=True)
    monai_tversky = ml.TverskyLoss(softmax=True, to_onehot_y=True)
    monai_dice_ce = ml.DiceCELoss(softmax=True, to_onehot_y=True)
    monai_boundary = ml.BoundaryLoss(softmax=True, to_onehot_y=True, include_background=False)
    compound = losses.CompoundLoss([losses.DiceLoss(), losses.CrossEntropyLoss()])
    boundary = losses.BoundaryLoss()
    ignored = target.clone()
    ignored[torch.rand((n, h, w), generator=generator) < 0.1] = -100
    weight = torch.rand(c, generator=generator) + 0.5

    def ce_case(options_named, labels, backward, **options):
        name = " ".join(filter(None, ("cross_entropy", options_named,
                                      "" if backward else "fwd")))
        return (name, "torch F.cross_entropy", logits,
                lambda x: losses.cross_entropy(x, labels, **options),
                lambda x: F.cross_entropy(x, labels, **options), backward)

    cross_entropy_cases = [
        case for backward in (True, False) for case in (
            ce_case("", target, backward),
            ce_case("ignored", ignored, backward),
            ce_case("weighted", target, backward, weight=weight),
            ce_case("weighted, ignored", ignored, backward, weight=weight),
            ce_case("smoothing", target, backward, label_smoothing=0.1),
            ce_case("smoothing, ignored", ignored, backward, label_smoothing=0.1),
            ce_case("all three", ignored, backward, weight=weight, label_smoothing=0.1),
        )]

    return [
        *cross_entropy_cases,
        ("focal_loss (gamma=2)", "monai FocalLoss(softmax)", logits,
         lambda x: losses.focal_loss(x, target, gamma=2.0),
         lambda x: monai_focal(x, target_channel)),
        ("binary_focal_loss", "monai FocalLoss(sigmoid)", binary_logits,
         lambda x: losses.binary_focal_loss(x, binary_target),
         lambda x: monai_binary_focal(x, binary_float)),
        ("binary_focal_loss (float 0/1)", "monai FocalLoss(sigmoid)", binary_logits,
         lambda x: losses.binary_focal_loss(x, binary_float),
         lambda x: monai_binary_focal(x, binary_float)),
        ("binary_focal_loss (soft)", "monai FocalLoss(sigmoid)", binary_logits,
         lambda x: losses.binary_focal_loss(x, binary_soft),
         lambda x: monai_binary_focal(x, binary_soft)),
        ("dice_loss", "monai DiceLoss", logits,
         lambda x: losses.dice_loss(x, target),
         lambda x: monai_dice(x, target_channel)),
        ("dice_loss (1 channel, float)", "monai DiceLoss(sigmoid)", binary_logits,
         lambda x: losses.dice_loss(x, binary_float),
         lambda x: monai_dice_sigmoid(x, binary_float)),
        ("dice_loss (1 channel, soft)", "monai DiceLoss(sigmoid)", binary_logits,
         lambda x: losses.dice_loss(x, binary_soft),
         lambda x: monai_dice_sigmoid(x, binary_soft)),
        ("tversky_loss", "monai TverskyLoss", logits,
         lambda x: losses.tversky_loss(x, target),
         lambda x: monai_tversky(x, target_channel)),
        ("CompoundLoss(Dice + CE)", "monai DiceCELoss", logits,
         lambda x: compound(x, target),
         lambda x: monai_dice_ce(x, target_channel)),
        ("BoundaryLoss (maps per call)", "monai BoundaryLoss", logits,
         lambda x: boundary(x, target),
         lambda x: monai_boundary(x, target_channel)),
        ("cross_entropy float16", "torch F.cross_entropy fp32", logits.half(),
         lambda x: losses.cross_entropy(x, target),
         lambda x: F.cross_entropy(x.float(), target)),
        ("dice_loss bfloat16", "monai DiceLoss fp32", logits.bfloat16(),
         lambda x: losses.dice_loss(x, target),
         lambda x: monai_dice(x.float(), target_channel)),
    ]


def _time_once(function, logits, backward=True) -> float:
    """Seconds for the loss of ``logits``, with its backward pass unless ``backward=False``
    (then without autograd, as in evaluation)."""
    leaf = logits.detach().clone().requires_grad_(backward)
    start = time.perf_counter()
    if backward:
        function(leaf).backward()
    else:
        with torch.no_grad():
            function(leaf)
    return time.perf_counter() - start


def main() -> list[dict]:
    """Time every pair and print the table; returns the rows."""
    warnings.filterwarnings("ignore", module="monai")
    rows = []
    print(f"Loss forward + backward (forward only: 'fwd') on a {' x '.join(map(str, SHAPE))} "
          f"batch, float32 unless named (CPU, {torch.get_num_threads()} threads, best of "
          f"{REPEATS})")
    header = f"{'segcourse':<38} {'ms':>8}   {'reference':<26} {'ms':>8}   {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for name, reference, logits, ours, theirs, *mode in _cases():
        backward = mode[0] if mode else True
        for function in (ours, theirs):  # warm up
            _time_once(function, logits, backward)
        ours_times, their_times = [], []
        for _ in range(REPEATS):
            ours_times.append(_time_once(ours, logits, backward))
            their_times.append(_time_once(theirs, logits, backward))
        ours_ms = 1e3 * min(ours_times)
        their_ms = 1e3 * min(their_times)
        ratio = ours_ms / their_ms
        rows.append({"loss": name, "reference": reference, "ms": ours_ms,
                     "reference_ms": their_ms, "ratio": ratio})
        print(f"{name:<38} {ours_ms:8.1f}   {reference:<26} {their_ms:8.1f}   {ratio:6.2f}")
    return rows


if __name__ == "__main__":
    main()
