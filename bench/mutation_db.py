"""Read and filter a cosmic-ray session (run by bench/mutation.py inside a scratch copy).

python -m bench.mutation_db list SESSION          every mutant, as JSON
python -m bench.mutation_db skip SESSION FILE     mark the job ids in FILE as skipped
python -m bench.mutation_db results SESSION       each finished mutant's outcome, as JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult


def _list(db: Any) -> list[dict[str, Any]]:
    rows = []
    for item in db.work_items:
        (mutation,) = item.mutations
        rows.append(
            {
                "job_id": item.job_id,
                "path": str(mutation.module_path),
                "operator": mutation.operator_name,
                "occurrence": mutation.occurrence,
                "line": mutation.start_pos[0],
                "column": mutation.start_pos[1],
            }
        )
    return rows


def _skip(db: Any, listing: Path) -> None:
    ids = [line for line in listing.read_text(encoding="utf-8").splitlines() if line]
    result = WorkResult(output="not in this target", worker_outcome=WorkerOutcome.SKIPPED)
    db.set_multiple_results(ids, result)


def _results(db: Any) -> list[dict[str, str]]:
    rows = []
    for item, result in db.completed_work_items:
        if result.worker_outcome == WorkerOutcome.SKIPPED:
            continue
        if result.worker_outcome != WorkerOutcome.NORMAL:
            outcome = "error"
        elif result.test_outcome == TestOutcome.KILLED:
            outcome = "killed"
        elif result.test_outcome == TestOutcome.SURVIVED:
            outcome = "survived"
        else:
            outcome = "error"
        rows.append({"job_id": item.job_id, "outcome": outcome, "diff": result.diff or ""})
    return rows


def main(argv: list[str]) -> int:
    command, session, *rest = argv
    with use_db(session, WorkDB.Mode.open) as db:
        if command == "list":
            print(json.dumps(_list(db)))
        elif command == "skip":
            _skip(db, Path(rest[0]))
        elif command == "results":
            print(json.dumps(_results(db)))
        else:
            raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
