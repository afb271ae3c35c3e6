"""Tests of segcourse.models: TinyUNet, predict and the seeded training loop.

Training here is brief and on tiny sets: it checks that the loss drops and
that runs are reproducible. Reaching a Dice of 0.9 is measured by
bench/bench_training.py, not by a timed test.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import torch

from segcourse import models
from segcourse._dataset import make_dataset
from segcourse.losses import CompoundLoss, CrossEntropyLoss, DiceLoss
from segcourse.models import TinyUNet, predict, train

CUDA = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.fixture(scope="module")
def tiny_data():
    return (make_dataset(16, size=16, foreground_fraction=0.3, noise=0.1, seed=0),
            make_dataset(8, size=16, foreground_fraction=0.3, noise=0.1, seed=1))


def small_model(num_classes=2, seed=0):
    return TinyUNet(1, num_classes, width=4, levels=2, seed=seed)


# --------------------------------------------------------------------------
# TinyUNet
# --------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [2, 3])
@pytest.mark.parametrize("in_channels,num_classes", [(1, 2), (3, 4), (1, 1)])
def test_tiny_unet_output_shape(levels, in_channels, num_classes):
    model = TinyUNet(in_channels, num_classes, width=4, levels=levels, seed=0)
    out = model(torch.randn(2, in_channels, 16, 24))
    assert out.shape == (2, num_classes, 16, 24)


def test_tiny_unet_parameter_count_is_well_under_500k():
    def count(model):
        return sum(p.numel() for p in model.parameters())

    assert count(TinyUNet(1, 2)) < 150_000
    assert count(TinyUNet(3, 5)) < 150_000
    assert count(TinyUNet(1, 2, levels=2)) < count(TinyUNet(1, 2))


def test_tiny_unet_seed_fixes_weights_and_leaves_global_state_alone():
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = TinyUNet(1, 2, width=4, seed=5)
    assert torch.equal(torch.rand(3), expected_next)  # global generator untouched
    second = TinyUNet(1, 2, width=4, seed=5)
    other = TinyUNet(1, 2, width=4, seed=6)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(first.head.weight, other.head.weight)


def test_tiny_unet_bad_arguments():
    with pytest.raises(ValueError, match="`images`.*multiples of 4"):
        TinyUNet(1, 2)(torch.zeros(1, 1, 18, 16))
    with pytest.raises(ValueError, match="`images`.*\\(N, 1, H, W\\)"):
        TinyUNet(1, 2)(torch.zeros(1, 3, 16, 16))
    with pytest.raises(ValueError, match="`levels`"):
        TinyUNet(1, 2, levels=4)
    with pytest.raises(ValueError, match="`num_classes`"):
        TinyUNet(1, 0)
    with pytest.raises(TypeError, match="`width`"):
        TinyUNet(1, 2, width=8.0)


# --------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------


def test_predict_is_the_argmax_and_keeps_the_input_kind():
    model = small_model(3)
    model.train()
    images = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    model.eval()
    with torch.no_grad():
        expected = model(images).argmax(dim=1)
    model.train()
    labels = predict(model, images, batch_size=2)
    assert isinstance(labels, torch.Tensor) and labels.dtype == torch.int64
    assert torch.equal(labels, expected)
    assert model.training  # mode restored
    as_array = predict(model, images.numpy())
    assert isinstance(as_array, np.ndarray)
    np.testing.assert_array_equal(as_array, expected.numpy())


def test_predict_one_channel_thresholds_the_logit():
    class Constant(torch.nn.Module):
        def forward(self, images):
            return images[:, :1] - 0.5

    images = torch.tensor([[[[0.2, 0.7], [0.5, 1.0]]]])
    np.testing.assert_array_equal(predict(Constant(), images).numpy(), [[[0, 1], [0, 1]]])


def test_predict_converts_to_the_model_dtype():
    model = small_model().double()
    images = np.random.default_rng(0).random((2, 1, 8, 8)).astype(np.float32)
    assert predict(model, images).shape == (2, 8, 8)
    assert predict(small_model(), images.astype(np.float64)).shape == (2, 8, 8)


def test_predict_bad_arguments():
    with pytest.raises(ValueError, match="`images`"):
        predict(small_model(), torch.zeros(1, 8, 8))
    with pytest.raises(TypeError, match="`images`"):
        predict(small_model(), [[0.0]])
    with pytest.raises(TypeError, match="`model`"):
        predict(lambda x: x, torch.zeros(1, 1, 8, 8))


# --------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------


def test_training_lowers_the_loss_and_scores_the_validation_set(tiny_data):
    train_set, val_set = tiny_data
    model = small_model()
    history = train(model, train_set, CrossEntropyLoss(), epochs=4, lr=1e-2,
                    val_dataset=val_set, progress=False)
    assert history["epoch"] == [1, 2, 3, 4]
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    assert all(0.0 <= score <= 1.0 for score in history["val_dice"])
    assert history["seconds"] == sorted(history["seconds"])
    # the reported score is the foreground Dice of predict() on the validation set
    pred = predict(model, val_set.images)
    masks = val_set.masks
    manual = 2 * np.sum((pred == 1) & (masks == 1)) / (np.sum(pred == 1) + np.sum(masks == 1))
    assert history["val_dice"][-1] == pytest.approx(manual)


def test_training_is_deterministic(tiny_data):
    train_set, _ = tiny_data
    loss = CompoundLoss([DiceLoss(), CrossEntropyLoss()])
    runs = []
    for _ in range(2):
        model = small_model(seed=1)
        history = train(model, train_set, loss, epochs=2, seed=3, batch_size=4, progress=False)
        runs.append((history, model.state_dict()))
    (first, first_state), (second, second_state) = runs
    assert first["loss"] == second["loss"] and first["val_dice"] == second["val_dice"]
    for key in first_state:
        assert torch.equal(first_state[key], second_state[key]), key
    other = train(small_model(seed=1), train_set, loss, epochs=2, seed=4, batch_size=4,
                  progress=False)
    assert other["loss"] != first["loss"]  # the seed sets the batch order


def test_val_every_scores_every_kth_epoch_and_the_last(tiny_data, monkeypatch):
    train_set, val_set = tiny_data
    loss = CompoundLoss([DiceLoss(), CrossEntropyLoss()])
    every = train(small_model(seed=1), train_set, loss, epochs=5, seed=3, val_dataset=val_set,
                  progress=False)
    calls = []
    original = models.predict
    monkeypatch.setattr(models, "predict",
                        lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    spaced = train(small_model(seed=1), train_set, loss, epochs=5, seed=3, val_dataset=val_set,
                   progress=False, val_every=2)
    assert len(calls) == 3  # epochs 2, 4 and the last, 5
    assert spaced["epoch"] == every["epoch"] and spaced["loss"] == every["loss"]
    scored = [not math.isnan(score) for score in spaced["val_dice"]]
    assert scored == [False, True, False, True, True]
    # scoring does not touch training: the scores of the epochs scored are the same
    assert [s for s, kept in zip(spaced["val_dice"], scored, strict=True) if kept] == [
        s for s, kept in zip(every["val_dice"], scored, strict=True) if kept]
    calls.clear()
    never = train(small_model(seed=1), train_set, loss, epochs=2, seed=3, val_dataset=val_set,
                  progress=False, val_every=None)
    assert not calls and all(math.isnan(score) for score in never["val_dice"])
    assert never["loss"] == every["loss"][:2]
    for bad, error in [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]:
        with pytest.raises(error, match="`val_every`"):
            train(small_model(), train_set, loss, epochs=1, progress=False, val_every=bad)


def test_training_restores_global_state(tiny_data):
    train_set, _ = tiny_data
    torch.manual_seed(0)
    expected = torch.rand(2)
    torch.manual_seed(0)
    deterministic = torch.are_deterministic_algorithms_enabled()
    train(small_model(), train_set, CrossEntropyLoss(), epochs=1, progress=False)
    assert torch.equal(torch.rand(2), expected)
    assert torch.are_deterministic_algorithms_enabled() == deterministic


def test_cosine_schedule_ends_at_zero_and_threads_are_restored(tiny_data, monkeypatch):
    train_set, _ = tiny_data
    rates = []
    step = torch.optim.Adam.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", recording_step)
    threads = torch.get_num_threads()
    train(small_model(), train_set, CrossEntropyLoss(), epochs=2, lr=1e-2, batch_size=4,
          lr_schedule="cosine", num_threads=1, progress=False)
    assert torch.get_num_threads() == threads
    steps = 2 * 4  # 16 images in batches of 4, twice
    expected = [1e-2 * 0.5 * (1 + np.cos(np.pi * k / steps)) for k in range(steps)]
    np.testing.assert_allclose(rates, expected)
    rates.clear()
    train(small_model(), train_set, CrossEntropyLoss(), epochs=1, lr=1e-2, progress=False)
    assert rates == [1e-2] * 4  # the default: constant


def test_one_thread_training_is_deterministic(tiny_data):
    train_set, _ = tiny_data
    runs = [train(small_model(), train_set, CrossEntropyLoss(), epochs=2, num_threads=1,
                  lr_schedule="cosine", progress=False)["loss"] for _ in range(2)]
    assert runs[0] == runs[1]


def test_train_bad_schedule_and_threads(tiny_data):
    train_set, _ = tiny_data
    with pytest.raises(ValueError, match="`lr_schedule`"):
        train(small_model(), train_set, CrossEntropyLoss(), lr_schedule="linear")
    with pytest.raises(ValueError, match="`num_threads`"):
        train(small_model(), train_set, CrossEntropyLoss(), num_threads=0)


def test_training_on_several_classes_scores_every_foreground_class():
    data = make_dataset(16, size=16, foreground_fraction=0.3, noise=0.05, num_classes=4, seed=0)
    model = TinyUNet(1, 4, width=4, levels=2, seed=0)
    history = train(model, data, CrossEntropyLoss(), epochs=2, lr=1e-2, num_threads=1,
                    progress=False)
    pred = predict(model, data.images)
    expected = models._foreground_dice(pred, data.masks, 4)
    assert history["val_dice"][-1] == pytest.approx(expected)


def test_progress_bar_can_be_switched_off(tiny_data, capsys):
    train_set, _ = tiny_data
    train(small_model(), train_set, CrossEntropyLoss(), epochs=1, progress=False)
    assert capsys.readouterr().err == ""
    train(small_model(), train_set, CrossEntropyLoss(), epochs=1, progress=True)
    assert "training" in capsys.readouterr().err


def test_train_accepts_pairs_and_sequences(tiny_data):
    train_set, _ = tiny_data
    images, masks = train_set.images[:4], train_set.masks[:4]
    from_pair = train(small_model(), (torch.as_tensor(images), torch.as_tensor(masks)),
                      CrossEntropyLoss(), epochs=1, progress=False)
    from_list = train(small_model(), list(zip(images, masks, strict=True)), CrossEntropyLoss(),
                      epochs=1, progress=False)
    assert from_pair["loss"] == from_list["loss"]


def test_one_channel_model_trains_with_a_sigmoid_loss(tiny_data):
    train_set, _ = tiny_data
    history = train(small_model(num_classes=1), train_set, DiceLoss(), epochs=2, lr=1e-2,
                    progress=False)
    assert np.isfinite(history["val_dice"]).all()


def test_train_bad_arguments(tiny_data):
    train_set, _ = tiny_data
    with pytest.raises(TypeError, match="`dataset`"):
        train(small_model(), 42, CrossEntropyLoss(), epochs=1, progress=False)
    with pytest.raises(ValueError, match="`dataset`.*masks"):
        train(small_model(), (train_set.images, train_set.masks[:, :8]), CrossEntropyLoss(),
              epochs=1, progress=False)
    with pytest.raises(ValueError, match="`dataset`.*integer masks"):
        train(small_model(), (train_set.images, train_set.masks.astype(float)),
              CrossEntropyLoss(), epochs=1, progress=False)
    with pytest.raises(ValueError, match="`epochs`"):
        train(small_model(), train_set, CrossEntropyLoss(), epochs=0)
    with pytest.raises(ValueError, match="`lr`"):
        train(small_model(), train_set, CrossEntropyLoss(), lr=0.0)
    with pytest.raises(TypeError, match="`loss`"):
        train(small_model(), train_set, "dice")
    with pytest.raises(TypeError, match="`progress`"):
        train(small_model(), train_set, CrossEntropyLoss(), progress="no")

    def diverging(logits, masks):
        return logits.sum() * float("nan")

    with pytest.raises(FloatingPointError, match="epoch 1, step 1"):
        train(small_model(), train_set, diverging, epochs=1, progress=False)


# --------------------------------------------------------------------------
# validation scores with and without segcourse.metrics
# --------------------------------------------------------------------------


def test_fallback_dice_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    pred = rng.integers(0, 4, size=500)
    target = rng.integers(0, 3, size=500)  # class 3 only predicted, never true
    expected = f1_score(target, pred, labels=[0, 1, 2, 3], average=None, zero_division=0)
    np.testing.assert_allclose(models._fallback_dice(pred, target, 4), expected)
    # a class in neither prediction nor target is NaN, not 0 or 1
    assert np.isnan(models._fallback_dice(np.zeros(4, int), np.zeros(4, int), 2)[1])


def test_foreground_dice_without_segcourse_metrics(monkeypatch):
    rng = np.random.default_rng(1)
    pred = rng.integers(0, 3, size=(2, 6, 6))
    target = rng.integers(0, 3, size=(2, 6, 6))
    target[0, 0, 0] = -100  # ignored pixels count nowhere
    with_metrics = models._foreground_dice(pred, target, 3)
    monkeypatch.setitem(sys.modules, "segcourse.metrics", None)  # import now fails
    without = models._foreground_dice(pred, target, 3)
    keep = target >= 0
    expected = np.mean(models._fallback_dice(pred[keep], target[keep], 3)[1:])
    assert without == pytest.approx(expected)
    assert with_metrics == pytest.approx(expected)
    # no foreground anywhere: undefined, NaN
    assert np.isnan(models._foreground_dice(np.zeros((1, 4), int), np.zeros((1, 4), int), 2))


# --------------------------------------------------------------------------
# CUDA (skipped without a GPU)
# --------------------------------------------------------------------------


@CUDA[0]
@CUDA[1]
def test_model_on_cuda_matches_cpu(monkeypatch):
    # full float32 convolutions on the GPU (TF32 would round to 10-bit mantissas)
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)
    model = TinyUNet(1, 2, seed=0).eval()
    images = torch.randn(2, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = model(images)
        on_gpu = model.to("cuda")(images.to("cuda")).cpu()
    torch.testing.assert_close(on_gpu, expected, rtol=1e-4, atol=1e-4)


@CUDA[0]
@CUDA[1]
def test_training_runs_on_cuda(tiny_data):
    train_set, val_set = tiny_data
    model = small_model()
    history = train(model, train_set, CompoundLoss([DiceLoss(), CrossEntropyLoss()]), epochs=3,
                    lr=1e-2, device="cuda", val_dataset=val_set, progress=False)
    assert history["loss"][-1] < history["loss"][0]
    assert next(model.parameters()).device.type == "cuda"


def test_train_scores_with_a_positive_ignore_value():
    """Masks that mark ignored pixels with 255 train and score (the 255s count nowhere)."""
    import numpy as np

    from segcourse._dataset import make_dataset
    from segcourse.losses import CrossEntropyLoss
    from segcourse.models import TinyUNet, train

    data = make_dataset(4, size=32, foreground_fraction=0.2, seed=0)
    masks = np.array(data.masks, dtype=np.int64)
    masks[:, 0, :] = 255
    history = train(TinyUNet(1, 2, width=4, levels=2, seed=0), (data.images, masks),
                    CrossEntropyLoss(ignore_index=255), epochs=1, progress=False)
    assert len(history["val_dice"]) == 1
    assert 0.0 <= history["val_dice"][0] <= 1.0 or np.isnan(history["val_dice"][0])
