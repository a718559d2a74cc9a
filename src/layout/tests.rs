//! Unit tests of the engine: determinism, pins, warm start, settling, the runner.
