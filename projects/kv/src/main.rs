fn main() {
    let c = if std::env::args().any(|a| a == "large") {
        kv::bench::BenchConfig::large()
    } else {
        kv::bench::BenchConfig::small()
    };
    let dir = std::env::temp_dir().join("kvbench-tmp");
    let r = kv::bench::run(&c, &dir, &mut |p| {
        eprintln!("{}/{} {}", p.step, p.total, p.label)
    })
    .unwrap();
    print!("{}", r.table());
}
