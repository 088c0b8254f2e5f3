{
  "targets": [
    {
      "target_name": "netra_spawn",
      "sources": ["netra_spawn.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [["OS!='linux'", { "type": "none", "sources!": ["netra_spawn.c"] }]]
    }
  ]
}
