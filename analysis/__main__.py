"""python -m analysis DATASET_DIR --out DIR."""

import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main())
