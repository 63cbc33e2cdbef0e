""""Test the link" on the provider page: can fabshare reach the machine's data source now?"""

from __future__ import annotations

import asyncio
import os
import socket

from django.utils.translation import gettext as _

from fabshare.telemetry.models import MachineLink


async def _read_opcua(link: MachineLink, timeout: float) -> list[tuple[str, str]]:
    from asyncua import Client

    from fabshare.telemetry.opcua_worker import _plain

    values = []
    async with Client(link.opcua_endpoint, timeout=timeout) as client:
        for label, node_id in ((_("item state"), link.opcua_state_node),
                               (_("operation mode"), link.opcua_mode_node),
                               (_("good parts"), link.opcua_good_node),
                               (_("scrap"), link.opcua_scrap_node)):
            if node_id:
                value = await client.get_node(node_id).read_value()
                values.append((label, str(_plain(value))))
    return values


def probe(link: MachineLink, timeout: float = 5.0) -> tuple[bool, str]:
    """(reachable, what was found or why not)."""
    if link.protocol == MachineLink.Protocol.OPCUA:
        try:
            values = asyncio.run(asyncio.wait_for(_read_opcua(link, timeout), timeout * 2))
        except Exception as exc:  # noqa: BLE001 - any failure is the answer
            return False, _("Could not read from %(endpoint)s: %(error)s") % {
                "endpoint": link.opcua_endpoint, "error": str(exc) or type(exc).__name__}
        return True, "; ".join(f"{label}: {value}" for label, value in values)
    if link.protocol == MachineLink.Protocol.MQTT:
        host = os.environ.get("MQTT_HOST", "127.0.0.1")
        port = int(os.environ.get("MQTT_PORT", "1883"))
        try:
            with socket.create_connection((host, port), timeout=timeout):
                pass
        except OSError as exc:
            return False, _("The MQTT broker %(host)s:%(port)d cannot be reached: %(error)s") % {
                "host": host, "port": port, "error": exc}
        return True, _("The MQTT broker %(host)s:%(port)d answers; publish to %(topic)s.") % {
            "host": host, "port": port, "topic": link.mqtt_topic}
    return True, _("Machines POST to /api/v1/telemetry/ingest with the link's token.")
