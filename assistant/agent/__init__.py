"""The career agent: one Pydantic AI agent, its tools and `Deps`, citable evidence and the grounding check."""

from assistant.agent.build import career_agent

__all__ = ["career_agent"]
