/** A one-check rulebook for the fault scenarios: every eval() call is a finding, so findings are cheap to make in bulk. */
export const TEST_POLICY_TEXT = `
policy: Reliability Bench
framework: modal
level: strict
references: [CWE-94]
why: Because.
remediation: Do not.
checks:
  - id: bench.python.eval
    severity: high
    message: eval of {{ARG}}
    files: ["**/*.py"]
    match:
      language: python
      rule: { pattern: "eval($ARG)" }
`;
