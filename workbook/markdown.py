"""Escaping for text a person wrote, wherever it lands inside Markdown.

In the app and in exported Markdown files a partner's words must stay words: no
links, images or formatting that could make the other's viewer call out to a host.

``escape`` is THE helper for the app: every display name, space name, note or answer
that reaches ``st.markdown``/``caption``/``write``/``info``/``success``/``toast``/
``title``, or any widget label, option label (radio, tabs), ``help=`` or expander
label, goes through it. (``st.text``, ``st.code``, ``st.dataframe``, text-area values
and selectbox/multiselect options are plain text already and need nothing.)
"""

import re

# Every ASCII character Markdown, GitHub's extensions or Streamlit's directives give a
# meaning to: links and images ``[ ] ( ) !``, HTML and autolinks ``< >``, entities
# ``&``, e-mail autolinks ``@``, emphasis, code, tables, headings and lists, ``$``
# (LaTeX), ``:`` (emoji, ``:material/…:`` icons and ``:red[…]`` colours).
# CommonMark lets any of them be backslash-escaped, and shows the character itself.
SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:&@")

# GitHub's autolinks ("http://…", "www.…", "a@b.example") are found in the text AFTER
# escapes are resolved, so no backslash stops them. An invisible WORD JOINER (U+2060)
# inside "://", before "www"'s dot and before "@" does: the words look the same.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def escape(value: object) -> str:
    """``value`` as literal text inside Markdown or a Streamlit label: nothing can form.

    No link, image, HTML, emphasis, heading, list, emoji, icon, colour or LaTeX, and
    no autolink: CommonMark drops each backslash, so the words show as typed.
    """
    text = _AUTOLINK.sub(JOINER, str(value))
    return "".join("\\" + ch if ch in SPECIAL else ch for ch in text)


LIGHT = set("\\`*_[]<>!")


def escape_light(value: str) -> str:
    """Lighter escaping for a downloaded Markdown file, so it still reads well as text.

    No links, images, HTML or emphasis can form (``[ ] < > ! * _`` and backticks are
    escaped), and a line cannot start a heading, list or quote.
    """
    out = "".join("\\" + ch if ch in LIGHT else ch for ch in value)
    if out[:1] in {"#", "-", "+", ">", "|"}:
        out = "\\" + out
    return out
