#!/bin/sh
# The campaign's report on fuzz_arch_diff against a planted engine bug (impl-mutant-10: event
# records report RnW inverted; 8 of the 40 seeds of corpus/fuzz/fuzz_arch_diff/ reach it): every
# finding is classified an impl bug (the program runs cleanly on the model and fails on the
# mutant), a promoted finding is a regression vector that fails on the mutant and passes on
# impl, and the report counts the rule ids the merged corpus exercised. ctest
# fuzz/campaign/arch-diff-mutant (fuzz preset).
#   campaign_arch_test.sh SOURCE_DIR FUZZ_BINARY_DIR SMMUREF_CLI WORK_DIR
set -eu
src=$1; bin=$2; cli=$3; work=$4
rm -rf "$work"; mkdir -p "$work/root/corpus/regressions"
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$work/c
status=0
python3 "$src/fuzz/campaign.py" --root "$work/root" --build "$work/none" run --bin-dir "$bin" \
  --options-dir "$src/fuzz" --seed-dir "$src/corpus/fuzz" --smmuref "$cli" --minimize-seconds 5 \
  --targets fuzz_arch_diff --dut impl-mutant-10 --seconds 10 "$d" || status=$?
[ $status -eq 1 ] || fail "a campaign with findings exits 1, not $status"
python3 - "$d/report/summary.json" <<'PY' || fail "summary.json"
import json, os, sys
s = json.load(open(sys.argv[1]))
f = s["findings"]
assert f, "no finding"
for x in f:
    assert x["class"] == "impl bug", x
    assert x["replay"] == {"model": 0, "impl": 1, "dut": "impl-mutant-10"}, x
    assert "disagrees with the model (dut impl-mutant-N)" in x["signature"], x
    assert os.path.getsize(x["vector"]) > 0, x
assert len({x["signature"] for x in f}) == len(f)
print("%d distinct findings, all impl bugs" % len(f))
# The merged corpus replayed for its rule ids (fuzz/rule_coverage.h): the seeds alone reach
# R-REG-002 (tests/fuzz/rule_ids_test.sh); the ids never exercised are the rest of the table.
r = s["rules"]
assert r["by_target"]["fuzz_arch_diff"] == r["exercised"] > 0, r
assert "R-REG-002" not in r["never"] and len(r["never"]) == r["total"] - r["exercised"], r
print("rule ids exercised %d of %d" % (r["exercised"], r["total"]))
PY
grep -q "^rule ids exercised [0-9]* of [0-9]* (the merged corpora replayed" "$d/report/summary.md" ||
  fail "summary.md has no rule-id line"
id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['findings'][0]['id'])" "$d/report/summary.json")
python3 "$src/fuzz/campaign.py" --root "$work/root" --build "$work/none" promote --name mutant10 "$d" "$id"
v=$work/root/corpus/regressions/mutant10.vec
head -1 "$v" | grep -q "^# Found by the libFuzzer campaign (fuzz_arch_diff, finding $id): impl bug" ||
  fail "no header in $v"
status=0; "$cli" vectors run --quiet --dut impl-mutant-10 "$v" > /dev/null || status=$?
[ $status -eq 1 ] || fail "the promoted vector does not fail on the mutant (exit $status)"
"$cli" vectors run --quiet --dut impl "$v" > /dev/null || fail "the promoted vector fails on impl"
echo "campaign_arch_test: pass"
