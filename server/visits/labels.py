"""Labels of the visit forms and statuses in the interface language."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

FORM_LABELS = {
    "survey": _l("Thematic survey"),
    "activity": _l("Coordinate or run activities at the grassroots"),
    "inspection": _l("Inspection and supervision"),
    "meeting": _l("Attend a meeting"),
}
#: the same forms where room is short (a document's inline list): a shortening of the full name,
#: never other words
FORM_SHORT_LABELS = {
    "survey": _l("Survey"),
    "activity": _l("Activities at the grassroots"),
    "inspection": _l("Inspection"),
    "meeting": _l("Meeting"),
}

STATUS_LABELS = {
    "submitted": _l("Sent, awaiting review"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
}


def form_name(code: str, short: bool = False, locale: str | None = None) -> str:
    """A visit form's name, full or short: the one source for pages, exports and documents alike,
    so that a form reads the same everywhere. ``locale``: a document written in one language
    whatever the reader's (the Union's documents are Vietnamese); else the interface's."""
    label = (FORM_SHORT_LABELS if short else FORM_LABELS).get(code)
    if label is None:
        return code
    if locale is None:
        return str(label)
    with force_locale(locale):
        return str(label)


def form_label(code: str) -> str:
    """The form's full name in the interface language (``form_name``)."""
    return form_name(code)


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))
