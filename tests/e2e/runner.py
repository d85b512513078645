"""Runs every tests/e2e/test_*.py with unittest and prints one summary
line "e2e: N passed, N failed" for tests/run.sh."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sys.path.insert(0, HERE)
    only = sys.argv[1:]  # optional test name patterns, e.g. test_validate
    loader = unittest.TestLoader()
    if only:
        suite = unittest.TestSuite(
            loader.loadTestsFromName(name) for name in only)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    print("e2e: %d passed, %d failed, %d skipped"
          % (passed, failed, len(result.skipped)))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
