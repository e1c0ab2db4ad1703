"""The ground-truth presets end to end: the generator's truth rewritten in each public data set's
published layout labels the generator's capture exactly as the plain truth does."""

from __future__ import annotations

import csv
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

import flowfeat

START = 1_700_000_000  # flowfeat-gen's default start, 2023-11-14 22:13:20 UTC
SPAN = 3600            # wider than the generated minute


@pytest.fixture(scope="module")
def truth_rows(generated):
    _, truth = generated
    with open(truth, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def expected(generated):
    capture, truth = generated
    df = flowfeat.Streamer(capture, labels=truth, output__columns="flow").to_pandas()
    assert df["label"].sum() > 100
    return df[["label", "attack_cat"]].astype(str).reset_index(drop=True)


def _labels(capture, path, **keywords):
    streamer = flowfeat.Streamer(capture, labels=path, output__columns="flow", **keywords)
    df = streamer.to_pandas()
    return df[["label", "attack_cat"]].astype(str).reset_index(drop=True), streamer.summary


def _protocol_number(name: str) -> str:
    return {"tcp": "6", "udp": "17", "icmp": "1"}[name]


def test_unsw_nb15_csv_without_header(generated, truth_rows, expected, tmp_path):
    capture, _ = generated
    path = tmp_path / "UNSW-NB15_1.csv"
    with open(path, "w", newline="") as f:
        for i, r in enumerate(truth_rows):
            icmp = r["proto"] == "icmp"
            sport = "0" if icmp else (hex(int(r["sport"])) if i % 3 == 0 else r["sport"])  # hex, as some rows are
            dsport = "-" if icmp else r["dsport"]  # '-' where the data set has no port
            row = [r["srcip"], sport, r["dstip"], dsport, r["proto"], "CON", "0.5"] + ["0"] * 21
            row += [str(START), str(START + SPAN)] + ["0"] * 7 + ["", "0", "", "3"] + ["1"] * 6
            row += [f" {r['attack_cat']} " if r["attack_cat"] else "", r["Label"]]
            assert len(row) == 49
            f.write(",".join(row) + "\r\n")
    actual, summary = _labels(capture, path, labels__format="unsw-nb15")
    assert actual.equals(expected)
    assert summary["labels_unmatched"] == 0


def test_unsw_nb15_ground_truth_table(generated, truth_rows, expected, tmp_path):
    capture, _ = generated
    path = tmp_path / "NUSW-NB15_GT.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Start time", "Last time", "Attack category", "Attack subcategory", "Protocol", "Source IP",
                    "Source Port", "Destination IP", "Destination Port", "Attack Name", "Attack Reference", "."])
        for r in truth_rows:
            if r["Label"] == "1":
                w.writerow([START, START + SPAN, r["attack_cat"], "sub", r["proto"], r["srcip"], r["sport"],
                            r["dstip"], r["dsport"], "name, with a comma", "-", ""])
    actual, summary = _labels(capture, path, labels__format="unsw-nb15")
    assert actual.equals(expected)
    assert summary["labels_one_row"] + summary["labels_several_rows"] == int((expected["label"] == "1").sum())


def _cic_rows(truth_rows, timestamp):
    for r in truth_rows:
        label = "BENIGN" if r["Label"] == "0" else r["attack_cat"]
        yield r, _protocol_number(r["proto"]), timestamp, str(SPAN * 1_000_000), label


TUESDAY = 1_499_187_600  # 2017-07-04 17:00 UTC: 14:00 on the Tuesday of CIC-IDS2017's week, in its lab (UTC-3)
CIC2017_HEADER = ("Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, "
                  "Flow Duration, Total Fwd Packets, Label\r\n")


@pytest.fixture(scope="module")
def cic_week(build_dir, tmp_path_factory):
    """A generated capture on a day CIC-IDS2017 was captured, its ground truth's rows, and the labels
    that truth gives it."""
    folder = tmp_path_factory.mktemp("cic-week")
    capture, truth = folder / "Tuesday-WorkingHours.pcap", folder / "truth.csv"
    subprocess.run([build_dir / "tools" / "flowfeat-gen", "--out", capture, "--truth", truth, "--seed", "7",
                    "--flows", "2000", "--start", str(TUESDAY)], check=True, capture_output=True)
    with open(truth, newline="") as f:
        rows = list(csv.DictReader(f))
    df = flowfeat.Streamer(capture, labels=truth, output__columns="flow").to_pandas()
    assert df["label"].sum() > 100
    return capture, rows, df[["label", "attack_cat"]].astype(str).reset_index(drop=True)


def _write_cic2017(path, truth_rows, timestamp):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        f.write(CIC2017_HEADER)
        for r, proto, ts, duration, label in _cic_rows(truth_rows, timestamp):
            flow_id = f"{r['srcip']}-{r['dstip']}-{r['sport']}-{r['dsport']}-{proto}"
            f.write(f"{flow_id},{r['srcip']},{r['sport']},{r['dstip']},{r['dsport']},{proto},{ts},{duration},3,{label}\r\n")


def test_cic_ids2017(cic_week, tmp_path):
    capture, truth_rows, expected = cic_week
    # The lab's local time, UTC-3, day first, to the minute, afternoon hours without PM: 14:00 is 2:00.
    local = datetime.fromtimestamp(TUESDAY, timezone(timedelta(hours=-3)))
    assert (local.day, local.month, local.hour) == (4, 7, 14)
    path = tmp_path / "Tuesday-WorkingHours.pcap_ISCX.csv"
    _write_cic2017(path, truth_rows, f"{local.day}/{local.month}/{local.year} {local.hour - 12}:{local.minute:02d}")
    actual, summary = _labels(capture, path, labels__format="cic-ids")
    assert actual.equals(expected)
    assert summary["labels_unmatched"] == 0
    assert summary["labels_mismatch"] is None
    # The same file read as UTC instead of the lab's time: three hours off, nothing matches, and the
    # summary says that every flow's 5-tuple is in the file, when, and what to set.
    shifted, summary = _labels(capture, path, labels__format="cic-ids", labels__time_zone="UTC")
    assert (shifted["label"] == "0").all()
    assert summary["labels_one_row"] + summary["labels_several_rows"] == 0
    assert summary["labels_unmatched_by_time"] == len(expected)
    assert summary["labels_file_span"][0] == "2017-07-04T14:00:00.000Z"
    assert summary["labels_flow_span"][0].startswith("2017-07-04T17:00:")
    assert "likely fix: labels.time_zone: the file's rows begin 3 h earlier" in summary["labels_mismatch"]


def test_cic_ids2017_with_day_and_month_swapped(cic_week, tmp_path, caplog):
    capture, truth_rows, expected = cic_week
    # Written month first, as a tool with US dates would write Tuesday 4 July: the preset reads 7 April.
    path = tmp_path / "Tuesday-WorkingHours.pcap_ISCX.csv"
    _write_cic2017(path, truth_rows, "7/4/2017 2:00")
    actual, summary = _labels(capture, path, labels__format="cic-ids")
    assert (actual["label"] == "0").all()
    assert summary["labels_unmatched_by_time"] == len(expected)
    assert summary["labels_file_span"][0] == "2017-04-07T17:00:00.000Z"
    assert "likely fix: the date order: read with day and month swapped" in summary["labels_mismatch"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    outside = [m for m in warnings if "rows are dated outside the days CIC-IDS2017 was captured on" in m]
    assert outside, warnings  # once per loading of the file: the Streamer's schema, then its run
    assert f"{path}:2 ('7/4/2017 2:00', read as 2017-04-07)" in outside[0]
    assert any("matched a row of the ground truth by 5-tuple and time" in m for m in warnings), warnings


def test_cse_cic_ids2018(generated, truth_rows, expected, tmp_path):
    capture, _ = generated
    timestamp = datetime.fromtimestamp(START - 60, timezone.utc).strftime("%d/%m/%Y %H:%M:%S")
    path = tmp_path / "Thuesday-20-02-2018_TrafficForML_CICFlowMeter.csv"
    with open(path, "w", newline="") as f:
        f.write("Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Label\n")
        for r, proto, ts, duration, label in _cic_rows(truth_rows, timestamp):
            label = "Benign" if label == "BENIGN" else label
            f.write(f"x,{r['srcip']},{r['sport']},{r['dstip']},{r['dsport']},{proto},{ts},{duration},3,{label}\n")
    actual, _ = _labels(capture, path, labels__format="cic-ids")
    assert actual.equals(expected)
