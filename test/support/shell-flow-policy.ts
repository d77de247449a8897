/**
 * A data-flow check for the cross-module tests: a route_* function's parameters are request data, and
 * subprocess.run(..., shell=True) is the sink. `policyWith` adds checks of a test's own after it.
 */
import { parsePolicy } from "../../lib/engine/rulebook.ts";

const ROUTE_SHELL_CHECK = `
  - id: test.request.shell
    severity: critical
    message: "Request data ({{SOURCE}}) reaches {{CALL}}{{VIA}}."
    files: ["**/*.py"]
    prefilter: [route]
    sinkPrefilter: [{ regex: 'shell\\s*=' }]
    match:
      language: python
      taint:
        sources: [{ kind: identifier, inside: { kind: parameters, inside: { kind: function_definition, has: { field: name, regex: "^route_" } } } }]
        sinks: [{ kind: call, all: [{ has: { field: function, regex: "^subprocess\\\\.run$" } }, { has: { field: arguments, has: { kind: keyword_argument, regex: "^shell=True$" } } }] }]
`;

export function routeShellPolicy(moreChecks = "") {
  return parsePolicy(
    `
policy: Cross-module test
framework: ml-serving
level: critical
references: [CWE-78]
why: test
remediation: test
checks:${ROUTE_SHELL_CHECK}${moreChecks}`,
    "cross.policy.yaml",
  );
}
