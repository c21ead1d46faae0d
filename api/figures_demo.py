"""The demo city with its three years of history in a database of its own: the small city for the tracking
notebook (``notebooks/tracking.ipynb``) when no ``ANYE_DATABASE_URL`` is given and for the test that executes it,
either scale for ``anye simulate``.

The ledgers go in as ``anye demo load`` puts them: the earlier yearly snapshots oldest first, then the
current ledgers (``ingest.demo.load``), so the change log holds how each person's work and income moved."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from pathlib import Path

from ingest.demo import generate_city
from ingest.demo.history import HistorySummary, generate_history
from ingest.demo.load import backdate_ledger, ledger_sets
from ingest.ledger import LedgerImport
from ingest.posting_import import EmployerImport, PostingImport
from ingest.sites import load_sites
from models.crypto import PersonalDataCipher
from models.db import build_engine, build_session_factory, session_scope
from models.migrate import upgrade
from models.taxonomy import default_taxonomy

__all__ = ["DEMO_SEED", "build_demo_database"]

DEMO_SEED = 20261128


def build_demo_database(
    url: str,
    *,
    today: dt.date,
    seed: int = DEMO_SEED,
    scale: str = "small",
    secret: str | None = None,
    folder: Path | None = None,
) -> HistorySummary:
    """Migrate the empty database at ``url`` and load the demo city of ``scale`` (small, full: sites, ledger
    snapshots and ledgers, employers, postings) and its history up to ``today``. ``secret``: the personal-data
    key (a fresh one by default: the data are invented and the database is thrown away)."""
    cipher = PersonalDataCipher(secret or secrets.token_hex(32))
    taxonomy = default_taxonomy()
    engine = build_engine(url)
    try:
        upgrade(engine)
        with tempfile.TemporaryDirectory() as scratch:
            city = folder or Path(scratch) / "city"
            generate_city(city, scale=scale, seed=seed)
            with session_scope(build_session_factory(engine)) as session:
                load_sites(session, city / "sites.csv")
                for as_of, paths in ledger_sets(city):
                    ledger = LedgerImport(session, cipher, taxonomy, actor="demo")  # a run per ledger set
                    for path in paths:
                        ledger.import_file(path)
                    if as_of is not None:
                        backdate_ledger(session, as_of)
                EmployerImport(session, taxonomy).import_file(city / "employers.csv")
                PostingImport(session, taxonomy, today=today).import_file(city / "postings.xlsx")
                session.flush()
                return generate_history(session, seed=seed, today=today)
    finally:
        engine.dispose()
