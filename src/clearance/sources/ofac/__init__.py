"""OFAC's SDN list (``us-ofac-sdn``) and Consolidated non-SDN list (``us-ofac-cons``).

One package for the one database OFAC publishes in several formats:

- :mod:`.records`: OFAC's own record model, shared by every format;
- :mod:`.legacy_csv`, :mod:`.sdn_xml`, :mod:`.advanced`: the readers of the legacy CSV set,
  ``SDN.XML``/``CONSOLIDATED.XML`` and the advanced XML, each into records;
- :mod:`.remarks`: the facts packed into the remarks of the CSV files;
- :mod:`.mapping`: records to :class:`~clearance.model.Entity`, one mapping for every format;
- :mod:`.source`: the two sources, which detect the format of a file or folder.
"""

from clearance.sources.ofac.source import ConsSource, OfacSource, SdnSource

__all__ = ["ConsSource", "OfacSource", "SdnSource"]
