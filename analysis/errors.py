"""Errors raised by the analysis package."""


class DatasetError(Exception):
    """A data set folder that does not follow the documented contract."""
