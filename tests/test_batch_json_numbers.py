"""``batch --json`` writes the cells it read as numbers as JSON numbers (issue #13).

A CSV row's variable cells (and, with ``--expect-columns``, its expected cells) are the
numbers the run computed with: ``"x": -2.0``, written as ``"f": -12.0`` is. Every other
column is the student's text and passes through untouched (``"007"`` stays ``"007"``).
The headline (x+y)*z at -2, 5, -4 gives f = -12, ∂f/∂x = ∂f/∂y = z = -4, ∂f/∂z = x+y = 3.
"""

from __future__ import annotations

import json

import pytest

HEADLINE = "(x+y)*z"


def _objects(run) -> list[dict]:
    return [json.loads(line) for line in run.out.splitlines()]


@pytest.mark.parametrize("chunk", ["1", "65536"])
def test_variable_columns_are_numbers_and_other_columns_stay_text(cli, chunk):
    rows = "id,x,y,z,note\n007,-2,5,-4,hi\n008, 1.50 ,2,3e0,\n"
    run = cli("batch", HEADLINE, "--input", "-", "--json", "--chunk-size", chunk, stdin=rows)
    assert run.code == 0, run.err
    assert _objects(run) == [
        {"id": "007", "x": -2.0, "y": 5.0, "z": -4.0, "note": "hi", "f": -12.0, "df/dx": -4.0, "df/dy": -4.0, "df/dz": 3.0},
        {"id": "008", "x": 1.5, "y": 2.0, "z": 3.0, "note": "", "f": 10.5, "df/dx": 3.0, "df/dy": 3.0, "df/dz": 3.5},
    ]
    first = run.out.splitlines()[0]
    assert first.startswith('{"id": "007", "x": -2.0, "y": 5.0, "z": -4.0, "note": "hi", "f": -12.0')  # column order kept


def test_types_are_the_same_as_the_computed_values(cli):
    run = cli("batch", HEADLINE, "--input", "samples/students.csv", "--json")
    for row in _objects(run):
        assert isinstance(row["student"], str)
        for name in ("x", "y", "z", "f", "df/dx"):
            assert type(row[name]) is float, (name, row)


def test_graded_expected_columns_are_numbers_and_an_empty_one_stays_empty(cli):
    rows = "x,y,z,expected_f,expected_dz\n-2,5,-4,-12,\n1,2,3,9,2\n"
    run = cli("batch", HEADLINE, "--input", "-", "--json", "--expect-columns", stdin=rows)
    assert run.code == 1  # the second row's ∂f/∂z is 3, not 2
    first, second = _objects(run)
    assert (first["expected_f"], first["expected_dz"], first["pass"]) == (-12.0, "", True)
    assert (second["expected_f"], second["expected_dz"], second["pass"]) == (9.0, 2.0, False)


def test_ungraded_expected_columns_are_the_students_text(cli):
    rows = "x,y,z,expected_dz\n-2,5,-4,3\n"
    (row,) = _objects(cli("batch", HEADLINE, "--input", "-", "--json", stdin=rows))
    assert (row["x"], row["expected_dz"]) == (-2.0, "3")


def test_non_finite_inputs_are_written_as_grad_json_writes_them(cli):
    rows = "x,y,z\ninf,1,2\n-inf,1,0.5\n"
    run = cli("batch", HEADLINE, "--input", "-", "--json", stdin=rows)
    assert run.code == 3  # non-finite results; the rows are still written
    first, second = _objects(run)
    assert (first["x"], first["f"]) == ("inf", "inf")
    assert (second["x"], second["f"]) == ("-inf", "-inf")


def test_the_row_by_row_path_writes_numbers_too(cli):
    # a bad row (and a non-ASCII note) sends the chunk the row-by-row way instead of whole columns
    rows = "x,y,z,note\n-2,5,-4,café\n1,b,3,x\n0.5,0.25,2,\n"
    run = cli("batch", HEADLINE, "--input", "-", "--json", "--skip-bad", stdin=rows)
    assert run.code == 2, run.err  # a bad row was skipped
    assert [(r["x"], r["y"], r["z"], r["note"], r["f"]) for r in _objects(run)] == [
        (-2.0, 5.0, -4.0, "café", -12.0),
        (0.5, 0.25, 2.0, "", 1.5),
    ]


def test_json_lines_input_is_written_back_as_it_was(cli):
    rows = '{"x": -2, "y": "5", "z": -4.0, "id": "007"}\n'
    run = cli("batch", HEADLINE, "--input", "-", "--json", stdin=rows)
    assert run.out == '{"x": -2, "y": "5", "z": -4.0, "id": "007", "f": -12.0, "df/dx": -4.0, "df/dy": -4.0, "df/dz": 3.0}\n'


def test_csv_output_is_unchanged(cli):
    run = cli("batch", HEADLINE, "--input", "-", stdin="id,x,y,z\n007,-2,5,-4\n")
    assert run.out == "id,x,y,z,f,df/dx,df/dy,df/dz\n007,-2,5,-4,-12.0,-4.0,-4.0,3.0\n"
