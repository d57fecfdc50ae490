"""Markup in every field a person writes: a Markdown image, a link and an HTML <img>.

Shared by the AppTest guard (test_user_text.py) and the Chromium check
(test_e2e_user_text.py): if any of it is rendered as markup, the page either shows
an element pointing at tracker.example or makes the browser call it.
"""

from __future__ import annotations

from workbook import careteam, journal, progress, spaces, together
from workbook.content import workbook
from workbook.sealed import SHARED
from workbook.spaces import Member

from helpers import PASS_A, PASS_B

IMG = "![x](http://tracker.example/n.png)"
LINK = "[x](http://tracker.example)"
HTML = "<img src=http://tracker.example/i.png>"
PAYLOAD = f"{IMG} {LINK} {HTML}"
# Names are at most 80 characters: two of the three kinds in each.
SPACE_NAME = f"{LINK} {HTML}"
SAM_NAME = f"Sam {IMG} {LINK}"
ALEX_NAME = f"Alex {HTML} {IMG}"


def fill_everything(db) -> tuple[Member, Member]:
    """A couple with a payload in every field a person writes, straight into storage."""
    sam = spaces.create_space(
        db,
        space_name=SPACE_NAME,
        display_name=SAM_NAME,
        login="sam",
        passphrase=PASS_A,
        confirm=PASS_A,
    ).member
    code = spaces.create_invite(db, sam)
    alex = spaces.join_space(
        db, code=code, display_name=ALEX_NAME, login="alex", passphrase=PASS_B, confirm=PASS_B
    ).member
    book = workbook()
    for who in (sam, alex):
        for chapter in book.chapters:
            for i, prompt in enumerate(chapter.prompts[:2]):
                journal.save(
                    db,
                    who,
                    chapter_id=chapter.id,
                    prompt_id=prompt.id,
                    text=f"{who.name} {'shared' if i else 'private'} {PAYLOAD}",
                    visibility=SHARED if i else journal.PRIVATE,
                )
            if chapter.together:
                together.answer(db, who, chapter.together[0].id, f"together {PAYLOAD}")
            progress.mark_exercise_done(db, who, chapter.id, f"note {PAYLOAD}")
        careteam.add(
            db,
            who,
            role="Other",
            name=f"Dr {IMG}",
            phone=LINK,
            email=HTML,
            notes=PAYLOAD,
            visibility=SHARED,
        )
    for chapter in book.chapters:
        if chapter.together:
            together.agree(db, sam, chapter.together[0].id, f"agreed {PAYLOAD}")
    # One together question only Sam has answered: "Pass to …" and "… has answered".
    first = next(c for c in book.chapters if len(c.together) > 1)
    together.answer(db, sam, first.together[1].id, f"mine {PAYLOAD}")
    return sam, alex
