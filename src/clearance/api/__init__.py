"""The HTTP API (FastAPI): its routes, services and models, imported only by the service and tests.

The composition root that assembles the API, the analyst's web pages and the background work
into one app is :func:`clearance.server.create_app`, a layer above both.
"""
