"""Self-inspection (企业自查): an enterprise inspects itself with a checklist of the
library, outside any campaign; its hazards are ``self_report``. The API and pages here
start and list them; the walk is the inspector's (``rules.may_walk``)."""
