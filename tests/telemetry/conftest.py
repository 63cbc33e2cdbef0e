import pytest

from tests.telemetry.brokers import Mosquitto


@pytest.fixture
def mosquitto():
    broker = Mosquitto().start()
    yield broker
    broker.close()


@pytest.fixture
def machine(world):
    """A machine of the factory with an MQTT link."""
    from fabshare.telemetry import services
    from tests.factories import ResourceFactory

    resource = ResourceFactory(organization=world.factory, name="DMG Mori NLX 2500",
                               slug="nlx-2500")
    link, token = services.link_create(actor=world.admin, resource=resource, name="NLX state",
                                       protocol="mqtt")
    link.http_token = token
    return link
