"""The "Get help now" page, the crisis box, and the country picker the help pages share.

Action first (VOICE.md section 6): the warning signs open the page, each naming
itself, and the numbers for the most likely country show at once. The country is
guessed from the browser's time zone and language, remembered once the person
chooses one (for the session, and for a signed-in partner in their own encrypted
preferences), and can always be changed.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import checkin, preferences
from workbook.resources import Country, Resource, directory, guess_country, urgent
from workbook.ui.session import GET_HELP_PAGE, db, member
from workbook.vault import VaultError

COUNTRY_KEY = "help_country"
NO_COUNTRY_CRISIS = "a crisis line near you"
NO_COUNTRY_EMERGENCY = "your local emergency number"


def _remembered_country() -> str | None:
    if COUNTRY_KEY not in st.session_state:
        current = member()
        if current is not None:
            try:
                st.session_state[COUNTRY_KEY] = preferences.load(db(), current).get("country")
            except (SQLAlchemyError, OSError, ValueError, VaultError):
                # A damaged or unreachable row must never keep the numbers away.
                st.session_state[COUNTRY_KEY] = None
    return st.session_state.get(COUNTRY_KEY)


def _remember(name: str) -> None:
    st.session_state[COUNTRY_KEY] = name
    current = member()
    if current is not None:
        try:
            preferences.update(db(), current, country=name)
        except (SQLAlchemyError, OSError, ValueError, VaultError):
            pass  # remembering is a convenience; the page works without it


def _guessed_code(known: set[str]) -> str | None:
    """The country the browser's time zone or language points to, if we list it."""
    try:
        return guess_country(st.context.locale, st.context.timezone, known)
    except (AttributeError, RuntimeError):  # no browser context (a bare script run)
        return None


def country_picker(key: str, label: str = "Your country") -> Country | None:
    """A country select box: the partner's remembered choice, else the best guess."""
    countries = {c.name: c for c in directory().countries if c.emergency}
    names = list(countries)
    default = _remembered_country()
    if default not in names:
        code = _guessed_code({c.code for c in countries.values()})
        default = next((n for n, c in countries.items() if c.code == code), None)
    if key not in st.session_state:
        # Set, not passed as the default: a session ended elsewhere signs out in the
        # middle of a run, dropping the choice just made, and the browser kept showing
        # it while the numbers below were the default's. A value set here is sent to
        # the browser, so the box and the numbers always agree.
        st.session_state[key] = default
    choice = st.selectbox(
        label,
        names,
        # Given too, so a guessed country cannot be cleared with the box's "x" (which
        # hid the numbers); Streamlit's log line for "both" is off (config.toml).
        index=names.index(default) if default else None,
        placeholder="Choose your country to see its numbers",
        key=key,
    )
    if choice and choice != default:
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


def international_lines() -> list[Resource]:
    """Lines for anyone, in any country (shown beside the country's own)."""
    return [r for r in directory().resources if r.country == "INT" and "talk-now" in r.needs]


def _brief(r: Resource) -> str:
    parts = [f"**{r.name}**"]
    if r.phone:
        parts.append(f"call [{r.phone}]({r.phone_link})")
    if r.text:
        parts.append(r.text)
    if r.website:
        parts.append(r.website)
    if r.hours:
        parts.append(r.hours)
    return " · ".join(parts)


def resource_line(r: Resource, source: bool = True) -> None:
    st.markdown(_brief(r))
    note = f" {r.note.rstrip('.')}." if r.note else ""
    st.caption(f"{r.offers}{note}")
    if source:
        first = r.source.split(" ; ")[0]
        # A link inside a caption is drawn too faint to read (WCAG contrast), so not there.
        st.markdown(f"Source: [{_host(first)}]({first}), checked {r.checked}.")


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def crisis_box(key: str) -> None:
    """What to do now after a self-harm answer: call first, then why, then comfort.

    The likely country's numbers and the international line show at once; the
    country picker sits under them so the person can change it.
    """
    text = checkin.questionnaires().safety
    with st.container(border=True):
        st.error(f"**{text.title}**", icon=":material/emergency:")
        top = st.container()
        country = country_picker(key, "Your country (change it if this is wrong)")
        lines = crisis_lines(country) if country is not None else []
        calls = [r for r in lines if r.phone]
        if calls:
            crisis = f"{calls[0].name} on [{calls[0].phone}]({calls[0].phone_link})"
        else:
            crisis = NO_COUNTRY_CRISIS
        emergency = emergency_links(country) if country is not None else NO_COUNTRY_EMERGENCY
        top.markdown(text.render(crisis_line=crisis, emergency=emergency))
        for r in [r for r in lines if r is not (calls[0] if calls else None)]:
            top.markdown(f"- {_brief(r)}")
        for r in international_lines():
            top.markdown(f"- In any country: {_brief(r)}. {r.offers}")
        st.page_link(GET_HELP_PAGE, label="More ways to get help now", icon=":material/call:")


def render_get_help() -> None:
    """Warning signs first, then the emergency number and crisis lines, then sources."""
    signs = urgent()
    book = directory()
    st.title("Get help now")
    st.error(
        "\n".join(
            [
                f"**{signs.intro}**",
                "",
                *(f"- {s.text}" for s in signs.signs),
                "",
                signs.later_intro,
                "",
                *(f"- {s.text}" for s in signs.later_signs),
            ]
        ),
        icon=":material/emergency:",
    )
    top = st.container()
    country = country_picker("get_help_country", "Your country (change it if this is wrong)")
    if country is not None:
        top.markdown(f"### Emergency number in {country.name}: {emergency_links(country)}")
        if country.emergency_note:
            top.caption(country.emergency_note)
    else:
        top.markdown(
            "### Emergency numbers: "
            + "; ".join(f"{c.name} {emergency_links(c)}" for c in book.countries if c.emergency)
        )
    number = emergency_links(country) if country is not None else "your emergency number"
    st.info(
        f"If you might act on thoughts of ending your life, call {number} now.",
        icon=":material/call:",
    )
    lines = crisis_lines(country) if country is not None else []
    st.markdown("#### To talk to someone now")
    for r in (*lines, *international_lines()):
        resource_line(r, source=False)
    st.page_link("pages/support.py", label="More support and therapists", icon=":material/support:")
    st.info(signs.non_urgent, icon=":material/local_hospital:")
    with st.expander("Sources"):
        for s in signs.sources:
            st.markdown(f"- [{s.source}]({s.url})")
        if country is not None and country.emergency_source:
            first = country.emergency_source.split(" ; ")[0]
            st.markdown(f"- Emergency number: [{_host(first)}]({first})")
        for r in (*lines, *international_lines()):
            first = r.source.split(" ; ")[0]
            st.markdown(f"- {r.name}: [{_host(first)}]({first}), checked {r.checked}")
    st.caption(
        f"Numbers checked on {book.checked}. Services change: if a number does not "
        "work, call your local emergency number."
    )
