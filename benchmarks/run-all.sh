#!/usr/bin/env bash
# Runs every benchmark scenario and the peer reference scripts side by side, one after another on a quiet machine,
# appending JSON lines to benchmarks/results/<date>.jsonl (and printing them). docs/results.md quotes these.
# Usage: bash benchmarks/run-all.sh [DATA_DIR=../shared/realdata]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/realdata}
out=benchmarks/results/$(date -u +%Y-%m-%d).jsonl
mkdir -p benchmarks/results
dotnet build benchmarks/GalaxyMorphology.Benchmarks -c Release -nologo -v quiet
bench="dotnet benchmarks/GalaxyMorphology.Benchmarks/bin/Release/net10.0/GalaxyMorphology.Benchmarks.dll"
run() { echo "+ $*" >&2; "$@" | tee -a "$out"; }

run $bench decode --data "$data"
run $bench loader --data "$data" --threads 2
for v in vanilla batchnorm; do for b in 32 64; do run $bench step --variant $v --batch $b --threads 2; done; done
for b in 32 64; do run $bench step --variant compact --batch $b --threads 2; done
# one folder per process: a second fit in the same process would start from the first one's heap
for f in 1x 10x; do run $bench fit --data "$data" --variant batchnorm --size 224 --batch 32 --images 512 --threads 2 --folders $f; done
run $bench predict --data "$data" --variant compact --threads 2

if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import torch, PIL, numpy" 2>/dev/null; then
  peer=../shared/peer
  /usr/bin/python3 $peer/train_step_torch.py --variant both --batches 32,64 --threads 2 --json "$out"
  /usr/bin/python3 $peer/loader_pil.py "$data/images_training_rev1" --limit 1000 --workers 1 --json "$out"
  /usr/bin/python3 $peer/loader_pil.py "$data/images_training_rev1" --limit 1000 --workers 2 --json "$out"
else
  echo "peer scripts skipped: install python3-torch python3-pil python3-numpy with apt" >&2
fi
echo "results appended to $out" >&2
