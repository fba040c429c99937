"""`kling-codegen translate` and `quote`, and `canonical.Client`, over a freshly generated
kling_gateways: the worked examples of the catalog (`canonical-examples.yaml` next to each
mapping, see conftest.py) through the generated package, plus what holds for any gateway."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from .conftest import SCHEMAS, Worked, cases, fresh_ids_as, load_mappings, load_runtime, worked

KLING = Path(sys.executable).with_name("kling-codegen")
MAPPINGS = load_mappings()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    cmd = [str(KLING), "generate", "--schemas", str(SCHEMAS), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


def _run(
    generated: Path, tmp_path: Path, *args: str, request: Any = None
) -> subprocess.CompletedProcess[str]:
    files = []
    if request is not None:
        path = tmp_path / "request.json"
        path.write_text(request if isinstance(request, str) else json.dumps(request))
        files.append(str(path))
    env = {**os.environ, "PYTHONPATH": str(generated)}
    return subprocess.run(
        [str(KLING), *args, *files], capture_output=True, text=True, check=False, env=env
    )


def _canonical_translations() -> list[Worked]:
    """Worked translations of valid canonical requests (the generated layer checks the
    canonical schema first, so the others never reach a mapping there)."""
    return [c for c in worked("translate") if c.entry.get("canonical_valid", True)]


# ---- translate ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("case", cases(_canonical_translations(), "worked translations"))
def test_translate_reproduces_each_worked_example(
    generated: Path, tmp_path: Path, case: Worked
) -> None:
    """Exit 0 with the payload on stdout and one `warning:` line per warning, or exit 1
    with `error: <target>: <field>: <reason>`, as the worked example says."""
    done = _run(
        generated, tmp_path, "translate", "--to", case.target, request=case.entry["request"]
    )
    error = case.entry.get("error")
    if error is None:
        assert done.returncode == 0, done.stderr
        expected = case.expected_payload()
        assert fresh_ids_as(json.loads(done.stdout), expected, case.task_id) == expected
        assert done.stderr.splitlines() == [f"warning: {w}" for w in case.warnings()]
        return
    assert done.returncode == 1 and done.stdout == "", done.stderr
    (line,) = done.stderr.splitlines()
    message = line.removeprefix(f"error: {case.target}: ")
    assert message != line and message.startswith(f"{error['field']}: "), line
    if "match" in error:
        assert re.search(case.pattern(error["match"]), message), message


@pytest.mark.slow
def test_translate_exit_codes_on_bad_usage(generated: Path, tmp_path: Path) -> None:
    key = sorted(MAPPINGS)[0]
    unknown = "no-such-gateway/no-such-endpoint"
    assert unknown not in MAPPINGS
    request = {"prompt": "a cat"}
    assert _run(generated, tmp_path, "translate", "--to", unknown, request=request).returncode == 2
    assert _run(generated, tmp_path, "translate", "--to", key, request="{oops").returncode == 2
    missing = _run(generated, tmp_path, "translate", "--to", key, "/nonexistent.json")
    assert missing.returncode == 2


# ---- quote ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRun:
    """One canonical request and the worked quotes about it (one `quote` run answers all)."""

    request: dict[str, Any]
    examples: tuple[Worked, ...]

    def __str__(self) -> str:
        return ",".join(str(e) for e in self.examples)


def _quote_runs() -> list[QuoteRun]:
    grouped: dict[str, list[Worked]] = {}
    for case in worked("quotes"):
        grouped.setdefault(json.dumps(case.entry["request"], sort_keys=True), []).append(case)
    return [QuoteRun(json.loads(k), tuple(v)) for k, v in sorted(grouped.items())]


def _subset(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    return {k: found.get(k) for k in expected} == pytest.approx(expected)


@pytest.mark.slow
@pytest.mark.parametrize("run", cases(_quote_runs(), "worked quotes"))
def test_quote_matches_the_worked_quotes(generated: Path, tmp_path: Path, run: QuoteRun) -> None:
    done = _run(generated, tmp_path, "quote", "--format", "json", request=run.request)
    accepted = any(case.entry["accepts"] for case in run.examples)  # else: others may
    assert done.returncode in ({0} if accepted else {0, 1}), done.stderr
    document = json.loads(done.stdout)
    quotes = {q["target"]: q for q in document["quotes"]}
    endpoint = document["endpoint"]
    assert set(quotes) == {k for k, m in MAPPINGS.items() if m["canonical"] == endpoint}
    for case in run.examples:
        quote = quotes[case.key]
        assert quote["accepts"] is case.entry["accepts"], quote
        assert _subset(quote["price"], case.entry.get("price", {})), quote["price"]
    texts = [case for case in run.examples if "text" in case.entry]
    if not texts:
        return
    lines = _run(generated, tmp_path, "quote", request=run.request).stdout.splitlines()
    for case in texts:
        (line,) = [ln for ln in lines if ln.split()[:1] == [case.key]]
        assert line.split()[1] == ("accepts" if case.entry["accepts"] else "refuses"), line
        assert case.text(case.entry["text"]) in line, line


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", sorted({m["canonical"] for m in MAPPINGS.values()}))
def test_quote_text_names_the_terms_and_every_gateway(
    generated: Path, tmp_path: Path, endpoint: str
) -> None:
    request = {"prompt": "a storm", "duration": 5}
    if endpoint == "image-to-video":
        request["start_image"] = "https://x.test/a.png"
    done = _run(generated, tmp_path, "quote", "--endpoint", endpoint, request=request)
    assert done.returncode in (0, 1) and done.stdout, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{endpoint}, 5 s, audio on"
    for key in (k for k, m in MAPPINGS.items() if m["canonical"] == endpoint):
        assert len([ln for ln in lines if ln.split()[:1] == [key]]) == 1, key


# ---- canonical.Client -----------------------------------------------------------------

CLIENT_SCRIPT = """
import json, sys, httpx
from kling_gateways import canonical
report = []
for case in json.load(sys.stdin):
    seen = []
    def handler(req, answer=case["answer"], seen=seen):
        seen.append({"method": req.method, "path": req.url.path, "body": json.loads(req.content)})
        return httpx.Response(200, json=answer)
    http = httpx.Client(transport=httpx.MockTransport(handler))
    out = {"seen": seen}
    with canonical.Client(
        provider=case["provider"], api_key="k", api_secret="s", http_client=http
    ) as client:
        try:
            out["result"], out["warnings"] = client.run(
                case["request"], endpoint=case["endpoint"], version=case["version"]
            )
        except canonical.TranslationError as exc:
            out["refused"] = exc.field
    report.append(out)
print(json.dumps(report))
"""

VIDEO = "https://cdn.test/v.mp4"


def _lifecycle(case: Worked) -> dict[str, Any]:
    provider, endpoint = case.key.split("/")
    manifest = yaml.safe_load((SCHEMAS / provider / "manifest.yaml").read_text())
    return dict(manifest["endpoints"][endpoint]["versions"][case.folder.name]["lifecycle"])


def _submit_path(case: Worked) -> str:
    provider = case.key.split("/")[0]
    manifest = yaml.safe_load((SCHEMAS / provider / "manifest.yaml").read_text())
    return urlparse(manifest["base_url"]).path.rstrip("/") + _lifecycle(case)["submit"]["path"]


def _answer_with_video(case: Worked) -> Any:
    """A sync answer carrying VIDEO where the manifest (else the mapping) says it is."""
    pointer = _lifecycle(case).get("video_url")
    if pointer:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    else:
        resolved = load_runtime("mapping").resolve(MAPPINGS[case.key], version=case.version)
        tokens = resolved["result"]["fields"]["video_url"]["from"][0].split(".")
    node: Any = VIDEO
    for token in reversed(tokens):
        node = [node] if token.isdigit() else {token: node}
    return node


def _sync_runs() -> list[Worked]:
    """Worked translations with a payload, for a version whose lifecycle is one call."""
    return [
        c
        for c in _canonical_translations()
        if "error" not in c.entry and _lifecycle(c)["kind"] == "sync"
    ]


def _refusals() -> list[Worked]:
    return [c for c in _canonical_translations() if "error" in c.entry]


@pytest.fixture(scope="module")
def client_report(generated: Path) -> dict[str, dict[str, Any]]:
    """What canonical.Client did with each sync run and each refusal, by example."""
    chosen = [*_sync_runs(), *_refusals()]
    payload = [
        {
            "provider": c.key.split("/")[0],
            "endpoint": c.key.split("/")[1],
            "version": c.version,
            "request": c.entry["request"],
            "answer": _answer_with_video(c) if "error" not in c.entry else {},
        }
        for c in chosen
    ]
    env = {**os.environ, "PYTHONPATH": str(generated)}
    done = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return {str(c): out for c, out in zip(chosen, json.loads(done.stdout), strict=True)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", cases(_sync_runs(), "sync-lifecycle version with a worked payload")
)
def test_client_sends_the_worked_payload_to_a_sync_gateway(
    client_report: dict[str, dict[str, Any]], case: Worked
) -> None:
    """One HTTP call: the submit path of the manifest, the worked example's payload as the
    body; the answer read back as the canonical result."""
    report = client_report[str(case)]
    assert "refused" not in report, report
    (call,) = report["seen"]
    expected = case.expected_payload()
    assert call["method"] == _lifecycle(case)["submit"]["method"]
    assert call["path"] == _submit_path(case)
    assert fresh_ids_as(call["body"], expected, case.task_id) == expected
    assert report["result"]["video_url"] == VIDEO
    assert report["warnings"] == case.warnings()


@pytest.mark.slow
@pytest.mark.parametrize("case", cases(_refusals(), "worked refusal"))
def test_client_refuses_before_any_http_call(
    client_report: dict[str, dict[str, Any]], case: Worked
) -> None:
    report = client_report[str(case)]
    assert report["seen"] == []
    assert report["refused"] == case.entry["error"]["field"]
