"""Importers: bring the lists up to date from what is published, as proposals a person reviews.

* :mod:`.pages`        a saved notice page (HTML or text) as lines and table rows
* :mod:`.mofcom`       a MOFCOM/MFA announcement or order: instrument, list, measure, entities
* :mod:`.opensanctions` OpenSanctions' China sanctions data (``sanctions.csv`` or its FtM export)
* :mod:`.propose`      what was read, resolved against the live data, as a proposal
* :mod:`.proposal`     the proposal file and how it is applied (``dualuse lists update``)
* :mod:`.crosscheck`   what our lists and such a file each have that the other lacks

Nothing here changes the live lists: ``dualuse lists update PROPOSAL`` does, with
its validation, re-screening and audit.
"""
