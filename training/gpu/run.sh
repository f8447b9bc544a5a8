#!/usr/bin/env bash
# Trains the four task networks side by side on one GPU machine (the `device` tool), from the pack
# that training/pack.py wrote to .cache/pack (carried along), each for MINUTES of training:
#
#     MINUTES=7.5 bash training/gpu/run.sh      # on the GPU machine; $OUT comes back
#     TASKS="shadow-more relight-more" MINUTES=3 bash training/gpu/run.sh   # a second round (configs with `init`)
#
# Back in $OUT: <task>.pt (the best checkpoint without its optimiser state, for training/export.py)
# for each config, and one train.log with every run's lines prefixed by its task (the device tool
# brings back at most 8 files). A run that fails leaves its lines; the others go on. Each config
# trains in its own folder RUNS/<task>, so configs of the same network (same name) can run side by side.
set -u
export PYTHONUNBUFFERED=1
MINUTES=${MINUTES:-7.5}
OUT=${OUT:-.cache/gpu-out}
RUNS=${RUNS:-/tmp/runs}
mkdir -p "$OUT" "$RUNS"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
for task in ${TASKS:-shadow remove relight segment}; do
  python3 training/train.py --config "training/configs/$task.json" --device cuda --threads 3 \
    --max-minutes "$MINUTES" --runs "$RUNS/$task" 2>&1 | grep --line-buffered -v Warning \
    | sed -u "s/^/[$task] /" >> "$OUT/train.log" &
done
wait
python3 training/gpu/slim.py "$RUNS" "$OUT"
grep -E "params|initial weights| val |stopped|rror" "$OUT/train.log" | tail -n 80
