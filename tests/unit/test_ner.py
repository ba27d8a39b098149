"""Entity tagger: CoNLL scoring, features, exact decoding, the shipped model merged with the gazetteer,
bad input, and `rasd ner train` (on sentences written for these tests; no ANERcorp text here)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pycrfsuite
import pytest

from worker.extract.entities import MAX_TAG_CHARS, extract_entities, lexicon, regions_for
from worker.extract.ner import default_tagger
from worker.extract.ner.conll import parse, score, spans
from worker.extract.ner.consistency import propagate
from worker.extract.ner.features import MAX_FEATURE_CHARS, Resources, strip_clitics, tokens, word_features
from worker.extract.ner.resources import NAMES, list_memberships, load_names
from worker.extract.ner.tagger import Tagger
from worker.extract.ner.train import featurize

ROOT = Path(__file__).resolve().parents[2]

# Synthetic training data: people after verbs, companies, towns (our own words).
_FIRST = ["سامر", "رامي", "هالة", "منى", "زياد", "نادر", "ليلى", "عمر"]
_LAST = ["الخطيب", "حداد", "النجار", "الحلبي", "منصور", "العلي"]
_TOWN = ["كفرزيتا", "دارة", "تلعدا", "مرعيان", "بنش"]
_ORG = [["شركة", "النور"], ["جمعية", "الأمل"], ["مصرف", "الشرق"]]


def _torch() -> Any:
    """torch (the ner-train extra) for the training tests: `make test` installs it and sets
    RASD_REQUIRE_TORCH=1 so they fail rather than skip there; elsewhere they skip without it."""
    if os.environ.get("RASD_REQUIRE_TORCH") == "1":
        import torch

        return torch
    return pytest.importorskip("torch")


def _sentence(rng: random.Random) -> list[tuple[str, str]]:
    first, last, town = rng.choice(_FIRST), rng.choice(_LAST), rng.choice(_TOWN)
    org = rng.choice(_ORG)
    return [("وقال", "O"), (first, "B-PERS"), (last, "I-PERS"), ("من", "O"), (org[0], "B-ORG"),
            (org[1], "I-ORG"), ("إن", "O"), ("القصف", "O"), ("طال", "O"), (town, "B-LOC"), (".", "O")]


def _conll(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    return "\n\n".join("\n".join(f"{w} {t}" for w, t in _sentence(rng)) for _ in range(n)) + "\n"


def test_conll_parse_spans_and_score() -> None:
    sents = parse("أحمد B-PERS\nسعيد I-PERS\nفي O\nحلب B-LOC\n\nالأمم B-ORG\nالمتحدة I-ORG\n")
    assert sents == [[("أحمد", "B-PER"), ("سعيد", "I-PER"), ("في", "O"), ("حلب", "B-LOC")],
                     [("الأمم", "B-ORG"), ("المتحدة", "I-ORG")]]
    assert spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == {
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")}
    got = score([["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG"]], [["B-PER", "O", "O", "B-LOC"], ["B-ORG"]])
    assert got["PER"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "gold": 1}
    assert got["LOC"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "gold": 1}
    assert got["micro"] == {"p": 0.6667, "r": 0.6667, "f1": 0.6667, "gold": 3}
    with pytest.raises(ValueError, match="line 2"):
        parse("أحمد B-PERS\nسعيد PERSON\n")


def test_tokens_clitics_and_long_words() -> None:
    assert [t for _s, _e, t in tokens("قال (أحمد) ١٢٣abc، وبِالقاهرة")] == [
        "قال", "(", "أحمد", ")", "١٢٣abc", "،", "وبِالقاهرة"]
    assert [strip_clitics(w) for w in ("للجيش", "والقاهره", "بحلب", "وزير", "في")] == [
        "جيش", "قاهره", "حلب", "زير", "في"]
    huge = "ب" * 10_000
    feats = word_features(huge, Resources({}, {}))
    assert max(len(f) for fs in feats for f in fs) < MAX_FEATURE_CHARS + 10


def test_decoder_is_exactly_crfsuite(tmp_path: Path) -> None:
    """The cached-score decoder with its certain-O shortcut gives CRFsuite's own Viterbi labels."""
    res = Resources({"سامر": ("0.1",), "رامي": ("0.1",), "كفرزيتا": ("0.2",)}, {"حداد": ("PER",)})
    train = parse(_conll(60))
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, s in zip(featurize(train, res), train, strict=True):
        trainer.append(xseq, [t for _, t in s])
    trainer.set_params({"c1": 0.0, "c2": 0.5, "max_iterations": 40, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "m.crf"))
    crf = pycrfsuite.Tagger()
    crf.open(str(tmp_path / "m.crf"))
    info = crf.info()
    # a small cache, so it starts afresh many times between the calls below
    ours = Tagger(sorted(crf.labels()), dict(info.transitions), dict(info.state_features), res, max_types=30)
    rng = random.Random(3)
    vocab = [w for s in train for w, _ in s] + ["غريب", "جديد", "x1", "٣٣", "،"]
    tests = [[rng.choice(vocab) for _ in range(rng.randint(1, 25))] for _ in range(300)]
    tests += [[w for w, _ in s] for s in parse(_conll(20, seed=99))]
    expected = [list(crf.tag([x for x in featurize([[(w, "O") for w in t]], res)[0]])) for t in tests]
    assert ours.tag_tokens(tests) == expected
    assert [ours.tag_tokens([t])[0] for t in tests] == expected
    assert any(label != "O" for seq in expected for label in seq)


def test_nine_label_decoder_is_the_general_one() -> None:
    """The unboxed nine-label path (the shipped model's) picks the general loop's labels, ties
    included (scores drawn from a few values), and the general loop the best-scoring sequence."""
    from itertools import pairwise, product

    from worker.extract.ner.viterbi import _sentence, viterbi

    rng = random.Random(11)
    for trial in range(400):
        few = trial % 2 == 0  # half the trials full of ties
        draw = (lambda: float(rng.choice((-1, 0, 1, 2)))) if few else (lambda: rng.gauss(0, 3))
        n_tok = rng.randint(1, 60)
        scores = [[draw() for _ in range(9)] for _ in range(n_tok)]
        trans = [[draw() for _ in range(9)] for _ in range(9)]
        starts = sorted({0, *rng.sample(range(n_tok), min(n_tok, rng.randint(0, 5)))})
        general = [0] * n_tok
        for a, b in zip(starts, [*starts[1:], n_tok], strict=True):
            _sentence(scores, trans, a, b, general)
        assert viterbi(scores, trans, starts) == general
    scores = [[rng.gauss(0, 3) for _ in range(9)] for _ in range(3)]
    trans = [[rng.gauss(0, 2) for _ in range(9)] for _ in range(9)]

    def total(ys: tuple[int, ...]) -> float:
        return sum(scores[i][y] for i, y in enumerate(ys)) + sum(trans[p][y] for p, y in pairwise(ys))

    assert tuple(viterbi(scores, trans, [0])) == max(product(range(9), repeat=3), key=total)


def test_a_texts_new_words_get_the_rows_one_word_at_a_time_gives() -> None:
    """Rows built for all of a text's new words at once equal, bit for bit, the per-word sums
    (words without any known attribute, clitics, digits, punctuation and over-long words included)."""
    from worker.extract.ner.features import default_resources
    from worker.extract.ner.resources import MODEL
    from worker.extract.ner.tagger import load_weights

    labels, trans, state = load_weights(MODEL)
    words = ["وقال", "المتحدث", "باسم", "الدفاع", "المدنية", "في", "كفرزيتا", "إن", "١٢", "x7", "،", "(",
             "وبالقاهرة", "للجيش", "زيزفون", "ب" * 60, "ب" * 61, "qwzx", "وقال"]
    batched = Tagger(labels, trans, state, default_resources())
    one_by_one = Tagger(labels, trans, state, default_resources())
    n = batched._n
    batched._add_words(words)
    assert batched._n == n + len(words) - 2  # "وقال" twice; the two long words share their first 40 characters
    for w in words:
        a = batched._table[batched._row[w[:MAX_FEATURE_CHARS]]]
        b = one_by_one._table[one_by_one._id(w)]
        assert a.tobytes() == b.tobytes(), w
    assert (batched._table[batched._row["qwzx"]] != 0).any()  # shape, length and "c=?" still score
    # the window network's vectors of the same batch, from the tagger's one look-up per own feature
    from worker.extract.ner.resources import NET
    from worker.extract.ner.window import load_net

    net = load_net(NET)
    assert net is not None
    with_net = Tagger(labels, trans, state, default_resources(), net=net)
    n = with_net._n
    with_net._add_words(words)
    with_net._flush()
    keys = list(dict.fromkeys(w[:MAX_FEATURE_CHARS] for w in words))
    expected = net.type_vectors([word_features(k, with_net.res)[2] for k in keys])
    assert with_net._ntable[n : n + len(keys)].tobytes() == expected.tobytes()
    assert with_net._table[n : n + len(keys)].tobytes() == batched._table[n : n + len(keys)].tobytes()


def test_own_features_are_the_word_features_own_offset() -> None:
    """New words are described by ``own_features`` alone (the neighbours' lists come from it)."""
    from worker.extract.ner.features import default_resources, own_features

    res = default_resources()
    for w in ["وقال", "المتحدث", "في", "كفرزيتا", "١٢", "x7", "،", "وبالقاهرة", "للجيش", "زيزفون", "qwzx", "", "ب" * 90]:
        assert own_features(w, res) == word_features(w, res)[2], w
    assert own_features("للجيش", res)[:2] == ["w=للجيش", "st=جيش"]


def test_own_ids_are_the_known_own_features_in_order() -> None:
    from worker.extract.ner.features import add_own_ids, default_resources, own_features

    res = default_resources()
    index = {"w=للجيش": 7, "sh=a": 3, "p1=ل": 11}
    out = [99]
    assert add_own_ids("للجيش", res, index, out) == "للجيش"
    assert out == [99] + [index[f] for f in own_features("للجيش", res) if f in index] == [99, 7, 3, 11]
    assert add_own_ids("qwzx", res, {}, out) == "qwzx" and out == [99, 7, 3, 11]


def test_neighbour_features_are_the_own_list_in_order() -> None:
    """The tagger looks each own feature up once for all offsets: a neighbour's features must be a
    subsequence of the word's own list (``word_features``)."""
    from worker.extract.ner.features import default_resources

    for w in ["وقال", "المتحدث", "في", "كفرزيتا", "١٢", "x7", "،", "وبالقاهرة", "للجيش", "زيزفون", "qwzx"]:
        fs = word_features(w, default_resources())
        for k, prefix in ((0, "-2"), (1, "-1"), (3, "+1"), (4, "+2")):
            rest = iter(fs[2])
            assert all(f.startswith(prefix) and f[2:] in rest for f in fs[k]), (w, k)


def test_a_full_cache_keeps_its_most_used_words_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the word cache is full it drops its least used half: the common words stay, their rows
    (CRF scores and network vectors) moved unchanged, and the labels are those of a large cache."""
    from worker.extract.ner.features import default_resources
    from worker.extract.ner.recurrent import load_rnn
    from worker.extract.ner.resources import MODEL, NET, SCAN
    from worker.extract.ner.tagger import load_weights
    from worker.extract.ner.window import load_net

    labels, trans, state = load_weights(MODEL)
    net, rnn = load_net(NET), load_rnn(SCAN)
    assert rnn is not None
    small = Tagger(labels, trans, state, default_resources(), max_types=60, net=net, rnn=rnn)
    large = Tagger(labels, trans, state, default_resources(), net=net, rnn=rnn)
    rng = random.Random(5)
    common = ["وقال", "المتحدث", "في", "مدينة", "حلب", "إن", "القصف", "."]
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    texts = [[[*common[:4], *("".join(rng.choice(letters) for _ in range(5)) for _ in range(12)), *common[4:]]]
             for _ in range(12)]
    small.tag_tokens(texts[0])
    def rows(w: str) -> tuple[bytes, ...]:
        r = small._row[w]
        return small._table[r].tobytes(), small._ntable[r].tobytes(), small._rtable[r].tobytes()

    before = {w: rows(w) for w in common}
    first_rare = texts[0][0][4]
    built: list[str] = []  # words whose rows were computed (again)
    add_words = small._add_words
    monkeypatch.setattr(small, "_add_words", lambda words: (built.extend(words), add_words(words))[1])
    for text in texts:
        assert small.tag_tokens(text) == large.tag_tokens(text)
    assert small._n <= 60 and first_rare not in small._row  # evicted more than once (12 × 20 tokens)
    after = {w: rows(w) for w in common}
    assert after == before
    assert not set(common) & set(built)  # never rebuilt


def test_spans_repeat_at_their_other_mentions() -> None:
    words = ["قال", "الوزير", "سامر", "الخطيب", "إن", "شركة", "النور", "ستعود", ".",
             "وأضاف", "الخطيب", "أن", "شركة", "النور", "وسامر", "الخطيب", "و", "دارة", "."]
    labels = ["O", "O", "B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "O",
              "O", "O", "O", "O", "I-ORG", "B-PER", "I-PER", "O", "B-LOC", "O"]
    assert propagate(words, labels) == [
        "O", "O", "B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "O",
        # surname alone → PER; the whole ORG again only where all of it is O
        "O", "B-PER", "O", "O", "I-ORG", "B-PER", "I-PER", "O", "B-LOC", "O"]
    # a one-word span of another type beats the surname rule
    assert propagate(["سامر", "الخطيب", "الخطيب", "الخطيب"], ["B-PER", "I-PER", "B-LOC", "O"])[3] == "B-LOC"
    # matching form: hamza and ta marbuta folded; a single-word PER does not spread its word
    assert propagate(["أسامة", "قال", "اسامه", "اسامه"], ["B-PER", "O", "O", "B-LOC"]) == [
        "B-PER", "O", "B-PER", "B-LOC"]
    assert propagate(["إن", "و", "."], ["O", "O", "O"]) == ["O", "O", "O"]
    assert propagate([], []) == []


def test_tag_tokens_document_mode_spreads_across_sentences() -> None:
    from worker.extract.ner.train import fit

    res = Resources({}, {})
    w = fit(parse(_conll(60)), res, iterations=50)
    tagger = Tagger(w.labels, w.transitions, w.state, res)
    doc = [["وقال", "زياد", "الحلبي", "من", "شركة", "النور", "."], ["إن", "الحلبي", "طال", "."]]
    first = ["O", "B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O"]
    assert tagger.tag_tokens(doc) == [first, ["O", "O", "O", "O"]]
    assert tagger.tag_tokens(doc, document=True) == [first, ["O", "B-PER", "O", "O"]]
    assert tagger.tag_tokens([doc[1]], document=True) == [["O", "O", "O", "O"]]


def test_name_list_words_are_flagged() -> None:
    names = load_names()
    assert len(names) > 12_000 and {"سامر", "كريم", "لافروف"} <= names
    assert all(n == n.strip() and " " not in n for n in names)
    lists = list_memberships()
    assert "NAME" in lists["لافروف"]
    assert "g=NAME" in word_features("لافروف", Resources({}, lists))[2]
    assert load_names(NAMES.with_name("absent.txt")) == frozenset()


def test_build_names_keeps_arabic_words_in_matching_form() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from build_names import name_words

    assert name_words({"osama": "أسامة", "abd allah": "عبد الله", "x": "com.مثال", "a": "ب"}) == [
        "اسامه", "الله", "عبد"]


def test_shipped_model_finds_unlisted_people() -> None:
    got = [(s.type, s.start, s.end) for s in default_tagger().spans("التقى كريم منصور مع وفد الشركة في بيروت.")]
    assert ("PER", 6, 16) in got


def test_shipped_tagger_runs_the_recurrent_layer() -> None:
    """The package ships the scan (H = 256) beside the window network; its rows are cached in int16, so
    the cache still holds 20,000 word types, and the layer changes the scores the CRF + window give."""
    import numpy as np

    from worker.extract.ner.recurrent import ScanNet
    from worker.extract.ner.resources import MODEL
    from worker.extract.ner.tagger import load_weights

    tagger = default_tagger()
    assert isinstance(tagger.rnn, ScanNet) and tagger.rnn.hidden == 256 and tagger.net is not None
    assert tagger.max_types == 20_000 and tagger._rtable.dtype == np.int16
    pair = Tagger(*load_weights(MODEL), tagger.res, net=tagger.net)
    doc = [["التقى", "كريم", "منصور", "مع", "وفد", "الشركة", "في", "بيروت", "."]]
    gap = tagger._scores(doc)[0] - pair._scores(doc)[0]
    layer = tagger.rnn.scores_rows(tagger._rtable, np.array([tagger._row[w] for w in doc[0]]), [9])
    assert np.abs(gap).max() > 0.1 and np.allclose(gap, layer, atol=1e-5)
    # bad input stays bounded: empty sentences are no steps, one 1,800-word sentence 1,800 steps
    assert tagger.tag_tokens([[], ["طال"], []]) == [[], ["O"], []]
    t0 = time.process_time()
    assert len(tagger.tag_tokens([["قال", "سامر", "الخطيب"] * 600])[0]) == 1800
    assert time.process_time() - t0 < 2.0


def test_entities_carry_their_source() -> None:
    text = "وصل السفير جون سميث إلى بيروت، وقال الباحث فادي حداد إن منظمة أطباء بلا حدود تعمل في البحر الأحمر."
    got = [(e.type, e.text, e.normalized, e.source) for e in extract_entities(text)]
    assert got == [
        ("PER", "جون سميث", "جون سميث", "tagger"),
        ("LOC", "بيروت", "Beirut", "gazetteer"),
        ("PER", "فادي حداد", "فادي حداد", "tagger"),
        ("ORG", "منظمة أطباء بلا حدود", "Doctors Without Borders", "gazetteer"),
        ("LOC", "البحر الأحمر", "البحر الأحمر", "tagger"),
    ]
    assert all(text[e.span[0]: e.span[1]] == e.text for e in extract_entities(text))
    tagged_loc = extract_entities(text)[-1]
    assert tagged_loc.geo is None
    assert extract_entities(text)[0].to_json()["source"] == "tagger"


def test_tagger_extends_a_rule_person_but_never_a_listed_name() -> None:
    # the title rule stops at two words; the tagger's span covers the whole name (one no list holds:
    # لودريان, the test's first name, is listed since issue 17k)
    text = "قال وزير الخارجية الفرنسي جان إيف بيرتران إن الرئيس بشار الأسد رفض."
    got = [(e.text, e.source) for e in extract_entities(text) if e.type == "PER"]
    assert got == [("جان إيف بيرتران", "tagger"), ("بشار الأسد", "gazetteer")]
    assert [(e.text, e.source) for e in extract_entities(text, tagger=False) if e.type == "PER"] == [
        ("جان إيف", "rule"), ("بشار الأسد", "gazetteer")]


def test_tagger_places_never_change_regions() -> None:
    text = "وصل الوفد إلى الجوف قادما من الحراك في درعا."
    with_tagger = extract_entities(text)
    assert [r.key for r in regions_for(with_tagger)] == [r.key for r in regions_for(extract_entities(text, tagger=False))]
    assert [r.key for r in regions_for(with_tagger)] == ["SY:admin1:Daraa", "SY:country:Syria"]


def test_generated_town_needs_a_place_noun() -> None:
    got = extract_entities("قصفت المدفعية بلدة تفوح جنوب الخليل", tagger=False)
    assert [(e.text, e.normalized, e.source, (e.geo or {}).get("admin1_en")) for e in got] == [
        ("تفوح", "Taffūḩ", "gazetteer", "West Bank"), ("الخليل", "Hebron", "gazetteer", "West Bank")]
    assert [e.text for e in extract_entities("وصل تفوح إلى الخليل", tagger=False)] == ["الخليل"]


@pytest.mark.parametrize("text", ["", "   \n", "The quick brown fox jumps over 12 lazy dogs.",
                                  "١٢٣ 456 7٨9 ٪٥٠ 3.14 ٢٠٢٠/٠٥/٠١ 10,000"])
def test_nothing_to_find(text: str) -> None:
    assert [e for e in extract_entities(text) if e.source == "tagger"] == []


def test_huge_inputs_are_bounded() -> None:
    lexicon()
    default_tagger()
    para = ("قال سامر الخطيب إن القصف طال كفرزيتا وحلب " * 30_000)[:1_000_000]
    t0 = time.process_time()
    got = extract_entities(para)
    assert time.process_time() - t0 < 5.0
    assert max(e.span[1] for e in got if e.source == "tagger") <= MAX_TAG_CHARS
    word = "س" * 10_000
    t0 = time.process_time()
    got = extract_entities(f"قال {word} في حلب")
    assert time.process_time() - t0 < 1.0
    assert [(e.text, e.source) for e in got if e.type == "LOC"] == [("حلب", "gazetteer")]


def _rasd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "worker.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_rasd_ner_train_is_deterministic(tmp_path: Path) -> None:
    data = tmp_path / "train.txt"
    data.write_text(_conll(40), encoding="utf-8")
    one, two = tmp_path / "a.tsv", tmp_path / "b.tsv"
    r1 = _rasd("ner", "train", str(data), "--out", str(one), "--no-net")
    r2 = _rasd("ner", "train", str(data), "--out", str(two), "--no-net")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr
    summary = json.loads(r1.stdout)
    assert (summary["sentences"], summary["tokens"]) == (40, 440)
    assert one.read_bytes() == two.read_bytes()
    assert "# labels\tB-LOC B-ORG B-PER I-ORG I-PER O" in one.read_text(encoding="utf-8")
    assert not one.with_suffix(".npz").exists()


def test_rasd_ner_train_window_net_is_deterministic(tmp_path: Path) -> None:
    _torch()
    data = tmp_path / "train.txt"
    data.write_text(_conll(40), encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "m.tsv", tmp_path / "b" / "m.tsv"
    r1 = _rasd("ner", "train", str(data), "--out", str(one))
    r2 = _rasd("ner", "train", str(data), "--out", str(two))
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr
    summary = json.loads(r1.stdout)
    assert summary["net_out"] == str(one.with_suffix(".npz"))
    assert summary["rnn_out"] == str(tmp_path / "a" / "m_scan.npz")
    assert one.with_suffix(".npz").read_bytes() == two.with_suffix(".npz").read_bytes()
    assert (tmp_path / "a" / "m_scan.npz").read_bytes() == (tmp_path / "b" / "m_scan.npz").read_bytes()
    assert one.read_bytes() == two.read_bytes()
    from worker.extract.ner.recurrent import ScanNet, load_rnn

    rnn = load_rnn(tmp_path / "a" / "m_scan.npz")
    assert isinstance(rnn, ScanNet) and rnn.hidden == 256
    r3 = _rasd("ner", "train", str(data), "--out", str(tmp_path / "c.tsv"), "--no-rnn")
    assert r3.returncode == 0 and "rnn_out" not in json.loads(r3.stdout), r3.stderr
    assert (tmp_path / "c.npz").exists() and not (tmp_path / "c_scan.npz").exists()


@pytest.mark.parametrize(("chars", "half"), [(0, 2), (8, 3)])
def test_window_net_in_numpy_is_the_torch_network(chars: int, half: int) -> None:
    """The tagger's cached per-word projections give the torch network's own log-probabilities (up to
    one constant per token): the shipped shape, and one with character vectors over a seven-word window."""
    torch = _torch()
    import numpy as np

    from worker.extract.ner.net_train import fit_net
    from worker.extract.ner.train import fit
    from worker.extract.ner.window import WindowNet

    res = Resources({}, {})
    sents = parse(_conll(60))
    w = fit(sents, res, iterations=30)
    arrays = fit_net(sents, res, w.labels, epochs=2, chars=chars, half=half)
    net = WindowNet(arrays)
    assert (net.width, "chars" in arrays) == (2 * half + 1, chars > 0)
    doc = [["وقال", "زياد", "الحلبي", "من", "شركة", "النور", "."], ["إن", "كلمة_لم_ترها", "طال"], ["ـ"]]
    plain = Tagger(w.labels, w.transitions, w.state, res)
    both = Tagger(w.labels, w.transitions, w.state, res, net=net)
    got = both._scores(doc)[0] - plain._scores(doc)[0]
    # the same network rebuilt in torch from the exported arrays, run over each padded sentence
    feat = {str(f): i for i, f in enumerate(arrays["features"])}
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(arrays["bag"].astype(np.float32)), mode="sum")
    dim = bag.embedding_dim
    if chars:
        letter = {str(c): 4 + i for i, c in enumerate(arrays["chars"])}
        assert {"ا", "ل", "ن"} <= set(letter) and "ـ" not in letter and "ت" in letter
        cemb = torch.nn.Embedding.from_pretrained(torch.tensor(arrays["char_emb"]))
        cconv = torch.nn.Conv1d(cemb.embedding_dim, chars, 3)
        cconv.weight.data = torch.tensor(arrays["char_conv"])
        cconv.bias.data = torch.tensor(arrays["char_conv_b"])
        dim += chars
    conv = torch.nn.Conv1d(dim, net.hidden, 2 * half + 1)
    conv.weight.data = torch.tensor(arrays["conv"])
    conv.bias.data = torch.tensor(arrays["conv_b"])

    def vector(ids: list[int], form: str | None) -> object:
        rep = bag(torch.tensor([ids]))[0]
        if not chars:
            return rep
        if form is None:  # a sentence edge has no letters
            return torch.cat([rep, torch.zeros(chars)])
        seq = [0, 1, *(letter.get(c, 3) for c in form), 2, 0]  # pad, begin, letters, end, pad
        return torch.cat([rep, torch.tanh(cconv(cemb(torch.tensor(seq)).T[None])[0].max(dim=1).values)])

    want = []
    for s in doc:
        reps = [vector([feat["<s>"]], None)] * half
        for t in s:
            own = word_features(t, res)[2]
            reps.append(vector([feat[f] for f in own if f in feat] or [feat["<unk>"]], own[0][2:]))
        reps += [vector([feat["</s>"]], None)] * half
        h = torch.tanh(conv(torch.stack(reps).T[None]))[0].T
        logits = h @ torch.tensor(arrays["out"]).T + torch.tensor(arrays["out_b"])
        want.append(float(arrays["weight"]) * (torch.log_softmax(logits, -1).detach().numpy() - arrays["prior"]))
    # the tagger decodes logits: the log-probabilities less one constant per token, which decoding ignores
    gap = got - np.concatenate(want)
    assert np.allclose(gap - gap[:, :1], 0, atol=1e-4)
    assert both.tag_tokens(doc)[0][1:3] == ["B-PER", "I-PER"]
    pre = np.random.default_rng(5).normal(size=(7, net.hidden)).astype(np.float32)
    shift = net.logits(pre) - net.scores(pre)
    assert np.abs(shift).max() > 1e-2 and np.allclose(shift - shift[:, :1], 0, atol=1e-5)


def test_window_net_checkpoint_average() -> None:
    """``average=k``: the returned weights are the mean of the last k epochs' (seen through the
    snapshots, which leave training unchanged)."""
    _torch()
    import numpy as np

    from worker.extract.ner.net_train import fit_net
    from worker.extract.ner.train import fit

    res = Resources({}, {})
    sents = parse(_conll(40))
    labels = fit(sents, res, iterations=10).labels
    seen: dict[str, dict[str, np.ndarray]] = {}
    last = fit_net(sents, res, labels, epochs=3, chars=8, snapshot=lambda name, a: seen.setdefault(name, a))
    assert sorted(seen) == ["e1", "e2", "e2avg2", "e3", "e3avg2", "e3avg3"]
    avg = fit_net(sents, res, labels, epochs=3, chars=8, average=3)
    assert all(last[k].tobytes() == seen["e3"][k].tobytes() for k in last)
    for k in ("conv", "out_b", "char_emb", "char_conv"):
        mean = (seen["e1"][k] + seen["e2"][k] + seen["e3"][k]) / 3
        assert np.allclose(avg[k], mean, atol=1e-6) and avg[k].tobytes() == seen["e3avg3"][k].tobytes()
        assert not np.allclose(avg[k], seen["e3"][k], atol=1e-4)


def test_rasd_ner_train_bad_input(tmp_path: Path) -> None:
    missing = _rasd("ner", "train", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "m.tsv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("كلمة\tوسم خاطئ غريب\n", encoding="utf-8")
    r = _rasd("ner", "train", str(bad), "--out", str(tmp_path / "m.tsv"))
    assert r.returncode == 2 and "line 1" in r.stderr and "Traceback" not in r.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    r = _rasd("ner", "train", str(empty), "--out", str(tmp_path / "m.tsv"))
    assert r.returncode == 2 and "no sentences" in r.stderr
    assert not (tmp_path / "m.tsv").exists()


def test_rasd_extract_json_has_sources(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("وصل السفير جون سميث إلى بيروت.", encoding="utf-8")
    r = _rasd("extract", str(src))
    assert r.returncode == 0, r.stderr
    ents = json.loads(r.stdout)["entities"]
    assert [(e["type"], e["text"], e["source"]) for e in ents] == [
        ("PER", "جون سميث", "tagger"), ("LOC", "بيروت", "gazetteer")]
    assert set(ents[0]) == {"type", "text", "span", "normalized", "geo", "source"}


def test_merged_networks_score_as_their_average() -> None:
    """``merge_nets``: one wider network whose logits are the seeds' average (its log-probabilities up to
    a constant per token, which decoding ignores), so the tagger decodes the ensemble exactly."""
    _torch()
    import numpy as np

    from worker.extract.ner.net_train import fit_net, merge_nets
    from worker.extract.ner.train import fit
    from worker.extract.ner.window import WindowNet

    res = Resources({}, {})
    sents = parse(_conll(60))
    w = fit(sents, res, iterations=30)
    one, two = (fit_net(sents, res, w.labels, epochs=2, seed=s) for s in (1, 2))
    merged = WindowNet(merge_nets([one, two]))
    assert merged.hidden == 2 * WindowNet(one).hidden
    doc = [["وقال", "زياد", "الحلبي", "من", "شركة", "النور", "."], ["إن", "كلمة_لم_ترها", "طال"]]
    plain = Tagger(w.labels, w.transitions, w.state, res)._scores(doc)[0]
    each = [Tagger(w.labels, w.transitions, w.state, res, net=WindowNet(a))._scores(doc)[0] - plain for a in (one, two)]
    got = Tagger(w.labels, w.transitions, w.state, res, net=merged)._scores(doc)[0] - plain
    # the tagger decodes logits (no per-token normaliser), and logits of the merged network average exactly
    assert np.allclose(got, (each[0] + each[1]) / 2, atol=1e-4)
    assert not np.allclose(each[0], each[1], atol=1e-2)  # two different networks were averaged
    other = dict(two, features=np.array([*two["features"][:-1], "w=غيرها"]))
    with pytest.raises(ValueError, match="features"):
        merge_nets([one, other])


def _torch_rnn_scores(torch: Any, arrays: dict[str, Any], res: Resources, doc: list[list[str]]) -> Any:
    """The recurrent network rebuilt in torch from its exported arrays, run over each sentence alone."""
    import numpy as np

    feat = {str(f): i for i, f in enumerate(arrays["features"])}
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(arrays["bag"].astype(np.float32)), mode="sum")
    gru = torch.nn.GRU(bag.embedding_dim, arrays["w_hh"].shape[2], batch_first=True, bidirectional=True)
    for d, suffix in enumerate(["l0", "l0_reverse"]):
        for name, key in (("weight_ih", "w_ih"), ("bias_ih", "b_ih"), ("weight_hh", "w_hh"), ("bias_hh", "b_hh")):
            getattr(gru, f"{name}_{suffix}").data = torch.tensor(arrays[key][d])
    want = []
    with torch.no_grad():
        for s in doc:
            ids = [[feat[f] for f in word_features(t, res)[2] if f in feat] or [feat["<unk>"]] for t in s]
            h, _ = gru(torch.stack([bag(torch.tensor([i]))[0] for i in ids])[None])
            logits = h[0] @ torch.tensor(arrays["out"]).T + torch.tensor(arrays["out_b"])
            want.append(float(arrays["weight"]) * (torch.log_softmax(logits, -1).numpy() - arrays["prior"]))
    return np.concatenate(want)


def test_recurrent_net_in_numpy_is_the_torch_network() -> None:
    """The tagger's cached input projections and its batched, padded recurrence give the torch GRU's own
    log-probabilities, and a text's sentences batched together score as each sentence alone."""
    torch = _torch()
    import numpy as np

    from worker.extract.ner.recurrent import RecurrentNet
    from worker.extract.ner.rnn_train import fit_rnn
    from worker.extract.ner.train import fit

    res = Resources({}, {})
    sents = parse(_conll(60))
    w = fit(sents, res, iterations=30)
    arrays = fit_rnn(sents, res, w.labels, epochs=2)
    rnn = RecurrentNet(arrays)
    doc = [["وقال", "زياد", "الحلبي", "من", "شركة", "النور", "."], ["إن", "كلمة_لم_ترها", "طال"], ["."],
           ["سامر", "حداد", "وليلى", "العلي", "من", "جمعية", "الأمل", "في", "بنش", "ودارة", "."]]
    plain = Tagger(w.labels, w.transitions, w.state, res)
    both = Tagger(w.labels, w.transitions, w.state, res, rnn=rnn)
    got = both._scores(doc)[0] - plain._scores(doc)[0]
    want = _torch_rnn_scores(torch, arrays, res, doc)
    assert got.shape == (22, len(w.labels)) and np.abs(want).max() > 0.3
    assert np.allclose(got, want, atol=1e-4)
    alone = np.concatenate([both._scores([s])[0] - plain._scores([s])[0] for s in doc])
    assert np.allclose(got, alone, atol=1e-5)
    assert both.tag_tokens(doc)[0][1:3] == ["B-PER", "I-PER"]
    # an empty sentence and an empty text are no steps at all
    assert both._scores([[], ["طال"]])[0].shape == (1, len(w.labels))
    assert rnn.scores(np.zeros((0, rnn.width), np.float32), []).shape == (0, len(w.labels))


def test_recurrent_net_bad_input_is_bounded() -> None:
    _torch()
    from worker.extract.ner.recurrent import RecurrentNet
    from worker.extract.ner.rnn_train import fit_rnn
    from worker.extract.ner.train import fit

    res = Resources({}, {})
    sents = parse(_conll(30))
    w = fit(sents, res, iterations=20)
    tagger = Tagger(w.labels, w.transitions, w.state, res, rnn=RecurrentNet(fit_rnn(sents, res, w.labels, epochs=1)))
    assert tagger.spans("") == [] and tagger.spans(" \n\n ") == [] and tagger.tag_tokens([[], []]) == [[], []]
    word = "س" * 10_000
    t0 = time.process_time()
    assert len(tagger.tag_tokens([["قال", word, "في", "بنش"]])[0]) == 4
    assert time.process_time() - t0 < 1.0
    para = ("قال سامر الخطيب إن القصف طال كفرزيتا وحلب " * 30_000)[:MAX_TAG_CHARS]  # one sentence, ~1,700 steps
    t0 = time.process_time()
    got = tagger.spans(para)
    assert time.process_time() - t0 < 2.0
    assert got and max(s.end for s in got) <= len(para)


def test_scan_net_in_numpy_is_the_torch_network() -> None:
    """The input-gated recurrence (``cell="scan"``): cached per-type decays and inputs, the batched scan
    in numpy, equal the recurrence rebuilt in torch from the exported arrays, sentence by sentence."""
    torch = _torch()
    import numpy as np

    from worker.extract.ner.recurrent import ScanNet, load_rnn
    from worker.extract.ner.rnn_train import fit_rnn
    from worker.extract.ner.train import fit

    res = Resources({}, {})
    sents = parse(_conll(60))
    w = fit(sents, res, iterations=30)
    arrays = fit_rnn(sents, res, w.labels, epochs=2, cell="scan", hidden=16)
    rnn = ScanNet(arrays)
    doc = [["وقال", "زياد", "الحلبي", "من", "شركة", "النور", "."], ["إن", "كلمة_لم_ترها", "طال"], ["."],
           ["سامر", "حداد", "وليلى", "العلي", "من", "جمعية", "الأمل", "في", "بنش", "ودارة", "."]]
    plain = Tagger(w.labels, w.transitions, w.state, res)
    both = Tagger(w.labels, w.transitions, w.state, res, rnn=rnn)
    got = both._scores(doc)[0] - plain._scores(doc)[0]
    feat = {str(f): i for i, f in enumerate(arrays["features"])}
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(arrays["bag"].astype(np.float32)), mode="sum")
    lin, lin_b, h = torch.tensor(arrays["lin"]), torch.tensor(arrays["lin_b"]), 16
    want = []
    for s in doc:
        ids = [[feat[f] for f in word_features(t, res)[2] if f in feat] or [feat["<unk>"]] for t in s]
        g = torch.stack([bag(torch.tensor([i]))[0] for i in ids]) @ lin.T + lin_b
        ways = []
        for d, seq in ((0, g), (1, g.flip(0))):
            z = torch.sigmoid(seq[:, 2 * d * h : (2 * d + 1) * h])
            c = torch.tanh(seq[:, (2 * d + 1) * h : (2 * d + 2) * h])
            state, hs = torch.zeros(h), []
            for k in range(len(s)):
                state = (1 - z[k]) * state + z[k] * c[k]
                hs.append(state)
            ways.append(torch.stack(hs) if d == 0 else torch.stack(hs).flip(0))
        logits = torch.cat(ways, -1) @ torch.tensor(arrays["out"]).T + torch.tensor(arrays["out_b"])
        want.append(float(arrays["weight"]) * (torch.log_softmax(logits, -1).detach().numpy() - arrays["prior"]))
    want_all = np.concatenate(want)
    assert got.shape == (22, len(w.labels)) and np.abs(want_all).max() > 0.3
    # logits, not log-probabilities: one constant per token apart (decoding ignores it), the same everywhere
    # up to the int16 cache rows (their rounding; docs/ner.md gives the shipped model's)
    diff = got - want_all
    assert np.abs(diff - diff[:, :1]).max() < 2e-4
    assert np.abs(np.diff(got, axis=1) - np.diff(want_all, axis=1)).max() < 2e-4
    assert both._rtable.dtype == np.int16
    # from float32 rows (no rounding) the scan is torch's to float32 precision
    exact = rnn.scores(rnn.project(both.rnn.reps([word_features(t, res)[2] for s in doc for t in s])),
                       list(map(len, doc)))
    assert np.abs(np.diff(exact, axis=1) - np.diff(want_all, axis=1)).max() < 1e-4
    alone = np.concatenate([both._scores([s])[0] - plain._scores([s])[0] for s in doc])
    assert np.allclose(got, alone, atol=1e-5)
    assert both.tag_tokens(doc)[0][1:3] == ["B-PER", "I-PER"]
    with pytest.raises(ValueError, match="unknown cell"):
        fit_rnn(sents, res, w.labels, epochs=1, cell="lstm")
    path = Path(__file__).parent / "_no_such_model.npz"
    assert load_rnn(path) is None


@pytest.mark.parametrize("cell", ["gru", "scan"])
def test_recurrent_training_is_deterministic(cell: str) -> None:
    _torch()
    from worker.extract.ner.rnn_train import fit_rnn

    res = Resources({}, {})
    sents = parse(_conll(40))
    labels = sorted({t for s in sents for _, t in s})
    one, two, other = (fit_rnn(sents, res, labels, epochs=1, seed=seed, hidden=8, cell=cell) for seed in (1, 1, 2))
    assert sorted(one) == sorted(two)
    assert all(one[k].tobytes() == two[k].tobytes() for k in one)
    assert one["bag"].tobytes() != other["bag"].tobytes()
