"""CLI for the career agent: `assistant ask` (streams in a terminal, or prints JSON) and `assistant chat` (a REPL)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated, Optional

import typer
from rich.markdown import Markdown
from rich.markup import escape

from assistant.ask import AskResult, Restart, ToolStarted, ask, ask_stream
from assistant.cli.output import console, err, print_json
from assistant.errors import AssistantError
from assistant.offline.explain import Explanation, explain
from assistant.offline.model import MODEL_NAME
from assistant.services import Services

ModelOption = Annotated[
    Optional[str], typer.Option("--model", help="Any Pydantic AI model name, or offline (default: ASSISTANT_MODEL).")
]
CHAT_HELP = "Ask anything about moving into AI engineering. Commands: /sources, /reset, /quit."


def register(app: typer.Typer) -> None:
    """Add `ask` and `chat` to the app."""
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)


def ask_command(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print answer, citations, tools, usage and latency as JSON.")] = False,
    model: ModelOption = None,
    explain_it: Annotated[
        bool, typer.Option("--explain", help="Also show how the question was read: tool scores and the slots found.")
    ] = False,
) -> None:
    """Answer a career question from the corpus, citing every source."""
    services: Services = ctx.obj
    if as_json:
        result = ask(services, question, model=model)
        data = result.to_json()
        if explain_it and result.model == MODEL_NAME:
            data["explain"] = _explanation(services, result).to_json()
        print_json(data)
        return
    result = stream_answer(services, question, (), model)
    print_sources(result)
    print_follow_ups(result)
    if explain_it:
        console.print("[bold]How this answer was made[/]")
        if result.model != MODEL_NAME:
            console.print(f"  the model {escape(result.model)} chose its own tools: {', '.join(c.name for c in result.tools)}")
            return
        for line in _explanation(services, result).lines():
            console.print(f"  {escape(line)}")


def _explanation(services: Services, result: AskResult) -> Explanation:
    return explain(services, result.question)


def chat_command(ctx: typer.Context, model: ModelOption = None) -> None:
    """Chat in the terminal; follow-up questions keep the context (/sources, /reset, /quit)."""
    services: Services = ctx.obj
    history: tuple[AskResult, ...] = ()
    console.print(f"[dim]{CHAT_HELP}[/]")
    while True:
        try:
            line = console.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line == "/reset":
            history = ()
            console.print("[dim]Conversation cleared.[/]")
        elif line == "/sources":
            if history:
                print_sources(history[-1])
            else:
                console.print("[dim]No answer yet.[/]")
        elif line.startswith("/"):
            console.print(f"[dim]{CHAT_HELP}[/]")
        else:
            try:
                history = stream_answer(services, line, history, model).history
            except AssistantError as exc:
                # A failed question leaves the conversation as it was.
                err.print(f"[red]error:[/] {escape(exc.message)}")
                if exc.hint:
                    err.print(f"[dim]fix:[/] {escape(exc.hint)}")


def stream_answer(services: Services, question: str, history: Sequence[AskResult], model: str | None) -> AskResult:
    """Print the answer as it streams (tool calls dimmed on stderr) and return the validated result."""

    async def run() -> AskResult:
        result: AskResult | None = None
        async for event in ask_stream(services, question, history, model, tool_events=True):
            if isinstance(event, str):
                console.out(event, end="", highlight=False)
            elif isinstance(event, ToolStarted):
                err.print(f"[dim]→ {event.name} {event.args}[/]", highlight=False)
            elif isinstance(event, Restart):
                console.print("\n[yellow]That draft failed the citation check; answering again…[/]")
            else:
                result = event
        assert result is not None, "ask_stream always ends with the result"
        return result

    result = asyncio.run(run())
    console.out("")
    return result


def print_sources(result: AskResult) -> None:
    """The citations of an answer: number, title, where, and link."""
    if not result.citations:
        console.print("[dim]No sources cited.[/]")
        return
    console.print("\n[bold]Sources[/]")
    for c in result.citations:
        where = " · ".join(x for x in (c.source, c.section, f"page {c.page}" if c.page else "") if x)
        console.print(f"[{c.n}] {escape(c.title)}  [dim]{escape(where)}[/]", highlight=False)
        if c.url:
            console.print(f"    [link={c.url}]{c.url}[/link]", highlight=False)


def print_follow_ups(result: AskResult) -> None:
    """Suggested next questions, and the model and time the answer took."""
    if result.follow_ups:
        console.print(Markdown("**You could ask next:**\n" + "\n".join(f"- {q}" for q in result.follow_ups)))
    console.print(f"[dim]{result.model} · {result.latency_ms / 1000:.1f} s · {len(result.tools)} tool calls[/]")
