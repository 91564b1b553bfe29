#!/bin/sh
# The campaign driver (fuzz/campaign.py) on a planted-bug libFuzzer target
# (tests/fuzz/planted_fuzzer.cc): a campaign finds and reports both planted bugs as two deduplicated
# findings with plots; SIGTERM stops it with its state and every finding kept, and a second run
# on the same directory resumes with the time already spent counted; promote adds the finding to
# a seed corpus. ctest fuzz/campaign/planted (fuzz preset only).
#   campaign_test.sh SOURCE_DIR PLANTED_BINARY_DIR WORK_DIR
set -eu
src=$1; bin=$2; work=$3
rm -rf "$work"; mkdir -p "$work/root/corpus/fuzz/planted_fuzzer"
fail() { echo "FAIL: $*" >&2; exit 1; }
camp() {
  python3 "$src/fuzz/campaign.py" --root "$work/root" --build "$work/none" "$@"
}
common="--bin-dir $bin --options-dir $src/tests/fuzz --seed-dir $src/tests/fuzz/seeds --minimize-seconds 3"

# 1. Kill and resume. Wait for the first status line, then SIGTERM: exit 130, state saved, the
# fuzzer stopped (libFuzzer says so in its log) and none of its processes left.
d=$work/c
python3 "$src/fuzz/campaign.py" --root "$work/root" --build "$work/none" run $common \
  --targets planted_fuzzer --seconds 100 "$d" > "$work/run1.out" 2>&1 &
pid=$!
i=0
until grep -q "findings" "$work/run1.out" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 600 ] || fail "no status line after 60 s"; sleep 0.1
done
kill -TERM $pid
status=0; wait $pid || status=$?
cat "$work/run1.out"
[ $status -eq 130 ] || fail "an interrupted campaign exits 130, not $status"
grep -q "interrupted: state saved" "$work/run1.out" || fail "no 'state saved' message"
grep -q "libFuzzer: run interrupted" "$d/planted_fuzzer/fuzz-001.log" || fail "libFuzzer was not stopped"
if pgrep -f "$bin/planted_fuzzer" > /dev/null; then fail "a fuzzer outlived the campaign"; fi
spent1=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['spent_s']['planted_fuzzer']))" "$d/campaign.json")
[ "$spent1" -ge 1 ] && [ "$spent1" -lt 100 ] || fail "spent after the kill: $spent1 s"
before=$(ls "$d/planted_fuzzer" | grep -c '^crash-' || true)
[ "$before" -ge 1 ] || fail "no crash file before the kill"
ls "$d/planted_fuzzer" | grep '^crash-' > "$work/crashes-before"

# 2. Resume with a smaller budget (12 s in all): the rest of it, no finding file lost, then the
# report (exit 1: findings).
status=0; camp run $common --seconds 12 "$d" > "$work/run2.out" 2>&1 || status=$?
cat "$work/run2.out"
[ $status -eq 1 ] || fail "a campaign with findings exits 1, not $status"
grep -q "resuming $d: planted_fuzzer ${spent1}s" "$work/run2.out" || fail "resume did not count ${spent1}s"
left=$((12 - spent1))
grep -q "planted_fuzzer: fuzzing \($((left - 1))\|${left}\|$((left + 1))\)s" "$work/run2.out" ||
  fail "resume did not fuzz the remaining ${left}s"
ls "$d/planted_fuzzer" | grep '^crash-' > "$work/crashes-after"
[ -z "$(comm -23 "$work/crashes-before" "$work/crashes-after")" ] || fail "a finding was lost"
grep -q "	planted_fuzzer	" "$d/history.tsv" || fail "no history rows"

# 3. The report: the two planted bugs, each once, by their top frames; plots that are PNGs.
r=$d/report
for f in summary.md summary.json coverage.png corpus.png; do [ -s "$r/$f" ] || fail "no $r/$f"; done
for f in coverage.png corpus.png; do
  [ "$(head -c 4 "$r/$f" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "$f is not a PNG"
done
python3 - "$r/summary.json" <<'PY' || fail "summary.json"
import json, sys
s = json.load(open(sys.argv[1]))
sigs = sorted(f["signature"] for f in s["findings"])
print(sigs)
assert len(sigs) == 2, sigs
assert "PlantedAbort" in sigs[0] and "PlantedNullWrite" in sigs[1], sigs
assert all(f["class"] == "planted fuzzer bug" and f["reproduces"] for f in s["findings"])
assert s["targets"]["planted_fuzzer"]["corpus_files"] >= 1
PY

# 4. Promote: the finding's input joins the target's seed corpus under --root.
id=$(python3 -c "import json,sys; print([f['id'] for f in json.load(open(sys.argv[1]))['findings'] if 'Abort' in f['signature']][0])" "$r/summary.json")
camp promote "$d" "$id"
n=$(ls "$work/root/corpus/fuzz/planted_fuzzer" | wc -l)
[ "$n" -eq 1 ] || fail "promote wrote $n files"
head -c 3 "$work/root/corpus/fuzz/planted_fuzzer"/* | grep -q BUG || fail "the promoted input is not the BUG input"
status=0; camp promote "$d" no-such-finding 2> "$work/promote.err" || status=$?
[ $status -eq 2 ] && grep -q "no finding 'no-such-finding'" "$work/promote.err" || fail "bad finding id"
echo "campaign_test: pass"
