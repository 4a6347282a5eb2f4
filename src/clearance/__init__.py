"""clearance: sanctions and export-control screening.

Layering (arrows point down, never up):

    cli.py / api/            interfaces: decode, call one service, encode
    screen.py / monitor.py   services
    store/ sources/ index/   I/O: SQLite, files, HTTP downloads, persisted indexes
    match/ text/ model.py    pure logic and the one data model
"""

__version__ = "0.1.0"
