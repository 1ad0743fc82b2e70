"""Selections (评选): a round per award policy, from the call to the grants within its quota."""
