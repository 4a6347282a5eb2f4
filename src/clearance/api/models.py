"""The wire format of the HTTP API, as typed models (they generate the OpenAPI schema).

``/match`` speaks the protocol of OpenSanctions yente's ``/match`` so its clients work
unchanged: a batch of FollowTheMoney "example" entities in, per query a list of scored
FtM entities out, with ``score``, ``match`` and ``explanations`` (feature -> score and detail).
Two additions a yente client ignores: ``features`` (feature -> score, as older yente versions
sent) and ``listings`` (which list, programmes and legal effect each result comes from).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    code: str = Field(..., examples=["unauthorized"])
    message: str = Field(..., examples=["The API key is unknown or has been revoked."])


class ErrorResponse(BaseModel):
    """Every failure: a stable machine-readable code and one readable sentence."""

    error: ErrorBody


class EntityResponse(BaseModel):
    """A listed entity in FollowTheMoney shape (yente's EntityResponse)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["us-ofac-sdn:36000"])
    caption: str = Field(..., examples=["John Doe"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[Any]] = Field(..., examples=[{"name": ["John Doe"]}])
    datasets: list[str] = Field(default_factory=list, examples=[["us-ofac-sdn"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    listings: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Why the entity is listed: list code, programmes, legal effect, dates.",
    )


class FeatureResult(BaseModel):
    score: float
    detail: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = Field(..., examples=[0.93])
    match: bool = Field(..., description="Whether the score reaches the match threshold.")
    explanations: dict[str, FeatureResult] = Field(
        default_factory=dict, description="Per feature: its score and why."
    )
    features: dict[str, float] = Field(
        default_factory=dict, description="Per feature: its score (older yente clients)."
    )


class EntityExample(BaseModel):
    """A query entity: an FtM schema and properties, each a string or list of strings."""

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}]
    )

    model_config = ConfigDict(populate_by_name=True)


class EntityMatchQuery(BaseModel):
    """The ``/match`` body. ``weights`` and ``config`` are accepted for yente compatibility;
    scoring is set by the profile chosen with ``algorithm``."""

    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    queries: dict[str, EntityExample] = Field(
        ...,
        examples=[
            {
                "q1": {
                    "schema": "Person",
                    "properties": {"name": ["John Doe"], "birthDate": ["1975"]},
                }
            }
        ],
    )


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float = 1.0
    url: str = ""


class MatcherDoc(BaseModel):
    """The scoring profile used (yente's algorithm documentation shape)."""

    name: str
    description: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    features: dict[str, FeatureDoc] = Field(default_factory=dict)


class AlgorithmsResponse(BaseModel):
    """Usable ``algorithm`` values (yente's shape): our matching profiles."""

    algorithms: list[MatcherDoc]
    default: str
    best: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: MatcherDoc
    limit: int


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[ScoredEntityResponse]
    facets: dict[str, Any] = Field(default_factory=dict)


class HistoryResponse(BaseModel):
    entity: EntityResponse
    history: list[dict[str, Any]] = Field(
        default_factory=list,
        description="List versions in which the entity appeared, changed or was removed.",
    )


class ScreenRow(BaseModel):
    """One row to screen. ``name`` is required; the rest sharpens the score."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=1000, examples=["Acme Trading LLC"])
    schema_: str = Field("LegalEntity", alias="schema", examples=["Company"])
    country: list[str] | str = Field(default_factory=list, examples=[["ru"]])
    birth_date: str = Field("", examples=["1970-03"])
    identifiers: list[str] | str = Field(default_factory=list)
    gender: str = ""
    reference: str = Field("", description="Your own key for the row, echoed back.")
    aliases: list[str] = Field(default_factory=list)


class ScreenRequest(BaseModel):
    rows: list[ScreenRow]
    profile: str | None = Field(None, description="Matching profile (strict, balanced...)")
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(5, ge=1, le=100)
    sources: list[str] | None = None


class ScreenResult(BaseModel):
    reference: str
    name: str
    hits: list[dict[str, Any]]


class ScreenResponse(BaseModel):
    results: list[ScreenResult]
    profile: str
    versions: dict[str, str]


JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class JobStatus(BaseModel):
    id: str
    state: JobState
    created_at: str
    finished_at: str | None = None
    rows_total: int | None = None
    rows_done: int = 0
    matches: int = 0
    error: ErrorBody | None = None
    result_url: str | None = None


class SourceVersion(BaseModel):
    source: str
    title: str = ""
    version: str
    content_hash: str = ""
    published: str | None = None
    imported_at: str | None = None
    entities: int = 0
    format: str = ""
    origin: str = ""


class SourcesResponse(BaseModel):
    sources: list[SourceVersion]


class StatusResponse(BaseModel):
    status: str = "ok"
    checks: dict[str, str] = Field(default_factory=dict)


class KeyCreate(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    role: Literal["screener", "analyst", "admin"] = "screener"


class KeyInfo(BaseModel):
    id: str
    name: str
    role: str
    hint: str
    created_at: str
    revoked_at: str | None = None
    active: bool


class KeyCreated(KeyInfo):
    key: str = Field(..., description="The secret: shown once, store it now.")
