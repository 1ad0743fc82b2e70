"""A Dalian bureau with its award policies installed, employers, workers and an expert pool."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import sample_pdf

from skillbridge.models import (
    Enterprise,
    Person,
    Region,
    Role,
    StaffRole,
    SubsidyPolicy,
    User,
    utcnow,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.documents.storage import FilesystemStorage
from skillbridge.platform.services.documents.uploads import DocumentStore, Upload
from skillbridge.platform.services.selections import rounds
from skillbridge.platform.services.subsidies.budgets import install_region_policies

#: 大政发[2011]46号 四(一): 10 per selection, every 2 years from 2011 (a 2025–2026 period).
OUTSTANDING = "dalian.outstanding_contribution_award"


def evidence(title: str = "事迹材料") -> Upload:
    return Upload("selection_evidence", f"{title}.pdf", io.BytesIO(sample_pdf(title)))


@dataclass
class Bureau:
    session: Session
    factories: Factories
    region: Region
    officer: User
    finance: User
    employer: Enterprise
    hr: User
    other_employer: Enterprise
    other_hr: User

    def policy(self, code: str = OUTSTANDING) -> SubsidyPolicy:
        return self.session.scalars(
            select(SubsidyPolicy).where(
                SubsidyPolicy.region_id == self.region.id, SubsidyPolicy.code == code
            )
        ).one()

    def worker(self, enterprise: Enterprise, level: int = 4) -> tuple[Person, User]:
        person = self.factories.person(birth=date(1980, 5, 1))
        account = self.factories.user(Role.WORKER, person_id=person.id)
        self.session.flush()
        # Confirmed after the account exists, so that the account is open (worker_is_confirmed).
        self.factories.employment(person, enterprise, confirmed_at=utcnow())
        self.factories.certificate(
            person, self.factories.occupation(), level, issued_on=date(2020, 1, 1)
        )
        self.session.flush()
        return person, account


@pytest.fixture
def store(tmp_path) -> DocumentStore:  # type: ignore[no-untyped-def]
    return DocumentStore(FilesystemStorage(tmp_path / "blobs"), 50 * 1024 * 1024)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the day the selection steps are taken on."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(rounds, "today", lambda: day)

    set_day(date(2025, 5, 6))
    return set_day


def _bureau_of(session: Session, factories: Factories, pack: str) -> Bureau:
    """A region of `pack` with its policies installed, its officers and two enterprises."""
    region = factories.region(pack=pack)
    officer = factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id)
    finance = factories.user(Role.BUREAU, StaffRole.FINANCE, region_id=region.id)
    employer, other = factories.enterprise(region), factories.enterprise(region)
    session.flush()
    hr = factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=employer.id)
    other_hr = factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=other.id)
    install_region_policies(session, region)
    session.commit()
    return Bureau(session, factories, region, officer, finance, employer, hr, other, other_hr)


@pytest.fixture
def bureau(session: Session, factories: Factories) -> Bureau:
    return _bureau_of(session, factories, "dalian")


@pytest.fixture
def wujiang(session: Session, factories: Factories) -> Bureau:
    """A Wujiang bureau (002: awards paid over five years, awards to organisations)."""
    return _bureau_of(session, factories, "wujiang")
