"""The next-question picker (workbook.today) and folding by role (workbook.roles)."""

from __future__ import annotations

import pytest

from workbook import roles, today
from workbook.content import workbook
from workbook.today import OWN, REVEAL, THEIRS_FIRST, TOGETHER, TogetherStatus

BOOK = workbook()
BODY = BOOK.chapter("body")


def ids(items):
    return [item.prompt.id for item in items]


def test_each_role_is_offered_its_own_prompts_and_never_the_others():
    for role, hidden in ((roles.PREGNANT, "partner"), (roles.PARTNER, "pregnant")):
        offered = {p.id for _, p in today.sequence(BOOK, role)}
        for chapter in BOOK.chapters:
            for prompt in chapter.prompts:
                assert (prompt.id in offered) == (prompt.audience != hidden), (role, prompt.id)


def test_rather_not_say_is_offered_every_prompt():
    offered = {p.id for _, p in today.sequence(BOOK, roles.UNSAID)}
    assert offered == {p.id for c in BOOK.chapters for p in (*c.prompts, *c.together)}


def test_split_folds_the_other_roles_prompts_away():
    mine, other = roles.split(BODY.prompts, roles.PARTNER)
    assert mine and other
    assert all(p.audience in ("everyone", "partner") for p in mine)
    assert all(p.audience == "pregnant" for p in other)
    assert roles.split(BODY.prompts, roles.UNSAID) == (list(BODY.prompts), [])


def test_a_fresh_couple_starts_together_in_chapter_one_then_alternates():
    items = today.queue(BOOK, roles.PARTNER, set(), {})
    assert items[0].chapter.id == "body" and items[0].kind == TOGETHER
    assert items[1].kind == OWN and items[1].prompt.audience in ("everyone", "partner")
    assert items[2].kind == TOGETHER  # together and own alternate


def test_a_reveal_comes_first_then_what_the_partner_answered_then_the_rest():
    talking = BOOK.chapter("talking")
    statuses = {
        talking.together[0].id: TogetherStatus(mine=True, partner_answered=True),
        BODY.together[2].id: TogetherStatus(partner_answered=True),
    }
    items = today.queue(BOOK, roles.PREGNANT, set(), statuses)
    assert [i.kind for i in items[:2]] == [REVEAL, THEIRS_FIRST]
    assert ids(items[:2]) == [talking.together[0].id, BODY.together[2].id]


def test_answered_waiting_and_agreed_questions_are_not_offered():
    own_done = {BODY.prompts[0].id}
    statuses = {
        BODY.together[0].id: TogetherStatus(mine=True),  # waiting for the partner
        BODY.together[1].id: TogetherStatus(mine=True, partner_answered=True, agreed=True),
    }
    opened = {BODY.together[1].id}
    offered = set(ids(today.queue(BOOK, roles.UNSAID, own_done, statuses, opened=opened)))
    assert not offered & {BODY.prompts[0].id, BODY.together[0].id, BODY.together[1].id}


def test_skip_moves_a_question_to_the_back_and_not_today_sets_it_aside():
    first, second = ids(today.queue(BOOK, roles.UNSAID, set(), {}))[:2]
    after_skip = ids(today.queue(BOOK, roles.UNSAID, set(), {}, skipped=[first]))
    assert after_skip[0] == second and after_skip[-1] == first
    aside = ids(today.queue(BOOK, roles.UNSAID, set(), {}, set_aside={first}))
    assert first not in aside and aside[0] == second
    assert today.pick(BOOK, roles.UNSAID, set(), {}, set_aside=set())  # undone: back again
    assert ids(today.queue(BOOK, roles.UNSAID, set(), {}, set_aside=set()))[0] == first


def test_nothing_left_gives_none():
    every_own = {p.id for c in BOOK.chapters for p in c.prompts}
    done = {t.id: TogetherStatus(True, True, True) for c in BOOK.chapters for t in c.together}
    assert today.pick(BOOK, roles.UNSAID, every_own, done, opened=set(done)) is None


def test_dots_are_quiet_progress_for_this_partner_only():
    own = [p for p in BODY.prompts if p.audience in ("everyone", "pregnant")]
    dots = today.dots(
        BODY, roles.PREGNANT, {own[0].id}, {BODY.together[0].id: TogetherStatus(mine=True)}
    )
    assert (dots.done, dots.total) == (2, len(own) + len(BODY.together))
    assert dots.text().count("\u25cf") == 2 and "%" not in dots.text()


@pytest.mark.parametrize("bad", ["admin", "woman"])
def test_unknown_roles_are_refused_and_no_choice_means_rather_not_say(bad):
    with pytest.raises(ValueError):
        roles.check(bad)
    assert roles.check(None) == roles.UNSAID


def test_a_reveal_waits_for_each_partner_until_they_opened_it_even_once_agreed():
    prompt = BODY.together[0]
    agreed = {prompt.id: TogetherStatus(mine=True, partner_answered=True, agreed=True)}
    first = today.pick(BOOK, roles.UNSAID, set(), agreed)
    assert (first.kind, first.prompt.id) == (REVEAL, prompt.id)  # the partner agreed first
    after = today.pick(BOOK, roles.UNSAID, set(), agreed, opened={prompt.id})
    assert after.prompt.id != prompt.id
