"""ShownOnly builds only the items asked for, in order, and skips the ones gone since."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from mentorship.paging import ShownOnly


class Squares(ShownOnly[int, int]):
    def __init__(self, keys: list[int], gone: frozenset[int] = frozenset()) -> None:
        super().__init__(keys)
        self.gone, self.asked = gone, []

    def _load(self, keys: list[int]) -> list[int]:
        self.asked.append(list(keys))
        return [key * key for key in keys if key not in self.gone]


def test_a_page_builds_its_own_items_only():
    squares = Squares(list(range(100)))
    page = Paginator(squares, 10).get_page(3)
    assert list(page.object_list) == [n * n for n in range(20, 30)]
    assert squares.asked == [list(range(20, 30))]
    assert len(squares) == 100


def test_one_item_and_the_whole_list():
    squares = Squares([3, 1, 2])
    assert squares[0] == 9
    assert squares[-1] == 4
    assert list(squares) == [9, 1, 4]


def test_an_item_gone_since_the_keys_were_read_is_left_out():
    squares = Squares([1, 2, 3], gone=frozenset({2}))
    assert squares[0:3] == [1, 9]
    with pytest.raises(IndexError):
        squares[1]
