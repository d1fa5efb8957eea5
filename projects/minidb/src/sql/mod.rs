//! SQL, as a pipeline of stages (each a module):
//!
//! 1. [`lexer`]: text → tokens with line and column.
//! 2. [`parser`]: tokens → a syntax tree ([`ast`]), by recursive descent.
//! 3. [`planner`]: syntax tree → a physical [`plan::Plan`]: names resolved to
//!    row positions ([`expr::BExpr`]), an access path chosen for each table
//!    (full scan, rowid range, index range), joins as nested loops that use an
//!    index on the inner table where an equality allows.
//! 4. [`executor`]: plan → a tree of pull-based iterators that stream rows,
//!    plus the writes (INSERT, UPDATE, DELETE) that keep indexes in step.
//!
//! `EXPLAIN` stops after stage 3 and shows the plan as a tree.

pub mod ast;
pub mod executor;
pub mod expr;
pub mod lexer;
pub mod parser;
pub mod plan;
pub mod planner;
