#!/usr/bin/env bash
# `npm test`: runs every step named on the command line (npm scripts, in order) even after one
# fails, so a failure in one step never hides the results of the others; then prints one line
# per step and exits 1 if any step failed. Run from the package root (npm does so).
#   bash tools/test-all.sh lint typecheck test:unit ...
set -uo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash tools/test-all.sh <npm script>..." >&2
  exit 64
fi

results=()
failed=0
passed_steps=0
failed_steps=0
interrupted=0
trap 'interrupted=1' INT TERM

for step in "$@"; do
  if [ "$interrupted" -eq 1 ]; then
    results+=("SKIP  ${step} (interrupted)")
    failed=1
    failed_steps=$((failed_steps + 1))
    continue
  fi
  printf '\n==> npm run %s\n' "$step"
  started=$SECONDS
  npm run --silent "$step"
  status=$?
  took=$((SECONDS - started))
  if [ "$status" -eq 0 ]; then
    results+=("PASS  ${step} (${took} s)")
    passed_steps=$((passed_steps + 1))
  else
    results+=("FAIL  ${step} (exit ${status}, ${took} s)")
    failed=1
    failed_steps=$((failed_steps + 1))
  fi
done

printf '\n==> npm test summary\n'
printf '%s\n' "${results[@]}"
# The plain closing line CI reads: steps, not tests (each step prints its own test counts above).
echo "steps: ${passed_steps} passed, ${failed_steps} failed"
[ "$failed" -eq 0 ]
