"""The pipeline ``make demo`` runs: every role of the system as a real process on 127.0.0.1."""
