#!/usr/bin/env bash
# The test command README.md gives: installs what is missing (eng/setup.sh), then builds and runs every test.
# Extra arguments go to 'dotnet test' (e.g. --filter "FullyQualifiedName~Taxonomy").
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh
dotnet build GalaxyMorphology.sln -c Release -warnaserror -nologo -v quiet
dotnet test GalaxyMorphology.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
