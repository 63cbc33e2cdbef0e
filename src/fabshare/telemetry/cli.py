"""``fabshare ingest mqtt|opcua`` and ``fabshare simulate-machines``."""

from __future__ import annotations

import argparse
import logging
import os


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    import django

    django.setup()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def ingest_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fabshare ingest",
                                     description="Store machine state messages.")
    sub = parser.add_subparsers(dest="transport", required=True)
    m = sub.add_parser("mqtt", help="subscribe to an MQTT 5 broker (shared subscription)")
    m.add_argument("--host", default=os.environ.get("MQTT_HOST", "127.0.0.1"))
    m.add_argument("--port", type=int, default=int(os.environ.get("MQTT_PORT", 1883)))
    m.add_argument("--client-id", default=os.environ.get("MQTT_CLIENT_ID", "fabshare-ingest-1"),
                   help="stable per worker: the broker keeps this session across restarts")
    m.add_argument("--group", default=os.environ.get("MQTT_GROUP", ""),
                   help="shared subscription group: workers with the same group (and "
                        "different client ids) split the load; empty: a plain subscription")
    m.add_argument("--topic", default="fabshare/machines/+/state")
    m.add_argument("--username", default=os.environ.get("MQTT_USERNAME", ""))
    m.add_argument("--password", default=os.environ.get("MQTT_PASSWORD", ""))
    m.add_argument("--tls", action="store_true")
    m.add_argument("--session-expiry", type=int, default=7 * 24 * 3600, help="seconds")
    m.add_argument("--batch-size", type=int, default=20000)
    m.add_argument("--batch-wait", type=float, default=0.2, help="seconds")
    m.add_argument("--store-in-thread", action="store_true",
                   help="store in the receiving process instead of a child process")
    o = sub.add_parser("opcua", help="subscribe to the OPC UA servers of the OPC UA links")
    o.add_argument("--link", action="append", default=[], help="only these link keys")
    o.add_argument("--batch-wait", type=float, default=0.5, help="seconds")
    o.add_argument("--max-backoff", type=float, default=30.0, help="seconds")
    args = parser.parse_args(argv)
    store_process = None
    if args.transport == "mqtt" and not args.store_in_thread:
        from fabshare.telemetry.mqtt_worker import StoreProcess

        # Started before this process sets up Django, so both start up at the same time.
        store_process = StoreProcess()
    _setup()
    if args.transport == "mqtt":
        from fabshare.telemetry.mqtt_worker import MqttOptions, run

        options = MqttOptions(host=args.host, port=args.port, client_id=args.client_id,
                              group=args.group, topic=args.topic, username=args.username,
                              password=args.password, tls=args.tls,
                              session_expiry=args.session_expiry,
                              batch_size=args.batch_size, batch_wait=args.batch_wait)
        run(options, store_process=store_process)
    else:
        from fabshare.telemetry.opcua_worker import OpcuaOptions, run

        run(OpcuaOptions(link_keys=args.link, batch_wait=args.batch_wait,
                         max_backoff=args.max_backoff))
    return 0


def simulate_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="fabshare simulate-machines",
        description="Make the demo's connected machines live over MQTT and OPC UA.")
    parser.add_argument("--mqtt-host", default=os.environ.get("MQTT_HOST", "127.0.0.1"))
    parser.add_argument("--mqtt-port", type=int, default=int(os.environ.get("MQTT_PORT", 1883)))
    parser.add_argument("--opcua-port", type=int, default=4840)
    parser.add_argument("--speed", type=float, default=60.0,
                        help="simulated seconds per real second (default 60: a minute a second)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=0, help="stop after N seconds")
    args = parser.parse_args(argv)
    _setup()
    from fabshare.telemetry.simulator import SimulatorOptions, run

    run(SimulatorOptions(mqtt_host=args.mqtt_host, mqtt_port=args.mqtt_port,
                         opcua_port=args.opcua_port, speed=args.speed, seed=args.seed,
                         duration=args.duration))
    return 0
