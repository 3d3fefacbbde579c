#!/usr/bin/env bash
# Grade hand-computed gradients of samples/headline.expr, (x+y)*z: one backprop call per row,
# each with --expect, so backprop's exit code is the verdict (0 pass, 1 wrong, 2/3 bad row).
#
#   samples/grade.sh [answers.csv]      CSV header: student,x,y,z,expected_dx,expected_dy,expected_dz
#
# Uses `backprop` from PATH; set BACKPROP="python -m backprop_cli" to use another one.
# Without one that runs: "backprop not found: ..." on stderr, once, and exit 127 (the
# shell's "command not found"), before any row is read.
set -u
here=$(cd "$(dirname "$0")" && pwd)
answers=${1:-$here/students.csv}
read -r -a backprop <<< "${BACKPROP:-backprop}"
if ! "${backprop[@]}" --version >/dev/null 2>&1; then  # once, not a failure per row
  echo "backprop not found: '${backprop[*]}' does not run (source .venv/bin/activate, or pipx install .)" >&2
  exit 127
fi
passed=0
failed=0
while IFS=, read -r student x y z dfdx dfdy dfdz; do
  [ "$student" = student ] && continue  # the header
  message=$("${backprop[@]}" grad "@$here/headline.expr" "x=$x" "y=$y" "z=$z" --quiet --lang en \
    --expect "x=$dfdx" --expect "y=$dfdy" --expect "z=$dfdz" --tol 1e-3 2>&1 >/dev/null)
  case $? in
    0) echo "$student: pass"; passed=$((passed + 1)) ;;
    1) echo "$student: wrong: $(echo "$message" | grep '^backprop: check failed: ' | sed 's/backprop: check failed: //' | paste -sd ';' -)"
       failed=$((failed + 1)) ;;
    *) echo "$student: bad row: $message"; failed=$((failed + 1)) ;;
  esac
done < "$answers"
echo "graded $((passed + failed)): $passed right, $failed not"
[ "$failed" -eq 0 ]
