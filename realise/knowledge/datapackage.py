"""The open data described as a Frictionless Data Package (`/open-data/datapackage.json`).

Every CSV file of the open data is one resource here, with a table schema naming each
column's type, unit and meaning, so that others can load and check the files with any
Data Package tool. The column lists of the files are read from these schemas, so a column
cannot be published without being described.
"""

from __future__ import annotations

from typing import Any

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MONTH = "A calendar month, YYYY-MM"


def _field(name: str, type_: str, description: str, **extra) -> dict:
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if type_ == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    field.update(extra)
    return field


COLLABORATION_FIELDS = [
    _field("slug", "string", "Stable identifier, used in the public page's address"),
    _field("name", "string", "The collaboration's name"),
    _field("purpose", "string", "Why the forces collaborate, in plain English"),
    _field("objectives", "string", "Its objectives, joined by '; '"),
    _field("function", "string", "The policing function, as a code"),
    _field("parent", "string", "The published collaboration it sits within, if any"),
    _field("lead_force", "string", "The lead force's name"),
    _field("legal_basis", "string", "E.g. Section 22A, Police Act 1996"),
    _field("agreement_review_due", "date", "When the latest collaboration agreement is reviewed"),
    _field("member_forces", "string", "The member forces' names, joined by '; '"),
    _field("member_force_codes", "string", "Their ONS police force area codes, joined by '; '"),
    _field("initiatives", "string", "Each initiative as 'name (stage N, status)', joined by '; '"),
    _field(
        "realised_money_gbp",
        "number",
        "Money saved (1a) or avoided (1c): the sum of verified actuals, dis-benefits excluded",
        unit="GBP",
    ),
    _field(
        "realised_hours",
        "number",
        "Operational hours released (1b): the sum of verified actuals, dis-benefits excluded",
        unit="hours",
    ),
    _field("url", "string", "The collaboration's public page", format="uri"),
    _field(
        "disbenefit_money_gbp",
        "number",
        "Money lost or spent because of the change: verified actuals of dis-benefits of 1a and 1c",
        unit="GBP",
    ),
    _field(
        "net_money_gbp",
        "number",
        "realised_money_gbp less disbenefit_money_gbp",
        unit="GBP",
    ),
    _field(
        "disbenefit_hours",
        "number",
        "Operational hours lost because of the change: verified actuals of dis-benefits of 1b",
        unit="hours",
    ),
    _field("net_hours", "number", "realised_hours less disbenefit_hours", unit="hours"),
]

BENEFIT_FIELDS = [
    _field("collaboration", "string", "The collaboration's slug"),
    _field("initiative", "string", "The initiative's name"),
    _field("initiative_stage", "integer", "The initiative's stage, 0 (strategic assessment) to 5"),
    _field("reference", "string", "Stable reference of the benefit"),
    _field("title", "string", "The benefit's title"),
    _field("category", "string", "Savings, Service or Compliance"),
    _field("subcategory", "string", "1a, 1b, 1c, 2a, 2b, 3a, 3b or 3c"),
    _field("direction", "string", "increase, decrease or maintain"),
    _field("measure", "string", "What is measured"),
    _field("unit", "string", "GBP, hours, count, percent, score or text"),
    _field("nature", "string", "quantitative or qualitative"),
    _field("cashable", "boolean", "Releases money from the revenue budget"),
    _field("is_disbenefit", "boolean", "A negative consequence of the change"),
    _field(
        "identified_in_business_case",
        "boolean",
        "False for benefits found after the business case was approved",
    ),
    _field("status", "string", "proposed, agreed, realising, realised or closed"),
    _field("baseline_value", "number", "The baseline, in the benefit's unit"),
    _field("target_value", "number", "The target, in the benefit's unit"),
    _field("target_date", "date", "When the target is due"),
    _field(
        "realised_total",
        "number",
        "The sum of every verified actual, in the benefit's unit (meaningful for GBP and hours)",
    ),
    _field("measurement_count", "integer", "How many verified actuals there are"),
    _field("first_period", "yearmonth", "The first month with a verified actual"),
    _field("last_period", "yearmonth", "The last month with a verified actual"),
]

MONTHLY_FIELDS = [
    _field("month", "yearmonth", MONTH),
    _field("collaboration", "string", "The collaboration's slug"),
    _field("subcategory", "string", "1a money, 1b time, 1c cost avoidance"),
    _field("unit", "string", "GBP (pounds) or hours"),
    _field(
        "is_disbenefit",
        "boolean",
        "True for dis-benefits: subtract them to net the figures",
    ),
    _field("planned", "number", "The plan for the month, in the row's unit"),
    _field(
        "actual",
        "number",
        "The verified actuals of the month, in the row's unit (unverified actuals are not "
        "published)",
    ),
]

RESOURCES = [
    (
        "collaborations",
        "collaborations.csv",
        "Published police collaborations, with realised, dis-benefit and net totals",
        COLLABORATION_FIELDS,
        ["slug"],
    ),
    (
        "benefits",
        "benefits.csv",
        "The benefits of the published collaborations",
        BENEFIT_FIELDS,
        None,
    ),
    (
        "monthly",
        "monthly.csv",
        "Money and hours planned and realised (verified actuals) month by month",
        MONTHLY_FIELDS,
        ["month", "collaboration", "subcategory", "unit", "is_disbenefit"],
    ),
]


def columns(fields: list[dict]) -> list[str]:
    return [field["name"] for field in fields]


def descriptor(base_url: str = "") -> dict:
    """The package descriptor; `base_url` ('' for relative paths) prefixes each path."""
    resources = []
    for name, path, title, fields, key in RESOURCES:
        schema: dict = {"fields": fields, "missingValues": [""]}
        if key:
            schema["primaryKey"] = key
        resources.append(
            {
                "name": name,
                "path": f"{base_url}{path}",
                "title": title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "realise-police-collaborations",
        "title": "Benefits of police collaborations in England and Wales",
        "description": (
            "Published police collaborations, their benefits, and the money and hours "
            "planned and realised month by month. Totals are given gross, as dis-benefits "
            "and net of dis-benefits."
        ),
        "licenses": [{"name": "OGL-UK-3.0", "title": LICENCE, "path": LICENCE_URL}],
        "resources": resources,
    }
