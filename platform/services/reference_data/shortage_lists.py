"""A region's shortage-occupation list (紧缺职业目录) per year: read, import with a diff, apply.

An import is two steps. `preview_import` reads the file (CSV or XLSX, the template's columns),
checks every row against the catalogue and compares it with the year's list as it stands: the
rows added, removed and changed (a new grade). Nothing is written. The officer confirms, and
`apply_import` checks the same rows again and replaces the year's list in one transaction — all
or nothing. The preview carries the list's fingerprint; a list changed in between is a Conflict,
so what is applied is what the officer saw.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from skillbridge.models import Occupation, ShortageListing, User
from skillbridge.platform.services import audit, tables
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.reference_data.access import keeper_region, reader_region
from skillbridge.platform.services.tables import TableChecker, duplicate_of, read_table
from skillbridge.platform.text import N_

CODE, NAME, GRADE = "职业编码", "职业名称", "紧缺程度"
#: The grades the lists use (人社部门紧缺职业目录 grade occupations in three steps), or none.
GRADES = (N_("非常紧缺"), N_("比较紧缺"), N_("一般紧缺"))
#: The years a list may be kept for: from the platform's first lists to a few years ahead.
FIRST_YEAR, YEARS_AHEAD = 2020, 5


@dataclass(frozen=True)
class Listed:
    """One row of a list: the occupation's code, its name and the grade ("" when none)."""

    code: str
    name: str
    grade: str


@dataclass(frozen=True)
class Change:
    """A row whose grade the import changes."""

    code: str
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class Diff:
    """What applying an import would do to the year's list; `fingerprint` is the list it read."""

    year: int
    rows: tuple[Listed, ...]
    added: tuple[Listed, ...]
    removed: tuple[Listed, ...]
    changed: tuple[Change, ...]
    unchanged: int
    fingerprint: str

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


class ShortageChecker(TableChecker):
    columns = (CODE, NAME, GRADE)
    required = (CODE,)


def in_range(year: int, this_year: int) -> bool:
    """Whether reference data may be kept for `year`."""
    return FIRST_YEAR <= year <= this_year + YEARS_AHEAD


def check_year(year: int, this_year: int) -> int:
    """A year reference data may be kept for, or InvalidInput."""
    if not in_range(year, this_year):
        raise InvalidInput(N_("年度超出可维护的范围"))
    return year


def listing_of(session: Session, region_id: int, year: int) -> dict[str, Listed]:
    """The region's list for `year`, by occupation code."""
    rows = session.execute(
        select(Occupation.code, Occupation.name, ShortageListing.grade)
        .join(ShortageListing, ShortageListing.occupation_id == Occupation.id)
        .where(ShortageListing.region_id == region_id, ShortageListing.year == year)
        .order_by(Occupation.code)
    )
    return {code: Listed(code, name, grade) for code, name, grade in rows}


def list_page(session: Session, actor: User, year: int, page: int) -> Page[Listed]:
    """A page of the actor's region's list for `year`."""
    region_id = reader_region(actor)
    statement = (
        select(Occupation.code, Occupation.name, ShortageListing.grade)
        .join(ShortageListing, ShortageListing.occupation_id == Occupation.id)
        .where(ShortageListing.region_id == region_id, ShortageListing.year == year)
        .order_by(Occupation.code, ShortageListing.id)
    )
    return paginate(session, statement, page, lambda r: Listed(r.code, r.name, r.grade))


def listed_years(session: Session, actor: User) -> list[int]:
    """The years the actor's region has a list for, newest first."""
    region_id = reader_region(actor)
    return list(
        session.scalars(
            select(ShortageListing.year)
            .where(ShortageListing.region_id == region_id)
            .distinct()
            .order_by(ShortageListing.year.desc())
        )
    )


def _fingerprint(listed: dict[str, Listed]) -> str:
    text = "\n".join(f"{row.code}\t{row.grade}" for row in sorted(listed.values(), key=str))
    return hashlib.sha256(text.encode()).hexdigest()


def parse_rows(session: Session, filename: str, data: bytes) -> tuple[Listed, ...]:
    """The file's rows checked against the catalogue, or TableRejected naming every bad cell."""
    rows = read_table(filename, data)
    checker = ShortageChecker()
    positions = checker.header(rows[0] if rows else [])
    cells = list(checker.data_rows(rows, positions)) if not checker.problems else []
    catalogue = {
        o.code: o
        for o in session.scalars(
            select(Occupation).where(Occupation.code.in_({c[CODE] for _n, c in cells}))
        )
    }
    seen: dict[str, int] = {}
    listed = []
    for number, cell in cells:
        code, name, grade = cell[CODE], cell[NAME], cell[GRADE]
        occupation = catalogue.get(code)
        if not code:
            continue
        if occupation is None:
            checker.problem(number, CODE, code, N_("职业编码不在职业目录中"))
            continue
        if occupation.retired:
            checker.problem(number, CODE, code, N_("该职业已停用，不能列入目录"))
        if name and name != occupation.name:
            checker.problem(
                number, NAME, name, N_("与职业目录中的名称「%(name)s」不一致", name=occupation.name)
            )
        if grade and grade not in GRADES:
            checker.problem(
                number, GRADE, grade, N_("应为%(grades)s之一或留空", grades="、".join(GRADES))
            )
        first = seen.setdefault(code, number)
        if first != number:
            checker.problem(number, CODE, code, duplicate_of(first))
        listed.append(Listed(code, occupation.name, grade))
    if not cells and not checker.problems:
        checker.problem(2, CODE, "", N_("文件中没有数据行"))
    if checker.problems:
        raise checker.rejected(N_("紧缺职业目录有误，未导入"))
    return tuple(listed)


def diff(session: Session, region_id: int, year: int, rows: tuple[Listed, ...]) -> Diff:
    """What replacing the region's `year` list by `rows` adds, removes and changes."""
    current = listing_of(session, region_id, year)
    incoming = {row.code: row for row in rows}
    return Diff(
        year=year,
        rows=tuple(sorted(rows, key=lambda r: r.code)),
        added=tuple(incoming[c] for c in sorted(incoming.keys() - current.keys())),
        removed=tuple(current[c] for c in sorted(current.keys() - incoming.keys())),
        changed=tuple(
            Change(c, incoming[c].name, current[c].grade, incoming[c].grade)
            for c in sorted(incoming.keys() & current.keys())
            if incoming[c].grade != current[c].grade
        ),
        unchanged=sum(
            1 for c in incoming.keys() & current.keys() if incoming[c].grade == current[c].grade
        ),
        fingerprint=_fingerprint(current),
    )


def preview_import(
    session: Session, actor: User, year: int, this_year: int, filename: str, data: bytes
) -> Diff:
    """The diff the file would make to the actor's region's `year` list; nothing is written."""
    region_id = keeper_region(actor)
    check_year(year, this_year)
    return diff(session, region_id, year, parse_rows(session, filename, data))


def rows_text(rows: tuple[Listed, ...]) -> str:
    """Rows as the confirm form carries them: one `code<TAB>grade` a line."""
    return "\n".join(f"{row.code}\t{row.grade}" for row in rows)


def _rows_from_text(session: Session, text: str) -> tuple[Listed, ...]:
    """The confirm form's rows, checked again as a file would be (the form is the client's)."""
    body = "\n".join(line for line in text.splitlines() if line.strip())
    data = f"{CODE},{GRADE}\n" + body.replace("\t", ",")
    return parse_rows(session, "confirmed.csv", data.encode("utf-8"))


def apply_import(
    session: Session, actor: User, year: int, this_year: int, rows: str, fingerprint: str
) -> Diff:
    """Replace the actor's region's `year` list by the previewed rows, if it is still as seen."""
    region_id = keeper_region(actor)
    check_year(year, this_year)
    parsed = _rows_from_text(session, rows)
    # Lock the year's rows so that two confirmations of one year apply one after the other.
    session.execute(
        select(ShortageListing.id)
        .where(ShortageListing.region_id == region_id, ShortageListing.year == year)
        .with_for_update()
    ).all()
    change = diff(session, region_id, year, parsed)
    if change.fingerprint != fingerprint:
        raise Conflict(N_("该年度目录在预览后已被修改，请重新导入"))
    ids: dict[str, int] = dict(
        (code, occupation_id)
        for code, occupation_id in session.execute(
            select(Occupation.code, Occupation.id).where(
                Occupation.code.in_({row.code for row in parsed})
            )
        )
    )
    session.execute(
        delete(ShortageListing).where(
            ShortageListing.region_id == region_id, ShortageListing.year == year
        )
    )
    session.add_all(
        ShortageListing(
            region_id=region_id, occupation_id=ids[row.code], year=year, grade=row.grade
        )
        for row in parsed
    )
    session.flush()
    audit.record(
        session,
        actor,
        "shortage_list_imported",
        "region",
        region_id,
        {
            "year": year,
            "added": [row.code for row in change.added],
            "removed": [row.code for row in change.removed],
            "changed": {c.code: [c.before, c.after] for c in change.changed},
            "rows": len(parsed),
        },
    )
    return change


def template_csv() -> bytes:
    return tables.template_csv((CODE,), (NAME, GRADE), ("6-18-02-04", "焊工", "非常紧缺"))


def template_xlsx() -> bytes:
    return tables.template_xlsx(
        (CODE,), (NAME, GRADE), ("6-18-02-04", "焊工", "非常紧缺"), "紧缺职业目录", (CODE,)
    )
