"""The "Get help now" page and the country picker the help pages share.

Warning signs come first (action first, VOICE.md section 6), then the emergency
number and crisis lines for the chosen country. The country is remembered for the
session, and for a signed-in partner in their own encrypted preferences.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import preferences
from workbook.resources import Country, Resource, directory, urgent
from workbook.ui.session import db, member

COUNTRY_KEY = "help_country"


def _remembered_country() -> str | None:
    if COUNTRY_KEY not in st.session_state:
        current = member()
        if current is not None:
            try:
                st.session_state[COUNTRY_KEY] = preferences.load(db(), current).get("country")
            except (SQLAlchemyError, OSError, ValueError):
                st.session_state[COUNTRY_KEY] = None
    return st.session_state.get(COUNTRY_KEY)


def _remember(name: str) -> None:
    st.session_state[COUNTRY_KEY] = name
    current = member()
    if current is not None:
        try:
            preferences.update(db(), current, country=name)
        except (SQLAlchemyError, OSError):
            pass  # remembering is a convenience; the page works without it


def country_picker(key: str) -> Country | None:
    """A country select box, pre-filled with the partner's remembered choice."""
    book = directory()
    countries = {c.name: c for c in book.countries if c.emergency}
    names = list(countries)
    remembered = _remembered_country()
    choice = st.selectbox(
        "Your country",
        names,
        index=names.index(remembered) if remembered in names else None,
        placeholder="Choose your country to see its numbers",
        key=key,
    )
    if choice and choice != remembered:
        _remember(choice)
    return countries.get(choice) if choice else None


def emergency_links(country: Country) -> str:
    return " or ".join(f"[{n}](tel:{n})" for n in country.emergency)


def crisis_lines(country: Country) -> list[Resource]:
    """The country's own lines for 'I need to talk to someone now'.

    Lines with a phone number come first, and among them those with no limitation
    (such as "England only"); otherwise the checked list's own order is kept.
    """
    lines = [r for r in directory().for_country(country.code, "talk-now") if r.country != "INT"]
    return sorted(lines, key=lambda r: (not r.phone, bool(r.note)))


def resource_line(r: Resource) -> None:
    parts = [f"**{r.name}**"]
    if r.phone:
        parts.append(f"call [{r.phone}]({r.phone_link})")
    if r.text:
        parts.append(r.text)
    if r.website:
        parts.append(r.website)
    if r.hours:
        parts.append(r.hours)
    st.markdown(" · ".join(parts))
    note = f" {r.note.rstrip('.')}." if r.note else ""
    st.caption(f"{r.offers}{note}")
    first = r.source.split(" ; ")[0]
    # A link inside a caption is drawn too faint to read (WCAG contrast), so not there.
    st.markdown(f"Source: [{_host(first)}]({first}), checked {r.checked}.")


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def render_get_help() -> None:
    """Urgent warning signs first, then emergency numbers and crisis lines by country."""
    signs = urgent()
    book = directory()
    st.title("Get help now")
    st.error(signs.intro, icon=":material/emergency:")
    country = country_picker("get_help_country")
    if country is not None:
        st.markdown(f"### Emergency number in {country.name}: {emergency_links(country)}")
        if country.emergency_note:
            st.caption(country.emergency_note)
        first = country.emergency_source.split(" ; ")[0]
        st.markdown(f"Source: [{_host(first)}]({first})")
        lines = crisis_lines(country)
        if lines:
            st.markdown("#### To talk to someone now")
            for r in lines:
                resource_line(r)
        st.page_link(
            "pages/support.py", label="More support and therapists", icon=":material/support:"
        )
    else:
        st.markdown(
            "Emergency numbers: "
            + "; ".join(
                f"{c.name} **{' or '.join(c.emergency)}**" for c in book.countries if c.emergency
            )
        )
    st.info(
        "If you might act on thoughts of ending your life, call your emergency number now.",
        icon=":material/call:",
    )

    st.header("Warning signs in your body", divider="gray")
    for sign in signs.signs:
        _sign(sign)
    st.markdown("**In the days after a miscarriage, also watch for signs of infection:**")
    for sign in signs.later_signs:
        _sign(sign)
    st.info(signs.non_urgent, icon=":material/local_hospital:")
    st.caption(
        f"Numbers checked on {book.checked}. Services change: if a number does not "
        "work, call your local emergency number."
    )


def _sign(sign) -> None:
    st.markdown(f"- {sign.text}")
    st.markdown(f"Source: [{sign.source}]({sign.url})")
