#!/bin/sh
# A small random campaign on QEMU 7.2 (ctest qemu/campaign): every program QEMU disagrees on
# must disagree first in one of the ways spec/qemu.md lists ("What QEMU 7.2 gets wrong"), and
# the campaign must run (translations, programs QEMU implements). A new kind of finding, or an
# adapter that stops presenting programs, fails the test.
#   qemu_campaign_test.sh SMMUREF RESULTS_DIR
set -u
smmuref=$1
results=$2
rm -rf "$results"
mkdir -p "$results"
# Vectors: the one QEMU passes; then 12 programs of seed 2 on QEMU's platform. Not shrunk: each
# shrink candidate is a QEMU run (seconds per reproducer), and the first finding is what counts.
"$smmuref" conform --dut qemu --programs 12 --seed 2 --no-shrink --results "$results" \
    --json "$results/report.json" --quiet "$(dirname "$0")/../../corpus/vectors/qemu/config.vec" \
    > "$results/out.txt" 2>&1
status=$?
cat "$results/out.txt" | grep -v '^  \(reg:\|R-\|ok \)'
if [ "$status" -ne 1 ]; then
  echo "FAIL: expected exit status 1 (QEMU's known deviations), got $status"
  exit 1
fi
# The campaign ran: translations, and most programs presented (not "not implemented").
python3 - "$results/report.json" <<'PY' || exit 1
import json, sys
c = json.load(open(sys.argv[1]))["campaign"]
ok = c["programs"] == 12 and c["translations"] > 200 and c["not_implemented"] <= 2 \
    and c["device_failures"] == 0 and c["mismatches"] > 0
print("campaign: %d programs, %d translations, %d mismatches, %d not implemented"
      % (c["programs"], c["translations"], c["mismatches"], c["not_implemented"]))
sys.exit(0 if ok else 1)
PY
# The first finding of every reproducer, against the known ones (spec/qemu.md).
known='\[R-PERM-010\]|\[R-TXN-007\]|\[R-WALK-011\]|\[R-PERM-006\]|\[R-TXN-016\]|MISMATCH: GBPA after|\[R-STRTAB-008\]|MISMATCH: CMDQ_CONS after process'
found=0
for f in "$results"/check-qemu-seed-2/mismatch-*.vec; do
  [ -e "$f" ] || continue
  found=$((found + 1))
  # The first disagreement with the model, and the first outcome the model allows (its rule);
  # an error that ended the program (a full command queue the DUT did not consume) follows one.
  first=$(awk '/^# .*MISMATCH: /{getline b; print $0 " " b; exit}' "$f")
  if ! printf '%s\n' "$first" | grep -Eq "$known"; then
    echo "FAIL: a finding spec/qemu.md does not list: $first"
    exit 1
  fi
done
if [ "$found" -eq 0 ]; then
  echo "FAIL: no reproducer written"
  exit 1
fi
echo "qemu campaign: $found reproducers, every first finding a known QEMU 7.2 deviation"
