"""The set-up commands of ``orderbridge`` (tenants, keys, connections, check).

Each is a thin layer over the same functions the admin API calls (``storage.admin``,
``services.setup``); ``orderbridge.cli`` mounts them. Output is for people by default
and JSON with ``--json``; errors are one line on stderr with a non-zero exit code.
"""
