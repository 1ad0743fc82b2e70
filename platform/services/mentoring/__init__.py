"""名师带徒 agreements, their monthly allowance ledger, and the annual education-fund return."""
