"""The reviewer's workplace: a server-rendered web application (FastAPI + Jinja2 + htmx).

Mounted by the API app under :data:`PREFIX` (``/app``), so ``dualuse serve``
serves both. Everything it needs ships in the package (templates, CSS,
htmx 2 under its 0BSD licence): it works offline. People sign in with a
user name and password (``dualuse users add``; :mod:`dualuse.service.users`)
and have the API's roles. Every page goes through the service layer.

Modules, one job each:

* :mod:`.app`        build the sub-application, security headers, error pages
* :mod:`.context`    the signed-in user, roles, CSRF, language, rendering
* :mod:`.formatting` dates and numbers per locale (Babel)
* :mod:`.charts`     server-side SVG charts
* :mod:`.jobs`       background screening of uploaded files, with progress
* :mod:`.routes`     the pages
"""

from __future__ import annotations

PREFIX = "/app"
