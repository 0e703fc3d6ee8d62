"""The app states when its data is from: "data as of" in the header, the posting dates beside every market figure."""

from __future__ import annotations

import gradio as gr
import pytest

from assistant.app.build import build_app
from assistant.app.market import data_as_of, market_view
from assistant.errors import InputError
from assistant.services import Services


def test_data_as_of_names_the_latest_posting_date(tiny: Services) -> None:
    assert data_as_of(tiny) == "data as of 2026-02-10 (postings dated 2026-02-10)"


def test_the_header_says_data_as_of_and_the_market_tab_offers_date_filters(tiny: Services) -> None:
    demo = build_app(tiny)
    header = next(b for b in demo.blocks.values() if isinstance(b, gr.Markdown) and b.elem_id == "app-header")
    assert "data as of 2026-02-10" in str(header.value)
    boxes = {b.elem_id for b in demo.blocks.values() if isinstance(b, gr.Textbox)}
    assert {"market-since", "market-until"} <= boxes


def test_market_figures_state_their_dates_and_follow_the_date_filters(tiny: Services) -> None:
    view = market_view(tiny, "Berlin", "", "", "", "all postings", "2026-02-01", "")
    assert "postings dated 2026-02-10" in view.dates_note and "since=2026-02-01" in view.dates_note
    assert "postings dated 2026-02-10" in view.pay_note and "postings dated 2026-02-10" in view.postings
    assert "postings dated 2026-02-10" in view.comparison_note
    with pytest.raises(InputError, match="no posting matches"):
        market_view(tiny, "", "", "", "", "all postings", "", "2026-01-31")
    with pytest.raises(InputError, match="not a date"):
        market_view(tiny, "", "", "", "", "all postings", "2026-13-01", "")
