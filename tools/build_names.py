"""Personal-name words for the entity tagger, from arabnamer's name dictionary (deterministic).

arabnamer (PyPI, MIT code; its ``dict_FINAL.json``, 22,797 English → Arabic name pairs, is
CC BY 4.0) is read straight from its wheel: ``make ner-names`` downloads the wheel without its
dependencies (xgboost is not needed to read a JSON file). Every Arabic word of every name, in
matching form, becomes one line of ``worker/extract/ner/names.txt``; the tagger's features flag
these words (``g=NAME``), the CRF learns how much that says.

Usage: ``python tools/build_names.py path/to/arabnamer-0.1.3-py3-none-any.whl``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.ner.resources import NAMES  # noqa: E402
from worker.text.normalize import normalize  # noqa: E402

MEMBER = "arabnamer/data/dict_FINAL.json"
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")


def name_words(pairs: dict[str, str]) -> list[str]:
    """Sorted distinct matching-form Arabic words of the names (two letters or more)."""
    return sorted({w for v in pairs.values() for w in normalize(v).split() if _ARABIC_WORD.fullmatch(w)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="arabnamer wheel (.whl), or its dict_FINAL.json")
    ap.add_argument("--out", type=Path, default=NAMES)
    a = ap.parse_args()
    if a.wheel.suffix == ".whl":
        with zipfile.ZipFile(a.wheel) as z:
            pairs = json.loads(z.read(MEMBER).decode("utf-8"))
    else:
        pairs = json.loads(a.wheel.read_text(encoding="utf-8"))
    words = name_words(pairs)
    header = (f"# name words from {a.wheel.name} ({MEMBER}, CC BY 4.0, E. Yousef, "
              "github.com/sayedyousef/arabnamer) by tools/build_names.py")
    a.out.write_text("\n".join([header, *words]) + "\n", encoding="utf-8")
    print(json.dumps({"pairs": len(pairs), "words": len(words), "out": str(a.out)}))


if __name__ == "__main__":
    main()
