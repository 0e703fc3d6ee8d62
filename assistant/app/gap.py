"""The Skill gap tab: a preset, typed skills or a CV PDF against a target segment of postings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from PIL import Image

from assistant.app import render
from assistant.app.market import ANY, facet_values, with_any
from assistant.app.safety import check_pdf_upload, max_upload_bytes
from assistant.app.status import notice
from assistant.core.indexing import IndexStatus
from assistant.errors import InputError
from assistant.market.charts import plot_gap
from assistant.market.gap import (
    Profile,
    profile_from_background,
    profile_from_cv,
    profile_from_list,
    skill_gap,
    with_path_of,
)
from assistant.services import Services
from assistant.vocab.backgrounds import load_backgrounds

TARGETS = [("AI engineer (all postings)", "ai-engineer"), ("AI-first", "ai-first"), ("AI-support", "ai-support")]
NO_PRESET = ""


@dataclass(frozen=True)
class GapView:
    """Everything the tab shows for one analysis."""

    recognised: str
    rows: list[render.Row]
    chart: Image.Image
    strengths: str
    learning: str


def choose_profile(services: Services, background: str | None, skills: str | None, cv: str | None) -> tuple[Profile, str]:
    """The profile to analyse and where it came from: a CV wins over typed skills, which win over a preset; a preset
    chosen beside them still picks the learning path cited."""
    taxonomy = services.taxonomy
    if cv:
        path = check_pdf_upload(Path(cv), max_upload_bytes(services.settings))
        profile, origin = profile_from_cv(taxonomy, path), "your CV"
    elif skills and skills.strip():
        profile, origin = profile_from_list(taxonomy, skills), "the skills you typed"
    elif background:
        return profile_from_background(taxonomy, background), f"the {background} preset"
    else:
        raise InputError("nothing to analyse yet", hint="choose a background, type your skills, or upload your CV as a PDF")
    return (with_path_of(profile, background) if background else profile), origin


def gap_view(
    services: Services,
    background: str | None,
    skills: str | None,
    cv: str | None,
    target: str,
    city: str | None,
    level: str | None,
) -> GapView:
    """Run the same skill-gap analysis the CLI runs and render its parts."""
    profile, origin = choose_profile(services, background, skills, cv)
    report = skill_gap(
        services.store,
        services.answer_embedder,
        services.taxonomy,
        profile,
        target=target or "ai-engineer",
        city=city or None,
        level=level or None,
    )
    return GapView(
        render.recognised_html(report, origin),
        render.gap_rows(report),
        render.chart_image(plot_gap, report),
        render.strengths_html(report),
        render.learning_html(report),
    )


def upload_status(services: Services, cv: str | None) -> str:
    """Check an upload as soon as it lands: a message for a non-PDF or an oversized file, else a confirmation."""
    if not cv:
        return ""
    try:
        path = check_pdf_upload(Path(cv), max_upload_bytes(services.settings))
    except InputError as exc:
        return render.message(exc.message, exc.hint)
    return render.message(f"{path.name} received; press “Find my gap”.", kind="ok")


def gap_tab(services: Services, status: IndexStatus | None = None, version: gr.State | None = None) -> None:
    """Lay out the tab inside the current Blocks and wire its events (filters refresh when the index's `version` changes)."""
    status = status or IndexStatus.off()
    presets = [("none", NO_PRESET)] + [(b.label, b.id) for b in load_backgrounds()]
    limit_mb = services.settings.max_upload_mb
    with gr.Row():
        with gr.Column(scale=1):
            background = gr.Dropdown(presets, value=NO_PRESET, label="Your background", elem_id="gap-background")
            skills = gr.Textbox(
                label="…or your skills, comma separated", placeholder="python, sql, spark, airflow", elem_id="gap-skills"
            )
            cv = gr.File(
                label=f"…or your CV (PDF, up to {limit_mb:g} MB)", file_types=[".pdf"], type="filepath", elem_id="gap-cv"
            )
            upload_note = gr.HTML(elem_id="gap-upload-note")
            target = gr.Radio(TARGETS, value="ai-engineer", label="Target role", elem_id="gap-target")
            with gr.Row():
                city = gr.Dropdown(with_any(facet_values(services, "city")), value=ANY, label="City", elem_id="gap-city")
                level = gr.Dropdown(with_any(facet_values(services, "level")), value=ANY, label="Level", elem_id="gap-level")
            run = gr.Button("Find my gap", variant="primary", elem_id="gap-run")
        with gr.Column(scale=2):
            error = gr.HTML(elem_id="gap-error")
            recognised = gr.HTML(elem_id="gap-recognised")
            table = gr.Dataframe(
                headers=render.GAP_HEADERS, label="What to learn next, by demand", interactive=False, elem_id="gap-table"
            )
            chart = gr.Image(
                label="Skill gap", type="pil", interactive=False, elem_id="gap-chart", buttons=["download", "fullscreen"]
            )
            strengths = gr.HTML(elem_id="gap-strengths")
            with gr.Accordion("How to learn each skill, and who asks for it", open=True):
                learning = gr.HTML(elem_id="gap-learning")

    def analyse(bg: str, sk: str, file: str | None, tg: str, c: str, lv: str) -> tuple[Any, ...]:
        note = notice(status.view())
        try:
            v = gap_view(services, bg, sk, file, tg, c, lv)
        except Exception as exc:
            return (note + render.failure(exc), "", [], None, "", "")
        return (note, v.recognised, v.rows, v.chart, v.strengths, v.learning)

    cv.upload(lambda f: upload_status(services, f), cv, upload_note)
    cv.clear(lambda: "", None, upload_note)
    if version is not None:
        version.change(
            lambda: tuple(gr.update(choices=with_any(facet_values(services, k))) for k in ("city", "level")),
            None,
            [city, level],
            show_progress="hidden",
        )
    run.click(analyse, [background, skills, cv, target, city, level], [error, recognised, table, chart, strengths, learning])
