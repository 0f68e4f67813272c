"""Pages of lists in memory (server/paging.py): counted pages and packets of whole groups."""

from __future__ import annotations

from server.paging import packed, page_of


def test_page_of_cuts_and_refuses_past_the_last():
    items = list(range(5))
    assert page_of(items, 1, 2).items == [0, 1] and page_of(items, 3, 2).items == [4]
    assert (page_of(items, 2, 2).pages, page_of(items, 2, 2).first_index) == (3, 2)
    assert page_of(items, 4, 2) is None and page_of(items, 0, 2) is None
    assert page_of([], 1, 2).items == [] and page_of([], 2, 2) is None


def test_packed_keeps_groups_whole_within_the_budget():
    groups = [[1] * 3, [2] * 2, [3] * 6, [4], [5] * 2]
    assert packed(groups, len, 5) == [[[1] * 3, [2] * 2], [[3] * 6], [[4], [5] * 2]]
    assert packed([], len, 5) == [[]]
