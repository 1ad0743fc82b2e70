"""API clients: scoped keys an organisation's admin issues, their scopes, idempotent POSTs."""
