#!/usr/bin/env bash
# The same grading as samples/grade.sh in one backprop call: `batch --expect-columns`
# compares the expected_dx, expected_dy, expected_dz columns with the computed
# gradients and adds a pass column; the summary goes to stderr, exit 1 if any row fails.
#
#   samples/grade_batch.sh [answers.csv]
#
# Uses `backprop` from PATH; set BACKPROP="python -m backprop_cli" to use another one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
read -r -a backprop <<< "${BACKPROP:-backprop}"
"${backprop[@]}" batch "@$here/headline.expr" --input "${1:-$here/students.csv}" --expect-columns --tol 1e-3
