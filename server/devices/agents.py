"""A few words for a browser's user agent ("Chrome · Android"), so that people recognise a device."""

from __future__ import annotations

import re

# Order matters: Edge and Samsung Internet also say Chrome, Chrome also says Safari.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdgA?/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Opera", re.compile(r"\bOPR/")),
    ("Cốc Cốc", re.compile(r"\bcoc_coc_browser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|CriOS)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(iPhone|iPad|iPod)\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def describe(user_agent: str | None) -> str:
    """The browser and system named by ``user_agent`` ("Chrome · Android"); "" when unknown."""
    if not user_agent:
        return ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)
