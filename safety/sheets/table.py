"""What every imported sheet shares, whatever it lists (enterprises, risk points,
checklist items): cells as a person sees them, the columns a kind of sheet knows by their
usual header names, finding the header row, and row errors.

Decisions, the same for every kind of sheet:
- a header cell is compared without spaces, asterisks (required marks) or colons, with
  full-width brackets as ASCII, case-insensitive;
- when two columns name the same field (``编号`` and ``序号``), the one whose name comes
  first in ``Column(header, aliases)`` wins, not the one further left;
- the header is the first of the top 10 rows naming the layout's ``finds`` columns (a
  title line above it is fine); none, or a ``required`` column missing, is a 400 naming
  ``file`` (whole-file problems); row problems are ``RowError``s with the row number Excel
  shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from safety.errors import ValidationFailed

HEADER_SEARCH_ROWS = 10


def cell_text(value: Any) -> str:
    """A cell as the text a person sees (numbers without a trailing .0, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return text.strip()


def norm_header(text: Any) -> str:
    s = cell_text(text).replace("（", "(").replace("）", ")")
    return re.sub(r"[\s*＊:：]", "", s).lower()


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what an export writes
    aliases: tuple[str, ...] = ()  # in order of preference after ``header``


class Layout:
    """The columns of one kind of sheet, in export order, and how its header is found."""

    def __init__(
        self,
        columns: Sequence[Column],
        finds: tuple[str, ...],
        required: tuple[str, ...],
        not_found: str,
    ) -> None:
        self.columns = list(columns)
        self.headers = {c.key: c.header for c in self.columns}
        self.finds = finds
        self.required = required
        self.not_found = not_found  # the 400's message when no header row is found
        self._rank: dict[str, tuple[str, int]] = {}
        for column in self.columns:
            for rank, name in enumerate((column.header, *column.aliases)):
                self._rank.setdefault(norm_header(name), (column.key, rank))

    def map_header(self, cells: Sequence[Any]) -> dict[str, int]:
        """Field key → column index, for the header cells given."""
        best: dict[str, tuple[int, int]] = {}
        for i, cell in enumerate(cells):
            hit = self._rank.get(norm_header(cell))
            if hit and (hit[0] not in best or hit[1] < best[hit[0]][1]):
                best[hit[0]] = (i, hit[1])
        return {k: v[0] for k, v in best.items()}

    def find_header(self, rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]]:
        """The header row's index and its field → column map (see module doc)."""
        for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = self.map_header(cells)
            if all(k in columns for k in self.finds):
                missing = [self.headers[k] for k in self.required if k not in columns]
                if missing:
                    raise ValidationFailed.field("file", f"缺少必需的列：{'、'.join(missing)}")
                return i, columns
        raise ValidationFailed.field("file", self.not_found)


@dataclass
class RowError:
    row: int
    field: str
    message: str
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row error as the import APIs answer it: ``message`` in Chinese and
        ``message_en`` its stable English, as in an error's ``extra[]``."""
        from safety.i18n import english

        return {
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "message_en": english(self.message),
            "column": self.column,
        }


@dataclass
class ParsedTable:
    """A parsed sheet's header and its row errors; each kind adds its rows. Subclasses
    set ``layout`` (a class attribute, so a parse result pickles from the worker small)."""

    layout: ClassVar[Layout]
    header: list[str]
    columns: dict[str, int]  # field key → column index
    errors: list[RowError] = field(default_factory=list)

    def column_label(self, key: str) -> str:
        """The column as the file names it, else as an export would."""
        if key in self.columns:
            return self.header[self.columns[key]]
        return self.layout.headers.get(key, key)

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, key, message, self.column_label(key)))
