# Helpers shared by the shell tests (sourced).

# poll_until SECONDS DESCRIPTION FAIL_FUNCTION COMMAND...: retries COMMAND every 0.1 s until it
# succeeds; after SECONDS, calls FAIL_FUNCTION with a message.
poll_until() {
  local seconds=$1 what=$2 fail=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || "$fail" "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

# metric_value NAME: from a Prometheus text exposition on standard input, the value of one sample
# (the family's series summed when NAME has no labels); nothing when there is no such sample.
# Whole numbers (counters); metric_value NAME %.10g keeps the fraction of a gauge.
metric_value() {
  awk -v n="$1" -v f="${2:-%.0f}" 'index($0, n) == 1 && (substr($0, length(n) + 1, 1) ~ /[ {]/) { s += $NF; found = 1 }
                                   END { if (found) printf f "\n", s }'
}
