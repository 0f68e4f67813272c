"""Labels of the visit forms and statuses in the interface language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FORM_LABELS = {
    "survey": _l("Thematic survey"),
    "activity": _l("Coordinate or run activities at the grassroots"),
    "inspection": _l("Inspection and supervision"),
    "meeting": _l("Attend a meeting"),
}

STATUS_LABELS = {
    "submitted": _l("Sent, awaiting review"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
}


def form_label(code: str) -> str:
    return str(FORM_LABELS.get(code, code))


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))
