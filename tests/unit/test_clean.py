from __future__ import annotations

from pathlib import Path

from worker.text.clean import CleanResult, clean_article, is_boilerplate, is_read_more
from worker.text.normalize import match_words, normalize, normalize_with_offsets

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"

BODY1 = "قتل خمسة مدنيين وأصيب ثمانية آخرون في قصف مدفعي على بلدة الأتارب غربي حلب صباح الاثنين."
BODY2 = "وقال الدفاع المدني إن فرقه انتشلت جثث الضحايا من تحت أنقاض منزلين مدمرين في الحي الشرقي."


def test_web_page_fixture_cleaned_to_article_only() -> None:
    page = (ARTICLES / "seedlike-page.ar.html").read_text(encoding="utf-8")
    result = clean_article(page)
    assert result.text == "\n".join([
        "مقتل 23 شخصاً بقصف على كفرنبل",
        "تواصل القصف لليوم الثالث على التوالي على بلدة كفرنبل وريفها جنوبي إدلب.",
        "وأسفر القصف عن مقتل نحو 23 شخصاً بينهم 6 أطفال، وإصابة 41 آخرين بجروح، وفق ما أفاد به الدفاع المدني السوري.",
        "وقال مدير المستشفى الميداني في البلدة إن الطواقم الطبية استقبلت المصابين في ظروف صعبة، مشيراً إلى نقص حاد "
        "في أكياس الدم. وأضاف أن ثلاثة من الجرحى في حالة حرجة.",
        "وطالب المجلس المحلي في كفرنبل المنظمات الإنسانية بالتدخل العاجل لتأمين مراكز إيواء للعائلات النازحة التي "
        "تفترش العراء.",
    ])
    assert result.removed_paragraphs == 2
    assert result.removed_boilerplate == [
        "(سكاي نيوز عربية)", "اقرأ أيضاً:", "مقتل 5 بانفجار لغم في ريف حلب", "غارات على أطراف معرة النعمان",
        "المصدر: وكالات", "تابعونا على تطبيق تلغرام", "شارك هذا الخبر",
    ]


def test_seed_like_plain_text() -> None:
    result = clean_article((ARTICLES / "seedlike.ar.txt").read_text(encoding="utf-8"))
    assert result.text == (ARTICLES / "seedlike.clean.ar.txt").read_text(encoding="utf-8")
    assert (result.removed_paragraphs, result.removed_boilerplate) == (4, [])


def test_teaser_list_ends_at_the_next_real_paragraph() -> None:
    raw = "\n".join([BODY1, "اقرأ المزيد", "قصف على ريف إدلب", "غارات روسية على جسر الشغور", BODY2])
    result = clean_article(raw)
    assert result.text == f"{BODY1}\n{BODY2}"
    assert result.removed_boilerplate == ["اقرأ المزيد", "قصف على ريف إدلب", "غارات روسية على جسر الشغور"]


def test_inline_read_more_with_diacritics_and_variants() -> None:
    for marker in ("اقرأ أيضاً: مقتل 3 في درعا", "إقرأ أيضا - مقتل 3 في درعا", "شاهد أيضاً: فيديو القصف",
                   "للمزيد: تغطية خاصة", "اِقْرَأ أَيْضًا"):
        assert is_read_more(marker), marker
        assert clean_article(f"{BODY1}\n{marker}\n{BODY2}").text == f"{BODY1}\n{BODY2}", marker


def test_boilerplate_lines() -> None:
    for line in ("المصدر: وكالات", "المصدر : الجزيرة + وكالات", "(سكاي نيوز عربية)", "(رويترز)", "وكالات",
                 "تابعونا على فيسبوك", "تابعوا آخر الأخبار عبر تطبيقنا", "شارك الخبر", "صورة أرشيفية",
                 "جميع الحقوق محفوظة ©"):
        assert is_boilerplate(line), line
    for line in (BODY1, "وقال المصدر إن القصف استمر ساعات طويلة دون توقف على الأحياء السكنية في المدينة.",
                 "(سكاي نيوز عربية) قالت مصادر محلية إن القصف استمر حتى المساء وأوقع قتلى وجرحى بين المدنيين"):
        assert not is_boilerplate(line), line


def test_credit_inside_a_paragraph_stays() -> None:
    raw = f"(الأناضول) - {BODY1}\n{BODY2}"
    assert clean_article(raw).text == raw


def test_offsets_on_clean_text_map_exact_spans() -> None:
    text = clean_article("<p>قُتِلَ ٤٨ عنصراً في إدلب.</p><p>(سكاي نيوز عربية)</p>").text
    assert text == "قُتِلَ ٤٨ عنصراً في إدلب."
    n = normalize_with_offsets(text)
    start = n.text.index("48")
    assert n.to_display(start, start + 2) == (7, 9)
    assert text[7:9] == "٤٨"
    start = n.text.index("ادلب")
    assert text[slice(*n.to_display(start, start + 4))] == "إدلب"


def test_matching_form_and_words_are_those_of_the_clean_text() -> None:
    lead = "قصفت الطائرات بلدة الأتارب صباح اليوم."
    block = "وأفاد الدفاع المدنيّ بانتشال خمسة قتلى وثمانية جرحى من تحت الأنقاض في الحي الشرقي."
    raw = (f"<p>{lead} {block}</p><p>(رويترز)</p><p>{block} وقال ناشطون إن القصف استمر حتى المساء، «بلا توقف».</p>"
           f"<p>{BODY1}</p><p>{BODY1}</p>")
    result = clean_article(raw)
    # the repeated block was cut out of the third paragraph, the repeated paragraph dropped
    assert result.text == "\n".join([f"{lead} {block}", "وقال ناشطون إن القصف استمر حتى المساء، «بلا توقف».", BODY1])
    assert result.removed_paragraphs == 2
    assert result.matching == normalize(result.text)
    assert result.words == match_words(normalize(result.text))
    assert result.words[:3] == ["قصفت", "الطائرات", "بلده"]
    # a result built by hand has no forms; it still compares equal to one that has them
    assert CleanResult(result.text, 2, ["(رويترز)"]) == result
    assert CleanResult(result.text, 2).matching is None
