"""Pure rules of the inspection records (issue 19 point 4): which filter values the
history accepts and which inspections have documents to print. No I/O here."""

from __future__ import annotations

import datetime as dt

from inspections.rules import STATES

PAGE_SIZE = 30  # history rows per page
RECORDS_LIMIT = 50  # inspections listed on the enterprise's page (latest first)
Q_MAX = 100  # longest enterprise-name search
DOCUMENT_STATES = ("in_progress", "submitted")  # as on the walk and review pages


def has_documents(state: str) -> bool:
    """The report and the notice are printed once the inspection has started (a planned or
    cancelled one has nothing to print), as the review page offers them."""
    return state in DOCUMENT_STATES


def filter_errors(
    date_from: dt.date | None, date_to: dt.date | None, state: str | None, q: str | None
) -> list[dict[str, str]]:
    """The history filter's refusals as ``[{"key", "message"}]`` (message keys of
    ``rectification.records.messages``, translated by the page)."""
    errors: list[dict[str, str]] = []
    if date_from and date_to and date_from > date_to:
        errors.append({"key": "date_to", "message": "records.err.range"})
    if state and state not in STATES:
        errors.append({"key": "state", "message": "records.err.state"})
    if q and len(q.strip()) > Q_MAX:
        errors.append({"key": "q", "message": "records.err.q"})
    return errors
