"""Grid patrol (网格巡查): the grid worker's 随手拍 reports and the officer's triage; the
patrol log (网格日志) lives beside them."""
