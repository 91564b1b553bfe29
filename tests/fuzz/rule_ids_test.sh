#!/bin/sh
# A fuzz target's rule-id export (fuzz/rule_coverage.h): its replay binary over a seed corpus with
# SMMUREF_RULE_COVERAGE=FILE writes FILE with the union of the rule ids the inputs exercised: one
# id of spec/rules.md a line, in its order, no repeats; it holds the given ids, which the seeds
# are known to reach; the file of a single seed is a subset of the whole corpus's. Without the
# variable nothing is written. ctest fuzz/replay/rule-ids/X (fuzz/CMakeLists.txt).
#   rule_ids_test.sh REPLAY_BINARY SEED_DIR RULES_MD WORK_DIR ID...
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); seeds=$(cd "$2" && pwd); rules=$3; work=$4
shift 4
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
out=$work/ids

(cd "$work" && "$bin" "$seeds" > /dev/null 2>&1) || fail "the replay without the variable failed"
[ -z "$(ls -A "$work")" ] || fail "the replay wrote files without SMMUREF_RULE_COVERAGE: $(ls "$work")"

SMMUREF_RULE_COVERAGE=$out "$bin" "$seeds" > "$work/replay.log" 2>&1 ||
  { cat "$work/replay.log"; fail "the replay with SMMUREF_RULE_COVERAGE failed"; }
[ -f "$out" ] || fail "no $out"
[ ! -e "$out.tmp" ] || fail "$out.tmp left behind"
n=$(wc -l < "$out")
[ "$n" -ge 1 ] || fail "$out is empty"
sed -n 's/^- \*\*\(R-[A-Z0-9]*-[0-9]*\)\*\*.*/\1/p' "$rules" > "$work/all"
[ -s "$work/all" ] || fail "no rule ids in $rules"
bad=$(grep -vFx -f "$work/all" "$out" || true)
[ -z "$bad" ] || fail "not rule ids of $rules: $bad"
grep -Fx -f "$out" "$work/all" | cmp -s - "$out" || fail "$out is not in the order of $rules, once each"
for id in "$@"; do
  grep -qx "$id" "$out" || fail "$id is not in $out (the seeds reach it)"
done

one=$(ls "$seeds" | head -1)
SMMUREF_RULE_COVERAGE=$work/one "$bin" "$seeds/$one" > /dev/null 2>&1 || fail "replay of $one"
[ -f "$work/one" ] || : > "$work/one"  # an input that does not reach the runner opens no file
[ -z "$(grep -vFx -f "$out" "$work/one")" ] || fail "the ids of $one are not a subset of the corpus's"
[ "$(wc -l < "$work/one")" -le "$n" ] || fail "one seed has more ids than the corpus"
echo "rule_ids_test: $n of $(wc -l < "$work/all") rule ids exercised by $(ls "$seeds" | wc -l) seeds"
