"""`fabshare plan …`: run the planner from the command line.

    fabshare plan fjsp FILE [--time-limit S] [--workers N] [--seed K]

`main` receives the arguments after `plan` and returns the exit status: 0 with a plan,
1 when the input cannot be read or planned (the message names the line and column of a
malformed file), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from fabshare.planning.fjsp import read_fjsp
from fabshare.planning.model import PlanningInputError
from fabshare.planning.solver import SolveParameters, solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fabshare plan", description="Plan jobs onto resources with OR-Tools CP-SAT."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fjsp = commands.add_parser(
        "fjsp",
        help="solve a flexible job shop file and print makespan, bound and gap",
        description="Solve a flexible job shop (FJSP) text file for the shortest makespan.",
    )
    fjsp.add_argument("file", metavar="FILE", help="FJSP text file (Brandimarte format)")
    fjsp.add_argument("--time-limit", type=float, default=60.0, metavar="S",
                      help="seconds for the whole solve (default 60)")
    fjsp.add_argument("--workers", type=int, default=2, metavar="N",
                      help="CP-SAT search threads (default 2)")
    fjsp.add_argument("--seed", type=int, default=0, metavar="K", help="random seed (default 0)")
    return parser


def main(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage error or the help
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        parameters = SolveParameters(
            time_limit=args.time_limit, workers=args.workers, seed=args.seed
        )
        instance = read_fjsp(args.file)
    except PlanningInputError as error:
        print(f"fabshare plan: {args.file}: {error}", file=stderr)
        return 1
    except OSError as error:
        print(f"fabshare plan: {args.file}: {error.strerror or error}", file=stderr)
        return 1
    result = solve(instance, parameters)
    machines = len(instance.resources)
    print(f"instance  {instance.name} ({len(instance.jobs)} jobs x {machines} machines)",
          file=stdout)
    print(f"status    {result.status.value}", file=stdout)
    print(f"makespan  {result.objective_value}", file=stdout)
    print(f"bound     {result.bound}", file=stdout)
    print(f"gap       {result.gap:.2%}", file=stdout)
    print(f"time      {result.wall_time:.1f} s", file=stdout)
    return 0
