from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from worker.dedup.fingerprint import (
    SHINGLE,
    band_keys,
    candidate_probability,
    compact,
    content_hash,
    fingerprint,
    is_near_duplicate,
    shingles,
    similarity,
    strip_credits,
)

REPO = Path(__file__).resolve().parents[2]
TEXT = ("قتل خمسة مدنيين وأصيب ثمانية آخرون في قصف مدفعي على بلدة الأتارب غربي حلب صباح الاثنين. "
        "وقال الدفاع المدني إن فرقه انتشلت جثث الضحايا من تحت أنقاض منزلين مدمرين في الحي الشرقي. "
        "وأشار ناشطون إلى أن القصف طال أيضا الطريق الرئيسي الذي يربط البلدة بريف إدلب الشمالي.")


def test_content_hash_ignores_diacritics_alef_digits_spacing_and_punctuation() -> None:
    variant = ("قُتِلَ خمسة مدنيين، وأُصيب ثمانية آخرون في قصف مدفعي على بلدة الاتارب غربي حلب صباح الاثنين!\n"
               "وقال الدفاع المدني إن فرقه انتشلت جثث الضحايا من تحت أنقاض منزلين مدمرين في الحي الشرقي  "
               "وأشار ناشطون الى أن القصف طال أيضا الطريق الرئيسي الذي يربط البلدة بريف إدلب الشمالي")
    assert content_hash(variant) == content_hash(TEXT)
    assert content_hash(TEXT.replace("خمسة", "ستة")) != content_hash(TEXT)
    assert content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert len(content_hash(TEXT)) == 64


def test_strip_credits() -> None:
    assert strip_credits(f"(سكاي نيوز عربية) - {TEXT}\nالمصدر: وكالات") == TEXT + "\n"
    assert strip_credits(f"{TEXT} (الأناضول)") == TEXT
    assert strip_credits(f"(رويترز)\n{TEXT}") == "\n" + TEXT
    # a trailing credit may be followed by one full stop and white space, nothing else
    assert strip_credits(f"{TEXT} (الأناضول).  \n") == TEXT
    assert strip_credits(f"{TEXT} - [وكالات] \n") == TEXT
    assert strip_credits(f"{TEXT} «رويترز»\t.") == TEXT
    assert strip_credits(f"{TEXT} (الأناضول)..") == f"{TEXT} (الأناضول).."


def test_shingles() -> None:
    assert shingles("أ ب ت ث ج ح", size=5) == ["ا ب ت ث ج", "ب ت ث ج ح"]
    assert shingles("كلمتان فقط", size=5) == ["كلمتان فقط"]
    assert shingles("", size=5) == []
    assert SHINGLE == 5


def test_identical_and_credited_copies_are_the_same_signature() -> None:
    a = fingerprint(TEXT)
    b = fingerprint(f"(سكاي نيوز عربية) {TEXT}\nالمصدر: وكالات")
    assert a.signature == b.signature
    assert similarity(a.signature, b.signature) == 1.0
    assert len(a.signature) == 64
    assert len(a.bands) == 16
    assert all(len(k) == 5 and k[0] == i for i, k in enumerate(a.bands))
    assert is_near_duplicate(a, b)


def test_unrelated_texts_are_not_similar() -> None:
    other = fingerprint("عقد البرلمان جلسة طارئة لمناقشة الموازنة العامة وسط خلافات حادة بين الكتل السياسية "
                        "حول مخصصات الوزارات والمحافظات والرواتب المتأخرة منذ أشهر.")
    a = fingerprint(TEXT)
    assert similarity(a.signature, other.signature) < 0.15
    assert not is_near_duplicate(a, other)


def test_similarity_of_compact_signatures() -> None:
    x = list(range(128))
    assert similarity(compact(x), compact(x)) == 1.0
    y = [v + 1 for v in x]  # every nibble differs
    assert similarity(compact(x), compact(y)) == 0.0
    half = x[:64] + y[64:]
    assert similarity(compact(x), compact(half)) == pytest.approx((0.5 - 1 / 16) / (1 - 1 / 16))
    with pytest.raises(ValueError):
        similarity(b"\x00", b"\x00\x00")


def test_band_keys_and_s_curve() -> None:
    digest = list(range(128))
    keys = band_keys(digest, bands=16, rows=4)
    assert len(set(keys)) == 16
    assert band_keys(digest, 16, 4) == keys
    with pytest.raises(ValueError):
        band_keys(digest, bands=40, rows=4)
    assert candidate_probability(0.5) == pytest.approx(1 - (1 - 0.5**3) ** 16)  # 16 bands x 3 rows
    assert candidate_probability(0.66) > 0.99  # the weakest syndicated copies seen still collide
    assert candidate_probability(0.8) > 0.999


def test_signatures_are_stable_across_processes_and_hash_seeds() -> None:
    code = ("from worker.dedup.fingerprint import fingerprint; import sys; "
            "f = fingerprint(sys.argv[1]); print(f.signature.hex(), b''.join(f.bands).hex())")
    outs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code, TEXT], env=env, cwd=REPO, check=True,
                                capture_output=True, text=True).stdout)
    f = fingerprint(TEXT)
    assert outs == {f"{f.signature.hex()} {b''.join(f.bands).hex()}\n"}


def test_fingerprint_of_a_clean_result_is_that_of_its_text() -> None:
    from tests.unit.syndication import base_articles, syndicated
    from worker.text.clean import CleanResult, clean_article

    raws = [syndicated(a, s) for a in base_articles()[:6] for s in range(4)]
    raws.append(f"<p>{TEXT}</p><p>{TEXT} وأضاف أن ثلاثة من الجرحى في حالة حرجة.</p>")  # sentences cut out
    for raw in raws:
        result = clean_article(raw)
        assert result.matching is not None
        assert fingerprint(result) == fingerprint(result.text)
    # without the forms (a result built by hand), the text is fingerprinted
    assert fingerprint(CleanResult(TEXT, 0)) == fingerprint(TEXT)


def test_shingles_are_the_joined_runs_of_consecutive_words() -> None:
    import random

    from worker.dedup.fingerprint import _shingles_of

    assert _shingles_of(["قصف", "على", "بلدة", "الأتارب"], 3) == ["قصف على بلدة", "على بلدة الأتارب"]
    assert _shingles_of(["قصف", "على"], 3) == ["قصف على"]
    assert _shingles_of([], 3) == []
    rng = random.Random(7)
    for n in range(40):
        for size in range(1, 7):
            ws = ["".join(rng.choice("ابتثجح12") for _ in range(rng.randint(1, 6))) for _ in range(n)]
            expected = [" ".join(ws[i:i + size]) for i in range(n - size + 1)] if n > size else \
                ([" ".join(ws)] if ws else [])
            assert _shingles_of(ws, size) == expected, (n, size)


def test_utf8_shingles_are_the_encoded_shingles_and_keep_the_digest() -> None:
    """The index compares digests made before and after this path existed: byte tokens must hash
    exactly as the str shingles did (1-, 2-, 3- and 4-byte characters, words of one character)."""
    import random

    from rensa import RMinHash

    from worker.dedup.fingerprint import SEED, _digest_words, _shingles_of, _utf8_shingles

    rng = random.Random(11)
    alphabet = "ابتثجحة12aZé€𝕏"  # UTF-8 widths 2, 1, 2, 3, 4
    for n in range(1, 30):
        for size in range(1, 7):
            ws = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(n)]
            joined = " ".join(ws).encode("utf-8")
            assert _utf8_shingles(joined, size) == [s.encode("utf-8") for s in _shingles_of(ws, size)]
            by_str = RMinHash(128, SEED)
            by_str.update(_shingles_of(ws, size) or [""])
            assert _digest_words(ws, 128, size) == list(by_str.digest()), (n, size)
    empty = RMinHash(128, SEED)
    empty.update([""])
    assert _digest_words([], 128, 5) == list(empty.digest())
    # a pinned value: the digest of a known text must never drift (the Redis index outlives a release)
    assert _digest_words(["قصف", "مدفعي", "على", "بلدة", "الاتارب", "غرب", "حلب"], 128, 5)[:4] == \
        _PINNED_DIGEST_HEAD


_PINNED_DIGEST_HEAD = [3343006802, 3331577783, 3312922140, 3535792308]  # made by the str path
