"""`assistant mcp` as a real process, through the MCP SDK's client over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_types import CallToolResult, TextContent

from assistant.agent import corpus_tools, gap_tool, market_tools
from assistant.core.settings import Settings
from assistant.mcp import build_server
from assistant.mcp.server import TOOL_NAMES, CareerTools
from assistant.services import Services

# "4 of 6 postings (66.7%)", allowing words between the count and the share (e.g. the postings' dates).
SKILL_SHARE = re.compile(r"(\d[\d,]*) of (\d[\d,]*) postings\b[^(\n]*\((\d+(?:\.\d+)?)%\)")


class McpIndex(Protocol):
    """The ingested tiny corpus the `mcp_index` fixture gives."""

    env: Mapping[str, str]
    cwd: Path
    rag_stats: Mapping[str, object]


class McpCli(Protocol):
    """How the `mcp_cli` fixture starts the CLI."""

    cli: list[str]

    def env(self, data_dir: Path, corpus: Path) -> dict[str, str]: ...

    def run(self, args: list[str], index_env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]: ...


AGENT_TOOLS = {
    "search_corpus": corpus_tools.search_corpus,
    "market_stats": market_tools.market_stats,
    "skill_gap": gap_tool.skill_gap,
    "find_jobs": corpus_tools.find_jobs,
}


def _text(result: CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))


async def _ok(secret: str, client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, (tool, _text(result))
    data = result.structured_content
    assert isinstance(data, dict), (tool, _text(result))
    # The text content is the same result, for clients that read only text.
    assert json.loads(_text(result)) == data
    assert secret not in _text(result)
    return data


async def _error(secret: str, client: Client, tool: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error, (tool, args, _text(result))
    text = _text(result)
    assert text.startswith(f"{tool}: ") and "Traceback" not in text and secret not in text, text
    return text


def _cited(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    cites = {c["id"]: c for c in data["citations"]}
    assert cites, data
    for c in cites.values():
        assert {"source", "title", "url", "quote"} <= set(c), c
        assert c["source"] and c["title"] and c["quote"], c
    return cites


async def _exercise(client: Client, index: McpIndex) -> None:
    """List the five tools, call each, compare the answer's figure with the CLI's, and check the errors."""
    secret = index.env["ASSISTANT_APP_PASSWORD"]
    listed = (await client.list_tools()).tools
    assert sorted(t.name for t in listed) == sorted(TOOL_NAMES)
    for t in listed:
        assert t.description and t.annotations is not None and t.annotations.read_only_hint, t
    search_schema = next(t for t in listed if t.name == "search_corpus").input_schema
    assert search_schema["properties"]["limit"]["maximum"] == corpus_tools.MAX_PASSAGES
    assert search_schema["properties"]["query"]["description"]  # the Args line of the agent's docstring

    stats = index.rag_stats
    found = await _ok(
        secret, client, "search_corpus", {"query": "what should a data engineer learn for AI engineering", "limit": 3}
    )
    cites = _cited(found)
    assert found["passages"] and {p["id"] for p in found["passages"]} <= set(cites)
    assert any(p["source"] == "field-guide/learning-paths/from-data-engineer.md" for p in found["passages"])

    figures = await _ok(secret, client, "market_stats", {"measure": "skill_share", "skills": ["RAG"]})
    row = figures["figures"]["rows"][0]
    assert (row["label"], row["count"], row["total"], row["postings"]) == ("RAG", stats["count"], stats["total"], "all postings")
    figure = _cited(figures)[figures["figures"]["id"]]
    assert figure["kind"] == "figure" and f"{stats['count']} of {stats['total']} postings" in figure["quote"]

    gap = await _ok(
        secret, client, "skill_gap", {"about_me": "I build batch pipelines in Python and SQL with Airflow.", "limit": 3}
    )
    assert "Python" in gap["gap"]["have"] and gap["gap"]["total"] == stats["total"]
    assert gap["gap"]["missing"] and all(m["total"] == stats["total"] for m in gap["gap"]["missing"])
    assert gap["gap"]["id"] in _cited(gap)

    jobs = await _ok(
        secret, client, "find_jobs", {"query": "AI engineer building RAG", "postings": {"city": "berlin"}, "limit": 2}
    )
    assert jobs["jobs"]["matching"] == 3 and jobs["jobs"]["postings"] == "city=Berlin"
    job_cites = _cited(jobs)
    assert [j["city"] for j in jobs["jobs"]["jobs"]] == ["Berlin", "Berlin"]
    assert all(job_cites[j["id"]]["url"] == j["url"] for j in jobs["jobs"]["jobs"])

    answer = await _ok(secret, client, "ask", {"question": "what share of AI engineer job postings ask for RAG?"})
    assert answer["model"] == "offline" and "market_stats" in [t["name"] for t in answer["tools"]]
    m = SKILL_SHARE.search(answer["answer"])
    assert m, answer["answer"]
    assert (int(m[1].replace(",", "")), int(m[2].replace(",", ""))) == (stats["count"], stats["total"])
    assert float(m[3]) == round(100 * float(str(stats["share"])), 1)
    numbers = {c["n"] for c in answer["citations"]}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])} <= numbers
    stated = f"{stats['count']} of {stats['total']} postings"
    assert any(c["kind"] == "figure" and stated in c["quote"] for c in answer["citations"]), answer["citations"]

    # Bad arguments: a tool error naming the argument and the fix, never a crash.
    text = await _error(secret, client, "search_corpus", {"query": "rag", "limit": 50})
    assert "`limit`" in text and "Fix:" in text and "10" in text
    text = await _error(secret, client, "market_stats", {"measure": "skill_shares", "skills": ["RAG"]})
    assert "`measure`" in text and "'skill_share'" in text
    text = await _error(
        secret, client, "market_stats", {"measure": "skill_share", "skills": ["RAG"], "postings": {"town": "Berlin"}}
    )
    assert "`postings.town`" in text and "Fix: drop" in text
    text = await _error(secret, client, "find_jobs", {"postings": {"city": "Berlin"}})
    assert "`query` is required" in text
    text = await _error(secret, client, "skill_gap", {"cv_path": "/etc/passwd"})
    assert "`cv_path`" in text and "`about_me`" in text
    text = await _error(secret, client, "skill_gap", {})
    assert "about_me" in text
    text = await _error(
        secret, client, "market_stats", {"measure": "skill_share", "skills": ["RAG"], "postings": {"city": "Atlantis"}}
    )
    assert "Atlantis" in text and "Berlin" in text  # the fix lists the cities there are

    # No secret in a result, even one the caller sent.
    text = await _error(secret, client, "search_corpus", {"query": "rag", "limit": secret})
    assert "[redacted]" in text
    echoed = await _ok(secret, client, "ask", {"question": f"what share of postings ask for RAG? {secret}"})
    assert "[redacted]" in echoed["question"]


def test_tools_are_the_agent_functions_with_their_docstrings(tmp_path: Path) -> None:
    server = build_server(Services(Settings(_env_file=None, data_dir=tmp_path, corpus_dir=tmp_path)))
    listed = {t.name: t for t in asyncio.run(server.list_tools())}
    assert sorted(listed) == sorted(TOOL_NAMES)
    for name, fn in AGENT_TOOLS.items():
        agent_params = list(inspect.signature(fn).parameters)[1:]  # without ctx
        assert list(inspect.signature(getattr(CareerTools, name)).parameters)[1:] == agent_params, name
        assert list(listed[name].input_schema["properties"]) == agent_params, name
        assert (inspect.getdoc(fn) or "").startswith(listed[name].description or "-"), name


def test_missing_index_is_a_clear_error_before_serving(tmp_path: Path, mcp_cli: McpCli) -> None:
    proc = mcp_cli.run(["mcp"], mcp_cli.env(tmp_path / "data", tmp_path), tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "no index" in proc.stderr and "assistant ingest" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""  # stdout is the protocol channel


@pytest.mark.integration
def test_stdio_server_lists_calls_and_explains_bad_arguments(mcp_index: McpIndex, mcp_cli: McpCli, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=mcp_cli.cli[0], args=[*mcp_cli.cli[1:], "mcp"], env=dict(mcp_index.env), cwd=mcp_index.cwd
    )
    log = tmp_path / "server.log"

    async def main() -> None:
        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                await _exercise(client, mcp_index)

    try:
        asyncio.run(main())
    except BaseException:
        print(log.read_text()[-5000:])
        raise


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"assistant mcp --http exited with {proc.returncode}:\n{log.read_text()[-5000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"assistant mcp --http did not listen on {port}:\n{log.read_text()[-5000:]}")


@pytest.mark.integration
def test_http_server_on_localhost_lists_calls_and_explains_bad_arguments(
    mcp_index: McpIndex, mcp_cli: McpCli, tmp_path: Path
) -> None:
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*mcp_cli.cli, "mcp", "--http", "--host", "127.0.0.1", "--port", str(port)],
            env=dict(mcp_index.env),
            cwd=mcp_index.cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(proc, port, log)

        async def main() -> None:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                await _exercise(client, mcp_index)

        asyncio.run(main())
        assert f"http://127.0.0.1:{port}/mcp" in log.read_text()
    except BaseException:
        print(log.read_text()[-5000:])
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
