#!/usr/bin/env python3
"""Checks the messages a real consumer read from a Kafka topic against the JSON Lines record files
of the same flowfeatd run (or of another run of the same packets).

- record for record: the message values are exactly the lines of the files (the same text, so the
  same columns and numbers), every one once; within a partition, in the files' order;
- the key of every message is what output.kafka.key asks for, computed from the record itself;
- the headers: sensor (and the record's sensor column), schema_version, schema_fingerprint, one
  run for all, and a flow_id unique among the messages.

Usage: check_kafka_records.py RECORD_DIR MESSAGES.jsonl --key src_ip|dst_ip|flow|none --sensor ID
       [--fingerprint HEX]
MESSAGES.jsonl holds kcat -J envelopes, one per line. Exit status 0 when everything holds, 1
otherwise, with the differences printed.
"""
import argparse
import glob
import json
import os
import sys
from collections import Counter, defaultdict


def record_lines(directory):
    files = sorted(glob.glob(os.path.join(directory, "flows-*.jsonl")))
    if not files:
        sys.exit(f"no JSON Lines record files in {directory}")
    lines = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines.extend(line.rstrip("\n") for line in f)
    return lines


def expected_key(record, key):
    if key == "src_ip":
        return record["src_ip"]
    if key == "dst_ip":
        return record["dst_ip"]
    if key == "flow":
        return ",".join(str(record[c]) for c in ("src_ip", "src_port", "dst_ip", "dst_port", "protocol"))
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("records")
    parser.add_argument("messages")
    parser.add_argument("--key", required=True, choices=["src_ip", "dst_ip", "flow", "none"])
    parser.add_argument("--sensor", required=True)
    parser.add_argument("--fingerprint")
    args = parser.parse_args()

    lines = record_lines(args.records)
    with open(args.messages, encoding="utf-8") as f:
        messages = [json.loads(line) for line in f if line.strip()]
    problems = []

    values = Counter(m["payload"] for m in messages)
    expected = Counter(lines)
    if values != expected:
        missing = expected - values
        extra = values - expected
        problems.append(f"{len(messages)} messages for {len(lines)} records: {sum(missing.values())} records "
                        f"without a message, {sum(extra.values())} messages that are no record (or a duplicate)")
        for text in list(missing)[:2]:
            problems.append(f"  no message for: {text[:200]}")
        for text in list(extra)[:2]:
            problems.append(f"  not a record: {text[:200]}")

    position = {line: i for i, line in enumerate(lines)}
    last_in_partition = defaultdict(lambda: -1)
    flow_ids = Counter()
    runs = set()
    for m in sorted(messages, key=lambda m: (m["partition"], m["offset"])):
        record = json.loads(m["payload"])
        where = f"partition {m['partition']} offset {m['offset']}"
        if m.get("key") != expected_key(record, args.key):
            problems.append(f"{where}: key {m.get('key')!r}, expected {expected_key(record, args.key)!r}")
        headers = m.get("headers") or []
        header = dict(zip(headers[0::2], headers[1::2]))
        if header.get("sensor") != args.sensor or record.get("sensor") != args.sensor:
            problems.append(f"{where}: sensor header {header.get('sensor')!r}, column {record.get('sensor')!r}")
        if header.get("schema_version") != "1":
            problems.append(f"{where}: schema_version header {header.get('schema_version')!r}")
        fingerprint = header.get("schema_fingerprint", "")
        if len(fingerprint) != 16 or (args.fingerprint and fingerprint != args.fingerprint):
            problems.append(f"{where}: schema_fingerprint header {fingerprint!r}")
        flow_ids[header.get("flow_id")] += 1
        runs.add(header.get("run"))
        at = position.get(m["payload"])
        if at is not None:
            if at <= last_in_partition[m["partition"]]:
                problems.append(f"{where}: out of the files' order within its partition")
            last_in_partition[m["partition"]] = at
    if len(runs) != 1 or not all(run and len(run) == 16 for run in runs):
        problems.append(f"the run header is not one 16-digit value: {sorted(map(str, runs))[:3]}")
    repeated = [flow for flow, n in flow_ids.items() if n != 1 or flow is None]
    if repeated:
        problems.append(f"{len(repeated)} flow_id header(s) missing or on several messages, e.g. {repeated[:5]}")

    if problems:
        print("\n".join(problems[:40]))
        return 1
    print(f"{len(messages)} messages equal the {len(lines)} records, keys ({args.key}) and headers right, "
          f"{len(last_in_partition)} partition(s) in order, every flow_id once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
