"""flowfeat against NFStream 6.6, capture by capture, on the shared real captures.

Each capture of the sample is read by NFStream 6.6 (statistical_analysis=True, idle_timeout=60,
active_timeout=120, n_meters=1, the settings of the reference) and by
flowfeat.Streamer(path, reference_quirks=True). The flow sets and every statistical column must
agree, with the matching rules of the C++ fidelity test (flow_compare.py); application_* columns are
not compared, because the nDPI versions differ.

The reference CSVs were made by NFStream 6.5.4. Where flowfeat and NFStream 6.6 disagree, the
capture is judged at run time: if flowfeat agrees with the 6.5.4 reference (with reference quirks on
the C++ test allows no difference at all) and NFStream 6.6 does not, it is a version difference,
reported as a VersionDifference warning with its nature, not a failure. Anything else fails.
If NFStream 6.6 raises on a capture, flowfeat must agree with the reference instead.
Captures for which the reference has a .err file (NFStream 6.5.4 refused them) are only read by
flowfeat, in a child process: it must return or raise a Python exception, never crash.

Every capture with a reference is compared (about two minutes on two cores: NFStream's start-up
per capture is most of it).

Environment: FLOWFEAT_PCAP_DIR (the captures) and FLOWFEAT_REFERENCE_DIR (reference/nfstream);
without them the module is skipped, or fails with FLOWFEAT_REQUIRE_SHARED=1. Without nfstream it is
skipped, or fails with FLOWFEAT_REQUIRE_NFSTREAM=1.
"""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import flow_compare as fc

NFSTREAM_SETTINGS = dict(statistical_analysis=True, idle_timeout=60, active_timeout=120, n_meters=1)


def _shared_dirs():
    dirs = [os.environ.get(name, "") for name in ("FLOWFEAT_PCAP_DIR", "FLOWFEAT_REFERENCE_DIR")]
    if all(d and Path(d).is_dir() for d in dirs):
        return [Path(d) for d in dirs]
    reason = "FLOWFEAT_PCAP_DIR / FLOWFEAT_REFERENCE_DIR not set or not folders: NFStream comparison skipped"
    if os.environ.get("FLOWFEAT_REQUIRE_SHARED") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


PCAP_DIR, REFERENCE_DIR = _shared_dirs()

try:
    from nfstream import NFStreamer
except ImportError as error:
    if os.environ.get("FLOWFEAT_REQUIRE_NFSTREAM") == "1":
        raise
    pytest.skip(f"nfstream is not importable ({error}): NFStream comparison skipped", allow_module_level=True)

import flowfeat  # noqa: E402  (only once the module is known to run)


class VersionDifference(UserWarning):
    """NFStream 6.6 differs from the 6.5.4 reference where flowfeat agrees with the reference."""


def _captures():
    """Relative paths of the captures that have a reference result (.csv or .err), sorted."""
    found = set()
    for suffix in (".csv", ".err"):
        for result in REFERENCE_DIR.rglob("*" + suffix):
            relative = result.relative_to(REFERENCE_DIR).as_posix()[: -len(suffix)]
            if (PCAP_DIR / relative).is_file():
                found.add(relative)
    return sorted(found)


CAPTURES = _captures()


def _run_nfstream(pcap):
    return fc.normalise(NFStreamer(source=str(pcap), **NFSTREAM_SETTINGS).to_pandas())


def _run_flowfeat(pcap):
    return fc.normalise(flowfeat.Streamer(str(pcap), reference_quirks=True).to_pandas())


def _read_in_child(pcap):
    # A child process, so that a crash is reported for this capture instead of ending the run.
    code = "import sys, flowfeat; flowfeat.Streamer(sys.argv[1], reference_quirks=True).to_pandas()"
    return subprocess.run([sys.executable, "-c", code, str(pcap)], capture_output=True, text=True)


def test_captures_are_there():
    assert len(CAPTURES) > 500, f"only {len(CAPTURES)} captures of {PCAP_DIR} have a result in {REFERENCE_DIR}"


@pytest.mark.parametrize("capture", CAPTURES)
def test_capture_matches_nfstream(capture, tmp_path, monkeypatch):
    pcap = PCAP_DIR / capture
    monkeypatch.chdir(tmp_path)  # NFStream's to_pandas() writes a temporary CSV into the working folder

    reference_csv = REFERENCE_DIR / (capture + ".csv")
    if not reference_csv.exists():
        child = _read_in_child(pcap)
        assert child.returncode >= 0, f"flowfeat crashed (signal {-child.returncode}) on {capture}"
        assert child.returncode == 0 or "Traceback" in child.stderr, child.stderr
        return

    ours = _run_flowfeat(pcap)
    try:
        theirs, nfstream_error = _run_nfstream(pcap), None
    except Exception as error:  # judged below against the reference, like any other disagreement
        theirs, nfstream_error = None, f"NFStream 6.6 raises {type(error).__name__}: {error}"

    if theirs is not None:
        against_nfstream = fc.compare(theirs, ours, "nfstream-6.6", "flowfeat")
        if not against_nfstream:
            return
    else:
        against_nfstream = [nfstream_error]

    reference = fc.normalise(fc.load_reference(reference_csv))
    against_reference = fc.compare(reference, ours, "reference-6.5.4", "flowfeat")
    if against_reference:
        pytest.fail(
            f"{capture}: flowfeat differs from NFStream 6.6 ({len(ours)} vs "
            f"{'no' if theirs is None else len(theirs)} flows):\n{fc.summary(against_nfstream)}\n"
            f"and from the 6.5.4 reference:\n{fc.summary(against_reference)}",
            pytrace=False,
        )

    # flowfeat agrees with the reference, so NFStream 6.6 is what changed.
    nature = nfstream_error or fc.nature(fc.compare(reference, theirs, "6.5.4", "6.6"))
    warnings.warn(VersionDifference(f"{capture}: NFStream 6.6 differs from the 6.5.4 reference: {nature}"))
