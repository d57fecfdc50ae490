"""Escaping for text a person wrote, wherever it lands inside Markdown.

In the app and in exported Markdown files a partner's words must stay words: no
links, images or formatting that could make the other's viewer call out to a host.
"""

SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:")


def escape(value: str) -> str:
    return "".join("\\" + ch if ch in SPECIAL else ch for ch in value)


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
