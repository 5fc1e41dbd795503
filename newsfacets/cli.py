"""The `newsfacets` console script: one entry point for indexing, searching and serving."""
from __future__ import annotations

# Only the standard library's lightest modules here: `newsfacets --help` must not pay for
# NLTK, Whoosh, Flask or numpy, which only the chosen subcommand's module imports.
import argparse
import importlib
import os
import sys

# The exit status of a program killed by SIGPIPE (128 + 13), as `git log | head -1` gives:
# the reader closed the pipe, so the rest of the output was not wanted.
EXIT_BROKEN_PIPE = 141

# subcommand -> (module with add_arguments(parser) and run(args) -> int, help)
COMMANDS = {
    "index": ("index.cli", "build or update an index from files and folders of articles"),
    "search": ("search.cli", "search an index from the shell"),
    "serve": ("web.cli", "serve the web UI and JSON API"),
    "story": ("search.stories", "show one story's versions, earliest first"),
}


def parser(command: str | None = None, *, subcommand_arguments: bool = True) -> argparse.ArgumentParser:
    """The argument parser; only the named subcommand's module is imported (fast start-up).

    `command=None` adds every subcommand's arguments (importing every module), unless
    `subcommand_arguments=False`: then no module is imported, which is all the top-level
    `--help` and its errors need.
    """
    root = argparse.ArgumentParser(prog="newsfacets", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if command == name or (command is None and subcommand_arguments):
            importlib.import_module(module).add_arguments(sub)
        sub.set_defaults(module=module)
    return root


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in COMMANDS else None
    # Without a subcommand first, argparse can only print help or an error: import nothing.
    args = parser(command, subcommand_arguments=False).parse_args(argv)
    from index.settings import Settings, SettingsError  # standard library only: still a fast start

    try:
        args.settings = Settings.from_arguments(args)  # built once; each subcommand reads it from here
    except SettingsError as error:
        print(f"newsfacets: error: {error}", file=sys.stderr)
        return 2
    try:
        code = importlib.import_module(args.module).run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _discard_stdout() -> None:
    """After a closed pipe: send what is left in stdout's buffer to /dev/null, so the
    interpreter's final flush cannot print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
