//! Phase 1: a command-line project-management tool (being built; see issue 12).
