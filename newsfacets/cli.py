"""The `newsfacets` console script: one entry point for indexing, searching and serving."""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with add_arguments(parser) and run(args) -> int, help)
COMMANDS = {
    "index": ("index.cli", "build or update an index from files and folders of articles"),
    "search": ("search.cli", "search an index from the shell"),
    "serve": ("web.cli", "serve the web UI and JSON API"),
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the named subcommand's module is imported (fast start-up)."""
    root = argparse.ArgumentParser(prog="newsfacets", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if command in (None, name):
            importlib.import_module(module).add_arguments(sub)
        sub.set_defaults(module=module)
    return root


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = parser(command).parse_args(argv)
    return importlib.import_module(args.module).run(args)


if __name__ == "__main__":
    sys.exit(main())
