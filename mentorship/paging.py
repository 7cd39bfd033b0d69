"""A long ordered list whose items are built only for the part shown."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar, overload

K = TypeVar("K")
T = TypeVar("T")


class ShownOnly(Sequence[T], Generic[K, T]):
    """Keys in their order, and the items of a slice built from its keys only when asked for:
    Django's Paginator counts the keys and builds one page. ``_load`` builds the items of some
    keys, in their order, leaving out any that are gone since the keys were read."""

    def __init__(self, keys: list[K]) -> None:
        self._keys = keys

    def _load(self, keys: list[K]) -> list[T]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return self._load(self._keys[index])
        found = self._load([self._keys[index]])
        if not found:
            raise IndexError("gone since the list was read")
        return found[0]

    def __iter__(self) -> Iterator[T]:
        return iter(self[:])
