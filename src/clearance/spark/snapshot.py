"""What a Spark job ships to its executors: the persisted files of one store state.

A store's state is screened with two files that clearance already keeps beside the store: the
name index (``index/names-*.pkl``) and the ownership graph (``index/ownership-*.pkl``). Their
names are hashes of the state, of the format and of the code that reads them, so one name is
one content. A :class:`Snapshot` names them, with the matching profile and the ownership rule
settings; it is made on the driver, where the store is, and pickled into the job. Executors
get the files through Spark (``SparkContext.addFile``: fetched once per executor) and open a
:class:`~clearance.screen.Screener` on them, once per Python worker process.

Nothing here imports Spark: the executor side is plain files in, screener out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearance.catalog import open_store
from clearance.errors import StoreError
from clearance.exposure import Exposure, ensure_graph
from clearance.exposure.service import checked_after, graph_path, load_graph
from clearance.index import ensure_index, load_index
from clearance.index.persist import index_path
from clearance.match.scorer import Matcher
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.store import Store


class SnapshotError(StoreError):
    """An executor cannot open the snapshot it was sent (files missing, or another build)."""


@dataclass(frozen=True)
class Snapshot:
    """The persisted index and ownership graph of one store state, and how to screen with
    them (the profile; the ownership rules' statuses after their known periods)."""

    state_key: str
    #: the two files on the driver (their names are what executors look for)
    index_file: Path
    graph_file: Path
    profile: str
    rule_after: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_store(cls, store: Store, settings: Settings, profile: str | None = None) -> Snapshot:
        """The snapshot of an open store's current state (its index and graph are built and
        saved first when they are missing or stale)."""
        ensure_index(store, settings.index_dir)
        ensure_graph(store, settings.index_dir)
        key = store.state_key()
        name = profile or settings.profile
        Matcher(name)  # an unknown profile is refused here, not on every executor
        return cls(
            state_key=key,
            index_file=index_path(settings.index_dir, key),
            graph_file=graph_path(settings.index_dir, key),
            profile=name,
            rule_after=tuple(sorted(checked_after(settings.rule_after).items())),
        )

    @classmethod
    def open(cls, settings: Settings, profile: str | None = None) -> Snapshot:
        """The snapshot of the store of ``settings``."""
        with open_store(settings) as store:
            return cls.from_store(store, settings, profile)

    @property
    def files(self) -> tuple[Path, Path]:
        return (self.index_file, self.graph_file)

    def screener(self, directory: Path) -> Screener:
        """A screener over the snapshot's files found in ``directory`` (on an executor: the
        folder Spark fetched them to). Refused when a file is missing or when this build of
        clearance would name it otherwise (executors must run the driver's version)."""
        for shipped, expected in (
            (self.index_file, index_path(directory, self.state_key)),
            (self.graph_file, graph_path(directory, self.state_key)),
        ):
            if shipped.name != expected.name:
                raise SnapshotError(
                    f"The executors run another build of clearance than the driver: they "
                    f"read the index as {expected.name}, the driver sent {shipped.name}. "
                    "Install the driver's version of clearance on the executors."
                )
            if not expected.is_file():
                raise SnapshotError(f"{expected.name} was not shipped to {directory}.")
        index = load_index(directory, self.state_key)
        graph = load_graph(directory, self.state_key)
        if index is None or graph is None:
            raise SnapshotError(f"The snapshot of state {self.state_key} cannot be read.")
        screener = Screener(index, Matcher(self.profile), profile=self.profile)
        screener.annotator = Exposure(graph, dict(self.rule_after))
        return screener
