#!/usr/bin/env bash
# The demo: generate the temporal-order dataset (once), train from scratch on
# the CPU, test, and print the top-1 accuracy.
# Usage: bash tools/run_demo.sh [CONFIG] [train.py args...]
#   CONFIG defaults to configs/demo/tin_r18_demo.py; try
#   configs/demo/tsn_r18_demo.py (frame-level baseline: stays at chance),
#   configs/demo/tsm_r18_demo.py or configs/demo/tdn_r18_demo.py.
# Env: WORK_DIR (work_dirs/<config name>), SEED (0).
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=${1:-configs/demo/tin_r18_demo.py}
NAME=$(basename "$CONFIG" .py)
WORK_DIR=${WORK_DIR:-work_dirs/$NAME}
SEED=${SEED:-0}
DATA=data/demo  # the data_root of configs/demo/_base_demo.py

if [ ! -f "$CONFIG" ]; then
    echo "config file not found: $CONFIG" >&2
    exit 1
fi
if [ ! -f "$DATA/meta.json" ]; then
    python tools/data/generate_demo_dataset.py "$DATA"
fi

START=$SECONDS
python tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --seed "$SEED" \
    "${@:2}"
CHECKPOINT=$(cat "$WORK_DIR/last_checkpoint")
python tools/test.py "$CONFIG" "$CHECKPOINT" --work-dir "$WORK_DIR" \
    | tee "$WORK_DIR/test_metrics.txt"
TOP1=$(sed -n 's/^acc\/top1: //p' "$WORK_DIR/test_metrics.txt")
echo "$NAME: top-1 accuracy on the demo test split: $TOP1" \
    "(train + test took $((SECONDS - START)) s)"
