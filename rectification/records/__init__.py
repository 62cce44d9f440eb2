"""Inspection records (issue 19 point 4): the history page ``GET /inspections`` and the
enterprise's 检查记录 (``queries.enterprise_records``, shown on the registry's enterprise
page). See docs/records.md."""
