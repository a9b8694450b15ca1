//! Lessons 9 to 16: what the engine models beyond the first eight.
