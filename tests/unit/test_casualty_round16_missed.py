"""Round 16 (issue 18; docs/casualties.md, "Sixteenth round"), helper "missed": people treated for a gas
injury (given oxygen, treated for choking or breathing trouble) are wounded, as choking cases are. Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_SUNDAY = date(2018, 3, 4)


def _totals(text: str, reference: date | None = _SUNDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_people_given_oxygen_are_wounded() -> None:
    text = ("أعراض تنفسية بعد قصف بلدة\nقالت مديرية الصحة في البلدة اليوم إن انفجارا وقع قرب سوق الخضار. "
            "وأضافت المديرية أن 23 شخصا على الأقل عولجوا بالأوكسجين في النقطة الطبية.")
    assert _totals(text) == {"killed": None, "injured": 23}


def test_people_who_received_treatment_for_choking_are_wounded() -> None:
    text = ("قصف على أطراف المدينة\nقال مسعفون اليوم إن طفلا قتل في القصف، وإن 9 مدنيين تلقوا العلاج "
            "من حالات الاختناق في مستوصف الحي.")
    assert _totals(text) == {"killed": 1, "injured": 9}


def test_people_treated_in_hospital_without_a_gas_injury_are_not_read() -> None:
    # a control: a bare "treated" count restates or widens a hurt count; it is left unread
    text = ("حادث على الطريق السريع\nقال الدفاع المدني اليوم إن 12 شخصا تلقوا العلاج في مستشفى المدينة "
            "بعد انقلاب حافلة.")
    assert _totals(text)["injured"] is None


def test_a_headline_about_a_leader_in_treatment_tells_no_violence() -> None:
    # a control: treatment words find figures but name no violence in a title
    text = ("الرئيس يتلقى العلاج\nغادر الرئيس المستشفى اليوم بعد أن تلقى العلاج من التهاب في الرئة.")
    assert _totals(text) == {"killed": None, "injured": None}
