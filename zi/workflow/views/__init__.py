"""The workflow's pages, one module per concept: ``journey`` (the journey list and page, decisions, the lanes side
by side), ``returns`` (return notes per question), ``lhe`` (the TPI's LHE), ``manage`` (participation,
declaration, teams, calendar, proposal, result, dossier) and ``monitoring`` (after the predicate). Thin: scoped
loads (404), ``access.may`` for the page (403), services for writes."""
