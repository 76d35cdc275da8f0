"""Demo data (``zi seed_demo``): the top layer of the house, allowed to drive every app's services.

One module per app it seeds (``organisations``, ``predicates``, ``assessments``, ``programme``, ``surveys``,
``workflow``), then ``story`` (what makes the whole tell the seeds' story: docs/demo.md);
:func:`zi.demo.organisations.build_demo` runs them in order in one transaction.
"""
