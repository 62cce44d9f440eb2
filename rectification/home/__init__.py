"""首页 = my queue: each role's home page shows what waits for the user, each count a link
to the filtered list it counts, each listed item one tap from its action.

  rules.py     which enterprise queue an open hazard is in (pure)
  queries.py   the counts and short lists of each home: a fixed, small number of statements
  pages.py     the ``/`` page
  messages.py  its messages (zh/en)

Developer notes: docs/home.md.
"""
