"""analyse_item: the pure per-item work of processing (extraction and dedup fingerprint), run in a
replay's process pool; it must fingerprint exactly as the dedup index configured by the settings."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import redis

from worker.dedup.index import DedupIndex
from worker.pipeline import analyse
from worker.services.process import Analysed, analyse_item
from worker.settings import Settings
from worker.text.clean import clean_article

TEXT = ("قتل خمسة مدنيين وأصيب ثمانية آخرون في قصف استهدف سوق بلدة سراقب بريف إدلب الشرقي.\n"
        "وقال الدفاع المدني إن فرقه انتشلت الضحايا من تحت الأنقاض.")
BOUNDS = {"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000, "few": 3}


def test_item_gets_the_extraction_and_the_fingerprint_the_index_would_compute() -> None:
    settings = Settings(dedup_num_perm=64)
    out = analyse_item((TEXT, "قصف سراقب", BOUNDS, None, settings.dedup_num_perm))
    assert isinstance(out, Analysed)
    assert out.extraction == analyse(TEXT, title="قصف سراقب", vague_bounds=BOUNDS)
    assert out.extraction.totals == {"killed": 5, "injured": 8}
    # No command is sent: the client only carries the script registration.
    index = DedupIndex.from_settings(redis.Redis(host="127.0.0.1", port=1), settings)
    assert out.fingerprint == index.fingerprint(out.extraction.text_clean)  # as from the stored text
    assert len(out.fingerprint.signature) == 32


def test_a_failing_item_comes_back_as_its_error_message() -> None:
    out = analyse_item((TEXT, "", BOUNDS, None, 0))  # no permutations: fingerprinting raises
    assert isinstance(out, str)
    assert out.splitlines()[0] == "ValueError: num_perm must be greater than 0"


def test_the_result_crosses_a_process_pool_intact() -> None:
    # What replay does with 200+ items; the compiled build once broke here (a frozen dataclass
    # that could not be unpickled), and no smaller replay goes through the pool.
    job = (TEXT, "قصف سراقب", BOUNDS, None, 64)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        remote = pool.submit(analyse_item, job).result(timeout=60)
    assert remote == analyse_item(job)
    assert isinstance(remote, Analysed) and remote.extraction.totals == {"killed": 5, "injured": 8}


def test_clean_result_survives_pickling() -> None:
    cleaned = clean_article(TEXT + "\n" + TEXT)
    again = pickle.loads(pickle.dumps(cleaned))
    assert (again.text, again.removed_paragraphs, again.removed_boilerplate) == \
        (cleaned.text, cleaned.removed_paragraphs, cleaned.removed_boilerplate) == (TEXT, 2, [])
