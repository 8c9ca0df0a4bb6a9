"""案件: the list of people's-mediation cases and the case form (受理 to 立卷归档)."""
