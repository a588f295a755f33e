"""Shared fixtures: one simulated data set analysed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import analysis
from analysis.results import Results
from analysis.simulate import simulate_dataset

SIMULATED_RESPONSES = 160


@pytest.fixture(scope="session")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A realistic simulated data set folder."""
    return simulate_dataset(tmp_path_factory.mktemp("simulated"), SIMULATED_RESPONSES, seed=7)


@pytest.fixture(scope="session")
def analysed(simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Results]:
    """The simulated data set run through analysis.run once: (output folder, results)."""
    out = tmp_path_factory.mktemp("analysed")
    return out, analysis.run(simulated, out)


# Property tests: the same examples on every run and machine (no example database on disk),
# and no deadline, which would make a test depend on how busy the machine is.
settings.register_profile("sip", database=None, deadline=None, derandomize=True)
settings.load_profile("sip")
