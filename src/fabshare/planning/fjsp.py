"""Read and write the flexible job shop (FJSP) text format used by the benchmark libraries.

The format (Brandimarte 1993; FJSPLib): the first line holds the number of jobs, the
number of machines and, optionally, the average number of machines per operation; then one
line per job: the number of operations, and for each operation the number of eligible
machines followed by that many `machine duration` pairs, machines numbered from 1. Numbers
are separated by spaces or tabs; blank lines are ignored.

Malformed input raises `FjspFormatError` whose message reads
`line L, column C: problem` (1-based, a tab counts as one column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fabshare.planning.model import Instance, Job, Option, PlanningInputError, Resource, Step

_TOKEN = re.compile(r"\S+")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

Operation = tuple[tuple[int, int], ...]
"""The eligible (machine, duration) pairs of one operation; machines numbered from 1."""


class FjspFormatError(PlanningInputError):
    """A malformed FJSP file: where (line and column, both from 1) and what is wrong."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        super().__init__(f"line {line}, column {column}: {problem}")
        self.line = line
        self.column = column
        self.problem = problem


@dataclass(frozen=True)
class FjspData:
    """An FJSP instance as written in the file: `jobs[j][o]` are the (machine, duration)
    pairs of operation o of job j; `average` is the header's third number, if present."""

    machines: int
    jobs: tuple[tuple[Operation, ...], ...]
    average: float | None = None

    def average_machines_per_operation(self) -> float:
        operations = [operation for job in self.jobs for operation in job]
        if not operations:
            return 0.0
        return sum(len(operation) for operation in operations) / len(operations)


class _Line:
    """The tokens of one line, consumed left to right, with their columns."""

    def __init__(self, number: int, text: str) -> None:
        self.number = number
        self.text = text
        self.tokens = [(match.group(), match.start() + 1) for match in _TOKEN.finditer(text)]
        self.position = 0

    def error(self, column: int, problem: str) -> FjspFormatError:
        return FjspFormatError(self.number, column, problem)

    def at_end(self) -> bool:
        return self.position >= len(self.tokens)

    def next_column(self) -> int:
        if self.at_end():
            return len(self.text.rstrip()) + 1
        return self.tokens[self.position][1]

    def integer(self, what: str, minimum: int, maximum: int | None = None) -> tuple[int, int]:
        """The next token as an integer in [minimum, maximum], and its column."""
        if self.at_end():
            raise self.error(self.next_column(), f"expected {what}, found end of line")
        token, column = self.tokens[self.position]
        if not _INTEGER.fullmatch(token):
            raise self.error(column, f"expected {what} (a whole number), found {token!r}")
        value = int(token)
        if value < minimum:
            raise self.error(column, f"{what} must be at least {minimum}, found {value}")
        if maximum is not None and value > maximum:
            raise self.error(column, f"{what} must be at most {maximum}, found {value}")
        self.position += 1
        return value, column

    def number_or_none(self, what: str) -> float | None:
        if self.at_end():
            return None
        token, column = self.tokens[self.position]
        if not _NUMBER.fullmatch(token):
            raise self.error(column, f"expected {what} (a number), found {token!r}")
        self.position += 1
        return float(token)

    def expect_end(self, after: str) -> None:
        if not self.at_end():
            token, column = self.tokens[self.position]
            raise self.error(column, f"unexpected {token!r} after {after}")


def parse_fjsp(text: str) -> FjspData:
    """Parse FJSP text. O(length of the text). Raises `FjspFormatError` on malformed input."""
    if text.startswith("\ufeff"):
        text = text[1:]
    physical = text.splitlines()
    lines = [_Line(number, line) for number, line in enumerate(physical, 1) if line.strip()]
    if not lines:
        raise FjspFormatError(1, 1, "expected the header 'jobs machines [average]', found no text")

    header = lines[0]
    job_count, _ = header.integer("number of jobs", 1)
    machine_count, _ = header.integer("number of machines", 1)
    average = header.number_or_none("average number of machines per operation")
    header.expect_end("the header 'jobs machines [average]'")

    jobs: list[tuple[Operation, ...]] = []
    for job_number in range(1, job_count + 1):
        if job_number >= len(lines):
            raise FjspFormatError(
                len(physical) + 1,
                1,
                f"expected job {job_number} of {job_count}, found end of file",
            )
        jobs.append(_parse_job(lines[job_number], job_number, machine_count))

    if len(lines) > job_count + 1:
        extra = lines[job_count + 1]
        raise extra.error(
            extra.next_column(),
            f"unexpected text after the last job (the header declares {job_count} jobs)",
        )
    return FjspData(machine_count, tuple(jobs), average)


def _parse_job(line: _Line, job_number: int, machine_count: int) -> tuple[Operation, ...]:
    operation_count, _ = line.integer(f"number of operations of job {job_number}", 1)
    operations: list[Operation] = []
    for operation_number in range(1, operation_count + 1):
        where = f"operation {operation_number} of job {job_number}"
        eligible, _ = line.integer(
            f"number of machines for {where}", 1, machine_count
        )
        pairs: list[tuple[int, int]] = []
        seen: set[int] = set()
        for _ in range(eligible):
            machine, column = line.integer(f"machine number for {where}", 1, machine_count)
            if machine in seen:
                raise line.error(column, f"machine {machine} is listed twice for {where}")
            seen.add(machine)
            duration, _ = line.integer(f"duration of {where} on machine {machine}", 1)
            pairs.append((machine, duration))
        operations.append(tuple(pairs))
    line.expect_end(f"the last operation of job {job_number}")
    return tuple(operations)


def format_fjsp(data: FjspData) -> str:
    """FJSP text for `data`; `parse_fjsp(format_fjsp(d)) == d` when `d.average` is set.
    Without `average`, the header carries the computed average."""
    average = data.average if data.average is not None else data.average_machines_per_operation()
    average_text = str(int(average)) if average == int(average) else repr(average)
    lines = [f"{len(data.jobs)} {data.machines} {average_text}"]
    for job in data.jobs:
        parts = [str(len(job))]
        for operation in job:
            parts.append(str(len(operation)))
            parts.extend(f"{machine} {duration}" for machine, duration in operation)
        lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"


def machine_id(machine: int) -> str:
    return f"M{machine}"


def to_instance(data: FjspData, name: str = "") -> Instance:
    """The planning instance of an FJSP: resources M1…Mm always free, jobs J1…Jn whose
    steps O1…Ok form a chain, no deadlines, makespan objective."""
    resources = tuple(Resource(machine_id(m)) for m in range(1, data.machines + 1))
    jobs = tuple(
        Job(
            id=f"J{j}",
            steps=tuple(
                Step(
                    id=f"O{o}",
                    options=tuple(Option(machine_id(m), d) for m, d in operation),
                )
                for o, operation in enumerate(operations, 1)
            ),
        )
        for j, operations in enumerate(data.jobs, 1)
    )
    return Instance(jobs=jobs, resources=resources, name=name)


def from_instance(instance: Instance) -> FjspData:
    """The FJSP form of an instance that fits the format: chained steps, resources without
    windows, bookings or transport, jobs without release dates, deadlines or weights.
    Machines are numbered in the order of `instance.resources`."""
    number = {resource.id: position for position, resource in enumerate(instance.resources, 1)}
    for resource in instance.resources:
        if resource.windows is not None or resource.fixed:
            raise PlanningInputError(
                f"resource {resource.id!r}: windows and fixed bookings cannot be written as FJSP"
            )
    if any(instance.transport.lags.values()):
        raise PlanningInputError("transport times cannot be written as FJSP")
    jobs: list[tuple[Operation, ...]] = []
    for job in instance.jobs:
        if job.release or job.deadline is not None or job.weight != 1:
            raise PlanningInputError(
                f"job {job.id!r}: release dates, deadlines and weights cannot be written as FJSP"
            )
        if job.predecessors != tuple((p - 1,) if p else () for p in range(len(job.steps))):
            raise PlanningInputError(f"job {job.id!r}: only chained steps can be written as FJSP")
        operations = []
        for step in job.steps:
            if not step.options:
                raise PlanningInputError(
                    f"job {job.id!r}, step {step.id!r}: a step without eligible resources "
                    "cannot be written as FJSP"
                )
            operations.append(tuple((number[o.resource], o.duration) for o in step.options))
        jobs.append(tuple(operations))
    return FjspData(len(instance.resources), tuple(jobs))


def read_fjsp(path: str | Path) -> Instance:
    """Read an FJSP file as a planning instance named after the file."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise FjspFormatError(line, column, "the file is not UTF-8 text") from None
    return to_instance(parse_fjsp(text), name=path.stem)


def write_fjsp(instance: Instance, path: str | Path) -> None:
    Path(path).write_text(format_fjsp(from_instance(instance)), encoding="utf-8")
