"""The pay data's version (salaries.models.PayDataVersion) and the triggers that move it on.

Statement-level, so a bulk load of thousands of bands moves it once a statement, not once a
row. clock_timestamp(), not now(): two transactions that each move it from the same version
and roll back (tests do this all day) still leave two different (version, changed_at) keys.
"""

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION salaries_pay_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO salaries_paydataversion (id, version, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
        SET version = salaries_paydataversion.version + 1, changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END $$;
CREATE TRIGGER salary_band_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON salaries_salaryband
    FOR EACH STATEMENT EXECUTE FUNCTION salaries_pay_data_changed();
CREATE TRIGGER exchange_rate_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON salaries_exchangerate
    FOR EACH STATEMENT EXECUTE FUNCTION salaries_pay_data_changed();
INSERT INTO salaries_paydataversion (id, version, changed_at) VALUES (1, 1, clock_timestamp());
"""

DROP = """
DROP TRIGGER salary_band_changed ON salaries_salaryband;
DROP TRIGGER exchange_rate_changed ON salaries_exchangerate;
DROP FUNCTION salaries_pay_data_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("salaries", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PayDataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=1)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="pay_data_version_singleton"
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP),
    ]
