"""The support directory and urgent signs: complete, sourced, and never a made-up number."""

import re
from pathlib import Path

import pytest

from workbook.content import ContentError, read_toml
from workbook.resources import (
    KINDS,
    NEEDS,
    PHONE_PATTERN,
    directory,
    guess_country,
    parse_directory,
    urgent,
)

from helpers import shared_dir

HELPLINES = (shared_dir() or Path("/nonexistent")) / "design" / "helplines.md"
RESOURCES = Path(__file__).resolve().parents[1] / "prompts" / "resources.toml"


@pytest.mark.parametrize("r", directory().resources, ids=lambda r: r.name)
def test_every_entry_is_complete_and_sourced(r):
    assert r.name and r.kind in KINDS and r.offers
    assert r.country in {c.code for c in directory().countries}
    assert r.source.startswith("http")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.checked)
    assert set(r.needs) <= set(NEEDS)
    assert r.phone or r.text or r.website
    if r.phone:
        assert PHONE_PATTERN.match(r.phone), r.phone
        assert r.phone_link.startswith("tel:") and r.phone_link[4:].lstrip("+").isdigit()


def test_every_country_has_a_sourced_emergency_number():
    for country in directory().countries:
        if country.code == "INT":
            continue
        assert country.emergency, country.name
        assert country.emergency_source.startswith("http"), country.name


def confirmed_rows() -> list[str]:
    return [
        line
        for line in HELPLINES.read_text(encoding="utf-8").splitlines()
        if line.startswith("|") and "| confirmed" in line
    ]


@pytest.mark.skipif(not HELPLINES.exists(), reason="the shared design folder is not beside us")
@pytest.mark.parametrize("r", directory().resources, ids=lambda r: r.name)
def test_every_number_and_site_comes_from_a_confirmed_row(r):
    rows = [row for row in confirmed_rows() if r.source.split(" ; ")[0] in row]
    assert rows, f"{r.name}: no confirmed row in helplines.md has its source"
    row = rows[0]
    if r.phone:
        assert r.phone in row, f"{r.name}: {r.phone} is not in its confirmed row"
    if r.website:
        assert r.website in row, f"{r.name}: {r.website} is not in its confirmed row"
    if "website only" in row.split("| confirmed")[-1]:
        assert not r.phone, f"{r.name}: confirmed for its website only, but has a phone"


def test_a_bad_phone_number_is_refused():
    data = read_toml(RESOURCES)
    data["resources"][0]["phone"] = "call 999 now"
    with pytest.raises(ContentError, match="phone.*does not look like a phone number"):
        parse_directory(data)


def test_a_resource_without_a_source_is_refused():
    data = read_toml(RESOURCES)
    del data["resources"][0]["source"]
    with pytest.raises(ContentError, match=r"resources\[1\]\.source': is missing"):
        parse_directory(data)


def test_urgent_signs_each_name_their_source():
    signs = urgent()
    for sign in (*signs.signs, *signs.later_signs):
        assert sign.url.startswith("http") and sign.source
    assert not re.search(r"\d{3}", signs.intro + signs.non_urgent)  # no numbers in prose


def test_the_signs_after_a_miscarriage_come_first_and_name_themselves():
    signs = urgent()
    first = signs.signs[0]
    assert first.text.startswith("**Heavy bleeding:**") and "BPAS" in first.source
    assert any("painkillers do not ease" in s.text for s in signs.signs)
    assert all(s.text.startswith("**") for s in (*signs.signs, *signs.later_signs))
    assert signs.intro.startswith("Get help now")


def test_the_sources_are_gathered_once_each():
    signs = urgent()
    urls = [s.url for s in signs.sources]
    assert len(urls) == len(set(urls)) == 3
    assert {s.url for s in (*signs.signs, *signs.later_signs)} == set(urls)


KNOWN = {c.code for c in directory().countries if c.emergency}


@pytest.mark.parametrize(
    ("locale", "zone", "code"),
    [
        ("en-US", "Europe/London", "GB"),  # the time zone says more than the language
        ("en-US", "America/New_York", "US"),
        ("en-US", "America/Indiana/Knox", "US"),
        ("en-CA", None, "CA"),
        ("fr-CA", "America/Toronto", "CA"),
        (None, "Australia/Perth", "AU"),
        ("en-GB", "Europe/Dublin", "IE"),
        ("en_NZ", None, "NZ"),
        ("id", None, "ID"),
        ("id-ID", "Asia/Makassar", "ID"),
        ("en-GB", "Europe/Paris", "GB"),  # an unknown zone falls back to the language
        ("fr-FR", "Europe/Paris", None),  # neither is a country we list
        (None, None, None),
        ("", "", None),
        ("zh-Hant-TW", None, None),
    ],
)
def test_the_country_is_guessed_from_the_time_zone_then_the_language(locale, zone, code):
    assert guess_country(locale, zone, KNOWN) == code


def test_a_guess_is_only_ever_a_country_we_list():
    assert guess_country("en-GB", "Europe/London", {"US"}) is None
