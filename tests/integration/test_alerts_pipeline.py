"""Alerts end to end on real parts: replay in event time → spike → stored alert → signed webhook
delivered to a real receiver on 127.0.0.1; retries persisted in the database; nothing doubled."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from worker.alerts.receiver import WebhookReceiver
from worker.alerts.signing import generate_secret
from worker.resources import Resources
from worker.services.alerting import dispatch_due_deliveries
from worker.services.replay import replay_paths
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.store.tables import alerts, deliveries, delivery_log, webhooks

pytestmark = [pytest.mark.integration]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "replay" / "idlib-escalation.jsonl"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture()
def res(tmp_path: Path, redis_url: str) -> Iterator[Resources]:
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, import_feeds_on_start=False,
                        fetch_allow_hosts="127.0.0.1")
    prepare_storage(settings)
    resources = Resources(settings)
    yield resources
    resources.close()


def add_webhook(res: Resources, url: str, secret: str) -> int:
    with res.engine.begin() as conn:
        return int(conn.execute(sa.insert(webhooks).values(url=url, secret=secret, created_at=NOW)
                                .returning(webhooks.c.id)).scalar_one())


def test_replay_raises_one_alert_per_event_and_delivers_it_signed_once(res: Resources) -> None:
    secret = generate_secret()
    with WebhookReceiver([secret]) as receiver:
        add_webhook(res, receiver.url, secret)
        first = replay_paths(res, [FIXTURE], NOW)
        assert (first.items_read, first.new, first.processed, first.unique_stories) == (15, 15, 15, 14)
        assert len(first.alerts) == 1
        with res.engine.connect() as conn:
            stored = {r.region_key: r for r in conn.execute(sa.select(alerts))}
        # One event, one alert at the most specific level: Syria's window is carried by Idlib's alert.
        assert sorted(stored) == ["SY:admin1:Idlib"]
        idlib = stored["SY:admin1:Idlib"].payload
        # The alert comes with the sixth story of the episode (07:45), not at its end: fast, and once.
        assert (idlib["kind"], idlib["scale_hours"], idlib["severity"], idlib["observed"]) == ("new", 3, "watch", 6)
        assert idlib["window"] == {"start": "2026-11-19T05:00:00Z", "end": "2026-11-19T08:00:00Z"}
        assert idlib["region"]["name_ar"] == "إدلب" and idlib["region"]["country"] == "SY"
        assert [(r["name_en"], r["level"]) for r in idlib["enclosing"]] == [("Syria", "country")]
        assert idlib["sources"] == ["راديو المدينة", "شبكة الساحل", "وكالة الشمال"]
        assert [(s["title"], s["killed"], s["injured"]) for s in idlib["stories"]] == [
            ("انقطاع الكهرباء عن مدينة إدلب بعد استهداف محطة التحويل", None, None),
            ("تفجير سيارة مفخخة في مدينة الدانا", None, 9),
            ("قصف مدفعي كثيف على بلدات جبل الزاوية", 1, None),
            ("قصف صاروخي عنيف يستهدف أريحا وسط موجة نزوح", 4, None),
            ("غارات تستهدف مخيمات النازحين قرب حزانو", None, 2),
            ("مقتل سبعة مدنيين بغارات جوية على سراقب", 7, 15)]
        # The alert's tolls are the sum of its stories' totals; the Saraqib story counts once although
        # two outlets carried it.
        assert idlib["casualties"] == {"killed": 7 + 1 + 4, "injured": 9 + 2 + 15}
        got = receiver.wait_for(1, timeout=10)
        assert all(r.verified for r in got)
        assert sorted(r.body["id"] for r in got) == sorted(first.alerts)
        # the payload links to the alert's evidence in the API and its dashboard page
        assert {r.body["id"]: r.body["links"] for r in got}[idlib["id"]] == {
            "evidence": f"http://127.0.0.1:8080/alerts/{idlib['id']}",
            "dashboard": f"http://127.0.0.1:8080/#/alerts/{idlib['id']}"}
        # The same input again: nothing new is stored, raised or delivered.
        again = replay_paths(res, [FIXTURE], NOW)
        assert (again.new, again.unchanged, again.alerts) == (0, 15, [])
        assert dispatch_due_deliveries(res, NOW + timedelta(hours=1)) == 0
        assert len(receiver.deliveries) == 1


# The Idlib episode told with a day's running toll beside three of the incidents it includes.
RUNNING_TOLL_STORIES = {
    5: ("مقتل أحد عشر مدنيا بغارات جوية على سراقب",
        "قتل أحد عشر مدنيا في غارات جوية استهدفت الأحياء السكنية في مدينة سراقب شرقي إدلب فجر اليوم."),
    14: ("مقتل أحد عشر مدنيا بغارات جوية على سراقب (نقلا عن وكالة)",
         "قتل أحد عشر مدنيا في غارات جوية استهدفت الأحياء السكنية في مدينة سراقب شرقي إدلب فجر اليوم."),
    6: ("قصف صاروخي عنيف يستهدف أريحا", "تعرضت مدينة أريحا جنوبي إدلب لقصف صاروخي عنيف طال السوق الرئيسية، "
        "ما أسفر عن مقتل خمسة مدنيين ودفع عائلات كثيرة إلى النزوح."),
    8: ("قصف مدفعي كثيف على بلدات جبل الزاوية", "تعرضت بلدات جبل الزاوية جنوبي إدلب لقصف مدفعي كثيف، "
        "وأفادت مصادر محلية بمقتل ثلاثة رجال وتضرر عدد من المنازل."),
    11: ("ارتفاع حصيلة قتلى القصف على إدلب اليوم", "ارتفعت حصيلة قتلى القصف الجوي والمدفعي على محافظة إدلب "
         "اليوم إلى 35 قتيلا، بعد غارات طالت سراقب وأريحا وجبل الزاوية."),
}


def test_an_alert_never_adds_a_day_toll_to_the_incidents_it_includes(res: Resources, tmp_path: Path) -> None:
    lines = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    for index, (title, content) in RUNNING_TOLL_STORIES.items():
        lines[index] = {**lines[index], "title": title, "content": content}
    path = tmp_path / "running-toll.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    assert len(replay_paths(res, [path], NOW).alerts) == 1
    with res.engine.connect() as conn:
        payload = conn.execute(sa.select(alerts.c.payload)).scalar_one()
    assert [(s["title"], s["killed"], s["injured"], s["cumulative"]) for s in payload["stories"]] == [
        ("ارتفاع حصيلة قتلى القصف على إدلب اليوم", 35, None, ["killed"]),
        ("تفجير سيارة مفخخة في مدينة الدانا", None, 9, []),
        ("قصف مدفعي كثيف على بلدات جبل الزاوية", 3, None, []),
        ("قصف صاروخي عنيف يستهدف أريحا", 5, None, []),
        ("غارات تستهدف مخيمات النازحين قرب حزانو", None, 2, []),
        ("مقتل أحد عشر مدنيا بغارات جوية على سراقب", 11, None, [])]
    # 35 + 11 + 3 + 5 = 54 would count the incidents twice: the day's toll includes them.
    assert payload["casualties"] == {"killed": 35, "injured": 9 + 2}


def test_replay_of_the_same_input_gives_the_same_alerts(res: Resources, tmp_path: Path, redis_url: str) -> None:
    first = replay_paths(res, [FIXTURE], NOW, deliver=False)
    redis.Redis.from_url(redis_url).flushall()
    other = Settings(data_dir=tmp_path / "b", redis_url=redis_url, import_feeds_on_start=False)
    prepare_storage(other)
    fresh = Resources(other)
    try:
        second = replay_paths(fresh, [FIXTURE], NOW + timedelta(days=3), deliver=False)
    finally:
        fresh.close()
    assert sorted(second.alerts) == sorted(first.alerts)
    assert len(first.alerts) == 1


def test_failed_deliveries_follow_the_schedule_then_succeed(res: Resources) -> None:
    secret = generate_secret()
    with WebhookReceiver([secret]) as receiver:
        add_webhook(res, receiver.url, secret)
        receiver.fail(500, count=3)
        replay_paths(res, [FIXTURE], NOW, deliver=False)
        rng = random.Random(7)
        t = NOW
        for _ in range(12):  # walk the injectable clock from one due time to the next
            dispatch_due_deliveries(res, t, rng=rng)
            with res.engine.connect() as conn:
                pending = conn.execute(sa.select(sa.func.min(deliveries.c.next_attempt_at))
                                       .where(deliveries.c.state == "pending")).scalar()
            if pending is None:
                break
            t = max(t + timedelta(seconds=1), pending.replace(tzinfo=UTC) if pending.tzinfo is None else pending)
        with res.engine.connect() as conn:
            states = [r[0] for r in conn.execute(sa.select(deliveries.c.state))]
            log = conn.execute(sa.select(delivery_log.c.delivery_id, delivery_log.c.outcome, delivery_log.c.at)
                               .order_by(delivery_log.c.id)).all()
        assert states == ["delivered"]
        by_delivery: dict[int, list[tuple[str, datetime]]] = {}
        for delivery_id, outcome, at in log:
            by_delivery.setdefault(delivery_id, []).append((outcome, at))
        # Three failures (500 for the first three requests), then the delivery succeeds once.
        assert sorted([o for o, _ in v] for v in by_delivery.values()) == [["retry", "retry", "retry", "delivered"]]
        for attempts in by_delivery.values():
            times = [at for _, at in attempts]
            assert 4.0 <= (times[1] - times[0]).total_seconds() <= 6.0  # 5 s, jittered ±20 %
            assert 240.0 <= (times[2] - times[1]).total_seconds() <= 360.0  # 5 min, jittered
            assert 1440.0 <= (times[3] - times[2]).total_seconds() <= 2160.0  # 30 min, jittered
        assert len(receiver.deliveries) == 4
        assert len({r.webhook_id for r in receiver.deliveries}) == 1  # the same webhook-id on every retry


def test_gone_endpoint_is_disabled_and_its_deliveries_cancelled(res: Resources) -> None:
    secret = generate_secret()
    with WebhookReceiver([secret]) as receiver:
        hook = add_webhook(res, receiver.url, secret)
        receiver.fail(410)
        replay_paths(res, [FIXTURE], NOW, deliver=False)
        assert dispatch_due_deliveries(res, NOW) == 1
        with res.engine.connect() as conn:
            row = conn.execute(sa.select(webhooks.c.enabled, webhooks.c.disabled_reason)
                               .where(webhooks.c.id == hook)).one()
            states = sorted(r[0] for r in conn.execute(sa.select(deliveries.c.state)))
        assert row.enabled is False
        assert row.disabled_reason == "HTTP 410 Gone: the receiver asked to stop"
        assert states == ["cancelled"]
        assert dispatch_due_deliveries(res, NOW + timedelta(days=1)) == 0


def _sigint_default() -> None:
    """A suite started as a background job passes SIGINT ignored; Ctrl-C must reach `alerts watch`."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_alerts_watch_prints_new_alerts_live(res: Resources, tmp_path: Path, redis_url: str) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import wait_for

    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_REDIS_URL": redis_url, "RASD_DATA_DIR": str(tmp_path), "COLUMNS": "200",
                "PYTHONUNBUFFERED": "1"})
    out_path, err_path = tmp_path / "watch.out", tmp_path / "watch.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        watch = subprocess.Popen([sys.executable, "-m", "worker.cli", "alerts", "watch"], env=env, stdout=out,
                                 stderr=err, start_new_session=True, preexec_fn=_sigint_default)
        try:
            wait_for(lambda: b"watching for alerts" in err_path.read_bytes(), 30, what="watch to start")
            raised = replay_paths(res, [FIXTURE], NOW, deliver=False)
            assert len(raised.alerts) == 1
            # the table and the story lines are separate writes: wait for the last line, not the first
            wait_for(lambda: "محطة التحويل" in out_path.read_text(encoding="utf-8"), 30, what="the alert's stories printed")
        finally:
            os.killpg(watch.pid, signal.SIGINT)
            watch.wait(10)
    printed = out_path.read_text(encoding="utf-8")
    assert "Idlib / إدلب (SY)" in printed
    assert "Syria / سوريا (SY)" not in printed  # carried by the Idlib alert
    assert "انقطاع الكهرباء عن مدينة إدلب بعد استهداف محطة التحويل" in printed  # newest story first


def test_live_evaluation_is_skipped_when_a_later_one_already_read_the_counts(res: Resources) -> None:
    from worker.services.alerting import counters_of, evaluate_and_alert, signal_generation

    counters, key, now = counters_of(res), "SY:admin1:Idlib", NOW + timedelta(minutes=40)
    counters.add_stories([([key], str(i), f"src{i % 3}", now - timedelta(minutes=i)) for i in range(1, 9)])
    first = signal_generation(res)
    counters.mark_evaluated(key, first)  # as if an evaluation had read the counts after this batch
    assert evaluate_and_alert(res, [key], now, first) == 0
    with res.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(alerts)).scalar_one() == 0
    second = signal_generation(res)
    assert second == first + 1
    assert evaluate_and_alert(res, [key], now, second) == 1  # not covered: evaluated, the spike alerts
    assert counters.evaluated_generation(key) == second
    assert evaluate_and_alert(res, [key], now, second) == 0  # covered by the evaluation just made
    assert evaluate_and_alert(res, [key], now) == 0  # no generation: evaluated again, same episode
    with res.engine.connect() as conn:
        assert [r.severity for r in conn.execute(sa.select(alerts.c.severity))] == ["critical"]


def _spike(res: Resources, keys: list[str], now: datetime, stories: int, first_id: int) -> None:
    from worker.services.alerting import counters_of

    counters_of(res).add_stories([(keys, str(first_id + i), f"src{i % 3}", now - timedelta(minutes=i))
                                  for i in range(stories)])


def _outcome(res: Resources) -> tuple[dict[str, object], list[tuple[str, str, object]]]:
    from worker.store.tables import region_state

    with res.engine.connect() as conn:
        states = {r.region_key: r.state for r in conn.execute(sa.select(region_state))}
        raised = [(r.region_key, r.severity, r.payload) for r in conn.execute(sa.select(alerts).order_by(alerts.c.id))]
    return states, raised


def test_regions_evaluated_together_decide_as_one_at_a_time(res: Resources, tmp_path: Path, redis_url: str) -> None:
    """The batched live path stores the same detector states and alerts as evaluating each region alone."""
    from worker.services.alerting import evaluate_and_alert, evaluate_region, signal_generation
    from worker.signals.spikes import bucket_index

    alone = Resources(Settings(data_dir=tmp_path / "alone", redis_url=redis_url.rsplit("/", 1)[0] + "/1",
                               import_feeds_on_start=False))
    prepare_storage(alone.settings)
    try:
        idlib, aleppo, syria, quiet = "SY:admin1:Idlib", "SY:admin1:Aleppo", "SY:country:Syria", "IQ:country:Iraq"
        keys = [idlib, aleppo, syria, quiet]
        t1, t2 = NOW + timedelta(minutes=40), NOW + timedelta(hours=3, minutes=10)
        for env in (res, alone):
            _spike(env, [idlib, syria], t1, 8, 100)
            _spike(env, [aleppo, syria], t1, 2, 200)
        assert evaluate_and_alert(res, keys, t1, signal_generation(res)) == 2
        signal_generation(alone)
        assert sum(len(evaluate_region(alone, k, bucket_index(t1), bucket_index(t1), t1)) for k in keys) == 2
        for env in (res, alone):  # three hours on: Idlib's episode goes on, Aleppo now spikes
            _spike(env, [aleppo, syria], t2, 9, 300)
            _spike(env, [idlib], t2, 1, 400)
        # Aleppo alerts (its 24-hour window: 2 + 9 stories); Syria's episode (opened at t1) is already at
        # its highest severity
        assert evaluate_and_alert(res, keys, t2, signal_generation(res)) == 1
        assert sum(len(evaluate_region(alone, k, bucket_index(t2), bucket_index(t2), t2)) for k in keys) == 1
        together, apart = _outcome(res), _outcome(alone)
        assert together == apart
        assert sorted(together[0]) == sorted(keys)
        assert sorted((k, sev, p["observed"]) for k, sev, p in together[1]) == [
            (aleppo, "critical", 11), (idlib, "critical", 8), (syria, "critical", 10)]
        assert together[0][syria]["episode_open"] is True and together[0][quiet]["episode_open"] is False
    finally:
        alone.close()


def test_a_region_another_worker_is_evaluating_is_waited_for(res: Resources) -> None:
    """The free regions are evaluated at once; the held one after its holder lets go, not skipped."""
    import threading

    from tests.conftest import wait_for
    from worker.services.alerting import counters_of, evaluate_and_alert, region_lock, signal_generation

    counters, idlib, aleppo, now = counters_of(res), "SY:admin1:Idlib", "SY:admin1:Aleppo", NOW + timedelta(minutes=40)
    _spike(res, [idlib], now, 8, 100)
    _spike(res, [aleppo], now, 8, 200)
    generation = signal_generation(res)
    other = res.redis.lock(region_lock(idlib), timeout=60)
    assert other.acquire(blocking=False)
    created: list[int] = []
    evaluation = threading.Thread(target=lambda: created.append(evaluate_and_alert(res, [idlib, aleppo], now,
                                                                                     generation)))
    evaluation.start()
    try:
        wait_for(lambda: counters.evaluated_generation(aleppo) == generation, 10, what="Aleppo evaluated")
        assert evaluation.is_alive() and counters.evaluated_generation(idlib) == 0
    finally:
        other.release()
        evaluation.join(30)
    assert created == [2]
    assert counters.evaluated_generation(idlib) == generation
    assert res.redis.exists(region_lock(idlib), region_lock(aleppo)) == 0


def test_webhook_max_attempts_ends_the_schedule(tmp_path: Path, redis_url: str) -> None:
    """RASD_WEBHOOK_MAX_ATTEMPTS=2: a delivery failing every time is tried twice, then marked failed."""
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, import_feeds_on_start=False,
                        fetch_allow_hosts="127.0.0.1", webhook_max_attempts=2)
    prepare_storage(settings)
    res = Resources(settings)
    secret = generate_secret()
    try:
        with WebhookReceiver([secret]) as receiver:
            add_webhook(res, receiver.url, secret)
            receiver.fail(500, count=100)
            replay_paths(res, [FIXTURE], NOW, deliver=False)
            rng, t = random.Random(3), NOW
            for _ in range(6):
                dispatch_due_deliveries(res, t, rng=rng)
                t += timedelta(hours=1)
            with res.engine.connect() as conn:
                states = [r[0] for r in conn.execute(sa.select(deliveries.c.state))]
                outcomes = [r[0] for r in conn.execute(sa.select(delivery_log.c.outcome)
                                                       .order_by(delivery_log.c.id))]
        assert states and states == ["failed"] * len(states)  # one delivery per alert raised
        assert sorted(outcomes) == ["failed"] * len(states) + ["retry"] * len(states)  # two attempts each
    finally:
        res.close()
