"""Clean + extract one text into the `rasd extract` JSON contract (pure: no I/O).

Used by the CLI (`rasd extract`) and by the processing service, so both give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from worker.extract.casualties import cumulative_kinds, extract_casualties, totals_evidence, totals_with_flags
from worker.extract.entities import extract_entities, place_spans, regions_for
from worker.extract.keywords import score_keywords
from worker.models import Casualty, Entity, Keyword, Region
from worker.text.clean import CleanResult, clean_article


@dataclass
class Extraction:
    text_clean: str
    casualties: list[Casualty]
    totals: dict[str, int | None]
    totals_approximate: dict[str, bool]
    entities: list[Entity]
    keywords: list[Keyword]
    escalation_score: float
    regions: list[Region] = field(default_factory=list)
    removed_paragraphs: int = 0
    totals_cumulative: dict[str, bool] = field(default_factory=dict)

    def stored_totals(self) -> dict[str, Any]:
        """The totals as an article row stores them: ``cumulative`` lists the kinds whose figure is a
        running toll, only when there is one (the alert sum must not add it to its incidents)."""
        kinds = cumulative_kinds(self.totals_cumulative)
        return {**self.totals, "cumulative": kinds} if kinds else dict(self.totals)

    def to_json(self) -> dict[str, Any]:
        return {
            "text_clean": self.text_clean,
            "casualties": [c.to_json() for c in self.casualties],
            "totals": self.totals,
            "totals_approximate": self.totals_approximate,
            "totals_cumulative": self.totals_cumulative,
            "totals_evidence": totals_evidence(self.casualties),
            "entities": [e.to_json() for e in self.entities],
            "keywords": [k.to_json() for k in self.keywords],
            "escalation_score": self.escalation_score,
            "regions": [r.to_json() for r in self.regions],
        }


def extract_text(text_clean: str, *, vague_bounds: dict[str, int] | None = None,
                 reference: date | None = None) -> Extraction:
    """Extract from text that is already clean (spans index ``text_clean``).

    ``reference`` (the article's publication date) resolves relative dates such as أمس.
    """
    entities = extract_entities(text_clean, reference=reference)
    casualties = extract_casualties(text_clean, vague_bounds=vague_bounds, reference=reference,
                                    places=place_spans(entities))
    keywords, score = score_keywords(text_clean)
    totals, approximate, cumulative = totals_with_flags(casualties)
    return Extraction(
        text_clean=text_clean,
        casualties=casualties,
        totals=totals,
        totals_approximate=approximate,
        entities=entities,
        keywords=keywords,
        escalation_score=score,
        regions=regions_for(entities),
        totals_cumulative=cumulative,
    )


def clean_and_extract(raw: str, *, title: str = "", vague_bounds: dict[str, int] | None = None,
                      reference: date | None = None) -> tuple[CleanResult, Extraction]:
    """:func:`analyse`, also returning the cleaning result: its matching form and words let the
    dedup fingerprint of the clean text skip normalising it again."""
    cleaned = clean_article(f"{title}\n{raw}" if title and not raw.lstrip().startswith(title) else raw)
    result = extract_text(cleaned.text, vague_bounds=vague_bounds, reference=reference)
    result.removed_paragraphs = cleaned.removed_paragraphs
    return cleaned, result


def analyse(raw: str, *, title: str = "", vague_bounds: dict[str, int] | None = None,
            reference: date | None = None) -> Extraction:
    """Clean raw HTML/text (title first, as its own paragraph) and extract from the clean text."""
    return clean_and_extract(raw, title=title, vague_bounds=vague_bounds, reference=reference)[1]
