"""Apprenticeship programmes: filing, enrolment, progress and assessment, training agreements."""
