//! Placeholder until the binding is written.
