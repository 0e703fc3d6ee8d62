"""The Job market tab: filters -> top-skills chart, segment comparison, pay by level, the postings behind it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import gradio as gr
from PIL import Image

from assistant.app import render
from assistant.core.indexing import POSTINGS_STAGE, IndexStatus
from assistant.market.charts import plot_top_skills
from assistant.market.dates import date_range, joint_label
from assistant.market.filters import ALL_VALUES, MarketFilter, parse_filter
from assistant.market.pay import pay_stats
from assistant.market.stats import compare, postings_behind, top_skills
from assistant.services import Services
from assistant.store.collections import POSTINGS

ANY = ""
ALL_POSTINGS = "all postings"
TOP_N = 15
POSTINGS_SHOWN = 20
COMPARE_ROWS = 12


def facet_values(services: Services, key: str) -> list[str]:
    """Stored values of a postings field, most frequent first; empty when nothing is indexed yet."""
    store = services.store
    if not store.has_collection(POSTINGS):
        return []
    return [str(f.value) for f in store.facet(POSTINGS, key, limit=ALL_VALUES) if str(f.value)]


def with_any(values: list[str]) -> list[str | tuple[str, str]]:
    """Dropdown choices: "any" (no filter) first, then the stored values."""
    return [("any", ANY), *values]


def _opt(value: str | None) -> str | None:
    return value or None


def compare_choices(services: Services) -> list[str]:
    """Segments to compare against: all postings, each ai_type, each city (as filter text)."""
    return (
        [ALL_POSTINGS]
        + [f"ai_type={v}" for v in facet_values(services, "ai_type")]
        + [f"city={v}" for v in facet_values(services, "city")]
    )


def _against(choice: str | None) -> MarketFilter:
    return MarketFilter() if not choice or choice == ALL_POSTINGS else parse_filter(choice)


def data_as_of(services: Services) -> str | None:
    """`data as of 2026-02-27 (postings dated 2025-08-01 to 2026-02-27)`; None before any posting is indexed."""
    store = services.store
    dates = date_range(store) if store.has_collection(POSTINGS) else None
    return f"data as of {dates.latest} ({dates.label()})" if dates else None


@dataclass(frozen=True)
class MarketView:
    """Everything the tab shows for one filter."""

    chart: Image.Image
    dates_note: str
    skills: list[render.Row]
    comparison_note: str
    comparison_headers: list[str]
    comparison: list[render.Row]
    pay_note: str
    pay: list[render.Row]
    postings: str


def market_view(
    services: Services,
    city: str | None,
    ai_type: str | None,
    level: str | None,
    work_type: str | None,
    against: str | None,
    since: str | None = None,
    until: str | None = None,
) -> MarketView:
    """Compute the tab's figures for a filter with the same library functions the CLI uses.

    The posting dates (since, until: YYYY-MM-DD) bound both the filter and the segment it is compared with.
    """
    store, taxonomy = services.store, services.taxonomy
    lo, hi = _opt((since or "").strip()), _opt((until or "").strip())
    flt = MarketFilter(city=_opt(city), ai_type=_opt(ai_type), level=_opt(level), work_type=_opt(work_type), since=lo, until=hi)
    ranking = top_skills(store, taxonomy, flt, n=TOP_N)
    a, b = flt, replace(_against(against), since=lo, until=hi)
    types = facet_values(services, "ai_type")
    if b in (a, ranking.filters) and len(types) >= 2:
        # Nothing to contrast yet: show the two largest AI types side by side, not a segment against itself.
        a, b = MarketFilter(ai_type=types[0], since=lo, until=hi), MarketFilter(ai_type=types[1], since=lo, until=hi)
    if b in (a, ranking.filters):
        cmp_note, headers, rows = "Choose a filter or another segment to compare with.", ["skill"], []
    else:
        cmp = compare(store, taxonomy, a, b, n=COMPARE_ROWS)
        dates = joint_label(((cmp.a.filters.label(), cmp.a.dates), (cmp.b.filters.label(), cmp.b.dates)))
        cmp_note = (
            f"**Segment comparison**: largest differences in skill share, {cmp.a.filters.label()} vs {cmp.b.filters.label()}"
            + (f" ({dates})." if dates else ".")
        )
        headers, rows = render.compare_headers(cmp), render.compare_rows(cmp)
    pay = pay_stats(store, taxonomy, flt, by="level")
    return MarketView(
        render.chart_image(plot_top_skills, ranking),
        render.dates_note(ranking),
        render.ranking_rows(ranking),
        cmp_note,
        headers,
        rows,
        render.pay_note(pay),
        render.pay_rows(pay),
        render.postings_html(postings_behind(store, taxonomy, flt, limit=POSTINGS_SHOWN)),
    )


def filter_choices(services: Services) -> tuple[Any, ...]:
    """Fresh choices for the tab's city, AI type, level, work type and comparison dropdowns (values kept)."""
    keys = ("city", "ai_type", "level", "work_type")
    return (*(gr.update(choices=with_any(facet_values(services, k))) for k in keys), gr.update(choices=compare_choices(services)))


def postings_note(status: IndexStatus) -> str:
    """A notice while job postings are still being indexed: figures count only those indexed so far."""
    view = status.view()
    if view.stage_done(POSTINGS_STAGE):
        return ""
    stage = next((s for s in view.stages if s.name == POSTINGS_STAGE), None)
    progress = f" ({stage.label()})" if stage else ""
    return render.message(
        f"Job postings are still being indexed{progress}: figures count the postings indexed so far.", kind="hint"
    )


def market_tab(services: Services, demo: gr.Blocks, status: IndexStatus | None = None, version: gr.State | None = None) -> None:
    """Lay out the tab inside the current Blocks and wire its events (figures load with the page and on a new `version`)."""
    status = status or IndexStatus.off()
    with gr.Row():
        city = gr.Dropdown(with_any(facet_values(services, "city")), value=ANY, label="City", elem_id="market-city")
        ai_type = gr.Dropdown(with_any(facet_values(services, "ai_type")), value=ANY, label="AI type", elem_id="market-ai-type")
        level = gr.Dropdown(with_any(facet_values(services, "level")), value=ANY, label="Level", elem_id="market-level")
        work_type = gr.Dropdown(
            with_any(facet_values(services, "work_type")), value=ANY, label="Work type", elem_id="market-work-type"
        )
        against = gr.Dropdown(compare_choices(services), value=ALL_POSTINGS, label="Compare with", elem_id="market-against")
    with gr.Row():
        since = gr.Textbox(label="Posted on or after", placeholder="YYYY-MM-DD", max_lines=1, elem_id="market-since")
        until = gr.Textbox(label="Posted on or before", placeholder="YYYY-MM-DD", max_lines=1, elem_id="market-until")
    error = gr.HTML(elem_id="market-error")
    dates_note = gr.Markdown(elem_id="market-dates")
    with gr.Row():
        chart = gr.Image(
            label="Most requested skills",
            type="pil",
            interactive=False,
            elem_id="market-chart",
            buttons=["download", "fullscreen"],
        )
        skills = gr.Dataframe(
            headers=["skill", "category", "share", "n"], label="Top skills", interactive=False, elem_id="market-skills"
        )
    cmp_note = gr.Markdown(elem_id="market-compare-note")
    comparison = gr.Dataframe(headers=["skill"], label="Segment comparison", interactive=False, elem_id="market-compare")
    pay_note = gr.Markdown(elem_id="market-pay-note")
    pay = gr.Dataframe(headers=render.PAY_HEADERS, label="Pay by level (yearly)", interactive=False, elem_id="market-pay")
    postings = gr.HTML(elem_id="market-postings")

    def update(c: str, a: str, lv: str, w: str, vs: str, lo: str, hi: str) -> tuple[Any, ...]:
        note = postings_note(status)
        try:
            v = market_view(services, c, a, lv, w, vs, lo, hi)
        except Exception as exc:
            return (note or render.failure(exc), "", None, [], "", gr.update(value=[], headers=["skill"]), "", [], "")
        table = gr.update(value=v.comparison or None, headers=v.comparison_headers)
        return (note, v.dates_note, v.chart, v.skills, v.comparison_note, table, v.pay_note, v.pay, v.postings)

    choices = [city, ai_type, level, work_type, against]
    inputs = [*choices, since, until]
    outputs = [error, dates_note, chart, skills, cmp_note, comparison, pay_note, pay, postings]
    # Dates are typed: figures follow when the field is left (or Enter is pressed), not at every keystroke.
    triggers = [c.change for c in choices] + [d.submit for d in (since, until)] + [d.blur for d in (since, until)]
    if version is not None:
        version.change(lambda: filter_choices(services), None, choices, show_progress="hidden")
        triggers.append(version.change)
    gr.on([*triggers, demo.load], update, inputs, outputs, show_progress="minimal")
