"""Flow-by-flow comparison of flow tables, with the matching rules of the C++ fidelity test.

tests/support/reference_flows.hpp is the model: flows are paired by (src_ip, src_port, dst_ip,
dst_port, protocol, vlan_id, tunnel_id, bidirectional_first_seen_ms), then the counters compare as
integers and the twelve ps/piat statistics bit for bit. application_* columns are left out: they
depend on the nDPI version. The emission order of the flows is not compared.
"""

import numpy as np
import pandas as pd

KEY_COLUMNS = [
    "src_ip", "src_port", "dst_ip", "dst_port", "protocol", "vlan_id", "tunnel_id",
    "bidirectional_first_seen_ms",
]
INTEGER_COLUMNS = [
    "expiration_id", "ip_version", "bidirectional_last_seen_ms", "bidirectional_duration_ms",
    "bidirectional_packets", "bidirectional_bytes", "src2dst_packets", "src2dst_bytes",
    "dst2src_packets", "dst2src_bytes",
]
FLOAT_COLUMNS = [
    f"{direction}_{stat}_{feature}"
    for feature in ("ps", "piat_ms")
    for direction in ("bidirectional", "src2dst", "dst2src")
    for stat in ("mean", "stddev")
]
COMPARED_COLUMNS = KEY_COLUMNS + INTEGER_COLUMNS + FLOAT_COLUMNS
_TEXT_COLUMNS = ("src_ip", "dst_ip")


def load_reference(path):
    """The reference CSV of one capture (pandas parses shortest round-trip floats exactly)."""
    return pd.read_csv(path, dtype={name: str for name in _TEXT_COLUMNS}, keep_default_na=False)


def normalise(frame):
    """Only the compared columns, with one dtype per column whatever produced the frame.

    None (what NFStream's to_pandas() returns for a capture without flows) is an empty table.
    """
    if frame is None:
        frame = pd.DataFrame(columns=COMPARED_COLUMNS)
    missing = [name for name in COMPARED_COLUMNS if name not in frame.columns]
    if missing:
        raise KeyError(f"columns missing from the flow table: {missing}")
    out = pd.DataFrame(index=range(len(frame)))
    for name in COMPARED_COLUMNS:
        values = frame[name].reset_index(drop=True)
        if name in _TEXT_COLUMNS:
            out[name] = values.astype(object).astype(str)  # categoricals and str dtypes alike
        elif name in FLOAT_COLUMNS:
            out[name] = values.astype(np.float64)
        else:
            out[name] = values.astype(np.int64)
    return out


def _key_text(row):
    return "|".join(str(row[name]) for name in KEY_COLUMNS)


def _paired(frame):
    # Flows with the same key are paired in a fixed order of their other columns, so that two
    # producers emitting the same flows in different orders still pair identical rows.
    ordered = frame.sort_values(COMPARED_COLUMNS, kind="stable").reset_index(drop=True)
    ordered["_nth"] = ordered.groupby(KEY_COLUMNS, sort=False).cumcount()
    return ordered


def _same_bits(a, b):
    return np.ascontiguousarray(a, np.float64).view(np.uint64) == np.ascontiguousarray(b, np.float64).view(np.uint64)


def _value_text(value):
    # repr of a Python float is its shortest round-trip text, as in the CSV files.
    return repr(float(value)) if isinstance(value, (float, np.floating)) else str(int(value))


def compare(expected, actual, expected_name="reference", actual_name="flowfeat"):
    """Human-readable differences between two normalised flow tables, empty when they agree."""
    left, right = _paired(expected), _paired(actual)
    on = KEY_COLUMNS + ["_nth"]
    differences = []
    for here, there, side in ((left, right, "missing from"), (right, left, "extra in")):
        unmatched = here.merge(there[on], on=on, how="left", indicator=True)
        for _, row in unmatched[unmatched["_merge"] == "left_only"].iterrows():
            differences.append(
                f"flow {_key_text(row)} {side} {actual_name} ({row['bidirectional_packets']} packets)"
            )
    both = left.merge(right, on=on, how="inner", suffixes=("_a", "_b"))
    for name in INTEGER_COLUMNS + FLOAT_COLUMNS:
        a, b = both[f"{name}_a"].to_numpy(), both[f"{name}_b"].to_numpy()
        same = _same_bits(a, b) if name in FLOAT_COLUMNS else a == b
        for i in np.flatnonzero(~same):
            row = both.iloc[i]
            differences.append(
                f"{_key_text(row)}: {name} {expected_name} {_value_text(a[i])} {actual_name} {_value_text(b[i])}"
            )
    return differences


def summary(differences, limit=8):
    """The first differences, one per line, and how many more there are."""
    lines = [f"    {text}" for text in differences[:limit]]
    if len(differences) > limit:
        lines.append(f"    ... {len(differences) - limit} more")
    return "\n".join(lines)


def nature(differences):
    """What kind of difference it is, e.g. "2 flows missing, src2dst_mean_ps differs on 1 flow"."""
    counts = {}
    for text in differences:
        if text.startswith("flow "):
            kind = "flows missing" if " missing from " in text else "flows extra"
        else:
            kind = text.split(": ", 1)[1].split(" ", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{counts.pop(kind)} {kind}" for kind in ("flows missing", "flows extra") if kind in counts]
    parts += [f"{column} differs on {n} flow{'s' if n > 1 else ''}" for column, n in sorted(counts.items())]
    return ", ".join(parts)
