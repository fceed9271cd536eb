"""One shipped scenario meets its own expectations through `softbms sim --json`: exit 0, every
expectation passed, at least one checked, and the summary carries the parts a user reads.
tests/CMakeLists.txt registers it once per file in scenarios/ (ctest -R scenario_), so the
scenarios run in parallel and a failure names its scenario.

Run: python3 tests/scenario_check.py build/test/app/softbms scenarios/short_circuit.yaml
"""
import json
import subprocess
import sys

SUMMARY_PARTS = ("events", "max_cell_mv", "min_cell_mv", "final", "soc", "energy", "balancer")


def main(binary, path):
    r = subprocess.run([binary, "sim", path, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: softbms sim exited %d\n%s" % (path, r.returncode, r.stderr))
    s = json.loads(r.stdout)
    expectations = s["expectations"]
    if not expectations["passed"]:
        sys.exit("%s: failed expectations: %s" % (path, expectations["failed"]))
    if expectations["checked"] <= 0:
        sys.exit("%s: no expectation was checked" % path)
    missing = [k for k in SUMMARY_PARTS if k not in s]
    if missing:
        sys.exit("%s: the summary lacks %s" % (path, ", ".join(missing)))
    print("%s: %d expectations hold" % (path, expectations["checked"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
