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
from workbook import store
from workbook.content import workbook

from browser import start_server
from conftest import FAST_KDF
from helpers import PASS_A, make_space

CHAPTER = workbook().chapter("heart")
PROMPT = CHAPTER.prompts[0]
PAGE = f"chapter_{CHAPTER.number}"
WORDS = "Words saved from a fragment"


async def _scenario(url: str) -> None:
    tab = stclient.Session(url.replace("http://", "ws://") + "/_stcore/stream", timeout=30)
    await tab.connect()
    try:
        page = await tab.run("account")
        fields = [e for e in page.of("text_input") if e.proto.form_id == "sign_in"]
        button = page.by_label("button", "Sign in")[0]
        signed = await tab.run(
            "account",
            [
                stclient.text_value(fields[0].id, "sam"),
                stclient.text_value(fields[1].id, PASS_A),
                stclient.trigger(button.id),
            ],
        )
        assert signed.has_text("Signed in as"), signed.texts[:5]
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


def test_a_fold_and_a_save_rerun_only_themselves_and_the_page_shows_it_after(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.db'}"
    db = store.Db(store.engine_for(url), os.urandom(32), FAST_KDF)
    make_space(db)
    store.dispose_all()
    server = start_server(tmp_path, WORKBOOK_INSTANCE_SECRET=db.pepper.hex())
    url = next(server)
    try:
        asyncio.run(_scenario(url))
    finally:
        server.close()
