"""The career tools for any agent: an MCP server (`assistant mcp`) with search, figures, skill gap, jobs and cited answers."""

from assistant.mcp.server import build_server

__all__ = ["build_server"]
