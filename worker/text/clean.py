"""Article cleaning: the text casualty extraction runs on and ``rasd extract`` prints as ``text_clean``.

HTML → text, then lines that are not the article are removed (CASUALTY_CONVENTIONS rule 11:
"اقرأ أيضاً" links and the teaser list after them, outlet credits, follow/share prompts, archive
photo captions), then repeated paragraphs. Line tests run on the matching form, so diacritics or
alef variants in a boilerplate line do not hide it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.text.html import html_to_text
from worker.text.normalize import normalize
from worker.text.paragraphs import dedup_matching, dedup_paragraphs, split_glued

__all__ = ["CleanResult", "clean_article", "is_boilerplate", "is_read_more"]

# Patterns are written in the matching form (no hamza on alef, ي for ى, ه for ة).
_READ_MORE = re.compile(
    r"^[\W_]*(?:اقرا ايضا|اقرا المزيد|شاهد ايضا|شاهد المزيد|اقرا كذلك|طالع ايضا|مواضيع ذات صله|"
    r"اخبار ذات صله|قد يهمك ايضا|قد يهمك|المزيد|للمزيد|ذات صله)\b"
)
_BOILERPLATE = [
    re.compile(r"^[\W_]*(?:المصدر|المصادر|مصدر الخبر|الصوره|المصدر والصوره)\s*[:：\-–]"),
    re.compile(r"^[\W_]*(?:وكالات|المصدر وكالات|رويترز|فرانس برس|ا ف ب)[\W_]*$"),
    re.compile(r"^[\W_]*(?:تابعونا|تابعوا|تابعنا|تابع|انضموا|انضم|اشترك|اشتركوا|حمل|حملوا|نزل)\s+"
               r"(?:علي|عبر|في|الي|قناتنا|قناه|صفحتنا|حسابنا|تطبيق|اخر)"),
    re.compile(r"^[\W_]*(?:شارك|شاركوا|شارك هذا|انشر|اضغط هنا|اضغط|للاشتراك|مشاركه)\b.{0,40}$"),
    re.compile(r"^[\W_]*(?:صوره ارشيفيه|صوره من الارشيف|صوره تعبيريه|ارشيفيه|من الارشيف)\b"),
    re.compile(r"^[\W_]*(?:حقوق النشر|جميع الحقوق محفوظه|©)"),
]
_CREDIT = re.compile(r"^[(\[«]\s*[^()\[\]«»]{2,40}\s*[)\]»][\s.،:–-]*$")  # "(سكاي نيوز عربية)" alone
_MAX_BOILERPLATE_WORDS = 15
_MAX_TEASER_WORDS = 20


@dataclass
class CleanResult:
    text: str
    removed_paragraphs: int
    removed_boilerplate: list[str] = field(default_factory=list)
    # normalize(text) and match_words of it when cleaning had them at hand (None otherwise), so that
    # fingerprint(result) need not normalise the text again.
    matching: str | None = field(default=None, repr=False, compare=False)
    words: list[str] | None = field(default=None, repr=False, compare=False)


def _read_more(m: str, n_words: int) -> bool:
    return n_words <= _MAX_TEASER_WORDS and bool(_READ_MORE.match(m))


def _boilerplate(m: str, n_words: int) -> bool:
    if n_words > _MAX_BOILERPLATE_WORDS:
        return False
    if n_words <= 5 and _CREDIT.match(m):
        return True
    return any(p.match(m) for p in _BOILERPLATE)


def is_read_more(line: str) -> bool:
    """A "read also / more" marker, alone or followed by a linked title on the same line."""
    m = normalize(line)
    return _read_more(m, len(m.split()))


def is_boilerplate(line: str) -> bool:
    """An outlet credit, follow/share prompt or archive-photo caption line (short lines only)."""
    m = normalize(line)
    return _boilerplate(m, len(m.split()))


def _is_teaser(line: str) -> bool:
    """Headline-like: short and not ending as a sentence (teaser links after "اقرأ أيضاً")."""
    stripped = line.rstrip()
    return len(stripped.split()) <= _MAX_TEASER_WORDS and not stripped.endswith((".", "!", "؟", "?", ":", "»"))


def clean_article(raw: str) -> CleanResult:
    """Article text only, repeated paragraphs removed once; what was dropped is reported for audit."""
    text = split_glued(html_to_text(raw))
    lines = text.split("\n")
    # Normalise the whole article once (per character, so lines stay aligned): the short lines are
    # tested on it here and paragraph dedup reuses it instead of normalising again.
    norm_lines = normalize(text).split("\n")
    aligned = len(norm_lines) == len(lines)  # False only if NFKC ever produced a line break
    kept: list[str] = []
    kept_norm: list[str] = []
    removed: list[str] = []
    in_teasers = False
    for i, line in enumerate(lines):
        # Only short lines can be boilerplate.
        n_words = line.count(" ") + 1
        if n_words > _MAX_TEASER_WORDS:
            m = ""
        elif aligned:
            m = norm_lines[i]
        else:  # pragma: no cover - only if NFKC ever produced a line break
            m = normalize(line)
        if m and _read_more(m, n_words):
            removed.append(line)
            in_teasers = True
            continue
        if in_teasers and _is_teaser(line):
            removed.append(line)
            continue
        in_teasers = False
        if m and _boilerplate(m, n_words):
            removed.append(line)
            continue
        kept.append(line)
        if aligned:
            kept_norm.append(norm_lines[i])
    # Lines out of split_glued(html_to_text(...)) are already stripped, non-empty and unglued, which
    # is what dedup_paragraphs would make of them; anything else takes the general path.
    if aligned and all(line and line == line.strip() for line in kept):
        dedup, matching, words = dedup_matching(kept, kept_norm)
        return CleanResult(dedup.text, dedup.removed, removed, matching, words)
    dedup = dedup_paragraphs("\n".join(kept))
    return CleanResult(dedup.text, dedup.removed, removed)
