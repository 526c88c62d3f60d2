"""Compliance services on top of the screening engine and the store.

One module per job:

* :mod:`.versions`       stored list versions, the live one, files for screening
* :mod:`.screening`      screen against the live version and record it; open alerts
* :mod:`.counterparties` stored counterparties and their blocking keys
* :mod:`.alerts`         the review queue, decisions, the whitelist, shipment status
* :mod:`.updates`        ``lists update``: load, validate, store, diff, re-screen
* :mod:`.ftm`            FollowTheMoney JSON-lines updates
* :mod:`.diff`           what changed between two versions
* :mod:`.rescreen`       re-screening only what a list update changed
* :mod:`.audit`          verify and export the audit records
* :mod:`.keys`           API keys and roles
"""

from __future__ import annotations

import getpass
import os

ACTOR_ENV = "DUALUSE_ACTOR"


def default_actor() -> str:
    """Who is acting on the command line: ``$DUALUSE_ACTOR``, else the operating-system user."""
    actor = os.environ.get(ACTOR_ENV, "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "unknown"
