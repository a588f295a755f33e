"""The data set export of a window and the report made from it."""
