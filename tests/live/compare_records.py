#!/usr/bin/env python3
"""Compares the record files of two flowfeatd runs of the same packets, one read from a file and one
captured live, on every column that does not depend on when the packets arrived: the flow key,
application, packet and byte counts, packet sizes, encodings. Timing columns (times, durations,
inter-arrival times, fans, derived and standardized values) differ by nature between a replay at top
speed and the original capture; with --time-scale S the durations are compared too, the live ones
multiplied by S (a replay S times faster), within --tolerance-ms plus 2 %.

Usage: compare_records.py FILE_RUN_DIR LIVE_RUN_DIR [--time-scale S] [--tolerance-ms MS]
Exit status 0 when the two sets of records are equal, 1 otherwise (the differences are printed).
"""
import argparse
import csv
import glob
import os
import sys
from collections import Counter

KEY = ["src_ip", "dst_ip", "src_port", "dst_port", "protocol", "ip_version", "vlan_id", "tunnel_id"]
TIMELESS = KEY + [
    "application_name",
    "bidirectional_packets", "bidirectional_bytes", "src2dst_packets", "src2dst_bytes",
    "dst2src_packets", "dst2src_bytes",
    "bidirectional_mean_ps", "bidirectional_stddev_ps", "src2dst_mean_ps", "src2dst_stddev_ps",
    "dst2src_mean_ps", "dst2src_stddev_ps",
    "ip_class_mismatch", "suspicious_port_protocol", "protocol_anomaly", "ps_ratio_src2dst", "ps_variation_ratio",
]


def records(directory):
    files = sorted(glob.glob(os.path.join(directory, "flows-*.csv")))
    if not files:
        sys.exit(f"no record files in {directory}")
    rows = []
    for path in files:
        with open(path, newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file_run")
    parser.add_argument("live_run")
    parser.add_argument("--time-scale", type=float)
    parser.add_argument("--tolerance-ms", type=float, default=20.0)
    args = parser.parse_args()

    file_rows, live_rows = records(args.file_run), records(args.live_run)
    columns = TIMELESS + [c for c in file_rows[0] if c.startswith(("protocol_", "src_ip_class_", "dst_ip_class_",
                                                                     "src_port_class_", "dst_port_class_"))]
    file_set = Counter(tuple(r[c] for c in columns) for r in file_rows)
    live_set = Counter(tuple(r[c] for c in columns) for r in live_rows)
    failed = False
    if file_set != live_set:
        failed = True
        for row, n in (file_set - live_set).items():
            print("only in the file run:", n, dict(zip(columns[:12], row)))
        for row, n in (live_set - file_set).items():
            print("only in the live run:", n, dict(zip(columns[:12], row)))

    if args.time_scale is not None and not failed:
        by_key = {}
        for r in file_rows:
            by_key.setdefault(tuple(r[c] for c in KEY), []).append(float(r["bidirectional_duration_ms"]))
        worst = 0.0
        for r in live_rows:
            expected = by_key[tuple(r[c] for c in KEY)]
            live = float(r["bidirectional_duration_ms"]) * args.time_scale
            error = min(abs(live - e) for e in expected)
            worst = max(worst, error)
            allowed = args.tolerance_ms * args.time_scale + 0.02 * max(expected)
            if error > allowed:
                failed = True
                print(f"duration of {dict(zip(KEY, (r[c] for c in KEY)))}: live {live:.0f} ms (scaled), "
                      f"file {expected} ms, allowed error {allowed:.0f} ms")
        print(f"durations: worst difference {worst:.1f} ms after scaling by {args.time_scale}")

    print(f"{len(file_rows)} records from the file, {len(live_rows)} captured live: "
          + ("DIFFERENT" if failed else "equal"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
