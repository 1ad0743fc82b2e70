"""Skill competitions (技能竞赛): records, participants, results and the organiser's subsidy."""
