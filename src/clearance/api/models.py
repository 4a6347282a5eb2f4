"""The wire format of the HTTP API, as typed models (they generate the OpenAPI schema).

``/match`` speaks the protocol of OpenSanctions yente's ``/match`` so its clients work
unchanged: a batch of FollowTheMoney "example" entities in, per query a list of scored
FtM entities out, with ``score``, ``match`` and ``explanations`` (feature -> score and detail).
Two additions a yente client ignores: ``features`` (feature -> score, as older yente versions
sent) and ``listings`` (which list, programmes and legal effect each result comes from).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: how deep a request's values may nest (an FtM property value may be a nested entity)
MAX_DEPTH = 6
#: properties of one example entity, and values of one property
MAX_PROPERTIES = 64
MAX_PROPERTY_VALUES = 64

Score = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


def check_value(value: Any, depth: int = 0) -> None:
    """Refuse text that is not Unicode (a lone surrogate from a ``\\ud800`` escape) and values
    nested deeper than :data:`MAX_DEPTH`."""
    if depth > MAX_DEPTH:
        raise ValueError(f"values nest deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text with a lone surrogate (U+D800-U+DFFF) is not Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key, depth + 1)
            check_value(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_value(item, depth + 1)


class Checked(BaseModel):
    """A request body whose every text is Unicode and whose values nest within bounds."""

    @model_validator(mode="after")
    def _checked(self) -> Checked:
        check_value(self.model_dump(by_alias=True))
        return self


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

    id: str | None = Field(None, max_length=1000, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", max_length=100, examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        ...,
        max_length=MAX_PROPERTIES,
        examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}],
    )

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _bounded(self) -> EntityExample:
        for prop, values in self.properties.items():
            if isinstance(values, list) and len(values) > MAX_PROPERTY_VALUES:
                raise ValueError(
                    f"property {prop!r} has {len(values)} values (at most {MAX_PROPERTY_VALUES})"
                )
        return self


class EntityMatchQuery(Checked):
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
    warnings: list[str] = Field(
        default_factory=list,
        description="Values of the query that could not be read and were left out.",
    )


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

    name: str = Field(..., examples=["Acme Trading LLC"])
    schema_: str = Field("LegalEntity", alias="schema", examples=["Company"])
    country: list[str] | str = Field(default_factory=list, examples=[["ru"]])
    birth_date: str = Field("", examples=["1970-03"])
    identifiers: list[str] | str = Field(default_factory=list)
    gender: str = ""
    reference: str = Field("", description="Your own key for the row, echoed back.")
    aliases: list[str] = Field(default_factory=list)


class ScreenRequest(Checked):
    rows: list[ScreenRow]
    profile: str | None = Field(None, description="Matching profile (strict, balanced...)")
    threshold: Score | None = None
    limit: int = Field(5, ge=1, le=100, strict=True)
    sources: list[str] | None = None
    as_of: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Day listings and ownership rules are read for (default: today)",
    )


class ScreenResult(BaseModel):
    """One row's outcome, as ``clearance screen`` writes it in JSON lines."""

    row: int
    reference: str
    name: str
    matches: list[dict[str, Any]]
    warnings: list[str] = Field(default_factory=list)
    error: str | None = None


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
    rows_matched: int = Field(0, description="Rows with at least one match.")
    rows_failed: int = Field(0, description="Rows not screened (no usable name).")
    rows_warned: int = Field(0, description="Rows with values that could not be read.")
    error: ErrorBody | None = None
    result_url: str | None = None


class DatasetInfo(BaseModel):
    name: str
    title: str
    version: str | None = None
    updated_at: str | None = None
    entity_count: int | None = None
    load: bool = True
    index_version: str | None = None
    children: list[str] = Field(default_factory=list)


class CatalogResponse(BaseModel):
    """yente's data catalog: the lists as datasets, ``default`` holding them all."""

    datasets: list[DatasetInfo]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


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


class KeyCreate(Checked):
    name: str = Field(..., min_length=1, max_length=200)
    role: Literal["screener", "analyst", "reviewer", "admin"] = "screener"


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
