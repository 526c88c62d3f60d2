"""Pydantic models shared by every stage of the pipeline.

* :mod:`dualuse.models.shipment`  the input (shipments, parties, item lines)
* :mod:`dualuse.models.reference` reference data (list entries, control entries)
* :mod:`dualuse.models.decision`  the output (hits, reasons, decisions)
"""
