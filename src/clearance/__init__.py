"""clearance: sanctions and export-control screening.

Layering (arrows point down, never up):

    cli/ api/                         interfaces: decode, call one service, encode
    exposure/                         ownership rules and equipment, on top of screening
    screen.py queries.py screen_batch.py screen_io.py
                                      the screening path: rows and requests -> queries ->
                                      candidates -> scores -> matches; files in and out
    catalog.py store/ sources/ index/ I/O: SQLite, list files, downloads, persisted indexes
    match/ text/ model.py             pure logic and the one data model
"""

__version__ = "0.1.0"
