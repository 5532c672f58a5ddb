#!/usr/bin/env bash
# Run one stage of `make test` and note how long it took; `--report` prints the notes as a table.
#
#   scripts/stage-time.sh NAME COMMAND [ARG ...]    run COMMAND, note NAME, seconds and exit status
#   scripts/stage-time.sh --report                  the table, and the time since --reset
#   scripts/stage-time.sh --reset                   forget the notes (at the start of a run)
#
# Some stages run side by side (the bot's held-out evaluation and test stories): the total is the
# time since the run started, not the sum of the stages.
set -euo pipefail
notes="$(cd "$(dirname "$0")/.." && pwd)/var/stage-times.tsv"
start="${notes%.tsv}.start"
mkdir -p "$(dirname "$notes")"
case "${1:-}" in
--reset)
    rm -f "$notes"
    date +%s%N >"$start"
    exit 0
    ;;
--report)
    [[ -f "$notes" ]] || exit 0
    elapsed=0
    [[ -f "$start" ]] && elapsed=$(( ($(date +%s%N) - $(cat "$start")) / 1000000 ))
    awk -F'\t' -v elapsed="$elapsed" '{ printf "  %-28s %6.1f s%s\n", $1, $2, ($3 == 0 ? "" : "  (failed)") }
        END { printf "  %-28s %6.1f s (%.1f min)\n", "total (since the start)", elapsed / 1000, elapsed / 60000 }' "$notes"
    exit 0
    ;;
esac
name="$1"
shift
started=$(date +%s%N)
status=0
"$@" || status=$?
printf '%s\t%s\t%s\n' "$name" "$(( ($(date +%s%N) - started) / 1000000 ))" "$status" |
    awk -F'\t' -v OFS='\t' '{ $2 = $2 / 1000; print }' >>"$notes"
exit "$status"
