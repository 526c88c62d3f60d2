"""The REST API (FastAPI): screening with records, review, whitelist, lists, audit, keys, yente-compatible /match.

* :mod:`.app`     :func:`create_app` and every route (the table of routes and roles is in its docstring)
* :mod:`.auth`    API keys and role checks
* :mod:`.limits`  request-size limit and error handlers (no stack traces to clients)
* :mod:`.yente`   yente 5.5.0's routes (``/match``, ``/search``, ``/entities``, ``/catalog`` ...)
* :mod:`.yente_data` the live lists as yente sees them (FtM entities, datasets, catalogue)
* :mod:`.ftm`     FollowTheMoney schemata and value cleaning (``ftm_model.json``, built by :mod:`.ftm_build`)
* :mod:`.schemas` request and response bodies
"""
