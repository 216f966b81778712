#[test]
fn dump() {
    let dir = std::path::Path::new("tests/fixtures/profiles");
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    names.sort();
    names.push(dir.join("child/clinic.yaml"));
    for p in names {
        let t = std::time::Instant::now();
        let r = match std::panic::catch_unwind(|| hicp::profile::load(&p)) { Ok(r) => r, Err(_) => { println!("PANIC {}", p.display()); continue; } };
        let el = t.elapsed();
        println!("##### {} ({:?})", p.display(), el);
        match r {
            Ok(l) => println!("OK size={:?} rule={}", l.size, l.size_rule),
            Err(e) => println!("{e}"),
        }
    }
}
