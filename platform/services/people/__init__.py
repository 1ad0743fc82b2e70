"""People: one identity per national ID, their enrolments, employments and certificates."""
