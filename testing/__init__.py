"""Tooling shared by tests/ and bench/: the launcher of the servers they start (servers.py)."""
