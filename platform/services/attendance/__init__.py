"""Attendance: daily check-in and check-out, hours with their N7 flags, leave."""
