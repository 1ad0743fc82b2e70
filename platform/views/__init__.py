"""Every blueprint of the application, registered in the order of `BLUEPRINTS`, and its URLs.

| blueprint       | URL prefix            | serves                                                 |
|-----------------|-----------------------|--------------------------------------------------------|
| `assignments`   | `/placements/assign`  | teachers and mentors assigned to placements, in bulk   |
| `attendance`    | `/attendance`         | check-in and out, hours and N7 flags, leave, 备案      |
| `auth`          | `/`                   | login, logout, sign-up, activation, password, language |
| `bases`         | `/bases`              | training bases and studios: records, yearly review     |
| `bureau`        | `/bureau`             | `/verifications`: schools and enterprises to verify    |
| `certificates`  | `/bureau/certificates`| declared certificates to verify, appraisal-list import |
| `competitions`  | `/competitions`       | skill competitions: record, participants, results      |
| `courses`       | `/courses`            | training courses and technician classes: roster, 结业  |
| `compliance`    | `/bureau/compliance`  | compliance rules, findings and evidence, run now       |
| `cooperation`   | `/agreements`         | cooperation agreements, partner coverage               |
| `dashboard`     | `/bureau/dashboard`   | the bureau's dashboard, the lists behind its charts    |
| `documents`     | `/documents`          | a record's documents, uploads, previews, 补正 requests |
| `drilldown`     | `/bureau/drilldown`   | timelines, evidence bundles (ZIP)                      |
| `evaluations`   | `/placements/<id>/evaluation`, `/evaluations` | evaluations, host rating, report, grade, outcome, certificate |
| `home`          | `/`                   | front page, each role's landing page, `/healthz`       |
| `incidents`     | `/incidents`          | safety and injury reports, insurance claims, closing   |
| `inspections`   | `/bureau/inspections` | inspection samples and the visits recorded             |
| `journals`      | `/journals`           | weekly journals (周志): weeks, editor, review, 会签   |
| `matching`      | `/matching`           | match runs: start, progress, result, review, publish   |
| `mentoring`     | `/mentoring`          | 名师带徒 agreements, allowance ledger, fund returns    |
| `notifications` | `/notifications`      | every role's notifications, mark as read               |
| `orgs`          | `/`                   | profiles of schools, enterprises and students          |
| `people`        | `/`                   | worker sign-up and pages, the enterprise's employees   |
| `placements`    | `/placements`         | offers, placements, their agreements and plans         |
| `policies`      | `/policies`           | public: each region's policies and how each is claimed |
| `preferences`   | `/preferences`        | students rank slots; enterprises rank candidates       |
| `programmes`    | `/programmes`         | apprenticeship programmes, apprentices, assessments    |
| `reference_data`| `/reference`          | bureau: occupations, yearly shortage lists, designations |
| `regions`       | `/bureau/regions`     | regions below a province: sums, read-only drill-down, onboarding |
| `renditions`    | `/pdf`                | generated PDFs: agreements, plans, certificates        |
| `schools`       | `/school`             | specialties, cohorts, roster import, invitations       |
| `selections`    | `/selections`         | 评选: calls, nominations, screening, experts, votes, 公示 |
| `signatures`    | `/signatures`         | 文件核验: a PDF or a hash against the signed versions  |
| `slots`         | `/slots`              | enterprises' slots, the open-slot browser              |
| `staff`         | `/staff`              | an organisation's staff: invitations, roles, access    |
| `subsidies`     | `/subsidies`          | claims, review, budgets, policies, exports, credit     |
| `api_clients`   | `/api-clients`        | an organisation's API clients: keys, scopes, revoking  |
| `webhooks`      | `/webhooks`           | an organisation's webhook endpoints, their delivery log |
| `api`           | `/api/v1`             | the JSON API, its OpenAPI document and docs (`api/`)   |

Flask serves `/static/…` and Bootstrap-Flask its own `/bootstrap/static/…`. A page module
exposes `bp` and may expose `NAV`: (roles, endpoint, label) rows that the base layout shows in
the navigation bar for those roles, in the order of `NAV_ITEMS`. The API's blueprints are
registered by `skillbridge.platform.api.init_api`, which also builds their OpenAPI document.
"""

from __future__ import annotations

from flask import Blueprint

from . import (
    api_clients,
    assignments,
    attendance,
    auth,
    bases,
    bureau,
    certificates,
    competitions,
    compliance,
    cooperation,
    courses,
    dashboard,
    documents,
    drilldown,
    evaluations,
    home,
    incidents,
    inspections,
    journals,
    matching,
    mentoring,
    notifications,
    orgs,
    people,
    placements,
    policies,
    preferences,
    programmes,
    reference_data,
    regions,
    renditions,
    schools,
    selections,
    signatures,
    slots,
    staff,
    subsidies,
    webhooks,
)

BLUEPRINTS: list[Blueprint] = [
    assignments.bp,
    attendance.bp,
    auth.bp,
    bases.bp,
    bureau.bp,
    certificates.bp,
    competitions.bp,
    compliance.bp,
    courses.bp,
    cooperation.bp,
    dashboard.bp,
    documents.bp,
    drilldown.bp,
    evaluations.bp,
    home.bp,
    incidents.bp,
    inspections.bp,
    journals.bp,
    matching.bp,
    mentoring.bp,
    notifications.bp,
    orgs.bp,
    people.bp,
    placements.bp,
    policies.bp,
    preferences.bp,
    programmes.bp,
    reference_data.bp,
    regions.bp,
    renditions.bp,
    schools.bp,
    selections.bp,
    signatures.bp,
    slots.bp,
    staff.bp,
    subsidies.bp,
    api_clients.bp,
    webhooks.bp,
]

NAV_ITEMS: list[tuple[tuple[str, ...], str, object]] = [
    *assignments.NAV,
    *attendance.NAV,
    *bases.NAV,
    *bureau.NAV,
    *certificates.NAV,
    *competitions.NAV,
    *compliance.NAV,
    *courses.NAV,
    *cooperation.NAV,
    *dashboard.NAV,
    *regions.NAV,
    *incidents.NAV,
    *evaluations.NAV,
    *inspections.NAV,
    *journals.NAV,
    *matching.NAV,
    *mentoring.NAV,
    *notifications.NAV,
    *people.NAV,
    *placements.NAV,
    *preferences.NAV,
    *programmes.NAV,
    *reference_data.NAV,
    *schools.NAV,
    *selections.NAV,
    *slots.NAV,
    *staff.NAV,
    *api_clients.NAV,
    *subsidies.NAV,
    *signatures.NAV,
]

__all__ = ["BLUEPRINTS", "NAV_ITEMS"]
