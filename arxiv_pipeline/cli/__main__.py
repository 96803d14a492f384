"""`python -m arxiv_pipeline.cli`, as the backfill's workers and the tests start it."""

import sys

from arxiv_pipeline.cli import main

sys.exit(main())
