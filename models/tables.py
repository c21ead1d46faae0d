"""Every table, imported once so metadata is complete (for Alembic and for tests)."""

from models.account import Account, AccountCounty, AccountSite, SignInToken
from models.alert import HouseholdAlert
from models.audit import AuditEvent
from models.base import Base
from models.batch import ImportBatch, ImportProblem
from models.employer import Employer
from models.history import WorkerChange
from models.household import Household
from models.match import Match, MatchEvent
from models.match_plan import MatchPlan, MatchPlanItem
from models.posting import Posting, PublicWelfareJob
from models.site import SettlementSite
from models.training import TrainingRecord
from models.worker import Worker, WorkerCertificate, WorkerSkill

__all__ = [
    "Account",
    "AccountCounty",
    "AccountSite",
    "SignInToken",
    "AuditEvent",
    "Base",
    "Employer",
    "Household",
    "HouseholdAlert",
    "ImportBatch",
    "ImportProblem",
    "Match",
    "MatchEvent",
    "MatchPlan",
    "MatchPlanItem",
    "Posting",
    "PublicWelfareJob",
    "SettlementSite",
    "TrainingRecord",
    "Worker",
    "WorkerCertificate",
    "WorkerChange",
    "WorkerSkill",
]
