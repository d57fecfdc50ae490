"""The "Get help now" page: warning signs first, then numbers for the chosen country."""

from __future__ import annotations

import streamlit as st

from workbook.resources import directory, urgent


def render_get_help() -> None:
    """Urgent warning signs first, then emergency numbers and crisis lines by country."""
    signs = urgent()
    book = directory()
    st.title("Get help now")
    st.error(signs.intro, icon=":material/emergency:")
    countries = {c.name: c for c in book.countries if c.emergency}
    names = list(countries)
    remembered = st.session_state.get("help_country")
    choice = st.selectbox(
        "Your country",
        names,
        index=names.index(remembered) if remembered in names else None,
        placeholder="Choose your country to see its numbers",
    )
    if choice:
        st.session_state["help_country"] = choice
        country = countries[choice]
        numbers = " or ".join(f"[{n}](tel:{n})" for n in country.emergency)
        st.markdown(f"### Emergency number in {country.name}: {numbers}")
        if country.emergency_note:
            st.caption(country.emergency_note)
        crisis = [r for r in book.for_country(country.code, "talk-now") if r.country != "INT"]
        if crisis:
            st.markdown("#### To talk to someone now")
            for r in crisis:
                _resource_line(r)
    else:
        st.markdown(
            "Emergency numbers: "
            + "; ".join(f"{c.name} **{' or '.join(c.emergency)}**" for c in countries.values())
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
    st.caption(f"Source: [{sign.source}]({sign.url})")


def _resource_line(r) -> None:
    parts = [f"**{r.name}**"]
    if r.phone:
        parts.append(f"call [{r.phone}]({r.phone_link})")
    if r.text:
        parts.append(r.text)
    if r.hours:
        parts.append(r.hours)
    st.markdown(" · ".join(parts))
    detail = r.offers + (
        f" {r.note}." if r.note and not r.note.endswith(".") else (f" {r.note}" if r.note else "")
    )
    st.caption(f"{detail} Source: {r.source.split(' ; ')[0]} (checked {r.checked})")
