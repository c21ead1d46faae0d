"""What every ``anye ingest`` command does around its importer: one transaction per file, a failed file
reported while the others go on, and the JSON report and rejects workbook written at the end."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from rich.console import Console
from sqlalchemy.orm import Session

from ingest.ledger import FileReport
from ingest.ledger_report import write_rejects, write_report

__all__ = ["FileImporter", "import_one", "write_outputs"]

console = Console()
err = Console(stderr=True)


class FileImporter(Protocol):
    def import_file(self, path: Path) -> FileReport: ...


def import_one(importer: FileImporter, session: Session, path: Path) -> FileReport:
    """One file in one transaction; a failure is reported and the next file goes on (Ctrl-C stops)."""
    try:
        result = importer.import_file(path)
        session.commit()
        return result
    except Exception:
        session.rollback()
        logging.getLogger("anye.ingest").exception("import failed: %s", path.name)
        return FileReport(
            file=path.name, error="导入出错，此文件的改动已全部撤销；其余文件照常导入。请把文件交给管理员查看日志。"
        )
    except BaseException:
        session.rollback()
        err.print(f"[red]{path.name}：导入中断，此文件的改动已全部撤销，重新运行即可继续。[/red]")
        raise


def write_outputs(reports: list[FileReport], report: Path | None, rejects: Path | None) -> None:
    """The JSON report and the rejects workbook, where asked for."""
    if report:
        write_report(reports, report)
        console.print(f"导入报告：{report}")
    if rejects:
        console.print(f"未导入的行（{write_rejects(reports, rejects)} 行）：{rejects}")
