"""Import every model so Alembic and ``flask shell`` see the whole schema."""

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, RecoveryCode, Role, User, WebSession
from server.documents.models import UnitLetterhead
from server.exports.models import ExportChunk, ExportJob
from server.hearings.models import Direction, DirectionState, Hearing, HearingCadre, MonthlyAccount
from server.photos.models import Photo, PhotoBlob, PhotoChunk
from server.planning.models import Assignment, Placement, PlacementReport, Plan, PlanExemption
from server.review.models import ReviewAction, ReviewEvent
from server.units.models import Unit, UnitKind
from server.visits.days import CadreDay
from server.visits.models import (
    ChangeCounter,
    Topic,
    Visit,
    VisitForm,
    VisitStatus,
    visit_directions,
    visit_topics,
)

__all__ = [
    "Assignment", "AuditEntry", "CadreDay", "ChangeCounter", "DeviceToken", "Direction", "DirectionState",
    "ExportChunk", "ExportJob",
    "Hearing", "HearingCadre", "MonthlyAccount", "Photo", "PhotoBlob", "PhotoChunk", "Placement",
    "PlacementReport", "Plan", "PlanExemption", "RecoveryCode", "ReviewAction", "ReviewEvent", "Role",
    "Topic", "Unit", "UnitKind",
    "UnitLetterhead", "User",
    "Visit", "VisitForm", "VisitStatus", "WebSession", "visit_directions", "visit_topics",
]
