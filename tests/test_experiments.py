"""The experiment runner of chapter 07, its plots and its demo, on a tiny grid."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from segcourse import labels, losses, metrics, models, plotting, widgets  # noqa: E402
from segcourse._dataset import make_dataset  # noqa: E402
from segcourse.experiments import (  # noqa: E402
    SCORES,
    ExperimentResults,
    ScheduledBoundaryLoss,
    format_table,
    lab_losses,
    run_experiment,
    score_predictions,
    summarize,
)

TINY = dict(foreground_fractions=[0.2, 0.05], seeds=[0, 1], epochs=2, size=16, num_train=4,
            num_val=2, num_test=3, width=4, levels=2, batch_size=2, progress=False)


def tiny_losses():
    recipes = lab_losses()
    return {name: recipes[name] for name in ("cross entropy", "weighted CE", "boundary")}


@pytest.fixture(scope="module")
def tiny():
    return run_experiment(tiny_losses(), **TINY)


# -- the table -------------------------------------------------------------------------------


def test_one_row_per_run_in_grid_order_with_every_score(tiny):
    keys = [(r["loss"], r["foreground_fraction"], r["seed"]) for r in tiny.rows]
    assert keys == [(loss, fraction, seed) for loss in tiny_losses()
                    for fraction in (0.2, 0.05) for seed in (0, 1)]
    assert all(list(row) == ["loss", "foreground_fraction", "seed", *SCORES] for row in tiny.rows)
    assert tiny.losses == list(tiny_losses()) and tiny.fractions == [0.2, 0.05]
    assert tiny.seeds == [0, 1]
    assert set(tiny.curves) == set(tiny.predictions) == set(tiny.seconds) == set(keys)
    for key, curve in tiny.curves.items():
        assert curve["epoch"] == [1, 2] and len(curve["loss"]) == len(curve["val_dice"]) == 2
        assert tiny.predictions[key].shape == (3, 16, 16)
        assert tiny.predictions[key].dtype == bool
        assert tiny.seconds[key] > 0
    assert tiny.settings["epochs"] == 2 and tiny.settings["losses"] == list(tiny_losses())


def test_the_same_call_gives_the_same_table_curves_and_predictions(tiny):
    again = run_experiment(tiny_losses(), **TINY)
    assert repr(again.rows) == repr(tiny.rows)  # NaN included
    assert again.curves == tiny.curves
    for key, pred in tiny.predictions.items():
        np.testing.assert_array_equal(again.predictions[key], pred)


def test_train_validation_and_test_sets_are_drawn_apart_and_as_documented(tiny):
    for fraction in tiny.fractions:
        test_set = tiny.test_sets[fraction]
        expected = make_dataset(3, size=16, foreground_fraction=fraction, noise=0.25, seed=2)
        np.testing.assert_array_equal(test_set.images, expected.images)
        train_set = make_dataset(4, size=16, foreground_fraction=fraction, noise=0.25, seed=0)
        shared = (test_set.images[:, None] == train_set.images[None]).all(axis=(2, 3, 4))
        assert not shared.any()


def test_every_score_equals_the_metrics_computed_directly(tiny):
    for row in tiny.rows:
        key = (row["loss"], row["foreground_fraction"], row["seed"])
        pred, target = tiny.predictions[key], tiny.test_sets[key[1]].masks > 0
        assert row["dice"] == pytest.approx(metrics.dice(pred, target), nan_ok=True)
        assert row["iou"] == pytest.approx(metrics.iou(pred, target), nan_ok=True)
        assert row["precision"] == pytest.approx(metrics.precision(pred, target), nan_ok=True)
        assert row["recall"] == pytest.approx(metrics.recall(pred, target), nan_ok=True)
        hd95 = [metrics.hausdorff_distance(p, t, percentile=95, empty_penalty=math.hypot(16, 16))
                for p, t in zip(pred, target, strict=True)]
        assert row["hd95"] == pytest.approx(np.mean(hd95))
        found = sum(len(metrics.match_instances(labels.connected_components(p),
                                                labels.connected_components(t)).pairs)
                    for p, t in zip(pred, target, strict=True))
        total = sum(labels.connected_components(t).max() for t in target)
        assert row["object_recall"] == pytest.approx(found / total)


def test_a_run_of_the_grid_equals_the_same_run_by_hand(tiny):
    fraction, seed = 0.05, 1
    train_set = make_dataset(4, size=16, foreground_fraction=fraction, seed=0)
    val_set = make_dataset(2, size=16, foreground_fraction=fraction, seed=1)
    model = models.TinyUNet(1, 2, width=4, levels=2, seed=seed)
    history = models.train(model, train_set, losses.CrossEntropyLoss(), epochs=2, lr=1e-2,
                           seed=seed, batch_size=2, val_dataset=val_set, progress=False,
                           lr_schedule="cosine", num_threads=1)
    assert tiny.curves[("cross entropy", fraction, seed)]["loss"] == history["loss"]
    pred = models.predict(model, tiny.test_sets[fraction].images) > 0
    np.testing.assert_array_equal(pred, tiny.predictions[("cross entropy", fraction, seed)])


def test_score_predictions_on_known_masks():
    target = np.zeros((2, 8, 8), bool)
    target[0, 2:6, 2:6] = True
    target[1, 1:3, 1:3] = target[1, 5:7, 5:7] = True  # two objects
    pred = np.zeros_like(target)
    pred[0, 2:6, 3:7] = True    # one column off: IoU 12 / 20 = 0.6, found
    pred[1, 1:3, 1:3] = True    # the second object is missed
    scores = score_predictions(pred, target)
    tp, fp, fn = 12 + 4, 4, 4 + 4
    assert scores["dice"] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert scores["precision"] == pytest.approx(tp / (tp + fp))
    assert scores["recall"] == pytest.approx(tp / (tp + fn))
    assert scores["object_recall"] == pytest.approx(2 / 3)
    p, r = scores["precision"], scores["recall"]
    assert scores["dice"] == pytest.approx(2 * p * r / (p + r))  # pooled: the harmonic mean
    # an empty prediction: precision 0/0, HD95 the image diagonal (never left out)
    empty = score_predictions(np.zeros_like(target), target)
    assert math.isnan(empty["precision"]) and empty["recall"] == 0 and empty["dice"] == 0
    assert empty["hd95"] == pytest.approx(math.hypot(8, 8))
    assert empty["object_recall"] == 0


def test_score_predictions_rejects_bad_masks():
    with pytest.raises(ValueError, match="`pred`"):
        score_predictions(np.zeros((8, 8), bool), np.zeros((8, 8), bool))
    with pytest.raises(ValueError, match="same shape"):
        score_predictions(np.zeros((1, 8, 8), bool), np.zeros((1, 8, 9), bool))
    with pytest.raises(ValueError, match="`target`"):
        score_predictions(np.zeros((1, 4, 4), bool), np.full((1, 4, 4), 3))


# -- losses --------------------------------------------------------------------------------


def test_lab_losses_are_the_seven_losses_of_the_chapter():
    train_set = make_dataset(4, size=16, foreground_fraction=0.05, seed=0)
    built = {name: make(train_set) for name, make in lab_losses().items()}
    assert list(built) == ["cross entropy", "weighted CE", "focal", "Dice", "Dice + CE",
                           "Tversky", "boundary"]
    torch.testing.assert_close(built["weighted CE"].weight,
                               losses.class_weights(train_set.masks, num_classes=2))
    assert built["focal"].gamma == 2.0
    assert (built["Tversky"].alpha, built["Tversky"].beta) == (0.3, 0.7)
    assert isinstance(built["boundary"], ScheduledBoundaryLoss) and built["boundary"].step == 0.05
    logits, target = torch.randn(2, 2, 16, 16), torch.as_tensor(train_set.masks[:2])
    for name, loss in built.items():
        assert torch.isfinite(loss(logits, target)), name
    expected = losses.dice_loss(logits, target) + losses.cross_entropy(logits, target)
    torch.testing.assert_close(built["Dice + CE"](logits, target), expected)
    with pytest.raises(ValueError, match="`focal_gamma`"):
        lab_losses(focal_gamma=-1)


def test_scheduled_boundary_loss_follows_the_weights_of_kervadec():
    loss = ScheduledBoundaryLoss(step=0.2, minimum=0.1)
    logits = torch.randn(2, 2, 8, 8)
    target = torch.zeros(2, 8, 8, dtype=torch.long)
    target[:, 2:5, 2:6] = 1
    for epoch in range(7):
        loss.set_epoch(epoch)
        region, boundary = losses.boundary_loss_weights(epoch, step=0.2, minimum=0.1)
        assert loss.weights == [region, boundary]
        expected = (region * losses.dice_loss(logits, target)
                    + boundary * losses.BoundaryLoss()(logits, target))
        torch.testing.assert_close(loss(logits, target), expected)
    assert loss.weights == [0.1, 0.9]
    with pytest.raises(ValueError, match="`step`"):
        ScheduledBoundaryLoss(step=-0.1)
    with pytest.raises(TypeError, match="`region`"):
        ScheduledBoundaryLoss(region=3)


class _EpochSpy(torch.nn.Module):
    """Cross entropy that records the epochs it is told."""

    def __init__(self):
        super().__init__()
        self.told = []

    def set_epoch(self, epoch):
        self.told.append(epoch)

    def forward(self, logits, target):
        return losses.cross_entropy(logits, target)


def test_the_runner_tells_a_scheduled_loss_each_epoch_and_takes_every_kind_of_loss():
    spy = _EpochSpy()

    def function(logits, target):  # a loss written as a function
        return losses.dice_loss(logits, target)

    def factory(train_set):  # a function of the training set that returns a loss
        return losses.CrossEntropyLoss(weight=losses.class_weights(train_set.masks))

    results = run_experiment({"spy": spy, "function": function, "factory": factory},
                             **{**TINY, "foreground_fractions": [0.1], "seeds": [3]})
    assert spy.told == [0, 0, 1]  # reset when the run starts, then before each epoch
    assert results.losses == ["spy", "function", "factory"]
    assert all(np.isfinite(row["dice"]) for row in results.rows)


def test_train_calls_the_epoch_callback_and_keeps_its_history_without_one():
    data = make_dataset(4, size=16, seed=0)
    seen = []
    histories = []
    for callback in (None, seen.append):
        model = models.TinyUNet(1, 2, width=4, levels=2, seed=0)
        history = models.train(model, data, losses.CrossEntropyLoss(), epochs=3, batch_size=2,
                               progress=False, num_threads=1, epoch_callback=callback)
        histories.append(history)
    assert seen == [0, 1, 2]
    assert histories[0]["loss"] == histories[1]["loss"]
    with pytest.raises(TypeError, match="`epoch_callback`"):
        models.train(models.TinyUNet(1, 2, width=4, levels=2), data, losses.CrossEntropyLoss(),
                     epochs=1, progress=False, epoch_callback=3)


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("options, error, name", [
    ({"losses": [losses.DiceLoss()]}, TypeError, "losses"),
    ({"losses": {}}, ValueError, "losses"),
    ({"losses": {"x": 3}}, TypeError, r"losses\['x'\]"),
    ({"losses": {1: losses.DiceLoss()}}, TypeError, "losses"),
    ({"foreground_fractions": [0.0]}, ValueError, "foreground_fractions"),
    ({"foreground_fractions": [0.1, 0.1]}, ValueError, "foreground_fractions"),
    ({"foreground_fractions": 0.1}, TypeError, "foreground_fractions"),
    ({"seeds": []}, ValueError, "seeds"),
    ({"seeds": [0.5]}, TypeError, "seeds"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"size": 15}, ValueError, "size"),
    ({"levels": 4}, ValueError, "levels"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr_schedule": "step"}, ValueError, "lr_schedule"),
    ({"num_threads": 0}, ValueError, "num_threads"),
    ({"progress": "yes"}, TypeError, "progress"),
    ({"num_test": 0}, ValueError, "num_test"),
])
def test_bad_arguments_raise_errors_that_name_them(options, error, name):
    arguments = {"losses": {"Dice": losses.DiceLoss()}, **TINY, **options}
    with pytest.raises(error, match=f"`{name}`"):
        run_experiment(**arguments)


def test_a_factory_that_returns_no_loss_is_named():
    with pytest.raises(TypeError, match=r"`losses\['broken'\]`.*returned 3"):
        run_experiment({"broken": lambda train_set: 3}, **TINY)


# -- summaries and tables -------------------------------------------------------------------


def test_summarize_gives_mean_sample_sd_range_and_leaves_nan_out():
    rows = [{"loss": "a", "seed": s, "dice": v} for s, v in enumerate([0.5, 0.7, 0.9])]
    rows += [{"loss": "b", "seed": 0, "dice": 0.4}, {"loss": "b", "seed": 1, "dice": math.nan}]
    first, second = summarize(rows, "dice", by="loss")
    assert first["n"] == 3 and first["dice_mean"] == pytest.approx(0.7)
    assert first["dice_std"] == pytest.approx(np.std([0.5, 0.7, 0.9], ddof=1))
    assert (first["dice_min"], first["dice_max"]) == (0.5, 0.9)
    assert second["n"] == 2 and second["dice_mean"] == 0.4 and math.isnan(second["dice_std"])
    # how many runs each score's statistics use: a NaN run (a precision of 0/0) is not one
    assert (first["dice_n"], second["dice_n"]) == (3, 1)
    with pytest.raises(ValueError, match="`rows`"):
        summarize([], "dice")
    with pytest.raises(ValueError, match="`scores`"):
        summarize(rows, "hd95", by="loss")
    with pytest.raises(ValueError, match="`by`"):
        summarize(rows, "dice", by="fraction")


def test_results_helpers_select_values_groups_and_curves(tiny):
    rows = tiny.select(loss="weighted CE", foreground_fraction=0.05)
    assert [row["seed"] for row in rows] == [0, 1]
    np.testing.assert_array_equal(tiny.values("dice", loss="weighted CE", foreground_fraction=0.05),
                                  [row["dice"] for row in rows])
    groups = tiny.groups("recall", foreground_fraction=0.2)
    assert list(groups) == tiny.losses and all(len(v) == 2 for v in groups.values())
    curve = tiny.curve("boundary", 0.2)
    assert curve.shape == (2, 2)
    assert curve[1].tolist() == tiny.curves[("boundary", 0.2, 1)]["val_dice"]
    summary = tiny.summary(["dice"])
    assert len(summary) == 6 and summary[0]["n"] == 2
    assert tiny.table(["dice"], loss="boundary").splitlines()[0].split() == [
        "loss", "foreground_fraction", "seed", "dice"]
    with pytest.raises(ValueError, match="`score`"):
        tiny.values("accuracy")
    with pytest.raises(ValueError, match="`loss`"):
        tiny.curve("focal", 0.2)
    with pytest.raises(ValueError, match="`fraction`"):
        tiny.select(fraction=0.2)


def test_format_table_aligns_and_rounds():
    text = format_table([{"loss": "Dice", "seed": 0, "dice": 0.81234},
                         {"loss": "weighted CE", "seed": 12, "dice": math.nan}], digits=2)
    assert text.splitlines() == ["loss         seed  dice",
                                 "Dice            0  0.81",
                                 "weighted CE    12   nan"]
    with pytest.raises(ValueError, match="`columns`"):
        format_table([{"a": 1}], ["b"])


def test_no_progress_bar_in_the_book_build(monkeypatch, capsys):
    options = {**TINY, "foreground_fractions": [0.1], "seeds": [0], "progress": True}
    run_experiment({"Dice": losses.DiceLoss()}, **options)
    assert "training lab" in capsys.readouterr().err
    monkeypatch.setenv("SEGCOURSE_BOOK_BUILD", "1")
    run_experiment({"Dice": losses.DiceLoss()}, **options)
    assert "training lab" not in capsys.readouterr().err


# -- the results plot and the learning curves ----------------------------------------------


def test_seed_scores_show_every_seed_and_the_mean_with_its_spread():
    with plotting.course_style():
        ax = plotting.show_seed_scores({"A": [0.2, 0.4, 0.9], "B": [0.5, np.nan, 0.7]},
                                       legend=True, title="t")
        points = ax.lines[0].get_xydata()
        np.testing.assert_allclose(points[:, 0], [0.2, 0.4, 0.9])
        assert len(set(points[:, 1])) == 3  # each seed at its own height, no overlap
        bar = ax.lines[1].get_xdata()
        half = np.std([0.2, 0.4, 0.9], ddof=1)
        np.testing.assert_allclose(bar, [0.5 - half, 0.5 + half])
        assert ax.lines[2].get_xdata()[0] == pytest.approx(0.5)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B (1 NaN)"]
        assert ax.get_xlim() == (0.0, 1.0) and ax.get_xlabel() == "Dice"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["one seed", "mean ± 1 SD"]
        fig = ax.figure
        assert plotting.check_figure(fig) == []
        plt.close(fig)
        ax = plotting.show_seed_scores({"A": [2.0, 9.0]}, score="hd95", spread="range",
                                       labels=False)
        np.testing.assert_allclose(ax.lines[1].get_xdata(), [2.0, 9.0])
        assert ax.get_xlabel() == "HD95" and ax.get_xlim() != (0.0, 1.0)
        assert [t.get_text() for t in ax.get_yticklabels()] == [""]
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="`spread`"):
        plotting.show_seed_scores({"A": [0.1]}, spread="sem")
    with pytest.raises(TypeError, match="`groups`"):
        plotting.show_seed_scores([0.1, 0.2])


def test_learning_curves_one_panel_per_loss_every_run_and_the_mean(tiny):
    with plotting.course_style():
        curves = {loss: tiny.curve(loss, 0.05) for loss in tiny.losses}
        axes = plotting.show_learning_curves(curves, ncols=2)
        assert [ax.get_title() for ax in axes] == tiny.losses
        first = axes[0]
        assert len(first.lines) == 3  # two seeds and their mean
        np.testing.assert_allclose(first.lines[2].get_ydata(), curves[tiny.losses[0]].mean(0))
        assert first.get_ylabel() == "validation Dice" and axes[1].get_ylabel() == ""
        assert axes[2].get_xlabel() == "epoch"
        fig = first.figure
        assert plotting.check_figure(fig) == []
        legend_texts = [t.get_text() for ax in fig.axes if ax.get_legend()
                        for t in ax.get_legend().get_texts()]
        assert legend_texts == ["one seed", "mean"]
        plt.close(fig)
    with pytest.raises(ValueError, match="`axes`"):
        plotting.show_learning_curves({"a": [[0.1, 0.2]]}, axes=[None, None])
    with pytest.raises(ValueError, match=r"`curves\['a'\]`"):
        plotting.show_learning_curves({"a": np.zeros((2, 2, 2))})


# -- the demo -------------------------------------------------------------------------------


def test_training_lab_demo_shows_the_stored_predictions_of_every_loss_and_seed(tiny):
    demo = widgets.training_lab_demo(tiny, images=3)
    assert [s.name for s in demo.sliders] == ["loss", "seed"]
    assert list(demo.sliders[0].values) == tiny.losses and list(demo.sliders[1].values) == [0, 1]
    result = demo.compute_at(loss="weighted CE", seed=1)
    np.testing.assert_array_equal(result["pred"], tiny.predictions[("weighted CE", 0.05, 1)])
    assert result["row"] == tiny.select(loss="weighted CE", foreground_fraction=0.05, seed=1)[0]
    frames = {demo.render(**s) for s in demo.settings()}
    assert len(frames) == 6  # every setting a different picture
    assert len(demo.static_html().encode()) < widgets.MAX_STATIC_BYTES
    fig = demo.figure(loss="boundary", seed=0)
    assert plotting.check_figure(fig, width_px=demo.display_width, display_dpi=demo.dpi) == []
    with pytest.raises(ValueError, match="`foreground_fraction`"):
        widgets.training_lab_demo(tiny, foreground_fraction=0.5)
    with pytest.raises(ValueError, match="`images`"):
        widgets.training_lab_demo(tiny, images=5)
    with pytest.raises(TypeError, match="`results`"):
        widgets.training_lab_demo(tiny.rows)


def test_training_lab_demo_frames_equal_a_fresh_drawing(tiny):
    """Tick labels are drawn once and pasted (widgets._Frozen): a frame reached by moving the
    sliders equals the first frame of a fresh demo."""
    import io

    from PIL import Image

    demo = widgets.training_lab_demo(tiny)
    demo.render(**demo.initial_settings())
    for setting in ({"loss": "boundary", "seed": 1}, {"loss": "weighted CE", "seed": 0}):
        moved = np.asarray(Image.open(io.BytesIO(demo.render(**setting))).convert("RGB"))
        fresh = widgets.training_lab_demo(tiny).render(**setting)
        np.testing.assert_array_equal(moved, np.asarray(Image.open(io.BytesIO(fresh))
                                                        .convert("RGB")))


def test_results_that_are_not_a_grid_are_refused():
    with pytest.raises(TypeError, match="`results`"):
        widgets.training_lab_demo({"rows": []})
    assert isinstance(ExperimentResults(rows=[]).rows, list)
