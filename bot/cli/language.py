"""The language ``duban`` speaks: ``--lang``, else the locale, else DEFAULT_LANGUAGE.

An operator who gives ``--lang en`` (or ``zh``) gets it. Without it, the locale decides as
POSIX programs let it: the first of LC_ALL, LC_MESSAGES and LANG that is set, when it names
a language the catalogue has (``en_US.UTF-8`` → English, ``zh_CN.UTF-8`` → Chinese). A
locale that names none (``C``, ``POSIX``, unset, or another language) leaves it to the
deployment's DEFAULT_LANGUAGE, which is Chinese unless set otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import configured_language

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(flag: str | None, environ: Mapping[str, str]) -> str:
    """The command line's language, by the precedence the module states."""
    if flag:
        return flag
    spoken = locale_language(environ)
    return spoken or configured_language()


def locale_language(environ: Mapping[str, str]) -> str | None:
    """'en' or 'zh' when the locale in force names one, else None."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip().lower()
        if not value:
            continue
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh"
        return None  # the first locale variable set is the one in force
    return None
