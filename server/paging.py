"""Pages of a list already in memory (a report's rows, a hearing's cadres), read by the shared pager
(templates/_pager.html) as it reads Flask-SQLAlchemy's ``Pagination`` of a query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ListPage:
    """Page ``page`` (from 1) of ``total`` items, ``per_page`` a page."""

    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        """How many items come before this page's first."""
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: Sequence[Any], number: int, per_page: int) -> ListPage | None:
    """Page ``number`` of ``items``; None past the last (the first always exists, maybe empty)."""
    page = ListPage([], number, per_page, len(items))
    if not 1 <= number <= page.pages:
        return None
    return ListPage(items[page.first_index:page.first_index + per_page], number, per_page, len(items))


def packed(items: Sequence[Any], size: Callable[[Any], int], budget: int) -> list[list[Any]]:
    """``items`` in order, cut into pages of whole items holding at most ``budget`` of ``size``
    each (an item larger than the budget gets a page of its own); always at least one page."""
    pages: list[list[Any]] = [[]]
    used = 0
    for item in items:
        if pages[-1] and used + size(item) > budget:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += size(item)
    return pages
