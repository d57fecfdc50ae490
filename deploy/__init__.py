"""make cluster: PostgreSQL, app processes and HAProxy (deploy/README.md)."""
