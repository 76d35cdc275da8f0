"""The predicate register: every WBK/WBBM a unit was awarded, by decree, and its revocation.

A unit's current predicate, the WBBM precondition ("holds WBK") and the two-year ban after a revocation are all
read from here (:mod:`zi.predicates.selectors`). Awards arrive from the TPN result flow (``zi.workflow``) or
from an import of past decrees (:mod:`zi.predicates.importer`).
"""
