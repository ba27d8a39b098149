"""Throughput of casualty extraction on ~300-word Arabic news articles, one core.

Prints one JSON object: articles/s (median of several rounds), µs per article, words per article.
Run: .venv/bin/python bench/extract_casualties.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.extract.casualties import compute_totals, extract_casualties

_SENTENCES = [
    "قتل 5 مدنيين وأصيب 12 آخرون في قصف مدفعي استهدف أحياء سكنية في مدينة إدلب صباح اليوم.",
    "وأفاد المرصد السوري لحقوق الإنسان بأن بين القتلى طفلين وامرأة، مشيرا إلى أن عدد القتلى مرشح للارتفاع.",
    "وفي ريف حلب الغربي، قتل نحو 14 عنصرا من فصائل المعارضة في اشتباكات مع القوات الحكومية.",
    "وقالت مصادر طبية إن المستشفى الميداني استقبل عشرات الجرحى خلال الساعات الماضية.",
    "ونفذت الطائرات الحربية أكثر من 20 غارة جوية على مواقع متفرقة في جبل الزاوية وسهل الغاب.",
    "وكان النزاع قد أودى بحياة أكثر من 350 ألف شخص منذ اندلاعه في مارس عام 2011 بحسب الأمم المتحدة.",
    "وأكد المتحدث باسم الدفاع المدني أن فرق الإنقاذ انتشلت ثلاث جثث من تحت أنقاض مبنى من خمسة طوابق.",
    "في غضون ذلك، بحث وزيرا الخارجية الروسي والتركي في اتصال هاتفي سبل التهدئة في المنطقة.",
    "وارتفعت حصيلة القتلى في الهجوم الذي استهدف سوقا شعبيا إلى 27 شخصا وفق وزارة الصحة.",
    "وأشار البيان إلى أن قوات الأمن اعتقلت 9 أشخاص يشتبه في تورطهم بالتخطيط للتفجير.",
    "ودعت منظمات إنسانية إلى فتح ممرات آمنة لإجلاء المدنيين ووصول المساعدات إلى نحو مليون نازح.",
    "وقال شهود عيان إن الانفجار سمع في أرجاء المدينة وإن سحب الدخان غطت سماء المنطقة لساعات.",
    "وتشهد المنطقة تصعيدا عسكريا منذ مطلع الشهر الجاري رغم اتفاق وقف إطلاق النار الموقع في 5 مارس.",
    "ولقي ثلاثة أطفال حتفهم في غارة على منزل عائلتهم في بلدة كفرنبل جنوبي إدلب.",
]


_OTHER = [
    "وبحث رئيس الوزراء مع وفد صندوق النقد الدولي سبل دعم الاقتصاد الوطني وخفض معدلات التضخم.",
    "وأعلنت وزارة التربية موعد امتحانات الشهادة الثانوية العامة لهذا العام في جميع المحافظات.",
    "ودعا الاتحاد الأوروبي الأطراف كافة إلى العودة إلى طاولة المفاوضات والالتزام بالحل السياسي.",
    "وارتفع سعر صرف الدولار في السوق الموازية إلى مستويات قياسية خلال تعاملات الأسبوع الماضي.",
    "وقالت المتحدثة باسم الحكومة إن مجلس الوزراء أقر مشروع الموازنة العامة وأحاله إلى البرلمان.",
    "ويشارك في المؤتمر ممثلون عن أكثر من 30 دولة ومنظمة إقليمية ودولية لبحث ملف إعادة الإعمار.",
    "وأكد الوزير أن الحكومة ماضية في تنفيذ خطتها لإصلاح قطاع الكهرباء وتحسين الخدمات الأساسية.",
    "واستقبلت العاصمة وفودا رسمية من دول الجوار لمناقشة التعاون في مجالات الطاقة والمياه والتجارة.",
    "وأشار التقرير إلى تراجع إنتاج القمح بنسبة 20% بسبب الجفاف وارتفاع أسعار الأسمدة والوقود.",
    "ونظمت وزارة الثقافة معرضا للكتاب بمشاركة 250 دار نشر عربية وأجنبية في قاعة المعارض الكبرى.",
]


def make_articles(n: int, words: int = 300, casualty_share: float = 1.0) -> list[str]:
    """~``words``-word articles; ``casualty_share`` of the sentences come from the casualty pool."""
    out = []
    for k in range(n):
        parts: list[str] = []
        j = k
        while sum(len(p.split()) for p in parts) < words:
            use_cas = (j * 7919 % 100) < casualty_share * 100
            pool = _SENTENCES if use_cas else _OTHER
            parts.append(pool[(j * 31 + k) % len(pool)])
            j += 1
        out.append("\n".join(parts))
    return out


def _rate(articles: list[str], rounds: int = 7) -> dict[str, float]:
    for a in articles[:50]:
        compute_totals(extract_casualties(a))  # warm-up
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        for a in articles:
            compute_totals(extract_casualties(a))
        wall.append(len(articles) / (time.perf_counter() - w0))
        cpu.append(len(articles) / max(time.process_time() - c0, 1e-9))
    return {
        "articles_per_s_wall_median": round(statistics.median(wall), 1),
        "articles_per_s_cpu_median": round(statistics.median(cpu), 1),
        "articles_per_s_cpu_max": round(max(cpu), 1),
        "us_per_article_cpu_median": round(1e6 / statistics.median(cpu), 1),
    }


def _calibration() -> float:
    """CPU seconds for sum(range(10**7)): ~0.12 s on an unloaded modern core; shows how slow this box is."""
    c0 = time.process_time()
    sum(range(10**7))
    return round(time.process_time() - c0, 3)


def main() -> None:
    t0 = time.perf_counter()
    dense = make_articles(300, casualty_share=1.0)
    typical = make_articles(300, casualty_share=0.3)
    no_cue = make_articles(300, casualty_share=0.0)
    result = {
        "benchmark": "extract_casualties",
        "articles_per_set": len(dense),
        "words_per_article": round(statistics.mean(len(a.split()) for a in dense), 1),
        "chars_per_article": round(statistics.mean(len(a) for a in dense), 1),
        "dense": _rate(dense),  # every sentence is casualty news (worst case)
        "typical": _rate(typical),  # ~30% of sentences carry a casualty word
        "no_casualty_words": _rate(no_cue),  # political/economic news: pre-filter only
        "target_articles_per_s": 3000,
        "calibration_sum_1e7_cpu_s": _calibration(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    result["elapsed_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
