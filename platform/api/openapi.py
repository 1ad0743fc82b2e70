"""The OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from enum import Enum
from typing import Any

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Role,
    SchoolType,
    VerificationStatus,
)
from skillbridge.platform.routing import MAX_ROW_ID

_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
_NULLABLE_ID = {**_ID, "nullable": True}


def _enum(values: type[Enum]) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in values]}


_VERIFICATION = _enum(VerificationStatus)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """A closed JSON object: every property required, no others allowed."""
    return {
        "type": "object",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }


_SCHEMAS = {
    "Error": _object(
        {
            "error": {"type": "string"},
            "details": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "integer"},
        }
    ),
    "Me": _object(
        {
            "id": _ID,
            "email": {"type": "string", "nullable": True},
            "phone": {"type": "string", "nullable": True},
            "role": _enum(Role),
            "school_id": _NULLABLE_ID,
            "enterprise_id": _NULLABLE_ID,
            "student_id": _NULLABLE_ID,
            "region_id": _NULLABLE_ID,
            "person_id": _NULLABLE_ID,
        }
    ),
    "School": _object(
        {
            "id": _ID,
            "name": {"type": "string"},
            "code": {"type": "string"},
            "type": _enum(SchoolType),
            "verification_status": _VERIFICATION,
        }
    ),
    "Enterprise": _object(
        {
            "id": _ID,
            "name": {"type": "string"},
            "uscc": {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
            "industry": {"type": "string"},
            "staff_headcount": {"type": "integer", "minimum": 0},
            "verification_status": _VERIFICATION,
        }
    ),
    "Student": _object(
        {
            "id": _ID,
            "name": {"type": "string"},
            "national_id": {"type": "string", "description": "masked: only the last 4 digits"},
            "skill_level": {
                "type": "integer",
                "minimum": SKILL_LEVEL_MIN,
                "maximum": SKILL_LEVEL_MAX,
            },
            "months_used": {"type": "integer", "minimum": 0},
            "month_cap": {"type": "integer", "minimum": 0},
        }
    ),
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _read(summary: str, schema: str, parameter: str | None = None) -> dict[str, Any]:
    """A GET operation answering `schema`, by id when `parameter` names the path id."""
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        },
        "401": _error("Not logged in"),
    }
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if parameter is not None:
        responses["403"] = _error("The object exists but is not the caller's to see")
        responses["404"] = _error("No such object")
        operation["parameters"] = [
            {"name": parameter, "in": "path", "required": True, "schema": _ID}
        ]
    return {"get": operation}


def openapi_document() -> dict[str, Any]:
    """The API description; every operation needs the login session cookie."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SkillBridge API",
            "version": "1",
            "description": "Read access to the caller's own tenant, with the login session "
            "of the web pages (POST /login first).",
        },
        "security": [{"session": []}],
        "paths": {
            "/api/v1/me": _read("The logged-in user", "Me"),
            "/api/v1/schools/{school_id}": _read("A school", "School", "school_id"),
            "/api/v1/enterprises/{enterprise_id}": _read(
                "An enterprise", "Enterprise", "enterprise_id"
            ),
            "/api/v1/students/{student_id}": _read("A student", "Student", "student_id"),
        },
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": _SCHEMAS,
        },
    }
