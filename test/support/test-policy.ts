/**
 * A small rulebook independent of the real one, so engine tests do not move when rules change; the reliability
 * bench scans with it too (its eval() check makes findings cheap to produce in bulk).
 */
export const TEST_POLICY = `
policy: Test Policy
framework: modal
level: strict
references: [CWE-94]
why: Because.
remediation: Do not.
checks:
  - id: test.python.eval
    severity: high
    message: eval of {{ARG}}
    files: ["**/*.py"]
    match:
      language: python
      rule: { pattern: "eval($ARG)" }
  - id: test.python.secret
    severity: critical
    message: "{{NAME}} is set to {{VALUE}}"
    files: ["**/*.py"]
    match:
      language: python
      redact: [VALUE]
      rule:
        kind: assignment
        all:
          - has: { field: left, pattern: $NAME, regex: "(?i)key|token" }
          - has: { field: right, kind: string, pattern: $VALUE }
  - id: test.python.timeout
    severity: low
    message: timeout {{T}} is too long
    files: ["**/*.py"]
    match:
      language: python
      where: { T: { gt: 60 } }
      rule:
        kind: keyword_argument
        all:
          - has: { field: name, regex: "^timeout$" }
          - has: { field: value, pattern: $T }
  - id: test.props.bind-all
    severity: medium
    message: bound to {{host}}
    files: ["**/*.properties"]
    match:
      language: regex
      pattern: '^\\s*address\\s*=\\s*(?<host>0\\.0\\.0\\.0)'
      unless: '^\\s*auth\\s*=\\s*on'
`;
