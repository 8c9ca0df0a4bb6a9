"""调解员 area: the roster, the mediator form, grading evidence and the assessment."""
