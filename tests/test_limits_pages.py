"""On the page: an answer over the limit is refused with the words kept, never cut.

Streamlit's ``max_chars`` keeps only the first ``max_chars`` characters on the server
without a word, so a long paste used to be cut to 20,000 characters and "Saved." was
shown (issue 11, section 6).
"""

from __future__ import annotations

import pytest

from workbook import journal
from workbook.content import workbook

from apphelpers import button, create_space, fresh_install, open_app, texts  # noqa: F401

CHAPTER = workbook().chapters[0]
PROMPT = CHAPTER.prompts[0]


@pytest.mark.usefixtures("fresh_install")
def test_a_long_answer_is_refused_kindly_and_kept_whole():
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.switch_page(f"pages/chapter_{CHAPTER.number}.py").run()
    key = f"draft:{at.session_state['member_id']}:{PROMPT.id}"
    long = "word " * (journal.MAX_CHARS // 5) + "and the last words"
    at.text_area(key=key).input(long).run()
    [save] = [b for b in at.button if b.key == f"save:{PROMPT.id}"]
    save.click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Your words are still here" in shown and "Saved." not in shown
    assert at.session_state[key] == long  # every word, nothing cut
    assert "Nothing is cut" in shown  # and the limit is shown by the box


@pytest.mark.usefixtures("fresh_install")
def test_the_count_shows_as_the_limit_nears():
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.switch_page(f"pages/chapter_{CHAPTER.number}.py").run()
    key = f"draft:{at.session_state['member_id']}:{PROMPT.id}"
    at.text_area(key=key).input("x" * 100).run()
    assert "characters. One answer can hold" not in texts(at)
    at.text_area(key=key).input("x" * 17_000).run()
    assert f"17,000 of {journal.MAX_CHARS:,} characters" in texts(at)
