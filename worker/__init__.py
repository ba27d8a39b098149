"""Rasd: streaming ingestion of Arabic news."""

import os

# Each Rasd process works on one core; OpenBLAS threads in the tagger's small matrix products only
# spin against the other processes (docs/ner.md, "Cost"). Set before anything imports numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from worker import _compiled

_compiled.install()
