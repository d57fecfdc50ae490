"""Find support (directory by country and need), the therapist guide, our care team."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import careteam, text
from workbook.guide import guide
from workbook.markdown import escape
from workbook.resources import NEEDS, directory
from workbook.sealed import PRIVATE, SHARED
from workbook.ui.fields import flash, length_hint, show_flash
from workbook.ui.help import country_picker, emergency_links, resource_line
from workbook.ui.idle import session_checked
from workbook.ui.page_frame import confirm_delete
from workbook.ui.session import GET_HELP_PAGE, db, member
from workbook.ui.unreadable import show_unreadable
from workbook.ui.way_in import sign_in_link


def render_support() -> None:
    book = directory()
    st.title("Find support")
    st.write(
        "Support lines, pregnancy-loss organisations and ways to find a therapist. "
        "Every entry was checked against its source; the date is shown with it."
    )
    st.warning(
        "If you or your partner are in danger, call your local emergency number now.",
        icon=":material/emergency:",
    )
    country = country_picker("support_country")
    labels = {label: key for key, label in NEEDS.items()}
    st.session_state.setdefault("support_need", None)  # as the country, in the browser too
    # Pills, not a segmented control: on a phone its joined buttons wrap onto three
    # lines and the first one's edge was cut.
    need_label = st.pills("What do you need?", list(labels), default=None, key="support_need")
    need = labels.get(need_label) if need_label else None
    if country is None:
        st.caption("Choose your country to see what is there. International services:")
        found = [r for r in book.resources if r.country == "INT" and (not need or need in r.needs)]
    else:
        st.markdown(f"Emergency number in {country.name}: {emergency_links(country)}")
        found = book.for_country(country.code, need)
    if not found:
        st.info(
            "We have no checked entry for that yet in this country. Your doctor or midwife "
            "can point you to local support, and the international directory below lists "
            "services in many countries."
        )
        found = [r for r in book.resources if r.country == "INT"]
    for r in found:
        with st.container(border=True):
            st.caption(r.kind.capitalize() + (" · international" if r.country == "INT" else ""))
            resource_line(r)
    st.caption(f"List checked on {book.checked}. Services change, so check before you rely on one.")
    st.page_link(
        "pages/therapist.py", label="When to see a therapist", icon=":material/psychology:"
    )


def render_therapist_guide() -> None:
    said = guide()
    st.title(said.title)
    st.markdown(said.intro)
    st.page_link(
        GET_HELP_PAGE,
        label="Thoughts of ending your life? Get help now",
        icon=":material/emergency:",
    )
    for section in said.sections:
        st.header(section.heading, divider="gray")
        st.markdown(section.body)
        if section.sources:
            with st.expander("Sources"):
                for s in section.sources:
                    st.markdown(f"- [{s.source}]({s.url})")
    cols = st.columns(2)
    cols[0].page_link(
        "pages/support.py", label="Find a therapist or support group", icon=":material/support:"
    )
    cols[1].page_link(
        "pages/checkin.py", label="A private wellbeing check-in", icon=":material/self_improvement:"
    )


def tel_link(phone: str) -> str:
    """A ``tel:`` address made only of the number's digits (and a leading +), so what
    a person typed can never become another kind of link; "" if it has no digits."""
    digits = "".join(ch for ch in phone if ch.isdigit() and ch.isascii())
    if len(digits) < 3:
        return ""
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


@session_checked
def _add_contact() -> None:
    current = member()
    if current is None:
        return
    values = {
        k: st.session_state.get(f"care:{k}", "") or ""
        for k in ("role", "name", "phone", "email", "notes")
    }
    visibility = SHARED if st.session_state.get("care:shared") else PRIVATE
    try:
        careteam.add(db(), current, visibility=visibility, **values)
    except careteam.CareTeamError as exc:
        flash("care", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash(
            "care",
            "error",
            "We could not save this contact. Your words are still here. Try again in a moment.",
        )
        return
    for k in ("name", "phone", "email", "notes"):
        st.session_state[f"care:{k}"] = ""
    flash("care", "ok", "Contact saved.")


@session_checked
def _contact_action(action, *args) -> None:
    current = member()
    if current is None:
        return
    try:
        action(db(), current, *args)
    except careteam.CareTeamError as exc:
        flash("care", "error", str(exc))
    except (SQLAlchemyError, OSError):
        flash("care", "error", text.CHANGE_FAILED)
    else:
        if action is careteam.remove:
            flash("care", "ok", "Contact deleted.")


def render_care_team() -> None:
    st.title("Our care team")
    st.write(
        "Keep the people who look after you in one place: your doctor, midwife, therapist "
        "or clinic. Each contact is private to you unless you share it."
    )
    current = member()
    if current is None:
        st.info("Your care team is kept in your private space.")
        sign_in_link("care_team")
        return
    try:
        people = careteam.contacts(db(), current)
    except (SQLAlchemyError, OSError):
        st.error("We could not load your contacts just now. Try again in a moment.")
        people = []
    show_unreadable(people)
    if not people:
        st.caption("No contacts yet.")
    for c in people:
        with st.container(border=True):
            mine = c.author_id == current.partner_id
            st.markdown(f"**{escape(c.role)}**")
            st.text(c.name)
            if dial := tel_link(c.phone):  # one tap to call, on a phone
                st.markdown(f"[{escape(c.phone)}]({dial})")
            elif c.phone:
                st.text(c.phone)
            if rest := "\n".join(x for x in (c.email, c.notes) if x):
                st.text(rest)
            if mine:
                st.caption(
                    "Only you can see this."
                    if c.visibility == PRIVATE
                    else "Shared with your partner."
                )
                cols = st.columns(2)
                other = SHARED if c.visibility == PRIVATE else PRIVATE
                cols[0].button(
                    "Share with my partner" if other == SHARED else "Make private",
                    key=f"care-vis:{c.id}",
                    on_click=_contact_action,
                    args=(careteam.set_visibility, c.id, other),
                )
                confirm_delete(  # asks first, as every other Delete does
                    cols[1],
                    "Delete this contact? This cannot be undone.",
                    f"care-del:{c.id}",
                    _contact_action,
                    (careteam.remove, c.id),
                )
            else:
                st.caption("Shared by your partner.")
    st.subheader("Add a contact")
    # Kept while another page is open (to look up a number, say): persist_state.
    keep = {"persist_state": "session"}
    st.selectbox("Who is this?", careteam.ROLES, key="care:role", **keep)
    # No max_chars: Streamlit would cut the words in silence. Too long is refused kindly.
    st.text_input("Name", key="care:name", **keep)
    length_hint("care:name", careteam.LIMITS["name"])
    st.text_input("Phone (optional)", key="care:phone", **keep)
    length_hint("care:phone", careteam.LIMITS["phone"])
    st.text_input("Email (optional)", key="care:email", **keep)
    length_hint("care:email", careteam.LIMITS["email"])
    st.text_area("Notes (optional)", key="care:notes", height=80, **keep)
    length_hint("care:notes", careteam.LIMITS["notes"])
    st.checkbox("Share this contact with my partner", key="care:shared", **keep)
    st.button("Save contact", type="primary", on_click=_add_contact)
    show_flash("care")
