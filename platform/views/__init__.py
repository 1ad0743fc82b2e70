"""Every blueprint of the application, registered in the order of `BLUEPRINTS`, and its URLs.

| blueprint       | URL prefix            | serves                                                 |
|-----------------|-----------------------|--------------------------------------------------------|
| `assignments`   | `/placements/assign`  | teachers and mentors assigned to placements, in bulk   |
| `auth`          | `/`                   | login, logout, sign-up, activation, password, language |
| `bureau`        | `/bureau`             | `/verifications`: schools and enterprises to verify    |
| `certificates`  | `/bureau/certificates`| declared certificates to verify, appraisal-list import |
| `compliance`    | `/bureau/compliance`  | compliance rules, findings and evidence, run now       |
| `cooperation`   | `/agreements`         | cooperation agreements, partner coverage               |
| `dashboard`     | `/bureau/dashboard`   | the bureau's dashboard, the lists behind its charts    |
| `drilldown`     | `/bureau/drilldown`   | timelines, evidence bundles (ZIP)                      |
| `home`          | `/`                   | front page, each role's landing page, `/healthz`       |
| `inspections`   | `/bureau/inspections` | inspection samples and the visits recorded             |
| `matching`      | `/matching`           | match runs: start, progress, result, review, publish   |
| `notifications` | `/notifications`      | every role's notifications, mark as read               |
| `orgs`          | `/`                   | profiles of schools, enterprises and students          |
| `placements`    | `/placements`         | offers, placements, their agreements and plans         |
| `preferences`   | `/preferences`        | students rank slots; enterprises rank candidates       |
| `schools`       | `/school`             | specialties, cohorts, roster import, invitations       |
| `slots`         | `/slots`              | enterprises' slots, the open-slot browser              |
| `staff`         | `/staff`              | an organisation's staff: invitations, roles, access    |
| `subsidies`     | `/subsidies`          | claims, review, budgets, policies, exports, credit     |
| `api`           | `/api/v1`             | the JSON API and its OpenAPI document (`api/`)         |

Flask serves `/static/…` and Bootstrap-Flask its own `/bootstrap/static/…`. A page module
exposes `bp` and may expose `NAV`: (roles, endpoint, label) rows that the base layout shows in
the navigation bar for those roles, in the order of `NAV_ITEMS`.
"""

from __future__ import annotations

from flask import Blueprint

from skillbridge.platform.api import bp as api_bp

from . import (
    assignments,
    auth,
    bureau,
    certificates,
    compliance,
    cooperation,
    dashboard,
    drilldown,
    home,
    inspections,
    matching,
    notifications,
    orgs,
    placements,
    preferences,
    schools,
    slots,
    staff,
    subsidies,
)

BLUEPRINTS: list[Blueprint] = [
    assignments.bp,
    auth.bp,
    bureau.bp,
    certificates.bp,
    compliance.bp,
    cooperation.bp,
    dashboard.bp,
    drilldown.bp,
    home.bp,
    inspections.bp,
    matching.bp,
    notifications.bp,
    orgs.bp,
    placements.bp,
    preferences.bp,
    schools.bp,
    slots.bp,
    staff.bp,
    subsidies.bp,
    api_bp,
]

NAV_ITEMS: list[tuple[tuple[str, ...], str, object]] = [
    *assignments.NAV,
    *bureau.NAV,
    *certificates.NAV,
    *compliance.NAV,
    *cooperation.NAV,
    *dashboard.NAV,
    *inspections.NAV,
    *matching.NAV,
    *notifications.NAV,
    *placements.NAV,
    *preferences.NAV,
    *schools.NAV,
    *slots.NAV,
    *staff.NAV,
    *subsidies.NAV,
]

__all__ = ["BLUEPRINTS", "NAV_ITEMS"]
