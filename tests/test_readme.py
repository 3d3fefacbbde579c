"""The README as a user reads it (issue #13): its examples run as written and print what it shows.

Every fenced block right after a ``<!-- runnable -->`` line is a terminal session: each
``$ COMMAND`` line is run with bash in a folder holding a copy of ``samples/`` (so a
file an example writes lands there), with the installed ``backprop`` first on the PATH,
80 columns and the English locale; what it prints (stdout, then stderr) must be the
lines that follow, where ``...`` stands for any text (a whole line ``...``: any lines)
and a training run's speed is not compared. Every link in README.md, docs/ and
samples/README.md must resolve to a file inside the repository.

``python tests/test_readme.py --write`` pastes the real output into every block whose
text no longer matches (blocks with ``...`` are left for a person to update).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARK = "<!-- runnable -->"
BIN = Path(sys.executable).parent
SPEED = re.compile(r"[\d,]+ steps/s, [\d.]+ s")  # a training run's speed differs on every run
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def sessions(text: str) -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """``(first line index, [(command, expected lines)])`` per runnable block."""
    lines, found = text.splitlines(), []
    for index, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        assert lines[index + 1].startswith("```"), f"README line {index + 2}: {MARK} must be followed by a ``` block"
        end = lines.index("```", index + 2)
        steps: list[tuple[str, list[str]]] = []
        for body in lines[index + 2 : end]:
            if body.startswith("$ "):
                steps.append((body[2:], []))
            else:
                assert steps, f"README line {index + 3}: a runnable block starts with a $ command"
                steps[-1][1].append(body)
        found.append((index + 3, steps))  # the 1-based number of its first line
    return found


def environment() -> dict[str, str]:
    """The installed command first on the PATH; 80 columns; English; no setting that changes output."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BACKPROP", "LC_", "OMP_", "OPENBLAS_", "MKL_")) and name not in ("LANG", "LANGUAGE")
    }
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", COLUMNS="80", LINES="24", LANG="C.UTF-8")
    env.update(PYTHONIOENCODING="utf-8")
    return env


def run(command: str, folder: Path) -> list[str]:
    """What ``command`` prints in ``folder``, line by line, trailing spaces dropped."""
    done = subprocess.run(["bash", "-c", command], cwd=folder, env=environment(), capture_output=True, text=True, timeout=300)
    return [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]


def pattern(expected: list[str]) -> re.Pattern:
    """The expected lines as one regular expression: ``...`` is any text; speeds are any speed."""
    parts = []
    for line in expected:
        line = SPEED.sub("N steps/s, T s", line.rstrip())
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def matches(expected: list[str], actual: list[str]) -> bool:
    text = "".join(SPEED.sub("N steps/s, T s", line) + "\n" for line in actual)
    return pattern(expected).fullmatch(text) is not None


def test_the_comparison_fails_on_a_difference():
    assert matches(["a...c", "..."], ["abxc", "more", "lines"])
    assert matches(["  1,409 steps/s, 0.71 s"], ["  23 steps/s, 9.10 s"])
    assert not matches(["x\t-4.0"], ["x\t-4"])
    assert not matches(["one"], ["one", "two"])
    assert not matches(["one", "two"], ["one"])


def sample_folder(folder: Path) -> Path:
    shutil.copytree(ROOT / "samples", folder / "samples")
    return folder


def _needs(command: str) -> str | None:
    """Why a command cannot run here, or None."""
    if not (BIN / "backprop").exists():
        return f"no backprop command beside {sys.executable} (pip install .)"
    if "--render" in command and shutil.which("dot") is None:
        return "Graphviz is not installed (apt install graphviz / brew install graphviz)"
    return None


BLOCKS = sessions(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("line", "steps"), BLOCKS, ids=[steps[0][0][:60] for _, steps in BLOCKS])
def test_readme_example_prints_what_the_readme_shows(line, steps, tmp_path):
    folder = sample_folder(tmp_path)
    for command, expected in steps:
        reason = _needs(command)
        if reason:
            pytest.skip(reason)
        actual = run(command, folder)
        shown = "\n".join(actual)
        assert matches(expected, actual), f"README line {line}: `{command}` printed:\n{shown}"


def test_the_readme_has_runnable_examples_of_every_command():
    commands = [command for _, steps in BLOCKS for command, _ in steps]
    assert len(BLOCKS) >= 8
    for used in ("backprop grad", "backprop batch", "backprop train", "samples/grade.sh", "--render"):
        assert any(used in command for command in commands), used


def test_every_example_file_exists():
    for _, steps in BLOCKS:
        for command, _ in steps:
            for path in re.findall(r"(?:@|--input |--bindings |cat )(\S+)", command):
                assert (ROOT / path).is_file(), f"`{command}` reads {path}, which is not in the repository"


def test_the_quick_start_is_two_commands_and_ci_runs_the_second_verbatim():
    text = README.read_text(encoding="utf-8")
    start = text.index("## Quick start")
    quick = text[start : text.index("\n## ", start + 1)]
    commands = [line.strip() for line in quick.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    assert commands[0].endswith('.venv/bin/backprop grad "(x+y)*z" -x -2 -y 5 -z -4')
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == commands[1]


def _documents() -> list[Path]:
    return [README, ROOT / "samples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if target.startswith("#"):
            continue
        assert ":" not in target, f"{document.name}: {target} points outside the repository"
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{document.name}: {target} points outside the repository"
        assert path.exists(), f"{document.name}: {target} does not exist"
    assert "shared/SPEC" not in text and "SPEC §" not in text, f"{document.name} refers to a file users do not have"


def test_grading_scripts_say_once_that_backprop_is_missing(tmp_path):
    folder = sample_folder(tmp_path)
    lonely = tmp_path / "bin"  # bash, and nothing called backprop
    lonely.mkdir()
    for tool in ("bash", "dirname", "cat"):
        (lonely / tool).symlink_to(shutil.which(tool))
    for script in ("grade.sh", "grade_batch.sh"):
        env = {"PATH": str(lonely), "HOME": str(tmp_path)}
        done = subprocess.run([str(lonely / "bash"), f"samples/{script}"], cwd=folder, env=env, capture_output=True, text=True)
        assert done.returncode == 127, done.stderr
        assert done.stdout == ""
        assert done.stderr == "backprop not found: 'backprop' does not run (source .venv/bin/activate, or pipx install .)\n"


def test_grading_scripts_run_another_backprop_when_told(tmp_path):
    folder = sample_folder(tmp_path)
    env = {**environment(), "PATH": "/usr/bin:/bin", "BACKPROP": f"{sys.executable} -m backprop_cli"}
    done = subprocess.run(["bash", "samples/grade.sh"], cwd=folder, env=env, capture_output=True, text=True)
    assert done.returncode == 1  # two of the five answers are wrong
    assert done.stdout.splitlines()[-1] == "graded 5: 3 right, 2 not"


def write() -> None:
    """Paste the real output into every runnable block that no longer matches and has no ``...``."""
    import tempfile

    lines = README.read_text(encoding="utf-8").splitlines()
    for number, steps in reversed(sessions("\n".join(lines))):
        start = number - 1
        with tempfile.TemporaryDirectory() as folder:
            sample = sample_folder(Path(folder))
            outputs = [run(command, sample) for command, _ in steps]
        if all(matches(expected, actual) for (_, expected), actual in zip(steps, outputs)):
            continue
        if any("..." in line for _, expected in steps for line in expected):
            print(f"README line {number}: differs, but has '...': update it by hand")
            continue
        end = lines.index("```", start)
        lines[start:end] = [text for (command, _), actual in zip(steps, outputs) for text in [f"$ {command}", *actual]]
        print(f"README line {number}: pasted the real output")
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write()
