"""Signed webhooks: the outbox of domain events, endpoints, signing, the SSRF guard, delivery."""
