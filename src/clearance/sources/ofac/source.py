"""OFAC's SDN list (``us-ofac-sdn``) and Consolidated non-SDN list (``us-ofac-cons``).

``read(path)`` accepts a folder or a file in any of OFAC's formats and detects which:

- legacy CSV: ``sdn.csv`` + ``add.csv``/``alt.csv``/``sdn_comments.csv`` (SDN) or
  ``cons_prim.csv`` + ``cons_add.csv``/``cons_alt.csv``/``cons_comments.csv`` (Consolidated),
  names in any case; a main file given alone (also gzipped, e.g. ``sdn-2024-05-01.csv.gz``,
  whose name gives the publication date) is read with the other files of the set that sit
  beside it;
- ``SDN.XML`` / ``CONSOLIDATED.XML`` (``sdnList``, old and new namespaces);
- ``SDN_ADVANCED.XML`` / ``CONS_ADVANCED.XML`` (``Sanctions``, the DistinctParty model).

In a folder holding several formats the advanced XML is read first, then the XML, then CSV.
Each format is read into OFAC records (:mod:`.records`) and mapped by :mod:`.mapping`.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from clearance.errors import ParseError
from clearance.sources.base import Dataset, Gates, Source
from clearance.sources.common import find_file, hash_files, localname
from clearance.sources.ofac.advanced import read_advanced
from clearance.sources.ofac.legacy_csv import CsvSet, read_set
from clearance.sources.ofac.mapping import map_entry
from clearance.sources.ofac.records import OfacEntry
from clearance.sources.ofac.sdn_xml import parse_xml, read_sdn_xml

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a list is read.

    Reading creates some 300,000 small acyclic objects; the collector's passes over them
    doubled the reading time of the SDN list. Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class OfacSource(Source):
    """What the SDN and Consolidated sources share; subclasses name their files."""

    consolidated: ClassVar[bool] = False
    #: main, address, alias and comments file names of the CSV set
    csv_names: ClassVar[tuple[str, str, str, str]]
    xml_names: ClassVar[tuple[str, ...]]
    advanced_names: ClassVar[tuple[str, ...]]
    #: file names (and name prefixes) of the other OFAC list, refused with a hint
    other_names: ClassVar[tuple[str, ...]]
    other_prefixes: ClassVar[tuple[str, ...]]
    other_source: ClassVar[str]
    base_url = _BASE_URL
    formats = ("ofac-csv", "ofac-xml", "ofac-advanced-xml")

    def read(self, path: Path) -> Dataset:
        path = Path(path)
        with _gc_paused():
            try:
                return self._read(path)
            except (ValueError, LookupError) as exc:
                # Readers check what they rely on and raise ParseError with the location;
                # this only keeps the promise that bad input raises nothing else.
                raise ParseError(str(path), None, f"unexpected content ({exc!r})") from exc
            except OSError as exc:
                raise ParseError(str(path), None, f"cannot read it ({exc})") from exc

    def _read(self, path: Path) -> Dataset:
        if path.is_dir():
            return self._read_folder(path)
        if not path.is_file():
            raise ParseError(str(path), None, "no such file or folder")
        name = path.name.lower()
        if name in self.other_names or name.startswith(self.other_prefixes):
            raise ParseError(
                str(path),
                None,
                f"this file belongs to the other OFAC list: load it as "
                f"{self.other_source}, not {self.id}",
            )
        if name in self.csv_names[1:]:
            raise ParseError(
                str(path),
                None,
                f"this is a secondary file of the CSV set: give "
                f"{self.csv_names[0]} or the folder that holds the set",
            )
        with path.open("rb") as fh:
            head = fh.read(64).lstrip()
        if head.startswith((b"<", b"\xef\xbb\xbf<")):
            return self._read_xml(path)
        return self._read_csv(self._csv_set(path.parent, path))

    def _read_folder(self, folder: Path) -> Dataset:
        for names in (self.advanced_names, self.xml_names):
            found = find_file(folder, *names)
            if found is not None:
                return self._read_xml(found)
        main = find_file(folder, self.csv_names[0])
        if main is None:
            hint = ""
            if find_file(folder, *self.other_names) is not None:
                hint = f" (it holds {self.other_source} files)"
            expected = ", ".join((*self.advanced_names, *self.xml_names, self.csv_names[0]))
            raise ParseError(
                str(folder), None, f"no {self.title} file found{hint}; expected one of {expected}"
            )
        return self._read_csv(self._csv_set(folder, main))

    def _csv_set(self, folder: Path, main: Path) -> CsvSet:
        _, add, alt, comments = self.csv_names
        return CsvSet(
            main=main,
            add=find_file(folder, add),
            alt=find_file(folder, alt),
            comments=find_file(folder, comments),
        )

    def _read_csv(self, files: CsvSet) -> Dataset:
        entries = read_set(files)
        # the legacy files carry no date: take it from a dated file or folder name
        match = _DATE_IN_NAME.search(files.main.name) or _DATE_IN_NAME.search(
            files.main.parent.name
        )
        return self._dataset(entries, "ofac-csv", match.group(1) if match else "", files.files())

    def _read_xml(self, path: Path) -> Dataset:
        root = parse_xml(path)
        root_name = localname(root.tag)
        if root_name == "Sanctions":
            entries, published = read_advanced(path, root)
            return self._dataset(entries, "ofac-advanced-xml", published, (path,))
        entries, published = read_sdn_xml(path, root)
        return self._dataset(entries, "ofac-xml", published, (path,))

    def _dataset(
        self, entries: list[OfacEntry], fmt: str, published: str, files: tuple[Path, ...]
    ) -> Dataset:
        entities = [map_entry(self.id, entry, self.consolidated) for entry in entries]
        stats = Counter(entity.schema for entity in entities)
        return Dataset(
            source=self.id,
            entities=entities,
            format=fmt,
            published=published,
            files=files,
            content_hash=hash_files(files),
            stats=dict(stats),
        )


class SdnSource(OfacSource):
    id = "us-ofac-sdn"
    title = "OFAC Specially Designated Nationals (SDN) list"
    # a complete SDN list has had more than 8,000 entries since 2015
    gates = Gates(min_entities=5000)
    remote_files = ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")
    csv_names = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    xml_names = ("sdn.xml",)
    advanced_names = ("sdn_advanced.xml",)
    other_names = (
        "cons_prim.csv",
        "cons_add.csv",
        "cons_alt.csv",
        "cons_comments.csv",
        "consolidated.xml",
        "cons_advanced.xml",
    )
    other_prefixes = ("cons_",)
    other_source = "us-ofac-cons"


class ConsSource(OfacSource):
    id = "us-ofac-cons"
    title = "OFAC Consolidated (non-SDN) list"
    consolidated = True
    gates = Gates(min_entities=100)
    remote_files = ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")
    csv_names = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    xml_names = ("consolidated.xml", "cons.xml")
    advanced_names = ("cons_advanced.xml",)
    other_names = (
        "sdn.csv",
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
        "sdn.xml",
        "sdn_advanced.xml",
    )
    # "sdn-2024-05-01.csv.gz" and the like
    other_prefixes = ("sdn",)
    other_source = "us-ofac-sdn"
