"""Maintain the message catalogues (maintainers; needs Babel: ``pip install 'dualuse[test]'``).

    python -m dualuse.i18n.catalogue extract   # messages.pot from the code, the CLI help, the rule texts
    python -m dualuse.i18n.catalogue update    # merge it into locale/{zh,ja}/LC_MESSAGES/dualuse.po
    python -m dualuse.i18n.catalogue compile   # .po -> .mo (the files the package reads at run time)
    python -m dualuse.i18n.catalogue check     # exit 1 when a message has no translation or a .mo is stale

Where the messages come from:

* ``_()``, ``N_()``, ``gettext()`` calls in ``src/dualuse`` (Babel's Python extractor) and in the
  web application's Jinja2 templates (Jinja2's Babel extractor);
* the help texts of the ``dualuse`` command tree (options, arguments, commands);
* the English explanation templates of the rules (``rules.yaml`` ``text_en``),
  so that reasons are shown in Japanese through :func:`dualuse.i18n.translate`;
* :data:`EXTERNAL_TEXTS`: texts that modules without gettext write (warnings,
  input errors, classification explanations) and click's own messages.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from dualuse.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
TRANSLATED = ("zh", "ja")

# Texts written by modules that do not call gettext (their templates, with {fields}), and click's messages.
EXTERNAL_TEXTS = (
    # dualuse.decision.screen warnings
    "The list data is as of {data_date}; announcements published after that date (before {as_of}) are not in it. "
    "Update the lists before relying on a clearance.",
    # dualuse.input.sanitise.describe (values with characters replaced at the input boundary)
    "{count} character that cannot be stored or written (control characters, lone surrogates or noncharacters) "
    "replaced by \N{REPLACEMENT CHARACTER}",
    "{count} characters that cannot be stored or written (control characters, lone surrogates or noncharacters) "
    "replaced by \N{REPLACEMENT CHARACTER}",
    # dualuse.values messages (shared by the readers, the models and --as-of)
    "expected a country: an ISO 3166-1 code (JP, JPN), a name in English, Chinese or Japanese "
    "(Japan, 日本, 米国) or a Chinese customs code (116)",
    "expected a currency: an ISO 4217 code (USD, CNY, JPY) or its name (美元, 人民币, 円)",
    "expected a date like 2026-03-02 (the cell is a plain number; format it as a date)",
    "expected a finite number",
    "expected a quantity like 500 or 500千克 (a number, then the unit)",
    "expected a number like 1234.5 (a currency before or after it is accepted: 6,250美元, USD 6250)",
    # dualuse.decision.horizon: the data-currency warning
    "The lists' sources were checked up to {horizon}, {days} days before {day}: announcements published after that date "
    "are not in the data. Update the lists before relying on a clearance.",
    # dualuse.input messages (the frame "row N, column X" is translated by the CLI)
    "expected an ISO 3166-1 alpha-2 country code",
    "expected a date like 2026-03-02",
    "expected a number",
    "expected a number like 1234.5",
    "expected a number between 0 and 1",
    "expected a number of at least 0",
    "expected text",
    "expected text (the shipment id)",
    "expected text (the party name)",
    "expected an HS code of 4 to 10 digits, like 2805301200 (dots and spaces allowed)",
    "expected a whole number of at least 1 (the line number)",
    "the file is empty: expected a header row and one row per item line",
    "a required value is missing",
    # dualuse.output.files
    "{path}: is a directory; give a file name, e.g. {example}",
    "{path}: the extension {suffix} means {implied}, but {option} {requested} was given; name the file *.{extension} or drop {option}",
    "{path}: cannot tell the format from the extension {suffix}; use one of {extensions} or give {option}",
    "{path}: cannot write in {folder} (permission denied)",
    # dualuse.rules.engine: a possible match, the review suffixes
    "{name} (possible match)",
    " The name is only a possible match: a reviewer must confirm whether it is the listed entity.",
    " Whether the item is a listed dual-use item (or of Chinese origin) is not yet established: review needed.",
    " The name is only a possible match and the item or its origin is not yet established: review needed.",
    # click and typer
    "Usage:",
    "Show this message and exit.",
    "Error",
    "Missing argument {hint}.",
    "Missing option {hint}.",
    "Missing parameter: {name}",
    "No such option: {name}",
    "No such command {name!r}.",
    "Try {command!r} for help.",
    "Got unexpected extra argument ({args})",
    "Invalid value for {param_hint}: {message}",
    # typer's help panels (dualuse.cli.localise)
    "Arguments",
    "Options",
    "Commands",
    "Aborted.",
    "[default: {}]",
    "[required]",
    "[env var: {}]",
    "Try [blue]'{command_path} {help_option}'[/] for help.",
    "Option {option} does not take a value.",
)


def _click_tree_messages() -> list[str]:
    from typer.main import get_command

    from dualuse.cli.app import app

    out: list[str] = []

    def walk(command) -> None:
        for text in (command.help, command.short_help):
            if text:
                out.append(text)
        for param in command.params:
            if getattr(param, "help", None):
                out.append(param.help)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    root = get_command(app)
    root.load_all()  # the commands are loaded lazily (dualuse.cli.app.LazyGroup)
    walk(root)
    return out


def _rule_templates() -> list[str]:
    from dualuse.rules.loader import load_rules

    return [rule.text_en for rule in load_rules().rules]


def extract():
    """The template catalogue (a Babel ``Catalog``) of every message the package shows."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="dualuse", domain=DOMAIN, charset="utf-8")
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python"), ("web/templates/**.html", "jinja2.ext:babel_extract")], keywords=keywords,
        comment_tags=("TRANSLATORS:",), options_map={"web/templates/**.html": {"trimmed": "true"}},
    ):
        catalog.add(message, None, [(f"dualuse/{filename}", lineno)], auto_comments=comments)
    for text in _click_tree_messages():
        catalog.add(text, None, [("dualuse/cli (help)", 0)])
    for text in _rule_templates():
        catalog.add(text, None, [("dualuse/rules/rules.yaml (text_en)", 0)])
    for text in EXTERNAL_TEXTS:
        catalog.add(text, None, [("dualuse/i18n/catalogue.py (EXTERNAL_TEXTS)", 0)])
    return catalog


def po_path(lang: str) -> Path:
    """``locale/<lang>/LC_MESSAGES/dualuse.po``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str):
    """The ``.po`` catalogue of ``lang``."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def mo_bytes(catalog) -> bytes:
    """The compiled ``.mo`` of ``catalog`` (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Merge the template into each ``.po`` (new messages untranslated, vanished ones kept as obsolete)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = extract()
    for lang in TRANSLATED:
        path = po_path(lang)
        catalog = read(lang) if path.exists() else Catalog(locale=lang, domain=DOMAIN, project="dualuse", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, ignore_obsolete=True)


def compile_all() -> None:
    """Write each ``.mo`` from its ``.po``."""
    for lang in TRANSLATED:
        po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(read(lang)))


def problems() -> list[str]:
    """Messages without a translation, ``{field}`` placeholders that differ, and stale ``.mo`` files."""
    import re

    out = []
    template = extract()
    for lang in TRANSLATED:
        catalog = read(lang)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            if found is None or not found.string or found.fuzzy:
                out.append(f"{lang}: no translation for {message.id!r}")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = found.string if isinstance(found.string, tuple) else (found.string,)
            fields = set(re.findall(r"\{(\w+)", " ".join(ids)))
            if any(set(re.findall(r"\{(\w+)", s)) != fields for s in strings):
                out.append(f"{lang}: the translation of {message.id!r} has other {{fields}} than the message")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            out.append(f"{lang}: {mo} is missing or stale; run python -m dualuse.i18n.catalogue compile")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        from babel.messages.pofile import write_po

        with (LOCALE_DIR / "messages.pot").open("wb") as handle:
            write_po(handle, extract(), width=0)
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
