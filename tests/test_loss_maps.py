"""Chapter 06's maps, shares and curves (segcourse.losses), its plot helpers
(segcourse.plotting) and its demos (segcourse.widgets): each against torch's
autograd or a closed form, with the edge cases (empty targets, ignore_index,
half precision, logits of +-1e4) and bad input."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from segcourse import losses, metrics, plotting, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def batch(seed=0, n=2, c=2, size=(5, 6), dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    logits = (3 * torch.randn(n, c, *size, generator=generator)).to(dtype)
    target = torch.randint(0, c, (n, *size), generator=generator)
    return logits, target


# --- target_probability --------------------------------------------------------------------


def test_target_probability_is_the_softmax_of_the_true_class():
    logits, target = batch(c=3)
    expected = torch.softmax(logits, dim=1).gather(1, target[:, None])[:, 0]
    torch.testing.assert_close(losses.target_probability(logits, target), expected)
    # and -log of it is the per-pixel cross entropy
    torch.testing.assert_close(-torch.log(losses.target_probability(logits, target)),
                               F.cross_entropy(logits, target, reduction="none"))


def test_target_probability_one_channel_is_the_sigmoid_or_its_complement():
    logits = torch.tensor([[[2.0, -1.0, 0.0]]])
    target = torch.tensor([[1, 1, 0]])
    expected = torch.tensor([[torch.sigmoid(torch.tensor(2.0)).item(),
                              torch.sigmoid(torch.tensor(-1.0)).item(), 0.5]])
    torch.testing.assert_close(losses.target_probability(logits, target), expected)


def test_target_probability_ignored_pixels_are_nan_and_extremes_are_exact():
    logits = torch.tensor([[[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]]])  # (N=1, C=2, 3 pixels)
    target = torch.tensor([[0, 0, 255]])
    p = losses.target_probability(logits, target, ignore_index=255)
    assert p[0, 0] == 1.0 and p[0, 1] == 0.0 and math.isnan(p[0, 2])


def test_target_probability_half_precision_computes_in_float32():
    logits, target = batch(dtype=torch.float16)
    p = losses.target_probability(logits, target)
    assert p.dtype == torch.float32
    torch.testing.assert_close(p, losses.target_probability(logits.float(), target))


def test_target_probability_bad_input():
    logits, target = batch()
    with pytest.raises(TypeError, match="`logits`"):
        losses.target_probability(logits.numpy(), target)
    with pytest.raises(ValueError, match="`target`"):
        losses.target_probability(logits, target[:, :2])
    with pytest.raises(ValueError, match="`target`"):
        losses.target_probability(logits, target + 5)


# --- loss_map --------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"weight": [0.3, 2.0]}, {"label_smoothing": 0.1}])
def test_loss_map_of_cross_entropy_is_torchs_unreduced_loss(options):
    logits, target = batch()
    torch_options = dict(options)
    if "weight" in torch_options:
        torch_options["weight"] = torch.tensor(torch_options["weight"], dtype=torch.float64)
    torch.testing.assert_close(losses.loss_map(losses.cross_entropy, logits, target, **options),
                               F.cross_entropy(logits, target, reduction="none",
                                               **torch_options))


def test_loss_map_of_focal_loss_by_hand_and_ignore_index():
    logits, target = batch(c=3)
    target[0, 0, 0] = -100
    p_t = losses.target_probability(logits, target)
    by_hand = torch.nan_to_num(-(1 - p_t) ** 2 * torch.log(p_t), nan=0.0)
    result = losses.loss_map(losses.focal_loss, logits, target, gamma=2.0)
    torch.testing.assert_close(result, by_hand)
    assert result[0, 0, 0] == 0.0


def test_loss_map_of_boundary_loss_sums_the_foreground_classes():
    logits, target = batch(c=3)
    maps = losses.signed_distance_map(target, num_classes=3).double()
    expected = (torch.softmax(logits, dim=1) * maps)[:, 1:].sum(dim=1)
    torch.testing.assert_close(losses.loss_map(losses.boundary_loss, logits, maps), expected)


def test_loss_map_empty_target_and_half_precision():
    logits, _ = batch(dtype=torch.float16)
    empty = torch.zeros(2, 5, 6, dtype=torch.long)  # nothing to find
    result = losses.loss_map(losses.cross_entropy, logits, empty)
    assert result.dtype == torch.float32 and result.shape == (2, 5, 6)
    torch.testing.assert_close(result, F.cross_entropy(logits.float(), empty, reduction="none"))


def test_loss_map_refuses_region_losses_modules_and_a_reduction():
    logits, target = batch()
    with pytest.raises(ValueError, match="use gradient_map"):
        losses.loss_map(losses.dice_loss, logits, target)
    with pytest.raises(ValueError, match="use gradient_map"):
        losses.loss_map(losses.tversky_loss, logits, target)
    with pytest.raises(TypeError, match="`loss`"):
        losses.loss_map(losses.CrossEntropyLoss(), logits, target)
    with pytest.raises(ValueError, match="`reduction`"):
        losses.loss_map(losses.cross_entropy, logits, target, reduction="sum")


# --- gradient_map ----------------------------------------------------------------------------


def test_gradient_map_of_cross_entropy_is_p_minus_y():
    logits, target = batch(c=3)
    probs = torch.softmax(logits, dim=1)
    one_hot = F.one_hot(target, 3).permute(0, 3, 1, 2).double()
    for channel in range(3):
        torch.testing.assert_close(
            losses.gradient_map(losses.cross_entropy, logits, target, channel=channel,
                                reduction="sum"),
            (probs - one_hot)[:, channel])
    # "mean" divides by the number of pixels
    torch.testing.assert_close(losses.gradient_map(losses.cross_entropy, logits, target),
                               (probs - one_hot)[:, -1] / target.numel())


def test_gradient_map_two_channels_are_opposite():
    logits, target = batch()
    for loss, options in ((losses.dice_loss, {}), (losses.focal_loss, {"gamma": 2.0}),
                          (losses.tversky_loss, {"alpha": 0.3, "beta": 0.7})):
        foreground = losses.gradient_map(loss, logits, target, **options)
        background = losses.gradient_map(loss, logits, target, channel=0, **options)
        torch.testing.assert_close(foreground, -background)


def test_gradient_map_of_soft_dice_against_autograd_of_the_formula():
    logits, target = batch(n=1)
    leaf = logits.clone().requires_grad_(True)
    p = torch.softmax(leaf, dim=1)[:, 1]
    g = target.double()
    dice = 1 - (2 * (p * g).sum() + 1e-5) / (p.sum() + g.sum() + 1e-5)
    dice.backward()
    torch.testing.assert_close(
        losses.gradient_map(losses.dice_loss, logits, target, include_background=False),
        leaf.grad[:, 1])


def test_gradient_map_is_finite_at_extreme_logits():
    logits = torch.tensor([[[1e4, -1e4, 2.0], [-1e4, 1e4, 0.0]]])
    target = torch.tensor([[0, 0, 1]])
    for loss, options in ((losses.focal_loss, {"gamma": 0.5}), (losses.cross_entropy, {}),
                          (losses.dice_loss, {}), (losses.tversky_loss, {})):
        gradient = losses.gradient_map(loss, logits, target, **options)
        assert torch.isfinite(gradient).all(), loss.__name__


def test_gradient_map_bad_input():
    logits, target = batch()
    with pytest.raises(ValueError, match="`channel`"):
        losses.gradient_map(losses.cross_entropy, logits, target, channel=2)
    with pytest.raises(TypeError, match="`logits`"):
        losses.gradient_map(losses.cross_entropy, logits.numpy(), target)
    with pytest.raises(TypeError, match="`loss`"):
        losses.gradient_map("cross_entropy", logits, target)


# --- shares ----------------------------------------------------------------------------------


def test_loss_share_by_difficulty_exact_and_ignored_pixels():
    shares = losses.loss_share_by_difficulty(np.array([0.1, 0.1, 0.2, 0.6, 5.0]),
                                             np.array([0.95, 0.91, 0.9, 0.3, np.nan]))
    assert shares["easy_share"] == pytest.approx(0.2)  # p_t = 0.9 is not above 0.9
    assert shares["hard_share"] == pytest.approx(0.8)
    assert (shares["easy_pixels"], shares["hard_pixels"]) == (2, 2)
    assert shares["total"] == pytest.approx(1.0)  # the ignored pixel counts nowhere
    nothing = losses.loss_share_by_difficulty(np.zeros(3), np.full(3, 0.99))
    assert math.isnan(nothing["easy_share"]) and math.isnan(nothing["hard_share"])


def test_loss_share_by_difficulty_bad_input():
    with pytest.raises(ValueError, match="`pixel_loss`"):
        losses.loss_share_by_difficulty(np.array([-1.0]), np.array([0.5]))
    with pytest.raises(ValueError, match="`probability`"):
        losses.loss_share_by_difficulty(np.array([1.0]), np.array([1.5]))
    with pytest.raises(ValueError, match="same shape"):
        losses.loss_share_by_difficulty(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="`threshold`"):
        losses.loss_share_by_difficulty(np.ones(3), np.ones(3), threshold=2)


def test_loss_share_by_class_against_a_loop_and_class_weights_move_it():
    logits, target = batch(size=(12, 12))
    target[0, :2] = -100
    pixel_loss = losses.loss_map(losses.cross_entropy, logits, target).numpy()
    shares = losses.loss_share_by_class(pixel_loss, target.numpy(), num_classes=2)
    valid = target.numpy() != -100
    expected = [pixel_loss[valid & (target.numpy() == c)].sum() for c in range(2)]
    np.testing.assert_allclose(shares, np.array(expected) / sum(expected))
    assert shares.sum() == pytest.approx(1.0)
    weighted = losses.loss_map(losses.cross_entropy, logits, target, weight=[1.0, 10.0])
    assert losses.loss_share_by_class(weighted, target)[1] > shares[1]
    with pytest.raises(ValueError, match="same shape"):
        losses.loss_share_by_class(pixel_loss[:1], target.numpy())


# --- focal curves ----------------------------------------------------------------------------


def test_focal_curves_closed_forms_and_natural_log():
    p = np.array([0.1, 0.5, 0.9, 1.0])
    curves = losses.focal_curves(p, [0.0, 0.5, 2.0, 5.0])
    np.testing.assert_allclose(curves[0], -np.log(p))  # gamma 0: cross entropy, ln
    assert curves[0, 1] == pytest.approx(math.log(2))  # not log10(2) = 0.301
    np.testing.assert_allclose(curves[2], -(1 - p) ** 2 * np.log(p))
    np.testing.assert_allclose(curves[0, 1:3] / curves[2, 1:3], [4.0, 100.0])
    assert np.all(curves[:, -1] == 0.0)  # p_t = 1: no loss, for every gamma
    assert np.all(np.diff(curves, axis=0) <= 0)  # a larger gamma never adds loss
    np.testing.assert_allclose(losses.focal_curves(p[:3], 2.0, alpha=0.25), 0.25 * curves[2, :3])
    assert losses.focal_curves(0.5, 0.0).shape == ()


def test_focal_curves_agree_with_focal_loss():
    logits, target = batch()
    p_t = losses.target_probability(logits, target).numpy().ravel()
    for gamma in (0.0, 0.5, 2.0):
        expected = losses.loss_map(losses.focal_loss, logits, target, gamma=gamma).numpy()
        np.testing.assert_allclose(losses.focal_curves(p_t, gamma), expected.ravel(),
                                   rtol=1e-9, atol=1e-12)


def test_focal_curves_bad_input():
    with pytest.raises(ValueError, match="`probability`"):
        losses.focal_curves([0.0, 0.5], 2.0)
    with pytest.raises(ValueError, match="`gammas`"):
        losses.focal_curves([0.5], [-1.0])
    with pytest.raises(ValueError, match="`alpha`"):
        losses.focal_curves([0.5], 2.0, alpha=0.0)


# --- Tversky thresholds ----------------------------------------------------------------------


def test_tversky_thresholds_best_mask_against_brute_force_with_metrics():
    rng = np.random.default_rng(1)
    target = rng.random((20, 20)) < 0.2
    probs = np.clip(0.35 * target + rng.random((20, 20)) * 0.65, 0, 1)  # overlapping
    for alpha, beta in ((0.5, 0.5), (0.2, 0.8), (0.8, 0.2), (1.0, 1.0)):
        result = losses.tversky_thresholds(probs, target, alpha=alpha, beta=beta)
        brute = []
        for t in result["thresholds"]:
            mask = probs > t
            tp, fp, fn = (np.sum(mask & target), np.sum(mask & ~target),
                          np.sum(~mask & target))
            brute.append(tp / (tp + alpha * fp + beta * fn))
        np.testing.assert_allclose(result["index"], brute)
        assert result["tversky_index"] == pytest.approx(max(brute))
        mask = probs > result["threshold"]
        assert result["precision"] == pytest.approx(metrics.precision(mask, target))
        assert result["recall"] == pytest.approx(metrics.recall(mask, target))
        if alpha == beta == 0.5:  # the Tversky index is the Dice score
            assert result["tversky_index"] == pytest.approx(metrics.dice(mask, target))
    small = losses.tversky_thresholds(probs, target, alpha=0.1, beta=0.9)
    large = losses.tversky_thresholds(probs, target, alpha=0.9, beta=0.1)
    assert small["threshold"] < large["threshold"] and small["recall"] > large["recall"]


def test_tversky_thresholds_empty_target_and_bad_input():
    result = losses.tversky_thresholds(np.full((3, 3), 0.3), np.zeros((3, 3), dtype=bool))
    assert math.isnan(result["recall"])
    with pytest.raises(ValueError, match="`probability`"):
        losses.tversky_thresholds(np.full(3, 1.5), np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="`beta`"):
        losses.tversky_thresholds(np.full(3, 0.5), np.ones(3, dtype=bool), alpha=0, beta=0)
    with pytest.raises(ValueError, match="`thresholds`"):
        losses.tversky_thresholds(np.full(3, 0.5), np.ones(3, dtype=bool), thresholds=[2.0])


# --- plot helpers ----------------------------------------------------------------------------


def test_show_signed_map_is_centred_on_zero():
    ax = plotting.show_signed_map(np.array([[-0.3, 0.1], [0.0, 0.2]]), label="gradient",
                                  title="g")
    image = ax.get_images()[0]
    assert image.get_clim() == (-0.3, 0.3)
    assert image.get_cmap().name == plotting.SIGNED_CMAP
    assert ax.figure.axes[1].get_ylabel() == "gradient" and ax.get_title() == "g"
    zeros = plotting.show_signed_map(np.zeros((2, 2)), colorbar=False)
    assert zeros.get_images()[0].get_clim() == (-1.0, 1.0)
    given = plt.subplots()[1]
    assert plotting.show_signed_map(np.ones((2, 2)), given, limit=4.0) is given
    assert given.get_images()[0].get_clim() == (-4.0, 4.0)
    with pytest.raises(ValueError, match="`limit`"):
        plotting.show_signed_map(np.ones((2, 2)), limit=0.0)
    with pytest.raises(ValueError, match="`values`"):
        plotting.show_signed_map(np.ones(3))


def test_show_loss_map_uses_a_log_scale():
    from matplotlib.colors import LogNorm

    ax = plotting.show_loss_map(np.array([[0.0, 1e-3], [0.5, 3.0]]))
    norm = ax.get_images()[0].norm
    assert isinstance(norm, LogNorm) and (norm.vmin, norm.vmax) == (1e-3, 3.0)
    with pytest.raises(ValueError, match="`values`"):
        plotting.show_loss_map(np.array([[-1.0, 1.0]]))
    with pytest.raises(ValueError, match="`vmax`"):
        plotting.show_loss_map(np.ones((2, 2)), vmin=2.0, vmax=1.0)


def test_show_map_grid_one_scale_and_one_colour_bar_per_row():
    rows = [[np.full((3, 3), 2.0), np.full((3, 3), -1.0)],
            [np.full((3, 3), 1e-4), np.zeros((3, 3))]]
    axes = plotting.show_map_grid(rows, row_labels=["big", "small"], column_titles=["a", "b"],
                                  label="dL/dz")
    assert axes.shape == (2, 2)
    assert [ax.get_images()[0].get_clim() for ax in axes[0]] == [(-2.0, 2.0)] * 2
    assert [ax.get_images()[0].get_clim() for ax in axes[1]] == [(-1e-4, 1e-4)] * 2
    assert [axes[0, k].get_title() for k in range(2)] == ["a", "b"]
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["big", "small"]
    assert len(axes[0, 0].figure.axes) == 6  # four panels and two colour bars
    symlog = plotting.show_map_grid(rows, row_labels=["big", "small"], decades=3)
    assert type(symlog[0, 0].get_images()[0].norm).__name__ == "SymLogNorm"
    losses_grid = plotting.show_map_grid([[np.ones((2, 2)), np.full((2, 2), 1e-3)]],
                                         row_labels=["loss"], signed=False)
    assert type(losses_grid[0, 0].get_images()[0].norm).__name__ == "LogNorm"
    with pytest.raises(ValueError, match="`rows`"):
        plotting.show_map_grid([[np.ones((2, 2))], []], row_labels=["a", "b"])
    with pytest.raises(ValueError, match="`row_labels`"):
        plotting.show_map_grid(rows, row_labels=["a"])
    with pytest.raises(ValueError, match="`column_titles`"):
        plotting.show_map_grid(rows, row_labels=["a", "b"], column_titles=["x"])


def test_show_focal_curves_highlights_and_labels():
    ax = plotting.show_focal_curves(np.linspace(0.01, 1, 50), [0, 1, 5], highlight=2)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["γ = 0 (cross entropy)", "γ = 1", "γ = 2", "γ = 5"]
    widths = [line.get_linewidth() for line in ax.get_lines()]
    assert widths.index(max(widths)) == 2  # the highlighted gamma
    assert "natural log" in ax.get_ylabel()


def test_loss_figures_follow_the_course_style():
    with plotting.course_style():
        rows = [[np.random.default_rng(k).normal(size=(48, 48)) for k in range(2)]] * 6
        axes = plotting.show_map_grid(rows, row_labels=[f"loss {k}" for k in range(6)],
                                      column_titles=["trained", "missed"], label="∂L/∂z",
                                      panel_height=1.2, decades=3)
        fig = axes[0, 0].figure
        png, metadata = plotting.figure_png(fig)
        assert plotting.check_figure(fig, width_px=metadata["width"]) == []
        ax = plotting.show_focal_curves(np.linspace(0.01, 1, 50), [0, 2, 5], highlight=2)
        png, metadata = plotting.figure_png(ax.figure)
        assert plotting.check_figure(ax.figure, width_px=metadata["width"]) == []


# --- demos -----------------------------------------------------------------------------------


def test_missed_object_image_picks_the_largest_missed_object():
    target = np.zeros((3, 6, 6), dtype=bool)
    target[0, :2, :2] = True               # found
    target[1, 4:, :3] = True               # missed, 6 pixels
    target[2, 0, 0] = target[2, 5, 5] = True  # one found, one missed (1 pixel)
    pred = target.copy()
    pred[1] = False
    pred[2, 5, 5] = False
    assert widgets.missed_object_image(pred, target) == 1
    assert widgets.missed_object_image(target, target) == 0  # nothing missed anywhere
    with pytest.raises(ValueError, match="`pred`"):
        widgets.missed_object_image(pred[0], target[0])


def small_prediction():
    logits, target = batch(n=3, size=(8, 8))
    return logits.float(), target.numpy()


def test_focal_sweep_agrees_with_the_library():
    logits, target = small_prediction()
    sweep = widgets.focal_sweep(logits, target, gammas=[0.0, 2.0])
    target_t = torch.as_tensor(target)
    np.testing.assert_allclose(sweep["loss"][0.0], F.cross_entropy(
        logits.double(), target_t, reduction="none").numpy(), rtol=1e-9)
    for gamma in (0.0, 2.0):
        shares = losses.loss_share_by_difficulty(sweep["loss"][gamma], sweep["probability"])
        assert sweep["shares"][gamma] == shares
    assert sweep["shares"][2.0]["easy_share"] < sweep["shares"][0.0]["easy_share"]


def test_tversky_sweep_agrees_with_the_library():
    logits, target = small_prediction()
    sweep = widgets.tversky_sweep(logits, target, alphas=[0.3], example=1)
    target_t = torch.as_tensor(target)
    expected = losses.gradient_map(losses.tversky_loss, logits.double()[1:2], target_t[1:2],
                                   alpha=0.3, beta=0.7, include_background=False)[0]
    np.testing.assert_allclose(sweep["gradient"][0.3], expected.numpy())
    probs = torch.softmax(logits.double(), dim=1)[:, 1].numpy()
    choice = losses.tversky_thresholds(probs, target > 0, alpha=0.3, beta=0.7)
    assert sweep["choice"][0.3]["threshold"] == choice["threshold"]


def test_chapter_06_demos_have_the_sliders_of_the_chapter_and_take_their_data():
    logits, target = small_prediction()
    focal = widgets.focal_demo(logits, target, example=2)
    assert [s.name for s in focal.sliders] == ["gamma"]
    assert list(focal.sliders[0].values) == [k / 2 for k in range(11)]  # 0 to 5, step 0.5
    assert focal.initial_settings() == {"gamma": 2.0}
    result = focal.compute_at(gamma=0.0)
    np.testing.assert_allclose(result["curve"], losses.focal_curves(
        np.linspace(0.005, 1.0, 200), 0.0))
    tversky = widgets.tversky_demo(logits, target, example=0)
    assert list(tversky.sliders[0].values) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert tversky.compute_at(alpha=0.9)["choice"]["threshold"] >= tversky.compute_at(
        alpha=0.1)["choice"]["threshold"]
    with pytest.raises(ValueError, match="`example`"):
        widgets.focal_demo(logits, target, example=3)
    with pytest.raises(ValueError, match="`logits`"):
        widgets.tversky_demo(torch.zeros(3, 3, 8, 8), target)
    with pytest.raises(ValueError, match="`target`"):
        widgets.focal_demo(logits, target[:, :4])


@pytest.mark.parametrize("name", ["06 focal loss", "06 Tversky loss"])
def test_chapter_06_frames_equal_a_fresh_drawing_of_the_same_setting(name):
    """Colour bars, ticks and constant titles are drawn once and pasted into later frames."""
    import io

    from PIL import Image

    def decode(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    demo = widgets.DEMOS[name]()
    settings = list(demo.settings())
    demo.render(**demo.initial_settings())
    for setting in (settings[0], settings[-1]):
        moved = decode(demo.render(**setting))
        fresh = decode(widgets.DEMOS[name]().render(**setting))
        np.testing.assert_array_equal(moved, fresh, err_msg=str(setting))


def test_show_map_grid_width_and_one_tick_format_per_colour_bar():
    rows = [[np.full((3, 3), 4.3e-4), np.full((3, 3), -1e-6)],
            [np.full((3, 3), 0.5), np.full((3, 3), -0.01)]]
    axes = plotting.show_map_grid(rows, row_labels=["small", "large"], decades=3,
                                  width=plotting.COLUMN_WIDTH_IN)
    figure = axes[0, 0].figure
    assert figure.get_figwidth() == pytest.approx(plotting.COLUMN_WIDTH_IN)
    bars = [ax for ax in figure.axes if ax not in axes.ravel()]
    labels = [[t.get_text() for t in bar.get_yticklabels()] for bar in bars]
    assert labels[0] == ["-4e-4", "-4e-6", "0", "4e-6", "4e-4"]  # never "0.0004" with "4e-06"
    assert labels[1] == ["-0.5", "-0.005", "0", "0.005", "0.5"]
    narrow = plotting.show_map_grid(rows, row_labels=["a", "b"])  # the default keeps its width
    assert narrow[0, 0].figure.get_figwidth() == pytest.approx(1.55 * 2 + 1.6)
    with pytest.raises(ValueError, match="`width`"):
        plotting.show_map_grid(rows, row_labels=["a", "b"], width=plotting.COLUMN_WIDTH_IN + 1)


def test_chapter_06_demos_describe_themselves_and_the_tversky_curves_are_named():
    logits, target = small_prediction()
    focal = widgets.focal_demo(logits, target, example=2)
    tversky = widgets.tversky_demo(logits, target, example=0)
    assert "focal loss" in focal.alt and "easy pixels" in focal.alt
    assert "Tversky" in tversky.alt and "precision and recall" in tversky.alt
    figure = tversky.figure(alpha=0.5)
    legends = [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None]
    texts = [[t.get_text() for t in legend.get_texts()] for legend in legends]
    assert ["precision", "recall"] in texts  # beside the error colours' legend
    assert legends[texts.index(["precision", "recall"])].get_visible()
    bar_labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel().startswith("∂L/∂z")]
    assert len(bar_labels) == 1 and all(len(t.get_text()) <= 4 for ax in figure.axes
                                        for t in ax.get_yticklabels()
                                        if ax.get_ylabel() == bar_labels[0])
