"""Time for TinyUNet to reach a foreground Dice of 0.9 on the synthetic shapes.

Trains ``TinyUNet(1, 2, seed=0)`` with ``segcourse.models.train`` on
``make_dataset(64, size=64, ...)`` (validation: 32 other images) for a fixed
number of epochs, with Dice + cross entropy at several foreground fractions
and with the other losses at 10 % foreground, and reports the first epoch
whose validation Dice reaches 0.9 and the wall time until then (training
plus the per-epoch validation, on this CPU with torch's default threads).
The goal: under 30 s. On a shared machine the seconds vary with the load;
the epochs do not (training is deterministic).

Run with ``python bench/bench_training.py`` or ``make bench``.
"""

from __future__ import annotations

import torch

from segcourse import losses
from segcourse._dataset import make_dataset
from segcourse.models import TinyUNet, train

TARGET = 0.9
EPOCHS = 10
FRACTIONS = (0.5, 0.1, 0.01)


def _losses():
    return {
        "Dice + CE": losses.CompoundLoss([losses.DiceLoss(), losses.CrossEntropyLoss()]),
        "cross entropy": losses.CrossEntropyLoss(),
        "focal (gamma=2)": losses.FocalLoss(gamma=2.0),
        "Dice": losses.DiceLoss(),
    }


def main() -> list[dict]:
    """Train every configuration and print the table; returns the rows."""
    rows = []
    print(f"TinyUNet (width 16, 3 levels) on 64 shapes images of 64x64, {EPOCHS} epochs, "
          f"batch 4, Adam lr 3e-3 (CPU, {torch.get_num_threads()} threads)")
    header = (f"{'foreground':>10}  {'loss':<16} {'epochs to 0.9':>13} {'s to 0.9':>9} "
              f"{'final Dice':>10} {'total s':>8}")
    print(header)
    print("-" * len(header))
    for fraction in FRACTIONS:
        train_set = make_dataset(64, size=64, foreground_fraction=fraction, seed=0)
        val_set = make_dataset(32, size=64, foreground_fraction=fraction, seed=1)
        for name, loss in _losses().items():
            if fraction != 0.1 and name != "Dice + CE":
                continue
            model = TinyUNet(1, 2, seed=0)
            history = train(model, train_set, loss, epochs=EPOCHS, lr=3e-3, seed=0,
                            val_dataset=val_set, progress=False)
            reached = [i for i, score in enumerate(history["val_dice"]) if score >= TARGET]
            epochs_to = f"{history['epoch'][reached[0]]}" if reached else "not reached"
            seconds_to = f"{history['seconds'][reached[0]]:.1f}" if reached else "-"
            row = {"foreground_fraction": fraction, "loss": name,
                   "epochs_to_target": history["epoch"][reached[0]] if reached else None,
                   "seconds_to_target": history["seconds"][reached[0]] if reached else None,
                   "final_dice": history["val_dice"][-1], "total_seconds": history["seconds"][-1]}
            rows.append(row)
            print(f"{fraction:>10.2f}  {name:<16} {epochs_to:>13} {seconds_to:>9} "
                  f"{row['final_dice']:>10.3f} {row['total_seconds']:>8.1f}", flush=True)
    return rows


if __name__ == "__main__":
    main()
