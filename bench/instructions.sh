#!/usr/bin/env bash
# Instructions per event under callgrind: the repeatable measure of the engine's CPU cost
# on this shared machine (seconds vary 10-50 % with the neighbours; instruction counts do not).
#
#   bench/instructions.sh [--nexus PATH] [--transactions N] [--accounts A] [--seed S]
#
# Generates one fixed file (default 50,000 transactions over 20,000 accounts, seed 1, .pb)
# and a tiny one (100 transactions, same seed), replays each under
# `valgrind --tool=callgrind` with all packs and with the starter pack (core.yaml), and
# prints (instructions(big) - instructions(tiny)) / (events(big) - events(tiny)): start-up
# (loading the packs, compiling keyword sets, opening RocksDB) cancels out.
# Takes a few minutes: callgrind runs the binary ~50x slower.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nexus="$root/build/dev/app/nexus"
transactions=50000
accounts=20000
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nexus) nexus="$2"; shift ;;
    --transactions) transactions="$2"; shift ;;
    --accounts) accounts="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    *) echo "instructions.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -x "$nexus" ] || { echo "instructions.sh: no nexus binary at $nexus (build first)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tiny=100
"$nexus" generate --seed "$seed" --accounts "$accounts" --transactions "$transactions" \
  --out "$work/big.pb" >/dev/null
"$nexus" generate --seed "$seed" --accounts "$accounts" --transactions "$tiny" \
  --out "$work/tiny.pb" >/dev/null
mkdir -p "$work/starter"
cp "$root/rules/packs/core.yaml" "$work/starter/"

# Total instructions of one replay (callgrind's "summary:" line).
instructions() {
  local input="$1" rules="$2" out="$work/callgrind.out"
  rm -f "$out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$nexus" replay --input "$input" \
    --rules "$rules" --out "$(mktemp -u "$work/alerts-XXXXXX.ndjson")" >/dev/null 2>&1
  awk '/^summary:/ { print $2 }' "$out"
}

echo "instructions per event (callgrind), $transactions generated transactions over $accounts accounts, seed $seed"
echo "binary: $nexus ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown))"
printf '%-28s %16s %16s %14s\n' "rule set" "instr (big)" "instr (tiny)" "per event"
for set in "all packs:$root/rules/packs" "starter pack:$work/starter"; do
  name="${set%%:*}"
  dir="${set#*:}"
  big="$(instructions "$work/big.pb" "$dir")"
  small="$(instructions "$work/tiny.pb" "$dir")"
  per_event=$(( (big - small) / (transactions - tiny) ))
  printf '%-28s %16s %16s %14s\n' "$name" "$big" "$small" "$per_event"
done
