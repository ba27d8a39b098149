"""Summary-only items: the article page is fetched through the guarded fetcher and its main text
extracted (trafilatura); when that fails the summary is processed and the reason recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer

from worker.models import ParsedItem
from worker.resources import Resources
from worker.services.fulltext import fetch_fulltext
from worker.services.ingest import store_items
from worker.services.process import process_batch
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.store.tables import articles, items

pytestmark = [pytest.mark.integration]
NOW = datetime(2026, 2, 3, 12, 0, tzinfo=UTC)
BODY = [
    "قتل تسعة مدنيين بينهم ثلاثة أطفال وأصيب أربعة عشر آخرون في قصف مدفعي استهدف سوق بلدة الأتارب بريف حلب الغربي صباح اليوم، بحسب الدفاع المدني.",
    "وقال مسؤول في المجلس المحلي إن القذائف سقطت في ساعة الذروة حين كان السوق مكتظاً بالمتسوقين، وإن فرق الإسعاف نقلت المصابين إلى مستشفيات المنطقة.",
    "وأضاف أن الأضرار طالت عشرات المحال التجارية وشبكة المياه، داعياً المنظمات الإنسانية إلى التدخل العاجل لتأمين المستلزمات الطبية للمستشفى الوحيد في البلدة.",
    "ويأتي القصف بعد أيام من تصعيد متواصل على محاور ريف حلب الغربي، حيث تبادلت القوات الحكومية وفصائل المعارضة القصف بالمدفعية والصواريخ.",
]
PAGE = ("<html><head><title>قصف سوق الأتارب</title></head><body><nav>الرئيسية | أخبار | رياضة | اتصل بنا</nav>"
        "<article><h1>مقتل تسعة مدنيين بقصف على سوق الأتارب</h1>" + "".join(f"<p>{p}</p>" for p in BODY)
        + "</article><footer>جميع الحقوق محفوظة</footer></body></html>")


@pytest.fixture()
def res(tmp_path: Path, redis_url: str) -> Iterator[Resources]:
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, import_feeds_on_start=False,
                        fetch_allow_hosts="127.0.0.1", fulltext_min_chars=400)
    prepare_storage(settings)
    resources = Resources(settings)
    yield resources
    resources.close()


def store_summary_item(res: Resources, url: str) -> int:
    item = ParsedItem(guid=url, link=url, title="مقتل تسعة مدنيين بقصف على سوق الأتارب",
                      summary="قصف على سوق الأتارب.", content="", published=NOW)
    return store_items(res.engine, None, "test", [item], NOW).new[0]


def test_summary_only_item_is_processed_with_the_page_text(res: Resources, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/news/1").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    item_id = store_summary_item(res, httpserver.url_for("/news/1"))
    first = process_batch(res, [item_id], NOW)
    assert (first.needs_fulltext, first.processed) == ([item_id], 0)
    assert fetch_fulltext(res.engine, res.fetcher, item_id) is True
    second = process_batch(res, [item_id], NOW)
    assert (second.needs_fulltext, second.processed) == ([], 1)
    with res.engine.connect() as conn:
        text, totals = conn.execute(sa.select(articles.c.text_clean, articles.c.totals)).one()
    assert BODY[0] in text and BODY[3] in text
    assert "اتصل بنا" not in text  # navigation is not article text
    assert totals == {"killed": 9, "injured": 14}


def test_failed_page_fetch_keeps_the_summary_and_records_why(res: Resources, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    item_id = store_summary_item(res, httpserver.url_for("/gone"))
    assert fetch_fulltext(res.engine, res.fetcher, item_id) is False
    result = process_batch(res, [item_id], NOW)
    assert result.processed == 1
    with res.engine.connect() as conn:
        error = conn.execute(sa.select(items.c.fulltext_error).where(items.c.id == item_id)).scalar_one()
        text = conn.execute(sa.select(articles.c.text_clean)).scalar_one()
    assert error.startswith("HTTPStatusError: ") and "404" in error
    assert text == "مقتل تسعة مدنيين بقصف على سوق الأتارب\nقصف على سوق الأتارب."
