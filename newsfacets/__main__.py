"""`python -m newsfacets ...`: the same as the `newsfacets` console script."""
import sys

from newsfacets.cli import main

sys.exit(main())
