"""Runs one test class (module.Class) for ctest; exits 77 (ctest's SKIP) when
every test in it was skipped, saying why."""
import os
import sys
import unittest

# The test modules are in the working directory (ctest's, e.g. tests/notify),
# the harness (lbtest) next to this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.getcwd())

suite = unittest.defaultTestLoader.loadTestsFromName(sys.argv[1])
result = unittest.TextTestRunner(verbosity=2).run(suite)
if not result.wasSuccessful():
    sys.exit(1)
if result.testsRun and len(result.skipped) == result.testsRun:
    for _, reason in result.skipped:
        print("skipped: " + reason)
    sys.exit(77)
