"""Answer apart, reveal together: the rule holds in storage, on SQLite and PostgreSQL."""

import threading

import pytest

from workbook import progress, readiness, spaces, together
from workbook.content import workbook
from workbook.readiness import Answers
from workbook.together import TogetherError
from workbook.upsert import NewerAnswer

from helpers import join, make_space

PROMPT = workbook().chapter("talking").together[0].id


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    return sam, alex


def test_no_function_returns_the_others_answer_before_both_exist(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "Sam's hidden answer")
    seen_by_alex = together.states(db, alex, [PROMPT])[PROMPT]
    assert seen_by_alex.partner_answered and seen_by_alex.mine is None
    assert seen_by_alex.theirs is None
    assert "Sam's hidden answer" not in repr(together.states(db, alex))
    seen_by_sam = together.states(db, sam, [PROMPT])[PROMPT]
    assert seen_by_sam.mine.text == "Sam's hidden answer" and seen_by_sam.theirs is None
    assert not seen_by_sam.partner_answered


def test_both_answers_are_revealed_to_both_once_both_exist(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "from Sam")
    together.answer(db, alex, PROMPT, "from Alex")
    for me, mine, theirs in ((sam, "from Sam", "from Alex"), (alex, "from Alex", "from Sam")):
        state = together.states(db, me, [PROMPT])[PROMPT]
        assert state.revealed and state.mine.text == mine and state.theirs.text == theirs


def test_revising_before_the_reveal_is_not_shown_as_edited(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "first try")
    together.answer(db, sam, PROMPT, "second try")
    together.answer(db, alex, PROMPT, "Alex")
    state = together.states(db, alex, [PROMPT])[PROMPT]
    assert state.theirs.text == "second try"
    assert not state.edited_after_reveal(state.theirs)


def test_an_edit_after_the_reveal_is_shown_as_edited(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "Sam")
    together.answer(db, alex, PROMPT, "Alex")
    together.answer(db, sam, PROMPT, "Sam, said again")
    state = together.states(db, alex, [PROMPT])[PROMPT]
    assert state.theirs.text == "Sam, said again"
    assert state.edited_after_reveal(state.theirs)


def test_an_answer_can_be_taken_back_before_the_reveal_only(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "changed my mind")
    together.withdraw(db, sam, PROMPT)
    assert not together.states(db, alex, [PROMPT])[PROMPT].partner_answered
    together.answer(db, sam, PROMPT, "Sam")
    together.answer(db, alex, PROMPT, "Alex")
    with pytest.raises(TogetherError):
        together.withdraw(db, sam, PROMPT)


def test_agreement_needs_the_reveal_and_is_shared(db, couple):
    sam, alex = couple
    together.answer(db, sam, PROMPT, "Sam")
    with pytest.raises(TogetherError, match="once you have both answered"):
        together.agree(db, sam, PROMPT, "too early")
    together.answer(db, alex, PROMPT, "Alex")
    together.agree(db, sam, PROMPT, "We will talk on Sundays")
    assert together.states(db, alex, [PROMPT])[PROMPT].agreement.text == "We will talk on Sundays"
    together.agree(db, alex, PROMPT, "Sundays, after dinner")
    assert together.states(db, sam, [PROMPT])[PROMPT].agreement.text == "Sundays, after dinner"


def test_another_space_sees_nothing(db, couple):
    sam, _ = couple
    kim = make_space(db, login="kim", name="Kim", space="Kim and Jo").member
    together.answer(db, sam, PROMPT, "ours")
    state = together.states(db, kim, [PROMPT])[PROMPT]
    assert state.mine is None and not state.partner_answered and state.theirs is None


def test_empty_answers_are_refused(db, couple):
    sam, _ = couple
    with pytest.raises(TogetherError, match="nothing to save"):
        together.answer(db, sam, PROMPT, "   ")


ALL_READY = Answers("Yes", "Ready", "Ready")


def test_readiness_stays_hidden_until_both_answer(db, couple):
    sam, alex = couple
    readiness.submit(db, sam, ALL_READY)
    [round_for_alex] = readiness.rounds(db, alex)
    assert round_for_alex.mine is None and round_for_alex.theirs is None
    assert round_for_alex.partner_answered
    readiness.submit(db, alex, Answers("Yes", "A little", "I do not know"))
    [round_for_sam] = readiness.rounds(db, sam)
    assert round_for_sam.complete and round_for_sam.theirs.physical == "A little"


def test_readiness_can_be_revised_until_the_partner_answers_then_starts_a_new_round(db, couple):
    sam, alex = couple
    assert readiness.submit(db, sam, Answers("Not yet", "A little", "A little")) == 1
    assert readiness.submit(db, sam, ALL_READY) == 1
    assert readiness.submit(db, alex, ALL_READY) == 1
    assert readiness.submit(db, sam, Answers("Yes", "Ready", "A little")) == 2
    history = readiness.rounds(db, alex)
    assert [r.number for r in history] == [2, 1]
    assert history[0].theirs is None and history[1].complete


@pytest.mark.parametrize(
    "a,b,key",
    [
        (Answers("Not yet", "Ready", "Ready"), ALL_READY, "no_green_light"),
        (Answers("Not sure", "Ready", "Ready"), ALL_READY, "no_green_light"),
        (ALL_READY, Answers("Yes", "Ready", "I do not know"), "not_ready"),
        (ALL_READY, Answers("Yes", "Not yet, and that is fine", "Ready"), "not_ready"),
        (ALL_READY, ALL_READY, "both_ready"),
    ],
)
def test_guidance_fits_the_combination(a, b, key):
    assert readiness.guidance_for(a, b).key == key
    assert readiness.guidance_for(b, a).key == key


def test_progress_counts_and_who_is_waiting(db, couple):
    from workbook import journal

    sam, alex = couple
    book = workbook()
    journal.save(
        db, sam, chapter_id="talking", prompt_id="talking-own-1", text="x", visibility="private"
    )
    together.answer(db, alex, PROMPT, "Alex first")
    progress.mark_exercise_done(db, sam, "talking", "We walked twice")
    states = together.states(db, sam, [t.id for c in book.chapters for t in c.together])
    rows = {p.chapter.id: p for p in progress.summary(db, sam, book, states)}
    talking = rows["talking"]
    assert talking.own_answered == {sam.partner_id: 1}
    assert talking.waiting_on_me == [PROMPT]
    assert talking.exercise[sam.partner_id].note == "We walked twice"
    partners = spaces.partners_of(db, sam)
    step = progress.next_step(sam, partners, list(rows.values()))
    assert "Alex has answered" in step.text and step.chapter_number == 3


PARTNER_READY = Answers("", "Ready", "Ready", "Waiting is fine with me")


def test_the_partner_who_was_not_pregnant_never_holds_the_couple_at_wait():
    # The go-ahead is asked only of the partner who was pregnant; the other says how
    # waiting feels. Before, "I have not asked" from them meant "wait", for good.
    assert readiness.guidance_for(ALL_READY, PARTNER_READY).key == "both_ready"
    assert readiness.guidance_for(PARTNER_READY, ALL_READY).key == "both_ready"
    not_yet = Answers("Not yet", "Ready", "Ready")
    assert readiness.guidance_for(not_yet, PARTNER_READY).key == "no_green_light"
    assert readiness.guidance_for(PARTNER_READY, PARTNER_READY).key == "no_one_asked"


def test_the_form_asks_each_role_the_question_that_is_theirs():
    words = readiness.load_text()
    assert readiness.form_for("pregnant") == (True, False)
    assert readiness.form_for("partner") == (False, True)
    assert readiness.form_for("unsaid") == (True, True)
    partner = readiness.answers_from_form(
        "partner", None, words.waiting_options[0], "Ready", "Ready"
    )
    assert partner.green_light == "" and partner.waiting == words.waiting_options[0]
    with pytest.raises(ValueError):
        readiness.answers_from_form("pregnant", None, None, "Ready", "Ready")
    with pytest.raises(ValueError):
        readiness.answers_from_form("partner", None, None, "Ready", "Ready")
    unsure = readiness.answers_from_form(
        "unsaid", words.green_light_not_mine, None, "Ready", "Ready"
    )
    assert unsure.green_light == ""  # not theirs to ask: stored as not asked


def test_a_partners_waiting_answer_is_kept_and_shown_after_both_answer(db, couple):
    sam, alex = couple
    readiness.submit(db, sam, ALL_READY)
    readiness.submit(db, alex, PARTNER_READY)
    [done] = readiness.rounds(db, sam)
    assert done.theirs == PARTNER_READY


def test_a_save_of_the_answer_a_window_knew_keeps_a_together_answer_saved_since(db, couple):
    """As for journal answers (test_journal.py): a Save of the words a window knew as
    saved does not put them back over an answer saved since in another window."""
    sam, alex = couple
    together.answer(db, sam, PROMPT, "first words")
    together.answer(db, sam, PROMPT, "newer words")  # in another window
    with pytest.raises(NewerAnswer) as held:
        together.answer(db, sam, PROMPT, "first words", keep_newer=True)
    assert held.value.text == "newer words"
    assert together.states(db, sam, [PROMPT])[PROMPT].mine.text == "newer words"
    together.answer(db, sam, PROMPT, "newer words", keep_newer=True)
    together.answer(db, alex, PROMPT, "Alex's first answer", keep_newer=True)
    assert together.states(db, alex, [PROMPT])[PROMPT].revealed


def test_no_together_save_lands_between_the_newer_answer_check_and_the_write(
    db, couple, monkeypatch
):
    """As for journal answers: the check is in the write's own transaction."""
    sam, _ = couple
    together.answer(db, sam, PROMPT, "first words")
    checking, go_on = threading.Event(), threading.Event()
    real_check = together.newer_words

    def slow_check(saved, words):
        checking.set()
        go_on.wait(10)
        return real_check(saved, words)

    monkeypatch.setattr(together, "newer_words", slow_check)
    first = threading.Thread(
        target=together.answer, args=(db, sam, PROMPT, "first words"), kwargs={"keep_newer": True}
    )
    first.start()
    assert checking.wait(10)
    monkeypatch.setattr(together, "newer_words", real_check)
    other = threading.Thread(target=together.answer, args=(db, sam, PROMPT, "newest words"))
    other.start()
    other.join(0.5)
    waited = other.is_alive()
    go_on.set()
    first.join(10)
    other.join(10)
    assert waited, "the other window's save did not wait for the checked write"
    assert together.states(db, sam, [PROMPT])[PROMPT].mine.text == "newest words"
