"""Risk grading and control (安全风险分级管控): risk points, LEC/LS grading, the enterprise's
colour roll-up, and risk-based inspection planning."""
