#!/usr/bin/env bash
# The test command README.md gives: installs what is missing (eng/setup.sh), then builds and runs every test.
# Extra arguments go to 'dotnet test' (e.g. --filter "FullyQualifiedName~Taxonomy").
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh
dotnet build GalaxyMorphology.sln -c Release -warnaserror -nologo -v quiet
# The full log goes to the console as it runs; a failing test's name and message are repeated at the very end,
# so that a log cut to its tail (CI keeps only the last lines) still says what failed.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test GalaxyMorphology.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  echo "=== eng/test.sh: dotnet test failed (exit $rc); the failures, repeated from above ==="
  awk '/^ +Failed [A-Za-z]/ { p = 1 } /^ +(Passed|Skipped) [A-Za-z]/ { p = 0 } p' "$log" | head -n 300
fi
exit "$rc"
