"""MAC addresses as inventories write them, and the IEEE registry lookup by longest prefix.

Pure functions. :func:`parse_mac` reads ``00:1B:C5:00:00:01``, ``00-1b-c5-00-00-01``,
``001b.c500.0001``, ``001BC5000001`` and EUI-64 forms (16 hex digits), and tells a locally
administered address (the second bit of the first octet set: assigned by software, not by a
maker) and a group (multicast, broadcast) address from a universally administered one.
:class:`MacRegistry` finds the assignment of an address: the MA-S (36-bit) block if there is
one, else MA-M (28-bit), else MA-L (24-bit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = str.maketrans("", "", ":-. \t")
_HEX_DIGITS = frozenset("0123456789ABCDEF")
#: hex digits of an assignment in each registry, longest first
PREFIX_DIGITS = (9, 7, 6)


@dataclass(frozen=True, slots=True)
class Mac:
    """A parsed address: its hex digits (12, or 16 for EUI-64) in upper case."""

    digits: str

    @property
    def text(self) -> str:
        """``AA:BB:CC:DD:EE:FF``."""
        d = self.digits
        if len(d) == 12:
            return f"{d[0:2]}:{d[2:4]}:{d[4:6]}:{d[6:8]}:{d[8:10]}:{d[10:12]}"
        return ":".join(d[i : i + 2] for i in range(0, len(d), 2))

    @property
    def first_octet(self) -> int:
        return int(self.digits[:2], 16)

    @property
    def local(self) -> bool:
        """Locally administered: assigned by software or an administrator, not a maker."""
        return bool(self.first_octet & 0x02)

    @property
    def group(self) -> bool:
        """A group (multicast or broadcast) address, never a device's own."""
        return bool(self.first_octet & 0x01)

    @property
    def null(self) -> bool:
        return not self.digits.strip("0")


def parse_mac(value: str) -> Mac | None:
    """The address in ``value``, or None if it is not one."""
    digits = value.translate(_SEPARATORS).upper()
    if digits.startswith("0X"):
        digits = digits[2:]
    if len(digits) not in (12, 16) or not _HEX_DIGITS.issuperset(digits):
        return None
    return Mac(digits)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One registered block: registry, prefix, the organisation and its address."""

    registry: str
    prefix: str
    organization: str
    address: str = ""
    #: ISO code of the organisation's country (from its address), "" if not known
    country: str = ""
    entity_id: str = ""


class MacRegistry:
    """Assignments by prefix; several organisations may hold one prefix (IEEE assigned a few
    MA-L blocks twice)."""

    def __init__(self, assignments: Iterable[Assignment] = ()) -> None:
        self.by_prefix: dict[str, tuple[Assignment, ...]] = {}
        for item in assignments:
            self.by_prefix[item.prefix] = (*self.by_prefix.get(item.prefix, ()), item)

    def __len__(self) -> int:
        return len(self.by_prefix)

    def lookup(self, mac: Mac) -> tuple[Assignment, ...]:
        """The assignments of the longest registered prefix of ``mac`` (empty: none)."""
        digits = mac.digits
        for size in PREFIX_DIGITS:
            found = self.by_prefix.get(digits[:size])
            if found:
                return found
        return ()
