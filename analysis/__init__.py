"""Analysis of SIP follow-up survey data sets: results, charts, reports and exports.

Imports neither Flask nor the web service, so analysts can run it on an exported folder.
"""

from analysis.compute import compute_results
from analysis.dataset import Dataset, load_dataset
from analysis.errors import DatasetError
from analysis.pipeline import Progress, run
from analysis.results import Results
from analysis.simulate import simulate_dataset

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
