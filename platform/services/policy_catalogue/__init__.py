"""The public catalogue of the policy packs: every policy, its terms, and how it is claimed."""
