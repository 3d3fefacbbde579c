#!/usr/bin/env bash
# The same grading as samples/grade.sh in one backprop call: `batch --expect-columns`
# compares the expected_dx, expected_dy, expected_dz columns with the computed
# gradients and adds a pass column; the summary goes to stderr, exit 1 if any row fails.
#
#   samples/grade_batch.sh [answers.csv]
#
# Uses `backprop` from PATH; set BACKPROP="python -m backprop_cli" to use another one.
# Without one that runs: "backprop not found: ..." on stderr, once, and exit 127 (the
# shell's "command not found"), before any row is read.
set -u
here=$(cd "$(dirname "$0")" && pwd)
read -r -a backprop <<< "${BACKPROP:-backprop}"
if ! "${backprop[@]}" --version >/dev/null 2>&1; then  # once, not a failure per row
  echo "backprop not found: '${backprop[*]}' does not run (source .venv/bin/activate, or pipx install .)" >&2
  exit 127
fi
"${backprop[@]}" batch "@$here/headline.expr" --input "${1:-$here/students.csv}" --expect-columns --tol 1e-3
