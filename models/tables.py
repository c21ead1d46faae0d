"""Every table, imported once so metadata is complete (for Alembic and for tests)."""

from models.audit import AuditEvent
from models.base import Base
from models.batch import ImportBatch, ImportProblem
from models.history import WorkerChange
from models.household import Household
from models.site import SettlementSite
from models.training import TrainingRecord
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = [
    "AuditEvent",
    "Base",
    "Household",
    "ImportBatch",
    "ImportProblem",
    "SettlementSite",
    "TrainingRecord",
    "Worker",
    "WorkerCertificate",
    "WorkerChange",
    "WorkerSkill",
]
