"""A click inside a chapter fold or question reruns only it (issue 14).

On the real server, over Streamlit's websocket, as the browser sends it: opening a
fold and the Save of a question are fragment reruns, whose answers hold the fold or
the question and not the page around them; the page's next full run shows the same
saved answer.
"""

from __future__ import annotations

import asyncio
import os

from bench import stclient
from workbook import spaces, store
from workbook.content import workbook

from browser import start_server
from conftest import FAST_KDF
from helpers import PASS_A, PASS_B, join, make_space

CHAPTER = workbook().chapter("heart")
PROMPT = CHAPTER.prompts[0]
PAGE = f"chapter_{CHAPTER.number}"
WORDS = "Words saved from a fragment"


async def _signed_in(url: str, login: str, secret: str) -> stclient.Session:
    tab = stclient.Session(url.replace("http://", "ws://") + "/_stcore/stream", timeout=30)
    await tab.connect()
    signed = await tab.sign_in(login, secret)
    assert signed.has_text("Signed in as"), signed.texts[:5]
    return tab


async def _scenario(url: str) -> None:
    tab = await _signed_in(url, "sam", PASS_A)
    try:
        closed = await tab.run(PAGE)
        assert not closed.of("text_area")  # a closed fold builds nothing
        page = await tab.open_fold(PAGE, closed, "On your own")
        assert page.of("text_area"), "opening the fold did not build its questions"
        assert not page.has_text(CHAPTER.title), "opening a fold ran the whole page"
        area = next(e for e in page.of("text_area") if e.key.endswith(f":{PROMPT.id}"))
        save = page.by_key("button", f"save:{PROMPT.id}")
        assert save.fragment_id, "the question is not a fragment"
        done = await tab.run(
            PAGE,
            [stclient.text_value(area.id, WORDS), stclient.trigger(save.id)],
            fragment_id=save.fragment_id,
        )
        assert "Saved. Only you can see this." in done.successes()
        assert any(t.startswith("Saved ") for t in done.texts), "the fresh answer is not shown"
        assert not done.has_text(CHAPTER.title), "the whole page ran again"
        assert len(done.elements) < len(page.elements) / 3, (len(done.elements), len(page.elements))
        again = await tab.run(PAGE)
        area = next(e for e in again.of("text_area") if e.key.endswith(f":{PROMPT.id}"))
        assert area.proto.value == WORDS
        assert any(t.startswith("Saved ") for t in again.texts)
    finally:
        await tab.close()


def _serve(tmp_path, couple: bool = False):
    url = f"sqlite:///{tmp_path / 'workbook.db'}"
    db = store.Db(store.engine_for(url), os.urandom(32), FAST_KDF)
    sam = make_space(db).member
    if couple:
        join(db, spaces.create_invite(db, sam))
    store.dispose_all()
    return start_server(tmp_path, WORKBOOK_INSTANCE_SECRET=db.pepper.hex())


def _on_a_server(tmp_path, scenario, couple: bool = False) -> None:
    """Run ``scenario(url)`` against a fresh server, and stop the server after."""
    server = _serve(tmp_path, couple)
    try:
        asyncio.run(scenario(next(server)))
    finally:
        next(server, None)  # runs start_server's clean-up: the server stops


def test_a_fold_and_a_save_rerun_only_themselves_and_the_page_shows_it_after(tmp_path):
    _on_a_server(tmp_path, _scenario)


TALKING = workbook().chapter("talking")
TOGETHER = TALKING.together[0]
TOGETHER_PAGE = f"chapter_{TALKING.number}"


async def _answer_together(tab: stclient.Session, words: str) -> stclient.RunResult:
    page = await tab.open_fold(TOGETHER_PAGE, await tab.run(TOGETHER_PAGE), "Together")
    area = next(e for e in page.of("text_area") if e.key.endswith(f":{TOGETHER.id}"))
    button = page.by_key("button", f"together:{TOGETHER.id}")
    assert button.fragment_id, "a together question is not a fragment"
    done = await tab.run(
        TOGETHER_PAGE,
        [stclient.text_value(area.id, words), stclient.trigger(button.id)],
        fragment_id=button.fragment_id,
    )
    assert not done.has_text(TALKING.title), "the whole page ran again"
    return done


async def _together(url: str) -> None:
    sam = await _signed_in(url, "sam", PASS_A)
    alex = await _signed_in(url, "alex", PASS_B)
    try:
        done = await _answer_together(sam, "Sam's words, hidden until both answer")
        assert done.has_text("Waiting for Alex"), done.texts
        # Pass this device to Alex, from inside the fragment: the whole page must go
        # to the hand-over screen, with nothing of Sam's on it.
        handover = done.by_key("button", f"handover:{TOGETHER.id}")
        passed = await sam.run(
            TOGETHER_PAGE, [stclient.trigger(handover.id)], fragment_id=handover.fragment_id
        )
        assert passed.has_text("Pass to Alex"), passed.texts
        assert not passed.has_text("Sam's words"), "Sam's answer is on the hand-over screen"
        assert not passed.of("text_area")
        await _answer_together(alex, "Alex's words")
        page = await alex.run(TOGETHER_PAGE)
        opening = page.by_key("button", f"open:{TOGETHER.id}")
        shown = await alex.run(
            TOGETHER_PAGE, [stclient.trigger(opening.id)], fragment_id=opening.fragment_id
        )
        assert shown.has_text("Sam's words, hidden until both answer")
        assert shown.has_text("Alex's words")
        assert not shown.has_text(TALKING.title), "the reveal ran the whole page"
    finally:
        await sam.close()
        await alex.close()


def test_answering_together_and_the_reveal_rerun_one_question_and_hand_over_leaves(tmp_path):
    _on_a_server(tmp_path, _together, couple=True)


async def _news(url: str) -> None:
    sam = await _signed_in(url, "sam", PASS_A)
    alex = await _signed_in(url, "alex", PASS_B)
    try:
        page = await sam.open_fold(PAGE, await sam.run(PAGE), "On your own")
        poll = next(f for f, every in sam.fragments.items() if every == 5.0)
        area = next(e for e in page.of("text_area") if e.key.endswith(f":{PROMPT.id}"))
        who = page.by_key("radio", f"visibility:{PROMPT.id}")
        save = page.by_key("button", f"save:{PROMPT.id}")
        shared = await sam.run(
            PAGE,
            [
                stclient.text_value(area.id, "Sam shares this"),
                stclient.choice(who, 1),
                stclient.trigger(save.id),
            ],
            fragment_id=save.fragment_id,
        )
        assert any(s.startswith("Saved and shared") for s in shared.successes())
        quiet = await sam.poll(poll)
        assert not quiet.full_run, "Sam's own shared save came back as the partner's news"
        # Alex answers; before Sam's page checks, Sam clicks inside a fragment.
        await _answer_together(alex, "Alex's news")
        await sam.run(
            PAGE,
            [stclient.text_value(area.id, "Sam edits"), stclient.trigger(save.id)],
            fragment_id=save.fragment_id,
        )
        news = await sam.poll(poll)
        assert news.full_run, "a click inside a fragment swallowed the partner's news"
    finally:
        await sam.close()
        await alex.close()


def test_a_click_inside_a_fragment_never_swallows_the_partners_news(tmp_path):
    _on_a_server(tmp_path, _news, couple=True)


NEWS_TOAST = "Something new from your partner is here."


async def _own_other_tab(url: str) -> None:
    sam = await _signed_in(url, "sam", PASS_A)
    sams_phone = await _signed_in(url, "sam", PASS_A)
    alex = await _signed_in(url, "alex", PASS_B)
    try:
        await sam.run(PAGE)
        poll = next(f for f, every in sam.fragments.items() if every == 5.0)
        assert not (await sam.poll(poll)).full_run  # nothing new yet
        # Sam shares an answer from another tab (a phone): Sam's open page redraws,
        # but it must not say the news is the partner's.
        page = await sams_phone.open_fold(PAGE, await sams_phone.run(PAGE), "On your own")
        area = next(e for e in page.of("text_area") if e.key.endswith(f":{PROMPT.id}"))
        who = page.by_key("radio", f"visibility:{PROMPT.id}")
        save = page.by_key("button", f"save:{PROMPT.id}")
        await sams_phone.run(
            PAGE,
            [
                stclient.text_value(area.id, "Shared from Sam's phone"),
                stclient.choice(who, 1),
                stclient.trigger(save.id),
            ],
            fragment_id=save.fragment_id,
        )
        own = await sam.poll(poll)
        assert own.full_run, "the other tab's change did not reach the open page"
        assert not own.has_text(NEWS_TOAST), "Sam's own other tab was called the partner"
        # Alex answers: now it is the partner's news.
        await _answer_together(alex, "Alex's news")
        poll = next(f for f, every in sam.fragments.items() if every == 5.0)
        news = await sam.poll(poll)
        assert news.full_run and news.has_text(NEWS_TOAST), news.texts[:8]
    finally:
        for tab in (sam, sams_phone, alex):
            await tab.close()


def test_news_from_your_own_other_tab_is_not_called_your_partners(tmp_path):
    _on_a_server(tmp_path, _own_other_tab, couple=True)
