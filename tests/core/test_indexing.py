"""The index status an app reads while ingest runs beside it: stages in order, progress, readiness, the answer's note."""

from __future__ import annotations

import threading

from assistant.core.indexing import GUIDES_STAGE, PASSAGES_STAGE, POSTINGS_STAGE, SENTENCES_STAGE, IndexStatus


def test_a_new_status_waits_on_every_stage_and_is_not_ready() -> None:
    view = IndexStatus().view()
    assert view.phase == "starting" and not view.ready
    assert [(s.name, s.state) for s in view.stages] == [
        (POSTINGS_STAGE, "waiting"),
        (GUIDES_STAGE, "waiting"),
        (PASSAGES_STAGE, "waiting"),
        (SENTENCES_STAGE, "waiting"),
    ]
    assert view.note() == (
        "Still indexing job postings: waiting, guides: waiting, job posting passages: waiting. "
        "Answers use what is indexed so far."
    )


def test_progress_moves_stage_by_stage_and_a_started_stage_ends_the_one_before() -> None:
    status = IndexStatus()
    status.begin()
    status.stage(POSTINGS_STAGE, 10)
    status.advance(4)
    view = status.view()
    assert view.stages[0].percent == 40 and view.stages[0].label() == "job postings: 40%"
    assert not view.stage_done(POSTINGS_STAGE)
    status.stage(GUIDES_STAGE, 5)
    view = status.view()
    assert view.stage_done(POSTINGS_STAGE) and not view.stage_done(GUIDES_STAGE)
    assert view.note() == "Still indexing guides: 0%, job posting passages: waiting. Answers use what is indexed so far."
    status.stage(PASSAGES_STAGE, 10)
    assert status.view().pending == status.view().stages[2:]
    status.stage(SENTENCES_STAGE, 5)
    view = status.view()
    # Answers made before the guides' sentences are embedded are the same answers: they do not mention it.
    assert view.pending == (view.stages[3],) and not view.ready and view.note() is None
    status.finish()
    view = status.view()
    assert view.ready and view.phase == "ready" and view.note() is None and view.runs == 1


def test_a_stage_with_nothing_to_do_is_done_when_it_starts() -> None:
    status = IndexStatus()
    status.stage(POSTINGS_STAGE, 0)
    assert status.view().stages[0].percent == 100


def test_version_grows_when_a_stage_finishes_and_not_while_it_advances() -> None:
    status = IndexStatus()
    status.stage(POSTINGS_STAGE, 3)
    before = status.view().version
    status.advance(2)
    assert status.view().version == before
    status.stage(GUIDES_STAGE, 1)
    assert status.view().version > before


def test_a_later_run_keeps_the_index_ready_and_says_nothing_in_answers() -> None:
    status = IndexStatus()
    status.finish()
    status.begin()
    status.stage(GUIDES_STAGE, 2)
    view = status.view()
    assert view.ready and view.phase == "indexing" and view.note() is None


def test_a_failed_first_run_keeps_what_it_finished_and_says_why() -> None:
    status = IndexStatus()
    status.stage(POSTINGS_STAGE, 1)
    status.stage(GUIDES_STAGE, 3)
    status.advance()
    status.fail("corpus dir missing")
    view = status.view()
    assert view.phase == "failed" and not view.ready
    assert view.stage_done(POSTINGS_STAGE) and not view.stage_done(GUIDES_STAGE)
    assert view.note() == "Indexing stopped: corpus dir missing. Answers use what was indexed before."


def test_an_app_without_an_ingest_beside_it_is_ready() -> None:
    view = IndexStatus.off().view()
    assert view.phase == "off" and view.ready and view.note() is None


def test_advances_from_another_thread_are_all_counted() -> None:
    status = IndexStatus()
    status.stage(POSTINGS_STAGE, 4000)
    threads = [threading.Thread(target=lambda: [status.advance() for _ in range(1000)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert status.view().stages[0].done == 4000
