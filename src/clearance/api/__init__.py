"""The HTTP API (FastAPI): imported only by ``clearance serve`` and tests.

``create_app(settings)`` in :mod:`clearance.api.app` is the composition root.
"""

from clearance.api.app import create_app

__all__ = ["create_app"]
