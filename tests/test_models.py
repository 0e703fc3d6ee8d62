"""Choosing the model from settings, and turning provider failures into one clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.exceptions import ModelHTTPError, RunTimedOut, UnexpectedModelBehavior
from pydantic_ai.models.function import FunctionModel
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel

from assistant.core.settings import Settings
from assistant.errors import ConfigError, ModelError
from assistant.models import DEFAULT_OPENAI_MODEL, OFFLINE, as_assistant_error, build_model, model_name


def test_offline_when_nothing_is_configured(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    assert model_name(tiny_settings(tmp_path, model=None)) == OFFLINE


def test_openai_default_when_only_a_key_is_set(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    assert model_name(tiny_settings(tmp_path, model=None, openai_api_key="sk-test")) == DEFAULT_OPENAI_MODEL


def test_override_beats_the_setting(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    assert model_name(tiny_settings(tmp_path, model="openai:gpt-5-mini"), "offline") == OFFLINE


def test_base_url_without_a_model_name_is_a_config_error(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_OPENAI_BASE_URL") as info:
        model_name(tiny_settings(tmp_path, model=None, openai_base_url="http://127.0.0.1:11434/v1"))
    assert "ASSISTANT_MODEL=openai-chat:" in (info.value.hint or "")


def test_offline_builds_a_function_model(
    tmp_path: Path, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> None:
    model = build_model(OFFLINE, tiny_settings(tmp_path), fake_embedder())
    assert isinstance(model, FunctionModel) and model.model_name == "offline"


def test_openai_chat_uses_chat_completions_at_the_base_url(
    tmp_path: Path, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> None:
    settings = tiny_settings(tmp_path, openai_base_url="http://127.0.0.1:11434/v1")
    model = build_model("openai-chat:llama3.1", settings, fake_embedder())
    assert isinstance(model, OpenAIChatModel)
    assert (model.model_name, model.base_url) == ("llama3.1", "http://127.0.0.1:11434/v1/")


def test_bare_openai_prefix_is_the_responses_api(
    tmp_path: Path, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> None:
    model = build_model("openai:gpt-5-mini", tiny_settings(tmp_path, openai_api_key="sk-test"), fake_embedder())
    assert isinstance(model, OpenAIResponsesModel)


def test_openai_without_key_or_server_names_the_key_setting(
    tmp_path: Path, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> None:
    with pytest.raises(ConfigError, match="API key") as info:
        build_model("openai:gpt-5-mini", tiny_settings(tmp_path), fake_embedder())
    assert "OPENAI_API_KEY" in (info.value.hint or "")


def test_model_name_without_provider_is_a_config_error(
    tmp_path: Path, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> None:
    with pytest.raises(ConfigError, match="names no provider"):
        build_model("gpt-5-mini", tiny_settings(tmp_path), fake_embedder())


def test_rejected_key_names_the_key_setting(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    error = as_assistant_error(
        ModelHTTPError(401, "gpt-5-mini", {"error": "bad key"}), "openai:gpt-5-mini", tiny_settings(tmp_path)
    )
    assert isinstance(error, ModelError) and "OPENAI_API_KEY" in (error.hint or "")


def test_rate_limit_says_wait_or_switch(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    error = as_assistant_error(ModelHTTPError(429, "gpt-5-mini", None), "openai:gpt-5-mini", tiny_settings(tmp_path))
    assert isinstance(error, ModelError) and "rate-limiting" in error.message and "ASSISTANT_MODEL" in (error.hint or "")


def test_timeout_names_the_timeout_setting(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    error = as_assistant_error(RunTimedOut("too slow"), "offline", tiny_settings(tmp_path, model_timeout_s=5.0))
    assert isinstance(error, ModelError) and "5 s" in error.message and "ASSISTANT_MODEL_TIMEOUT_S" in (error.hint or "")


def test_invalid_answers_after_retries_become_a_model_error(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    error = as_assistant_error(UnexpectedModelBehavior("Exceeded maximum retries"), "openai:gpt-5-mini", tiny_settings(tmp_path))
    assert isinstance(error, ModelError) and "valid cited answer" in error.message


def test_unrelated_errors_pass_through(tmp_path: Path, tiny_settings: Callable[..., Settings]) -> None:
    bug = KeyError("x")
    assert as_assistant_error(bug, "offline", tiny_settings(tmp_path)) is bug
