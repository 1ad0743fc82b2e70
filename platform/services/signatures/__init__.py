"""Signatures: re-authentication, signing one version's hash, and verifying a file or a hash."""
