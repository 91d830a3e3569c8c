"""The ``zkvct`` command line (click)."""
