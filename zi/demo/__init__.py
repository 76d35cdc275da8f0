"""Demo data (``zi seed_demo``): the top layer of the house, allowed to drive every app's services.

One module per app it seeds (``organisations``, ``assessments``, ``programme``, ``surveys``, ``workflow``);
:func:`zi.demo.organisations.build_demo` runs them in order in one transaction.
"""
