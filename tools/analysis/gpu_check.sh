#!/usr/bin/env bash
# GPU checks of mmtin, prepared for a machine with one CUDA device
# (issue #20 item 5); about 7 minutes on one H100/H200.
#
# Usage (from the repository root):
#     bash tools/analysis/gpu_check.sh OUT_DIR [BUDGET_SECONDS=450]
#
# Runs, each step under its own time limit, logging to OUT_DIR/<step>.log:
#   1. the CUDA-parametrised tests (tests/test_ops/test_tin_shift.py -k cuda);
#   2. the TIN op on CUDA (tools/analysis/benchmark_tin_op.py) and, when
#      mmcv-full's compiled ops are installed, mmtin's tin_shift against
#      MMAction2/mmcv's CUDA kernel;
#   3. the speed tables on CUDA: --preset tin (TIN/TSM/TSN), --preset tdn
#      (TDN deploy/TSN), --preset efficiency (every system against its plain
#      model, JSON), and AMP rows (bf16, fp16) of TIN/TSM and TDN/TSN.
# Steps that would start after the budget are skipped (listed in
# OUT_DIR/summary.txt). Exit status: 0 when every step ran and passed,
# 1 when a step failed, 2 when no CUDA device is available (nothing run).
set -u
OUT=${1:-}
BUDGET=${2:-450}
PY=${PYTHON:-python}
if [ -z "$OUT" ]; then
    echo "usage: bash tools/analysis/gpu_check.sh OUT_DIR [BUDGET_SECONDS]" >&2
    exit 2
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

if ! CUDA_INFO=$("$PY" -c 'import torch, sys
ok = torch.cuda.is_available()
print(torch.cuda.get_device_name(0) if ok else "")
sys.exit(0 if ok else 1)' 2>/dev/null); then
    echo "gpu_check.sh: no CUDA device: torch.cuda.is_available() is False" \
         "(or torch failed to import) with '$PY'; nothing was run." >&2
    exit 2
fi
mkdir -p "$OUT" || exit 2
SUMMARY="$OUT/summary.txt"
echo "device: $CUDA_INFO; budget ${BUDGET}s; $(date -u)" > "$SUMMARY"
START=$(date +%s)
FAILED=0

# step NAME LIMIT_SECONDS COMMAND...: run unless it would pass the budget
step() {
    local name=$1 limit=$2
    shift 2
    local used=$(( $(date +%s) - START ))
    if (( used + limit > BUDGET )); then
        echo "SKIPPED $name (${used}s used, needs up to ${limit}s)" | tee -a "$SUMMARY"
        return
    fi
    local t0=$(date +%s)
    timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
    local rc=$?
    local took=$(( $(date +%s) - t0 ))
    if (( rc == 0 )); then
        echo "ok      $name (${took}s)" | tee -a "$SUMMARY"
    else
        FAILED=1
        echo "FAILED  $name (rc $rc, ${took}s; see $OUT/$name.log)" | tee -a "$SUMMARY"
    fi
}

step cuda_tests 90 "$PY" -m pytest -q -p no:cacheprovider \
    tests/test_ops/test_tin_shift.py -k cuda
step tin_op 60 "$PY" tools/analysis/benchmark_tin_op.py --device cuda \
    --repeats 100 --warmup 10
step tin_op_vs_mmcv 45 "$PY" - <<'PYEOF'
"""mmtin's tin_shift against mmcv-full's CUDA kernel (when present)."""
import statistics
import torch
try:
    from mmcv.ops import tin_shift as mmcv_tin_shift
    mmcv_tin_shift(torch.zeros(1, 2, 4, 1, device='cuda'),
                   torch.zeros(1, 2, dtype=torch.int, device='cuda'))
except Exception as exc:  # mmcv-lite: no compiled ops
    print(f'mmcv CUDA tin_shift unavailable ({type(exc).__name__}: {exc}); '
          'skipped')
    raise SystemExit(0)
from mmtin.analysis import time_interleaved
from mmtin.ops import tin_shift
x = torch.randn(8, 8, 256, 56 * 56, device='cuda')  # [N, T, C, H*W]
shift = torch.randint(-3, 4, (8, 64), device='cuda').float()
ref = mmcv_tin_shift(x, shift.int())
out = tin_shift(x, shift)
print('max |mmtin - mmcv| =', (out - ref).abs().max().item())
times = time_interleaved([('mmcv', lambda: mmcv_tin_shift(x, shift.int())),
                          ('mmtin', lambda: tin_shift(x, shift))],
                         repeats=100, warmup=10, device='cuda')
for key, values in times.items():
    print(f'{key}: {1e6 * statistics.median(values):.1f} us')
PYEOF
step tin_table 60 "$PY" tools/analysis/benchmark.py --preset tin \
    --device cuda --repeats 20 --out "$OUT/tin.json"
step tdn_table 60 "$PY" tools/analysis/benchmark.py --preset tdn \
    --device cuda --repeats 20 --out "$OUT/tdn.json"
step efficiency 150 "$PY" tools/analysis/benchmark.py --preset efficiency \
    --device cuda --scale published --json "$OUT/efficiency_cuda.json"
for amp in bf16 fp16; do
    step "amp_$amp" 40 "$PY" tools/analysis/benchmark.py --preset efficiency \
        --device cuda --scale published --only TIN TDN --amp "$amp" \
        --json "$OUT/efficiency_$amp.json"
done
echo "total $(( $(date +%s) - START ))s" | tee -a "$SUMMARY"
exit $FAILED
