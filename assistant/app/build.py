"""The web app: Chat, Skill gap and Job market tabs over the library functions, served on localhost by default."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.app.chat import chat_tab
from assistant.app.feedback import FeedbackStore, open_feedback
from assistant.app.gap import gap_tab
from assistant.app.market import data_as_of, market_tab
from assistant.app.safety import app_auth, max_upload_bytes
from assistant.app.status import STATUS_EVERY_S, status_line, status_route
from assistant.core.indexing import IndexStatus
from assistant.core.settings import Settings
from assistant.services import Services

TITLE = "Career assistant for AI engineering"

CSS = """
.ca-error { border-left: 4px solid #d64545; background: #fdecec; padding: 8px 12px; border-radius: 4px; }
.ca-ok { border-left: 4px solid #2e8b57; background: #eaf6ee; padding: 8px 12px; border-radius: 4px; }
.ca-hint, .ca-muted { color: #666; font-size: 0.9em; }
.ca-chip { display: inline-block; background: #e8eef8; border-radius: 12px; padding: 2px 10px; margin: 2px; font-size: 0.9em; }
.ca-cite summary { cursor: pointer; }
.ca-cite blockquote { margin: 4px 0 4px 8px; padding-left: 8px; border-left: 3px solid #ccc; color: #444; }
.ca-trace td, .ca-trace th { padding: 2px 8px; font-size: 0.85em; text-align: left; vertical-align: top; }
.ca-trace code { white-space: pre-wrap; word-break: break-word; }
.ca-trace td:first-child, .ca-trace td:last-child, .ca-trace th { white-space: nowrap; }
"""


def header(services: Services) -> str:
    """The title line, with the postings' dates once any are indexed."""
    as_of = data_as_of(services)
    return f"## {TITLE}\nCited answers and figures from real job postings, role guides and learning paths" + (
        f" · {as_of}." if as_of else "."
    )


def build_app(services: Services, feedback: FeedbackStore | None = None, status: IndexStatus | None = None) -> gr.Blocks:
    """The Blocks app; every figure and answer comes from the same functions the CLI calls."""
    feedback = feedback or open_feedback(services.settings)
    status = status or IndexStatus.off()
    view = status.view()
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        title = gr.Markdown(header(services), elem_id="app-header")
        line = gr.Markdown(status_line(view), elem_id="index-status")
        # Each page's idea of the index: a change (a stage finished since) refreshes what was read from it.
        version = gr.State(view.version)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                chat_tab(services, feedback, status)
            with gr.Tab("Skill gap", id="gap", elem_id="tab-gap"):
                gap_tab(services, status, version)
            with gr.Tab("Job market", id="market", elem_id="tab-market"):
                market_tab(services, demo, status, version)
        if view.phase != "off":
            # An ingest runs beside the app: the status line follows it, and what was read from the index
            # (header, filter choices, figures) is read again whenever a stage finishes.

            def tick(seen: int) -> tuple[Any, ...]:
                now = status.view()
                fresh = gr.update(value=header(services)) if now.version != seen else gr.skip()
                return status_line(now), fresh, now.version

            timer = gr.Timer(STATUS_EVERY_S)
            # Queued (a `version` change fires only from a queued event) but never behind answers: no concurrency limit.
            timer.tick(tick, version, [line, title, version], concurrency_limit=None, show_progress="hidden")
    return demo


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: bind, login, upload limit, and nothing that calls outside hosts."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": app_auth(settings),  # raises ConfigError for an open non-local bind
        "max_file_size": max_upload_bytes(settings),
        # Gradio serves only its own assets and files the app created; these are blocked even from that.
        "blocked_paths": [str(settings.data_dir.resolve()), str(settings.corpus_dir.resolve())],
        "share": False,
        "show_error": False,
        "footer_links": [],
        "run_history": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "ssr_mode": False,
        "pwa": False,
        "quiet": True,
        "theme": gr.themes.Default(),  # its fonts ship with Gradio (LocalFont): no Google Fonts request
        "css": CSS,
    }


def serve(services: Services, *, block: bool = True, status: IndexStatus | None = None) -> gr.Blocks:
    """Start the app (and `GET /status`, without a login, for health checks); blocks until stopped unless block=False."""
    options = launch_options(services.settings)
    status = status or IndexStatus.off()
    demo = build_app(services, status=status)
    demo.queue(default_concurrency_limit=4)
    demo.launch(prevent_thread_lock=True, app_kwargs={"routes": [status_route(status, services.store)]}, **options)
    print(f"Career assistant running at {demo.local_url}  (Ctrl+C to stop)", flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return demo
