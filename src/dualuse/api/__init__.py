"""The REST API (FastAPI): screening with records, review, whitelist, lists, audit, keys, yente-compatible /match.

* :mod:`.app`     :func:`create_app` and every route (the table of routes and roles is in its docstring)
* :mod:`.auth`    API keys and role checks
* :mod:`.limits`  request-size limit and error handlers (no stack traces to clients)
* :mod:`.yente`   ``POST /match/{dataset}`` in yente's request and response shape
* :mod:`.schemas` request and response bodies
"""
