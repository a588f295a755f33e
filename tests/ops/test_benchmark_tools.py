"""The load benchmark's own measures: a figure that explains a tail must be right too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.disk_flush_probe import disk_flushes
from benchmarks.load_family_path import _longest_pause


def test_the_longest_pause_is_the_widest_gap_between_responses_in_any_order() -> None:
    assert _longest_pause([0.0, 0.002, 0.004, 0.150, 0.152]) == pytest.approx(0.146)
    assert _longest_pause([0.152, 0.0, 0.150, 0.002]) == pytest.approx(0.148)
    assert _longest_pause([0.5]) == 0.0
    assert _longest_pause([]) == 0.0


def test_the_disk_probe_flushes_until_the_block_ends_and_reports(tmp_path: Path) -> None:
    with disk_flushes(str(tmp_path)) as report:
        time.sleep(0.5)
        assert report == {}  # filled in when the probe has stopped
    assert report["flushes"] > 5  # one every 10 ms, less what the flushes take
    assert report["slowest_ms"] >= report["median_ms"] > 0
    assert 0 <= report["over_100_ms"] <= report["over_50_ms"] <= report["flushes"]
    assert list(tmp_path.iterdir()) == []  # its file is gone
