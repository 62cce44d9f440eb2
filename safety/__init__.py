"""The shared kernel and the composition root of the safety tracker."""

import os

# Piccolo finds its engine through this module; set it before any table is used so the
# `safety` command works from any directory, not only the project root.
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
