"""Benchmark: entity extraction + escalation keyword scoring on ~300-word Arabic articles, one core.

Prints ONE JSON object:
* ``articles_per_s`` (median of 5 passes) for ``extract_entities`` + ``score_keywords`` on distinct
  ~300-word articles, for a realistic mix (half the sentences name nothing) and a dense mix made
  only of gold-set sentences (every sentence names several places/actors);
* cold start: median of 5 fresh processes for import + building both automata.

Run: ``.venv/bin/python bench/extract_entities.py`` (about 30 s).
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.entities import extract_entities, lexicon  # noqa: E402
from worker.extract.keywords import matcher, score_keywords  # noqa: E402

GOLD = ROOT / "tests" / "unit" / "gold" / "entities.jsonl"
# Sentences that name nothing, as news articles are full of them.
FILLER = [
    "وأوضح المصدر أن الأوضاع الإنسانية تزداد سوءاً مع اقتراب فصل الشتاء ونقص المواد الأساسية.",
    "ويعاني السكان من انقطاع الكهرباء لساعات طويلة وارتفاع أسعار المحروقات والخبز.",
    "وأشار التقرير إلى أن آلاف العائلات ما زالت تعيش في خيام لا تقيها البرد ولا المطر.",
    "ودعت منظمات محلية إلى زيادة الدعم المقدم للمستشفيات الميدانية التي تعمل بطاقة محدودة.",
    "وقال أحد السكان إن الحياة توقفت بشكل شبه كامل وإن المدارس أغلقت أبوابها منذ أسابيع.",
    "وتشير تقديرات إلى أن نسبة البطالة تجاوزت نصف القوى العاملة في المنطقة.",
    "ولم تصدر أي تعليقات رسمية حتى ساعة إعداد هذا التقرير.",
    "ويأتي ذلك في ظل مخاوف متزايدة من موجة نزوح جديدة إذا استمرت العمليات العسكرية.",
    "وأكد ناشطون أن فرق الإسعاف واجهت صعوبات كبيرة في الوصول إلى المصابين بسبب الطرق المدمرة.",
    "وتبادل الطرفان الاتهامات بخرق الاتفاق الذي تم التوصل إليه بوساطة إقليمية.",
    "وطالب الأهالي بفتح ممرات آمنة لإيصال المساعدات الغذائية والطبية إلى المحاصرين.",
    "وذكرت مصادر محلية أن الأسعار ارتفعت بنسبة كبيرة خلال الأيام الماضية.",
]


def _articles(n: int, dense: bool, seed: int) -> list[str]:
    rng = random.Random(seed)
    gold = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    out = []
    for _ in range(n):
        words = 0
        parts = []
        while words < 300:
            pool = gold if dense or rng.random() < 0.5 else FILLER
            s = rng.choice(pool)
            parts.append(s)
            words += len(s.split())
        out.append(" ".join(parts))
    return out


def _throughput(articles: list[str]) -> tuple[float, float, float]:
    """Median wall-clock rate, median CPU-time rate (less sensitive to other jobs on the box), words."""
    rates, cpu_rates = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.thread_time()
        for a in articles:
            extract_entities(a)
            score_keywords(a)
        rates.append(len(articles) / (time.perf_counter() - t0))
        cpu_rates.append(len(articles) / (time.thread_time() - c0))
    return statistics.median(rates), statistics.median(cpu_rates), statistics.median(len(a.split()) for a in articles)


_COLD = """
import time
t0 = time.perf_counter()
from worker.extract.entities import lexicon
from worker.extract.keywords import matcher
t1 = time.perf_counter()
lexicon(); matcher()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def _cold_start() -> dict[str, float]:
    imports, builds = [], []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True, check=True)
        a, b = (float(x) for x in out.stdout.split())
        imports.append(a)
        builds.append(b)
    return {
        "import_s_median": round(statistics.median(imports), 4),
        "automaton_build_s_median": round(statistics.median(builds), 4),
        "total_s_median": round(statistics.median(i + b for i, b in zip(imports, builds, strict=True)), 4),
    }


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    lexicon()
    matcher()
    realistic = _articles(400, dense=False, seed=1)
    dense = _articles(400, dense=True, seed=2)
    extract_entities(realistic[0])  # warm caches that are per process, not per article
    r_rate, r_cpu, r_words = _throughput(realistic)
    d_rate, d_cpu, d_words = _throughput(dense)
    ents_per_article = statistics.mean(len(extract_entities(a)) for a in realistic[:100])
    result = {
        "benchmark": "extract_entities+score_keywords",
        "realistic": {"articles_per_s": round(r_rate, 1), "articles_per_cpu_s": round(r_cpu, 1),
                      "us_per_article": round(1e6 / r_rate, 1),
                      "words_per_article": r_words, "entities_per_article": round(ents_per_article, 1)},
        "dense": {"articles_per_s": round(d_rate, 1), "articles_per_cpu_s": round(d_cpu, 1),
                  "us_per_article": round(1e6 / d_rate, 1),
                  "words_per_article": d_words},
        "target_articles_per_s": 3000,
        "cold_start": _cold_start(),
        "automaton_keys": {"entities": lexicon().matcher.size, "keywords": matcher().size},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2), "cores_used": 1},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
