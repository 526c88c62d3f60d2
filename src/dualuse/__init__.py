"""dualuse: screen shipments against China's dual-use export controls.

The pipeline, one package per stage:

    input -> refdata -> matching -> classification -> rules -> decision -> output

See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
