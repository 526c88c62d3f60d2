"""``python -m dualuse`` runs the command line."""

from dualuse.cli.app import main

main()
