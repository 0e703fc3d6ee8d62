"""Job-market figures from the postings: filters, skill shares, rankings, pay, the skill gap and charts."""

from assistant.market.filters import MarketFilter

__all__ = ["MarketFilter"]
