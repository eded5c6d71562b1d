"""Calibration of Tandem's change flags: simulated wave pairs, false alarms and power.

`grid` lists the cells, `simulate` draws the sufficient statistics of wave pairs
for a cell, `methods` turns them into the published flags, `metrics` scores the
flags against the planted truth, and `run` prints the table (issue 19 §1;
docs/change-detection.md).
"""
