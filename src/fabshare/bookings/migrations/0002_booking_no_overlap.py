"""On PostgreSQL, make overlapping live bookings of one resource impossible: an exclusion
constraint over (resource, [start, end)) for the blocking states (live holds, confirmed,
in progress, disputed). SQLite has no such constraint; there writers are serialized and the
service's check under the lock decides."""

from django.db import migrations

BLOCKING = "('requested', 'countered', 'confirmed', 'in_progress', 'disputed')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
        "(resource_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        f"WHERE (status IN {BLOCKING})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS "
                          "booking_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
