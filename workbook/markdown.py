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


# For a downloaded file: links, images, HTML, emphasis, code, strikethrough, tables and
# LaTeX ("$x^2$" on GitHub) escaped everywhere; a colon only where it opens an emoji
# code (":smile:") and "&" only where it opens an entity ("&copy;"), so times, web
# addresses and "you & me" read as typed.
LIGHT = set("\\`*_[]<>!~$|")
_OPENS_A_CODE = re.compile(r":(?=[\w+-]+:)|&(?=#?\w+;)")
# At the start of a line: a heading, list, quote or the line under a heading.
_LINE_START = re.compile(r"^([#+\-=>])|^(\d+)([.)])")


def escape_light(value: str) -> str:
    """Lighter escaping for a downloaded Markdown file, so it still reads well as text.

    No link, image, HTML, emphasis, code, strikethrough, table, LaTeX, entity or emoji
    code can form, and no line of it can start a heading, list, quote or code block
    (spaces or tabs at the start of a line become no-break spaces). Unlike ``escape``,
    a web address typed in an answer stays as typed (no invisible joiner), so it can be
    copied from the file; a viewer may show it as a link, which fetches nothing until
    it is clicked.
    """
    return "\n".join(_escape_line(line) for line in value.splitlines() or [""])


def _escape_line(line: str) -> str:
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)].replace("\t", "    ").replace(" ", "\u00a0")
    codes = {m.start() for m in _OPENS_A_CODE.finditer(body)}
    out = "".join("\\" + ch if ch in LIGHT or at in codes else ch for at, ch in enumerate(body))
    return indent + _LINE_START.sub(lambda m: "\\" + m[1] if m[1] else f"{m[2]}\\{m[3]}", out)
