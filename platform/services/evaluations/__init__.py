"""Evaluations and outcome: rubrics, self-assessment, host ratings, report, certificate, employment."""
