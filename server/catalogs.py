"""Keep the Vietnamese message catalogs in step with the code: ``python -m server.catalogs``.

Each feature package owns ``<feature>/translations/vi/LC_MESSAGES/messages.po``; strings of the
shared layout and error pages live in ``server/translations``. This extracts each package's strings,
merges them into its catalog and compiles the .mo files the app loads (both are committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
LOCALE = "vi"


def catalog_sources() -> dict[Path, list[Path]]:
    """Map each translations directory to the source paths whose strings it holds."""
    sources = {PACKAGE_DIR / "translations": [PACKAGE_DIR / "templates", *PACKAGE_DIR.glob("*.py")]}
    for feature in sorted(p for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists()):
        sources[feature / "translations"] = [feature]
    return sources


def _run(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def update_catalogs() -> None:
    for translations, paths in catalog_sources().items():
        pot = translations / "messages.pot"
        translations.mkdir(exist_ok=True)
        _run("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
             "--no-location", "--sort-output", "-o", str(pot), *map(str, paths))
        has_messages = "msgid \"" in pot.read_text().split("\n\n", 1)[-1]
        po = translations / LOCALE / "LC_MESSAGES" / "messages.po"
        if not has_messages and not po.exists():
            pot.unlink()
            if not any(translations.iterdir()):
                translations.rmdir()
            continue
        if po.exists():
            _run("update", "-i", str(pot), "-d", str(translations), "-l", LOCALE, "--no-fuzzy-matching",
                 "--ignore-pot-creation-date")
        else:
            _run("init", "-i", str(pot), "-d", str(translations), "-l", LOCALE)
        pot.unlink()
        _run("compile", "-d", str(translations), "-l", LOCALE)


if __name__ == "__main__":
    update_catalogs()
    sys.exit(0)
