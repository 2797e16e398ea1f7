"""axe-core in the page under test, through our WebDriver client: the rules' violations of the
impacts that block people (serious, critical). The script comes from the axe-selenium-python
package (PyPI), which bundles axe-core; Selenium itself is not used."""

import importlib.util
import os

_AXE = os.path.join(importlib.util.find_spec("axe_selenium_python").submodule_search_locations[0],
                    "node_modules", "axe-core", "axe.min.js")
with open(_AXE, encoding="utf-8") as _file:
    AXE_SOURCE = _file.read()

BLOCKING = ("serious", "critical")


def blocking_violations(browser):
    """Runs axe-core on the current page; each serious or critical violation as "rule: target (summary)"."""
    browser.script(AXE_SOURCE)
    violations = browser.run_async(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(result => done(result.violations), error => done([{id: 'axe failed', impact: 'critical',"
        " nodes: [{target: [String(error)], failureSummary: ''}]}]));")
    return [f"{v['id']} ({v['impact']}): {node['target']} — {node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}"
            for v in violations if v["impact"] in BLOCKING for node in v["nodes"]]
