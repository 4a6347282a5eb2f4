"""The wire format of the monitoring endpoints: the book, alerts and decisions, the audit chain,
webhooks. The services build these shapes (``clearance.monitor.service``); the models document
them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clearance.api.models import Checked

AlertState = Literal["open", "escalated", "true-match", "false-positive", "delisted", "closed"]


class PartyBody(Checked):
    """A party's fields, as a row of a book file (``name`` required)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=1000, examples=["Acme Trading LLC"])
    schema_: str = Field("", alias="schema", max_length=100, examples=["Company"])
    country: list[str] | str = Field(default_factory=list, examples=[["ru"]])
    birth_date: str = Field("", max_length=100, examples=["1970-03"])
    id_number: list[str] | str = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, max_length=32)
    gender: str = Field("", max_length=20)
    extra: dict[str, str] = Field(default_factory=dict, max_length=50)


class Decision(BaseModel):
    id: int
    decision: str
    reason: str
    by: str
    role: str
    at: str
    chain_seq: int


class Alert(BaseModel):
    """One alert: a party's match with a listed entity, as it was when the alert opened."""

    id: int
    party: str
    entity_id: str
    source: str
    source_id: str
    name: str | None = None
    matched_name: str | None = None
    schema_: str | None = Field(None, alias="schema")
    lists: list[str] = Field(default_factory=list)
    programs: list[str] = Field(default_factory=list)
    effect: dict[str, Any] | None = None
    effects: list[dict[str, Any]] = Field(default_factory=list)
    findings: list[dict[str, Any]] = Field(default_factory=list)
    score: float
    explanation: list[dict[str, Any]] = Field(default_factory=list)
    version: int = Field(..., description="The version of the entity's list matched against.")
    opened: str
    reason: Literal["initial", "new-listing", "listing-changed", "party-changed"]
    state: AlertState
    previous: int | None = Field(None, description="The earlier alert of this pair it follows.")
    closed: str | None = None
    closed_reason: str | None = None
    chain_seq: int = Field(..., description="Position of its opening record in the audit chain.")
    decisions: list[Decision] = Field(default_factory=list)


class DecisionBody(Checked):
    decision: Literal["false-positive", "true-match", "escalated"]
    reason: str = Field(..., min_length=1, max_length=2000)
    by: str = Field("", max_length=200, description="Who decides (default: the key's name).")


class PartyRow(BaseModel):
    reference: str
    name: str | list[str] | None = None
    schema_: str | list[str] | None = Field(None, alias="schema")
    country: str | list[str] | None = None
    screened_at: str | None = None
    error: str | None = None
    alerts: int = 0


class BookPage(BaseModel):
    total: int
    offset: int
    parties: list[PartyRow]


class Counts(BaseModel):
    added: int
    changed: int
    unchanged: int


class PartyDetail(BaseModel):
    reference: str
    data: dict[str, Any]
    fingerprint: str
    added_at: str
    updated_at: str
    screened_at: str | None = None
    error: str | None = None
    alerts: list[Alert] = Field(default_factory=list)
    history: list[Alert] = Field(default_factory=list)
    import_: Counts | None = Field(None, alias="import")


class PartyRemoved(BaseModel):
    reference: str
    removed: bool
    alerts_closed: int


class ImportReport(BaseModel):
    added: int
    changed: int
    unchanged: int
    removed: int
    errors: int
    warnings: int
    row_errors: list[dict[str, Any]] = Field(default_factory=list)
    screened: int
    alerts: dict[str, int]
    step: int


class ImportStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    created_at: str
    finished_at: str | None = None
    replace: bool = False
    report: ImportReport | None = None
    error: dict[str, str] | None = None


class ChainRecord(BaseModel):
    seq: int
    at: str
    kind: str
    actor: str
    party: str | None = None
    data: dict[str, Any]
    prev: str
    hash: str


class Verification(BaseModel):
    ok: bool
    records: int
    head: str
    broken: int | None = None
    problem: str | None = None


class Head(BaseModel):
    seq: int
    hash: str


class WebhookCreate(Checked):
    url: str = Field(..., min_length=8, max_length=2000, examples=["https://hooks.example/cl"])
    events: list[str] = Field(..., min_length=1, max_length=10, examples=[["alert.opened"]])
    secret: str = Field("", max_length=200, description="Default: a new secret, returned once.")


class Webhook(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: str
    created_by: str
    active: bool


class WebhookCreated(Webhook):
    secret: str = Field(..., description="The signing secret: shown once, store it now.")


class Delivery(BaseModel):
    id: int
    webhook: int
    event: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_at: str
    last_status: int | None = None
    last_error: str | None = None
    created_at: str
    delivered_at: str | None = None


class CycleReport(BaseModel):
    status: str
    step: int
    day: str
    full: bool = False
    parties: int = 0
    changes: dict[str, int] = Field(default_factory=dict)
    touched: dict[str, int] = Field(default_factory=dict)
    rescreened: int = 0
    alerts: dict[str, int] = Field(default_factory=dict)
    drift_bound: float = 1.0
    pairs: int = 0
    scored: int = 0
