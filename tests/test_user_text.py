"""Text a person wrote is shown as text: never a link, an image or HTML (issue 11, §3).

The guard renders every page as both partners, with a Markdown image, a link and an
HTML ``<img>`` in every field a person writes, and fails if any of them reaches a
Markdown body, caption, alert, title, label, option or help text unescaped.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from payloads import HTML, IMG, LINK, PAYLOAD, fill_everything

from workbook import settings, store
from workbook.markdown import JOINER, escape

from apphelpers import ALL_PAGES, fresh_install, open_app, sign_in  # noqa: F401
from helpers import PASS_A, PASS_B

# ---------------------------------------------------------------------------
# The helper itself: whatever goes in comes back (CommonMark drops each backslash
# before punctuation), and no character that could open a link, image, tag, entity
# or directive is left bare. The browser test checks the real renderer.
# ---------------------------------------------------------------------------

OPENERS = set("[]()<>!&:`*_~$#|\\@")


def _unescape(value: str) -> str:
    value = value.replace(JOINER, "")  # invisible: it only stops GitHub's autolinks
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", value)


def _bare(value: str) -> list[str]:
    """Characters that open Markdown and are not escaped."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] in OPENERS:
            out.append(value[i])
        i += 1
    return out


@pytest.mark.parametrize(
    "value",
    [
        IMG,
        LINK,
        HTML,
        PAYLOAD,
        "<https://tracker.example>",
        "www.tracker.example and a@tracker.example",
        "**bold** _it_ `code` ~~gone~~ $x^2$ :red[red] :material/home:",
        "# heading",
        "1. list",
        "&lt;img src=x&gt;",
        "a\\b \\[x\\](y)",
        "[x][ref]\n\n[ref]: http://tracker.example",
    ],
)
def test_escape_keeps_the_words_and_leaves_nothing_bare(value):
    assert _unescape(escape(value)) == value
    assert _bare(escape(value)) == []


def test_no_autolink_can_form():
    for value in ("http://tracker.example", "HTTPS://t.example", "www.t.example", "a@t.example"):
        out = escape(value)
        assert not re.search(r"(?i)https?:/|www\.|\w@", out.replace("\\", "")), out


@given(hs.text(max_size=80))
def test_escape_round_trips_any_text(value):
    assert _unescape(escape(value)) == value
    assert _bare(escape(value)) == []


# ---------------------------------------------------------------------------
# The guard: every page, both partners, every field holding a payload.
# ---------------------------------------------------------------------------

# Proto fields shown as plain text by the browser (or values typed by the person).
PLAIN = {
    ("text", "body"),
    ("code", "code_text"),
    ("text_area", "value"),
    ("text_area", "default"),
    ("text_input", "value"),
    ("text_input", "default"),
    ("selectbox", "options"),
    ("multiselect", "options"),
    ("selectbox", "raw_values"),
    ("multiselect", "raw_values"),
}


def _strings(message, path=""):
    """Every string in a proto message, with the field it sits in."""
    for field, value in message.ListFields():
        repeated = not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields")
        values = value if repeated and hasattr(value, "__iter__") else [value]
        for v in values:
            if isinstance(v, str):
                yield field.name, v
            elif hasattr(v, "ListFields"):
                yield from _strings(v, field.name)


def _raw(value: str) -> bool:
    """Whether a payload survived unescaped (escaped, ``](`` and ``<img`` cannot occur)."""
    return "tracker" in value and ("](" in value or re.search(r"(?<!\\)<img", value) is not None)


def raw_user_text(at) -> list[str]:
    found = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        kind = getattr(node, "type", "")
        for field, value in _strings(proto):
            if (kind, field) not in PLAIN and _raw(value):
                found.append(f"{kind}.{field}: {value!r}")
    return found


def seed() -> None:
    """Fill the app's database (from the environment) with payloads everywhere."""
    db = store.open_db(settings.from_environment())
    try:
        fill_everything(db)
    finally:
        store.dispose_all()


@pytest.mark.usefixtures("fresh_install")
def test_no_raw_user_text_reaches_markdown_or_a_label(tmp_path):
    seed()
    problems = []
    for login, secret in (("sam", PASS_A), ("alex", PASS_B)):
        at = sign_in(open_app(), login, secret)
        assert at.session_state["member"] is not None
        for page in ALL_PAGES:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            # Open each popover and expander's content is already in the tree.
            problems += [f"{login} {page} {p}" for p in raw_user_text(at)]
        if login == "sam":
            problems += [f"hand-over {p}" for p in _hand_over_and_lock(at)]
    assert not problems, "\n".join(problems)


def _hand_over_and_lock(at) -> list[str]:
    """The hand-over screen and the locked screen name the partners too."""
    found = []
    for page in ALL_PAGES:
        at.switch_page(page).run()
        passes = [b for b in at.button if b.label.startswith("Pass to")]
        if passes:
            break
    assert passes, "no 'Pass to' button on any page"
    passes[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["handover_to"]
    found += raw_user_text(at)
    back = [b for b in at.button if b.label.startswith("Back to")]
    back[0].click().run()
    at.switch_page("pages/account.py").run()
    assert at.session_state["locked"]
    found += raw_user_text(at)
    return found


@pytest.mark.usefixtures("fresh_install")
def test_the_space_name_in_a_refused_delete_is_text():
    """The message after a wrongly typed name repeats the space's name: it was shown as
    Markdown (a name with an image in it made the browser fetch it)."""
    seed()
    at = sign_in(open_app(), "sam", PASS_A)
    at.switch_page("pages/your_data.py").run()
    at.text_input(key="delete_space_name").input("not the name")
    [delete] = [b for b in at.button if b.label == "Delete everything"]
    delete.click().run()
    assert not at.exception, at.exception
    assert any("type the name of your space exactly" in e.value for e in at.error)
    assert not raw_user_text(at)
