"""Load the checked support lines and urgent warning signs from ``prompts/``.

These files are the only place a phone number or warning sign may come from: a wrong
number shown to someone in crisis is the worst bug this app could have. So the loader
is strict: every resource needs a source and a checked date, phone numbers must look
like phone numbers, and every resource names a country that exists in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workbook.content import PROMPTS_DIR, ContentError, _Reader, read_toml

KINDS = (
    "crisis line",
    "perinatal mental health",
    "pregnancy-loss support",
    "support group",
    "therapist directory",
)
NEEDS = {
    "talk-now": "I need to talk to someone now",
    "loss-support": "Support after a pregnancy loss",
    "support-group": "A support group",
    "find-therapist": "Find a therapist",
}
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 .()\-]{1,22}[0-9]$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: tuple[str, ...]
    emergency_note: str
    emergency_source: str


@dataclass(frozen=True)
class Resource:
    name: str
    kind: str
    country: str
    offers: str
    phone: str
    text: str
    website: str
    hours: str
    note: str
    needs: tuple[str, ...]
    source: str
    checked: str

    @property
    def phone_link(self) -> str:
        """A tel: link that a phone can dial (digits and a leading + only)."""
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else ""


@dataclass(frozen=True)
class Directory:
    checked: str
    countries: tuple[Country, ...]
    resources: tuple[Resource, ...]

    def country(self, code: str) -> Country:
        for c in self.countries:
            if c.code == code:
                return c
        raise KeyError(code)

    def for_country(self, code: str, need: str | None = None) -> list[Resource]:
        """Resources of one country plus the international ones, optionally for one need."""
        return [
            r
            for r in self.resources
            if r.country in (code, "INT") and (need is None or need in r.needs)
        ]


@dataclass(frozen=True)
class Sign:
    text: str
    source: str
    url: str


@dataclass(frozen=True)
class Urgent:
    intro: str
    signs: tuple[Sign, ...]
    later_intro: str
    later_signs: tuple[Sign, ...]
    non_urgent: str

    @property
    def sources(self) -> tuple[Sign, ...]:
        """Each source once, in the order the signs name them (for one "Sources" fold)."""
        seen: dict[str, Sign] = {}
        for sign in (*self.signs, *self.later_signs):
            seen.setdefault(sign.url, sign)
        return tuple(seen.values())


def parse_directory(data: dict, file: str = "resources.toml") -> Directory:
    r = _Reader(file, "-", data)
    checked = r.text("checked")
    if not DATE_PATTERN.match(checked):
        r.fail("checked", "must be a date like 2026-11-24")
    countries = []
    for c in r.tables("countries"):
        emergency = c.strings("emergency")
        for number in emergency:
            if not PHONE_PATTERN.match(number) and not number.isdigit():
                c.fail("emergency", f"'{number}' does not look like a phone number")
        countries.append(
            Country(
                c.text("code"),
                c.text("name"),
                emergency,
                c.text("emergency_note", False),
                c.text("emergency_source", False),
            )
        )
        if emergency and not countries[-1].emergency_source:
            c.fail("emergency_source", "is missing: every emergency number needs a source")
    codes = {c.code for c in countries}
    resources = []
    for t in r.tables("resources"):
        kind = t.text("kind")
        if kind not in KINDS:
            t.fail("kind", f"must be one of {', '.join(KINDS)}")
        country = t.text("country")
        if country not in codes:
            t.fail("country", f"'{country}' is not in [[countries]]")
        phone = t.text("phone", False)
        if phone and not (PHONE_PATTERN.match(phone) or phone.isdigit()):
            t.fail("phone", f"'{phone}' does not look like a phone number")
        needs = t.strings("needs")
        unknown = [n for n in needs if n not in NEEDS]
        if unknown or not needs:
            t.fail("needs", f"must be one or more of {', '.join(NEEDS)}")
        checked_on = t.text("checked")
        if not DATE_PATTERN.match(checked_on):
            t.fail("checked", "must be a date like 2026-11-24")
        resources.append(
            Resource(
                name=t.text("name"),
                kind=kind,
                country=country,
                offers=t.text("offers"),
                phone=phone,
                text=t.text("text", False),
                website=t.text("website", False),
                hours=t.text("hours", False),
                note=t.text("note", False),
                needs=tuple(needs),
                source=t.text("source"),
                checked=checked_on,
            )
        )
        if not (phone or resources[-1].text or resources[-1].website):
            t.fail("phone", "a resource needs a phone number, a text number or a website")
    return Directory(checked, tuple(countries), tuple(resources))


def parse_urgent(data: dict, file: str = "urgent.toml") -> Urgent:
    r = _Reader(file, "-", data)

    def signs(field: str) -> tuple[Sign, ...]:
        items = tuple(
            Sign(s.text("text"), s.text("source"), s.text("url")) for s in r.tables(field)
        )
        if not items:
            r.fail(field, "needs at least one sign")
        return items

    return Urgent(
        r.text("intro"),
        signs("signs"),
        r.text("later_intro"),
        signs("later_signs"),
        r.text("non_urgent"),
    )


# Browser time zones that name one of the countries in resources.toml. A time zone
# says where the device is better than a language setting does (many phones say
# "en-US" everywhere), so it is asked first. Prefixes end in "/".
TIMEZONE_COUNTRY = {
    "Europe/London": "GB",
    "Europe/Belfast": "GB",
    "Europe/Dublin": "IE",
    "Australia/": "AU",
    "Pacific/Auckland": "NZ",
    "Pacific/Chatham": "NZ",
    "Asia/Jakarta": "ID",
    "Asia/Pontianak": "ID",
    "Asia/Makassar": "ID",
    "Asia/Jayapura": "ID",
    "Canada/": "CA",
    "US/": "US",
    "Pacific/Honolulu": "US",
    "America/Indiana/": "US",
    "America/Kentucky/": "US",
    "America/North_Dakota/": "US",
}
_CANADA = (
    "Toronto Vancouver Edmonton Winnipeg Halifax St_Johns Regina Montreal Moncton "
    "Whitehorse Yellowknife Iqaluit Glace_Bay Goose_Bay Swift_Current Dawson_Creek "
    "Fort_Nelson Creston Dawson Inuvik Rankin_Inlet Resolute Cambridge_Bay Atikokan "
    "Blanc-Sablon Nipigon Thunder_Bay Rainy_River Pangnirtung"
)
_USA = (
    "New_York Chicago Denver Los_Angeles Phoenix Anchorage Boise Detroit Juneau Sitka "
    "Nome Adak Menominee Metlakatla Yakutat Indianapolis Louisville"
)
TIMEZONE_COUNTRY |= {f"America/{city}": "CA" for city in _CANADA.split()}
TIMEZONE_COUNTRY |= {f"America/{city}": "US" for city in _USA.split()}


def guess_country(locale: str | None, timezone: str | None, known: set[str]) -> str | None:
    """The most likely country code from the browser's time zone, then its language tag.

    Only codes in ``known`` are returned; None when neither says anything we can use,
    so the page shows the international line and asks the person to choose.
    """
    if timezone:
        for zone, code in TIMEZONE_COUNTRY.items():
            matches = timezone.startswith(zone) if zone.endswith("/") else timezone == zone
            if matches and code in known:
                return code
    if locale:
        parts = locale.replace("_", "-").split("-")
        region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if region is None and parts[0].lower() == "id":
            region = "ID"  # Indonesian with no region: Indonesia
        if region == "UK":
            region = "GB"
        if region in known:
            return region
    return None


@cache
def directory(path: Path = PROMPTS_DIR / "resources.toml") -> Directory:
    """The shipped support directory, read once per process (same for every user)."""
    return parse_directory(read_toml(path), path.name)


@cache
def urgent(path: Path = PROMPTS_DIR / "urgent.toml") -> Urgent:
    """The shipped urgent warning signs, read once per process."""
    return parse_urgent(read_toml(path), path.name)


__all__ = [
    "ContentError",
    "Country",
    "Directory",
    "Resource",
    "Urgent",
    "directory",
    "guess_country",
    "urgent",
]
