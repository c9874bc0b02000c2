"""Property-based runs over the WHOLE OpenAPI schema: no 5xx, and responses match the schema.

Nothing here lists the routes: the tests walk the schema the app serves, so a route added later is
fuzzed without touching this file.

- **Every operation** (``test_every_operation_conforms_to_its_schema``): each operation of the
  schema in turn (a failure names every failing operation), generated cases positive and negative, on a service seeded with a scored batch, claims,
  decisions and a saved check (so reads have something to serialise).
- **The right role per route**: each operation is called with the least privileged role it admits
  (officer, moderator, educator, then admin), found by asking the service itself (a role it refuses
  answers 403); ``test_every_operation_admits_a_role`` fails when no role gets through.
- **Stateful** (``test_stateful_workflows``): schemathesis' state machine follows OpenAPI links added
  to the schema here (create batch -> get batch, claim -> item / decide / release, save a check ->
  get it, create key -> revoke it); a created batch is scored before the next step, so claims find
  items.
- **A fixed budget**: ``MAX_EXAMPLES`` cases per operation, ``STATEFUL_EXAMPLES`` scenarios,
  derandomised, no deadline, no example database: the same requests on every CI run.

The admin's and the seeded keys are never revoked by a generated ``DELETE /api/v1/keys/{key_id}``
(it is pointed at a spare key instead), so one case cannot lock the rest out.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from service_testing import AD_LEGIT, AD_RISKY, Service

pytestmark = pytest.mark.slow  # a few hundred generated requests

MAX_EXAMPLES = 25
STATEFUL_EXAMPLES = 30
ROLE_PREFERENCE = ("officer", "moderator", "educator", "admin")  # least privileged first
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BUDGET = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # shrinking a failure would blow the budget
    suppress_health_check=list(HealthCheck),
)

# OpenAPI links (source operation, status, target operation, parameter -> runtime expression).
LINKS = [
    ("POST /api/v1/batches", "202", "GET /api/v1/batches/{batch_id}", {"batch_id": "$response.body#/id"}),
    (
        "POST /api/v1/queue/claim",
        "200",
        "GET /api/v1/items/{item_id}",
        {"item_id": "$response.body#/items/0/id"},
    ),
    (
        "POST /api/v1/queue/claim",
        "200",
        "POST /api/v1/items/{item_id}/decision",
        {"item_id": "$response.body#/items/0/id"},
    ),
    (
        "POST /api/v1/queue/claim",
        "200",
        "POST /api/v1/items/{item_id}/release",
        {"item_id": "$response.body#/items/0/id"},
    ),
    ("GET /api/v1/queue", "200", "GET /api/v1/items/{item_id}", {"item_id": "$response.body#/items/0/id"}),
    ("POST /api/v1/score", "200", "GET /api/v1/checks/{check_id}", {"check_id": "$response.body#/check_id"}),
    ("POST /api/v1/keys", "201", "DELETE /api/v1/keys/{key_id}", {"key_id": "$response.body#/id"}),
]


def every_link_is_an_ad(request: httpx.Request) -> httpx.Response:
    # Every generated link leads to a page here: an upstream 502 is correct behaviour, not a bug to find.
    html = f"<html><head><title>Lowongan</title></head><body><p>{AD_RISKY}</p></body></html>"
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=html.encode())


def _placeholder_path(path: str) -> str:
    # Any value that passes validation: the role check runs before the handler looks anything up.
    out, depth = [], 0
    for char in path:
        if char == "{":
            depth += 1
            out.append("1")
        elif char == "}":
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


@dataclass
class Fuzz:
    """The seeded service, its schema and what the service says about roles."""

    service: Service
    protected_keys: set[int] = field(default_factory=set)
    _roles: dict[str, list[str]] = field(default_factory=dict)
    _spares: Iterator[int] = field(default_factory=itertools.count)
    snapshot: Path | None = None  # the seeded database, restored before each stateful scenario
    calls: Counter[tuple[str, int]] = field(default_factory=Counter)  # (operation, status) -> count

    def roles(self, method: str, path: str) -> list[str]:
        """The roles the service admits on an operation (asked once, with an empty request)."""
        label = f"{method.upper()} {path}"
        if label not in self._roles:
            self._roles[label] = [
                role
                for role in ROLE_PREFERENCE
                if self.service.client.request(
                    method.upper(), _placeholder_path(path), headers=self.service.auth(role)
                ).status_code
                != 403
            ]
        return self._roles[label]

    def headers(self, case: schemathesis.Case) -> dict[str, str]:
        allowed = self.roles(case.operation.method, case.operation.path) or ["admin"]
        return self.service.auth(allowed[0])

    def spare_key(self, value: Any) -> Any:
        """A generated key id, or a fresh spare key's when the generated one is a key the run needs."""
        if isinstance(value, int) and not isinstance(value, bool) and value in self.protected_keys:
            key_id, _ = self.service.add_key("officer", f"spare {next(self._spares)}")
            return key_id
        return value

    def prepare(self, case: schemathesis.Case) -> None:
        if case.path_parameters and "key_id" in case.path_parameters:
            case.path_parameters["key_id"] = self.spare_key(case.path_parameters["key_id"])

    def _database(self) -> Path:
        url = self.service.services.settings.resolved_database_url
        assert url.startswith("sqlite:///"), url
        return Path(url.removeprefix("sqlite:///"))

    def save(self) -> None:
        self.snapshot = self._database().with_suffix(".seed.db")
        with sqlite3.connect(self._database()) as source, sqlite3.connect(self.snapshot) as target:
            source.backup(target)

    def restore(self) -> None:
        """Back to the seeded state: the same steps then meet the same answers (hypothesis needs it)."""
        assert self.snapshot is not None
        self.service.services.engine.dispose()
        with sqlite3.connect(self.snapshot) as source, sqlite3.connect(self._database()) as target:
            source.backup(target)

    def after(self, case: schemathesis.Case, response: Any) -> None:
        self.calls[case.operation.label, response.status_code] += 1
        if case.operation.path == "/api/v1/batches" and response.status_code == 202:
            self.service.services.worker.drain()  # scored before the next step, so claims find items


SEED_ADS = (  # distinct enough not to merge into one campaign, risky enough to be queued
    AD_RISKY,
    "Lowongan operator komputer di Myawaddy, Myanmar. Gaji 30 juta, visa turis dulu, paspor ditahan "
    "perusahaan selama kontrak. Berangkat minggu depan, hubungi Telegram @kerjaluar",
    "Dibutuhkan pelayan restoran ke Malaysia tanpa dokumen resmi, lewat jalur belakang Nunukan, biaya "
    "potong gaji tiga bulan pertama. Syarat cuma KTP, umur 17 boleh",
    "Kerja ladang sawit di Sabah, berangkat lewat Entikong tanpa paspor kerja, agen urus semua, "
    "gaji 8 juta bersih, uang saku di depan, rombongan berangkat Jumat",
)


def _seed(service: Service) -> None:
    """A scored batch, claims, a decision of each kind and a saved check: data for every read."""
    client, moderator = service.client, service.auth("moderator")
    rows = [{"id": f"s{i}", "text": text, "platform": "facebook"} for i, text in enumerate(SEED_ADS)]
    rows += [{"id": "l0", "text": AD_LEGIT}, {"id": "r0", "text": f"{AD_RISKY} (diulang)"}]
    created = client.post("/api/v1/batches", json=rows, headers=moderator)
    assert created.status_code == 202, created.text
    assert service.services.worker.drain() > 0
    claimed = client.post("/api/v1/queue/claim", json={"limit": 3}, headers=moderator).json()["items"]
    assert len(claimed) >= 2, claimed
    for item, verdict in zip(claimed, ("legit", "tppo"), strict=False):
        body = {"verdict": verdict, "indicators": [], "note": "seed"}
        decided = client.post(f"/api/v1/items/{item['id']}/decision", json=body, headers=moderator)
        assert decided.status_code == 200, decided.text
    saved = client.post(
        "/api/v1/score", json={"text": AD_RISKY, "save": True}, headers=service.auth("officer")
    )
    assert saved.status_code == 200, saved.text


@pytest.fixture(scope="module")
def fuzz(make_module_service: Callable[..., Service]) -> Fuzz:
    service = make_module_service(
        rate_limit_per_minute=0,
        bookkeeping_rate_limit_per_minute=0,
        audit_sample_rate=0.0,  # no random audit picks: the same requests meet the same answers
        fetch_handler=every_link_is_an_ad,
    )
    _seed(service)
    fuzz = Fuzz(service, protected_keys=set(service.key_ids.values()))
    fuzz.save()
    return fuzz


def _load(fuzz: Fuzz) -> Any:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz.service.app)
    # Our keys, never generated ones: a made-up bearer token only ever reaches the 401 handler.
    schema.config.generation.update(with_security_parameters=False)
    return schema


def test_every_operation_admits_a_role(fuzz: Fuzz) -> None:
    paths = fuzz.service.client.get("/openapi.json").json()["paths"]
    refused = [f"{m.upper()} {p}" for p, item in paths.items() for m in item if not fuzz.roles(m, p)]
    assert not refused, f"no role may call {refused}: the fuzz run could not reach them"
    assert fuzz.roles("POST", "/api/v1/keys") == ["admin"]  # the probe does tell roles apart
    assert fuzz.roles("GET", "/api/v1/queue") == ["moderator", "admin"]


def test_every_operation_conforms_to_its_schema(fuzz: Fuzz) -> None:
    """Each operation in turn, its own bounded hypothesis run; every failing operation is named."""
    failures: dict[str, BaseException] = {}
    operations = [result.ok() for result in _load(fuzz).get_all_operations()]
    assert len(operations) >= 20, "the schema lost its operations"
    for operation in operations:

        @given(
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
        )
        @BUDGET
        def check(case: schemathesis.Case) -> None:
            fuzz.prepare(case)
            response = case.call(headers=fuzz.headers(case))
            fuzz.after(case, response)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, FailureGroup) as exc:  # reported below, with the operation's name
            failures[operation.label] = exc
    assert not failures, "\n\n".join(f"== {label}\n{exc}" for label, exc in failures.items())


def test_stateful_workflows(fuzz: Fuzz) -> None:
    fuzz.calls.clear()
    loaded = _load(fuzz)
    operations = {f"{m.upper()} {p}" for p, item in loaded.raw_schema["paths"].items() for m in item}
    for source, status, target, parameters in LINKS:
        if source not in operations or target not in operations:
            pytest.fail(f"link {source} -> {target}: an operation is missing from the schema")
        method, path = source.split(" ", 1)
        response = loaded.raw_schema["paths"][path][method.lower()]["responses"].setdefault(
            status, {"description": "Success"}
        )
        target_method, target_path = target.split(" ", 1)
        name = f"{target_method.lower()}_{target_path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}"
        response.setdefault("links", {})[name] = {
            "operationRef": f"#/paths/{target_path.replace('~', '~0').replace('/', '~1')}/{target_method.lower()}",
            "parameters": parameters,
        }

    class Workflow(loaded.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            fuzz.restore()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            fuzz.prepare(case)
            return {"headers": fuzz.headers(case)}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            fuzz.after(case, response)

        def validate_response(
            self, response: Any, case: schemathesis.Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    print(sorted(fuzz.calls.items()))
    # The links were followed: a claimed item was decided, a created key revoked.
    assert fuzz.calls["POST /api/v1/items/{item_id}/decision", 200] > 0, fuzz.calls
    assert fuzz.calls["DELETE /api/v1/keys/{key_id}", 200] > 0, fuzz.calls
