#!/usr/bin/env bash
# The README's command transcripts, made by the nexus binary itself.
#
#   scripts/transcripts.sh [--check] [--nexus PATH]
#
# Each block of README.md between `<!-- transcript: NAME -->` and `<!-- /transcript -->`
# is the output of the function `t_NAME` below, run in a scratch directory with `nexus`
# on PATH. Without --check the blocks are rewritten in place; with --check nothing is
# written and the script exits 1 with a diff when a block no longer matches what the
# binary prints (the e2e test `readme_transcripts` runs it so). Values that change from
# run to run (wall-clock times, rates, ports, temp paths) are masked by `mask`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check=0
nexus_bin="$root/build/dev/app/nexus"
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --nexus) nexus_bin="$(realpath "$2")"; shift ;;
    *) echo "transcripts.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$nexus_bin" ] || { echo "transcripts.sh: no nexus binary at $nexus_bin (build first)" >&2; exit 2; }

# The commands run in scratch/work, laid out like a clone (rules/, scripts/, and
# ../shared beside it), so they read exactly as a user types them in the repository.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/out" "$scratch/work"
ln -s "$nexus_bin" "$scratch/bin/nexus"
ln -s "$root/rules" "$scratch/work/rules"
[ -d "$root/docs" ] && ln -s "$root/docs" "$scratch/work/docs"
ln -s "$(cd "$root/../shared" && pwd)" "$scratch/shared"
export PATH="$scratch/bin:$PATH"
unset NEXUS_RULES_DIR

# Run-to-run noise out, everything a rule or the data decides kept.
mask() {
  sed -E \
    -e 's/"ts":"[^"]*"/"ts":"..."/g' \
    -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
    -e 's/^(elapsed +)[0-9.]+ s \([0-9]+ records\/s\)/\1... s (... records\/s)/' \
    -e "s#$scratch/work/##g" -e "s#$scratch#..#g"
}

# `$ command` then its output (stdout and stderr, in order), as a user sees it.
show() {
  echo "\$ $*"
  "$@" 2>&1 || true
}

# Lines FROM..TO of a long output, then "..." for what was cut.
abridge() {
  local from="$1" to="$2"
  awk -v from="$from" -v to="$to" 'NR >= from && NR <= to { print } NR == to + 1 { print "..." }'
}

# After a line matching $1, keeps N ($2) of the indented rows that follow and puts
# "  ..." for the rest of them; N = 0 drops the heading too.
rows() {
  awk -v h="$1" -v n="$2" '
    inside && /^  / { if (++c > n) { if (c == n + 1 && n > 0) print "  ..."; next } }
    inside && !/^  / { inside = 0 }
    $0 ~ h { inside = 1; c = 0; if (n == 0) next }
    { print }'
}

# Keeps the first N ($1) alerts that `--show` or the demo prints, then "...".
first_alerts() {
  awk -v k="$1" '
    /^ALERT / && ++a > k { if (!cut) print "..."; cut = 1; skip = 1 }
    /^== / { skip = 0 }
    !skip'
}

# The time per evaluation in the per-rule table is a measurement, not a result.
mask_rule_times() {
  sed -E 's/^(  [A-Z0-9-]+ +[0-9]+ +[0-9]+ +)[0-9]+\.[0-9]+$/\1.../'
}

t_demo() {
  show nexus demo --data-dir demo-data |
    awk '/^  fed / { if (!shown) print "  fed ... (a progress line a second)"; shown = 1; next } { print }' |
    first_alerts 2 | rows '^alerts ' 4 | rows '^rules +evaluated' 0 |
    rows 'scenario -> rule' 3 | rows '^  rule +alerts +planted' 4
}

t_generate_replay() {
  show nexus generate --seed 7 --accounts 10000 --transactions 100000 --out tx.ndjson \
    --labels labels.ndjson
  show nexus replay --input tx.ndjson --out alerts.ndjson --labels labels.ndjson |
    rows '^alerts ' 4 | rows '^rules +evaluated' 4 | mask_rule_times |
    rows 'scenario -> rule' 4 | rows '^  rule +alerts +planted' 4
}

t_csv() {
  show nexus replay --input ../shared/data/aml/ibm_hi_small/HI-Small_Patterns.txt --format csv \
    --csv-map ibm-aml-patterns --allowed-lateness 60d --out ibm-alerts.ndjson |
    rows '^rules +evaluated' 0
}

t_rules_check() {
  show nexus rules check docs/examples/bad-rules
}

# The backtest table: the header, the first row, every row that changed, "..." between.
# us/eval is a measurement, not a result.
backtest_rows() {
  awk '
    /^rule +version +before/ { table = 1; first = 1; print; next }
    table && /^$/ { if (cut) print "..."; table = 0 }
    table {
      n = split($0, f, / +/)
      changed = (f[n - 4] + f[n - 3] > 0) || /CHANGED/
      if (first || changed) { if (cut) print "..."; cut = 0; first = 0; print } else cut = 1
      next
    }
    { print }' |
    sed -E 's/ +[0-9]+\.[0-9]{3}(  +[0-9.-]+ +[0-9.-]+)$/      ...\1/'
}

t_rules_test_backtest() {
  echo "\$ cp -r rules/packs my-rules"
  cp -r rules/packs my-rules
  # The ceiling of the triggering gift of TF-CROWDFUND-FANIN, 500 -> 300 USD, version 3 -> 4.
  local edit='/- rule: TF-CROWDFUND-FANIN/,/condition:/ s/version: 3/version: 4/; s/^    and amount_usd < 500/    and amount_usd < 300/'
  echo "\$ sed -i '$edit' my-rules/core.yaml"
  sed -i "$edit" my-rules/core.yaml
  show nexus rules test my-rules | awk 'NR <= 3 || /passed/ { print; next } !cut { print "..."; cut = 1 }'
  [ -f tx.ndjson ] || nexus generate --seed 7 --accounts 10000 --transactions 100000 \
    --out tx.ndjson --labels labels.ndjson >/dev/null
  show nexus backtest --input tx.ndjson --rules my-rules --baseline rules/packs \
    --labels labels.ndjson | backtest_rows
}

# A looser copy of TF-CROWDFUND-FANIN on trial in shadow mode, backtested and replayed; then
# promoted with a version bump.
t_shadow() {
  echo '$ mkdir trial && cp rules/packs/*.yaml trial/'
  mkdir trial && cp rules/packs/*.yaml trial/
  cat > trial/trial.yaml <<'YAML'
- rule: TF-CROWDFUND-FANIN-15
  version: 1
  mode: shadow
  title: Fan-in to a conflict-adjacent beneficiary from 15 small donors (on trial)
  source: "FATF 2015, Financing of the Terrorist Organisation ISIL (crowdfunding)"
  severity: high
  subject: beneficiary.account
  suppress: 24h
  flags: [terrorist_financing]
  condition: >
    beneficiary.country in conflict_adjacent
    and amount_usd < 500
    and agg.small_inbound_from_donors_24h.distinct_originator_account >= 15
YAML
  show cat trial/trial.yaml
  [ -f tx.ndjson ] || nexus generate --seed 7 --accounts 10000 --transactions 100000 \
    --out tx.ndjson --labels labels.ndjson >/dev/null
  # The header, the mode line, TF-CROWDFUND-FANIN and its trial; the time per evaluation masked.
  show nexus backtest --input tx.ndjson --rules trial --baseline rules/packs |
    awk '/^rule +mode/ { table = 1; print; next }
         table && /^$/ { print "..."; table = 0 }
         table { if ($1 ~ /^TF-CROWDFUND-FANIN/) print; next }
         { print }' |
    sed -E 's/ +[0-9]+\.[0-9]{3}$/      .../'
  show nexus replay --input tx.ndjson --rules trial --out trial-alerts.ndjson |
    awk '/^\$ / { print; next }
         /^(alerts|shadow alerts) +[0-9]/ || /(written|alerts|letters) to / { on = 1 }
         /^rules +/ || /^elapsed/ { on = 0 }
         on && (!/^  / || /TF-CROWDFUND/)'
  echo '$ cp -r trial promoted'
  cp -r trial promoted
  local edit='s/version: 1/version: 2/; s/mode: shadow/mode: live/'
  echo "\$ sed -i '$edit' promoted/trial.yaml"
  sed -i "$edit" promoted/trial.yaml
  show nexus backtest --input tx.ndjson --rules promoted --baseline trial |
    awk '/^rule +mode/ { table = 1; print; next }
         table && /^$/ { print "..."; table = 0 }
         table { if ($1 ~ /^TF-CROWDFUND-FANIN/) print; next }
         { print }' |
    sed -E 's/ +[0-9]+\.[0-9]{3}$/      .../'
}

t_sanctions() {
  show nexus lists import --data-dir ./nexus-data \
    ../shared/data/sanctions/un_consolidated_2026-02-27.xml
  echo '$ nexus screen "أبو بكر البغدادي" --data-dir ./nexus-data'
  nexus screen "أبو بكر البغدادي" --data-dir ./nexus-data 2>&1 || true
  show nexus generate --seed 7 --accounts 2000 --transactions 20000 --listed-parties \
    --out listed.ndjson
  show nexus replay --input listed.ndjson --lists ./nexus-data --out listed-alerts.ndjson \
    --show-rule SANCTIONS-PARTY-HIT | awk 'NR == 1 { print; next } /^ALERT / { on = 1 } on && /^$/ { exit } on'
}

# `sed -i EDIT desk.yaml`, shown, then what the desk answers to the edited config.
desk_with_edit() {
  echo "\$ sed -i '$1' desk.yaml"
  sed -i "$1" desk.yaml
  show nexus desk --config desk.yaml
}

# The desk's TLS: a self-signed pair for a trial, then refusals of bad files, each made
# before anything is served, at the config line that names the file.
t_desk_tls() {
  local pair='openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout desk.key.pem -out desk.crt.pem'
  echo "\$ $pair"
  $pair 2>/dev/null
  printf 'listen:\n  tls:\n    certificate: desk.crt.pem\n    private_key: desk.key.pem\nstore:\n  sqlite: desk.db\n' >desk.yaml
  show cat desk.yaml
  show openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key.pem
  desk_with_edit 's/desk.key.pem/other.key.pem/'
  desk_with_edit 's/desk.crt.pem/missing.pem/'
  desk_with_edit 's/missing.pem/other.key.pem/'
}

# `nexus screen-server`, the yente-compatible API: a token, the server on the UN and OFAC SDN
# files, a /match with yente's request shape and a refusal without the token. The server
# runs in the background on a free port and is stopped by its pid.
t_screen_server() {
  echo '$ nexus screen-server token add marble --tokens tokens.txt'
  local token
  token="$(nexus screen-server token add marble --tokens tokens.txt 2>&1 | tail -1)"
  echo "token 'marble' (scopes match,search) added to tokens.txt; it is shown only now:"
  echo "<the token, 43 characters>"
  local lists='--list-file ../shared/data/sanctions/un_consolidated_2026-02-27.xml --list-file ../shared/data/sanctions/ofac_sdn_csv_2021-07/sdn.csv'
  echo "\$ nexus screen-server $lists --tokens tokens.txt --listen 127.0.0.1:8000 &"
  # shellcheck disable=SC2086
  nexus screen-server $lists --tokens tokens.txt --listen 127.0.0.1:0 >server.out 2>&1 &
  local pid=$! port="" i
  for i in $(seq 1 600); do
    port="$(grep -oE '127\.0\.0\.1:[0-9]+' server.out | head -1 | cut -d: -f2 || true)"
    [ -n "$port" ] && break
    sleep 0.1
  done
  sed -E -e 's/loaded in [0-9]+ ms/loaded in ... ms/' -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:8000/' server.out
  cat >query.json <<'JSON'
{"queries": {"q1": {"schema": "Person",
  "properties": {"name": ["Arkadiii Romanovich Rotenberg", "Ротенберг Аркадий"],
                 "birthDate": ["1951"]}}}}
JSON
  show cat query.json
  local filter='.responses.q1 | {total, query}, (.results[] | {id, caption, schema, datasets, score, match, features, birthDate: .properties.birthDate}), .results[0].explanations.name_score.detail'
  echo "\$ curl -s -H \"Authorization: Bearer \$TOKEN\" \"127.0.0.1:8000/match/sanctions?limit=1\" -d @query.json | jq -c '$filter'"
  curl -s -H "Authorization: Bearer $token" "127.0.0.1:$port/match/sanctions?limit=1" -d @query.json |
    jq -c "$filter"
  echo '$ curl -s -i 127.0.0.1:8000/match/sanctions -d @query.json'
  curl -s -i "127.0.0.1:$port/match/sanctions" -d @query.json | tr -d '\r' | grep -v '^Content-Length'
  echo
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

run_transcripts() {
  local name
  for name in $(grep -oE '<!-- transcript: [a-z_]+ -->' "$root/README.md" |
                sed -E 's/<!-- transcript: ([a-z_]+) -->/\1/'); do
    if ! declare -F "t_$name" >/dev/null; then
      echo "transcripts.sh: README.md names transcript '$name', which this script lacks" >&2
      exit 2
    fi
    (cd "$scratch/work" && "t_$name") | mask > "$scratch/out/$name.txt"
  done
}

splice() {
  awk -v dir="$scratch/out" '
    /<!-- transcript: [a-z_]+ -->/ {
      print
      name = $0
      sub(/.*<!-- transcript: /, "", name)
      sub(/ -->.*/, "", name)
      print "```"
      while ((getline line < (dir "/" name ".txt")) > 0) print line
      close(dir "/" name ".txt")
      print "```"
      skipping = 1
      next
    }
    /<!-- \/transcript -->/ { skipping = 0 }
    !skipping { print }
  ' "$root/README.md"
}

run_transcripts
splice > "$scratch/README.md"
if [ "$check" = 1 ]; then
  if ! diff -u "$root/README.md" "$scratch/README.md"; then
    echo "README.md transcripts differ from what the binary prints: run scripts/transcripts.sh" >&2
    exit 1
  fi
  echo "README.md transcripts match the binary"
else
  cp "$scratch/README.md" "$root/README.md"
  echo "README.md transcripts rewritten"
fi
