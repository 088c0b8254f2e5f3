// The file `netra-start init` writes: commented, valid, and runnable with only a shell.
export const STARTER_CONFIG = `# yaml-language-server: $schema=./netra-start.schema.json
# netra-start config. Reference: docs/config.md in the netra-start package; \`netra-start schema\` prints the JSON Schema.
# Run \`netra-start plan\` to see the order, \`netra-start up\` to start everything.
version: 1

settings:
  concurrency: 4          # stages running at once
  degraded: allow         # non-critical stages may fail without failing the run
  rollback: true          # undo what started when a critical stage fails

defaults:                 # applied to every stage unless it says otherwise
  timeout: 60s
  retries: 2
  backoff: { initial: 1s, max: 10s }

stages:
  check-env:
    description: Check that the tools we need are installed
    command: node --version
    requires:
      commands: [node]

  prepare-dirs:
    description: Create working directories
    depends_on: [check-env]
    command: mkdir -p tmp/data
    cleanup: rm -rf tmp/data

  warm-cache:
    description: Optional warm-up; the start is "degraded" if it fails
    priority: low
    depends_on: [check-env]
    command: echo warming cache

  app:
    description: The application, ready when its health check passes
    depends_on: [prepare-dirs]
    command: [node, -e, "console.log('app ready')"]
    health:
      command: test -d tmp/data
      interval: 500ms
      retries: 5
`;
