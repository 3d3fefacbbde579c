"""``backprop train`` on hostile input (issue #11, items 12 and 13 and the train parts of the rest).

Sizes are checked before anything is drawn or allocated, BLAS threads follow the
problem's size, every malformed input is exit 2 with one line, --save names its file.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from backprop_cli.train import datasets, network, saved_runs, training

# --------------------------------------------------------------------------- item 12: sizes


def _refuse_allocation(monkeypatch):
    """Make drawing the weights fail loudly: a refusal must come before it."""

    def never(*args):
        raise AssertionError("weights were drawn before the size check")

    monkeypatch.setattr(network, "init_weights", never)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "100000"], "--hidden must be at most 10000, got 100000"),
        (["--steps", "10000001"], "--steps must be at most 10000000, got 10000001"),
    ],
)
def test_option_limits(cli, monkeypatch, args, message):
    _refuse_allocation(monkeypatch)
    run_ = cli("train", *args)
    assert (run_.code, run_.err) == (2, f"backprop: error: {message}\n")


def test_limits_themselves_are_accepted(cli):
    assert training.MAX_HIDDEN == 10_000 and training.MAX_STEPS == 10_000_000
    run_ = cli("train", "--dataset", "xor", "--hidden", "10000", "--steps", "1", "--json")
    assert run_.code == 0, run_.err
    assert run_.json()["config"]["hidden"] == 10_000


def test_weights_beyond_the_element_limit_are_refused_before_allocation(cli, tmp_path, monkeypatch):
    # 2001 inputs × 10,000 hidden = 20,010,000 > 20,000,000 (the limit), each factor within its own limit
    path = tmp_path / "wide.csv"
    path.write_text("".join(",".join(["0.5"] * 2001 + [str(label)]) + "\n" for label in (0, 1)))
    _refuse_allocation(monkeypatch)
    run_ = cli("train", "--dataset", str(path), "--hidden", "10000")
    assert run_.code == 2
    assert run_.err == (
        "backprop: error: w1 would hold 2,001 inputs × 10,000 = 20,010,000 numbers, "
        "more than the limit of 20,000,000 (use a smaller --hidden or dataset)\n"
    )


def test_too_many_classes(cli, tmp_path, monkeypatch):
    path = tmp_path / "ids.csv"
    path.write_text("".join(f"{i / 7:.3f},{i}\n" for i in range(1001)))  # 1001 distinct whole-number targets
    _refuse_allocation(monkeypatch)
    run_ = cli("train", "--dataset", str(path))
    assert run_.code == 2
    assert run_.err == (
        f"backprop: error: {path}: the target column has 1,001 distinct whole numbers, more than the limit of 1,000 classes\n"
    )


def test_exactly_the_class_limit_is_accepted(cli, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("".join(f"{i / 7:.3f},{i}\n" for i in range(1000)))
    run_ = cli("train", "--dataset", str(path), "--steps", "1", "--hidden", "2", "--json")
    assert run_.code == 0, run_.err
    assert run_.json()["dataset"] == "ids.csv: 800 × 1 → 1000 classes, 200 held out"


def test_csv_value_limit_stops_reading_at_its_line(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_CSV_VALUES", 10)
    path = tmp_path / "rows.csv"
    path.write_text("x,y,label\n" + "1,2,0\n" * 3 + "1,2,1\n")  # 3 rows hold 9 numbers; the 4th (line 5) would make 12
    run_ = cli("train", "--dataset", str(path))
    assert (run_.code, run_.err) == (2, f"backprop: error: {path}: more than the limit of 10 numbers (at line 5)\n")


def test_csv_line_limit(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_LINE_BYTES", 16)
    path = tmp_path / "long.csv"
    path.write_text("1,0\n" + "1" * 20 + ",1\n")
    run_ = cli("train", "--dataset", str(path))
    assert (run_.code, run_.err) == (2, f"backprop: error: {path}: line 2 is longer than the limit of 16 bytes\n")


def test_a_huge_array_in_a_small_load_file_is_refused_from_its_header(cli, tmp_path, monkeypatch):
    # w1's header claims 2×10^8 float64 (1.6 GB); the file holds a few bytes of it
    path = tmp_path / "huge.npz"
    members = _good_members(cli, tmp_path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2, 100_000_000)})
    members["w1"] = header.getvalue() + b"\0" * 64
    _write_npz(path, members)
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: pytest.fail("array data was read"))
    run_ = cli("train", "--load", str(path))
    assert run_.code == 2
    assert run_.err == f"backprop: error: cannot load {path}: w1 holds 200,000,000 numbers, more than the limit of 20,000,000\n"


def test_a_loaded_array_over_the_element_limit(cli, tmp_path, monkeypatch):
    path = tmp_path / "run.npz"
    members = _good_members(cli, tmp_path)  # xor: w1 is 2×8 = 16 numbers
    _write_npz(path, members)
    monkeypatch.setattr(training, "MAX_ELEMENTS", 15)
    run_ = cli("train", "--load", str(path), "--steps", "0")
    assert run_.err == f"backprop: error: cannot load {path}: w1 holds 16 numbers, more than the limit of 15\n"
    monkeypatch.setattr(training, "MAX_ELEMENTS", 32)  # the largest array is the hidden layer, 4 rows × 8
    assert cli("train", "--load", str(path), "--steps", "0").code == 0


# --------------------------------------------------------------------------- item 13: BLAS threads


def _problem(options: dict):
    config = training.resolve_config(options)
    config, data, _ = training.prepare(config)
    return config, data


@pytest.fixture
def no_thread_settings(monkeypatch):
    for name in (training.THREADS_VARIABLE, *training.BLAS_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_thread_choice_follows_the_problem_size(no_thread_settings):
    # default: largest product 2·64·100·1000 = 1.28e7 flops < 2e8 -> one thread
    assert training.blas_threads(*_problem({})) == 1
    assert training.blas_threads(*_problem({"dataset": "digits"})) == 1  # 2·1438·64·64 = 1.2e7
    # hidden 1600: 2·64·1600·1000 = 2.048e8 >= 2e8 -> the BLAS library's own choice; 1500: 1.92e8 -> one
    assert training.blas_threads(*_problem({"hidden": 1600, "steps": 0})) is None
    assert training.blas_threads(*_problem({"hidden": 1500, "steps": 0})) == 1


def test_explicit_thread_settings_win(no_thread_settings):
    monkeypatch = no_thread_settings
    problem = _problem({"steps": 0})
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert training.blas_threads(*problem) is None  # the user told the BLAS library: leave it
    monkeypatch.setenv("BACKPROP_THREADS", "3")
    assert training.blas_threads(*problem) == 3


def test_the_run_uses_the_chosen_threads_and_stays_bit_identical(no_thread_settings):
    from threadpoolctl import threadpool_info

    seen = []
    original = training._stepper

    def recording(config, data, weights):
        step = original(config, data, weights)

        def wrapped():
            seen.append({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})
            return step()

        return wrapped

    no_thread_settings.setattr(training, "_stepper", recording)
    config, data, weights = training.prepare(training.resolve_config({"steps": 5}))
    result = training.train(config, data, weights)
    assert result.threads == 1 and seen == [{1}] * 5
    expected = _lecture_losses(5)
    assert result.losses == expected


def _lecture_losses(steps: int) -> list[float]:
    """The seeds' loop, with the BLAS library's default threads."""
    np.random.seed(0)
    x, y = np.random.randn(64, 1000), np.random.randn(64, 10)
    w1, w2 = np.random.randn(1000, 100), np.random.randn(100, 10)
    losses = []
    for _ in range(steps):
        h = 1 / (1 + np.exp(-x.dot(w1)))
        y_pred = h.dot(w2)
        losses.append(float(np.square(y_pred - y).sum()))
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h.T.dot(grad_y_pred)
        grad_w1 = x.T.dot(grad_y_pred.dot(w2.T) * h * (1 - h))
        w1 -= 1e-4 * grad_w1
        w2 -= 1e-4 * grad_w2
    return losses


def test_summary_names_the_threads(cli, no_thread_settings):
    line = cli("train", "--steps", "2").out.splitlines()[4]  # after the data set, the network, its settings, the loss
    assert line.endswith(" s, 1 BLAS thread"), line


# --------------------------------------------------------------------------- exit 70 -> 2: CSV, seeds


def test_invalid_utf8_in_a_csv(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,\xff\n")
    run_ = cli("train", "--dataset", str(path))
    assert run_.code == 2
    assert run_.err == (
        f"backprop: error: {path}: line 2 is not valid UTF-8 (byte 0xff at byte 3 of the line); save the file as UTF-8\n"
    )


def test_a_bom_is_dropped(cli, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,0\n2,1\n")
    run_ = cli("train", "--dataset", str(path), "--steps", "1", "--json")
    assert run_.code == 0, run_.err
    assert run_.json()["dataset"] == "bom.csv: 2 × 1 → 2 classes"


def test_a_csv_field_over_the_csv_modules_limit_names_its_line(cli, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("1,0\n2,1\n3," + "1" * 140_000 + "\n")
    run_ = cli("train", "--dataset", str(path))
    assert (run_.code, run_.err) == (2, f"backprop: error: {path}: line 3: field larger than field limit (131072)\n")


@pytest.mark.parametrize("seed", ["-1", str(2**40), str(2**32)])
def test_seed_out_of_numpys_range(cli, seed):
    run_ = cli("train", "--seed", seed, "--steps", "1")
    assert run_.code == 2
    assert run_.err == f"backprop: error: --seed must be between 0 and 4294967295 (2**32 - 1, NumPy's limit), got {seed}\n"


def test_seed_at_the_top_of_the_range(cli):
    run_ = cli("train", "--dataset", "xor", "--seed", str(2**32 - 1), "--steps", "1", "--json")
    assert run_.code == 0 and run_.json()["config"]["seed"] == 2**32 - 1


# --------------------------------------------------------------------------- exit 70 -> 2: --load files


def _good_members(cli, tmp_path) -> dict:
    """The members of a real saved run (xor, with biases), as arrays."""
    path = tmp_path / "good.npz"
    assert cli("train", "--dataset", "xor", "--steps", "3", "--save", str(path)).code == 0
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _write_npz(path, members: dict) -> None:
    """A zip of .npy members; a bytes value is written as it is, an array through NumPy (pickle allowed: ours)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in members.items():
            if isinstance(value, bytes):
                archive.writestr(name + ".npy", value)
            else:
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.asanyarray(value), allow_pickle=True)
                archive.writestr(name + ".npy", buffer.getvalue())


def _meta(members: dict, change) -> np.ndarray:
    meta = json.loads(str(members["meta"]))
    change(meta)
    return np.array(json.dumps(meta))


def _set(mapping: dict, key: str, value):
    mapping[key] = value


MALFORMED = {
    "missing key": (lambda m: m.pop("w2"), "missing w2"),
    "one bias only": (lambda m: m.pop("b2"), "missing b2"),
    "extra key": (lambda m: _set(m, "extra", np.zeros(2)), "unexpected member 'extra.npy' (expected meta, losses, w1, w2"),
    "meta as a list": (
        lambda m: _set(m, "meta", np.array("[1, 2]")),
        "meta must be a JSON object with exactly config and steps_done",
    ),
    "meta not JSON": (lambda m: _set(m, "meta", np.array("{config")), "meta is not valid JSON (JSONDecodeError)"),
    "meta as numbers": (lambda m: _set(m, "meta", np.zeros(3)), "meta must be one string, got dtype float64 and shape (3,)"),
    "string for a number": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d["config"], "hidden", "8"))),
        "meta: config.hidden must be int, got '8'",
    ),
    "string step count": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d, "steps_done", "3"))),
        "meta: steps_done must be a whole number, got '3'",
    ),
    "bool for a number": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d["config"], "seed", True))),
        "meta: config.seed must be int, got True",
    ),
    "unknown config field": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d["config"], "momentum", 0.9))),
        "meta: config has an unknown field 'momentum'",
    ),
    "missing config field": (
        lambda m: _set(m, "meta", _meta(m, lambda d: d["config"].pop("lr"))),
        "meta: config has no field 'lr'",
    ),
    "seed out of range": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d["config"], "seed", -1))),
        "meta: --seed must be between 0 and 4294967295",
    ),
    "1-D w1": (lambda m: _set(m, "w1", np.zeros(16)), "w1 must be 2-D, got shape (16,)"),
    "complex w1": (lambda m: _set(m, "w1", m["w1"] + 1j), "w1 has dtype complex128, expected float64 or float32"),
    "object w1": (lambda m: _set(m, "w1", m["w1"].astype(object)), "w1 has dtype object, expected float64 or float32"),
    "integer w2": (lambda m: _set(m, "w2", np.ones((8, 2), dtype=np.int64)), "w2 has dtype int64, expected float64 or float32"),
    "mismatched w1 and w2": (lambda m: _set(m, "w2", np.ones((5, 2))), "w1 is 2×8 but w2 is 5×2: w2 needs 8 rows"),
    "mismatched bias": (lambda m: _set(m, "b1", np.ones(3)), "b1 has shape (3,), expected (8,)"),
    "empty weights": (lambda m: (_set(m, "w1", np.ones((2, 0))), _set(m, "w2", np.ones((0, 2)))), "empty weights"),
    "nan in weights": (lambda m: m["w1"].__setitem__((0, 0), np.nan), "w1 holds nan or inf"),
    "inf in a bias": (lambda m: m["b2"].__setitem__(0, np.inf), "b2 holds nan or inf"),
    "step count beyond reason": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d, "steps_done", 10**40))),
        "meta: steps_done is 10,000,000,000,000,000,000,000,000,000,000,000,000,000, but the file holds 3 losses",
    ),
    "fewer steps than losses": (
        lambda m: _set(m, "meta", _meta(m, lambda d: _set(d, "steps_done", 2))),
        "meta: steps_done is 2, but the file holds 3 losses (steps_done must be at least that and at most 1,000,000,000,000)",
    ),
    "data shorter than its header": (lambda m: _set(m, "w1", _npy(m["w1"])[:-8]), "w1.npy: its header promises 128 bytes"),
}


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_load_files(cli, tmp_path, case):
    members = _good_members(cli, tmp_path)
    change, message = MALFORMED[case]
    change(members)
    path = tmp_path / "bad.npz"
    _write_npz(path, members)
    run_ = cli("train", "--load", str(path), "--steps", "0")
    assert run_.code == 2, run_.err
    assert run_.err.startswith(f"backprop: error: cannot load {path}: {message}"), run_.err
    assert run_.err.count("\n") == 1 and run_.out == ""


def test_the_unmodified_members_load(cli, tmp_path):
    path = tmp_path / "same.npz"
    _write_npz(path, _good_members(cli, tmp_path))
    rewritten = cli("train", "--load", str(path), "--steps", "2", "--json")
    original = cli("train", "--load", str(tmp_path / "good.npz"), "--steps", "2", "--json")
    assert rewritten.code == 0 and original.code == 0
    assert rewritten.json()["loss_history"] == original.json()["loss_history"]
    assert rewritten.json()["loss_history"][0][0] == 4  # the saved run had done 3 steps


def _truncated(tmp_path, good) -> bytes:
    return good.read_bytes()[: good.stat().st_size // 2]


def _npy_file(tmp_path, good) -> bytes:
    return _npy(np.zeros((2, 8)))


@pytest.mark.parametrize(
    "content, message",
    [
        (_truncated, "not a .npz archive (truncated, or not a zip file)"),
        (_npy_file, "a single .npy array, not the .npz archive that train --save writes"),
        (lambda tmp_path, good: b"", "the file is empty"),
        (lambda tmp_path, good: b"w1,w2\n1,2\n", "not a .npz archive (truncated, or not a zip file)"),
    ],
)
def test_files_that_are_not_saved_runs(cli, tmp_path, content, message):
    good = tmp_path / "good.npz"
    assert cli("train", "--dataset", "xor", "--steps", "1", "--save", str(good)).code == 0
    path = tmp_path / "bad.npz"
    path.write_bytes(content(tmp_path, good))
    run_ = cli("train", "--load", str(path))
    assert (run_.code, run_.err) == (2, f"backprop: error: cannot load {path}: {message}\n")


def test_a_corrupted_member_is_a_damaged_archive(cli, tmp_path):
    path = tmp_path / "crc.npz"
    members = _good_members(cli, tmp_path)
    _write_npz(path, members)
    raw = bytearray(path.read_bytes())
    raw[raw.index(members["w1"].tobytes()[:8])] ^= 0xFF  # one byte of w1's data: the CRC no longer matches
    path.write_bytes(bytes(raw))
    run_ = cli("train", "--load", str(path), "--steps", "0")
    assert run_.code == 2
    assert run_.err.startswith(f"backprop: error: cannot load {path}: damaged archive (Bad CRC-32 for file 'w1.npy')"), run_.err


def test_load_a_directory(cli, tmp_path):
    run_ = cli("train", "--load", str(tmp_path))
    assert (run_.code, run_.err) == (2, f"backprop: error: cannot load {tmp_path}: is a directory\n")


# --------------------------------------------------------------------------- --save destinations


def test_save_refuses_a_directory_before_training(cli, tmp_path):
    run_ = cli("train", "--steps", "1", "--save", str(tmp_path))
    assert run_.code == 2 and run_.out == ""
    assert run_.err == f"backprop: error: --save {tmp_path}: is a directory; name a file in it, e.g. --save {tmp_path}/run.npz\n"
    assert not (tmp_path.parent / (tmp_path.name + ".npz")).exists()


def test_save_refuses_a_directory_named_like_the_file(cli, tmp_path):
    (tmp_path / "out.npz").mkdir()
    run_ = cli("train", "--steps", "1", "--save", str(tmp_path / "out"))
    assert run_.code == 2 and "is a directory" in run_.err


def test_save_into_a_missing_directory(cli, tmp_path):
    where = tmp_path / "nowhere"
    run_ = cli("train", "--steps", "1", "--save", str(where / "run.npz"))
    assert (run_.code, run_.err) == (2, f"backprop: error: --save {where}/run.npz: no such directory: {where}\n")


def test_save_says_where_it_saved(cli, tmp_path):
    run_ = cli("train", "--steps", "2", "--save", str(tmp_path / "run"), "--json")
    assert run_.code == 0
    assert run_.json()["saved"] == f"{tmp_path}/run.npz" and (tmp_path / "run.npz").is_file()
    text = cli("train", "--steps", "2", "--save", str(tmp_path / "again.npz")).out
    assert f"  saved to {tmp_path}/again.npz\n" in text
    assert cli("train", "--steps", "2", "--json").json()["saved"] is None


def test_destination_follows_numpys_suffix_rule(tmp_path):
    assert saved_runs.destination(str(tmp_path / "a")) == f"{tmp_path}/a.npz"
    assert saved_runs.destination(str(tmp_path / "a.npz")) == f"{tmp_path}/a.npz"
    assert saved_runs.destination(str(tmp_path / "a.NPZ")) == f"{tmp_path}/a.NPZ.npz"  # as np.savez: case-sensitive


def test_load_a_fifo(cli, tmp_path):
    import os

    path = tmp_path / "pipe.npz"
    os.mkfifo(path)
    run_ = cli("train", "--load", str(path))  # refused without opening it: opening a FIFO would block
    assert (run_.code, run_.err) == (2, f"backprop: error: cannot load {path}: not a regular file\n")


@pytest.mark.parametrize("cell", ["1_000", "\u0661\u0662", "0x10"])
def test_a_dataset_cell_follows_the_number_rule_of_grad_and_batch(cli, tmp_path, cell):
    """One number rule everywhere: what grad and batch refuse, a train CSV refuses too."""
    path = tmp_path / "data.csv"
    path.write_text(f"a,b,label\n1,2,0\n{cell},3,1\n")
    run = cli("train", "--dataset", str(path), "--steps", "1")
    assert run.code == 2
    assert run.err == f"backprop: error: {path}: line 3, column 1 (a): {cell!r} is not a number\n"
