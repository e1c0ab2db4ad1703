#!/usr/bin/env bash
# The metrics endpoint under attack and behind TLS and basic auth, with a real Prometheus, on the
# loopback of the test's own network namespace. flowfeatd replays a capture at its recorded pace
# (1.2 times as fast: 51 s) while hold_connections.py keeps 500 idle and 50 slow-header connections open
# (reopening each one flowfeatd closes) and sends malformed requests and random bytes:
#  - every scrape by Prometheus over HTTPS with basic auth succeeds within its 1 s timeout;
#  - every held connection is closed by flowfeatd within metrics.request_timeout (+0.5 s);
#  - one address opening 30 connections keeps metrics.max_connections_per_client of them;
#  - the records equal those of the same replay without an endpoint, and the exit status is 0;
#  - scrapes with the wrong CA, plain HTTP on the TLS port or a wrong password fail (up = 0);
#    curl: right password 200, wrong 401, none 401;
#  - the certificate replaced and SIGHUP: the new one is served, and Prometheus goes on scraping;
#    a certificate that does not match its key at SIGHUP is refused and the previous one stays.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec 3>&2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

REQUEST_TIMEOUT=2
PER_CLIENT=16
ATTACK_SECONDS=20
PROMETHEUS_URL=http://127.0.0.1:9090
ENDPOINT=127.0.0.1:9877

live_require prometheus curl python3 openssl
pcap=$(live_capture nfstream/tests/pcaps/1kxun.pcap)  # 1 439 packets over 61 s
live_setup
show_logs_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ] && [ -n "$LIVE_DIR" ]; then
    for log in "$LIVE_DIR"/*.log; do [ -f "$log" ] && { echo "--- $(basename "$log")"; tail -n 20 "$log"; }; done >&3
    echo "--- Prometheus targets" >&3
    live_in curl -s "$PROMETHEUS_URL/api/v1/targets" 2>/dev/null | python3 -c '
import json, sys
for t in json.load(sys.stdin)["data"]["activeTargets"]:
    print(t["labels"]["job"], t["health"], t["lastError"])' >&3 2>/dev/null || true
  fi
  live_cleanup
}
trap show_logs_on_failure EXIT
cd "$LIVE_DIR"

# A CA, the endpoint's certificate from it and a second one for the rotation, and another CA.
make_ca() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.crt" 2>/dev/null; }
make_cert() {  # NAME CA
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 2 -extfile "$1.ext" \
    -out "$1.crt" 2>/dev/null
}
make_ca test-ca
make_ca other-ca
make_cert first test-ca
make_cert second test-ca
mkdir tls
cp first.crt tls/server.crt
cp first.key tls/server.key
password=scrape-$RANDOM
hash=$(openssl passwd -6 "$password")
cat >web-config.yml <<YAML
tls_server_config:
  cert_file: tls/server.crt
  key_file: tls/server.key
basic_auth_users:
  prometheus: '$hash'
YAML
cat >flowfeat.yaml <<YAML
metrics:
  listen: $ENDPOINT
  request_timeout: $REQUEST_TIMEOUT
  inactivity_timeout: 3
  max_connections_per_client: $PER_CLIENT
  web_config_file: $LIVE_DIR/web-config.yml
YAML
printf '%s' "$password" >password
printf 'wrong' >wrong-password
job() {  # NAME SCHEME CA PASSWORD_FILE
  cat <<YAML
  - job_name: $1
    scheme: $2
    tls_config: {ca_file: $LIVE_DIR/$3.crt}
    basic_auth: {username: prometheus, password_file: $LIVE_DIR/$4}
    static_configs: [{targets: ["$ENDPOINT"]}]
YAML
}
{
  printf 'global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n'
  job flowfeat https test-ca password
  job wrong_ca https other-ca password
  job plain_http http test-ca password
  job wrong_password https test-ca wrong-password
} >prometheus.yml

"$FLOWFEATD" --check-config --config flowfeat.yaml >check.log 2>&1 || live_fail "--check-config refused: $(cat check.log)"

# The records of the same replay without an endpoint.
"$FLOWFEATD" --read "$pcap" --output reference --progress never --no-metrics >reference.log 2>&1 ||
  live_fail "the reference replay failed"

prometheus_value() {
  live_in curl -sf --get --data-urlencode "query=$1" "$PROMETHEUS_URL/api/v1/query" | python3 -c '
import json, sys
series = json.load(sys.stdin)["data"]["result"]
print(series[0]["value"][1] if len(series) == 1 else "none")'
}
curl_status() { live_in curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert test-ca.crt "$@" "https://$ENDPOINT/metrics"; }
served_serial() {
  live_in openssl s_client -connect "$ENDPOINT" -CAfile test-ca.crt </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null
}
flowfeat_up() { [ "$(prometheus_value 'up{job="flowfeat"}')" = 1 ]; }
serving_serial() { [ "$(served_serial)" = "$1" ]; }

live_background prometheus prometheus --config.file=prometheus.yml --storage.tsdb.path=tsdb \
  --web.listen-address=127.0.0.1:9090 --log.level=warn
live_wait_for 30 "Prometheus to be ready" live_in curl -sf "$PROMETHEUS_URL/-/ready"

live_background flowfeatd "$FLOWFEATD" --config flowfeat.yaml --read "$pcap" --replay-speed 1.2 --output out \
  --progress never
flowfeatd_pid=$LIVE_PID
live_wait_for 20 "the endpoint to answer" curl_status -f -u "prometheus:$password"
live_wait_for 20 "a first successful scrape" flowfeat_up

# Basic auth and the refused ways in.
[ "$(curl_status -u "prometheus:$password")" = 200 ] || live_fail "the right password is not 200"
[ "$(curl_status -u prometheus:wrong)" = 401 ] || live_fail "a wrong password is not 401"
[ "$(curl_status)" = 401 ] || live_fail "no credentials is not 401"
if live_in curl -sf --max-time 5 "http://$ENDPOINT/metrics" >/dev/null 2>&1; then live_fail "plain HTTP served on the TLS port"; fi
if live_in curl -sf --max-time 5 --cacert other-ca.crt -u "prometheus:$password" "https://$ENDPOINT/metrics" >/dev/null 2>&1; then
  live_fail "a certificate from another CA was trusted"
fi

# One address opening 30 connections at once.
flood=$(live_in python3 "$here/hold_connections.py" 9877 --flood-from 127.0.3.1 --count 30)

# The attack, Prometheus scraping all along.
attack_start=$(date +%s)
live_in python3 "$here/hold_connections.py" 9877 --idle 500 --slow 50 --seconds "$ATTACK_SECONDS" \
  --per-address 14 --tls --cafile test-ca.crt >attack.json || live_fail "the attacking client failed"
attack_seconds=$(($(date +%s) - attack_start))
sleep 2  # the last scrapes of the window are in
echo "attack: $(cat attack.json)"
echo "one address opening 30: $flood"

python3 - "$REQUEST_TIMEOUT" "$PER_CLIENT" "$flood" attack.json <<'PY' || live_fail "the held connections were not bounded as configured"
import json, sys
timeout, per_client, flood = float(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
attack = json.load(open(sys.argv[4]))
problems = []
if attack["min_held"] < attack["held"]:
    problems.append(f"only {attack['min_held']} of {attack['held']} connections held at some point")
for kind in ("idle", "slow"):
    if attack[f"closed_{kind}"] == 0:
        problems.append(f"no {kind} connection was closed by the daemon")
    if attack[f"max_lifetime_{kind}"] > timeout + 0.5:
        problems.append(f"a {kind} connection stayed {attack[f'max_lifetime_{kind}']:.2f} s (timeout {timeout} s)")
    if attack[f"min_lifetime_{kind}"] < timeout - 0.2:
        problems.append(f"a {kind} connection was closed after {attack[f'min_lifetime_{kind}']:.2f} s, before the timeout")
if flood["still_open"] != per_client:
    problems.append(f"{flood['still_open']} of {flood['opened']} connections from one address open; bound {per_client}")
if problems:
    sys.exit("; ".join(problems))
PY

window="${attack_seconds}s"
scrapes=$(prometheus_value "count_over_time(up{job=\"flowfeat\"}[$window])")
failed=$(prometheus_value "count_over_time((up{job=\"flowfeat\"} == 0)[$window:1s])")
worst=$(prometheus_value "max_over_time(scrape_duration_seconds{job=\"flowfeat\"}[$window])")
mean=$(prometheus_value "avg_over_time(scrape_duration_seconds{job=\"flowfeat\"}[$window])")
echo "scrapes during the attack: $scrapes, failed: $failed, duration mean ${mean}s, worst ${worst}s"
[ "$scrapes" != none ] && [ "${scrapes%.*}" -ge $((attack_seconds - 3)) ] ||
  live_fail "only $scrapes scrapes in ${attack_seconds}s at a 1 s interval"
[ "$(prometheus_value "min_over_time(up{job=\"flowfeat\"}[$window])")" = 1 ] || live_fail "a scrape failed during the attack"
for refused in wrong_ca plain_http wrong_password; do
  [ "$(prometheus_value "max_over_time(up{job=\"$refused\"}[$window])")" = 0 ] || live_fail "the $refused job scraped"
done

# Certificate rotation: the new certificate is served after SIGHUP.
before=$(served_serial)
cp second.crt tls/server.crt
cp second.key tls/server.key
kill -HUP "$flowfeatd_pid"
expected=$(openssl x509 -noout -serial -in second.crt)
live_wait_for 10 "the new certificate to be served" serving_serial "$expected"
[ "$before" != "$expected" ] || live_fail "the first and second certificates have the same serial"
grep -q "metrics endpoint reloaded" flowfeatd.log || live_fail "no reload in the log"
sleep 3
[ "$(prometheus_value 'up{job="flowfeat"}')" = 1 ] || live_fail "Prometheus does not scrape after the rotation"
[ "$(curl_status -u "prometheus:$password")" = 200 ] || live_fail "not served after the rotation"

# A certificate that does not go with the key at SIGHUP: refused, the previous one stays served.
cp first.crt tls/server.crt
kill -HUP "$flowfeatd_pid"
live_wait_for 10 "the refused reload in the log" grep -q "metrics endpoint not reloaded" flowfeatd.log
[ "$(served_serial)" = "$expected" ] || live_fail "the previous certificate is no longer served after a refused reload"

live_wait_for 60 "the replay to end" bash -c "! kill -0 $flowfeatd_pid 2>/dev/null"
status=0
wait "$flowfeatd_pid" || status=$?
[ "$status" -eq 0 ] || live_fail "flowfeatd exited with status $status"
python3 "$here/compare_records.py" reference out || live_fail "the records under attack differ from the reference"
echo "PASS: $scrapes scrapes under 500 idle + 50 slow connections (mean ${mean}s, worst ${worst}s), all up;" \
  "connections cut within ${REQUEST_TIMEOUT}s; TLS, auth and rotation as configured; records equal"
