//! Phase 4: a disk-based database with B+tree indexes and a SQL subset (being built; see issue 14).
