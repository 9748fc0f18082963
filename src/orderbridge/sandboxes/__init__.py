"""Local, high-fidelity emulators of the external systems the hub talks to.

They stand apart from the hub (import-linter checks it): a client written for the real
service must work against a sandbox unchanged, so nothing of the hub leaks in.
"""
