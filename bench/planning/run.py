"""Benchmark of the network planner (issue 8).

1. Every FJSP instance in the data directory: the planner's makespan, bound and gap to the
   best known upper bound (bounds.csv), next to a plain CP-SAT model of the same problem
   built with PyJobShop, both with the same time limit and workers, in the same run.
2. Generated network instances (50 jobs on 40 machines at 15 sites over 4 weeks, three
   seeds; 500 jobs on 300 machines at 60 sites): jobs served on time, total tardiness and
   makespan for the planner and for the greedy baseline. Every plan is checked by the
   independent validator.

Prints Markdown tables. Run from the repository root:

    .venv/bin/python bench/planning/run.py [--time-limit 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from fabshare.planning.fjsp import FjspData, parse_fjsp, to_instance
from fabshare.planning.generator import NetworkShape, generate_network
from fabshare.planning.greedy import greedy_plan
from fabshare.planning.model import measure_plan
from fabshare.planning.solver import Progress, SolveParameters, solve
from fabshare.planning.validate import validate_plan

REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPOSITORY.parent / "shared" / "data" / "fjsp"


@dataclass
class Run:
    makespan: float
    bound: float
    status: str
    seconds: float


def plain_pyjobshop(data: FjspData, time_limit: float, workers: int, seed: int) -> Run:
    """The same flexible job shop as a plain PyJobShop model (OR-Tools CP-SAT backend):
    one machine per FJSP machine, one task per operation with a mode per eligible
    machine, end-before-start between consecutive operations, makespan objective."""
    from pyjobshop import Model  # benchmark-only dependency

    model = Model()
    machines = [model.add_machine(name=f"M{m}") for m in range(1, data.machines + 1)]
    for operations in data.jobs:
        job = model.add_job()
        tasks = []
        for operation in operations:
            task = model.add_task(job=job)
            for machine, duration in operation:
                model.add_mode(task, machines[machine - 1], duration)
            tasks.append(task)
        for before, after in zip(tasks, tasks[1:], strict=False):
            model.add_end_before_start(before, after)
    model.set_objective(weight_makespan=1)
    started = time.monotonic()
    result = model.solve(
        "ortools", time_limit=time_limit, display=False, num_workers=workers, random_seed=seed
    )
    return Run(result.objective, result.lower_bound, result.status.value,
               time.monotonic() - started)


def gap(value: float, reference: float) -> str:
    if value == float("inf"):
        return "–"
    return f"{(value - reference) / reference:.1%}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def bench_fjsp(directory: Path, args: argparse.Namespace) -> None:
    bounds: dict[str, tuple[int, int]] = {}
    if (directory / "bounds.csv").is_file():
        with open(directory / "bounds.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                bounds[row["instance"]] = (int(row["lower_bound"]), int(row["upper_bound"]))
    files = sorted(directory.glob("*.fjs"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    rows = []
    reached = not_worse = 0
    for path in files:
        data = parse_fjsp(path.read_text(encoding="utf-8"))
        instance = to_instance(data, name=path.stem)
        best = bounds.get(path.stem, (0, 0))[1]
        parameters = SolveParameters(
            time_limit=args.time_limit, workers=args.workers, seed=args.seed
        )
        ours = solve(instance, parameters)
        problems = validate_plan(instance, ours.assignments)
        plain = plain_pyjobshop(data, args.time_limit, args.workers, args.seed)
        reached += bool(best) and ours.objective_value <= best
        not_worse += ours.objective_value <= plain.makespan
        rows.append(
            [
                path.stem,
                f"{len(data.jobs)}×{data.machines}",
                str(best or "?"),
                str(ours.objective_value),
                str(ours.bound),
                gap(ours.objective_value, best) if best else "?",
                f"{ours.wall_time:.1f}",
                "valid" if not problems else f"INVALID ({len(problems)})",
                f"{plain.makespan:g}",
                f"{plain.bound:g}",
                gap(plain.makespan, best) if best else "?",
                f"{plain.seconds:.1f}",
            ]
        )
        print(f"  {path.stem}: planner {ours.objective_value} ({ours.wall_time:.1f} s), "
              f"PyJobShop {plain.makespan:g} ({plain.seconds:.1f} s)", file=sys.stderr)
    print(f"\n### Flexible job shop: {args.time_limit:g} s, {args.workers} workers each\n")
    print(table(
        ["instance", "jobs×machines", "best known", "planner makespan", "planner bound",
         "gap to best", "planner s", "plan", "PyJobShop makespan", "PyJobShop bound",
         "gap to best", "PyJobShop s"],
        rows,
    ))
    print(f"\nBest known makespan reached on {reached} of {len(files)} instances; "
          f"planner no worse than plain PyJobShop on {not_worse} of {len(files)}.")


def bench_network(args: argparse.Namespace) -> None:
    cases = [
        (NetworkShape(jobs=50, machines=40, sites=15, weeks=4), seed, args.time_limit)
        for seed in (0, 1, 2)
    ]
    cases.append(
        (NetworkShape(jobs=500, machines=300, sites=60, weeks=4), 0, args.large_time_limit)
    )
    rows = []
    for shape, seed, limit in cases:
        instance = generate_network(shape, seed=seed)
        started = time.monotonic()
        greedy = greedy_plan(instance)
        greedy_seconds = time.monotonic() - started
        g = measure_plan(instance, greedy.assignments)
        first: list[float] = []

        def note(progress: Progress, first: list[float] = first) -> None:
            if not first:
                first.append(progress.elapsed)

        result = solve(
            instance,
            SolveParameters(time_limit=limit, workers=args.workers, seed=args.seed),
            on_progress=note,
        )
        p = result.metrics
        valid = not validate_plan(instance, result.assignments) and not validate_plan(
            instance, greedy.assignments
        )
        steps = sum(len(job.steps) for job in instance.jobs)
        never_worse = p.rank(instance.objective) <= g.rank(instance.objective)
        rows.append(
            [
                instance.name,
                f"{len(instance.jobs)} ({steps} steps) / {len(instance.resources)}",
                f"{p.jobs_on_time} (w {p.weight_on_time})",
                str(p.total_tardiness),
                str(p.makespan),
                f"{result.wall_time:.1f} / {limit:g}",
                f"{first[0]:.1f}" if first else "–",
                f"{g.jobs_on_time} (w {g.weight_on_time})",
                str(g.total_tardiness),
                str(g.makespan),
                f"{greedy_seconds:.2f}",
                ("yes" if never_worse else "NO") + (", valid" if valid else ", INVALID"),
            ]
        )
        print(f"  {instance.name}: planner {p.jobs_on_time} on time, greedy {g.jobs_on_time}",
              file=sys.stderr)
        phases = [(x.name, x.status, x.value, x.bound, x.seconds) for x in result.phases]
        print(f"    phases: {phases}", file=sys.stderr)
    print(f"\n### Generated networks ({args.workers} workers; times in minutes)\n")
    print(table(
        ["instance", "jobs / machines", "planner on time", "planner tardiness",
         "planner makespan", "planner s / limit", "first solver plan s", "greedy on time",
         "greedy tardiness", "greedy makespan", "greedy s", "planner ≥ greedy, plans"],
        rows,
    ))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"directory of .fjs files and bounds.csv (default {DEFAULT_DATA})")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds per FJSP instance and model, and per 50-job network")
    parser.add_argument("--large-time-limit", type=float, default=120.0,
                        help="seconds for the 500-job network (default 120)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="FJSP instance names to run (default all)")
    parser.add_argument("--skip-fjsp", action="store_true")
    parser.add_argument("--skip-network", action="store_true")
    args = parser.parse_args()

    print("## Planner benchmark\n")
    print(f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- command: `{' '.join([Path(sys.executable).name, *sys.argv])}`")
    print(f"- machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, ortools {version('ortools')}, "
          f"pyjobshop {version('pyjobshop')}")
    if not args.skip_fjsp:
        bench_fjsp(args.data, args)
    if not args.skip_network:
        bench_network(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
