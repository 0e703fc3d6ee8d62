"""The web app without a browser: it builds, refuses unsafe binds and uploads, escapes documents, stores thumbs."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from pydantic import SecretStr

from assistant.app.build import build_app, launch_options
from assistant.app.chat import ChatState, thumbs
from assistant.app.feedback import AnswerLog, FeedbackStore, open_feedback
from assistant.app.gap import upload_status
from assistant.app.render import link, plain, sources_html
from assistant.app.safety import app_auth, check_pdf_upload, is_local_host
from assistant.ask import SourceRef
from assistant.core.settings import Settings
from assistant.errors import ConfigError, InputError
from assistant.services import Services


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", model="offline", max_upload_mb=1)


@pytest.fixture
def services(settings: Settings, fake_embedder: Callable[..., Any]) -> Iterator[Services]:
    s = Services(settings, embedder=fake_embedder())
    yield s
    s.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_build_app_has_three_tabs_and_no_analytics(services: Services) -> None:
    demo = build_app(services)
    tabs = [b.label for b in demo.blocks.values() if isinstance(b, gr.Tab)]
    assert tabs == ["Chat", "Skill gap", "Job market"]
    assert demo.analytics_enabled is False


def test_build_app_works_before_anything_is_ingested(services: Services) -> None:
    demo = build_app(services)
    city = next(b for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b.elem_id == "market-city")
    assert city.choices == [("any", "")]


def test_launch_options_keep_uploads_small_and_the_app_private(settings: Settings) -> None:
    options = launch_options(settings)
    assert options["max_file_size"] == 1024 * 1024
    assert options["share"] is False and options["auth"] is None
    assert str(settings.data_dir.resolve()) in options["blocked_paths"]
    assert options["footer_links"] == [] and options["mcp_server"] is False


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_are_local(host: str) -> None:
    assert is_local_host(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org"])
def test_other_hosts_are_not_local(host: str) -> None:
    assert not is_local_host(host)


def test_open_bind_without_login_is_refused(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="without a login"):
        app_auth(settings.model_copy(update={"host": "0.0.0.0"}))


def test_open_bind_with_login_uses_gradio_auth(settings: Settings) -> None:
    open_ = settings.model_copy(update={"host": "0.0.0.0", "app_username": "ana", "app_password": SecretStr("s3cret")})
    assert app_auth(open_) == ("ana", "s3cret")


def test_open_bind_is_allowed_when_the_user_accepts_an_open_app(settings: Settings) -> None:
    assert app_auth(settings.model_copy(update={"host": "0.0.0.0", "allow_open_app": True})) is None


def test_username_without_password_is_a_config_error(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="only one of"):
        app_auth(settings.model_copy(update={"app_username": "ana"}))


def test_upload_with_pdf_content_is_accepted(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.7\n%binary\n")
    assert check_pdf_upload(cv, 1024) == cv


def test_upload_named_pdf_but_holding_text_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "cv.pdf"
    fake.write_text("<html>not a pdf</html>")
    with pytest.raises(InputError, match="not a PDF"):
        check_pdf_upload(fake, 1024)


def test_upload_over_the_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "cv.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"x" * 2048)
    with pytest.raises(InputError, match="over the"):
        check_pdf_upload(big, 1024)


def test_upload_status_shows_the_refusal_as_a_message(services: Services, tmp_path: Path) -> None:
    fake = tmp_path / "notes.pdf"
    fake.write_text("hello")
    html = upload_status(services, str(fake))
    assert "ca-error" in html and "notes.pdf is not a PDF" in html


def test_links_allow_only_http_urls_and_escape_text() -> None:
    assert link("javascript:alert(1)", "<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert link("https://example.org/a?b=1&c=2", "t").startswith('<a href="https://example.org/a?b=1&amp;c=2"')


def test_document_text_cannot_inject_html() -> None:
    ref = SourceRef(1, "doc:1", "passage", "x.md", "<img src=x onerror=alert(1)>", quote="<script>alert(1)</script>")
    html = sources_html([ref])
    assert "<script>" not in html and "<img" not in html
    assert plain("use <script> tags") == "use &lt;script> tags"


def test_thumbs_update_the_row_of_the_rated_answer(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    row = store.record(AnswerLog("c", "q", "a", [], [], "offline", 0.1))
    state = ChatState(answer_rows=((1, row),))
    thumbs(store, state, gr.LikeData(None, {"index": 1, "value": "a", "liked": True}))
    assert store.get(row).thumbs == "up"  # type: ignore[union-attr]
    thumbs(store, state, gr.LikeData(None, {"index": 1, "value": "a", "liked": False}))
    assert store.get(row).thumbs == "down"  # type: ignore[union-attr]


def test_running_app_contacts_no_outside_host(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def recording(host: object, *args: object, **kwargs: object) -> object:
        looked_up.append(str(host))
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    with _launched(services) as url:
        for path in ("", "config"):
            with urllib.request.urlopen(url + path, timeout=10) as resp:
                assert resp.status == 200
        time.sleep(1)  # Gradio's telemetry, when on, fires from background threads within this time
    assert {h for h in looked_up if not is_local_host(h)} == set()


@pytest.mark.parametrize("target", ["/etc/passwd", "DATA/feedback.sqlite3", "../../../../etc/passwd"])
def test_running_app_serves_no_file_outside_its_assets(services: Services, target: str) -> None:
    open_feedback(services.settings)  # a real file in the data dir to ask for
    target = target.replace("DATA", str(services.settings.data_dir.resolve()))
    with _launched(services) as url, pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}gradio_api/file={target}", timeout=10)
    assert refused.value.code in (403, 404)


@contextmanager
def _launched(services: Services) -> Iterator[str]:
    """The app launched on a free port with the production launch options; its URL."""
    demo = build_app(services)
    demo.launch(prevent_thread_lock=True, **launch_options(services.settings.model_copy(update={"port": _free_port()})))
    try:
        yield str(demo.local_url)
    finally:
        demo.close()


def test_typed_skills_win_over_a_preset_which_still_picks_the_learning_path(services: Services) -> None:
    from assistant.app.gap import choose_profile
    from assistant.vocab.backgrounds import get_background

    profile, origin = choose_profile(services, "data-engineer", "python, kafka", None)
    assert (profile.skills, origin) == (["Python", "Kafka"], "the skills you typed")
    assert profile.guide == get_background("data-engineer").guide
    assert choose_profile(services, None, "python, kafka", None)[0].guide is None
