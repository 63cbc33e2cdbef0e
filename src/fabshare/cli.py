"""The ``fabshare`` command: demo, serve, migrate, seed, plan, ingest, simulate-machines, and
``manage`` for the rest."""

import argparse
import os
import sys


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fabshare manage", *argv])
    return 0


def _demo(args) -> int:
    _django(["migrate", "--no-input", "--verbosity", "0"])
    _django(["seed", "--if-empty"])
    _django(["runserver", "--noreload", f"{args.host}:{args.port}"])
    return 0


def _serve(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabshare.settings")
    _django(["collectstatic", "--no-input", "--verbosity", "0"])
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "fabshare.wsgi:application", "--bind", args.bind,
                "--workers", str(args.workers), "--access-logfile", "-"]
    run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="fabshare", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="migrate, seed demo data and serve on 127.0.0.1:8000")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", default="8000")
    serve = sub.add_parser("serve", help="run the production server (gunicorn + whitenoise)")
    serve.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    sub.add_parser("migrate", help="apply database migrations", add_help=False)
    sub.add_parser("seed", help="load the deterministic demo data", add_help=False)
    sub.add_parser("plan", help="network planner (e.g. plan fjsp FILE)", add_help=False)
    sub.add_parser("manage", help="run any Django management command", add_help=False)
    sub.add_parser("ingest", help="store machine states (ingest mqtt|opcua)", add_help=False)
    sub.add_parser("simulate-machines", help="make the demo's machines live", add_help=False)
    if argv and argv[0] in {"ingest", "simulate-machines"}:
        from fabshare.telemetry import cli as telemetry_cli

        run = telemetry_cli.ingest_main if argv[0] == "ingest" else telemetry_cli.simulate_main
        return run(argv[1:])
    if argv and argv[0] in {"migrate", "seed", "manage", "plan"}:
        command, rest = argv[0], argv[1:]
        if command == "manage":
            return _django(rest)
        if command == "plan":
            from fabshare.planning.cli import main as plan_main

            return plan_main(rest)
        return _django([command, *rest])
    args = parser.parse_args(argv)
    return {"demo": _demo, "serve": _serve}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
