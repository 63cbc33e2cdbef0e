"""The simulator: realistic sequences, and live MQTT states that the worker stores."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from fabshare.telemetry import services
from fabshare.telemetry import states as S
from fabshare.telemetry.models import StateMessage
from fabshare.telemetry.simulator import SimulatorOptions, events, run
from tests.factories import ResourceFactory
from tests.telemetry.test_mqtt import ThreadWorker, wait_until


def test_profiles_are_staffed_on_weekdays_and_switched_off_otherwise():
    start = datetime(2026, 3, 2, tzinfo=UTC)  # Monday
    rows = list(events("two-shift", start, start + timedelta(weeks=1), "UTC", seed=3))
    assert rows == list(events("two-shift", start, start + timedelta(weeks=1), "UTC", seed=3))
    saturday_noon = start + timedelta(days=5, hours=12)
    assert [e for e in rows if e.ts <= saturday_noon][-1].raw == "NotAvailable"
    assert not [e for e in rows if e.ts.weekday() >= 5]  # switched off all weekend
    shifts = {S.map_state(e.raw) for e in rows if e.ts.weekday() < 5 and 6 <= e.ts.hour < 22}
    assert {S.RUNNING, S.SETUP, S.IDLE} <= shifts
    assert sum(e.good for e in rows) > 0


@pytest.mark.django_db(transaction=True)
def test_simulated_machines_publish_states_the_worker_stores(world, mosquitto):
    links = []
    for i in range(2):
        resource = ResourceFactory(organization=world.factory)
        links.append(services.link_create(actor=world.admin, resource=resource,
                                          name=f"sim {i}", protocol="mqtt")[0])
    worker = ThreadWorker(mosquitto.port, client_id="w-sim")
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(SimulatorOptions(
        mqtt_port=mosquitto.port, speed=36000, duration=0), stop), daemon=True)
    thread.start()
    try:
        wait_until(lambda: all(StateMessage.objects.filter(link=link).count() >= 3
                               for link in links), 60, "simulated states")
    finally:
        stop.set()
        thread.join(20)
        worker.close()
    assert not worker.error
