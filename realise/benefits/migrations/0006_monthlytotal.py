"""Monthly totals kept by triggers: see realise/benefits/totals.py."""

from django.db import migrations, models

TOTALS = "benefits_monthlytotal"
COLUMNS = "kind, subcategory, unit, is_disbenefit, identified, cashable, period, rows, pennies"
PENNIES = "CAST(ROUND({}.value * 100) AS BIGINT)"
# (table, kind, the rows that count)
SOURCES = (
    ("benefits_plannedvalue", "p", "TRUE"),
    ("benefits_measurement", "a", "{}.value IS NOT NULL"),
)
BENEFIT_KEY = ("subcategory", "unit", "is_disbenefit", "identified_in_business_case", "cashable")


def _children(ref: str) -> str:
    """A benefit's planned and measured months, as (kind, period, pennies)."""
    return " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, c.period AS period, {PENNIES.format('c')} AS pennies "
        f"FROM {table} AS c WHERE c.benefit_id = {ref}.id AND {where.format('c')}"
        for table, kind, where in SOURCES
    )


def _move(ref: str, sign: str) -> str:
    """Add (sign '') or take away (sign '-') a benefit's months under its `ref` key."""
    key = ", ".join(f"{ref}.{column}" for column in BENEFIT_KEY)
    return (
        f"INSERT INTO {TOTALS} ({COLUMNS}) "
        f"SELECT m.kind, {key}, m.period, {sign}COUNT(*), {sign}SUM(m.pennies) "
        f"FROM ({_children(ref)}) AS m GROUP BY m.kind, m.period;"
    )


def _benefit_changed(old: str, new: str, distinct: str) -> str:
    return " OR ".join(f"{old}.{c} {distinct} {new}.{c}" for c in BENEFIT_KEY)


# PostgreSQL: one grouped insert per statement, from its transition tables ------------------


def _pg_rows(source: str, sign: int, where: str) -> str:
    return (
        f"SELECT benefit_id, period, {sign} AS sign, {PENNIES.format('r')} AS pennies "
        f"FROM {source} AS r WHERE {where.format('r')}"
    )


def postgresql_install(table: str, kind: str, where: str) -> list[str]:
    name = f"realise_totals_{table}"

    def insert(changes: str) -> str:
        return (
            f"INSERT INTO {TOTALS} ({COLUMNS}) "
            f"SELECT '{kind}', b.subcategory, b.unit, b.is_disbenefit, "
            f"b.identified_in_business_case, b.cashable, c.period, SUM(c.sign), "
            f"SUM(c.sign * c.pennies) FROM ({changes}) AS c "
            f"JOIN benefits_benefit AS b ON b.id = c.benefit_id "
            f"GROUP BY 2, 3, 4, 5, 6, 7 HAVING SUM(c.sign) <> 0 OR SUM(c.sign * c.pennies) <> 0;"
        )

    old = _pg_rows("old_rows", -1, where)
    new = _pg_rows("new_rows", 1, where)
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {insert(new)}
            ELSIF TG_OP = 'DELETE' THEN {insert(old)}
            ELSE {insert(old + " UNION ALL " + new)}
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS "
        f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS "
        f"old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS "
        f"old_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def postgresql_benefit() -> list[str]:
    name = "realise_totals_benefits_benefit"
    columns = ", ".join(BENEFIT_KEY)
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {_move("OLD", "-")}
            {_move("NEW", "")}
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON benefits_benefit FOR EACH ROW "
        f"WHEN ({_benefit_changed('OLD', 'NEW', 'IS DISTINCT FROM')}) "
        f"EXECUTE FUNCTION {name}()",
    ]


# SQLite: one row per write --------------------------------------------------------------------


def sqlite_install(table: str, kind: str, where: str) -> list[str]:
    name = f"realise_totals_{table}"

    def insert(ref: str, sign: str) -> str:
        return (
            f"INSERT INTO {TOTALS} ({COLUMNS}) "
            f"SELECT '{kind}', b.subcategory, b.unit, b.is_disbenefit, "
            f"b.identified_in_business_case, b.cashable, {ref}.period, {sign}1, "
            f"{sign}{PENNIES.format(ref)} FROM benefits_benefit AS b "
            f"WHERE b.id = {ref}.benefit_id AND {where.format(ref)};"
        )

    changed = " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}" for c in ("benefit_id", "period", "value")
    )
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {insert('NEW', '')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF benefit_id, period, value ON {table} "
        f"WHEN {changed} BEGIN {insert('OLD', '-')} {insert('NEW', '')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {insert('OLD', '-')} END",
    ]


def sqlite_benefit() -> list[str]:
    columns = ", ".join(BENEFIT_KEY)
    return [
        f"CREATE TRIGGER realise_totals_benefits_benefit AFTER UPDATE OF {columns} "
        f"ON benefits_benefit WHEN {_benefit_changed('OLD', 'NEW', 'IS NOT')} "
        f"BEGIN {_move('OLD', '-')} {_move('NEW', '')} END",
    ]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [s for source in SOURCES for s in postgresql_install(*source)]
        statements += postgresql_benefit()
    elif vendor == "sqlite":
        statements = [s for source in SOURCES for s in sqlite_install(*source)]
        statements += sqlite_benefit()
    else:
        raise NotImplementedError(f"Monthly totals are kept on PostgreSQL and SQLite, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)
    # Totals for the register as it stands.
    for table, kind, where in SOURCES:
        schema_editor.execute(
            f"INSERT INTO {TOTALS} ({COLUMNS}) SELECT '{kind}', b.subcategory, b.unit, "
            f"b.is_disbenefit, b.identified_in_business_case, b.cashable, c.period, COUNT(*), "
            f"SUM({PENNIES.format('c')}) FROM {table} AS c "
            f"JOIN benefits_benefit AS b ON b.id = c.benefit_id WHERE {where.format('c')} "
            f"GROUP BY 2, 3, 4, 5, 6, 7",
            params=None,
        )


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    names = [f"realise_totals_{table}" for table, _, _ in SOURCES]
    if vendor == "postgresql":
        for table, _, _ in SOURCES:
            name = f"realise_totals_{table}"
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{op} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS realise_totals_benefits_benefit ON benefits_benefit"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS realise_totals_benefits_benefit()")
    else:
        for name in names:
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{op}")
        schema_editor.execute("DROP TRIGGER IF EXISTS realise_totals_benefits_benefit")


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0005_ipa_benefits_management"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("p", "Planned"), ("a", "Actual")], max_length=1)),
                ("subcategory", models.CharField(max_length=3)),
                ("unit", models.CharField(max_length=10)),
                ("is_disbenefit", models.BooleanField()),
                ("identified", models.BooleanField()),
                ("cashable", models.BooleanField()),
                ("period", models.DateField()),
                ("rows", models.IntegerField(help_text="Planned values or measurements added, less removed.")),
                ("pennies", models.BigIntegerField(help_text="Their total, in hundredths of the unit.")),
            ],
            options={
                "indexes": [models.Index(fields=["kind", "period"], name="monthlytotal_kind_period")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
