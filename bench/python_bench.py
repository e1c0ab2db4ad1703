#!/usr/bin/env python3
"""Benchmark of flowfeat's Python front end against NFStream, the daemon and the seed notebook.

    python bench/python_bench.py CAPTURE [--sample N] [--rounds R] [--generated-flows N]

Needs nfstream 6.6, flowfeat, pandas, pyarrow and psutil importable (python/requirements-test.txt),
and the build tree (FLOWFEAT_BUILD_DIR, default build/): flowfeatd, flowfeat-bare-read, flowfeat-gen.
Prints figures; bench/README.md ("Python front end") says what they mean. Not a test: it checks
only that every run succeeds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("FLOWFEAT_BUILD_DIR", REPO / "build"))
BARE_READ = BUILD / "bench" / "flowfeat-bare-read"
FLOWFEATD = BUILD / "daemon" / "app" / "flowfeatd"
FLOWFEAT_GEN = BUILD / "tools" / "flowfeat-gen"
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Children: each Python measurement runs in a fresh interpreter, so that its peak RSS is its own.
# A child prints one JSON line; its timing covers the call alone (imports excluded).
# ---------------------------------------------------------------------------------------------


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads) and of its waited-for children
    (NFStream's meter processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_nfstream(capture: str, labels: str | None) -> dict:
    from nfstream import NFStreamer

    start, cpu = time.perf_counter(), cpu_seconds()
    df = NFStreamer(source=capture, statistical_analysis=True, idle_timeout=60, active_timeout=120).to_pandas()
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "records": len(df)}


def child_flowfeat_flow(capture: str, labels: str | None) -> dict:
    import flowfeat

    start, cpu = time.perf_counter(), cpu_seconds()
    df = flowfeat.Streamer(capture, output__columns="flow").to_pandas()
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "records": len(df), "columns": df.shape[1]}


def child_flowfeat_full(capture: str, labels: str | None) -> dict:
    import flowfeat

    start, cpu = time.perf_counter(), cpu_seconds()
    df = flowfeat.Streamer(capture, labels=labels).to_pandas()
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "records": len(df), "columns": df.shape[1]}


def child_iterate(capture: str, labels: str | None, every: int = 50_000) -> dict:
    """Record by record, as named tuples; RSS sampled every `every` records."""
    import flowfeat

    curve = [(0, rss_mib())]
    records = 0
    start = time.perf_counter()
    for _ in flowfeat.Streamer(capture, labels=labels):
        records += 1
        if records % every == 0:
            curve.append((records, rss_mib()))
    curve.append((records, rss_mib()))
    return {"seconds": time.perf_counter() - start, "records": records, "curve": curve}


def child_batches(capture: str, labels: str | None, every: int = 50_000) -> dict:
    """Arrow batches (64 Ki rows); RSS sampled at the first batch past every `every` records."""
    import flowfeat

    curve = [(0, rss_mib())]
    records = 0
    start = time.perf_counter()
    for batch in flowfeat.Streamer(capture, labels=labels).batches():
        before = records
        records += batch.num_rows
        if records // every > before // every:
            curve.append((records, rss_mib()))
    curve.append((records, rss_mib()))
    return {"seconds": time.perf_counter() - start, "records": records, "curve": curve}


CHILDREN = {
    "nfstream": child_nfstream,
    "flowfeat-flow": child_flowfeat_flow,
    "flowfeat-full": child_flowfeat_full,
    "iterate": child_iterate,
    "batches": child_batches,
}


# ---------------------------------------------------------------------------------------------
# Running a process: wall time, its peak RSS from /usr/bin/time (a forked child's own counter would
# start from this script's RSS), and the peak of its process tree summed, sampled every 50 ms
# (NFStream meters flows in a second process; time's figure is the larger of the two, not their sum).
# ---------------------------------------------------------------------------------------------


def tree_rss_mib(process: psutil.Process) -> float:
    total = 0
    for p in process.children(recursive=True):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / MIB


def run_process(command: list[str], cwd: str | None = None) -> dict:
    with tempfile.TemporaryFile("w+") as output, tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        popen = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", peak.name, *command], cwd=cwd,
                                 stdout=output, stderr=subprocess.STDOUT)
        tree_peak = [0.0]
        done = threading.Event()

        def sample():  # beside the wait, so that the wall time is not rounded to the period
            process = psutil.Process(popen.pid)
            while not done.wait(0.05):
                try:
                    tree_peak[0] = max(tree_peak[0], tree_rss_mib(process))
                except psutil.Error:
                    pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        popen.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        output.seek(0)
        text = output.read()
        kib, user, system = peak.read().split()[-3:]
        maxrss, cpu = int(kib) / 1024, float(user) + float(system)
    if popen.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {popen.returncode}:\n{text[-3000:]}")
    return {"wall": wall, "cpu": cpu, "maxrss_mib": maxrss, "tree_mib": max(tree_peak[0], maxrss), "output": text}


def run_child(kind: str, capture: str, labels: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", kind, capture]
    if labels:
        command += ["--labels", labels]
    # NFStream's to_pandas writes a temporary CSV into the working folder: give it a scratch one.
    with tempfile.TemporaryDirectory(prefix="pybench-") as scratch:
        result = run_process(command, cwd=scratch)
    reported = json.loads(result["output"].strip().splitlines()[-1])
    return {**result, **reported}


# ---------------------------------------------------------------------------------------------
# Items 1-5: one function per measurement, each returning seconds, records, packets, peak RSS.
# ---------------------------------------------------------------------------------------------


def measure_bare_read(capture: str, labels: str | None) -> dict:
    """libpcap alone: open, pcap_next_ex loop, close. The ceiling."""
    result = run_process([str(BARE_READ), capture])
    packets = int(re.search(r"packets=(\d+)", result["output"]).group(1))
    return {"seconds": result["wall"], "cpu": result["cpu"], "packets": packets, "records": None, "rss": result["tree_mib"]}


def measure_child(kind: str, capture: str, labels: str | None) -> dict:
    result = run_child(kind, capture, labels)
    return {"seconds": result["seconds"], "cpu": result["cpu"], "records": result["records"],
            "rss": result["tree_mib"], "rss_largest": result["maxrss_mib"]}


def measure_nfstream(capture: str, labels: str | None) -> dict:
    """NFStream 6.6 with the seed notebook's settings, to_pandas."""
    return measure_child("nfstream", capture, None)


def measure_flowfeat_flow(capture: str, labels: str | None) -> dict:
    """flowfeat, NFStream's flow columns only (DPI on), to_pandas."""
    return measure_child("flowfeat-flow", capture, None)


def measure_flowfeat_full(capture: str, labels: str | None) -> dict:
    """flowfeat with every column (fan window, labels, encodings, derived, standardized), to_pandas."""
    return measure_child("flowfeat-full", capture, labels)


def measure_daemon(capture: str, labels: str | None) -> dict:
    """flowfeatd writing CSV files (the same configuration as flowfeat-full), into a fresh folder."""
    with tempfile.TemporaryDirectory(prefix="pybench-daemon-") as out:
        command = [str(FLOWFEATD), "--read", capture, "--output", out, "--no-metrics", "--progress", "never"]
        if labels:
            command += ["--labels", labels]
        result = run_process(command)
    records = int(re.search(r"(\d+) flows in", result["output"]).group(1))
    return {"seconds": result["wall"], "cpu": result["cpu"], "records": records, "rss": result["tree_mib"]}


ITEMS = [
    ("bare libpcap read", measure_bare_read),
    ("NFStream to_pandas", measure_nfstream),
    ("flowfeat flow to_pandas", measure_flowfeat_flow),
    ("flowfeat full to_pandas", measure_flowfeat_full),
    ("flowfeatd CSV", measure_daemon),
]


def measure_items(capture: str, labels: str, rounds: int) -> dict[str, list[dict]]:
    """Every item once per round, the order rotated each round, so that a slow phase of a shared
    machine hits every item alike; per-round ratios then compare runs made side by side."""
    runs: dict[str, list[dict]] = {name: [] for name, _ in ITEMS}
    for r in range(rounds):
        order = ITEMS[r % len(ITEMS):] + ITEMS[:r % len(ITEMS)]
        for name, measure in order:
            try:
                result = measure(capture, labels)
            except Exception as error:  # noqa: BLE001 - report and go on with the others
                print(f"round {r + 1}: {name} FAILED: {str(error).strip().splitlines()[-1]}", flush=True)
                result = None
            runs[name].append(result)
            if result:
                print(f"round {r + 1}: {name:<24} {result['seconds']:8.3f} s  {result['rss']:7.1f} MiB", flush=True)
    return runs


# ---------------------------------------------------------------------------------------------
# Item 6: the seed notebook's pandas code (cells 6, 9-10, 13-19 of 1_2_data_preparation),
# transcribed faithfully. Fixed: OCR damage only (spaces for underscores in names, broken line
# continuations, "$<-" for "&"), and its tqdm bars are disabled (throttled, their cost is nil).
# The OCR lost three cells' code; they are rebuilt from what survives, marked "rebuilt" below.
# ---------------------------------------------------------------------------------------------

# The 22 columns of the notebook's flow_data dict (cell 3).
SEED_COLUMNS = [
    "src_ip", "dst_ip", "src_port", "dst_port", "protocol", "application_name",
    "bidirectional_packets", "bidirectional_bytes", "bidirectional_first_seen_ms", "bidirectional_last_seen_ms",
    "bidirectional_mean_ps", "bidirectional_stddev_ps", "src2dst_mean_ps", "src2dst_stddev_ps",
    "dst2src_mean_ps", "dst2src_stddev_ps", "bidirectional_mean_piat_ms", "bidirectional_stddev_piat_ms",
    "src2dst_mean_piat_ms", "src2dst_stddev_piat_ms", "dst2src_mean_piat_ms", "dst2src_stddev_piat_ms",
]


def seed_calculate_features(df, T, rows=None):  # cell 6
    """rows (added): run the loop over the first rows only, each still scanning all of df: the
    per-row cost at this size, without paying for every row."""
    from tqdm import tqdm

    T_ms = T * 1000
    df['fan_out_src'] = 0
    df['fan_in_dst'] = 0
    df['fan_in_src'] = 0
    df['fan_out_dst'] = 0
    loop = df if rows is None else df.head(rows)
    for i, row in tqdm(loop.iterrows(), total=loop.shape[0], desc="Calculating fan metrics", unit="flows", disable=True):
        mid_timestamp = row['bidirectional_first_seen_ms']
        time_window_start = mid_timestamp - (T_ms // 2)
        time_window_end = mid_timestamp + (T_ms // 2)
        window_df = df[(df['bidirectional_first_seen_ms'] >= time_window_start) &
                       (df['bidirectional_first_seen_ms'] <= time_window_end)].copy()
        df.at[i, 'fan_in_src'] = window_df[window_df['dst_ip'] == row['src_ip']]['src_ip'].nunique()
        df.at[i, 'fan_out_src'] = window_df[window_df['src_ip'] == row['src_ip']]['dst_ip'].nunique()
        df.at[i, 'fan_in_dst'] = window_df[window_df['dst_ip'] == row['dst_ip']]['src_ip'].nunique()
        df.at[i, 'fan_out_dst'] = window_df[window_df['src_ip'] == row['dst_ip']]['dst_ip'].nunique()
    return df


def seed_label(df, train_gt_df, rows=None):  # cells 9-10
    """rows (added): label the first rows only (the per-row cost at this size)."""
    from tqdm import tqdm

    df['src_port'] = df['src_port'].astype(int)
    df['dst_port'] = df['dst_port'].astype(int)

    # rebuilt: only match_label's last line survives ("return 1 if not matched.empty else 0"); the
    # lookup is the one cell 9 prepares the ports for, a row filter of the ground truth per flow.
    def match_label(row):
        matched = train_gt_df[(train_gt_df['srcip'] == row['src_ip']) & (train_gt_df['sport'] == row['src_port']) &
                              (train_gt_df['dstip'] == row['dst_ip']) & (train_gt_df['dsport'] == row['dst_port'])]
        return 1 if not matched.empty else 0

    tqdm.pandas(desc="Labeling rows", disable=True)
    if rows is not None:
        return df.head(rows).progress_apply(match_label, axis=1)
    df['label'] = df.progress_apply(match_label, axis=1)
    return df


def _ensure_columns(df, names):
    # added: a sample may lack a category the notebook's data had (get_dummies then makes no
    # column, and the feature cells would raise KeyError); the missing ones are all False.
    for name in names:
        if name not in df.columns:
            df[name] = False
    return df


def seed_encode(df):  # cells 13-17
    def get_first_octet(ip):
        return int(ip.split('.')[0])

    def get_ip_class(ip):
        first_octet = get_first_octet(ip)
        if 0 <= first_octet <= 127:
            return 'Class A'
        elif 128 <= first_octet <= 191:
            return 'Class B'
        elif 192 <= first_octet <= 223:
            return 'Class C'
        elif 224 <= first_octet <= 239:
            return 'Class D (multicast)'
        elif 240 <= first_octet <= 255:
            return 'Class E (reserved)'
        else:
            return 'Unknown'

    df['src_ip_class'] = df['src_ip'].apply(get_ip_class)
    df['dst_ip_class'] = df['dst_ip'].apply(get_ip_class)
    df = pd.get_dummies(df, columns=['src_ip_class', 'dst_ip_class'])
    df = _ensure_columns(df, ['src_ip_class_Class A', 'src_ip_class_Class C', 'dst_ip_class_Class A',
                              'dst_ip_class_Class C', 'dst_ip_class_Class D (multicast)'])

    # rebuilt: "Standardizing numerical features..." (only its output survives). The duration the
    # later cells use is not in the flow dict, so it is made here; the z-scores are StandardScaler's
    # (population standard deviation), written beside the raw values.
    df['bidirectional_duration_ms'] = df['bidirectional_last_seen_ms'] - df['bidirectional_first_seen_ms']
    numeric = [c for c in SEED_COLUMNS[6:] if c not in ('bidirectional_first_seen_ms', 'bidirectional_last_seen_ms')]
    numeric += ['bidirectional_duration_ms', 'fan_out_src', 'fan_in_dst', 'fan_in_src', 'fan_out_dst']
    values = df[numeric].astype(float)
    std = values.std(ddof=0).replace(0, 1)
    df[[c + '_z' for c in numeric]] = ((values - values.mean()) / std).to_numpy()

    # rebuilt: "Processing protocol information..." (only its output survives): the protocol_<n>
    # columns cell 19 reads.
    df = pd.get_dummies(df, columns=['protocol'])
    df = _ensure_columns(df, ['protocol_0', 'protocol_1', 'protocol_17', 'protocol_89', 'protocol_132'])

    def get_port_cat(port):
        if 0 <= port <= 1023:
            return 'WellKnown'
        elif 1024 <= port <= 49151:
            return 'Registered'
        elif 49152 <= port <= 65535:
            return 'Dynamic'
        else:
            return 'Unknown'

    df['src_port_class'] = df['src_port'].apply(get_port_cat)
    df['dst_port_class'] = df['dst_port'].apply(get_port_cat)
    df = pd.get_dummies(df, columns=['src_port_class', 'dst_port_class'])
    return _ensure_columns(df, ['dst_port_class_WellKnown'])


def create_connection_pattern_features(df):  # cell 19
    features = df.copy()
    features['fan_ratio_src'] = features['fan_out_src'] / (features['fan_in_src'] + 1e-6)
    features['fan_ratio_dst'] = features['fan_out_dst'] / (features['fan_in_dst'] + 1e-6)
    features['fan_total_src'] = features['fan_in_src'] + features['fan_out_src']
    features['fan_total_dst'] = features['fan_in_dst'] + features['fan_out_dst']
    features['connection_asymmetry'] = np.abs(features['fan_total_src'] - features['fan_total_dst'])
    features['connection_intensity'] = features['fan_total_src'] * features['fan_total_dst']
    features['ip_class_mismatch'] = (
        (features['src_ip_class_Class A'] & features['dst_ip_class_Class C']) |
        (features['src_ip_class_Class C'] & features['dst_ip_class_Class A'])
    ).astype(int)
    features['potential_broadcast_attack'] = (
        features['dst_ip_class_Class D (multicast)'] &
        (features['bidirectional_packets'] > features['bidirectional_packets'].quantile(0.95))
    ).astype(int)
    return features


def create_timing_features(df):
    features = df.copy()
    features['piat_ratio_src2dst'] = features['src2dst_mean_piat_ms'] / (features['dst2src_mean_piat_ms'] + 1e-6)
    features['piat_ratio_stddev'] = features['bidirectional_stddev_piat_ms'] / (features['bidirectional_mean_piat_ms'] + 1e-6)
    features['timing_regularity'] = 1 - (features['bidirectional_stddev_piat_ms'] / (features['bidirectional_mean_piat_ms'] + 1e-6))
    features['burst_factor'] = (features['bidirectional_packets'] /
                                (features['bidirectional_duration_ms'] + 1e-6))
    return features


def create_protocol_features(df):
    features = df.copy()
    features['suspicious_port_protocol'] = (
        (features['protocol_17'] & features['dst_port_class_WellKnown'] &
         (features['bidirectional_packets'] < features['bidirectional_packets'].quantile(0.1)))
    ).astype(int)
    features['protocol_anomaly'] = (
        (features['protocol_0'] | features['protocol_1'] | features['protocol_89'] | features['protocol_132'])
    ).astype(int)
    return features


def create_packet_features(df):
    features = df.copy()
    features['ps_ratio_src2dst'] = features['src2dst_mean_ps'] / (features['dst2src_mean_ps'] + 1e-6)
    features['ps_variation_ratio'] = features['bidirectional_stddev_ps'] / (features['bidirectional_mean_ps'] + 1e-6)
    features['flow_efficiency'] = features['bidirectional_bytes'] / (features['bidirectional_packets'] + 1e-6)
    features['flow_regularity'] = 1 - (features['bidirectional_stddev_ps'] / (features['bidirectional_mean_ps'] + 1e-6))
    return features


def create_behavioral_features(df):
    features = df.copy()
    features['potential_scan'] = (
        (features['fan_out_dst'] > features['fan_out_dst'].quantile(0.95)) &
        (features['bidirectional_packets'] < features['bidirectional_packets'].quantile(0.05)) &
        (features['bidirectional_duration_ms'] < features['bidirectional_duration_ms'].quantile(0.05))
    ).astype(int)
    features['potential_ddos'] = (
        (features['fan_in_dst'] > features['fan_in_dst'].quantile(0.95)) &
        (features['bidirectional_packets'] > features['bidirectional_packets'].quantile(0.95)) &
        (features['bidirectional_mean_piat_ms'] < features['bidirectional_mean_piat_ms'].quantile(0.05))
    ).astype(int)
    features['potential_exfiltration'] = (
        (features['bidirectional_bytes'] > features['bidirectional_bytes'].quantile(0.95)) &
        (features['dst2src_mean_ps'] < features['src2dst_mean_ps'] * 0.1)
    ).astype(int)
    return features


def create_final_features(df):
    final_features = pd.concat([
        create_connection_pattern_features(df),
        create_timing_features(df),
        create_protocol_features(df),
        create_packet_features(df),
        create_behavioral_features(df),
    ], axis=1)
    final_features = final_features.loc[:, ~final_features.columns.duplicated()]
    return final_features


def seed_pipeline(flows_df, train_gt_df) -> dict[str, float]:
    """The notebook from its flows DataFrame to its final features; seconds per stage."""
    seconds = {}
    start = time.perf_counter()
    df = seed_calculate_features(flows_df, 10)
    seconds["fan"] = time.perf_counter() - start
    start = time.perf_counter()
    df = seed_label(df, train_gt_df)
    seconds["labels"] = time.perf_counter() - start
    start = time.perf_counter()
    create_final_features(seed_encode(df))
    seconds["encodings+derived"] = time.perf_counter() - start
    seconds["total"] = sum(seconds.values())
    return seconds


def seed_frame(records: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first n of flowfeat's IPv4 records in start order (get_ip_class reads a dotted quad) as
    the notebook's flows DataFrame: a shorter or longer capture of the same traffic, at the same
    flow density. Beyond the records at hand they are repeated, each copy shifted past the last.
    With it its ground truth: every 10th flow, as the capture's truth file has."""
    ipv4 = records[records["ip_version"] == 4].sort_values("bidirectional_first_seen_ms", kind="stable")
    ipv4 = ipv4[SEED_COLUMNS].reset_index(drop=True)
    ipv4["application_name"] = ipv4["application_name"].astype(str)
    span = int(ipv4["bidirectional_first_seen_ms"].max() - ipv4["bidirectional_first_seen_ms"].min()) + 60_000
    copies = []
    for k in range(math.ceil(n / len(ipv4))):
        copy = ipv4.copy()
        copy[["bidirectional_first_seen_ms", "bidirectional_last_seen_ms"]] += k * span
        copies.append(copy)
    flows_df = pd.concat(copies, ignore_index=True).head(n)
    return flows_df, truth_table(flows_df)


def truth_table(records: pd.DataFrame) -> pd.DataFrame:
    """Every 10th record as an attack, in UNSW-NB15's ground-truth columns."""
    rows = records.iloc[::10]
    return pd.DataFrame({
        "srcip": rows["src_ip"].astype(str).to_numpy(), "sport": rows["src_port"].astype(int).to_numpy(),
        "dstip": rows["dst_ip"].astype(str).to_numpy(), "dsport": rows["dst_port"].astype(int).to_numpy(),
        "proto": rows["protocol"].astype(int).to_numpy(), "attack_cat": "Generic", "Label": 1,
    })


def measure_seed_growth(records: pd.DataFrame, largest: int, rounds: int) -> dict[int, dict[str, float]]:
    """The whole notebook code on 1/8, 1/4, 1/2 and all of `largest` rows, rounds interleaved over
    the sizes; the median seconds per stage and size."""
    sizes = [max(1, largest // 8), max(1, largest // 4), max(1, largest // 2), largest]
    inputs = {n: seed_frame(records, n) for n in sizes}
    runs: dict[int, list[dict]] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes:
            flows_df, truth = inputs[n]
            runs[n].append(seed_pipeline(flows_df.copy(), truth))
            print(f"round {r + 1}: seed code on {n:>7} rows {runs[n][-1]['total']:8.2f} s", flush=True)
    return {n: {stage: statistics.median(run[stage] for run in runs[n]) for stage in runs[n][0]} for n in sizes}


def measure_seed_per_row(records: pd.DataFrame, sizes: list[int], rounds: int, rows: int = 300) -> dict[int, dict[str, float]]:
    """Seconds per row of the fan loop and of the labelling at larger sizes, from their first
    `rows` rows: each row scans the whole frame (fan) and the whole ground truth (labels), so the
    per-row cost grows with n and the total with n^2. Small samples cannot show that term.
    The encodings and derived features are timed whole."""
    runs: dict[int, list[dict]] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes:
            flows_df, truth = seed_frame(records, n)
            start = time.perf_counter()
            df = seed_calculate_features(flows_df, 10, rows=rows)
            fan = (time.perf_counter() - start) / rows
            start = time.perf_counter()
            seed_label(df, truth, rows=rows)
            labels = (time.perf_counter() - start) / rows
            # The vectorized rest is cheap enough to run whole, on every row.
            df["label"] = 0
            start = time.perf_counter()
            create_final_features(seed_encode(df))
            rest = time.perf_counter() - start
            runs[n].append({"fan": fan, "labels": labels, "encodings+derived": rest})
            print(f"round {r + 1}: seed code per row at {n:>7} rows: fan {fan * 1e3:.2f} ms, labels {labels * 1e3:.2f} ms,"
                  f" encodings+derived (all rows) {rest:.2f} s", flush=True)
    return {n: {stage: statistics.median(run[stage] for run in runs[n]) for stage in runs[n][0]} for n in sizes}


def fit_growth(sizes: list[int], seconds: list[float]) -> tuple[float, float, float]:
    """The exponent of a power law through the points (log-log least squares), and a, b of
    t = a*n + b*n^2 (least squares, b >= 0): a per-row cost plus a full scan per row."""
    exponent = float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])
    n = np.array(sizes, float)
    t = np.array(seconds, float)
    (a, b), *_ = np.linalg.lstsq(np.column_stack([n, n * n]), t, rcond=None)
    if b < 0:
        a, b = float(np.dot(n, t) / np.dot(n, n)), 0.0
    return exponent, float(a), float(b)


# ---------------------------------------------------------------------------------------------
# Item 7: iterating a large generated capture, RSS sampled every 50k records.
# ---------------------------------------------------------------------------------------------


def generate_capture(folder: str, flows: int) -> tuple[str, str, float]:
    """flowfeat-gen with about 1 000 conversations a second (at least 60 s), like a busy link."""
    capture, truth = os.path.join(folder, "generated.pcap"), os.path.join(folder, "generated-truth.csv")
    duration = max(60, flows // 1000)
    start = time.perf_counter()
    subprocess.run([str(FLOWFEAT_GEN), "--out", capture, "--truth", truth, "--flows", str(flows),
                    "--duration", str(duration)], check=True, stdout=subprocess.DEVNULL)
    return capture, truth, time.perf_counter() - start


def measure_iteration(capture: str, truth: str) -> dict[str, dict]:
    return {kind: run_child(kind, capture, truth) for kind in ("iterate", "batches")}


def flatness(curve: list[tuple[int, float]]) -> str:
    """Least-squares RSS slope per 100k records over the samples taken while records flowed, past
    the first 10 % (warm-up); the last sample, after the run ended, is left out."""
    total = curve[-1][0]
    settled = [(n, r) for n, r in curve[1:-1] if n >= total * 0.1] or curve
    n, r = np.array(settled, float).T
    slope = float(np.polyfit(n, r, 1)[0]) * 100_000 if len(settled) > 1 else 0.0
    return (f"past {settled[0][0]} records: {r.min():.0f}-{r.max():.0f} MiB, slope {slope:+.1f} MiB per 100k records;"
            f" {curve[-1][1]:.0f} MiB after the run")


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def median_of(runs: list[dict | None], key: str) -> float | None:
    values = [run[key] for run in runs if run and run.get(key) is not None]
    return statistics.median(values) if values else None


def paired_ratios(runs: dict[str, list[dict | None]], a: str, b: str, key: str = "seconds") -> list[float]:
    """Per round, seconds of a / seconds of b (b's packets/s over a's, the same thing)."""
    return [x[key] / y[key] for x, y in zip(runs[a], runs[b]) if x and y]


def print_table(runs: dict[str, list[dict | None]], packets: int) -> None:
    print()
    print(f"{'item':<26}{'wall s':>9}{'(min-max)':>16}{'CPU s':>8}{'packets/s':>12}{'records/s':>11}{'records':>9}{'peak RSS MiB':>14}")
    for name, _ in ITEMS:
        ok = [run for run in runs[name] if run]
        if not ok:
            print(f"{name:<26}  failed in every round")
            continue
        seconds = median_of(ok, "seconds")
        records = median_of(ok, "records")
        spread = f"({min(r['seconds'] for r in ok):.2f}-{max(r['seconds'] for r in ok):.2f})"
        rate = f"{records / seconds:11.0f}" if records else f"{'-':>11}"
        count = f"{records:.0f}" if records else "-"
        print(f"{name:<26}{seconds:9.3f}{spread:>16}{median_of(ok, 'cpu'):8.2f}{packets / seconds:12.0f}{rate}{count:>9}"
              f"{max(r['rss'] for r in ok):14.1f}")
    largest = median_of(runs["NFStream to_pandas"], "rss_largest")
    if largest:
        print(f"(NFStream: peak RSS is its process tree summed, sampled every 50 ms; largest single process {largest:.1f} MiB)")


def print_ratios(runs: dict[str, list[dict | None]]) -> None:
    def line(label, a, b, verdict=None, key="seconds"):
        per_round = paired_ratios(runs, a, b, key)
        if not per_round:
            print(f"{label:<48} n/a")
            return
        value = statistics.median(per_round)
        rounds = " ".join(f"{x:.2f}" for x in per_round)
        print(f"{label:<48}{value:8.2f}x  (per round: {rounds}){'  ' + verdict(value) if verdict else ''}")

    print()
    line("NFStream / flowfeat full (speed-up)", "NFStream to_pandas", "flowfeat full to_pandas",
         lambda v: "meets the goal of >= 10x" if v >= 10 else "MISSES the goal of >= 10x")
    line("  the same in CPU seconds", "NFStream to_pandas", "flowfeat full to_pandas", key="cpu")
    line("NFStream / flowfeat flow (speed-up)", "NFStream to_pandas", "flowfeat flow to_pandas")
    line("flowfeat full to_pandas / flowfeatd CSV", "flowfeat full to_pandas", "flowfeatd CSV",
         lambda v: "within the 25 % goal" if v <= 1.25 else "OVER the 25 % goal")
    line("  the same in CPU seconds", "flowfeat full to_pandas", "flowfeatd CSV", key="cpu")
    for name, _ in ITEMS[1:]:
        line(f"{name} / bare read (times slower)", name, "bare libpcap read")
    nfstream, flowfeat = median_of(runs["NFStream to_pandas"], "records"), median_of(runs["flowfeat full to_pandas"], "records")
    if nfstream and flowfeat:
        print(f"records: NFStream {nfstream:.0f}, flowfeat {flowfeat:.0f} ({(nfstream - flowfeat) / flowfeat:+.2%});"
              " docs/FIDELITY.md lists the captures where flowfeat deliberately differs")


def print_seed(growth: dict[int, dict[str, float]], per_row: dict[int, dict[str, float]], full_records: int) -> None:
    sizes = sorted(growth)
    stages = list(growth[sizes[0]])
    print()
    print("seed notebook code, median seconds per sample size (whole code on the first n IPv4 records)")
    print(f"{'rows':>8}" + "".join(f"{stage:>20}" for stage in stages))
    for n in sizes:
        print(f"{n:>8}" + "".join(f"{growth[n][stage]:20.3f}" for stage in stages))
    print("fitted exponent (t ~ n^k over these sizes): " +
          ", ".join(f"{stage} {fit_growth(sizes, [growth[n][stage] for n in sizes])[0]:.2f}" for stage in stages))

    print("per-row cost at larger n (ms per row over the first 300 rows; the records repeated beyond the capture's),")
    print("and the encodings + derived features on all rows (s)")
    print(f"{'rows':>8}{'fan ms/row':>12}{'labels ms/row':>15}{'rest s':>10}")
    for n in sorted(per_row):
        print(f"{n:>8}{per_row[n]['fan'] * 1e3:12.2f}{per_row[n]['labels'] * 1e3:15.2f}{per_row[n]['encodings+derived']:10.2f}")
    # Per-row cost c0 + c1*n, so t(n) = c0*n + c1*n^2; the rest fitted to a*n + b*n^2 directly.
    model = {}
    for stage in ("fan", "labels"):
        n = np.array(sorted(per_row), float)
        c1, c0 = np.polyfit(n, [per_row[int(x)][stage] for x in n], 1)
        model[stage] = (float(c0), max(0.0, float(c1)))
    probes = sorted(per_row)
    _, a_rest, b_rest = fit_growth(probes, [per_row[n]["encodings+derived"] for n in probes])
    model["encodings+derived"] = (a_rest, b_rest)

    def at(stage, n):
        c0, c1 = model[stage]
        return c0 * n + c1 * n * n

    print(f"{'stage':<20}{'c0 (s/row)':>12}{'c1 (s/row^2)':>14}{'model at ' + str(sizes[-1]):>18}"
          f"{'at ' + str(full_records):>14}{'at 1M rows':>14}")
    for stage in model:
        print(f"{stage:<20}{model[stage][0]:12.2e}{model[stage][1]:14.2e}{at(stage, sizes[-1]):15.2f} s"
              f"{hours(at(stage, full_records)):>14}{hours(at(stage, 1_000_000)):>14}")
    total = lambda n: sum(at(stage, n) for stage in model)  # noqa: E731
    print(f"{'total':<20}{'':26}{total(sizes[-1]):15.2f} s{hours(total(full_records)):>14}{hours(total(1_000_000)):>14}"
          f"   (measured at {sizes[-1]}: {growth[sizes[-1]]['total']:.2f} s)")
    print("(the notebook itself logged 54:58 for the fan metrics and 7:37 for the labels on 1 029 447 flows)")


def hours(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 600 else f"{seconds / 3600:.2f} h"


def print_iteration(result: dict[str, dict], generated: int, gen_seconds: float, capture: str) -> None:
    print()
    size = os.path.getsize(capture) / 1e9
    print(f"generated capture: {generated} records, {size:.1f} GB, made in {gen_seconds:.1f} s")
    for kind, run in result.items():
        print(f"{kind}: {run['records']} records in {run['seconds']:.1f} s ({run['records'] / run['seconds']:.0f} records/s),"
              f" peak RSS {run['maxrss_mib']:.1f} MiB")
        print("  RSS curve (records: MiB): " + ", ".join(f"{n // 1000}k: {r:.0f}" for n, r in run["curve"]))
        print("  " + flatness(run["curve"]))


def main() -> None:
    global BARE_READ, FLOWFEATD, FLOWFEAT_GEN
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--sample", type=int, default=8000, help="largest sample for the seed code (default 8000)")
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds per timed item (default 3)")
    parser.add_argument("--generated-flows", type=int, default=1_000_000,
                        help="conversations of the generated capture for the memory curve (0: skip)")
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    parser.add_argument("--labels", help=argparse.SUPPRESS)
    args = parser.parse_args()
    capture = os.path.abspath(args.capture)

    if args.child:
        print(json.dumps(CHILDREN[args.child](capture, args.labels)), flush=True)
        return

    import flowfeat

    for tool in (BARE_READ, FLOWFEATD, FLOWFEAT_GEN):
        if not os.access(tool, os.X_OK):
            sys.exit(f"not built: {tool} (set FLOWFEAT_BUILD_DIR)")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} cores  capture {capture}"
          f" ({os.path.getsize(capture) / MIB:.0f} MiB)  flowfeat {getattr(flowfeat, '__version__', '?')}")
    with tempfile.TemporaryDirectory(prefix="pybench-", dir=os.path.dirname(capture)) as work:
        # Copies of the binaries (module globals, read by the measurements), so that a rebuild during
        # the run does not change them between rounds.
        BARE_READ, FLOWFEATD, FLOWFEAT_GEN = (Path(shutil.copy2(tool, work)) for tool in (BARE_READ, FLOWFEATD, FLOWFEAT_GEN))
        # Untimed first pass: warms the page cache, gives the records the seed code samples, and a
        # ground truth (every 10th flow) so that the full runs carry every column, labels included.
        records = flowfeat.Streamer(capture).to_pandas()
        labels = os.path.join(work, "truth.csv")
        truth_table(records).to_csv(labels, index=False)
        packets = measure_bare_read(capture, None)["packets"]
        print(f"{packets} packets, {len(records)} flowfeat records; ground truth: {len(records[::10])} rows", flush=True)

        runs = measure_items(capture, labels, args.rounds)
        growth = measure_seed_growth(records, args.sample, args.rounds)
        per_row = measure_seed_per_row(records, sorted({args.sample, len(records), 250_000, 1_000_000}), args.rounds)

        iteration = None
        if args.generated_flows > 0:
            generated, truth, gen_seconds = generate_capture(work, args.generated_flows)
            print(f"generated {os.path.getsize(generated) / 1e9:.1f} GB in {gen_seconds:.1f} s", flush=True)
            iteration = measure_iteration(generated, truth)

        print_table(runs, packets)
        print_ratios(runs)
        print_seed(growth, per_row, len(records))
        if iteration:
            print_iteration(iteration, iteration["batches"]["records"], gen_seconds, generated)


if __name__ == "__main__":
    main()
