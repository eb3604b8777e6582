#!/usr/bin/env bash
# Regenerates the weights that ship with the package (src/GalaxyMorphology/Training/Pretrained/cpunet-synthetic.ckpt):
# the cpu recipe's network trained for 16 epochs on 6,000 of our synthetic galaxies, never on Kaggle images.
# Deterministic for the seeds below on the same machine type and thread count (2 threads; about 5 minutes there).
# Usage: bash eng/pretrain-weights.sh [WORKDIR]   (WORKDIR keeps the synthetic set and the run; default: a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/setup.sh
work="${1:-$(mktemp -d)}"
galaxy() { dotnet run -c Release --project samples/GalaxyMorphology.Cli -- "$@"; }
[ -f "$work/synth/training_solutions_rev1.csv" ] || galaxy synth --out "$work/synth" --count 6000 --seed 11
# --init-weights none: the weights are made from a random start, not from the previous shipped ones;
# --precision float32: they do not depend on whether the machine computes bfloat16 natively (the cpu preset's auto).
galaxy train --data "$work/synth" --out "$work/pretrain" --epochs 16 --seed 0 --threads 2 --precision float32 --init-weights none --no-report
galaxy export --model "$work/pretrain/last.ckpt" --out src/GalaxyMorphology/Training/Pretrained/cpunet-synthetic.ckpt
# The file's metadata carries the time of writing; the weights themselves are what must match.
if command -v unzip > /dev/null; then
  echo "weights sha256: $(unzip -p src/GalaxyMorphology/Training/Pretrained/cpunet-synthetic.ckpt weights.bin | sha256sum | cut -d' ' -f1)"
fi
