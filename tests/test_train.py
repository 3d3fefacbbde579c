"""``backprop train`` (SPEC §7): the lecture's network, bit for bit, and everything around it."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from backprop_cli.errors import CheckFailed
from backprop_cli.train import network, training


def lecture_loop(seed: int, steps: int) -> list[float]:
    """The seeds' 2-layer MLP code, verbatim but for the seed in front and the list of losses."""
    np.random.seed(seed)
    from numpy.random import randn

    # Network Definition
    n, d, h, c = 64, 1000, 100, 10
    x, y = randn(n, d), randn(n, c)
    w1, w2 = randn(d, h), randn(h, c)
    learning_rate = 1e-4
    losses = []
    for _t in range(steps):
        # Forward Pass
        h = 1 / (1 + np.exp(-x.dot(w1)))
        y_pred = h.dot(w2)
        loss = np.square(y_pred - y).sum()
        losses.append(loss)
        # Calculate the analytical gradients
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h.T.dot(grad_y_pred)
        grad_h = grad_y_pred.dot(w2.T)
        grad_w1 = x.T.dot(grad_h * h * (1 - h))
        # Gradient descent
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return losses


def run(options: dict) -> training.TrainResult:
    config = training.resolve_config(options)
    config, data, weights = training.prepare(config)
    return training.train(config, data, weights)


def test_default_run_matches_the_lecture_loop_for_1000_steps():
    result = run({})
    expected = lecture_loop(0, 1000)
    assert len(result.losses) == 1000
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12, atol=0)
    assert result.losses == [float(v) for v in expected]  # in fact bit-identical


def test_other_seed_and_the_readable_path_agree_with_the_lecture():
    expected = lecture_loop(3, 50)
    assert run({"seed": 3, "steps": 50}).losses == [float(v) for v in expected]
    # the general (allocating) implementation, forced by a zero regulariser that is not "off"
    config = training.resolve_config({"seed": 3, "steps": 50})
    config, data, weights = training.prepare(config)
    losses = []
    for _ in range(50):
        loss, grads = network.loss_and_grads(weights, data.x_train, data.y_train, "sigmoid", "l2", 0.0, True)
        losses.append(loss)
        weights.w1 -= 1e-4 * grads["w1"]
        weights.w2 -= 1e-4 * grads["w2"]
    assert losses == [float(v) for v in expected]


def test_cli_used_by_example_and_alias(cli):
    run_ = cli("train", "--hidden", "100", "--steps", "20", "--json")
    assert run_.code == 0, run_.err
    data = run_.json()
    assert data["final_loss"] == float(lecture_loop(0, 20)[-1])
    assert data["config"]["hidden"] == 100 and data["steps"] == 20
    assert run_.err == ""  # no progress bar in a pipe
    alias = cli("mlp-train", "--steps", "20", "--json").json()
    assert alias["final_loss"] == data["final_loss"]


def test_summary_text(cli):
    out = cli("train", "--steps", "30").out
    assert out.splitlines()[0] == "backprop train: random: 64 × 1000 → 10 targets"
    assert f"loss {lecture_loop(0, 1)[0]:.6g} at step 1 → {lecture_loop(0, 30)[-1]:.6g} at step 30" in out
    chart = out[out.index("\n\n  loss") + 2 :].splitlines()
    assert chart[0] == "  loss"  # 24635.9 down to 5887.79: a linear scale
    assert len(chart) == 11 and chart[1].endswith("█" + " " * 29) and chart[-1].endswith("step 1" + " " * 22 + "30")


def test_loss_chart_switches_to_log_scale():
    from backprop_cli.train.output import loss_chart

    chart = loss_chart([1000.0, 100.0, 10.0, 1.0], width=16, height=3)
    assert chart == [
        "  loss   (log scale)",
        "      1000 ┤█   ",
        "           │██▁ ",
        "         1 ┤███▁",
        "           └────",
        "            step 1 4",
    ]


def test_float32_is_stable_and_close():
    with np.errstate(over="raise", invalid="raise"):  # no overflow anywhere, no NaN
        result32 = run({"dtype": "float32", "steps": 200})
    result64 = run({"steps": 200})
    assert result32.weights.w1.dtype == np.float32
    assert np.all(np.isfinite(result32.losses))
    np.testing.assert_allclose(result32.losses, result64.losses, rtol=2e-3)


def test_literal_sigmoid_overflows_in_float32_which_is_why_it_is_not_used():
    z = np.array([-100.0], dtype=np.float32)
    with np.errstate(over="ignore"):
        assert np.exp(-z)[0] == np.inf
    assert network.stable_sigmoid(z)[0] == pytest.approx(0.0, abs=1e-30)
    assert network.stable_sigmoid(np.array([0.3]))[0] == pytest.approx(1 / (1 + np.exp(-0.3)), rel=1e-15)


def test_xor_is_solved():
    result = run({"dataset": "xor"})
    assert result.accuracy == {"train": 1.0}


def test_spiral_and_csv_report_train_and_held_out_accuracy(tmp_path):
    result = run({"dataset": "spiral"})
    assert result.accuracy["train"] >= 0.95 and result.accuracy["held_out"] >= 0.9


def test_digits_reaches_95_percent_held_out():
    result = run({"dataset": "digits"})
    assert len(result.data.x_train) + len(result.data.x_test) == 1797
    assert result.data.x_train.shape[1] == 64 and result.data.classes == 10
    assert result.accuracy["held_out"] >= 0.95


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dataset": "spiral"},
        {"dataset": "digits", "activation": "tanh"},
        {"dataset": "xor", "activation": "leaky_relu"},
        {"dataset": "spiral", "loss": "l2", "activation": "sigmoid"},
    ],
)
def test_gradient_check_passes(options):
    config = training.resolve_config(options)
    config, data, weights = training.prepare(config)
    report = training.gradient_check(config, data, weights)
    assert report["ok"], report
    assert set(report["per_parameter"]) == set(weights.named())


def test_gradient_check_catches_a_wrong_backward_pass(cli, monkeypatch):
    original = network.activation_backward
    monkeypatch.setattr(network, "activation_backward", lambda g, z, h, a: 1.01 * original(g, z, h, a))
    run_ = cli("train", "--dataset", "xor", "--steps", "1", "--gradcheck")
    assert run_.code == 1
    assert run_.err.startswith("backprop: gradient check failed: max relative error")
    assert "gradient check: max relative error" in run_.out and "FAILED" in run_.out


def test_gradcheck_ok_exit_0(cli):
    run_ = cli("train", "--steps", "1", "--gradcheck", "--json")
    assert run_.code == 0
    assert run_.json()["gradcheck"]["ok"] is True


def test_save_then_load_resumes_exactly(cli, tmp_path):
    path = tmp_path / "run.npz"
    first = cli("train", "--steps", "10", "--save", str(path), "--json")
    assert first.code == 0 and path.exists()
    resumed = cli("train", "--load", str(path), "--steps", "10", "--json").json()
    assert resumed["loss_history"][0] == [11, float(lecture_loop(0, 11)[-1])]
    assert resumed["final_loss"] == float(lecture_loop(0, 20)[-1])
    evaluated = cli("train", "--load", str(path), "--steps", "0", "--json").json()
    assert evaluated["steps"] == 0 and evaluated["final_loss"] is None


def test_load_evaluates_a_classifier(cli, tmp_path):
    path = tmp_path / "xor.npz"
    cli("train", "--dataset", "xor", "--save", str(path))
    data = cli("train", "--load", str(path), "--steps", "0", "--json").json()
    assert data["accuracy"] == {"train": 1.0} and data["config"]["dataset"] == "xor"


def test_csv_dataset(cli):
    from pathlib import Path

    blobs = Path(__file__).resolve().parent.parent / "samples" / "blobs.csv"
    data = cli("train", "--dataset", str(blobs), "--json").json()
    assert data["config"]["loss"] == "softmax"
    assert data["dataset"] == "blobs.csv: 120 × 2 → 3 classes, 30 held out"
    assert data["accuracy"]["train"] >= 0.95 and data["accuracy"]["held_out"] >= 0.85


def test_csv_regression_target(cli, tmp_path):
    path = tmp_path / "line.csv"
    path.write_text("x,y\n" + "".join(f"{i / 10},{0.5 * i / 10 + 0.25}\n" for i in range(20)))
    data = cli("train", "--dataset", str(path), "--json", "--activation", "tanh").json()
    assert data["config"]["loss"] == "l2" and "1 targets" in data["dataset"]
    assert data["final_loss"] < data["initial_loss"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,c\n1,2,0\n3,x,1\n", "bad.csv: line 3, column 2 (b): 'x' is not a number"),
        ("1,2,0\n3,4\n", "bad.csv: line 2 has 2 columns, expected 3"),
        ("a,b\n1,0\n2,0\n", "bad.csv: the target column has a single class (0)"),
        ("", "the dataset file is empty"),
    ],
)
def test_malformed_csv(cli, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    run_ = cli("train", "--dataset", str(path))
    assert run_.code == 2
    assert run_.err.strip().endswith(message), run_.err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "-1"], "--hidden must be at least 1, got -1"),
        (["--lr", "0"], "--lr must be positive, got 0.0"),
        (["--steps", "-5"], "--steps must be zero or more, got -5"),
        (["--reg", "-1"], "--reg must be zero or positive, got -1"),
        (["--dataset", "mnist"], "unknown dataset 'mnist': use random, xor, spiral, digits or a path to a .csv file"),
        (["--loss", "softmax"], "--loss softmax needs class labels; dataset random has real-valued targets (use --loss l2)"),
        (["--batch-size", "1000"], "--batch-size 1000 is larger than the training set (64 rows)"),
        (["--load", "/nonexistent.npz"], "cannot load /nonexistent.npz"),
    ],
)
def test_bad_options(cli, args, message):
    run_ = cli("train", *args)
    assert run_.code == 2
    assert run_.err.startswith(f"backprop: error: {message}")


def test_divergence_names_the_step(cli):
    run_ = cli("train", "--lr", "10", "--steps", "100")
    assert run_.code == 3
    assert run_.err == "backprop: error: training diverged: the loss became inf at step 35 (try a smaller --lr)\n"


def test_minibatches_are_deterministic():
    a = run({"dataset": "digits", "batch_size": 64, "steps": 50})
    b = run({"dataset": "digits", "batch_size": 64, "steps": 50})
    assert a.losses == b.losses and len(a.losses) == 50


def test_plot_writes_a_png(cli, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "loss.png"
    assert cli("train", "--steps", "5", "--plot", str(path)).code == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    run_ = cli("train", "--steps", "5", "--plot", str(tmp_path / "x.png"))
    assert run_.code == 2
    assert run_.err == "backprop: error: --plot needs matplotlib: pip install 'backprop-cli[plot]' (or pip install matplotlib)\n"


def test_json_document_fields(cli):
    data = cli("train", "--steps", "250", "--json").json()
    assert set(data) == {
        "config",
        "dataset",
        "initial_loss",
        "final_loss",
        "accuracy",
        "loss_history",
        "steps",
        "steps_per_second",
        "wall_time",
        "gradcheck",
        "saved",
    }
    assert len(data["loss_history"]) <= 101 and data["loss_history"][-1] == [250, data["final_loss"]]
    assert data["steps_per_second"] > 0
    json.dumps(data)


def test_check_failed_type():
    with pytest.raises(CheckFailed):
        training.check_gradcheck({"ok": False, "max_relative_error": 1.0, "limit": 1e-6})


def test_progress_bar_only_on_a_terminal():
    import io

    from backprop_cli.train.output import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    pipe = io.StringIO()
    with progress(10, pipe) as callback:
        callback(1, 0.5)  # a pipe: the steps are counted, nothing is drawn
    assert pipe.getvalue() == ""
    screen = Terminal()
    with progress(10, screen) as callback:
        for step in range(1, 11):
            callback(step, 1.0 / step)
    assert "10/10" in screen.getvalue() and "loss 0.1" in screen.getvalue()
