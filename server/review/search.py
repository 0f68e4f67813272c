"""The review queue's search: every word typed, without diacritics or case, somewhere in a visit's
texts (``visits.search_text``, kept plain by server/visits/search.py), read from an index.

A search needs one word of three letters or more (the form says so): a trigram index holds no
shorter word, and "xa" or "di" would read every visit. Shorter words beside a long one narrow what
the long one found.

PostgreSQL answers ``search_text LIKE '%word%'`` from its trigram index (pg_trgm). SQLite asks its
FTS5 trigram table for the visits holding every long word. SQLite's planner has no statistics, so
the query says how to read: when the words are in few visits, those visits are read by rowid and
sorted; when in many, the queue is read in its own order and each visit is checked against them
(``+visits.rowid``: the ``+`` keeps SQLite from probing an index once per cadre and match).
Both indexes come from migration 8e3a5f9b1c64; docs/review.md says why an index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g
from sqlalchemy import ColumnElement, literal_column, text

from server.extensions import db
from server.visits.models import Visit
from server.visits.search import like_patterns, plain

#: the shortest word a trigram index holds
TRIGRAM = 3
#: up to this many matching visits, SQLite reads them by rowid and sorts them
FEW = 5000


def searchable(query: str) -> bool:
    """Whether ``query`` holds a word a search can look up (three letters or more)."""
    return any(len(word) >= TRIGRAM for word in plain(query).split())


@dataclass(frozen=True)
class TextSearch:
    """A search's conditions on ``visits``, and how SQLite should read them."""

    conditions: list[ColumnElement[bool]] = field(default_factory=list)
    #: SQLite: the matching visits are few, so they are the place to start reading
    drives: bool = False


def text_search(query: str) -> TextSearch:
    """The conditions a visit meets when its texts hold every word of ``query``."""
    words = plain(query).split()
    if not words:
        return TextSearch()
    indexed = [word for word in words if len(word) >= TRIGRAM]
    if not indexed or not _has_sqlite_index():
        return TextSearch(_likes(words))
    # each word a quoted phrase: FTS5 then reads it as letters, whatever they are
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
    matching = text("SELECT rowid FROM visits_fts WHERE visits_fts MATCH :phrases").bindparams(
        phrases=phrases)
    drives = _matches_up_to(phrases, FEW + 1) <= FEW
    rowid = literal_column("visits.rowid" if drives else "+visits.rowid")
    return TextSearch([rowid.in_(matching), *_likes([w for w in words if len(w) < TRIGRAM])], drives)


def _matches_up_to(phrases: str, cap: int) -> int:
    """How many visits hold ``phrases``, counted up to ``cap``; once per request (a queue page
    filters its page and three counts alike)."""
    known = g.setdefault("review_search_matches", {})
    if phrases not in known:
        known[phrases] = db.session.scalar(text(
            "SELECT count(*) FROM (SELECT 1 FROM visits_fts WHERE visits_fts MATCH :phrases LIMIT :cap)"
        ).bindparams(phrases=phrases, cap=cap))
    return known[phrases]


def _likes(words: list[str]) -> list[ColumnElement[bool]]:
    return [Visit.search_text.like(pattern, escape="\\") for pattern in like_patterns(" ".join(words))]


def _has_sqlite_index() -> bool:
    """Whether this is SQLite with the FTS5 table (an SQLite older than 3.34 has none); asked once
    per app."""
    known = current_app.extensions.setdefault("dicoso_sqlite_search_index", {})
    if "present" not in known:
        known["present"] = db.engine.dialect.name == "sqlite" and db.session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'visits_fts'")) == 1
    return known["present"]
