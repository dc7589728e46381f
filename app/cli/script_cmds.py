"""The ``scripts`` command group: list, show, import, export and copy interview scripts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.context import AppContext
from app.scripts import ScriptLibrary, dump_script
from app.services import Services
from app.wording import plural


def _library(ctx: AppContext) -> ScriptLibrary:
    # The same library the desktop app uses, through the one core entry point.
    return Services(ctx).scripts


def cmd_list(args: argparse.Namespace, ctx: AppContext) -> int:
    infos = _library(ctx).list()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": i.script.id,
                        "title": i.script.title,
                        "builtin": i.builtin,
                        "questions": len(i.script.questions),
                        "minutes": i.script.suggested_minutes,
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return 0
    for i in infos:
        kind = "built-in" if i.builtin else "yours"
        print(
            f"{i.script.id:<24} {i.script.title}  ({plural(len(i.script.questions), 'question')}, "
            f"about {i.script.suggested_minutes:g} min, {kind})"
        )
    return 0


def cmd_show(args: argparse.Namespace, ctx: AppContext) -> int:
    script = _library(ctx).get(args.id)
    if args.yaml:
        print(dump_script(script), end="")
        return 0
    print(script.title)
    if script.description:
        print(script.description)
    print()
    print(script.guide)
    print()
    for n, q in enumerate(script.questions, 1):
        minutes = f" ({q.minutes:g} min)" if q.minutes else ""
        print(f"{n}. {q.text}{minutes}")
        for prompt in q.prompts:
            print(f"     - {prompt}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: AppContext) -> int:
    script = _library(ctx).import_file(Path(args.file))
    print(f"Imported script '{script.title}' as {script.id}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: AppContext) -> int:
    path = _library(ctx).export_file(args.id, Path(args.out), force=args.force)
    print(f"Wrote {path}")
    return 0


def cmd_copy(args: argparse.Namespace, ctx: AppContext) -> int:
    script = _library(ctx).copy(args.id, title=args.title)
    print(f"Copied to '{script.title}' ({script.id}); edit it in the app or export it.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("scripts", help="interview scripts: list, show, import, export, copy")
    scripts = group.add_subparsers(dest="scripts_command", metavar="ACTION")

    p = scripts.add_parser("list", help="list scripts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = scripts.add_parser("show", help="show a script")
    p.add_argument("id")
    p.add_argument("--yaml", action="store_true", help="print the file format")
    p.set_defaults(handler=cmd_show)

    p = scripts.add_parser("import", help="add a script from a YAML file")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import)

    p = scripts.add_parser("export", help="write a script to a YAML file")
    p.add_argument("id")
    p.add_argument("out")
    p.add_argument("--force", action="store_true")
    p.set_defaults(handler=cmd_export)

    p = scripts.add_parser("copy", help="copy a script to edit it")
    p.add_argument("id")
    p.add_argument("--title")
    p.set_defaults(handler=cmd_copy)
