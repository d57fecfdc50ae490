"""Wellbeing results, care team and preferences: encrypted, private by default, isolated."""

import pytest

from workbook import careteam, checkin, preferences, spaces, wellbeing
from workbook.careteam import CareTeamError
from workbook.sealed import PRIVATE, SHARED

from helpers import join, make_space


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    return sam, alex


def test_wellbeing_results_are_private_until_shared(db, couple):
    sam, alex = couple
    saved = wellbeing.save(db, sam, checkin.score("phq9", [1] * 9))
    assert [r.total for r in wellbeing.history(db, sam)] == [9]
    assert wellbeing.history(db, alex) == []
    wellbeing.set_visibility(db, sam, saved.id, SHARED)
    [seen] = wellbeing.history(db, alex)
    assert seen.total == 9 and seen.band_label == saved.band_label
    wellbeing.set_visibility(db, sam, saved.id, PRIVATE)
    assert wellbeing.history(db, alex) == []


def test_only_the_author_can_share_or_delete_a_result(db, couple):
    sam, alex = couple
    saved = wellbeing.save(db, sam, checkin.score("gad7", [0] * 7), SHARED)
    with pytest.raises(ValueError):
        wellbeing.set_visibility(db, alex, saved.id, PRIVATE)
    wellbeing.remove(db, alex, saved.id)  # not Alex's: nothing happens
    assert len(wellbeing.history(db, sam)) == 1
    wellbeing.remove(db, sam, saved.id)
    assert wellbeing.history(db, sam) == []


def test_scores_are_not_readable_in_the_raw_database(db, target, couple):
    sam, _ = couple
    wellbeing.save(db, sam, checkin.score("phq9", [3] * 9))
    raw = target.raw_bytes()
    assert b'"total"' not in raw and b"phq9" not in raw


def test_care_team_contacts_private_or_shared(db, couple):
    sam, alex = couple
    careteam.add(
        db, sam, role="Midwife", name="Jo Brown", phone="01234 567890", notes="Tuesdays only"
    )
    shared = careteam.add(
        db, sam, role="Clinic or hospital", name="Early pregnancy unit", visibility=SHARED
    )
    assert [c.name for c in careteam.contacts(db, sam)] == ["Jo Brown", "Early pregnancy unit"]
    assert [c.name for c in careteam.contacts(db, alex)] == ["Early pregnancy unit"]
    with pytest.raises(CareTeamError):
        careteam.remove(db, alex, shared.id)
    careteam.set_visibility(db, sam, shared.id, PRIVATE)
    assert careteam.contacts(db, alex) == []


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"role": "Midwife", "name": "  "}, "write a name"),
        ({"role": "Astrologer", "name": "X"}, "choose who"),
        ({"role": "Other", "name": "X", "notes": "n" * 2_001}, "under 2,000"),
    ],
)
def test_care_team_refuses_bad_input_kindly(db, couple, fields, message):
    sam, _ = couple
    with pytest.raises(CareTeamError, match=message):
        careteam.add(db, sam, **fields)


def test_preferences_are_per_partner_and_encrypted(db, target, couple):
    sam, alex = couple
    assert preferences.load(db, sam) == {}
    preferences.update(db, sam, country="Ireland-marker")
    assert preferences.load(db, sam) == {"country": "Ireland-marker"}
    assert preferences.load(db, alex) == {}
    assert b"Ireland-marker" not in target.raw_bytes()


def test_two_tabs_changing_two_settings_at_once_keep_both(db, couple):
    """Load, delete, insert lost one of two changes (or raised on PostgreSQL)."""
    import threading

    sam, _ = couple
    for round_ in range(4):
        keys = [f"setting-{round_}-{i}" for i in range(6)]
        gate = threading.Barrier(len(keys))
        errors: list[BaseException] = []

        def change(key: str, gate=gate, errors=errors) -> None:
            gate.wait()
            try:
                preferences.update(db, sam, **{key: "yes"})
            except BaseException as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(exc)

        threads = [threading.Thread(target=change, args=(k,)) for k in keys]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        assert set(keys) <= set(preferences.load(db, sam)), round_
