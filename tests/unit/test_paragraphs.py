from __future__ import annotations

from pathlib import Path

from worker.text.paragraphs import dedup_paragraphs, sentences, split_glued

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"

P1 = "قصفت المدفعية بلدة كفرنبل صباح الأحد وأوقعت قتلى وجرحى بين المدنيين."
P2 = "وقال مسؤول محلي إن فرق الإنقاذ انتشلت الضحايا من تحت الأنقاض بعد ساعات من العمل."
P3 = "وطالب المجلس المحلي المنظمات الإنسانية بالتدخل العاجل لتأمين مراكز إيواء للعائلات النازحة."


def test_seed_like_article_repeats_removed_exactly_once() -> None:
    raw = (ARTICLES / "seedlike.ar.txt").read_text(encoding="utf-8")
    expected = (ARTICLES / "seedlike.clean.ar.txt").read_text(encoding="utf-8")
    result = dedup_paragraphs(raw)
    assert result.text == expected
    assert result.removed == 4
    assert len(result.text.split("\n")) == 6  # the glued first line became two paragraphs
    assert dedup_paragraphs(result.text).removed == 0  # idempotent


def test_glued_paragraphs_split_but_decimals_and_latin_untouched() -> None:
    assert split_glued("انتهى الاجتماع.وبدأت المفاوضات") == "انتهى الاجتماع.\nوبدأت المفاوضات"
    assert split_glued("نسبة 3.5 في المئة") == "نسبة 3.5 في المئة"
    assert split_glued("موقع example.com والمزيد") == "موقع example.com والمزيد"


def test_near_exact_repeat_one_word_and_punctuation_changed() -> None:
    changed = P2.replace("بعد ساعات", "بعد عدة ساعات").replace(".", "!")
    result = dedup_paragraphs("\n".join([P1, P2, P3, changed]))
    assert result.text == "\n".join([P1, P2, P3])
    assert result.removed == 1


def test_repeat_with_diacritics_and_alef_variants_is_a_repeat() -> None:
    variant = "وقال مسؤولٌ محلي إنّ فرق الانقاذ انتشلت الضحايا من تحت الأنقاض بعد ساعات من العمل."
    assert dedup_paragraphs(f"{P2}\n{variant}").text == P2


def test_different_paragraphs_kept() -> None:
    text = "\n".join([P1, P2, P3])
    result = dedup_paragraphs(text)
    assert (result.text, result.removed) == (text, 0)


def test_short_identical_lines_only_collapse_when_exact() -> None:
    result = dedup_paragraphs("عاجل\nعاجل\nعاجل جدا")
    assert (result.text, result.removed) == ("عاجل\nعاجل جدا", 1)


def test_sentence_block_repeated_inside_one_paragraph() -> None:
    s1 = "وقال مدير المستشفى إن الطواقم استقبلت عشرات المصابين في ظروف صعبة للغاية."
    s2 = "وأضاف أن ثلاثة من الجرحى في حالة حرجة."
    s3 = "وأشار إلى نقص حاد في أكياس الدم والأدوية الإسعافية منذ أسابيع طويلة."
    result = dedup_paragraphs(f"{P1}\n{s1} {s2} {s3} {s1} {s3}")
    assert result.text == f"{P1}\n{s1} {s2} {s3}"
    assert result.removed == 1


def test_paragraph_made_of_earlier_sentences_is_removed() -> None:
    result = dedup_paragraphs(f"{P1} {P2}\n{P3}\n{P2} {P1}")
    assert (result.text, result.removed) == (f"{P1} {P2}\n{P3}", 1)


def test_short_repeated_sentence_inside_new_paragraph_is_kept() -> None:
    # A short formula ("وأضاف.") repeated in a new paragraph is language, not a pasted block.
    text = f"قال المسؤول. {P1}\n{P2} قال المسؤول."
    assert dedup_paragraphs(text).text == text


def test_sentences_split_keeps_punctuation_and_quotes() -> None:
    assert sentences("قال «انتهى الأمر.» ثم غادر؟ نعم") == ["قال «انتهى الأمر.»", "ثم غادر؟", "نعم"]


def test_words_found_once_in_the_article_settle_a_unit_without_comparing_it() -> None:
    from worker.text.paragraphs import _once, _unrepeatable

    def unrepeatable(ws: list[str], singles: set[str]) -> bool:  # the other words occur again elsewhere
        return _unrepeatable(len(ws), _once(ws, set(ws) - singles))

    ten = [f"w{i}" for i in range(10)]
    assert _once(ten, {"w0", "w3", "x"}) == 8  # the words of ten that are not repeated
    assert not unrepeatable(ten, set())  # nothing occurs once: it must be compared
    assert not unrepeatable(ten, {"w0"})  # 9 of 10 shared is still a possible near copy (Dice 0.9)
    assert unrepeatable(ten, {"w0", "w1", "w2"})  # 7 shared cannot reach Dice 0.9 with >= 9 words
    assert unrepeatable(["w0", "w1", "w2"], {"w2"})  # short units count only as exact copies
    # Near the boundary: an 11-word sentence and its copy with one word changed (Dice 0.91).
    first = "استهدفت غارة جوية سوقا شعبيا في بلدة معرة النعمان صباح اليوم."
    copy = "استهدفت غارة جوية سوقا شعبيا في بلدة معرة النعمان ظهر اليوم."
    other = "وأعلن الدفاع المدني انتشال جثث الضحايا من تحت أنقاض المحال التجارية."
    result = dedup_paragraphs("\n".join([first, other, copy]))
    assert (result.text, result.removed) == (f"{first}\n{other}", 1)


def test_split_glued_keeps_abbreviations_whole() -> None:
    assert split_glued('وقال لقناة "إن.تي.في" التركية') == 'وقال لقناة "إن.تي.في" التركية'
    assert split_glued("نقلا عن أ.ف.ب. انتهى") == "نقلا عن أ.ف.ب. انتهى"
    assert split_glued("تحدث عنه.وقال الوزير") == "تحدث عنه.\nوقال الوزير"
