"""The Gradio web app: chat with citations, skill gap and job-market tabs, feedback."""

from assistant.app.build import build_app

__all__ = ["build_app"]
