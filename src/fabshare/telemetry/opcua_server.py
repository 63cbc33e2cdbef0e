"""A small OPC UA server exposing machines the way OPC 40001-1 (Machinery) does: per machine an
object with ``MachineryItemState`` and ``MachineryOperationMode`` (their ``CurrentState`` as
LocalizedText) and good/scrap part counters. Used by ``fabshare simulate-machines`` and by the
tests (started in-process)."""

from __future__ import annotations

from asyncua import Server, ua

NAMESPACE = "urn:fabshare:machines"


class MachineServer:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.endpoint = f"opc.tcp://{host}:{port}/fabshare/"
        self.server: Server | None = None
        self.nodes: dict[str, ua.NodeId] = {}
        self.values: dict[str, object] = {}
        self.index = 2

    def node_ids(self, name: str) -> dict[str, str]:
        """The node ids (strings, for a machine link) of one machine's variables."""
        return {role: f"ns={self.index};s={name}.{role}"
                for role in ("ItemState", "OperationMode", "Good", "Scrap")}

    async def start(self, machines: list[str]) -> None:
        server = Server()
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name("fabshare machine simulator")
        self.index = await server.register_namespace(NAMESPACE)
        for name in machines:
            machine = await server.nodes.objects.add_object(
                ua.NodeId(name, self.index), ua.QualifiedName(name, self.index))
            initial = {"ItemState": ua.LocalizedText(self.values.get(
                           f"{name}.ItemState", "NotExecuting")),
                       "OperationMode": ua.LocalizedText(self.values.get(
                           f"{name}.OperationMode", "None")),
                       "Good": ua.Variant(int(self.values.get(f"{name}.Good", 0)),
                                          ua.VariantType.UInt32),
                       "Scrap": ua.Variant(int(self.values.get(f"{name}.Scrap", 0)),
                                           ua.VariantType.UInt32)}
            for role, value in initial.items():
                node = await machine.add_variable(ua.NodeId(f"{name}.{role}", self.index),
                                                  ua.QualifiedName(role, self.index), value)
                self.nodes[f"{name}.{role}"] = node
        await server.start()
        self.server = server

    async def set(self, name: str, role: str, value) -> None:
        """Set ItemState/OperationMode (a name) or Good/Scrap (a count)."""
        self.values[f"{name}.{role}"] = value
        if self.server is None:
            return
        node = self.nodes[f"{name}.{role}"]
        if role in ("Good", "Scrap"):
            await node.write_value(ua.Variant(int(value), ua.VariantType.UInt32))
        else:
            await node.write_value(ua.LocalizedText(str(value)))

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        self.server = None
        self.nodes = {}
