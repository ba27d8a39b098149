"""Feature resources of the tagger: shipped word clusters and our own lists (I/O: reads package files)."""

from __future__ import annotations

from pathlib import Path

from worker.extract.ner.features import Resources, strip_clitics
from worker.text.normalize import normalize

NER_DIR = Path(__file__).resolve().parent
CLUSTERS = NER_DIR / "clusters.tsv"
MODEL = NER_DIR / "model.tsv"
NET = MODEL.with_suffix(".npz")  # the window network (worker.extract.ner.window), trained beside the CRF
SCAN = MODEL.with_name("model_scan.npz")  # the recurrent layer (worker.extract.ner.recurrent), beside both
NAMES = NER_DIR / "names.txt"
# Head nouns that open an organisation's name (حركة X، شركة X; flagged ORGHEAD with the context lists:
# titles and place nouns have their own flags, these had none) and the place nouns
# tools/build_contexts.py counts after. Issue 17h: measured, not shipped (docs/ner.md).
ORG_HEADS = ("منظمة", "حركة", "حزب", "شركة", "وكالة", "صحيفة", "جريدة", "مجلة", "جامعة", "مجلس",
             "هيئة", "جمعية", "قناة", "مؤسسة", "تنظيم", "جماعة", "اتحاد", "نادي", "فريق", "بنك",
             "مصرف", "لجنة", "تلفزيون", "إذاعة", "محطة", "مجموعة", "ائتلاف", "تحالف", "جبهة", "كتائب",
             "ميليشيا", "فصيل", "منتخب", "مركز", "معهد", "صندوق")
LOC_HEADS = ("مدينة", "بلدة", "قرية", "محافظة", "ولاية", "منطقة", "مخيم", "ريف", "مديرية", "ناحية",
             "قضاء", "إقليم", "جزيرة", "عاصمة", "حي", "مقاطعة", "مدن", "بلدات", "قرى")


def load_clusters(path: Path = CLUSTERS) -> dict[str, tuple[str, ...]]:
    """``word<TAB>id<TAB>id…`` lines, coarse to fine (matching-form words); empty when the file is absent."""
    out: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            w, *ids = line.split("\t")
            out[w] = tuple(ids)
    return out


def load_names(path: Path = NAMES) -> frozenset[str]:
    """Personal-name words (matching form, one a line; ``tools/build_names.py``); empty when absent."""
    if not path.exists():
        return frozenset()
    return frozenset(w for w in path.read_text(encoding="utf-8").split("\n") if w and not w.startswith("#"))


def load_contexts(path: Path) -> dict[str, tuple[str, ...]]:
    """Word → context flags (ORGCTX, PERCTX2…; ``tools/build_contexts.py``); a ``~`` key is a
    clitic-stripped form, stored bare because the features look stripped forms up bare. Empty when absent."""
    out: dict[str, set[str]] = {}
    if not path.exists():
        return {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            key, *_counts, flags = line.split("\t")
            out.setdefault(key.removeprefix("~"), set()).update(flags.split(","))
    return {w: tuple(sorted(f)) for w, f in out.items()}


def _add(lists: dict[str, set[str]], phrase: str, flag: str) -> None:
    words = normalize(phrase).split()
    if not words:
        return
    if len(words) == 1:
        lists.setdefault(words[0], set()).add(flag)
        lists.setdefault(strip_clitics(words[0]), set()).add(flag)
        return
    for w in words:
        lists.setdefault(w, set()).add(flag + "W")


def list_memberships(contexts: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Word → flags from the gazetteer (LOC), countries (CTRY), actors (PER/ORG), titles, cue words,
    personal-name words (NAME: the word itself only, a name list's words are too short to strip),
    and, with ``contexts`` (a ``tools/build_contexts.py`` file; off in the shipped tagger), organisation
    head nouns (ORGHEAD) and the context flags induced from news (ORGCTX, PERCTX…)."""
    from worker.extract import entities as ent  # lazy: entities imports the tagger
    from worker.extract.gazetteer import load

    gaz = load()
    lists: dict[str, set[str]] = {}
    for p in gaz.places:
        for n in p.names:
            _add(lists, n, "LOC")
    for c in gaz.countries.values():
        for n in c.names:
            _add(lists, n, "CTRY")
        for n in c.capital.names:
            _add(lists, n, "LOC")
    for phrase, actor in ent._load_actors():
        _add(lists, phrase, actor.type)
    for t in ent._TITLES:
        _add(lists, t, "TITLE")
    for cue in ent._CUES:
        _add(lists, cue, "CUE")
    for w in load_names():
        lists.setdefault(w, set()).add("NAME")
    if contexts is not None:
        for h in ORG_HEADS:
            _add(lists, h, "ORGHEAD")
        for w, flags in load_contexts(contexts).items():
            lists.setdefault(w, set()).update(flags)
    return {w: tuple(sorted(f)) for w, f in sorted(lists.items())}


def build_resources(clusters: Path = CLUSTERS, contexts: Path | None = None) -> Resources:
    return Resources(load_clusters(clusters), list_memberships(contexts))
