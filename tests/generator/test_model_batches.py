"""Models rendered many per datamodel-code-generator run give the bytes of one run each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import SourceFile, load_catalog
from codegen.errors import SchemaError
from codegen.generate import normalize_all
from codegen.normalize import normalize_schema
from codegen.plan import plan
from codegen.render.models import render_model_batch, render_models
from codegen.render.output import Context
from codegen.render.parallel import ModelJob, ModelWorkers

from ..hardening.test_corpus import expand
from .conftest import SCHEMAS

CORPUS = Path(__file__).parents[1] / "hardening" / "corpus"
Job = tuple[dict[str, Any], str, str]


def _catalog_jobs() -> list[Job]:
    ctx = Context(load_catalog(SCHEMAS))
    normalize_all(ctx)
    plan(ctx)
    jobs: dict[str, ModelJob] = ctx.memo["model_jobs"]
    return [(j.schema, j.class_name, j.file) for _k, j in sorted(jobs.items())]


def _corpus_jobs() -> list[Job]:
    found = []
    for path in sorted(CORPUS.glob("*.json")):
        schema = expand(json.loads(path.read_text("utf-8")))["request"]
        source = SourceFile(path=path.name, data=schema, sha256="0" * 64)
        found.append((normalize_schema(source).model, "Request", path.name))
    return found


def test_one_run_for_many_schemas_gives_each_the_text_of_its_own_run() -> None:
    jobs = _catalog_jobs() + _corpus_jobs()
    alone = [render_models(s, class_name=c, file=f) for s, c, f in jobs]
    assert render_model_batch(jobs) == alone
    assert len(jobs) > 20


def test_a_self_named_schema_and_a_failing_batch_fall_back_to_one_run_each() -> None:
    named = {"$id": "https://x.test/a", "type": "object", "properties": {"a": {"type": "string"}}}
    plain = {"type": "object", "properties": {"b": {"type": "integer"}}}
    jobs: list[Job] = [(named, "Request", "a.json"), (plain, "Request", "b.json")]
    codes = render_model_batch(jobs)
    assert codes == [render_models(s, class_name=c, file=f) for s, c, f in jobs]
    sibling = {"type": "object", "properties": {"c": {"$ref": "m0.json"}}}  # a batch file name
    with pytest.raises(SchemaError, match="ref file not found"):
        render_model_batch([(plain, "Request", "b.json"), (sibling, "Request", "c.json")])
    broken = {"type": "object", "required": 5}
    with pytest.raises(SchemaError) as caught:
        render_model_batch([(plain, "Request", "b.json"), (broken, "Request", "broken.json")])
    assert [p[0] for p in caught.value.problems] == ["broken.json"]


def test_workers_send_back_codes_and_errors_and_stop_without_waiting() -> None:
    plain = ModelJob({"type": "object", "properties": {"b": {"type": "integer"}}}, "M", "b.json")
    broken = ModelJob({"type": "object", "required": 5}, "M", "x.json")
    workers = ModelWorkers(2)
    assert workers.render({"k": plain})() == {
        "k": render_models(plain.schema, class_name="M", file="b.json")
    }
    failing = ModelWorkers(1)
    with pytest.raises(SchemaError, match=r"x\.json"):
        failing.render({"a": plain, "z": broken})()
    idle = ModelWorkers(2)
    idle.stop()
    assert not any(p.is_alive() for p in idle._procs + workers._procs + failing._procs)
