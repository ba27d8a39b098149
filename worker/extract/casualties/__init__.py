"""Casualty figures in Arabic news text and the article totals of CASUALTY_CONVENTIONS.md.

Pure. The written spec is docs/casualties.md; the stages are modules: ``lexicon`` (word lists),
``tables`` (lookups derived from them), ``context`` (tokens, sentences, clauses), ``figures``
(numbers and singular nouns read as figures), ``current`` (current event or background),
``incidents`` (repeats, parts, updates, separate incidents) and ``totals`` (totals and evidence).
"""

from __future__ import annotations

from worker.extract.casualties.figures import extract_casualties
from worker.extract.casualties.totals import (
    compute_totals,
    cumulative_kinds,
    totals_and_approximate,
    totals_approximate,
    totals_cumulative,
    totals_evidence,
    totals_with_flags,
    vague_bounds_from,
)

__all__ = ["compute_totals", "cumulative_kinds", "extract_casualties", "totals_and_approximate",
           "totals_approximate", "totals_cumulative", "totals_evidence", "totals_with_flags", "vague_bounds_from"]
