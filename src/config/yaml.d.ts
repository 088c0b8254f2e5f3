// Types of dist/config/yaml.js: the yaml package bundled into one module at build time
// by scripts/build-vendor.mjs (its ~75 CommonJS files took 45–95 ms to load).
export * from "yaml";
