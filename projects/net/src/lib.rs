//! Phase 3: a tokio server and client speaking RESP2 (being built; see issue 13).
