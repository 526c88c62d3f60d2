"""The command line in the user's language: ``--lang``, translated help, click's own messages.

``--lang zh|en|ja`` (anywhere on the command line, also after a
subcommand; default ``$DUALUSE_LANG`` or the locale, see
:func:`dualuse.i18n.detect`) is taken out of the arguments before click
parses them, so every command understands it the same way. The help texts
written in the code (English msgids) are then replaced in the click command
tree by their translations, and click's and typer's own messages ("Missing
option", panel titles) go through the same catalogue. Flags are shown
without a type (typer prints ``<bool>`` for them).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

import click
import typer.core

from dualuse.i18n import LanguageError, check_language, detect, gettext, set_language

LANG_OPTION = "--lang"
_RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    "ABORTED_TEXT": "Aborted.",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ENVVAR_STRING": "[env var: {}]",
}
_CLICK_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types", "click.decorators", "click.termui", "click.formatting", "typer.core", "typer.main")
_RICH_UTILS = "typer.rich_utils"  # rich help and error panels: imported by typer only when it prints one


def take_language(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` without ``--lang X`` / ``--lang=X`` (before a ``--``), and the last language given.

    Raises:
        click.UsageError: ``--lang`` without a value or with an unknown one.
    """
    out: list[str] = []
    lang: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i:])
            break
        value = None
        if arg == LANG_OPTION:
            if i + 1 >= len(args):
                raise click.UsageError(gettext("--lang needs a value: zh, en or ja"))
            value = args[i + 1]
            i += 2
        elif arg.startswith(LANG_OPTION + "="):
            value = arg.split("=", 1)[1]
            i += 1
        else:
            out.append(arg)
            i += 1
            continue
        try:
            lang = check_language(value)
        except LanguageError as error:
            raise click.UsageError(str(error)) from None
    return out, lang


def _translated(param_or_command, attribute: str) -> None:
    saved = f"_dualuse_{attribute}_en"
    if not hasattr(param_or_command, saved):
        setattr(param_or_command, saved, getattr(param_or_command, attribute, None))
    original = getattr(param_or_command, saved)
    if original:
        setattr(param_or_command, attribute, gettext(original))


def localise_tree(command: click.Command) -> None:
    """Translate the help of ``command``, its parameters and its subcommands in place (idempotent)."""
    _translated(command, "help")
    _translated(command, "short_help")
    for param in command.params:
        _translated(param, "help")
        kind = getattr(param, "param_type_name", "")  # typer vendors its own click: no isinstance on click's classes
        if kind == "option" and getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # typer shows "<bool>" for a flag; a flag takes no value
        if kind == "argument" and param.metavar is None:
            param.metavar = (param.name or "").upper()
    for sub in getattr(command, "commands", {}).values():
        localise_tree(sub)


def localise_framework() -> None:
    """Route click's and typer's own texts through the dualuse catalogue (English when untranslated).

    ``typer.rich_utils`` (rich, markdown-it: a tenth of a second) is not
    imported for this: when typer has not loaded it yet, it is localised
    the moment typer imports it to print help or an error (see
    :class:`_LocaliseOnImport`).
    """
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # these modules call the module-level ``_`` at run time
    _localise_option_type()
    rich_utils = sys.modules.get(_RICH_UTILS)
    if rich_utils is not None:
        _localise_rich_utils(rich_utils)
    elif not any(isinstance(finder, _LocaliseOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LocaliseOnImport())


class _LocaliseOnImport(importlib.abc.MetaPathFinder):
    """Finds ``typer.rich_utils`` like the normal import does, and localises it right after it has run."""

    def find_spec(self, fullname, path, target=None):  # noqa: D102 - importlib's signature
        if fullname != _RICH_UTILS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _ThenLocalise(spec.loader)
        return spec


class _ThenLocalise(importlib.abc.Loader):
    """Wraps the loader of ``typer.rich_utils``: runs the module, then :func:`_localise_rich_utils`."""

    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec):  # noqa: D102 - importlib's signature
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:  # noqa: D102 - importlib's signature
        self.loader.exec_module(module)
        _localise_rich_utils(module)

    def __getattr__(self, name):  # get_source, get_code ... of the wrapped loader (tracebacks, inspect)
        return getattr(self.loader, name)


def _localise_rich_utils(rich_utils) -> None:
    """Panel titles and messages of ``typer.rich_utils`` in the user's language; usage errors translated."""
    for attribute, text in _RICH_TEXTS.items():
        setattr(rich_utils, attribute, gettext(text))
    original = getattr(rich_utils.rich_format_error, "_dualuse_original", rich_utils.rich_format_error)

    def rich_format_error(error) -> None:
        """Show a usage error with its message in the user's language (typer's click writes English f-strings)."""
        from dualuse.i18n import translate

        english = error.format_message
        error.format_message = lambda: translate(english())
        original(error)

    rich_format_error._dualuse_original = original
    rich_utils.rich_format_error = rich_format_error


def _localise_option_type() -> None:
    """No ``<bool>`` type shown for a flag in the help."""
    option_class = typer.core.TyperOption
    if not hasattr(option_class, "_dualuse_display_type_rich"):
        option_class._dualuse_display_type_rich = option_class.display_type_rich

        def display_type_rich(self, ctx):
            """No type for a flag (``--help``, ``--no-record``): typer prints ``<bool>``, but a flag takes no value."""
            return "" if getattr(self, "is_flag", False) and self.metavar is None else option_class._dualuse_display_type_rich(self, ctx)

        option_class.display_type_rich = display_type_rich


class LocalisedGroup(typer.core.TyperGroup):
    """The root group: takes ``--lang`` out of the arguments and translates the tree before parsing."""

    def make_context(self, info_name, args, parent=None, **extra):  # noqa: D102 - click's signature
        if parent is None:
            try:
                args, lang = take_language(list(args))
            except click.UsageError as error:  # before any context exists: print it as every other bad option
                from dualuse.cli.common import fail

                raise fail(error.message) from None
            set_language(lang or detect())
            localise_framework()
            localise_tree(self)
        return super().make_context(info_name, args, parent=parent, **extra)
