"""Search, filters and sort of a list: what the reader asked, applied to the list's statement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, String, bindparam, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from skillbridge.platform.services.paging import AnySelect

# A search of more words than this, or of longer words, is cut: each word costs one LIKE
# over the searched columns, and nobody types a paragraph into a list's search box.
WORDS_MAX = 5
WORD_MAX = 40

#: A LIKE pattern (already wrapped in % and escaped), or a parameter bound to one.
Pattern = str | BindParameter[str]
#: A search condition for one pattern.
Matcher = Callable[[Pattern], ColumnElement[bool]]


def contains(column: InstrumentedAttribute[str] | ColumnElement[str]) -> Matcher:
    """Search in one text column, case-insensitively."""
    return lambda pattern: column.ilike(pattern, escape="\\")


def through(key: Any, target_id: Any, text: Any) -> Matcher:
    """Search by a text of a row that `key` points at (an agreement by its school's name)."""
    return lambda pattern: key.in_(select(target_id).where(text.ilike(pattern, escape="\\")))


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Option:
    """One value of a filter and the rows it keeps; `label` is a message id, or empty where the
    page has its own labels for the values (an enum's, say)."""

    condition: Callable[[], ColumnElement[bool]]
    label: str = ""


def enum_options(
    column: InstrumentedAttribute[Any], values: Iterable[StrEnum]
) -> dict[str, Option]:
    """One option per value of an enum column (the page labels them)."""
    return {value.value: Option(_equals(column, value)) for value in values}


def _equals(
    column: InstrumentedAttribute[Any], value: StrEnum
) -> Callable[[], ColumnElement[bool]]:
    return lambda: column == value


@dataclass(frozen=True)
class Sort:
    """One order of a list; the last column must be unique, or pages may overlap."""

    label: str
    columns: tuple[Any, ...]


@dataclass(frozen=True)
class ListSpec:
    """What a list can be searched in, filtered by and sorted on."""

    search: tuple[Matcher, ...] = ()
    filters: Mapping[str, tuple[str, Mapping[str, Option]]] = field(default_factory=dict)
    sorts: Mapping[str, Sort] = field(default_factory=dict)
    default_sort: str = ""

    def __post_init__(self) -> None:
        if self.sorts and self.default_sort not in self.sorts:
            raise ValueError(f"default sort {self.default_sort!r} is not among the sorts")


@dataclass(frozen=True)
class ListQuery:
    """What the reader asked of a list; unknown filters, values and sorts are left out."""

    q: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = ""

    @classmethod
    def parse(cls, args: Mapping[str, str], spec: ListSpec) -> ListQuery:
        """The query in a page's arguments (a link's or a search form's), as the spec allows."""
        words = " ".join(word[:WORD_MAX] for word in args.get("q", "").split()[:WORDS_MAX])
        chosen = {
            name: args[name]
            for name, (_label, options) in spec.filters.items()
            if args.get(name, "") in options
        }
        sort = args.get("sort", "")
        return cls(words, chosen, sort if sort in spec.sorts else spec.default_sort)

    def args(self) -> dict[str, str]:
        """The query as page arguments, for the pager's and the export's links."""
        values = dict(self.filters)
        if self.q:
            values["q"] = self.q
        if self.sort:
            values["sort"] = self.sort
        return values

    @property
    def narrowed(self) -> bool:
        """Whether a search or a filter leaves rows out (an empty list then says so)."""
        return bool(self.q or self.filters)


def refine(statement: AnySelect, spec: ListSpec, query: ListQuery) -> AnySelect:
    """The statement searched, filtered and ordered as asked (replacing any order it had)."""
    patterns = [_like_pattern(word) for word in query.q.split()]
    return _refined(statement, spec, patterns, query)


#: What a refined statement depends on but its bound words: the number of words, the filters
#: and the sort. A list read on every request builds its statement once per shape.
Shape = tuple[int, tuple[tuple[str, str], ...], str]


def shape_of(query: ListQuery) -> Shape:
    """The query's shape: its statement is the same for any words of the same number."""
    return len(query.q.split()), tuple(sorted(query.filters.items())), query.sort


def refine_shape(statement: AnySelect, spec: ListSpec, shape: Shape) -> AnySelect:
    """refine() for every query of `shape`: the words are the parameters `word_0`, `word_1`…,
    given at execution by search_values()."""
    words, filters, sort = shape
    patterns = [bindparam(f"word_{index}", type_=String) for index in range(words)]
    return _refined(statement, spec, patterns, ListQuery("", dict(filters), sort))


def search_values(query: ListQuery) -> dict[str, str]:
    """The parameters of a statement of refine_shape() for the query's words."""
    return {f"word_{index}": _like_pattern(word) for index, word in enumerate(query.q.split())}


def _refined(
    statement: AnySelect, spec: ListSpec, patterns: Sequence[Pattern], query: ListQuery
) -> AnySelect:
    for pattern in patterns:
        statement = statement.where(or_(*(match(pattern) for match in spec.search)))
    for name, value in query.filters.items():
        statement = statement.where(spec.filters[name][1][value].condition())
    if spec.sorts:
        sort = spec.sorts[query.sort or spec.default_sort]
        statement = statement.order_by(None).order_by(*sort.columns)
    return statement
