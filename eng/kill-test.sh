#!/usr/bin/env bash
# Kill test: trains with the galaxy CLI in a child process and kills it with SIGKILL at random moments (often during
# checkpoint writes, which are a large share of a tiny model's time), KILLS times. After every kill: the best
# checkpoint must load and evaluate, and the next run must resume from last.ckpt. Prints kills survived and
# checkpoints lost (must be 0). Usage: bash eng/kill-test.sh [KILLS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}
dotnet build samples/GalaxyMorphology.Cli -c Release -nologo -v quiet
galaxy="dotnet samples/GalaxyMorphology.Cli/bin/Release/net10.0/galaxy.dll"
work=$(mktemp -d /tmp/galaxy-kill-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
$galaxy synth --out "$work/data" --count 96 --seed 5 >/dev/null
run="$work/run"
survived=0 lost=0 resumed=0
for ((k = 1; k <= kills; k++)); do
  args=(train --data "$work/data" --out "$run" --variant compact --epochs 100000 --batch 16 --val-fraction 0.25 --no-report)
  [[ -f "$run/last.ckpt" ]] && args+=(--resume)
  $galaxy "${args[@]}" >"$work/train.log" 2>&1 &
  pid=$!
  # wait for startup, then kill at a random moment within the next 2.5 s
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 2.5 + (r % 2500) / 1000 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -f "$run/best.ckpt" ]]; then
    if $galaxy evaluate --model "$run/best.ckpt" --data "$work/data" --json >"$work/eval.log" 2>&1; then
      survived=$((survived + 1))
    else
      lost=$((lost + 1)); echo "kill $k: best.ckpt does not load:"; tail -2 "$work/eval.log"
    fi
  else
    survived=$((survived + 1)); echo "kill $k: killed before the first checkpoint (nothing to lose yet)"
  fi
  if [[ -f "$run/last.ckpt" ]]; then resumed=$((resumed + 1)); fi
done
epochs=$(($(wc -l <"$run/history.csv") - 1))
echo "kill-test: kills $kills, survived $survived, checkpoints lost $lost, runs that resumed from last.ckpt $resumed, epochs logged $epochs"
[[ $lost -eq 0 ]]
