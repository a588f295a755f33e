"""Analysis of SIP follow-up survey data sets: results, charts, reports and exports.

Imports neither Flask nor the web service, so analysts can run it on an exported folder.
The names below load on first use, so that `analysis.contract` can be imported (by the web
service's export) without numpy, scipy and matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.compute import compute_results
    from analysis.dataset import Dataset, load_dataset
    from analysis.errors import DatasetError
    from analysis.pipeline import Progress, run
    from analysis.results import Results
    from analysis.simulate import simulate_dataset

_EXPORTS = {
    "Dataset": "analysis.dataset",
    "DatasetError": "analysis.errors",
    "Progress": "analysis.pipeline",
    "Results": "analysis.results",
    "compute_results": "analysis.compute",
    "load_dataset": "analysis.dataset",
    "run": "analysis.pipeline",
    "simulate_dataset": "analysis.simulate",
}

__all__ = [
    "Dataset",
    "DatasetError",
    "Progress",
    "Results",
    "compute_results",
    "load_dataset",
    "run",
    "simulate_dataset",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    return getattr(import_module(module), name)
