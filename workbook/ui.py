"""The few Streamlit widgets the pages share.

This is the only module of the package that imports Streamlit. Everything a user
wrote is shown as plain text (``st.text`` or escaped Markdown), never as HTML or live
Markdown: a partner's reflection must not be able to load an image from an outside
host in the other's browser (SECURITY.md).
"""

from __future__ import annotations

import time
from datetime import datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import journal, settings, spaces, text
from workbook.content import Chapter, Prompt, TogetherPrompt, page_text, workbook
from workbook.journal import Reflection
from workbook.resources import directory, urgent
from workbook.spaces import Member
from workbook.store import Db, open_db
from workbook.vault import VaultError

GET_HELP_PAGE = "pages/get_help.py"
ACCOUNT_PAGE = "pages/account.py"
THERAPIST_PAGE = "pages/chapter_5.py"
MAX_ANSWER_CHARS = 20_000

AUDIENCE_LABEL = {
    "everyone": "",
    "pregnant": "Written for the partner who was pregnant",
    "partner": "Written for the partner who was not pregnant",
}


def escape_markdown(value: str) -> str:
    """Make user text safe to place inside Markdown: no links, images or formatting."""
    out = []
    for ch in value:
        if ch in "\\`*_{}[]()<>#+-.!|~$:":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def help_now_link() -> None:
    """The one-click way to urgent help, shown at the top of every page."""
    st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")


# ---------------------------------------------------------------------------
# Session: the database handle, the signed-in member, idle lock and sign-out.
# Keys live only in st.session_state, never in a cache or a module global.
# ---------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def app_settings() -> settings.Settings:
    """Settings read once per process from the environment."""
    return settings.from_environment()


@st.cache_resource(show_spinner=False)
def db() -> Db:
    """The process-wide database handle (engine + instance secret): no user data."""
    return open_db(app_settings())


def member() -> Member | None:
    return st.session_state.get("member")


def sign_in_as(new_member: Member) -> None:
    """Start a signed-in session. Anything typed before signing in is carried over."""
    for key in [k for k in st.session_state if str(k).startswith("draft:guest:")]:
        words = st.session_state.pop(key)
        mine = key.replace("draft:guest:", f"draft:{new_member.partner_id}:", 1)
        if words and not st.session_state.get(mine):
            st.session_state[mine] = words
    st.session_state["member"] = new_member
    st.session_state["member_id"] = new_member.partner_id
    st.session_state["last_active"] = time.monotonic()
    st.session_state.pop("locked", None)


def sign_out() -> None:
    """Drop the keys and every draft, so the next person on this device starts clean."""
    for key in list(st.session_state):
        if key in ("member", "member_id", "last_active", "locked", "show_recovery") or str(
            key
        ).startswith(("draft:", "flash:", "confirm:")):
            del st.session_state[key]


def lock() -> None:
    """Drop the keys but remember who was here, so the passphrase alone unlocks.

    Unsaved drafts stay in memory under this partner's name; they are shown again
    only after this partner unlocks.
    """
    current = member()
    if current is None:
        return
    st.session_state["locked"] = (current.partner_id, current.name)
    for key in ("member", "member_id", "last_active", "show_recovery"):
        st.session_state.pop(key, None)


def enforce_idle_lock() -> None:
    """Lock a session that has been idle too long; otherwise note this activity."""
    if member() is None:
        return
    limit = app_settings().lock_minutes * 60
    last = st.session_state.get("last_active", time.monotonic())
    if time.monotonic() - last > limit:
        lock()
    else:
        st.session_state["last_active"] = time.monotonic()


def account_sidebar() -> None:
    """Who is signed in, with Lock and Sign out, on every page."""
    with st.sidebar:
        current = member()
        if current is not None:
            st.caption(
                f"Signed in as **{escape_markdown(current.name)}** · "
                f"{escape_markdown(current.space_name)}"
            )
            cols = st.columns(2)
            cols[0].button("Lock", key="sidebar_lock", on_click=lock, icon=":material/lock:")
            cols[1].button(
                "Sign out", key="sidebar_sign_out", on_click=sign_out, icon=":material/logout:"
            )
        elif st.session_state.get("locked"):
            st.caption("Locked. Open **Your space** to carry on.")
        else:
            st.caption("Not signed in. Open **Your space** to keep your answers.")


def draft_key(prompt_id: str) -> str:
    """Session key of a text area; namespaced so another partner never sees a draft."""
    owner = st.session_state.get("member_id", "guest")
    return f"draft:{owner}:{prompt_id}"


def _flash(prompt_id: str, kind: str, message: str) -> None:
    st.session_state[f"flash:{prompt_id}"] = (kind, message)


def _show_flash(prompt_id: str) -> None:
    flash = st.session_state.pop(f"flash:{prompt_id}", None)
    if flash:
        kind, message = flash
        {"ok": st.success, "error": st.error}[kind](message)


def _save(chapter_id: str, prompt_id: str, visibility: str, partner_name: str) -> None:
    """Button callback: save the draft; on failure keep it and say so kindly."""
    current = member()
    if current is None:
        _flash(prompt_id, "error", text.SIGNED_OUT_UNSAVED)
        return
    words = st.session_state.get(draft_key(prompt_id), "") or ""
    try:
        journal.save(
            db(),
            current,
            chapter_id=chapter_id,
            prompt_id=prompt_id,
            text=words,
            visibility=visibility,
        )
    except journal.JournalError as exc:
        _flash(prompt_id, "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        _flash(prompt_id, "error", text.SAVE_FAILED)
        return
    _flash(
        prompt_id,
        "ok",
        text.SAVED_PRIVATE
        if visibility == journal.PRIVATE
        else text.SAVED_SHARED.format(partner=partner_name),
    )


def _delete(reflection_id: str, prompt_id: str) -> None:
    current = member()
    if current is None:
        return
    try:
        journal.remove(db(), current, reflection_id)
    except journal.JournalError as exc:
        _flash(prompt_id, "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        _flash(prompt_id, "error", "We could not delete this just now. Try again in a moment.")
        return
    st.session_state.pop(draft_key(prompt_id), None)
    _flash(prompt_id, "ok", "Deleted.")


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}, {moment:%H:%M} UTC"


def _prompt_block(
    chapter_id: str,
    prompt: Prompt | TogetherPrompt,
    follow_up: str = "",
    saved: dict[str, Reflection] | None = None,
    others: dict[str, list[Reflection]] | None = None,
    partner_name: str = "your partner",
) -> None:
    current = member()
    mine = (saved or {}).get(prompt.id)
    key = draft_key(prompt.id)
    if mine is not None and key not in st.session_state:
        st.session_state[key] = mine.text
    with st.container(border=True):
        st.markdown(f"**{prompt.text}**")
        audience = getattr(prompt, "audience", "everyone")
        notes = [AUDIENCE_LABEL[audience]] if AUDIENCE_LABEL.get(audience) else []
        if getattr(prompt, "hint", ""):
            notes.append(prompt.hint)
        if notes:
            st.caption(" · ".join(notes))
        for other in (others or {}).get(prompt.id, []):
            st.caption(f"{escape_markdown(partner_name)} shared:")
            st.text(other.text)
        st.text_area(
            prompt.text,
            key=key,
            height=120,
            max_chars=MAX_ANSWER_CHARS,
            label_visibility="collapsed",
            placeholder="Write as much or as little as you like. Skipping is fine too.",
            persist_state="session",
        )
        if follow_up:
            st.caption(f"Afterwards, together: {follow_up}")
        if current is not None:
            if mine is not None:
                who = (
                    "Only you can see this."
                    if mine.visibility == journal.PRIVATE
                    else f"Shared with {partner_name}."
                )
                edited = f" Edited {_when(mine.updated_at)}." if mine.edited else ""
                st.caption(f"Saved {_when(mine.created_at)}.{edited} {who}")
            cols = st.columns([1, 1, 1])
            cols[0].button(
                "Save just for me",
                key=f"save-private:{prompt.id}",
                on_click=_save,
                args=(chapter_id, prompt.id, journal.PRIVATE, partner_name),
            )
            cols[1].button(
                f"Share with {partner_name}",
                key=f"save-shared:{prompt.id}",
                on_click=_save,
                args=(chapter_id, prompt.id, journal.SHARED, partner_name),
            )
            if mine is not None:
                with cols[2].popover("Delete", icon=":material/delete:"):
                    st.write("Delete your saved answer? This cannot be undone.")
                    st.button(
                        "Yes, delete it",
                        key=f"delete:{prompt.id}",
                        on_click=_delete,
                        args=(mine.id, prompt.id),
                        type="primary",
                    )
        _show_flash(prompt.id)


def render_welcome() -> None:
    """The first page: what this is, a content note, the privacy promise, where to start."""
    st.title("After a miscarriage: a workbook for two")
    st.markdown(page_text("welcome"))
    st.subheader("The chapters")
    for chapter in workbook().chapters:
        st.page_link(
            f"pages/chapter_{chapter.number}.py",
            label=f"{chapter.number}. {chapter.title}: {chapter.summary}",
        )


def render_chapter(chapter_id: str) -> None:
    """One chapter page: passage, prompts, the week's exercise and when to get help."""
    book = workbook()
    chapter: Chapter = book.chapter(chapter_id)
    st.title(chapter.title)
    st.caption(f"Chapter {chapter.number} of {len(book.chapters)} · {chapter.summary}")
    st.markdown(chapter.why_it_matters)
    if chapter.more:
        with st.expander("Read more"):
            st.markdown(chapter.more)
    if chapter.sources:
        with st.expander("Where these facts come from"):
            for s in chapter.sources:
                st.markdown(f"- {s.fact} Source: [{s.source}]({s.url})")

    current = member()
    saved: dict[str, Reflection] = {}
    others: dict[str, list[Reflection]] = {}
    partner_name = "your partner"
    if current is None:
        st.info(text.NOT_SAVED_GUEST, icon=":material/info:")
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
    else:
        try:
            entries = journal.visible(db(), current, chapter_id=chapter_id)
            names = [
                p.name for p in spaces.partners_of(db(), current) if p.id != current.partner_id
            ]
        except (SQLAlchemyError, OSError, VaultError):
            st.error(
                "We could not load your saved answers just now. Anything you type "
                "stays here; try again in a moment."
            )
            entries, names = [], []
        partner_name = names[0] if names else "your partner"
        for entry in entries:
            if entry.author_id == current.partner_id:
                saved[entry.prompt_id] = entry
            else:
                others.setdefault(entry.prompt_id, []).append(entry)
        st.caption(
            f"{len(saved)} of {len(chapter.prompts) + len(chapter.together)} "
            "answered by you in this chapter."
        )

    st.header("On your own", divider="gray")
    st.caption("Answer any of these, in any order, whenever you feel able. Not today is fine.")
    for prompt in chapter.prompts:
        _prompt_block(chapter_id, prompt, saved=saved, others=others, partner_name=partner_name)

    st.header("Together", divider="gray")
    st.caption(
        "Talk these through when you both feel ready. You can each write your own answer "
        "here first, and keep it to yourself or share it. Skipping one for now is "
        "always fine."
    )
    for prompt in chapter.together:
        _prompt_block(
            chapter_id,
            prompt,
            follow_up=prompt.follow_up,
            saved=saved,
            others=others,
            partner_name=partner_name,
        )

    st.header("Try this week", divider="gray")
    with st.container(border=True):
        st.markdown(f"**{chapter.exercise.title}**")
        st.markdown(chapter.exercise.text)

    st.header("When to get help", divider="gray")
    st.markdown(chapter.get_help)
    cols = st.columns(2)
    with cols[0]:
        st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")
    if chapter_id != "therapist":
        with cols[1]:
            st.page_link(
                THERAPIST_PAGE, label="When to see a therapist", icon=":material/psychology:"
            )


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
