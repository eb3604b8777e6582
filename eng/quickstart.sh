#!/usr/bin/env bash
# The main job README.md gives: installs what is missing, then runs the quick start on built-in synthetic data.
# Arguments go to the quick start (e.g. a Kaggle-layout folder, --minutes N).
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh
dotnet run -c Release --project samples/GalaxyMorphology.QuickStart -- "$@"
